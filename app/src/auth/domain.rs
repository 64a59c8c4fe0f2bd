//! Pure account rules: what a valid e-mail, name and password are, and when logins are throttled.
use crate::error::{AppError, ErrorCode};

use super::{LoginLimit, Scope};

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

/// How long a new API token lives when the admin does not say, and at most (days).
pub const TOKEN_DAYS_DEFAULT: i64 = 365;
pub const TOKEN_DAYS_MAX: i64 = 730;
pub const TOKEN_NAME_MAX_CHARS: usize = 120;

/// A token's scopes as asked: each one known, at least one, each once (in `Scope::ALL`'s order).
pub fn token_scopes(raw: &[String]) -> Result<Vec<Scope>, AppError> {
    let asked = raw.iter().map(|s| Scope::parse(s)).collect::<Result<Vec<_>, _>>()?;
    if asked.is_empty() {
        return Err(AppError::field(ErrorCode::ScopesRequired, "scopes"));
    }
    Ok(Scope::ALL.iter().copied().filter(|s| asked.contains(s)).collect())
}

/// A token's lifetime in days: 1 to 730, 365 when not given.
pub fn token_days(days: Option<i64>) -> Result<i32, AppError> {
    let days = days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        return Err(AppError::field(ErrorCode::LimitInvalid, "expiresInDays"));
    }
    i32::try_from(days).map_err(|_| AppError::field(ErrorCode::LimitInvalid, "expiresInDays"))
}

/// A token's name: trimmed, 1–120 characters.
pub fn token_name(raw: &str) -> Result<&str, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::field(ErrorCode::NameRequired, "name"));
    }
    if name.chars().count() > TOKEN_NAME_MAX_CHARS {
        return Err(AppError::field(ErrorCode::TextTooLong, "name"));
    }
    Ok(name)
}

/// Recent failed logins, counted by the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_email: i64,
    pub for_ip: i64,
    /// When the latest of them was recorded.
    pub last_for_email: Option<time::OffsetDateTime>,
    pub last_for_ip: Option<time::OffsetDateTime>,
}

/// How long after the last failure the next try must wait, after `failures` recent failed ones
/// (for one e-mail or one address, with `free` of them allowed back to back): nothing within the
/// allowance, then 1 s doubling up to `max_delay` seconds. A slow-down, not a lockout: the right
/// password works once the wait is over, so nobody can lock an agent out by guessing.
pub fn login_delay(free: i64, failures: i64, max_delay: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let over = u32::try_from((failures - free).min(32)).unwrap_or(32);
    2i64.saturating_pow(over).min(max_delay.max(1))
}

/// Seconds still to wait at `now` before this attempt may be verified (0: go ahead).
pub fn login_wait(limit: LoginLimit, failures: &RecentFailures, now: time::OffsetDateTime) -> i64 {
    let wait = |free: i64, count: i64, last: Option<time::OffsetDateTime>| {
        let delay = login_delay(free, count, limit.max_delay_seconds);
        let since = last.map_or(i64::MAX, |last| (now - last).whole_milliseconds().try_into().unwrap_or(i64::MAX));
        let left = delay.saturating_mul(1000).saturating_sub(since);
        if left > 0 {
            (left + 999) / 1000
        } else {
            0
        }
    };
    wait(limit.max_failures_per_email, failures.for_email, failures.last_for_email).max(wait(
        limit.max_failures_per_ip,
        failures.for_ip,
        failures.last_for_ip,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_the_allowance_each_try_waits_twice_as_long_up_to_the_cap() {
        let delays: Vec<i64> = (0..10).map(|f| login_delay(5, f, 60)).collect();
        assert_eq!(delays, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(login_delay(5, 11, 60), 60);
        assert_eq!(login_delay(5, 1_000_000, 60), 60, "no overflow");
        let limit = LoginLimit::default();
        let at = time::macros::datetime!(2026-12-03 10:00:00 UTC);
        let failures = |n: i64, ago_ms: i64| RecentFailures {
            for_email: n,
            last_for_email: Some(at - time::Duration::milliseconds(ago_ms)),
            ..RecentFailures::default()
        };
        assert_eq!(login_wait(limit, &failures(4, 0), at), 0, "within the allowance");
        assert_eq!(login_wait(limit, &failures(7, 1_500), at), 3, "4 s after the last, 1.5 s gone: 3 s (rounded up)");
        assert_eq!(login_wait(limit, &failures(7, 4_000), at), 0, "waited enough: the right password works");
        let from_ip = RecentFailures { for_ip: 31, last_for_ip: Some(at), ..RecentFailures::default() };
        assert_eq!(login_wait(limit, &from_ip, at), 2, "the address has its own allowance");
    }

    #[test]
    fn a_token_gets_known_scopes_once_and_a_bounded_life() {
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            token_scopes(&raw(&["reports:read", "orders:write", " orders:write "])).expect("valid"),
            [Scope::OrdersWrite, Scope::ReportsRead]
        );
        let unknown = token_scopes(&raw(&["orders:write", "admin"])).expect_err("unknown");
        assert_eq!((unknown.code, unknown.field.as_deref()), (ErrorCode::ScopeUnknown, Some("scopes")));
        assert_eq!(token_scopes(&[]).expect_err("none").code, ErrorCode::ScopesRequired);
        assert_eq!(token_days(None).expect("default"), 365);
        assert_eq!(token_days(Some(1)).expect("a day"), 1);
        assert_eq!(token_days(Some(730)).expect("two years"), 730);
        for days in [0, -1, 731, i64::MAX] {
            let error = token_days(Some(days)).expect_err("out of range");
            assert_eq!((error.code, error.field.as_deref()), (ErrorCode::LimitInvalid, Some("expiresInDays")));
        }
        assert_eq!(token_name("  Boutique  ").expect("valid"), "Boutique");
        assert_eq!(token_name(" ").expect_err("blank").code, ErrorCode::NameRequired);
        assert_eq!(token_name(&"x".repeat(121)).expect_err("long").code, ErrorCode::TextTooLong);
    }

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
    fn roles_are_ordered_admin_over_supervisor_over_agent() {
        use crate::auth::Role;
        assert!(Role::Admin.at_least(Role::Supervisor));
        assert!(Role::Supervisor.at_least(Role::Agent));
        assert!(!Role::Agent.at_least(Role::Supervisor));
    }
}
