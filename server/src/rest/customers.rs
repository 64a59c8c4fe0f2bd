//! The customer card over JSON: `GET /api/customer-service/customers/{id}`, and its flags and notes.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::customers::classification::ClassificationSettings;
use app::customers::service;
use app::customers::{CustomerCard, CustomerFlag, CustomerNote, OverrideInput};
use app::error::AppError;

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound, Unauthenticated};
use super::{ApiJson, ApiPath};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/customer-service/customers/{customerId}",
    tag = "customers",
    params(("customerId" = i64, Path)),
    responses((status = 200, body = CustomerCard), Denied, NotFound),
)]
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

#[utoipa::path(
    post,
    path = "/api/customer-service/customers/{customerId}/flags",
    tag = "customers",
    params(("customerId" = i64, Path)),
    request_body = FlagBody,
    responses((status = 201, body = CustomerFlag), Denied, NotFound, Invalid),
)]
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

#[utoipa::path(
    post,
    path = "/api/customer-service/customers/{customerId}/notes",
    tag = "customers",
    params(("customerId" = i64, Path)),
    request_body = NoteBody,
    responses((status = 201, body = CustomerNote), Denied, NotFound, Invalid),
)]
pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<(StatusCode, Json<CustomerNote>), AppError> {
    let note = service::add_note(&state.pool, &caller.0, id, &body.content).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

#[utoipa::path(
    post,
    path = "/api/customer-service/customers/merges/{mergeId}/undo",
    tag = "customers",
    params(("mergeId" = i64, Path, description = "A merge listed on the survivor's card (`merged[].mergeId`)")),
    responses(
        (status = 204, description = "Undone: the merged customer is back with what it had, and the orders since from its phone"),
        (status = 409, description = "`merge_undone` or `merge_not_latest`", body = AppError),
        Denied,
        NotFound,
    ),
)]
pub async fn undo_merge(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(merge_id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    service::undo_merge(&state.pool, &caller.0, merge_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/customer-service/customers/{customerId}/classification",
    tag = "customers",
    params(("customerId" = i64, Path)),
    request_body = OverrideInput,
    responses(
        (status = 200, description = "The card with the override (class null lifts it)", body = CustomerCard),
        Denied,
        NotFound,
        Invalid,
    ),
)]
pub async fn override_class(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<Json<CustomerCard>, AppError> {
    Ok(Json(service::override_class(&state.pool, &caller.0, id, &input).await?))
}

/// Customers per class.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClassCount {
    class: String,
    customers: i64,
}

#[utoipa::path(
    get,
    path = "/api/customer-service/classification/distribution",
    tag = "customers",
    responses((status = 200, description = "Customers per (effective) class", body = Vec<ClassCount>), Denied),
)]
pub async fn distribution(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<ClassCount>>, AppError> {
    let rows = service::class_distribution(&state.pool, &caller.0).await?;
    Ok(Json(rows.into_iter().map(|(class, customers)| ClassCount { class, customers }).collect()))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/classification/settings",
    tag = "customers",
    responses((status = 200, body = ClassificationSettings), Denied),
)]
pub async fn settings(State(state): State<AppState>, caller: Caller) -> Result<Json<ClassificationSettings>, AppError> {
    Ok(Json(service::classification_settings(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    put,
    path = "/api/customer-service/classification/settings",
    tag = "customers",
    request_body = ClassificationSettings,
    responses(
        (status = 200, body = ClassificationSettings),
        (status = 403, description = "Admins only", body = AppError),
        Unauthenticated,
        Invalid,
    ),
)]
pub async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ClassificationSettings>,
) -> Result<Json<ClassificationSettings>, AppError> {
    Ok(Json(service::save_classification_settings(&state.pool, &caller.0, &input).await?))
}
