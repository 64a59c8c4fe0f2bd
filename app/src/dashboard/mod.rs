//! The dashboard: every KPI of the brief computed on the server, once, for the page and for
//! `GET /api/customer-service/dashboard`. `domain` holds the definitions (pure: ranges in Algiers
//! days, percentiles, business time, speed to call, Gini, rates), `db` the counting SQL, `service`
//! the front door (supervisors see the shop, agents their own figures), `api` the server functions,
//! `ui` the page, its SVG charts and the drill-down lists. The README defines every figure.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::agents::AgentPerformance;
use crate::error::ErrorCode;

text_enum!(
    /// The size of the series' buckets, and of the period compared with the previous one.
    Period, ErrorCode::PeriodInvalid, "period" {
        Day => "day",
        Week => "week",
        Month => "month",
    }
);

/// What an admin sets for the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DashboardSettings {
    /// The speed-to-call deadline, minutes of business time (1..=600).
    pub speed_to_call_minutes: i32,
    /// Final outcomes an agent needs in a period to be ranked (1..=100 000).
    pub ranking_min_volume: i32,
}

/// The dates asked for, as the server understood them (Algiers dates, `to` included), and the
/// previous period of the same length the figures are compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RangeDto {
    /// `YYYY-MM-DD`, Algiers.
    pub from: String,
    /// `YYYY-MM-DD`, Algiers, included.
    pub to: String,
    pub period: Period,
    pub previous_from: String,
    pub previous_to: String,
}

/// The work waiting right now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pending {
    /// Open, with no agent, not held as a duplicate.
    pub unassigned: i64,
    /// With an agent, never attempted.
    pub assigned_not_started: i64,
    /// Attempted at least once, not due again yet.
    pub in_progress: i64,
    /// A callback or retry whose time has come.
    pub callbacks_due: i64,
    /// Held as a likely duplicate, waiting for a supervisor.
    pub held_duplicates: i64,
    /// Never called and past the speed-to-call deadline (business time) now.
    pub past_deadline: i64,
    /// All open orders.
    pub open: i64,
}

/// Orders received and closed over a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Created in the period.
    pub received: i64,
    /// Closed in the period as confirmed.
    pub confirmed: i64,
    /// Closed in the period as failed (cancelled, wrong number, unreachable, duplicate…).
    pub failed: i64,
    /// Closed in the period as abandoned (the attempt policy gave up).
    pub abandoned: i64,
    /// confirmed + failed + abandoned.
    pub closed: i64,
    /// confirmed / closed, 0..1 (None when nothing closed).
    pub confirmation_rate: Option<f64>,
}

/// One bucket of the daily, weekly or monthly series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Bucket {
    /// First Algiers date of the bucket, `YYYY-MM-DD`.
    pub start: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// Failed orders closed in the period, by the status they ended in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReasonCount {
    pub status: String,
    /// The status's label in the caller's language.
    pub label: String,
    pub color: String,
    pub count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Confirmation {
    pub current: Totals,
    pub previous: Totals,
    pub series: Vec<Bucket>,
    pub failed_by_reason: Vec<ReasonCount>,
}

/// From an order's creation to its first contact attempt by an agent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Response {
    /// Orders created in the period that were called.
    pub first_contacts: i64,
    /// Seconds, wall clock.
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    /// Seconds of business hours only (the night and the weekend do not count).
    pub median_business_seconds: Option<f64>,
    pub p90_business_seconds: Option<f64>,
    /// The speed-to-call deadline, minutes of business time.
    pub deadline_minutes: i32,
    /// Orders created in the period whose deadline has come (called, or past it uncalled).
    pub due: i64,
    /// Of those, called within the deadline.
    pub within_deadline: i64,
    /// within_deadline / due, 0..1.
    pub speed_to_call: Option<f64>,
}

/// Time on attempts against time available, and how evenly the open work is spread.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Utilisation {
    /// Seconds on attempts (the calls' recorded durations) in the period.
    pub busy_seconds: i64,
    /// Seconds in the "available" presence state in the period.
    pub available_seconds: i64,
    /// busy / available, 0..1.
    pub utilisation: Option<f64>,
    /// Agents available now.
    pub available_agents: i64,
    /// Gini coefficient of open orders among the agents available now (0 even … 1 all on one).
    pub workload_gini: Option<f64>,
}

