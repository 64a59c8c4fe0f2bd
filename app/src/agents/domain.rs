//! Pure rules around routing: on-shift at an Algiers time, business hours from the routing
//! settings, profile validation, periods, the brief's rating. No I/O; `now` is always an argument.
use std::collections::BTreeSet;

use time::{Duration, OffsetDateTime};

use super::{LanguageSkill, ProfileInput, RoutingSettings, ShiftDto};
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::BusinessHours;

/// Wilaya codes run 1..=69 since the 2025 reform (the table is the truth; this bounds input).
pub const MAX_WILAYA: i16 = 69;

pub use crate::locale::algiers::{local_date, local_day_start, local_weekday_minute};

/// A named period ending with the current Algiers day: `today`, `7d` or `30d`.
pub fn named_period(name: &str, now: OffsetDateTime) -> Result<(OffsetDateTime, OffsetDateTime), AppError> {
    let end = local_day_start(now) + Duration::days(1);
    let days = match name {
        "today" => 1,
        "7d" => 7,
        "30d" => 30,
        _ => return Err(AppError::field(ErrorCode::PeriodInvalid, "period")),
    };
    Ok((end - Duration::days(days), end))
}

/// The Algiers days [first, last] that [from, to) covers exactly, when it runs from one local
/// midnight to a later one (the tallies keep whole days); None for any other period.
pub fn whole_days(from: OffsetDateTime, to: OffsetDateTime) -> Option<(time::Date, time::Date)> {
    let whole = from == local_day_start(from) && to == local_day_start(to) && to > from;
    whole.then(|| (local_date(from), local_date(to) - Duration::days(1)))
}

/// Whether an agent with these weekly shifts and days off works at `at` (Algiers time).
pub fn on_shift_at(shifts: &[ShiftDto], days_off: &[super::DayOff], at: OffsetDateTime) -> bool {
    let day = local_date(at);
    let (weekday, minute) = local_weekday_minute(at);
    routing::shift::on_shift(&self::shifts(shifts), weekday, minute, days_off.iter().any(|d| d.day == day))
}

/// The business hours of the routing settings, for the schedules that keep to them.
pub fn business_hours(s: &RoutingSettings) -> BusinessHours {
    BusinessHours {
        start_minute: u16::try_from(s.business_start_minute).unwrap_or(0),
        end_minute: u16::try_from(s.business_end_minute).unwrap_or(1440),
        days: s.business_days.iter().filter_map(|d| u8::try_from(*d).ok()).collect(),
    }
}

/// Checks a profile before it is stored; the error names the field.
pub fn validate_profile(profile: &ProfileInput) -> Result<(), AppError> {
    let input = &profile.preferences;
    let mut seen = BTreeSet::new();
    for (i, skill) in input.languages.iter().enumerate() {
        if !(1..=5).contains(&skill.proficiency) {
            return Err(AppError::field(
                ErrorCode::ProficiencyInvalid,
                &format!("preferences.languages[{i}].proficiency"),
            ));
        }
        if !seen.insert(skill.language) {
            return Err(AppError::field(ErrorCode::BadRequest, &format!("preferences.languages[{i}].language")));
        }
    }
    if profile.is_confirmation_agent && input.languages.is_empty() {
        return Err(AppError::field(ErrorCode::LanguagesRequired, "preferences.languages"));
    }
    let mut wilayas = BTreeSet::new();
    for (i, code) in input.wilayas.iter().enumerate() {
        if !(1..=MAX_WILAYA).contains(code) || !wilayas.insert(*code) {
            return Err(AppError::field(ErrorCode::WilayaUnknown, &format!("preferences.provinces[{i}]")));
        }
    }
    routing::shift::validate_shifts(&shifts(&input.shifts)).map_err(|e| match e {
        routing::shift::ShiftError::Overlap { .. } => {
            AppError::field(ErrorCode::ShiftOverlap, "preferences.workingHours")
        }
        _ => AppError::field(ErrorCode::ShiftInvalid, "preferences.workingHours"),
    })?;
    if !(1..=5000).contains(&input.max_orders_per_day) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "preferences.maxOrdersPerDay"));
    }
    if !(1..=1000).contains(&input.max_open_orders) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "preferences.maxOpenOrders"));
    }
    let mut days = BTreeSet::new();
    for (i, d) in input.days_off.iter().enumerate() {
        if !days.insert(d.day) || d.reason.chars().count() > 200 {
            return Err(AppError::field(ErrorCode::BadRequest, &format!("preferences.daysOff[{i}]")));
        }
    }
    Ok(())
}

