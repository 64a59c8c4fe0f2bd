//! The dashboard's counting SQL. A read model: it reads the orders, the attempts, presence, pairs
//! and messages of every feature, and writes nothing but its own settings and the folding of the
//! tallies the database keeps (migration 15). Every query on orders takes the optional agent the
//! figures are scoped to (an agent sees their own orders only).
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use super::domain::Tally;
use super::{DashboardSettings, DrillList, DrillOrder, MessagingCost, Pending};
use crate::locale::UiLocale;

pub async fn get_settings(conn: &mut PgConnection) -> Result<DashboardSettings, sqlx::Error> {
    sqlx::query_as!(
        DashboardSettings,
        "SELECT speed_to_call_minutes, ranking_min_volume FROM dashboard_settings WHERE id"
    )
    .fetch_one(conn)
    .await
}

pub async fn update_settings(conn: &mut PgConnection, s: &DashboardSettings) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE dashboard_settings SET speed_to_call_minutes = $1, ranking_min_volume = $2, updated_at = now() WHERE id",
        s.speed_to_call_minutes,
        s.ranking_min_volume
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Open orders by where they stand (each in exactly one of the first five counts), except
/// `past_deadline`, which the service computes in business time from [`list_uncalled`].
pub async fn count_pending(
    conn: &mut PgConnection,
    agent: Option<i64>,
    now: OffsetDateTime,
) -> Result<Pending, sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE is_duplicate) AS "held!",
                  count(*) FILTER (WHERE NOT is_duplicate AND next_contact_at <= $2) AS "due!",
                  count(*) FILTER (WHERE NOT is_duplicate AND NOT coalesce(next_contact_at <= $2, false)
                                     AND assigned_agent_id IS NULL) AS "unassigned!",
                  count(*) FILTER (WHERE NOT is_duplicate AND NOT coalesce(next_contact_at <= $2, false)
                                     AND assigned_agent_id IS NOT NULL AND attempts_count = 0) AS "not_started!",
                  count(*) FILTER (WHERE NOT is_duplicate AND NOT coalesce(next_contact_at <= $2, false)
                                     AND assigned_agent_id IS NOT NULL AND attempts_count > 0) AS "in_progress!",
                  count(*) AS "open!"
           FROM orders
           WHERE closed_at IS NULL AND ($1::int8 IS NULL OR assigned_agent_id = $1)"#,
        agent,
        now,
    )
    .fetch_one(conn)
    .await?;
    Ok(Pending {
        unassigned: r.unassigned,
        assigned_not_started: r.not_started,
        in_progress: r.in_progress,
        callbacks_due: r.due,
        held_duplicates: r.held,
        past_deadline: 0,
        open: r.open,
    })
}

/// The shop's open orders by where they stand, as the tallies keep them (held, unassigned,
/// not_started, in_progress), callbacks due included.
pub async fn list_open_tallies(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT key AS "key!", sum(n)::int8 AS "n!" FROM dashboard_tallies
           WHERE day = 'infinity' AND metric = 'open' GROUP BY key"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.n)).collect())
}

/// The shop's callbacks due at `now` (open, not held) by where they stand: unassigned, assigned
/// and never called, called before.
pub async fn count_due(conn: &mut PgConnection, now: OffsetDateTime) -> Result<(i64, i64, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE assigned_agent_id IS NULL) AS "unassigned!",
                  count(*) FILTER (WHERE assigned_agent_id IS NOT NULL AND attempts_count = 0) AS "not_started!",
                  count(*) FILTER (WHERE assigned_agent_id IS NOT NULL AND attempts_count > 0) AS "in_progress!"
           FROM orders
           WHERE closed_at IS NULL AND NOT is_duplicate AND next_contact_at IS NOT NULL AND next_contact_at <= $1"#,
        now,
    )
    .fetch_one(conn)
    .await?;
    Ok((r.unassigned, r.not_started, r.in_progress))
}

