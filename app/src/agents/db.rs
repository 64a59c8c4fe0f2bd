//! SQL for agents and routing: profiles, presence and its periods, what a routing run reads and
//! writes, redistribution, performance. Loads are counted from `orders` with
//! the indexes migration 5 names; no LEFT JOINs (see the header of `orders/db.rs`).
use std::collections::BTreeMap;

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::locale::algiers::midnight;

use super::{
    AgentAttempt, AgentPerformance, DayOff, LanguageSkill, Presence, ProfileInput, RoutingNote, RoutingSettings,
    ShiftDto,
};

/// `fr`, `ar`, `ar-DZ` as stored.
pub fn language_code(language: routing::Language) -> &'static str {
    match language {
        routing::Language::Fr => "fr",
        routing::Language::Ar => "ar",
        routing::Language::ArDz => "ar-DZ",
    }
}

pub fn parse_language(code: &str) -> Option<routing::Language> {
    match code {
        "fr" => Some(routing::Language::Fr),
        "ar" => Some(routing::Language::Ar),
        "ar-DZ" => Some(routing::Language::ArDz),
        _ => None,
    }
}

pub async fn get_settings(conn: &mut PgConnection) -> Result<RoutingSettings, sqlx::Error> {
    sqlx::query_as!(
        RoutingSettings,
        r#"SELECT drop_wilaya_after_minutes, any_arabic_after_minutes, inactivity_minutes, business_start_minute,
                business_end_minute, business_days, version AS "version?"
         FROM routing_settings WHERE id"#
    )
    .fetch_one(conn)
    .await
}

/// Saves the settings if they are still at `s.version` (any, without one). False when someone
/// saved in between.
pub async fn update_settings(conn: &mut PgConnection, s: &RoutingSettings) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE routing_settings SET drop_wilaya_after_minutes = $1, any_arabic_after_minutes = $2,
                inactivity_minutes = $3, business_start_minute = $4, business_end_minute = $5, business_days = $6,
                version = version + 1, updated_at = now()
         WHERE id AND ($7::int4 IS NULL OR version = $7)",
        s.drop_wilaya_after_minutes,
        s.any_arabic_after_minutes,
        s.inactivity_minutes,
        s.business_start_minute,
        s.business_end_minute,
        &s.business_days,
        s.version,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// An order waiting for an agent, as routing reads it.
pub struct PoolOrder {
    pub id: i64,
    pub number: String,
    pub priority_order: i16,
    pub created_at: OffsetDateTime,
    pub waiting_since: OffsetDateTime,
    pub locale: String,
    pub class: String,
    pub wilaya: i16,
    pub due_callback: bool,
}

