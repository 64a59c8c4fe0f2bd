//! SQL for customers, their contacts, flags and notes, and the card.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::classification::{ClassReason, Classification, ClassificationSettings, CustomerClass, History};
use super::{
    AuditLine, ClassOverride, ClassificationView, CustomerCard, CustomerCounters, CustomerFlag, CustomerNote, FlagType,
    PastOrder,
};
use crate::locale::UiLocale;
use crate::statuses::domain::category_from_db;

/// The customer's details as one order gives them.
pub struct CustomerUpsert<'a> {
    pub phone: &'a str,
    pub name: &'a str,
    pub name_normalized: &'a str,
    pub locale: Option<UiLocale>,
    pub wilaya: i16,
    pub commune_id: Option<i32>,
    pub address: &'a str,
    /// Lower-cased; an order without one keeps the address the customer had.
    pub email: Option<&'a str>,
}

/// The customer an order landed on: its id, and the e-mail address it has now (this order's, or
/// the one on file).
pub struct Upserted {
    pub id: i64,
    pub email: Option<String>,
}

/// One customer per phone: creates it, or counts the new order on the existing one and keeps its
/// latest address and e-mail (the name stays as first typed; each order keeps its own spelling).
pub async fn upsert_for_order(conn: &mut PgConnection, c: &CustomerUpsert<'_>) -> Result<Upserted, sqlx::Error> {
    sqlx::query_as!(
        Upserted,
        "INSERT INTO customers (phone, name, name_normalized, locale, wilaya_code, commune_id, address, email,
                                orders_count, last_order_at)
         VALUES ($1, $2, $3, coalesce($4, 'ar-DZ'), $5, $6, $7, $8, 1, now())
         ON CONFLICT (phone) DO UPDATE
         SET locale = coalesce($4, customers.locale), wilaya_code = EXCLUDED.wilaya_code,
             commune_id = EXCLUDED.commune_id, address = EXCLUDED.address,
             email = coalesce(EXCLUDED.email, customers.email),
             orders_count = customers.orders_count + 1, last_order_at = now(), updated_at = now()
         RETURNING id, email",
        c.phone,
        c.name,
        c.name_normalized,
        c.locale.map(|l| l.tag()),
        c.wilaya,
        c.commune_id,
        c.address,
        c.email,
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
        r#"SELECT c.id, c.name, c.phone, c.email, c.locale, c.wilaya_code, c.address, c.orders_count, c.confirmed_count,
                  c.delivered_count, c.cancelled_count, c.returned_count, c.total_spent_dzd, c.last_order_at,
                  (SELECT CASE WHEN $2 THEN name_ar ELSE name_fr END FROM wilayas WHERE code = c.wilaya_code)
                      AS "wilaya_name?",
                  c.class, c.score, c.class_reason, c.score_breakdown, c.classified_at, c.class_override,
                  c.override_reason, c.override_until, (SELECT u.name FROM users u WHERE u.id = c.override_by) AS "override_by?",
                  effective_class(c.class, c.class_override, c.override_until) AS "effective!"
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
        email: c.email,
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
        classification: ClassificationView {
            class: CustomerClass::parse(&c.effective).unwrap_or(CustomerClass::New),
            computed_class: CustomerClass::parse(&c.class).unwrap_or(CustomerClass::New),
            score: c.score,
            reason: serde_json::from_value(serde_json::Value::String(c.class_reason)).unwrap_or(ClassReason::Default),
            breakdown: serde_json::from_value(c.score_breakdown).unwrap_or_default(),
            classified_at: c.classified_at,
            override_: c.class_override.as_deref().and_then(|o| CustomerClass::parse(o).ok()).map(|class| {
                ClassOverride {
                    class,
                    reason: c.override_reason.unwrap_or_default(),
                    until: c.override_until,
                    by_name: c.override_by.unwrap_or_default(),
                }
            }),
        },
        flags,
        notes,
        orders,
        messages: Vec::new(),
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

/// Classification settings (missing keys take the defaults).
pub async fn classification_settings(conn: &mut PgConnection) -> Result<ClassificationSettings, sqlx::Error> {
    let value = sqlx::query_scalar!("SELECT settings FROM classification_settings WHERE id").fetch_one(conn).await?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

pub async fn update_classification_settings(
    conn: &mut PgConnection,
    settings: &ClassificationSettings,
) -> Result<(), sqlx::Error> {
    let value = serde_json::to_value(settings).unwrap_or_default();
    sqlx::query!("UPDATE classification_settings SET settings = $1, updated_at = now() WHERE id", value)
        .execute(conn)
        .await?;
    Ok(())
}

/// The histories of up to `limit` customers with an id above `after` (or of `only`), as
/// classification reads them. One set-based query: counters are on the row; the 90-day count,
/// the unanswered streak and the flags come from indexed subqueries.
pub async fn histories(
    conn: &mut PgConnection,
    after: i64,
    limit: i64,
    only: Option<i64>,
    now: OffsetDateTime,
) -> Result<Vec<(i64, History)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.orders_count, c.confirmed_count, c.delivered_count, c.cancelled_count, c.returned_count,
                  -- delivered spend when a courier reports it; until then what confirmed orders are worth
                  greatest(c.total_spent_dzd,
                           (SELECT coalesce(sum(o.total_dzd), 0) FROM orders o JOIN confirmation_statuses s ON s.code = o.status
                            WHERE o.customer_id = c.id AND s.counts_as_confirmed)::int8) AS "spent!",
                  (extract(day FROM $4::timestamptz - c.last_order_at))::int4 AS days_since,
                  (SELECT count(*) FROM orders o WHERE o.customer_id = c.id
                     AND o.created_at >= $4::timestamptz - interval '90 days')::int4 AS "orders_90d!",
                  (SELECT count(*) FROM orders o JOIN confirmation_statuses s ON s.code = o.status
                   WHERE o.customer_id = c.id AND o.closed_at IS NOT NULL AND NOT s.contact_made
                     AND o.closed_at > coalesce((SELECT max(o2.closed_at) FROM orders o2
                                                 JOIN confirmation_statuses s2 ON s2.code = o2.status
                                                 WHERE o2.customer_id = c.id AND o2.closed_at IS NOT NULL
                                                   AND s2.contact_made), '-infinity'))::int4 AS "unanswered!",
                  (SELECT count(*) FROM customer_flags f WHERE f.customer_id = c.id
                     AND f.flag_type IN ('fake_order', 'abusive', 'blacklisted'))::int4 AS "serious!",
                  (SELECT count(*) FROM customer_flags f WHERE f.customer_id = c.id
                     AND f.flag_type NOT IN ('fake_order', 'abusive', 'blacklisted'))::int4 AS "minor!"
           FROM customers c
           WHERE ($3::int8 IS NULL AND c.id > $1) OR c.id = $3
           ORDER BY c.id
           LIMIT $2"#,
        after,
        limit,
        only,
        now,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                History {
                    orders: r.orders_count,
                    confirmed: r.confirmed_count,
                    delivered: r.delivered_count,
                    cancelled: r.cancelled_count,
                    returned: r.returned_count,
                    unanswered_streak: r.unanswered,
                    total_spent: r.spent,
                    days_since_last_order: r.days_since,
                    orders_90d: r.orders_90d,
                    serious_flags: r.serious,
                    minor_flags: r.minor,
                },
            )
        })
        .collect())
}

