//! SQL for orders, their items and the attempt trail. Functions take a connection so the service
//! decides the transaction. Indexes are named for the query they serve in the migration.
//!
//! No `LEFT JOIN` in checked queries (here and in every `db.rs`): sqlx infers an outer join's
//! nullability from the query plan, which differs between databases, so `.sqlx/` would flip
//! between machines and `cargo sqlx prepare --check` fail at random. Optional lookups are scalar
//! subqueries with an explicit `?` override instead.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::domain::{AttemptPlan, OrderAccess, OrderState};
use super::intake::{CommuneRef, ValidOrder};
use super::{
    Attempt, CallbackScope, Confirmation, DeliveryType, DuplicateInfo, OrderItem, OrderRow, OrderView, PageCursor,
    PendingFilter, Priority,
};
use crate::locale::UiLocale;
use crate::statuses::domain::category_from_db;

fn known<T>(column: &'static str, raw: &str, parsed: Result<T, crate::error::AppError>) -> Result<T, sqlx::Error> {
    crate::error::known_stored("orders", column, raw, parsed)
}

fn priority(raw: &str) -> Result<Priority, sqlx::Error> {
    known("priority", raw, Priority::parse(raw))
}

fn scope(raw: Option<String>) -> Result<Option<CallbackScope>, sqlx::Error> {
    raw.map(|s| known("callback_scope", &s, CallbackScope::parse(&s))).transpose()
}

/// Place names come in French and Arabic; Arabic for both Arabic UIs.
fn arabic(locale: UiLocale) -> bool {
    locale != UiLocale::Fr
}

/// An order already stored under a shop reference.
pub struct ExistingOrder {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub status: String,
    pub intake_hash: Option<Vec<u8>>,
}

pub async fn find_by_reference(conn: &mut PgConnection, reference: &str) -> Result<Option<ExistingOrder>, sqlx::Error> {
    sqlx::query_as!(
        ExistingOrder,
        "SELECT id, number, customer_id, status, intake_hash FROM orders WHERE shop_reference = $1",
        reference
    )
    .fetch_optional(conn)
    .await
}

/// The commune's id if it exists in the wilaya (given by id, or by its French or Arabic name).
pub async fn resolve_commune(
    conn: &mut PgConnection,
    wilaya: i16,
    commune: &CommuneRef,
) -> Result<Option<i32>, sqlx::Error> {
    match commune {
        CommuneRef::Id(id) => {
            sqlx::query_scalar!("SELECT id FROM communes WHERE id = $1 AND wilaya_code = $2", id, wilaya)
                .fetch_optional(conn)
                .await
        }
        CommuneRef::Name(name) => {
            sqlx::query_scalar!(
                "SELECT id FROM communes WHERE wilaya_code = $1 AND (lower(name_fr) = lower($2) OR name_ar = $2)
                 ORDER BY id LIMIT 1",
                wilaya,
                name
            )
            .fetch_optional(conn)
            .await
        }
    }
}

pub async fn initial_status(conn: &mut PgConnection) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT code FROM confirmation_statuses WHERE initial AND active").fetch_optional(conn).await
}

/// Inserts the order and its items. `None` when another request stored the same shop reference
/// first (the caller rolls back and answers with that order).
pub async fn insert_order(
    conn: &mut PgConnection,
    order: &ValidOrder,
    customer_id: i64,
    commune_id: Option<i32>,
    status: &str,
    intake_hash: &[u8],
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "INSERT INTO orders (shop_reference, intake_hash, customer_id, customer_name, phone, total_dzd, delivery_wilaya,
                             delivery_commune, delivery_address, delivery_type, source, status, priority, name_key,
                             address_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (shop_reference) WHERE shop_reference IS NOT NULL DO NOTHING
         RETURNING id, number",
        order.reference,
        intake_hash,
        customer_id,
        order.name,
        order.phone.e164(),
        order.total,
        order.wilaya,
        commune_id,
        order.address,
        order.delivery_type.as_str(),
        order.source,
        status,
        order.priority.as_str(),
        order.name_key,
        order.address_key,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let lines: Vec<i32> = (1..=order.items.len() as i32).collect();
    let skus: Vec<String> = order.items.iter().map(|i| i.sku.clone()).collect();
    let names: Vec<String> = order.items.iter().map(|i| i.name.clone()).collect();
    let quantities: Vec<i32> = order.items.iter().map(|i| i.quantity).collect();
    let prices: Vec<i64> = order.items.iter().map(|i| i.unit_price).collect();
    sqlx::query!(
        "INSERT INTO order_items (order_id, line, sku, name, quantity, unit_price_dzd)
         SELECT $1, u.line, u.sku, u.name, u.quantity, u.price
         FROM UNNEST($2::int4[], $3::text[], $4::text[], $5::int4[], $6::int8[]) AS u (line, sku, name, quantity, price)",
        row.id,
        &lines,
        &skus,
        &names,
        &quantities,
        &prices,
    )
    .execute(conn)
    .await?;
    Ok(Some((row.id, row.number)))
}

