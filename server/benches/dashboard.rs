//! The dashboard under production-sized data, over real HTTP on loopback (1 M orders over the
//! last 12 days (86 k a day), 500 k customers, 300 agents; shared with the other benches): the dashboard
//! request for today, the last 30 days by day and last month by week (p50/p99), the drill-down
//! behind "past deadline", and the live layer: 300 connected streams, an agent records attempts,
//! the time until each stream hears of it. Run with `make bench-dashboard`.
#![allow(clippy::unwrap_used)] // a bench: a panic is the report
#![allow(clippy::print_stdout)] // a bench reports on stdout
use std::time::{Duration, Instant};

use leptos::config::LeptosOptions;
use serde_json::json;
use time::OffsetDateTime;

mod common;
use common::{load, login, report, timed};

fn date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Reads one SSE stream; sends (order id, arrival) for every `orders` event.
async fn listen(mut response: reqwest::Response, heard: tokio::sync::mpsc::UnboundedSender<(i64, Instant)>) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if !block.contains("event: orders") && !block.contains("event:orders") {
                continue;
            }
            let at = Instant::now();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) {
                let ids: serde_json::Value = serde_json::from_str(data.trim()).unwrap_or_default();
                for id in ids["ids"].as_array().into_iter().flatten().filter_map(|v| v.as_i64()) {
                    let _ = heard.send((id, at));
                }
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (make bench-dashboard sets it)");
    let pool = server::startup::connect_pool(&url, 32).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    load(&pool).await;
    // after the confirmation bench's writes: as autovacuum would keep it
    sqlx::query("VACUUM (ANALYZE) orders").execute(&pool).await.unwrap();
    // the past days folded, as the hourly job keeps them
    let started = Instant::now();
    let days = app::dashboard::service::fold(&pool, OffsetDateTime::now_utc()).await.unwrap();
    println!("fold: {days} tally rows in {:.2} s", started.elapsed().as_secs_f64());

    // plain HTTP on loopback: cookies without the Secure flag
    let settings = server::config::Settings::from_lookup(|name| match name {
        "LOGIN_MAX_FAILURES_PER_IP" => Some("100000".to_string()),
        "COOKIE_SECURE" => Some("false".to_string()),
        _ => None,
    })
    .unwrap();
    let options = LeptosOptions::builder().output_name("ecomanager-cs").build();
    let live = server::live::Hub::start(pool.clone(), settings.live_tick);
    let router = server::startup::router(pool.clone(), &settings, options, live.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::startup::serve(listener, router, std::future::pending(), Duration::from_secs(1)));
    let supervisor = login(&base, "supervisor@bench.dz").await;

    let today = app::locale::algiers::local_date(OffsetDateTime::now_utc());
    let month_start = today.replace_day(1).unwrap();
    let last_month_end = month_start.previous_day().unwrap();
    let last_month_start = last_month_end.replace_day(1).unwrap();
    println!("\n== dashboard, 1 M orders over the last 12 days; one client, sequential requests ==");
    for (name, query) in [
        ("GET dashboard, today".to_string(), String::new()),
        (
            "GET dashboard, last 30 days by day".to_string(),
            format!("?from={}&to={}&period=day", date(today - time::Duration::days(29)), date(today)),
        ),
        (
            "GET dashboard, last month by week".to_string(),
            format!("?from={}&to={}&period=week", date(last_month_start), date(last_month_end)),
        ),
    ] {
        let url = format!("{base}/api/customer-service/dashboard{query}");
        // the first request of the range computes the shop-wide figures kept for 30 s
        let cold = timed(supervisor.get(&url), 200).await;
        println!("{name}: first request (nothing cached) {:.1} ms", cold.as_secs_f64() * 1e3);
        // warm: the slow figures cached, the pool's connections open with their statements
        for _ in 0..4 {
            timed(supervisor.get(&url), 200).await;
        }
        let mut samples = Vec::new();
        for _ in 0..100 {
            samples.push(timed(supervisor.get(&url), 200).await);
        }
        report(&name, &mut samples);
    }
    // every agent's figures, never cached: read from the tallies for whole days
    for period in ["today", "30d"] {
        let url = format!("{base}/api/customer-service/agents/performance?period={period}");
        let mut samples = Vec::new();
        for _ in 0..20 {
            samples.push(timed(supervisor.get(&url), 200).await);
        }
        report(&format!("GET agents/performance (300 agents), {period}"), &mut samples);
    }
    let mut samples = Vec::new();
    for _ in 0..20 {
        samples.push(
            timed(supervisor.get(format!("{base}/api/customer-service/dashboard/orders?list=past_deadline")), 200)
                .await,
        );
    }
    report("GET drill-down, past deadline", &mut samples);

    println!("\n== live: 300 connected streams, an agent records attempts ==");
    let (heard_tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let watcher = login(&base, "supervisor@bench.dz").await;
    for _ in 0..300 {
        let response = watcher.get(format!("{base}/api/customer-service/events")).send().await.unwrap();
        tokio::spawn(listen(response, heard_tx.clone()));
    }
    println!("streams open: {}", live.clients());
    let (agent_id, email): (i64, String) = sqlx::query_as(
        "SELECT u.id, u.email FROM users u WHERE u.email LIKE 'agent%@bench.dz'
         AND (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = u.id AND o.closed_at IS NULL AND o.status <> 'callback') >= 50
         ORDER BY u.id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let agent = login(&base, &email).await;
    let orders: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT id, version FROM orders WHERE assigned_agent_id = $1 AND closed_at IS NULL AND status <> 'callback' LIMIT 50",
    )
    .bind(agent_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (mut after_response, mut after_request, mut attempts) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (id, version)) in orders.iter().enumerate() {
        let result = if i % 2 == 0 { "confirmed" } else { "cancelled" };
        let sent = Instant::now();
        let response = agent
            .post(format!("{base}/api/customer-service/orders/{id}/confirm-attempt"))
            .json(&json!({"method": "phone", "result": result, "notes": "", "duration": 60, "version": version}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let _ = response.bytes().await.unwrap();
        let answered = Instant::now();
        attempts.push(answered - sent);
        let mut arrivals = 0;
        while arrivals < 300 {
            let (heard_id, at) = tokio::time::timeout(Duration::from_secs(30), heard.recv()).await.unwrap().unwrap();
            if heard_id == *id {
                arrivals += 1;
                after_request.push(at - sent);
                after_response.push(at.saturating_duration_since(answered));
            }
        }
    }
    let slowest = attempts.iter().enumerate().max_by_key(|(_, d)| **d).map(|(i, d)| (i, d.as_secs_f64() * 1e3));
    println!("slowest attempt: {slowest:?} (index, ms)");
    report("POST confirm-attempt (the change)", &mut attempts);
    report("attempt sent → event at a client (300)", &mut after_request);
    report("attempt answered → event at a client", &mut after_response);
}
