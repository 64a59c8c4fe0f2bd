//! Messaging over JSON: what a text will cost before it goes, and the providers' delivery
//! reports.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::error::AppError;
use app::messaging::provider::Callback;
use app::messaging::{PreviewRequest, SmsPreview};

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::{ApiJson, ApiPath};
use crate::state::AppState;

/// `{"text": "..."}` counts the text as typed; `{"templateId"}` renders a stored template for a
/// sample order, `{"templateId", "orderId"}` for that order.
#[utoipa::path(
    post,
    path = "/api/customer-service/sms/preview",
    tag = "messaging",
    request_body = PreviewRequest,
    responses((status = 200, description = "Encoding, characters, parts and cost", body = SmsPreview), Denied, NotFound, Invalid),
)]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<PreviewRequest>,
) -> Result<Json<SmsPreview>, AppError> {
    let preview = match (&request.text, request.template_id, request.order_id) {
        (None, Some(template), Some(order)) => {
            app::orders::service::preview_message(&state.pool, &caller.0, order, template).await?
        }
        _ => app::messaging::service::preview(&state.pool, &caller.0, &request).await?,
    };
    Ok(Json(preview))
}

/// A provider's delivery report (`twilio`, `vonage`, `infobip`, `whatsapp`), by POST or, for
/// Vonage, GET (for WhatsApp, a GET is Meta's webhook check, answered with its challenge).
/// Checked against the configured provider's signature (401 and nothing kept when it does not
/// match), stored raw, applied forward-only; a report about a message we do not know is kept and
/// answered 200 so the provider stops retrying.
#[utoipa::path(
    post,
    path = "/api/customer-service/sms/callbacks/{provider}",
    tag = "messaging",
    params(("provider" = String, Path, description = "twilio, vonage or infobip")),
    responses(
        (status = 200, description = "Stored (and applied where it moves a message forward)"),
        (status = 401, description = "The signature does not match: nothing kept", body = AppError),
        Invalid,
    ),
)]
pub async fn callback(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let query = uri.query().unwrap_or_default();
    if provider == "whatsapp" && method == Method::GET {
        // Meta's one-time check of the webhook: echo its challenge.
        return Ok(app::messaging::service::whatsapp_challenge(&state.messaging, query)?.into_response());
    }
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let url = format!("{}{path}", state.public_url.as_deref().unwrap_or_default());
    let callback = Callback { url: &url, headers: &headers, query, body: &body };
    let outcome =
        app::messaging::service::receive_callback(&state.pool, &state.messaging, &provider, &callback).await?;
    // A customer's button tap is stored with its effect on the order (the orders feature's call),
    // in one transaction: a failure leaves it whole for Meta's retry, never lost or doubled.
    let mut replies = 0;
    for reply in &outcome.replies {
        if app::orders::service::customer_replied(&state.pool, reply).await? {
            replies += 1;
        }
    }
    let answer = json!({"reports": outcome.reports, "applied": outcome.applied, "replies": replies});
    Ok(Json(answer).into_response())
}
