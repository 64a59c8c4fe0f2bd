//! Server functions for the status configuration.
use leptos::prelude::*;

use leptos::server_fn::codec::Json;

use super::StatusConfig;
use crate::error::AppError;

/// The whole configuration (statuses, transitions, policy), as agents' screens read it.
#[server(prefix = "/fn", endpoint = "status_config")]
pub async fn get_status_config() -> Result<StatusConfig, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::config(&pool, &user).await }).await
}

/// Creates (`create`) or updates a status (supervisors and admins).
#[server(prefix = "/fn", endpoint = "save_status", input = Json)]
pub async fn save_status(status: super::StatusDef, create: bool) -> Result<StatusConfig, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::save_status(&pool, &user, status, create).await
    })
    .await
}

/// Sets the statuses that may follow `from`, each with the lowest role allowed to record it.
#[server(prefix = "/fn", endpoint = "save_exits", input = Json)]
pub async fn save_exits(from: String, exits: Vec<(String, crate::auth::Role)>) -> Result<StatusConfig, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::save_exits(&pool, &user, &from, exits).await },
    )
    .await
}

/// Deletes a status that was never used.
#[server(prefix = "/fn", endpoint = "delete_status")]
pub async fn delete_status(code: String) -> Result<StatusConfig, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::delete_status(&pool, &user, &code).await })
        .await
}
