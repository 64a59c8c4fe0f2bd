//! Messaging over JSON: what a text will cost before it goes.
use axum::extract::State;
use axum::Json;

use app::error::AppError;
use app::messaging::{PreviewRequest, SmsPreview};

use super::caller::Caller;
use super::responses::{Denied, Invalid, NotFound};
use super::ApiJson;
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
