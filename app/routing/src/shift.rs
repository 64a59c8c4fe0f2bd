//! Weekly working windows in local (Africa/Algiers) time and the "on shift now?" check.
//!
//! Callers compute `AgentState::on_shift` with [`on_shift`]; [`algiers_weekday_minute`]
//! turns a unix time into the local weekday and minute of day it needs (Algeria is UTC+1
//! all year, without daylight saving time).

use serde::{Deserialize, Serialize};

/// Minutes in a day.
pub const MINUTES_PER_DAY: u16 = 1440;

/// A weekly working window in local (Africa/Algiers) time. weekday: 1 = Monday … 7 = Sunday (ISO).
/// Minutes from local midnight, start < end, end <= 1440.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shift {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// First minute of the window (inclusive).
    pub start_minute: u16,
    /// End of the window (exclusive).
    pub end_minute: u16,
}

/// Why a set of shifts is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShiftError {
    /// A weekday outside 1..=7.
    BadWeekday,
    /// `start_minute >= end_minute` or `end_minute > 1440`.
    BadTimes,
    /// Two shifts overlap on this weekday.
    Overlap {
        /// The ISO weekday with the overlap.
        weekday: u8,
    },
}

impl std::fmt::Display for ShiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShiftError::BadWeekday => write!(f, "weekday must be 1 (Monday) to 7 (Sunday)"),
            ShiftError::BadTimes => write!(f, "a shift must start before it ends, and end by minute 1440"),
            ShiftError::Overlap { weekday } => write!(f, "two shifts overlap on weekday {weekday}"),
        }
    }
}

impl std::error::Error for ShiftError {}

/// Whether `minute_of_day` on `weekday` falls inside one of `shifts` (start inclusive, end
/// exclusive). `day_off` = a holiday exception today: never on shift.
pub fn on_shift(shifts: &[Shift], weekday: u8, minute_of_day: u16, day_off: bool) -> bool {
    !day_off
        && shifts
            .iter()
            .any(|s| s.weekday == weekday && s.start_minute <= minute_of_day && minute_of_day < s.end_minute)
}

/// Checks every shift's weekday and times (in the given order), then that no two shifts overlap on
/// one day (touching ends, like 12:00–13:00 after 08:00–12:00, do not overlap).
pub fn validate_shifts(shifts: &[Shift]) -> Result<(), ShiftError> {
    for s in shifts {
        if !(1..=7).contains(&s.weekday) {
            return Err(ShiftError::BadWeekday);
        }
        if s.start_minute >= s.end_minute || s.end_minute > MINUTES_PER_DAY {
            return Err(ShiftError::BadTimes);
        }
    }
    let mut sorted = shifts.to_vec();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        if w[0].weekday == w[1].weekday && w[1].start_minute < w[0].end_minute {
            return Err(ShiftError::Overlap { weekday: w[0].weekday });
        }
    }
    Ok(())
}

/// Sunday–Thursday 08:00–12:00 and 13:00–17:00: the Algerian default week (Friday–Saturday weekend).
pub fn default_week() -> Vec<Shift> {
    [7, 1, 2, 3, 4]
        .into_iter()
        .flat_map(|weekday| {
            [
                Shift { weekday, start_minute: 8 * 60, end_minute: 12 * 60 },
                Shift { weekday, start_minute: 13 * 60, end_minute: 17 * 60 },
            ]
        })
        .collect()
}

