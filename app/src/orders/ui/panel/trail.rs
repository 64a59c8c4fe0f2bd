//! The order's attempt trail, newest first as the server sends it.
use leptos::prelude::*;

use crate::i18n::*;
use crate::locale::format::{short_algiers, stopwatch};
use crate::orders::Attempt;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

#[component]
pub fn AttemptTrail(attempts: Vec<Attempt>, config: StoredValue<StatusConfig>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h3 id="attempt-trail-title">{t!(i18n, queue.history)}</h3>
            {if attempts.is_empty() {
                view! { <p class="muted">{t!(i18n, queue.no_attempts)}</p> }.into_any()
            } else {
                view! {
                    <ol class="attempts" aria-labelledby="attempt-trail-title" data-testid="attempts">
                        {attempts.into_iter().map(|a| view! {
                            <li>
                                <span class="muted">{short_algiers(a.timestamp)}</span>
                                " "
                                <StatusChip config=config code=a.result.clone()/>
                                " "
                                {match a.agent_name.clone() {
                                    Some(agent) => view! { {agent} " · " {stopwatch(i64::from(a.duration))} }.into_any(),
                                    None => view! { <em class="customer-answer">{t!(i18n, queue.customer_answer)}</em> }.into_any(),
                                }}
                                {(!a.notes.is_empty()).then(|| view! { <p class="note">{a.notes.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
