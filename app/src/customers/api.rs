//! Server functions for the customer card.
use leptos::prelude::*;

use super::{CustomerCard, CustomerFlag, CustomerNote};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "customer_card")]
pub async fn get_customer_card(id: i64) -> Result<CustomerCard, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let (pool, user) = ctx::require(crate::auth::Role::Agent).await?;
        super::service::card(&pool, &user, id).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "add_customer_flag")]
pub async fn add_customer_flag(id: i64, kind: String, reason: String) -> Result<CustomerFlag, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let (pool, user) = ctx::require(crate::auth::Role::Agent).await?;
        super::service::add_flag(&pool, &user, id, &kind, &reason).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "add_customer_note")]
pub async fn add_customer_note(id: i64, content: String) -> Result<CustomerNote, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let (pool, user) = ctx::require(crate::auth::Role::Agent).await?;
        super::service::add_note(&pool, &user, id, &content).await
    })
    .await
}
