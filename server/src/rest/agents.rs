//! Routing, agents and rankings over JSON: the brief's auto-assign and performance paths,
//! profiles, presence, routing settings. Handlers call the same services as the server functions.
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use time::OffsetDateTime;

use app::agents::{
    parse_period, service, AgentAttempt, AgentPerformance, AgentProfile, AutoAssignReport, Presence, ProfileInput,
    RoutingSettings,
};
use app::error::AppError;

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound, Unauthenticated};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/customer-service/orders/auto-assign",
    tag = "routing",
    responses(
        (
            status = 200,
            description = "What the run assigned, to whom and why; why the others wait",
            body = AutoAssignReport,
        ),
        Denied,
    ),
)]
pub async fn auto_assign(State(state): State<AppState>, caller: Caller) -> Result<Json<AutoAssignReport>, AppError> {
    Ok(Json(service::auto_assign_by(&state.pool, &caller.0).await?))
}

/// A period in RFC 3339 (`from` defaults to 30 days before `to`, `to` to now), or a named one.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
    /// today, 7d or 30d (whole Algiers days, as the rankings page asks), instead of from/to.
    period: Option<String>,
}

impl Period {
    fn bounds(&self) -> Result<(OffsetDateTime, OffsetDateTime), AppError> {
        let now = OffsetDateTime::now_utc();
        if let Some(name) = &self.period {
            return app::agents::domain::named_period(name, now);
        }
        let fmt = |t: OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let to = self.to.clone().unwrap_or_else(|| fmt(now));
        let from = match &self.from {
            Some(from) => from.clone(),
            None => fmt(parse_period(&to, &to)?.0 - time::Duration::days(30)),
        };
        parse_period(&from, &to)
    }
}

#[utoipa::path(
    get,
    path = "/api/customer-service/agents/performance",
    tag = "agents",
    params(Period),
    responses(
        (status = 200, description = "Every agent's figures over the period, ranked", body = Vec<AgentPerformance>),
        (status = 422, description = "Bad period", body = AppError),
        Denied,
    ),
)]
pub async fn performance(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(period): ApiQuery<Period>,
) -> Result<Json<Vec<AgentPerformance>>, AppError> {
    let (from, to) = period.bounds()?;
    Ok(Json(service::performance(&state.pool, &caller.0, from, to).await?))
}

/// The attempts' period (RFC 3339 `from`/`to`, or a named `period`: today, 7d, 30d) and format.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttemptsParams {
    from: Option<String>,
    to: Option<String>,
    /// today, 7d or 30d (the rankings page's periods), instead of from/to.
    period: Option<String>,
    /// `csv` for a spreadsheet (UTF-8 with BOM); JSON otherwise.
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/customer-service/agents/{agentId}/attempts",
    tag = "agents",
    params(("agentId" = i64, Path), AttemptsParams),
    responses(
        (status = 200, description = "The attempts behind the agent's figures, as JSON or CSV", body = Vec<AgentAttempt>),
        (status = 422, description = "Bad period", body = AppError),
        Denied,
    ),
)]
pub async fn attempts(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(agent_id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<AttemptsParams>,
) -> Result<Response, AppError> {
    let (from, to) = Period { from: p.from, to: p.to, period: p.period }.bounds()?;
    let list = service::agent_attempts(&state.pool, &caller.0, agent_id, from, to).await?;
    if p.format.as_deref() == Some("csv") {
        let name = format!("attachment; filename=\"agent-{agent_id}-attempts.csv\"");
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
            service::attempts_csv(&list),
        )
            .into_response());
    }
    Ok(Json(list).into_response())
}

#[utoipa::path(
    get,
    path = "/api/customer-service/agents",
    tag = "agents",
    responses(
        (status = 200, description = "Every agent's profile (the brief's agentInfo)", body = Vec<AgentProfile>),
        Denied,
    ),
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<AgentProfile>>, AppError> {
    Ok(Json(service::profiles(&state.pool, &caller.0, None).await?))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/agents/{agentId}",
    tag = "agents",
    params(("agentId" = i64, Path)),
    responses(
        (status = 200, body = AgentProfile),
        (status = 403, description = "Another agent's profile", body = AppError),
        Unauthenticated,
        NotFound,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(agent_id): ApiPath<i64>,
) -> Result<Json<AgentProfile>, AppError> {
    Ok(Json(service::profile(&state.pool, &caller.0, agent_id).await?))
}

#[utoipa::path(
    put,
    path = "/api/customer-service/agents/{agentId}",
    tag = "agents",
    params(("agentId" = i64, Path)),
    request_body = ProfileInput,
    responses((status = 200, body = AgentProfile), Denied, NotFound, Invalid),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(agent_id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> Result<Json<AgentProfile>, AppError> {
    Ok(Json(service::update_profile(&state.pool, &caller.0, agent_id, &input).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PresenceInput {
    state: Presence,
    #[serde(default)]
    reason: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceChange {
    /// Orders sent back to the pool (going offline).
    returned_orders: Vec<i64>,
}

#[utoipa::path(
    put,
    path = "/api/customer-service/agents/{agentId}/presence",
    tag = "agents",
    params(("agentId" = i64, Path)),
    request_body = PresenceInput,
    responses(
        (status = 200, body = PresenceChange),
        (status = 403, description = "Another agent's presence (agents)", body = AppError),
        Unauthenticated,
        NotFound,
        Invalid,
    ),
)]
pub async fn presence(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(agent_id): ApiPath<i64>,
    ApiJson(input): ApiJson<PresenceInput>,
) -> Result<Json<PresenceChange>, AppError> {
    let returned_orders = service::set_presence(&state.pool, &caller.0, agent_id, input.state, &input.reason).await?;
    Ok(Json(PresenceChange { returned_orders }))
}

#[utoipa::path(
    get,
    path = "/api/customer-service/routing/settings",
    tag = "routing",
    responses((status = 200, body = RoutingSettings), Denied),
)]
pub async fn settings(State(state): State<AppState>, caller: Caller) -> Result<Json<RoutingSettings>, AppError> {
    Ok(Json(service::settings(&state.pool, &caller.0).await?))
}

#[utoipa::path(
    put,
    path = "/api/customer-service/routing/settings",
    tag = "routing",
    request_body = RoutingSettings,
    responses(
        (status = 200, body = RoutingSettings),
        (status = 403, description = "Admins only", body = AppError),
        Unauthenticated,
        Invalid,
    ),
)]
pub async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RoutingSettings>,
) -> Result<Json<RoutingSettings>, AppError> {
    Ok(Json(service::update_settings(&state.pool, &caller.0, &input).await?))
}
