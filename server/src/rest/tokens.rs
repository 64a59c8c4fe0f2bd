//! API tokens for shops and scripts (admins): `POST /api/tokens` `{"userId", "name"}` answers the
//! token once; only its hash is kept.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use app::auth::service::{self, NewToken};
use app::error::AppError;

use super::caller::Caller;
use super::responses::Denied;
use super::ApiJson;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(utoipa::ToSchema)]
pub struct TokenBody {
    user_id: i64,
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/tokens",
    tag = "users",
    request_body = TokenBody,
    responses((status = 201, description = "The token, shown once", body = NewToken), Denied),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let admin = caller.0;
    let token = service::create_token(&state.pool, &admin, body.user_id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(token)))
}
