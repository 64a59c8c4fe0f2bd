//! Order workflows shared by the server functions and the REST API: intake, the queues, the order
//! view, recording an attempt (optimistic locking: a stale version is `409 conflict`), assignment.
//! Every change writes its audit entry in the same transaction.
use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::db;
use super::domain::OrderAccess;
use super::domain::{self, AttemptRequest};
use super::intake::{self, NewOrder};
use super::{AttemptInput, IntakeResult, Method, OrderRow, OrderView, PageCursor, PendingFilter};
use crate::audit::db::{insert_audit, insert_audits, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::customers::domain::normalize_name;
use crate::customers::service::{self as customers, CustomerUpsert};
use crate::error::{AppError, ErrorCode};
use crate::locale::UiLocale;
use crate::messaging::service::{self as messaging, OrderMessage};
use crate::statuses::service::load_config;

/// How many orders My queue shows at once.
pub const QUEUE_LIMIT: i64 = 200;

/// Validates and stores a new order, creating or updating its customer. Idempotent on the shop's
/// reference: the same request again answers the stored order with `created: false`; a different
/// order under a used reference is `409 reference_reused`.
pub async fn create_order(pool: &PgPool, actor: &CurrentUser, input: &NewOrder) -> Result<IntakeResult, AppError> {
    actor.require_scope(Scope::OrdersWrite, Role::Supervisor)?;
    let order = intake::validate(input)?;
    let fingerprint = serde_json::to_vec(&order).map_err(|_| AppError::new(ErrorCode::Internal))?;
    let hash = sha256(&fingerprint);
    let mut tx = pool.begin().await?;
    if let Some(reference) = &order.reference {
        if let Some(existing) = db::find_by_reference(&mut tx, reference).await? {
            return replay(existing, &hash);
        }
    }
    let commune_id = match &order.commune {
        None => None,
        Some(commune) => Some(
            db::resolve_commune(&mut tx, order.wilaya, commune)
                .await?
                .ok_or_else(|| AppError::field(ErrorCode::CommuneUnknown, "delivery.commune"))?,
        ),
    };
    let status = db::initial_status(&mut tx).await?.ok_or_else(|| {
        tracing::error!("no active initial status: orders cannot be taken in");
        AppError::new(ErrorCode::Internal)
    })?;
    let customer = customers::upsert_for_order(
        &mut tx,
        &CustomerUpsert {
            phone: order.phone.e164(),
            name: &order.name,
            name_normalized: &normalize_name(&order.name),
            locale: order.locale,
            wilaya: order.wilaya,
            commune_id,
            address: &order.address,
            email: order.email.as_deref(),
        },
        order.other_phone.as_ref().map(|p| p.e164()),
    )
    .await?;
    let customer_id = customer.id;
    let Some((id, number)) = db::insert_order(&mut tx, &order, customer_id, commune_id, &status, &hash).await? else {
        // Another request stored this reference between our read and our insert: undo the
        // customer update and answer with that order.
        tx.rollback().await?;
        let mut conn = pool.acquire().await?;
        let reference = order.reference.as_deref().unwrap_or_default();
        let existing = db::find_by_reference(&mut conn, reference).await?.ok_or(AppError::new(ErrorCode::Conflict))?;
        return replay(existing, &hash);
    };
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(actor.id),
            action: "order.create",
            entity: "order",
            entity_id: id,
            before: None,
            after: Some(json!({"number": number, "reference": order.reference, "customerId": customer_id,
                                "total": order.total, "status": status, "source": order.source})),
        },
    )
    .await?;
    // duplicates are caught before any agent sees the order (a likely one is held for review)
    let pairs = crate::duplicates::service::check_order(&mut tx, id, "intake").await?;
    // the "order received" text, when the shop switched it on, is queued with the order (not
    // for one held as a likely duplicate); occurrence 0: the attempts are 1, 2, …
    let received = OrderMessage {
        order_id: id,
        customer_id,
        customer_name: &order.name,
        phone: order.phone.e164(),
        // this order's address, or the one the customer gave before
        email: customer.email.as_deref(),
        language: order.locale,
        order_number: &number,
        total: order.total,
        reschedule_time: None,
        occurrence: 0,
        created_by: Some(actor.id),
    };
    if !pairs.iter().any(|p| p.flagged) {
        messaging::enqueue_order_step(&mut tx, crate::messaging::ORDER_RECEIVED, &received, OffsetDateTime::now_utc())
            .await?;
    }
    // speed to first call: route it now, not at the next quarter hour
    crate::agents::service::kick_routing(&mut tx, "order").await?;
    tx.commit().await?;
    Ok(IntakeResult { id, number, customer_id, status, created: true })
}

