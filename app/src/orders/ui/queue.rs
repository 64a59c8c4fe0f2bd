//! My queue: the agent's orders on the left, the selected one on the right with the customer card
//! and everything to record the call. Keyboard first: N/K next/previous order, C call, 1–9 pick a
//! result, Ctrl+Enter save.
use leptos::ev;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{priority_text, typing_in_field, OrderPanel};
use crate::components::{ClientOnly, Loaded};
use crate::i18n::*;
use crate::locale::format::short_algiers;
use crate::orders::api::my_queue;
use crate::orders::{OrderRow, Priority};
use crate::statuses::api::get_status_config;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    // Live: an order assigned to me or taken from me, a callback coming due (the minute's tick),
    // a status edited elsewhere (new buttons) refresh the list without a reload.
    let live = crate::components::live::use_live();
    let queue = Resource::new(move || (reload.get(), live.orders.get(), live.tick.get()), |_| my_queue());
    let config = Resource::new(move || (reload.get(), live.statuses.get()), |_| get_status_config());
    let selected = RwSignal::new(None::<i64>);
    let ids = move || queue.get().and_then(|r| r.ok()).map(|rows| rows.iter().map(|r| r.id).collect::<Vec<_>>());
    // The chosen order, else the first of the queue.
    let current = Memo::new(move |_| selected.get().or_else(|| ids().and_then(|ids| ids.first().copied())));

    let step = move |forward: bool| {
        let list = untrack(ids).unwrap_or_default();
        if list.is_empty() {
            return;
        }
        let next = match current.get_untracked().and_then(|id| list.iter().position(|x| *x == id)) {
            None => 0,
            Some(i) if forward => (i + 1).min(list.len() - 1),
            Some(i) => i.saturating_sub(1),
        };
        selected.set(Some(list[next]));
    };
    Effect::new(move |_| {
        let handle = window_event_listener(ev::keydown, move |event| {
            if typing_in_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            match event.key().as_str() {
                "n" | "N" | "j" | "J" => {
                    event.prevent_default();
                    step(true);
                }
                "k" | "K" | "p" | "P" => {
                    event.prevent_default();
                    step(false);
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    });

    // Keep the selected row in sight when the keyboard moves through a long queue.
    Effect::new(move |_| {
        if let Some(id) = current.get() {
            let selector = format!("[data-testid=queue-row][data-order=\"{id}\"]");
            if let Ok(Some(row)) = document().query_selector(&selector) {
                row.scroll_into_view_with_bool(false);
            }
        }
    });

    // After a save: move on to the next order and refresh the list.
    let on_saved = Callback::new(move |_: ()| {
        let list = untrack(ids).unwrap_or_default();
        let now = current.get_untracked();
        let next = now
            .and_then(|id| list.iter().position(|x| *x == id))
            .and_then(|i| list.get(i + 1).or_else(|| i.checked_sub(1).and_then(|j| list.get(j))))
            .copied();
        selected.set(next.or(now));
        reload.update(|n| *n += 1);
    });

    view! {
        <Title text=move || t_string!(i18n, queue.title).to_string()/>
        <h1>{t!(i18n, queue.title)}</h1>
        <p class="muted shortcuts">{t!(i18n, queue.shortcuts)}</p>
        <div class="queue-layout">
            <section class="card queue-list" aria-label=move || t_string!(i18n, queue.list_label).to_string()>
                <Loaded
                    load=move || async move {
                        let (rows, config) = (queue.await, config.await);
                        Ok((rows?, config?))
                    }
                    let:loaded
                >
                    {
                        let (rows, config) = loaded;
                        let config = StoredValue::new(config);
                        let count = rows.len();
                        view! {
                            <p class="muted" data-testid="queue-count">{t!(i18n, queue.count, count = move || count)}</p>
                            <Show when=move || count == 0>
                                <p class="muted">{t!(i18n, queue.empty)}</p>
                            </Show>
                            <ul class="queue-rows">
                                {rows
                                    .into_iter()
                                    .map(|row| view! { <QueueRow row=row config=config current=current selected=selected/> })
                                    .collect_view()}
                            </ul>
                        }
                    }
                </Loaded>
            </section>
            <section class="card order-area">
                <ClientOnly>
                    <OrderPanel id=current.into() config=config on_saved=on_saved/>
                </ClientOnly>
            </section>
        </div>
    }
}

#[component]
fn QueueRow(
    row: OrderRow,
    config: StoredValue<StatusConfig>,
    current: Memo<Option<i64>>,
    selected: RwSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = row.id;
    let is_selected = move || current.get() == Some(id);
    let due = row.next_contact_at.map(short_algiers);
    let urgent = matches!(row.priority, Priority::High | Priority::Urgent);
    let priority = row.priority;
    view! {
        <li>
            <button
                type="button"
                class="queue-row"
                class:selected=is_selected
                aria-current=move || if is_selected() { "true" } else { "false" }
                data-testid="queue-row"
                data-order=id
                on:click=move |_| selected.set(Some(id))
            >
                <span class="queue-row-top">
                    <strong>{row.number.clone()}</strong>
                    <StatusChip config=config code=row.status.clone()/>
                </span>
                <span class="queue-row-name">{row.customer_name.clone()}</span>
                <span class="queue-row-meta muted">
                    {format!("{:02} {}", row.wilaya_code, row.wilaya_name)}
                    {urgent.then(|| view! { <span class="badge warn">{move || priority_text(i18n, priority)}</span> })}
                    {due.map(|at| view! { <span class="due">{move || t_string!(i18n, queue.due_at, at = at.clone()).to_string()}</span> })}
                </span>
            </button>
        </li>
    }
}
