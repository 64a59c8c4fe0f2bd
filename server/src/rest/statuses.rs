//! The status configuration over JSON.
use axum::extract::State;
use axum::Json;

use app::error::AppError;
use app::statuses::StatusConfig;

use super::caller::Caller;
use crate::state::AppState;

pub async fn config(State(state): State<AppState>, _caller: Caller) -> Result<Json<StatusConfig>, AppError> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(app::statuses::db::load_config(&mut conn).await?))
}
