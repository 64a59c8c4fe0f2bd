//! The dashboard's front door: supervisors and admins see the whole shop, an agent their own
//! figures only (their orders, their attempts; no rankings, duplicates, classes or costs).
use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime};

use super::domain::{self, Range};
use super::{Bucket, Confirmation, Dashboard, DrillDown, DrillList, Response, Satisfaction, Totals, Utilisation};
use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::jobs::domain::BusinessHours;
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

/// The agent the figures are limited to: None for supervisors and admins.
fn scope(user: &CurrentUser) -> Option<i64> {
    (!user.role.at_least(Role::Supervisor)).then_some(user.id)
}

/// Every widget's figures for the range, as of `now`.
pub async fn dashboard(
    pool: &PgPool,
    user: &CurrentUser,
    query: &Query,
    now: OffsetDateTime,
) -> Result<Dashboard, AppError> {
    let agent = scope(user);
    let range = query.range(now)?;
    let (start, end) = range.bounds();
    let previous = range.previous();
    let (previous_start, _) = previous.bounds();
    let hours = crate::agents::service::business_hours(pool.clone()).await?;
    let mut conn = pool.acquire().await?;
    let settings = super::db::get_settings(&mut conn).await?;
    let deadline = Duration::minutes(i64::from(settings.speed_to_call_minutes));

    let mut pending = super::db::count_pending(&mut conn, agent, now).await?;
    let uncalled = super::db::list_uncalled(&mut conn, agent, now - deadline).await?;
    pending.past_deadline = i64::try_from(
        uncalled.iter().filter(|(_, created)| domain::past_deadline(*created, now, deadline, &hours)).count(),
    )
    .unwrap_or(i64::MAX);

    let received = super::db::count_received_by_day(&mut conn, agent, previous_start, end).await?;
    let closed = super::db::count_closed_by_day(&mut conn, agent, previous_start, end).await?;
    let failed_by_reason = super::db::count_failed_by_status(&mut conn, agent, start, end, user.locale).await?;
    let confirmation = confirmation(&range, &received, &closed, failed_by_reason);

    let contacts = super::db::list_first_contacts(&mut conn, agent, start, end).await?;
    let response = response(&contacts, now, deadline, settings.speed_to_call_minutes, &hours);

    let answers = super::db::count_answers(&mut conn, agent, start, end).await?;
    let satisfaction = Satisfaction {
        confirmed: confirmation.current.confirmed,
        delivered: None,
        returned_or_refused: None,
        customer_answers: answers.all,
        customer_confirmed: answers.confirmed,
        customer_cancelled: answers.cancelled,
        refusal_flags: if agent.is_none() { super::db::count_refusal_flags(&mut conn, start, end).await? } else { 0 },
        delivered_rate: None,
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
    let ranked = crate::agents::service::performance(pool, user, start, end).await?;
    dashboard.utilisation = utilisation(&ranked, &loads);
    dashboard.rankings = Some(domain::rankings(&ranked, i64::from(settings.ranking_min_volume)));
    let accuracy = crate::duplicates::service::accuracy(pool, user).await?;
    let mut conn = pool.acquire().await?;
    let flagged =
        super::db::count_flagged(&mut conn, start, end, i16::from(crate::duplicates::service::review_threshold()))
            .await?;
    dashboard.duplicates = Some(domain::duplicates(
        flagged,
        accuracy.open,
        accuracy.confirmed_duplicates,
        accuracy.not_duplicates,
        accuracy.same_customer,
        accuracy.missed,
    ));
    dashboard.messaging = Some(super::db::count_messages(&mut conn, start, end).await?);
    drop(conn);
    let classes = crate::customers::service::class_distribution(pool, user).await?;
    dashboard.classes =
        Some(classes.into_iter().map(|(class, customers)| super::ClassCount { class, customers }).collect());
    Ok(dashboard)
}

/// Folds per-day counts into the range's totals, the previous period's and the series.
fn confirmation(
    range: &Range,
    received: &[(Date, i64)],
    closed: &[(Date, String, i64)],
    failed_by_reason: Vec<super::ReasonCount>,
) -> Confirmation {
    let totals_between = |from: Date, to: Date| -> Totals {
        let r = received.iter().filter(|(d, _)| *d >= from && *d < to).map(|(_, n)| n).sum();
        let of = |category: &str| -> i64 {
            closed.iter().filter(|(d, c, _)| *d >= from && *d < to && c == category).map(|(_, _, n)| n).sum()
        };
        domain::totals(r, of("confirmed"), of("failed"), of("abandoned"))
    };
    let after = |d: Date| d.next_day().unwrap_or(d);
    let previous = range.previous();
    let series = range
        .buckets()
        .into_iter()
        .map(|(day, from, to)| {
            let last = local_date(to - Duration::seconds(1));
            Bucket { start: domain::date_key(day), totals: totals_between(local_date(from), after(last)) }
        })
        .collect();
    Confirmation {
        current: totals_between(range.from, after(range.to)),
        previous: totals_between(previous.from, after(previous.to)),
        series,
        failed_by_reason,
    }
}

fn response(
    contacts: &[(OffsetDateTime, Option<OffsetDateTime>)],
    now: OffsetDateTime,
    deadline: Duration,
    deadline_minutes: i32,
    hours: &BusinessHours,
) -> Response {
    let mut wall: Vec<f64> = Vec::new();
    let mut business: Vec<f64> = Vec::new();
    for (created, first) in contacts {
        if let Some(first) = first {
            wall.push((*first - *created).as_seconds_f64().max(0.0));
            business.push(domain::business_seconds(*created, *first, hours) as f64);
        }
    }
    wall.sort_by(f64::total_cmp);
    business.sort_by(f64::total_cmp);
    let (due, within) = domain::speed_to_call(contacts, now, deadline, hours);
    Response {
        first_contacts: i64::try_from(wall.len()).unwrap_or(i64::MAX),
        median_seconds: domain::percentile(&wall, 0.5),
        p90_seconds: domain::percentile(&wall, 0.9),
        mean_seconds: domain::mean(&wall),
        median_business_seconds: domain::percentile(&business, 0.5),
        p90_business_seconds: domain::percentile(&business, 0.9),
        deadline_minutes,
        due,
        within_deadline: within,
        speed_to_call: domain::rate(within, due),
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
    let agent = scope(user);
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

/// Free text a spreadsheet must not run as a formula (a name typed `=HYPERLINK(…)` by a shop's
/// visitor): such a cell starts with an apostrophe.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A drill-down list as CSV: UTF-8 with a byte-order mark (so Excel opens Arabic names), one
/// header row, times in Algiers.
pub fn drill_csv(list: &DrillDown) -> String {
    let local = |t: OffsetDateTime| {
        let l = t.to_offset(crate::locale::algiers::ALGIERS);
        format!("{:04}-{:02}-{:02} {:02}:{:02}", l.year(), u8::from(l.month()), l.day(), l.hour(), l.minute())
    };
    let mut out = String::from("\u{FEFF}");
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = writer.write_record([
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
    ]);
    for o in &list.orders {
        let _ = writer.write_record([
            o.number.clone(),
            inert(&o.customer_name),
            o.phone.clone(),
            o.wilaya.to_string(),
            o.total_dzd.to_string(),
            inert(&o.status_label),
            inert(o.agent_name.as_deref().unwrap_or_default()),
            o.attempts.to_string(),
            local(o.created_at),
            o.first_attempt_at.map(local).unwrap_or_default(),
            o.closed_at.map(local).unwrap_or_default(),
        ]);
    }
    out.push_str(&String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()));
    out
}
