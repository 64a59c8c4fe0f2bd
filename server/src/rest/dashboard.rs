//! The brief's dashboard over JSON, and the drill-down lists as JSON or CSV. Handlers call the
//! same service as the server functions.
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use time::OffsetDateTime;

use app::dashboard::{service, Dashboard, DashboardSettings, DrillDown, DrillList};
use app::error::AppError;

use super::caller::Caller;
use super::responses::{Denied, Invalid, Unauthenticated};
use super::{ApiJson, ApiQuery};
use crate::state::AppState;

/// Algiers dates (`YYYY-MM-DD`, both default to today) and the bucket size.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    from: Option<String>,
    to: Option<String>,
    /// `day` (default), `week` or `month`.
    period: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/customer-service/dashboard",
    tag = "dashboard",
    params(DashboardParams),
    responses(
        (
            status = 200,
            description = "Every widget's figures: the shop's for supervisors and admins, one's own for an agent",
            body = Dashboard,
        ),
        Invalid,
        Unauthenticated,
    ),
)]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<DashboardParams>,
) -> Result<Json<Dashboard>, AppError> {
    let query = service::Query { from: p.from, to: p.to, period: p.period };
    Ok(Json(service::dashboard(&state.pool, &caller.0, &query, OffsetDateTime::now_utc()).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrillParams {
    /// past_deadline, unassigned, callbacks_due, held (now); received, confirmed, failed, abandoned (the range).
    list: String,
    from: Option<String>,
    to: Option<String>,
    period: Option<String>,
    /// With `failed`: one final status only.
    status: Option<String>,
    /// `csv` for a spreadsheet (UTF-8 with BOM); JSON otherwise.
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/customer-service/dashboard/orders",
    tag = "dashboard",
    params(DrillParams),
    responses(
        (status = 200, description = "The orders behind the number (at most 5 000), as JSON or CSV", body = DrillDown),
        Invalid,
        Unauthenticated,
    ),
)]
pub async fn orders(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<DrillParams>,
) -> Result<Response, AppError> {
    let list = DrillList::parse(&p.list)?;
    let query = service::Query { from: p.from, to: p.to, period: p.period };
    let found =
        service::drill_down(&state.pool, &caller.0, list, &query, p.status.as_deref(), OffsetDateTime::now_utc())
            .await?;
    if p.format.as_deref() == Some("csv") {
        let name = format!("attachment; filename=\"orders-{}.csv\"", list.as_str());
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
            service::drill_csv(&found),
        )
            .into_response());
    }
    Ok(Json(found).into_response())
}

#[utoipa::path(
    get,
    path = "/api/customer-service/dashboard/settings",
    tag = "dashboard",
    responses((status = 200, description = "The speed-to-call deadline and the rankings' minimum volume", body = DashboardSettings), Denied),
)]
pub async fn settings(State(state): State<AppState>, caller: Caller) -> Result<Json<DashboardSettings>, AppError> {
    Ok(Json(service::settings(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    put,
    path = "/api/customer-service/dashboard/settings",
    tag = "dashboard",
    request_body = DashboardSettings,
    responses((status = 200, description = "Saved", body = DashboardSettings), Invalid, Denied),
)]
pub async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<DashboardSettings>,
) -> Result<Json<DashboardSettings>, AppError> {
    Ok(Json(service::save_settings(&state.pool, &caller.0, &input).await?))
}
