//! Duplicate detection over JSON: the brief's detect-duplicates, the review queue, decisions and
//! the accuracy KPI. Handlers call the same service as the server functions.
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::duplicates::{service, Accuracy, Decision, DetectReport, DetectRequest, DuplicatePair};
use app::error::AppError;

use super::caller::Caller;
use super::responses::Denied;
use super::{ApiJson, ApiPath};
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/customer-service/orders/detect-duplicates",
    tag = "duplicates",
    request_body = DetectRequest,
    responses(
        (
            status = 200,
            description = "Pairs with their scores and evidence; flagged ones are stored for review",
            body = DetectReport,
        ),
        (status = 422, description = "Bad window", body = AppError),
        Denied,
    ),
)]
pub async fn detect(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<DetectRequest>,
) -> Result<Json<DetectReport>, AppError> {
    Ok(Json(service::detect(&state.pool, &caller.0, &request).await?))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/duplicates",
    tag = "duplicates",
    responses((status = 200, description = "Open pairs, most confident first", body = Vec<DuplicatePair>), Denied),
)]
pub async fn queue(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DuplicatePair>>, AppError> {
    Ok(Json(service::review_queue(&state.pool, &caller.0, None).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    decision: Decision,
}

#[utoipa::path(
    post,
    path = "/api/customer-service/duplicates/{pairId}/decision",
    tag = "duplicates",
    params(("pairId" = i64, Path)),
    request_body = DecisionBody,
    responses(
        (status = 204, description = "Decided"),
        (status = 409, description = "Already decided", body = AppError),
        Denied,
    ),
)]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(pair_id): ApiPath<i64>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<axum::http::StatusCode, AppError> {
    service::decide(&state.pool, &caller.0, pair_id, body.decision).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/customer-service/duplicates/accuracy",
    tag = "duplicates",
    responses(
        (
            status = 200,
            description = "Precision of the flags from the decisions, and misses found later",
            body = Accuracy,
        ),
        Denied,
    ),
)]
pub async fn accuracy(State(state): State<AppState>, caller: Caller) -> Result<Json<Accuracy>, AppError> {
    Ok(Json(service::accuracy(&state.pool, &caller.0).await?))
}
