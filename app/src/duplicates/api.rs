//! Server functions for the duplicate review queue.
use leptos::prelude::*;

use super::{Accuracy, DuplicatePair};
use crate::error::AppError;

/// Open pairs, most confident first (supervisors, admins).
#[server(prefix = "/fn", endpoint = "duplicate_pairs")]
pub async fn get_duplicate_pairs() -> Result<Vec<DuplicatePair>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::review_queue(&pool, &user, None).await })
        .await
}

/// Decides a pair: `duplicate`, `not_duplicate` or `same_customer`.
#[server(prefix = "/fn", endpoint = "decide_duplicate")]
pub async fn decide_duplicate(pair_id: i64, decision: String) -> Result<(), AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let decision = super::Decision::parse(&decision)?;
        super::service::decide(&pool, &user, pair_id, decision).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "duplicate_accuracy")]
pub async fn get_duplicate_accuracy() -> Result<Accuracy, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::accuracy(&pool, &user).await }).await
}
