//! The status editor (supervisors and admins): the statuses with their labels in three
//! languages, colour, category and meaning, and the transition matrix per role.
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{get_status_config, DeleteStatus, SaveExits, SaveStatus};
use super::{Outcome, StatusCategory, StatusConfig, StatusDef, StatusFlags, StatusLabels};
use crate::auth::Role;
use crate::components::{action_error, role_text, ErrorAlert, Field, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::UiLocale;

const CATEGORIES: [(StatusCategory, &str); 5] = [
    (StatusCategory::Pending, "pending"),
    (StatusCategory::Attempting, "attempting"),
    (StatusCategory::Confirmed, "confirmed"),
    (StatusCategory::Failed, "failed"),
    (StatusCategory::Abandoned, "abandoned"),
];

pub fn category_text(i18n: leptos_i18n::I18nContext<Locale>, category: StatusCategory) -> String {
    match category {
        StatusCategory::Pending => t_string!(i18n, statuses.cat_pending).to_string(),
        StatusCategory::Attempting => t_string!(i18n, statuses.cat_attempting).to_string(),
        StatusCategory::Confirmed => t_string!(i18n, statuses.cat_confirmed).to_string(),
        StatusCategory::Failed => t_string!(i18n, statuses.cat_failed).to_string(),
        StatusCategory::Abandoned => t_string!(i18n, statuses.cat_abandoned).to_string(),
    }
}

pub fn outcome_text(i18n: leptos_i18n::I18nContext<Locale>, outcome: Outcome) -> String {
    match outcome {
        Outcome::Confirmed => t_string!(i18n, statuses.outcome_confirmed).to_string(),
        Outcome::Cancelled => t_string!(i18n, statuses.outcome_cancelled).to_string(),
        Outcome::WrongNumber => t_string!(i18n, statuses.outcome_wrong_number).to_string(),
        Outcome::Unreachable => t_string!(i18n, statuses.outcome_unreachable).to_string(),
        Outcome::Abandoned => t_string!(i18n, statuses.outcome_abandoned).to_string(),
        Outcome::Duplicate => t_string!(i18n, statuses.outcome_duplicate).to_string(),
    }
}

#[component]
pub fn StatusesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, statuses.title).to_string()/>
        <RoleGate role=Role::Supervisor>
            <StatusEditor/>
        </RoleGate>
    }
}

#[component]
fn StatusEditor() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveStatus>::new();
    let exits = ServerAction::<SaveExits>::new();
    let delete = ServerAction::<DeleteStatus>::new();
    let config = Resource::new(
        move || (save.version().get(), exits.version().get(), delete.version().get()),
        |_| get_status_config(),
    );
    let editing = RwSignal::new(None::<(StatusDef, bool)>);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            editing.set(None);
        }
    });
    let error = {
        let (a, b, c) = (action_error(save), action_error(exits), action_error(delete));
        Signal::derive(move || a.get().or_else(|| b.get()).or_else(|| c.get()))
    };
    let new_status = move |_| {
        let status = StatusDef {
            code: String::new(),
            labels: StatusLabels::default(),
            color: "#2563eb".into(),
            category: StatusCategory::Attempting,
            flags: StatusFlags::default(),
            initial: false,
            sort_order: 25,
            active: true,
        };
        editing.set(Some((status, true)));
    };
    view! {
        <h1>{t!(i18n, statuses.title)}</h1>
        <p class="muted">{t!(i18n, statuses.intro)}</p>
        <ErrorAlert error=error/>
        <Loaded load=move || async move { config.await } let:config>
            {
                let stored = StoredValue::new(config.clone());
                view! {
                    <section class="card">
                        <div class="toolbar">
                            <span></span>
                            <button type="button" class="primary" data-testid="new-status" on:click=new_status>
                                {t!(i18n, statuses.create)}
                            </button>
                        </div>
                        <div class="table-wrap">
                            <table data-testid="statuses-table">
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, statuses.code)}</th>
                                        <th>{t!(i18n, statuses.label_fr)}</th>
                                        <th>{t!(i18n, statuses.label_ar)}</th>
                                        <th>{t!(i18n, statuses.label_ar_dz)}</th>
                                        <th>{t!(i18n, statuses.category)}</th>
                                        <th>{t!(i18n, statuses.meaning)}</th>
                                        <th>{t!(i18n, statuses.order)}</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {config.statuses.iter().cloned().map(|s| view! {
                                        <StatusRow status=s config=stored editing=editing delete=delete/>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                    {move || editing.get().map(|(status, create)| view! {
                        <StatusForm status=status create=create save=save editing=editing/>
                    })}
                    <TransitionMatrix config=stored exits=exits/>
                }
            }
        </Loaded>
    }
}

