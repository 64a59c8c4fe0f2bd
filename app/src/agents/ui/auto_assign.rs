//! The auto-assign button and the report of its run (orders board).

use leptos::prelude::*;
use leptos_router::components::A;

use super::text::*;
use crate::agents::api::RunAutoAssign;
use crate::components::{action_error, ErrorAlert};
use crate::i18n::*;

/// The auto-assign button and what the run did (orders page).
#[component]
pub fn AutoAssignPanel(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let run = ServerAction::<RunAutoAssign>::new();
    Effect::new(move |_| {
        if run.value().with(|v| matches!(v, Some(Ok(_)))) {
            on_done.run(());
        }
    });
    let error = action_error(run);
    view! {
        <section class="card auto-assign">
            <button type="button" class="primary" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(RunAutoAssign {}); }>
                {t!(i18n, routing.run)}
            </button>
            <ErrorAlert error=error/>
            {move || run.value().get().and_then(Result::ok).map(|report| view! {
                <div role="status" data-testid="auto-assign-report">
                    <p>{t!(i18n, routing.summary, assigned = report.assigned, waiting = report.unassigned, agents = report.agents, ms = report.took_ms)}</p>
                    <ul class="routing-report">
                        {report.orders.into_iter().map(|line| {
                            let note = line.note.clone();
                            let agent = line.agent_name.clone();
                            view! {
                                <li data-order=line.order_id>
                                    <A href=format!("/orders/{}", line.order_id)>{line.number.clone()}</A>
                                    " · " {move || routing_note_text(i18n, &note, agent.as_deref())}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}
