//! One error type for server functions and REST handlers. The server sends a **code** (and, for
//! input errors, the field it concerns), never prose: the UI translates codes in every locale.
use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $text:literal, $status:literal;)+) => {
        /// What went wrong, as a stable, serialisable code (`"invalid_credentials"`, …).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The HTTP status a REST handler (or a server function) answers with.
            pub fn http_status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)+
                }
            }

            /// The code as it travels in JSON (`"invalid_credentials"`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)+
                }
            }
        }
    };
}

error_codes! {
    /// Not logged in, or the session ended (expired, user deactivated), or a bad API token.
    Unauthenticated => "unauthenticated", 401;
    /// Logged in, but this role may not do this (or not to this order).
    Forbidden => "forbidden", 403;
    /// An API token whose scopes do not include this (a shop's `orders:write` token reading customers).
    TokenScope => "token_scope", 403;
    /// An API token past its expiry (the admin issues a new one).
    TokenExpired => "token_expired", 401;
    /// A token scope that does not exist (`scopes`).
    ScopeUnknown => "scope_unknown", 422;
    /// A token needs at least one scope (`scopes`).
    ScopesRequired => "scopes_required", 422;
    /// The current password given to change it is not the user's (`currentPassword`).
    PasswordWrong => "password_wrong", 422;
    /// A password reset link that is unknown, used or expired (`token`).
    ResetInvalid => "reset_invalid", 422;
    /// A status meaning that does not exist (`flags.outcome`).
    OutcomeUnknown => "outcome_unknown", 422;
    /// A delivery outcome other than delivered, returned, refused, failed_attempt (`outcome`).
    DeliveryOutcomeUnknown => "delivery_outcome_unknown", 422;
    /// A courier's reason code we do not know (`reason`).
    DeliveryReasonUnknown => "delivery_reason_unknown", 422;
    /// A delivery event id must be 1 to 100 characters (`eventId`).
    EventIdInvalid => "event_id_invalid", 422;
    /// A delivery time in the future or before the order (`at`).
    DeliveryTimeInvalid => "delivery_time_invalid", 422;
    /// This event id was used for another event (`eventId`).
    EventReused => "event_reused", 409;
    /// Only a confirmed order is shipped: a courier outcome for another one is refused.
    OrderNotConfirmed => "order_not_confirmed", 409;
    /// Wrong e-mail or password (the same code for both, on purpose).
    InvalidCredentials => "invalid_credentials", 401;
    /// The password was right but an admin deactivated the account.
    AccountDisabled => "account_disabled", 403;
    /// Too many failed logins for this e-mail or address; try later.
    TooManyAttempts => "too_many_attempts", 429;
    EmailInvalid => "email_invalid", 422;
    EmailTaken => "email_taken", 409;
    NameRequired => "name_required", 422;
    PasswordTooShort => "password_too_short", 422;
    PasswordTooLong => "password_too_long", 422;
    RoleUnknown => "role_unknown", 422;
    LocaleUnknown => "locale_unknown", 422;
    PhoneInvalid => "phone_invalid", 422;
    /// Well formed, but in no allocated range of the numbering plan (a typo or a fake).
    PhoneUnallocated => "phone_unallocated", 422;
    /// A text is longer than the field takes.
    TextTooLong => "text_too_long", 422;
    WilayaUnknown => "wilaya_unknown", 422;
    /// No such commune in the order's wilaya.
    CommuneUnknown => "commune_unknown", 422;
    /// An order needs at least one item.
    ItemsRequired => "items_required", 422;
    TooManyItems => "too_many_items", 422;
    /// Quantities are whole numbers from 1.
    QuantityInvalid => "quantity_invalid", 422;
    /// A price or total is negative or absurdly large.
    AmountInvalid => "amount_invalid", 422;
    /// The total is not the sum of the items.
    TotalMismatch => "total_mismatch", 422;
    PriorityUnknown => "priority_unknown", 422;
    DeliveryTypeUnknown => "delivery_type_unknown", 422;
    /// The shop's reference is already used by a different order.
    ReferenceReused => "reference_reused", 409;
    MethodUnknown => "method_unknown", 422;
    StatusUnknown => "status_unknown", 422;
    /// The configuration does not allow this status after the current one (for this role).
    TransitionNotAllowed => "transition_not_allowed", 422;
    /// The order already reached a final status.
    OrderClosed => "order_closed", 409;
    DurationInvalid => "duration_invalid", 422;
    CallbackTimeRequired => "callback_time_required", 422;
    /// A callback must be in the future, and within 90 days.
    CallbackTimeInvalid => "callback_time_invalid", 422;
    CallbackScopeUnknown => "callback_scope_unknown", 422;
    /// Orders go to active agents only.
    AgentUnknown => "agent_unknown", 422;
    FlagTypeUnknown => "flag_type_unknown", 422;
    /// A note or a flag's reason is empty.
    TextRequired => "text_required", 422;
    /// Status codes are 1–40 lower-case letters, digits and `_`, starting with a letter.
    StatusCodeInvalid => "status_code_invalid", 422;
    StatusCodeTaken => "status_code_taken", 409;
    /// Colours are `#rrggbb`.
    ColorInvalid => "color_invalid", 422;
    /// A status needs a label in every language (the field names which).
    LabelRequired => "label_required", 422;
    CategoryUnknown => "category_unknown", 422;
    /// No active status is marked initial: new orders would have nowhere to start.
    StatusInitialMissing => "status_initial_missing", 422;
    StatusInitialFinal => "status_initial_final", 422;
    /// A final status cannot have transitions out of it.
    StatusFinalHasExits => "status_final_has_exits", 422;
    /// From this status no final status can be reached: orders would be stuck (the field names it).
    StatusCannotFinish => "status_cannot_finish", 422;
    /// Orders or attempts use this status: deactivate it instead of deleting it.
    StatusInUse => "status_in_use", 409;
    /// The CSV file has no header or no order lines.
    CsvEmpty => "csv_empty", 422;
    /// A column the import needs is not in the header (the field names it).
    CsvColumnMissing => "csv_column_missing", 422;
    /// A CSV line could not be read (unbalanced quotes, bad encoding).
    CsvRowInvalid => "csv_row_invalid", 422;
    /// No file was sent.
    FileRequired => "file_required", 422;
    /// The presence state is not available, paused or offline.
    PresenceUnknown => "presence_unknown", 422;
    /// A language level is not between 1 and 5.
    ProficiencyInvalid => "proficiency_invalid", 422;
    /// A confirmation agent needs at least one language.
    LanguagesRequired => "languages_required", 422;
    /// A shift or business hours have a bad day or times (start before end, within the day).
    ShiftInvalid => "shift_invalid", 422;
    /// Two shifts overlap on the same day.
    ShiftOverlap => "shift_overlap", 422;
    /// A limit or a number of minutes is out of range (the field names it).
    LimitInvalid => "limit_invalid", 422;
    /// The period is empty, reversed or longer than a year.
    PeriodInvalid => "period_invalid", 422;
    /// No scheduled job has this name.
    JobUnknown => "job_unknown", 404;
    /// The job is running right now (here or on another instance).
    JobRunning => "job_running", 409;
    /// The class is not new, regular, loyal, vip or bad.
    ClassUnknown => "class_unknown", 422;
    /// A message template names a variable that does not exist (the position says where).
    TemplateUnknownVariable => "template_unknown_variable", 422;
    /// A message template opens `{{` without closing it.
    TemplateUnclosed => "template_unclosed", 422;
    /// A message template has `{{}}` with no name inside.
    TemplateEmptyVariable => "template_empty_variable", 422;
    /// A message template, or the message it renders, is empty.
    TemplateEmpty => "template_empty", 422;
    /// No such messaging step.
    StepUnknown => "step_unknown", 422;
    /// No such channel (sms, whatsapp, email).
    ChannelUnknown => "channel_unknown", 422;
    /// A sender id must be 1 to 11 Latin letters or digits.
    SenderIdInvalid => "sender_id_invalid", 422;
    /// A provider's callback is not signed with our secret: nothing of it is kept.
    SignatureInvalid => "signature_invalid", 401;
    /// A manual change needs a reason.
    ReasonRequired => "reason_required", 422;
    /// Someone already decided this pair.
    PairDecided => "pair_decided", 409;
    /// The customer was merged into another one (act on the survivor).
    CustomerMerged => "customer_merged", 409;
    /// This merge was undone already.
    MergeUndone => "merge_undone", 409;
    /// The survivor was merged again since: undo that later merge first.
    MergeNotLatest => "merge_not_latest", 409;
    /// The decision is not duplicate, not_duplicate or same_customer.
    DecisionUnknown => "decision_unknown", 422;
    /// A required field is absent or the body is not the expected JSON.
    BadRequest => "bad_request", 400;
    PayloadTooLarge => "payload_too_large", 413;
    /// A state-changing request with a session, from another site (cross-site request forgery).
    OriginForbidden => "origin_forbidden", 403;
    NotFound => "not_found", 404;
    /// An admin cannot demote or deactivate themself (the last way back in).
    CannotChangeSelf => "cannot_change_self", 403;
    /// Someone else changed this first: reload and try again.
    Conflict => "conflict", 409;
    DatabaseUnavailable => "database_unavailable", 503;
    /// The request never reached the server, or its answer was unreadable.
    Network => "network", 502;
    Internal => "internal", 500;
}

