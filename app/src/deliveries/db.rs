//! SQL for delivery outcomes: the events (append-only) and the order's delivery columns.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::domain::DeliveryEvent;
use super::{DeliveryOutcome, DeliveryReason};

/// The order a delivery event is about, locked for the rest of the transaction.
pub struct DeliveryOrder {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub created_at: OffsetDateTime,
    /// Closed as a confirmation: only a confirmed order is shipped.
    pub confirmed: bool,
    pub outcome: Option<DeliveryOutcome>,
    pub at: Option<OffsetDateTime>,
}

/// Finds the order by the shop's reference, else by our order number, and locks it.
pub async fn lock_order(conn: &mut PgConnection, reference: &str) -> Result<Option<DeliveryOrder>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT o.id, o.number, o.customer_id, o.created_at,
                  (o.closed_at IS NOT NULL AND s.outcome = 'confirmed') AS "confirmed!",
                  o.delivery_outcome, o.delivery_at
           FROM orders o JOIN confirmation_statuses s ON s.code = o.status
           WHERE o.id = coalesce((SELECT id FROM orders WHERE shop_reference = $1),
                                 (SELECT id FROM orders WHERE number = $1))
           FOR UPDATE OF o"#,
        reference
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| DeliveryOrder {
        id: r.id,
        number: r.number,
        customer_id: r.customer_id,
        created_at: r.created_at,
        confirmed: r.confirmed,
        // the CHECK constraint keeps the column to known outcomes
        outcome: r.delivery_outcome.as_deref().and_then(|o| DeliveryOutcome::parse(o).ok()),
        at: r.delivery_at,
    }))
}

/// An event as stored.
pub struct StoredEvent {
    pub id: i64,
    pub order_id: i64,
    pub outcome: DeliveryOutcome,
    pub reason: Option<DeliveryReason>,
    pub at: OffsetDateTime,
    pub fingerprint: Vec<u8>,
}

pub async fn find_event(conn: &mut PgConnection, event_id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, order_id, outcome, reason, occurred_at, fingerprint FROM delivery_events WHERE event_id = $1",
        event_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| StoredEvent {
        id: r.id,
        order_id: r.order_id,
        outcome: DeliveryOutcome::parse(&r.outcome).unwrap_or(DeliveryOutcome::FailedAttempt),
        reason: r.reason.as_deref().and_then(|x| DeliveryReason::parse(x).ok()),
        at: r.occurred_at,
        fingerprint: r.fingerprint,
    }))
}

/// Stores an event; `None` when its event id is taken (by a sender that committed first: the
/// unique index makes this statement wait for it).
pub async fn insert_event(
    conn: &mut PgConnection,
    order_id: i64,
    event: &DeliveryEvent,
    fingerprint: &[u8],
    by: i64,
    source: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO delivery_events (event_id, order_id, outcome, reason, note, occurred_at, fingerprint, recorded_by, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id",
        event.event_id,
        order_id,
        event.outcome.as_str(),
        event.reason.map(DeliveryReason::as_str),
        event.note,
        event.at,
        fingerprint,
        by,
        source,
    )
    .fetch_optional(conn)
    .await
}

/// Makes `event` the order's delivery outcome.
pub async fn set_order_outcome(
    conn: &mut PgConnection,
    order_id: i64,
    event: &DeliveryEvent,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE orders SET delivery_outcome = $2, delivery_reason = $3, delivery_at = $4, updated_at = now() WHERE id = $1",
        order_id,
        event.outcome.as_str(),
        event.reason.map(DeliveryReason::as_str),
        event.at,
    )
    .execute(conn)
    .await?;
    Ok(())
}
