//! The demo's timeline: when each order arrived, when it was first called, how long calls last,
//! when retries and callbacks happen, and the agents' working days. Deterministic for a seed and
//! a `now`; orders arrive at any hour (shops never close), calls happen in business hours.
use rand::rngs::StdRng;
use rand::Rng;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use app::error::AppError;
use app::jobs::domain::BusinessHours;
use app::locale::algiers::{local_day_start, local_weekday_minute};

use super::demo::DemoOrder;

/// How far back the demo's history goes.
pub const DAYS: i64 = 60;

/// Each generated order's arrival, and the order to take them in (oldest first).
pub struct Arrivals {
    pub at: Vec<OffsetDateTime>,
    pub order: Vec<usize>,
}

/// A minute of the day an order arrives at: most in the late morning and the evening.
fn arrival_minute(rng: &mut StdRng) -> i64 {
    let hour = match rng.gen_range(0..100) {
        0..=4 => rng.gen_range(0..7),
        5..=14 => rng.gen_range(7..10),
        15..=44 => rng.gen_range(10..14),
        45..=64 => rng.gen_range(14..19),
        _ => rng.gen_range(19..24),
    };
    hour * 60 + rng.gen_range(0..60)
}

/// Spreads the generated orders over the last [`DAYS`] days in their generated order (so a
/// returning customer comes back days later), a double submission minutes after its original,
/// and the last few in the hours before `now`.
pub fn arrivals(generated: &[DemoOrder], now: OffsetDateTime, rng: &mut StdRng) -> Arrivals {
    let n = generated.len().max(1);
    let today = local_day_start(now);
    let latest = now - Duration::minutes(1);
    let mut at: Vec<OffsetDateTime> = Vec::with_capacity(generated.len());
    for (i, g) in generated.iter().enumerate() {
        let t = match g.duplicate_of {
            Some(original) => at[original] + Duration::minutes(rng.gen_range(2..180)),
            None if i * 100 >= n * 97 => now - Duration::minutes(rng.gen_range(5..360)),
            None => {
                let days_back = DAYS - 1 - (i as i64 * DAYS / n as i64);
                today - Duration::days(days_back) + Duration::minutes(arrival_minute(rng))
            }
        };
        at.push(t.min(latest));
    }
    let mut order: Vec<usize> = (0..generated.len()).collect();
    order.sort_by_key(|&i| (at[i], i));
    Arrivals { at, order }
}

/// `t` if the shop's agents work then, else the next opening.
pub fn next_open(t: OffsetDateTime, hours: &BusinessHours) -> OffsetDateTime {
    let (weekday, minute) = local_weekday_minute(t);
    if hours.contains(weekday, minute) {
        return t;
    }
    let mut day = local_day_start(t);
    if minute >= hours.start_minute {
        day += Duration::days(1);
    }
    for _ in 0..8 {
        let open = day + Duration::minutes(i64::from(hours.start_minute));
        let (weekday, _) = local_weekday_minute(open);
        if hours.days.contains(&weekday) {
            return open.max(t);
        }
        day += Duration::days(1);
    }
    t
}

fn business_after(t: OffsetDateTime, delay: Duration, hours: &BusinessHours, rng: &mut StdRng) -> OffsetDateTime {
    let start = next_open(t, hours);
    let candidate = start + delay;
    let (weekday, minute) = local_weekday_minute(candidate);
    if hours.contains(weekday, minute) {
        candidate
    } else {
        next_open(candidate, hours) + Duration::minutes(rng.gen_range(2..40))
    }
}

/// The first call: minutes after arrival in business hours, sometimes an hour or more; an order
/// placed at night is called after the opening.
pub fn first_call(at: OffsetDateTime, hours: &BusinessHours, rng: &mut StdRng) -> OffsetDateTime {
    let minutes = match rng.gen_range(0..100) {
        0..=64 => rng.gen_range(2..15),
        65..=89 => rng.gen_range(15..60),
        _ => rng.gen_range(60..240),
    };
    business_after(at, Duration::minutes(minutes) + Duration::seconds(rng.gen_range(0..60)), hours, rng)
}

/// The earlier of two instants.
pub fn before(a: OffsetDateTime, b: OffsetDateTime) -> OffsetDateTime {
    a.min(b)
}

/// The next try after an attempt without an outcome.
pub fn retry(
    when: OffsetDateTime,
    result: &str,
    step: usize,
    hours: &BusinessHours,
    rng: &mut StdRng,
) -> OffsetDateTime {
    let minutes = match result {
        "busy" => rng.gen_range(15..45),
        r if r.starts_with("no_answer") => rng.gen_range(90..200) + 30 * step as i64,
        _ => rng.gen_range(5..30),
    };
    business_after(when, Duration::minutes(minutes), hours, rng)
}

/// A callback the customer asked for: the next business day, between 09:00 and 17:00.
pub fn next_day_call(when: OffsetDateTime, hours: &BusinessHours, rng: &mut StdRng) -> OffsetDateTime {
    let tomorrow = local_day_start(when) + Duration::days(1) + Duration::minutes(rng.gen_range(9 * 60..17 * 60));
    next_open(tomorrow, hours)
}

