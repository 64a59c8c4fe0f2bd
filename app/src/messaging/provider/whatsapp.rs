//! WhatsApp Cloud API: a message goes as the shop's approved template (`WHATSAPP_TEMPLATE`),
//! whose one body variable is our rendered text and whose three quick-reply buttons (Confirm,
//! Cancel, Reschedule) carry our message id, so a tap comes back to the right order. Sends are
//! a JSON POST with a bearer token; status webhooks (sent, delivered, read, failed, in any order)
//! and replies arrive signed with `X-Hub-Signature-256` (`sha256=` and the hex HMAC-SHA256 of the
//! raw body, keyed with the app secret). Meta checks the webhook once with a GET that must echo
//! `hub.challenge` when `hub.verify_token` is ours.
//!
//! WhatsApp keeps no lookup by our reference, so an interrupted send becomes `unknown`.
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

use super::{
    by_status, exchange, same, unreadable, Accepted, Callback, CallbackError, Outgoing, Report, Secret, Target,
};
use crate::locale::UiLocale;
use crate::messaging::domain::SendFailure;
use crate::messaging::MessageStatus;

/// Meta's throttling codes (answered with HTTP 400): retried after the back-off.
const THROTTLED: &[i64] = &[4, 80007, 130429, 131048, 131056];

/// Meta's error codes no retry will mend: not a WhatsApp user or undeliverable, a template or
/// parameter the account does not have, a recipient who blocked the business, a number that is
/// not valid. Rate limits (130429, 131056) and 5xx are retried.
const PERMANENT: &[i64] = &[131026, 131047, 131051, 132000, 132001, 132005, 132007, 132012, 131008, 131009, 100];

/// The buttons of the template, in order, and what a tap on each means.
pub const BUTTONS: [Reply; 3] = [Reply::Confirm, Reply::Cancel, Reply::Reschedule];

/// What a customer answered with a quick-reply button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Confirm,
    Cancel,
    Reschedule,
}

impl Reply {
    pub fn as_str(self) -> &'static str {
        match self {
            Reply::Confirm => "confirm",
            Reply::Cancel => "cancel",
            Reply::Reschedule => "reschedule",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        BUTTONS.into_iter().find(|r| r.as_str() == text)
    }
}

/// A button tap: which of our messages it answers, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ButtonReply {
    /// WhatsApp's id of the reply (a repeated webhook carries the same).
    pub reply_id: String,
    pub message_id: i64,
    pub reply: Reply,
    pub raw: Value,
}

#[derive(Clone, Debug)]
pub struct WhatsApp {
    pub token: Secret,
    pub phone_number_id: String,
    pub app_secret: Secret,
    pub verify_token: Secret,
    /// `https://graph.facebook.com/v21.0`, or a local fake in tests.
    pub base_url: String,
    /// The approved template: one body variable and the three quick-reply buttons.
    pub template: String,
    /// What a message costs the shop, in centimes of DZD (Meta bills conversations, not parts).
    pub price_centimes: i64,
    pub client: reqwest::Client,
}

/// Meta's language code of a template in our language (Algerian Arabic goes as Arabic).
fn language_code(language: UiLocale) -> &'static str {
    match language {
        UiLocale::Fr => "fr",
        UiLocale::Ar | UiLocale::ArDz => "ar",
    }
}

impl WhatsApp {
    /// Sends a claimed message of the WhatsApp channel.
    pub async fn send_claimed(&self, message: &crate::messaging::db::Claimed) -> Result<Accepted, SendFailure> {
        self.send(&Outgoing::of(message, None), message.language).await
    }

    async fn send(&self, message: &Outgoing<'_>, language: UiLocale) -> Result<Accepted, SendFailure> {
        let buttons: Vec<Value> = BUTTONS
            .iter()
            .enumerate()
            .map(|(index, reply)| {
                json!({"type": "button", "sub_type": "quick_reply", "index": index.to_string(),
                       "parameters": [{"type": "payload", "payload": format!("{}:{}", reply.as_str(), message.id)}]})
            })
            .collect();
        let text = template_variable(message.body);
        let mut components = vec![json!({"type": "body", "parameters": [{"type": "text", "text": text}]})];
        components.extend(buttons);
        let body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.trim_start_matches('+'),
            "type": "template",
            "biz_opaque_callback_data": message.id.to_string(),
            "template": {"name": self.template, "language": {"code": language_code(language)}, "components": components},
        });
        let (status, text) = exchange(
            self.client
                .post(format!("{}/{}/messages", self.base_url, self.phone_number_id))
                .bearer_auth(&self.token.0)
                .json(&body),
        )
        .await?;
        let answer: Value = serde_json::from_str(&text).unwrap_or_default();
        if status.is_success() {
            let id = answer["messages"][0]["id"].as_str().ok_or_else(|| unreadable("WhatsApp", "no message id"))?;
            return Ok(Accepted { provider_ref: id.to_string(), cost_centimes: Some(self.price_centimes) });
        }
        let code = answer["error"]["code"].as_i64();
        let what =
            format!("whatsapp {}: {}", code.unwrap_or_default(), answer["error"]["message"].as_str().unwrap_or(&text));
        Err(match code {
            Some(code) if THROTTLED.contains(&code) => SendFailure::Transient(what),
            Some(code) if PERMANENT.contains(&code) => SendFailure::Permanent(what),
            _ => by_status(status, what),
        })
    }

    fn check(&self, callback: &Callback<'_>) -> Result<Value, CallbackError> {
        let received = callback.headers.get("x-hub-signature-256").map(|v| v.as_bytes()).unwrap_or_default();
        let expected = format!("sha256={}", signature(&self.app_secret.0, callback.body));
        if !same(expected.as_bytes(), received) {
            return Err(CallbackError::Forged);
        }
        serde_json::from_slice(callback.body).map_err(|e| CallbackError::Unreadable(e.to_string()))
    }

    pub fn reports(&self, callback: &Callback<'_>) -> Result<(Vec<Report>, Vec<ButtonReply>), CallbackError> {
        let body = self.check(callback)?;
        parse_webhook(&body)
    }

    /// Meta's subscription check: the challenge to echo when the verify token is ours.
    pub fn challenge(&self, query: &str) -> Option<String> {
        let pairs = super::form_pairs(query.as_bytes());
        let get = |k: &str| pairs.iter().find(|(name, _)| name == k).map(|(_, v)| v.as_str());
        let token = get("hub.verify_token").unwrap_or_default();
        (get("hub.mode") == Some("subscribe") && same(self.verify_token.0.as_bytes(), token.as_bytes()))
            .then(|| get("hub.challenge").unwrap_or_default().to_string())
    }
}