fn flag_names(i18n: leptos_i18n::I18nContext<Locale>, s: &StatusDef) -> String {
    let mut names = Vec::new();
    if s.initial {
        names.push(t_string!(i18n, statuses.initial).to_string());
    }
    for (on, name) in [
        (s.flags.contact_made, t_string!(i18n, statuses.contact_made).to_string()),
        (s.flags.is_final, t_string!(i18n, statuses.is_final).to_string()),
        (s.flags.callback, t_string!(i18n, statuses.callback).to_string()),
        (s.flags.line_busy, t_string!(i18n, statuses.line_busy).to_string()),
        (s.flags.do_not_call, t_string!(i18n, statuses.do_not_call).to_string()),
        (s.flags.counts_as_confirmed, t_string!(i18n, statuses.counts_as_confirmed).to_string()),
    ] {
        if on {
            names.push(name);
        }
    }
    if let Some(outcome) = s.flags.outcome.filter(|o| *o != Outcome::Confirmed) {
        names.push(outcome_text(i18n, outcome));
    }
    names.join(" · ")
}

#[component]
fn StatusRow(
    status: StatusDef,
    config: StoredValue<StatusConfig>,
    editing: RwSignal<Option<(StatusDef, bool)>>,
    delete: ServerAction<DeleteStatus>,
) -> impl IntoView {
    let i18n = use_i18n();
    let edit = status.clone();
    let code = status.code.clone();
    let category = status.category;
    let flags = {
        let s = status.clone();
        move || flag_names(i18n, &s)
    };
    view! {
        <tr class:inactive=!status.active data-status-row=status.code.clone()>
            <td><StatusChip config=config code=status.code.clone()/> " " <code>{status.code.clone()}</code>
                {(!status.active).then(|| view! { " " <span class="badge off">{t!(i18n, statuses.inactive)}</span> })}
            </td>
            <td>{status.labels.fr.clone()}</td>
            <td dir="rtl">{status.labels.ar.clone()}</td>
            <td dir="rtl">{status.labels.ar_dz.clone()}</td>
            <td>{move || category_text(i18n, category)}</td>
            <td class="muted">{flags}</td>
            <td>{status.sort_order}</td>
            <td>
                <div class="inline">
                    <button type="button" on:click=move |_| editing.set(Some((edit.clone(), false)))>{t!(i18n, statuses.edit)}</button>
                    <button type="button" class="danger" on:click=move |_| { delete.dispatch(DeleteStatus { code: code.clone() }); }>
                        {t!(i18n, statuses.delete)}
                    </button>
                </div>
            </td>
        </tr>
    }
}

