//! Messaging's front door: the enqueue other features call inside their own transaction, the
//! sender (a job woken by every enqueue), delivery reports, an order's history, the template
//! editor and the preview. Roles are checked here and only here.
use std::sync::Arc;

use futures::StreamExt;

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Date, Duration, OffsetDateTime};

use super::db::{self, NewMessage};
use super::domain::{self, MessageFacts, SendFailure};
use super::provider::email::Smtp;
use super::provider::whatsapp::{ButtonReply, WhatsApp};
use super::provider::{Accepted, Callback, CallbackError, Provider, RateLimit, Report, Target};
use super::{
    preview_text, Channel, Channels, MessageStatus, MessagingSettings, OutboxFilter, OutboxPage, PreviewRequest,
    Resolution, SmsEntry, SmsPreview, StepPreview, TemplateView, TemplatesPage,
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
    /// Sends in flight at once per worker.
    pub concurrency: usize,
    /// The pace towards the provider, shared by this instance's workers.
    pub rate_limit: Option<RateLimit>,
    /// WhatsApp Cloud, when the shop configured it (messages on the WhatsApp channel).
    pub whatsapp: Option<WhatsApp>,
    /// SMTP, when the shop configured it (messages on the e-mail channel).
    pub email: Option<Smtp>,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        Self {
            provider: Provider::default(),
            sender_id: None,
            batch: 50,
            lease: Duration::seconds(60),
            concurrency: 8,
            rate_limit: None,
            whatsapp: None,
            email: None,
        }
    }
}

