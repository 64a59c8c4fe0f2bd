//! The orders board's filters: a plain GET form, so a filtered view works before hydration and
//! lives in the address (shared, bookmarked, paged).
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::params::ParamsMap;

use super::PAGE;
use crate::auth::UserSummary;
use crate::components::Field;
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::UiLocale;
use crate::orders::ui::priority_text;
use crate::orders::{PendingFilter, Priority};
use crate::places::Wilaya;
use crate::statuses::ui::category_text;
use crate::statuses::{StatusCategory, StatusConfig};

/// The filter a board address asks for.
pub fn filter_from_query(q: &ParamsMap) -> PendingFilter {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    PendingFilter {
        status: text("status"),
        category: text("category"),
        wilaya: text("wilaya").and_then(|v| v.parse().ok()),
        agent: text("agent").and_then(|v| v.parse().ok()),
        unassigned: text("unassigned").is_some(),
        callbacks_due: text("due").is_some(),
        priority: text("priority"),
        older_than_minutes: text("older_than").and_then(|v| v.parse().ok()),
        limit: Some(PAGE),
        after: text("after"),
    }
}

#[component]
pub fn OrderFilters(
    query: Memo<ParamsMap>,
    config: Resource<Result<StatusConfig, AppError>>,
    wilayas: Resource<Result<Vec<Wilaya>, AppError>>,
    agents: Resource<Result<Vec<UserSummary>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || UiLocale::from_i18n(i18n.get_locale());
    let q = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    view! {
        <Form method="GET" action="/orders">
            <div class="filters">
                <Transition>
                    {move || Suspend::new(async move {
                        let config = config.await.unwrap_or_default();
                        let wilayas = wilayas.await.unwrap_or_default();
                        let agents = agents.await.unwrap_or_default();
                        view! {
                            <Field for_id="f-status" label=move || t!(i18n, orders.status)>
                                <select id="f-status" name="status">
                                    <option value="">{t!(i18n, orders.any)}</option>
                                    {config.statuses.into_iter().map(|s| {
                                        let code = s.code.clone();
                                        let value = s.code.clone();
                                        view! { <option value=value selected=move || q("status") == code>{move || s.label(locale()).to_string()}</option> }
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field for_id="f-category" label=move || t!(i18n, orders.category)>
                                <select id="f-category" name="category">
                                    <option value="">{t!(i18n, orders.any)}</option>
                                    {[(StatusCategory::Pending, "pending"), (StatusCategory::Attempting, "attempting")].into_iter().map(|(c, v)| view! {
                                        <option value=v selected=move || q("category") == v>{move || category_text(i18n, c)}</option>
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field for_id="f-wilaya" label=move || t!(i18n, orders.wilaya)>
                                <select id="f-wilaya" name="wilaya">
                                    <option value="">{t!(i18n, orders.any)}</option>
                                    {wilayas.into_iter().map(|w| {
                                        let code = w.code.to_string();
                                        let value = code.clone();
                                        view! { <option value=value selected=move || q("wilaya") == code>{move || w.display(locale())}</option> }
                                    }).collect_view()}
                                </select>
                            </Field>
                            <Field for_id="f-agent" label=move || t!(i18n, orders.agent)>
                                <select id="f-agent" name="agent">
                                    <option value="">{t!(i18n, orders.any)}</option>
                                    {agents.into_iter().map(|a| {
                                        let id = a.id.to_string();
                                        let value = id.clone();
                                        view! { <option value=value selected=move || q("agent") == id>{a.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </Field>
                        }
                    })}
                </Transition>
                <Field for_id="f-priority" label=move || t!(i18n, orders.priority)>
                    <select id="f-priority" name="priority">
                        <option value="">{t!(i18n, orders.any)}</option>
                        {Priority::ALL.iter().map(|p| {
                            let p = *p;
                            view! { <option value=p.as_str() selected=move || q("priority") == p.as_str()>{move || priority_text(i18n, p)}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field for_id="f-older" label=move || t!(i18n, orders.older_than)>
                    <input id="f-older" name="older_than" type="number" min="0" prop:value=move || q("older_than")/>
                </Field>
                <label class="check" for="f-unassigned">
                    <input id="f-unassigned" type="checkbox" name="unassigned" value="1" prop:checked=move || !q("unassigned").is_empty()/>
                    {t!(i18n, orders.unassigned)}
                </label>
                <label class="check" for="f-due">
                    <input id="f-due" type="checkbox" name="due" value="1" prop:checked=move || !q("due").is_empty()/>
                    {t!(i18n, orders.callbacks_due)}
                </label>
                <div class="inline">
                    <button type="submit" class="primary">{t!(i18n, orders.apply)}</button>
                    <A href="/orders" attr:class="button">{t!(i18n, orders.reset)}</A>
                </div>
            </div>
        </Form>
    }
}
