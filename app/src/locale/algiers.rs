//! Algiers time: Algeria keeps UTC+1 all year (no summer time), so local days, weekdays and
//! minutes are computed without a time zone database. Pure; imports nothing of the app.
use time::{OffsetDateTime, Time, UtcOffset};

pub const ALGIERS: UtcOffset = match UtcOffset::from_hms(1, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// Local (Algiers) weekday (ISO, 1 = Monday) and minute of the day.
pub fn local_weekday_minute(at: OffsetDateTime) -> (u8, u16) {
    let local = at.to_offset(ALGIERS);
    let minute = u16::from(local.hour()) * 60 + u16::from(local.minute());
    (local.weekday().number_from_monday(), minute)
}

/// The start of the Algiers day containing `at` (daily limits count from it).
pub fn local_day_start(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(ALGIERS).replace_time(Time::MIDNIGHT)
}

/// The Algiers date of `at` (days off are local dates).
pub fn local_date(at: OffsetDateTime) -> time::Date {
    at.to_offset(ALGIERS).date()
}

/// Algiers midnight starting `day`.
pub fn midnight(day: time::Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_offset(ALGIERS)
}
