//! Server functions of the dashboard: authenticate, then the service (which scopes an agent to
//! their own figures).
use leptos::prelude::*;

use super::{Dashboard, DrillDown};
use crate::error::AppError;

/// Every widget's figures; dates `YYYY-MM-DD` (Algiers), period `day`, `week` or `month`.
#[server(prefix = "/fn", endpoint = "dashboard")]
pub async fn get_dashboard(
    from: Option<String>,
    to: Option<String>,
    period: Option<String>,
) -> Result<Dashboard, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let query = super::service::Query { from, to, period };
        super::service::dashboard(&pool, &user, &query, time::OffsetDateTime::now_utc()).await
    })
    .await
}

/// The orders behind one number of the dashboard.
#[server(prefix = "/fn", endpoint = "dashboard_orders")]
pub async fn get_drill_down(
    list: String,
    from: Option<String>,
    to: Option<String>,
    period: Option<String>,
    status: Option<String>,
) -> Result<DrillDown, AppError> {
    crate::server_ctx::call(None, |pool, user| async move {
        let list = super::DrillList::parse(&list)?;
        let query = super::service::Query { from, to, period };
        super::service::drill_down(&pool, &user, list, &query, status.as_deref(), time::OffsetDateTime::now_utc()).await
    })
    .await
}
