//! Confirmation statuses are data, not an enum: each has labels in three languages, a colour, one
//! of the brief's five categories and meaning flags; transitions say who may move an order from
//! one status to another. `domain` validates a status graph and applies the attempt policy.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};

use crate::auth::Role;

/// The brief's five confirmation categories; every configured status belongs to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum StatusCategory {
    Pending,
    Attempting,
    Confirmed,
    Failed,
    Abandoned,
}

text_enum!(
    /// What a final status means for the customer's record (and their class): only a customer's
    /// own cancellation counts against them as one; an unreachable customer is not a bad customer.
    Outcome, crate::error::ErrorCode::OutcomeUnknown, "flags.outcome" {
        Confirmed => "confirmed",
        Cancelled => "cancelled",
        WrongNumber => "wrong_number",
        Unreachable => "unreachable",
        Abandoned => "abandoned",
        Duplicate => "duplicate",
    }
);

/// What a status means, so KPIs and routing work for any status set (VICIdial's idea).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusFlags {
    /// The customer was reached.
    pub contact_made: bool,
    /// Nothing more happens to the order after this status.
    pub is_final: bool,
    /// The customer asked to be called back at a time.
    pub callback: bool,
    /// The line was busy: retried sooner than after no answer.
    pub line_busy: bool,
    /// Never call this customer again for this order.
    pub do_not_call: bool,
    /// Counts as a confirmation in rates and rankings.
    pub counts_as_confirmed: bool,
    /// A final status's meaning for the customer's record (none for open statuses; a confirmation
    /// is `confirmed`; left out, it follows the category and whether the customer was reached).
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

impl StatusFlags {
    /// The outcome this status records: none unless final, `confirmed` for a confirmation, else
    /// the one chosen (never `confirmed`) or, by default, abandoned / cancelled by the customer
    /// when reached / unreachable.
    pub fn normalised_outcome(&self, category: StatusCategory) -> Option<Outcome> {
        if !self.is_final {
            return None;
        }
        if self.counts_as_confirmed {
            return Some(Outcome::Confirmed);
        }
        Some(match self.outcome.filter(|o| *o != Outcome::Confirmed) {
            Some(chosen) => chosen,
            None if category == StatusCategory::Abandoned => Outcome::Abandoned,
            None if self.contact_made => Outcome::Cancelled,
            None => Outcome::Unreachable,
        })
    }
}

/// A status label in each UI language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusLabels {
    pub fr: String,
    pub ar: String,
    #[serde(rename = "ar-DZ")]
    pub ar_dz: String,
}

/// One configured status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusDef {
    pub code: String,
    pub labels: StatusLabels,
    /// `#rrggbb`.
    pub color: String,
    pub category: StatusCategory,
    pub flags: StatusFlags,
    /// New orders start here; exactly one active status has it.
    pub initial: bool,
    pub sort_order: i32,
    pub active: bool,
}

/// `role` (and the roles above it) may move an order from `from` to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusTransition {
    pub from: String,
    pub to: String,
    pub role: Role,
}

impl StatusDef {
    /// The label in the UI language (`fr`, `ar` or `ar-DZ`).
    pub fn label(&self, locale: crate::locale::UiLocale) -> &str {
        use crate::locale::UiLocale;
        match locale {
            UiLocale::Fr => &self.labels.fr,
            UiLocale::Ar => &self.labels.ar,
            UiLocale::ArDz => &self.labels.ar_dz,
        }
    }

    /// How the customer answered an attempt that recorded this status.
    pub fn reach(&self) -> domain::Reach {
        if self.flags.contact_made {
            domain::Reach::Reached
        } else if self.flags.line_busy {
            domain::Reach::Busy
        } else {
            domain::Reach::NoAnswer
        }
    }
}

/// The whole configuration as agents' screens and the attempt rules read it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusConfig {
    pub statuses: Vec<StatusDef>,
    pub transitions: Vec<StatusTransition>,
    pub policy: domain::AttemptPolicy,
    /// Where the attempt policy sends orders it gives up on.
    pub abandoned_status: String,
}

impl StatusConfig {
    pub fn get(&self, code: &str) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.code == code)
    }

    pub fn allowed_next(&self, from: &str, role: Role) -> Vec<&StatusDef> {
        domain::allowed_next(&self.statuses, &self.transitions, from, role)
    }
}