/// Creation times of open orders never called and not held, created in [after, before) (the
/// deadline in wall time, which business time can only shorten), oldest first. From the index
/// alone.
pub async fn list_uncalled(
    conn: &mut PgConnection,
    agent: Option<i64>,
    after: OffsetDateTime,
    before: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT created_at FROM orders
           WHERE closed_at IS NULL AND attempts_count = 0 AND NOT is_duplicate AND created_at >= $2 AND created_at < $3
             AND ($1::int8 IS NULL OR assigned_agent_id = $1)
           ORDER BY created_at"#,
        agent,
        after,
        before,
    )
    .fetch_all(conn)
    .await
}

/// Open orders never called and not held created before `before`: all of them, and those
/// created in [from, to).
pub async fn count_uncalled(
    conn: &mut PgConnection,
    agent: Option<i64>,
    before: OffsetDateTime,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "all!", count(*) FILTER (WHERE created_at >= $3 AND created_at < $4) AS "in_range!"
           FROM orders
           WHERE closed_at IS NULL AND attempts_count = 0 AND NOT is_duplicate AND created_at < $2
             AND ($1::int8 IS NULL OR assigned_agent_id = $1)"#,
        agent,
        before,
        from,
        to,
    )
    .fetch_one(conn)
    .await?;
    Ok((r.all, r.in_range))
}

/// Orders received per Algiers day over [from, to).
pub async fn count_received_by_day(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<(Date, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT (created_at AT TIME ZONE 'Africa/Algiers')::date AS "day!", count(*) AS "n!"
           FROM orders
           WHERE created_at >= $2 AND created_at < $3 AND ($1::int8 IS NULL OR assigned_agent_id = $1)
           GROUP BY 1"#,
        agent,
        from,
        to,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.n)).collect())
}

/// Orders closed per Algiers day and status category over [from, to).
pub async fn count_closed_by_day(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<(Date, String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT (o.closed_at AT TIME ZONE 'Africa/Algiers')::date AS "day!", s.category AS "category!",
                  count(*) AS "n!"
           FROM orders o JOIN confirmation_statuses s ON s.code = o.status
           WHERE o.closed_at >= $2 AND o.closed_at < $3 AND ($1::int8 IS NULL OR o.assigned_agent_id = $1)
           GROUP BY 1, 2"#,
        agent,
        from,
        to,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.category, r.n)).collect())
}

/// Failed orders closed per Algiers day and final status over [from, to).
pub async fn count_failed_by_day(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<(Date, String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT (o.closed_at AT TIME ZONE 'Africa/Algiers')::date AS "day!", o.status AS "status!", count(*) AS "n!"
           FROM orders o JOIN confirmation_statuses s ON s.code = o.status
           WHERE o.closed_at >= $2 AND o.closed_at < $3 AND s.category = 'failed'
             AND ($1::int8 IS NULL OR o.assigned_agent_id = $1)
           GROUP BY 1, 2"#,
        agent,
        from,
        to,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.status, r.n)).collect())
}

/// Every status's label in the caller's language and colour, in the configured order.
pub async fn list_status_labels(
    conn: &mut PgConnection,
    locale: UiLocale,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT code, CASE $1 WHEN 'fr' THEN label_fr WHEN 'ar' THEN label_ar ELSE label_ar_dz END AS "label!", color
           FROM confirmation_statuses ORDER BY sort_order, code"#,
        locale.tag(),
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.label, r.color)).collect())
}

/// The shop's tallies of the days in [from, to] (Algiers dates, both included).
pub async fn list_tallies(conn: &mut PgConnection, from: Date, to: Date) -> Result<Vec<Tally>, sqlx::Error> {
    sqlx::query_as!(
        Tally,
        r#"SELECT t.day AS "day!", t.metric AS "metric!", t.key AS "key!", s.category AS "category?",
                  sum(t.n)::int8 AS "n!", sum(t.total)::int8 AS "total!"
           FROM dashboard_tallies t
           LEFT JOIN confirmation_statuses s ON t.metric = 'closed' AND s.code = t.key
           WHERE t.day BETWEEN $1 AND $2 AND t.agent = 0
           GROUP BY t.day, t.metric, t.key, s.category
           HAVING sum(t.n) <> 0 OR sum(t.total) <> 0"#,
        from,
        to,
    )
    .fetch_all(conn)
    .await
}

