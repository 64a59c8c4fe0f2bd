//! Recording an attempt: the results allowed from the order's status (1–9 pick one), a callback
//! time when the result asks for one, notes, and save (Ctrl+Enter). The draft lives as long as
//! the order view; the keyboard shortcuts are a hook of their own.
use leptos::ev;
use leptos::prelude::*;

use super::call_box::CALL_LINK_ID;
use crate::components::clock::{local_input_to_utc, now_ms};
use crate::components::Field;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::locale::UiLocale;
use crate::orders::ui::typing_in_field;
use crate::orders::{AttemptInput, Method};
use crate::statuses::StatusConfig;

/// A result the agent may record from the order's current status.
#[derive(Clone, Debug, PartialEq)]
pub struct AllowedResult {
    pub code: String,
    pub color: String,
    /// Whether recording it needs a callback time.
    pub callback: bool,
}

/// The attempt being written, one signal per input.
#[derive(Clone, Copy)]
pub struct AttemptDraft {
    pub result: RwSignal<Option<String>>,
    pub notes: RwSignal<String>,
    pub callback_at: RwSignal<String>,
    pub scope: RwSignal<String>,
    pub method: RwSignal<Method>,
    /// When the call or chat started (browser milliseconds), if it did.
    pub started: RwSignal<Option<f64>>,
}

impl AttemptDraft {
    pub fn new() -> Self {
        Self {
            result: RwSignal::new(None),
            notes: RwSignal::new(String::new()),
            callback_at: RwSignal::new(String::new()),
            scope: RwSignal::new("me".to_string()),
            method: RwSignal::new(Method::Phone),
            started: RwSignal::new(None),
        }
    }

    /// Notes the contact method and starts the stopwatch unless it runs; true when it started now.
    pub fn start(&self, method: Method) -> bool {
        self.method.set(method);
        let fresh = self.started.get_untracked().is_none();
        if fresh {
            self.started.set(Some(now_ms()));
        }
        fresh
    }

    /// The attempt to send, or the error to show when no result is picked.
    pub fn input(&self, version: i32) -> Result<AttemptInput, AppError> {
        let Some(result) = self.result.get_untracked() else {
            return Err(AppError::field(ErrorCode::StatusUnknown, "result"));
        };
        let duration = self.started.get_untracked().map(|s| ((now_ms() - s) / 1000.0).max(0.0) as i64).unwrap_or(0);
        Ok(AttemptInput {
            method: self.method.get_untracked().as_str().to_string(),
            result,
            notes: self.notes.get_untracked(),
            duration,
            callback_at: local_input_to_utc(&self.callback_at.get_untracked()),
            callback_scope: Some(self.scope.get_untracked()),
            version,
        })
    }
}

/// The results allowed from `status` for `role`'s user, in display order.
pub fn allowed_results(config: &StatusConfig, status: &str, role: crate::auth::Role) -> Vec<AllowedResult> {
    config
        .allowed_next(status, role)
        .into_iter()
        .map(|s| AllowedResult { code: s.code.clone(), color: s.color.clone(), callback: s.flags.callback })
        .collect()
}

/// Keyboard shortcuts while an open order is shown: Ctrl+Enter saves, C calls, 1–9 pick a result.
pub fn use_attempt_shortcuts(draft: AttemptDraft, allowed: StoredValue<Vec<AllowedResult>>, submit: Callback<()>) {
    Effect::new(move |_| {
        let handle = window_event_listener(ev::keydown, move |event| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                submit.run(());
                return;
            }
            if typing_in_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let key = event.key();
            if key == "c" || key == "C" {
                event.prevent_default();
                if let Some(link) = document().get_element_by_id(CALL_LINK_ID) {
                    use leptos::wasm_bindgen::JsCast;
                    if let Ok(link) = link.dyn_into::<leptos::web_sys::HtmlElement>() {
                        link.click();
                    }
                }
            } else if let Some(digit) =
                key.chars().next().and_then(|c| c.to_digit(10)).filter(|d| *d >= 1 && key.len() == 1)
            {
                if let Some(code) = allowed.with_value(|a| a.get(digit as usize - 1).map(|r| r.code.clone())) {
                    event.prevent_default();
                    draft.result.set(Some(code));
                }
            }
        });
        on_cleanup(move || handle.remove());
    });
}

/// The result buttons, callback row, notes and save button.
#[component]
pub fn AttemptForm(
    draft: AttemptDraft,
    allowed: StoredValue<Vec<AllowedResult>>,
    config: StoredValue<StatusConfig>,
    saving: Signal<bool>,
    submit: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let needs_callback = move || {
        draft.result.get().is_some_and(|code| allowed.with_value(|a| a.iter().any(|r| r.code == code && r.callback)))
    };
    view! {
        <fieldset class="results">
            <legend>{t!(i18n, queue.result)}</legend>
            <Show when=move || allowed.with_value(|a| a.is_empty())>
                <p class="muted">{t!(i18n, queue.no_results)}</p>
            </Show>
            {allowed.get_value().into_iter().enumerate().map(|(i, r)| view! {
                <ResultButton result=r shortcut=(i < 9).then_some(i + 1) draft=draft config=config/>
            }).collect_view()}
        </fieldset>
        <Show when=needs_callback>
            <div class="callback-row">
                <Field for_id="callback-at" label=move || t!(i18n, queue.callback_at)>
                    <input id="callback-at" type="datetime-local" prop:value=draft.callback_at
                        on:input=move |ev| draft.callback_at.set(event_target_value(&ev))/>
                </Field>
                <Field for_id="callback-scope" label=move || t!(i18n, queue.callback_scope)>
                    <select id="callback-scope" on:change=move |ev| draft.scope.set(event_target_value(&ev))>
                        <option value="me" selected=true>{t!(i18n, queue.scope_me)}</option>
                        <option value="anyone">{t!(i18n, queue.scope_anyone)}</option>
                    </select>
                </Field>
            </div>
        </Show>
        <Field for_id="attempt-notes" label=move || t!(i18n, queue.notes)>
            <textarea id="attempt-notes" rows="2" prop:value=draft.notes
                on:input=move |ev| draft.notes.set(event_target_value(&ev))></textarea>
        </Field>
        <button type="button" class="button primary" data-testid="save-attempt"
            disabled=move || saving.get()
            on:click=move |_| submit.run(())>
            {t!(i18n, queue.save)} " " <kbd>"Ctrl+↵"</kbd>
        </button>
    }
}

/// One result: a toggle named by the status's label in the UI language (its shortcut digit is
/// shown but hidden from the accessible name).
#[component]
fn ResultButton(
    result: AllowedResult,
    shortcut: Option<usize>,
    draft: AttemptDraft,
    config: StoredValue<StatusConfig>,
) -> impl IntoView {
    let i18n = use_i18n();
    let AllowedResult { code, color, .. } = result;
    let pressed = {
        let code = code.clone();
        move || draft.result.get().as_deref() == Some(code.as_str())
    };
    let label = {
        let code = code.clone();
        move || {
            let locale = UiLocale::from_i18n(i18n.get_locale());
            config.with_value(|c| c.get(&code).map(|s| s.label(locale).to_string())).unwrap_or_default()
        }
    };
    let pick = code.clone();
    view! {
        <button
            type="button"
            class="result-button"
            style:--chip-color=color
            data-result=code
            aria-pressed=move || if pressed() { "true" } else { "false" }
            on:click=move |_| draft.result.set(Some(pick.clone()))
        >
            {shortcut.map(|n| view! { <kbd aria-hidden="true">{n}</kbd> })}
            {label}
        </button>
    }
}
