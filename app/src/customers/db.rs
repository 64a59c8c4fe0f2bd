//! SQL for customers, their contacts, flags and notes, and the card.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::classification::{ClassReason, Classification, ClassificationSettings, CustomerClass, History};
use super::{
    AuditLine, ClassOverride, ClassificationView, CustomerCard, CustomerCounters, CustomerFlag, CustomerNote, FlagType,
    MergedCustomer, PastOrder,
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

/// The customer a phone belongs to now: the one whose own phone it is or, failing that, the one
/// who has it as a contact (the latest); a merged customer leads to whoever they were merged into.
pub async fn resolve_phone(conn: &mut PgConnection, phone: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH RECURSIVE known (id, rank) AS (
               SELECT id, 0 FROM customers WHERE phone = $1
               UNION ALL
               SELECT customer_id, 1 FROM customer_contacts WHERE phone = $1
           ), chain (id, merged_into_id, rank, depth) AS (
               SELECT c.id, c.merged_into_id, k.rank, 0 FROM known k JOIN customers c ON c.id = k.id
               UNION ALL
               SELECT c.id, c.merged_into_id, chain.rank, chain.depth + 1
               FROM chain JOIN customers c ON c.id = chain.merged_into_id
               WHERE chain.depth < 16
           )
           SELECT id AS "id!" FROM chain WHERE merged_into_id IS NULL ORDER BY rank, depth, id DESC LIMIT 1"#,
        phone
    )
    .fetch_optional(conn)
    .await
}

/// Counts a new order on customer `id` (unless merged meanwhile: None) and keeps its latest
/// address and e-mail (the name stays as first typed; each order keeps its own spelling).
pub async fn update_for_order(
    conn: &mut PgConnection,
    id: i64,
    c: &CustomerUpsert<'_>,
) -> Result<Option<Upserted>, sqlx::Error> {
    sqlx::query_as!(
        Upserted,
        "UPDATE customers
         SET locale = coalesce($2, locale), wilaya_code = $3, commune_id = $4, address = $5,
             email = coalesce($6, email), orders_count = orders_count + 1, last_order_at = now(), updated_at = now()
         WHERE id = $1 AND merged_into_id IS NULL
         RETURNING id, email",
        id,
        c.locale.map(|l| l.tag()),
        c.wilaya,
        c.commune_id,
        c.address,
        c.email,
    )
    .fetch_optional(conn)
    .await
}

/// Creates the customer of a phone nobody is known by (or, when another intake created it a moment
/// ago, counts the order on it). None when that customer was merged meanwhile.
pub async fn insert_for_order(
    conn: &mut PgConnection,
    c: &CustomerUpsert<'_>,
) -> Result<Option<Upserted>, sqlx::Error> {
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
         WHERE customers.merged_into_id IS NULL
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
    .fetch_optional(conn)
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

/// Locks customers `ids` (in id order, so two merges never deadlock); returns each one's id and
/// whom it is merged into.
pub async fn lock_customers(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT id, merged_into_id FROM customers WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.merged_into_id)).collect())
}

