//! The UI ground floor, shared by every feature's screens: the session context, translated error
//! messages, `Loaded`, form fields, the role gate, `ClientOnly`, the locale switcher, the browser clock. Imports no
//! feature (only `auth`'s types, `error` and `locale`).
pub mod clock;
mod field;
pub mod live;
mod loaded;
mod locale_switcher;
pub mod session;

pub use field::Field;
pub use loaded::Loaded;
pub use locale_switcher::LocaleSwitcher;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::I18nContext;

use crate::auth::Role;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;

/// The message for an error code in the current UI language.
pub fn error_text(i18n: I18nContext<Locale>, code: ErrorCode) -> String {
    match code {
        ErrorCode::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        ErrorCode::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        ErrorCode::TokenScope => t_string!(i18n, errors.token_scope).to_string(),
        ErrorCode::TokenExpired => t_string!(i18n, errors.token_expired).to_string(),
        ErrorCode::ScopeUnknown => t_string!(i18n, errors.scope_unknown).to_string(),
        ErrorCode::ScopesRequired => t_string!(i18n, errors.scopes_required).to_string(),
        ErrorCode::PasswordWrong => t_string!(i18n, errors.password_wrong).to_string(),
        ErrorCode::ResetInvalid => t_string!(i18n, errors.reset_invalid).to_string(),
        ErrorCode::OutcomeUnknown => t_string!(i18n, errors.outcome_unknown).to_string(),
        ErrorCode::DeliveryOutcomeUnknown => t_string!(i18n, errors.delivery_outcome_unknown).to_string(),
        ErrorCode::DeliveryReasonUnknown => t_string!(i18n, errors.delivery_reason_unknown).to_string(),
        ErrorCode::EventIdInvalid => t_string!(i18n, errors.event_id_invalid).to_string(),
        ErrorCode::DeliveryTimeInvalid => t_string!(i18n, errors.delivery_time_invalid).to_string(),
        ErrorCode::EventReused => t_string!(i18n, errors.event_reused).to_string(),
        ErrorCode::OrderNotConfirmed => t_string!(i18n, errors.order_not_confirmed).to_string(),
        ErrorCode::InvalidCredentials => t_string!(i18n, errors.invalid_credentials).to_string(),
        ErrorCode::AccountDisabled => t_string!(i18n, errors.account_disabled).to_string(),
        ErrorCode::TooManyAttempts => t_string!(i18n, errors.too_many_attempts).to_string(),
        ErrorCode::EmailInvalid => t_string!(i18n, errors.email_invalid).to_string(),
        ErrorCode::EmailTaken => t_string!(i18n, errors.email_taken).to_string(),
        ErrorCode::NameRequired => t_string!(i18n, errors.name_required).to_string(),
        ErrorCode::PasswordTooShort => t_string!(i18n, errors.password_too_short).to_string(),
        ErrorCode::PasswordTooLong => t_string!(i18n, errors.password_too_long).to_string(),
        ErrorCode::RoleUnknown => t_string!(i18n, errors.role_unknown).to_string(),
        ErrorCode::LocaleUnknown => t_string!(i18n, errors.locale_unknown).to_string(),
        ErrorCode::PhoneInvalid => t_string!(i18n, errors.phone_invalid).to_string(),
        ErrorCode::PhoneUnallocated => t_string!(i18n, errors.phone_unallocated).to_string(),
        ErrorCode::TextTooLong => t_string!(i18n, errors.text_too_long).to_string(),
        ErrorCode::WilayaUnknown => t_string!(i18n, errors.wilaya_unknown).to_string(),
        ErrorCode::CommuneUnknown => t_string!(i18n, errors.commune_unknown).to_string(),
        ErrorCode::ItemsRequired => t_string!(i18n, errors.items_required).to_string(),
        ErrorCode::TooManyItems => t_string!(i18n, errors.too_many_items).to_string(),
        ErrorCode::QuantityInvalid => t_string!(i18n, errors.quantity_invalid).to_string(),
        ErrorCode::AmountInvalid => t_string!(i18n, errors.amount_invalid).to_string(),
        ErrorCode::TotalMismatch => t_string!(i18n, errors.total_mismatch).to_string(),
        ErrorCode::PriorityUnknown => t_string!(i18n, errors.priority_unknown).to_string(),
        ErrorCode::DeliveryTypeUnknown => t_string!(i18n, errors.delivery_type_unknown).to_string(),
        ErrorCode::ReferenceReused => t_string!(i18n, errors.reference_reused).to_string(),
        ErrorCode::MethodUnknown => t_string!(i18n, errors.method_unknown).to_string(),
        ErrorCode::StatusUnknown => t_string!(i18n, errors.status_unknown).to_string(),
        ErrorCode::TransitionNotAllowed => t_string!(i18n, errors.transition_not_allowed).to_string(),
        ErrorCode::OrderClosed => t_string!(i18n, errors.order_closed).to_string(),
        ErrorCode::DurationInvalid => t_string!(i18n, errors.duration_invalid).to_string(),
        ErrorCode::CallbackTimeRequired => t_string!(i18n, errors.callback_time_required).to_string(),
        ErrorCode::CallbackTimeInvalid => t_string!(i18n, errors.callback_time_invalid).to_string(),
        ErrorCode::CallbackScopeUnknown => t_string!(i18n, errors.callback_scope_unknown).to_string(),
        ErrorCode::AgentUnknown => t_string!(i18n, errors.agent_unknown).to_string(),
        ErrorCode::FlagTypeUnknown => t_string!(i18n, errors.flag_type_unknown).to_string(),
        ErrorCode::TextRequired => t_string!(i18n, errors.text_required).to_string(),
        ErrorCode::StatusCodeInvalid => t_string!(i18n, errors.status_code_invalid).to_string(),
        ErrorCode::StatusCodeTaken => t_string!(i18n, errors.status_code_taken).to_string(),
        ErrorCode::ColorInvalid => t_string!(i18n, errors.color_invalid).to_string(),
        ErrorCode::LabelRequired => t_string!(i18n, errors.label_required).to_string(),
        ErrorCode::CategoryUnknown => t_string!(i18n, errors.category_unknown).to_string(),
        ErrorCode::StatusInitialMissing => t_string!(i18n, errors.status_initial_missing).to_string(),
        ErrorCode::StatusInitialFinal => t_string!(i18n, errors.status_initial_final).to_string(),
        ErrorCode::StatusFinalHasExits => t_string!(i18n, errors.status_final_has_exits).to_string(),
        ErrorCode::StatusCannotFinish => t_string!(i18n, errors.status_cannot_finish).to_string(),
        ErrorCode::StatusInUse => t_string!(i18n, errors.status_in_use).to_string(),
        ErrorCode::CsvEmpty => t_string!(i18n, errors.csv_empty).to_string(),
        ErrorCode::CsvColumnMissing => t_string!(i18n, errors.csv_column_missing).to_string(),
        ErrorCode::CsvRowInvalid => t_string!(i18n, errors.csv_row_invalid).to_string(),
        ErrorCode::FileRequired => t_string!(i18n, errors.file_required).to_string(),
        ErrorCode::PresenceUnknown => t_string!(i18n, errors.presence_unknown).to_string(),
        ErrorCode::ProficiencyInvalid => t_string!(i18n, errors.proficiency_invalid).to_string(),
        ErrorCode::LanguagesRequired => t_string!(i18n, errors.languages_required).to_string(),
        ErrorCode::ShiftInvalid => t_string!(i18n, errors.shift_invalid).to_string(),
        ErrorCode::ShiftOverlap => t_string!(i18n, errors.shift_overlap).to_string(),
        ErrorCode::LimitInvalid => t_string!(i18n, errors.limit_invalid).to_string(),
        ErrorCode::PeriodInvalid => t_string!(i18n, errors.period_invalid).to_string(),
        ErrorCode::JobUnknown => t_string!(i18n, errors.job_unknown).to_string(),
        ErrorCode::JobRunning => t_string!(i18n, errors.job_running).to_string(),
        ErrorCode::ClassUnknown => t_string!(i18n, errors.class_unknown).to_string(),
        ErrorCode::TemplateUnknownVariable => t_string!(i18n, errors.template_unknown_variable).to_string(),
        ErrorCode::TemplateUnclosed => t_string!(i18n, errors.template_unclosed).to_string(),
        ErrorCode::TemplateEmptyVariable => t_string!(i18n, errors.template_empty_variable).to_string(),
        ErrorCode::TemplateEmpty => t_string!(i18n, errors.template_empty).to_string(),
        ErrorCode::StepUnknown => t_string!(i18n, errors.step_unknown).to_string(),
        ErrorCode::ChannelUnknown => t_string!(i18n, errors.channel_unknown).to_string(),
        ErrorCode::SenderIdInvalid => t_string!(i18n, errors.sender_id_invalid).to_string(),
        ErrorCode::SignatureInvalid => t_string!(i18n, errors.signature_invalid).to_string(),
        ErrorCode::ReasonRequired => t_string!(i18n, errors.reason_required).to_string(),
        ErrorCode::PairDecided => t_string!(i18n, errors.pair_decided).to_string(),
        ErrorCode::CustomerMerged => t_string!(i18n, errors.customer_merged).to_string(),
        ErrorCode::MergeUndone => t_string!(i18n, errors.merge_undone).to_string(),
        ErrorCode::MergeNotLatest => t_string!(i18n, errors.merge_not_latest).to_string(),
        ErrorCode::DecisionUnknown => t_string!(i18n, errors.decision_unknown).to_string(),
        ErrorCode::BadRequest => t_string!(i18n, errors.bad_request).to_string(),
        ErrorCode::PayloadTooLarge => t_string!(i18n, errors.payload_too_large).to_string(),
        ErrorCode::OriginForbidden => t_string!(i18n, errors.origin_forbidden).to_string(),
        ErrorCode::NotFound => t_string!(i18n, errors.not_found).to_string(),
        ErrorCode::CannotChangeSelf => t_string!(i18n, errors.cannot_change_self).to_string(),
        ErrorCode::Conflict => t_string!(i18n, errors.conflict).to_string(),
        ErrorCode::DatabaseUnavailable => t_string!(i18n, errors.database_unavailable).to_string(),
        ErrorCode::Network => t_string!(i18n, errors.network).to_string(),
        ErrorCode::Internal => t_string!(i18n, errors.internal).to_string(),
    }
}