impl MessagingConfig {
    /// The name stored on a message of `channel`.
    fn provider_name(&self, channel: Channel) -> &'static str {
        match channel {
            Channel::Sms => self.provider.name(),
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
        }
    }

    /// Sends through the channel's provider; a channel this instance has no provider for is a
    /// permanent failure (kept, with why, for a supervisor).
    async fn send(&self, pool: &PgPool, message: &db::Claimed) -> Result<Accepted, SendFailure> {
        match message.channel {
            Channel::Sms => match self.provider.send(pool, message, self.sender_id.as_deref()).await {
                // Our id is the provider's key: sending again is the same message, not a second one.
                Err(SendFailure::Ambiguous(why)) if self.provider.resend_is_idempotent() => {
                    Err(SendFailure::Transient(why))
                }
                sent => sent,
            },
            Channel::Whatsapp => match &self.whatsapp {
                Some(whatsapp) => whatsapp.send_claimed(message).await,
                None => Err(SendFailure::Permanent("WhatsApp is not configured on this instance".into())),
            },
            Channel::Email => match &self.email {
                Some(smtp) => smtp.send_claimed(message).await,
                None => Err(SendFailure::Permanent("e-mail is not configured on this instance".into())),
            },
        }
    }

    async fn lookup(&self, pool: &PgPool, message: &db::Claimed) -> Result<Option<Accepted>, SendFailure> {
        match message.channel {
            Channel::Sms => self.provider.lookup(pool, message.id).await,
            // Our Message-ID makes a second copy the same message to the mailbox: send again.
            Channel::Email => Ok(None),
            Channel::Whatsapp => Err(SendFailure::Transient("the provider has no lookup by our reference".into())),
        }
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
    /// The customer's e-mail address, when the shop gave one (the e-mail steps need it).
    pub email: Option<&'a str>,
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

/// Queues the messages of `step` for an order, in the caller's transaction: on each channel whose
/// step is switched on and has a template (e-mail only to a customer with an address), once per
/// occurrence. Held until quiet hours end. The id of the first.
pub async fn enqueue_order_step(
    conn: &mut PgConnection,
    step: &str,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let mut first = None;
    let mut settings = None;
    let channels: &[Channel] = match order.email {
        Some(_) => &[Channel::Sms, Channel::Whatsapp, Channel::Email],
        None => &[Channel::Sms, Channel::Whatsapp],
    };
    for &channel in channels {
        if let Some((true, templates)) = db::find_step(conn, step, channel).await? {
            let settings = match &settings {
                Some(settings) => settings,
                None => settings.insert(db::get_settings(conn).await?),
            };
            let id = enqueue(conn, step, channel, &templates, settings, order, now).await?.flatten();
            first = first.or(id);
        }
    }
    Ok(first)
}

/// An agent's "send SMS" from the order panel, in the caller's transaction: the step's text
/// for this order, whether or not the step sends by itself. `order.occurrence` is the order's
/// version negated, so a retried click (same version) queues it once and never collides with
/// the automatic message of an attempt. `step_unknown` when the step has no SMS template.
pub async fn enqueue_manual(
    conn: &mut PgConnection,
    step: &str,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let unknown = || AppError::field(ErrorCode::StepUnknown, "step");
    let (_, templates) = db::find_step(conn, step, Channel::Sms).await?.ok_or_else(unknown)?;
    let settings = db::get_settings(conn).await?;
    enqueue(conn, step, Channel::Sms, &templates, &settings, order, now).await?.ok_or_else(unknown)
}

/// The text `step` would send for this order, with its language and cost (the panel shows it
/// before the agent sends). `step_unknown` when the step has no SMS template.
pub async fn preview_order_step(
    conn: &mut PgConnection,
    step: &str,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<StepPreview, AppError> {
    let unknown = || AppError::field(ErrorCode::StepUnknown, "step");
    let (_, templates) = db::find_step(conn, step, Channel::Sms).await?.ok_or_else(unknown)?;
    let settings = db::get_settings(conn).await?;
    let (body, language, fallback) = rendered(step, &templates, order, &settings, now).ok_or_else(unknown)?;
    Ok(StepPreview { preview: preview_text(&body, &settings), text: body, language, language_fallback: fallback })
}

/// The step's text for the order in the customer's language (or the shop's, recorded as a
/// fallback), from the step's templates; None when none fits. A stored template that does not
/// render is logged and taken as missing rather than failing the caller.
fn rendered(
    step: &str,
    templates: &[(UiLocale, String)],
    order: &OrderMessage<'_>,
    settings: &MessagingSettings,
    now: OffsetDateTime,
) -> Option<(String, UiLocale, bool)> {
    let wanted = domain::customer_language(order.language, order.customer_name, settings.default_language);
    let (language, source, fallback) = domain::pick_template(templates, wanted, settings.default_language)?;
    let facts = order.facts(settings, now);
    match sms::Template::parse(source).and_then(|t| domain::render(&t, &facts, language)) {
        Ok(body) => Some((body, language, fallback)),
        Err(error) => {
            tracing::error!(step, language = language.tag(), %error, "stored template does not render");
            None
        }
    }
}

/// Whether the numbering plan says the number is a mobile.
fn takes_sms(phone: &str) -> bool {
    crate::customers::phone::PhoneNumber::parse(phone).ok().and_then(|p| p.kind()).is_some_and(|k| k.takes_sms())
}

/// Renders and inserts; None when no template fits (or the channel cannot reach the customer),
/// Some(None) when this occurrence was queued before.
async fn enqueue(
    conn: &mut PgConnection,
    step: &str,
    channel: Channel,
    templates: &[(UiLocale, String)],
    settings: &MessagingSettings,
    order: &OrderMessage<'_>,
    now: OffsetDateTime,
) -> Result<Option<Option<i64>>, AppError> {
    let Some((body, language, fallback)) = rendered(step, templates, order, settings, now) else {
        return Ok(None);
    };
    let (recipient, subject, encoding, segments) = match (channel, order.email) {
        (Channel::Email, Some(email)) => {
            (email, Some(domain::email_subject(&order.facts(settings, now), language)), "text", 1)
        }
        (Channel::Email, None) => return Ok(None),
        // a fixed line, a toll-free or a VoIP number takes no SMS: none is queued (and paid for)
        (Channel::Sms, _) if !takes_sms(order.phone) => return Ok(None),
        _ => {
            let count = sms::count(&body);
            (order.phone, None, count.encoding.as_str(), i32::try_from(count.segments).unwrap_or(i32::MAX))
        }
    };
    let id = db::insert_message(
        conn,
        &NewMessage {
            order_id: Some(order.order_id),
            customer_id: order.customer_id,
            step,
            channel,
            occurrence: order.occurrence,
            language,
            language_fallback: fallback,
            recipient,
            body: &body,
            subject: subject.as_deref(),
            encoding,
            segments,
            next_try_at: domain::next_open(now, settings),
            created_by: order.created_by,
        },
    )
    .await?;
    Ok(Some(id))
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
/// committed before the provider is called; a task renews the batch's leases while it is being
/// sent; up to `config.concurrency` sends are in flight, paced by the provider's rate limit, and
/// each outcome is written under the lease as soon as it is known.
pub async fn send_due(pool: &PgPool, config: &MessagingConfig, now: OffsetDateTime) -> Result<SendReport, AppError> {
    // One owner per run: leases tell two runs of one instance apart too.
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let owner = format!("{}#{}", instance_name(), RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let settings = {
        let mut conn = pool.acquire().await?;
        db::get_settings(&mut conn).await?
    };
    let mut report = SendReport::default();
    for _ in 0..20 {
        let claimed = {
            let mut conn = pool.acquire().await?;
            db::claim_due(&mut conn, &owner, now, OffsetDateTime::now_utc() + config.lease, config.batch).await?
        };
        if claimed.is_empty() {
            break;
        }
        let _renewer = LeaseRenewer::start(pool, claimed.iter().map(|m| m.id).collect(), &owner, config.lease);
        let outcomes: Vec<Result<Outcome, AppError>> = futures::stream::iter(claimed)
            .map(|message| deliver(pool, config, &settings, &owner, message))
            .buffer_unordered(config.concurrency.max(1))
            .collect()
            .await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Sent => report.sent += 1,
                Outcome::Retried => report.retried += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Held => report.held += 1,
                Outcome::Reconciled => report.reconciled += 1,
                Outcome::Unknown => report.unknown += 1,
            }
        }
    }
    Ok(report)
}

/// What became of one claimed message.
enum Outcome {
    Sent,
    Retried,
    Failed,
    Held,
    Reconciled,
    Unknown,
}

/// Renews a batch's leases every third of the lease until dropped. Rows already acknowledged
/// (no longer `sending` under this owner) drop out of the renewal by themselves.
struct LeaseRenewer(tokio::task::JoinHandle<()>);

impl LeaseRenewer {
    fn start(pool: &PgPool, ids: Vec<i64>, owner: &str, lease: Duration) -> Self {
        let (pool, owner) = (pool.clone(), owner.to_string());
        let every = std::time::Duration::try_from(lease / 3).unwrap_or(std::time::Duration::from_secs(1));
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let renewed = match pool.acquire().await {
                    Ok(mut conn) => db::renew_leases(&mut conn, &ids, &owner, OffsetDateTime::now_utc() + lease).await,
                    Err(error) => Err(error),
                };
                match renewed {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "message leases not renewed"),
                }
            }
        }))
    }
}

