//! Server functions for the template editor and the messaging page: authenticate, then
//! messaging's service.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{Channel, MessagingSettings, OutboxFilter, OutboxPage, Resolution, TemplateView, TemplatesPage};
use crate::error::AppError;
use crate::locale::UiLocale;

/// Every step with its templates and the shop's messaging settings (supervisors).
#[server(prefix = "/fn", endpoint = "message_templates")]
pub async fn get_message_templates() -> Result<TemplatesPage, AppError> {
    let channels = use_context::<super::Channels>().unwrap_or_default();
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::templates_page(&pool, &user, channels).await },
    )
    .await
}

/// Saves a step's template in one language (supervisors).
#[server(prefix = "/fn", endpoint = "save_message_template", input = Json)]
pub async fn save_message_template(
    step: String,
    channel: Channel,
    language: UiLocale,
    body: String,
) -> Result<TemplateView, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::save_template(&pool, &user, &step, channel, language, &body).await
    })
    .await
}

/// Switches a step on or off (supervisors).
#[server(prefix = "/fn", endpoint = "set_message_step", input = Json)]
pub async fn set_message_step(step: String, channel: Channel, enabled: bool) -> Result<(), AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::set_step_enabled(&pool, &user, &step, channel, enabled).await
    })
    .await
}

/// Saves the shop's messaging settings (supervisors).
#[server(prefix = "/fn", endpoint = "save_messaging_settings", input = Json)]
pub async fn save_messaging_settings(settings: MessagingSettings) -> Result<MessagingSettings, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::save_settings(&pool, &user, &settings).await },
    )
    .await
}

/// The supervisors' messaging page for a filter.
#[server(prefix = "/fn", endpoint = "outbox", input = Json)]
pub async fn get_outbox(filter: OutboxFilter) -> Result<OutboxPage, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::outbox(&pool, &user, &filter).await }).await
}

/// A supervisor's decision on an `unknown` message.
#[server(prefix = "/fn", endpoint = "resolve_message", input = Json)]
pub async fn resolve_message(id: i64, resolution: Resolution) -> Result<(), AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::resolve_unknown(&pool, &user, id, resolution).await
    })
    .await
}
