//! SQL for users and login attempts. Functions take a connection so callers choose the transaction.
use sqlx::PgConnection;

use super::domain::RecentFailures;
use super::{CurrentUser, Role, Scope, TokenView, UserSummary};
use crate::locale::UiLocale;
use time::OffsetDateTime;

/// What login needs to know about an e-mail's account: the user and their password hash, in one
/// query.
pub struct Credentials {
    pub user: UserSummary,
    pub password_hash: String,
    /// Stamped on the session at login: a password change bumps it and ends the other sessions.
    pub session_epoch: i32,
}

pub async fn find_credentials(conn: &mut PgConnection, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, email, name, role, locale, active, password_hash, session_epoch FROM users WHERE email = $1",
        email
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Credentials {
        user: UserRow { id: r.id, email: r.email, name: r.name, role: r.role, locale: r.locale, active: r.active }
            .into_summary(),
        password_hash: r.password_hash,
        session_epoch: r.session_epoch,
    }))
}

/// The active user behind a session and their session epoch (a session stamped with another
/// epoch was ended by a password change).
pub async fn session_user(conn: &mut PgConnection, id: i64) -> Result<Option<(CurrentUser, i32)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, email, name, role, locale, active, session_epoch FROM users WHERE id = $1 AND active",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let user = UserRow { id: r.id, email: r.email, name: r.name, role: r.role, locale: r.locale, active: r.active };
        (user.into_summary().into_current(), r.session_epoch)
    }))
}

pub async fn password_hash(conn: &mut PgConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", id).fetch_optional(conn).await
}

/// Replaces a user's password and ends their sessions (the epoch moves on); answers the new epoch.
pub async fn set_password(conn: &mut PgConnection, id: i64, hash: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1
         RETURNING session_epoch",
        id,
        hash
    )
    .fetch_one(conn)
    .await
}

/// A new one-time reset link for the user, valid `hours`; the user's earlier unused links lapse.
pub async fn insert_reset(
    conn: &mut PgConnection,
    user_id: i64,
    token: &str,
    by: i64,
    hours: i32,
) -> Result<(i64, OffsetDateTime), sqlx::Error> {
    sqlx::query!("UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", user_id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query!(
        "INSERT INTO password_resets (user_id, token_hash, created_by, expires_at)
         VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, now() + make_interval(hours => $4))
         RETURNING id, expires_at",
        user_id,
        token,
        by,
        hours
    )
    .fetch_one(conn)
    .await?;
    Ok((row.id, row.expires_at))
}

/// Uses a reset link: the user it was for, once, before it expires (a second use finds nothing).
pub async fn take_reset(conn: &mut PgConnection, token: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE password_resets SET used_at = now()
         WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
        token
    )
    .fetch_optional(conn)
    .await
}

struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    locale: String,
    active: bool,
}

impl UserRow {
    fn into_summary(self) -> UserSummary {
        UserSummary {
            id: self.id,
            email: self.email,
            name: self.name,
            // The CHECK constraints keep these columns to known values.
            role: Role::parse(&self.role).unwrap_or(Role::Agent),
            locale: UiLocale::parse(&self.locale).unwrap_or_default(),
            active: self.active,
        }
    }
}

/// Deletes up to `limit` login attempts recorded before `before`; answers how many.
pub async fn purge_login_attempts(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM login_attempts WHERE id IN (SELECT id FROM login_attempts WHERE created_at < $1 LIMIT $2)",
        before,
        limit
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The user behind a session, if the account still exists and is active.
pub async fn find_active_user(conn: &mut PgConnection, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let row = find_user(conn, id).await?;
    Ok(row.filter(|u| u.active).map(UserSummary::into_current))
}

pub async fn find_user(conn: &mut PgConnection, id: i64) -> Result<Option<UserSummary>, sqlx::Error> {
    let row = sqlx::query_as!(UserRow, "SELECT id, email, name, role, locale, active FROM users WHERE id = $1", id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(UserRow::into_summary))
}

/// What a bearer token resolves to: its user (active or not), its scopes and whether it expired.
pub struct TokenCaller {
    pub user: UserSummary,
    pub scopes: Vec<String>,
    pub expired: bool,
}

/// The user and scopes of an unrevoked token, found by the token's SHA-256 (only the hash is
/// stored). Notes its use at most once a minute, so a busy shop's token does not write on every
/// request (the condition is on the row, re-checked after a concurrent writer's commit).
pub async fn find_token(conn: &mut PgConnection, token: &str) -> Result<Option<TokenCaller>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH t AS (
             SELECT id, user_id, scopes, expires_at <= now() AS expired
             FROM api_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND revoked_at IS NULL),
           used AS (
             UPDATE api_tokens a SET last_used_at = now() FROM t
             WHERE a.id = t.id AND NOT t.expired
               AND (a.last_used_at IS NULL OR a.last_used_at < now() - interval '1 minute'))
         SELECT u.id, u.email, u.name, u.role, u.locale, u.active, t.scopes, t.expired AS "expired!"
         FROM t JOIN users u ON u.id = t.user_id"#,
        token
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| TokenCaller {
        user: UserRow { id: r.id, email: r.email, name: r.name, role: r.role, locale: r.locale, active: r.active }
            .into_summary(),
        scopes: r.scopes,
        expired: r.expired,
    }))
}

