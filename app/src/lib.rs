//! EcoManager CS: everything shared by the server and the wasm front end, one folder per feature.
//! `app` is the root component and router, `error` the error codes, `server_ctx` (server only)
//! what server functions read from the request. No logic lives here.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

#[macro_use]
mod text_enum;

pub mod agents;
mod app;
pub mod audit;
pub mod auth;
pub mod components;
pub mod customers;
pub mod dashboard;
pub mod deliveries;
pub mod duplicates;
pub mod error;
#[cfg(feature = "ssr")]
pub mod export;
pub mod imports;
pub mod jobs;
pub mod layout;
pub mod locale;
pub mod messaging;
pub mod orders;
pub mod places;
#[cfg(feature = "ssr")]
pub mod server_ctx;
pub mod statuses;

pub use app::{shell, App};

/// Marks `<body data-hydrated>` once the page is interactive (browser tests wait for it).
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