/// Validates routing settings (relaxation minutes, inactivity, business hours).
pub fn validate_settings(s: &RoutingSettings) -> Result<(), AppError> {
    let minutes_ok = |m: Option<i32>| m.is_none_or(|m| (0..=10_080).contains(&m));
    if !minutes_ok(s.drop_wilaya_after_minutes) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "dropWilayaAfterMinutes"));
    }
    if !minutes_ok(s.any_arabic_after_minutes) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "anyArabicAfterMinutes"));
    }
    if !(1..=1440).contains(&s.inactivity_minutes) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "inactivityMinutes"));
    }
    if !(0 <= s.business_start_minute
        && s.business_start_minute < s.business_end_minute
        && s.business_end_minute <= 1440)
    {
        return Err(AppError::field(ErrorCode::ShiftInvalid, "businessHours"));
    }
    if s.business_days.iter().any(|d| !(1..=7).contains(d)) {
        return Err(AppError::field(ErrorCode::ShiftInvalid, "businessDays"));
    }
    Ok(())
}

pub fn shifts(dtos: &[ShiftDto]) -> Vec<routing::Shift> {
    dtos.iter()
        .map(|s| routing::Shift { weekday: s.weekday, start_minute: s.start_minute, end_minute: s.end_minute })
        .collect()
}

/// The brief's rating, 1..5: mostly the success rate, a little the speed to first call (a first
/// call within 5 minutes earns the full speed part; after 2 hours none).
pub fn rating(success_rate: f64, response_seconds: Option<f64>) -> f64 {
    let speed = match response_seconds {
        None => 0.5,
        Some(s) if s <= 300.0 => 1.0,
        Some(s) if s >= 7200.0 => 0.0,
        Some(s) => 1.0 - (s - 300.0) / (7200.0 - 300.0),
    };
    let score = 0.8 * success_rate.clamp(0.0, 1.0) + 0.2 * speed;
    ((1.0 + 4.0 * score) * 10.0).round() / 10.0
}

/// Languages a profile speaks, as the routing crate wants them.
pub fn skills(languages: &[LanguageSkill]) -> Vec<(routing::Language, u8)> {
    languages.iter().map(|l| (l.language, l.proficiency)).collect()
}

/// "16, 31 44" → [16, 31, 44] (commas or spaces; empty = all wilayas).
pub fn parse_wilaya_list(text: &str) -> Result<Vec<i16>, AppError> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<i16>().ok().filter(|c| (1..=MAX_WILAYA).contains(c)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| AppError::field(ErrorCode::WilayaUnknown, "preferences.provinces"))
}

/// One day's shifts as typed: "08:00-12:00, 13:00-17:00" (empty = day off).
pub fn parse_day_shifts(weekday: u8, text: &str) -> Result<Vec<ShiftDto>, AppError> {
    let bad = || AppError::field(ErrorCode::ShiftInvalid, &format!("preferences.workingHours.{weekday}"));
    let minute = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':').unwrap_or((t.trim(), "0"));
        let (h, m) = (h.trim().parse::<u16>().ok()?, m.trim().parse::<u16>().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    text.split([',', ';'])
        .filter(|t| !t.trim().is_empty())
        .map(|range| {
            let (a, b) = range.split_once(['-', '–']).ok_or_else(bad)?;
            let (start_minute, end_minute) = (minute(a).ok_or_else(bad)?, minute(b).ok_or_else(bad)?);
            Ok(ShiftDto { weekday, start_minute, end_minute })
        })
        .collect()
}

