//! Duplicate orders: found at intake (before any agent sees the order), by the hourly scan and on
//! request, by blocking (same customer, same or one-digit-away phone, same wilaya with a similar
//! name) and scoring with the `dedup` crate; reviewed by supervisors, whose decisions are the
//! labels the detection accuracy is computed from. `db` the SQL, `service` (server only) the
//! workflows, `api` the server functions, `ui` the review queue.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;

/// The name's blocking key: its cross-script skeleton with the tokens sorted, so word order and
/// script do not matter ("Benali Yacine" and "ياسين بن علي" give the key of "Yacine Benali").
pub fn name_key(name: &str) -> String {
    let skeleton = dedup::skeleton(name);
    let mut tokens: Vec<&str> = skeleton.split_whitespace().collect();
    tokens.sort_unstable();
    tokens.join(" ")
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn a_name_has_one_key_in_either_script_and_any_order() {
        assert_eq!(name_key("Yacine Benali"), name_key("Benali Yacine"));
        assert_eq!(name_key("Yacine Benali"), name_key("ياسين بن علي"));
        assert_ne!(name_key("Yacine Benali"), name_key("Karim Haddad"));
    }
}

pub use dedup::{Evidence, Factor, PhoneRelation};

text_enum!(
    /// A supervisor's decision on a pair.
    Decision, ErrorCode::DecisionUnknown, "decision" {
        Duplicate => "duplicate", NotDuplicate => "not_duplicate", SameCustomer => "same_customer",
    }
);

/// One side of a pair as the review screen shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PairSide {
    pub order_id: i64,
    pub number: String,
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    pub wilaya: String,
    pub address: String,
    pub total: i64,
    /// `2 × Poussette trio` lines.
    pub items: Vec<String>,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A suspected pair: the later order, the earlier one, the confidence and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DuplicatePair {
    pub id: i64,
    pub score: i16,
    /// intake, scan or request.
    pub method: String,
    /// open, duplicate, not_duplicate, same_customer.
    pub state: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub evidence: Evidence,
    pub order: PairSide,
    pub original: PairSide,
}

/// `POST …/orders/detect-duplicates`: a time window or a list of orders.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DetectRequest {
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<OffsetDateTime>,
    #[serde(default)]
    pub order_ids: Vec<i64>,
}

/// One scored pair in a detection answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScoredPair {
    pub order_id: i64,
    pub original_order_id: i64,
    pub score: u8,
    /// At or above the review threshold (stored and listed for review).
    pub flagged: bool,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub evidence: Evidence,
}

/// What a detection run found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DetectReport {
    pub orders_checked: i64,
    pub candidates_scored: i64,
    pub flagged: i64,
    pub review_threshold: u8,
    pub warn_threshold: u8,
    /// Pairs scored at least 10, most confident first (at most 1 000 listed).
    pub pairs: Vec<ScoredPair>,
}

/// Detection accuracy from the supervisors' decisions (the brief's KPI).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Accuracy {
    pub decided: i64,
    pub confirmed_duplicates: i64,
    pub same_customer: i64,
    pub not_duplicates: i64,
    pub open: i64,
    /// Confirmed duplicates / decided flags (None before any decision).
    pub precision: Option<f64>,
    /// Orders an agent closed as duplicate that detection had not flagged.
    pub missed: i64,
}
