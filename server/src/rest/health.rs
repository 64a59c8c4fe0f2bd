//! `/health`: the process answers. `/ready`: the database answers too (503 otherwise); a database
//! that comes back makes it 200 again without a restart (the pool reconnects).
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use sqlx::PgPool;

#[utoipa::path(get, path = "/health", tag = "ops", responses((status = 200, description = "The process is up")))]
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

#[utoipa::path(
    get,
    path = "/ready",
    tag = "ops",
    responses(
        (status = 200, description = "The database answers"),
        (status = 503, description = "The database does not answer"),
    ),
)]
pub async fn ready(State(pool): State<PgPool>) -> (StatusCode, Json<Value>) {
    let ping =
        tokio::time::timeout(Duration::from_secs(2), sqlx::query_scalar!("SELECT 1 AS one").fetch_one(&pool)).await;
    match ping {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        _ => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "code": "database_unavailable" })))
        }
    }
}
