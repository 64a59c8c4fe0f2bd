//! The supervisors' messaging page: what went out, filtered by status, step, provider and days
//! (a plain GET form, so a view lives in the address); what it cost per day, step and order;
//! how each provider delivers; and the `unknown` messages, each with the three decisions a
//! person can take (it arrived, send again, give up); and how many callbacks are due, linked to
//! the orders board that lists them.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use super::{message_status_text, StepName};
use crate::auth::Role;
use crate::components::{ErrorAlert, Field, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::{percent, short_algiers};
use crate::messaging::api::{get_outbox, resolve_message};
use crate::messaging::{MessageStatus, OutboxEntry, OutboxFilter, OutboxPage, Resolution};
use crate::orders::api::callbacks_due;
use crate::statuses::api::get_status_config;

/// The filter an address asks for.
fn filter_from_query(q: &ParamsMap) -> OutboxFilter {
    let text = |k: &str| q.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    OutboxFilter {
        status: text("status").and_then(|s| MessageStatus::parse(&s).ok()),
        step: text("step"),
        provider: text("provider"),
        from: text("from"),
        to: text("to"),
    }
}

fn dzd(amount: f64) -> String {
    format!("{amount:.2} DA")
}

#[component]
pub fn OutboxPageView() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, messaging.outbox_title).to_string()/>
        <RoleGate role=Role::Supervisor>
            <Outbox/>
        </RoleGate>
    }
}

#[component]
fn Outbox() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from_query));
    let reload = RwSignal::new(0_u32);
    let page = Resource::new(move || (filter.get(), reload.get()), |(f, _)| get_outbox(f));
    let config = Resource::new(|| (), |_| get_status_config());
    let due = Resource::new(|| (), |_| callbacks_due());
    view! {
        <h1>{t!(i18n, messaging.outbox_title)}</h1>
        <p class="muted">
            <A href="/admin/messages">{t!(i18n, messaging.templates_link)}</A>
            <Transition>
                {move || Suspend::new(async move {
                    due.await.ok().filter(|n| *n > 0).map(|n| view! {
                        " · " <A href="/orders?due=1">{t!(i18n, messaging.callbacks_due)} ": " <span data-testid="callbacks-due">{n}</span></A>
                    })
                })}
            </Transition>
        </p>
        <Loaded
            load=move || async move {
                let (page, config) = (page.await, config.await);
                Ok((page?, config?))
            }
            let:loaded
        >
            {
                let (page, config) = loaded;
                provide_context(StoredValue::new(config));
                view! {
                    <section class="card">
                        <OutboxFilters page=page.clone() filter=filter/>
                    </section>
                    <Summary page=page.clone()/>
                    <section class="card" aria-labelledby="outbox-list">
                        <h2 id="outbox-list">{t_string!(i18n, messaging.outbox_list, count = page.messages.len()).to_string()}</h2>
                        <MessagesTable messages=page.messages.clone() on_resolved=move || reload.update(|n| *n += 1)/>
                    </section>
                }
            }
        </Loaded>
    }
}

