//! The KPI definitions, pure: the range in Algiers days and its previous period, the series'
//! buckets, percentiles, business time between two instants, speed to call, the Gini coefficient
//! of the workload, rates, the duplicate detection rates and the rankings' cut. No I/O; `now` is
//! always an argument. The README's "Dashboard" section says the same in words.
use std::collections::BTreeMap;

use time::{Date, Duration, OffsetDateTime};

use super::{Duplicates, Period, RangeDto, Rankings, Totals};
use crate::agents::AgentPerformance;
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::BusinessHours;
pub use crate::locale::algiers::midnight;
use crate::locale::algiers::{local_date, local_weekday_minute};

/// The longest range the dashboard answers (a year and a day).
pub const MAX_DAYS: i64 = 366;
/// How many agents the rankings show at the top and at the bottom.
pub const RANKED: usize = 5;

/// Algiers dates `from..=to` and the bucket size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
    pub period: Period,
}

fn parse_date(raw: &str, field: &'static str) -> Result<Date, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw.trim(), &format).map_err(|_| AppError::field(ErrorCode::PeriodInvalid, field))
}

fn blank(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

impl Range {
    /// `from`/`to` as `YYYY-MM-DD` (Algiers; both default to `today`, a lone `to` is one day),
    /// `period` day, week or month (default day). A bad date, `to` before `from` or more than
    /// [`MAX_DAYS`] days answer `period_invalid` naming the field.
    pub fn parse(from: Option<&str>, to: Option<&str>, period: Option<&str>, today: Date) -> Result<Range, AppError> {
        let period = match blank(period) {
            Some(p) => Period::parse(p)?,
            None => Period::Day,
        };
        let to_date = blank(to).map(|t| parse_date(t, "to")).transpose()?;
        let from_date = blank(from).map(|f| parse_date(f, "from")).transpose()?;
        let (from, to) = match (from_date, to_date) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today.max(f)),
            (None, Some(t)) => (t, t),
            (None, None) => (today, today),
        };
        if to < from {
            return Err(AppError::field(ErrorCode::PeriodInvalid, "to"));
        }
        if (to - from).whole_days() + 1 > MAX_DAYS {
            return Err(AppError::field(ErrorCode::PeriodInvalid, "from"));
        }
        Ok(Range { from, to, period })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// [start, end) instants: Algiers midnight of `from` to Algiers midnight after `to`.
    pub fn bounds(&self) -> (OffsetDateTime, OffsetDateTime) {
        (midnight(self.from), midnight(self.to) + Duration::days(1))
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Range {
        let days = Duration::days(self.days());
        Range { from: self.from - days, to: self.to - days, period: self.period }
    }

    /// The series' buckets in order: each a start date (clipped to the range) and its instants.
    pub fn buckets(&self) -> Vec<(Date, OffsetDateTime, OffsetDateTime)> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let natural_end = match self.period {
                Period::Day => start.next_day(),
                // weeks run Saturday to Friday, as the Algerian calendar prints them
                Period::Week => {
                    let from_saturday = i64::from((start.weekday().number_days_from_monday() + 2) % 7);
                    Some(start + Duration::days(7 - from_saturday))
                }
                Period::Month => first_of_next_month(start),
            };
            let end = natural_end.map_or(self.to, |e| e.min(self.to.next_day().unwrap_or(self.to)));
            let end = if end <= start { self.to.next_day().unwrap_or(self.to) } else { end };
            out.push((start, midnight(start), midnight(end)));
            start = end;
            if out.len() > MAX_DAYS as usize {
                break;
            }
        }
        out
    }

    pub fn dto(&self) -> RangeDto {
        let previous = self.previous();
        RangeDto {
            from: date_text(self.from),
            to: date_text(self.to),
            period: self.period,
            previous_from: date_text(previous.from),
            previous_to: date_text(previous.to),
        }
    }
}

pub fn date_key(d: Date) -> String {
    date_text(d)
}

fn first_of_next_month(d: Date) -> Option<Date> {
    let (year, month) = if d.month() == time::Month::December {
        (d.year() + 1, time::Month::January)
    } else {
        (d.year(), d.month().next())
    };
    Date::from_calendar_date(year, month, 1).ok()
}

