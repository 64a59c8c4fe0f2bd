//! Infobip SMS: one JSON POST per message with `Authorization: App <key>`; our id goes as the
//! destination's `messageId`, so a resend after a crash is the same message to Infobip and an
//! interrupted send can be looked up in its logs. Delivery reports arrive as JSON `results`,
//! each with a status group (PENDING, UNDELIVERABLE, DELIVERED, EXPIRED, REJECTED) and an
//! error flagged `permanent` or not.
//!
//! Infobip does not sign its reports: the report URL we give carries a secret token of ours
//! (`?token=`), checked in constant time.
use serde::Deserialize;
use serde_json::json;

use super::{
    by_status, dzd_centimes, exchange, form_pairs, same, unreadable, Accepted, Callback, CallbackError, Outgoing,
    Report, Secret, Target,
};
use crate::messaging::domain::SendFailure;
use crate::messaging::MessageStatus;

#[derive(Clone, Debug)]
pub struct Infobip {
    pub api_key: Secret,
    /// The account's own base URL (`https://xxxxx.api.infobip.com`), or a local fake in tests.
    pub base_url: String,
    /// Where Infobip posts delivery reports (our public URL), when delivery is tracked.
    pub callback_url: Option<String>,
    /// The token the report URL carries.
    pub callback_token: Secret,
    pub client: reqwest::Client,
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default)]
    messages: Vec<SentMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SentMessage {
    message_id: String,
    status: Status,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    #[serde(default)]
    group_name: String,
    #[serde(default)]
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct ReportBody {
    results: Vec<ReportEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportEntry {
    message_id: String,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    error: Option<ReportError>,
    #[serde(default)]
    price: Option<Price>,
    #[serde(default)]
    sms_count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Price {
    #[serde(default)]
    price_per_message: f64,
    #[serde(default)]
    currency: String,
}

#[derive(Deserialize)]
struct ReportError {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    permanent: bool,
}

#[derive(Deserialize)]
struct Logs {
    #[serde(default)]
    results: Vec<serde_json::Value>,
}

impl Infobip {
    fn authorization(&self) -> String {
        format!("App {}", self.api_key.0)
    }

    pub(super) async fn send(&self, message: &Outgoing<'_>) -> Result<Accepted, SendFailure> {
        let id = message.id.to_string();
        let mut entry = json!({
            "destinations": [{"to": message.to.trim_start_matches('+'), "messageId": id}],
            "text": message.body,
            "callbackData": id,
        });
        if let Some(from) = message.sender_id {
            entry["from"] = from.into();
        }
        if let Some(url) = &self.callback_url {
            entry["notifyUrl"] = url.as_str().into();
            entry["notifyContentType"] = "application/json".into();
        }
        let (status, text) = exchange(
            self.client
                .post(format!("{}/sms/2/text/advanced", self.base_url))
                .header(reqwest::header::AUTHORIZATION, self.authorization())
                .json(&json!({"messages": [entry]})),
        )
        .await?;
        if !status.is_success() {
            return Err(by_status(status, service_exception(&text)));
        }
        let sent: Sent = serde_json::from_str(&text).map_err(|e| unreadable("Infobip", e))?;
        let first = sent.messages.into_iter().next().ok_or_else(|| unreadable("Infobip", "no message"))?;
        match first.status.group_name.as_str() {
            "REJECTED" | "UNDELIVERABLE" => {
                Err(SendFailure::Permanent(format!("infobip {}: {}", first.status.name, first.status.description)))
            }
            _ => Ok(Accepted { provider_ref: first.message_id, cost_centimes: None }),
        }
    }

    /// Infobip's logs by our id: a send it took is there (they keep 48 hours).
    pub(super) async fn lookup(&self, id: i64) -> Result<Option<Accepted>, SendFailure> {
        let (status, text) = exchange(
            self.client
                .get(format!("{}/sms/1/logs", self.base_url))
                .query(&[("messageId", id.to_string())])
                .header(reqwest::header::AUTHORIZATION, self.authorization()),
        )
        .await?;
        if !status.is_success() {
            return Err(by_status(status, service_exception(&text)));
        }
        let logs: Logs =
            serde_json::from_str(&text).map_err(|e| SendFailure::Transient(format!("unreadable Infobip logs: {e}")))?;
        Ok((!logs.results.is_empty()).then(|| Accepted { provider_ref: id.to_string(), cost_centimes: None }))
    }

    pub(super) fn reports(&self, callback: &Callback<'_>) -> Result<Vec<Report>, CallbackError> {
        let query = form_pairs(callback.query.as_bytes());
        let token = query.iter().find(|(k, _)| k == "token").map(|(_, v)| v.as_bytes()).unwrap_or_default();
        if !same(self.callback_token.0.as_bytes(), token) {
            return Err(CallbackError::Forged);
        }
        parse_reports(callback.body)
    }
}

/// The reports of one Infobip report body.
pub fn parse_reports(body: &[u8]) -> Result<Vec<Report>, CallbackError> {
    let raw: serde_json::Value = serde_json::from_slice(body).map_err(|e| CallbackError::Unreadable(e.to_string()))?;
    let parsed: ReportBody =
        serde_json::from_value(raw.clone()).map_err(|e| CallbackError::Unreadable(e.to_string()))?;
    let entries = raw["results"].as_array().cloned().unwrap_or_default();
    let mut reports = Vec::with_capacity(parsed.results.len());
    for (entry, raw) in parsed.results.into_iter().zip(entries) {
        let status = match entry.status.group_name.as_str() {
            // DELIVERED_TO_OPERATOR (2) is on its way; DELIVERED_TO_HANDSET (5) is the end.
            "DELIVERED" if entry.status.id == 2 => MessageStatus::Sent,
            "PENDING" => MessageStatus::Sent,
            "DELIVERED" => MessageStatus::Delivered,
            "UNDELIVERABLE" => MessageStatus::Undelivered,
            "EXPIRED" => MessageStatus::Expired,
            "REJECTED" => MessageStatus::Failed,
            other => return Err(CallbackError::Unreadable(format!("unknown status group {other:?}"))),
        };
        let error = entry
            .error
            .filter(|e| e.id != 0)
            .map(|e| format!("infobip {} {}{}", e.id, e.name, if e.permanent { " (permanent)" } else { "" }));
        let target = match entry.message_id.parse::<i64>() {
            Ok(id) => Target::Ours(id),
            Err(_) => Target::ProviderRef(entry.message_id.clone()),
        };
        reports.push(Report {
            dedup_key: format!("{}:{}", entry.message_id, entry.status.id),
            target,
            status,
            error,
            part: None,
            cost_centimes: entry
                .price
                .and_then(|p| dzd_centimes(p.price_per_message * entry.sms_count.max(1) as f64, &p.currency)),
            raw,
        });
    }
    Ok(reports)
}

/// The text of an Infobip error: the older `requestError.serviceException` or the newer
/// `{errorCode, description}`; otherwise the body as it came.
fn service_exception(text: &str) -> String {
    let value = serde_json::from_str::<serde_json::Value>(text).unwrap_or_default();
    let legacy = value["requestError"]["serviceException"]["text"].as_str();
    let newer = value["description"].as_str().map(|d| format!("{} {d}", value["errorCode"].as_str().unwrap_or("")));
    legacy.map(str::to_string).or(newer).unwrap_or_else(|| text.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_body_gives_one_report_per_result_by_our_id() {
        let body = br#"{"results":[
            {"bulkId":"B1","messageId":"42","to":"213555123456","sentAt":"2026-12-02T10:00:00.000+0000",
             "doneAt":"2026-12-02T10:00:05.000+0000","smsCount":1,
             "price":{"pricePerMessage":0.03,"currency":"EUR"},
             "status":{"groupId":3,"groupName":"DELIVERED","id":5,"name":"DELIVERED_TO_HANDSET","description":"Message delivered to handset"},
             "error":{"groupId":0,"groupName":"OK","id":0,"name":"NO_ERROR","description":"No Error","permanent":false}},
            {"messageId":"43",
             "status":{"groupId":2,"groupName":"UNDELIVERABLE","id":9,"name":"UNDELIVERABLE_NOT_DELIVERED","description":"x"},
             "error":{"groupId":1,"groupName":"HANDSET_ERRORS","id":27,"name":"EC_ABSENT_SUBSCRIBER","permanent":false}}]}"#;
        let reports = parse_reports(body).unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].target, Target::Ours(42));
        assert_eq!(reports[0].status, MessageStatus::Delivered);
        assert_eq!(reports[0].error, None);
        assert_eq!(reports[0].dedup_key, "42:5");
        assert_eq!(reports[1].status, MessageStatus::Undelivered);
        assert_eq!(reports[1].error.as_deref(), Some("infobip 27 EC_ABSENT_SUBSCRIBER"));
        assert_eq!(reports[1].raw["messageId"], "43");
        assert_eq!(reports[0].cost_centimes, None, "a price in EUR leaves the tariff");
        let dzd = br#"{"results":[{"messageId":"9","smsCount":2,"price":{"pricePerMessage":6.5,"currency":"DZD"},
            "status":{"groupId":3,"groupName":"DELIVERED","id":5,"name":"DELIVERED_TO_HANDSET"}}]}"#;
        assert_eq!(parse_reports(dzd).unwrap()[0].cost_centimes, Some(1300));
    }

    #[test]
    fn an_unknown_group_or_a_broken_body_is_unreadable() {
        assert!(matches!(parse_reports(b"{}"), Err(CallbackError::Unreadable(_))));
        let odd = br#"{"results":[{"messageId":"1","status":{"groupName":"LOST"}}]}"#;
        assert!(matches!(parse_reports(odd), Err(CallbackError::Unreadable(_))));
    }

    #[test]
    fn delivered_to_the_operator_is_not_yet_delivered() {
        let body = br#"{"results":[{"messageId":"7","status":{"groupId":3,"groupName":"DELIVERED","id":2,"name":"DELIVERED_TO_OPERATOR"}}]}"#;
        assert_eq!(parse_reports(body).unwrap()[0].status, MessageStatus::Sent);
    }

    #[test]
    fn a_request_error_gives_its_text() {
        let body =
            r#"{"requestError":{"serviceException":{"messageId":"UNAUTHORIZED","text":"Invalid login details"}}}"#;
        assert_eq!(service_exception(body), "Invalid login details");
        assert_eq!(
            service_exception(r#"{"errorCode":"E429","description":"Too many requests sent."}"#),
            "E429 Too many requests sent."
        );
        assert_eq!(service_exception("gateway down"), "gateway down");
    }
}