/// Open unassigned orders ready to be called (no contact time set, or it has come), in the
/// routing index's order.
pub async fn pool_orders(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    limit: i64,
) -> Result<Vec<PoolOrder>, sqlx::Error> {
    sqlx::query_as!(
        PoolOrder,
        r#"SELECT o.id AS "id!", o.number AS "number!", o.priority_order AS "priority_order!",
                  o.created_at AS "created_at!", o.waiting_since AS "waiting_since!",
                  c.locale AS "locale!", effective_class(c.class, c.class_override, c.override_until) AS "class!",
                  o.delivery_wilaya AS "wilaya!",
                  (o.next_contact_at IS NOT NULL) AS "due_callback!"
           FROM orders o JOIN customers c ON c.id = o.customer_id
           WHERE o.closed_at IS NULL AND o.assigned_agent_id IS NULL AND NOT o.is_duplicate
             AND (o.next_contact_at IS NULL OR o.next_contact_at <= $1)
           ORDER BY o.priority_order, o.created_at, o.id
           LIMIT $2"#,
        now,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// A confirmation agent with their limits, presence and current load.
pub struct PoolAgent {
    pub id: i64,
    pub name: String,
    pub wilayas: Vec<i16>,
    pub max_orders_per_day: i32,
    pub max_open_orders: i32,
    pub presence: String,
    pub open_now: i64,
    pub assigned_today: i64,
    pub last_assigned_at: Option<OffsetDateTime>,
    pub confirmed_30d: i64,
    pub final_30d: i64,
}

/// Active confirmation agents with their loads (open orders, assigned since `day_start`) and
/// their last 30 days' confirmed / final outcomes.
pub async fn pool_agents(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    day_start: OffsetDateTime,
) -> Result<Vec<PoolAgent>, sqlx::Error> {
    sqlx::query_as!(
        PoolAgent,
        r#"SELECT u.id AS "id!", u.name AS "name!", p.wilayas AS "wilayas!", p.max_orders_per_day AS "max_orders_per_day!",
                  p.max_open_orders AS "max_open_orders!",
                  coalesce((SELECT ap.state FROM agent_presence ap WHERE ap.user_id = u.id), 'offline') AS "presence!",
                  (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id AND o.closed_at IS NULL) AS "open_now!",
                  (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id AND o.assigned_at >= $2) AS "assigned_today!",
                  (SELECT max(o.assigned_at) FROM orders o WHERE o.assigned_agent_id = u.id) AS "last_assigned_at?",
                  (SELECT count(*) FROM confirmation_attempts a JOIN confirmation_statuses s ON s.code = a.status_after
                   WHERE a.agent_id = u.id AND a.created_at >= $1::timestamptz - interval '30 days' AND s.is_final
                     AND s.counts_as_confirmed) AS "confirmed_30d!",
                  (SELECT count(*) FROM confirmation_attempts a JOIN confirmation_statuses s ON s.code = a.status_after
                   WHERE a.agent_id = u.id AND a.created_at >= $1::timestamptz - interval '30 days' AND s.is_final) AS "final_30d!"
           FROM users u JOIN agent_profiles p ON p.user_id = u.id
           WHERE u.active AND u.role = 'agent' AND p.is_confirmation_agent
           ORDER BY u.id"#,
        now,
        day_start,
    )
    .fetch_all(conn)
    .await
}

/// Every agent's languages, shifts and whether `today` is a day off, keyed by user id.
pub struct Schedules {
    pub languages: BTreeMap<i64, Vec<LanguageSkill>>,
    pub shifts: BTreeMap<i64, Vec<ShiftDto>>,
    pub days_off: BTreeMap<i64, Vec<DayOff>>,
}

impl Schedules {
    /// Whether `agent` works at `at`.
    pub fn on_shift_at(&self, agent: i64, at: OffsetDateTime) -> bool {
        let none = Vec::new();
        super::domain::on_shift_at(
            self.shifts.get(&agent).unwrap_or(&none),
            self.days_off.get(&agent).map_or(&[][..], Vec::as_slice),
            at,
        )
    }
}

/// Languages, shifts and days off (from `from_day` on) of the given agents.
pub async fn schedules(conn: &mut PgConnection, ids: &[i64], from_day: Date) -> Result<Schedules, sqlx::Error> {
    let mut out = Schedules { languages: BTreeMap::new(), shifts: BTreeMap::new(), days_off: BTreeMap::new() };
    let languages = sqlx::query!(
        "SELECT user_id, language, proficiency FROM agent_languages WHERE user_id = ANY($1)
         ORDER BY user_id, proficiency DESC, language",
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in languages {
        if let Some(language) = parse_language(&r.language) {
            let proficiency = u8::try_from(r.proficiency).unwrap_or(1);
            out.languages.entry(r.user_id).or_default().push(LanguageSkill { language, proficiency });
        }
    }
    let shifts = sqlx::query!(
        "SELECT user_id, weekday, start_minute, end_minute FROM agent_shifts WHERE user_id = ANY($1)
         ORDER BY user_id, weekday, start_minute",
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in shifts {
        out.shifts.entry(r.user_id).or_default().push(ShiftDto {
            weekday: u8::try_from(r.weekday).unwrap_or(0),
            start_minute: u16::try_from(r.start_minute).unwrap_or(0),
            end_minute: u16::try_from(r.end_minute).unwrap_or(0),
        });
    }
    let days = sqlx::query!(
        "SELECT user_id, day, reason FROM agent_days_off WHERE user_id = ANY($1) AND day >= $2 ORDER BY user_id, day",
        ids,
        from_day,
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in days {
        out.days_off.entry(r.user_id).or_default().push(DayOff { day: r.day, reason: r.reason });
    }
    Ok(out)
}

/// Takes the routing lock for this transaction: one routing run at a time across every app
/// instance (a second run waits, then finds the orders already placed).
pub async fn lock_routing(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('ecocs.routing'))").execute(conn).await?;
    Ok(())
}

/// Assigns each order to its agent with its reason, unless someone placed it meanwhile, and
/// audits each one placed (`order.auto_assigned`: the agent and why, by `actor` or the
/// scheduler) in the same statement, so an order's history says who had it and why. Returns the
/// ids placed.
pub async fn apply_assignments(
    conn: &mut PgConnection,
    actor: Option<i64>,
    ids: &[i64],
    agents: &[i64],
    notes: &[serde_json::Value],
    now: OffsetDateTime,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH placed AS (
               UPDATE orders o
               SET assigned_agent_id = d.agent, assigned_at = $4, routing_reason = d.note, routed_at = $4,
                   version = o.version + 1, updated_at = now()
               FROM UNNEST($1::int8[], $2::int8[], $3::jsonb[]) AS d (id, agent, note)
               WHERE o.id = d.id AND o.assigned_agent_id IS NULL AND o.closed_at IS NULL
               RETURNING o.id, d.agent, d.note
           ), audited AS (
               INSERT INTO audit_log (actor_id, action, entity, entity_id, after)
               SELECT $5, 'order.auto_assigned', 'order', p.id, jsonb_build_object('agentId', p.agent, 'reason', p.note)
               FROM placed p
           )
           SELECT id AS "id!" FROM placed"#,
        ids,
        agents,
        notes,
        now,
        actor,
    )
    .fetch_all(conn)
    .await
}

/// Records why nobody took these orders (they stay in the pool, listed for supervisors), on the
/// orders whose reason changed only: a run every 15 minutes over a backlog of 200 000 waiting
/// orders rewrote every one of them (new row versions, index entries, the tallies' trigger) and
/// moved `routed_at` to now, so "since when" was lost. Returns how many changed.
pub async fn note_unassigned(
    conn: &mut PgConnection,
    ids: &[i64],
    notes: &[serde_json::Value],
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let changed = sqlx::query!(
        r#"UPDATE orders o SET routing_reason = d.note, routed_at = $3
           FROM UNNEST($1::int8[], $2::jsonb[]) AS d (id, note)
           WHERE o.id = d.id AND o.assigned_agent_id IS NULL AND o.routing_reason IS DISTINCT FROM d.note"#,
        ids,
        notes,
        now,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed)
}

/// Sends an agent's open orders back to the pool: with `all` every one, started or not, their
/// "me" callbacks becoming "anyone" callbacks at the same time (they stopped being an agent);
/// otherwise those not started (started ones, and "me only" callbacks, stay: offline, shift end).
/// Returns the ids returned.
pub async fn return_orders(
    conn: &mut PgConnection,
    agent_id: i64,
    all: bool,
    note: &RoutingNote,
    now: OffsetDateTime,
) -> Result<Vec<i64>, sqlx::Error> {
    let note = serde_json::to_value(note).unwrap_or_default();
    sqlx::query_scalar!(
        "UPDATE orders
         SET assigned_agent_id = NULL, assigned_at = NULL, waiting_since = $3, routing_reason = $2, routed_at = $3,
             callback_scope = CASE WHEN $4 AND callback_scope = 'me' THEN 'anyone' ELSE callback_scope END,
             version = version + 1, updated_at = now()
         WHERE assigned_agent_id = $1 AND closed_at IS NULL
           AND ($4 OR (attempts_count = 0 AND callback_scope IS DISTINCT FROM 'me'))
         RETURNING id",
        agent_id,
        note,
        now,
        all,
    )
    .fetch_all(conn)
    .await
}

/// Agents holding open orders they have not started (candidates for redistribution at shift end).
pub async fn agents_with_unstarted(conn: &mut PgConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT u.id AS "id!" FROM users u
           WHERE u.role = 'agent'
             AND EXISTS (SELECT 1 FROM orders o WHERE o.assigned_agent_id = u.id AND o.closed_at IS NULL
                         AND o.attempts_count = 0 AND o.callback_scope IS DISTINCT FROM 'me')
           ORDER BY u.id"#
    )
    .fetch_all(conn)
    .await
}

/// The agent's presence row, locked (presence changes are serialised per agent).
pub async fn lock_presence(conn: &mut PgConnection, user_id: i64) -> Result<(Presence, String), sqlx::Error> {
    sqlx::query!("INSERT INTO agent_presence (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", user_id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query!("SELECT state, reason FROM agent_presence WHERE user_id = $1 FOR UPDATE", user_id)
        .fetch_one(conn)
        .await?;
    Ok((Presence::parse(&row.state).unwrap_or(Presence::Offline), row.reason))
}

/// Moves an agent to a presence state: closes the open period and opens the new one.
pub async fn set_presence(
    conn: &mut PgConnection,
    user_id: i64,
    state: Presence,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE agent_presence SET state = $2, reason = $3, since = $4, last_seen_at = $4 WHERE user_id = $1",
        user_id,
        state.as_str(),
        reason,
        now,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE presence_periods SET ended_at = greatest($2, started_at) WHERE user_id = $1 AND ended_at IS NULL",
        user_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO presence_periods (user_id, state, reason, started_at) VALUES ($1, $2, $3, $4)",
        user_id,
        state.as_str(),
        reason,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes activity (at most one write per agent per 30 s).
pub async fn touch_presence(conn: &mut PgConnection, user_id: i64, now: OffsetDateTime) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE agent_presence SET last_seen_at = $2
         WHERE user_id = $1 AND state <> 'offline' AND last_seen_at < $2::timestamptz - interval '30 seconds'",
        user_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Agents available or paused but silent for longer than `minutes`.
pub async fn inactive_agents(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    minutes: i32,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT user_id FROM agent_presence
         WHERE state <> 'offline' AND last_seen_at < $1::timestamptz - make_interval(mins => $2)
         ORDER BY user_id",
        now,
        minutes,
    )
    .fetch_all(conn)
    .await
}

/// One profile row (without languages, shifts, days off).
pub struct ProfileRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub is_confirmation_agent: bool,
    pub wilayas: Vec<i16>,
    pub max_orders_per_day: i32,
    pub max_open_orders: i32,
    pub presence: String,
    pub presence_reason: String,
    pub presence_since: OffsetDateTime,
    pub open_orders: i64,
    pub assigned_today: i64,
    pub version: i32,
}

/// Agents' profiles (one agent with `only`), agents first by name.
pub async fn list_profiles(
    conn: &mut PgConnection,
    only: Option<i64>,
    day_start: OffsetDateTime,
) -> Result<Vec<ProfileRow>, sqlx::Error> {
    sqlx::query_as!(
        ProfileRow,
        r#"SELECT u.id AS "user_id!", u.name AS "name!", u.email AS "email!", u.active AS "active!",
                  p.is_confirmation_agent AS "is_confirmation_agent!", p.wilayas AS "wilayas!",
                  p.max_orders_per_day AS "max_orders_per_day!", p.max_open_orders AS "max_open_orders!",
                  coalesce((SELECT ap.state FROM agent_presence ap WHERE ap.user_id = u.id), 'offline') AS "presence!",
                  coalesce((SELECT ap.reason FROM agent_presence ap WHERE ap.user_id = u.id), '') AS "presence_reason!",
                  coalesce((SELECT ap.since FROM agent_presence ap WHERE ap.user_id = u.id), p.created_at) AS "presence_since!",
                  (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id AND o.closed_at IS NULL) AS "open_orders!",
                  (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id AND o.assigned_at >= $2) AS "assigned_today!",
                  p.version AS "version!"
           FROM users u JOIN agent_profiles p ON p.user_id = u.id
           WHERE u.role = 'agent' AND ($1::int8 IS NULL OR u.id = $1)
           ORDER BY u.active DESC, u.name, u.id"#,
        only,
        day_start,
    )
    .fetch_all(conn)
    .await
}

/// Replaces an agent's profile whole (languages, shifts and days off included) if it is still at
/// `p.version` (any, without one). False if the user has no profile (not an agent) or someone
/// saved it in between.
pub async fn replace_profile(conn: &mut PgConnection, user_id: i64, p: &ProfileInput) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE agent_profiles SET is_confirmation_agent = $2, wilayas = $3, max_orders_per_day = $4,
                max_open_orders = $5, version = version + 1, updated_at = now()
         WHERE user_id = $1 AND ($6::int4 IS NULL OR version = $6)",
        user_id,
        p.is_confirmation_agent,
        &p.preferences.wilayas,
        p.preferences.max_orders_per_day,
        p.preferences.max_open_orders,
        p.version,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    let languages: Vec<String> =
        p.preferences.languages.iter().map(|l| language_code(l.language).to_string()).collect();
    let proficiency: Vec<i16> = p.preferences.languages.iter().map(|l| i16::from(l.proficiency)).collect();
    sqlx::query!("DELETE FROM agent_languages WHERE user_id = $1", user_id).execute(&mut *conn).await?;
    sqlx::query!(
        "INSERT INTO agent_languages (user_id, language, proficiency)
         SELECT $1, l, p FROM UNNEST($2::text[], $3::int2[]) AS x (l, p)",
        user_id,
        &languages,
        &proficiency,
    )
    .execute(&mut *conn)
    .await?;
    let weekdays: Vec<i16> = p.preferences.shifts.iter().map(|s| i16::from(s.weekday)).collect();
    let starts: Vec<i16> = p.preferences.shifts.iter().map(|s| i16::try_from(s.start_minute).unwrap_or(0)).collect();
    let ends: Vec<i16> = p.preferences.shifts.iter().map(|s| i16::try_from(s.end_minute).unwrap_or(0)).collect();
    sqlx::query!("DELETE FROM agent_shifts WHERE user_id = $1", user_id).execute(&mut *conn).await?;
    sqlx::query!(
        "INSERT INTO agent_shifts (user_id, weekday, start_minute, end_minute)
         SELECT $1, w, s, e FROM UNNEST($2::int2[], $3::int2[], $4::int2[]) AS x (w, s, e)",
        user_id,
        &weekdays,
        &starts,
        &ends,
    )
    .execute(&mut *conn)
    .await?;
    let days: Vec<Date> = p.preferences.days_off.iter().map(|d| d.day).collect();
    let reasons: Vec<String> = p.preferences.days_off.iter().map(|d| d.reason.trim().to_string()).collect();
    sqlx::query!("DELETE FROM agent_days_off WHERE user_id = $1", user_id).execute(&mut *conn).await?;
    sqlx::query!(
        "INSERT INTO agent_days_off (user_id, day, reason) SELECT $1, d, r FROM UNNEST($2::date[], $3::text[]) AS x (d, r)",
        user_id,
        &days,
        &reasons,
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Wilaya codes among `codes` that do not exist.
pub async fn unknown_wilayas(conn: &mut PgConnection, codes: &[i16]) -> Result<Vec<i16>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT c AS "c!" FROM UNNEST($1::int2[]) AS c WHERE NOT EXISTS (SELECT 1 FROM wilayas w WHERE w.code = c)"#,
        codes
    )
    .fetch_all(conn)
    .await
}

/// Per agent over [from, to) (`only`: one agent): assignments, attempts and outcomes, response
/// times, time on attempts and time available (`now` closes presence periods still open), counted
/// from the orders and attempts: the definition the tallies keep, read for one agent (from their
/// own indexes) and for a period that is not whole days.
pub async fn performance(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
    only: Option<i64>,
) -> Result<Vec<AgentPerformance>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Figures,
        r#"SELECT u.id AS "id!", u.name AS "name!",
                  (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id
                     AND o.assigned_at >= $1 AND o.assigned_at < $2) AS "orders_assigned!",
                  s.attempts AS "attempts!", s.confirmations AS "confirmations!", s.finals AS "finals!",
                  s.avg_ms AS "avg_ms?", s.total_ms AS "total_ms!",
                  r.from_creation AS "from_creation?", r.from_assignment AS "from_assignment?",
                  av.secs AS "available_secs!"
           FROM users u
           CROSS JOIN LATERAL (
               SELECT count(*) AS attempts,
                      count(*) FILTER (WHERE st.counts_as_confirmed) AS confirmations,
                      count(*) FILTER (WHERE st.is_final) AS finals,
                      avg(a.duration_ms)::float8 AS avg_ms,
                      coalesce(sum(a.duration_ms), 0)::int8 AS total_ms
               FROM confirmation_attempts a JOIN confirmation_statuses st ON st.code = a.status_after
               WHERE a.agent_id = u.id AND a.created_at >= $1 AND a.created_at < $2) s
           CROSS JOIN LATERAL (
               SELECT avg(extract(epoch FROM o.first_attempt_at - o.created_at))::float8 AS from_creation,
                      (avg(extract(epoch FROM o.first_attempt_at - o.first_assigned_at))
                           FILTER (WHERE o.first_assigned_at <= o.first_attempt_at))::float8 AS from_assignment
               FROM orders o
               WHERE o.first_agent_id = u.id AND o.first_attempt_at >= $1 AND o.first_attempt_at < $2) r
           CROSS JOIN LATERAL (
               SELECT coalesce(sum(extract(epoch FROM least(coalesce(pp.ended_at, $3), $2) - greatest(pp.started_at, $1))), 0)::int8 AS secs
               FROM presence_periods pp
               WHERE pp.user_id = u.id AND pp.state = 'available' AND pp.started_at < $2
                 AND coalesce(pp.ended_at, $3) > $1) av
           WHERE u.role = 'agent' AND ($4::int8 IS NULL OR u.id = $4)
             AND (u.active OR s.attempts > 0)
           ORDER BY u.id"#,
        from,
        to,
        now,
        only,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Figures::performance).collect())
}

