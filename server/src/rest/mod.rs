//! The JSON API for shops, scripts and tests. Each handler is a second door to the same house: it
//! calls the same `app::…::service` functions as the server functions, and answers errors as
//! `{"code": "..."}` with the code's HTTP status.
mod auth;
mod health;
mod users;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, patch, post};
use axum::Router;
use serde::de::DeserializeOwned;

use app::error::{AppError, ErrorCode};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        .route("/api/users", get(users::list).post(users::create))
        .route("/api/users/{id}", patch(users::change))
}

/// `Json<T>` whose rejections are answered with our error codes instead of axum's prose.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(r)) if r.status() == http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::new(ErrorCode::PayloadTooLarge))
            }
            Err(_) => Err(AppError::new(ErrorCode::BadRequest)),
        }
    }
}
