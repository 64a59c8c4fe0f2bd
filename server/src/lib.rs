//! The host of EcoManager CS: configuration, the private PostgreSQL, HTTP (pages, server
//! functions, REST), sessions and start-up. Business rules live in the `app` crate.
pub mod config;
pub mod jobs;
pub mod live;
pub mod pgcluster;
pub mod rest;
pub mod security;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;

/// Migrations, embedded at compile time and run at every start (idempotent, forward-only).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
