//! Live updates in the page: one `EventSource` per tab on `/api/customer-service/events`. Each
//! event kind bumps a counter that screens read in their resources' sources, so a list refetches
//! itself when something it shows changed elsewhere. Events carry ids and kinds only; bursts are
//! coalesced (one refetch per 300 ms at most). When the stream comes back after a cut, every
//! counter is bumped: notifications missed meanwhile are covered by reloading the snapshot.
//! Before hydration, and with the stream down, the counters never move and pages work as loaded.
use leptos::prelude::*;

/// The path of the stream (the server's SSE handler).
pub const EVENTS_PATH: &str = "/api/customer-service/events";

/// The counters screens depend on. Copy: all signals.
#[derive(Clone, Copy)]
pub struct Live {
    /// An order this user may see changed (assigned, taken, attempted, due, held…).
    pub orders: RwSignal<u64>,
    /// The status configuration changed (new buttons).
    pub statuses: RwSignal<u64>,
    /// The duplicate review queue changed (supervisors).
    pub duplicates: RwSignal<u64>,
    /// Once a minute: time-based changes (a callback becoming due).
    pub tick: RwSignal<u64>,
    /// The ids of the orders in the last order event (empty when a big batch changed).
    pub changed: RwSignal<Vec<i64>>,
    /// Whether the stream is open now.
    pub connected: RwSignal<bool>,
}

impl Live {
    fn new() -> Self {
        Live {
            orders: RwSignal::new(0),
            statuses: RwSignal::new(0),
            duplicates: RwSignal::new(0),
            tick: RwSignal::new(0),
            changed: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
        }
    }
}

/// The page's live counters (counters that never move outside the logged-in layout).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(Live::new)
}

/// Provides [`Live`] to the logged-in pages and, once hydrated, opens the stream.
pub fn provide_live() {
    let live = Live::new();
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            stream::connect(live, false);
        }
    });
}

/// The payload of an `orders` event.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrdersEvent {
    /// The orders concerned (empty for a big batch).
    #[serde(default)]
    pub ids: Vec<i64>,
}

#[cfg(feature = "hydrate")]
mod stream {
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::{Live, OrdersEvent, EVENTS_PATH};

    /// Bumps `counter` within 300 ms, once for however many events arrive meanwhile.
    fn bump_soon(counter: RwSignal<u64>, pending: StoredValue<bool>) {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        set_timeout(
            move || {
                pending.set_value(false);
                counter.update(|n| *n += 1);
            },
            Duration::from_millis(300),
        );
    }

    fn listen(source: &web_sys::EventSource, kind: &str, f: impl FnMut(web_sys::MessageEvent) + 'static) {
        let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(f);
        let _ = source.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        closure.forget();
    }

    pub fn connect(live: Live, reconnecting: bool) {
        let Ok(source) = web_sys::EventSource::new(EVENTS_PATH) else { return };
        let pending =
            [StoredValue::new(false), StoredValue::new(false), StoredValue::new(false), StoredValue::new(false)];
        let missed = StoredValue::new(reconnecting);
        listen(&source, "orders", move |e| {
            let ids = e
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<OrdersEvent>(&text).ok())
                .map(|o| o.ids)
                .unwrap_or_default();
            live.changed.set(ids);
            bump_soon(live.orders, pending[0]);
        });
        listen(&source, "statuses", move |_| bump_soon(live.statuses, pending[1]));
        listen(&source, "duplicates", move |_| bump_soon(live.duplicates, pending[2]));
        listen(&source, "tick", move |_| bump_soon(live.tick, pending[3]));
        listen(&source, "open", move |_| {
            live.connected.set(true);
            // back after a cut: what happened meanwhile was not heard, so reload everything
            if missed.get_value() {
                missed.set_value(false);
                for counter in [live.orders, live.statuses, live.duplicates, live.tick] {
                    counter.update(|n| *n += 1);
                }
            }
        });
        let watched = source.clone();
        listen(&source, "error", move |_| {
            live.connected.set(false);
            missed.set_value(true);
            // the browser retries by itself unless the server refused the stream (closed)
            if watched.ready_state() == web_sys::EventSource::CLOSED {
                set_timeout(move || connect(live, true), Duration::from_secs(10));
            }
        });
    }
}
