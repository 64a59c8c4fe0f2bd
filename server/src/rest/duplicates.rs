//! Duplicate detection over JSON: the brief's detect-duplicates, the review queue, decisions and
//! the accuracy KPI. Handlers call the same service as the server functions.
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use app::duplicates::{service, Accuracy, Decision, DetectReport, DetectRequest, DuplicatePair};
use app::error::AppError;

use super::caller::Caller;
use super::responses::Denied;
use super::{ApiJson, ApiPath, ApiQuery};
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `csv` for a spreadsheet (UTF-8 with BOM); JSON otherwise.
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/customer-service/duplicates",
    tag = "duplicates",
    params(QueueParams),
    responses((status = 200, description = "Open pairs, most confident first, as JSON or CSV", body = Vec<DuplicatePair>), Denied),
)]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<QueueParams>,
) -> Result<Response, AppError> {
    let pairs = service::review_queue(&state.pool, &caller.0, None).await?;
    if p.format.as_deref() == Some("csv") {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"duplicate-pairs.csv\""),
            ],
            service::queue_csv(&pairs),
        )
            .into_response());
    }
    Ok(Json(pairs).into_response())
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
