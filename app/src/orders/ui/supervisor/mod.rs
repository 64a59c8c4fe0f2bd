//! Supervisors' screens: the orders board (filters kept in the address, so a view can be shared
//! or bookmarked; the table; single or bulk assignment; keyset pages) and one order.
mod bulk;
mod filters;
mod pager;
mod table;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::OrderPanel;
use crate::agents::ui::AutoAssignPanel;
use crate::auth::Role;
use crate::components::{ClientOnly, ErrorAlert, Loaded, RoleGate};
use crate::i18n::*;
use crate::orders::api::{assign_orders, assignable_agents, pending_orders};
use crate::orders::PageCursor;
use crate::places::api::get_wilayas;
use crate::statuses::api::get_status_config;
use bulk::BulkAssign;
use filters::{filter_from_query, OrderFilters};
use pager::Pager;
use table::OrdersTable;

/// Rows per page of the board.
const PAGE: i64 = 100;

#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, orders.title).to_string()/>
        <RoleGate role=Role::Supervisor>
            <OrdersBoard/>
        </RoleGate>
    }
}

#[component]
fn OrdersBoard() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| query.get());
    let filter = Memo::new(move |_| query.with(filter_from_query));
    let reload = RwSignal::new(0_u32);
    // live: orders arriving, taken or moved elsewhere refresh the board
    let live = crate::components::live::use_live();
    let orders = Resource::new(move || (filter.get(), reload.get(), live.orders.get()), |(f, _, _)| pending_orders(f));
    let config = Resource::new(|| (), |_| get_status_config());
    let agents = Resource::new(|| (), |_| assignable_agents());
    let wilayas = Resource::new(|| (), |_| get_wilayas());
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let assign = Action::new(move |(ids, agent): &(Vec<i64>, Option<i64>)| assign_orders(ids.clone(), *agent));
    Effect::new(move |_| {
        if matches!(assign.value().get(), Some(Ok(_))) {
            selected.set(BTreeSet::new());
            reload.update(|n| *n += 1);
        }
    });
    let assign_error = Signal::derive(move || assign.value().get().and_then(|r| r.err()));
    let assigned = move || assign.value().get().and_then(|r| r.ok()).map(|ids| ids.len());

    view! {
        <h1>{t!(i18n, orders.title)}</h1>
        <AutoAssignPanel on_done=move |_| reload.update(|n| *n += 1)/>
        <section class="card">
            <OrderFilters query=params config=config wilayas=wilayas agents=agents/>
        </section>
        <section class="card">
            <BulkAssign selected=selected agents=agents assign=assign/>
            <ErrorAlert error=assign_error/>
            {move || assigned().map(|n| view! { <p class="form-ok" role="status">{t_string!(i18n, orders.assigned, count = n).to_string()}</p> })}
            <Loaded
                load=move || async move {
                    let (rows, config) = (orders.await, config.await);
                    Ok((rows?, config?))
                }
                let:loaded
            >
                {
                    let (rows, config) = loaded;
                    if rows.is_empty() {
                        view! { <p class="muted">{t!(i18n, orders.empty)}</p> }.into_any()
                    } else {
                        let full = rows.len() as i64 == PAGE;
                        let next = rows.last().filter(|_| full).map(|r| PageCursor::after(r).encode());
                        view! {
                            <OrdersTable rows=rows config=StoredValue::new(config) selected=selected/>
                            <Pager query=params next=next/>
                        }
                        .into_any()
                    }
                }
            </Loaded>
        </section>
    }
}

/// One order, for a supervisor: the same panel agents use (with the supervisor's transitions).
#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let config = Resource::new(|| (), |_| get_status_config());
    view! {
        <Title text=move || t_string!(i18n, orders.title).to_string()/>
        <p><A href="/orders">{t!(i18n, orders.back)}</A></p>
        <section class="card">
            <ClientOnly>
                <OrderPanel id=id config=config on_saved=Callback::new(|_| {})/>
            </ClientOnly>
        </section>
    }
}
