//! Server only: what a server function reads from its request (pool, session, client address,
//! settings) and how it answers (status codes, cookies, redirects for plain form posts). Keeps the
//! server functions themselves to authenticate → parse → service → answer (`call` is that frame);
//! roles are the services' to check.
use http::header::{HeaderValue, ACCEPT, SET_COOKIE};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sqlx::PgPool;
use tower_sessions::Session;

use crate::auth::service::{self, AuthSettings};
use crate::auth::CurrentUser;
use crate::error::{AppError, ErrorCode};
use crate::locale::{UiLocale, LOCALE_COOKIE};

pub fn pool() -> Result<PgPool, AppError> {
    use_context::<PgPool>().ok_or_else(|| {
        tracing::error!("no database pool in the server function context");
        AppError::new(ErrorCode::Internal)
    })
}

pub fn auth_settings() -> AuthSettings {
    use_context::<AuthSettings>().unwrap_or_default()
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer");
        AppError::new(ErrorCode::Internal)
    })
}

/// The pool and the logged-in user, or `unauthenticated`. Who may do what is the services' to
/// say, not the door's.
pub async fn authenticated() -> Result<(PgPool, CurrentUser), AppError> {
    let pool = pool()?;
    let session = session().await?;
    let user = service::authenticated(&pool, &session).await?;
    Ok((pool, user))
}

/// The frame of a server function for a logged-in user: authenticate, run `body` (which calls
/// the feature's service, where the role and resource rules are checked) and [`answer`] its error.
pub async fn call<T, F, Fut>(back_to: Option<&str>, body: F) -> Result<T, AppError>
where
    F: FnOnce(PgPool, CurrentUser) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    answer(back_to, async {
        let (pool, user) = authenticated().await?;
        body(pool, user).await
    })
    .await
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn client_ip(proxies: Option<usize>) -> Option<String> {
    let parts = parts()?;
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    service::client_ip(&parts.headers, peer, proxies)
}

/// A plain HTML form post (before hydration, or without JavaScript) rather than a fetch.
pub fn is_form_post() -> bool {
    parts()
        .and_then(|p| p.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// Runs a server function's body and answers its error: with the code's HTTP status, or, for a
/// plain form post, by sending the browser back to `back_to` with `?error=<code>` so the page can
/// show the translated message before hydration.
pub async fn answer<T>(
    back_to: Option<&str>,
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        if is_form_post() {
            if let Some(path) = back_to {
                leptos_axum::redirect(&format!("{path}?error={}", error.code.as_str()));
            }
        } else if let Some(options) = use_context::<ResponseOptions>() {
            options.set_status(
                http::StatusCode::from_u16(error.code.http_status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

/// Remembers the UI locale in the cookie leptos_i18n reads (not HttpOnly: the switcher updates it).
pub fn set_locale_cookie(locale: UiLocale) {
    let cookie = format!("{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.tag());
    if let (Some(options), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        options.append_header(SET_COOKIE, value);
    }
}
