//! Server-only account workflows shared by the server functions and the REST API (one house, two
//! doors): password hashing off the async runtime, the typed session, the role guard, login with
//! rate limiting, and user administration with audit entries.
use std::sync::LazyLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sqlx::PgPool;
use tower_sessions::Session;

use super::domain::{
    login_wait, token_days, token_name, token_scopes, Email, NewPassword, PersonName, PASSWORD_MAX_BYTES,
};
use super::{db, CurrentUser, LoginLimit, NewToken, PasswordReset, Role, Scope, TokenInput, TokenView, UserSummary};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::error::{on_constraint, AppError, ErrorCode};
use crate::locale::UiLocale;

/// The session key holding the logged-in user's id.
const USER_ID_KEY: &str = "user_id";
/// The session key holding the user's session epoch at login (see `db::session_user`).
const EPOCH_KEY: &str = "epoch";
/// How long an admin's reset link stays valid.
pub const RESET_HOURS: i32 = 24;

/// Account settings the host provides (as Leptos context and axum state).
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthSettings {
    pub login_limit: LoginLimit,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you control).
    pub trust_proxy: bool,
    /// How many proxies of ours append to `X-Forwarded-For` (`TRUSTED_PROXY_HOPS`, 1): the
    /// client is the entry the outermost one appended, so entries a client wrote are ignored.
    pub proxy_hops: usize,
}

impl AuthSettings {
    /// The trusted proxies' hops, when there are any.
    pub fn proxies(&self) -> Option<usize> {
        self.trust_proxy.then_some(self.proxy_hops.max(1))
    }
}

/// Argon2 runs at most this many at once (one per core): a flood of logins queues instead of
/// taking every core from the agents' requests.
fn argon2_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    })
}

/// Hashes a new password with argon2id on the blocking pool (it takes tens of milliseconds).
pub async fn hash_password(password: NewPassword) -> Result<String, AppError> {
    let _permit = argon2_permits().acquire().await.map_err(|_| AppError::new(ErrorCode::Internal))?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::new(ErrorCode::Internal))?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::new(ErrorCode::Internal)
    })
}

/// A real argon2id hash of a random password: unknown e-mails are verified against it so they take
/// as long as wrong passwords.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let random = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(random.as_str().as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
});

/// Verifies `password` against `hash`, or against the dummy hash when there is no account.
async fn verify_password(hash: Option<String>, password: String) -> Result<bool, AppError> {
    let _permit = argon2_permits().acquire().await.map_err(|_| AppError::new(ErrorCode::Internal))?;
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(|_| AppError::new(ErrorCode::Internal))
}

/// The logged-in user, re-read from the database on every request so a deactivation or a role
/// change takes effect at once. A session whose user is gone or inactive is emptied.
pub async fn current_user(pool: &PgPool, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(id) = session.get::<i64>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let epoch = session.get::<i32>(EPOCH_KEY).await?.unwrap_or(0);
    let mut conn = pool.acquire().await?;
    let user = db::session_user(&mut conn, id).await?.filter(|(_, current)| *current == epoch).map(|(user, _)| user);
    if user.is_none() {
        session.flush().await?;
    }
    Ok(user)
}

/// The guard every protected server function and handler starts with.
pub async fn authenticated(pool: &PgPool, session: &Session) -> Result<CurrentUser, AppError> {
    current_user(pool, session).await?.ok_or(AppError::new(ErrorCode::Unauthenticated))
}

/// Checks the credentials, throttling per e-mail and per client address, and on success stores the
/// user in a session with a fresh id (no session fixation).
pub async fn login(
    pool: &PgPool,
    session: &Session,
    settings: AuthSettings,
    client_ip: Option<String>,
    email: &str,
    password: String,
) -> Result<CurrentUser, AppError> {
    if email.trim().is_empty() || password.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    }
    // A malformed e-mail cannot match an account: treat it like an unknown one.
    let email = Email::parse(email).map(|e| e.as_str().to_string()).unwrap_or_else(|_| email.trim().to_lowercase());
    let ip = client_ip.as_deref();
    let limit = settings.login_limit;
    // The attempt is recorded (as a failure) before anything is checked, so parallel attempts
    // each count the ones before them: 50 at once cannot all pass the count.
    let (credentials, attempt) = {
        let mut conn = pool.acquire().await?;
        let (attempt, at) = db::insert_login_attempt(&mut conn, &email, ip).await?;
        let failures = db::failures_before(&mut conn, attempt, &email, ip, limit.window_seconds).await?;
        let wait = login_wait(limit, &failures, at);
        if wait > 0 {
            return Err(AppError::new(ErrorCode::TooManyAttempts).retry_after(wait));
        }
        // no hashing of a password longer than any we store (a slow hash of megabytes)
        if password.len() > PASSWORD_MAX_BYTES {
            return Err(AppError::new(ErrorCode::InvalidCredentials));
        }
        (db::find_credentials(&mut conn, &email).await?, attempt)
    };
    // No pooled connection is held while argon2 works.
    let (user, hash, epoch) = match credentials {
        Some(c) => (Some(c.user), Some(c.password_hash), c.session_epoch),
        None => (None, None, 0),
    };
    let verified = verify_password(hash, password).await?;
    let user = user.filter(|_| verified);
    let active = user.as_ref().is_some_and(|u| u.active);
    if active {
        let mut conn = pool.acquire().await?;
        db::mark_login_succeeded(&mut conn, attempt).await?;
    }
    let Some(user) = user else {
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    if !active {
        return Err(AppError::new(ErrorCode::AccountDisabled));
    }
    let user = user.into_current();
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user.id).await?;
    session.insert(EPOCH_KEY, epoch).await?;
    Ok(user)
}

