//! The scheduler, a feature of its own: the job rows (one run at a time across instances), the
//! runner inside each instance, the admins' jobs page. It imports no feature: features register
//! their job bodies ([`service::JobSpec`]) and the host hands the registry to the runner and the
//! doors. May import `auth`, `error`, `components`, `locale`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod runner;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One scheduled job on the admins' page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobView {
    pub name: String,
    /// The schedule, as a code the screen translates (`every_15_business`, `daily_0200`, …).
    pub schedule: String,
    #[serde(with = "time::serde::rfc3339")]
    pub next_run_at: OffsetDateTime,
    pub running: bool,
    pub runs: Vec<JobRunView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobRunView {
    pub id: i64,
    pub trigger: String,
    pub instance: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    pub duration_ms: Option<i64>,
    pub outcome: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub detail: serde_json::Value,
}
