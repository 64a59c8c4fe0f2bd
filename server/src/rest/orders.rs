//! Orders over JSON: intake for shops (`POST /api/orders`) and the brief's customer-service paths.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::auth::Role;
use app::error::AppError;
use app::orders::intake::NewOrder;
use app::orders::service;
use app::orders::PendingFilter;
use app::orders::{AttemptInput, IntakeResult, OrderRow, OrderView};

use super::caller::Caller;
use super::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// `201` with the new order, or `200` with the stored one when the shop retries a reference.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(order): ApiJson<NewOrder>,
) -> Result<(StatusCode, Json<IntakeResult>), AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    let result = service::create_order(&state.pool, &user, &order).await?;
    let status = if result.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(result)))
}

pub async fn pending(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(filter): ApiQuery<PendingFilter>,
) -> Result<Json<Vec<OrderRow>>, AppError> {
    Ok(Json(service::pending(&state.pool, &caller.0, &filter).await?))
}

pub async fn my_queue(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<OrderRow>>, AppError> {
    Ok(Json(service::my_queue(&state.pool, &caller.0).await?))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrderView>, AppError> {
    Ok(Json(service::get_order(&state.pool, &caller.0, id).await?))
}

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
pub struct AssignBody {
    /// `null` takes the order back to the pool.
    agent_id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkAssignBody {
    order_ids: Vec<i64>,
    agent_id: Option<i64>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assigned {
    assigned: Vec<i64>,
}

pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<OrderView>, AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    let pool = &state.pool;
    // The order must exist (404), even if nothing changes.
    service::get_order(pool, &user, id).await?;
    service::assign(pool, &user, &[id], body.agent_id).await?;
    Ok(Json(service::get_order(pool, &user, id).await?))
}

pub async fn bulk_assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<BulkAssignBody>,
) -> Result<Json<Assigned>, AppError> {
    let user = caller.at_least(Role::Supervisor)?;
    let assigned = service::assign(&state.pool, &user, &body.order_ids, body.agent_id).await?;
    Ok(Json(Assigned { assigned }))
}
