//! One error type for server functions and REST handlers. The server sends a **code** (and, for
//! input errors, the field it concerns), never prose: the UI translates codes in every locale.
use serde::{Deserialize, Serialize};

/// What went wrong, as a stable, serialisable code (`"invalid_credentials"`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not logged in, or the session ended (expired, user deactivated).
    Unauthenticated,
    /// Logged in, but this role may not do this.
    Forbidden,
    /// Wrong e-mail or password (the same code for both, on purpose).
    InvalidCredentials,
    /// The password was right but an admin deactivated the account.
    AccountDisabled,
    /// Too many failed logins for this e-mail or address; try later.
    TooManyAttempts,
    EmailInvalid,
    EmailTaken,
    NameRequired,
    PasswordTooShort,
    PasswordTooLong,
    RoleUnknown,
    LocaleUnknown,
    PhoneInvalid,
    /// A required field is absent or the body is not the expected JSON.
    BadRequest,
    PayloadTooLarge,
    NotFound,
    /// An admin cannot demote or deactivate themself (the last way back in).
    CannotChangeSelf,
    /// Someone else changed this first.
    Conflict,
    DatabaseUnavailable,
    /// The request never reached the server, or its answer was unreadable.
    Network,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::InvalidCredentials,
        ErrorCode::AccountDisabled,
        ErrorCode::TooManyAttempts,
        ErrorCode::EmailInvalid,
        ErrorCode::EmailTaken,
        ErrorCode::NameRequired,
        ErrorCode::PasswordTooShort,
        ErrorCode::PasswordTooLong,
        ErrorCode::RoleUnknown,
        ErrorCode::LocaleUnknown,
        ErrorCode::PhoneInvalid,
        ErrorCode::BadRequest,
        ErrorCode::PayloadTooLarge,
        ErrorCode::NotFound,
        ErrorCode::CannotChangeSelf,
        ErrorCode::Conflict,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::Network,
        ErrorCode::Internal,
    ];

    /// The HTTP status a REST handler (or a server function) answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::AccountDisabled | ErrorCode::CannotChangeSelf => 403,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::EmailInvalid
            | ErrorCode::NameRequired
            | ErrorCode::PasswordTooShort
            | ErrorCode::PasswordTooLong
            | ErrorCode::RoleUnknown
            | ErrorCode::LocaleUnknown
            | ErrorCode::PhoneInvalid => 422,
            ErrorCode::BadRequest => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::NotFound => 404,
            ErrorCode::EmailTaken | ErrorCode::Conflict => 409,
            ErrorCode::DatabaseUnavailable => 503,
            ErrorCode::Network => 502,
            ErrorCode::Internal => 500,
        }
    }

    /// The code as it travels in JSON (`"invalid_credentials"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::EmailInvalid => "email_invalid",
            ErrorCode::EmailTaken => "email_taken",
            ErrorCode::NameRequired => "name_required",
            ErrorCode::PasswordTooShort => "password_too_short",
            ErrorCode::PasswordTooLong => "password_too_long",
            ErrorCode::RoleUnknown => "role_unknown",
            ErrorCode::LocaleUnknown => "locale_unknown",
            ErrorCode::PhoneInvalid => "phone_invalid",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::NotFound => "not_found",
            ErrorCode::CannotChangeSelf => "cannot_change_self",
            ErrorCode::Conflict => "conflict",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::Network => "network",
            ErrorCode::Internal => "internal",
        }
    }
}

/// The error every server function and REST handler returns: `{"code": "...", "field": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", code.as_str())]
pub struct AppError {
    pub code: ErrorCode,
    /// The input field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, field: None }
    }

    pub fn field(code: ErrorCode, field: &str) -> Self {
        Self { code, field: Some(field.to_string()) }
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
            (status, axum::Json(self)).into_response()
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
        for code in ErrorCode::ALL {
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