macro_rules! order_row {
    ($r:expr) => {
        OrderRow {
            id: $r.id,
            number: $r.number,
            customer_id: $r.customer_id,
            customer_name: $r.customer_name,
            phone: $r.phone,
            wilaya_code: $r.delivery_wilaya,
            wilaya_name: $r.wilaya_name.unwrap_or_default(),
            total: $r.total_dzd,
            status: $r.status,
            category: category_from_db(&$r.category),
            priority: priority(&$r.priority)?,
            assigned_agent_id: $r.assigned_agent_id,
            assigned_agent_name: $r.agent_name,
            attempts: $r.attempts_count,
            next_contact_at: $r.next_contact_at,
            callback_scope: scope($r.callback_scope)?,
            is_duplicate: $r.is_duplicate,
            created_at: $r.created_at,
            version: $r.version,
            routing: $r.routing_reason.and_then(|v| serde_json::from_value(v).ok()),
        }
    };
}

/// My queue: the agent's open orders and the "anyone" callbacks that are due. Ready ones first
/// (no time set, or the time has come), then by priority, due callbacks, and age.
pub async fn agent_queue(
    conn: &mut PgConnection,
    agent_id: i64,
    locale: UiLocale,
    limit: i64,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id AS "id!", o.number AS "number!", o.customer_id AS "customer_id!",
                  o.customer_name AS "customer_name!", o.phone AS "phone!", o.delivery_wilaya AS "delivery_wilaya!",
                  CASE WHEN $2 THEN w.name_ar ELSE w.name_fr END AS wilaya_name, o.total_dzd AS "total_dzd!",
                  o.status AS "status!", s.category, o.priority AS "priority!", o.assigned_agent_id,
                  (SELECT name FROM users WHERE id = o.assigned_agent_id) AS "agent_name?", o.attempts_count AS "attempts_count!", o.next_contact_at,
                  o.callback_scope, o.is_duplicate AS "is_duplicate!", o.created_at AS "created_at!",
                  o.version AS "version!", o.routing_reason
           FROM (SELECT id, number, customer_id, customer_name, phone, delivery_wilaya, total_dzd, status, priority,
                        priority_order, assigned_agent_id, attempts_count, next_contact_at, callback_scope,
                        is_duplicate, created_at, version, routing_reason
                 FROM orders WHERE closed_at IS NULL AND assigned_agent_id = $1
                 UNION
                 SELECT id, number, customer_id, customer_name, phone, delivery_wilaya, total_dzd, status, priority,
                        priority_order, assigned_agent_id, attempts_count, next_contact_at, callback_scope,
                        is_duplicate, created_at, version, routing_reason
                 FROM orders WHERE closed_at IS NULL AND callback_scope = 'anyone' AND next_contact_at <= now()) o
           JOIN confirmation_statuses s ON s.code = o.status
           JOIN wilayas w ON w.code = o.delivery_wilaya
           JOIN customers cu ON cu.id = o.customer_id
           -- urgent first, then VIP and loyal customers, then the other priorities
           ORDER BY (o.next_contact_at IS NULL OR o.next_contact_at <= now()) DESC, o.priority_order > 0,
                    CASE effective_class(cu.class, cu.class_override, cu.override_until)
                        WHEN 'vip' THEN 0 WHEN 'loyal' THEN 1 ELSE 2 END, o.priority_order,
                    (o.next_contact_at IS NOT NULL) DESC, coalesce(o.next_contact_at, o.created_at), o.id
           LIMIT $3"#,
        agent_id,
        arabic(locale),
        limit,
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(|r| Ok(order_row!(r))).collect()
}