/// Folds the slots of the days up to `through` (and of the open orders) into slot 0 and drops
/// the rows that sum to nothing. Safe beside the triggers that write them and beside another
/// fold: a row an open transaction holds is left for the next fold (so the fold never waits on a
/// writer, and no writer on the fold for long), each moved row is deleted once, slot 0 is
/// written in one order, and every write adds. Returns how many slot-0 rows it wrote.
pub async fn fold_tallies(conn: &mut PgConnection, through: Date) -> Result<u64, sqlx::Error> {
    let moved = sqlx::query!(
        "WITH free AS (
             SELECT ctid FROM dashboard_tallies WHERE (day <= $1 OR day = 'infinity') AND slot <> 0
             FOR UPDATE SKIP LOCKED
         ), moved AS (
             DELETE FROM dashboard_tallies WHERE ctid IN (SELECT ctid FROM free) RETURNING day, metric, key, agent, n, total
         )
         INSERT INTO dashboard_tallies AS t (day, metric, key, agent, slot, n, total)
         SELECT day, metric, key, agent, 0, sum(n), sum(total) FROM moved
         GROUP BY day, metric, key, agent ORDER BY day, metric, key, agent
         ON CONFLICT (day, metric, key, agent, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total",
        through,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "DELETE FROM dashboard_tallies WHERE (day <= $1 OR day = 'infinity') AND slot = 0 AND n = 0 AND total = 0",
        through
    )
    .execute(&mut *conn)
    .await?;
    Ok(moved)
}

/// Each order created in [from, to) and called: its creation, its first agent attempt and the
/// business seconds between them (as fixed when the call was made).
pub async fn list_first_contacts(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<(OffsetDateTime, OffsetDateTime, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT created_at, first_attempt_at AS "first!", first_wait_business_s AS "business!" FROM orders
           WHERE created_at >= $2 AND created_at < $3 AND first_attempt_at IS NOT NULL
             AND ($1::int8 IS NULL OR assigned_agent_id = $1)"#,
        agent,
        from,
        to,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.created_at, r.first, i64::from(r.business))).collect())
}

/// Open orders held by each agent available now (zero included), for the workload's spread.
pub async fn list_available_loads(conn: &mut PgConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = p.user_id AND o.closed_at IS NULL) AS "n!"
           FROM agent_presence p JOIN users u ON u.id = p.user_id
           WHERE p.state = 'available' AND u.active AND u.role = 'agent'"#
    )
    .fetch_all(conn)
    .await
}

pub struct Answers {
    pub confirmed: i64,
    pub cancelled: i64,
    pub all: i64,
}

/// Customers' own answers (WhatsApp buttons) received over [from, to).
pub async fn count_answers(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Answers, sqlx::Error> {
    sqlx::query_as!(
        Answers,
        r#"SELECT count(*) FILTER (WHERE e.status = 'reply:confirm') AS "confirmed!",
                  count(*) FILTER (WHERE e.status = 'reply:cancel') AS "cancelled!",
                  count(*) AS "all!"
           FROM message_events e
           WHERE e.status LIKE 'reply:%' AND e.received_at >= $2 AND e.received_at < $3
             AND ($1::int8 IS NULL OR EXISTS (SELECT 1 FROM messages m JOIN orders o ON o.id = m.order_id
                                              WHERE m.id = e.message_id AND o.assigned_agent_id = $1))"#,
        agent,
        from,
        to,
    )
    .fetch_one(conn)
    .await
}

/// Orders whose courier outcome came over [from, to) (one agent's, or the shop's): delivered, and
/// returned or refused.
pub async fn count_deliveries(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE delivery_outcome = 'delivered') AS "delivered!",
                  count(*) FILTER (WHERE delivery_outcome IN ('returned', 'refused')) AS "back!"
           FROM orders
           WHERE delivery_outcome IN ('delivered', 'returned', 'refused') AND delivery_at >= $1 AND delivery_at < $2
             AND ($3::int8 IS NULL OR assigned_agent_id = $3)"#,
        from,
        to,
        agent,
    )
    .fetch_one(conn)
    .await?;
    Ok((row.delivered, row.back))
}

/// Customers flagged over [from, to) for a refused delivery or a fake order.
pub async fn count_refusal_flags(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM customer_flags
           WHERE created_at >= $1 AND created_at < $2 AND flag_type IN ('refused_delivery', 'fake_order')"#,
        from,
        to,
    )
    .fetch_one(conn)
    .await
}