/// A signed-in user changes their own password: the current one is required, the new one follows
/// the rules, every other session of theirs ends and this one goes on (with a new id).
pub async fn change_password(
    pool: &PgPool,
    session: &Session,
    user: &CurrentUser,
    current: String,
    new: String,
) -> Result<(), AppError> {
    // a person's own act: not a token's
    if user.scopes.is_some() {
        return Err(AppError::new(ErrorCode::TokenScope));
    }
    let new = NewPassword::parse(new).map_err(|e| AppError::field(e.code, "newPassword"))?;
    let hash = {
        let mut conn = pool.acquire().await?;
        db::password_hash(&mut conn, user.id).await?.ok_or(AppError::new(ErrorCode::Unauthenticated))?
    };
    if current.len() > PASSWORD_MAX_BYTES || !verify_password(Some(hash), current).await? {
        return Err(AppError::field(ErrorCode::PasswordWrong, "currentPassword"));
    }
    let new_hash = hash_password(new).await?;
    let mut tx = pool.begin().await?;
    let epoch = db::set_password(&mut tx, user.id, &new_hash).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "user.password_change",
            entity: "user",
            entity_id: user.id,
            before: None,
            after: Some(serde_json::json!({"otherSessionsEnded": true})),
        },
    )
    .await?;
    tx.commit().await?;
    session.cycle_id().await?;
    session.insert(EPOCH_KEY, epoch).await?;
    Ok(())
}

/// An admin issues a one-time link for a user to set a new password (valid [`RESET_HOURS`]; the
/// user's earlier links lapse). Answers the link's path, shown once.
pub async fn issue_reset(pool: &PgPool, admin: &CurrentUser, user_id: i64) -> Result<PasswordReset, AppError> {
    admin.require(Role::Admin)?;
    let token = generate_secret(40);
    let mut tx = pool.begin().await?;
    if db::find_active_user(&mut tx, user_id).await?.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let (id, expires_at) = db::insert_reset(&mut tx, user_id, &token, admin.id, RESET_HOURS).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(admin.id),
            action: "user.password_reset_issued",
            entity: "user",
            entity_id: user_id,
            before: None,
            after: Some(serde_json::json!({"resetId": id, "expiresAt": expires_at.unix_timestamp()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordReset { path: format!("/reset-password?token={token}"), expires_at })
}

/// Sets a new password with a reset link: once, before it expires; every session of the user
/// ends. An unknown, used or expired link is `reset_invalid`.
pub async fn redeem_reset(pool: &PgPool, token: &str, new: String) -> Result<(), AppError> {
    let new = NewPassword::parse(new).map_err(|e| AppError::field(e.code, "newPassword"))?;
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::field(ErrorCode::ResetInvalid, "token"));
    }
    let new_hash = hash_password(new).await?;
    let mut tx = pool.begin().await?;
    let user_id = db::take_reset(&mut tx, token).await?.ok_or(AppError::field(ErrorCode::ResetInvalid, "token"))?;
    db::set_password(&mut tx, user_id, &new_hash).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user_id),
            action: "user.password_reset",
            entity: "user",
            entity_id: user_id,
            before: None,
            after: Some(serde_json::json!({"sessionsEnded": true})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn logout(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// Saves a logged-in user's UI locale; a visitor's choice lives only in the cookie.
pub async fn save_locale(pool: &PgPool, session: &Session, locale: UiLocale) -> Result<(), AppError> {
    if let Some(user) = current_user(pool, session).await? {
        let mut conn = pool.acquire().await?;
        db::update_user_locale(&mut conn, user.id, locale).await?;
    }
    Ok(())
}

/// The client's address: the socket peer, or behind `proxies` trusted proxies the
/// `X-Forwarded-For` entry the outermost one appended (counted from the right: whatever a client
/// wrote itself stands to the left and is ignored).
pub fn client_ip(
    headers: &http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
    proxies: Option<usize>,
) -> Option<String> {
    if let Some(hops) = proxies {
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if let Some(client) = entries.len().checked_sub(hops).and_then(|i| entries.get(i)) {
            return Some((*client).to_string());
        }
    }
    peer.map(|p| p.ip().to_string())
}

/// A user as an admin fills the form in.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub locale: Option<String>,
    pub password: String,
}

pub async fn list_users(pool: &PgPool, user: &CurrentUser) -> Result<Vec<UserSummary>, AppError> {
    user.require(Role::Admin)?;
    let mut conn = pool.acquire().await?;
    Ok(db::list_users(&mut conn).await?)
}

/// Who orders can be assigned to (supervisors, admins).
pub async fn list_assignable(pool: &PgPool, user: &CurrentUser) -> Result<Vec<UserSummary>, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::list_assignable(&mut conn).await?)
}