/// The supervisors' list of open orders, filtered, most urgent and oldest first.
pub async fn pending(
    conn: &mut PgConnection,
    filter: &PendingFilter,
    after: PageCursor,
    locale: UiLocale,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.number, o.customer_id, o.customer_name, o.phone, o.delivery_wilaya,
                  CASE WHEN $1 THEN w.name_ar ELSE w.name_fr END AS wilaya_name, o.total_dzd, o.status,
                  s.category, o.priority, o.assigned_agent_id, (SELECT name FROM users WHERE id = o.assigned_agent_id) AS "agent_name?", o.attempts_count,
                  o.next_contact_at, o.callback_scope, o.is_duplicate, o.created_at, o.version, o.routing_reason
           FROM orders o
           JOIN confirmation_statuses s ON s.code = o.status
           JOIN wilayas w ON w.code = o.delivery_wilaya
           WHERE o.closed_at IS NULL
             AND ($2::text IS NULL OR o.status = $2)
             AND ($3::text IS NULL OR s.category = $3)
             AND ($4::int2 IS NULL OR o.delivery_wilaya = $4)
             AND ($5::int8 IS NULL OR o.assigned_agent_id = $5)
             AND (NOT $6 OR o.assigned_agent_id IS NULL)
             AND ($7::text IS NULL OR o.priority = $7)
             AND ($8::int4 IS NULL OR o.created_at <= now() - make_interval(mins => $8))
             AND (NOT $13 OR o.next_contact_at <= now())
             AND (o.priority_order, o.created_at, o.id) > ($10::int2, $11::timestamptz, $12::int8)
           ORDER BY o.priority_order, o.created_at, o.id
           LIMIT $9"#,
        arabic(locale),
        filter.status,
        filter.category,
        filter.wilaya,
        filter.agent,
        filter.unassigned,
        filter.priority,
        filter.older_than_minutes,
        filter.limit.unwrap_or(100).clamp(1, 500),
        after.priority_order,
        after.created_at,
        after.id,
        filter.callbacks_due,
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(|r| Ok(order_row!(r))).collect()
}

pub async fn access(conn: &mut PgConnection, id: i64) -> Result<Option<OrderAccess>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, customer_id, status, unanswered_count, closed_at, assigned_agent_id, callback_scope,
                next_contact_at, version
         FROM orders WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(OrderAccess {
            id: r.id,
            customer_id: r.customer_id,
            state: OrderState { status: r.status, unanswered_count: r.unanswered_count, closed: r.closed_at.is_some() },
            assigned_agent_id: r.assigned_agent_id,
            callback_scope: scope(r.callback_scope)?,
            next_contact_at: r.next_contact_at,
            version: r.version,
        })
    })
    .transpose()
}

