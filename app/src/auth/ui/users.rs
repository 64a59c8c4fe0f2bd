//! User administration (admins): list and filter, create, change role, deactivate / reactivate.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::api::{list_users, ChangeRole, CreateUser, IssuePasswordReset, SetActive};
use crate::auth::{Role, UserSummary};
use crate::components::session::use_current_user;
use crate::components::{action_error, error_from_query, role_text, ErrorAlert, Field, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::UiLocale;

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, users.title).to_string()/>
        <RoleGate role=Role::Admin>
            <UsersAdmin/>
        </RoleGate>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetActive>::new();
    let reset = ServerAction::<IssuePasswordReset>::new();
    let users = Resource::new(
        move || (create.version().get(), change_role.version().get(), set_active.version().get()),
        |_| list_users(),
    );
    let create_error = action_error(create);
    let change_error = {
        let role_error = action_error(change_role);
        let active_error = action_error(set_active);
        let reset_error = action_error(reset);
        let query_error = error_from_query();
        Signal::derive(move || {
            role_error.get().or_else(|| active_error.get()).or_else(|| reset_error.get()).or_else(|| query_error.get())
        })
    };
    let created = move || create.value().with(|v| matches!(v, Some(Ok(_))));
    let (filter, set_filter) = signal(String::new());
    let me_id = use_current_user();

    view! {
        <h1>{t!(i18n, users.title)}</h1>
        <section class="card">
            <div class="toolbar">
                <Field for_id="users-filter" label=move || t!(i18n, users.filter)>
                    <input
                        id="users-filter"
                        type="search"
                        prop:value=filter
                        on:input=move |ev| set_filter.set(event_target_value(&ev))
                    />
                </Field>
            </div>
            <ErrorAlert error=change_error/>
            {move || {
                reset
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|link| {
                        let url = format!("{}{}", window().location().origin().unwrap_or_default(), link.path);
                        view! {
                            <div class="form-ok" role="status" data-testid="reset-link">
                                <p>{t!(i18n, users.reset_issued)}</p>
                                <code dir="ltr" class="secret">{url}</code>
                            </div>
                        }
                    })
            }}
            <Loaded load=move || async move { users.await } let:list>
                {
                    let list = StoredValue::new(list);
                    let visible = move || {
                        let needle = filter.get().to_lowercase();
                        list.with_value(|l| {
                            l.iter()
                                .filter(|u| {
                                    needle.is_empty()
                                        || u.name.to_lowercase().contains(&needle)
                                        || u.email.contains(&needle)
                                })
                                .cloned()
                                .collect::<Vec<_>>()
                        })
                    };
                    let count = move || visible().len();
                    view! {
                        <p class="muted" data-testid="users-count">
                            {t!(i18n, users.count, count = count)}
                        </p>
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, users.name)}</th>
                                        <th>{t!(i18n, users.email)}</th>
                                        <th>{t!(i18n, users.role)}</th>
                                        <th>{t!(i18n, users.locale)}</th>
                                        <th>{t!(i18n, users.status)}</th>
                                        <th>{t!(i18n, users.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    <For each=visible key=|u| (u.id, u.role, u.active) let:user>
                                        <UserRow
                                            user=user
                                            me_id=me_id.get_untracked().map(|m| m.id)
                                            change_role=change_role
                                            set_active=set_active
                                            reset=reset
                                        />
                                    </For>
                                </tbody>
                            </table>
                        </div>
                    }
                }
            </Loaded>
        </section>
        <section class="card">
            <h2>{t!(i18n, users.create_title)}</h2>
            <ErrorAlert error=create_error/>
            <Show when=created>
                <p class="form-ok" role="status">{t!(i18n, users.created)}</p>
            </Show>
            <ActionForm action=create>
                <div class="create-grid">
                    <Field for_id="new-name" label=move || t!(i18n, users.name)>
                        <input id="new-name" name="name" required/>
                    </Field>
                    <Field for_id="new-email" label=move || t!(i18n, users.email)>
                        <input id="new-email" name="email" type="email" required/>
                    </Field>
                    <Field for_id="new-role" label=move || t!(i18n, users.role)>
                        <select id="new-role" name="role">
                            {Role::ALL
                                .into_iter()
                                .rev()
                                .map(|r| view! { <option value=r.as_str()>{move || role_text(i18n, r)}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field for_id="new-locale" label=move || t!(i18n, users.locale)>
                        <select id="new-locale" name="locale">
                            {UiLocale::ALL
                                .into_iter()
                                .map(|l| view! { <option value=l.tag()>{l.native_name()}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field for_id="new-password" label=move || t!(i18n, users.password)>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="10"/>
                    </Field>
                    <div class="field">
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            {t!(i18n, users.create)}
                        </button>
                    </div>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    me_id: Option<i64>,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetActive>,
    reset: ServerAction<IssuePasswordReset>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_me = me_id == Some(user.id);
    let role = user.role;
    let active = user.active;
    let id = user.id;
    let role_label = format!("{} {}", user.name, user.email);
    view! {
        <tr class:inactive=!active data-user-email=user.email.clone()>
            <td>
                {user.name.clone()}
                {is_me.then(|| view! { " (" {t!(i18n, users.you)} ")" })}
            </td>
            <td dir="ltr">{user.email.clone()}</td>
            <td>
                {if is_me {
                    view! { <span>{move || role_text(i18n, role)}</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=change_role attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <select name="role" aria-label=move || format!("{} — {}", t_string!(i18n, users.role), role_label)>
                                {Role::ALL
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <option value=r.as_str() selected=r == role>
                                                {move || role_text(i18n, r)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <button type="submit">{t!(i18n, users.change_role)}</button>
                        </ActionForm>
                    }
                        .into_any()
                }}
            </td>
            <td>{user.locale.native_name()}</td>
            <td>
                {if active {
                    view! { <span class="badge ok">{t!(i18n, users.active)}</span> }.into_any()
                } else {
                    view! { <span class="badge off">{t!(i18n, users.inactive)}</span> }.into_any()
                }}
            </td>
            <td>
                {(!is_me)
                    .then(|| {
                        view! {
                            <ActionForm action=set_active attr:class="inline">
                                <input type="hidden" name="id" value=id/>
                                <input type="hidden" name="active" value=(!active).to_string()/>
                                <button type="submit" class=if active { "danger" } else { "" }>
                                    {if active {
                                        t!(i18n, users.deactivate).into_any()
                                    } else {
                                        t!(i18n, users.activate).into_any()
                                    }}
                                </button>
                            </ActionForm>
                            {active
                                .then(|| {
                                    view! {
                                        <button type="button" on:click=move |_| {
                                            reset.dispatch(IssuePasswordReset { user_id: id });
                                        }>{t!(i18n, users.reset_link)}</button>
                                    }
                                })}
                        }
                    })}
            </td>
        </tr>
    }
}
