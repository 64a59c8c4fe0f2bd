//! The messages sent about the order, with their delivery status and cost (refreshed with the
//! order: after each save and on every reload).
use leptos::prelude::*;

use crate::i18n::*;
use crate::messaging::ui::MessageList;
use crate::messaging::SmsEntry;

#[component]
pub fn MessageTrail(messages: Vec<SmsEntry>) -> impl IntoView {
    let i18n = use_i18n();
    (!messages.is_empty()).then(|| {
        view! {
            <section>
                <h3 id="message-trail-title">{t!(i18n, messaging.history)}</h3>
                <MessageList messages=messages labelled_by="message-trail-title"/>
            </section>
        }
    })
}
