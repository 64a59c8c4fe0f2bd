//! What every browser-facing response and request goes through, below the routes:
//! - **cross-site requests refused**: a state-changing request (not GET, HEAD, OPTIONS) that
//!   carries our session cookie must come from this site: its `Origin` names this host (or one of
//!   `ALLOWED_ORIGINS`), or, without `Origin`, its `Sec-Fetch-Site` is same-origin. Otherwise
//!   `403 origin_forbidden`. SameSite=Lax alone let a sibling subdomain of the shop post with the
//!   agent's session; requests with a bearer token carry no ambient credential and pass, as do
//!   clients that send neither header (scripts, not browsers);
//! - **security headers** on every response: a content security policy (this origin only, no
//!   plug-ins, no framing, forms post here only), `nosniff`, a same-origin referrer, no framing,
//!   and HSTS when the cookies are secure (`COOKIE_SECURE`, served over HTTPS).
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::{AppError, ErrorCode};

/// The policy one router applies.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Send `Strict-Transport-Security` (the site is served over HTTPS).
    pub hsts: bool,
    /// More origins allowed to post with a session (`scheme://host[:port]`, lower case), e.g. the
    /// public address when a proxy rewrites `Host`.
    pub allowed_origins: Vec<String>,
    /// Take the host from `X-Forwarded-Host` (set by the trusted proxy) before `Host`.
    pub trust_proxy: bool,
}

/// The content security policy of every page. Scripts: this origin, the WebAssembly it compiles,
/// and the inline hydration script Leptos writes into each page (a per-request nonce would let
/// that go; see the README).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn guard(State(policy): State<Arc<Policy>>, request: Request<Body>, next: Next) -> Response {
    let refused = cross_site(request.method(), request.headers(), &policy);
    let mut response = if refused {
        tracing::warn!(method = %request.method(), uri = %request.uri(), "cross-site request with a session refused");
        AppError::new(ErrorCode::OriginForbidden).into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    if policy.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    response
}

/// Whether a request rides on the session cookie from another site.
fn cross_site(method: &Method, headers: &HeaderMap, policy: &Policy) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) || !has_session(headers) {
        return false;
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_ascii_lowercase());
    match text("origin") {
        Some(origin) => {
            if policy.allowed_origins.contains(&origin) {
                return false;
            }
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            let host = policy.trust_proxy.then(|| text("x-forwarded-host")).flatten().or_else(|| text("host"));
            let host = host.as_deref().and_then(|h| h.split(',').next()).map(str::trim);
            authority.is_none() || authority != host
        }
        // no Origin: a browser still says where the request comes from in its fetch metadata
        None => text("sec-fetch-site").is_some_and(|site| site != "same-origin" && site != "none"),
    }
}

fn has_session(headers: &HeaderMap) -> bool {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|cookies| {
        cookies
            .split(';')
            .any(|c| c.trim_start().split_once('=').is_some_and(|(name, _)| name == app::auth::SESSION_COOKIE))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_a_state_change_riding_on_the_session_from_elsewhere_is_cross_site() {
        let policy = Policy { allowed_origins: vec!["https://cs.shop.dz".into()], ..Policy::default() };
        let session = format!("{}=abc", app::auth::SESSION_COOKIE);
        let session: &'static str = Box::leak(session.into_boxed_str());
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = vec![("host", "127.0.0.1:3000"), ("cookie", session)];
            pairs.extend_from_slice(extra);
            headers(&pairs)
        };
        let post = Method::POST;
        assert!(cross_site(&post, &with(&[("origin", "https://evil.example")]), &policy));
        assert!(cross_site(&post, &with(&[("origin", "https://shop.dz.evil.example")]), &policy));
        assert!(cross_site(&post, &with(&[("origin", "null")]), &policy));
        assert!(cross_site(&post, &with(&[("sec-fetch-site", "same-site")]), &policy), "a sibling subdomain");
        assert!(cross_site(&post, &with(&[("sec-fetch-site", "cross-site")]), &policy));
        assert!(!cross_site(&post, &with(&[("origin", "http://127.0.0.1:3000")]), &policy));
        assert!(!cross_site(&post, &with(&[("origin", "HTTP://127.0.0.1:3000")]), &policy));
        assert!(!cross_site(&post, &with(&[("origin", "https://cs.shop.dz")]), &policy), "allowed");
        assert!(!cross_site(&post, &with(&[("sec-fetch-site", "same-origin")]), &policy));
        assert!(!cross_site(&post, &with(&[]), &policy), "a script sends neither header");
        assert!(!cross_site(&Method::GET, &with(&[("origin", "https://evil.example")]), &policy));
        let no_cookie = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!cross_site(&post, &no_cookie, &policy), "a token carries no ambient credential");
        let other_cookie = headers(&[("host", "h"), ("cookie", "theme=dark"), ("origin", "https://evil.example")]);
        assert!(!cross_site(&post, &other_cookie, &policy));
        // behind the trusted proxy the public host is the forwarded one
        let proxied = Policy { trust_proxy: true, ..Policy::default() };
        let h = with(&[("x-forwarded-host", "cs.shop.dz"), ("origin", "https://cs.shop.dz")]);
        assert!(!cross_site(&post, &h, &proxied));
        assert!(cross_site(&post, &h, &Policy::default()), "not trusted: Host decides");
    }
}
