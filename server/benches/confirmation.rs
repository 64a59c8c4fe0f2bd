//! The confirmation core under production-sized data, over real HTTP on loopback:
//! 1 M orders, 500 k customers, 300 agents. Measures My queue and the pending list (p50/p99),
//! attempt writes (p99) and `POST /api/orders` throughput. Run with `make bench-confirmation`
//! (it starts a private PostgreSQL under .data/bench and keeps the data between runs).
#![allow(clippy::unwrap_used)] // a bench: a panic is the report
#![allow(clippy::print_stdout)] // a bench reports on stdout
use std::sync::Arc;
use std::time::{Duration, Instant};

use leptos::config::LeptosOptions;
use serde_json::{json, Value};
use sqlx::PgPool;

mod common;
use common::{load, login, report, timed};

/// The keyset cursor of the `n`-th row of the unfiltered pending list.
async fn cursor_after(pool: &PgPool, n: i64) -> String {
    let (order, created, id): (i16, time::OffsetDateTime, i64) = sqlx::query_as(
        "SELECT priority_order, created_at, id FROM orders WHERE closed_at IS NULL
         ORDER BY priority_order, created_at, id OFFSET $1 LIMIT 1",
    )
    .bind(n - 1)
    .fetch_one(pool)
    .await
    .unwrap();
    app::orders::PageCursor { priority_order: order, created_at: created, id }.encode()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (make bench-confirmation sets it)");
    let pool = server::startup::connect_pool(&url, 32).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    load(&pool).await;

    // plain HTTP on loopback: cookies without the Secure flag
    let settings = server::config::Settings::from_lookup(|name| match name {
        "LOGIN_MAX_FAILURES_PER_IP" => Some("100000".to_string()),
        "COOKIE_SECURE" => Some("false".to_string()),
        _ => None,
    })
    .unwrap();
    let options = LeptosOptions::builder().output_name("ecomanager-cs").build();
    let router = server::startup::router(
        pool.clone(),
        &settings,
        options,
        server::live::Hub::start(pool.clone(), settings.live_tick),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::startup::serve(listener, router, std::future::pending(), Duration::from_secs(1)));

    let agents: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, email FROM users WHERE email LIKE 'agent%@bench.dz' ORDER BY id LIMIT 20")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut clients = Vec::new();
    for (id, email) in &agents {
        clients.push((*id, login(&base, email).await));
    }
    let supervisor = login(&base, "supervisor@bench.dz").await;
    println!("\n== 1 M orders, 500 k customers, 300 agents; one client, sequential requests over loopback ==");

    // Warm up the caches the way a working day does.
    for (_, c) in &clients {
        timed(c.get(format!("{base}/api/customer-service/orders/mine")), 200).await;
    }
    let mut samples = Vec::new();
    for i in 0..2000 {
        let (_, c) = &clients[i % clients.len()];
        samples.push(timed(c.get(format!("{base}/api/customer-service/orders/mine")), 200).await);
    }
    report("GET My queue (~100 open orders per agent)", &mut samples);

    for (name, query) in [
        ("GET pending, no filter (first 100)", ""),
        ("GET pending, unassigned", "?unassigned=true"),
        ("GET pending, wilaya 16", "?wilaya=16"),
        ("GET pending, status no_answer_1", "?status=no_answer_1"),
        ("GET pending, agent + priority urgent", "?agent=AGENT&priority=urgent"),
        ("GET pending, page 51 (after row 5000)", "?after=CURSOR"),
    ] {
        let query =
            query.replace("AGENT", &agents[0].0.to_string()).replace("CURSOR", &cursor_after(&pool, 5000).await);
        let mut samples = Vec::new();
        for _ in 0..500 {
            samples
                .push(timed(supervisor.get(format!("{base}/api/customer-service/orders/pending{query}")), 200).await);
        }
        report(name, &mut samples);
    }

    // Attempt writes: each agent records a result on their own open orders.
    let mut samples = Vec::new();
    for (agent_id, c) in &clients {
        let orders: Vec<(i64, i32)> = sqlx::query_as(
            "SELECT id, version FROM orders WHERE assigned_agent_id = $1 AND closed_at IS NULL AND status <> 'callback' LIMIT 50",
        )
        .bind(agent_id)
        .fetch_all(&pool)
        .await
        .unwrap();
        for (i, (id, version)) in orders.into_iter().enumerate() {
            let result = if i % 2 == 0 { "confirmed" } else { "cancelled" };
            let body = json!({"method": "phone", "result": result, "duration": 60, "version": version});
            samples.push(
                timed(c.post(format!("{base}/api/customer-service/orders/{id}/confirm-attempt")).json(&body), 201)
                    .await,
            );
        }
    }
    report("POST confirm-attempt (closes the order)", &mut samples);

    // Intake throughput: 8 shop connections posting new orders at once.
    let admin = login(&base, "admin@bench.dz").await;
    let shop_user: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'supervisor@bench.dz'").fetch_one(&pool).await.unwrap();
    let token: Value = admin
        .post(format!("{base}/api/tokens"))
        .json(&json!({"userId": shop_user, "name": "bench", "scopes": ["orders:write"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = Arc::new(token["token"].as_str().unwrap().to_string());
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let per_client = 1000;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..8 {
        let (base, token) = (base.clone(), token.clone());
        tasks.spawn(async move {
            let client = reqwest::Client::new();
            let mut samples = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let body = json!({
                    "reference": format!("BENCH-{run}-{c}-{i}"),
                    "customer": {"name": "Yacine Benali", "phone": format!("06{:08}", (c * per_client + i) % 100_000_000)},
                    "delivery": {"wilaya": 1 + (i % 69), "address": "Cité 1000 logements"},
                    "items": [{"sku": "POU-TRIO", "name": "Poussette trio", "quantity": 1, "unitPrice": 24500}],
                    "total": 24500
                });
                samples.push(timed(client.post(format!("{base}/api/orders")).bearer_auth(&*token).json(&body), 201).await);
            }
            samples
        });
    }
    let mut samples: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
    let elapsed = started.elapsed();
    report("POST /api/orders (8 concurrent shops)", &mut samples);
    println!(
        "POST /api/orders throughput: {:.0} orders/s ({} orders in {:.2} s)",
        samples.len() as f64 / elapsed.as_secs_f64(),
        samples.len(),
        elapsed.as_secs_f64()
    );
}
