//! SQL for duplicate detection: blocking (candidates by customer and by phone and its one-digit
//! neighbours within 30 days, by wilaya and name key within 7 days), the facts the scorer
//! needs, the pairs and their decisions, the accuracy KPI. Blocking never compares all pairs:
//! each branch of the OR is served by its own index (see migration 6).
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{Accuracy, PairSide};
use crate::locale::UiLocale;

/// Orders that could be duplicates of `order_id`: at most 50, newest first.
pub async fn candidates(
    conn: &mut PgConnection,
    order_id: i64,
    neighbours: &[String],
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT o.id AS "id!"
           FROM orders x
           JOIN orders o ON o.id <> x.id
                        AND o.created_at BETWEEN x.created_at - interval '30 days' AND x.created_at + interval '30 days'
                        AND (o.customer_id = x.customer_id
                             OR o.phone = ANY($2::text[])
                             -- the same name key: a week back and forth (double submissions and re-orders
                             -- after no answer happen within days; the same name weeks apart is a stranger)
                             OR (o.delivery_wilaya = x.delivery_wilaya AND x.name_key <> '' AND o.name_key = x.name_key
                                 AND o.created_at BETWEEN x.created_at - interval '7 days' AND x.created_at + interval '7 days'))
           WHERE x.id = $1
           ORDER BY o.created_at DESC
           LIMIT 50"#,
        order_id,
        neighbours,
    )
    .fetch_all(conn)
    .await
}

/// The scorer's view of some orders.
pub async fn facts(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<dedup::OrderFacts>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.customer_id, o.phone, o.customer_name, o.delivery_address, o.delivery_wilaya,
                  o.delivery_commune, o.total_dzd, o.created_at,
                  coalesce((SELECT array_agg(i.sku ORDER BY i.line) FROM order_items i WHERE i.order_id = o.id), '{}') AS "skus!",
                  coalesce((SELECT array_agg(i.quantity ORDER BY i.line) FROM order_items i WHERE i.order_id = o.id), '{}') AS "quantities!"
           FROM orders o WHERE o.id = ANY($1)"#,
        ids
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| dedup::OrderFacts {
            id: r.id,
            customer_id: r.customer_id,
            phone: r.phone,
            name: r.customer_name,
            address: r.delivery_address,
            wilaya: u16::try_from(r.delivery_wilaya).unwrap_or(0),
            commune: r.delivery_commune,
            total: r.total_dzd,
            items: r.skus.into_iter().zip(r.quantities).collect(),
            created_at: r.created_at.unix_timestamp(),
        })
        .collect())
}

/// Stores (or refreshes, while still open) a flagged pair. Returns its id.
pub async fn upsert_pair(
    conn: &mut PgConnection,
    order_id: i64,
    original_id: i64,
    score: i16,
    evidence: &serde_json::Value,
    method: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO duplicate_pairs (order_id, original_order_id, score, evidence, method)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (order_id, original_order_id) DO UPDATE
             SET score = EXCLUDED.score, evidence = EXCLUDED.evidence, updated_at = now()
             WHERE duplicate_pairs.state = 'open'
         RETURNING id",
        order_id,
        original_id,
        score,
        evidence,
        method,
    )
    .fetch_optional(conn)
    .await
}

