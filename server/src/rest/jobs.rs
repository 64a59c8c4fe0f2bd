//! The scheduled jobs over JSON (admins): list them with their last runs, run one now. Handlers
//! call the registry's service, as the jobs page does.
use axum::extract::State;
use axum::Json;

use app::error::AppError;
use app::jobs::service::instance_name;
use app::jobs::JobView;

use super::caller::Caller;
use super::responses::Unauthenticated;
use super::ApiPath;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/customer-service/jobs",
    tag = "jobs",
    responses(
        (status = 200, body = Vec<JobView>),
        (status = 403, description = "Admins only", body = AppError),
        Unauthenticated,
    ),
)]
pub async fn list_jobs(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<JobView>>, AppError> {
    let user = caller.0;
    Ok(Json(state.jobs.list(&state.pool, &user).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobRun {
    run_id: i64,
}

#[utoipa::path(
    post,
    path = "/api/customer-service/jobs/{name}/run",
    tag = "jobs",
    params(("name" = String, Path)),
    responses(
        (status = 200, description = "The run finished; see the jobs list for its outcome", body = JobRun),
        (status = 403, description = "Admins only", body = AppError),
        (status = 404, description = "No such job", body = AppError),
        (status = 409, description = "Running elsewhere", body = AppError),
        Unauthenticated,
    ),
)]
pub async fn run_job(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<JobRun>, AppError> {
    let run_id = state.jobs.run_by(&state.pool, &caller.0, &name, &instance_name()).await?;
    Ok(Json(JobRun { run_id }))
}