pub async fn view(conn: &mut PgConnection, id: i64, locale: UiLocale) -> Result<Option<OrderView>, sqlx::Error> {
    let Some(o) = sqlx::query!(
        r#"SELECT o.id, o.number, o.shop_reference, o.customer_id, o.customer_name, o.phone, o.total_dzd,
                  o.delivery_wilaya, CASE WHEN $2 THEN w.name_ar ELSE w.name_fr END AS wilaya_name,
                  (SELECT CASE WHEN $2 THEN name_ar ELSE name_fr END FROM communes WHERE id = o.delivery_commune) AS "commune_name?", o.delivery_address,
                  o.delivery_type, o.source, o.status, s.category, o.priority, o.assigned_agent_id,
                  (SELECT name FROM users WHERE id = o.assigned_agent_id) AS "agent_name?", o.next_contact_at, o.callback_scope, o.closed_at, o.is_duplicate,
                  o.original_order_id, o.duplicate_score, o.detection_method, o.created_at, o.version,
                  cu.locale, cu.email, o.routing_reason
           FROM orders o
           JOIN customers cu ON cu.id = o.customer_id
           JOIN confirmation_statuses s ON s.code = o.status
           JOIN wilayas w ON w.code = o.delivery_wilaya
           WHERE o.id = $1"#,
        id,
        arabic(locale),
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let items = sqlx::query_as!(
        OrderItem,
        "SELECT sku, name, quantity, unit_price_dzd AS unit_price FROM order_items WHERE order_id = $1 ORDER BY line",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let attempts = attempts(conn, id).await?;
    Ok(Some(OrderView {
        id: o.id,
        number: o.number,
        reference: o.shop_reference,
        customer_id: o.customer_id,
        customer_name: o.customer_name,
        phone: o.phone,
        email: o.email,
        language: known("locale", &o.locale, UiLocale::parse(&o.locale))?,
        total: o.total_dzd,
        items,
        wilaya_code: o.delivery_wilaya,
        wilaya_name: o.wilaya_name.unwrap_or_default(),
        commune_name: o.commune_name,
        address: o.delivery_address,
        delivery_type: known("delivery_type", &o.delivery_type, DeliveryType::parse(&o.delivery_type))?,
        source: o.source,
        confirmation: Confirmation {
            status_code: o.status,
            status: category_from_db(&o.category),
            priority: priority(&o.priority)?,
            assigned_agent: o.assigned_agent_id,
            assigned_agent_name: o.agent_name,
            attempts,
            next_contact_at: o.next_contact_at,
            callback_scope: scope(o.callback_scope)?,
            closed_at: o.closed_at,
            routing: o.routing_reason.and_then(|v| serde_json::from_value(v).ok()),
        },
        duplicate_info: DuplicateInfo {
            is_duplicate: o.is_duplicate,
            original_order: o.original_order_id,
            duplicate_score: o.duplicate_score,
            detection_method: o.detection_method,
        },
        sms_history: Vec::new(),
        created_at: o.created_at,
        version: o.version,
    }))
}

pub async fn attempts(conn: &mut PgConnection, order_id: i64) -> Result<Vec<Attempt>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.agent_id, u.name AS "agent_name?", a.method, a.status_before, a.result_status, a.status_after,
                a.notes, a.ended_at, a.duration_ms, a.callback_at, a.callback_scope
         FROM confirmation_attempts a LEFT JOIN users u ON u.id = a.agent_id
         WHERE a.order_id = $1 ORDER BY a.created_at, a.id"#,
        order_id
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Attempt {
                id: r.id,
                agent_id: r.agent_id,
                agent_name: r.agent_name,
                method: known("method", &r.method, super::Method::parse(&r.method))?,
                status_before: r.status_before,
                result: r.result_status,
                status_after: r.status_after,
                notes: r.notes,
                timestamp: r.ended_at,
                duration: r.duration_ms.unwrap_or(0) / 1000,
                callback_at: r.callback_at,
                callback_scope: scope(r.callback_scope)?,
            })
        })
        .collect()
}

/// Moves the order as the plan says, if nobody changed it since `version`. Returns the new
/// version, or `None` when the version is stale (the caller answers `409 conflict`).
pub async fn apply_attempt(
    conn: &mut PgConnection,
    order: &OrderAccess,
    agent_id: i64,
    plan: &AttemptPlan,
    now: OffsetDateTime,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE orders
         SET status = $3,
             attempts_count = attempts_count + 1,
             unanswered_count = unanswered_count + CASE WHEN $4 THEN 1 ELSE 0 END,
             last_attempt_at = $9,
             first_attempt_at = coalesce(first_attempt_at, $9),
             -- who answered the order first, and the assignment they answered (their response times)
             first_agent_id = CASE WHEN first_attempt_at IS NULL THEN $8 ELSE first_agent_id END,
             first_assigned_at = CASE WHEN first_attempt_at IS NULL THEN coalesce(assigned_at, $9) ELSE first_assigned_at END,
             next_contact_at = $5,
             callback_scope = $6,
             closed_at = CASE WHEN $7 THEN $9 END,
             assigned_agent_id = coalesce(assigned_agent_id, $8),
             assigned_at = coalesce(assigned_at, $9),
             version = version + 1,
             updated_at = now()
         WHERE id = $1 AND version = $2
         RETURNING version",
        order.id,
        order.version,
        plan.status_after,
        plan.unanswered,
        plan.next_contact_at,
        plan.callback_scope.map(|s| s.as_str()),
        plan.closes,
        agent_id,
        now,
    )
    .fetch_optional(conn)
    .await
}

