//! The messaging tables: settings, steps and templates, the outbox (`messages`) with its claims
//! and leases, the raw provider events, and the mock provider's own store.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{
    Channel, DayCost, MessageStatus, MessagingSettings, OrderCost, OutboxEntry, ProviderRate, SmsEntry, StepCost,
    StepView, TemplateView,
};
use crate::locale::UiLocale;

fn known<T>(column: &'static str, raw: &str, parsed: Result<T, crate::error::AppError>) -> Result<T, sqlx::Error> {
    crate::error::known_stored("messaging", column, raw, parsed)
}

fn language(raw: &str) -> Result<UiLocale, sqlx::Error> {
    known("language", raw, UiLocale::parse(raw))
}

fn channel(raw: &str) -> Result<Channel, sqlx::Error> {
    known("channel", raw, Channel::parse(raw))
}

fn status(raw: &str) -> Result<MessageStatus, sqlx::Error> {
    known("status", raw, MessageStatus::parse(raw))
}

fn minute(raw: i32) -> u16 {
    u16::try_from(raw.clamp(0, 1439)).unwrap_or(0)
}

pub async fn get_settings(conn: &mut PgConnection) -> Result<MessagingSettings, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT shop_name, default_language, quiet_start_minute, quiet_end_minute, friday_pause,
                gsm_segment_centimes, ucs2_segment_centimes
         FROM messaging_settings WHERE id"
    )
    .fetch_one(conn)
    .await?;
    Ok(MessagingSettings {
        shop_name: row.shop_name,
        default_language: language(&row.default_language)?,
        quiet_start_minute: minute(row.quiet_start_minute),
        quiet_end_minute: minute(row.quiet_end_minute),
        friday_pause: row.friday_pause,
        gsm_segment_centimes: row.gsm_segment_centimes,
        ucs2_segment_centimes: row.ucs2_segment_centimes,
    })
}

pub async fn update_settings(conn: &mut PgConnection, s: &MessagingSettings) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE messaging_settings
         SET shop_name = $1, default_language = $2, quiet_start_minute = $3, quiet_end_minute = $4, friday_pause = $5,
             gsm_segment_centimes = $6, ucs2_segment_centimes = $7, updated_at = now()
         WHERE id",
        s.shop_name,
        s.default_language.tag(),
        i32::from(s.quiet_start_minute),
        i32::from(s.quiet_end_minute),
        s.friday_pause,
        s.gsm_segment_centimes,
        s.ucs2_segment_centimes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every step with its templates, steps in a fixed order (the order they happen in).
pub async fn list_steps(conn: &mut PgConnection) -> Result<Vec<StepView>, sqlx::Error> {
    let steps = sqlx::query!(
        "SELECT step, channel, enabled FROM message_steps
         ORDER BY array_position(ARRAY['sms', 'whatsapp', 'email'], channel),
                  array_position(ARRAY['order_received', 'no_answer_sms', 'callback', 'postponed', 'confirmed',
                                       'shipped_soon', 'reminder'], step), step"
    )
    .fetch_all(&mut *conn)
    .await?;
    let templates = sqlx::query!(
        "SELECT id, step, channel, language, body, updated_at FROM message_templates
         ORDER BY array_position(ARRAY['fr', 'ar', 'ar-DZ'], language)"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        let mut list = Vec::new();
        for t in templates.iter().filter(|t| t.step == s.step && t.channel == s.channel) {
            list.push(TemplateView {
                id: t.id,
                step: t.step.clone(),
                channel: channel(&t.channel)?,
                language: language(&t.language)?,
                body: t.body.clone(),
                updated_at: t.updated_at,
            });
        }
        out.push(StepView { channel: channel(&s.channel)?, step: s.step, enabled: s.enabled, templates: list });
    }
    Ok(out)
}

