//! Orders over JSON: intake for shops (`POST /api/orders`) and the brief's customer-service paths.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::error::AppError;
use app::orders::intake::NewOrder;
use app::orders::service;
use app::orders::PendingFilter;
use app::orders::{AttemptInput, IntakeResult, OrderRow, OrderView};

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/orders",
    tag = "orders",
    request_body = NewOrder,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = IntakeResult),
        (status = 200, description = "Already stored under this reference", body = IntakeResult),
        (status = 409, description = "The reference names a different order", body = AppError),
        Denied,
        Invalid,
    ),
)]
/// `201` with the new order, or `200` with the stored one when the shop retries a reference.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(order): ApiJson<NewOrder>,
) -> Result<(StatusCode, Json<IntakeResult>), AppError> {
    let user = caller.0;
    let result = service::create_order(&state.pool, &user, &order).await?;
    let status = if result.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(result)))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/orders/pending",
    tag = "orders",
    params(PendingFilter),
    responses(
        (status = 200, description = "Open orders (an agent gets their own queue)", body = Vec<OrderRow>),
        Denied,
    ),
)]
pub async fn pending(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(filter): ApiQuery<PendingFilter>,
) -> Result<Json<Vec<OrderRow>>, AppError> {
    Ok(Json(service::pending(&state.pool, &caller.0, &filter).await?))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/orders/mine",
    tag = "orders",
    responses((status = 200, body = Vec<OrderRow>), Denied),
)]
pub async fn my_queue(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<OrderRow>>, AppError> {
    Ok(Json(service::my_queue(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/orders/{orderId}",
    tag = "orders",
    params(("orderId" = i64, Path)),
    responses((status = 200, body = OrderView), Denied, NotFound),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrderView>, AppError> {
    Ok(Json(service::get_order(&state.pool, &caller.0, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/customer-service/orders/{orderId}/confirm-attempt",
    tag = "orders",
    params(("orderId" = i64, Path)),
    request_body = AttemptInput,
    responses(
        (status = 201, body = OrderView),
        (status = 409, description = "Stale version or closed order", body = AppError),
        Denied,
        NotFound,
        Invalid,
    ),
)]
pub async fn confirm_attempt(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AttemptInput>,
) -> Result<(StatusCode, Json<OrderView>), AppError> {
    let order = service::record_attempt(&state.pool, &caller.0, id, &input).await?;
    Ok((StatusCode::CREATED, Json(order)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(utoipa::ToSchema)]
pub struct AssignBody {
    /// `null` takes the order back to the pool.
    agent_id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(utoipa::ToSchema)]
pub struct BulkAssignBody {
    order_ids: Vec<i64>,
    agent_id: Option<i64>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[derive(utoipa::ToSchema)]
pub struct Assigned {
    assigned: Vec<i64>,
}

#[utoipa::path(
    post,
    path = "/api/customer-service/orders/{orderId}/assign",
    tag = "orders",
    params(("orderId" = i64, Path)),
    request_body = AssignBody,
    responses((status = 200, body = OrderView), Denied, NotFound, Invalid),
)]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<OrderView>, AppError> {
    let user = caller.0;
    let pool = &state.pool;
    // The order must exist (404), even if nothing changes.
    service::get_order(pool, &user, id).await?;
    service::assign(pool, &user, &[id], body.agent_id).await?;
    Ok(Json(service::get_order(pool, &user, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/customer-service/orders/assign",
    tag = "orders",
    request_body = BulkAssignBody,
    responses((status = 200, body = Assigned), Denied, Invalid),
)]
pub async fn bulk_assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<BulkAssignBody>,
) -> Result<Json<Assigned>, AppError> {
    let user = caller.0;
    let assigned = service::assign(&state.pool, &user, &body.order_ids, body.agent_id).await?;
    Ok(Json(Assigned { assigned }))
}
