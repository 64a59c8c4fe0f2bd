//! Server functions for agents, routing and rankings: authenticate, then the shared service (which
//! checks the roles).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{AgentAttempt, AgentPerformance, AgentProfile, AutoAssignReport, ProfileInput, RoutingSettings};
use crate::error::AppError;

/// Every agent's profile with presence, load and last 30 days' figures (supervisors, admins).
#[server(prefix = "/fn", endpoint = "agent_profiles")]
pub async fn get_agent_profiles() -> Result<Vec<AgentProfile>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::profiles(&pool, &user, None).await }).await
}

/// The signed-in agent's own profile (their languages, wilayas, shifts, presence and figures).
#[server(prefix = "/fn", endpoint = "my_profile")]
pub async fn get_my_profile() -> Result<AgentProfile, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::profile(&pool, &user, user.id).await })
        .await
}

/// Replaces an agent's profile (supervisors, admins).
#[server(prefix = "/fn", endpoint = "save_agent_profile", input = Json)]
pub async fn save_agent_profile(agent_id: i64, profile: ProfileInput) -> Result<AgentProfile, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::update_profile(&pool, &user, agent_id, &profile).await
    })
    .await
}

/// Sets presence: an agent their own (`agent_id` None), a supervisor anyone's.
#[server(prefix = "/fn", endpoint = "set_presence")]
pub async fn set_presence(agent_id: Option<i64>, state: String, reason: String) -> Result<Vec<i64>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let state = super::Presence::parse(&state)?;
        super::service::set_presence(&pool, &user, agent_id.unwrap_or(user.id), state, &reason).await
    })
    .await
}

/// "I am still here": the agent's screen calls it while they use it.
#[server(prefix = "/fn", endpoint = "heartbeat")]
pub async fn heartbeat() -> Result<(), AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::touch(&pool, &user).await }).await
}

/// Runs auto-assignment now (supervisors, admins) and says what it did and why.
#[server(prefix = "/fn", endpoint = "auto_assign")]
pub async fn run_auto_assign() -> Result<AutoAssignReport, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::auto_assign_by(&pool, &user).await }).await
}

/// Rankings over a named period (`today`, `7d`, `30d`; Algiers days).
#[server(prefix = "/fn", endpoint = "rankings")]
pub async fn get_rankings(period: String) -> Result<Vec<AgentPerformance>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let (from, to) = super::domain::named_period(&period, time::OffsetDateTime::now_utc())?;
        super::service::performance(&pool, &user, from, to).await
    })
    .await
}

/// The attempts behind one agent's figures over a named period.
#[server(prefix = "/fn", endpoint = "agent_attempts")]
pub async fn get_agent_attempts(agent_id: i64, period: String) -> Result<Vec<AgentAttempt>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let (from, to) = super::domain::named_period(&period, time::OffsetDateTime::now_utc())?;
        super::service::agent_attempts(&pool, &user, agent_id, from, to).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "routing_settings")]
pub async fn get_routing_settings() -> Result<RoutingSettings, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::settings(&pool, &user).await }).await
}

#[server(prefix = "/fn", endpoint = "save_routing_settings", input = Json)]
pub async fn save_routing_settings(settings: RoutingSettings) -> Result<RoutingSettings, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::update_settings(&pool, &user, &settings).await },
    )
    .await
}