/// A step's switch and its templates by language; None when the step does not exist.
pub async fn find_step(
    conn: &mut PgConnection,
    step: &str,
    channel: Channel,
) -> Result<Option<(bool, Vec<(UiLocale, String)>)>, sqlx::Error> {
    let Some(enabled) = sqlx::query_scalar!(
        "SELECT enabled FROM message_steps WHERE step = $1 AND channel = $2",
        step,
        channel.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query!(
        "SELECT language, body FROM message_templates WHERE step = $1 AND channel = $2",
        step,
        channel.as_str()
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut templates = Vec::with_capacity(rows.len());
    for r in rows {
        templates.push((language(&r.language)?, r.body));
    }
    Ok(Some((enabled, templates)))
}

pub async fn find_template(conn: &mut PgConnection, id: i64) -> Result<Option<TemplateView>, sqlx::Error> {
    let Some(t) =
        sqlx::query!("SELECT id, step, channel, language, body, updated_at FROM message_templates WHERE id = $1", id)
            .fetch_optional(conn)
            .await?
    else {
        return Ok(None);
    };
    Ok(Some(TemplateView {
        id: t.id,
        step: t.step,
        channel: channel(&t.channel)?,
        language: language(&t.language)?,
        body: t.body,
        updated_at: t.updated_at,
    }))
}

/// Writes a template's text (creating it for that language when missing); its id.
pub async fn upsert_template(
    conn: &mut PgConnection,
    step: &str,
    channel: Channel,
    language: UiLocale,
    body: &str,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO message_templates (step, channel, language, body, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (step, channel, language)
         DO UPDATE SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING id",
        step,
        channel.as_str(),
        language.tag(),
        body,
        user_id
    )
    .fetch_one(conn)
    .await
}

/// Switches a step on or off; false when there is no such step.
pub async fn update_step_enabled(
    conn: &mut PgConnection,
    step: &str,
    channel: Channel,
    enabled: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE message_steps SET enabled = $3, updated_at = now() WHERE step = $1 AND channel = $2",
        step,
        channel.as_str(),
        enabled
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMessage<'a> {
    pub order_id: Option<i64>,
    pub customer_id: i64,
    pub step: &'a str,
    pub channel: Channel,
    pub occurrence: i32,
    pub language: UiLocale,
    pub language_fallback: bool,
    pub recipient: &'a str,
    pub body: &'a str,
    /// An e-mail's subject.
    pub subject: Option<&'a str>,
    pub encoding: &'a str,
    pub segments: i32,
    pub next_try_at: OffsetDateTime,
    pub created_by: Option<i64>,
}

/// Queues a message and wakes the senders (on commit). None when that occurrence of the step
/// is already queued (a retried request).
pub async fn insert_message(conn: &mut PgConnection, m: &NewMessage<'_>) -> Result<Option<i64>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO messages (order_id, customer_id, step, channel, occurrence, language, language_fallback,
                               recipient, body, encoding, segments, next_try_at, created_by, subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT ON CONSTRAINT messages_occurrence_key DO NOTHING
         RETURNING id",
        m.order_id,
        m.customer_id,
        m.step,
        m.channel.as_str(),
        m.occurrence,
        m.language.tag(),
        m.language_fallback,
        m.recipient,
        m.body,
        m.encoding,
        m.segments,
        m.next_try_at,
        m.created_by,
        m.subject
    )
    .fetch_optional(&mut *conn)
    .await?;
    if id.is_some() {
        sqlx::query!("SELECT pg_notify($1, '')", super::service::CHANNEL).execute(conn).await?;
    }
    Ok(id)
}

/// Whether any message was queued for an order's attempt `occurrence`.
pub async fn exists_for_occurrence(
    conn: &mut PgConnection,
    order_id: i64,
    occurrence: i32,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM messages WHERE order_id = $1 AND occurrence = $2) AS "exists!""#,
        order_id,
        occurrence
    )
    .fetch_one(conn)
    .await
}

/// A message a worker holds under its lease.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub body: String,
    pub subject: Option<String>,
    pub segments: i32,
    pub encoding: String,
    pub tries: i32,
    pub language: UiLocale,
    /// The claim took over a lease that ran out: a send may have happened; look it up, never resend.
    pub interrupted: bool,
}

/// Claims up to `limit` due messages for `owner` until `lease_until`: queued ones whose time has
/// come, and sending ones whose lease ran out (their worker died mid-send). Rows another worker
/// holds are skipped, never waited for.
pub async fn claim_due(
    conn: &mut PgConnection,
    owner: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH due AS (
               SELECT id, status FROM messages
               WHERE (status = 'queued' AND next_try_at <= $2) OR (status = 'sending' AND lease_until < $2)
               ORDER BY next_try_at, id
               LIMIT $4
               FOR UPDATE SKIP LOCKED)
           UPDATE messages m
           SET status = 'sending', lease_owner = $1, lease_until = $3, updated_at = now(),
               tries = CASE WHEN due.status = 'queued' THEN m.tries + 1 ELSE m.tries END
           FROM due WHERE m.id = due.id
           RETURNING m.id, m.channel, m.recipient, m.body, m.subject, m.segments, m.encoding, m.tries, m.language,
                     due.status = 'sending' AS "interrupted!""#,
        owner,
        now,
        lease_until,
        limit
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Claimed {
            id: r.id,
            channel: channel(&r.channel)?,
            recipient: r.recipient,
            body: r.body,
            subject: r.subject,
            segments: r.segments,
            encoding: r.encoding,
            tries: r.tries,
            language: language(&r.language)?,
            interrupted: r.interrupted,
        });
    }
    Ok(out)
}