/// The name of a role in the current UI language.
pub fn role_text(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Admin => t_string!(i18n, roles.admin).to_string(),
        Role::Supervisor => t_string!(i18n, roles.supervisor).to_string(),
        Role::Agent => t_string!(i18n, roles.agent).to_string(),
    }
}

/// An alert box with the translated message of `error`, when there is one.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! {
                <div class="form-error" role="alert" data-error-code=e.code.as_str()>
                    {move || error_text(i18n, e.code)}
                </div>
            }
        })
    }
}

/// The error code a plain form post was sent back with (`?error=...`), before hydration.
pub fn error_from_query() -> Signal<Option<AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        let raw = query.with(|q| q.get("error"))?;
        let code: ErrorCode = serde_json::from_value(serde_json::Value::String(raw)).ok()?;
        Some(AppError::new(code))
    })
}

/// Shows `children` to users with at least `role`; others see the translated `forbidden` message.
/// (The server checks again: this only spares them a page of errors.)
#[component]
pub fn RoleGate(role: Role, children: ChildrenFn) -> impl IntoView {
    let me = session::use_current_user();
    let allowed = move || me.get().is_some_and(|u| u.role.at_least(role));
    view! {
        <Show
            when=allowed
            fallback=|| view! { <ErrorAlert error=Signal::stored(Some(AppError::new(ErrorCode::Forbidden)))/> }
        >
            {children()}
        </Show>
    }
}

/// The error of an action's last run, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// Renders `children` only in the browser, after hydration. For parts fetched in the browser
/// only: the server and the hydrating browser then agree on an empty slot, whatever the timing.
#[component]
pub fn ClientOnly(children: ChildrenFn) -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    move || mounted.get().then(|| children())
}