/// Validates the settings: the deadline within the business-minute histogram (1..=600), a
/// ranking volume of 1..=100 000; `limit_invalid` names the field.
pub fn validate_settings(s: &super::DashboardSettings) -> Result<(), AppError> {
    if !(1..=BUSINESS_MINUTES as i32).contains(&s.speed_to_call_minutes) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "speedToCallMinutes"));
    }
    if !(1..=100_000).contains(&s.ranking_min_volume) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "rankingMinVolume"));
    }
    Ok(())
}

/// `n / d`, None when `d` is 0.
pub fn rate(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Totals from the counts: closed = confirmed + failed + abandoned, rate = confirmed / closed.
pub fn totals(received: i64, confirmed: i64, failed: i64, abandoned: i64) -> Totals {
    let closed = confirmed + failed + abandoned;
    Totals { received, confirmed, failed, abandoned, closed, confirmation_rate: rate(confirmed, closed) }
}

/// The `q` quantile (0..=1) of sorted values, interpolated between the two nearest ranks (as
/// PostgreSQL's `percentile_cont`); None for no values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q.clamp(0.0, 1.0) * last as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let weight = position - low as f64;
    Some(sorted[low] + (sorted[high.min(last)] - sorted[low]) * weight)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Seconds of business hours in [from, to): the minutes of business days between the opening and
/// closing minute (Algiers time). An order placed at night and called at opening has waited 0.
pub fn business_seconds(from: OffsetDateTime, to: OffsetDateTime, hours: &BusinessHours) -> i64 {
    if to <= from {
        return 0;
    }
    let mut total = 0;
    let mut day = local_date(from);
    let last = local_date(to);
    while day <= last {
        let (weekday, _) = local_weekday_minute(midnight(day) + Duration::hours(12));
        if hours.days.contains(&weekday) {
            let open = midnight(day) + Duration::minutes(i64::from(hours.start_minute));
            let close = midnight(day) + Duration::minutes(i64::from(hours.end_minute));
            let (start, end) = (open.max(from), close.min(to));
            if end > start {
                total += (end - start).whole_seconds();
            }
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    total
}

/// The wall-clock response histogram's bucket edges, seconds: bucket `i` holds [edge i, edge
/// i + 1), the last everything from its edge on (a day's folded figures keep counts per bucket).
pub const WALL_EDGES: [f64; 35] = [
    0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 420.0, 600.0, 900.0, 1200.0, 1800.0, 2700.0,
    3600.0, 5400.0, 7200.0, 10800.0, 14400.0, 21600.0, 28800.0, 43200.0, 64800.0, 86400.0, 129600.0, 172800.0,
    259200.0, 345600.0, 518400.0, 604800.0, 1209600.0, 2592000.0,
];
/// The business-time histogram counts whole minutes: bucket 0 is no wait at all, bucket `m`
/// (1..=600) a wait in (m − 1, m] minutes, the last one longer. So "called within d minutes" is
/// exactly the sum of buckets 0..=d.
pub const BUSINESS_MINUTES: usize = 600;

pub fn wall_bucket(seconds: f64) -> usize {
    WALL_EDGES.iter().rposition(|&edge| seconds >= edge).unwrap_or(0)
}

pub fn business_bucket(seconds: i64) -> usize {
    if seconds <= 0 {
        return 0;
    }
    usize::try_from((seconds + 59) / 60).unwrap_or(usize::MAX).min(BUSINESS_MINUTES + 1)
}

/// The bounds in seconds of business bucket `i`.
fn business_bounds(i: usize) -> (f64, f64) {
    match i {
        0 => (0.0, 0.0),
        i if i > BUSINESS_MINUTES => (BUSINESS_MINUTES as f64 * 60.0, BUSINESS_MINUTES as f64 * 90.0),
        i => ((i - 1) as f64 * 60.0, i as f64 * 60.0),
    }
}

fn wall_bounds(i: usize) -> (f64, f64) {
    let low = WALL_EDGES[i.min(WALL_EDGES.len() - 1)];
    let high = WALL_EDGES.get(i + 1).copied().unwrap_or(low * 1.5);
    (low, high)
}

/// The `q` quantile of values kept only as bucket counts: the rank as `percentile` places it,
/// then linear within its bucket. Exact to the bucket's width.
fn histogram_percentile(counts: &[i64], bounds: impl Fn(usize) -> (f64, f64), q: f64) -> Option<f64> {
    let n: i64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    let rank = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let mut before = 0_i64;
    for (i, &count) in counts.iter().enumerate() {
        if count > 0 && rank < (before + count) as f64 {
            let (low, high) = bounds(i);
            let within = ((rank - before as f64 + 0.5) / count as f64).clamp(0.0, 1.0);
            return Some(low + (high - low) * within);
        }
        before += count;
    }
    let (_, high) = bounds(counts.len().saturating_sub(1));
    Some(high)
}

pub fn wall_percentile(counts: &[i64], q: f64) -> Option<f64> {
    histogram_percentile(counts, wall_bounds, q)
}

pub fn business_percentile(counts: &[i64], q: f64) -> Option<f64> {
    histogram_percentile(counts, business_bounds, q)
}

/// First contacts within `minutes` of business time, from the minute histogram.
pub fn within_minutes(counts: &[i64], minutes: i32) -> i64 {
    let last = usize::try_from(minutes.max(0)).unwrap_or(0).min(BUSINESS_MINUTES);
    counts.iter().take(last + 1).sum()
}

/// One Algiers day's figures: counted from the orders, or read from the tallies the database keeps.
/// Received and first contacts belong to the day an order was created, outcomes to the day it
/// closed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    pub received: i64,
    pub confirmed: i64,
    pub failed: i64,
    pub abandoned: i64,
    /// Failed orders by final status code.
    pub reasons: BTreeMap<String, i64>,
    pub first_contacts: i64,
    pub wall_sum: f64,
    pub wall_hist: Vec<i64>,
    pub business_hist: Vec<i64>,
    /// Each first contact's wait (wall seconds, business seconds) when counted live; None when
    /// folded (then percentiles come from the histograms).
    pub waits: Option<Vec<(f64, i64)>>,
}

impl Day {
    /// An empty day counted live.
    pub fn live() -> Day {
        Day {
            wall_hist: vec![0; WALL_EDGES.len()],
            business_hist: vec![0; BUSINESS_MINUTES + 2],
            waits: Some(Vec::new()),
            ..Day::default()
        }
    }

    pub fn add_wait(&mut self, wall: f64, business: i64) {
        self.first_contacts += 1;
        self.wall_sum += wall;
        if let Some(slot) = self.wall_hist.get_mut(wall_bucket(wall)) {
            *slot += 1;
        }
        if let Some(slot) = self.business_hist.get_mut(business_bucket(business)) {
            *slot += 1;
        }
        if let Some(waits) = self.waits.as_mut() {
            waits.push((wall, business));
        }
    }
}

/// One row of the tallies the database keeps per day (migration 15), its slots summed.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    pub day: Date,
    /// received | closed | wall | business
    pub metric: String,
    /// closed: the final status; wall, business: the bucket.
    pub key: String,
    /// closed: the status's category.
    pub category: Option<String>,
    pub n: i64,
    /// wall: the waits summed, microseconds.
    pub total: i64,
}

/// The days [from, to] from their tallies (every day present, empty ones too; percentiles then
/// come from the histograms).
pub fn days_from_tallies(from: Date, to: Date, tallies: &[Tally]) -> BTreeMap<Date, Day> {
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        days.insert(day, Day { waits: None, ..Day::live() });
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    for t in tallies {
        let Some(d) = days.get_mut(&t.day) else { continue };
        let bucket = t.key.parse::<usize>().ok();
        match t.metric.as_str() {
            "received" => d.received += t.n,
            "closed" => match t.category.as_deref() {
                Some("confirmed") => d.confirmed += t.n,
                Some("failed") => {
                    d.failed += t.n;
                    *d.reasons.entry(t.key.clone()).or_default() += t.n;
                }
                Some("abandoned") => d.abandoned += t.n,
                _ => {}
            },
            "wall" => {
                d.first_contacts += t.n;
                d.wall_sum += t.total as f64 / 1e6;
                if let Some(slot) = bucket.and_then(|b| d.wall_hist.get_mut(b)) {
                    *slot += t.n;
                }
            }
            "business" => {
                if let Some(slot) = bucket.and_then(|b| d.business_hist.get_mut(b)) {
                    *slot += t.n;
                }
            }
            _ => {}
        }
    }
    days
}

/// The totals of some days.
pub fn sum_days<'a>(days: impl IntoIterator<Item = &'a Day>) -> Totals {
    let (mut r, mut c, mut f, mut a) = (0, 0, 0, 0);
    for d in days {
        r += d.received;
        c += d.confirmed;
        f += d.failed;
        a += d.abandoned;
    }
    totals(r, c, f, a)
}

