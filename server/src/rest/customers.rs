//! The customer card over JSON: `GET /api/customer-service/customers/{id}`, and its flags and notes.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::customers::service;
use app::customers::{CustomerCard, CustomerFlag, CustomerNote};
use app::error::AppError;

use super::caller::Caller;
use super::{ApiJson, ApiPath};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/customer-service/customers/{customerId}", tag = "customers", params(("customerId" = i64, Path)), responses((status = 200, body = CustomerCard), (status = 401, description = "Not logged in or bad token", body = AppError), (status = 403, description = "Role not allowed", body = AppError), (status = 404, body = AppError)))]
pub async fn card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CustomerCard>, AppError> {
    Ok(Json(service::card(&state.pool, &caller.0, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FlagBody {
    #[serde(rename = "type")]
    kind: String,
    reason: String,
}

#[utoipa::path(post, path = "/api/customer-service/customers/{customerId}/flags", tag = "customers", params(("customerId" = i64, Path)), request_body = FlagBody, responses((status = 201, body = CustomerFlag), (status = 401, description = "Not logged in or bad token", body = AppError), (status = 403, description = "Role not allowed", body = AppError), (status = 404, body = AppError), (status = 422, description = "Invalid input (code and field)", body = AppError)))]
pub async fn add_flag(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FlagBody>,
) -> Result<(StatusCode, Json<CustomerFlag>), AppError> {
    let flag = service::add_flag(&state.pool, &caller.0, id, &body.kind, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(flag)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NoteBody {
    content: String,
}

#[utoipa::path(post, path = "/api/customer-service/customers/{customerId}/notes", tag = "customers", params(("customerId" = i64, Path)), request_body = NoteBody, responses((status = 201, body = CustomerNote), (status = 401, description = "Not logged in or bad token", body = AppError), (status = 403, description = "Role not allowed", body = AppError), (status = 404, body = AppError), (status = 422, description = "Invalid input (code and field)", body = AppError)))]
pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<(StatusCode, Json<CustomerNote>), AppError> {
    let note = service::add_note(&state.pool, &caller.0, id, &body.content).await?;
    Ok((StatusCode::CREATED, Json(note)))
}