#[component]
fn OutboxFilters(page: OutboxPage, filter: Memo<OutboxFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let current = filter.get_untracked();
    let status = current.status.map(|s| s.as_str().to_string()).unwrap_or_default();
    let step = current.step.clone().unwrap_or_default();
    let provider = current.provider.clone().unwrap_or_default();
    let statuses = [
        MessageStatus::Queued,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Failed,
        MessageStatus::Undelivered,
        MessageStatus::Expired,
        MessageStatus::Unknown,
    ];
    view! {
        <Form method="GET" action="/messages">
            <div class="filters">
                <Field for_id="m-status" label=move || t!(i18n, messaging.filter_status)>
                    <select id="m-status" name="status">
                        <option value="">{t!(i18n, orders.any)}</option>
                        {statuses.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=status == s.as_str()>{move || message_status_text(i18n, s)}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field for_id="m-step" label=move || t!(i18n, messaging.filter_step)>
                    <select id="m-step" name="step">
                        <option value="">{t!(i18n, orders.any)}</option>
                        {page.all_steps.into_iter().map(|s| {
                            let selected = s == step;
                            view! { <option value=s.clone() selected=selected><StepName step=s.clone()/></option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field for_id="m-provider" label=move || t!(i18n, messaging.filter_provider)>
                    <select id="m-provider" name="provider">
                        <option value="">{t!(i18n, orders.any)}</option>
                        {page.all_providers.into_iter().map(|p| {
                            let selected = p == provider;
                            view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field for_id="m-from" label=move || t!(i18n, messaging.filter_from)>
                    <input id="m-from" name="from" type="date" value=page.from.clone()/>
                </Field>
                <Field for_id="m-to" label=move || t!(i18n, messaging.filter_to)>
                    <input id="m-to" name="to" type="date" value=page.to.clone()/>
                </Field>
                <div class="inline">
                    <button type="submit" class="primary">{t!(i18n, orders.apply)}</button>
                    <A href="/messages" attr:class="button">{t!(i18n, orders.reset)}</A>
                </div>
            </div>
        </Form>
    }
}

#[component]
fn Summary(page: OutboxPage) -> impl IntoView {
    let i18n = use_i18n();
    let per_order = (page.orders > 0).then(|| page.total_cost / page.orders as f64);
    let unknown = page.unknown;
    view! {
        <section class="card" aria-labelledby="outbox-summary">
            <h2 id="outbox-summary">{t!(i18n, messaging.summary)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, messaging.total_messages)}</dt><dd data-testid="total-messages">{page.total_messages}</dd>
                <dt>{t!(i18n, messaging.total_cost)}</dt><dd data-testid="total-cost">{dzd(page.total_cost)}</dd>
                <dt>{t!(i18n, messaging.cost_per_order)}</dt><dd>{per_order.map(dzd).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, messaging.unknown_to_resolve)}</dt>
                <dd data-testid="unknown-count">
                    {if unknown > 0 {
                        view! { <A href="/messages?status=unknown">{unknown}</A> }.into_any()
                    } else {
                        view! { <span>"0"</span> }.into_any()
                    }}
                </dd>
            </dl>
            <div class="summary-tables">
                <table>
                    <caption>{t!(i18n, messaging.by_provider)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, messaging.provider)}</th>
                        <th scope="col">{t!(i18n, messaging.taken)}</th>
                        <th scope="col">{t!(i18n, messaging.delivered)}</th>
                        <th scope="col">{t!(i18n, messaging.failed)}</th>
                        <th scope="col">{t!(i18n, messaging.delivery_rate)}</th>
                    </tr></thead>
                    <tbody>
                        {page.providers.is_empty().then(|| view! { <tr><td colspan="5" class="muted">{t!(i18n, messaging.none_taken)}</td></tr> })}
                        {page.providers.into_iter().map(|p| view! {
                            <tr data-provider=p.provider.clone()>
                                <th scope="row">{p.provider.clone()}</th>
                                <td>{p.taken}</td><td>{p.delivered}</td><td>{p.failed}</td>
                                <td>{percent(p.rate)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <table>
                    <caption>{t!(i18n, messaging.by_step)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, messaging.filter_step)}</th>
                        <th scope="col">{t!(i18n, messaging.total_messages)}</th>
                        <th scope="col">{t!(i18n, messaging.delivered)}</th>
                        <th scope="col">{t!(i18n, messaging.total_cost)}</th>
                    </tr></thead>
                    <tbody>
                        {page.steps.into_iter().map(|s| view! {
                            <tr>
                                <th scope="row"><StepName step=s.step.clone()/></th>
                                <td>{s.messages}</td><td>{s.delivered}</td><td>{dzd(s.cost)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <table>
                    <caption>{t!(i18n, messaging.by_day)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, messaging.day)}</th>
                        <th scope="col">{t!(i18n, messaging.total_messages)}</th>
                        <th scope="col">{t!(i18n, messaging.total_cost)}</th>
                    </tr></thead>
                    <tbody>
                        {page.days.into_iter().rev().map(|d| view! {
                            <tr><th scope="row">{d.day.clone()}</th><td>{d.messages}</td><td>{dzd(d.cost)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <table>
                    <caption>{t!(i18n, messaging.by_order)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, messaging.order)}</th>
                        <th scope="col">{t!(i18n, messaging.total_messages)}</th>
                        <th scope="col">{t!(i18n, messaging.total_cost)}</th>
                    </tr></thead>
                    <tbody>
                        {page.top_orders.into_iter().map(|o| view! {
                            <tr>
                                <th scope="row"><A href=format!("/orders/{}", o.order_id)>{o.order_number.clone()}</A></th>
                                <td>{o.messages}</td><td>{dzd(o.cost)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn MessagesTable(messages: Vec<OutboxEntry>, on_resolved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    if messages.is_empty() {
        return view! { <p class="muted">{t!(i18n, messaging.outbox_empty)}</p> }.into_any();
    }
    view! {
        <table class="outbox" aria-labelledby="outbox-list">
            <thead><tr>
                <th scope="col">{t!(i18n, messaging.day)}</th>
                <th scope="col">{t!(i18n, messaging.order)}</th>
                <th scope="col">{t!(i18n, messaging.filter_step)}</th>
                <th scope="col">{t!(i18n, messaging.recipient)}</th>
                <th scope="col">{t!(i18n, messaging.filter_status)}</th>
                <th scope="col">{t!(i18n, messaging.provider)}</th>
                <th scope="col">{t!(i18n, messaging.total_cost)}</th>
                <th scope="col">{t!(i18n, messaging.text)}</th>
            </tr></thead>
            <tbody>
                {messages.into_iter().map(|m| view! { <MessageRow m=m on_resolved=on_resolved/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn MessageRow(m: OutboxEntry, on_resolved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let status = m.status;
    let id = m.id;
    let resolve = Action::new(move |r: &Resolution| resolve_message(id, *r));
    Effect::new(move |_| {
        if matches!(resolve.value().get(), Some(Ok(()))) {
            on_resolved();
        }
    });
    let error = Signal::derive(move || resolve.value().get().and_then(|r| r.err()));
    let dir = if m.language.is_rtl() { "rtl" } else { "ltr" };
    let order = match (m.order_id, m.order_number.clone()) {
        (Some(id), Some(number)) => view! { <A href=format!("/orders/{id}")>{number}</A> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <tr data-message-id=id data-message-status=status.as_str()>
            <td>{short_algiers(m.sent_at.unwrap_or(m.created_at))}</td>
            <td>{order}</td>
            <td><StepName step=m.step.clone()/></td>
            <td dir="ltr">{m.recipient.clone()}</td>
            <td>
                <strong>{move || message_status_text(i18n, status)}</strong>
                {m.error.clone().map(|e| view! { <div class="muted small">{e}</div> })}
            </td>
            <td>{m.provider.clone().unwrap_or_default()}</td>
            <td>
                {t_string!(i18n, messaging.segments, count = m.segments).to_string()}
                {m.cost.map(|c| view! { <div>{dzd(c)}</div> })}
            </td>
            <td>
                <p class="note" dir=dir lang=m.language.tag()>{m.message.clone()}</p>
                {(status == MessageStatus::Unknown).then(|| view! {
                    <div class="inline" role="group" aria-label=move || t_string!(i18n, messaging.resolve).to_string()>
                        <button type="button" on:click=move |_| { resolve.dispatch(Resolution::Delivered); }>{t!(i18n, messaging.resolve_delivered)}</button>
                        <button type="button" on:click=move |_| { resolve.dispatch(Resolution::Resend); } title=move || t_string!(i18n, messaging.resend_warning).to_string()>{t!(i18n, messaging.resolve_resend)}</button>
                        <button type="button" on:click=move |_| { resolve.dispatch(Resolution::Failed); }>{t!(i18n, messaging.resolve_failed)}</button>
                    </div>
                    <ErrorAlert error=error/>
                })}
            </td>
        </tr>
    }
}
