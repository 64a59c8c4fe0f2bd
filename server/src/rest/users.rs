//! Admin user management: `GET/POST /api/users`, `PATCH /api/users/{id}` (`{"role": ...}` or
//! `{"active": ...}`).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::auth::service::{self, NewUserInput, UserChange};
use app::auth::{PasswordReset, Role, UserSummary};
use app::error::{AppError, ErrorCode};

use super::caller::Caller;
use super::responses::{Denied, Invalid};
use super::ApiJson;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/users", tag = "users", responses((status = 200, body = Vec<UserSummary>), Denied))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<UserSummary>>, AppError> {
    let admin = caller.0;
    Ok(Json(service::list_users(&state.pool, &admin).await?))
}

#[utoipa::path(
    post,
    path = "/api/users",
    tag = "users",
    request_body = NewUserInput,
    responses((status = 201, body = UserSummary), (status = 409, body = AppError), Denied, Invalid),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewUserInput>,
) -> Result<(StatusCode, Json<UserSummary>), AppError> {
    let admin = caller.0;
    let user = service::create_user(&state.pool, Some(&admin), input).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeBody {
    role: Option<String>,
    active: Option<bool>,
}

#[utoipa::path(
    patch,
    path = "/api/users/{id}",
    tag = "users",
    params(("id" = i64, Path)),
    request_body = ChangeBody,
    responses((status = 200, body = UserSummary), Denied, Invalid),
)]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<Json<UserSummary>, AppError> {
    let admin = caller.0;
    let change = match (body.role, body.active) {
        (Some(role), None) => UserChange::Role(Role::parse(&role)?),
        (None, Some(active)) => UserChange::Active(active),
        _ => return Err(AppError::new(ErrorCode::BadRequest)),
    };
    Ok(Json(service::change_user(&state.pool, &admin, id, change).await?))
}

#[utoipa::path(
    post,
    path = "/api/users/{id}/password-reset",
    tag = "users",
    params(("id" = i64, Path)),
    responses(
        (status = 201, description = "A one-time link to set a new password (valid 24 h), shown once", body = PasswordReset),
        (status = 404, description = "No active user with this id", body = AppError),
        Denied,
    ),
)]
pub async fn issue_reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<PasswordReset>), AppError> {
    Ok((StatusCode::CREATED, Json(service::issue_reset(&state.pool, &caller.0, id).await?)))
}
