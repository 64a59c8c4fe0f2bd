//! Kill -9 in the middle of a send: a real worker process (the server binary, its job runner on)
//! claims a message and hands it to the provider, which is slow to answer; the process is killed
//! before it can write the acknowledgement. Another worker, once the lease runs out, looks the
//! message up at the provider instead of sending it again: the message ends `sent`, the provider
//! got it once, and nothing was lost.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use app::messaging::provider::Provider;
use app::messaging::service::{send_due, MessagingConfig};
use common::{order_body, TestApp};
use sqlx::PgPool;
use time::OffsetDateTime;

/// The URL of the test's own database (the pool's options, on the server DATABASE_URL names).
fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let name = pool.connect_options().get_database().expect("database name").to_string();
    // `postgres://user@host:port/db?host=/socket/dir`: the query may hold slashes of its own.
    let (address, query) = match base.split_once('?') {
        Some((address, query)) => (address, format!("?{query}")),
        None => (base.as_str(), String::new()),
    };
    let (server, _) = address.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{name}{query}")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_worker_killed_between_claim_and_acknowledgement_loses_nothing_and_sends_nothing_twice(pool: PgPool) {
    sqlx::query("UPDATE messaging_settings SET quiet_start_minute = 0, quiet_end_minute = 0, friday_pause = false")
        .execute(&pool)
        .await
        .unwrap();
    // An order whose confirmation queued an SMS (no runner in this process).
    let app = TestApp::spawn(pool.clone()).await;
    app.create_user("admin@test.dz", "admin").await;
    let agent = app.create_user("agent@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let order = app.intake(&token, &order_body("CRASH-1", "0555 12 34 56")).await;
    app.assign(&admin, order, agent).await;
    let agent_client = app.logged_in("agent@test.dz").await;
    let response = agent_client
        .post(app.url(&format!("/api/customer-service/orders/{order}/confirm-attempt")))
        .json(&serde_json::json!({"method": "phone", "result": "confirmed", "duration": 30, "version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    app.stop().await;

    // The worker process: the server binary with its runner, a provider that takes 30 s to answer.
    let log = std::env::temp_dir().join(format!("messaging-crash-worker-{}.log", std::process::id()));
    let mut worker = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url(&pool))
        .env("SCHEDULER", "true")
        .env("JOBS_TICK_MS", "50")
        .env("SMS_MOCK_LATENCY_MS", "30000")
        .env("SMS_LEASE_SECONDS", "5")
        .env("LEPTOS_OUTPUT_NAME", "ecomanager-cs")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .expect("start the worker process");

    // Wait until the provider has the message and the outbox still says `sending`.
    let mut handed_over = false;
    for _ in 0..400 {
        let (at_provider, sending): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM mock_provider_messages),
                    (SELECT count(*) FROM messages WHERE status = 'sending')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if at_provider == 1 && sending == 1 {
            handed_over = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worker.kill().expect("kill -9"); // SIGKILL: no shutdown, no cleanup
    worker.wait().unwrap();
    assert!(
        handed_over,
        "the worker claimed the message and the provider took it; its log:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let (status, owner, lease_until): (String, Option<String>, OffsetDateTime) =
        sqlx::query_as("SELECT status, lease_owner, lease_until FROM messages").fetch_one(&pool).await.unwrap();
    assert_eq!(status, "sending", "the acknowledgement was never written");
    assert!(owner.is_some());

    // Another worker: nothing to do while the dead one's lease holds, then a lookup, not a resend.
    let config = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::ZERO },
        ..MessagingConfig::default()
    };
    let early = send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!((early.sent, early.reconciled), (0, 0), "the lease still holds: {early:?}");
    let wait = lease_until - OffsetDateTime::now_utc() + time::Duration::milliseconds(300);
    tokio::time::sleep(Duration::try_from(wait).unwrap_or_default()).await;
    let late = send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!((late.sent, late.reconciled), (0, 1), "{late:?}");
    let (status, reference): (String, Option<String>) =
        sqlx::query_as("SELECT status, provider_ref FROM messages").fetch_one(&pool).await.unwrap();
    assert_eq!(status, "sent");
    assert!(reference.is_some_and(|r| r.starts_with("mock-")));
    let sends: i32 = sqlx::query_scalar("SELECT sends FROM mock_provider_messages").fetch_one(&pool).await.unwrap();
    assert_eq!(sends, 1, "the provider was handed the message once");
}
