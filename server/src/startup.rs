//! Builds the router (pages, server functions, REST, sessions, limits) and serves it with a
//! graceful shutdown. `main` and the HTTP tests both go through here, so tests run the real app.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use app::error::{AppError, ErrorCode};
use app::{shell, App};

use crate::config::Settings;
use crate::state::AppState;

/// Requests larger than this are refused with 413 `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Opens a pool that fails fast while the database is away and reconnects when it is back.
pub async fn connect_pool(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    // every statement the app runs stays prepared on each connection (about 200; sqlx keeps 100
    // by default, and one evicted is parsed and planned again on its next use); no JIT: it
    // compiled the agents' performance query for 390 ms of its 675 at 1 M orders, and short
    // queries never gain from it
    let options: PgConnectOptions =
        url.parse::<PgConnectOptions>()?.statement_cache_capacity(STATEMENT_CACHE).options([("jit", "off")]);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
}

/// Prepared statements kept per connection.
pub const STATEMENT_CACHE: usize = 512;

/// The whole application as one router.
/// `live` is this instance's fan-out ([`crate::live::Hub::start`]); close it when shutting down
/// so the open streams end.
pub fn router(pool: PgPool, settings: &Settings, leptos_options: LeptosOptions, live: crate::live::Hub) -> Router {
    app::customers::phone::warm_up();
    let auth = settings.auth;
    let jobs = Arc::new(crate::jobs::registry(&settings.registry()).with_lease(settings.jobs.lease));
    let state = AppState {
        pool: pool.clone(),
        leptos_options: leptos_options.clone(),
        auth,
        jobs: jobs.clone(),
        messaging: Arc::new(settings.messaging.clone()),
        public_url: settings.public_url.clone(),
        live,
    };
    let channels = app::messaging::Channels {
        whatsapp: settings.messaging.whatsapp.is_some(),
        email: settings.messaging.email.is_some(),
    };
    let context = {
        let pool = pool.clone();
        move || {
            provide_context(pool.clone());
            provide_context(auth);
            provide_context(jobs.clone());
            provide_context(channels);
        }
    };
    let store = PostgresStore::new(pool);
    let sessions = SessionManagerLayer::new(store)
        .with_name(app::auth::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.cookie_secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            settings.session_idle.as_secs().try_into().unwrap_or(i64::MAX),
        )));
    let routes = generate_route_list(App);
    crate::rest::router()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(crate::rest::upload_router())
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            Arc::new(crate::security::Policy {
                hsts: settings.cookie_secure,
                allowed_origins: settings.allowed_origins.clone(),
                trust_proxy: settings.auth.trust_proxy,
            }),
            crate::security::guard,
        ))
        .layer(middleware::from_fn(error_bodies_as_codes))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Layers below us (body limit) answer with plain text: give API clients our JSON error code.
async fn error_bodies_as_codes(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return AppError::new(ErrorCode::PayloadTooLarge).into_response();
    }
    response
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish for up to `grace`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping_tx.send(());
        });
    let server = tokio::spawn(async move { server.await });
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.unwrap_or_else(|e| Err(std::io::Error::other(e))),
        _ = stopping_rx => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
    match tokio::time::timeout(grace, &mut server).await {
        Ok(result) => result.unwrap_or_else(|e| Err(std::io::Error::other(e))),
        Err(_) => {
            tracing::warn!(?grace, "requests still running after the grace period; stopping anyway");
            server.abort();
            Ok(())
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Removes expired sessions every hour (harmless when several instances do it).
pub fn spawn_session_cleanup(pool: PgPool) -> tokio::task::JoinHandle<()> {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        let store = PostgresStore::new(pool);
        if let Err(error) = store.continuously_delete_expired(Duration::from_secs(3600)).await {
            tracing::warn!(%error, "session cleanup stopped");
        }
    })
}