/// The shifts of one weekday as the form shows them: "08:00-12:00, 13:00-17:00".
pub fn format_day_shifts(shifts: &[ShiftDto], weekday: u8) -> String {
    let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    shifts
        .iter()
        .filter(|s| s.weekday == weekday)
        .map(|s| format!("{}-{}", hm(s.start_minute), hm(s.end_minute)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "2026-12-25, 2027-01-01" → days off.
pub fn parse_days_off(text: &str) -> Result<Vec<super::DayOff>, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            time::Date::parse(t, &format)
                .map(|day| super::DayOff { day, reason: String::new() })
                .map_err(|_| AppError::field(ErrorCode::BadRequest, "preferences.daysOff"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_days_are_local_midnight_to_local_midnight() {
        use time::macros::{date, datetime};
        // Algiers midnight is 23:00 UTC the day before
        let (from, to) = (datetime!(2026-11-30 23:00 UTC), datetime!(2026-12-02 23:00 UTC));
        assert_eq!(whole_days(from, to), Some((date!(2026 - 12 - 01), date!(2026 - 12 - 02))));
        assert_eq!(whole_days(from, from + Duration::days(1)), Some((date!(2026 - 12 - 01), date!(2026 - 12 - 01))));
        assert_eq!(whole_days(from, from), None, "empty");
        assert_eq!(whole_days(datetime!(2026-12-01 00:00 UTC), to), None, "UTC midnight is 01:00 in Algiers");
        assert_eq!(whole_days(from, to - Duration::seconds(1)), None);
        let (named_from, named_to) = named_period("30d", to + Duration::hours(5)).unwrap();
        assert_eq!(whole_days(named_from, named_to).map(|(a, b)| (b - a).whole_days()), Some(29));
    }

    use time::macros::datetime;

    use super::*;
    use crate::agents::Preferences;

    #[test]
    fn named_periods_end_with_the_algerian_day() {
        let now = datetime!(2026-11-25 23:30 UTC); // already the 26th in Algiers
        assert_eq!(
            named_period("today", now).unwrap(),
            (datetime!(2026-11-25 23:00 UTC), datetime!(2026-11-26 23:00 UTC))
        );
        assert_eq!(named_period("7d", now).unwrap().0, datetime!(2026-11-19 23:00 UTC));
        assert_eq!(named_period("year", now).unwrap_err().code, ErrorCode::PeriodInvalid);
    }

    #[test]
    fn local_time_is_utc_plus_one() {
        assert_eq!(local_weekday_minute(datetime!(2026-11-25 23:30 UTC)), (4, 30));
        assert_eq!(local_day_start(datetime!(2026-11-25 23:30 UTC)), datetime!(2026-11-25 23:00 UTC));
    }

    fn profile() -> ProfileInput {
        ProfileInput {
            is_confirmation_agent: true,
            preferences: Preferences {
                languages: vec![LanguageSkill { language: routing::Language::Fr, proficiency: 4 }],
                wilayas: vec![16, 31],
                shifts: vec![ShiftDto { weekday: 7, start_minute: 480, end_minute: 720 }],
                days_off: vec![],
                max_orders_per_day: 200,
                max_open_orders: 40,
            },
            version: None,
        }
    }

    #[test]
    fn a_valid_profile_passes_and_each_bad_field_is_named() {
        assert_eq!(validate_profile(&profile()), Ok(()));
        let mut p = profile();
        p.preferences.languages[0].proficiency = 6;
        assert_eq!(validate_profile(&p).unwrap_err().field.as_deref(), Some("preferences.languages[0].proficiency"));
        let mut p = profile();
        p.preferences.wilayas.push(70);
        assert_eq!(validate_profile(&p).unwrap_err().code, ErrorCode::WilayaUnknown);
        let mut p = profile();
        p.preferences.shifts.push(ShiftDto { weekday: 7, start_minute: 600, end_minute: 800 });
        assert_eq!(validate_profile(&p).unwrap_err().code, ErrorCode::ShiftOverlap);
        let mut p = profile();
        p.preferences.shifts[0].end_minute = 400;
        assert_eq!(validate_profile(&p).unwrap_err().code, ErrorCode::ShiftInvalid);
        let mut p = profile();
        p.preferences.max_open_orders = 0;
        assert_eq!(validate_profile(&p).unwrap_err().field.as_deref(), Some("preferences.maxOpenOrders"));
        let mut p = profile();
        p.preferences.languages.clear();
        assert_eq!(validate_profile(&p).unwrap_err().code, ErrorCode::LanguagesRequired);
    }

    #[test]
    fn typed_shifts_wilayas_and_days_off_are_read_back() {
        let shifts = parse_day_shifts(7, "08:00-12:00, 13:30–17:00").unwrap();
        assert_eq!(
            shifts,
            vec![
                ShiftDto { weekday: 7, start_minute: 480, end_minute: 720 },
                ShiftDto { weekday: 7, start_minute: 810, end_minute: 1020 }
            ]
        );
        assert_eq!(format_day_shifts(&shifts, 7), "08:00-12:00, 13:30-17:00");
        assert_eq!(parse_day_shifts(5, " ").unwrap(), vec![]);
        assert_eq!(parse_day_shifts(1, "0:00-24:00").unwrap()[0].end_minute, 1440);
        assert_eq!(parse_day_shifts(2, "8h-12").unwrap_err().field.as_deref(), Some("preferences.workingHours.2"));
        assert_eq!(parse_wilaya_list("16, 31 44").unwrap(), vec![16, 31, 44]);
        assert_eq!(parse_wilaya_list("").unwrap(), Vec::<i16>::new());
        assert_eq!(parse_wilaya_list("16, 70").unwrap_err().code, ErrorCode::WilayaUnknown);
        assert_eq!(parse_days_off("2026-12-25, 2027-01-01").unwrap().len(), 2);
        assert!(parse_days_off("25/12/2026").is_err());
    }

    #[test]
    fn the_rating_follows_success_and_speed() {
        assert_eq!(rating(1.0, Some(60.0)), 5.0);
        assert_eq!(rating(0.0, Some(9000.0)), 1.0);
        assert!(rating(0.6, Some(600.0)) > rating(0.6, Some(3600.0)));
    }
}
