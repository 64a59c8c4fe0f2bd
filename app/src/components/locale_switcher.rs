//! The locale switcher: one small form per locale, so it works before hydration (a plain post
//! that sets the cookie and comes back) and after (the page switches language in place).
use leptos::prelude::*;

use crate::auth::api::SetLocale;
use crate::i18n::*;
use crate::locale::UiLocale;

#[component]
pub fn LocaleSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let set_locale = ServerAction::<SetLocale>::new();
    Effect::new(move |_| {
        if let Some(Ok(locale)) = set_locale.value().get() {
            i18n.set_locale(locale.to_i18n());
        }
    });
    let current = move || UiLocale::from_i18n(i18n.get_locale());
    view! {
        <nav class="locale-switcher" aria-label=move || t_string!(i18n, header.language).to_string()>
            {UiLocale::ALL
                .into_iter()
                .map(|locale| {
                    view! {
                        <ActionForm action=set_locale>
                            <input type="hidden" name="locale" value=locale.tag()/>
                            <button
                                type="submit"
                                lang=locale.tag()
                                aria-pressed=move || (current() == locale).to_string()
                            >
                                {locale.native_name()}
                            </button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </nav>
    }
}