/// Response times over some days: exact when every day was counted live, from the histograms
/// otherwise. `uncalled_due`: orders of those days never called and past the deadline now.
pub fn response_of(days: &[&Day], deadline_minutes: i32, uncalled_due: i64) -> super::Response {
    let mut wall_hist = vec![0_i64; WALL_EDGES.len()];
    let mut business_hist = vec![0_i64; BUSINESS_MINUTES + 2];
    let (mut n, mut sum) = (0_i64, 0.0_f64);
    for d in days {
        n += d.first_contacts;
        sum += d.wall_sum;
        for (slot, v) in wall_hist.iter_mut().zip(&d.wall_hist) {
            *slot += v;
        }
        for (slot, v) in business_hist.iter_mut().zip(&d.business_hist) {
            *slot += v;
        }
    }
    let exact: Option<Vec<(f64, i64)>> = days.iter().try_fold(Vec::new(), |mut all, d| {
        d.waits.as_ref().map(|w| {
            all.extend_from_slice(w);
            all
        })
    });
    let within = within_minutes(&business_hist, deadline_minutes);
    let due = n + uncalled_due;
    let (median, p90, business_median, business_p90) = match exact {
        Some(waits) => {
            let mut wall: Vec<f64> = waits.iter().map(|w| w.0).collect();
            let mut business: Vec<f64> = waits.iter().map(|w| w.1 as f64).collect();
            wall.sort_by(f64::total_cmp);
            business.sort_by(f64::total_cmp);
            (percentile(&wall, 0.5), percentile(&wall, 0.9), percentile(&business, 0.5), percentile(&business, 0.9))
        }
        None => (
            wall_percentile(&wall_hist, 0.5),
            wall_percentile(&wall_hist, 0.9),
            business_percentile(&business_hist, 0.5),
            business_percentile(&business_hist, 0.9),
        ),
    };
    super::Response {
        first_contacts: n,
        median_seconds: median,
        p90_seconds: p90,
        mean_seconds: (n > 0).then(|| sum / n as f64),
        median_business_seconds: business_median,
        p90_business_seconds: business_p90,
        deadline_minutes,
        due,
        within_deadline: within,
        speed_to_call: rate(within, due),
    }
}

