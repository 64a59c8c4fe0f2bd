//! The messages sent about the order, with their delivery status and cost (refreshed with the
//! order: after each save and on every reload).
use leptos::prelude::*;

use crate::i18n::*;
use crate::locale::format::short_algiers;
use crate::messaging::ui::{message_status_text, StepName};
use crate::messaging::SmsEntry;

#[component]
pub fn MessageTrail(messages: Vec<SmsEntry>) -> impl IntoView {
    let i18n = use_i18n();
    (!messages.is_empty()).then(|| {
        view! {
            <section>
                <h3 id="message-trail-title">{t!(i18n, messaging.history)}</h3>
                <ol class="messages" aria-labelledby="message-trail-title">
                    {messages.into_iter().map(|m| {
                        let status = m.status;
                        let at = m.sent_at.unwrap_or(m.created_at);
                        let cost = m.cost.map(|c| format!(" · {c:.2} DA"));
                        let dir = if m.language.is_rtl() { "rtl" } else { "ltr" };
                        view! {
                            <li data-message-status=status.as_str()>
                                <span class="muted">{short_algiers(at)}</span> " "
                                <StepName step=m.step.clone()/> " · "
                                <strong class="message-status">{move || message_status_text(i18n, status)}</strong>
                                {cost}
                                <p class="note" dir=dir lang=m.language.tag()>{m.message.clone()}</p>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}
