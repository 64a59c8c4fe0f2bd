//! Twilio Programmable Messaging: a form POST with Basic auth per message; status callbacks
//! signed with `X-Twilio-Signature` (base64 of HMAC-SHA1, keyed with the auth token, over the
//! public URL followed by every POST parameter's name and value, sorted by name).
//!
//! Twilio keeps no client reference, so an interrupted send cannot be looked up: it becomes
//! `unknown`. Its price comes in USD, so the configured tariff prices its messages.
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;

use super::{
    by_status, exchange, form_pairs, same, unreadable, Accepted, Callback, CallbackError, Outgoing, Report, Secret,
    Target,
};
use crate::messaging::domain::SendFailure;
use crate::messaging::MessageStatus;

/// Twilio's error codes that no retry will mend: invalid or unroutable number, a landline, a
/// customer who replied STOP, a region the account may not text, a sender not allowed.
const PERMANENT: &[i64] = &[21211, 21212, 21408, 21421, 21606, 21610, 21612, 21614, 21635, 21659, 30003, 30005, 30006];

#[derive(Clone, Debug)]
pub struct Twilio {
    pub account_sid: String,
    pub auth_token: Secret,
    /// `https://api.twilio.com`, or a local fake in tests.
    pub base_url: String,
    /// Where Twilio posts status callbacks (our public URL), when delivery is tracked.
    pub callback_url: Option<String>,
    pub client: reqwest::Client,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    error_code: Option<i64>,
    #[serde(default)]
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct Refused {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: String,
}

impl Twilio {
    pub(super) async fn send(&self, message: &Outgoing<'_>) -> Result<Accepted, SendFailure> {
        let url = format!("{}/2010-04-01/Accounts/{}/Messages.json", self.base_url, self.account_sid);
        let from = message.sender_id.unwrap_or_default();
        let mut form = vec![("To", message.to), ("From", from), ("Body", message.body)];
        if let Some(callback) = &self.callback_url {
            form.push(("StatusCallback", callback));
        }
        let (status, text) =
            exchange(self.client.post(url).basic_auth(&self.account_sid, Some(&self.auth_token.0)).form(&form)).await?;
        if status.is_success() {
            let created: Created = serde_json::from_str(&text).map_err(|e| unreadable("Twilio", e))?;
            if created.status == "failed" {
                return Err(refusal(status, created.error_code, created.error_message.unwrap_or_default()));
            }
            return Ok(Accepted { provider_ref: created.sid, cost_centimes: None });
        }
        let refused: Refused = serde_json::from_str(&text).unwrap_or(Refused { code: None, message: text });
        Err(refusal(status, refused.code, refused.message))
    }

    pub(super) fn reports(&self, callback: &Callback<'_>) -> Result<Vec<Report>, CallbackError> {
        let received = callback.headers.get("x-twilio-signature").map(|v| v.as_bytes()).unwrap_or_default();
        let params = form_pairs(callback.body);
        let expected = signature(&self.auth_token.0, callback.url, &params);
        if !same(expected.as_bytes(), received) {
            return Err(CallbackError::Forged);
        }
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let sid = get("MessageSid").or(get("SmsSid")).ok_or(CallbackError::Unreadable("no MessageSid".into()))?;
        let reported = get("MessageStatus").or(get("SmsStatus")).unwrap_or_default();
        let status = match reported {
            "accepted" | "scheduled" | "queued" | "sending" | "sent" => MessageStatus::Sent,
            "delivered" | "read" => MessageStatus::Delivered,
            "undelivered" => MessageStatus::Undelivered,
            "failed" | "canceled" => MessageStatus::Failed,
            other => return Err(CallbackError::Unreadable(format!("unknown MessageStatus {other:?}"))),
        };
        let error = get("ErrorCode").filter(|c| !c.is_empty() && *c != "0").map(|c| format!("twilio {c}"));
        let raw = serde_json::Value::Object(params.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect());
        Ok(vec![Report {
            dedup_key: format!("{sid}:{reported}"),
            target: Target::ProviderRef(sid.to_string()),
            status,
            error,
            part: None,
            cost_centimes: None,
            raw,
        }])
    }
}

/// How a refusal is taken: Twilio's permanent codes are final; otherwise the HTTP status says.
fn refusal(status: reqwest::StatusCode, code: Option<i64>, message: String) -> SendFailure {
    let what = match code {
        Some(code) => format!("twilio {code}: {message}"),
        None => message,
    };
    match code {
        Some(code) if PERMANENT.contains(&code) => SendFailure::Permanent(what),
        Some(20429) | Some(30001) => SendFailure::Transient(what),
        _ => by_status(status, what),
    }
}

/// `X-Twilio-Signature` of a POST to `url` with `params`.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_signature_matches_an_independent_implementation() {
        // Twilio's documented example inputs; the expected value was computed with Python's
        // hmac and base64 modules over the same string (URL, then sorted names and values).
        let params = pairs(&[
            ("To", "+18005551212"),
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
        ]);
        assert_eq!(
            signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }

    #[test]
    fn the_signature_depends_on_the_token_the_url_and_every_value() {
        let a = pairs(&[("MessageSid", "SM1"), ("MessageStatus", "sent")]);
        let b = pairs(&[("MessageSid", "SM1"), ("MessageStatus", "delivered")]);
        assert_ne!(signature("t", "https://x/cb", &a), signature("u", "https://x/cb", &a));
        assert_ne!(signature("t", "https://x/cb", &a), signature("t", "https://y/cb", &a));
        assert_ne!(signature("t", "https://x/cb", &a), signature("t", "https://x/cb", &b));
    }

    #[test]
    fn permanent_codes_are_not_retried_and_throttling_is() {
        let bad = reqwest::StatusCode::BAD_REQUEST;
        assert!(matches!(refusal(bad, Some(21614), "landline".into()), SendFailure::Permanent(_)));
        assert!(matches!(refusal(bad, Some(21610), "STOP".into()), SendFailure::Permanent(_)));
        assert!(matches!(
            refusal(reqwest::StatusCode::TOO_MANY_REQUESTS, Some(20429), "slow down".into()),
            SendFailure::Transient(_)
        ));
        assert!(matches!(refusal(reqwest::StatusCode::BAD_GATEWAY, None, "".into()), SendFailure::Transient(_)));
    }
}