/// Stores many classifications in one statement; returns how many customers changed class.
pub async fn store_classifications(
    conn: &mut PgConnection,
    ids: &[i64],
    results: &[Classification],
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let classes: Vec<String> = results.iter().map(|c| c.class.as_str().to_string()).collect();
    let scores: Vec<i16> = results.iter().map(|c| c.score).collect();
    let reasons: Vec<String> = results
        .iter()
        .map(|c| serde_json::to_value(c.reason).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
        .collect();
    let breakdowns: Vec<serde_json::Value> =
        results.iter().map(|c| serde_json::to_value(&c.breakdown).unwrap_or_default()).collect();
    let changed = sqlx::query_scalar!(
        r#"WITH d AS (SELECT * FROM UNNEST($1::int8[], $2::text[], $3::int2[], $4::text[], $5::jsonb[])
                      AS d (id, class, score, reason, breakdown)),
                u AS (UPDATE customers c
                      SET class = d.class, score = d.score, class_reason = d.reason, score_breakdown = d.breakdown,
                          classified_at = $6
                      FROM d WHERE c.id = d.id
                      RETURNING (SELECT c0.class FROM customers c0 WHERE c0.id = c.id) IS DISTINCT FROM d.class AS changed)
           SELECT count(*) FILTER (WHERE changed) AS "n!" FROM u"#,
        ids,
        &classes,
        &scores,
        &reasons,
        &breakdowns,
        now,
    )
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(changed).unwrap_or(0))
}

/// Sets (or with `None` lifts) a supervisor's class override.
pub async fn set_class_override(
    conn: &mut PgConnection,
    id: i64,
    class: Option<CustomerClass>,
    reason: Option<&str>,
    until: Option<OffsetDateTime>,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE customers SET class_override = $2, override_reason = $3, override_until = $4, override_by = $5,
                updated_at = now()
         WHERE id = $1",
        id,
        class.map(|c| c.as_str()),
        reason,
        until,
        by,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many customers are in each (effective) class.
pub async fn class_distribution(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT effective_class(class, class_override, override_until) AS "class!", count(*) AS "n!"
           FROM customers GROUP BY 1 ORDER BY 1"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.class, r.n)).collect())
}
