//! One order on the agent's screen: what was ordered, the customer card, call and WhatsApp
//! buttons with a running timer, the results allowed from the current status, notes, callback,
//! and the attempt trail.
use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;

use super::{priority_text, typing_in_field};
use crate::agents::ui::routing_note_text;
use crate::auth::Role;
use crate::components::clock::{local_input_to_utc, now_ms};
use crate::components::session::use_current_user;
use crate::components::ErrorAlert;
use crate::customers::domain::display_phone;
use crate::customers::ui::CustomerCardView;
use crate::customers::CustomerCard;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::locale::format::{dzd, short_algiers, stopwatch};
use crate::locale::UiLocale;
use crate::orders::api::{get_order_work, record_attempt};
use crate::orders::domain::{whatsapp_link, whatsapp_message};
use crate::orders::{AttemptInput, DeliveryType, Method, OrderView};
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

/// The order being worked, or a hint when there is none. One panel lives as long as the page and
/// follows `id`: its data is fetched in the browser only (it changes with every key press, and a
/// panel rebuilt per order could be disposed while its request is still out). Mount it inside
/// `ClientOnly`: a server render of it could not match what the browser has by hydration time.
#[component]
pub fn OrderPanel(
    id: Signal<Option<i64>>,
    config: Resource<Result<StatusConfig, AppError>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    // Outlives the order view it is about: a 409 reloads the order and the message stays.
    let notice = RwSignal::new(None::<AppError>);
    Effect::new(move |previous: Option<Option<i64>>| {
        let now = id.get();
        if previous.is_some_and(|p| p != now) {
            notice.set(None);
        }
        now
    });
    let order = LocalResource::new(move || {
        reload.track();
        let id = id.get();
        async move {
            match id {
                None => Ok(None),
                Some(id) => get_order_work(id).await.map(Some),
            }
        }
    });
    view! {
        <ErrorAlert error=notice/>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let (config, work) = (config.await, order.await);
                match (config, work) {
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                    (Ok(_), Ok(None)) => view! { <p class="muted">{t!(i18n, queue.select_hint)}</p> }.into_any(),
                    (Ok(config), Ok(Some((order, card)))) => {
                        let config = StoredValue::new(config);
                        provide_context(config);
                        view! { <OrderWork order=order card=card config=config reload=reload notice=notice on_saved=on_saved/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderWork(
    order: OrderView,
    card: CustomerCard,
    config: StoredValue<StatusConfig>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<AppError>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_current_user();
    let role = me.get_untracked().map(|u| u.role).unwrap_or(Role::Agent);
    let id = order.id;
    let version = order.version;
    let closed = order.confirmation.closed_at.is_some();
    let status_code = order.confirmation.status_code.clone();
    // (code, colour, needs a callback time) of each result allowed from here, in display order.
    let allowed: Vec<(String, String, bool)> = config.with_value(|c| {
        c.allowed_next(&status_code, role)
            .into_iter()
            .map(|s| (s.code.clone(), s.color.clone(), s.flags.callback))
            .collect()
    });
    let allowed = StoredValue::new(allowed);

    let result = RwSignal::new(None::<String>);
    let notes = RwSignal::new(String::new());
    let callback_at = RwSignal::new(String::new());
    let scope = RwSignal::new("me".to_string());
    let method = RwSignal::new(Method::Phone);
    let started = RwSignal::new(None::<f64>);
    let elapsed = RwSignal::new(0_i64);

    // Browser only (effects do not run on the server).
    Effect::new(move |_| {
        if let Ok(ticker) = set_interval_with_handle(
            move || {
                if let Some(start) = started.get_untracked() {
                    elapsed.set(((now_ms() - start) / 1000.0) as i64);
                }
            },
            Duration::from_millis(500),
        ) {
            on_cleanup(move || ticker.clear());
        }
    });
    let start_timer = move |m: Method| {
        method.set(m);
        if started.get_untracked().is_none() {
            started.set(Some(now_ms()));
            elapsed.set(0);
        }
    };

    let save = Action::new(move |input: &AttemptInput| record_attempt(id, input.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            notice.set(None);
            reload.update(|n| *n += 1);
            on_saved.run(());
        }
        Some(Err(e)) => {
            if e.code == ErrorCode::Conflict || e.code == ErrorCode::OrderClosed {
                // Someone else moved the order: show its new state (the message stays).
                reload.update(|n| *n += 1);
            }
            notice.set(Some(e));
        }
        None => {}
    });
    let needs_callback =
        move || result.get().is_some_and(|code| allowed.with_value(|a| a.iter().any(|(c, _, cb)| *c == code && *cb)));
    let submit = move || {
        if save.pending().get_untracked() {
            return;
        }
        let Some(code) = result.get_untracked() else {
            notice.set(Some(AppError::field(ErrorCode::StatusUnknown, "result")));
            return;
        };
        let duration = started.get_untracked().map(|s| ((now_ms() - s) / 1000.0).max(0.0) as i64).unwrap_or(0);
        let callback = local_input_to_utc(&callback_at.get_untracked());
        notice.set(None);
        save.dispatch(AttemptInput {
            method: method.get_untracked().as_str().to_string(),
            result: code,
            notes: notes.get_untracked(),
            duration,
            callback_at: callback,
            callback_scope: Some(scope.get_untracked()),
            version,
        });
    };

    let phone = order.phone.clone();
    let tel = format!("tel:{phone}");
    let language = order.language;
    let wa = whatsapp_link(&phone, &whatsapp_message(language, &order.customer_name, &order.number, order.total));

    Effect::new(move |_| {
        let handle = window_event_listener(ev::keydown, move |event| {
            if closed {
                return;
            }
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                submit();
                return;
            }
            if typing_in_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let key = event.key();
            if key == "c" || key == "C" {
                event.prevent_default();
                if let Some(link) = leptos::prelude::document().get_element_by_id("call-link") {
                    use leptos::wasm_bindgen::JsCast;
                    if let Ok(link) = link.dyn_into::<leptos::web_sys::HtmlElement>() {
                        link.click();
                    }
                }
            } else if let Some(digit) =
                key.chars().next().and_then(|c| c.to_digit(10)).filter(|d| *d >= 1 && key.len() == 1)
            {
                if let Some(code) = allowed.with_value(|a| a.get(digit as usize - 1).map(|x| x.0.clone())) {
                    event.prevent_default();
                    result.set(Some(code));
                }
            }
        });
        on_cleanup(move || handle.remove());
    });

    let delivery_type = order.delivery_type;
    let delivery = move || match delivery_type {
        DeliveryType::Home => t_string!(i18n, queue.home_delivery).to_string(),
        DeliveryType::StopDesk => t_string!(i18n, queue.stop_desk).to_string(),
    };
    let place = [Some(format!("{:02} {}", order.wilaya_code, order.wilaya_name)), order.commune_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let priority = order.confirmation.priority;
    let attempts = order.confirmation.attempts.clone();

    view! {
        <article class="order-work" data-testid="order-panel" data-order=id data-version=version>
            <header class="order-head">
                <h2>{t!(i18n, queue.order)} " " {order.number.clone()}</h2>
                <StatusChip config=config code=status_code.clone()/>
                <span class="badge">{t!(i18n, queue.priority)} ": " {move || priority_text(i18n, priority)}</span>
            </header>
            {order.duplicate_info.duplicate_score.map(|score| {
                let original = order.duplicate_info.original_order.unwrap_or_default();
                view! {
                    <p class="alert warn" role="alert" data-testid="duplicate-warning">
                        {t!(i18n, duplicates.warning_possible, number = format!("#{original}"), score = score)}
                        " " <a href=format!("/orders/{original}")>{t!(i18n, queue.duplicate_warning)}</a>
                    </p>
                }
            })}
            {order.confirmation.routing.clone().map(|note| {
                let agent = order.confirmation.assigned_agent_name.clone();
                view! {
                    <p class="muted routing-reason" data-testid="routing-reason">
                        {t!(i18n, routing.why)} ": " {move || routing_note_text(i18n, &note, agent.as_deref())}
                    </p>
                }
            })}
            <div class="order-grid">
                <section>
                    <h3>{t!(i18n, queue.items)}</h3>
                    <ul class="items">
                        {order.items.iter().map(|item| view! {
                            <li>
                                <span>{format!("{} × {}", item.quantity, item.name)}</span>
                                <span class="amount">{dzd(item.unit_price * i64::from(item.quantity))}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p class="total"><strong>{t!(i18n, queue.total)} ": " {dzd(order.total)}</strong></p>
                    <h3>{t!(i18n, queue.delivery)}</h3>
                    <p>{delivery} " · " {place}</p>
                    <p class="muted">{order.address.clone()}</p>
                </section>
                <CustomerCardView card=card current_order=id on_change=Callback::new(move |_| reload.update(|n| *n += 1))/>
            </div>

            <Show when=move || !closed>
                <section class="call-box" aria-live="polite">
                    <a id="call-link" class="button primary" href=tel.clone() on:click=move |_| start_timer(Method::Phone)>
                        {t!(i18n, queue.call)} " " <span dir="ltr">{display_phone(&phone)}</span>
                    </a>
                    <a class="button" href=wa.clone() target="_blank" rel="noopener" on:click=move |_| start_timer(Method::Whatsapp)>
                        {t!(i18n, queue.whatsapp)}
                    </a>
                    <Show when=move || started.get().is_some()>
                        <span class="timer" data-testid="call-timer">
                            {move || t_string!(i18n, queue.call_running, time = stopwatch(elapsed.get())).to_string()}
                        </span>
                    </Show>
                </section>
                <fieldset class="results">
                    <legend>{t!(i18n, queue.result)}</legend>
                    <Show when=move || allowed.with_value(|a| a.is_empty())>
                        <p class="muted">{t!(i18n, queue.no_results)}</p>
                    </Show>
                    {allowed.get_value().into_iter().enumerate().map(|(i, (code, color, _))| {
                        let pressed = {
                            let code = code.clone();
                            move || result.get().as_deref() == Some(code.as_str())
                        };
                        let label = {
                            let code = code.clone();
                            move || {
                                let locale = UiLocale::from_i18n(i18n.get_locale());
                                config.with_value(|c| c.get(&code).map(|s| s.label(locale).to_string())).unwrap_or_default()
                            }
                        };
                        let pick = code.clone();
                        view! {
                            <button
                                type="button"
                                class="result-button"
                                style:--chip-color=color
                                data-result=code.clone()
                                aria-pressed=move || if pressed() { "true" } else { "false" }
                                on:click=move |_| result.set(Some(pick.clone()))
                            >
                                {(i < 9).then(|| view! { <kbd>{i + 1}</kbd> })}
                                {label}
                            </button>
                        }
                    }).collect_view()}
                </fieldset>
                <Show when=needs_callback>
                    <div class="callback-row">
                        <div class="field">
                            <label for="callback-at">{t!(i18n, queue.callback_at)}</label>
                            <input id="callback-at" type="datetime-local" prop:value=callback_at
                                on:input=move |ev| callback_at.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="callback-scope">{t!(i18n, queue.callback_scope)}</label>
                            <select id="callback-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                                <option value="me" selected=true>{t!(i18n, queue.scope_me)}</option>
                                <option value="anyone">{t!(i18n, queue.scope_anyone)}</option>
                            </select>
                        </div>
                    </div>
                </Show>
                <div class="field">
                    <label for="attempt-notes">{t!(i18n, queue.notes)}</label>
                    <textarea id="attempt-notes" rows="2" prop:value=notes
                        on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </div>
                <button type="button" class="button primary" data-testid="save-attempt"
                    disabled=move || save.pending().get()
                    on:click=move |_| submit()>
                    {t!(i18n, queue.save)} " " <kbd>"Ctrl+↵"</kbd>
                </button>
            </Show>

            <section>
                <h3>{t!(i18n, queue.history)}</h3>
                {if attempts.is_empty() {
                    view! { <p class="muted">{t!(i18n, queue.no_attempts)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="attempts" data-testid="attempts">
                            {attempts.into_iter().map(|a| view! {
                                <li>
                                    <span class="muted">{short_algiers(a.timestamp)}</span>
                                    " "
                                    <StatusChip config=config code=a.result.clone()/>
                                    " " {a.agent_name.clone()} " · " {stopwatch(i64::from(a.duration))}
                                    {(!a.notes.is_empty()).then(|| view! { <p class="note">{a.notes.clone()}</p> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
        </article>
    }
}
