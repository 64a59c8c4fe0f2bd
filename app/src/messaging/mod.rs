//! Messaging: the texts customers get at each confirmation step, in their language, through an
//! outbox that never loses or doubles a message, with delivery and cost tracking.
//!
//! `domain` holds the pure rules (language choice, template variables, quiet hours, retries,
//! forward-only status, cost); the segment counter and the template renderer are the `sms`
//! crate, compiled into the browser for the live preview. `service` is the front door: the
//! enqueue other features call inside their transaction, the sender job, templates, preview.
pub mod api;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{AppError, ErrorCode};
use crate::locale::UiLocale;

text_enum!(
    /// How a message reaches the customer.
    Channel, ErrorCode::ChannelUnknown, "channel" {
        Sms => "sms",
        Whatsapp => "whatsapp",
        Email => "email",
    }
);

text_enum!(
    /// Where a message is. Moves forward only (see [`domain::advances`]): queued → sending →
    /// sent → delivered / failed / undelivered / expired; `unknown` when a send was cut off
    /// and the provider cannot say, or no final status came within 72 hours.
    MessageStatus, ErrorCode::BadRequest, "status" {
        Queued => "queued",
        Sending => "sending",
        Sent => "sent",
        Delivered => "delivered",
        Failed => "failed",
        Undelivered => "undelivered",
        Expired => "expired",
        Unknown => "unknown",
    }
);

/// Which channels besides SMS this instance can send on (the host provides it as context: the
/// template editor shows only what can go out).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Channels {
    pub whatsapp: bool,
    pub email: bool,
}

/// Steps that are not a status: the order arrived, it leaves soon, the no-answer reminder.
pub const ORDER_RECEIVED: &str = "order_received";
pub const SHIPPED_SOON: &str = "shipped_soon";
pub const REMINDER: &str = "reminder";

/// One message of an order (`smsHistory` in the order view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SmsEntry {
    pub id: i64,
    pub order_id: Option<i64>,
    /// The step that sent it (`confirmed`, `no_answer_sms`, `reminder`, …).
    #[serde(rename = "type")]
    pub step: String,
    pub channel: Channel,
    pub message: String,
    pub status: MessageStatus,
    pub language: UiLocale,
    /// The customer's language had no template: sent in the shop's default language.
    pub language_fallback: bool,
    pub segments: i32,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub provider: Option<String>,
    /// DZD, with centimes (`cost_centimes / 100`), once known.
    pub cost: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The customer's answer with a WhatsApp button (`confirm`, `cancel`, `reschedule`), the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// A step's template in one language, as the editor shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateView {
    pub id: i64,
    pub step: String,
    pub channel: Channel,
    pub language: UiLocale,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A step on a channel: whether it sends, and its templates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepView {
    pub step: String,
    pub channel: Channel,
    pub enabled: bool,
    pub templates: Vec<TemplateView>,
}

/// What the template editor needs: the steps, the shop's settings (for the preview's prices
/// and sample), in one load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplatesPage {
    pub steps: Vec<StepView>,
    pub settings: MessagingSettings,
    /// The moment the preview's sample order is dated from (the server's clock, so the page
    /// renders the same on the server and in the browser).
    #[serde(with = "time::serde::rfc3339")]
    pub sample_at: OffsetDateTime,
}

/// Shop-wide messaging settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessagingSettings {
    pub shop_name: String,
    pub default_language: UiLocale,
    /// Minutes after midnight (Algiers) when quiet hours start and end.
    pub quiet_start_minute: u16,
    pub quiet_end_minute: u16,
    /// No sending on Friday 12:00–14:00 (the prayer).
    pub friday_pause: bool,
    /// Centimes of DZD per segment when the provider gives no price.
    pub gsm_segment_centimes: i64,
    pub ucs2_segment_centimes: i64,
}

impl Default for MessagingSettings {
    fn default() -> Self {
        Self {
            shop_name: "EcoManager".into(),
            default_language: UiLocale::Fr,
            quiet_start_minute: 21 * 60,
            quiet_end_minute: 8 * 60,
            friday_pause: true,
            gsm_segment_centimes: 600,
            ucs2_segment_centimes: 600,
        }
    }
}

/// `POST /api/customer-service/sms/preview`: a text, or a stored template rendered for an order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreviewRequest {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub template_id: Option<i64>,
    #[serde(default)]
    pub order_id: Option<i64>,
}

