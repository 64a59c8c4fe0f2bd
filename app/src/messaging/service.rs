//! Messaging's front door: the enqueue other features call inside their own transaction, the
//! sender (a job woken by every enqueue), delivery reports, an order's history, the template
//! editor and the preview. Roles are checked here and only here.
use std::sync::Arc;

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};

use super::db::{self, NewMessage};
use super::domain::{self, MessageFacts, SendFailure};
use super::provider::Provider;
use super::{
    preview_text, Channel, MessageStatus, MessagingSettings, PreviewRequest, SmsEntry, SmsPreview, TemplateView,
    TemplatesPage,
};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::Schedule;
use crate::jobs::service::{instance_name, JobSpec};
use crate::locale::UiLocale;

/// The NOTIFY channel an enqueue wakes the senders on.
pub const CHANNEL: &str = "messages";

/// How this instance sends.
#[derive(Clone, Debug)]
pub struct MessagingConfig {
    pub provider: Provider,
    /// The registered sender name (at most 11 Latin letters or digits).
    pub sender_id: Option<String>,
    /// Messages claimed at a time.
    pub batch: i64,
    /// How long a claim holds a message before another worker may take it over.
    pub lease: Duration,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        Self { provider: Provider::default(), sender_id: None, batch: 50, lease: Duration::seconds(60) }
    }
}

/// Messaging's jobs: the sender (every minute, and woken by each enqueue) and the sweep that
/// turns messages with no final status after 72 hours into `unknown`.
pub fn jobs(config: Arc<MessagingConfig>) -> Vec<JobSpec> {
    vec![
        JobSpec::new("message_sender", Schedule::Every { minutes: 1, business_hours_only: false }, move |pool, now| {
            let config = config.clone();
            async move { Ok(serde_json::to_value(send_due(&pool, &config, now).await?).unwrap_or_default()) }
        })
        .woken_by(CHANNEL),
        JobSpec::new(
            "message_sweep",
            Schedule::Every { minutes: 60, business_hours_only: false },
            |pool, now| async move {
                let mut conn = pool.acquire().await?;
                let unknown = db::update_stale_to_unknown(&mut conn, now - Duration::hours(72)).await?;
                Ok(json!({"unknown": unknown}))
            },
        ),
    ]
}

/// What an order's step message says and who it goes to (given by the feature that moves the order).
#[derive(Clone, Debug)]
pub struct OrderMessage<'a> {
    pub order_id: i64,
    pub customer_id: i64,
    pub customer_name: &'a str,
    /// E.164.
    pub phone: &'a str,
    /// The customer's saved language.
    pub language: Option<UiLocale>,
    pub order_number: &'a str,
    pub total: i64,
    /// The callback or postponement time, when the step has one.
    pub reschedule_time: Option<OffsetDateTime>,
    /// Which time this step happens for the order (the attempt's ordinal).
    pub occurrence: i32,
    pub created_by: Option<i64>,
}

impl OrderMessage<'_> {
    /// What the message says about the order, `now` being when it is written.
    fn facts(&self, settings: &MessagingSettings, now: OffsetDateTime) -> MessageFacts {
        MessageFacts {
            customer_name: self.customer_name.to_string(),
            order_number: self.order_number.to_string(),
            total: self.total,
            delivery_date: domain::expected_delivery(now),
            reschedule_time: self.reschedule_time,
            shop_name: settings.shop_name.clone(),
        }
    }
}

