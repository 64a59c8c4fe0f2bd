//! Server functions for accounts. Each one: authenticate → parse → service → answer; the roles
//! and rules live in `domain` and `service`.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{CurrentUser, NewToken, PasswordReset, TokenInput, TokenView, UserSummary};
use crate::error::AppError;
use crate::locale::UiLocale;

/// The logged-in user, or `None`.
#[server(prefix = "/fn", endpoint = "me")]
pub async fn get_me() -> Result<Option<CurrentUser>, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let pool = ctx::pool()?;
        let session = ctx::session().await?;
        crate::auth::service::current_user(&pool, &session).await
    })
    .await
}

/// Logs in; remembers the user's saved UI locale in the locale cookie.
#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(Some("/login"), async {
        let pool = ctx::pool()?;
        let session = ctx::session().await?;
        let settings = ctx::auth_settings();
        let ip = ctx::client_ip(settings.proxies());
        let user = crate::auth::service::login(&pool, &session, settings, ip, &email, password).await?;
        ctx::set_locale_cookie(user.locale);
        if ctx::is_form_post() {
            leptos_axum::redirect("/");
        }
        Ok(user)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let session = ctx::session().await?;
        crate::auth::service::logout(&session).await?;
        if ctx::is_form_post() {
            leptos_axum::redirect("/login");
        }
        Ok(())
    })
    .await
}

/// Switches the UI locale: the cookie for everyone, the saved preference for a logged-in user.
/// Accepts `dz` for Algerian Arabic.
#[server(prefix = "/fn", endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<UiLocale, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let locale = UiLocale::parse(&locale)?;
        let pool = ctx::pool()?;
        let session = ctx::session().await?;
        crate::auth::service::save_locale(&pool, &session, locale).await?;
        ctx::set_locale_cookie(locale);
        Ok(locale)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { crate::auth::service::list_users(&pool, &user).await })
        .await
}

#[server(prefix = "/fn", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    locale: String,
    password: String,
) -> Result<UserSummary, AppError> {
    crate::server_ctx::call(Some("/admin/users"), |pool, admin| async move {
        let input = crate::auth::service::NewUserInput { email, name, role, locale: Some(locale), password };
        crate::auth::service::create_user(&pool, Some(&admin), input).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "change_role")]
pub async fn change_role(id: i64, role: String) -> Result<UserSummary, AppError> {
    crate::server_ctx::call(Some("/admin/users"), |pool, admin| async move {
        let change = crate::auth::service::UserChange::Role(super::Role::parse(&role)?);
        crate::auth::service::change_user(&pool, &admin, id, change).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "set_active")]
pub async fn set_active(id: i64, active: bool) -> Result<UserSummary, AppError> {
    crate::server_ctx::call(Some("/admin/users"), |pool, admin| async move {
        let change = crate::auth::service::UserChange::Active(active);
        crate::auth::service::change_user(&pool, &admin, id, change).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    crate::server_ctx::call(None, |pool, admin| async move { crate::auth::service::list_tokens(&pool, &admin).await })
        .await
}

#[server(prefix = "/fn", endpoint = "create_token", input = Json)]
pub async fn create_token(input: TokenInput) -> Result<NewToken, AppError> {
    crate::server_ctx::call(None, |pool, admin| async move {
        crate::auth::service::create_token(&pool, &admin, &input).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    crate::server_ctx::call(Some("/admin/users"), |pool, admin| async move {
        crate::auth::service::revoke_token(&pool, &admin, id).await
    })
    .await
}

/// The signed-in user changes their password (the current one required; other sessions end).
#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let session = crate::server_ctx::session().await?;
        crate::auth::service::change_password(&pool, &session, &user, current_password, new_password).await
    })
    .await
}

/// An admin issues a one-time reset link for a user.
#[server(prefix = "/fn", endpoint = "issue_password_reset")]
pub async fn issue_password_reset(user_id: i64) -> Result<PasswordReset, AppError> {
    crate::server_ctx::call(None, |pool, admin| async move {
        crate::auth::service::issue_reset(&pool, &admin, user_id).await
    })
    .await
}

/// Sets a new password with a reset link (no login needed).
#[server(prefix = "/fn", endpoint = "redeem_password_reset")]
pub async fn redeem_password_reset(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let pool = ctx::pool()?;
        crate::auth::service::redeem_reset(&pool, &token, new_password).await
    })
    .await
}
