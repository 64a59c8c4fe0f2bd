//! Keyset paging for the orders board: back to the first page, or on after the last row shown.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::params::ParamsMap;

use crate::i18n::*;
use crate::orders::domain::percent_encode;

/// The board's address with the same filters, starting after `cursor` (None: the first page).
fn page_link(query: &ParamsMap, cursor: Option<String>) -> String {
    let mut pairs: Vec<(String, String)> =
        query.clone().into_iter().filter(|(k, _)| k != "after").map(|(k, v)| (k.to_string(), v)).collect();
    pairs.extend(cursor.map(|c| ("after".to_string(), c)));
    let qs: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={}", percent_encode(&v))).collect();
    format!("/orders?{}", qs.join("&"))
}

/// `next` is the cursor after the last row shown, when the page was full.
#[component]
pub fn Pager(query: Memo<ParamsMap>, next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let paged = move || query.with(|q| q.get("after").is_some_and(|a| !a.trim().is_empty()));
    view! {
        <nav class="pager">
            {move || paged().then(|| view! { <A href=query.with(|q| page_link(q, None)) attr:class="button">{t!(i18n, orders.first_page)}</A> })}
            {next.map(|next| view! { <A href=query.with_untracked(|q| page_link(q, Some(next))) attr:class="button">{t!(i18n, orders.next)}</A> })}
        </nav>
    }
}