fn replay(existing: db::ExistingOrder, hash: &[u8]) -> Result<IntakeResult, AppError> {
    if existing.intake_hash.as_deref() != Some(hash) {
        return Err(AppError::field(ErrorCode::ReferenceReused, "reference"));
    }
    Ok(IntakeResult {
        id: existing.id,
        number: existing.number,
        customer_id: existing.customer_id,
        status: existing.status,
        created: false,
    })
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// The agent's queue (for anyone: the orders assigned to them).
pub async fn my_queue(pool: &PgPool, user: &CurrentUser) -> Result<Vec<OrderRow>, AppError> {
    user.require(Role::Agent)?;
    // opening the queue is activity: it keeps the agent from being turned offline
    crate::agents::service::touch(pool, user).await?;
    let mut conn = pool.acquire().await?;
    Ok(db::agent_queue(&mut conn, user.id, user.locale, QUEUE_LIMIT).await?)
}

/// Open orders: all of them for supervisors and admins (filtered), the agent's own queue for agents.
pub async fn pending(pool: &PgPool, user: &CurrentUser, filter: &PendingFilter) -> Result<Vec<OrderRow>, AppError> {
    if !user.has_role(Role::Supervisor) {
        return my_queue(pool, user).await;
    }
    let after = filter.after.as_deref().filter(|a| !a.is_empty()).map(PageCursor::decode).transpose()?;
    let mut conn = pool.acquire().await?;
    Ok(db::pending(&mut conn, filter, after.unwrap_or(PageCursor::START), user.locale).await?)
}

/// Loads an order the user may act on: agents only theirs (and due "anyone" callbacks).
async fn authorised(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: i64,
    now: OffsetDateTime,
) -> Result<OrderAccess, AppError> {
    user.require(Role::Agent)?;
    let order = db::access(conn, id).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    if user.has_role(Role::Supervisor) || order.open_to_agent(user.id, now) {
        Ok(order)
    } else {
        // Not 404: the order exists, the agent is simply not on it.
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

pub async fn get_order(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<OrderView, AppError> {
    let mut conn = pool.acquire().await?;
    authorised(&mut conn, user, id, OffsetDateTime::now_utc()).await?;
    full_view(&mut conn, id, user.locale).await
}

/// The orders feature's jobs: the no-answer reminder every 30 minutes in business hours.
pub fn jobs() -> Vec<crate::jobs::service::JobSpec> {
    vec![crate::jobs::service::JobSpec::new(
        "reminders",
        crate::jobs::domain::Schedule::Every { minutes: 30, business_hours_only: true },
        |pool, now| async move {
            let (reminded, queued) = send_reminders(&pool, now).await?;
            Ok(json!({"reminded": reminded, "queued": queued}))
        },
    )]
}

/// Customers whose last attempt went unanswered at least 30 minutes ago get the "we tried to
/// reach you" text, once per attempt (a step that sent its own text, like `no_answer_sms`, counts:
/// the text is not doubled). Returns the orders looked at and the messages queued.
pub async fn send_reminders(pool: &PgPool, now: OffsetDateTime) -> Result<(usize, usize), AppError> {
    let (mut seen, mut queued) = (0, 0);
    loop {
        let mut tx = pool.begin().await?;
        let batch = db::list_reminder_candidates(&mut tx, now - time::Duration::minutes(30), 200).await?;
        if batch.is_empty() {
            break;
        }
        for c in &batch {
            let message = OrderMessage {
                order_id: c.id,
                customer_id: c.customer_id,
                customer_name: &c.customer_name,
                phone: &c.phone,
                email: c.email.as_deref(),
                language: Some(c.locale),
                order_number: &c.number,
                total: c.total,
                reschedule_time: c.next_contact_at,
                occurrence: c.attempts,
                created_by: None,
            };
            if messaging::enqueue_reminder(&mut tx, &message, now).await?.is_some() {
                queued += 1;
            }
        }
        seen += batch.len();
        let ids: Vec<i64> = batch.iter().map(|c| c.id).collect();
        db::update_reminded(&mut tx, &ids).await?;
        tx.commit().await?;
    }
    Ok((seen, queued))
}

/// What a stored message template costs rendered for this order (`sms/preview` with an order).
pub async fn preview_message(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    template_id: i64,
) -> Result<crate::messaging::SmsPreview, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut conn = pool.acquire().await?;
    let order = authorised(&mut conn, user, id, now).await?;
    let view = db::view(&mut conn, id, user.locale).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    let message = order_message(&view, order.customer_id, view.confirmation.next_contact_at, 0, user.id);
    messaging::preview_for_order(&mut conn, template_id, &message, now).await
}

/// A customer answered one of our messages with a WhatsApp button: stored once (a repeated
/// webhook changes nothing), and when it is about an open order, the order comes to the head of
/// its agent's queue (due now) with the answer in its trail, an entry without an agent that
/// moves nothing: the agent acts on it. Audited. False for a repeat.
pub async fn customer_replied(
    pool: &PgPool,
    reply: &crate::messaging::service::CustomerReply,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    if !messaging::record_reply(&mut tx, reply).await? {
        return Ok(false);
    }
    if let Some(order_id) = reply.order_id {
        let notes = format!("WhatsApp: {}", reply.reply);
        if db::insert_customer_answer(&mut tx, order_id, Method::Whatsapp, &notes).await?.is_some() {
            db::update_due_now(&mut tx, order_id).await?;
            insert_audit(
                &mut tx,
                AuditEntry {
                    actor_id: None,
                    action: "order.customer_reply",
                    entity: "order",
                    entity_id: order_id,
                    before: None,
                    after: Some(json!({"reply": reply.reply, "channel": "whatsapp"})),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// How many open orders have a callback due now (supervisors: the board lists them with `due`).
pub async fn callbacks_due(pool: &PgPool, user: &CurrentUser) -> Result<i64, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::count_callbacks_due(&mut conn).await?)
}

/// What `step` would text the customer about this order, with its cost (the panel shows it
/// before an agent sends).
pub async fn message_preview(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    step: &str,
) -> Result<crate::messaging::StepPreview, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut conn = pool.acquire().await?;
    let order = authorised(&mut conn, user, id, now).await?;
    let view = db::view(&mut conn, id, user.locale).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    let message = order_message(&view, order.customer_id, view.confirmation.next_contact_at, 0, user.id);
    messaging::preview_order_step(&mut conn, step, &message, now).await
}

/// An agent's "send SMS" from the order panel: `step`'s text for this order, queued in the
/// outbox. `version` is the order version the agent saw: a stale one is `conflict`, and a
/// repeated click (same version) queues the text once.
pub async fn send_message(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    step: &str,
    version: i32,
) -> Result<OrderView, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = pool.begin().await?;
    let order = authorised(&mut tx, user, id, now).await?;
    if order.version != version {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let view = db::view(&mut tx, id, user.locale).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    let occurrence = version.checked_neg().unwrap_or(i32::MIN);
    let message = order_message(&view, order.customer_id, view.confirmation.next_contact_at, occurrence, user.id);
    if let Some(message_id) = messaging::enqueue_manual(&mut tx, step, &message, now).await? {
        insert_audit(
            &mut tx,
            AuditEntry {
                actor_id: Some(user.id),
                action: "order.message",
                entity: "order",
                entity_id: id,
                before: None,
                after: Some(json!({"step": step, "messageId": message_id, "version": version})),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let mut conn = pool.acquire().await?;
    full_view(&mut conn, id, user.locale).await
}

/// What messaging needs to write to the customer about an order.
fn order_message(
    view: &OrderView,
    customer_id: i64,
    reschedule_time: Option<OffsetDateTime>,
    occurrence: i32,
    user_id: i64,
) -> OrderMessage<'_> {
    OrderMessage {
        order_id: view.id,
        customer_id,
        customer_name: &view.customer_name,
        phone: &view.phone,
        email: view.email.as_deref(),
        language: Some(view.language),
        order_number: &view.number,
        total: view.total,
        reschedule_time,
        occurrence,
        created_by: Some(user_id),
    }
}

/// The order view with its messages.
async fn full_view(conn: &mut sqlx::PgConnection, id: i64, locale: UiLocale) -> Result<OrderView, AppError> {
    let mut view = db::view(conn, id, locale).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    view.sms_history = messaging::order_history(conn, id).await?;
    Ok(view)
}

/// Records an attempt and moves the order, or fails whole: a stale `version` is `409 conflict`
/// (the caller reloads the order and shows the new state).
pub async fn record_attempt(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    input: &AttemptInput,
) -> Result<OrderView, AppError> {
    record_attempt_at(pool, user, id, input, OffsetDateTime::now_utc()).await
}

/// [`record_attempt`] as of `now`: the attempt ends then (the demo's history and tests of the
/// figures built on a timeline use it; the doors use the clock).
pub async fn record_attempt_at(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    input: &AttemptInput,
    now: OffsetDateTime,
) -> Result<OrderView, AppError> {
    let mut tx = pool.begin().await?;
    let order = authorised(&mut tx, user, id, now).await?;
    if order.version != input.version {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let config = load_config(&mut tx).await?;
    let request = AttemptRequest {
        method: &input.method,
        result: &input.result,
        notes: &input.notes,
        duration_seconds: input.duration,
        callback_at: input.callback_at,
        callback_scope: input.callback_scope.as_deref(),
    };
    let plan = domain::plan_attempt(&config, &order.state, &request, user.role, now)?;
    let Some(version) = db::apply_attempt(&mut tx, &order, user.id, &plan, now).await? else {
        return Err(AppError::new(ErrorCode::Conflict));
    };
    if order.assigned_agent_id.is_some_and(|a| a != user.id) && !user.has_role(Role::Supervisor) {
        db::take_over(&mut tx, order.id, user.id, now).await?;
    }
    let attempt_id = db::insert_attempt(&mut tx, &order, user.id, &plan, now).await?;
    if plan.status_after != order.state.status {
        // Entering a status: its message goes out with the attempt, or not at all.
        let view = db::view(&mut tx, id, user.locale).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
        // the attempt's ordinal among the agents' (a customer's own answer is not one)
        let made = view.confirmation.attempts.iter().filter(|a| a.agent_id.is_some()).count();
        let occurrence = i32::try_from(made).unwrap_or(i32::MAX);
        let reschedule = plan.callback_at.or(plan.next_contact_at);
        let message = order_message(&view, order.customer_id, reschedule, occurrence, user.id);
        messaging::enqueue_order_step(&mut tx, &plan.status_after, &message, now).await?;
    }
    if plan.closes {
        customers::recount(&mut tx, order.customer_id).await?;
        // the class follows the outcome in the same transaction
        customers::reclassify(&mut tx, order.customer_id, now).await?;
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "order.attempt",
            entity: "order",
            entity_id: order.id,
            before: Some(json!({"status": order.state.status, "version": order.version})),
            after: Some(json!({"status": plan.status_after, "result": plan.result, "attemptId": attempt_id,
                                "version": version, "nextContactAt": plan.next_contact_at.map(|t| t.unix_timestamp())})),
        },
    )
    .await?;
    tx.commit().await?;
    let mut conn = pool.acquire().await?;
    full_view(&mut conn, id, user.locale).await
}

/// Assigns orders to an agent (or unassigns them with `None`); supervisors and admins. Returns the
/// ids that changed (closed orders and orders already with that agent are left alone).
pub async fn assign(
    pool: &PgPool,
    user: &CurrentUser,
    ids: &[i64],
    agent_id: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    user.require(Role::Supervisor)?;
    if ids.is_empty() || ids.len() > 1000 {
        return Err(AppError::field(ErrorCode::BadRequest, "orderIds"));
    }
    let mut tx = pool.begin().await?;
    if let Some(agent) = agent_id {
        if !db::is_assignable(&mut tx, agent).await? {
            return Err(AppError::field(ErrorCode::AgentUnknown, "agentId"));
        }
    }
    let changed = db::assign(&mut tx, ids, agent_id).await?;
    insert_audits(&mut tx, Some(user.id), "order.assign", "order", &changed, Some(json!({"agentId": agent_id})))
        .await?;
    tx.commit().await?;
    Ok(changed)
}