/// Creates a user with an audit entry: by an admin, or by the system (`actor` None: the first
/// admin, demo seeding, tests).
pub async fn create_user(
    pool: &PgPool,
    actor: Option<&CurrentUser>,
    input: NewUserInput,
) -> Result<UserSummary, AppError> {
    if let Some(actor) = actor {
        actor.require(Role::Admin)?;
    }
    let email = Email::parse(&input.email)?;
    let name = PersonName::parse(&input.name)?;
    let role = Role::parse(&input.role)?;
    let locale = match input.locale.as_deref().map(str::trim) {
        None | Some("") => UiLocale::default(),
        Some(raw) => UiLocale::parse(raw)?,
    };
    let password = NewPassword::parse(input.password)?;
    let password_hash = hash_password(password).await?;
    let mut tx = pool.begin().await?;
    let id = db::insert_user(
        &mut tx,
        db::NewUser { email: email.as_str(), name: name.as_str(), role, locale, password_hash: &password_hash },
    )
    .await
    .map_err(on_constraint("users_email_key", ErrorCode::EmailTaken))?;
    let user = db::find_user(&mut tx, id).await?.ok_or(AppError::new(ErrorCode::Internal))?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: actor.map(|a| a.id),
            action: "user.create",
            entity: "user",
            entity_id: id,
            before: None,
            after: Some(serde_json::to_value(&user).unwrap_or_default()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// A change an admin makes to an existing user.
#[derive(Clone, Copy, Debug)]
pub enum UserChange {
    Role(Role),
    Active(bool),
}

/// Changes a user's role or active flag, locked and audited. An admin cannot change their own role
/// or deactivate themself (the last way back in).
pub async fn change_user(
    pool: &PgPool,
    actor: &CurrentUser,
    id: i64,
    change: UserChange,
) -> Result<UserSummary, AppError> {
    actor.require(Role::Admin)?;
    if actor.id == id {
        return Err(AppError::new(ErrorCode::CannotChangeSelf));
    }
    let mut tx = pool.begin().await?;
    let before = db::find_user_for_update(&mut tx, id).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    let action = match change {
        UserChange::Role(role) => {
            db::update_user_role(&mut tx, id, role).await?;
            "user.role"
        }
        UserChange::Active(active) => {
            db::update_user_active(&mut tx, id, active).await?;
            if active {
                "user.activate"
            } else {
                "user.deactivate"
            }
        }
    };
    let after = db::find_user(&mut tx, id).await?.ok_or(AppError::new(ErrorCode::Internal))?;
    // an agent who stops being one leaves nothing stranded: their open orders and callbacks go
    // back to the pool (audited there)
    let leaving = match change {
        UserChange::Active(false) if before.active => Some(crate::agents::ReturnCause::Deactivated),
        UserChange::Role(role) if before.role == Role::Agent && role != Role::Agent => {
            Some(crate::agents::ReturnCause::RoleChanged)
        }
        _ => None,
    };
    if let (Some(cause), Role::Agent) = (leaving, before.role) {
        crate::agents::service::release_agent(&mut tx, Some(actor.id), id, cause, time::OffsetDateTime::now_utc())
            .await?;
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(actor.id),
            action,
            entity: "user",
            entity_id: id,
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&after).unwrap_or_default()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// On first start with no users: creates the admin from `ADMIN_EMAIL` / `ADMIN_PASSWORD`, or
/// `admin@localhost` with a generated password, which is returned so the host prints it once.
pub async fn ensure_first_admin(
    pool: &PgPool,
    email: Option<String>,
    password: Option<String>,
) -> Result<Option<(String, Option<String>)>, AppError> {
    let mut conn = pool.acquire().await?;
    if db::count_users(&mut conn).await? > 0 {
        return Ok(None);
    }
    drop(conn);
    let email = email.unwrap_or_else(|| "admin@localhost".to_string());
    let (password, generated) = match password {
        Some(p) => (p, None),
        None => {
            let p = generate_password();
            (p.clone(), Some(p))
        }
    };
    let input = NewUserInput {
        email: email.clone(),
        name: "Administrateur".into(),
        role: "admin".into(),
        locale: None,
        password,
    };
    match create_user(pool, None, input).await {
        Ok(_) => Ok(Some((email, generated))),
        // Another instance created it at the same moment.
        Err(e) if e.code == ErrorCode::EmailTaken => Ok(None),
        Err(e) => Err(e),
    }
}

/// 20 random characters from an alphabet without look-alikes.
pub fn generate_password() -> String {
    generate_secret(20)
}

/// `len` random characters from an alphabet without look-alikes (0/O, 1/l/I).
fn generate_secret(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Forgets the login attempts recorded before `before` (the retention job), in batches so no
/// statement holds the table long. Answers how many went.
pub async fn purge_login_attempts(pool: &PgPool, before: time::OffsetDateTime) -> Result<u64, AppError> {
    let mut total = 0;
    loop {
        let mut conn = pool.acquire().await?;
        let done = db::purge_login_attempts(&mut conn, before, 10_000).await?;
        total += done;
        if done < 10_000 {
            return Ok(total);
        }
    }
}

/// The caller a bearer token is: its user with the token's scopes; `unauthenticated` for an
/// unknown or revoked token or an inactive user, `token_expired` past its expiry.
pub async fn token_user(pool: &PgPool, token: &str) -> Result<CurrentUser, AppError> {
    let mut conn = pool.acquire().await?;
    let found = db::find_token(&mut conn, token.trim()).await?;
    let found = found.filter(|t| t.user.active).ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    if found.expired {
        return Err(AppError::new(ErrorCode::TokenExpired));
    }
    let scopes = found.scopes.iter().filter_map(|s| Scope::parse(s).ok()).collect();
    Ok(CurrentUser { scopes: Some(scopes), ..found.user.into_current() })
}

/// A new API token acting for `input.user_id` with the scopes asked (admins only), audited. The
/// token is answered once and never stored.
pub async fn create_token(pool: &PgPool, admin: &CurrentUser, input: &TokenInput) -> Result<NewToken, AppError> {
    admin.require(Role::Admin)?;
    let name = token_name(&input.name)?;
    let scopes = token_scopes(&input.scopes)?;
    let days = token_days(input.expires_in_days)?;
    let token = format!("ecs_{}", generate_secret(40));
    let mut tx = pool.begin().await?;
    if db::find_active_user(&mut tx, input.user_id).await?.is_none() {
        return Err(AppError::field(ErrorCode::NotFound, "userId"));
    }
    let grant = db::TokenGrant { user_id: input.user_id, name, scopes: &scopes, days };
    let (id, expires_at) = db::insert_token(&mut tx, &grant, &token, admin.id).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(admin.id),
            action: "token.create",
            entity: "api_token",
            entity_id: id,
            before: None,
            after: Some(serde_json::json!({
                "userId": input.user_id, "name": name, "scopes": scopes, "expiresInDays": days,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken { id, token, scopes, expires_at })
}

/// Every API token, live ones first (admins).
pub async fn list_tokens(pool: &PgPool, admin: &CurrentUser) -> Result<Vec<TokenView>, AppError> {
    admin.require(Role::Admin)?;
    let mut conn = pool.acquire().await?;
    Ok(db::list_tokens(&mut conn).await?)
}

/// Revokes a token at once (admins), audited; revoking a revoked token changes nothing.
pub async fn revoke_token(pool: &PgPool, admin: &CurrentUser, id: i64) -> Result<(), AppError> {
    admin.require(Role::Admin)?;
    let mut tx = pool.begin().await?;
    match db::revoke_token(&mut tx, id, admin.id).await? {
        Some((name, user_id)) => {
            insert_audit(
                &mut tx,
                AuditEntry {
                    actor_id: Some(admin.id),
                    action: "token.revoke",
                    entity: "api_token",
                    entity_id: id,
                    before: Some(serde_json::json!({"userId": user_id, "name": name, "revoked": false})),
                    after: Some(serde_json::json!({"revoked": true})),
                },
            )
            .await?;
        }
        None if !db::token_exists(&mut tx, id).await? => return Err(AppError::new(ErrorCode::NotFound)),
        None => {}
    }
    tx.commit().await?;
    Ok(())
}