impl Drop for LeaseRenewer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends one claimed message (or holds it, or reconciles an interrupted send) and writes the
/// outcome under the lease.
async fn deliver(
    pool: &PgPool,
    config: &MessagingConfig,
    settings: &MessagingSettings,
    owner: &str,
    message: db::Claimed,
) -> Result<Outcome, AppError> {
    let provider = config.provider_name(message.channel);
    if message.interrupted {
        // A worker died between claim and acknowledgement: ask before anything is resent.
        match config.lookup(pool, &message).await {
            Ok(Some(accepted)) => {
                let cost = accepted.cost_centimes.unwrap_or_else(|| tariff(&message, settings));
                let mut conn = pool.acquire().await?;
                db::update_sent(&mut conn, message.id, owner, provider, &accepted.provider_ref, cost).await?;
                return Ok(Outcome::Reconciled);
            }
            Ok(None) => {} // never reached the provider: sending now is the first send
            Err(error) => {
                let mut conn = pool.acquire().await?;
                let why = match error {
                    SendFailure::Transient(why) | SendFailure::Permanent(why) | SendFailure::Ambiguous(why) => why,
                };
                db::update_held_final(
                    &mut conn,
                    message.id,
                    owner,
                    MessageStatus::Unknown,
                    Some(provider),
                    &format!("interrupted send; the provider cannot say whether it went ({why})"),
                )
                .await?;
                return Ok(Outcome::Unknown);
            }
        }
    }
    let clock = OffsetDateTime::now_utc();
    if domain::is_quiet(clock, settings) {
        let mut conn = pool.acquire().await?;
        db::update_hold(&mut conn, message.id, owner, domain::next_open(clock, settings)).await?;
        return Ok(Outcome::Held);
    }
    if let Some(limit) = &config.rate_limit {
        limit.ready().await;
    }
    let sent = config.send(pool, &message).await;
    let mut conn = pool.acquire().await?;
    Ok(match sent {
        Ok(accepted) => {
            let cost = accepted.cost_centimes.unwrap_or_else(|| tariff(&message, settings));
            db::update_sent(&mut conn, message.id, owner, provider, &accepted.provider_ref, cost).await?;
            drop(conn);
            adopt_early_reports(pool, provider, &accepted.provider_ref, message.id).await?;
            Outcome::Sent
        }
        Err(SendFailure::Transient(error)) if message.tries < domain::MAX_TRIES => {
            let next = OffsetDateTime::now_utc() + domain::retry_delay(message.tries, message.id);
            db::update_retry(&mut conn, message.id, owner, next, &error).await?;
            Outcome::Retried
        }
        Err(SendFailure::Ambiguous(error)) => {
            // It may have gone: never resent blindly, shown to a supervisor instead.
            db::update_held_final(&mut conn, message.id, owner, MessageStatus::Unknown, Some(provider), &error).await?;
            Outcome::Unknown
        }
        Err(SendFailure::Transient(error) | SendFailure::Permanent(error)) => {
            db::update_held_final(&mut conn, message.id, owner, MessageStatus::Failed, Some(provider), &error).await?;
            Outcome::Failed
        }
    })
}

