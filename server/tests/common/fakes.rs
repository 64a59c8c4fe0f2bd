//! Local fake SMS providers that speak each provider's protocol, for the adapter tests: they
//! check credentials, take sends (or answer the errors a test scripts), remember what they were
//! sent, answer lookups, and post delivery reports back to the app the way the provider would,
//! signed with the provider's algorithm. Nothing here reaches the internet.
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// A request the fake took.
#[derive(Clone, Debug)]
pub struct Received {
    pub authorization: Option<String>,
    /// Form fields (Twilio, Vonage).
    pub form: Vec<(String, String)>,
    /// The JSON body (Infobip).
    pub json: Value,
}

impl Received {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    /// Answers given (in order) before the normal ones: an outage, throttling.
    scripted: VecDeque<(u16, String)>,
    /// The client references taken (Infobip's `messageId`), for lookups.
    taken: Vec<String>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next scripted answer, if any, after recording the request.
    fn take(&self, received: Received) -> Option<Response> {
        let mut inner = self.lock();
        inner.received.push(received);
        inner.scripted.pop_front().map(|(status, body)| {
            (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), body).into_response()
        })
    }
}

pub struct Fake {
    pub addr: SocketAddr,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

pub const TWILIO_SID: &str = "ACfake0001";
pub const TWILIO_TOKEN: &str = "twilio-auth-token";
pub const VONAGE_KEY: &str = "vonage-key";
pub const VONAGE_SECRET: &str = "vonage-secret";
pub const VONAGE_SIGNATURE_SECRET: &str = "vonage-signature-secret";
pub const INFOBIP_KEY: &str = "infobip-key";
pub const WHATSAPP_TOKEN: &str = "whatsapp-token";
pub const WHATSAPP_PHONE_ID: &str = "105511223344";
pub const WHATSAPP_APP_SECRET: &str = "whatsapp-app-secret";

impl Fake {
    async fn serve(router: Router<Shared>) -> Self {
        let shared = Shared::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake");
        let addr = listener.local_addr().expect("fake addr");
        let app = router.with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next sends with these statuses and bodies, then normally again.
    pub fn script(&self, answers: &[(u16, &str)]) {
        self.shared.lock().scripted.extend(answers.iter().map(|(s, b)| (*s, b.to_string())));
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().received.clone()
    }

    /// Twilio: `POST /2010-04-01/Accounts/{sid}/Messages.json`, Basic auth, form fields; 201
    /// with the message's `sid`; numbers ending in 9999 are landlines (21614).
    pub async fn twilio() -> Self {
        Self::serve(Router::new().route(
            &format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"),
            post(|State(shared): State<Shared>, headers: HeaderMap, body: Bytes| async move {
                let authorization = header(&headers, "authorization");
                let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
                let received = Received { authorization: authorization.clone(), form: form.clone(), json: Value::Null };
                if let Some(answer) = shared.take(received) {
                    return answer;
                }
                if authorization != Some(basic(TWILIO_SID, TWILIO_TOKEN)) {
                    return (StatusCode::UNAUTHORIZED, Json(json!({"code": 20003, "message": "Authenticate", "status": 401})))
                        .into_response();
                }
                let to = field(&form, "To");
                if to.ends_with("9999") {
                    let refused = json!({"code": 21614, "message": format!("'To' number {to} is not a valid mobile number"), "status": 400});
                    return (StatusCode::BAD_REQUEST, Json(refused)).into_response();
                }
                let n = shared.lock().received.len();
                let sid = format!("SM{n:032}");
                shared.lock().taken.push(sid.clone());
                let created = json!({"sid": sid, "status": "queued", "to": to, "from": field(&form, "From"),
                    "body": field(&form, "Body"), "num_segments": "1", "price": null, "price_unit": "USD",
                    "error_code": null, "error_message": null});
                (StatusCode::CREATED, Json(created)).into_response()
            }),
        ))
        .await
    }

    /// Vonage: `POST /sms/json` with the key and secret in the form; one entry per part (a
    /// unicode text over 70 characters is two parts, each with its own message-id).
    pub async fn vonage() -> Self {
        Self::serve(Router::new().route(
            "/sms/json",
            post(|State(shared): State<Shared>, body: Bytes| async move {
                let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
                if let Some(answer) =
                    shared.take(Received { authorization: None, form: form.clone(), json: Value::Null })
                {
                    return answer;
                }
                if field(&form, "api_key") != VONAGE_KEY || field(&form, "api_secret") != VONAGE_SECRET {
                    return Json(
                        json!({"message-count": "1", "messages": [{"status": "4", "error-text": "Bad Credentials"}]}),
                    )
                    .into_response();
                }
                let text = field(&form, "text");
                let (single, part) = if field(&form, "type") == "unicode" { (70, 67) } else { (160, 153) };
                let length = text.chars().count();
                let parts = if length <= single { 1 } else { length.div_ceil(part) };
                let n = shared.lock().received.len();
                let messages: Vec<Value> = (0..parts)
                    .map(|p| {
                        json!({"to": field(&form, "to"), "message-id": format!("0A{n:04}{p:010}"), "status": "0",
                        "remaining-balance": "3.14159265", "message-price": "0.03330000", "network": "60301",
                        "client-ref": field(&form, "client-ref")})
                    })
                    .collect();
                Json(json!({"message-count": parts.to_string(), "messages": messages})).into_response()
            }),
        ))
        .await
    }

    /// Infobip: `POST /sms/2/text/advanced` with `Authorization: App <key>`; our `messageId` is
    /// kept (a resend of the same id is the same message) and found by `GET /sms/1/logs`.
    pub async fn infobip() -> Self {
        let send = post(|State(shared): State<Shared>, headers: HeaderMap, Json(body): Json<Value>| async move {
            let authorization = header(&headers, "authorization");
            let received = Received { authorization: authorization.clone(), form: vec![], json: body.clone() };
            if let Some(answer) = shared.take(received) {
                return answer;
            }
            if authorization != Some(format!("App {INFOBIP_KEY}")) {
                let refused = json!({"requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": "Invalid login details"}}});
                return (StatusCode::UNAUTHORIZED, Json(refused)).into_response();
            }
            let destination = &body["messages"][0]["destinations"][0];
            let id = destination["messageId"].as_str().unwrap_or_default().to_string();
            let mut inner = shared.lock();
            if !inner.taken.contains(&id) {
                inner.taken.push(id.clone());
            }
            Json(json!({"bulkId": "BULK-1", "messages": [{"to": destination["to"], "messageId": id,
                "status": {"groupId": 1, "groupName": "PENDING", "id": 26, "name": "PENDING_ACCEPTED",
                           "description": "Message sent to next instance"}}]}))
            .into_response()
        });
        let logs = get(
            |State(shared): State<Shared>, headers: HeaderMap, Query(query): Query<Vec<(String, String)>>| async move {
                if header(&headers, "authorization") != Some(format!("App {INFOBIP_KEY}")) {
                    return StatusCode::UNAUTHORIZED.into_response();
                }
                let id = field(&query, "messageId").to_string();
                let found = shared.lock().taken.contains(&id);
                let results: Vec<Value> =
                    if found { vec![json!({"messageId": id, "status": {"groupName": "PENDING"}})] } else { vec![] };
                Json(json!({"results": results})).into_response()
            },
        );
        Self::serve(Router::new().route("/sms/2/text/advanced", send).route("/sms/1/logs", logs)).await
    }

