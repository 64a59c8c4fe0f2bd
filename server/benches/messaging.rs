//! Messaging against a private PostgreSQL: what enqueueing a step's SMS adds to an attempt write
//! (p50/p99 with the step on and off), and outbox throughput through the mock provider with one
//! and two workers, and through a local fake Twilio server over HTTP. Segment counting alone is
//! `cargo bench -p sms`. Run with `make bench-messaging`.
#![allow(clippy::unwrap_used)] // a bench: a panic is the report
#![allow(clippy::print_stdout)] // a bench reports on stdout
mod common;
#[path = "../tests/common/fakes.rs"]
#[allow(dead_code)]
mod fakes;

use std::time::{Duration, Instant};

use app::auth::{CurrentUser, Role};
use app::locale::UiLocale;
use app::messaging::provider::Provider;
use app::messaging::service::{send_due, MessagingConfig};
use app::orders::intake::NewOrder;
use app::orders::{service as orders, AttemptInput};
use sqlx::PgPool;
use time::OffsetDateTime;

const ATTEMPTS: usize = 400;
const OUTBOX: i64 = 5_000;

fn order(n: usize) -> NewOrder {
    serde_json::from_value(serde_json::json!({
        "reference": format!("BENCH-MSG-{}-{n}", std::process::id()),
        "customer": {"name": format!("Client {n}"), "phone": format!("0555{:06}", n), "language": "fr"},
        "delivery": {"wilaya": 16, "commune": "Bab El Oued", "address": format!("{n} rue des Frères Bouadou"), "type": "home"},
        "items": [{"sku": format!("SKU-{n}"), "name": "Poussette", "quantity": 1, "unitPrice": 14500}],
        "total": 14500
    }))
    .unwrap()
}

async fn attempts(pool: &PgPool, user: &CurrentUser, from: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(ATTEMPTS);
    for n in from..from + ATTEMPTS {
        let created = orders::create_order(pool, user, &order(n)).await.unwrap();
        let input = AttemptInput {
            method: "phone".into(),
            result: "confirmed".into(),
            notes: String::new(),
            duration: 40,
            callback_at: None,
            callback_scope: None,
            version: 1,
        };
        let version = orders::get_order(pool, user, created.id).await.unwrap().version;
        let started = Instant::now();
        orders::record_attempt(pool, user, created.id, &AttemptInput { version, ..input }).await.unwrap();
        samples.push(started.elapsed());
    }
    samples
}

async fn drain(pool: &PgPool, workers: usize, config: &MessagingConfig) -> (u32, Duration) {
    let started = Instant::now();
    let mut runs = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (pool, config) = (pool.clone(), config.clone());
        // Each worker runs the sender until the outbox is empty (one run sends up to 20 batches).
        runs.spawn(async move {
            let mut sent = 0;
            loop {
                let run = send_due(&pool, &config, OffsetDateTime::now_utc()).await.unwrap().sent;
                if run == 0 {
                    return sent;
                }
                sent += run;
            }
        });
    }
    let mut sent = 0;
    while let Some(done) = runs.join_next().await {
        sent += done.unwrap();
    }
    (sent, started.elapsed())
}

async fn fill_outbox(pool: &PgPool) {
    let (customer, order): (i64, i64) =
        sqlx::query_as("SELECT customer_id, id FROM orders ORDER BY id LIMIT 1").fetch_one(pool).await.unwrap();
    sqlx::query(
        "INSERT INTO messages (order_id, customer_id, step, channel, occurrence, language, recipient, body, encoding, segments)
         SELECT $1, $2, 'bench', 'sms', (SELECT coalesce(max(occurrence), 0) FROM messages) + g, 'fr', '+213555123456',
                'Bonjour, votre commande est confirmée ' || g, 'GSM-7', 1
         FROM generate_series(1, $3) g",
    )
    .bind(order)
    .bind(customer)
    .bind(OUTBOX)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::main]
async fn main() {
    server::telemetry::init(false);
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (make bench-messaging sets it)");
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(8).connect(&url).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    for sql in [
        "UPDATE messaging_settings SET quiet_start_minute = 0, quiet_end_minute = 0, friday_pause = false",
        "UPDATE messages SET status = 'sent' WHERE status IN ('queued', 'sending')",
        // SMS only: a WhatsApp twin would double what is measured
        "UPDATE message_steps SET enabled = false WHERE channel <> 'sms'",
        "INSERT INTO users (email, name, role, locale, password_hash) VALUES ('sup@bench-msg.dz', 'Sup', 'supervisor', 'fr', 'x')
         ON CONFLICT DO NOTHING",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'sup@bench-msg.dz'").fetch_one(&pool).await.unwrap();
    let user = CurrentUser {
        id,
        email: "sup@bench-msg.dz".into(),
        name: "Sup".into(),
        role: Role::Supervisor,
        locale: UiLocale::Fr,
        scopes: None,
    };
    let base: usize =
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM orders").fetch_one(&pool).await.unwrap() as usize;

    println!("attempt write (confirm) with and without the step's SMS enqueued in its transaction");
    sqlx::query("UPDATE message_steps SET enabled = false WHERE step = 'confirmed' AND channel = 'sms'")
        .execute(&pool)
        .await
        .unwrap();
    let mut off = attempts(&pool, &user, base).await;
    common::report("attempt, confirmed SMS off", &mut off);
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'confirmed' AND channel = 'sms'")
        .execute(&pool)
        .await
        .unwrap();
    let mut on = attempts(&pool, &user, base + ATTEMPTS).await;
    common::report("attempt, confirmed SMS enqueued", &mut on);
    let (p50, p99) = (
        common::percentile(&mut on, 0.5).as_secs_f64() - common::percentile(&mut off, 0.5).as_secs_f64(),
        common::percentile(&mut on, 0.99).as_secs_f64() - common::percentile(&mut off, 0.99).as_secs_f64(),
    );
    println!("enqueue adds p50 {:.2} ms, p99 {:.2} ms", p50 * 1e3, p99 * 1e3);

    let mock = MessagingConfig {
        provider: Provider::Mock { delivery_delay: Duration::from_secs(3600), latency: Duration::ZERO },
        ..Default::default()
    };
    let fake = fakes::Fake::twilio().await;
    let twilio = MessagingConfig {
        provider: Provider::Twilio(app::messaging::provider::twilio::Twilio {
            account_sid: fakes::TWILIO_SID.into(),
            auth_token: app::messaging::provider::Secret(fakes::TWILIO_TOKEN.into()),
            base_url: fake.url(),
            callback_url: Some("http://cs.example.test/api/customer-service/sms/callbacks/twilio".into()),
            client: app::messaging::provider::http_client(),
        }),
        sender_id: Some("Vitrine".into()),
        ..Default::default()
    };
    for (name, config) in [("the mock provider", &mock), ("a local fake Twilio over HTTP", &twilio)] {
        println!("outbox through {name} ({OUTBOX} queued messages, batches of 50, 8 sends in flight per worker)");
        for workers in [1, 2] {
            fill_outbox(&pool).await;
            let (sent, took) = drain(&pool, workers, config).await;
            let left: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE status = 'queued'")
                .fetch_one(&pool)
                .await
                .unwrap();
            println!(
                "{workers} worker(s): {sent} sent in {:.2} s = {:.0} messages/s ({left} left)",
                took.as_secs_f64(),
                f64::from(sent) / took.as_secs_f64()
            );
            sqlx::query("UPDATE messages SET status = 'sent' WHERE status = 'queued'").execute(&pool).await.unwrap();
        }
    }
}
