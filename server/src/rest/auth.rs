//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use tower_sessions::Session;

use app::auth::service;
use app::auth::CurrentUser;
use app::error::AppError;

use super::caller::Caller;
use super::responses::Denied;
use super::ApiJson;
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses((status = 200, body = CurrentUser), (status = 401, body = AppError), (status = 429, body = AppError)),
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<CurrentUser>, AppError> {
    let ip = service::client_ip(&headers, Some(peer), state.auth.proxies());
    let user = service::login(&state.pool, &session, state.auth, ip, &body.email, body.password).await?;
    Ok(Json(user))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 200, description = "Logged out")))]
pub async fn logout(session: Session) -> Result<Json<serde_json::Value>, AppError> {
    service::logout(&session).await?;
    Ok(Json(serde_json::json!({ "status": "logged_out" })))
}

#[utoipa::path(
    get,
    path = "/api/auth/me",
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user, or a token's user with its scopes", body = CurrentUser),
        (status = 401, body = AppError),
    ),
)]
pub async fn me(caller: Caller) -> Json<CurrentUser> {
    Json(caller.0)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; the user's other sessions are ended, this one goes on"),
        (status = 422, description = "`password_wrong` (currentPassword) or the new one refused (newPassword)", body = AppError),
        Denied,
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    session: Session,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    service::change_password(&state.pool, &session, &caller.0, body.current_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetBody {
    token: String,
    new_password: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/password-reset",
    tag = "auth",
    request_body = PasswordResetBody,
    responses(
        (status = 204, description = "Set; every session of the user is ended"),
        (status = 422, description = "`reset_invalid` (unknown, used or expired link) or the new password refused", body = AppError),
    ),
)]
pub async fn redeem_reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetBody>,
) -> Result<StatusCode, AppError> {
    service::redeem_reset(&state.pool, &body.token, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
