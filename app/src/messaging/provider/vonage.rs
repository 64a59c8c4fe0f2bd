//! Vonage's SMS API: one form POST per message (`type=unicode` for UCS-2), answered with one
//! entry per part; our id goes as `client-ref` and comes back on every part's delivery receipt.
//! Receipts are signed (`sig`): the parameters but `sig`, sorted by name, each as
//! `&name=value` with `&` and `=` in values turned into `_`, then hashed with the signature
//! secret (`md5hash` appends the secret and takes MD5; the others are HMACs), in hex.
//!
//! Vonage keeps no lookup by client reference, so an interrupted send becomes `unknown`. Its
//! price comes in EUR, so the configured tariff prices its messages.
use hmac::{Hmac, Mac};
use serde::Deserialize;

use super::{
    by_status, exchange, form_pairs, same, unreadable, Accepted, Callback, CallbackError, Outgoing, Report, Secret,
    Target,
};
use crate::messaging::domain::SendFailure;
use crate::messaging::MessageStatus;

/// How receipts are signed (`VONAGE_SIGNATURE_METHOD`), as set on the Vonage account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureMethod {
    Md5Hash,
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl SignatureMethod {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "md5hash" => Self::Md5Hash,
            "md5" => Self::Md5,
            "sha1" => Self::Sha1,
            "sha256" => Self::Sha256,
            "sha512" => Self::Sha512,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Vonage {
    pub api_key: String,
    pub api_secret: Secret,
    pub signature_secret: Secret,
    pub signature_method: SignatureMethod,
    /// `https://rest.nexmo.com`, or a local fake in tests.
    pub base_url: String,
    /// Where Vonage posts delivery receipts (our public URL), when delivery is tracked.
    pub callback_url: Option<String>,
    pub client: reqwest::Client,
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default)]
    messages: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    status: String,
    #[serde(rename = "message-id", default)]
    message_id: Option<String>,
    #[serde(rename = "error-text", default)]
    error_text: Option<String>,
}

impl Vonage {
    pub(super) async fn send(&self, message: &Outgoing<'_>) -> Result<Accepted, SendFailure> {
        let id = message.id.to_string();
        let mut form = vec![
            ("api_key", self.api_key.as_str()),
            ("api_secret", self.api_secret.0.as_str()),
            ("from", message.sender_id.unwrap_or_default()),
            ("to", message.to.trim_start_matches('+')),
            ("text", message.body),
            ("type", if message.ucs2 { "unicode" } else { "text" }),
            ("client-ref", &id),
        ];
        if let Some(callback) = &self.callback_url {
            form.push(("callback", callback));
            form.push(("status-report-req", "1"));
        }
        let (status, text) = exchange(self.client.post(format!("{}/sms/json", self.base_url)).form(&form)).await?;
        if !status.is_success() {
            return Err(by_status(status, text.chars().take(200).collect()));
        }
        let sent: Sent = serde_json::from_str(&text).map_err(|e| unreadable("Vonage", e))?;
        // A part taken means the text (or some of it) is on its way: resending would double it.
        let taken = sent.messages.iter().any(|p| p.status == "0");
        if let Some(refused) = sent.messages.iter().find(|p| p.status != "0") {
            if !taken {
                return Err(refusal(&refused.status, refused.error_text.as_deref().unwrap_or_default()));
            }
            tracing::warn!(message = message.id, status = %refused.status, "Vonage took only some parts of a message");
        }
        let first = sent.messages.into_iter().find_map(|p| p.message_id);
        let provider_ref = first.ok_or_else(|| unreadable("Vonage", "no message-id"))?;
        Ok(Accepted { provider_ref, cost_centimes: None })
    }

