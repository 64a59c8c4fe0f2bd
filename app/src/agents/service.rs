//! Routing and agent workflows shared by the server functions, the REST API and the job runner:
//! an auto-assign run (read, decide with the `routing` crate, write, in one transaction under the
//! routing lock), presence changes and redistribution, profiles, performance. Every change writes
//! its audit entry in the same transaction.
use std::time::Instant;

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};

use super::db;
use super::domain::{self, local_date, local_day_start};
use super::{
    AgentAttempt, AgentPerformance, AgentProfile, AutoAssignReport, PerformanceSummary, Preferences, Presence,
    ProfileInput, ReturnCause, RoutedOrder, RoutingNote, RoutingSettings,
};
use crate::audit::db::{insert_audit, insert_audits, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::customers::classification::CustomerClass;
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::{BusinessHours, Schedule};
use crate::jobs::service::JobSpec;

/// The NOTIFY channel that wakes the job runners for an immediate auto-assign run.
pub const ROUTING_CHANNEL: &str = "ecocs_routing";
/// At most this many orders are routed per run (the rest wait for the next run).
pub const MAX_ORDERS_PER_RUN: i64 = 200_000;
/// At most this many decisions are listed in a report (the counts are complete).
const REPORT_LINES: usize = 500;

/// Asks for an auto-assign run as soon as this transaction commits (PostgreSQL delivers NOTIFY on
/// commit, to every app instance; the routing lock makes sure only one run happens at a time).
pub async fn kick_routing(conn: &mut PgConnection, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_notify($1, $2)", ROUTING_CHANNEL, why).execute(conn).await?;
    Ok(())
}

/// The agents' jobs: auto-assign every 15 minutes in business hours and at once on a routing
/// notification; the presence sweep every minute.
pub fn jobs() -> Vec<JobSpec> {
    vec![
        JobSpec::new(
            "auto_assign",
            Schedule::Every { minutes: 15, business_hours_only: true },
            |pool, now| async move {
                let report = auto_assign(&pool, None, now).await?;
                Ok(json!({"assigned": report.assigned, "unassigned": report.unassigned, "agents": report.agents,
                      "tookMs": report.took_ms}))
            },
        )
        .woken_by(ROUTING_CHANNEL),
        JobSpec::new(
            "presence_sweep",
            Schedule::Every { minutes: 1, business_hours_only: false },
            |pool, now| async move { Ok(serde_json::to_value(sweep_presence(&pool, now).await?).unwrap_or_default()) },
        ),
    ]
}

/// The business hours of the routing settings (the scheduler's `business_hours_only` schedules).
pub async fn business_hours(pool: PgPool) -> Result<BusinessHours, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(domain::business_hours(&db::get_settings(&mut conn).await?))
}