/// The error every server function and REST handler returns: `{"code": "...", "field": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", code.as_str())]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppError {
    pub code: ErrorCode,
    /// The input field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where in the field's text the error is (a character index from 0), for text the user
    /// writes in a small language of ours (message templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Seconds to wait before trying again (`429`; also sent as `Retry-After`).
    #[serde(default, rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

impl AppError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, field: None, position: None, retry_after: None }
    }

    pub fn field(code: ErrorCode, field: &str) -> Self {
        Self { code, field: Some(field.to_string()), position: None, retry_after: None }
    }

    /// The same error, to be tried again after `seconds`.
    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(u32::try_from(seconds.max(1)).unwrap_or(u32::MAX));
        self
    }

    /// The same error, at character `position` of its field.
    pub fn at(mut self, position: usize) -> Self {
        self.position = Some(u32::try_from(position).unwrap_or(u32::MAX));
        self
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => AppError::new(ErrorCode::BadRequest),
            E::Request(_) | E::Response(_) => AppError::new(ErrorCode::Network),
            _ => AppError::new(ErrorCode::Internal),
        }
    }
}

/// A stored value our types do not know is corrupt data, not a default: logged with its table and
/// column, and the read fails (`internal`) instead of showing something else.
#[cfg(feature = "ssr")]
pub fn known_stored<T>(
    table: &'static str,
    column: &'static str,
    raw: &str,
    parsed: Result<T, AppError>,
) -> Result<T, sqlx::Error> {
    parsed.map_err(|_| {
        tracing::error!(table, column, value = raw, "unknown value stored");
        sqlx::Error::Decode(format!("unknown {table}.{column} {raw:?}").into())
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{AppError, ErrorCode};

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            match &error {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                    tracing::warn!(%error, "database unavailable");
                    AppError::new(ErrorCode::DatabaseUnavailable)
                }
                sqlx::Error::RowNotFound => AppError::new(ErrorCode::NotFound),
                _ => {
                    tracing::error!(%error, "database error");
                    AppError::new(ErrorCode::Internal)
                }
            }
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(error: tower_sessions::session::Error) -> Self {
            use tower_sessions::session::Error;
            use tower_sessions::session_store::Error as StoreError;
            match error {
                // The PostgreSQL store reports a database it cannot reach as a backend error.
                Error::Store(StoreError::Backend(detail)) => {
                    tracing::warn!(%detail, "session store unavailable");
                    AppError::new(ErrorCode::DatabaseUnavailable)
                }
                other => {
                    tracing::error!(error = %other, "session store error");
                    AppError::new(ErrorCode::Internal)
                }
            }
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status =
                http::StatusCode::from_u16(self.code.http_status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let retry_after = self.retry_after;
            let mut response = (status, axum::Json(self)).into_response();
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
            response
        }
    }

    /// Maps a violation of the named constraint to `code`, anything else through `From<sqlx::Error>`.
    /// Constraints are named in the migrations; never match on message text.
    pub fn on_constraint(constraint: &'static str, code: ErrorCode) -> impl FnOnce(sqlx::Error) -> AppError {
        move |error| match &error {
            sqlx::Error::Database(db) if db.constraint() == Some(constraint) => AppError::new(code),
            _ => AppError::from(error),
        }
    }
}
#[cfg(feature = "ssr")]
pub use ssr::on_constraint;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_travels_as_its_snake_case_name() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serialise");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn an_error_without_a_field_serialises_to_just_its_code() {
        let json = serde_json::to_string(&AppError::new(ErrorCode::InvalidCredentials)).expect("serialise");
        assert_eq!(json, r#"{"code":"invalid_credentials"}"#);
    }

    #[test]
    fn wrong_credentials_are_401_and_a_closed_database_is_503() {
        assert_eq!(ErrorCode::InvalidCredentials.http_status(), 401);
        assert_eq!(ErrorCode::DatabaseUnavailable.http_status(), 503);
    }
}
