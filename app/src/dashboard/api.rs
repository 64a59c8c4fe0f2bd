//! Server functions of the dashboard: authenticate, then the service (which scopes an agent to
//! their own figures).
use leptos::prelude::*;

use super::{Dashboard, DashboardSettings, DrillDown};
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

#[server(prefix = "/fn", endpoint = "dashboard_settings")]
pub async fn get_dashboard_settings() -> Result<DashboardSettings, AppError> {
    crate::server_ctx::call(None, |pool, user| async move { super::service::settings(&pool, &user).await }).await
}

#[server(prefix = "/fn", endpoint = "save_dashboard_settings")]
pub async fn save_dashboard_settings(settings: DashboardSettings) -> Result<DashboardSettings, AppError> {
    crate::server_ctx::call(
        None,
        |pool, user| async move { super::service::save_settings(&pool, &user, &settings).await },
    )
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
