//! Server functions for the customer card.
use leptos::prelude::*;

use super::{CustomerCard, CustomerFlag, CustomerNote};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "customer_card")]
pub async fn get_customer_card(id: i64) -> Result<CustomerCard, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::card(&pool, &user, id).await }).await
}

#[server(prefix = "/fn", endpoint = "add_customer_flag")]
pub async fn add_customer_flag(id: i64, kind: String, reason: String) -> Result<CustomerFlag, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::add_flag(&pool, &user, id, &kind, &reason).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "add_customer_note")]
pub async fn add_customer_note(id: i64, content: String) -> Result<CustomerNote, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::add_note(&pool, &user, id, &content).await },
    )
    .await
}

/// Undoes a "same customer" merge (supervisors, admins); answers the survivor's card.
#[server(prefix = "/fn", endpoint = "undo_customer_merge")]
pub async fn undo_customer_merge(survivor: i64, merge_id: i64) -> Result<CustomerCard, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::undo_merge(&pool, &user, merge_id).await?;
        super::service::card(&pool, &user, survivor).await
    })
    .await
}

/// Sets or lifts a class override (supervisors, admins): `class` empty lifts it.
#[server(prefix = "/fn", endpoint = "override_class")]
pub async fn override_customer_class(
    id: i64,
    class: String,
    reason: String,
    until: Option<String>,
) -> Result<CustomerCard, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let until = match until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(day) => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                let date = time::Date::parse(day, &format)
                    .map_err(|_| AppError::field(crate::error::ErrorCode::PeriodInvalid, "until"))?;
                Some(date.midnight().assume_offset(crate::locale::algiers::ALGIERS))
            }
        };
        let class = Some(class.trim().to_string()).filter(|c| !c.is_empty());
        super::service::override_class(&pool, &user, id, &super::OverrideInput { class, reason, until }).await
    })
    .await
}