/// Extends `owner`'s lease on messages it still holds.
pub async fn renew_leases(
    conn: &mut PgConnection,
    ids: &[i64],
    owner: &str,
    lease_until: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages SET lease_until = $3 WHERE id = ANY($1) AND status = 'sending' AND lease_owner = $2",
        ids,
        owner,
        lease_until
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The provider took the message: `sent`, with its reference and (when it said) its price.
/// False when the lease was lost meanwhile (another worker took over: it will look it up).
pub async fn update_sent(
    conn: &mut PgConnection,
    id: i64,
    owner: &str,
    provider: &str,
    provider_ref: &str,
    cost_centimes: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        // A delivery report may have come first and moved the status on: the acknowledgement
        // then only records who took it, its reference and its price.
        "UPDATE messages
         SET status = CASE WHEN status = 'sending' THEN 'sent' ELSE status END,
             provider = $3, provider_ref = $4, cost_centimes = COALESCE(cost_centimes, $5),
             sent_at = COALESCE(sent_at, now()), lease_owner = NULL, lease_until = NULL,
             error = CASE WHEN status = 'sending' THEN NULL ELSE error END, updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND (status = 'sending' OR provider_ref IS NULL)",
        id,
        owner,
        provider,
        provider_ref,
        cost_centimes
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Quiet hours began after the claim: back to the queue until `until`, the try not counted.
pub async fn update_hold(
    conn: &mut PgConnection,
    id: i64,
    owner: &str,
    until: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages SET status = 'queued', next_try_at = $3, tries = greatest(tries - 1, 0), lease_owner = NULL,
                             lease_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'sending' AND lease_owner = $2",
        id,
        owner,
        until
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A transient failure: back to the queue for another try at `next_try_at`.
pub async fn update_retry(
    conn: &mut PgConnection,
    id: i64,
    owner: &str,
    next_try_at: OffsetDateTime,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages SET status = 'queued', next_try_at = $3, error = $4, lease_owner = NULL,
                             lease_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'sending' AND lease_owner = $2",
        id,
        owner,
        next_try_at,
        error
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a held message: failed for good, or unknown (an interrupted send nobody can confirm).
pub async fn update_held_final(
    conn: &mut PgConnection,
    id: i64,
    owner: &str,
    status: MessageStatus,
    provider: Option<&str>,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages SET status = $3, provider = COALESCE($4, provider), error = $5, lease_owner = NULL,
                             lease_until = NULL, final_at = CASE WHEN $3 = 'unknown' THEN NULL ELSE now() END,
                             updated_at = now()
         WHERE id = $1 AND status = 'sending' AND lease_owner = $2",
        id,
        owner,
        status.as_str(),
        provider,
        error
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A message a report is about, locked for the update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported {
    pub id: i64,
    pub status: MessageStatus,
    pub segments: i32,
}

/// The message `provider` knows as `provider_ref`, locked.
pub async fn find_by_provider_ref(
    conn: &mut PgConnection,
    provider: &str,
    provider_ref: &str,
) -> Result<Option<Reported>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, status, segments FROM messages WHERE provider = $1 AND provider_ref = $2 FOR UPDATE",
        provider,
        provider_ref
    )
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok(Reported { id: r.id, status: status(&r.status)?, segments: r.segments })).transpose()
}

/// Our message `id`, if `provider` sent it, locked.
pub async fn find_for_report(
    conn: &mut PgConnection,
    provider: &str,
    id: i64,
) -> Result<Option<Reported>, sqlx::Error> {
    let row = sqlx::query!(
        // Not yet acknowledged (no provider recorded) is fine: a report can beat the ack.
        "SELECT id, status, segments FROM messages
         WHERE id = $1
           AND (provider = $2 OR (provider IS NULL AND channel = CASE WHEN $2 = 'whatsapp' THEN 'whatsapp' ELSE 'sms' END))
         FOR UPDATE",
        id,
        provider
    )
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok(Reported { id: r.id, status: status(&r.status)?, segments: r.segments })).transpose()
}

/// Whether reports about `provider_ref` came before we knew the reference (a partial index keeps
/// this one look-up per send cheap: such reports are rare).
pub async fn has_orphan_events(
    conn: &mut PgConnection,
    provider: &str,
    provider_ref: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM message_events
                          WHERE provider = $1 AND provider_ref = $2 AND message_id IS NULL) AS "found!""#,
        provider,
        provider_ref
    )
    .fetch_one(conn)
    .await
}