/// Merges customer `from` into `into` (both locked by the caller): its orders, flags, notes and
/// messages move, its phone and contacts become the survivor's contacts, both are recounted from
/// their orders, and it is kept, marked merged (with nothing left to count). What moved is kept in
/// the merge row, so it can be undone (the counters are recounted then too). Returns the merge's id.
pub async fn merge(conn: &mut PgConnection, from: i64, into: i64, by: Option<i64>) -> Result<i64, sqlx::Error> {
    let merge_id = sqlx::query_scalar!(
        r#"INSERT INTO customer_merges (from_customer_id, into_customer_id, merged_by, moved)
           SELECT $1, $2, $3, jsonb_build_object(
               'orders', coalesce((SELECT jsonb_agg(id ORDER BY id) FROM orders WHERE customer_id = $1), '[]'),
               'flags', coalesce((SELECT jsonb_agg(id ORDER BY id) FROM customer_flags WHERE customer_id = $1), '[]'),
               'notes', coalesce((SELECT jsonb_agg(id ORDER BY id) FROM customer_notes WHERE customer_id = $1), '[]'),
               'messages', coalesce((SELECT jsonb_agg(id ORDER BY id) FROM messages WHERE customer_id = $1), '[]'),
               'contacts', coalesce((SELECT jsonb_agg(phone ORDER BY phone) FROM customer_contacts
                                     WHERE customer_id = $1), '[]'),
               'gained', coalesce((SELECT jsonb_agg(g.phone ORDER BY g.phone)
                                   FROM (SELECT f.phone FROM customers f WHERE f.id = $1
                                         UNION SELECT k.phone FROM customer_contacts k WHERE k.customer_id = $1) g
                                   WHERE g.phone <> (SELECT i.phone FROM customers i WHERE i.id = $2)
                                     AND NOT EXISTS (SELECT 1 FROM customer_contacts k
                                                     WHERE k.customer_id = $2 AND k.phone = g.phone)), '[]'))
           FROM customers f WHERE f.id = $1
           RETURNING id AS "id!""#,
        from,
        into,
        by,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO customer_contacts (customer_id, phone)
         SELECT $2::int8, p FROM customer_merges m, jsonb_array_elements_text(m.moved->'gained') AS p WHERE m.id = $1
         ON CONFLICT DO NOTHING",
        merge_id,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM customer_contacts WHERE customer_id = $1", from).execute(&mut *conn).await?;
    move_records(conn, from, into).await?;
    sqlx::query!(
        "UPDATE customers c SET last_order_at = greatest(c.last_order_at, f.last_order_at), updated_at = now()
         FROM customers f WHERE c.id = $2 AND f.id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE customers SET merged_into_id = $2, merged_at = now(), updated_at = now() WHERE id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    recount(conn, into).await?;
    recount(conn, from).await?;
    Ok(merge_id)
}

/// Moves every order, flag, note and message of customer `from` to `into`.
async fn move_records(conn: &mut PgConnection, from: i64, into: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE orders SET customer_id = $2 WHERE customer_id = $1", from, into).execute(&mut *conn).await?;
    sqlx::query!("UPDATE customer_flags SET customer_id = $2 WHERE customer_id = $1", from, into)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("UPDATE customer_notes SET customer_id = $2 WHERE customer_id = $1", from, into)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("UPDATE messages SET customer_id = $2 WHERE customer_id = $1", from, into).execute(conn).await?;
    Ok(())
}

/// A merge as kept: who was merged into whom, and whether it was undone.
pub struct MergeRow {
    pub from_customer_id: i64,
    pub into_customer_id: i64,
    pub undone: bool,
}

pub async fn lock_merge(conn: &mut PgConnection, id: i64) -> Result<Option<MergeRow>, sqlx::Error> {
    sqlx::query_as!(
        MergeRow,
        r#"SELECT from_customer_id, into_customer_id, undone_at IS NOT NULL AS "undone!"
           FROM customer_merges WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Undoes merge `id` (its row and both customers locked by the caller, the survivor not merged
/// since): what moved goes back, and so do the orders that came since from the merged customer's
/// phone, with what they counted; the contacts the survivor gained are dropped and the merged
/// customer's own come back.
pub async fn undo_merge(conn: &mut PgConnection, id: i64, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE customers c SET merged_into_id = NULL, merged_at = NULL, updated_at = now()
         FROM customer_merges m WHERE m.id = $1 AND c.id = m.from_customer_id",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "WITH m AS (SELECT * FROM customer_merges WHERE id = $1),
              f AS (SELECT c.id, c.phone FROM customers c, m WHERE c.id = m.from_customer_id)
         UPDATE orders o SET customer_id = m.from_customer_id
         FROM m, f
         WHERE o.customer_id = m.into_customer_id
           AND (o.id IN (SELECT jsonb_array_elements_text(m.moved->'orders')::int8)
                OR (o.created_at >= m.merged_at AND o.phone = f.phone))",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE customer_flags x SET customer_id = m.from_customer_id FROM customer_merges m
         WHERE m.id = $1 AND x.customer_id = m.into_customer_id
           AND x.id IN (SELECT jsonb_array_elements_text(m.moved->'flags')::int8)",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE customer_notes x SET customer_id = m.from_customer_id FROM customer_merges m
         WHERE m.id = $1 AND x.customer_id = m.into_customer_id
           AND x.id IN (SELECT jsonb_array_elements_text(m.moved->'notes')::int8)",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE messages x SET customer_id = m.from_customer_id FROM customer_merges m
         WHERE m.id = $1 AND x.customer_id = m.into_customer_id
           AND x.id IN (SELECT jsonb_array_elements_text(m.moved->'messages')::int8)",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM customer_contacts k USING customer_merges m
         WHERE m.id = $1 AND k.customer_id = m.into_customer_id
           AND k.phone IN (SELECT jsonb_array_elements_text(m.moved->'gained'))",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO customer_contacts (customer_id, phone)
         SELECT m.from_customer_id, p FROM customer_merges m, jsonb_array_elements_text(m.moved->'contacts') AS p
         WHERE m.id = $1
         ON CONFLICT DO NOTHING",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE customers c SET last_order_at = (SELECT max(o.created_at) FROM orders o WHERE o.customer_id = c.id)
         FROM customer_merges m WHERE m.id = $1 AND c.id IN (m.from_customer_id, m.into_customer_id)",
        id
    )
    .execute(&mut *conn)
    .await?;
    let merge = sqlx::query!(
        "UPDATE customer_merges SET undone_at = now(), undone_by = $2 WHERE id = $1
         RETURNING from_customer_id, into_customer_id",
        id,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    recount(conn, merge.from_customer_id).await?;
    recount(conn, merge.into_customer_id).await?;
    Ok(())
}

/// The customers merged into `id` now (its card lists them, with the merge to undo).
pub async fn list_merged_into(conn: &mut PgConnection, id: i64) -> Result<Vec<MergedCustomer>, sqlx::Error> {
    sqlx::query_as!(
        MergedCustomer,
        r#"SELECT m.id AS "merge_id!", c.id AS "customer_id!", c.name AS "name!", c.phone AS "phone!",
                  m.merged_at AS "merged_at!", (SELECT u.name FROM users u WHERE u.id = m.merged_by) AS "merged_by?"
           FROM customer_merges m JOIN customers c ON c.id = m.from_customer_id
           WHERE m.into_customer_id = $1 AND m.undone_at IS NULL
           ORDER BY m.merged_at DESC, m.id DESC"#,
        id
    )
    .fetch_all(conn)
    .await
}

/// Recounts a customer's counters from their orders (in the caller's transaction): orders, each
/// final outcome by its status's meaning, and what the courier reported. The row is locked first,
/// so the counting statement starts after any other transaction recounting this customer has
/// committed, and sees its orders (a count read before the lock could miss them).
pub async fn recount(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT id FROM customers WHERE id = $1 FOR UPDATE", id).fetch_optional(&mut *conn).await?;
    sqlx::query!(
        "UPDATE customers c
         SET orders_count = k.orders, confirmed_count = k.confirmed, cancelled_count = k.cancelled,
             wrong_number_count = k.wrong_number, unreachable_count = k.unreachable, abandoned_count = k.abandoned,
             duplicate_count = k.duplicate, delivered_count = k.delivered, returned_count = k.returned,
             refused_count = k.refused, fake_order_count = k.fake, total_spent_dzd = k.spent, updated_at = now()
         FROM (SELECT count(*)::int4 AS orders,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'confirmed')::int4 AS confirmed,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'cancelled')::int4 AS cancelled,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'wrong_number')::int4 AS wrong_number,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'unreachable')::int4 AS unreachable,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'abandoned')::int4 AS abandoned,
                      count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'duplicate')::int4 AS duplicate,
                      count(*) FILTER (WHERE o.delivery_outcome = 'delivered')::int4 AS delivered,
                      count(*) FILTER (WHERE o.delivery_outcome = 'returned')::int4 AS returned,
                      count(*) FILTER (WHERE o.delivery_outcome = 'refused')::int4 AS refused,
                      count(*) FILTER (WHERE o.delivery_outcome IN ('returned', 'refused')
                                         AND o.delivery_reason = 'fake_order')::int4 AS fake,
                      coalesce(sum(o.total_dzd) FILTER (WHERE o.delivery_outcome = 'delivered'), 0)::int8 AS spent
               FROM orders o JOIN confirmation_statuses s ON s.code = o.status
               WHERE o.customer_id = $1) k
         WHERE c.id = $1",
        id
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
                  c.wrong_number_count, c.unreachable_count, c.abandoned_count, c.duplicate_count, c.refused_count,
                  c.fake_order_count,
                  (SELECT CASE WHEN $2 THEN name_ar ELSE name_fr END FROM wilayas WHERE code = c.wilaya_code)
                      AS "wilaya_name?",
                  c.class, c.score, c.class_reason, c.score_breakdown, c.classified_at, c.class_override,
                  c.override_reason, c.override_until, (SELECT u.name FROM users u WHERE u.id = c.override_by) AS "override_by?",
                  effective_class(c.class, c.class_override, c.override_until) AS "effective!", c.merged_into_id
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
            r#"SELECT a.action AS "action!", a.entity AS "entity!", a.entity_id AS "entity_id!",
                      (SELECT name FROM users WHERE id = a.actor_id) AS "actor_name?", a.after AS "after?",
                      a.created_at AS "created_at!"
               FROM audit_log a
               WHERE (a.entity = 'customer' AND a.entity_id = $1)
                  OR (a.entity = 'customer' AND a.entity_id IN (SELECT id FROM customers WHERE merged_into_id = $1))
                  OR (a.entity = 'order' AND a.entity_id IN (SELECT id FROM orders WHERE customer_id = $1))
               UNION ALL
               -- the class changes, as the classification made them
               SELECT 'customer.class', 'customer', h.customer_id, NULL,
                      jsonb_build_object('from', h.class_before, 'to', h.class_after, 'score', h.score,
                                         'reason', h.reason),
                      h.changed_at
               FROM customer_class_history h WHERE h.customer_id = $1
               ORDER BY 6 DESC LIMIT 100"#,
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
            wrong_number: c.wrong_number_count,
            unreachable: c.unreachable_count,
            abandoned: c.abandoned_count,
            duplicates: c.duplicate_count,
            returned: c.returned_count,
            refused: c.refused_count,
            fake_orders: c.fake_order_count,
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
        merged_into: c.merged_into_id,
        merged: list_merged_into(conn, id).await?,
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
                  c.wrong_number_count, c.refused_count, c.fake_order_count,
                  -- what was delivered, plus what the confirmed orders the courier has not reported on
                  -- yet are worth (a returned order is worth nothing)
                  (c.total_spent_dzd
                   + (SELECT coalesce(sum(o.total_dzd), 0) FROM orders o JOIN confirmation_statuses s ON s.code = o.status
                      WHERE o.customer_id = c.id AND s.counts_as_confirmed
                        AND (o.delivery_outcome IS NULL OR o.delivery_outcome = 'failed_attempt')))::int8 AS "spent!",
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
                    wrong_number: r.wrong_number_count,
                    returned: r.returned_count,
                    refused: r.refused_count,
                    fake_orders: r.fake_order_count,
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
                      RETURNING c.id, (SELECT c0.class FROM customers c0 WHERE c0.id = c.id) AS before, d.class,
                                d.score, d.reason, d.breakdown),
                h AS (INSERT INTO customer_class_history (customer_id, class_before, class_after, score, reason,
                                                          breakdown, changed_at)
                      SELECT id, before, class, score, reason, breakdown, $6 FROM u
                      WHERE before IS DISTINCT FROM class)
           SELECT count(*) FILTER (WHERE before IS DISTINCT FROM class) AS "n!" FROM u"#,
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
/// Returns the override it replaced (class, reason, until, by), None when there is no such customer.
pub async fn set_class_override(
    conn: &mut PgConnection,
    id: i64,
    class: Option<CustomerClass>,
    reason: Option<&str>,
    until: Option<OffsetDateTime>,
    by: i64,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE customers c SET class_override = $2, override_reason = $3, override_until = $4, override_by = $5,
                updated_at = now()
           WHERE c.id = $1
           RETURNING (SELECT jsonb_build_object('class', c0.class_override, 'reason', c0.override_reason,
                                                'until', c0.override_until, 'by', c0.override_by)
                      FROM customers c0 WHERE c0.id = c.id) AS "before!""#,
        id,
        class.map(|c| c.as_str()),
        reason,
        until,
        by,
    )
    .fetch_optional(conn)
    .await
}

/// How many customers are in each (effective) class.
pub async fn class_distribution(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT effective_class(class, class_override, override_until) AS "class!", count(*) AS "n!"
           FROM customers WHERE merged_into_id IS NULL GROUP BY 1 ORDER BY 1"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.class, r.n)).collect())
}