pub async fn insert_token(
    conn: &mut PgConnection,
    grant: &TokenGrant<'_>,
    token: &str,
    created_by: i64,
) -> Result<(i64, OffsetDateTime), sqlx::Error> {
    let scopes: Vec<String> = grant.scopes.iter().map(|s| s.as_str().to_string()).collect();
    let row = sqlx::query!(
        "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_by, scopes, expires_at)
         VALUES ($1, $2, left($3, 8), sha256(convert_to($3, 'UTF8')), $4, $5, now() + make_interval(days => $6))
         RETURNING id, expires_at",
        grant.user_id,
        grant.name,
        token,
        created_by,
        &scopes,
        grant.days,
    )
    .fetch_one(conn)
    .await?;
    Ok((row.id, row.expires_at))
}

/// What an admin grants a new token.
pub struct TokenGrant<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub days: i32,
}

/// Every token, live ones first, newest first.
pub async fn list_tokens(conn: &mut PgConnection) -> Result<Vec<TokenView>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.name, t.prefix, t.scopes, t.user_id, u.name AS user_name, u.email AS user_email,
                t.created_at, c.name AS created_by, t.expires_at, t.expires_at <= now() AS "expired!", t.last_used_at,
                t.revoked_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN users c ON c.id = t.created_by
         ORDER BY t.revoked_at IS NOT NULL, t.expires_at <= now(), t.created_at DESC, t.id DESC"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TokenView {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            user_id: r.user_id,
            user_name: r.user_name,
            user_email: r.user_email,
            // the CHECK constraint keeps the column to known scopes
            scopes: r.scopes.iter().filter_map(|s| Scope::parse(s).ok()).collect(),
            created_at: r.created_at,
            created_by: r.created_by,
            expires_at: r.expires_at,
            expired: r.expired,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
        .collect())
}

/// Revokes a live token; answers its name and user, or `None` when it is unknown or already
/// revoked (the row lock makes two revokes record one).
pub async fn revoke_token(conn: &mut PgConnection, id: i64, by: i64) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL
         RETURNING name, user_id",
        id,
        by
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.name, r.user_id)))
}

pub async fn token_exists(conn: &mut PgConnection, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM api_tokens WHERE id = $1) AS "e!""#, id).fetch_one(conn).await
}

/// Locks the user's row for the rest of the transaction (read-modify-write with an audit entry).
pub async fn find_user_for_update(conn: &mut PgConnection, id: i64) -> Result<Option<UserSummary>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        "SELECT id, email, name, role, locale, active FROM users WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(UserRow::into_summary))
}

/// Active users orders can be assigned to (agents and supervisors), by name.
pub async fn list_assignable(conn: &mut PgConnection) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows = sqlx::query_as!(
        UserRow,
        "SELECT id, email, name, role, locale, active FROM users
         WHERE active AND role IN ('agent', 'supervisor') ORDER BY role, name, id"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(UserRow::into_summary).collect())
}

pub async fn list_users(conn: &mut PgConnection) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows = sqlx::query_as!(
        UserRow,
        "SELECT id, email, name, role, locale, active FROM users ORDER BY active DESC, role, name, id"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(UserRow::into_summary).collect())
}

pub async fn count_users(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    let n = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM users"#).fetch_one(conn).await?;
    Ok(n)
}

/// A new user's fields, already validated.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub locale: UiLocale,
    pub password_hash: &'a str,
}

pub async fn insert_user(conn: &mut PgConnection, user: NewUser<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO users (email, name, role, locale, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user.email,
        user.name,
        user.role.as_str(),
        user.locale.tag(),
        user.password_hash,
    )
    .fetch_one(conn)
    .await
}

pub async fn update_user_role(conn: &mut PgConnection, id: i64, role: Role) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET role = $2, updated_at = now() WHERE id = $1", id, role.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_user_active(conn: &mut PgConnection, id: i64, active: bool) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET active = $2, updated_at = now() WHERE id = $1", id, active).execute(conn).await?;
    Ok(())
}

