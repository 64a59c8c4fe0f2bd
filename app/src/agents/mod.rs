//! Agents as routing sees them: profiles (languages, wilayas, shifts, limits), presence, the
//! auto-assignment runs and their reasons (and the jobs that run them), performance and rankings.
//! The routing decision itself is the pure `routing` crate; `domain` holds the pure rules around
//! it (on-shift rules, business hours, profile validation), `db` the SQL, `service` (server
//! only) the workflows shared by the server functions and the REST API, `ui` the screens.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::ErrorCode;

pub use routing::{Language, NoAgent, Relaxation, TieBreak, Why};

text_enum!(
    /// Whether an agent takes orders now.
    Presence, ErrorCode::PresenceUnknown, "state" {
        Available => "available", Paused => "paused", Offline => "offline",
    }
);

text_enum!(
    /// Why orders went back to the pool.
    ReturnCause, ErrorCode::BadRequest, "cause" {
        WentOffline => "went_offline", ShiftEnded => "shift_ended", Deactivated => "deactivated",
        RoleChanged => "role_changed",
    }
);

/// Why an order is where it is: the last routing decision about it, shown to agents and
/// supervisors (translated on screen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoutingNote {
    /// Auto-assignment chose this agent.
    Assigned { agent_id: i64, why: Why },
    /// Nobody could take it at the last run.
    Unassigned { reason: NoAgent, relaxed: Vec<Relaxation> },
    /// A supervisor assigned it by hand.
    Manual,
    /// Its agent went offline or off shift before starting it.
    Returned { cause: ReturnCause },
}

impl From<routing::Outcome> for RoutingNote {
    fn from(outcome: routing::Outcome) -> Self {
        match outcome {
            routing::Outcome::Assigned { agent_id, why } => RoutingNote::Assigned { agent_id, why },
            routing::Outcome::Unassigned { reason, relaxed } => RoutingNote::Unassigned { reason, relaxed },
        }
    }
}

/// A language an agent speaks, 1 (basic) to 5 (native).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LanguageSkill {
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "ar-DZ"))]
    pub language: Language,
    pub proficiency: u8,
}

/// A weekly working window in Algiers time (ISO weekday 1 = Monday … 7 = Sunday; minutes from
/// local midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShiftDto {
    pub weekday: u8,
    pub start_minute: u16,
    pub end_minute: u16,
}

/// A holiday exception.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayOff {
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-12-25"))]
    pub day: Date,
    #[serde(default)]
    pub reason: String,
}

/// The brief's `agentInfo.preferences`: languages, provinces (wilayas), working hours, limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Preferences {
    pub languages: Vec<LanguageSkill>,
    /// Wilaya codes covered; empty = all.
    #[serde(rename = "provinces")]
    pub wilayas: Vec<i16>,
    /// Weekly shifts in Algiers time.
    #[serde(rename = "workingHours")]
    pub shifts: Vec<ShiftDto>,
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    pub max_orders_per_day: i32,
    pub max_open_orders: i32,
}

/// What a supervisor edits (the brief's `agentInfo` without the figures).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileInput {
    pub is_confirmation_agent: bool,
    pub preferences: Preferences,
    /// The version the edit was made from (the profile's `version`): a save over a newer one is
    /// `409 conflict`. Without it the save is unconditional (older clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// The brief's `performance` block, over the last 30 days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PerformanceSummary {
    pub total_confirmations: i64,
    /// Confirmed / final outcomes, 0..1.
    pub success_rate: f64,
    /// Seconds from assignment to first attempt.
    pub average_response_time: Option<f64>,
    /// 1..5 stars from the success rate and response time.
    pub rating: f64,
}

/// An agent as the agents page and `GET …/agents/{id}` show them (the brief's `agentInfo`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentProfile {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub is_confirmation_agent: bool,
    pub preferences: Preferences,
    pub presence: Presence,
    pub presence_reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub presence_since: OffsetDateTime,
    pub on_shift_now: bool,
    pub open_orders: i64,
    pub assigned_today: i64,
    pub performance: PerformanceSummary,
    /// Changes with every save of the profile (send it back with the next edit).
    #[serde(default)]
    pub version: i32,
}

/// One order placed by an auto-assign run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoutedOrder {
    pub order_id: i64,
    pub number: String,
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    /// The decision with its reason (`kind`: `assigned` or `unassigned`).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub note: RoutingNote,
}

/// What an auto-assign run did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AutoAssignReport {
    pub assigned: i64,
    pub unassigned: i64,
    /// Agents considered (confirmation agents, active).
    pub agents: i64,
    /// Every decision, in service order (at most 500 listed; the counts are complete).
    pub orders: Vec<RoutedOrder>,
    /// Milliseconds the run took (read, decide, write).
    pub took_ms: i64,
}

/// One agent's figures over a period (the rankings page and `GET …/agents/performance`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentPerformance {
    pub agent_id: i64,
    pub name: String,
    pub rank: i64,
    pub orders_assigned: i64,
    pub attempts: i64,
    pub confirmations: i64,
    pub final_outcomes: i64,
    /// Confirmed / final outcomes, 0..1 (None without final outcomes).
    pub success_rate: Option<f64>,
    /// Seconds from order creation to its first attempt.
    pub avg_response_from_creation: Option<f64>,
    /// Seconds from assignment to first attempt.
    pub avg_response_from_assignment: Option<f64>,
    /// Seconds.
    pub avg_attempt_duration: Option<f64>,
    /// Seconds available in the period.
    pub available_seconds: i64,
    /// Time on attempts / time available, 0..1 (None when never available).
    pub utilisation: Option<f64>,
}

/// Routing settings an admin changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoutingSettings {
    pub drop_wilaya_after_minutes: Option<i32>,
    pub any_arabic_after_minutes: Option<i32>,
    pub inactivity_minutes: i32,
    pub business_start_minute: i16,
    pub business_end_minute: i16,
    pub business_days: Vec<i16>,
    /// As read; a save naming an older one is `409 conflict` (without it: unconditional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// One attempt behind an agent's figures (the rankings drill-down).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentAttempt {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub status_after: String,
    pub method: String,
    pub duration_ms: i32,
    /// The order's first attempt (it counts in the response times).
    pub first_of_order: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Parses a `from`/`to` period (RFC 3339); a bad one is `period_invalid`.
pub fn parse_period(from: &str, to: &str) -> Result<(OffsetDateTime, OffsetDateTime), crate::error::AppError> {
    use time::format_description::well_known::Rfc3339;
    let bad = |field| crate::error::AppError::field(ErrorCode::PeriodInvalid, field);
    let from = OffsetDateTime::parse(from.trim(), &Rfc3339).map_err(|_| bad("from"))?;
    let to = OffsetDateTime::parse(to.trim(), &Rfc3339).map_err(|_| bad("to"))?;
    Ok((from, to))
}