/// One routing run. `actor` is the supervisor who asked (None for the scheduler).
pub async fn auto_assign(pool: &PgPool, actor: Option<i64>, now: OffsetDateTime) -> Result<AutoAssignReport, AppError> {
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    db::lock_routing(&mut tx).await?;
    let settings = db::get_settings(&mut tx).await?;
    let orders = db::pool_orders(&mut tx, now, MAX_ORDERS_PER_RUN).await?;
    let agents = db::pool_agents(&mut tx, now, local_day_start(now)).await?;
    let ids: Vec<i64> = agents.iter().map(|a| a.id).collect();
    let schedules = db::schedules(&mut tx, &ids, local_date(now)).await?;

    let routing_agents: Vec<routing::AgentState> = agents
        .iter()
        .map(|a| routing::AgentState {
            id: a.id,
            available: a.presence == Presence::Available.as_str(),
            on_shift: schedules.on_shift_at(a.id, now),
            languages: schedules.languages.get(&a.id).map(|l| domain::skills(l)).unwrap_or_default(),
            wilayas: a.wilayas.iter().filter_map(|w| u16::try_from(*w).ok()).collect(),
            max_per_day: u32::try_from(a.max_orders_per_day).unwrap_or(0),
            assigned_today: u32::try_from(a.assigned_today).unwrap_or(u32::MAX),
            max_open: u32::try_from(a.max_open_orders).unwrap_or(0),
            open_now: u32::try_from(a.open_now).unwrap_or(u32::MAX),
            success_permille: permille(a.confirmed_30d, a.final_30d),
            last_assigned_at: a.last_assigned_at.map(OffsetDateTime::unix_timestamp),
        })
        .collect();
    let pending: Vec<routing::PendingOrder> = orders
        .iter()
        .map(|o| routing::PendingOrder {
            id: o.id,
            priority: u8::try_from(o.priority_order).unwrap_or(3),
            tier: CustomerClass::parse(&o.class).map_or(routing::Tier::Other, CustomerClass::tier),
            due_callback: o.due_callback,
            created_at: o.created_at.unix_timestamp(),
            waiting_since: o.waiting_since.unix_timestamp(),
            language: db::parse_language(&o.locale).unwrap_or(routing::Language::ArDz),
            wilaya: u16::try_from(o.wilaya).unwrap_or(0),
            reserved_for: None,
        })
        .collect();
    let policy = routing::Policy {
        drop_wilaya_after_minutes: settings.drop_wilaya_after_minutes.and_then(|m| u32::try_from(m).ok()),
        any_arabic_after_minutes: settings.any_arabic_after_minutes.and_then(|m| u32::try_from(m).ok()),
    };
    let read_ms = started.elapsed().as_millis();
    let decisions = routing::route(&pending, &routing_agents, &policy, now.unix_timestamp());
    let decide_ms = started.elapsed().as_millis() - read_ms;

    let (mut placed_ids, mut placed_agents, mut placed_notes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut waiting_ids, mut waiting_notes) = (Vec::new(), Vec::new());
    let mut lines = Vec::new();
    for decision in decisions {
        let note = RoutingNote::from(decision.outcome);
        let value = serde_json::to_value(&note).map_err(|_| AppError::new(ErrorCode::Internal))?;
        let agent_id = match &note {
            RoutingNote::Assigned { agent_id, .. } => {
                placed_ids.push(decision.order_id);
                placed_agents.push(*agent_id);
                placed_notes.push(value);
                Some(*agent_id)
            }
            _ => {
                waiting_ids.push(decision.order_id);
                waiting_notes.push(value);
                None
            }
        };
        if lines.len() < REPORT_LINES {
            lines.push(RoutedOrder {
                order_id: decision.order_id,
                number: String::new(),
                agent_id,
                agent_name: agent_id.and_then(|id| agents.iter().find(|a| a.id == id).map(|a| a.name.clone())),
                note,
            });
        }
    }
    let t = Instant::now();
    let placed = db::apply_assignments(&mut tx, actor, &placed_ids, &placed_agents, &placed_notes, now).await?;
    let t_apply = t.elapsed().as_millis();
    let renoted = db::note_unassigned(&mut tx, &waiting_ids, &waiting_notes, now).await?;
    let t_note = t.elapsed().as_millis();

    tx.commit().await?;
    tracing::debug!(
        read_ms,
        decide_ms,
        t_apply,
        t_note,
        renoted,
        commit = t.elapsed().as_millis(),
        "auto-assign phases"
    );

    let numbers: std::collections::HashMap<i64, &str> = orders.iter().map(|o| (o.id, o.number.as_str())).collect();
    for line in &mut lines {
        line.number = numbers.get(&line.order_id).map(|n| n.to_string()).unwrap_or_default();
    }
    Ok(AutoAssignReport {
        assigned: i64::try_from(placed.len()).unwrap_or(i64::MAX),
        unassigned: i64::try_from(waiting_ids.len()).unwrap_or(i64::MAX),
        agents: i64::try_from(agents.len()).unwrap_or(i64::MAX),
        orders: lines,
        took_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    })
}

