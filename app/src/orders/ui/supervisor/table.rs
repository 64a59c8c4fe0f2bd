//! The orders board's table: one row per order with a selection box, links to the order and the
//! customer, and who it was routed to and why.
use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::agents::ui::routing_note_text;
use crate::customers::domain::display_phone;
use crate::i18n::*;
use crate::locale::format::{dzd, short_algiers};
use crate::orders::ui::priority_text;
use crate::orders::OrderRow;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

#[component]
pub fn OrdersTable(
    rows: Vec<OrderRow>,
    config: StoredValue<StatusConfig>,
    selected: RwSignal<BTreeSet<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let all: Vec<i64> = rows.iter().map(|r| r.id).collect();
    view! {
        <div class="table-wrap">
            <table data-testid="orders-table">
                <thead>
                    <tr>
                        <th>
                            <input type="checkbox" aria-label=move || t_string!(i18n, orders.select_all).to_string()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.set(if on { all.iter().copied().collect() } else { BTreeSet::new() });
                                }/>
                        </th>
                        <th>{t!(i18n, orders.number)}</th>
                        <th>{t!(i18n, orders.customer)}</th>
                        <th>{t!(i18n, orders.wilaya)}</th>
                        <th>{t!(i18n, orders.total)}</th>
                        <th>{t!(i18n, orders.status)}</th>
                        <th>{t!(i18n, orders.priority)}</th>
                        <th>{t!(i18n, orders.agent)}</th>
                        <th>{t!(i18n, orders.attempts)}</th>
                        <th>{t!(i18n, orders.age)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! { <OrderLine row=row config=config selected=selected/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn OrderLine(row: OrderRow, config: StoredValue<StatusConfig>, selected: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = row.id;
    let priority = row.priority;
    let agent = row.assigned_agent_name.clone();
    view! {
        <tr data-order=id>
            <td>
                <input type="checkbox" aria-label=row.number.clone()
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    }/>
            </td>
            <td><A href=format!("/orders/{id}")>{row.number.clone()}</A></td>
            <td>
                <A href=format!("/customers/{}", row.customer_id)>{row.customer_name.clone()}</A>
                <br/><small class="muted" dir="ltr">{display_phone(&row.phone)}</small>
            </td>
            <td>{format!("{:02} {}", row.wilaya_code, row.wilaya_name)}</td>
            <td class="amount">{dzd(row.total)}</td>
            <td><StatusChip config=config code=row.status.clone()/></td>
            <td>{move || priority_text(i18n, priority)}</td>
            <td>
                {agent.clone().unwrap_or_else(|| t_string!(i18n, orders.nobody).to_string())}
                {row.routing.clone().map(|note| view! {
                    <small class="routing-reason" data-testid="routing-reason">
                        {move || routing_note_text(i18n, &note, agent.as_deref())}
                    </small>
                })}
            </td>
            <td>{row.attempts}</td>
            <td class="muted">{short_algiers(row.created_at)}</td>
        </tr>
    }
}
