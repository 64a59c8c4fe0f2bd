//! Passwords: the signed-in user's own change (`/account`), and the page a reset link opens
//! (`/reset-password?token=…`, no login needed).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::api::{ChangePassword, RedeemPasswordReset};
use crate::components::{action_error, ErrorAlert, Field, LocaleSwitcher};
use crate::i18n::*;

/// The user's account: change the password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    let done = move || change.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <Title text=move || t_string!(i18n, account.title).to_string()/>
        <h1>{t!(i18n, account.title)}</h1>
        <section class="card narrow">
            <h2>{t!(i18n, account.change_password)}</h2>
            <p class="muted">{t!(i18n, account.change_help)}</p>
            <ErrorAlert error=error/>
            <Show when=done>
                <p class="form-ok" role="status">{t!(i18n, account.changed)}</p>
            </Show>
            <ActionForm action=change>
                <Field for_id="current-password" label=move || t!(i18n, account.current_password)>
                    <input id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                </Field>
                <Field for_id="new-password" label=move || t!(i18n, account.new_password)>
                    <input id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength="10"/>
                </Field>
                <button type="submit" class="primary" disabled=move || change.pending().get()>
                    {t!(i18n, account.save)}
                </button>
            </ActionForm>
        </section>
    }
}

/// What a reset link opens: choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let redeem = ServerAction::<RedeemPasswordReset>::new();
    let error = action_error(redeem);
    let done = move || redeem.value().with(|v| matches!(v, Some(Ok(()))));
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    view! {
        <Title text=move || t_string!(i18n, account.reset_title).to_string()/>
        <main id="main" class="login-page">
            <section class="card login-card">
                <div class="login-tools">
                    <LocaleSwitcher/>
                </div>
                <h1>{t!(i18n, account.reset_title)}</h1>
                <ErrorAlert error=error/>
                <Show
                    when=done
                    fallback=move || {
                        view! {
                            <ActionForm action=redeem>
                                <input type="hidden" name="token" prop:value=token/>
                                <Field for_id="reset-password" label=move || t!(i18n, account.new_password)>
                                    <input id="reset-password" name="new_password" type="password" autocomplete="new-password" required minlength="10"/>
                                </Field>
                                <button type="submit" class="primary" disabled=move || redeem.pending().get()>
                                    {t!(i18n, account.save)}
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p class="form-ok" role="status">{t!(i18n, account.reset_done)}</p>
                    <p><a href="/login">{t!(i18n, account.to_login)}</a></p>
                </Show>
            </section>
        </main>
    }
}
