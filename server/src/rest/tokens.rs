//! API tokens for shops, couriers and scripts (admins): issue one with scopes and an expiry
//! (`POST /api/tokens`, the token answered once; only its hash is kept), list them, revoke one.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use app::auth::service;
use app::auth::{NewToken, TokenInput, TokenView};
use app::error::AppError;

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/tokens",
    tag = "users",
    request_body = TokenInput,
    responses((status = 201, description = "The token, shown once", body = NewToken), Invalid, Denied),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let token = service::create_token(&state.pool, &caller.0, &body).await?;
    Ok((StatusCode::CREATED, Json(token)))
}

#[utoipa::path(
    get,
    path = "/api/tokens",
    tag = "users",
    responses((status = 200, description = "Every token, live ones first (never the token itself)", body = [TokenView]), Denied),
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(service::list_tokens(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    delete,
    path = "/api/tokens/{tokenId}",
    tag = "users",
    params(("tokenId" = i64, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked (at once; revoking again changes nothing)"), NotFound, Denied),
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    service::revoke_token(&state.pool, &caller.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
