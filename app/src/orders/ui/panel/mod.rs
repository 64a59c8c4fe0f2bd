//! One order on the agent's screen, made of parts: the head (number, status, warnings), the
//! details with the customer card, the call box, the attempt form with its shortcuts, the trail.
mod attempt_form;
mod call_box;
mod details;
mod head;
mod messages;
mod trail;

use leptos::prelude::*;

use crate::auth::Role;
use crate::components::session::use_current_user;
use crate::components::{ErrorAlert, Loaded};
use crate::customers::CustomerCard;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::orders::api::{get_order_work, record_attempt};
use crate::orders::{AttemptInput, OrderView};
use crate::statuses::StatusConfig;
use attempt_form::{allowed_results, use_attempt_shortcuts, AttemptDraft, AttemptForm};
use call_box::CallBox;
use details::OrderDetails;
use head::{title_id, OrderHead};
use messages::MessageTrail;
use trail::AttemptTrail;

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
        <Loaded
            load=move || async move {
                let (config, work) = (config.await, order.await);
                Ok((config?, work?))
            }
            let:loaded
        >
            {match loaded {
                (_, None) => view! { <p class="muted">{t!(i18n, queue.select_hint)}</p> }.into_any(),
                (config, Some((order, card))) => {
                    let config = StoredValue::new(config);
                    provide_context(config);
                    view! { <OrderWork order=order card=card config=config reload=reload notice=notice on_saved=on_saved/> }
                        .into_any()
                }
            }}
        </Loaded>
    }
}

/// True once a live event says this order changed and the server's version is newer than the one
/// on screen (a colleague or a supervisor moved it; one's own save reloads the panel first).
fn changed_elsewhere(id: i64, version: i32) -> RwSignal<bool> {
    let stale = RwSignal::new(false);
    let live = crate::components::live::use_live();
    Effect::new(move |seen: Option<u64>| {
        let now = live.orders.get();
        if seen.is_some_and(|s| s != now) && live.changed.get_untracked().contains(&id) {
            leptos::task::spawn_local(async move {
                if let Ok((fresh, _)) = get_order_work(id).await {
                    if fresh.version > version {
                        stale.set(true);
                    }
                }
            });
        }
        now
    });
    stale
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
    let allowed = StoredValue::new(config.with_value(|c| allowed_results(c, &order.confirmation.status_code, role)));
    let draft = AttemptDraft::new();

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
    let submit = Callback::new(move |_: ()| {
        if save.pending().get_untracked() {
            return;
        }
        match draft.input(version) {
            Ok(input) => {
                notice.set(None);
                save.dispatch(input);
            }
            Err(e) => notice.set(Some(e)),
        }
    });
    if !closed {
        use_attempt_shortcuts(draft, allowed, submit);
    }
    let saving = Signal::derive(move || save.pending().get());
    let attempts = order.confirmation.attempts.clone();
    let messages = order.sms_history.clone();
    let on_change = Callback::new(move |_| reload.update(|n| *n += 1));
    let stale = changed_elsewhere(id, version);

    view! {
        <Show when=move || stale.get()>
            <p class="alert warn" role="status" data-testid="changed-elsewhere">
                {t!(i18n, queue.changed_elsewhere)}" "
                <button type="button" on:click=move |_| reload.update(|n| *n += 1)>{t!(i18n, queue.show_new_state)}</button>
            </p>
        </Show>
        <article class="order-work" aria-labelledby=title_id(id) data-testid="order-panel" data-order=id data-version=version>
            <OrderHead order=order.clone() config=config/>
            <OrderDetails order=order.clone() card=card on_change=on_change/>
            <Show when=move || !closed>
                <CallBox order=order.clone() draft=draft/>
                <AttemptForm draft=draft allowed=allowed config=config saving=saving submit=submit/>
            </Show>
            <AttemptTrail attempts=attempts config=config/>
            <MessageTrail id=id version=version messages=messages on_sent=on_change/>
        </article>
    }
}
