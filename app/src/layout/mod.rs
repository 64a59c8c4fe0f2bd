//! The app chrome: the header with brand, role-aware navigation (only pages that exist), the
//! agent's presence switch, user, locale, logout. With `app.rs`, the only UI that knows every
//! feature.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::agents::ui::PresenceSwitch;
use crate::auth::api::Logout;
use crate::auth::{CurrentUser, Role};
use crate::components::{role_text, LocaleSwitcher};
use crate::i18n::*;

#[component]
pub fn Header(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            // A full load: every piece of the old session's state goes.
            let _ = window().location().set_href("/login");
        }
    });
    let is_admin = user.role.at_least(Role::Admin);
    let is_supervisor = user.role.at_least(Role::Supervisor);
    let role = user.role;
    view! {
        <header class="app-header">
            <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
            <A href="/" attr:class="brand">{t!(i18n, app_name)}</A>
            <nav class="main-nav" aria-label=move || t_string!(i18n, nav.label).to_string()>
                <A href="/" exact=true>{t!(i18n, nav.home)}</A>
                <A href="/queue">{t!(i18n, nav.queue)}</A>
                <Show when=move || is_supervisor>
                    <A href="/dashboard">{t!(i18n, nav.dashboard)}</A>
                    <A href="/orders">{t!(i18n, nav.orders)}</A>
                    <A href="/imports">{t!(i18n, nav.imports)}</A>
                    <A href="/duplicates">{t!(i18n, nav.duplicates)}</A>
                    <A href="/agents">{t!(i18n, nav.agents)}</A>
                    <A href="/admin/statuses">{t!(i18n, nav.statuses)}</A>
                    <A href="/messages">{t!(i18n, nav.outbox)}</A>
                    <A href="/admin/messages">{t!(i18n, nav.messages)}</A>
                </Show>
                <Show when=move || is_admin>
                    <A href="/admin/users">{t!(i18n, nav.users)}</A>
                    <A href="/admin/tokens">{t!(i18n, nav.tokens)}</A>
                    <A href="/admin/jobs">{t!(i18n, nav.jobs)}</A>
                </Show>
            </nav>
            <div class="header-tools">
                <A href="/account" attr:class="user-chip" attr:title=move || t_string!(i18n, account.title).to_string()>
                    <span data-testid="user-name">{user.name.clone()}</span>
                    <small data-testid="user-role">{move || role_text(i18n, role)}</small>
                </A>
                <Show when=move || role == Role::Agent>
                    <PresenceSwitch/>
                    <A href="/profile">{t!(i18n, agents.my_profile)}</A>
                </Show>
                <LocaleSwitcher/>
                <ActionForm action=logout>
                    <button type="submit">{t!(i18n, header.logout)}</button>
                </ActionForm>
            </div>
        </header>
    }
}
