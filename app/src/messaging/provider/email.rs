//! E-mail over SMTP (lettre, async, a pool of connections): a plain-text message in UTF-8 from
//! the shop's address, its subject in the customer's language, and our message id in the
//! `Message-ID` header. An SMTP server says only that it took the message (`sent`); no delivery
//! report comes back, so an e-mail's last status is `sent` and the 72-hour sweep leaves it there.
//!
//! `SMTP_URL` says where and how: `smtp://host:25` (plain, for a local relay), `smtp://user:pass@
//! host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465` (TLS from the start).
//!
//! The replies are read as RFC 5321 says: 5xx is permanent (a mailbox that does not exist), 4xx
//! transient (greylisting, a full mailbox, a busy server). A refused login (530, 534, 535) is
//! retried, so messages wait while someone fixes the password. A connection lost mid-send is
//! retried too: the same `Message-ID` makes a second copy the same message to the mailbox.
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Accepted;
use crate::messaging::db::Claimed;
use crate::messaging::domain::SendFailure;

/// Login refusals: the shop's credentials, not the message, are wrong.
const LOGIN_REFUSED: [u16; 3] = [530, 534, 535];

#[derive(Clone)]
pub struct Smtp {
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The shop's sender, `Boutique <commandes@boutique.dz>`.
    pub from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the transport holds the password
        f.debug_struct("Smtp").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

/// Why an SMTP configuration cannot be used, naming the variable.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub why: String,
}

impl Smtp {
    /// The transport of `url` sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Self, ConfigError> {
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| ConfigError { variable: "SMTP_FROM", why: format!("not an e-mail address: {e}") })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ConfigError { variable: "SMTP_URL", why: e.to_string() })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Smtp { transport, from })
    }

    /// Our `Message-ID` of message `id`: unique per message, in the shop's domain.
    pub fn message_id(&self, id: i64) -> String {
        format!("<message-{id}@{}>", self.from.email.domain())
    }

    /// Sends a claimed message of the e-mail channel (its recipient is the address).
    pub async fn send_claimed(&self, message: &Claimed) -> Result<Accepted, SendFailure> {
        let to = message
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| SendFailure::Permanent(format!("not an e-mail address: {e}")))?;
        let message_id = self.message_id(message.id);
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_deref().unwrap_or_default())
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| SendFailure::Permanent(format!("the e-mail cannot be built: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(Accepted { provider_ref: message_id, cost_centimes: Some(0) }),
            Err(error) => Err(failure(&error)),
        }
    }
}

/// What a failed SMTP exchange means for the message.
fn failure(error: &lettre::transport::smtp::Error) -> SendFailure {
    let code = error.status().map(u16::from);
    let why = match code {
        Some(code) => format!("SMTP {code}: {error}"),
        None => format!("SMTP: {error}"),
    };
    match code {
        Some(code) if LOGIN_REFUSED.contains(&code) => SendFailure::Transient(why),
        _ if error.is_permanent() => SendFailure::Permanent(why),
        _ => SendFailure::Transient(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // the transport's pool starts its clean-up task on the runtime
    #[tokio::test]
    async fn the_configuration_names_what_is_wrong() {
        let bad_from = Smtp::new("smtp://127.0.0.1:2525", "not an address").unwrap_err();
        assert_eq!(bad_from.variable, "SMTP_FROM");
        let bad_url = Smtp::new("ftp://example.com", "Shop <orders@shop.dz>").unwrap_err();
        assert_eq!(bad_url.variable, "SMTP_URL");
        let smtp = Smtp::new("smtp://127.0.0.1:2525", "Boutique Lina <commandes@lina.dz>").unwrap();
        assert_eq!(smtp.message_id(42), "<message-42@lina.dz>");
    }
}
