//! Customers: one per phone number (E.164), with their other phones, flags and notes, the counters
//! classification reads, and the card agents see before they call. `domain` normalises names,
//! `db` the SQL, `service` (server only) the card and its flags and notes, `api` the server functions.
pub mod api;
pub mod classification;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
/// Server only: libphonenumber's metadata would add hundreds of kilobytes to the wasm, and the
/// browser never needs to validate a phone number before the server does.
#[cfg(feature = "ssr")]
pub mod phone;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::locale::UiLocale;
use crate::statuses::StatusCategory;

text_enum!(
    /// Why a customer is flagged (the brief's `flags[].type`).
    FlagType, ErrorCode::FlagTypeUnknown, "type" {
        FakeOrder => "fake_order", Abusive => "abusive", RefusedDelivery => "refused_delivery",
        WrongAddress => "wrong_address", Blacklisted => "blacklisted", Other => "other",
    }
);

/// The brief's `flags[]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerFlag {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: FlagType,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub added_by: i64,
    pub added_by_name: String,
}

/// The brief's `notes[]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerNote {
    pub id: i64,
    pub content: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub added_by: i64,
    pub added_by_name: String,
}

/// One past order on the customer card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PastOrder {
    pub id: i64,
    pub number: String,
    pub total: i64,
    pub status: String,
    pub category: StatusCategory,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The counters classification reads (the brief's `totalOrders`, `totalSpent`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerCounters {
    pub total_orders: i32,
    pub confirmed: i32,
    /// Delivered, as the courier reported.
    pub delivered: i32,
    /// Cancelled by the customer.
    pub cancelled: i32,
    pub wrong_number: i32,
    /// Closed unreached (not held against the customer).
    pub unreachable: i32,
    /// Abandoned after the attempts ran out (not held against the customer).
    pub abandoned: i32,
    /// Closed as duplicates of another order.
    pub duplicates: i32,
    /// Returned by the courier (other than refused at the door).
    pub returned: i32,
    /// Refused at the door.
    pub refused: i32,
    /// Returns and refusals reported as a fake order.
    pub fake_orders: i32,
    /// What the delivered orders were worth (DZD).
    pub total_spent: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_order_at: Option<OffsetDateTime>,
}

/// A supervisor's class override: shown beside the computed class, lapses at `until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassOverride {
    pub class: classification::CustomerClass,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
    pub by_name: String,
}

/// The customer's class as the card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassificationView {
    /// The class that counts (the override while it lasts).
    #[serde(rename = "type")]
    pub class: classification::CustomerClass,
    /// What the history says.
    pub computed_class: classification::CustomerClass,
    pub score: i16,
    pub reason: classification::ClassReason,
    pub breakdown: Vec<classification::SignalPoints>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub classified_at: Option<OffsetDateTime>,
    #[serde(rename = "override")]
    pub override_: Option<ClassOverride>,
}

/// A supervisor's override request (`class` null lifts it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OverrideInput {
    pub class: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

/// One change to the customer or their orders, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditLine {
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub actor_name: Option<String>,
    pub after: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Everything the agent sees about a customer before calling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerCard {
    pub id: i64,
    pub name: String,
    pub phone: String,
    /// The address the shop gave for e-mails, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub other_phones: Vec<String>,
    pub language: UiLocale,
    pub wilaya_code: Option<i16>,
    pub wilaya_name: Option<String>,
    pub address: String,
    pub counters: CustomerCounters,
    /// The brief's `customerClassification` type and score, with the breakdown behind them.
    pub classification: ClassificationView,
    pub flags: Vec<CustomerFlag>,
    pub notes: Vec<CustomerNote>,
    pub orders: Vec<PastOrder>,
    /// The latest messages sent to the customer, about any of their orders.
    #[serde(default)]
    pub messages: Vec<crate::messaging::SmsEntry>,
    /// Supervisors and admins only (empty for agents).
    pub audit: Vec<AuditLine>,
    /// The customer this one was merged into ("same customer"): its card is the one to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<i64>,
    /// The customers merged into this one, each with the merge a supervisor can undo.
    #[serde(default)]
    pub merged: Vec<MergedCustomer>,
}

/// A customer merged into another, as the survivor's card lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MergedCustomer {
    pub merge_id: i64,
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    #[serde(with = "time::serde::rfc3339")]
    pub merged_at: OffsetDateTime,
    pub merged_by: Option<String>,
}