/// Queues the SMS of `step` for an order, in the caller's transaction: nothing when the step has
/// no template or is switched off, once per occurrence. Held until quiet hours end. The id.
pub async fn enqueue_order_step(
    conn: &mut PgConnection,
    step: &str,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let Some((true, templates)) = db::find_step(conn, step, Channel::Sms).await? else {
        return Ok(None);
    };
    let settings = db::get_settings(conn).await?;
    let wanted = domain::customer_language(order.language, order.customer_name, settings.default_language);
    let Some((language, source, fallback)) = domain::pick_template(&templates, wanted, settings.default_language)
    else {
        return Ok(None);
    };
    let facts = order.facts(&settings, now);
    // A stored template is valid (checked when saved); one that is not is logged and skipped
    // rather than failing the agent's attempt.
    let body = match sms::Template::parse(source).and_then(|t| domain::render(&t, &facts, language)) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(step, language = language.tag(), %error, "stored template does not render");
            return Ok(None);
        }
    };
    let count = sms::count(&body);
    let id = db::insert_message(
        conn,
        &NewMessage {
            order_id: Some(order.order_id),
            customer_id: order.customer_id,
            step,
            channel: Channel::Sms,
            occurrence: order.occurrence,
            language,
            language_fallback: fallback,
            recipient: order.phone,
            body: &body,
            encoding: count.encoding.as_str(),
            segments: i32::try_from(count.segments).unwrap_or(i32::MAX),
            next_try_at: domain::next_open(now, &settings),
            created_by: order.created_by,
        },
    )
    .await?;
    Ok(id)
}

/// Queues the no-answer reminder for an order's attempt `order.occurrence`, unless a message
/// already went out for that attempt (its step's own text). The id.
pub async fn enqueue_reminder(
    conn: &mut PgConnection,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    if db::exists_for_occurrence(conn, order.order_id, order.occurrence).await? {
        return Ok(None);
    }
    enqueue_order_step(conn, super::REMINDER, order, now).await
}

/// An order's messages, oldest first (the order view's `smsHistory`). The caller has checked
/// the user may see the order.
pub async fn order_history(conn: &mut PgConnection, order_id: i64) -> Result<Vec<SmsEntry>, AppError> {
    Ok(db::list_messages(conn, Some(order_id), None, 500).await?)
}

/// A customer's latest 20 messages, oldest first (the customer card). The caller has checked
/// the user may see the customer.
pub async fn customer_history(conn: &mut PgConnection, customer_id: i64) -> Result<Vec<SmsEntry>, AppError> {
    Ok(db::list_messages(conn, None, Some(customer_id), 20).await?)
}

/// What one sender run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendReport {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
    pub held: u32,
    /// Interrupted sends the provider confirmed, and those nobody could confirm.
    pub reconciled: u32,
    pub unknown: u32,
}

