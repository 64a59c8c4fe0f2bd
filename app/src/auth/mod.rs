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

/// The logged-in user, as `GET /api/auth/me` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: UiLocale,
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
    /// `Ok` when the user's role is at least `role`, else `forbidden`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role.at_least(role) {
            Ok(())
        } else {
            Err(AppError::new(ErrorCode::Forbidden))
        }
    }
}

impl UserSummary {
    /// The logged-in view of this user.
    pub fn into_current(self) -> CurrentUser {
        CurrentUser { id: self.id, email: self.email, name: self.name, role: self.role, locale: self.locale }
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
