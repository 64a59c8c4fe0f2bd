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

pub async fn card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CustomerCard>, AppError> {
    Ok(Json(service::card(&state.pool, &caller.0, id).await?))
}

#[derive(Deserialize)]
pub struct FlagBody {
    #[serde(rename = "type")]
    kind: String,
    reason: String,
}

pub async fn add_flag(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FlagBody>,
) -> Result<(StatusCode, Json<CustomerFlag>), AppError> {
    let flag = service::add_flag(&state.pool, &caller.0, id, &body.kind, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(flag)))
}

#[derive(Deserialize)]
pub struct NoteBody {
    content: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<(StatusCode, Json<CustomerNote>), AppError> {
    let note = service::add_note(&state.pool, &caller.0, id, &body.content).await?;
    Ok((StatusCode::CREATED, Json(note)))
}
