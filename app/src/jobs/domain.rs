//! When jobs run, decided without I/O: schedules in Algiers time (every N minutes from local
//! midnight, optionally within business hours; once a day at a local minute) and how a run
//! started. `now` is always an argument.
use std::collections::BTreeSet;

use time::{Duration, OffsetDateTime, Time};

use crate::locale::algiers::{local_weekday_minute, ALGIERS};

/// How a run started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Manual,
    Event,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Event => "event",
        }
    }
}

/// Business hours in Algiers time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    pub start_minute: u16,
    pub end_minute: u16,
    /// ISO weekdays.
    pub days: BTreeSet<u8>,
}

impl BusinessHours {
    pub fn contains(&self, weekday: u8, minute: u16) -> bool {
        self.days.contains(&weekday) && minute >= self.start_minute && minute < self.end_minute
    }
}

impl Default for BusinessHours {
    /// 08:00–20:00, Sunday to Thursday.
    fn default() -> Self {
        Self { start_minute: 480, end_minute: 1200, days: [7, 1, 2, 3, 4].into_iter().collect() }
    }
}

/// When a job runs, in Algiers time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// At every multiple of `minutes` from local midnight; only within business hours if asked.
    Every { minutes: u16, business_hours_only: bool },
    /// Once a day at this local minute.
    DailyAt { minute: u16 },
}

impl Schedule {
    /// The first run strictly after `after`.
    pub fn next_after(self, after: OffsetDateTime, hours: &BusinessHours) -> OffsetDateTime {
        let local = after.to_offset(ALGIERS);
        let midnight = local.replace_time(Time::MIDNIGHT);
        match self {
            Schedule::DailyAt { minute } => {
                let today = midnight + Duration::minutes(i64::from(minute));
                if today > local {
                    today
                } else {
                    today + Duration::days(1)
                }
            }
            Schedule::Every { minutes, business_hours_only } => {
                let step = i64::from(minutes.max(1));
                let (_, now_minute) = local_weekday_minute(after);
                // the next slot boundary after `after`, then walk slots (at most 8 days) until one is allowed
                let mut slot = midnight + Duration::minutes((i64::from(now_minute) / step + 1) * step);
                for _ in 0..(8 * 1440 / step + 2) {
                    let (weekday, minute) = local_weekday_minute(slot);
                    if !business_hours_only || hours.contains(weekday, minute) {
                        return slot;
                    }
                    slot += Duration::minutes(step);
                }
                // no business day at all: fall back to the plain interval
                midnight + Duration::minutes((i64::from(now_minute) / step + 1) * step)
            }
        }
    }

    /// A code the screen translates.
    pub fn code(self) -> String {
        match self {
            Schedule::Every { minutes, business_hours_only: true } => format!("every_{minutes}_business"),
            Schedule::Every { minutes, business_hours_only: false } => format!("every_{minutes}"),
            Schedule::DailyAt { minute } => format!("daily_{:02}{:02}", minute / 60, minute % 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn hours() -> BusinessHours {
        BusinessHours::default()
    }

    #[test]
    fn auto_assign_runs_every_quarter_hour_inside_algerian_business_hours() {
        let every15 = Schedule::Every { minutes: 15, business_hours_only: true };
        // Wednesday 2026-11-25 10:07 Algiers = 09:07 UTC → 10:15 Algiers
        assert_eq!(every15.next_after(datetime!(2026-11-25 09:07 UTC), &hours()), datetime!(2026-11-25 09:15 UTC));
        // exactly on a slot: the next one
        assert_eq!(every15.next_after(datetime!(2026-11-25 09:15 UTC), &hours()), datetime!(2026-11-25 09:30 UTC));
        // 19:50 Algiers: the day's hours end at 20:00, so tomorrow 08:00 Algiers = 07:00 UTC
        assert_eq!(every15.next_after(datetime!(2026-11-25 18:50 UTC), &hours()), datetime!(2026-11-26 07:00 UTC));
    }

    #[test]
    fn the_algerian_weekend_has_no_business_runs() {
        let every30 = Schedule::Every { minutes: 30, business_hours_only: true };
        // Thursday 2026-11-26 19:45 Algiers → Friday and Saturday are the weekend → Sunday 29th 08:00
        assert_eq!(every30.next_after(datetime!(2026-11-26 18:45 UTC), &hours()), datetime!(2026-11-29 07:00 UTC));
    }

    #[test]
    fn classification_runs_at_two_in_the_morning_algiers_time() {
        let daily = Schedule::DailyAt { minute: 120 };
        // 01:59 Algiers (00:59 UTC) → 02:00 Algiers the same day = 01:00 UTC
        assert_eq!(daily.next_after(datetime!(2026-11-25 00:59 UTC), &hours()), datetime!(2026-11-25 01:00 UTC));
        // 02:00 Algiers exactly → tomorrow
        assert_eq!(daily.next_after(datetime!(2026-11-25 01:00 UTC), &hours()), datetime!(2026-11-26 01:00 UTC));
        // 23:30 UTC on the 24th is already 00:30 on the 25th in Algiers
        assert_eq!(daily.next_after(datetime!(2026-11-24 23:30 UTC), &hours()), datetime!(2026-11-25 01:00 UTC));
    }

    #[test]
    fn the_hourly_scan_ignores_business_hours() {
        let hourly = Schedule::Every { minutes: 60, business_hours_only: false };
        assert_eq!(hourly.next_after(datetime!(2026-11-27 02:10 UTC), &hours()), datetime!(2026-11-27 03:00 UTC));
    }
}
