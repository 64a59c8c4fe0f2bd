//! The dashboard's front door: supervisors and admins see the whole shop, an agent their own
//! figures only (their orders, their attempts; no rankings, duplicates, classes or costs).
use std::collections::BTreeMap;

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Date, Duration, OffsetDateTime};

use super::domain::{self, Day, Range};
use super::{
    Bucket, Confirmation, Dashboard, DashboardSettings, DrillDown, DrillList, ReasonCount, Satisfaction, Utilisation,
};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::error::AppError;
use crate::jobs::domain::Schedule;
use crate::jobs::service::JobSpec;
use crate::locale::algiers::local_date;

/// What a caller asks for: Algiers dates and the bucket size, as typed (the domain parses them).
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub from: Option<String>,
    pub to: Option<String>,
    pub period: Option<String>,
}

impl Query {
    fn range(&self, now: OffsetDateTime) -> Result<Range, AppError> {
        Range::parse(self.from.as_deref(), self.to.as_deref(), self.period.as_deref(), local_date(now))
    }
}

/// The agent the figures are limited to: None for supervisors, admins and a `reports:read`
/// token (the shop's figures).
fn scope(user: &CurrentUser) -> Option<i64> {
    (!user.has_role(Role::Supervisor) && !user.has_scope(Scope::ReportsRead)).then_some(user.id)
}

/// Every widget's figures for the range, as of `now`.
pub async fn dashboard(
    pool: &PgPool,
    user: &CurrentUser,
    query: &Query,
    now: OffsetDateTime,
) -> Result<Dashboard, AppError> {
    user.require_scope(Scope::ReportsRead, Role::Agent)?;
    let agent = scope(user);
    let range = query.range(now)?;
    let (start, end) = range.bounds();
    let previous = range.previous();
    let hours = crate::agents::service::business_hours(pool.clone()).await?;
    let mut conn = pool.acquire().await?;
    let settings = super::db::get_settings(&mut conn).await?;
    let deadline = Duration::minutes(i64::from(settings.speed_to_call_minutes));

    let mut pending = pending(&mut conn, agent, now).await?;
    // orders older than the cut-off are past the deadline whatever the hours; the younger ones
    // are checked in business time
    let cutoff = domain::surely_past(now, deadline, &hours);
    let (old, old_in_range) = super::db::count_uncalled(&mut conn, agent, cutoff, start, end).await?;
    let late: Vec<OffsetDateTime> = super::db::list_uncalled(&mut conn, agent, cutoff, now - deadline)
        .await?
        .into_iter()
        .filter(|created| domain::past_deadline(*created, now, deadline, &hours))
        .collect();
    pending.past_deadline = old + count(late.len());
    let uncalled_due = old_in_range + count(late.iter().filter(|c| **c >= start && **c < end).count());

    let days = days(&mut conn, agent, previous.from, range.to).await?;
    let labels = super::db::list_status_labels(&mut conn, user.locale).await?;
    let confirmation = confirmation(&range, &days, &labels);
    let in_range: Vec<&Day> = days.range(range.from..=range.to).map(|(_, d)| d).collect();
    let response = domain::response_of(&in_range, settings.speed_to_call_minutes, uncalled_due);

    let answers = super::db::count_answers(&mut conn, agent, start, end).await?;
    let (delivered, back) = super::db::count_deliveries(&mut conn, agent, start, end).await?;
    let satisfaction = Satisfaction {
        confirmed: confirmation.current.confirmed,
        delivered: Some(delivered),
        returned_or_refused: Some(back),
        customer_answers: answers.all,
        customer_confirmed: answers.confirmed,
        customer_cancelled: answers.cancelled,
        refusal_flags: if agent.is_none() { super::db::count_refusal_flags(&mut conn, start, end).await? } else { 0 },
        delivered_rate: domain::rate(delivered, delivered + back),
        answer_confirmation_rate: domain::rate(answers.confirmed, answers.all),
    };
    let loads = if agent.is_none() { super::db::list_available_loads(&mut conn).await? } else { Vec::new() };
    drop(conn);

    let mut dashboard = Dashboard {
        agent_id: agent,
        range: Some(range.dto()),
        generated_at: Some(now),
        pending,
        confirmation,
        response,
        satisfaction,
        ..Dashboard::default()
    };
    if agent.is_some() {
        let own = crate::agents::service::own_performance(pool, user, start, end).await?;
        dashboard.utilisation = utilisation(own.as_slice(), &[]);
        return Ok(dashboard);
    }
    let slow = slow_figures(pool, user, start, end).await?;
    dashboard.utilisation = utilisation(&slow.ranked, &loads);
    dashboard.rankings = Some(domain::rankings(&slow.ranked, i64::from(settings.ranking_min_volume)));
    let a = &slow.accuracy;
    dashboard.duplicates = Some(domain::duplicates(
        slow.flagged,
        a.open,
        a.confirmed_duplicates,
        a.not_duplicates,
        a.same_customer,
        a.missed,
    ));
    dashboard.messaging = Some(slow.messaging.clone());
    dashboard.classes = Some(slow.classes.clone());
    Ok(dashboard)
}

