//! Supervisors' screens: the open orders with filters (kept in the address, so a view can be
//! shared or bookmarked) and single or bulk assignment; one order.
use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{priority_text, OrderPanel};
use crate::agents::ui::{routing_note_text, AutoAssignPanel};
use crate::auth::Role;
use crate::components::{ClientOnly, ErrorAlert, RoleGate};
use crate::customers::domain::display_phone;
use crate::i18n::*;
use crate::locale::format::{dzd, short_algiers};
use crate::locale::UiLocale;
use crate::orders::api::{assign_orders, assignable_agents, pending_orders};
use crate::orders::{PageCursor, PendingFilter, Priority};
use crate::places::api::get_wilayas;
use crate::statuses::api::get_status_config;
use crate::statuses::ui::{category_text, StatusChip};
use crate::statuses::StatusCategory;

const PAGE: i64 = 100;

fn filter_from_query(q: &leptos_router::params::ParamsMap) -> PendingFilter {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    PendingFilter {
        status: text("status"),
        category: text("category"),
        wilaya: text("wilaya").and_then(|v| v.parse().ok()),
        agent: text("agent").and_then(|v| v.parse().ok()),
        unassigned: text("unassigned").is_some(),
        priority: text("priority"),
        older_than_minutes: text("older_than").and_then(|v| v.parse().ok()),
        limit: Some(PAGE),
        after: text("after"),
    }
}

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
    let filter = Memo::new(move |_| query.with(filter_from_query));
    let reload = RwSignal::new(0_u32);
    let orders = Resource::new(move || (filter.get(), reload.get()), |(f, _)| pending_orders(f));
    let config = Resource::new(|| (), |_| get_status_config());
    let agents = Resource::new(|| (), |_| assignable_agents());
    let wilayas = Resource::new(|| (), |_| get_wilayas());
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let target = RwSignal::new(String::new());
    let assign = Action::new(move |(ids, agent): &(Vec<i64>, Option<i64>)| assign_orders(ids.clone(), *agent));
    Effect::new(move |_| {
        if matches!(assign.value().get(), Some(Ok(_))) {
            selected.set(BTreeSet::new());
            reload.update(|n| *n += 1);
        }
    });
    let assign_error = Signal::derive(move || assign.value().get().and_then(|r| r.err()));
    let assigned = move || assign.value().get().and_then(|r| r.ok()).map(|ids| ids.len());
    let locale = move || UiLocale::from_i18n(i18n.get_locale());
    let q = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    // The same filters, starting after `cursor` (None: from the first page).
    let page_link = move |cursor: Option<String>| {
        let mut pairs: Vec<(String, String)> = query
            .with(|m| m.clone().into_iter().filter(|(k, _)| k != "after").map(|(k, v)| (k.to_string(), v)).collect());
        pairs.extend(cursor.map(|c| ("after".to_string(), c)));
        let qs: Vec<String> =
            pairs.into_iter().map(|(k, v)| format!("{k}={}", crate::orders::domain::percent_encode(&v))).collect();
        format!("/orders?{}", qs.join("&"))
    };

    view! {
        <h1>{t!(i18n, orders.title)}</h1>
        <AutoAssignPanel on_done=move |_| reload.update(|n| *n += 1)/>
        <section class="card">
            <Form method="GET" action="/orders">
                <div class="filters">
                    <Transition>
                        {move || Suspend::new(async move {
                            let config = config.await.unwrap_or_default();
                            let wilayas = wilayas.await.unwrap_or_default();
                            let agents = agents.await.unwrap_or_default();
                            view! {
                                <div class="field">
                                    <label for="f-status">{t!(i18n, orders.status)}</label>
                                    <select id="f-status" name="status">
                                        <option value="">{t!(i18n, orders.any)}</option>
                                        {config.statuses.into_iter().map(|s| {
                                            let code = s.code.clone();
                                            let value = s.code.clone();
                                            view! { <option value=value selected=move || q("status") == code>{move || s.label(locale()).to_string()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-category">{t!(i18n, orders.category)}</label>
                                    <select id="f-category" name="category">
                                        <option value="">{t!(i18n, orders.any)}</option>
                                        {[(StatusCategory::Pending, "pending"), (StatusCategory::Attempting, "attempting")].into_iter().map(|(c, v)| view! {
                                            <option value=v selected=move || q("category") == v>{move || category_text(i18n, c)}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-wilaya">{t!(i18n, orders.wilaya)}</label>
                                    <select id="f-wilaya" name="wilaya">
                                        <option value="">{t!(i18n, orders.any)}</option>
                                        {wilayas.into_iter().map(|w| {
                                            let code = w.code.to_string();
                                            let value = code.clone();
                                            view! { <option value=value selected=move || q("wilaya") == code>{move || w.display(locale())}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-agent">{t!(i18n, orders.agent)}</label>
                                    <select id="f-agent" name="agent">
                                        <option value="">{t!(i18n, orders.any)}</option>
                                        {agents.into_iter().map(|a| {
                                            let id = a.id.to_string();
                                            let value = id.clone();
                                            view! { <option value=value selected=move || q("agent") == id>{a.name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        })}
                    </Transition>
                    <div class="field">
                        <label for="f-priority">{t!(i18n, orders.priority)}</label>
                        <select id="f-priority" name="priority">
                            <option value="">{t!(i18n, orders.any)}</option>
                            {Priority::ALL.iter().map(|p| {
                                let p = *p;
                                view! { <option value=p.as_str() selected=move || q("priority") == p.as_str()>{move || priority_text(i18n, p)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-older">{t!(i18n, orders.older_than)}</label>
                        <input id="f-older" name="older_than" type="number" min="0" prop:value=move || q("older_than")/>
                    </div>
                    <label class="check" for="f-unassigned">
                        <input id="f-unassigned" type="checkbox" name="unassigned" value="1" prop:checked=move || !q("unassigned").is_empty()/>
                        {t!(i18n, orders.unassigned)}
                    </label>
                    <div class="inline">
                        <button type="submit" class="primary">{t!(i18n, orders.apply)}</button>
                        <A href="/orders" attr:class="button">{t!(i18n, orders.reset)}</A>
                    </div>
                </div>
            </Form>
        </section>

        <section class="card">
            <div class="toolbar bulk">
                <span data-testid="selected-count">{move || t_string!(i18n, orders.selected, count = selected.with(|s| s.len())).to_string()}</span>
                <div class="inline">
                    <label for="bulk-agent">{t!(i18n, orders.assign_to)}</label>
                    <Transition>
                        {move || Suspend::new(async move {
                            let agents = agents.await.unwrap_or_default();
                            view! {
                                <select id="bulk-agent" on:change=move |ev| target.set(event_target_value(&ev))>
                                    <option value="">"—"</option>
                                    {agents.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <button type="button" class="primary" data-testid="bulk-assign"
                        disabled=move || selected.with(|s| s.is_empty()) || target.with(|t| t.is_empty())
                        on:click=move |_| {
                            let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
                            assign.dispatch((ids, target.get_untracked().parse().ok()));
                        }>
                        {t!(i18n, orders.assign)}
                    </button>
                    <button type="button" disabled=move || selected.with(|s| s.is_empty())
                        on:click=move |_| {
                            let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
                            assign.dispatch((ids, None));
                        }>
                        {t!(i18n, orders.unassign)}
                    </button>
                </div>
            </div>
            <ErrorAlert error=assign_error/>
            {move || assigned().map(|n| view! { <p class="form-ok" role="status">{t_string!(i18n, orders.assigned, count = n).to_string()}</p> })}
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    let (rows, config) = (orders.await, config.await);
                    match (rows, config) {
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        (Ok(rows), Ok(config)) => {
                            let config = StoredValue::new(config);
                            let all: Vec<i64> = rows.iter().map(|r| r.id).collect();
                            let count = rows.len() as i64;
                            let next = rows.last().map(|r| PageCursor::after(r).encode());
                            if rows.is_empty() {
                                return view! { <p class="muted">{t!(i18n, orders.empty)}</p> }.into_any();
                            }
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
                                            {rows.into_iter().map(|r| {
                                                let id = r.id;
                                                let priority = r.priority;
                                                view! {
                                                    <tr data-order=id>
                                                        <td>
                                                            <input type="checkbox" aria-label=r.number.clone()
                                                                prop:checked=move || selected.with(|s| s.contains(&id))
                                                                on:change=move |ev| {
                                                                    let on = event_target_checked(&ev);
                                                                    selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                                                }/>
                                                        </td>
                                                        <td><A href=format!("/orders/{id}")>{r.number.clone()}</A></td>
                                                        <td>
                                                            <A href=format!("/customers/{}", r.customer_id)>{r.customer_name.clone()}</A>
                                                            <br/><small class="muted" dir="ltr">{display_phone(&r.phone)}</small>
                                                        </td>
                                                        <td>{format!("{:02} {}", r.wilaya_code, r.wilaya_name)}</td>
                                                        <td class="amount">{dzd(r.total)}</td>
                                                        <td><StatusChip config=config code=r.status.clone()/></td>
                                                        <td>{move || priority_text(i18n, priority)}</td>
                                                        <td>
                                                            {r.assigned_agent_name.clone().unwrap_or_else(|| t_string!(i18n, orders.nobody).to_string())}
                                                            {r.routing.clone().map(|note| {
                                                                let agent = r.assigned_agent_name.clone();
                                                                view! { <small class="routing-reason" data-testid="routing-reason">{move || routing_note_text(i18n, &note, agent.as_deref())}</small> }
                                                            })}
                                                        </td>
                                                        <td>{r.attempts}</td>
                                                        <td class="muted">{short_algiers(r.created_at)}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <nav class="pager">
                                    {move || filter.get().after.is_some().then(|| view! { <A href=page_link(None) attr:class="button">{t!(i18n, orders.first_page)}</A> })}
                                    {(count == PAGE).then(|| view! { <A href=page_link(next.clone()) attr:class="button">{t!(i18n, orders.next)}</A> })}
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
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