/// A text as Meta takes it in a template variable: no line breaks or tabs, and no run of more
/// than three spaces.
fn template_variable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut spaces = 0;
    for c in text.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }) {
        spaces = if c == ' ' { spaces + 1 } else { 0 };
        if spaces <= 3 {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// The statuses and button replies of one webhook body.
pub fn parse_webhook(body: &Value) -> Result<(Vec<Report>, Vec<ButtonReply>), CallbackError> {
    let entries = body["entry"].as_array().ok_or(CallbackError::Unreadable("no entry".into()))?;
    let (mut reports, mut replies) = (Vec::new(), Vec::new());
    for change in entries.iter().flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default()) {
        let value = &change["value"];
        for s in value["statuses"].as_array().cloned().unwrap_or_default() {
            let id = s["id"].as_str().ok_or(CallbackError::Unreadable("a status without id".into()))?;
            let reported = s["status"].as_str().unwrap_or_default();
            let status = match reported {
                "sent" => MessageStatus::Sent,
                "delivered" | "read" => MessageStatus::Delivered,
                "failed" => MessageStatus::Failed,
                other => {
                    // A status Meta added since: the rest of the webhook still counts.
                    tracing::warn!(status = other, "WhatsApp status not understood, skipped");
                    continue;
                }
            };
            let error = s["errors"][0]["code"]
                .as_i64()
                .map(|code| format!("whatsapp {code}: {}", s["errors"][0]["title"].as_str().unwrap_or_default()));
            reports.push(Report {
                dedup_key: format!("{id}:{reported}"),
                target: Target::ProviderRef(id.to_string()),
                status,
                error,
                part: None,
                cost_centimes: None,
                raw: s.clone(),
            });
        }
        for m in value["messages"].as_array().cloned().unwrap_or_default() {
            let payload = m["button"]["payload"].as_str().or(m["interactive"]["button_reply"]["id"].as_str());
            let Some((action, id)) = payload.and_then(|p| p.split_once(':')) else {
                continue; // a text or a tap we did not ask for: not ours to read
            };
            let (Some(reply), Ok(message_id)) = (Reply::parse(action), id.parse::<i64>()) else {
                continue;
            };
            let reply_id = m["id"].as_str().unwrap_or_default().to_string();
            replies.push(ButtonReply { reply_id, message_id, reply, raw: m.clone() });
        }
    }
    Ok((reports, replies))
}

/// The hex HMAC-SHA256 of a webhook body (what follows `sha256=` in `X-Hub-Signature-256`).
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(app_secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_an_independent_implementation() {
        // Computed with Python's hmac and hashlib over the same bytes.
        assert_eq!(
            signature("app-secret", br#"{"object":"whatsapp_business_account"}"#),
            "0bf7374433906636bed1653bc7c64affb42fa5da9a39e251ab95c2e3a9c06923"
        );
    }

    #[test]
    fn statuses_in_any_order_and_a_button_tap_are_read() {
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "statuses": [
                {"id": "wamid.A", "status": "read", "timestamp": "1764669700", "recipient_id": "213555123456"},
                {"id": "wamid.A", "status": "sent", "timestamp": "1764669600", "recipient_id": "213555123456"},
                {"id": "wamid.B", "status": "failed", "recipient_id": "213661000000",
                 "errors": [{"code": 131026, "title": "Message undeliverable"}]}],
            "messages": [
                {"from": "213555123456", "id": "wamid.IN1", "type": "button", "context": {"id": "wamid.A"},
                 "button": {"payload": "confirm:42", "text": "Confirmer"}},
                {"from": "213555123456", "id": "wamid.IN2", "type": "text", "text": {"body": "merci"}}]}}]}]});
        let (reports, replies) = parse_webhook(&body).unwrap();
        assert_eq!(reports.len(), 3);
        assert_eq!(reports[0].status, MessageStatus::Delivered, "read counts as delivered");
        assert_eq!(reports[0].dedup_key, "wamid.A:read");
        assert_eq!(reports[1].status, MessageStatus::Sent);
        assert_eq!(reports[2].error.as_deref(), Some("whatsapp 131026: Message undeliverable"));
        assert_eq!(replies.len(), 1, "a plain text is not a button tap");
        assert_eq!((replies[0].message_id, replies[0].reply), (42, Reply::Confirm));
    }

    #[test]
    fn a_template_variable_has_no_line_breaks_nor_long_runs_of_spaces() {
        assert_eq!(template_variable("Bonjour\nYacine,\t\tmerci      !  "), "Bonjour Yacine,  merci   !");
    }

    #[test]
    fn a_body_without_entries_is_unreadable() {
        assert!(matches!(parse_webhook(&json!({"object": "x"})), Err(CallbackError::Unreadable(_))));
    }
}
