//! Server functions for the jobs page: authenticate, then the registry's service (handed to the server
//! functions' context by the host).
use leptos::prelude::*;

use super::JobView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn registry() -> Result<std::sync::Arc<super::service::Jobs>, AppError> {
    use_context::<std::sync::Arc<super::service::Jobs>>().ok_or_else(|| {
        tracing::error!("no job registry in the server function context");
        AppError::new(crate::error::ErrorCode::Internal)
    })
}

/// The scheduled jobs with their last runs (admins).
#[server(prefix = "/fn", endpoint = "jobs")]
pub async fn get_jobs() -> Result<Vec<JobView>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { registry()?.list(&pool, &user).await }).await
}

/// Runs a job now (admins); answers the run's id once it finished.
#[server(prefix = "/fn", endpoint = "run_job")]
pub async fn run_job(name: String) -> Result<i64, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        registry()?.run_by(&pool, &user, &name, &super::service::instance_name()).await
    })
    .await
}