/// Confirmed / final as 0..=1000.
fn permille(confirmed: i64, finals: i64) -> u16 {
    if finals <= 0 {
        return 500;
    }
    u16::try_from(confirmed.clamp(0, finals) * 1000 / finals).unwrap_or(1000)
}

/// Auto-assign asked by a supervisor (button or REST).
pub async fn auto_assign_by(pool: &PgPool, user: &CurrentUser) -> Result<AutoAssignReport, AppError> {
    user.require(Role::Supervisor)?;
    auto_assign(pool, Some(user.id), OffsetDateTime::now_utc()).await
}

/// Changes an agent's presence: the agent themself, or a supervisor for them. Going offline
/// sends the orders they have not started back to the pool; becoming available asks for a
/// routing run.
pub async fn set_presence(
    pool: &PgPool,
    user: &CurrentUser,
    agent_id: i64,
    state: Presence,
    reason: &str,
) -> Result<Vec<i64>, AppError> {
    if agent_id == user.id {
        user.require(Role::Agent)?;
    } else {
        user.require(Role::Supervisor)?;
    }
    let reason = reason.trim();
    if reason.chars().count() > 200 {
        return Err(AppError::field(ErrorCode::TextTooLong, "reason"));
    }
    let mut tx = pool.begin().await?;
    if !db::is_agent(&mut tx, agent_id).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let returned = change_presence(&mut tx, Some(user.id), agent_id, state, reason, OffsetDateTime::now_utc()).await?;
    tx.commit().await?;
    Ok(returned)
}

/// The presence change itself (also used by the inactivity sweep). Returns the orders sent back.
async fn change_presence(
    conn: &mut PgConnection,
    actor: Option<i64>,
    agent_id: i64,
    state: Presence,
    reason: &str,
    now: OffsetDateTime,
) -> Result<Vec<i64>, AppError> {
    let (before, before_reason) = db::lock_presence(conn, agent_id).await?;
    if before == state && before_reason == reason {
        return Ok(Vec::new());
    }
    db::set_presence(conn, agent_id, state, reason, now).await?;
    insert_audit(
        conn,
        AuditEntry {
            actor_id: actor,
            action: "agent.presence",
            entity: "user",
            entity_id: agent_id,
            before: Some(json!({"state": before.as_str(), "reason": before_reason})),
            after: Some(json!({"state": state.as_str(), "reason": reason})),
        },
    )
    .await?;
    let returned = match state {
        Presence::Offline => return_orders(conn, actor, agent_id, ReturnCause::WentOffline, now).await?,
        Presence::Available => Vec::new(),
        Presence::Paused => Vec::new(),
    };
    if state == Presence::Available || !returned.is_empty() {
        kick_routing(conn, "presence").await?;
    }
    Ok(returned)
}

/// An agent who stops being one (deactivated, or given another role) gives back every open order,
/// started or not, and their own callbacks become anyone's at the same time; they go offline.
/// Audited, in the caller's transaction. Returns the orders given back.
pub async fn release_agent(
    conn: &mut PgConnection,
    actor: Option<i64>,
    agent_id: i64,
    cause: ReturnCause,
    now: OffsetDateTime,
) -> Result<Vec<i64>, AppError> {
    if !db::is_agent(conn, agent_id).await? {
        return Ok(Vec::new());
    }
    let returned = return_orders(conn, actor, agent_id, cause, now).await?;
    change_presence(conn, actor, agent_id, Presence::Offline, cause.as_str(), now).await?;
    if !returned.is_empty() {
        kick_routing(conn, "redistribution").await?;
    }
    Ok(returned)
}

/// Sends an agent's orders back to the pool: those not started when they go offline or their
/// shift ends; every open one when they stop being an agent.
async fn return_orders(
    conn: &mut PgConnection,
    actor: Option<i64>,
    agent_id: i64,
    cause: ReturnCause,
    now: OffsetDateTime,
) -> Result<Vec<i64>, AppError> {
    let note = RoutingNote::Returned { cause };
    let all = matches!(cause, ReturnCause::Deactivated | ReturnCause::RoleChanged);
    let returned = db::return_orders(conn, agent_id, all, &note, now).await?;
    if !returned.is_empty() {
        insert_audits(
            conn,
            actor,
            "order.returned",
            "order",
            &returned,
            Some(json!({"fromAgentId": agent_id, "cause": cause.as_str()})),
        )
        .await?;
    }
    Ok(returned)
}

