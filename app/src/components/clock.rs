//! The browser's clock: `now_ms` and `local_input_to_utc` read the browser's time and zone (they
//! are only called from event handlers, after hydration). Times as text are `locale::format`'s.
use time::OffsetDateTime;

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
