//! The front door for delivery outcomes: a `deliveries:write` token, a supervisor or an admin
//! records one; the event, the order's outcome, the customer's counters, score and class and the
//! audit entry are written in one transaction.
use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::domain::{applies, validate};
use super::{db, DeliveryInput, DeliveryRecorded};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::customers::service as customers;
use crate::error::{AppError, ErrorCode};

/// Records what the courier says happened to the order `reference` (the shop's reference, or our
/// order number). `source` is `api` or the import it came from. Sending the same event again
/// answers the stored one (`created: false`); another event under a used id is 409
/// `event_reused`; an order that was not confirmed is 409 `order_not_confirmed`.
pub async fn record(
    pool: &PgPool,
    user: &CurrentUser,
    reference: &str,
    input: &DeliveryInput,
    source: &str,
) -> Result<DeliveryRecorded, AppError> {
    user.require_scope(Scope::DeliveriesWrite, Role::Supervisor)?;
    let now = OffsetDateTime::now_utc();
    let reference = reference.trim();
    // what was sent, as sent (a resend without `at` is the same event)
    let sent = serde_json::to_vec(&(reference, input)).map_err(|_| AppError::new(ErrorCode::Internal))?;
    let fingerprint = sha256(&sent);
    let mut tx = pool.begin().await?;
    let order = db::lock_order(&mut tx, reference).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    let event_id = input.event_id.trim();
    if let Some(stored) = db::find_event(&mut tx, event_id).await? {
        return replay(stored, &fingerprint, event_id, &order);
    }
    if !order.confirmed {
        return Err(AppError::new(ErrorCode::OrderNotConfirmed));
    }
    let event = validate(input, order.created_at, now)?;
    let Some(id) = db::insert_event(&mut tx, order.id, &event, &fingerprint, user.id, source).await? else {
        // sent twice at once: the other one committed first
        let stored = db::find_event(&mut tx, event_id).await?.ok_or(AppError::new(ErrorCode::Conflict))?;
        return replay(stored, &fingerprint, event_id, &order);
    };
    let current = order.outcome.zip(order.at);
    let applied = applies(current, &event);
    if applied {
        db::set_order_outcome(&mut tx, order.id, &event).await?;
        customers::recount(&mut tx, order.customer_id).await?;
        customers::reclassify(&mut tx, order.customer_id, now).await?;
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "order.delivery",
            entity: "order",
            entity_id: order.id,
            before: Some(json!({"deliveryOutcome": order.outcome, "deliveryAt": order.at.map(|t| t.unix_timestamp())})),
            after: Some(json!({
                "eventId": event.event_id, "outcome": event.outcome, "reason": event.reason,
                "at": event.at.unix_timestamp(), "applied": applied, "source": source,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DeliveryRecorded {
        id,
        event_id: event.event_id,
        order_id: order.id,
        order_number: order.number,
        outcome: event.outcome,
        reason: event.reason,
        at: event.at,
        created: true,
        order_outcome: if applied { Some(event.outcome) } else { order.outcome },
    })
}

/// The answer to an event id seen before: the stored event when it is the same one.
fn replay(
    stored: db::StoredEvent,
    fingerprint: &[u8],
    event_id: &str,
    order: &db::DeliveryOrder,
) -> Result<DeliveryRecorded, AppError> {
    if stored.fingerprint != fingerprint || stored.order_id != order.id {
        return Err(AppError::field(ErrorCode::EventReused, "eventId"));
    }
    Ok(DeliveryRecorded {
        id: stored.id,
        event_id: event_id.to_string(),
        order_id: order.id,
        order_number: order.number.clone(),
        outcome: stored.outcome,
        reason: stored.reason,
        at: stored.at,
        created: false,
        order_outcome: order.outcome,
    })
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}
