//! Shared by the benches: the production-sized data set (1 M orders, 500 k customers, 300
//! agents, loaded once into the private database and kept between runs) and percentile reports.
#![allow(dead_code)]
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::PgPool;

pub const ORDERS: i64 = 1_000_000;
pub const CUSTOMERS: i64 = 500_000;
pub const AGENTS: i64 = 300;
pub const PASSWORD: &str = "bench-password";

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

pub fn report(name: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 0.50);
    let p99 = percentile(samples, 0.99);
    let max = percentile(samples, 1.0);
    println!(
        "{name:<44} n={:<6} p50={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

/// A client logged in (session cookie) as `email` with the bench password.
pub async fn login(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {email}");
    client
}

/// The time one request takes to answer, body read; the status must be `expect`.
pub async fn timed(request: reqwest::RequestBuilder, expect: u16) -> Duration {
    let started = Instant::now();
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let _ = response.bytes().await.unwrap();
    assert_eq!(status, expect);
    started.elapsed()
}

/// Loads the data set unless it is there.
pub async fn load(pool: &PgPool) {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM orders").fetch_one(pool).await.unwrap();
    if have >= ORDERS {
        println!("data: {have} orders already loaded");
        return;
    }
    let started = Instant::now();
    let hash = app::auth::service::hash_password(app::auth::domain::NewPassword::parse(PASSWORD.to_string()).unwrap())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (email, name, role, locale, password_hash)
         SELECT 'agent' || g || '@bench.dz', 'Agent ' || g, 'agent', (ARRAY['fr','ar','ar-DZ'])[1 + g % 3], $1
         FROM generate_series(1, $2) g
         UNION ALL SELECT 'supervisor@bench.dz', 'Superviseur', 'supervisor', 'fr', $1
         UNION ALL SELECT 'admin@bench.dz', 'Admin', 'admin', 'fr', $1
         ON CONFLICT DO NOTHING",
    )
    .bind(&hash)
    .bind(AGENTS)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO customers (phone, name, name_normalized, locale, wilaya_code, address, orders_count, last_order_at)
         SELECT '+2135' || lpad(g::text, 8, '0'), 'Client ' || g, 'client ' || g, (ARRAY['fr','ar','ar-DZ'])[1 + g % 3],
                1 + g % 69, 'Adresse ' || g, 2, now()
         FROM generate_series(1, $1) g",
    )
    .bind(CUSTOMERS)
    .execute(pool)
    .await
    .unwrap();
    println!("data: users and {CUSTOMERS} customers in {:.1} s", started.elapsed().as_secs_f64());
    // 3 % open and assigned (about 100 per agent), 2 % open in the pool, the rest closed.
    for chunk in 0..10 {
        let (from, to) = (chunk * ORDERS / 10 + 1, (chunk + 1) * ORDERS / 10);
        sqlx::query(
            "WITH agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE email LIKE 'agent%@bench.dz'),
                  first_customer AS (SELECT min(id) AS id FROM customers)
             INSERT INTO orders (customer_id, customer_name, phone, total_dzd, delivery_wilaya, delivery_address, status,
                                 priority, assigned_agent_id, assigned_at, attempts_count, next_contact_at, closed_at,
                                 created_at, source, shop_reference)
             SELECT fc.id + g % $3, 'Client ' || (g % $3), '+2135' || lpad((g % $3 + 1)::text, 8, '0'), 1000 + g % 40000,
                    1 + g % 69, 'Adresse', s.status,
                    (ARRAY['low','normal','normal','normal','high','urgent'])[1 + g % 6],
                    CASE WHEN g % 100 BETWEEN 3 AND 4 THEN NULL ELSE a.ids[1 + (g / 100) % array_length(a.ids, 1)] END,
                    now() - interval '1 hour', CASE WHEN g % 100 < 5 THEN g % 3 ELSE 1 END,
                    CASE WHEN g % 100 < 3 AND g % 4 = 1 THEN now() + (g % 7200 - 3600) * interval '1 second' END,
                    CASE WHEN g % 100 >= 5 THEN now() - (g % 2592000) * interval '1 second' END,
                    now() - (g % 2592000) * interval '1 second' - interval '1 hour', 'bench', 'BENCH-' || g
             FROM generate_series($1::int8, $2::int8) g
             CROSS JOIN agents a CROSS JOIN first_customer fc
             CROSS JOIN LATERAL (SELECT CASE
                 WHEN g % 100 < 5 THEN (ARRAY['new','no_answer_1','busy','callback'])[1 + g % 4]
                 WHEN g % 100 < 65 THEN 'confirmed'
                 WHEN g % 100 < 85 THEN 'cancelled'
                 ELSE 'abandoned' END AS status) s",
        )
        .bind(from)
        .bind(to)
        .bind(CUSTOMERS)
        .execute(pool)
        .await
        .unwrap();
        println!("data: orders {to} ({:.1} s)", started.elapsed().as_secs_f64());
    }
    sqlx::query("INSERT INTO order_items (order_id, line, sku, name, quantity, unit_price_dzd) SELECT id, 1, 'SKU', 'Produit', 1, total_dzd FROM orders")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO confirmation_attempts (order_id, agent_id, method, status_before, result_status, status_after,
                                            started_at, ended_at, created_at)
         SELECT id, assigned_agent_id, 'phone', 'new', status, status, closed_at - interval '1 minute', closed_at, closed_at
         FROM orders WHERE closed_at IS NOT NULL",
    )
    .execute(pool)
    .await
    .unwrap();
    // the first contact the attempt path keeps on the order
    sqlx::query(
        "UPDATE orders SET first_attempt_at = closed_at, first_agent_id = assigned_agent_id,
                          first_assigned_at = created_at + interval '5 minutes'
                      WHERE closed_at IS NOT NULL AND assigned_agent_id IS NOT NULL",
    )
    .execute(pool)
    .await
    .unwrap();
    // as autovacuum leaves a loaded table: analysed, and visible to index-only scans
    sqlx::query("VACUUM (ANALYZE)").execute(pool).await.unwrap();
    println!("data: loaded in {:.1} s", started.elapsed().as_secs_f64());
}
