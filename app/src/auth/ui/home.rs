//! The landing page after login.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::role_text;
use crate::components::session::use_current_user;
use crate::i18n::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let name = move || user.get().map(|u| u.name).unwrap_or_default();
    let role = move || user.get().map(|u| role_text(i18n, u.role)).unwrap_or_default();
    view! {
        <Title text=move || t_string!(i18n, home.title).to_string()/>
        <section class="card">
            <h1>{move || t_string!(i18n, home.welcome, name = name()).to_string()}</h1>
            <p class="muted">{move || t_string!(i18n, home.role_line, role = role()).to_string()}</p>
            <p>{t!(i18n, home.intro)}</p>
        </section>
    }
}
