//! `Loaded`: the load-then-error frame every screen used to write out by hand.
use std::future::Future;

use leptos::prelude::*;

use super::ErrorAlert;
use crate::error::AppError;
use crate::i18n::*;

/// While `load` runs, a translated loading line (the previous content stays during a reload, as
/// with `Transition`); then either the translated error or `children` given the value.
///
/// `load` is called each time a resource it awaits changes, so it reads like the body of a
/// `Suspend`: `load=move || async move { jobs.await } let:list`.
#[component]
pub fn Loaded<T, Fut, L, F, V>(load: L, children: F) -> impl IntoView
where
    T: 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    L: Fn() -> Fut + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let load = StoredValue::new(load);
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || {
                let loading = load.with_value(|load| load());
                Suspend::new(async move {
                    match loading.await {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(value) => children.with_value(|children| children(value)).into_any(),
                    }
                })
            }}
        </Transition>
    }
}
