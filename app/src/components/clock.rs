//! Times on screen: Algeria keeps UTC+1 all year (no summer time), so times show in Africa/Algiers
//! without a time zone database. `now_ms` and `local_input_to_utc` read the browser's clock and
//! zone (they are only called from event handlers, after hydration).
use time::OffsetDateTime;

pub use crate::locale::algiers::ALGIERS;

/// `25/11 14:30`, in Algiers time.
pub fn short_algiers(at: OffsetDateTime) -> String {
    let local = at.to_offset(ALGIERS);
    format!("{:02}/{:02} {:02}:{:02}", local.day(), u8::from(local.month()), local.hour(), local.minute())
}

/// `25/11/2026`, in Algiers time.
pub fn date_algiers(at: OffsetDateTime) -> String {
    let local = at.to_offset(ALGIERS);
    format!("{:02}/{:02}/{}", local.day(), u8::from(local.month()), local.year())
}

/// `mm:ss` (or `h:mm:ss`) of a duration in seconds.
pub fn stopwatch(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Milliseconds since the epoch on the browser's clock (0 on the server).
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// A `datetime-local` input's value (`2026-11-25T10:30`, the browser's zone) as a UTC instant.
pub fn local_input_to_utc(value: &str) -> Option<OffsetDateTime> {
    if value.trim().is_empty() {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        let ms = date.get_time();
        if ms.is_nan() {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos((ms as i128) * 1_000_000).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn algiers_is_utc_plus_one() {
        assert_eq!(short_algiers(datetime!(2026-11-24 23:30 UTC)), "25/11 00:30");
        assert_eq!(date_algiers(datetime!(2026-07-01 12:00 UTC)), "01/07/2026");
    }

    #[test]
    fn stopwatch_shows_minutes_and_seconds() {
        assert_eq!(stopwatch(0), "00:00");
        assert_eq!(stopwatch(75), "01:15");
        assert_eq!(stopwatch(3725), "1:02:05");
    }
}
