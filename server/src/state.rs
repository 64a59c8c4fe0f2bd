//! What every handler can reach: the pool, the Leptos options, the account settings, the jobs,
//! the SMS provider.
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use app::auth::service::AuthSettings;
use app::jobs::service::Jobs;
use app::messaging::service::MessagingConfig;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub auth: AuthSettings,
    /// The registered jobs (the jobs page and REST list and run them).
    pub jobs: Arc<Jobs>,
    /// The SMS provider, whose callbacks the messaging routes check.
    pub messaging: Arc<MessagingConfig>,
    /// This app's public URL (`SMS_PUBLIC_URL`): providers sign the URL they called.
    pub public_url: Option<String>,
    /// This instance's live fan-out (the SSE streams subscribe to it).
    pub live: crate::live::Hub,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}
