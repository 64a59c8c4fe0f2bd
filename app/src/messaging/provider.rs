//! The providers messages leave through. Each send carries our message id as the client
//! reference, so a send cut off by a crash can be looked up instead of sent again.
//!
//! `mock` (the default for development) is a product feature: it stores what it would send,
//! answers lookups, prices each part like an Algerian aggregator and reports delivery (or failure
//! for numbers ending in 0000) after a delay, through the same status path as real callbacks.
use std::time::Duration;

use sqlx::PgPool;

use super::db::{self, Claimed};
use super::domain::SendFailure;
use super::MessageStatus;

/// The mock's price per part, in centimes of DZD (GSM-7, UCS-2).
const MOCK_PRICE: (i64, i64) = (550, 750);

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
    /// The provider's price for all parts, when it gives one.
    pub cost_centimes: Option<i64>,
}

impl Provider {
    /// The name stored on messages and used in callback paths.
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Mock { .. } => "mock",
        }
    }

    /// Sends one message; our id is the client reference.
    pub async fn send(&self, pool: &PgPool, message: &Claimed) -> Result<Accepted, SendFailure> {
        match self {
            Provider::Mock { delivery_delay, latency } => {
                let provider_ref = format!("mock-{}", message.id);
                let mut conn = pool.acquire().await.map_err(|e| SendFailure::Transient(e.to_string()))?;
                let provider_ref = db::insert_mock_send(
                    &mut conn,
                    &message.id.to_string(),
                    &provider_ref,
                    &message.recipient,
                    &message.body,
                    message.segments,
                )
                .await
                .map_err(|e| SendFailure::Transient(e.to_string()))?;
                let per_part = if message.encoding == "UCS-2" { MOCK_PRICE.1 } else { MOCK_PRICE.0 };
                let outcome =
                    if message.recipient.ends_with("0000") { MessageStatus::Failed } else { MessageStatus::Delivered };
                report_later(pool.clone(), *delivery_delay, provider_ref.clone(), outcome);
                if !latency.is_zero() {
                    tokio::time::sleep(*latency).await;
                }
                Ok(Accepted { provider_ref, cost_centimes: Some(per_part * i64::from(message.segments.max(1))) })
            }
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
        }
    }
}

/// The mock's delivery report, as a provider's callback would bring it.
fn report_later(pool: PgPool, delay: Duration, provider_ref: String, outcome: MessageStatus) {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let raw = serde_json::json!({"ref": provider_ref, "status": outcome.as_str()});
        let key = format!("{provider_ref}:{}", outcome.as_str());
        if let Err(error) = super::service::apply_report(&pool, "mock", &key, &provider_ref, outcome, None, &raw).await
        {
            tracing::warn!(%provider_ref, code = error.code.as_str(), "mock delivery report not applied");
        }
    });
}