/// Notes that the agent is active (keeps them from being turned offline for inactivity).
pub async fn touch(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    db::touch_presence(&mut conn, user.id, OffsetDateTime::now_utc()).await?;
    Ok(())
}

/// How far back the presence sweep looks for a shift's end (it runs every minute; two minutes
/// of overlap tolerate a late run).
const SHIFT_END_LOOKBACK_SECONDS: i64 = 120;

/// What the presence sweep did.
#[derive(Debug, Default, serde::Serialize)]
pub struct SweepReport {
    pub turned_offline: Vec<i64>,
    pub shift_ended: Vec<i64>,
    pub orders_returned: usize,
}

/// The presence sweep: agents silent for longer than the inactivity limit go offline; agents
/// whose shift has just ended give back the orders they have not started. Both go back to the pool (and a routing
/// run is asked for).
pub async fn sweep_presence(pool: &PgPool, now: OffsetDateTime) -> Result<SweepReport, AppError> {
    let mut report = SweepReport::default();
    let mut tx = pool.begin().await?;
    let settings = db::get_settings(&mut tx).await?;
    for agent in db::inactive_agents(&mut tx, now, settings.inactivity_minutes).await? {
        let returned = change_presence(&mut tx, None, agent, Presence::Offline, "inactive", now).await?;
        report.orders_returned += returned.len();
        report.turned_offline.push(agent);
    }
    // A shift that has just ended (on shift a sweep ago, off now). Only the transition counts: an
    // order a supervisor hands to an agent outside their hours on purpose is left with them.
    let before = now - Duration::seconds(SHIFT_END_LOOKBACK_SECONDS);
    let holders = db::agents_with_unstarted(&mut tx).await?;
    let schedules = db::schedules(&mut tx, &holders, local_date(before)).await?;
    for agent in holders {
        if schedules.on_shift_at(agent, before) && !schedules.on_shift_at(agent, now) {
            let returned = return_orders(&mut tx, None, agent, ReturnCause::ShiftEnded, now).await?;
            if !returned.is_empty() {
                report.orders_returned += returned.len();
                report.shift_ended.push(agent);
            }
        }
    }
    if report.orders_returned > 0 {
        kick_routing(&mut tx, "redistribution").await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// Agents' profiles with their figures over the last 30 days (supervisors see all; an agent only
/// themself, with `only`).
pub async fn profiles(pool: &PgPool, user: &CurrentUser, only: Option<i64>) -> Result<Vec<AgentProfile>, AppError> {
    match only {
        Some(id) if id == user.id => user.require(Role::Agent)?,
        _ => user.require(Role::Supervisor)?,
    }
    let now = OffsetDateTime::now_utc();
    let mut conn = pool.acquire().await?;
    let rows = db::list_profiles(&mut conn, only, local_day_start(now)).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let mut schedules = db::schedules(&mut conn, &ids, local_date(now)).await?;
    // the last 30 Algiers days, as the rankings count them: every agent's from the tallies
    let (from, to) = domain::named_period("30d", now)?;
    let figures = match (only, domain::whole_days(from, to)) {
        (None, Some((first, last))) => db::tallied_performance(&mut conn, first, last, now).await?,
        _ => db::performance(&mut conn, from, to, now, only).await?,
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let shifts = schedules.shifts.remove(&r.user_id).unwrap_or_default();
            let days_off = schedules.days_off.remove(&r.user_id).unwrap_or_default();
            let on_shift_now = domain::on_shift_at(&shifts, &days_off, now);
            let performance = figures.iter().find(|f| f.agent_id == r.user_id).map(summary).unwrap_or_default();
            AgentProfile {
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                active: r.active,
                is_confirmation_agent: r.is_confirmation_agent,
                preferences: Preferences {
                    languages: schedules.languages.remove(&r.user_id).unwrap_or_default(),
                    wilayas: r.wilayas,
                    shifts,
                    days_off,
                    max_orders_per_day: r.max_orders_per_day,
                    max_open_orders: r.max_open_orders,
                },
                presence: Presence::parse(&r.presence).unwrap_or(Presence::Offline),
                presence_reason: r.presence_reason,
                presence_since: r.presence_since,
                on_shift_now,
                open_orders: r.open_orders,
                assigned_today: r.assigned_today,
                performance,
                version: r.version,
            }
        })
        .collect())
}

