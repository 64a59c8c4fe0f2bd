//! Server functions for places.
use leptos::prelude::*;

use super::Wilaya;
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "wilayas")]
pub async fn get_wilayas() -> Result<Vec<Wilaya>, AppError> {
    use crate::server_ctx as ctx;
    ctx::answer(None, async {
        let (pool, _) = ctx::require(crate::auth::Role::Agent).await?;
        let mut conn = pool.acquire().await?;
        Ok(super::db::wilayas(&mut conn).await?)
    })
    .await
}
