//! Server functions for places.
use leptos::prelude::*;

use super::Wilaya;
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "wilayas")]
pub async fn get_wilayas() -> Result<Vec<Wilaya>, AppError> {
    crate::server_ctx::call(None, |pool, _| async move {
        let mut conn = pool.acquire().await?;
        Ok(super::db::wilayas(&mut conn).await?)
    })
    .await
}