/// One agent's profile (the agent themself, or a supervisor).
pub async fn profile(pool: &PgPool, user: &CurrentUser, agent_id: i64) -> Result<AgentProfile, AppError> {
    profiles(pool, user, Some(agent_id)).await?.into_iter().next().ok_or(AppError::new(ErrorCode::NotFound))
}

/// The brief's `performance` block from an agent's figures.
fn summary(f: &AgentPerformance) -> PerformanceSummary {
    let success_rate = f.success_rate.unwrap_or(0.0);
    PerformanceSummary {
        total_confirmations: f.confirmations,
        success_rate,
        average_response_time: f.avg_response_from_assignment,
        rating: domain::rating(success_rate, f.avg_response_from_assignment),
    }
}

/// Replaces an agent's profile (supervisors, admins), then asks for a routing run.
pub async fn update_profile(
    pool: &PgPool,
    user: &CurrentUser,
    agent_id: i64,
    input: &ProfileInput,
) -> Result<AgentProfile, AppError> {
    user.require(Role::Supervisor)?;
    domain::validate_profile(input)?;
    // what the save replaces, for the audit (the version check below makes sure it is what the
    // supervisor saw, when they send the version they read)
    let before = match profile(pool, user, agent_id).await {
        Ok(current) => serde_json::to_value(&current).ok().map(|v| {
            json!({"isConfirmationAgent": v["isConfirmationAgent"], "preferences": v["preferences"], "version": v["version"]})
        }),
        Err(e) if e.code == ErrorCode::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut tx = pool.begin().await?;
    let wilayas = &input.preferences.wilayas;
    if let Some(code) = db::unknown_wilayas(&mut tx, wilayas).await?.first() {
        let i = wilayas.iter().position(|w| w == code).unwrap_or(0);
        return Err(AppError::field(ErrorCode::WilayaUnknown, &format!("preferences.provinces[{i}]")));
    }
    if !db::replace_profile(&mut tx, agent_id, input).await? {
        let code = if db::is_agent(&mut tx, agent_id).await? { ErrorCode::Conflict } else { ErrorCode::NotFound };
        return Err(AppError::new(code));
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "agent.profile",
            entity: "user",
            entity_id: agent_id,
            before,
            after: serde_json::to_value(input).ok(),
        },
    )
    .await?;
    kick_routing(&mut tx, "profile").await?;
    tx.commit().await?;
    profile(pool, user, agent_id).await
}