/// Local (Africa/Algiers, UTC+1, no DST) ISO weekday (1 = Monday … 7 = Sunday) and minute of day
/// of a unix time in seconds.
pub fn algiers_weekday_minute(unix_seconds: i64) -> (u8, u16) {
    let local = unix_seconds.saturating_add(3600);
    let days = local.div_euclid(86_400);
    // 1970-01-01 was a Thursday (ISO 4).
    let weekday = u8::try_from((days + 3).rem_euclid(7) + 1).unwrap_or(1);
    let minute = u16::try_from(local.rem_euclid(86_400) / 60).unwrap_or(0);
    (weekday, minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(weekday: u8, start: u16, end: u16) -> Shift {
        Shift { weekday, start_minute: start, end_minute: end }
    }

    #[test]
    fn a_minute_inside_a_window_is_on_shift_and_the_end_is_exclusive() {
        let s = [shift(1, 480, 720)];
        assert!(on_shift(&s, 1, 480, false));
        assert!(on_shift(&s, 1, 719, false));
        assert!(!on_shift(&s, 1, 720, false));
        assert!(!on_shift(&s, 1, 479, false));
        assert!(!on_shift(&s, 2, 600, false));
    }

    #[test]
    fn a_day_off_is_never_on_shift() {
        assert!(!on_shift(&[shift(1, 0, 1440)], 1, 600, true));
    }

    #[test]
    fn no_shifts_means_never_on_shift() {
        assert!(!on_shift(&[], 3, 600, false));
    }

    #[test]
    fn the_default_week_runs_sunday_to_thursday_with_a_lunch_break() {
        let w = default_week();
        assert_eq!(validate_shifts(&w), Ok(()));
        assert_eq!(w.len(), 10);
        for day in [7, 1, 2, 3, 4] {
            assert!(on_shift(&w, day, 8 * 60, false));
            assert!(on_shift(&w, day, 16 * 60 + 59, false));
            assert!(!on_shift(&w, day, 12 * 60 + 30, false));
            assert!(!on_shift(&w, day, 17 * 60, false));
        }
        for weekend in [5, 6] {
            assert!(!on_shift(&w, weekend, 10 * 60, false));
        }
    }

    #[test]
    fn a_weekday_outside_one_to_seven_is_rejected() {
        assert_eq!(validate_shifts(&[shift(0, 1, 2)]), Err(ShiftError::BadWeekday));
        assert_eq!(validate_shifts(&[shift(8, 1, 2)]), Err(ShiftError::BadWeekday));
    }

    #[test]
    fn an_empty_or_reversed_or_too_long_window_is_rejected() {
        assert_eq!(validate_shifts(&[shift(1, 600, 600)]), Err(ShiftError::BadTimes));
        assert_eq!(validate_shifts(&[shift(1, 700, 600)]), Err(ShiftError::BadTimes));
        assert_eq!(validate_shifts(&[shift(1, 0, 1441)]), Err(ShiftError::BadTimes));
        assert_eq!(validate_shifts(&[shift(1, 0, 1440)]), Ok(()));
    }

    #[test]
    fn overlapping_shifts_on_one_day_are_rejected_but_touching_ones_are_not() {
        assert_eq!(validate_shifts(&[shift(3, 600, 700), shift(3, 480, 601)]), Err(ShiftError::Overlap { weekday: 3 }));
        assert_eq!(validate_shifts(&[shift(3, 480, 600), shift(3, 600, 700)]), Ok(()));
        assert_eq!(validate_shifts(&[shift(3, 480, 600), shift(4, 500, 700)]), Ok(()));
        assert_eq!(validate_shifts(&[shift(2, 0, 1440), shift(2, 0, 1440)]), Err(ShiftError::Overlap { weekday: 2 }));
    }

    #[test]
    fn unix_times_map_to_the_algiers_weekday_and_minute() {
        // 1970-01-01T00:00Z = Thursday 01:00 in Algiers.
        assert_eq!(algiers_weekday_minute(0), (4, 60));
        // 2024-06-02T23:30Z (a Sunday) = Monday 00:30 in Algiers.
        assert_eq!(algiers_weekday_minute(1_717_371_000), (1, 30));
        // 1969-12-31T22:59Z = Wednesday 23:59 in Algiers.
        assert_eq!(algiers_weekday_minute(-3660), (3, 1439));
    }
}