/// Pairs flagged at or above the review threshold over [from, to).
pub async fn count_flagged(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
    review: i16,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM duplicate_pairs WHERE created_at >= $1 AND created_at < $2 AND score >= $3"#,
        from,
        to,
        review,
    )
    .fetch_one(conn)
    .await
}

/// Messages created over [from, to) and their reported cost.
pub async fn count_messages(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<MessagingCost, sqlx::Error> {
    sqlx::query_as!(
        MessagingCost,
        r#"SELECT count(*) AS "messages!",
                  count(*) FILTER (WHERE status = 'delivered') AS "delivered!",
                  count(*) FILTER (WHERE status IN ('failed', 'undelivered', 'expired')) AS "failed!",
                  coalesce(sum(segments), 0)::int8 AS "segments!",
                  coalesce(sum(cost_centimes), 0)::int8 AS "cost_centimes!"
           FROM messages WHERE created_at >= $1 AND created_at < $2"#,
        from,
        to,
    )
    .fetch_one(conn)
    .await
}

/// The orders behind a number, oldest first, at most `limit` (and how many there are).
/// `past_deadline` lists the uncalled candidates; the service keeps those past in business time.
#[allow(clippy::too_many_arguments)]
pub async fn list_orders(
    conn: &mut PgConnection,
    list: DrillList,
    agent: Option<i64>,
    from: OffsetDateTime,
    to: OffsetDateTime,
    status: Option<&str>,
    now: OffsetDateTime,
    locale: UiLocale,
    limit: i64,
    deadline_minutes: i32,
) -> Result<Vec<DrillOrder>, sqlx::Error> {
    sqlx::query_as!(
        DrillOrder,
        r#"SELECT o.id AS "id!", o.number AS "number!", o.customer_name AS "customer_name!", o.phone AS "phone!",
                  o.delivery_wilaya AS "wilaya!", o.total_dzd AS "total_dzd!", o.status AS "status!",
                  CASE $7 WHEN 'fr' THEN s.label_fr WHEN 'ar' THEN s.label_ar ELSE s.label_ar_dz END AS "status_label!",
                  u.name AS "agent_name?", o.attempts_count AS "attempts!", o.created_at AS "created_at!",
                  o.first_attempt_at AS "first_attempt_at?", o.closed_at AS "closed_at?"
           FROM orders o
           JOIN confirmation_statuses s ON s.code = o.status
           LEFT JOIN users u ON u.id = o.assigned_agent_id
           WHERE ($2::int8 IS NULL OR o.assigned_agent_id = $2)
             AND CASE $1
                 WHEN 'past_deadline' THEN o.closed_at IS NULL AND o.attempts_count = 0 AND NOT o.is_duplicate
                                           AND o.created_at < $6::timestamptz - make_interval(mins => $9::int4)
                 WHEN 'unassigned' THEN o.closed_at IS NULL AND NOT o.is_duplicate AND o.assigned_agent_id IS NULL
                                        AND NOT coalesce(o.next_contact_at <= $6, false)
                 WHEN 'callbacks_due' THEN o.closed_at IS NULL AND NOT o.is_duplicate AND o.next_contact_at <= $6
                 WHEN 'held' THEN o.closed_at IS NULL AND o.is_duplicate
                 WHEN 'received' THEN o.created_at >= $3 AND o.created_at < $4
                 WHEN 'confirmed' THEN o.closed_at >= $3 AND o.closed_at < $4 AND s.category = 'confirmed'
                 WHEN 'failed' THEN o.closed_at >= $3 AND o.closed_at < $4 AND s.category = 'failed'
                                    AND ($5::text IS NULL OR o.status = $5)
                 WHEN 'abandoned' THEN o.closed_at >= $3 AND o.closed_at < $4 AND s.category = 'abandoned'
                 ELSE false END
           ORDER BY o.created_at, o.id
           LIMIT $8"#,
        list.as_str(),
        agent,
        from,
        to,
        status,
        now,
        locale.tag(),
        limit,
        deadline_minutes,
    )
    .fetch_all(conn)
    .await
}