fn tariff(message: &db::Claimed, settings: &MessagingSettings) -> i64 {
    let encoding = if message.encoding == "UCS-2" { sms::Encoding::Ucs2 } else { sms::Encoding::Gsm7 };
    domain::tariff_centimes(encoding, usize::try_from(message.segments).unwrap_or(0), settings)
}

/// A delivery report from `provider`: stored raw first (once per dedup key), then applied if
/// it moves the message forward. False when it changed nothing (a repeat, a late `sent`, or a
/// reference we do not know, which is kept for a person to look at). A report of one part
/// (Vonage) delivers the message once every part is delivered; any part's failure is final.
pub async fn apply_report(pool: &PgPool, provider: &str, report: &Report) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let found = match &report.target {
        Target::ProviderRef(provider_ref) => db::find_by_provider_ref(&mut tx, provider, provider_ref).await?,
        Target::Ours(id) => db::find_for_report(&mut tx, provider, *id).await?,
    };
    let provider_ref = match &report.target {
        Target::ProviderRef(r) => Some(r.clone()),
        Target::Ours(_) => report.part.clone(),
    };
    let stored = db::insert_event(
        &mut tx,
        provider,
        &report.dedup_key,
        found.map(|m| m.id),
        provider_ref.as_deref(),
        Some(report.status.as_str()),
        &report.raw,
    )
    .await?;
    let changed = match (stored, found) {
        (Some(_), Some(message)) if domain::advances(message.status, report.status) => {
            let whole = report.part.is_none()
                || report.status != MessageStatus::Delivered
                || db::count_delivered_parts(&mut tx, message.id).await? >= i64::from(message.segments.max(1));
            if whole {
                let is_final = domain::is_final(report.status);
                db::update_status(
                    &mut tx,
                    message.id,
                    report.status,
                    is_final,
                    report.error.as_deref(),
                    report.cost_centimes,
                )
                .await?;
            }
            whole
        }
        _ => false,
    };
    tx.commit().await?;
    Ok(changed)
}

