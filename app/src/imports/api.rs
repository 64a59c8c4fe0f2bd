//! Server functions for imports (the upload itself is a plain form post to
//! `POST /api/orders/import`, which works before hydration too).
use leptos::prelude::*;

use super::{ImportReport, ImportSummary};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "import_report")]
pub async fn get_import_report(id: i64) -> Result<ImportReport, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::report(&pool, &user, id).await }).await
}

#[server(prefix = "/fn", endpoint = "recent_imports")]
pub async fn recent_imports() -> Result<Vec<ImportSummary>, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::recent(&pool, &user).await }).await
}