/// An "anyone" callback taken by another agent becomes theirs.
pub async fn take_over(
    conn: &mut PgConnection,
    order_id: i64,
    agent_id: i64,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE orders SET assigned_agent_id = $2, assigned_at = $3 WHERE id = $1", order_id, agent_id, now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_attempt(
    conn: &mut PgConnection,
    order: &OrderAccess,
    agent_id: i64,
    plan: &AttemptPlan,
    now: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    let duration_ms = plan.duration.whole_milliseconds() as i64;
    sqlx::query_scalar!(
        "INSERT INTO confirmation_attempts (order_id, agent_id, method, status_before, result_status, status_after,
                                            notes, started_at, ended_at, callback_at, callback_scope, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $11::timestamptz - make_interval(secs => $8::int8 / 1000.0), $11, $9, $10, $11)
         RETURNING id",
        order.id,
        agent_id,
        plan.method.as_str(),
        order.state.status,
        plan.result,
        plan.status_after,
        plan.notes,
        duration_ms,
        plan.callback_at,
        plan.callback_scope.map(|s| s.as_str()),
        now,
    )
    .fetch_one(conn)
    .await
}

/// A customer's own answer (a WhatsApp button) in an open order's trail: no agent, no time on
/// the phone, the order's status before, as result and after. None when the order is closed.
pub async fn insert_customer_answer(
    conn: &mut PgConnection,
    order_id: i64,
    method: super::Method,
    notes: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO confirmation_attempts (order_id, agent_id, method, status_before, result_status, status_after,
                                            notes, started_at, ended_at)
         SELECT id, NULL, $2, status, status, status, $3, now(), now() FROM orders
         WHERE id = $1 AND closed_at IS NULL
         RETURNING id",
        order_id,
        method.as_str(),
        notes
    )
    .fetch_optional(conn)
    .await
}

/// Assigns (or with `None` unassigns) orders. Returns the ids changed; closed orders are skipped.
pub async fn assign(conn: &mut PgConnection, ids: &[i64], agent_id: Option<i64>) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE orders
         SET assigned_agent_id = $2, assigned_at = CASE WHEN $2::int8 IS NULL THEN NULL ELSE now() END,
             callback_scope = CASE WHEN callback_scope = 'me' THEN NULL ELSE callback_scope END,
             -- by hand: the reason says so; unassigned: it waits in the pool from now (timed relaxation)
             routing_reason = CASE WHEN $2::int8 IS NULL THEN NULL ELSE '{"kind": "manual"}'::jsonb END,
             routed_at = now(), waiting_since = CASE WHEN $2::int8 IS NULL THEN now() ELSE waiting_since END,
             version = version + 1, updated_at = now()
         WHERE id = ANY($1) AND closed_at IS NULL AND assigned_agent_id IS DISTINCT FROM $2
         RETURNING id"#,
        ids,
        agent_id,
    )
    .fetch_all(conn)
    .await
}

/// Agents an order may be assigned to: active users with the agent role (supervisors may take
/// orders too).
pub async fn is_assignable(conn: &mut PgConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('agent', 'supervisor')) AS "e!""#,
        user_id
    )
    .fetch_one(conn)
    .await
}

