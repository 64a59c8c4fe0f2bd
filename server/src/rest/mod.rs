//! The JSON API for shops, scripts and tests. Each handler is a second door to the same house: it
//! calls the same `app::…::service` functions as the server functions, and answers errors as
//! `{"code": "..."}` with the code's HTTP status.
mod agents;
mod auth;
pub mod caller;
mod customers;
mod dashboard;
mod deliveries;
mod duplicates;
mod health;
mod imports;
mod jobs;
mod messaging;
pub mod openapi;
mod orders;
mod responses;
mod statuses;
mod tokens;
mod users;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use app::error::{AppError, ErrorCode};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        .route("/api/users", get(users::list).post(users::create))
        .route("/api/users/{id}", patch(users::change))
        .route("/api/users/{id}/password-reset", post(users::issue_reset))
        .route("/api/auth/password", post(auth::change_password))
        .route("/api/auth/password-reset", post(auth::redeem_reset))
        .route("/api/tokens", get(tokens::list).post(tokens::create))
        .route("/api/tokens/{tokenId}", delete(tokens::revoke))
        .route("/api/orders", post(orders::create))
        .route("/api/orders/{reference}/delivery", post(deliveries::record))
        .route("/api/customer-service/sms/preview", post(messaging::preview))
        .route("/api/customer-service/sms/callbacks/{provider}", get(messaging::callback).post(messaging::callback))
        .route("/api/orders/import/{id}", get(imports::report))
        .route("/api/customer-service/statuses", get(statuses::config).post(statuses::create))
        .route("/api/customer-service/statuses/{code}", put(statuses::update).delete(statuses::delete))
        .route("/api/customer-service/statuses/{code}/transitions", put(statuses::set_transitions))
        .route("/api/customer-service/orders/auto-assign", post(agents::auto_assign))
        .route("/api/customer-service/agents", get(agents::list))
        .route("/api/customer-service/agents/performance", get(agents::performance))
        .route("/api/customer-service/agents/{agentId}", get(agents::get).put(agents::update))
        .route("/api/customer-service/agents/{agentId}/attempts", get(agents::attempts))
        .route("/api/customer-service/agents/{agentId}/presence", put(agents::presence))
        .route("/api/customer-service/routing/settings", get(agents::settings).put(agents::update_settings))
        .route("/api/customer-service/jobs", get(jobs::list_jobs))
        .route("/api/customer-service/jobs/{name}/run", post(jobs::run_job))
        .route("/api/customer-service/orders/detect-duplicates", post(duplicates::detect))
        .route("/api/customer-service/duplicates", get(duplicates::queue))
        .route("/api/customer-service/duplicates/accuracy", get(duplicates::accuracy))
        .route("/api/customer-service/duplicates/{pairId}/decision", post(duplicates::decide))
        .route("/api/customer-service/events", get(crate::live::events))
        .route("/api/customer-service/dashboard", get(dashboard::dashboard))
        .route("/api/customer-service/dashboard/orders", get(dashboard::orders))
        .route("/api/customer-service/dashboard/settings", get(dashboard::settings).put(dashboard::update_settings))
        .route("/api/customer-service/orders/pending", get(orders::pending))
        .route("/api/customer-service/orders/mine", get(orders::my_queue))
        .route("/api/customer-service/orders/assign", post(orders::bulk_assign))
        .route("/api/customer-service/orders/{orderId}", get(orders::get))
        .route("/api/customer-service/orders/{orderId}/assign", post(orders::assign))
        .route("/api/customer-service/orders/{orderId}/confirm-attempt", post(orders::confirm_attempt))
        .route("/api/customer-service/customers/{customerId}", get(customers::card))
        .route("/api/customer-service/customers/{customerId}/flags", post(customers::add_flag))
        .route("/api/customer-service/customers/{customerId}/notes", post(customers::add_note))
        .route("/api/customer-service/customers/merges/{mergeId}/undo", post(customers::undo_merge))
        .route("/api/customer-service/customers/{customerId}/classification", post(customers::override_class))
        .route("/api/customer-service/classification/distribution", get(customers::distribution))
        .route(
            "/api/customer-service/classification/settings",
            get(customers::settings).put(customers::update_settings),
        )
}

/// Routes that take large bodies (their own limit instead of the API's 1 MiB).
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route("/api/orders/import", post(imports::upload))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(imports::MAX_UPLOAD_BYTES))
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

/// `Path<T>` whose rejections are our codes: an id that is not a number names nothing (`404`).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| AppError::new(ErrorCode::NotFound))
    }
}

/// `Query<T>` whose rejections are our codes.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|_| AppError::new(ErrorCode::BadRequest))
    }
}