    pub(super) fn reports(&self, callback: &Callback<'_>) -> Result<Vec<Report>, CallbackError> {
        let json = callback
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let params: Vec<(String, String)> = if json {
            // Nothing is unsigned-but-kept: a body we cannot read cannot carry a valid `sig`.
            let value: serde_json::Value = serde_json::from_slice(callback.body).map_err(|_| CallbackError::Forged)?;
            let object = value.as_object().ok_or(CallbackError::Forged)?;
            object
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                .collect()
        } else if callback.body.is_empty() {
            form_pairs(callback.query.as_bytes())
        } else {
            form_pairs(callback.body)
        };
        let received = params.iter().find(|(k, _)| k == "sig").map(|(_, v)| v.to_ascii_lowercase()).unwrap_or_default();
        let expected = signature(self.signature_method, &self.signature_secret.0, &params);
        if !same(expected.as_bytes(), received.as_bytes()) {
            return Err(CallbackError::Forged);
        }
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let part = get("messageId").ok_or(CallbackError::Unreadable("no messageId".into()))?;
        let reported = get("status").unwrap_or_default();
        let status = match reported {
            "accepted" | "buffered" | "unknown" => MessageStatus::Sent,
            "delivered" => MessageStatus::Delivered,
            "expired" => MessageStatus::Expired,
            "failed" | "rejected" => MessageStatus::Failed,
            other => return Err(CallbackError::Unreadable(format!("unknown status {other:?}"))),
        };
        let target = match get("client-ref").and_then(|r| r.parse::<i64>().ok()) {
            Some(id) => Target::Ours(id),
            None => Target::ProviderRef(part.to_string()),
        };
        let error = get("err-code").filter(|c| !c.is_empty() && *c != "0").map(|c| format!("vonage err-code {c}"));
        let raw = serde_json::Value::Object(params.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect());
        Ok(vec![Report {
            dedup_key: format!("{part}:{reported}"),
            target,
            status,
            error,
            part: Some(part.to_string()),
            cost_centimes: None,
            raw,
        }])
    }
}

/// A part's refusal: throttling (1), an internal error (5) and too many binds (10) are retried,
/// and so are an account out of credit (9) and refused credentials (4), which a person fixes
/// while the messages wait; an invalid number, a barred one, a message too long or a bad sender
/// are final.
fn refusal(code: &str, text: &str) -> SendFailure {
    let what = format!("vonage {code}: {text}");
    match code {
        "1" | "4" | "5" | "9" | "10" => SendFailure::Transient(what),
        _ => SendFailure::Permanent(what),
    }
}

/// The `sig` of a receipt's parameters (its own `sig` left out), lower-case hex.
pub fn signature(method: SignatureMethod, secret: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().filter(|(k, _)| k != "sig").collect();
    sorted.sort();
    let mut signed = String::new();
    for (name, value) in sorted {
        signed.push('&');
        signed.push_str(name);
        signed.push('=');
        signed.extend(value.chars().map(|c| if c == '&' || c == '=' { '_' } else { c }));
    }
    fn hmac<M: Mac + hmac::digest::KeyInit>(secret: &str, signed: &str) -> String {
        let mut mac =
            <M as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
        mac.update(signed.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
    match method {
        SignatureMethod::Md5Hash => {
            use md5::Digest;
            hex::encode(md5::Md5::digest(format!("{signed}{secret}").as_bytes()))
        }
        SignatureMethod::Md5 => hmac::<Hmac<md5::Md5>>(secret, &signed),
        SignatureMethod::Sha1 => hmac::<Hmac<sha1::Sha1>>(secret, &signed),
        SignatureMethod::Sha256 => hmac::<Hmac<sha2::Sha256>>(secret, &signed),
        SignatureMethod::Sha512 => hmac::<Hmac<sha2::Sha512>>(secret, &signed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn signatures_match_an_independent_implementation() {
        // Expected values computed with Python's hashlib and hmac over "&a=1&b=x_y_z" (+ secret).
        let params = pairs(&[("b", "x&y=z"), ("a", "1"), ("sig", "ignored")]);
        assert_eq!(signature(SignatureMethod::Md5Hash, "s3cret", &params), "be4885da14c3982741261f2f671b62c2");
        assert_eq!(
            signature(SignatureMethod::Sha256, "s3cret", &params),
            "c1ed9c83b3cc4ed13425b79a3bc963e1b03bf9e83d7c2454051140356bea258c"
        );
    }

    #[test]
    fn every_value_and_the_secret_count() {
        let a = pairs(&[("messageId", "0A1"), ("status", "delivered")]);
        let b = pairs(&[("messageId", "0A1"), ("status", "failed")]);
        for method in [SignatureMethod::Md5Hash, SignatureMethod::Md5, SignatureMethod::Sha1, SignatureMethod::Sha512] {
            assert_ne!(signature(method, "k", &a), signature(method, "k", &b));
            assert_ne!(signature(method, "k", &a), signature(method, "j", &a));
        }
    }

    #[test]
    fn throttling_is_retried_and_a_barred_number_is_not() {
        assert!(matches!(refusal("1", "Throttled"), SendFailure::Transient(_)));
        assert!(matches!(refusal("7", "Number barred"), SendFailure::Permanent(_)));
        assert!(matches!(refusal("3", "Invalid to"), SendFailure::Permanent(_)));
    }
}