/// Claims and sends due messages until none is left (or 20 batches went out). Each claim is
/// committed before the provider is called; every outcome is written under the lease.
pub async fn send_due(pool: &PgPool, config: &MessagingConfig, now: OffsetDateTime) -> Result<SendReport, AppError> {
    // One owner per run: leases tell two runs of one instance apart too.
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let owner = format!("{}#{}", instance_name(), RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let settings = {
        let mut conn = pool.acquire().await?;
        db::get_settings(&mut conn).await?
    };
    let provider = config.provider.name();
    let mut report = SendReport::default();
    for _ in 0..20 {
        let claimed = {
            let mut conn = pool.acquire().await?;
            db::claim_due(&mut conn, &owner, now, OffsetDateTime::now_utc() + config.lease, config.batch).await?
        };
        if claimed.is_empty() {
            break;
        }
        let mut left: Vec<i64> = claimed.iter().map(|m| m.id).collect();
        for message in claimed {
            left.retain(|id| *id != message.id);
            let mut conn = pool.acquire().await?;
            db::renew_leases(&mut conn, &left, &owner, OffsetDateTime::now_utc() + config.lease).await?;
            if message.interrupted {
                // A worker died between claim and acknowledgement: ask before anything is resent.
                match config.provider.lookup(pool, message.id).await {
                    Ok(Some(accepted)) => {
                        let cost = accepted.cost_centimes.unwrap_or_else(|| tariff(&message, &settings));
                        db::update_sent(&mut conn, message.id, &owner, provider, &accepted.provider_ref, cost).await?;
                        report.reconciled += 1;
                        continue;
                    }
                    Ok(None) => {} // never reached the provider: sending now is the first send
                    Err(_) => {
                        db::update_held_final(
                            &mut conn,
                            message.id,
                            &owner,
                            MessageStatus::Unknown,
                            Some(provider),
                            "interrupted send; the provider cannot say whether it went",
                        )
                        .await?;
                        report.unknown += 1;
                        continue;
                    }
                }
            }
            let clock = OffsetDateTime::now_utc();
            if domain::is_quiet(clock, &settings) {
                db::update_hold(&mut conn, message.id, &owner, domain::next_open(clock, &settings)).await?;
                report.held += 1;
                continue;
            }
            match config.provider.send(pool, &message).await {
                Ok(accepted) => {
                    let cost = accepted.cost_centimes.unwrap_or_else(|| tariff(&message, &settings));
                    db::update_sent(&mut conn, message.id, &owner, provider, &accepted.provider_ref, cost).await?;
                    report.sent += 1;
                }
                Err(SendFailure::Transient(error)) if message.tries < domain::MAX_TRIES => {
                    let next = OffsetDateTime::now_utc() + domain::retry_delay(message.tries, message.id);
                    db::update_retry(&mut conn, message.id, &owner, next, &error).await?;
                    report.retried += 1;
                }
                Err(SendFailure::Transient(error) | SendFailure::Permanent(error)) => {
                    db::update_held_final(&mut conn, message.id, &owner, MessageStatus::Failed, Some(provider), &error)
                        .await?;
                    report.failed += 1;
                }
            }
        }
    }
    Ok(report)
}

fn tariff(message: &db::Claimed, settings: &MessagingSettings) -> i64 {
    let encoding = if message.encoding == "UCS-2" { sms::Encoding::Ucs2 } else { sms::Encoding::Gsm7 };
    domain::tariff_centimes(encoding, usize::try_from(message.segments).unwrap_or(0), settings)
}

/// A delivery report from `provider`: stored raw first (once per `dedup_key`), then applied if
/// it moves the message forward. False when it changed nothing (a repeat, a late `sent`, or a
/// reference we do not know, which is kept for a person to look at).
pub async fn apply_report(
    pool: &PgPool,
    provider: &str,
    dedup_key: &str,
    provider_ref: &str,
    status: MessageStatus,
    error: Option<&str>,
    raw: &serde_json::Value,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let found = db::find_by_provider_ref(&mut tx, provider, provider_ref).await?;
    let stored = db::insert_event(
        &mut tx,
        provider,
        dedup_key,
        found.map(|(id, _)| id),
        Some(provider_ref),
        Some(status.as_str()),
        raw,
    )
    .await?;
    let changed = match (stored, found) {
        (Some(_), Some((id, current))) if domain::advances(current, status) => {
            db::update_status(&mut tx, id, status, domain::is_final(status), error).await?;
            true
        }
        _ => false,
    };
    tx.commit().await?;
    Ok(changed)
}

/// The template editor's load (supervisors).
pub async fn templates_page(pool: &PgPool, user: &CurrentUser) -> Result<TemplatesPage, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(TemplatesPage {
        steps: db::list_steps(&mut conn).await?,
        settings: db::get_settings(&mut conn).await?,
        sample_at: OffsetDateTime::now_utc(),
    })
}

/// Saves a step's template in one language (supervisors). A template that does not render for
/// the sample order is refused with the error's code and position.
pub async fn save_template(
    pool: &PgPool,
    user: &CurrentUser,
    step: &str,
    channel: Channel,
    language: UiLocale,
    body: &str,
) -> Result<TemplateView, AppError> {
    user.require(Role::Supervisor)?;
    if body.chars().count() > 1000 {
        return Err(AppError::field(ErrorCode::TextTooLong, "body"));
    }
    let template = sms::Template::parse(body)?;
    let mut tx = pool.begin().await?;
    if db::find_step(&mut tx, step, channel).await?.is_none() {
        return Err(AppError::field(ErrorCode::StepUnknown, "step"));
    }
    let settings = db::get_settings(&mut tx).await?;
    domain::render(&template, &MessageFacts::sample(OffsetDateTime::now_utc(), &settings.shop_name), language)?;
    let id = db::upsert_template(&mut tx, step, channel, language, body, user.id).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "message_template.save",
            entity: "message_template",
            entity_id: id,
            before: None,
            after: Some(json!({"step": step, "channel": channel.as_str(), "language": language.tag(), "body": body})),
        },
    )
    .await?;
    let saved = db::find_template(&mut tx, id).await?.ok_or(AppError::new(ErrorCode::Internal))?;
    tx.commit().await?;
    Ok(saved)
}

