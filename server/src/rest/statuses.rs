//! The status configuration over JSON: read it (everyone), and edit it (supervisors and admins).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::auth::Role;
use app::error::AppError;
use app::statuses::{service, StatusConfig, StatusDef};

use super::caller::Caller;
use super::{ApiJson, ApiPath};
use crate::state::AppState;

pub async fn config(State(state): State<AppState>, _caller: Caller) -> Result<Json<StatusConfig>, AppError> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(app::statuses::db::load_config(&mut conn).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(status): ApiJson<StatusDef>,
) -> Result<(StatusCode, Json<StatusConfig>), AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    Ok((StatusCode::CREATED, Json(service::save_status(&state.pool, &user, status, true).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(mut status): ApiJson<StatusDef>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    status.code = code;
    Ok(Json(service::save_status(&state.pool, &user, status, false).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    Ok(Json(service::delete_status(&state.pool, &user, &code).await?))
}

#[derive(Deserialize)]
pub struct Exit {
    to: String,
    role: Role,
}

/// `PUT /api/customer-service/statuses/{code}/transitions` with `[{"to", "role"}]`: every
/// transition out of the status.
pub async fn set_transitions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(exits): ApiJson<Vec<Exit>>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    let exits = exits.into_iter().map(|e| (e.to, e.role)).collect();
    Ok(Json(service::save_exits(&state.pool, &user, &code, exits).await?))
}
