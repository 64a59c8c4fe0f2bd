//! Who is calling the JSON API: a bearer API token (`Authorization: Bearer ecs_…`) or the
//! browser's session cookie. Either way the same `CurrentUser` reaches the services.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use http::header::AUTHORIZATION;
use tower_sessions::Session;

use app::auth::{service, CurrentUser};
use app::error::{AppError, ErrorCode};

use crate::state::AppState;

pub struct Caller(pub CurrentUser);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
            return Ok(Caller(service::token_user(&state.pool, token).await?));
        }
        let session =
            Session::from_request_parts(parts, state).await.map_err(|_| AppError::new(ErrorCode::Internal))?;
        let user =
            service::current_user(&state.pool, &session).await?.ok_or(AppError::new(ErrorCode::Unauthenticated))?;
        Ok(Caller(user))
    }
}
