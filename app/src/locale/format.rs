//! Amounts, shares and times as the screens show them: DZD with narrow no-break spaces between
//! thousands, percentages, times in Algiers time. Pure; imports nothing of the app but the
//! Algiers clock.
use time::OffsetDateTime;

use super::algiers::ALGIERS;

/// `16300` → `16 300` (narrow no-break spaces between thousands, as French and Arabic UIs show).
pub fn group_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// `16300` → `16 300 DA`.
pub fn dzd(amount: i64) -> String {
    format!("{} DA", group_thousands(amount))
}

/// `0.42` → `42 %`; `—` when there is no figure.
pub fn percent(share: Option<f64>) -> String {
    share.map(|v| format!("{:.0} %", v * 100.0)).unwrap_or_else(|| "—".into())
}

/// A minute of the day as a time input shows it: `510` → `08:30` (1440, the end of the day, is `24:00`).
pub fn clock_minute(minute: i32) -> String {
    format!("{:02}:{:02}", minute.div_euclid(60), minute.rem_euclid(60))
}

/// A time input's `08:30` as a minute of the day; None when it is not a time.
pub fn parse_clock_minute(text: &str) -> Option<i32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.trim().parse::<i32>().ok()?, m.trim().parse::<i32>().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

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

/// A duration as a figure reads: `42 s`, `12 min`, `3.5 h`; `—` when there is none.
pub fn seconds(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(s) if s < 60.0 => format!("{s:.0} s"),
        Some(s) if s < 3600.0 => format!("{:.0} min", s / 60.0),
        Some(s) => format!("{:.1} h", s / 3600.0),
    }
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

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn amounts_group_by_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(900), "900");
        assert_eq!(group_thousands(16300), "16\u{202F}300");
        assert_eq!(group_thousands(-1234567), "-1\u{202F}234\u{202F}567");
        assert_eq!(dzd(16300), "16\u{202F}300 DA");
    }

    #[test]
    fn shares_show_as_whole_percentages() {
        assert_eq!(percent(Some(0.425)), "42 %");
        assert_eq!(percent(None), "—");
    }

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
