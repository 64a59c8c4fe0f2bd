//! Each SMS provider's adapter against a local fake server that speaks its protocol: what a send
//! asks, how refusals are taken (throttling and outages retried, a landline failed for good),
//! signed delivery reports arriving out of order and twice, forged ones refused with nothing
//! kept, reports about messages we do not know kept and answered 200, and, for Infobip, an
//! interrupted send found in its logs instead of being sent again.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use app::jobs::domain::Trigger;
use app::messaging::service::send_due;
use common::fakes::{self, Fake};
use common::messaging::{message_reaches, never_quiet, world, World};
use common::{audited, error_code, get_json, order_body};
use serde_json::{json, Value};
use sqlx::PgPool;
use time::OffsetDateTime;

const PUBLIC: &str = "http://cs.example.test";

fn callback_path(provider: &str) -> String {
    format!("/api/customer-service/sms/callbacks/{provider}")
}

async fn events(pool: &PgPool) -> Vec<(Option<i64>, String)> {
    sqlx::query_as("SELECT message_id, dedup_key FROM message_events ORDER BY id").fetch_all(pool).await.unwrap()
}

async fn message(pool: &PgPool, order: i64) -> (i64, String, Option<String>, Option<String>, i32) {
    sqlx::query_as("SELECT id, status, provider_ref, error, tries FROM messages WHERE order_id = $1")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Makes an order's retried message due now (instead of after its back-off).
async fn due_now(pool: &PgPool, order: i64) {
    sqlx::query("UPDATE messages SET next_try_at = now() WHERE order_id = $1").bind(order).execute(pool).await.unwrap();
}

async fn send(w: &World) -> app::messaging::service::SendReport {
    send_due(&w.app.pool, &w.app.messaging, OffsetDateTime::now_utc()).await.unwrap()
}

fn twilio_vars(fake: &Fake) -> Vec<(&'static str, String)> {
    vec![
        ("SMS_PROVIDER", "twilio".into()),
        ("TWILIO_ACCOUNT_SID", fakes::TWILIO_SID.into()),
        ("SMS_API_KEY", fakes::TWILIO_TOKEN.into()),
        ("SMS_SENDER_ID", "Vitrine".into()),
        ("SMS_API_URL", fake.url()),
        ("SMS_PUBLIC_URL", PUBLIC.into()),
    ]
}

async fn world_with(pool: PgPool, vars: &[(&'static str, String)]) -> World {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    world(pool, &vars).await
}

#[sqlx::test(migrations = "../migrations")]
async fn twilio_gets_a_signed_form_and_its_callbacks_move_the_message_forward_only(pool: PgPool) {
    never_quiet(&pool).await;
    let fake = Fake::twilio().await;
    let mut vars = twilio_vars(&fake);
    vars.extend([("SCHEDULER", "true".into()), ("JOBS_TICK_MS", "50".into()), ("JOBS_DEBOUNCE_MS", "50".into())]);
    let w = world_with(pool.clone(), &vars).await;
    let id = w.order("SHOP-TW-1", "0555 12 34 56").await;
    w.record(id, "confirmed", 2).await;
    message_reaches(&w, id, "sent").await;

    let sent = &fake.received()[0];
    assert_eq!(sent.field("To"), Some("+213555123456"));
    assert_eq!(sent.field("From"), Some("Vitrine"));
    assert!(sent.field("Body").unwrap().starts_with("Bonjour Yacine"), "{sent:?}");
    let callback = format!("{PUBLIC}{}", callback_path("twilio"));
    assert_eq!(sent.field("StatusCallback"), Some(callback.as_str()));
    let (_, _, sid, _, _) = message(&pool, id).await;
    let sid = sid.unwrap();
    assert!(sid.starts_with("SM"));

    let post_to = w.app.url(&callback_path("twilio"));
    let status = |s: &'static str| vec![("MessageSid", sid.clone()), ("MessageStatus", s.to_string())];
    let report = |params: Vec<(&'static str, String)>, token: &'static str| {
        let (post_to, callback) = (post_to.clone(), callback.clone());
        async move {
            let mut all: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            all.extend([("AccountSid", fakes::TWILIO_SID), ("ApiVersion", "2010-04-01"), ("To", "+213555123456")]);
            fakes::twilio_callback(&post_to, &callback, token, &all).await
        }
    };
    // Out of order: delivered comes before sent; then delivered again.
    let first = report(status("delivered"), fakes::TWILIO_TOKEN).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap(), json!({"reports": 1, "applied": 1, "replies": 0}));
    let late = report(status("sent"), fakes::TWILIO_TOKEN).await.json::<Value>().await.unwrap();
    assert_eq!(late["applied"], 0, "a late sent changes nothing");
    let again = report(status("delivered"), fakes::TWILIO_TOKEN).await.json::<Value>().await.unwrap();
    assert_eq!(again["applied"], 0);
    assert_eq!(events(&pool).await.len(), 2, "the repeat is stored once");

    // Forged: signed with another token. Refused, nothing kept.
    let forged = report(status("failed"), "not-the-token").await;
    assert_eq!(forged.status(), 401);
    assert_eq!(error_code(forged).await, "signature_invalid");
    assert_eq!(events(&pool).await.len(), 2);

    // A message we never sent: kept for a person, answered 200 so Twilio stops retrying.
    let stranger = vec![("MessageSid", "SM-not-ours".to_string()), ("MessageStatus", "delivered".to_string())];
    let unknown = report(stranger, fakes::TWILIO_TOKEN).await;
    assert_eq!(unknown.status(), 200);
    let stored = events(&pool).await;
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[2].0, None);

    let order = message_reaches(&w, id, "delivered").await;
    assert_eq!(order["smsHistory"][0]["provider"], "twilio");
    assert_eq!(order["smsHistory"][0]["cost"], 6.0, "Twilio prices in USD: the configured tariff per part");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_twilio_report_that_beats_the_acknowledgement_is_applied_once_the_reference_is_known(pool: PgPool) {
    never_quiet(&pool).await;
    let fake = Fake::twilio().await;
    let w = world_with(pool.clone(), &twilio_vars(&fake)).await;
    let id = w.order("SHOP-TW-5", "0555 12 34 56").await;
    w.record(id, "confirmed", 2).await;
    // The fake names its first message SM…01: its delivery report arrives before our ack.
    let sid = format!("SM{:032}", 1);
    let signed_for = format!("{PUBLIC}{}", callback_path("twilio"));
    let params = [("MessageSid", sid.as_str()), ("MessageStatus", "delivered"), ("AccountSid", fakes::TWILIO_SID)];
    let early =
        fakes::twilio_callback(&w.app.url(&callback_path("twilio")), &signed_for, fakes::TWILIO_TOKEN, &params).await;
    assert_eq!(early.json::<Value>().await.unwrap()["applied"], 0, "no message has that reference yet");
    assert_eq!(send(&w).await.sent, 1);
    let (ours, status, reference, _, _) = message(&pool, id).await;
    assert_eq!(reference.as_deref(), Some(sid.as_str()));
    assert_eq!(status, "delivered", "the early report, adopted at the acknowledgement");
    assert_eq!(events(&pool).await, vec![(Some(ours), format!("{sid}:delivered"))]);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn twilio_throttling_and_outages_are_retried_and_a_landline_fails_for_good(pool: PgPool) {
    never_quiet(&pool).await;
    let fake = Fake::twilio().await;
    let w = world_with(pool.clone(), &twilio_vars(&fake)).await;
    let id = w.order("SHOP-TW-2", "0661 23 45 67").await;
    w.record(id, "confirmed", 2).await;
    fake.script(&[(429, r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#), (503, "upstream down")]);
    assert_eq!(send(&w).await.retried, 1);
    let (_, status, _, error, tries) = message(&pool, id).await;
    assert_eq!((status.as_str(), tries), ("queued", 1));
    assert!(error.unwrap().contains("20429"));
    due_now(&pool, id).await;
    assert_eq!(send(&w).await.retried, 1, "an outage is retried too");
    due_now(&pool, id).await;
    assert_eq!(send(&w).await.sent, 1);
    assert_eq!(message(&pool, id).await.1, "sent");

    let landline = w.order("SHOP-TW-3", "0555 12 99 99").await;
    w.record(landline, "confirmed", 2).await;
    assert_eq!(send(&w).await.failed, 1);
    let (_, status, _, error, _) = message(&pool, landline).await;
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("21614"), "the provider's code is kept");
    assert_eq!(fake.taken(), 1, "one message taken: the throttled tries were not");

    // A success we cannot read: Twilio may have taken it, so it is not resent but shown as unknown.
    let garbled = w.order("SHOP-TW-4", "0770 44 55 66").await;
    w.record(garbled, "confirmed", 2).await;
    fake.script(&[(201, "<html>proxy error</html>")]);
    assert_eq!(send(&w).await.unknown, 1);
    let (_, status, _, error, _) = message(&pool, garbled).await;
    assert_eq!(status, "unknown");
    assert!(error.unwrap().contains("unreadable Twilio answer"));
    assert_eq!(send(&w).await, Default::default(), "nothing is resent by itself");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn vonage_sends_arabic_as_unicode_and_delivers_the_message_once_every_part_is(pool: PgPool) {
    never_quiet(&pool).await;
    let fake = Fake::vonage().await;
    let vars = vec![
        ("SMS_PROVIDER", "vonage".to_string()),
        ("SMS_API_KEY", fakes::VONAGE_KEY.into()),
        ("VONAGE_API_SECRET", fakes::VONAGE_SECRET.into()),
        ("VONAGE_SIGNATURE_SECRET", fakes::VONAGE_SIGNATURE_SECRET.into()),
        ("SMS_SENDER_ID", "Vitrine".into()),
        ("SMS_API_URL", fake.url()),
        ("SMS_PUBLIC_URL", PUBLIC.into()),
    ];
    let w = world_with(pool.clone(), &vars).await;
    let mut body = order_body("SHOP-VO-1", "0770 12 34 56");
    body["customer"]["name"] = json!("ياسين بن علي");
    body["customer"]["language"] = json!("ar-DZ");
    let id = w.app.intake(&w.shop_token, &body).await;
    w.app.assign(&w.supervisor, id, w.agent_id).await;
    w.record(id, "confirmed", 2).await;
    assert_eq!(send(&w).await.sent, 1);

    let sent = &fake.received()[0];
    assert_eq!(sent.field("type"), Some("unicode"));
    assert_eq!(sent.field("to"), Some("213770123456"), "Vonage takes the number without its +");
    assert_eq!(sent.field("from"), Some("Vitrine"));
    let (ours, _, first_part, _, _) = message(&pool, id).await;
    assert_eq!(sent.field("client-ref"), Some(ours.to_string().as_str()));
    assert_eq!(sent.field("callback"), Some(format!("{PUBLIC}{}", callback_path("vonage")).as_str()));
    let first_part = first_part.unwrap();
    let order = get_json(&w.agent, w.app.url(&format!("/api/customer-service/orders/{id}"))).await;
    assert_eq!(order["smsHistory"][0]["segments"], 2, "an Arabic confirmation is two UCS-2 parts");
    let second_part = format!("{}1", &first_part[..first_part.len() - 1]);

    let receipt = |part: &str, status: &str, secret: &str| {
        let client_ref = ours.to_string();
        fakes::vonage_receipt(
            secret,
            &[
                ("msisdn", "213770123456"),
                ("to", "Vitrine"),
                ("network-code", "60301"),
                ("messageId", part),
                ("price", "0.03330000"),
                ("status", status),
                ("scts", "2612021000"),
                ("err-code", "0"),
                ("client-ref", &client_ref),
                ("message-timestamp", "2026-12-02 10:00:00"),
            ],
        )
    };
    let url = w.app.url(&callback_path("vonage"));
    let http = reqwest::Client::new();
    // The first part by GET (Vonage's default), delivered: the message is not whole yet.
    let by_get =
        http.get(&url).query(&receipt(&first_part, "delivered", fakes::VONAGE_SIGNATURE_SECRET)).send().await.unwrap();
    assert_eq!(by_get.status(), 200);
    assert_eq!(by_get.json::<Value>().await.unwrap()["applied"], 0);
    assert_eq!(message(&pool, id).await.1, "sent");
    // Junk posted as JSON cannot carry a signature: refused, nothing kept.
    let junk = http.post(&url).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(junk.status(), 401);
    // A forged receipt for the second part: refused.
    let forged = http.get(&url).query(&receipt(&second_part, "delivered", "guessed")).send().await.unwrap();
    assert_eq!(forged.status(), 401);
    // The second part as JSON, delivered: now the message is.
    let json_body: serde_json::Map<String, Value> = receipt(&second_part, "delivered", fakes::VONAGE_SIGNATURE_SECRET)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let by_json = http.post(&url).json(&json_body).send().await.unwrap();
    assert_eq!(by_json.json::<Value>().await.unwrap()["applied"], 1);
    assert_eq!(message(&pool, id).await.1, "delivered");
    assert_eq!(events(&pool).await.len(), 2);

    // Refused at send: a barred number is final.
    fake.script(&[(200, r#"{"message-count":"1","messages":[{"status":"7","error-text":"Number barred"}]}"#)]);
    let barred = w.order("SHOP-VO-2", "0661 11 22 33").await;
    w.record(barred, "confirmed", 2).await;
    assert_eq!(send(&w).await.failed, 1);
    assert!(message(&pool, barred).await.3.unwrap().contains("vonage 7"));
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn infobip_takes_our_id_finds_an_interrupted_send_in_its_logs_and_reports_need_the_token(pool: PgPool) {
    never_quiet(&pool).await;
    let fake = Fake::infobip().await;
    let token = "abcdefghijklmnop0123";
    let vars = vec![
        ("SMS_PROVIDER", "infobip".to_string()),
        ("SMS_API_KEY", fakes::INFOBIP_KEY.into()),
        ("SMS_API_URL", fake.url()),
        ("SMS_PUBLIC_URL", PUBLIC.into()),
        ("SMS_CALLBACK_TOKEN", token.into()),
    ];
    let w = world_with(pool.clone(), &vars).await;
    let id = w.order("SHOP-IB-1", "0555 44 55 66").await;
    w.record(id, "confirmed", 2).await;
    fake.script(&[(
        500,
        r#"{"requestError":{"serviceException":{"messageId":"GENERAL_ERROR","text":"Something went wrong"}}}"#,
    )]);
    assert_eq!(send(&w).await.retried, 1, "a 5xx is retried");
    due_now(&pool, id).await;
    fake.script(&[(200, "garbled")]);
    assert_eq!(send(&w).await.retried, 1, "an unreadable success is sent again: our id makes it the same message");
    due_now(&pool, id).await;
    assert_eq!(send(&w).await.sent, 1);
    let (ours, _, reference, _, _) = message(&pool, id).await;
    assert_eq!(reference.as_deref(), Some(ours.to_string().as_str()), "our id is Infobip's messageId");
    let sent = fake.received().last().unwrap().json.clone();
    assert_eq!(sent["messages"][0]["destinations"][0]["to"], "213555445566");
    assert_eq!(sent["messages"][0]["notifyUrl"], format!("{PUBLIC}{}?token={token}", callback_path("infobip")));

    // As if the worker died after Infobip took it and before the acknowledgement: the next
    // worker finds it in Infobip's logs and marks it sent without sending it again.
    sqlx::query("UPDATE messages SET status = 'sending', lease_owner = 'dead', lease_until = now() - interval '1 minute', provider_ref = NULL WHERE id = $1")
        .bind(ours)
        .execute(&pool)
        .await
        .unwrap();
    let sends_before = fake.received().len();
    assert_eq!(send(&w).await.reconciled, 1);
    assert_eq!(fake.received().len(), sends_before, "looked up, not sent again");
    assert_eq!(message(&pool, id).await.1, "sent");

    let report = json!({"results": [{"bulkId": "BULK-1", "messageId": ours.to_string(), "to": "213555445566",
        "sentAt": "2026-12-02T10:00:00.000+0000", "doneAt": "2026-12-02T10:00:04.000+0000", "smsCount": 1,
        "price": {"pricePerMessage": 0.0381, "currency": "EUR"},
        "status": {"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET", "description": "Message delivered to handset"},
        "error": {"groupId": 0, "groupName": "Ok", "id": 0, "name": "NO_ERROR", "description": "No Error", "permanent": false}}]});
    let http = reqwest::Client::new();
    let url = w.app.url(&callback_path("infobip"));
    let wrong = http.post(format!("{url}?token=guessed")).json(&report).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let missing = http.post(&url).json(&report).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert!(events(&pool).await.is_empty(), "a refused report leaves nothing");
    let right = http.post(format!("{url}?token={token}")).json(&report).send().await.unwrap();
    assert_eq!(right.json::<Value>().await.unwrap()["applied"], 1);
    assert_eq!(message(&pool, id).await.1, "delivered");
    // A report can beat the acknowledgement: it still finds its message, still being sent.
    let early = w.order("SHOP-IB-2", "0661 77 88 99").await;
    w.record(early, "confirmed", 2).await;
    let (early_id, _, _, _, _) = message(&pool, early).await;
    sqlx::query("UPDATE messages SET status = 'sending', lease_owner = 'w1', lease_until = now() + interval '1 minute' WHERE id = $1")
        .bind(early_id)
        .execute(&pool)
        .await
        .unwrap();
    let mut beat = report.clone();
    beat["results"][0]["messageId"] = json!(early_id.to_string());
    let applied = http.post(format!("{url}?token={token}")).json(&beat).send().await.unwrap();
    assert_eq!(applied.json::<Value>().await.unwrap()["applied"], 1);
    assert_eq!(message(&pool, early).await.1, "delivered");
    let stranger =
        json!({"results": [{"messageId": "999999", "status": {"groupId": 3, "groupName": "DELIVERED", "id": 5}}]});
    let unknown = http.post(format!("{url}?token={token}")).json(&stranger).send().await.unwrap();
    assert_eq!(unknown.status(), 200);
    assert_eq!(events(&pool).await.len(), 3);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_callback_for_a_provider_this_instance_does_not_use_is_refused(pool: PgPool) {
    let w = world(pool.clone(), &[]).await;
    let response = reqwest::Client::new()
        .post(w.app.url(&callback_path("twilio")))
        .form(&[("MessageSid", "SM1"), ("MessageStatus", "delivered")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(events(&pool).await.is_empty());
    w.app.stop().await;
}

async fn get_json_post(client: &reqwest::Client, url: String) -> Value {
    let response = client.post(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn whatsapp_statuses(id: &str, statuses: &[&str]) -> Value {
    let list: Vec<Value> = statuses
        .iter()
        .map(|s| json!({"id": id, "status": s, "timestamp": "1764669600", "recipient_id": "213555123456"}))
        .collect();
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA-1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": fakes::WHATSAPP_PHONE_ID}, "statuses": list}}]}]})
}

#[sqlx::test(migrations = "../migrations")]
async fn whatsapp_sends_the_template_with_reply_buttons_and_a_tap_brings_the_order_to_its_agent(pool: PgPool) {
    never_quiet(&pool).await;
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'order_received' AND channel = 'whatsapp'")
        .execute(&pool)
        .await
        .unwrap();
    let fake = Fake::whatsapp().await;
    let vars = vec![
        ("WHATSAPP_TOKEN", fakes::WHATSAPP_TOKEN.to_string()),
        ("WHATSAPP_PHONE_NUMBER_ID", fakes::WHATSAPP_PHONE_ID.into()),
        ("WHATSAPP_APP_SECRET", fakes::WHATSAPP_APP_SECRET.into()),
        ("WHATSAPP_VERIFY_TOKEN", "verify-me".into()),
        ("WHATSAPP_API_URL", fake.url()),
        ("WHATSAPP_PRICE_CENTIMES", "1200".into()),
    ];
    let w = world_with(pool.clone(), &vars).await;
    let templates = get_json_post(&w.supervisor, w.app.url("/fn/message_templates")).await;
    let channels: Vec<&str> =
        templates["steps"].as_array().unwrap().iter().map(|s| s["channel"].as_str().unwrap()).collect();
    assert!(channels.contains(&"whatsapp"), "WhatsApp configured: its steps are on the editor");
    let id = w.order("SHOP-WA-1", "0555 12 34 56").await;
    assert_eq!(send(&w).await.sent, 1, "the order-received text, on WhatsApp only");

    let sent = fake.received()[0].clone();
    assert_eq!(sent.authorization.as_deref(), Some(format!("Bearer {}", fakes::WHATSAPP_TOKEN).as_str()));
    assert_eq!(sent.json["to"], "213555123456");
    assert_eq!(sent.json["template"]["name"], "order_update");
    assert_eq!(sent.json["template"]["language"]["code"], "fr");
    let components = sent.json["template"]["components"].as_array().unwrap();
    assert!(components[0]["parameters"][0]["text"].as_str().unwrap().starts_with("Bonjour Yacine"));
    let (ours, _, wamid, _, _) = message(&pool, id).await;
    let payloads: Vec<&str> = components[1..].iter().map(|c| c["parameters"][0]["payload"].as_str().unwrap()).collect();
    assert_eq!(payloads, [format!("confirm:{ours}"), format!("cancel:{ours}"), format!("reschedule:{ours}")]);
    let wamid = wamid.unwrap();

    // Meta's webhook check.
    let url = w.app.url(&callback_path("whatsapp"));
    let http = reqwest::Client::new();
    let check = http
        .get(format!("{url}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"))
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), 200);
    assert_eq!(check.text().await.unwrap(), "1158201444");
    let wrong =
        http.get(format!("{url}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")).send().await.unwrap();
    assert_eq!(wrong.status(), 401);

    // Statuses out of order: delivered, then a late sent, then read.
    let first =
        fakes::whatsapp_webhook(&url, fakes::WHATSAPP_APP_SECRET, &whatsapp_statuses(&wamid, &["delivered"])).await;
    assert_eq!(first.json::<Value>().await.unwrap()["applied"], 1);
    let late =
        fakes::whatsapp_webhook(&url, fakes::WHATSAPP_APP_SECRET, &whatsapp_statuses(&wamid, &["sent", "read"])).await;
    assert_eq!(late.json::<Value>().await.unwrap()["applied"], 0);
    let forged = fakes::whatsapp_webhook(&url, "not-the-secret", &whatsapp_statuses(&wamid, &["failed"])).await;
    assert_eq!(forged.status(), 401);
    assert_eq!(message(&pool, id).await.1, "delivered");

    // The customer taps Confirm: stored once, and the order comes to the head of the queue.
    sqlx::query("UPDATE orders SET next_contact_at = now() + interval '1 day' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let tap = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "messages": [{"from": "213555123456", "id": "wamid.REPLY1", "timestamp": "1764669900", "type": "button",
                      "context": {"from": "213555123456", "id": wamid}, "button": {"payload": format!("confirm:{ours}"), "text": "Confirmer"}}]}}]}]});
    let answered = fakes::whatsapp_webhook(&url, fakes::WHATSAPP_APP_SECRET, &tap).await;
    assert_eq!(answered.json::<Value>().await.unwrap()["replies"], 1);
    let again = fakes::whatsapp_webhook(&url, fakes::WHATSAPP_APP_SECRET, &tap).await;
    assert_eq!(again.json::<Value>().await.unwrap()["replies"], 0, "a repeated webhook");
    let due: bool = sqlx::query_scalar("SELECT next_contact_at <= now() FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(due, "at the head of its agent's queue");
    let order = get_json(&w.agent, w.app.url(&format!("/api/customer-service/orders/{id}"))).await;
    let entry = &order["smsHistory"][0];
    assert_eq!(
        (entry["channel"].as_str(), entry["reply"].as_str(), entry["cost"].as_f64()),
        (Some("whatsapp"), Some("confirm"), Some(12.0))
    );
    // In the trail, once, as the customer's own answer: no agent, the status unchanged.
    let trail = order["confirmation"]["attempts"].as_array().unwrap();
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(
        (trail[0]["method"].as_str(), trail[0]["agentId"].as_i64(), trail[0]["notes"].as_str()),
        (Some("whatsapp"), None, Some("WhatsApp: confirm"))
    );
    assert_eq!(trail[0]["result"], order["confirmation"]["statusCode"]);
    assert_eq!(audited(&pool, "order.customer_reply").await, 1);
    w.app.stop().await;
}

async fn email_message(pool: &PgPool, order: i64) -> (i64, String, Option<String>, Option<String>, i32, String) {
    sqlx::query_as(
        "SELECT id, status, provider_ref, error, tries, recipient FROM messages
         WHERE order_id = $1 AND channel = 'email'",
    )
    .bind(order)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn email_goes_over_smtp_in_the_customers_language_a_full_mailbox_waits_and_a_bad_one_fails(pool: PgPool) {
    use common::smtp::{self, FakeSmtp};
    never_quiet(&pool).await;
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'confirmed' AND channel = 'email'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE messaging_settings SET shop_name = 'Vitrine'").execute(&pool).await.unwrap();
    let server = FakeSmtp::start().await;
    let vars = vec![("SMTP_URL", server.url()), ("SMTP_FROM", "Vitrine <commandes@vitrine.dz>".into())];
    let w = world_with(pool.clone(), &vars).await;
    let templates = get_json_post(&w.supervisor, w.app.url("/fn/message_templates")).await;
    let channels: Vec<&str> =
        templates["steps"].as_array().unwrap().iter().map(|s| s["channel"].as_str().unwrap()).collect();
    assert!(channels.contains(&"email"), "SMTP configured: the e-mail steps are on the editor");

    let order = |reference: &str, phone: &str, name: &str, language: &str, email: Option<&str>| {
        let mut body = order_body(reference, phone);
        body["customer"]["name"] = json!(name);
        body["customer"]["language"] = json!(language);
        if let Some(email) = email {
            body["customer"]["email"] = json!(email);
        }
        body
    };
    let place = |body: Value| {
        let w = &w;
        async move {
            let id = w.app.intake(&w.shop_token, &body).await;
            w.app.assign(&w.supervisor, id, w.agent_id).await;
            id
        }
    };
    let bad = reqwest::Client::new()
        .post(w.app.url("/api/orders"))
        .bearer_auth(&w.shop_token)
        .json(&order("SHOP-EM-0", "0555 00 00 01", "Lina Benali", "fr", Some("lina@gmail")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!((problem["code"].as_str(), problem["field"].as_str()), (Some("email_invalid"), Some("customer.email")));

    let french = place(order("SHOP-EM-1", "0555 12 34 56", "Lina Benali", "fr", Some(" Lina.Benali@Gmail.com "))).await;
    let darija = place(order("SHOP-EM-2", "0661 22 33 44", "أمينة بن علي", "ar-DZ", Some("amina@hotmail.fr"))).await;
    let full = place(order("SHOP-EM-3", "0770 11 22 33", "Karim Saadi", "fr", Some("busy@yahoo.fr"))).await;
    let gone = place(order("SHOP-EM-4", "0550 44 55 66", "Sofiane Amrani", "fr", Some("nobody@yahoo.fr"))).await;
    let none = place(order("SHOP-EM-5", "0551 77 88 99", "Nadia Hamdi", "fr", None)).await;
    server.refuse("busy@", 452, Some(1));
    server.refuse("nobody@", 550, None);
    for id in [french, darija, full, gone, none] {
        w.record(id, "confirmed", 2).await;
    }
    let report = send(&w).await;
    assert_eq!((report.sent, report.retried, report.failed), (5 + 2, 1, 1), "{report:?}");
    let none_emails: i64 =
        sqlx::query_scalar("SELECT count(*) FROM messages WHERE order_id = $1 AND channel = 'email'")
            .bind(none)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(none_emails, 0, "no address, no e-mail: the SMS alone");

    // What the mailbox gets: from the shop, to the address as the shop gave it (lower-cased),
    // our id as its Message-ID, the subject and text in the customer's language.
    let mails = server.mails();
    let (ours, status, reference, _, _, recipient) = email_message(&pool, french).await;
    assert_eq!((status.as_str(), recipient.as_str()), ("sent", "lina.benali@gmail.com"));
    let mail = mails.iter().find(|m| m.to == ["lina.benali@gmail.com"]).expect("the French e-mail");
    assert_eq!(mail.from, "commandes@vitrine.dz");
    assert_eq!(mail.header("Message-ID"), Some(format!("<message-{ours}@vitrine.dz>")));
    assert_eq!(reference, mail.header("Message-ID"));
    let number: String =
        sqlx::query_scalar("SELECT number FROM orders WHERE id = $1").bind(french).fetch_one(&pool).await.unwrap();
    assert_eq!(mail.subject(), format!("Vitrine · Votre commande {number}"));
    assert!(mail.text().starts_with("Bonjour Lina, votre commande"), "{}", mail.text());
    assert!(mail.text().contains("est confirmée"), "{}", mail.text());
    assert!(mail.header("Content-Type").unwrap().contains("charset=utf-8"));
    let arabic = mails.iter().find(|m| m.to == ["amina@hotmail.fr"]).expect("the Darija e-mail");
    assert!(arabic.subject().contains("الكوموند تاعك"), "{}", arabic.subject());
    assert!(arabic.text().starts_with("صحة أمينة"), "{}", arabic.text());

    // A full mailbox (452) waits and goes at the next try; a refused one (550) fails for good.
    let (_, status, _, error, tries, _) = email_message(&pool, full).await;
    assert_eq!((status.as_str(), tries), ("queued", 1));
    assert!(error.unwrap().contains("452"));
    let (_, status, _, error, _, _) = email_message(&pool, gone).await;
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("SMTP 550"));
    sqlx::query("UPDATE messages SET next_try_at = now() WHERE order_id = $1 AND channel = 'email'")
        .bind(full)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(send(&w).await.sent, 1);
    assert_eq!(email_message(&pool, full).await.1, "sent");
    assert_eq!(server.mails().iter().filter(|m| m.to == ["busy@yahoo.fr"]).count(), 1);

    // The order's history shows the e-mail beside the SMS, free.
    let view = get_json(&w.agent, w.app.url(&format!("/api/customer-service/orders/{french}"))).await;
    assert_eq!(view["email"], "lina.benali@gmail.com");
    let history = view["smsHistory"].as_array().unwrap();
    let email = history.iter().find(|m| m["channel"] == "email").expect("the e-mail in the history");
    assert_eq!(
        (email["status"].as_str(), email["provider"].as_str(), email["cost"].as_f64()),
        (Some("sent"), Some("email"), Some(0.0))
    );
    assert!(history.iter().any(|m| m["channel"] == "sms"));

    // SMTP tells no delivery: the 72-hour sweep leaves a sent e-mail alone (an SMS becomes unknown).
    sqlx::query("UPDATE messages SET sent_at = now() - interval '4 days' WHERE order_id = $1")
        .bind(french)
        .execute(&pool)
        .await
        .unwrap();
    let jobs = server::jobs::registry(&Default::default());
    let now = OffsetDateTime::now_utc();
    jobs.register_rows(&pool, now).await.unwrap();
    let swept = jobs.run_now(&pool, "message_sweep", now, "test", Trigger::Manual).await.unwrap().unwrap();
    assert_eq!(swept.detail["unknown"], 1, "the SMS only: {:?}", swept.detail);
    assert_eq!(email_message(&pool, french).await.1, "sent");

    // A wrong password (535) keeps the e-mail waiting instead of failing it.
    let later = place(order("SHOP-EM-6", "0552 10 20 30", "Ilyes Kaci", "fr", Some("ilyes@gmail.com"))).await;
    w.record(later, "confirmed", 2).await;
    let locked = app::messaging::service::MessagingConfig {
        email: Some(
            app::messaging::provider::email::Smtp::new(
                &server.url().replace(smtp::PASSWORD, "wrong"),
                "commandes@vitrine.dz",
            )
            .unwrap(),
        ),
        ..Default::default()
    };
    send_due(&pool, &locked, OffsetDateTime::now_utc()).await.unwrap();
    let (_, status, _, error, tries, _) = email_message(&pool, later).await;
    assert_eq!((status.as_str(), tries), ("queued", 1));
    assert!(error.unwrap().contains("535"));

    // A next order that gives no address is written to at the one on file.
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'order_received' AND channel = 'email'")
        .execute(&pool)
        .await
        .unwrap();
    // (her first order two months back, so this one is a new order, not a suspected copy)
    sqlx::query("UPDATE orders SET created_at = now() - interval '60 days' WHERE id = $1")
        .bind(french)
        .execute(&pool)
        .await
        .unwrap();
    let mut again = order("SHOP-EM-7", "0555 12 34 56", "Lina Benali", "fr", None);
    again["items"] = json!([{"sku": "CCH-3", "name": "Couches taille 3", "quantity": 2, "unitPrice": 1800}]);
    again["total"] = json!(3600);
    let next = w.app.intake(&w.shop_token, &again).await;
    let held: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM duplicate_pairs WHERE order_id = $1)")
        .bind(next)
        .fetch_one(&pool)
        .await
        .unwrap();
    let steps: Vec<(String, String)> = sqlx::query_as("SELECT step, channel FROM messages WHERE order_id = $1")
        .bind(next)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!held, "{steps:?}");
    assert_eq!(email_message(&pool, next).await.5, "lina.benali@gmail.com");
}