/// Rankings over [from, to): every agent's figures, ranked by success rate, then confirmations.
pub async fn performance(
    pool: &PgPool,
    user: &CurrentUser,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<AgentPerformance>, AppError> {
    user.require_scope(Scope::ReportsRead, Role::Supervisor)?;
    check_period(from, to)?;
    let mut conn = pool.acquire().await?;
    let now = OffsetDateTime::now_utc();
    // whole Algiers days (every named period, every dashboard range) from the tallies
    let mut rows = match domain::whole_days(from, to) {
        Some((first, last)) => db::tallied_performance(&mut conn, first, last, now).await?,
        None => db::performance(&mut conn, from, to, now, None).await?,
    };
    rank(&mut rows);
    Ok(rows)
}

/// Every agent's figures over the Algiers days [first, last], counted from the orders and
/// attempts and as the tallies hold them (the tests compare the two).
pub async fn recount_performance(
    pool: &PgPool,
    first: time::Date,
    last: time::Date,
) -> Result<(Vec<AgentPerformance>, Vec<AgentPerformance>), AppError> {
    let mut conn = pool.acquire().await?;
    let now = OffsetDateTime::now_utc();
    let (from, to) =
        (crate::locale::algiers::midnight(first), crate::locale::algiers::midnight(last) + Duration::days(1));
    let counted = db::performance(&mut conn, from, to, now, None).await?;
    let tallied = db::tallied_performance(&mut conn, first, last, now).await?;
    Ok((counted, tallied))
}

/// One's own figures over [from, to) (an agent's dashboard); None for a user who is no agent.
pub async fn own_performance(
    pool: &PgPool,
    user: &CurrentUser,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Option<AgentPerformance>, AppError> {
    check_period(from, to)?;
    let mut conn = pool.acquire().await?;
    Ok(db::performance(&mut conn, from, to, OffsetDateTime::now_utc(), Some(user.id)).await?.into_iter().next())
}

fn check_period(from: OffsetDateTime, to: OffsetDateTime) -> Result<(), AppError> {
    if from >= to || to - from > Duration::days(366) {
        return Err(AppError::field(ErrorCode::PeriodInvalid, "from"));
    }
    Ok(())
}

/// Orders rows best first and numbers them (equal figures share a rank).
pub fn rank(rows: &mut [AgentPerformance]) {
    let key = |r: &AgentPerformance| (r.success_rate.map(|s| (s * 1_000_000.0) as i64).unwrap_or(-1), r.confirmations);
    rows.sort_by(|a, b| key(b).cmp(&key(a)).then(a.agent_id.cmp(&b.agent_id)));
    let mut previous = None;
    let mut rank = 0;
    for (i, row) in rows.iter_mut().enumerate() {
        if previous != Some(key(row)) {
            rank = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            previous = Some(key(row));
        }
        row.rank = rank;
    }
}

/// An agent's attempts as CSV (see [`crate::export`]), times in Algiers.
pub fn attempts_csv(list: &[AgentAttempt]) -> String {
    let header = ["created_at", "order", "result", "method", "duration_seconds", "first_of_order"];
    crate::export::csv(
        &header,
        list.iter().map(|a| {
            vec![
                crate::export::algiers(a.created_at),
                a.order_number.clone(),
                a.status_after.clone(),
                a.method.clone(),
                (a.duration_ms / 1000).to_string(),
                a.first_of_order.to_string(),
            ]
        }),
    )
}

/// The attempts behind an agent's figures (drill-down; supervisors, or the agent themself).
pub async fn agent_attempts(
    pool: &PgPool,
    user: &CurrentUser,
    agent_id: i64,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<AgentAttempt>, AppError> {
    if agent_id == user.id {
        user.require(Role::Agent)?;
    } else {
        user.require_scope(Scope::ReportsRead, Role::Supervisor)?;
    }
    check_period(from, to)?;
    let mut conn = pool.acquire().await?;
    Ok(db::agent_attempts(&mut conn, agent_id, from, to, 500).await?)
}

pub async fn settings(pool: &PgPool, user: &CurrentUser) -> Result<RoutingSettings, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::get_settings(&mut conn).await?)
}

/// Changes the routing settings (admins).
pub async fn update_settings(
    pool: &PgPool,
    user: &CurrentUser,
    input: &RoutingSettings,
) -> Result<RoutingSettings, AppError> {
    user.require(Role::Admin)?;
    domain::validate_settings(input)?;
    let mut tx = pool.begin().await?;
    let before = db::get_settings(&mut tx).await?;
    if !db::update_settings(&mut tx, input).await? {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "routing.settings",
            entity: "routing_settings",
            entity_id: 1,
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(input).ok(),
        },
    )
    .await?;
    kick_routing(&mut tx, "settings").await?;
    let saved = db::get_settings(&mut tx).await?;
    tx.commit().await?;
    Ok(saved)
}