/// What a text costs before it goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SmsPreview {
    /// The text counted (rendered, when a template was asked for).
    pub text: String,
    /// `GSM-7` or `UCS-2`.
    pub encoding: String,
    pub characters: usize,
    pub segments: usize,
    /// At the configured tariff, in DZD.
    pub cost_dzd: f64,
    /// The characters that force UCS-2.
    pub non_gsm_characters: Vec<String>,
    /// The GSM-7 variant (accents folded) when only foldable letters force UCS-2, and its
    /// segment count.
    pub gsm_variant: Option<String>,
    pub gsm_variant_segments: Option<usize>,
}

/// The counted text of a template as typed, for the live preview (browser) and the endpoint.
pub fn preview_text(text: &str, settings: &MessagingSettings) -> SmsPreview {
    let count = sms::count(text);
    let variant = sms::gsm_variant(text);
    let variant_segments = variant.as_deref().map(|v| sms::count(v).segments);
    SmsPreview {
        text: text.to_string(),
        encoding: count.encoding.as_str().to_string(),
        characters: count.characters,
        segments: count.segments,
        cost_dzd: domain::tariff_centimes(count.encoding, count.segments, settings) as f64 / 100.0,
        non_gsm_characters: count.non_gsm.iter().map(|c| c.to_string()).collect(),
        gsm_variant: variant,
        gsm_variant_segments: variant_segments,
    }
}

impl From<sms::TemplateError> for AppError {
    fn from(error: sms::TemplateError) -> Self {
        let code = match error.kind {
            sms::TemplateErrorKind::UnknownVariable(_) => ErrorCode::TemplateUnknownVariable,
            sms::TemplateErrorKind::Unclosed => ErrorCode::TemplateUnclosed,
            sms::TemplateErrorKind::EmptyVariable => ErrorCode::TemplateEmptyVariable,
            sms::TemplateErrorKind::Empty => ErrorCode::TemplateEmpty,
        };
        AppError::field(code, "body").at(error.position)
    }
}

/// What a supervisor filters the outbox by (the page's address). Dates are Algiers days
/// (`YYYY-MM-DD`, both included); without them, the last 30 days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxFilter {
    pub status: Option<MessageStatus>,
    pub step: Option<String>,
    pub provider: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One message as the outbox lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    pub id: i64,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub step: String,
    pub channel: Channel,
    pub status: MessageStatus,
    pub recipient: String,
    pub message: String,
    pub provider: Option<String>,
    pub segments: i32,
    /// DZD with centimes, once known.
    pub cost: Option<f64>,
    /// What the provider (or the sender) last said went wrong.
    pub error: Option<String>,
    pub tries: i32,
    pub language: UiLocale,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

/// Messages and their cost on one Algiers day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayCost {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub messages: i64,
    pub cost: f64,
}

/// Messages, deliveries and cost of one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepCost {
    pub step: String,
    pub messages: i64,
    pub delivered: i64,
    pub cost: f64,
}

/// How one provider delivers: of the messages it took, how many reached the phone, failed
/// (failed, undelivered, expired) or are unknown; the rate is delivered over those with an end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderRate {
    pub provider: String,
    pub taken: i64,
    pub delivered: i64,
    pub failed: i64,
    pub unknown: i64,
    pub rate: Option<f64>,
}

/// The orders that cost the most in messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCost {
    pub order_id: i64,
    pub order_number: String,
    pub messages: i64,
    pub cost: f64,
}

/// The supervisors' messaging page: the filter as applied, the matching messages (newest 200),
/// cost per day, step and order, delivery rate per provider, and the unknown ones to resolve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxPage {
    pub from: String,
    pub to: String,
    pub messages: Vec<OutboxEntry>,
    pub total_messages: i64,
    pub total_cost: f64,
    /// Orders that got at least one message in the period.
    pub orders: i64,
    pub days: Vec<DayCost>,
    pub steps: Vec<StepCost>,
    pub providers: Vec<ProviderRate>,
    pub top_orders: Vec<OrderCost>,
    /// Every `unknown` message, whatever the filter: each waits for a person.
    pub unknown: i64,
    /// The steps and providers the filter can choose from.
    pub all_steps: Vec<String>,
    pub all_providers: Vec<String>,
}

text_enum!(
    /// What a supervisor decides about an `unknown` message: it arrived (the customer says so),
    /// send it again (knowing it may arrive twice), or give it up.
    Resolution, ErrorCode::BadRequest, "resolution" {
        Delivered => "delivered",
        Resend => "resend",
        Failed => "failed",
    }
);

/// What a step would send for an order, before an agent sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepPreview {
    pub text: String,
    pub language: UiLocale,
    /// The customer's language has no template: the shop's default language is used.
    pub language_fallback: bool,
    pub preview: SmsPreview,
}
