//! The providers messages leave through. Each send carries our message id as the client
//! reference, so a send cut off by a crash can be looked up instead of sent again (where the
//! provider can be asked: the mock and Infobip; Twilio and Vonage cannot, so such a send becomes
//! `unknown` for a supervisor).
//!
//! `mock` (the default for development) is a product feature: it stores what it would send,
//! answers lookups, prices each part like an Algerian aggregator and reports delivery (or failure
//! for numbers ending in 0000) after a delay, through the same status path as real callbacks.
//!
//! Each real provider is a file of its own: how a send is asked and answered, how a callback's
//! signature is checked and what it reports. What the HTTP layer hands over is a [`Callback`];
//! what comes back are [`Report`]s, applied by the service.
pub mod email;
pub mod infobip;
pub mod twilio;
pub mod vonage;
pub mod whatsapp;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use super::db::{self, Claimed};
use super::domain::SendFailure;
use super::MessageStatus;

/// The mock's price per part, in centimes of DZD (GSM-7, UCS-2).
const MOCK_PRICE: (i64, i64) = (550, 750);

/// How long a provider has to answer a send before it counts as a (transient) timeout.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Which provider, and what it needs.
#[derive(Clone, Debug)]
pub enum Provider {
    Mock {
        /// How long after a send the delivery report comes.
        delivery_delay: Duration,
        /// How long the mock takes to answer a send it has already taken (a slow provider: the
        /// window in which a crash leaves a sent message unacknowledged).
        latency: Duration,
    },
    Twilio(twilio::Twilio),
    Vonage(vonage::Vonage),
    Infobip(infobip::Infobip),
}

impl Default for Provider {
    fn default() -> Self {
        Provider::Mock { delivery_delay: Duration::from_secs(3), latency: Duration::ZERO }
    }
}

/// A send the provider took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub provider_ref: String,
    /// The provider's price for all parts in centimes of DZD, when it gives one in DZD.
    pub cost_centimes: Option<i64>,
}

/// A message as a provider is asked to send it.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    /// Ours, sent as the client reference.
    pub id: i64,
    /// E.164 with its `+`.
    pub to: &'a str,
    pub body: &'a str,
    pub ucs2: bool,
    pub segments: i32,
    pub sender_id: Option<&'a str>,
}

impl<'a> Outgoing<'a> {
    pub(crate) fn of(message: &'a Claimed, sender_id: Option<&'a str>) -> Self {
        Outgoing {
            id: message.id,
            to: &message.recipient,
            body: &message.body,
            ucs2: message.encoding == "UCS-2",
            segments: message.segments,
            sender_id,
        }
    }
}

/// A delivery report as the provider posted it, with what is needed to check its signature.
#[derive(Clone, Copy, Debug)]
pub struct Callback<'a> {
    /// The public URL the provider called, query included (what Twilio signs).
    pub url: &'a str,
    pub headers: &'a http::HeaderMap,
    /// The query string (Vonage may report by GET).
    pub query: &'a str,
    pub body: &'a [u8],
}

/// Which message a report is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The provider's reference, as it answered the send.
    ProviderRef(String),
    /// Our id, echoed back as the client reference.
    Ours(i64),
}

/// One status a provider reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The provider's identity of this event: a repeated callback is stored and applied once.
    pub dedup_key: String,
    pub target: Target,
    pub status: MessageStatus,
    pub error: Option<String>,
    /// Set when the provider reports each part on its own (Vonage): the message is delivered
    /// once every part is.
    pub part: Option<String>,
    /// The provider's price for the whole message in centimes of DZD, when the report gives one.
    pub cost_centimes: Option<i64>,
    /// The event as received.
    pub raw: serde_json::Value,
}

/// Why a callback was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackError {
    /// The signature (or secret) does not match: 401, nothing stored.
    Forged,
    /// Signed, but not something we can read: stored raw, answered 400.
    Unreadable(String),
}

/// An instance's pace towards its provider (`SMS_RATE_PER_SECOND`): every send waits its turn.
#[derive(Clone)]
pub struct RateLimit(Arc<governor::DefaultDirectRateLimiter>);

impl RateLimit {
    pub fn per_second(n: NonZeroU32) -> Self {
        Self(Arc::new(governor::RateLimiter::direct(governor::Quota::per_second(n))))
    }

    pub async fn ready(&self) {
        self.0.until_ready().await;
    }
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimit")
    }
}

/// A credential: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The HTTP client the real providers share: rustls, a timeout on every call.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(HTTP_TIMEOUT).connect_timeout(Duration::from_secs(5)).build().unwrap_or_default()
}

/// A transport failure: no connection means nothing was sent (worth another try); a failure
/// after the request went out (a timeout waiting for the answer) may have sent it.
fn transport(error: reqwest::Error) -> SendFailure {
    if error.is_connect() {
        SendFailure::Transient(format!("provider unreachable: {error}"))
    } else {
        SendFailure::Ambiguous(format!("no answer from the provider: {error}"))
    }
}

/// A success answer we cannot read: the provider took the message, but we do not know as what.
fn unreadable(provider: &str, error: impl std::fmt::Display) -> SendFailure {
    SendFailure::Ambiguous(format!("unreadable {provider} answer: {error}"))
}

/// Sends a request to a provider and reads its answer whole: no answer (a timeout, a refused
/// connection) is a transient failure.
async fn exchange(request: reqwest::RequestBuilder) -> Result<(reqwest::StatusCode, String), SendFailure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let text =
        response
            .text()
            .await
            .map_err(|e| if status.is_success() { unreadable("provider", e) } else { transport(e) })?;
    Ok((status, text))
}

