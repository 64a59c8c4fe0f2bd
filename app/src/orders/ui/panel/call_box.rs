//! Call and WhatsApp buttons; either starts the attempt's stopwatch.
use std::time::Duration;

use leptos::prelude::*;

use super::attempt_form::AttemptDraft;
use crate::components::clock::now_ms;
use crate::customers::domain::display_phone;
use crate::i18n::*;
use crate::locale::format::stopwatch;
use crate::orders::domain::{whatsapp_link, whatsapp_message};
use crate::orders::{Method, OrderView};

/// The id of the call link, which the `C` shortcut clicks.
pub const CALL_LINK_ID: &str = "call-link";

#[component]
pub fn CallBox(order: OrderView, draft: AttemptDraft) -> impl IntoView {
    let i18n = use_i18n();
    let elapsed = RwSignal::new(0_i64);
    // Browser only (effects do not run on the server).
    Effect::new(move |_| {
        if let Ok(ticker) = set_interval_with_handle(
            move || {
                if let Some(start) = draft.started.get_untracked() {
                    elapsed.set(((now_ms() - start) / 1000.0) as i64);
                }
            },
            Duration::from_millis(500),
        ) {
            on_cleanup(move || ticker.clear());
        }
    });
    let start = move |method: Method| {
        if draft.start(method) {
            elapsed.set(0);
        }
    };
    let phone = order.phone.clone();
    let tel = format!("tel:{phone}");
    let message = whatsapp_message(order.language, &order.customer_name, &order.number, order.total);
    let wa = whatsapp_link(&phone, &message);
    view! {
        <section class="call-box" aria-live="polite">
            <a id=CALL_LINK_ID class="button primary" href=tel on:click=move |_| start(Method::Phone)>
                {t!(i18n, queue.call)} " " <span dir="ltr">{display_phone(&phone)}</span>
            </a>
            <a class="button" href=wa target="_blank" rel="noopener" on:click=move |_| start(Method::Whatsapp)>
                {t!(i18n, queue.whatsapp)}
            </a>
            <Show when=move || draft.started.get().is_some()>
                <span class="timer" data-testid="call-timer">
                    {move || t_string!(i18n, queue.call_running, time = stopwatch(elapsed.get())).to_string()}
                </span>
            </Show>
        </section>
    }
}
