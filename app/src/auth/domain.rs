//! Pure account rules: what a valid e-mail, name and password are, and when logins are throttled.
use crate::error::{AppError, ErrorCode};

use super::LoginLimit;

pub const PASSWORD_MIN_CHARS: usize = 10;
/// Bounds the work argon2 does for one request.
pub const PASSWORD_MAX_BYTES: usize = 256;
pub const NAME_MAX_CHARS: usize = 120;

/// A trimmed, lower-cased e-mail address with one `@` and a dotted domain (or `localhost`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || AppError::field(ErrorCode::EmailInvalid, "email");
        if email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain == "localhost"
            || (domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains(".."));
        if local.is_empty() || domain.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name: trimmed, inner whitespace collapsed, 1–120 characters, any script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(AppError::field(ErrorCode::NameRequired, "name"));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(AppError::field(ErrorCode::BadRequest, "name"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters, at most 256 bytes. Never logged, never serialised.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: String) -> Result<Self, AppError> {
        if raw.chars().count() < PASSWORD_MIN_CHARS {
            return Err(AppError::field(ErrorCode::PasswordTooShort, "password"));
        }
        if raw.len() > PASSWORD_MAX_BYTES {
            return Err(AppError::field(ErrorCode::PasswordTooLong, "password"));
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Recent failed logins, counted by the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_email: i64,
    pub for_ip: i64,
}

/// Whether one more login attempt may be tried now.
pub fn login_allowed(limit: LoginLimit, failures: RecentFailures) -> bool {
    failures.for_email < limit.max_failures_per_email && failures.for_ip < limit.max_failures_per_ip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Amina.B@Example.DZ ").expect("valid").as_str(), "amina.b@example.dz");
        assert_eq!(Email::parse("admin@localhost").expect("valid").as_str(), "admin@localhost");
    }

    #[test]
    fn malformed_emails_are_refused_with_the_email_field() {
        for raw in ["", "no-at-sign", "@example.dz", "a@b", "a@.dz", "a@b..dz", "a b@c.dz", "a@b@c.dz"] {
            let err = Email::parse(raw).expect_err(raw);
            assert_eq!(err.code, ErrorCode::EmailInvalid, "{raw}");
            assert_eq!(err.field.as_deref(), Some("email"));
        }
    }

    #[test]
    fn an_arabic_name_is_kept_and_its_spaces_collapsed() {
        assert_eq!(PersonName::parse("  ياسين   بن علي ").expect("valid").as_str(), "ياسين بن علي");
        assert_eq!(PersonName::parse(" \t ").expect_err("blank").code, ErrorCode::NameRequired);
    }

    #[test]
    fn a_short_or_huge_password_is_refused() {
        assert_eq!(NewPassword::parse("123456789".into()).expect_err("short").code, ErrorCode::PasswordTooShort);
        assert_eq!(NewPassword::parse("x".repeat(300)).expect_err("long").code, ErrorCode::PasswordTooLong);
        assert!(NewPassword::parse("correct horse".into()).is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = NewPassword::parse("super secret pw".into()).expect("valid");
        assert!(!format!("{p:?}").contains("secret"));
    }

    #[test]
    fn logins_stop_at_the_limit_for_an_email_or_an_address() {
        let limit = LoginLimit { max_failures_per_email: 5, max_failures_per_ip: 30, window_seconds: 900 };
        assert!(login_allowed(limit, RecentFailures { for_email: 4, for_ip: 29 }));
        assert!(!login_allowed(limit, RecentFailures { for_email: 5, for_ip: 0 }));
        assert!(!login_allowed(limit, RecentFailures { for_email: 0, for_ip: 30 }));
    }

    #[test]
    fn roles_are_ordered_admin_over_supervisor_over_agent() {
        use crate::auth::Role;
        assert!(Role::Admin.at_least(Role::Supervisor));
        assert!(Role::Supervisor.at_least(Role::Agent));
        assert!(!Role::Agent.at_least(Role::Supervisor));
    }
}