#[component]
fn StatusForm(
    status: StatusDef,
    create: bool,
    save: ServerAction<SaveStatus>,
    editing: RwSignal<Option<(StatusDef, bool)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(status);
    let text = move |get: fn(&StatusDef) -> String, set: fn(&mut StatusDef, String)| {
        (move || draft.with(get), move |ev: leptos::ev::Event| draft.update(|d| set(d, event_target_value(&ev))))
    };
    let (code, on_code) = text(|d| d.code.clone(), |d, v| d.code = v);
    let (fr, on_fr) = text(|d| d.labels.fr.clone(), |d, v| d.labels.fr = v);
    let (ar, on_ar) = text(|d| d.labels.ar.clone(), |d, v| d.labels.ar = v);
    let (dz, on_dz) = text(|d| d.labels.ar_dz.clone(), |d, v| d.labels.ar_dz = v);
    let (color, on_color) = text(|d| d.color.clone(), |d, v| d.color = v);
    let checkbox =
        move |label: String, get: fn(&StatusDef) -> bool, set: fn(&mut StatusDef, bool), id: &'static str| {
            view! {
                <label class="check" for=id>
                    <input id=id type="checkbox" prop:checked=move || draft.with(get)
                        on:change=move |ev| draft.update(|d| set(d, event_target_checked(&ev)))/>
                    {label}
                </label>
            }
        };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveStatus { status: draft.get_untracked(), create });
    };
    view! {
        <section class="card" data-testid="status-form" aria-labelledby="status-form-title">
            <h2 id="status-form-title">{if create { t_string!(i18n, statuses.create).to_string() } else { t_string!(i18n, statuses.edit).to_string() }}</h2>
            <form on:submit=submit>
                <div class="create-grid">
                    <Field for_id="status-code" label=move || t!(i18n, statuses.code)>
                        <input id="status-code" dir="ltr" required=true readonly=!create prop:value=code on:input=on_code/>
                    </Field>
                    <Field for_id="status-fr" label=move || t!(i18n, statuses.label_fr)>
                        <input id="status-fr" required=true prop:value=fr on:input=on_fr/>
                    </Field>
                    <Field for_id="status-ar" label=move || t!(i18n, statuses.label_ar)>
                        <input id="status-ar" dir="rtl" lang="ar" required=true prop:value=ar on:input=on_ar/>
                    </Field>
                    <Field for_id="status-ar-dz" label=move || t!(i18n, statuses.label_ar_dz)>
                        <input id="status-ar-dz" dir="rtl" lang="ar-DZ" required=true prop:value=dz on:input=on_dz/>
                    </Field>
                    <Field for_id="status-color" label=move || t!(i18n, statuses.color)>
                        <input id="status-color" type="color" prop:value=color on:input=on_color/>
                    </Field>
                    <Field for_id="status-category" label=move || t!(i18n, statuses.category)>
                        <select id="status-category" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some((c, _)) = CATEGORIES.iter().find(|(_, s)| *s == value) {
                                draft.update(|d| d.category = *c);
                            }
                        }>
                            {CATEGORIES.into_iter().map(|(c, value)| view! {
                                <option value=value selected=move || draft.with(|d| d.category == c)>{move || category_text(i18n, c)}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field for_id="status-order" label=move || t!(i18n, statuses.order)>
                        <input id="status-order" type="number" prop:value=move || draft.with(|d| d.sort_order.to_string())
                            on:input=move |ev| if let Ok(n) = event_target_value(&ev).parse() { draft.update(|d| d.sort_order = n) }/>
                    </Field>
                </div>
                <fieldset class="checks">
                    <legend>{t!(i18n, statuses.meaning)}</legend>
                    {checkbox(t_string!(i18n, statuses.contact_made).to_string(), |d| d.flags.contact_made, |d, v| d.flags.contact_made = v, "flag-contact")}
                    {checkbox(t_string!(i18n, statuses.is_final).to_string(), |d| d.flags.is_final, |d, v| d.flags.is_final = v, "flag-final")}
                    {checkbox(t_string!(i18n, statuses.callback).to_string(), |d| d.flags.callback, |d, v| d.flags.callback = v, "flag-callback")}
                    {checkbox(t_string!(i18n, statuses.line_busy).to_string(), |d| d.flags.line_busy, |d, v| d.flags.line_busy = v, "flag-busy")}
                    {checkbox(t_string!(i18n, statuses.do_not_call).to_string(), |d| d.flags.do_not_call, |d, v| d.flags.do_not_call = v, "flag-dnc")}
                    {checkbox(t_string!(i18n, statuses.counts_as_confirmed).to_string(), |d| d.flags.counts_as_confirmed, |d, v| d.flags.counts_as_confirmed = v, "flag-confirmed")}
                    {checkbox(t_string!(i18n, statuses.initial).to_string(), |d| d.initial, |d, v| d.initial = v, "flag-initial")}
                    {checkbox(t_string!(i18n, statuses.active).to_string(), |d| d.active, |d, v| d.active = v, "flag-active")}
                </fieldset>
                <Show when=move || draft.with(|d| d.flags.is_final && !d.flags.counts_as_confirmed)>
                    <Field for_id="status-outcome" label=move || t!(i18n, statuses.outcome)>
                        <select id="status-outcome" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            draft.update(|d| d.flags.outcome = Outcome::parse(&value).ok());
                        }>
                            <option value="" selected=move || draft.with(|d| d.flags.outcome.is_none())>
                                {t!(i18n, statuses.outcome_auto)}
                            </option>
                            {Outcome::ALL.iter().copied().filter(|o| *o != Outcome::Confirmed).map(|o| view! {
                                <option value=o.as_str() selected=move || draft.with(|d| d.flags.outcome == Some(o))>
                                    {move || outcome_text(i18n, o)}
                                </option>
                            }).collect_view()}
                        </select>
                    </Field>
                </Show>
                <div class="inline">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, statuses.save)}</button>
                    <button type="button" on:click=move |_| editing.set(None)>{t!(i18n, statuses.cancel)}</button>
                </div>
            </form>
        </section>
    }
}