/// Reports `provider` sent about `provider_ref` before we knew the reference (they came before
/// the acknowledgement): now linked to message `id`. Their statuses, oldest first.
pub async fn adopt_orphan_events(
    conn: &mut PgConnection,
    provider: &str,
    provider_ref: &str,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"UPDATE message_events SET message_id = $3
           WHERE provider = $1 AND provider_ref = $2 AND message_id IS NULL AND status IS NOT NULL
           RETURNING id, status AS "status!""#,
        provider,
        provider_ref,
        id
    )
    .fetch_all(conn)
    .await?;
    let mut rows: Vec<(i64, String)> = rows.into_iter().map(|r| (r.id, r.status)).collect();
    rows.sort();
    Ok(rows.into_iter().map(|(_, s)| s).collect())
}

/// Whether `provider`'s event `dedup_key` is stored already.
pub async fn event_exists(conn: &mut PgConnection, provider: &str, dedup_key: &str) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM message_events WHERE provider = $1 AND dedup_key = $2) AS "found!""#,
        provider,
        dedup_key
    )
    .fetch_one(conn)
    .await?;
    Ok(found)
}

/// The order a message is about.
pub async fn order_of(conn: &mut PgConnection, id: i64) -> Result<Option<i64>, sqlx::Error> {
    Ok(sqlx::query_scalar!("SELECT order_id FROM messages WHERE id = $1", id).fetch_optional(conn).await?.flatten())
}

/// How many of a message's parts were reported delivered (each part's report is stored once).
pub async fn count_delivered_parts(conn: &mut PgConnection, id: i64) -> Result<i64, sqlx::Error> {
    let n = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM message_events WHERE message_id = $1 AND status = 'delivered'",
        id
    )
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Sets a status the caller checked moves forward; a final one stamps `final_at`.
pub async fn update_status(
    conn: &mut PgConnection,
    id: i64,
    to: MessageStatus,
    final_status: bool,
    error: Option<&str>,
    cost_centimes: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE messages SET status = $2, final_at = CASE WHEN $3 THEN now() ELSE final_at END,
                             error = COALESCE($4, error), cost_centimes = COALESCE($5, cost_centimes),
                             updated_at = now()
         WHERE id = $1",
        id,
        to.as_str(),
        final_status,
        error,
        cost_centimes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a provider event as it came; None when the same event was stored before.
pub async fn insert_event(
    conn: &mut PgConnection,
    provider: &str,
    dedup_key: &str,
    message_id: Option<i64>,
    provider_ref: Option<&str>,
    status: Option<&str>,
    raw: &serde_json::Value,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO message_events (provider, dedup_key, message_id, provider_ref, status, raw)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ON CONSTRAINT message_events_dedup_key DO NOTHING
         RETURNING id",
        provider,
        dedup_key,
        message_id,
        provider_ref,
        status,
        raw
    )
    .fetch_optional(conn)
    .await
}

