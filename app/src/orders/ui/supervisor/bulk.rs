//! Bulk assignment: the selected orders to one agent, or back to nobody.
use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::auth::UserSummary;
use crate::error::AppError;
use crate::i18n::*;

/// Assigns the ids to the agent (None: back to nobody); answers the ids it changed.
pub type AssignAction = Action<(Vec<i64>, Option<i64>), Result<Vec<i64>, AppError>>;

#[component]
pub fn BulkAssign(
    selected: RwSignal<BTreeSet<i64>>,
    agents: Resource<Result<Vec<UserSummary>, AppError>>,
    assign: AssignAction,
) -> impl IntoView {
    let i18n = use_i18n();
    let target = RwSignal::new(String::new());
    let chosen = move || selected.get_untracked().into_iter().collect::<Vec<i64>>();
    view! {
        <div class="toolbar bulk">
            <span data-testid="selected-count">{move || t_string!(i18n, orders.selected, count = selected.with(|s| s.len())).to_string()}</span>
            <div class="inline">
                <label for="bulk-agent">{t!(i18n, orders.assign_to)}</label>
                <Transition>
                    {move || Suspend::new(async move {
                        let agents = agents.await.unwrap_or_default();
                        view! {
                            <select id="bulk-agent" on:change=move |ev| target.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {agents.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <button type="button" class="primary" data-testid="bulk-assign"
                    disabled=move || selected.with(|s| s.is_empty()) || target.with(|t| t.is_empty())
                    on:click=move |_| { assign.dispatch((chosen(), target.get_untracked().parse().ok())); }>
                    {t!(i18n, orders.assign)}
                </button>
                <button type="button" disabled=move || selected.with(|s| s.is_empty())
                    on:click=move |_| { assign.dispatch((chosen(), None)); }>
                    {t!(i18n, orders.unassign)}
                </button>
            </div>
        </div>
    }
}