pub async fn update_user_locale(conn: &mut PgConnection, id: i64, locale: UiLocale) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET locale = $2, updated_at = now() WHERE id = $1", id, locale.tag())
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a login attempt before its password is checked (a failure until
/// [`mark_login_succeeded`]), so parallel attempts each see the ones recorded before them.
/// Returns its id and time.
pub async fn insert_login_attempt(
    conn: &mut PgConnection,
    email: &str,
    ip: Option<&str>,
) -> Result<(i64, time::OffsetDateTime), sqlx::Error> {
    let row = sqlx::query!(
        "INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, false) RETURNING id, created_at",
        email,
        ip
    )
    .fetch_one(conn)
    .await?;
    Ok((row.id, row.created_at))
}

pub async fn mark_login_succeeded(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE login_attempts SET succeeded = true WHERE id = $1", id).execute(conn).await?;
    Ok(())
}

/// The failed logins recorded before attempt `before` in the last `window_seconds`, for this
/// e-mail and for this address, with the latest of each.
pub async fn failures_before(
    conn: &mut PgConnection,
    before: i64,
    email: &str,
    ip: Option<&str>,
    window_seconds: i64,
) -> Result<RecentFailures, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT e.n AS "for_email!", e.last AS "last_for_email?", i.n AS "for_ip!", i.last AS "last_for_ip?"
           FROM (SELECT count(*) AS n, max(created_at) AS last FROM login_attempts
                 WHERE email = $2 AND NOT succeeded AND id < $1
                   AND created_at > now() - make_interval(secs => $4::bigint)) e,
                (SELECT count(*) AS n, max(created_at) AS last FROM login_attempts
                 WHERE ip = $3 AND NOT succeeded AND id < $1
                   AND created_at > now() - make_interval(secs => $4::bigint)) i"#,
        before,
        email,
        ip,
        window_seconds,
    )
    .fetch_one(conn)
    .await?;
    Ok(RecentFailures {
        for_email: row.for_email,
        for_ip: row.for_ip,
        last_for_email: row.last_for_email,
        last_for_ip: row.last_for_ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::PgPool;

    fn new_user<'a>(email: &'a str, role: Role) -> NewUser<'a> {
        NewUser { email, name: "Yacine Benali", role, locale: UiLocale::Ar, password_hash: "not-a-real-hash" }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_inserted_user_is_found_active_with_its_role_and_locale(pool: PgPool) {
        let mut conn = pool.acquire().await.expect("conn");
        let id = insert_user(&mut conn, new_user("y@example.dz", Role::Supervisor)).await.expect("insert");
        let user = find_active_user(&mut conn, id).await.expect("query").expect("found");
        assert_eq!(user.role, Role::Supervisor);
        assert_eq!(user.locale, UiLocale::Ar);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_deactivated_user_is_not_an_active_user(pool: PgPool) {
        let mut conn = pool.acquire().await.expect("conn");
        let id = insert_user(&mut conn, new_user("d@example.dz", Role::Agent)).await.expect("insert");
        update_user_active(&mut conn, id, false).await.expect("update");
        assert!(find_active_user(&mut conn, id).await.expect("query").is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_same_email_twice_violates_users_email_key(pool: PgPool) {
        let mut conn = pool.acquire().await.expect("conn");
        insert_user(&mut conn, new_user("same@example.dz", Role::Agent)).await.expect("first");
        let err = insert_user(&mut conn, new_user("same@example.dz", Role::Agent)).await.expect_err("second");
        let constraint = err.as_database_error().and_then(|e| e.constraint()).map(str::to_string);
        assert_eq!(constraint.as_deref(), Some("users_email_key"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_earlier_recent_failures_of_that_email_or_address_count(pool: PgPool) {
        let mut conn = pool.acquire().await.expect("conn");
        for _ in 0..3 {
            insert_login_attempt(&mut conn, "a@x.dz", Some("10.0.0.1")).await.expect("insert");
        }
        let (ok, _) = insert_login_attempt(&mut conn, "a@x.dz", Some("10.0.0.1")).await.expect("insert");
        mark_login_succeeded(&mut conn, ok).await.expect("succeeded");
        insert_login_attempt(&mut conn, "b@x.dz", Some("10.0.0.2")).await.expect("insert");
        let (now, at) = insert_login_attempt(&mut conn, "a@x.dz", Some("10.0.0.2")).await.expect("insert");
        let f = failures_before(&mut conn, now, "a@x.dz", Some("10.0.0.2"), 900).await.expect("count");
        assert_eq!((f.for_email, f.for_ip), (3, 1));
        assert!(f.last_for_email.is_some_and(|last| last <= at));
        let first = failures_before(&mut conn, 1, "a@x.dz", Some("10.0.0.1"), 900).await.expect("count");
        assert_eq!((first.for_email, first.for_ip), (0, 0), "nothing before the first");
        let none = failures_before(&mut conn, now, "a@x.dz", Some("10.0.0.1"), 0).await.expect("count");
        assert_eq!((none.for_email, none.for_ip), (0, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_audit_log_refuses_updates_and_deletes(pool: PgPool) {
        use crate::audit::db::{insert_audit, AuditEntry};
        let mut conn = pool.acquire().await.expect("conn");
        let id = insert_user(&mut conn, new_user("z@example.dz", Role::Agent)).await.expect("insert");
        insert_audit(
            &mut conn,
            AuditEntry { actor_id: None, action: "create", entity: "user", entity_id: id, before: None, after: None },
        )
        .await
        .expect("audit");
        let update = sqlx::query("UPDATE audit_log SET action = 'x'").execute(&mut *conn).await;
        assert!(update.is_err());
        let delete = sqlx::query("DELETE FROM audit_log").execute(&mut *conn).await;
        assert!(delete.is_err());
    }
}
