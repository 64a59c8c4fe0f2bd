//! API tokens (admins, on the users page): issue one for a user with scopes and a lifetime (the
//! token is shown once), see every token with its last use, revoke one.
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::auth::api::{list_tokens, list_users, CreateToken, RevokeToken};
use leptos_meta::Title;

use crate::auth::{Role, Scope, TokenInput, TokenView};
use crate::components::{action_error, ErrorAlert, Field, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::{date_algiers, short_algiers};

pub fn scope_text(i18n: I18nContext<Locale>, scope: Scope) -> String {
    match scope {
        Scope::Full => t_string!(i18n, tokens.scope_full).to_string(),
        Scope::OrdersWrite => t_string!(i18n, tokens.scope_orders_write).to_string(),
        Scope::DeliveriesWrite => t_string!(i18n, tokens.scope_deliveries_write).to_string(),
        Scope::ReportsRead => t_string!(i18n, tokens.scope_reports_read).to_string(),
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, tokens.title).to_string()/>
        <RoleGate role=Role::Admin>
            <h1>{t!(i18n, tokens.title)}</h1>
            <TokensAdmin/>
        </RoleGate>
    }
}

#[component]
fn TokensAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_tokens());
    let users = Resource::new(|| (), |_| list_users());
    let create_error = action_error(create);
    let revoke_error = action_error(revoke);

    let name = RwSignal::new(String::new());
    let user_id = RwSignal::new(None::<i64>);
    let scopes = RwSignal::new(vec![Scope::OrdersWrite]);
    let days = RwSignal::new("365".to_string());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TokenInput {
            user_id: user_id.get_untracked().unwrap_or_default(),
            name: name.get_untracked(),
            scopes: scopes.get_untracked().iter().map(|s| s.as_str().to_string()).collect(),
            expires_in_days: days.get_untracked().trim().parse().ok(),
        };
        create.dispatch(CreateToken { input });
    };
    let issued = move || create.value().get().and_then(Result::ok);

    view! {
        <section class="card" data-testid="tokens">
            <p class="muted">{t!(i18n, tokens.intro)}</p>
            <ErrorAlert error=revoke_error/>
            <Loaded load=move || async move { tokens.await } let:list>
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr>
                                <th>{t!(i18n, tokens.name)}</th>
                                <th>{t!(i18n, tokens.user)}</th>
                                <th>{t!(i18n, tokens.scopes)}</th>
                                <th>{t!(i18n, tokens.expires)}</th>
                                <th>{t!(i18n, tokens.last_used)}</th>
                                <th>{t!(i18n, tokens.status)}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|token| view! { <TokenRow token=token revoke=revoke/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Loaded>
            <h3>{t!(i18n, tokens.create_title)}</h3>
            <ErrorAlert error=create_error/>
            {move || {
                issued()
                    .map(|t| {
                        view! {
                            <div class="form-ok" role="status" data-testid="token-issued">
                                <p>{t!(i18n, tokens.shown_once)}</p>
                                <code dir="ltr" class="secret">{t.token.clone()}</code>
                            </div>
                        }
                    })
            }}
            <form on:submit=submit>
                <div class="create-grid">
                    <Field for_id="token-name" label=move || t!(i18n, tokens.name)>
                        <input
                            id="token-name"
                            required
                            maxlength="120"
                            prop:value=name
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </Field>
                    <Field for_id="token-user" label=move || t!(i18n, tokens.user)>
                        <Loaded load=move || async move { users.await } let:list>
                            <select
                                id="token-user"
                                required
                                on:change=move |ev| user_id.set(event_target_value(&ev).parse().ok())
                            >
                                <option value="">"—"</option>
                                {list
                                    .into_iter()
                                    .filter(|u| u.active)
                                    .map(|u| {
                                        let id = u.id;
                                        view! {
                                            <option value=id selected=move || user_id.get() == Some(id)>
                                                {format!("{} <{}>", u.name, u.email)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </Loaded>
                    </Field>
                    <Field for_id="token-days" label=move || t!(i18n, tokens.days)>
                        <input
                            id="token-days"
                            type="number"
                            min="1"
                            max="730"
                            prop:value=days
                            on:input=move |ev| days.set(event_target_value(&ev))
                        />
                    </Field>
                </div>
                <fieldset class="scopes">
                    <legend>{t!(i18n, tokens.scopes)}</legend>
                    {Scope::ALL
                        .iter()
                        .copied()
                        .map(|scope| {
                            let id = format!("scope-{}", scope.as_str().replace(':', "-"));
                            let label_for = id.clone();
                            view! {
                                <label for=label_for class="check">
                                    <input
                                        id=id
                                        type="checkbox"
                                        value=scope.as_str()
                                        prop:checked=move || scopes.with(|s| s.contains(&scope))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            scopes.update(|s| {
                                                s.retain(|x| *x != scope);
                                                if on {
                                                    s.push(scope);
                                                }
                                            });
                                        }
                                    />
                                    <span>{move || scope_text(i18n, scope)}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {t!(i18n, tokens.create)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn TokenRow(token: TokenView, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let i18n = use_i18n();
    let id = token.id;
    let revoked = token.revoked_at.is_some();
    let expired = !revoked && token.expired;
    let scopes = token.scopes.clone();
    let label = token.name.clone();
    view! {
        <tr class:inactive=revoked || expired data-token=token.name.clone()>
            <td>
                {token.name.clone()} " " <code dir="ltr">{format!("{}…", token.prefix)}</code>
            </td>
            <td>
                {token.user_name.clone()} <br/> <span class="muted" dir="ltr">{token.user_email.clone()}</span>
            </td>
            <td>
                {scopes
                    .into_iter()
                    .map(|s| view! { <span class="badge">{move || scope_text(i18n, s)}</span> " " })
                    .collect_view()}
            </td>
            <td>{date_algiers(token.expires_at)}</td>
            <td>
                {match token.last_used_at {
                    Some(at) => short_algiers(at).into_any(),
                    None => t!(i18n, tokens.never).into_any(),
                }}
            </td>
            <td>
                {if revoked {
                    view! { <span class="badge off">{t!(i18n, tokens.revoked)}</span> }.into_any()
                } else if expired {
                    view! { <span class="badge off">{t!(i18n, tokens.expired)}</span> }.into_any()
                } else {
                    view! { <span class="badge ok">{t!(i18n, tokens.active)}</span> }.into_any()
                }}
            </td>
            <td>
                {(!revoked)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="danger"
                                aria-label=move || format!("{} — {}", t_string!(i18n, tokens.revoke), label)
                                on:click=move |_| {
                                    revoke.dispatch(RevokeToken { id });
                                }
                            >
                                {t!(i18n, tokens.revoke)}
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}
