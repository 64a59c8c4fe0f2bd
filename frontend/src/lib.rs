//! The wasm entry point: hydrates the server-rendered page, then marks `<body data-hydrated>` so
//! browser tests (and people debugging) know the page is interactive.
#![recursion_limit = "512"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    app::mark_hydrated();
}
