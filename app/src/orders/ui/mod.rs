//! My queue: the agent's orders on the left, the selected one on the right with the customer card
//! and everything to record the call. Keyboard first: N/K next/previous order, C call, 1–9 pick a
//! result, Ctrl+Enter save.
mod panel;
mod supervisor;

use leptos::ev;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::my_queue;
use super::{OrderRow, Priority};
use crate::components::{ClientOnly, ErrorAlert};
use crate::i18n::*;
use crate::locale::format::short_algiers;
use crate::statuses::api::get_status_config;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

pub use panel::OrderPanel;
pub use supervisor::{OrderPage, OrdersPage};

/// The translated name of a priority.
pub fn priority_text(i18n: leptos_i18n::I18nContext<Locale>, priority: Priority) -> String {
    match priority {
        Priority::Low => t_string!(i18n, queue.priority_low).to_string(),
        Priority::Normal => t_string!(i18n, queue.priority_normal).to_string(),
        Priority::High => t_string!(i18n, queue.priority_high).to_string(),
        Priority::Urgent => t_string!(i18n, queue.priority_urgent).to_string(),
    }
}

/// Whether a key press came from a text field (where letters are typing, not shortcuts).
pub(crate) fn typing_in_field(event: &leptos::web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select"))
        .unwrap_or(false)
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let queue = Resource::new(move || reload.get(), |_| my_queue());
    // Re-read with the queue: configuration changes reach the agent at their next save or reload.
    let config = Resource::new(move || reload.get(), |_| get_status_config());
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
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let (rows, config) = (queue.await, config.await);
                        match (rows, config) {
                            (Err(e), _) | (_, Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                            (Ok(rows), Ok(config)) => {
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
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
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