/// How an HTTP status with no more specific code is taken: 429, 5xx and a refused login
/// (a configuration being fixed) are retried; any other answer is final.
fn by_status(status: reqwest::StatusCode, what: String) -> SendFailure {
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
        || status == reqwest::StatusCode::UNAUTHORIZED
        || status == reqwest::StatusCode::FORBIDDEN
    {
        SendFailure::Transient(format!("{status}: {what}"))
    } else {
        SendFailure::Permanent(format!("{status}: {what}"))
    }
}

/// A price in `currency` as centimes of DZD: only a price in DZD is taken (a price in another
/// currency leaves the configured tariff in place).
fn dzd_centimes(price: f64, currency: &str) -> Option<i64> {
    (currency.eq_ignore_ascii_case("DZD") && price.is_finite()).then(|| (price.abs() * 100.0).round() as i64)
}

impl Provider {
    /// The name stored on messages and used in callback paths.
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Mock { .. } => "mock",
            Provider::Twilio(_) => "twilio",
            Provider::Vonage(_) => "vonage",
            Provider::Infobip(_) => "infobip",
        }
    }

    /// Sends one message; our id is the client reference.
    pub async fn send(
        &self,
        pool: &PgPool,
        message: &Claimed,
        sender_id: Option<&str>,
    ) -> Result<Accepted, SendFailure> {
        let outgoing = Outgoing::of(message, sender_id);
        match self {
            Provider::Mock { delivery_delay, latency } => mock_send(pool, &outgoing, *delivery_delay, *latency).await,
            Provider::Twilio(twilio) => twilio.send(&outgoing).await,
            Provider::Vonage(vonage) => vonage.send(&outgoing).await,
            Provider::Infobip(infobip) => infobip.send(&outgoing).await,
        }
    }

    /// What the provider knows of our message `id`: Some when it took it, None when it never
    /// got it (so sending is safe). An error when it cannot say.
    pub async fn lookup(&self, pool: &PgPool, id: i64) -> Result<Option<Accepted>, SendFailure> {
        match self {
            Provider::Mock { .. } => {
                let mut conn = pool.acquire().await.map_err(|e| SendFailure::Transient(e.to_string()))?;
                let found = db::find_mock_send(&mut conn, &id.to_string())
                    .await
                    .map_err(|e| SendFailure::Transient(e.to_string()))?;
                Ok(found.map(|provider_ref| Accepted { provider_ref, cost_centimes: None }))
            }
            Provider::Infobip(infobip) => infobip.lookup(id).await,
            Provider::Twilio(_) | Provider::Vonage(_) => {
                Err(SendFailure::Transient("the provider has no lookup by our reference".into()))
            }
        }
    }

    /// Whether sending a message again is the same message to the provider (it keys on our id),
    /// so an ambiguous send may simply be retried.
    pub fn resend_is_idempotent(&self) -> bool {
        matches!(self, Provider::Mock { .. } | Provider::Infobip(_))
    }

    /// Checks a callback's signature and reads its reports. The mock reports from inside.
    pub fn reports(&self, callback: &Callback<'_>) -> Result<Vec<Report>, CallbackError> {
        match self {
            Provider::Mock { .. } => Err(CallbackError::Forged),
            Provider::Twilio(twilio) => twilio.reports(callback),
            Provider::Vonage(vonage) => vonage.reports(callback),
            Provider::Infobip(infobip) => infobip.reports(callback),
        }
    }
}

async fn mock_send(
    pool: &PgPool,
    message: &Outgoing<'_>,
    delivery_delay: Duration,
    latency: Duration,
) -> Result<Accepted, SendFailure> {
    let provider_ref = format!("mock-{}", message.id);
    let mut conn = pool.acquire().await.map_err(|e| SendFailure::Transient(e.to_string()))?;
    let provider_ref = db::insert_mock_send(
        &mut conn,
        &message.id.to_string(),
        &provider_ref,
        message.to,
        message.body,
        message.segments,
    )
    .await
    .map_err(|e| SendFailure::Transient(e.to_string()))?;
    drop(conn);
    let per_part = if message.ucs2 { MOCK_PRICE.1 } else { MOCK_PRICE.0 };
    let outcome = if message.to.ends_with("0000") { MessageStatus::Failed } else { MessageStatus::Delivered };
    report_later(pool.clone(), delivery_delay, provider_ref.clone(), outcome);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    Ok(Accepted { provider_ref, cost_centimes: Some(per_part * i64::from(message.segments.max(1))) })
}

/// The mock's delivery report, as a provider's callback would bring it.
fn report_later(pool: PgPool, delay: Duration, provider_ref: String, outcome: MessageStatus) {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let report = Report {
            dedup_key: format!("{provider_ref}:{}", outcome.as_str()),
            target: Target::ProviderRef(provider_ref.clone()),
            status: outcome,
            error: None,
            part: None,
            cost_centimes: None,
            raw: serde_json::json!({"ref": provider_ref, "status": outcome.as_str()}),
        };
        if let Err(error) = super::service::apply_report(&pool, "mock", &report).await {
            tracing::warn!(%provider_ref, code = error.code.as_str(), "mock delivery report not applied");
        }
    });
}

/// Constant-time comparison of a received signature with the expected one.
fn same(expected: &[u8], received: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == received.len() && bool::from(expected.ct_eq(received))
}

/// Form or query parameters as name/value pairs, decoded.
fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}