/// Reports about a reference that came before we acknowledged the send (so were kept without a
/// message) are linked to it now, and the furthest status they reached is applied.
async fn adopt_early_reports(pool: &PgPool, provider: &str, provider_ref: &str, id: i64) -> Result<(), AppError> {
    {
        let mut conn = pool.acquire().await?;
        if !db::has_orphan_events(&mut conn, provider, provider_ref).await? {
            return Ok(());
        }
    }
    let mut tx = pool.begin().await?;
    let statuses = db::adopt_orphan_events(&mut tx, provider, provider_ref, id).await?;
    if !statuses.is_empty() {
        if let Some(found) = db::find_by_provider_ref(&mut tx, provider, provider_ref).await? {
            let mut current = found.status;
            for status in statuses.iter().filter_map(|s| MessageStatus::parse(s).ok()) {
                if domain::advances(current, status) {
                    db::update_status(&mut tx, id, status, domain::is_final(status), None, None).await?;
                    current = status;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// What a provider's callback did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallbackOutcome {
    pub reports: usize,
    pub applied: usize,
    /// Customers' button taps not seen before, for the orders feature to put in front of the
    /// agent; each is then stored with [`record_reply`].
    pub replies: Vec<CustomerReply>,
}

/// A customer answered one of our WhatsApp messages with a button.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerReply {
    /// The order the answered message is about, if it is one of ours about an order.
    pub order_id: Option<i64>,
    pub message_id: Option<i64>,
    /// `confirm`, `cancel` or `reschedule`.
    pub reply: String,
    /// The event's key (WhatsApp's id of the reply).
    key: String,
    raw: serde_json::Value,
}

/// A provider's callback, as the HTTP layer received it: refused (nothing stored) when its
/// signature does not match the configured provider's; otherwise every report is stored and
/// applied, a report about a message we do not know included (stored, answered as taken, so
/// the provider stops retrying).
pub async fn receive_callback(
    pool: &PgPool,
    config: &MessagingConfig,
    provider: &str,
    callback: &Callback<'_>,
) -> Result<CallbackOutcome, AppError> {
    let parsed = match (provider, &config.whatsapp) {
        ("whatsapp", Some(whatsapp)) => whatsapp.reports(callback),
        ("whatsapp", None) => return Err(AppError::new(ErrorCode::SignatureInvalid)),
        _ if config.provider.name() != provider => return Err(AppError::new(ErrorCode::SignatureInvalid)),
        _ => config.provider.reports(callback).map(|r| (r, Vec::new())),
    };
    let (reports, replies) = match parsed {
        Ok(parsed) => parsed,
        Err(CallbackError::Forged) => {
            tracing::warn!(provider, "callback refused: bad signature");
            return Err(AppError::new(ErrorCode::SignatureInvalid));
        }
        Err(CallbackError::Unreadable(why)) => {
            tracing::warn!(provider, %why, "signed callback not understood");
            // Kept for a person to look at, without our secret (Infobip's report URL carries it).
            let query: Vec<(String, String)> = url::form_urlencoded::parse(callback.query.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "token")
                .collect();
            let raw = json!({"unreadable": why, "body": String::from_utf8_lossy(callback.body), "query": query});
            let key = format!("unreadable:{}", sha_hex(callback.body, callback.query));
            let mut conn = pool.acquire().await?;
            db::insert_event(&mut conn, provider, &key, None, None, None, &raw).await?;
            return Err(AppError::field(ErrorCode::BadRequest, "body"));
        }
    };
    let mut outcome = CallbackOutcome { reports: reports.len(), ..Default::default() };
    for report in &reports {
        if apply_report(pool, provider, report).await? {
            outcome.applied += 1;
        }
    }
    for reply in &replies {
        if let Some(answered) = new_reply(pool, reply).await? {
            outcome.replies.push(answered);
        }
    }
    Ok(outcome)
}

/// A button tap not seen before (by WhatsApp's id of the reply), with the order it is about
/// when it answers one of our messages about an order. Nothing is stored yet: the orders feature
/// stores it with [`record_reply`] in the transaction that puts the order in front of its agent,
/// so a tap is taken whole, once.
async fn new_reply(pool: &PgPool, reply: &ButtonReply) -> Result<Option<CustomerReply>, AppError> {
    let mut conn = pool.acquire().await?;
    let key = format!("reply:{}", reply.reply_id);
    if db::event_exists(&mut conn, "whatsapp", &key).await? {
        return Ok(None);
    }
    let found = db::find_for_report(&mut conn, "whatsapp", reply.message_id).await?;
    let order_id = match found {
        Some(message) => db::order_of(&mut conn, message.id).await?,
        None => None,
    };
    Ok(Some(CustomerReply {
        order_id,
        message_id: found.map(|m| m.id),
        reply: reply.reply.as_str().to_string(),
        key,
        raw: reply.raw.clone(),
    }))
}

/// Stores a customer's tap once, against its message when it is ours (shown in the history), in
/// the caller's transaction. False when it was stored before (a repeated webhook).
pub async fn record_reply(conn: &mut PgConnection, reply: &CustomerReply) -> Result<bool, AppError> {
    let status = format!("reply:{}", reply.reply);
    let stored =
        db::insert_event(conn, "whatsapp", &reply.key, reply.message_id, None, Some(&status), &reply.raw).await?;
    Ok(stored.is_some())
}

/// Meta's webhook check (a GET): the challenge to echo, when WhatsApp is configured and the
/// verify token is ours.
pub fn whatsapp_challenge(config: &MessagingConfig, query: &str) -> Result<String, AppError> {
    config.whatsapp.as_ref().and_then(|w| w.challenge(query)).ok_or(AppError::new(ErrorCode::SignatureInvalid))
}

fn sha_hex(body: &[u8], query: &str) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(body);
    hash.update(query.as_bytes());
    hex::encode(hash.finalize())
}

/// The template editor's load (supervisors): the SMS steps, and the WhatsApp and e-mail ones
/// when this instance can send on them (a step switched on with nothing to send it would only
/// fail).
pub async fn templates_page(pool: &PgPool, user: &CurrentUser, channels: Channels) -> Result<TemplatesPage, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    let mut steps = db::list_steps(&mut conn).await?;
    steps.retain(|s| match s.channel {
        Channel::Sms => true,
        Channel::Whatsapp => channels.whatsapp,
        Channel::Email => channels.email,
    });
    Ok(TemplatesPage { steps, settings: db::get_settings(&mut conn).await?, sample_at: OffsetDateTime::now_utc() })
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

/// The supervisors' messaging page for `filter` (supervisors): the newest 200 matching
/// messages, cost per day, step and order, delivery per provider, and the unknown count.
pub async fn outbox(pool: &PgPool, user: &CurrentUser, filter: &OutboxFilter) -> Result<OutboxPage, AppError> {
    user.require(Role::Supervisor)?;
    let today = OffsetDateTime::now_utc().to_offset(crate::locale::algiers::ALGIERS).date();
    let day = |text: &Option<String>, field: &str, default: Date| -> Result<Date, AppError> {
        match text {
            None => Ok(default),
            Some(text) => Date::parse(text, DAY).map_err(|_| AppError::field(ErrorCode::PeriodInvalid, field)),
        }
    };
    let to = day(&filter.to, "to", today)?;
    let from = day(&filter.from, "from", to - Duration::days(29))?;
    if from > to || to - from > Duration::days(366) {
        return Err(AppError::field(ErrorCode::PeriodInvalid, "from"));
    }
    let start = crate::locale::algiers::midnight(from);
    let end = crate::locale::algiers::midnight(to + Duration::days(1));
    let query = db::OutboxQuery {
        status: filter.status.map(|s| s.as_str()),
        step: filter.step.as_deref(),
        provider: filter.provider.as_deref(),
        from: start,
        to: end,
    };
    let mut conn = pool.acquire().await?;
    let messages = db::list_outbox(&mut conn, query, 200).await?;
    let sums = db::outbox_summary(&mut conn, query).await?;
    let (total_messages, total_cost, orders) = sums.totals;
    let (unknown, all_steps, all_providers) = db::outbox_choices(&mut conn).await?;
    let format = |d: Date| d.format(DAY).unwrap_or_default();
    Ok(OutboxPage {
        from: format(from),
        to: format(to),
        messages,
        total_messages,
        total_cost: total_cost as f64 / 100.0,
        orders,
        days: sums.days,
        steps: sums.steps,
        providers: sums.providers,
        top_orders: sums.top_orders,
        unknown,
        all_steps,
        all_providers,
    })
}

const DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A supervisor's decision on an `unknown` message (audited): it arrived, send it again now
/// (the customer may get it twice: the person decided), or give it up. `conflict` when it is no
/// longer unknown.
pub async fn resolve_unknown(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    resolution: Resolution,
) -> Result<(), AppError> {
    user.require(Role::Supervisor)?;
    let (to, note) = match resolution {
        Resolution::Delivered => (MessageStatus::Delivered, "marked delivered by a supervisor"),
        Resolution::Resend => (MessageStatus::Queued, "sent again by a supervisor"),
        Resolution::Failed => (MessageStatus::Failed, "given up by a supervisor"),
    };
    let mut tx = pool.begin().await?;
    if !db::update_resolved(&mut tx, id, to, note).await? {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "message.resolve",
            entity: "message",
            entity_id: id,
            before: Some(json!({"status": "unknown"})),
            after: Some(json!({"status": to.as_str(), "resolution": resolution.as_str()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
