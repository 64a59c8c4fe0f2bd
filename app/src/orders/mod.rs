//! Orders and their confirmation: intake from shops, the agent's queue, the attempt trail, assignment.
//! `intake` validates a new order (pure), `domain` plans what an attempt does to an order (pure),
//! `db` the SQL, `service` (server only) the workflows the server functions and the REST API share,
//! `api` the server functions, `ui` the agent's and supervisor's screens.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{AppError, ErrorCode};
use crate::statuses::StatusCategory;

text_enum!(
    /// How urgent an order is (the brief's four levels).
    Priority, ErrorCode::PriorityUnknown, "priority" {
        Low => "low", Normal => "normal", High => "high", Urgent => "urgent",
    }
);

text_enum!(
    /// Delivery to the door or to the courier's office (stop-desk).
    DeliveryType, ErrorCode::DeliveryTypeUnknown, "delivery.type" {
        Home => "home", StopDesk => "stop_desk",
    }
);

text_enum!(
    /// How an agent tried to reach the customer.
    Method, ErrorCode::MethodUnknown, "method" {
        Phone => "phone", Sms => "sms", Email => "email", Whatsapp => "whatsapp",
    }
);

text_enum!(
    /// Who calls back: only the agent who took the request, or anyone once it is due.
    CallbackScope, ErrorCode::CallbackScopeUnknown, "callbackScope" {
        Me => "me", Anyone => "anyone",
    }
);

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price: i64,
}

/// A row of a queue or of the pending list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub phone: String,
    pub wilaya_code: i16,
    pub wilaya_name: String,
    pub total: i64,
    pub status: String,
    pub category: StatusCategory,
    pub priority: Priority,
    pub assigned_agent_id: Option<i64>,
    pub assigned_agent_name: Option<String>,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_contact_at: Option<OffsetDateTime>,
    pub callback_scope: Option<CallbackScope>,
    pub is_duplicate: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i32,
    /// Why the order is with its agent, or why nobody could take it (the last routing decision).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub routing: Option<crate::agents::RoutingNote>,
}

/// The brief's `duplicateInfo` (filled by duplicate detection).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DuplicateInfo {
    pub is_duplicate: bool,
    pub original_order: Option<i64>,
    pub duplicate_score: Option<i16>,
    pub detection_method: Option<String>,
}

/// One attempt of the trail (the brief's `attempts[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub id: i64,
    /// None for the customer's own answer (a WhatsApp button), which no agent recorded.
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub method: Method,
    pub status_before: String,
    pub result: String,
    pub status_after: String,
    pub notes: String,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// Seconds.
    pub duration: i32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub callback_at: Option<OffsetDateTime>,
    pub callback_scope: Option<CallbackScope>,
}

/// The brief's `confirmation` block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Confirmation {
    /// The configured status code (`no_answer_1`).
    pub status_code: String,
    /// Its category: the brief's `status` (`pending`, `attempting`, …).
    pub status: StatusCategory,
    pub priority: Priority,
    pub assigned_agent: Option<i64>,
    pub assigned_agent_name: Option<String>,
    pub attempts: Vec<Attempt>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_contact_at: Option<OffsetDateTime>,
    pub callback_scope: Option<CallbackScope>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// Why the order is with its agent, or why nobody could take it (the last routing decision).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub routing: Option<crate::agents::RoutingNote>,
}

/// An order as the agent's screen and `GET` endpoints show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: i64,
    pub number: String,
    pub reference: Option<String>,
    pub customer_id: i64,
    pub customer_name: String,
    pub phone: String,
    /// The customer's e-mail address, when the shop gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's language (for messages to them).
    pub language: crate::locale::UiLocale,
    pub total: i64,
    pub items: Vec<OrderItem>,
    pub wilaya_code: i16,
    pub wilaya_name: String,
    pub commune_name: Option<String>,
    pub address: String,
    pub delivery_type: DeliveryType,
    pub source: String,
    pub confirmation: Confirmation,
    pub duplicate_info: DuplicateInfo,
    /// Every message sent (or queued) about the order, oldest first.
    #[serde(default)]
    pub sms_history: Vec<crate::messaging::SmsEntry>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Send it back with a change: a stale version gets `409 conflict`.
    pub version: i32,
}

/// What an agent records after trying to reach the customer (`confirm-attempt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptInput {
    pub method: String,
    /// The status code recorded.
    pub result: String,
    #[serde(default)]
    pub notes: String,
    /// Seconds the attempt took (measured by the agent's screen).
    #[serde(default)]
    pub duration: i64,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub callback_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub callback_scope: Option<String>,
    /// The order's version the agent saw.
    pub version: i32,
}

/// The result of intake: the order, and whether this request created it (a retry does not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IntakeResult {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub status: String,
    pub created: bool,
}

/// Filters of the pending list; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct PendingFilter {
    pub status: Option<String>,
    pub category: Option<String>,
    pub wilaya: Option<i16>,
    pub agent: Option<i64>,
    #[serde(default)]
    pub unassigned: bool,
    pub priority: Option<String>,
    /// Only orders older than this many minutes.
    pub older_than_minutes: Option<i32>,
    /// Only orders whose callback (or next try) is due now: the callbacks agents owe.
    #[serde(default)]
    pub callbacks_due: bool,
    pub limit: Option<i64>,
    /// Keyset paging: the [`PageCursor`] of the last row of the previous page.
    pub after: Option<String>,
}

impl Priority {
    /// The list order: urgent 0, high 1, normal 2, low 3 (the `priority_order` column).
    pub fn order(self) -> i16 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }
}

/// Where a page of the pending list ends; the next page starts after it. Keyset paging: page 500
/// costs what page 1 costs. Written `<priority order>.<created, µs since 1970>.<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageCursor {
    pub priority_order: i16,
    pub created_at: OffsetDateTime,
    pub id: i64,
}

impl PageCursor {
    /// Before every order.
    pub const START: PageCursor = PageCursor { priority_order: -1, created_at: OffsetDateTime::UNIX_EPOCH, id: 0 };

    pub fn after(row: &OrderRow) -> Self {
        PageCursor { priority_order: row.priority.order(), created_at: row.created_at, id: row.id }
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.priority_order, self.created_at.unix_timestamp_nanos() / 1000, self.id)
    }

    pub fn decode(raw: &str) -> Result<Self, AppError> {
        let bad = || AppError::field(ErrorCode::BadRequest, "after");
        let mut parts = raw.trim().split('.');
        let (Some(order), Some(micros), Some(id), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let micros: i128 = micros.parse().map_err(|_| bad())?;
        Ok(PageCursor {
            priority_order: order.parse().map_err(|_| bad())?,
            created_at: OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}
