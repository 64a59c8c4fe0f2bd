//! Courier outcomes: `POST /api/orders/{reference}/delivery` (a `deliveries:write` token, a
//! supervisor or an admin), idempotent on the event id.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use app::deliveries::{service, DeliveryInput, DeliveryRecorded};
use app::error::AppError;

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/orders/{reference}/delivery",
    tag = "orders",
    params(("reference" = String, Path, description = "The shop's order reference, or our order number")),
    request_body = DeliveryInput,
    responses(
        (status = 201, description = "Recorded; the customer's counters, score and class follow", body = DeliveryRecorded),
        (status = 200, description = "This event was recorded before (nothing changed)", body = DeliveryRecorded),
        (status = 409, description = "`event_reused` (another event under this id) or `order_not_confirmed`", body = AppError),
        NotFound,
        Denied,
        Invalid,
    ),
)]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    ApiJson(input): ApiJson<DeliveryInput>,
) -> Result<(StatusCode, Json<DeliveryRecorded>), AppError> {
    let recorded = service::record(&state.pool, &caller.0, &reference, &input, "api").await?;
    let status = if recorded.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(recorded)))
}
