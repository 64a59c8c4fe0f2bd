//! The messages sent about the order, with their delivery status and cost (refreshed with the
//! order: after each save and on every reload), and the agent's "send SMS": pick a step, see
//! the text in the customer's language and what it costs, then send it through the outbox.
use leptos::prelude::*;

use crate::components::{ErrorAlert, Field};
use crate::i18n::*;
use crate::messaging::ui::{MessageList, PreviewFacts, StepName};
use crate::messaging::{SmsEntry, ORDER_RECEIVED, REMINDER, SHIPPED_SOON};
use crate::orders::api::{preview_order_message, send_order_message};

/// The steps an agent may text by hand, most used first.
const MANUAL_STEPS: [&str; 7] =
    ["no_answer_sms", REMINDER, "callback", "postponed", "confirmed", ORDER_RECEIVED, SHIPPED_SOON];

#[component]
pub fn MessageTrail(id: i64, version: i32, messages: Vec<SmsEntry>, on_sent: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="message-trail-title">
            <h3 id="message-trail-title">{t!(i18n, messaging.history)}</h3>
            {if messages.is_empty() {
                view! { <p class="muted">{t!(i18n, messaging.none_yet)}</p> }.into_any()
            } else {
                view! { <MessageList messages=messages labelled_by="message-trail-title"/> }.into_any()
            }}
            <SendSms id=id version=version on_sent=on_sent/>
        </section>
    }
}

#[component]
fn SendSms(id: i64, version: i32, on_sent: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let step = RwSignal::new(String::new());
    let preview = Resource::new(
        move || step.get(),
        move |step| async move {
            if step.is_empty() {
                None
            } else {
                Some(preview_order_message(id, step).await)
            }
        },
    );
    let send = Action::new(move |step: &String| send_order_message(id, step.clone(), version));
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            step.set(String::new());
            on_sent.run(());
        }
    });
    let send_error = Signal::derive(move || send.value().get().and_then(|r| r.err()));
    view! {
        <div class="send-sms" role="group" aria-labelledby="send-sms-title">
            <h4 id="send-sms-title">{t!(i18n, messaging.send_title)}</h4>
            <Field for_id="send-sms-step" label=move || t!(i18n, messaging.send_step)>
                <select id="send-sms-step" prop:value=move || step.get() on:change=move |ev| step.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, messaging.choose_step)}</option>
                    {MANUAL_STEPS.into_iter().map(|s| view! { <option value=s><StepName step=s.to_string()/></option> }).collect_view()}
                </select>
            </Field>
            <div class="preview" aria-live="polite" data-testid="send-sms-preview">
                <Transition>
                    {move || Suspend::new(async move {
                        match preview.await {
                            None => ().into_any(),
                            Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                            Some(Ok(p)) => view! {
                                <PreviewFacts preview=p.preview language=p.language/>
                                {p.language_fallback.then(|| view! { <p class="hint">{t!(i18n, messaging.fallback_note)}</p> })}
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <ErrorAlert error=send_error/>
            <button type="button" class="primary"
                disabled=move || step.with(String::is_empty) || send.pending().get()
                on:click=move |_| { send.dispatch(step.get_untracked()); }>
                {t!(i18n, messaging.send_now)}
            </button>
        </div>
    }
}