    /// WhatsApp Cloud: `POST /{phone-number-id}/messages` with a bearer token; answers the
    /// message's `wamid`.
    pub async fn whatsapp() -> Self {
        Self::serve(Router::new().route(
            &format!("/{WHATSAPP_PHONE_ID}/messages"),
            post(|State(shared): State<Shared>, headers: HeaderMap, Json(body): Json<Value>| async move {
                let authorization = header(&headers, "authorization");
                let received = Received { authorization: authorization.clone(), form: vec![], json: body.clone() };
                if let Some(answer) = shared.take(received) {
                    return answer;
                }
                if authorization != Some(format!("Bearer {WHATSAPP_TOKEN}")) {
                    let refused = json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}});
                    return (StatusCode::UNAUTHORIZED, Json(refused)).into_response();
                }
                let n = shared.lock().received.len();
                let id = format!("wamid.FAKE{n:06}");
                shared.lock().taken.push(id.clone());
                Json(json!({"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                            "messages": [{"id": id}]}))
                .into_response()
            }),
        ))
        .await
    }

    /// How many distinct messages the provider took (a resend of one Infobip id counts once).
    pub fn taken(&self) -> usize {
        self.shared.lock().taken.len()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// Posts a Twilio status callback to `post_to`, signed over `public_url` (what Twilio was given
/// as `StatusCallback`) with `token`.
pub async fn twilio_callback(
    post_to: &str,
    public_url: &str,
    token: &str,
    params: &[(&str, &str)],
) -> reqwest::Response {
    let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let signature = app::messaging::provider::twilio::signature(token, public_url, &pairs);
    reqwest::Client::new()
        .post(post_to)
        .header("X-Twilio-Signature", signature)
        .form(&pairs)
        .send()
        .await
        .expect("twilio callback")
}

/// A Vonage delivery receipt's parameters, signed (`md5hash`) with `secret`.
pub fn vonage_receipt(secret: &str, params: &[(&str, &str)]) -> Vec<(String, String)> {
    use app::messaging::provider::vonage::{signature, SignatureMethod};
    let mut pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.push(("timestamp".into(), "1764669600".into()));
    pairs.push(("nonce".into(), "6b1ee8ae-0a09-4a5e-8c3c-5e4f3b3d2c1a".into()));
    let sig = signature(SignatureMethod::Md5Hash, secret, &pairs);
    pairs.push(("sig".into(), sig));
    pairs
}

/// Posts a WhatsApp webhook body to `post_to`, signed as Meta signs it with `secret`.
pub async fn whatsapp_webhook(post_to: &str, secret: &str, body: &Value) -> reqwest::Response {
    let bytes = serde_json::to_vec(body).expect("webhook json");
    let signature = app::messaging::provider::whatsapp::signature(secret, &bytes);
    reqwest::Client::new()
        .post(post_to)
        .header("X-Hub-Signature-256", format!("sha256={signature}"))
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .expect("whatsapp webhook")
}