/// Brings an open order to the head of its queue: its next contact is now (or earlier).
pub async fn update_due_now(conn: &mut PgConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE orders SET next_contact_at = LEAST(COALESCE(next_contact_at, now()), now()), updated_at = now()
         WHERE id = $1 AND closed_at IS NULL",
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many open orders have a callback (or next try) due now.
pub async fn count_callbacks_due(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM orders WHERE closed_at IS NULL AND next_contact_at <= now()"#)
        .fetch_one(conn)
        .await
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;
    use crate::auth::service::{create_user, NewUserInput};
    use crate::auth::CurrentUser;
    use crate::orders::intake::NewOrder;
    use crate::orders::service::create_order;

    async fn user(pool: &PgPool, email: &str, role: &str) -> CurrentUser {
        let input = NewUserInput {
            email: email.into(),
            name: email.into(),
            role: role.into(),
            locale: Some("fr".into()),
            password: "a long enough password".into(),
        };
        create_user(pool, None, input).await.unwrap().into_current()
    }

    async fn order(pool: &PgPool, by: &CurrentUser, n: u32, priority: &str) -> i64 {
        let body: NewOrder = serde_json::from_value(serde_json::json!({
            "reference": format!("T-{n}"),
            "customer": {"name": "Client", "phone": format!("0555{n:06}")},
            "delivery": {"wilaya": 16},
            "items": [{"name": "Lit", "quantity": 1, "unitPrice": 100}],
            "total": 100,
            "priority": priority
        }))
        .unwrap();
        create_order(pool, by, &body).await.unwrap().id
    }

    async fn set(pool: &PgPool, sql: &str, id: i64) {
        sqlx::query(sql).bind(id).execute(pool).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn my_queue_has_my_open_orders_and_due_anyone_callbacks_in_working_order(pool: PgPool) {
        let sup = user(&pool, "sup@example.dz", "supervisor").await;
        let me = user(&pool, "me@example.dz", "agent").await;
        let other = user(&pool, "other@example.dz", "agent").await;
        let normal = order(&pool, &sup, 1, "normal").await;
        let urgent = order(&pool, &sup, 2, "urgent").await;
        let later = order(&pool, &sup, 3, "urgent").await;
        let closed = order(&pool, &sup, 4, "normal").await;
        let anyone_due = order(&pool, &sup, 5, "low").await;
        let anyone_later = order(&pool, &sup, 6, "normal").await;
        let someone_elses = order(&pool, &sup, 7, "urgent").await;
        let mut conn = pool.acquire().await.unwrap();
        assign(&mut conn, &[normal, urgent, later, closed], Some(me.id)).await.unwrap();
        assign(&mut conn, &[anyone_due, anyone_later, someone_elses], Some(other.id)).await.unwrap();
        set(&pool, "UPDATE orders SET next_contact_at = now() + interval '2 hours' WHERE id = $1", later).await;
        set(&pool, "UPDATE orders SET closed_at = now(), status = 'confirmed' WHERE id = $1", closed).await;
        set(
            &pool,
            "UPDATE orders SET callback_scope = 'anyone', next_contact_at = now() - interval '1 minute' WHERE id = $1",
            anyone_due,
        )
        .await;
        set(
            &pool,
            "UPDATE orders SET callback_scope = 'anyone', next_contact_at = now() + interval '1 hour' WHERE id = $1",
            anyone_later,
        )
        .await;

        let queue: Vec<i64> =
            agent_queue(&mut conn, me.id, UiLocale::Fr, 100).await.unwrap().iter().map(|r| r.id).collect();
        // Ready first (urgent, then normal, then the due callback of anyone), the later retry last.
        assert_eq!(queue, vec![urgent, normal, anyone_due, later]);
        let theirs: Vec<i64> =
            agent_queue(&mut conn, other.id, UiLocale::Fr, 100).await.unwrap().iter().map(|r| r.id).collect();
        assert_eq!(theirs, vec![someone_elses, anyone_due, anyone_later]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_pending_list_filters_and_pages(pool: PgPool) {
        let sup = user(&pool, "sup@example.dz", "supervisor").await;
        let agent = user(&pool, "a@example.dz", "agent").await;
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(order(&pool, &sup, n, if n == 4 { "urgent" } else { "normal" }).await);
        }
        let mut conn = pool.acquire().await.unwrap();
        assign(&mut conn, &ids[..2], Some(agent.id)).await.unwrap();
        let all = |f: PendingFilter| {
            let pool = pool.clone();
            async move {
                let mut conn = pool.acquire().await.unwrap();
                let after = f.after.as_deref().map(|a| PageCursor::decode(a).unwrap()).unwrap_or(PageCursor::START);
                pending(&mut conn, &f, after, UiLocale::Ar).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>()
            }
        };
        assert_eq!(all(PendingFilter::default()).await, vec![ids[4], ids[0], ids[1], ids[2], ids[3]]);
        assert_eq!(all(PendingFilter { unassigned: true, ..Default::default() }).await, vec![ids[4], ids[2], ids[3]]);
        assert_eq!(all(PendingFilter { agent: Some(agent.id), ..Default::default() }).await, vec![ids[0], ids[1]]);
        assert_eq!(all(PendingFilter { priority: Some("urgent".into()), ..Default::default() }).await, vec![ids[4]]);
        assert_eq!(all(PendingFilter { wilaya: Some(31), ..Default::default() }).await, Vec::<i64>::new());
        let first_two = pending(
            &mut conn,
            &PendingFilter { limit: Some(2), ..Default::default() },
            PageCursor::START,
            UiLocale::Fr,
        )
        .await
        .unwrap();
        let after = PageCursor::after(&first_two[1]).encode();
        assert_eq!(
            PageCursor::decode(&after).unwrap(),
            PageCursor::after(&first_two[1]),
            "the cursor survives as text"
        );
        let next = all(PendingFilter { limit: Some(2), after: Some(after), ..Default::default() }).await;
        assert_eq!(next, vec![ids[1], ids[2]]);
        assert_eq!(all(PendingFilter { older_than_minutes: Some(60), ..Default::default() }).await, Vec::<i64>::new());
        assert_eq!(all(PendingFilter { callbacks_due: true, ..Default::default() }).await, Vec::<i64>::new());
        sqlx::query("UPDATE orders SET next_contact_at = now() - interval '5 minutes' WHERE id = $1")
            .bind(ids[2])
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(all(PendingFilter { callbacks_due: true, ..Default::default() }).await, vec![ids[2]]);
        let arabic = pending(&mut conn, &PendingFilter::default(), PageCursor::START, UiLocale::Ar).await.unwrap();
        assert_eq!(arabic[0].wilaya_name, "الجزائر");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn order_numbers_keep_growing_past_a_million(pool: PgPool) {
        let sup = user(&pool, "sup@example.dz", "supervisor").await;
        let first = order(&pool, &sup, 1, "normal").await;
        sqlx::query("SELECT setval('order_number_seq', 999999)").execute(&pool).await.unwrap();
        let millionth = order(&pool, &sup, 2, "normal").await;
        let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM orders WHERE id = ANY($1) ORDER BY id")
            .bind(vec![first, millionth])
            .fetch_all(&pool)
            .await
            .unwrap();
        assert!(numbers[0].starts_with("BV-20") && numbers[0].ends_with("-000001"), "{numbers:?}");
        assert!(numbers[1].ends_with("-1000000"), "{numbers:?}");
    }
}

/// An open order waiting on an unanswered attempt, for the no-answer reminder.
#[derive(Clone, Debug)]
pub struct ReminderCandidate {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub locale: UiLocale,
    pub number: String,
    pub total: i64,
    pub attempts: i32,
    pub next_contact_at: Option<time::OffsetDateTime>,
}

/// Open orders whose current status is an unanswered attempt (category attempting, no contact
/// made) made before `before` and not yet reminded at this attempt, oldest first; locked, others
/// skipped.
pub async fn list_reminder_candidates(
    conn: &mut PgConnection,
    before: time::OffsetDateTime,
    limit: i64,
) -> Result<Vec<ReminderCandidate>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.customer_id, o.customer_name, o.phone, cu.locale, cu.email, o.number, o.total_dzd,
                  o.attempts_count,
                  o.next_contact_at
           FROM orders o
           JOIN confirmation_statuses s ON s.code = o.status
           JOIN customers cu ON cu.id = o.customer_id
           WHERE o.closed_at IS NULL AND o.attempts_count > o.reminded_at_attempt AND o.last_attempt_at < $1
             AND s.category = 'attempting' AND NOT s.contact_made AND NOT s.do_not_call
           ORDER BY o.last_attempt_at
           LIMIT $2
           FOR UPDATE OF o SKIP LOCKED"#,
        before,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(ReminderCandidate {
            locale: known("customers.locale", &r.locale, UiLocale::parse(&r.locale))?,
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            phone: r.phone,
            email: r.email,
            number: r.number,
            total: r.total_dzd,
            attempts: r.attempts_count,
            next_contact_at: r.next_contact_at,
        });
    }
    Ok(out)
}

/// Marks orders as reminded at their current attempt.
pub async fn update_reminded(conn: &mut PgConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE orders SET reminded_at_attempt = attempts_count WHERE id = ANY($1)", ids)
        .execute(conn)
        .await?;
    Ok(())
}
