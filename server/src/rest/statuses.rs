//! The status configuration over JSON: read it (everyone), and edit it (supervisors and admins).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::auth::Role;
use app::error::AppError;
use app::statuses::{service, StatusConfig, StatusDef};

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::{ApiJson, ApiPath};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/customer-service/statuses",
    tag = "statuses",
    responses((status = 200, body = StatusConfig), Denied),
)]
pub async fn config(State(state): State<AppState>, caller: Caller) -> Result<Json<StatusConfig>, AppError> {
    Ok(Json(app::statuses::service::config(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    post,
    path = "/api/customer-service/statuses",
    tag = "statuses",
    request_body = StatusDef,
    responses((status = 201, body = StatusConfig), (status = 409, body = AppError), Denied, Invalid),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(status): ApiJson<StatusDef>,
) -> Result<(StatusCode, Json<StatusConfig>), AppError> {
    let user = caller.0;
    Ok((StatusCode::CREATED, Json(service::save_status(&state.pool, &user, status, true).await?)))
}

#[utoipa::path(
    put,
    path = "/api/customer-service/statuses/{code}",
    tag = "statuses",
    params(("code" = String, Path)),
    request_body = StatusDef,
    responses((status = 200, body = StatusConfig), Denied, NotFound, Invalid),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(mut status): ApiJson<StatusDef>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.0;
    status.code = code;
    Ok(Json(service::save_status(&state.pool, &user, status, false).await?))
}

#[utoipa::path(
    delete,
    path = "/api/customer-service/statuses/{code}",
    tag = "statuses",
    params(("code" = String, Path)),
    responses(
        (status = 200, body = StatusConfig),
        (status = 409, description = "In use: deactivate it instead", body = AppError),
        Denied,
        NotFound,
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.0;
    Ok(Json(service::delete_status(&state.pool, &user, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Exit {
    to: String,
    role: Role,
}

#[utoipa::path(
    put,
    path = "/api/customer-service/statuses/{code}/transitions",
    tag = "statuses",
    params(("code" = String, Path)),
    request_body = Vec<Exit>,
    responses((status = 200, body = StatusConfig), Denied, NotFound, Invalid),
)]
/// `PUT /api/customer-service/statuses/{code}/transitions` with `[{"to", "role"}]`: every
/// transition out of the status.
pub async fn set_transitions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(exits): ApiJson<Vec<Exit>>,
) -> Result<Json<StatusConfig>, AppError> {
    let user = caller.0;
    let exits = exits.into_iter().map(|e| (e.to, e.role)).collect();
    Ok(Json(service::save_exits(&state.pool, &user, &code, exits).await?))
}
