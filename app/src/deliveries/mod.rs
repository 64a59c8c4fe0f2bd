//! What the courier says happened to a confirmed order: delivered, returned (with a reason),
//! refused at the door, or a failed delivery attempt. Sent by the shop or the courier
//! (`POST /api/orders/{reference}/delivery`, idempotent on the event id) or imported from a
//! courier's report (CSV, through the import page). Each event is kept; the latest final one is
//! the order's delivery outcome, and the customer's counters, score and class follow it in the
//! same transaction — refusals at the door and "fake order" returns weigh most.
//! `domain` is pure (validation, which event wins), `db` the SQL, `service` the front door.
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;

text_enum!(
    /// What happened at delivery.
    DeliveryOutcome, ErrorCode::DeliveryOutcomeUnknown, "outcome" {
        Delivered => "delivered",
        Returned => "returned",
        Refused => "refused",
        FailedAttempt => "failed_attempt",
    }
);

impl DeliveryOutcome {
    /// Delivered, returned and refused end the delivery; a failed attempt is tried again.
    pub fn is_final(self) -> bool {
        self != DeliveryOutcome::FailedAttempt
    }
}

text_enum!(
    /// The courier's reason for a return, a refusal or a failed attempt.
    DeliveryReason, ErrorCode::DeliveryReasonUnknown, "reason" {
        CustomerAbsent => "customer_absent",
        CustomerRefused => "customer_refused",
        FakeOrder => "fake_order",
        WrongAddress => "wrong_address",
        Unreachable => "unreachable",
        ChangedMind => "changed_mind",
        PriceDispute => "price_dispute",
        Damaged => "damaged",
        Other => "other",
    }
);

/// A delivery outcome as a shop or courier sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryInput {
    /// The sender's id for this event (1–100 characters): the same event sent again is answered
    /// with the stored one; another event under a used id is 409 `event_reused`.
    pub event_id: String,
    /// `delivered`, `returned`, `refused` or `failed_attempt`.
    pub outcome: String,
    /// Required for `returned` and `refused`, optional for `failed_attempt`, ignored for
    /// `delivered`: `customer_absent`, `customer_refused`, `fake_order`, `wrong_address`,
    /// `unreachable`, `changed_mind`, `price_dispute`, `damaged`, `other`.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it happened (RFC 3339); now when left out. Not in the future, not before the order.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub at: Option<OffsetDateTime>,
    /// The courier's words (at most 1 000 characters).
    #[serde(default)]
    pub note: String,
}

/// A delivery event as stored, and what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryRecorded {
    pub id: i64,
    pub event_id: String,
    pub order_id: i64,
    pub order_number: String,
    pub outcome: DeliveryOutcome,
    pub reason: Option<DeliveryReason>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// False when this event id had been recorded before (nothing changed).
    pub created: bool,
    /// The order's delivery outcome now (the latest final event wins; a failed attempt never
    /// undoes a delivery).
    pub order_outcome: Option<DeliveryOutcome>,
}
