//! Messaging against a real database and the real job runner: a confirmed order's SMS goes out
//! through the outbox and the mock provider reports it delivered; quiet hours hold messages; two
//! workers on one outbox send each message once; an interrupted send is looked up, not resent;
//! statuses only move forward; the preview endpoint counts what a text costs.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use std::time::Duration;

use app::messaging::provider::{Provider, Report, Target};
use app::messaging::service::{apply_report, send_due, MessagingConfig};
use app::messaging::MessageStatus;
use common::messaging::{message_reaches, never_quiet, world};
use common::{error_code, get_json};
use serde_json::{json, Value};
use sqlx::PgPool;
use time::OffsetDateTime;

#[sqlx::test(migrations = "../migrations")]
async fn a_confirmed_order_gets_its_sms_and_the_mock_reports_it_delivered(pool: PgPool) {
    never_quiet(&pool).await;
    let vars =
        [("SCHEDULER", "true"), ("JOBS_TICK_MS", "50"), ("JOBS_DEBOUNCE_MS", "50"), ("SMS_MOCK_DELIVERY_MS", "100")];
    let w = world(pool.clone(), &vars).await;
    let id = w.order("SHOP-SMS-1", "0555 12 34 56").await;
    let after = w.record(id, "confirmed", 2).await;
    // Enqueued in the attempt's transaction: the answer already lists it.
    assert_eq!(after["smsHistory"].as_array().unwrap().len(), 1);
    assert_eq!(after["smsHistory"][0]["type"], "confirmed");

    let order = message_reaches(&w, id, "delivered").await;
    let sms = &order["smsHistory"][0];
    assert_eq!(sms["provider"], "mock");
    assert_eq!(sms["language"], "fr", "the customer's saved language");
    let text = sms["message"].as_str().unwrap();
    assert!(text.starts_with("Bonjour Yacine, votre commande BV-"), "{text}");
    assert!(text.contains("16 300 DA"), "{text}");
    assert_eq!(sms["segments"], 1);
    assert_eq!(sms["cost"], 5.5, "the mock's price for one GSM-7 part");
    assert!(sms["sentAt"].is_string());
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM mock_provider_messages").fetch_one(&pool).await.unwrap();
    assert_eq!(sent, 1);
    // The customer card lists it too, with the order it was about.
    let customer = order["customerId"].as_i64().unwrap();
    let card = get_json(&w.agent, w.app.url(&format!("/api/customer-service/customers/{customer}"))).await;
    assert_eq!(card["messages"][0]["orderId"], id);
    assert_eq!(card["messages"][0]["status"], "delivered");

    // The runner keeps going after that event: a second confirmation is woken, sent and reported too.
    let second = w.order("SHOP-SMS-1B", "0661 98 76 54").await;
    w.record(second, "confirmed", 2).await;
    message_reaches(&w, second, "delivered").await;
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM mock_provider_messages").fetch_one(&pool).await.unwrap();
    assert_eq!(sent, 2);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_number_ending_in_0000_fails_at_the_mock_and_a_step_switched_off_or_a_fixed_line_gets_nothing(pool: PgPool) {
    never_quiet(&pool).await;
    let vars =
        [("SCHEDULER", "true"), ("JOBS_TICK_MS", "50"), ("JOBS_DEBOUNCE_MS", "50"), ("SMS_MOCK_DELIVERY_MS", "50")];
    let w = world(pool.clone(), &vars).await;
    let failing = w.order("SHOP-SMS-2", "0661 23 00 00").await;
    w.record(failing, "confirmed", 2).await;
    message_reaches(&w, failing, "failed").await;

    sqlx::query("UPDATE message_steps SET enabled = false WHERE step = 'confirmed'").execute(&pool).await.unwrap();
    let quiet = w.order("SHOP-SMS-3", "0770 11 22 33").await;
    let after = w.record(quiet, "confirmed", 2).await;
    assert_eq!(after["smsHistory"], json!([]));

    // the step on again, for a customer who gave an Algiers fixed line: no SMS to pay for
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'confirmed' AND channel = 'sms'")
        .execute(&pool)
        .await
        .unwrap();
    let landline = w.order("SHOP-SMS-4", "021 23 45 67").await;
    let after = w.record(landline, "confirmed", 2).await;
    assert_eq!(after["smsHistory"], json!([]), "a fixed line takes no SMS");
    let mobile = w.order("SHOP-SMS-5", "0770 11 22 44").await;
    let after = w.record(mobile, "confirmed", 2).await;
    assert_eq!(after["smsHistory"].as_array().map(Vec::len), Some(1), "and a mobile does");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn quiet_hours_hold_a_message_until_they_end(pool: PgPool) {
    // Quiet hours from this minute (Algiers, UTC+1) for two hours: a message written now waits.
    let local = OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap());
    let minute = i32::from(local.hour()) * 60 + i32::from(local.minute());
    sqlx::query("UPDATE messaging_settings SET quiet_start_minute = $1, quiet_end_minute = ($1 + 120) % 1440")
        .bind(minute)
        .execute(&pool)
        .await
        .unwrap();
    let w = world(pool.clone(), &[]).await;
    let id = w.order("SHOP-SMS-4", "0555 98 76 54").await;
    let now = OffsetDateTime::now_utc();
    w.record(id, "confirmed", 2).await;
    let (status, next_try_at): (String, OffsetDateTime) =
        sqlx::query_as("SELECT status, next_try_at FROM messages WHERE order_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "queued");
    assert!(next_try_at > now, "held until quiet hours end: {next_try_at}");
    let report = send_due(&pool, &MessagingConfig::default(), OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report.sent, 0, "not due yet");
    w.app.stop().await;
}

/// Queues `n` messages straight into the outbox for one customer.
async fn queue_messages(pool: &PgPool, customer_id: i64, order_id: i64, n: i32) {
    sqlx::query(
        "INSERT INTO messages (order_id, customer_id, step, channel, occurrence, language, recipient, body, encoding, segments)
         SELECT $1, $2, 'confirmed', 'sms', g, 'fr', '+213555123456', 'Bonjour ' || g, 'GSM-7', 1
         FROM generate_series(1, $3) g",
    )
    .bind(order_id)
    .bind(customer_id)
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
}

async fn customer_of(pool: &PgPool, order_id: i64) -> i64 {
    sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1").bind(order_id).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_on_one_outbox_send_each_message_once(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let order = w.order("SHOP-SMS-5", "0555 11 11 11").await;
    queue_messages(&pool, customer_of(&pool, order).await, order, 300).await;
    let config = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::ZERO },
        batch: 20,
        ..MessagingConfig::default()
    };
    let now = OffsetDateTime::now_utc();
    let (a, b) = tokio::join!(send_due(&pool, &config, now), send_due(&pool, &config, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 300, "every message sent exactly once between them: {a:?} {b:?}");
    assert!(a.sent > 0 && b.sent > 0, "both worked: {a:?} {b:?}");
    let (sent, stored): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages WHERE status = 'sent'), (SELECT count(*) FROM mock_provider_messages)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((sent, stored), (300, 300));
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_batch_slower_than_its_lease_keeps_its_lease_renewed_and_no_other_worker_takes_it(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let order = w.order("SHOP-SMS-LEASE", "0555 22 22 22").await;
    queue_messages(&pool, customer_of(&pool, order).await, order, 6).await;
    // One send at a time, 400 ms each: the batch takes about 2.4 s, more than twice its 1 s lease.
    let config = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::from_millis(400) },
        batch: 6,
        concurrency: 1,
        lease: time::Duration::seconds(1),
        ..MessagingConfig::default()
    };
    let lease = || async {
        let until: Option<OffsetDateTime> =
            sqlx::query_scalar("SELECT max(lease_until) FROM messages WHERE status = 'sending'")
                .fetch_one(&pool)
                .await
                .unwrap();
        until
    };
    let slow = send_due(&pool, &config, OffsetDateTime::now_utc());
    let watcher = async {
        tokio::time::sleep(Duration::from_millis(1300)).await;
        let first = lease().await;
        // Past the original lease: a second worker would take any message whose lease lapsed.
        let other = send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        (first, lease().await, other)
    };
    let (slow, (first, later, other)) = tokio::join!(slow, watcher);
    let slow = slow.unwrap();
    assert_eq!(slow.sent, 6, "{slow:?}");
    assert_eq!(other, Default::default(), "nothing was free to take over: {other:?}");
    let (first, later) = (first.expect("still sending at 1.3 s"), later.expect("still sending at 1.8 s"));
    assert!(later > first, "the renewer kept renewing: {first} then {later}");
    let resent: i64 = sqlx::query_scalar("SELECT count(*) FROM mock_provider_messages WHERE sends > 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(resent, 0);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_interrupted_send_is_looked_up_at_the_provider_never_sent_twice(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let order = w.order("SHOP-SMS-6", "0555 22 22 22").await;
    queue_messages(&pool, customer_of(&pool, order).await, order, 2).await;
    // A worker claimed both and died: one after the provider took it, one before.
    sqlx::query(
        "UPDATE messages SET status = 'sending', lease_owner = 'dead:1#0', lease_until = now() - interval '1 second',
                             tries = 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let taken: i64 = sqlx::query_scalar("SELECT min(id) FROM messages").fetch_one(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO mock_provider_messages (client_ref, provider_ref, recipient, body, segments, status)
         VALUES ($1::text, 'mock-' || $1::text, '+213555123456', 'Bonjour 1', 1, 'accepted')",
    )
    .bind(taken.to_string())
    .execute(&pool)
    .await
    .unwrap();

    let config = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::ZERO },
        ..MessagingConfig::default()
    };
    let report = send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!((report.reconciled, report.sent), (1, 1), "{report:?}");
    let rows: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, status, provider_ref FROM messages ORDER BY id").fetch_all(&pool).await.unwrap();
    assert!(rows.iter().all(|(_, status, r)| status == "sent" && r.is_some()), "{rows:?}");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM mock_provider_messages").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 2, "the provider got each message once");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn delivery_reports_only_move_a_message_forward_and_repeats_change_nothing(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let order = w.order("SHOP-SMS-7", "0555 33 33 33").await;
    queue_messages(&pool, customer_of(&pool, order).await, order, 1).await;
    let config = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::ZERO },
        ..MessagingConfig::default()
    };
    send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap();
    let reference: String = sqlx::query_scalar("SELECT provider_ref FROM messages").fetch_one(&pool).await.unwrap();
    let report = |key: &str, target: &str, status: MessageStatus| Report {
        dedup_key: key.into(),
        target: Target::ProviderRef(target.into()),
        status,
        error: None,
        part: None,
        cost_centimes: None,
        raw: json!({"ref": target}),
    };
    assert!(apply_report(&pool, "mock", &report("k1", &reference, MessageStatus::Delivered)).await.unwrap());
    assert!(
        !apply_report(&pool, "mock", &report("k1", &reference, MessageStatus::Delivered)).await.unwrap(),
        "a repeat"
    );
    assert!(!apply_report(&pool, "mock", &report("k2", &reference, MessageStatus::Sent)).await.unwrap(), "a late sent");
    assert!(!apply_report(&pool, "mock", &report("k3", "mock-unknown", MessageStatus::Delivered)).await.unwrap());
    let status: String = sqlx::query_scalar("SELECT status FROM messages").fetch_one(&pool).await.unwrap();
    assert_eq!(status, "delivered");
    let events: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT message_id, dedup_key FROM message_events ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(events.len(), 3, "every distinct report stored raw, the unknown one too: {events:?}");
    assert!(events[2].0.is_none());
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_preview_says_what_a_text_costs_before_it_goes(pool: PgPool) {
    let w = world(pool.clone(), &[]).await;
    let url = w.app.url("/api/customer-service/sms/preview");
    let post = |body: Value| w.agent.post(&url).json(&body).send();

    let arabic: Value = post(json!({"text": "مرحبا، تم تأكيد طلبك رقم 1234"})).await.unwrap().json().await.unwrap();
    assert_eq!((arabic["encoding"].as_str(), arabic["segments"].as_u64()), (Some("UCS-2"), Some(1)));
    assert_eq!(arabic["costDzd"], 6.0);

    let french: Value = post(json!({"text": "Votre fenêtre arrive"})).await.unwrap().json().await.unwrap();
    assert_eq!(french["encoding"], "UCS-2");
    assert_eq!(french["nonGsmCharacters"], json!(["ê"]));
    assert_eq!(french["gsmVariant"], "Votre fenetre arrive");

    let long: Value = post(json!({"text": "€".repeat(81)})).await.unwrap().json().await.unwrap();
    assert_eq!(
        (long["encoding"].as_str(), long["characters"].as_u64(), long["segments"].as_u64()),
        (Some("GSM-7"), Some(81), Some(2))
    );

    let template: i64 =
        sqlx::query_scalar("SELECT id FROM message_templates WHERE step = 'confirmed' AND language = 'ar-DZ'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let rendered: Value = post(json!({"templateId": template})).await.unwrap().json().await.unwrap();
    assert_eq!(rendered["encoding"], "UCS-2");
    assert!(rendered["text"].as_str().unwrap().contains("BV-2026-001234"), "the sample order");
    let order = w.order("SHOP-SMS-8", "0555 44 44 44").await;
    let for_order: Value = post(json!({"templateId": template, "orderId": order})).await.unwrap().json().await.unwrap();
    assert!(for_order["text"].as_str().unwrap().starts_with("صحة Yacine"), "{}", for_order["text"]);

    let missing = post(json!({})).await.unwrap();
    assert_eq!(missing.status(), 422);
    assert_eq!(error_code(missing).await, "text_required");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unanswered_customer_gets_the_reminder_once_per_attempt(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let unanswered = w.order("SHOP-SMS-9", "0555 55 55 55").await;
    w.record(unanswered, "no_answer_1", 2).await;
    let answered = w.order("SHOP-SMS-10", "0555 66 66 66").await;
    w.record(answered, "busy", 2).await;
    let reminders = || app::orders::service::send_reminders(&pool, OffsetDateTime::now_utc());

    assert_eq!(reminders().await.unwrap(), (0, 0), "not before 30 minutes");
    sqlx::query("UPDATE orders SET last_attempt_at = now() - interval '31 minutes'").execute(&pool).await.unwrap();
    // Busy is also unanswered: both get it, once.
    assert_eq!(reminders().await.unwrap(), (2, 2));
    assert_eq!(reminders().await.unwrap(), (0, 0), "once per attempt");
    let steps: Vec<String> = sqlx::query_scalar("SELECT step FROM messages WHERE order_id = $1")
        .bind(unanswered)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(steps, vec!["reminder"]);

    // The next unanswered attempt is a new step: one more reminder.
    w.record(unanswered, "no_answer_2", 3).await;
    sqlx::query("UPDATE orders SET last_attempt_at = now() - interval '31 minutes' WHERE id = $1")
        .bind(unanswered)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(reminders().await.unwrap(), (1, 1));
    let order = get_json(&w.agent, w.app.url(&format!("/api/customer-service/orders/{unanswered}"))).await;
    let history: Vec<&str> =
        order["smsHistory"].as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(history, vec!["reminder", "reminder"]);
    w.app.stop().await;
}
