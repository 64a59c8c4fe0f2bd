//! SQL for customers, their contacts, flags and notes, and the card.
use sqlx::PgConnection;

use super::{AuditLine, CustomerCard, CustomerCounters, CustomerFlag, CustomerNote, FlagType, PastOrder};
use crate::locale::UiLocale;
use crate::statuses::db::category_from_db;

/// The customer's details as one order gives them.
pub struct CustomerUpsert<'a> {
    pub phone: &'a str,
    pub name: &'a str,
    pub name_normalized: &'a str,
    pub locale: Option<UiLocale>,
    pub wilaya: i16,
    pub commune_id: Option<i32>,
    pub address: &'a str,
}

/// One customer per phone: creates it, or counts the new order on the existing one and keeps its
/// latest address (the name stays as first typed; each order keeps its own spelling).
pub async fn upsert_for_order(conn: &mut PgConnection, c: &CustomerUpsert<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO customers (phone, name, name_normalized, locale, wilaya_code, commune_id, address, orders_count,
                                last_order_at)
         VALUES ($1, $2, $3, coalesce($4, 'ar-DZ'), $5, $6, $7, 1, now())
         ON CONFLICT (phone) DO UPDATE
         SET locale = coalesce($4, customers.locale), wilaya_code = EXCLUDED.wilaya_code,
             commune_id = EXCLUDED.commune_id, address = EXCLUDED.address,
             orders_count = customers.orders_count + 1, last_order_at = now(), updated_at = now()
         RETURNING id",
        c.phone,
        c.name,
        c.name_normalized,
        c.locale.map(|l| l.tag()),
        c.wilaya,
        c.commune_id,
        c.address,
    )
    .fetch_one(conn)
    .await
}

pub async fn add_contact(conn: &mut PgConnection, customer_id: i64, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO customer_contacts (customer_id, phone) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        customer_id,
        phone
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts an order's outcome when it closes.
pub async fn count_outcome(
    conn: &mut PgConnection,
    customer_id: i64,
    confirmed: bool,
    cancelled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE customers
         SET confirmed_count = confirmed_count + CASE WHEN $2 THEN 1 ELSE 0 END,
             cancelled_count = cancelled_count + CASE WHEN $3 THEN 1 ELSE 0 END,
             updated_at = now()
         WHERE id = $1",
        customer_id,
        confirmed,
        cancelled
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn exists(conn: &mut PgConnection, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1) AS "e!""#, id).fetch_one(conn).await
}

/// An agent may see a customer who has an open order of theirs (or any order they worked on).
pub async fn visible_to_agent(conn: &mut PgConnection, customer_id: i64, agent_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM orders o
               WHERE o.customer_id = $1
                 AND (o.assigned_agent_id = $2
                      OR (o.closed_at IS NULL AND o.callback_scope = 'anyone' AND o.next_contact_at <= now()))
           ) AS "e!""#,
        customer_id,
        agent_id
    )
    .fetch_one(conn)
    .await
}

pub async fn card(
    conn: &mut PgConnection,
    id: i64,
    locale: UiLocale,
    with_audit: bool,
) -> Result<Option<CustomerCard>, sqlx::Error> {
    let arabic = locale != UiLocale::Fr;
    let Some(c) = sqlx::query!(
        r#"SELECT c.id, c.name, c.phone, c.locale, c.wilaya_code, c.address, c.orders_count, c.confirmed_count,
                  c.delivered_count, c.cancelled_count, c.returned_count, c.total_spent_dzd, c.last_order_at,
                  (SELECT CASE WHEN $2 THEN name_ar ELSE name_fr END FROM wilayas WHERE code = c.wilaya_code)
                      AS "wilaya_name?"
           FROM customers c
           WHERE c.id = $1"#,
        id,
        arabic
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let other_phones =
        sqlx::query_scalar!("SELECT phone FROM customer_contacts WHERE customer_id = $1 ORDER BY created_at", id)
            .fetch_all(&mut *conn)
            .await?;
    let flags = sqlx::query!(
        "SELECT f.id, f.flag_type, f.reason, f.created_at, f.added_by, u.name
         FROM customer_flags f JOIN users u ON u.id = f.added_by
         WHERE f.customer_id = $1 ORDER BY f.created_at DESC, f.id DESC",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| CustomerFlag {
        id: r.id,
        kind: FlagType::parse(&r.flag_type).unwrap_or(FlagType::Other),
        reason: r.reason,
        date: r.created_at,
        added_by: r.added_by,
        added_by_name: r.name,
    })
    .collect();
    let notes = sqlx::query!(
        "SELECT n.id, n.content, n.created_at, n.added_by, u.name
         FROM customer_notes n JOIN users u ON u.id = n.added_by
         WHERE n.customer_id = $1 ORDER BY n.created_at DESC, n.id DESC",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| CustomerNote {
        id: r.id,
        content: r.content,
        date: r.created_at,
        added_by: r.added_by,
        added_by_name: r.name,
    })
    .collect();
    let orders = sqlx::query!(
        "SELECT o.id, o.number, o.total_dzd, o.status, s.category, o.attempts_count, o.created_at
         FROM orders o JOIN confirmation_statuses s ON s.code = o.status
         WHERE o.customer_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT 50",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| PastOrder {
        id: r.id,
        number: r.number,
        total: r.total_dzd,
        status: r.status,
        category: category_from_db(&r.category),
        attempts: r.attempts_count,
        created_at: r.created_at,
    })
    .collect();
    let audit = if with_audit {
        sqlx::query!(
            r#"SELECT a.action, a.entity, a.entity_id, (SELECT name FROM users WHERE id = a.actor_id) AS "actor_name?",
                      a.after, a.created_at
               FROM audit_log a
               WHERE (a.entity = 'customer' AND a.entity_id = $1)
                  OR (a.entity = 'order' AND a.entity_id IN (SELECT id FROM orders WHERE customer_id = $1))
               ORDER BY a.created_at DESC, a.id DESC LIMIT 100"#,
            id
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| AuditLine {
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            actor_name: r.actor_name,
            after: r.after,
            at: r.created_at,
        })
        .collect()
    } else {
        Vec::new()
    };
    Ok(Some(CustomerCard {
        id: c.id,
        name: c.name,
        phone: c.phone,
        other_phones,
        language: UiLocale::parse(&c.locale).unwrap_or(UiLocale::ArDz),
        wilaya_code: c.wilaya_code,
        wilaya_name: c.wilaya_name,
        address: c.address,
        counters: CustomerCounters {
            total_orders: c.orders_count,
            confirmed: c.confirmed_count,
            delivered: c.delivered_count,
            cancelled: c.cancelled_count,
            returned: c.returned_count,
            total_spent: c.total_spent_dzd,
            last_order_at: c.last_order_at,
        },
        flags,
        notes,
        orders,
        audit,
    }))
}

pub async fn insert_flag(
    conn: &mut PgConnection,
    customer_id: i64,
    kind: FlagType,
    reason: &str,
    added_by: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO customer_flags (customer_id, flag_type, reason, added_by) VALUES ($1, $2, $3, $4) RETURNING id",
        customer_id,
        kind.as_str(),
        reason,
        added_by
    )
    .fetch_one(conn)
    .await
}

pub async fn insert_note(
    conn: &mut PgConnection,
    customer_id: i64,
    content: &str,
    added_by: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO customer_notes (customer_id, content, added_by) VALUES ($1, $2, $3) RETURNING id",
        customer_id,
        content,
        added_by
    )
    .fetch_one(conn)
    .await
}