/// Puts the brief's `duplicateInfo` on an order from its best open pair (or clears it when none
/// is left), and holds it out of routing while a pair at `warn` or above waits for review.
pub async fn refresh_order_flag(conn: &mut PgConnection, order_id: i64, warn: i16) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE orders o
           SET duplicate_score = best.score, original_order_id = best.original_order_id,
               detection_method = best.method, is_duplicate = coalesce(best.score >= $2, false),
               updated_at = now()
           FROM (SELECT (SELECT p.score FROM duplicate_pairs p WHERE p.order_id = $1 AND p.state = 'open'
                         ORDER BY p.score DESC, p.id LIMIT 1) AS score,
                        (SELECT p.original_order_id FROM duplicate_pairs p WHERE p.order_id = $1 AND p.state = 'open'
                         ORDER BY p.score DESC, p.id LIMIT 1) AS original_order_id,
                        (SELECT p.evidence ->> 'detectionMethod' FROM duplicate_pairs p WHERE p.order_id = $1
                           AND p.state = 'open' ORDER BY p.score DESC, p.id LIMIT 1) AS method) best
           WHERE o.id = $1 AND o.closed_at IS NULL"#,
        order_id,
        warn,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Open orders created in [from, to) (the hourly scan and the endpoint's window), at most `limit`.
pub async fn orders_in_window(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM orders WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id LIMIT $3",
        from,
        to,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Raw pair rows (ids, score, evidence); sides are read with `sides`.
pub struct PairRow {
    pub id: i64,
    pub order_id: i64,
    pub original_order_id: i64,
    pub score: i16,
    pub method: String,
    pub state: String,
    pub evidence: serde_json::Value,
}

/// Open pairs, most confident first (or one pair with `only`).
pub async fn pairs(conn: &mut PgConnection, only: Option<i64>, limit: i64) -> Result<Vec<PairRow>, sqlx::Error> {
    sqlx::query_as!(
        PairRow,
        "SELECT id, order_id, original_order_id, score, method, state, evidence FROM duplicate_pairs
         WHERE ($1::int8 IS NULL AND state = 'open') OR id = $1
         ORDER BY score DESC, created_at, id
         LIMIT $2",
        only,
        limit
    )
    .fetch_all(conn)
    .await
}

/// The sides of pairs, as the review screen shows them.
pub async fn sides(conn: &mut PgConnection, ids: &[i64], locale: UiLocale) -> Result<Vec<PairSide>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.number, o.customer_id, o.customer_name, o.phone, o.delivery_address, o.total_dzd, o.status,
                  o.created_at,
                  (SELECT CASE WHEN $2 THEN w.name_ar ELSE w.name_fr END FROM wilayas w WHERE w.code = o.delivery_wilaya) AS "wilaya!",
                  coalesce((SELECT array_agg(i.quantity || ' × ' || i.name ORDER BY i.line) FROM order_items i
                            WHERE i.order_id = o.id), '{}') AS "items!"
           FROM orders o WHERE o.id = ANY($1)"#,
        ids,
        locale != UiLocale::Fr,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PairSide {
            order_id: r.id,
            number: r.number,
            customer_id: r.customer_id,
            name: r.customer_name,
            phone: r.phone,
            wilaya: r.wilaya,
            address: r.delivery_address,
            total: r.total_dzd,
            items: r.items,
            status: r.status,
            created_at: r.created_at,
        })
        .collect())
}

/// Locks an open pair for a decision; None when it is gone or decided.
pub async fn lock_open_pair(conn: &mut PgConnection, id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT order_id, original_order_id FROM duplicate_pairs WHERE id = $1 AND state = 'open' FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.order_id, r.original_order_id)))
}

pub async fn decide_pair(conn: &mut PgConnection, id: i64, state: &str, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE duplicate_pairs SET state = $2, decided_by = $3, decided_at = now(), updated_at = now() WHERE id = $1",
        id,
        state,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Closes an order as a duplicate of another: the configured `duplicate` status, linked. Answers
/// the order's customer, or `None` when the order was closed already.
pub async fn close_as_duplicate(
    conn: &mut PgConnection,
    order_id: i64,
    original_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE orders SET status = 'duplicate', closed_at = now(), is_duplicate = true, original_order_id = $2,
                next_contact_at = NULL, version = version + 1, updated_at = now()
         WHERE id = $1 AND closed_at IS NULL
           AND EXISTS (SELECT 1 FROM confirmation_statuses WHERE code = 'duplicate' AND active AND is_final)
         RETURNING customer_id",
        order_id,
        original_id
    )
    .fetch_optional(conn)
    .await
}

/// The KPI: decisions on flagged pairs, and duplicates closed by agents that were never flagged.
pub async fn accuracy(conn: &mut PgConnection, review: i16) -> Result<Accuracy, sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE state = 'duplicate') AS "dup!",
                  count(*) FILTER (WHERE state = 'same_customer') AS "same!",
                  count(*) FILTER (WHERE state = 'not_duplicate') AS "not!",
                  count(*) FILTER (WHERE state = 'open') AS "open!",
                  (SELECT count(*) FROM orders o WHERE o.status = 'duplicate'
                     AND NOT EXISTS (SELECT 1 FROM duplicate_pairs p WHERE p.order_id = o.id AND p.score >= $1)) AS "missed!"
           FROM duplicate_pairs WHERE score >= $1"#,
        review
    )
    .fetch_one(conn)
    .await?;
    let decided = r.dup + r.same + r.not;
    Ok(Accuracy {
        decided,
        confirmed_duplicates: r.dup,
        same_customer: r.same,
        not_duplicates: r.not,
        open: r.open,
        precision: (decided > 0).then(|| r.dup as f64 / decided as f64),
        missed: r.missed,
    })
}
