//! Logging: `tracing` to stderr, human-readable or JSON (`LOG_FORMAT=json`), filtered by `RUST_LOG`.
use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,leptos_axum=warn"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests spawning several apps) keeps the first subscriber.
    let _ = if json { builder.json().with_current_span(false).try_init() } else { builder.try_init() };
}
