//! CSV imports of orders for supervisors: upload a shop's export, follow a progress bar, and get
//! a report of every order that was rejected and why. `csv` reads the file (pure), `db` the SQL,
//! `service` (server only) runs an import in the background through the same intake as the API,
//! `api` the server functions, `ui` the page.
pub mod api;
#[cfg(feature = "ssr")]
pub mod courier;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ImportState {
    Running,
    Done,
    /// The server stopped before the end (no progress for a minute): upload the file again;
    /// orders with a reference are not duplicated.
    Interrupted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub state: ImportState,
    pub total_orders: i32,
    pub total_rows: i32,
    pub processed: i32,
    pub created: i32,
    pub existing: i32,
    pub rejected: i32,
    pub created_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

/// An order of the file that was not imported, with the lines it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportRejection {
    pub position: i32,
    pub first_line: i32,
    pub last_line: i32,
    pub reference: Option<String>,
    pub code: ErrorCode,
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub summary: ImportSummary,
    /// The first [`REPORT_LIMIT`] rejections, in file order.
    pub rejections: Vec<ImportRejection>,
}

/// How many rejections a report lists (the counts are always complete).
pub const REPORT_LIMIT: i64 = 1000;