/// Rows: the current status; columns: the recorded result; cells: the lowest role allowed.
#[component]
fn TransitionMatrix(config: StoredValue<StatusConfig>, exits: ServerAction<SaveExits>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |code: &str| {
        let locale = UiLocale::from_i18n(i18n.get_locale());
        config.with_value(|c| c.get(code).map(|s| s.label(locale).to_string())).unwrap_or_default()
    };
    let (froms, tos) = config.with_value(|c| {
        let froms: Vec<String> = c
            .statuses
            .iter()
            .filter(|s| !s.flags.is_final && (s.active || c.transitions.iter().any(|t| t.from == s.code)))
            .map(|s| s.code.clone())
            .collect();
        let tos: Vec<String> = c.statuses.iter().filter(|s| s.active && !s.initial).map(|s| s.code.clone()).collect();
        (froms, tos)
    });
    let tos = StoredValue::new(tos);
    view! {
        <section class="card">
            <h2>{t!(i18n, statuses.transitions)}</h2>
            <p class="muted">{t!(i18n, statuses.transitions_intro)}</p>
            <div class="table-wrap">
                <table class="matrix" data-testid="transition-matrix">
                    <thead>
                        <tr>
                            <th>{t!(i18n, statuses.from_to)}</th>
                            {tos.get_value().into_iter().map(|to| view! { <th scope="col"><span class="vertical">{move || label(&to)}</span></th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {froms.into_iter().map(|from| {
                            let row: Vec<(String, Option<Role>)> = config.with_value(|c| tos.get_value().into_iter().map(|to| {
                                let role = c.transitions.iter().find(|t| t.from == from && t.to == to).map(|t| t.role);
                                (to, role)
                            }).collect());
                            let row = RwSignal::new(row);
                            let from_label = from.clone();
                            view! {
                                <tr data-from=from.clone()>
                                    <th scope="row">{move || label(&from_label)}</th>
                                    {tos.get_value().into_iter().enumerate().map(|(i, to)| {
                                        let from = from.clone();
                                        let disabled = from == to;
                                        let current = move || row.with(|r| r[i].1);
                                        view! {
                                            <td>
                                                <select
                                                    data-to=to.clone()
                                                    disabled=disabled
                                                    aria-label=format!("{from} → {to}")
                                                    on:change=move |ev| {
                                                        let value = event_target_value(&ev);
                                                        row.update(|r| r[i].1 = Role::parse(&value).ok());
                                                        let chosen: Vec<(String, Role)> = row.with_untracked(|r| r.iter().filter_map(|(t, role)| role.map(|role| (t.clone(), role))).collect());
                                                        exits.dispatch(SaveExits { from: from.clone(), exits: chosen });
                                                    }
                                                >
                                                    <option value="" selected=move || current().is_none()>{t!(i18n, statuses.nobody)}</option>
                                                    {[Role::Agent, Role::Supervisor, Role::Admin].into_iter().map(|role| view! {
                                                        <option value=role.as_str() selected=move || current() == Some(role)>{move || role_text(i18n, role)}</option>
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A status as a coloured chip, labelled in the UI language from the configuration.
#[component]
pub fn StatusChip(config: StoredValue<StatusConfig>, #[prop(into)] code: String) -> impl IntoView {
    let i18n = use_i18n();
    let label = {
        let code = code.clone();
        move || {
            let locale = UiLocale::from_i18n(i18n.get_locale());
            config.with_value(|c| c.get(&code).map(|s| s.label(locale).to_string())).unwrap_or_else(|| code.clone())
        }
    };
    let color = config.with_value(|c| c.get(&code).map(|s| s.color.clone())).unwrap_or_else(|| "#64748b".into());
    view! {
        <span class="chip" style:--chip-color=color data-status=code>
            {label}
        </span>
    }
}
