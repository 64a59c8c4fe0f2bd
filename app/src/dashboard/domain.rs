//! The KPI definitions, pure: the range in Algiers days and its previous period, the series'
//! buckets, percentiles, business time between two instants, speed to call, the Gini coefficient
//! of the workload, rates, the duplicate detection rates and the rankings' cut. No I/O; `now` is
//! always an argument. The README's "Dashboard" section says the same in words.
use time::{Date, Duration, OffsetDateTime, Time};

use super::{Duplicates, Period, RangeDto, Rankings, Totals};
use crate::agents::AgentPerformance;
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::BusinessHours;
use crate::locale::algiers::{local_date, local_weekday_minute, ALGIERS};

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

/// Algiers midnight starting `day`.
pub fn midnight(day: Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_offset(ALGIERS)
}

fn first_of_next_month(d: Date) -> Option<Date> {
    let (year, month) = if d.month() == time::Month::December {
        (d.year() + 1, time::Month::January)
    } else {
        (d.year(), d.month().next())
    };
    Date::from_calendar_date(year, month, 1).ok()
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

/// Speed to call over orders created in a period, each `(created_at, first attempt)`: an order
/// is due once it was called or its deadline (business time) has passed uncalled; it is within
/// when called at most `deadline` of business time after creation. Returns (due, within).
pub fn speed_to_call(
    orders: &[(OffsetDateTime, Option<OffsetDateTime>)],
    now: OffsetDateTime,
    deadline: Duration,
    hours: &BusinessHours,
) -> (i64, i64) {
    let limit = deadline.whole_seconds();
    let mut due = 0;
    let mut within = 0;
    for &(created, first) in orders {
        match first {
            Some(first) => {
                due += 1;
                if business_seconds(created, first, hours) <= limit {
                    within += 1;
                }
            }
            None if business_seconds(created, now, hours) > limit => due += 1,
            None => {}
        }
    }
    (due, within)
}

/// Whether an order created at `created` and never called is past the deadline at `now`.
pub fn past_deadline(created: OffsetDateTime, now: OffsetDateTime, deadline: Duration, hours: &BusinessHours) -> bool {
    business_seconds(created, now, hours) > deadline.whole_seconds()
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
    fn speed_to_call_counts_called_orders_and_uncalled_ones_past_the_deadline() {
        let now = datetime!(2026-11-25 12:00 UTC); // Wednesday 13:00 Algiers
        let d = Duration::minutes(15);
        let orders = [
            // called after 10 minutes: within
            (datetime!(2026-11-25 09:00 UTC), Some(datetime!(2026-11-25 09:10 UTC))),
            // called after 40 minutes: due, late
            (datetime!(2026-11-25 09:00 UTC), Some(datetime!(2026-11-25 09:40 UTC))),
            // placed at night, called 5 minutes after opening: within
            (datetime!(2026-11-24 22:00 UTC), Some(datetime!(2026-11-25 07:05 UTC))),
            // uncalled for an hour: due, late
            (datetime!(2026-11-25 11:00 UTC), None),
            // uncalled for 5 minutes: not due yet
            (datetime!(2026-11-25 11:55 UTC), None),
        ];
        assert_eq!(speed_to_call(&orders, now, d, &hours()), (4, 2));
        assert_eq!(speed_to_call(&[], now, d, &hours()), (0, 0));
        assert!(past_deadline(datetime!(2026-11-25 11:00 UTC), now, d, &hours()));
        // placed Thursday night, Friday noon: the weekend has not started the clock
        assert!(!past_deadline(datetime!(2026-11-26 20:00 UTC), datetime!(2026-11-27 12:00 UTC), d, &hours()));
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