/// What the product knows of the customers' satisfaction; nothing is invented.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    /// Orders confirmed in the period.
    pub confirmed: i64,
    /// Orders whose courier outcome came in the period: delivered, and returned or refused.
    pub delivered: Option<i64>,
    pub returned_or_refused: Option<i64>,
    /// Customers' own answers to a message (WhatsApp buttons) in the period.
    pub customer_answers: i64,
    pub customer_confirmed: i64,
    pub customer_cancelled: i64,
    /// Customers flagged in the period for refusing a delivery or a fake order.
    pub refusal_flags: i64,
    /// delivered / (delivered + returned or refused); None without outcomes in the period.
    pub delivered_rate: Option<f64>,
    /// customer_confirmed / customer_answers.
    pub answer_confirmation_rate: Option<f64>,
}

/// Duplicate detection accuracy from the reviewers' decisions (all time) and the period's flags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Duplicates {
    /// Pairs flagged (at the review threshold) in the period.
    pub flagged: i64,
    /// Pairs waiting for a decision now.
    pub open: i64,
    pub decided: i64,
    pub confirmed_duplicates: i64,
    /// Decided "not a duplicate" or "same customer, another order".
    pub rejected: i64,
    /// Orders closed as duplicate that detection never flagged.
    pub missed: i64,
    /// confirmed / decided.
    pub precision: Option<f64>,
    /// rejected / decided: the share of flags the reviewers turned down.
    pub false_positive_rate: Option<f64>,
    /// missed / (confirmed + missed): the share of real duplicates detection did not see.
    pub false_negative_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassCount {
    /// The effective class (an override while it lasts).
    pub class: String,
    pub customers: i64,
}

/// The best and the weakest agents by success rate, among those with enough closed orders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rankings {
    /// Final outcomes an agent needs in the period to be ranked.
    pub min_volume: i64,
    pub top: Vec<AgentPerformance>,
    pub bottom: Vec<AgentPerformance>,
    /// Agents with too few outcomes to rank.
    pub unranked: i64,
}

/// Messages created in the period and what they cost (zero before any was sent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessagingCost {
    pub messages: i64,
    pub delivered: i64,
    pub failed: i64,
    pub segments: i64,
    /// Centimes of DZD, as the providers reported.
    pub cost_centimes: i64,
}

/// Every widget's figures in one document (`GET /api/customer-service/dashboard`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Set when the figures are one agent's own (an agent asking).
    pub agent_id: Option<i64>,
    pub range: Option<RangeDto>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub generated_at: Option<OffsetDateTime>,
    pub pending: Pending,
    pub confirmation: Confirmation,
    pub response: Response,
    pub utilisation: Utilisation,
    pub satisfaction: Satisfaction,
    /// Supervisors and admins only.
    pub duplicates: Option<Duplicates>,
    pub classes: Option<Vec<ClassCount>>,
    pub rankings: Option<Rankings>,
    pub messaging: Option<MessagingCost>,
}

text_enum!(
    /// The lists behind the numbers (the drill-downs), each exported as CSV too.
    DrillList, ErrorCode::BadRequest, "list" {
        PastDeadline => "past_deadline",
        Unassigned => "unassigned",
        CallbacksDue => "callbacks_due",
        Held => "held",
        Received => "received",
        Confirmed => "confirmed",
        Failed => "failed",
        Abandoned => "abandoned",
    }
);

/// One order of a drill-down list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrillOrder {
    pub id: i64,
    pub number: String,
    pub customer_name: String,
    pub phone: String,
    pub wilaya: i16,
    pub total_dzd: i64,
    pub status: String,
    pub status_label: String,
    pub agent_name: Option<String>,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
}

/// A drill-down list: the orders behind one number (at most `limit`; `total` says how many).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrillDown {
    pub total: i64,
    pub orders: Vec<DrillOrder>,
}
