//! Server functions for orders. Each one: authenticate → service → answer; the roles and rules
//! live in `domain`, `intake` and `service`.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{AttemptInput, OrderRow, OrderView, PendingFilter};
use crate::auth::UserSummary;
use crate::error::AppError;

/// My queue: the logged-in user's open orders, most urgent first.
#[server(prefix = "/fn", endpoint = "my_queue")]
pub async fn my_queue() -> Result<Vec<OrderRow>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::my_queue(&pool, &user).await }).await
}

#[server(prefix = "/fn", endpoint = "get_order")]
pub async fn get_order(id: i64) -> Result<OrderView, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::get_order(&pool, &user, id).await }).await
}

/// An order and its customer's card, in one request (the agent's screen shows both).
#[server(prefix = "/fn", endpoint = "get_order_work")]
pub async fn get_order_work(id: i64) -> Result<(OrderView, crate::customers::CustomerCard), AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let order = super::service::get_order(&pool, &user, id).await?;
        let card = crate::customers::service::card(&pool, &user, order.customer_id).await?;
        Ok((order, card))
    })
    .await
}

/// Records an attempt; a stale `input.version` fails with `conflict`.
#[server(prefix = "/fn", endpoint = "record_attempt", input = Json)]
pub async fn record_attempt(id: i64, input: AttemptInput) -> Result<OrderView, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::record_attempt(&pool, &user, id, &input).await },
    )
    .await
}

/// Open orders for supervisors, filtered (agents get their own queue).
#[server(prefix = "/fn", endpoint = "pending_orders", input = Json)]
pub async fn pending_orders(filter: PendingFilter) -> Result<Vec<OrderRow>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::pending(&pool, &user, &filter).await })
        .await
}

/// Assigns orders to an agent, or back to the pool with `None`. Returns the ids changed.
#[server(prefix = "/fn", endpoint = "assign_orders", input = Json)]
pub async fn assign_orders(ids: Vec<i64>, agent_id: Option<i64>) -> Result<Vec<i64>, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::assign(&pool, &user, &ids, agent_id).await },
    )
    .await
}

/// Who orders can be assigned to.
#[server(prefix = "/fn", endpoint = "assignable_agents")]
pub async fn assignable_agents() -> Result<Vec<UserSummary>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { crate::auth::service::list_assignable(&pool, &user).await })
        .await
}

/// What a step would text the customer about this order, and its cost.
#[server(prefix = "/fn", endpoint = "preview_order_message", input = Json)]
pub async fn preview_order_message(id: i64, step: String) -> Result<crate::messaging::StepPreview, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::message_preview(&pool, &user, id, &step).await },
    )
    .await
}

/// An agent's "send SMS" from the order panel.
#[server(prefix = "/fn", endpoint = "send_order_message", input = Json)]
pub async fn send_order_message(id: i64, step: String, version: i32) -> Result<OrderView, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        super::service::send_message(&pool, &user, id, &step, version).await
    })
    .await
}

/// How many open orders have a callback due now (supervisors).
#[server(prefix = "/fn", endpoint = "callbacks_due")]
pub async fn callbacks_due() -> Result<i64, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::callbacks_due(&pool, &user).await }).await
}