/// Sent messages with no final status since `before`: they become unknown (not e-mails, whose
/// `sent` is as far as SMTP tells). The count.
pub async fn update_stale_to_unknown(conn: &mut PgConnection, before: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages SET status = 'unknown', error = 'no final status within 72 hours', updated_at = now()
         WHERE status = 'sent' AND sent_at < $1 AND channel <> 'email'",
        before
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// An order's messages (`order_id`), or a customer's latest `limit` (`customer_id`), oldest first.
pub async fn list_messages(
    conn: &mut PgConnection,
    order_id: Option<i64>,
    customer_id: Option<i64>,
    limit: i64,
) -> Result<Vec<SmsEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT latest.id, latest.order_id, latest.step, latest.channel, latest.body, latest.status, latest.language,
                  latest.language_fallback, latest.segments, latest.sent_at, latest.provider, latest.cost_centimes,
                  latest.created_at,
                  (SELECT substr(e.status, 7) FROM message_events e
                   WHERE e.message_id = latest.id AND e.status LIKE 'reply:%'
                   ORDER BY e.id DESC LIMIT 1) AS "reply?"
           FROM (SELECT id, order_id, step, channel, body, status, language, language_fallback, segments, sent_at,
                        provider, cost_centimes, created_at
                 FROM messages
                 WHERE ($1::int8 IS NULL OR order_id = $1) AND ($2::int8 IS NULL OR customer_id = $2)
                 ORDER BY created_at DESC, id DESC LIMIT $3) latest
           ORDER BY latest.created_at, latest.id"#,
        order_id,
        customer_id,
        limit
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(SmsEntry {
            id: r.id,
            order_id: r.order_id,
            step: r.step,
            channel: channel(&r.channel)?,
            message: r.body,
            status: status(&r.status)?,
            language: language(&r.language)?,
            language_fallback: r.language_fallback,
            segments: r.segments,
            sent_at: r.sent_at,
            provider: r.provider,
            cost: r.cost_centimes.map(|c| c as f64 / 100.0),
            created_at: r.created_at,
            reply: r.reply,
        });
    }
    Ok(out)
}

/// The mock provider's record of a send (idempotent on our id, as Infobip's `messageId` is).
pub async fn insert_mock_send(
    conn: &mut PgConnection,
    client_ref: &str,
    provider_ref: &str,
    recipient: &str,
    body: &str,
    segments: i32,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO mock_provider_messages (client_ref, provider_ref, recipient, body, segments, status)
         VALUES ($1, $2, $3, $4, $5, 'accepted')
         ON CONFLICT (client_ref) DO UPDATE SET sends = mock_provider_messages.sends + 1
         RETURNING provider_ref",
        client_ref,
        provider_ref,
        recipient,
        body,
        segments
    )
    .fetch_one(conn)
    .await
}

/// What the mock provider knows of a message by our id: its reference.
pub async fn find_mock_send(conn: &mut PgConnection, client_ref: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT provider_ref FROM mock_provider_messages WHERE client_ref = $1", client_ref)
        .fetch_optional(conn)
        .await
}

/// A supervisor's filter of the outbox: any of status, step and provider, in `[from, to)`.
#[derive(Clone, Copy, Debug)]
pub struct OutboxQuery<'a> {
    pub status: Option<&'a str>,
    pub step: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

/// The newest `limit` messages matching the filter.
pub async fn list_outbox(
    conn: &mut PgConnection,
    q: OutboxQuery<'_>,
    limit: i64,
) -> Result<Vec<OutboxEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.id AS "id!", m.order_id, o.number AS "order_number?", m.step AS "step!", m.channel AS "channel!",
                  m.status AS "status!", m.recipient AS "recipient!", m.body AS "body!", m.provider,
                  m.segments AS "segments!", m.cost_centimes, m.error, m.tries AS "tries!", m.language AS "language!",
                  m.created_at AS "created_at!", m.sent_at
           FROM outbox_messages($1, $2, $3, $4, $5) m LEFT JOIN orders o ON o.id = m.order_id
           ORDER BY m.created_at DESC, m.id DESC
           LIMIT $6"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to,
        limit
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(OutboxEntry {
            id: r.id,
            order_id: r.order_id,
            order_number: r.order_number,
            step: r.step,
            channel: channel(&r.channel)?,
            status: self::status(&r.status)?,
            recipient: r.recipient,
            message: r.body,
            provider: r.provider,
            segments: r.segments,
            cost: r.cost_centimes.map(|c| c as f64 / 100.0),
            error: r.error,
            tries: r.tries,
            language: language(&r.language)?,
            created_at: r.created_at,
            sent_at: r.sent_at,
        });
    }
    Ok(out)
}

/// What the filtered messages come to: per Algiers day, per step, per provider (with
/// deliveries), the ten dearest orders, and the totals (messages, centimes, orders).
pub struct OutboxSums {
    pub days: Vec<DayCost>,
    pub steps: Vec<StepCost>,
    pub providers: Vec<ProviderRate>,
    pub top_orders: Vec<OrderCost>,
    pub totals: (i64, i64, i64),
}