/// Every agent's figures over the Algiers days [from, to], read from the tallies (the same
/// figures as [`performance`] over those days, a few rows per agent and day); only the time
/// available is counted from the presence periods, up to `now`.
pub async fn tallied_performance(
    conn: &mut PgConnection,
    from: Date,
    to: Date,
    now: OffsetDateTime,
) -> Result<Vec<AgentPerformance>, sqlx::Error> {
    let (start, end) = (midnight(from), midnight(to) + time::Duration::days(1));
    let rows = sqlx::query_as!(
        Figures,
        r#"WITH t AS (
               SELECT t.agent,
                      coalesce(sum(t.n) FILTER (WHERE t.metric = 'assigned'), 0)::int8 AS assigned,
                      coalesce(sum(t.n) FILTER (WHERE t.metric = 'attempts'), 0)::int8 AS attempts,
                      coalesce(sum(t.n) FILTER (WHERE t.metric = 'attempts' AND st.counts_as_confirmed), 0)::int8
                          AS confirmations,
                      coalesce(sum(t.n) FILTER (WHERE t.metric = 'attempts' AND st.is_final), 0)::int8 AS finals,
                      coalesce(sum(t.total) FILTER (WHERE t.metric = 'attempts'), 0)::int8 AS total_ms,
                      sum(t.n) FILTER (WHERE t.metric = 'first') AS first_n,
                      sum(t.total) FILTER (WHERE t.metric = 'first') AS first_us,
                      sum(t.n) FILTER (WHERE t.metric = 'first_assigned') AS assigned_n,
                      sum(t.total) FILTER (WHERE t.metric = 'first_assigned') AS assigned_us
               FROM dashboard_tallies t
               LEFT JOIN confirmation_statuses st ON t.metric = 'attempts' AND st.code = t.key
               WHERE t.day BETWEEN $1 AND $2 AND t.agent <> 0
               GROUP BY t.agent
           )
           SELECT u.id AS "id!", u.name AS "name!", coalesce(t.assigned, 0) AS "orders_assigned!",
                  coalesce(t.attempts, 0) AS "attempts!", coalesce(t.confirmations, 0) AS "confirmations!",
                  coalesce(t.finals, 0) AS "finals!",
                  (t.total_ms::float8 / nullif(t.attempts, 0)) AS "avg_ms?", coalesce(t.total_ms, 0) AS "total_ms!",
                  (t.first_us::float8 / 1000000 / nullif(t.first_n, 0)) AS "from_creation?",
                  (t.assigned_us::float8 / 1000000 / nullif(t.assigned_n, 0)) AS "from_assignment?",
                  av.secs AS "available_secs!"
           FROM users u
           LEFT JOIN t ON t.agent = u.id
           CROSS JOIN LATERAL (
               SELECT coalesce(sum(extract(epoch FROM least(coalesce(pp.ended_at, $5), $4) - greatest(pp.started_at, $3))), 0)::int8 AS secs
               FROM presence_periods pp
               WHERE pp.user_id = u.id AND pp.state = 'available' AND pp.started_at < $4
                 AND coalesce(pp.ended_at, $5) > $3) av
           WHERE u.role = 'agent' AND (u.active OR coalesce(t.attempts, 0) > 0)
           ORDER BY u.id"#,
        from,
        to,
        start,
        end,
        now,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Figures::performance).collect())
}

