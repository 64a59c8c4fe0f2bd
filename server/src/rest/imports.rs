//! CSV import of orders: `POST /api/orders/import` with a multipart `file` field (the upload
//! form) or a raw `text/csv` body (scripts; `?name=` names it). Answers `202 {"id"}`, or sends a
//! browser's form post on to the import's progress page. `GET /api/orders/import/{id}` is the
//! report.
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;

use app::error::{AppError, ErrorCode};
use app::imports::{service, ImportReport};

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::ApiPath;
use crate::state::AppState;

/// The largest file an import takes (the rest of the API takes 1 MiB).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

#[derive(Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
}

fn wants_html(request: &Request) -> bool {
    request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

#[utoipa::path(
    post,
    path = "/api/orders/import",
    tag = "orders",
    params(("name" = Option<String>, Query, description = "File name for a raw text/csv body")),
    request_body(
        content = String,
        content_type = "text/csv",
        description = "The CSV file (or multipart/form-data with a `file` field)",
    ),
    responses(
        (status = 202, description = "Import started: {\"id\": …}"),
        (status = 413, body = AppError),
        Denied,
        Invalid,
    ),
)]
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    caller: Caller,
    request: Request,
) -> Response {
    let html = wants_html(&request);
    let result = async {
        let user = caller.0;
        let (name, bytes) = read_file(request, &state, query.name).await?;
        service::start(&state.pool, &user, &name, &bytes).await
    }
    .await;
    match (result, html) {
        (Ok(id), true) => Redirect::to(&format!("/imports/{id}")).into_response(),
        (Ok(id), false) => (StatusCode::ACCEPTED, Json(serde_json::json!({ "id": id }))).into_response(),
        (Err(e), true) => {
            let field = e.field.map(|f| format!("&field={f}")).unwrap_or_default();
            Redirect::to(&format!("/imports?error={}{field}", e.code.as_str())).into_response()
        }
        (Err(e), false) => e.into_response(),
    }
}

async fn read_file(request: Request, state: &AppState, name: Option<String>) -> Result<(String, Vec<u8>), AppError> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        AppError::new(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ErrorCode::PayloadTooLarge
        } else {
            ErrorCode::BadRequest
        })
    };
    if !is_multipart {
        // Bodies over the limit are refused by the route's RequestBodyLimitLayer (413) before this.
        let bytes = axum::body::to_bytes(request.into_body(), MAX_UPLOAD_BYTES)
            .await
            .map_err(|_| AppError::new(ErrorCode::PayloadTooLarge))?;
        return Ok((name.unwrap_or_else(|| "import.csv".into()), bytes.to_vec()));
    }
    let mut multipart =
        Multipart::from_request(request, state).await.map_err(|_| AppError::new(ErrorCode::BadRequest))?;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let file_name = field.file_name().map(str::to_string).filter(|n| !n.is_empty());
            let bytes = field.bytes().await.map_err(multipart_error)?;
            return Ok((file_name.or(name).unwrap_or_else(|| "import.csv".into()), bytes.to_vec()));
        }
    }
    Err(AppError::new(ErrorCode::FileRequired))
}

#[utoipa::path(
    get,
    path = "/api/orders/import/{id}",
    tag = "orders",
    params(("id" = i64, Path)),
    responses((status = 200, body = ImportReport), Denied, NotFound),
)]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ImportReport>, AppError> {
    let user = caller.0;
    Ok(Json(service::report(&state.pool, &user, id).await?))
}