pub async fn outbox_summary(conn: &mut PgConnection, q: OutboxQuery<'_>) -> Result<OutboxSums, sqlx::Error> {
    let days = sqlx::query!(
        r#"SELECT to_char((m.created_at AT TIME ZONE 'Africa/Algiers')::date, 'YYYY-MM-DD') AS "day!",
                  count(*) AS "messages!", COALESCE(sum(m.cost_centimes), 0)::int8 AS "cost!"
           FROM outbox_messages($1, $2, $3, $4, $5) m
           GROUP BY 1 ORDER BY 1"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| DayCost { day: r.day, messages: r.messages, cost: r.cost as f64 / 100.0 })
    .collect();
    let steps = sqlx::query!(
        r#"SELECT m.step AS "step!", count(*) AS "messages!",
                  count(*) FILTER (WHERE m.status = 'delivered') AS "delivered!",
                  COALESCE(sum(m.cost_centimes), 0)::int8 AS "cost!"
           FROM outbox_messages($1, $2, $3, $4, $5) m
           GROUP BY m.step ORDER BY 4 DESC, 1"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| StepCost { step: r.step, messages: r.messages, delivered: r.delivered, cost: r.cost as f64 / 100.0 })
    .collect();
    let providers = sqlx::query!(
        r#"SELECT m.provider AS "provider!",
                  count(*) FILTER (WHERE m.status NOT IN ('queued', 'sending')) AS "taken!",
                  count(*) FILTER (WHERE m.status = 'delivered') AS "delivered!",
                  count(*) FILTER (WHERE m.status IN ('failed', 'undelivered', 'expired')) AS "failed!",
                  count(*) FILTER (WHERE m.status = 'unknown') AS "unknown!"
           FROM outbox_messages($1, $2, $3, $4, $5) m
           WHERE m.provider IS NOT NULL
           GROUP BY m.provider ORDER BY 1"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| ProviderRate {
        rate: (r.delivered + r.failed > 0).then(|| r.delivered as f64 / (r.delivered + r.failed) as f64),
        provider: r.provider,
        taken: r.taken,
        delivered: r.delivered,
        failed: r.failed,
        unknown: r.unknown,
    })
    .collect();
    let top_orders = sqlx::query!(
        r#"SELECT o.id AS "order_id!", o.number AS "number!", count(*) AS "messages!",
                  COALESCE(sum(m.cost_centimes), 0)::int8 AS "cost!"
           FROM outbox_messages($1, $2, $3, $4, $5) m JOIN orders o ON o.id = m.order_id
           GROUP BY o.id, o.number ORDER BY 4 DESC, 1 LIMIT 10"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| OrderCost {
        order_id: r.order_id,
        order_number: r.number,
        messages: r.messages,
        cost: r.cost as f64 / 100.0,
    })
    .collect();
    let totals = sqlx::query!(
        r#"SELECT count(*) AS "messages!", COALESCE(sum(m.cost_centimes), 0)::int8 AS "cost!",
                  count(DISTINCT m.order_id) AS "orders!"
           FROM outbox_messages($1, $2, $3, $4, $5) m"#,
        q.status,
        q.step,
        q.provider,
        q.from,
        q.to
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(OutboxSums { days, steps, providers, top_orders, totals: (totals.messages, totals.cost, totals.orders) })
}

/// Every unknown message, and the steps and providers messages were ever sent for.
pub async fn outbox_choices(conn: &mut PgConnection) -> Result<(i64, Vec<String>, Vec<String>), sqlx::Error> {
    let unknown = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM messages WHERE status = 'unknown'"#)
        .fetch_one(&mut *conn)
        .await?;
    let steps =
        sqlx::query_scalar!("SELECT step FROM message_steps UNION SELECT DISTINCT step FROM messages ORDER BY 1")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .flatten()
            .collect();
    let providers = sqlx::query_scalar!(
        r#"SELECT DISTINCT provider AS "provider!" FROM messages WHERE provider IS NOT NULL ORDER BY 1"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((unknown, steps, providers))
}

/// A supervisor's decision on an unknown message: `delivered` or `failed` end it; `queued` sends
/// it again now (and wakes the senders). False when it is no longer unknown (decided already).
pub async fn update_resolved(
    conn: &mut PgConnection,
    id: i64,
    to: MessageStatus,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE messages
         SET status = $2,
             final_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END,
             next_try_at = CASE WHEN $2 = 'queued' THEN now() ELSE next_try_at END,
             lease_owner = NULL, lease_until = NULL, error = $3, updated_at = now()
         WHERE id = $1 AND status = 'unknown'",
        id,
        to.as_str(),
        note
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 && to == MessageStatus::Queued {
        sqlx::query!("SELECT pg_notify($1, '')", super::service::CHANNEL).execute(&mut *conn).await?;
    }
    Ok(done.rows_affected() == 1)
}