/// One agent's counts as both queries above read them.
struct Figures {
    id: i64,
    name: String,
    orders_assigned: i64,
    attempts: i64,
    confirmations: i64,
    finals: i64,
    avg_ms: Option<f64>,
    total_ms: i64,
    from_creation: Option<f64>,
    from_assignment: Option<f64>,
    available_secs: i64,
}

impl Figures {
    fn performance(self) -> AgentPerformance {
        let available = self.available_secs.max(0);
        AgentPerformance {
            agent_id: self.id,
            name: self.name,
            rank: 0,
            orders_assigned: self.orders_assigned,
            attempts: self.attempts,
            confirmations: self.confirmations,
            final_outcomes: self.finals,
            success_rate: (self.finals > 0).then(|| self.confirmations as f64 / self.finals as f64),
            avg_response_from_creation: self.from_creation,
            avg_response_from_assignment: self.from_assignment,
            avg_attempt_duration: self.avg_ms.map(|ms| ms / 1000.0),
            available_seconds: available,
            utilisation: (available > 0).then(|| (self.total_ms as f64 / 1000.0 / available as f64).min(1.0)),
        }
    }
}

/// The attempts behind an agent's figures over [from, to), newest first (the rankings drill-down).
pub async fn agent_attempts(
    conn: &mut PgConnection,
    agent_id: i64,
    from: OffsetDateTime,
    to: OffsetDateTime,
    limit: i64,
) -> Result<Vec<AgentAttempt>, sqlx::Error> {
    sqlx::query_as!(
        AgentAttempt,
        r#"SELECT a.id AS "id!", a.order_id AS "order_id!", (SELECT o.number FROM orders o WHERE o.id = a.order_id) AS "order_number!",
                  a.status_after AS "status_after!", a.method AS "method!", a.duration_ms AS "duration_ms!",
                  NOT EXISTS (SELECT 1 FROM confirmation_attempts b WHERE b.order_id = a.order_id AND b.created_at < a.created_at)
                      AS "first_of_order!",
                  a.created_at AS "created_at!"
           FROM confirmation_attempts a
           WHERE a.agent_id = $1 AND a.created_at >= $2 AND a.created_at < $3
           ORDER BY a.created_at DESC, a.id DESC
           LIMIT $4"#,
        agent_id,
        from,
        to,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// True for a user with an agent profile (any agent, active or not).
pub async fn is_agent(conn: &mut PgConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM agent_profiles WHERE user_id = $1) AS "e!""#, user_id)
        .fetch_one(conn)
        .await
}
