//! Accounts: login, logout, the current user, roles, and user administration.
//! `domain` holds the pure rules, `db` the SQL, `service` (server only) the login and user
//! workflows shared by server functions and the REST API, `api` the server functions, `ui` pages.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode};
use crate::locale::UiLocale;

/// The session cookie's name (the host's session layer sets it; the OpenAPI names it).
pub const SESSION_COOKIE: &str = "ecocs_session";

/// What a user may do. Ordered: an admin can do everything a supervisor can, and so on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Supervisor, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim() {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "agent" => Ok(Role::Agent),
            _ => Err(AppError::field(ErrorCode::RoleUnknown, "role")),
        }
    }

    /// True when this role includes everything `required` may do.
    pub fn at_least(self, required: Role) -> bool {
        self >= required
    }
}

text_enum!(
    /// What an API token may do. `full` acts with its user's whole role (an admin's scripts); the
    /// others are the narrow grants a shop, a courier or a reporting tool needs, whatever its user's
    /// role, and nothing else.
    Scope, ErrorCode::ScopeUnknown, "scopes" {
        Full => "full",
        OrdersWrite => "orders:write",
        DeliveriesWrite => "deliveries:write",
        ReportsRead => "reports:read",
    }
);

/// The logged-in user, as `GET /api/auth/me` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: UiLocale,
    /// Set when the caller is an API token: what it may do. `None` for a signed-in session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
}

/// An API token as the admins' list shows it (never the token itself, which is shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub user_id: i64,
    pub user_name: String,
    pub user_email: String,
    pub scopes: Vec<Scope>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// The admin who issued it.
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
    /// Past its expiry when the list was read.
    pub expired: bool,
    /// To the minute: a token's use is noted at most once a minute.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<time::OffsetDateTime>,
}

/// What an admin asks for when issuing a token (`POST /api/tokens`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenInput {
    /// The user the token acts for (its actions are audited under this user).
    pub user_id: i64,
    pub name: String,
    /// At least one of `full`, `orders:write`, `deliveries:write`, `reports:read`.
    pub scopes: Vec<String>,
    /// Days until it expires: 1 to 730, 365 when left out.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 730))]
    pub expires_in_days: Option<i64>,
}

/// A token as issued: the only time the token itself is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewToken {
    pub id: i64,
    pub token: String,
    pub scopes: Vec<Scope>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
}

/// A one-time link to set a new password, as an admin issued it (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    /// `/reset-password?token=…`, on this site.
    pub path: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
}

/// A row of the users page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: UiLocale,
    pub active: bool,
}

impl CurrentUser {
    /// True when the caller acts with its user's whole role: a signed-in session or a `full` token.
    pub fn whole_role(&self) -> bool {
        self.scopes.as_ref().is_none_or(|scopes| scopes.contains(&Scope::Full))
    }

    /// True when the caller may act as `role`: never for a narrowly scoped token.
    pub fn has_role(&self, role: Role) -> bool {
        self.whole_role() && self.role.at_least(role)
    }

    /// True when the caller is a token granted `scope`.
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.as_ref().is_some_and(|scopes| scopes.contains(&scope))
    }

    /// `Ok` when the caller may act as `role`, else `forbidden` (`token_scope` for a narrowly
    /// scoped token: its scopes, not its user's role, say what it may do).
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.has_role(role) {
            Ok(())
        } else if !self.whole_role() {
            Err(AppError::new(ErrorCode::TokenScope))
        } else {
            Err(AppError::new(ErrorCode::Forbidden))
        }
    }

    /// `Ok` for a token granted `scope`, or a caller who may act as `role`.
    pub fn require_scope(&self, scope: Scope, role: Role) -> Result<(), AppError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            self.require(role)
        }
    }
}

impl UserSummary {
    /// The logged-in view of this user.
    pub fn into_current(self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            email: self.email,
            name: self.name,
            role: self.role,
            locale: self.locale,
            scopes: None,
        }
    }
}

/// Login rate limits: failures allowed back to back per e-mail and per client address within a
/// window; beyond them each try waits longer, up to `max_delay_seconds` (a slow-down, not a lockout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimit {
    pub max_failures_per_email: i64,
    pub max_failures_per_ip: i64,
    pub window_seconds: i64,
    pub max_delay_seconds: i64,
}

impl Default for LoginLimit {
    fn default() -> Self {
        Self { max_failures_per_email: 5, max_failures_per_ip: 30, window_seconds: 15 * 60, max_delay_seconds: 60 }
    }
}