/// How long a call with this result takes, in seconds (ringing out, or a conversation).
pub fn call_seconds(result: &str, rng: &mut StdRng) -> i64 {
    match result {
        "busy" | "wrong_number" => rng.gen_range(8..40),
        r if r.starts_with("no_answer") || r == "unreachable" => rng.gen_range(20..50),
        "confirmed" => rng.gen_range(55..260),
        "cancelled" => rng.gen_range(40..200),
        _ => rng.gen_range(30..120),
    }
}

/// What happens to an order, call by call. A duplicate that detection missed is mostly closed as
/// such by the agent who recognises it.
pub fn story(rng: &mut StdRng, duplicate: bool) -> &'static [&'static str] {
    if duplicate && rng.gen_bool(0.6) {
        return &["duplicate"];
    }
    match rng.gen_range(0..100) {
        0..=43 => &["confirmed"],
        44..=53 => &["no_answer_1", "confirmed"],
        54..=60 => &["busy", "confirmed"],
        61..=65 => &["no_answer_1", "callback", "confirmed"],
        66..=68 => &["postponed", "confirmed"],
        69..=77 => &["cancelled"],
        78..=80 => &["wrong_number"],
        81..=86 => &["no_answer_1", "no_answer_2", "no_answer_3", "no_answer_sms", "unreachable"],
        87..=90 => &["no_answer_1", "cancelled"],
        91..=95 => &["no_answer_1", "no_answer_2", "confirmed"],
        _ => &["callback", "cancelled"],
    }
}

/// The agents' working days over the history: available 08:00–12:00 and 13:00–17:00 (give or
/// take), a paused lunch hour, a day off now and then; today's periods up to `now` only.
pub async fn presence(
    pool: &PgPool,
    agents: &[i64],
    now: OffsetDateTime,
    hours: &BusinessHours,
    rng: &mut StdRng,
) -> Result<(), AppError> {
    let (mut users, mut states, mut starts, mut ends) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let today = local_day_start(now);
    for &agent in agents {
        for back in (0..DAYS).rev() {
            let day = today - Duration::days(back);
            let (weekday, _) = local_weekday_minute(day + Duration::hours(12));
            if !hours.days.contains(&weekday) || rng.gen_bool(0.08) {
                continue;
            }
            let m = |minutes: i64| day + Duration::minutes(minutes);
            let shift = [
                ("available", m(8 * 60 + rng.gen_range(0..25)), m(12 * 60)),
                ("paused", m(12 * 60), m(13 * 60 + rng.gen_range(0..10))),
                ("available", m(13 * 60 + 10), m(17 * 60 + rng.gen_range(-20..40))),
            ];
            for (state, start, end) in shift {
                if start >= now {
                    break;
                }
                users.push(agent);
                states.push(state.to_string());
                starts.push(start);
                ends.push(end.min(now));
            }
        }
    }
    sqlx::query(
        "INSERT INTO presence_periods (user_id, state, started_at, ended_at)
         SELECT * FROM UNNEST($1::int8[], $2::text[], $3::timestamptz[], $4::timestamptz[])",
    )
    .bind(&users)
    .bind(&states)
    .bind(&starts)
    .bind(&ends)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use time::macros::datetime;

    use super::*;

    #[test]
    fn calls_wait_for_the_opening_and_the_weekend() {
        let hours = BusinessHours::default();
        // Wednesday 22:00 Algiers → Thursday 08:00
        assert_eq!(next_open(datetime!(2026-11-25 21:00 UTC), &hours), datetime!(2026-11-26 07:00 UTC));
        // Thursday 20:30 → Sunday 08:00 (Friday and Saturday are the weekend)
        assert_eq!(next_open(datetime!(2026-11-26 19:30 UTC), &hours), datetime!(2026-11-29 07:00 UTC));
        // Sunday 06:00 → Sunday 08:00; in hours: unchanged
        assert_eq!(next_open(datetime!(2026-11-29 05:00 UTC), &hours), datetime!(2026-11-29 07:00 UTC));
        assert_eq!(next_open(datetime!(2026-11-29 09:00 UTC), &hours), datetime!(2026-11-29 09:00 UTC));
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let call = first_call(datetime!(2026-11-26 22:30 UTC), &hours, &mut rng);
            let (weekday, minute) = local_weekday_minute(call);
            assert!(hours.contains(weekday, minute), "{call}");
        }
    }

    #[test]
    fn the_history_spans_the_days_and_ends_before_now() {
        let communes = [(16_i16, 1_i32)];
        let generated = super::super::demo::generate(7, 300, &communes);
        let now = datetime!(2026-12-03 10:00 UTC);
        let mut rng = StdRng::seed_from_u64(7);
        let a = arrivals(&generated, now, &mut rng);
        let first = a.at[a.order[0]];
        let last = a.at[*a.order.last().unwrap()];
        assert!(now - first > Duration::days(DAYS - 2), "starts {first}");
        assert!(last < now && now - last < Duration::hours(6), "ends {last}");
        for (i, g) in generated.iter().enumerate() {
            if let Some(o) = g.duplicate_of {
                let gap = a.at[i] - a.at[o];
                assert!(gap >= Duration::ZERO && gap < Duration::hours(3), "a double submission comes minutes later");
            }
        }
    }
}
