//! The login page. The form posts before hydration too; errors come back as translated codes.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::auth::api::Login;
use crate::components::session::Me;
use crate::components::{action_error, error_from_query, ErrorAlert, Field, LocaleSwitcher};
use crate::i18n::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = login.value().get() {
            // A full load applies the user's saved language everywhere at once.
            let _ = window().location().set_href("/");
        }
    });
    let from_action = action_error(login);
    let from_query = error_from_query();
    let error = Signal::derive(move || from_action.get().or_else(|| from_query.get()));
    let (show_password, set_show_password) = signal(false);
    view! {
        <Title text=move || t_string!(i18n, login.title).to_string()/>
        <RedirectIfLoggedIn/>
        <main id="main" class="login-page">
            <section class="card login-card">
                <div class="login-tools">
                    <LocaleSwitcher/>
                </div>
                <h1>{t!(i18n, app_name)}</h1>
                <p class="subtitle">{t!(i18n, login.subtitle)}</p>
                <ErrorAlert error=error/>
                <ActionForm action=login>
                    <Field for_id="login-email" label=move || t!(i18n, login.email)>
                        <input id="login-email" type="email" name="email" autocomplete="username" required/>
                    </Field>
                    <Field for_id="login-password" label=move || t!(i18n, login.password)>
                        <div class="password-row">
                            <input
                                id="login-password"
                                type=move || if show_password.get() { "text" } else { "password" }
                                name="password"
                                autocomplete="current-password"
                                required
                            />
                            <button
                                type="button"
                                aria-pressed=move || show_password.get().to_string()
                                on:click=move |_| set_show_password.update(|s| *s = !*s)
                            >
                                {move || {
                                    if show_password.get() {
                                        t_string!(i18n, login.hide_password).to_string()
                                    } else {
                                        t_string!(i18n, login.show_password).to_string()
                                    }
                                }}
                            </button>
                        </div>
                    </Field>
                    <button type="submit" class="primary" disabled=move || login.pending().get()>
                        {t!(i18n, login.submit)}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}

/// Someone already logged in has nothing to do here: send them home.
#[component]
fn RedirectIfLoggedIn() -> impl IntoView {
    let me = use_context::<Me>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let logged_in = match me {
                    Some(Me(me)) => matches!(me.await, Ok(Some(_))),
                    None => false,
                };
                logged_in.then(|| view! { <Redirect path="/"/> })
            })}
        </Suspense>
    }
}