/// The shop-wide figures that move slowly and cost most (every agent's performance over the
/// range, duplicate accuracy over all decisions, costs, the class distribution): computed at most
/// once per [`SLOW_TTL`] per range on each instance, then shared by every supervisor's refresh.
/// The pending counts, today's outcomes and the response times are never cached.
struct Slow {
    ranked: Vec<crate::agents::AgentPerformance>,
    accuracy: crate::duplicates::Accuracy,
    flagged: i64,
    messaging: super::MessagingCost,
    classes: Vec<super::ClassCount>,
}

/// How long the slow figures are reused.
pub const SLOW_TTL: std::time::Duration = std::time::Duration::from_secs(30);

type SlowKey = (String, OffsetDateTime, OffsetDateTime);
type SlowCache = std::sync::Mutex<std::collections::HashMap<SlowKey, (std::time::Instant, std::sync::Arc<Slow>)>>;

fn slow_cache() -> &'static SlowCache {
    static CACHE: std::sync::OnceLock<SlowCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

async fn slow_figures(
    pool: &PgPool,
    user: &CurrentUser,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<std::sync::Arc<Slow>, AppError> {
    // the database is part of the key: one process may serve several (the tests do)
    let key = (pool.connect_options().get_database().unwrap_or_default().to_string(), start, end);
    if let Ok(cache) = slow_cache().lock() {
        if let Some((at, slow)) = cache.get(&key) {
            if at.elapsed() < SLOW_TTL {
                return Ok(slow.clone());
            }
        }
    }
    let ranked = crate::agents::service::performance(pool, user, start, end).await?;
    let accuracy = crate::duplicates::service::accuracy(pool, user).await?;
    let mut conn = pool.acquire().await?;
    let review = i16::from(crate::duplicates::service::review_threshold());
    let flagged = super::db::count_flagged(&mut conn, start, end, review).await?;
    let messaging = super::db::count_messages(&mut conn, start, end).await?;
    drop(conn);
    let classes = crate::customers::service::class_distribution(pool, user)
        .await?
        .into_iter()
        .map(|(class, customers)| super::ClassCount { class, customers })
        .collect();
    let slow = std::sync::Arc::new(Slow { ranked, accuracy, flagged, messaging, classes });
    if let Ok(mut cache) = slow_cache().lock() {
        cache.retain(|_, (at, _)| at.elapsed() < SLOW_TTL);
        cache.insert(key, (std::time::Instant::now(), slow.clone()));
    }
    Ok(slow)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The dates from `from` to `to`, both included.
fn dates(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        out.push(day);
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// Open orders by where they stand now: the shop's from the tallies the database keeps (the
/// callbacks due, which depend on the clock, counted from their index and taken out of the
/// others), an agent's own counted from their orders. `past_deadline` is left to the caller.
async fn pending(conn: &mut PgConnection, agent: Option<i64>, now: OffsetDateTime) -> Result<super::Pending, AppError> {
    if agent.is_some() {
        return Ok(super::db::count_pending(conn, agent, now).await?);
    }
    let open: BTreeMap<String, i64> = super::db::list_open_tallies(conn).await?.into_iter().collect();
    let (due_unassigned, due_not_started, due_in_progress) = super::db::count_due(conn, now).await?;
    let of = |state: &str| open.get(state).copied().unwrap_or(0);
    Ok(super::Pending {
        unassigned: of("unassigned") - due_unassigned,
        assigned_not_started: of("not_started") - due_not_started,
        in_progress: of("in_progress") - due_in_progress,
        callbacks_due: due_unassigned + due_not_started + due_in_progress,
        held_duplicates: of("held"),
        past_deadline: 0,
        open: open.values().sum(),
    })
}

/// The shop's pending counts counted from the orders and as the tallies give them (the tests
/// compare the two).
pub async fn recount_pending(pool: &PgPool, now: OffsetDateTime) -> Result<(super::Pending, super::Pending), AppError> {
    let mut conn = pool.acquire().await?;
    let counted = super::db::count_pending(&mut conn, None, now).await?;
    let tallied = pending(&mut conn, None, now).await?;
    Ok((counted, tallied))
}

/// Each day of [from, to]: the shop's from the tallies the database keeps, an agent's own
/// counted from their orders.
async fn days(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: Date,
    to: Date,
) -> Result<BTreeMap<Date, Day>, AppError> {
    match agent {
        None => Ok(domain::days_from_tallies(from, to, &super::db::list_tallies(conn, from, to).await?)),
        Some(_) => count_days(conn, agent, from, to).await,
    }
}

/// The shop's days [from, to] counted from the orders, as the tallies should hold them (the
/// tests compare the two).
pub async fn recount(pool: &PgPool, from: Date, to: Date) -> Result<BTreeMap<Date, Day>, AppError> {
    let mut conn = pool.acquire().await?;
    count_days(&mut conn, None, from, to).await
}

/// The shop's days [from, to] as the tallies hold them.
pub async fn tallied(pool: &PgPool, from: Date, to: Date) -> Result<BTreeMap<Date, Day>, AppError> {
    let mut conn = pool.acquire().await?;
    days(&mut conn, None, from, to).await
}

/// The days [from, to] counted from the orders (every day present, empty ones too).
async fn count_days(
    conn: &mut PgConnection,
    agent: Option<i64>,
    from: Date,
    to: Date,
) -> Result<BTreeMap<Date, Day>, AppError> {
    let (start, end) = (domain::midnight(from), domain::midnight(to) + Duration::days(1));
    let mut days: BTreeMap<Date, Day> = dates(from, to).into_iter().map(|d| (d, Day::live())).collect();
    for (day, n) in super::db::count_received_by_day(conn, agent, start, end).await? {
        if let Some(d) = days.get_mut(&day) {
            d.received = n;
        }
    }
    for (day, category, n) in super::db::count_closed_by_day(conn, agent, start, end).await? {
        if let Some(d) = days.get_mut(&day) {
            match category.as_str() {
                "confirmed" => d.confirmed = n,
                "failed" => d.failed = n,
                "abandoned" => d.abandoned = n,
                _ => {}
            }
        }
    }
    for (day, status, n) in super::db::count_failed_by_day(conn, agent, start, end).await? {
        if let Some(d) = days.get_mut(&day) {
            d.reasons.insert(status, n);
        }
    }
    for (created, first, business) in super::db::list_first_contacts(conn, agent, start, end).await? {
        if let Some(d) = days.get_mut(&local_date(created)) {
            d.add_wait((first - created).as_seconds_f64().max(0.0), business);
        }
    }
    Ok(days)
}

/// The fold, every [`FOLD_MINUTES`]: the slots of every day (today's too) folded into one row
/// per figure, so a day reads a few hundred rows whatever the number of connections that wrote
/// it. Returns how many folded rows it wrote.
pub async fn fold(pool: &PgPool, now: OffsetDateTime) -> Result<u64, AppError> {
    let mut tx = pool.begin().await?;
    let moved = super::db::fold_tallies(&mut tx, local_date(now)).await?;
    tx.commit().await?;
    Ok(moved)
}

/// How often the fold runs: each connection that wrote since adds its own rows until then.
pub const FOLD_MINUTES: u16 = 10;

pub fn jobs() -> Vec<JobSpec> {
    vec![JobSpec::new(
        "dashboard_fold",
        Schedule::Every { minutes: FOLD_MINUTES, business_hours_only: false },
        |pool, now| async move { Ok(json!({"folded": fold(&pool, now).await?})) },
    )]
}

/// Folds the days into the range's totals, the previous period's, the series and the reasons.
fn confirmation(range: &Range, days: &BTreeMap<Date, Day>, labels: &[(String, String, String)]) -> Confirmation {
    let between = |from: Date, to: Date| domain::sum_days(days.range(from..=to).map(|(_, d)| d));
    let previous = range.previous();
    let series = range
        .buckets()
        .into_iter()
        .map(|(day, _, to)| {
            let last = local_date(to - Duration::seconds(1));
            Bucket { start: domain::date_key(day), totals: between(day, last) }
        })
        .collect();
    let mut reasons: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, d) in days.range(range.from..=range.to) {
        for (status, n) in &d.reasons {
            *reasons.entry(status.as_str()).or_default() += n;
        }
    }
    let mut failed_by_reason: Vec<ReasonCount> = labels
        .iter()
        .filter_map(|(code, label, color)| {
            reasons.get(code.as_str()).filter(|n| **n > 0).map(|&count| ReasonCount {
                status: code.clone(),
                label: label.clone(),
                color: color.clone(),
                count,
            })
        })
        .collect();
    // most frequent first; the configured order among equals (the sort is stable)
    failed_by_reason.sort_by_key(|r| std::cmp::Reverse(r.count));
    Confirmation {
        current: between(range.from, range.to),
        previous: between(previous.from, previous.to),
        series,
        failed_by_reason,
    }
}

fn utilisation(rows: &[crate::agents::AgentPerformance], loads: &[i64]) -> Utilisation {
    let busy: f64 = rows.iter().map(|r| r.avg_attempt_duration.unwrap_or(0.0) * r.attempts as f64).sum();
    let available: i64 = rows.iter().map(|r| r.available_seconds).sum();
    Utilisation {
        busy_seconds: busy.round() as i64,
        available_seconds: available,
        utilisation: (available > 0).then(|| (busy / available as f64).min(1.0)),
        available_agents: i64::try_from(loads.len()).unwrap_or(i64::MAX),
        workload_gini: domain::gini(loads),
    }
}

/// The dashboard settings (supervisors read them).
pub async fn settings(pool: &PgPool, user: &CurrentUser) -> Result<DashboardSettings, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(super::db::get_settings(&mut conn).await?)
}

/// Changes the speed-to-call deadline and the rankings' minimum volume (admins), audited.
pub async fn save_settings(
    pool: &PgPool,
    user: &CurrentUser,
    input: &DashboardSettings,
) -> Result<DashboardSettings, AppError> {
    user.require(Role::Admin)?;
    domain::validate_settings(input)?;
    let mut tx = pool.begin().await?;
    let before = super::db::get_settings(&mut tx).await?;
    super::db::update_settings(&mut tx, input).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "dashboard.settings",
            entity: "dashboard_settings",
            entity_id: 1,
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(input).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(input.clone())
}

/// The most a drill-down lists (the CSV export too).
pub const DRILL_LIMIT: i64 = 5000;

/// The orders behind a number: the range's for received and outcomes, now's for the others.
pub async fn drill_down(
    pool: &PgPool,
    user: &CurrentUser,
    list: DrillList,
    query: &Query,
    status: Option<&str>,
    now: OffsetDateTime,
) -> Result<DrillDown, AppError> {
    // the orders behind a figure name customers: a person's door, not a reporting token's
    user.require(Role::Agent)?;
    let agent = (!user.has_role(Role::Supervisor)).then_some(user.id);
    let range = query.range(now)?;
    let (start, end) = range.bounds();
    let hours = crate::agents::service::business_hours(pool.clone()).await?;
    let mut conn = pool.acquire().await?;
    let settings = super::db::get_settings(&mut conn).await?;
    let deadline = Duration::minutes(i64::from(settings.speed_to_call_minutes));
    let status = status.map(str::trim).filter(|s| !s.is_empty());
    let mut orders = super::db::list_orders(
        &mut conn,
        list,
        agent,
        start,
        end,
        status,
        now,
        user.locale,
        DRILL_LIMIT,
        settings.speed_to_call_minutes,
    )
    .await?;
    if list == DrillList::PastDeadline {
        orders.retain(|o| domain::past_deadline(o.created_at, now, deadline, &hours));
    }
    Ok(DrillDown { total: i64::try_from(orders.len()).unwrap_or(i64::MAX), orders })
}

/// A drill-down list as CSV (see [`crate::export`]), times in Algiers.
pub fn drill_csv(list: &DrillDown) -> String {
    use crate::export::{algiers, inert};
    let header = [
        "number",
        "customer",
        "phone",
        "wilaya",
        "total_dzd",
        "status",
        "agent",
        "attempts",
        "created_at",
        "first_attempt_at",
        "closed_at",
    ];
    crate::export::csv(
        &header,
        list.orders.iter().map(|o| {
            vec![
                o.number.clone(),
                inert(&o.customer_name),
                o.phone.clone(),
                o.wilaya.to_string(),
                o.total_dzd.to_string(),
                inert(&o.status_label),
                inert(o.agent_name.as_deref().unwrap_or_default()),
                o.attempts.to_string(),
                algiers(o.created_at),
                o.first_attempt_at.map(algiers).unwrap_or_default(),
                o.closed_at.map(algiers).unwrap_or_default(),
            ]
        }),
    )
}