/// Whether an order created at `created` and never called is past the deadline at `now`.
pub fn past_deadline(created: OffsetDateTime, now: OffsetDateTime, deadline: Duration, hours: &BusinessHours) -> bool {
    business_seconds(created, now, hours) > deadline.whole_seconds()
}

/// An instant before which every order is past `deadline` of business time at `now` (so it is
/// counted without checking the hours one by one), within a minute of the latest such instant:
/// during business hours about `deadline` before now, at night or on the weekend back into the
/// last business day; `now − 400 days` when the week has no business hours. (Business time
/// before `now` only grows the further back one starts, so a binary search finds it.)
pub fn surely_past(now: OffsetDateTime, deadline: Duration, hours: &BusinessHours) -> OffsetDateTime {
    let past = |minutes: i64| business_seconds(now - Duration::minutes(minutes), now, hours) > deadline.whole_seconds();
    let (mut late, mut early) = (400 * 1440_i64, 0_i64);
    if !past(late) {
        return now - Duration::minutes(late);
    }
    // past(late) holds, past(early) does not: narrow to one minute
    while late - early > 1 {
        let mid = (late + early) / 2;
        if past(mid) {
            late = mid;
        } else {
            early = mid;
        }
    }
    now - Duration::minutes(late)
}

/// The Gini coefficient of a workload (0: all equal, towards 1: all on one); None for nobody.
/// All zero is an even spread (0).
pub fn gini(loads: &[i64]) -> Option<f64> {
    if loads.is_empty() {
        return None;
    }
    let mut sorted: Vec<i64> = loads.iter().map(|&l| l.max(0)).collect();
    sorted.sort_unstable();
    let sum: i64 = sorted.iter().sum();
    if sum == 0 {
        return Some(0.0);
    }
    let n = sorted.len() as f64;
    let weighted: f64 = sorted.iter().enumerate().map(|(i, &x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x as f64).sum();
    Some(weighted / (n * sum as f64))
}

/// The duplicate detection rates from the decision counts.
pub fn duplicates(
    flagged: i64,
    open: i64,
    confirmed: i64,
    not_duplicate: i64,
    same_customer: i64,
    missed: i64,
) -> Duplicates {
    let rejected = not_duplicate + same_customer;
    let decided = confirmed + rejected;
    Duplicates {
        flagged,
        open,
        decided,
        confirmed_duplicates: confirmed,
        rejected,
        missed,
        precision: rate(confirmed, decided),
        false_positive_rate: rate(rejected, decided),
        false_negative_rate: rate(missed, confirmed + missed),
    }
}

/// The top and bottom [`RANKED`] agents among those with at least `min_volume` final outcomes,
/// from rows already ranked best first. An agent is never both at the top and at the bottom.
pub fn rankings(ranked: &[AgentPerformance], min_volume: i64) -> Rankings {
    let eligible: Vec<&AgentPerformance> =
        ranked.iter().filter(|r| r.final_outcomes >= min_volume && r.success_rate.is_some()).collect();
    let top: Vec<AgentPerformance> = eligible.iter().take(RANKED).map(|r| (*r).clone()).collect();
    let rest = eligible.len().saturating_sub(top.len());
    let bottom: Vec<AgentPerformance> = eligible.iter().rev().take(RANKED.min(rest)).map(|r| (*r).clone()).collect();
    Rankings { min_volume, top, bottom, unranked: i64::try_from(ranked.len() - eligible.len()).unwrap_or(i64::MAX) }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn hours() -> BusinessHours {
        BusinessHours::default()
    }

    #[test]
    fn a_range_defaults_to_today_and_refuses_bad_dates_naming_the_field() {
        let today = date!(2026 - 12 - 03);
        let r = Range::parse(None, None, None, today).unwrap();
        assert_eq!((r.from, r.to, r.period), (today, today, Period::Day));
        let r = Range::parse(Some("2026-11-01"), None, Some("week"), today).unwrap();
        assert_eq!((r.from, r.to, r.period), (date!(2026 - 11 - 01), today, Period::Week));
        let field = |e: AppError| (e.code, e.field.unwrap_or_default());
        assert_eq!(
            field(Range::parse(Some("2026-13-01"), None, None, today).unwrap_err()),
            (ErrorCode::PeriodInvalid, "from".into())
        );
        assert_eq!(
            field(Range::parse(Some("2026-12-03"), Some("2026-12-01"), None, today).unwrap_err()),
            (ErrorCode::PeriodInvalid, "to".into())
        );
        assert_eq!(
            field(Range::parse(None, None, Some("year"), today).unwrap_err()),
            (ErrorCode::PeriodInvalid, "period".into())
        );
        assert_eq!(
            field(Range::parse(Some("2025-01-01"), Some("2026-12-01"), None, today).unwrap_err()),
            (ErrorCode::PeriodInvalid, "from".into())
        );
    }

    #[test]
    fn an_algiers_day_starts_at_23_00_utc_the_evening_before() {
        let r = Range::parse(Some("2026-12-03"), None, None, date!(2026 - 12 - 03)).unwrap();
        assert_eq!(r.bounds(), (datetime!(2026-12-02 23:00 UTC), datetime!(2026-12-03 23:00 UTC)));
        // an order at 23:30 UTC on the 2nd is on the 3rd in Algiers
        let (start, end) = r.bounds();
        let late = datetime!(2026-12-02 23:30 UTC);
        assert!(late >= start && late < end);
    }

    #[test]
    fn the_previous_period_has_the_same_length_just_before() {
        let r = Range::parse(Some("2026-11-24"), Some("2026-11-30"), None, date!(2026 - 12 - 03)).unwrap();
        let p = r.previous();
        assert_eq!((p.from, p.to), (date!(2026 - 11 - 17), date!(2026 - 11 - 23)));
        assert_eq!(r.dto().previous_to, "2026-11-23");
    }

    #[test]
    fn buckets_cover_the_range_once_by_day_week_or_month() {
        let today = date!(2026 - 12 - 03);
        let days = Range::parse(Some("2026-11-29"), Some("2026-12-02"), Some("day"), today).unwrap().buckets();
        assert_eq!(days.len(), 4);
        assert_eq!(days[0].0, date!(2026 - 11 - 29));
        assert_eq!(days[3].2, datetime!(2026-12-02 23:00 UTC));
        // 2026-11-25 is a Wednesday: the first week is clipped, then Saturday to Friday
        let weeks = Range::parse(Some("2026-11-25"), Some("2026-12-10"), Some("week"), today).unwrap().buckets();
        let starts: Vec<Date> = weeks.iter().map(|b| b.0).collect();
        assert_eq!(starts, vec![date!(2026 - 11 - 25), date!(2026 - 11 - 28), date!(2026 - 12 - 05)]);
        assert_eq!(weeks.last().unwrap().2, midnight(date!(2026 - 12 - 11)));
        let months = Range::parse(Some("2026-10-15"), Some("2026-12-31"), Some("month"), today).unwrap().buckets();
        let starts: Vec<Date> = months.iter().map(|b| b.0).collect();
        assert_eq!(starts, vec![date!(2026 - 10 - 15), date!(2026 - 11 - 01), date!(2026 - 12 - 01)]);
        for pair in months.windows(2) {
            assert_eq!(pair[0].2, pair[1].1, "buckets touch without a gap or overlap");
        }
    }

    #[test]
    fn settings_outside_their_bounds_name_the_field() {
        let ok = super::super::DashboardSettings { speed_to_call_minutes: 15, ranking_min_volume: 10 };
        assert!(validate_settings(&ok).is_ok());
        let late = super::super::DashboardSettings { speed_to_call_minutes: 601, ..ok.clone() };
        assert_eq!(validate_settings(&late).unwrap_err().field.as_deref(), Some("speedToCallMinutes"));
        let none = super::super::DashboardSettings { ranking_min_volume: 0, ..ok };
        assert_eq!(validate_settings(&none).unwrap_err().field.as_deref(), Some("rankingMinVolume"));
    }

    #[test]
    fn the_confirmation_rate_is_confirmed_over_closed_and_empty_periods_have_none() {
        let t = totals(10, 6, 3, 1);
        assert_eq!(t.closed, 10);
        assert_eq!(t.confirmation_rate, Some(0.6));
        assert_eq!(totals(4, 0, 0, 0).confirmation_rate, None);
    }

    #[test]
    fn percentiles_interpolate_like_postgres_and_are_none_without_values() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!((percentile(&hundred, 0.9).unwrap() - 90.1).abs() < 1e-9);
        assert_eq!(mean(&[60.0, 120.0]), Some(90.0));
    }

    #[test]
    fn business_time_skips_the_night_and_the_weekend() {
        // Wednesday 10:00 → 10:20 Algiers: 20 minutes
        assert_eq!(business_seconds(datetime!(2026-11-25 09:00 UTC), datetime!(2026-11-25 09:20 UTC), &hours()), 1200);
        // Wednesday 21:00 Algiers (closed) → Thursday 08:05: 5 minutes
        assert_eq!(business_seconds(datetime!(2026-11-25 20:00 UTC), datetime!(2026-11-26 07:05 UTC), &hours()), 300);
        // Thursday 19:50 → Sunday 08:10 Algiers: 10 minutes Thursday, the weekend, 10 minutes Sunday
        assert_eq!(business_seconds(datetime!(2026-11-26 18:50 UTC), datetime!(2026-11-29 07:10 UTC), &hours()), 1200);
        // a night crossing the Algiers midnight counts nothing
        assert_eq!(business_seconds(datetime!(2026-11-25 22:30 UTC), datetime!(2026-11-26 00:30 UTC), &hours()), 0);
        assert_eq!(business_seconds(datetime!(2026-11-25 10:00 UTC), datetime!(2026-11-25 09:00 UTC), &hours()), 0);
    }

    #[test]
    fn response_times_are_exact_from_live_days_and_bucketed_from_folded_ones() {
        let d = Duration::minutes(15);
        let now = datetime!(2026-11-25 12:00 UTC); // Wednesday 13:00 Algiers
                                                   // an uncalled order for an hour is past the deadline; for 5 minutes it is not yet
        assert!(past_deadline(datetime!(2026-11-25 11:00 UTC), now, d, &hours()));
        assert!(!past_deadline(datetime!(2026-11-25 11:55 UTC), now, d, &hours()));
        // placed Thursday night, Friday noon: the weekend has not started the clock
        assert!(!past_deadline(datetime!(2026-11-26 20:00 UTC), datetime!(2026-11-27 12:00 UTC), d, &hours()));
        let mut live = Day::live();
        // 10 minutes, 40 minutes, and a night order called 5 minutes after the opening
        live.add_wait(600.0, 600);
        live.add_wait(2400.0, 2400);
        live.add_wait(27300.0, 300);
        let r = response_of(&[&live], 15, 1);
        assert_eq!((r.first_contacts, r.due, r.within_deadline), (3, 4, 2));
        assert_eq!((r.median_seconds, r.median_business_seconds), (Some(2400.0), Some(600.0)));
        assert_eq!(r.speed_to_call, Some(0.5));
        let folded = Day { waits: None, ..live.clone() };
        let f = response_of(&[&folded], 15, 1);
        assert_eq!((f.first_contacts, f.due, f.within_deadline), (3, 4, 2), "counts are exact when folded");
        assert_eq!(wall_bucket(f.median_seconds.unwrap()), wall_bucket(2400.0));
        assert!((f.median_business_seconds.unwrap() - 600.0).abs() <= 60.0);
        assert_eq!(f.mean_seconds, r.mean_seconds);
        let empty = response_of(&[], 15, 0);
        assert_eq!((empty.median_seconds, empty.speed_to_call), (None, None));
    }

    #[test]
    fn orders_before_the_cut_off_are_past_the_deadline_whatever_the_hours() {
        // Wednesday 12:00 in Algiers, inside the hours: a minute more than the deadline back
        let noon = datetime!(2026-11-25 11:00 UTC);
        assert_eq!(surely_past(noon, Duration::minutes(15), &hours()), noon - Duration::minutes(16));
        for now in [datetime!(2026-11-29 07:05 UTC), datetime!(2026-11-27 12:00 UTC), datetime!(2026-11-25 12:00 UTC)] {
            for minutes in [15, 120, 1440] {
                let d = Duration::minutes(minutes);
                let cut = surely_past(now, d, &hours());
                assert!(past_deadline(cut - Duration::seconds(1), now, d, &hours()), "{now} {minutes}");
                assert!(past_deadline(cut, now, d, &hours()), "{now} {minutes}");
                // and as late as can be, to the minute: a minute later is not surely past
                assert!(!past_deadline(cut + Duration::minutes(1), now, d, &hours()), "{now} {minutes}");
                assert!(now - cut <= Duration::days(8));
            }
        }
    }

    #[test]
    fn the_gini_of_an_even_workload_is_zero_and_of_one_agent_holding_all_is_high() {
        assert_eq!(gini(&[]), None);
        assert_eq!(gini(&[0, 0, 0]), Some(0.0));
        assert_eq!(gini(&[5, 5, 5, 5]), Some(0.0));
        assert!((gini(&[0, 0, 0, 12]).unwrap() - 0.75).abs() < 1e-9);
        assert!((gini(&[1, 2, 3]).unwrap() - 2.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn detection_rates_come_from_the_decisions_and_the_misses() {
        let d = duplicates(12, 3, 8, 1, 1, 2);
        assert_eq!(d.decided, 10);
        assert_eq!(d.precision, Some(0.8));
        assert_eq!(d.false_positive_rate, Some(0.2));
        assert_eq!(d.false_negative_rate, Some(0.2));
        let none = duplicates(0, 0, 0, 0, 0, 0);
        assert_eq!((none.precision, none.false_negative_rate), (None, None));
    }

    #[test]
    fn tallies_make_every_day_of_the_range_with_outcomes_by_category_and_the_waits() {
        let t = |day, metric: &str, key: &str, category: Option<&str>, n, total| Tally {
            day,
            metric: metric.into(),
            key: key.into(),
            category: category.map(Into::into),
            n,
            total,
        };
        let tallies = [
            t(date!(2026 - 11 - 25), "received", "", None, 4, 0),
            t(date!(2026 - 11 - 25), "closed", "confirmed", Some("confirmed"), 2, 0),
            t(date!(2026 - 11 - 25), "closed", "cancelled", Some("failed"), 1, 0),
            t(date!(2026 - 11 - 25), "closed", "wrong_number", Some("failed"), 2, 0),
            t(date!(2026 - 11 - 25), "closed", "abandoned", Some("abandoned"), 1, 0),
            t(date!(2026 - 11 - 25), "wall", "12", None, 2, 1_500_000_000),
            t(date!(2026 - 11 - 25), "business", "10", None, 2, 0),
            // outside the range: ignored
            t(date!(2026 - 11 - 28), "received", "", None, 9, 0),
        ];
        let days = days_from_tallies(date!(2026 - 11 - 24), date!(2026 - 11 - 26), &tallies);
        assert_eq!(days.len(), 3, "the empty days too");
        assert_eq!(days[&date!(2026 - 11 - 24)].received, 0);
        let d = &days[&date!(2026 - 11 - 25)];
        assert_eq!((d.received, d.confirmed, d.failed, d.abandoned), (4, 2, 3, 1));
        assert_eq!(d.reasons.get("wrong_number"), Some(&2));
        assert_eq!((d.first_contacts, d.wall_sum, d.wall_hist[12], d.business_hist[10]), (2, 1500.0, 2, 2));
        assert_eq!(d.waits, None, "percentiles from the histograms");
    }

    #[test]
    fn histograms_keep_the_deadline_exact_and_the_percentiles_within_a_bucket() {
        let waits = [0_i64, 59, 60, 61, 600, 900, 901];
        let mut business = vec![0_i64; BUSINESS_MINUTES + 2];
        let mut wall = vec![0_i64; WALL_EDGES.len()];
        for w in waits {
            business[business_bucket(w)] += 1;
            wall[wall_bucket(w as f64)] += 1;
        }
        // within 15 minutes: 0, 59, 60, 61, 600, 900 (901 is late)
        assert_eq!(within_minutes(&business, 15), 6);
        assert_eq!(within_minutes(&business, 0), 1);
        let exact: Vec<f64> = waits.iter().map(|&w| w as f64).collect();
        let median = percentile(&exact, 0.5).unwrap();
        let folded = wall_percentile(&wall, 0.5).unwrap();
        assert_eq!(wall_bucket(folded), wall_bucket(median), "{folded} lies in the bucket of {median}");
        assert!((business_percentile(&business, 0.5).unwrap() - median).abs() <= 60.0);
        assert_eq!(wall_percentile(&vec![0; WALL_EDGES.len()], 0.5), None);
        assert_eq!(business_bucket(100_000), BUSINESS_MINUTES + 1);
    }

    fn agent(id: i64, finals: i64, success: Option<f64>) -> AgentPerformance {
        AgentPerformance {
            agent_id: id,
            name: format!("agent {id}"),
            rank: id,
            orders_assigned: 0,
            attempts: finals,
            confirmations: 0,
            final_outcomes: finals,
            success_rate: success,
            avg_response_from_creation: None,
            avg_response_from_assignment: None,
            avg_attempt_duration: None,
            available_seconds: 0,
            utilisation: None,
        }
    }

    #[test]
    fn rankings_leave_out_agents_with_too_few_outcomes_and_never_show_one_twice() {
        let rows = [agent(1, 30, Some(0.9)), agent(2, 3, Some(1.0)), agent(3, 25, Some(0.5)), agent(4, 0, None)];
        let r = rankings(&rows, 10);
        assert_eq!(r.top.iter().map(|a| a.agent_id).collect::<Vec<_>>(), vec![1, 3]);
        assert!(r.bottom.is_empty(), "two ranked agents are both at the top");
        assert_eq!(r.unranked, 2);
        let many: Vec<AgentPerformance> = (1..=12).map(|i| agent(i, 20, Some(1.0 - i as f64 / 20.0))).collect();
        let r = rankings(&many, 10);
        assert_eq!(r.top.len(), 5);
        assert_eq!(r.bottom.iter().map(|a| a.agent_id).collect::<Vec<_>>(), vec![12, 11, 10, 9, 8]);
    }
}
