//! Server functions for the status configuration.
use leptos::prelude::*;

use super::StatusConfig;
use crate::error::AppError;

/// The whole configuration (statuses, transitions, policy), as agents' screens read it.
#[server(prefix = "/fn", endpoint = "status_config")]
pub async fn get_status_config() -> Result<StatusConfig, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let (pool, _) = ctx::require(crate::auth::Role::Agent).await?;
        let mut conn = pool.acquire().await?;
        Ok(super::db::load_config(&mut conn).await?)
    })
    .await
}