/// Changes the shop's messaging settings (supervisors): the shop name in messages, the default
/// language, quiet hours and the tariff.
pub async fn save_settings(
    pool: &PgPool,
    user: &CurrentUser,
    settings: &MessagingSettings,
) -> Result<MessagingSettings, AppError> {
    user.require(Role::Supervisor)?;
    let name = settings.shop_name.trim();
    if name.is_empty() {
        return Err(AppError::field(ErrorCode::NameRequired, "shopName"));
    }
    if name.chars().count() > 40 {
        return Err(AppError::field(ErrorCode::TextTooLong, "shopName"));
    }
    if settings.quiet_start_minute > 1439 || settings.quiet_end_minute > 1439 {
        return Err(AppError::field(ErrorCode::PeriodInvalid, "quietHours"));
    }
    if !(0..=100_000).contains(&settings.gsm_segment_centimes)
        || !(0..=100_000).contains(&settings.ucs2_segment_centimes)
    {
        return Err(AppError::field(ErrorCode::AmountInvalid, "tariff"));
    }
    let clean = MessagingSettings { shop_name: name.to_string(), ..settings.clone() };
    let mut tx = pool.begin().await?;
    let before = db::get_settings(&mut tx).await?;
    db::update_settings(&mut tx, &clean).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "messaging.settings",
            entity: "messaging_settings",
            entity_id: 1,
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&clean).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(clean)
}

/// Switches a step on or off for a channel (supervisors).
pub async fn set_step_enabled(
    pool: &PgPool,
    user: &CurrentUser,
    step: &str,
    channel: Channel,
    enabled: bool,
) -> Result<(), AppError> {
    user.require(Role::Supervisor)?;
    let mut tx = pool.begin().await?;
    if !db::update_step_enabled(&mut tx, step, channel, enabled).await? {
        return Err(AppError::field(ErrorCode::StepUnknown, "step"));
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "message_step.switch",
            entity: "message_step",
            entity_id: 0,
            before: None,
            after: Some(json!({"step": step, "channel": channel.as_str(), "enabled": enabled})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What stored template `template_id` costs rendered for an order (the orders feature gives the
/// order, having checked the user may see it).
pub async fn preview_for_order(
    conn: &mut PgConnection,
    template_id: i64,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<SmsPreview, AppError> {
    let settings = db::get_settings(conn).await?;
    let template =
        db::find_template(conn, template_id).await?.ok_or(AppError::field(ErrorCode::NotFound, "templateId"))?;
    let facts = order.facts(&settings, now);
    let text = domain::render(&sms::Template::parse(&template.body)?, &facts, template.language)?;
    Ok(preview_text(&text, &settings))
}

/// What a text (or a stored template rendered for the sample order) costs (any logged-in user:
/// agents see it before they send).
pub async fn preview(pool: &PgPool, user: &CurrentUser, request: &PreviewRequest) -> Result<SmsPreview, AppError> {
    user.require(Role::Agent)?;
    let mut conn = pool.acquire().await?;
    let settings = db::get_settings(&mut conn).await?;
    let text = match (&request.text, request.template_id) {
        (Some(text), _) => text.clone(),
        (None, Some(id)) => {
            let template = db::find_template(&mut conn, id).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
            let parsed = sms::Template::parse(&template.body)?;
            domain::render(
                &parsed,
                &MessageFacts::sample(OffsetDateTime::now_utc(), &settings.shop_name),
                template.language,
            )?
        }
        (None, None) => return Err(AppError::field(ErrorCode::TextRequired, "text")),
    };
    if text.chars().count() > 5000 {
        return Err(AppError::field(ErrorCode::TextTooLong, "text"));
    }
    Ok(preview_text(&text, &settings))
}
