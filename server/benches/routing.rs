//! Auto-assignment end to end (read the pool and the agents, decide, write every order with its
//! reason and audit entry, in one transaction) for 1 k / 10 k / 100 k pending orders over 300
//! agents, against a private PostgreSQL. Reports the time per run, rule violations found by SQL
//! re-checks, and the workload Gini coefficient inside each group of equally eligible agents.
//! Run with `make bench-routing` (the engine alone is `cargo bench -p routing`).
#![allow(clippy::unwrap_used)] // a bench: a panic is the report
#![allow(clippy::print_stdout)] // a bench reports on stdout
use std::time::{Duration, Instant};

use sqlx::PgPool;
use time::OffsetDateTime;

const AGENTS: i64 = 300;
const RUNS: usize = 5;

/// 300 agents in three groups of 100 equals: A speaks ar-DZ, ar and fr, everywhere; B speaks
/// ar-DZ and ar, everywhere; C speaks ar-DZ and fr for the Algiers region and Oran only.
/// All available and on shift all week, with room for the largest pool.
async fn agents(pool: &PgPool) {
    sqlx::query(
        "INSERT INTO users (email, name, role, locale, password_hash)
         SELECT 'agent' || g || '@bench.dz', 'Agent ' || g, 'agent', 'fr', 'not-a-hash'
         FROM generate_series(1, $1) g",
    )
    .bind(AGENTS)
    .execute(pool)
    .await
    .unwrap();
    for sql in [
        "UPDATE agent_profiles SET max_open_orders = 1000, max_orders_per_day = 2000",
        "DELETE FROM agent_languages",
        "INSERT INTO agent_languages (user_id, language, proficiency)
         SELECT u.id, l, 4 FROM users u CROSS JOIN unnest(ARRAY['ar-DZ','ar','fr']) l
         WHERE u.role = 'agent' AND NOT (l = 'fr' AND u.id % 3 = 1) AND NOT (l = 'ar' AND u.id % 3 = 2)",
        "UPDATE agent_profiles SET wilayas = '{16,9,35,42,31}' WHERE user_id % 3 = 2",
        "DELETE FROM agent_shifts",
        "INSERT INTO agent_shifts (user_id, weekday, start_minute, end_minute)
         SELECT p.user_id, d, 0, 1440 FROM agent_profiles p CROSS JOIN generate_series(1, 7) d",
        "INSERT INTO agent_presence (user_id, state) SELECT user_id, 'available' FROM agent_profiles",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

/// `n` pending orders from `n` customers: 70 % ar-DZ, 20 % fr, 10 % ar; wilayas weighted toward
/// Algiers, Oran, Constantine; mostly normal priority; waiting 0–40 minutes (some past the
/// wilaya relaxation).
async fn orders(pool: &PgPool, n: i64) {
    sqlx::query("TRUNCATE order_items, confirmation_attempts, orders, customer_contacts, customers CASCADE")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO customers (phone, name, name_normalized, locale, wilaya_code)
         SELECT '+2135' || lpad(g::text, 8, '0'), 'Client ' || g, 'client ' || g,
                CASE WHEN g % 10 < 7 THEN 'ar-DZ' WHEN g % 10 < 9 THEN 'fr' ELSE 'ar' END,
                (ARRAY[16,16,16,31,31,25,9,19,5,13])[1 + g % 10] + CASE WHEN g % 7 = 0 THEN g % 40 ELSE 0 END
         FROM generate_series(1, $1) g",
    )
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO orders (customer_id, customer_name, phone, total_dzd, delivery_wilaya, status, priority,
                             created_at, waiting_since, source)
         SELECT c.id, c.name, c.phone, 1000 + c.id % 40000, c.wilaya_code, 'new',
                (ARRAY['low','normal','normal','normal','normal','high','urgent'])[1 + c.id % 7],
                now() - (c.id % 2400) * interval '1 second', now() - (c.id % 2400) * interval '1 second', 'bench'
         FROM customers c",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
}

async fn unassign(pool: &PgPool) {
    sqlx::query("UPDATE orders SET assigned_agent_id = NULL, assigned_at = NULL, routing_reason = NULL")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("VACUUM ANALYZE orders").execute(pool).await.unwrap();
}

/// Assignments that break a hard rule: language (exact, or any Arabic once relaxed), wilaya
/// (unless relaxed), limits.
async fn violations(pool: &PgPool) -> i64 {
    let language: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id
         WHERE o.assigned_agent_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM agent_languages l WHERE l.user_id = o.assigned_agent_id
                           AND (l.language = c.locale
                                OR (o.routing_reason -> 'why' -> 'relaxed') @> '[{\"kind\": \"any_arabic\"}]'
                                   AND l.language IN ('ar', 'ar-DZ') AND c.locale IN ('ar', 'ar-DZ')))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let wilaya: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM orders o JOIN agent_profiles p ON p.user_id = o.assigned_agent_id
         WHERE cardinality(p.wilayas) > 0 AND NOT o.delivery_wilaya = ANY (p.wilayas)
           AND NOT (o.routing_reason -> 'why' -> 'relaxed') @> '[{\"kind\": \"wilaya_dropped\"}]'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let limits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM agent_profiles p
         WHERE (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = p.user_id) > p.max_open_orders",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    language + wilaya + limits
}

/// Gini of the orders taken, inside each group of equal agents (max of the three groups).
async fn gini(pool: &PgPool) -> f64 {
    let mut worst: f64 = 0.0;
    for group in 0..3_i64 {
        let loads: Vec<i64> = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM orders o WHERE o.assigned_agent_id = p.user_id)
             FROM agent_profiles p WHERE p.user_id % 3 = $1",
        )
        .bind(group)
        .fetch_all(pool)
        .await
        .unwrap();
        let loads: Vec<u32> = loads.into_iter().map(|l| u32::try_from(l).unwrap()).collect();
        worst = worst.max(routing::gini(&loads));
    }
    worst
}

#[tokio::main]
async fn main() {
    server::telemetry::init(false);
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (make bench-routing sets it)");
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&url).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    let have: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'agent'").fetch_one(&pool).await.unwrap();
    if have < AGENTS {
        agents(&pool).await;
    }
    println!(
        "auto-assign end to end: read, decide, write (orders, reasons, audit) in one transaction; {AGENTS} agents"
    );
    println!(
        "{:>8} {:>5} {:>10} {:>10} {:>9} {:>10} {:>10} {:>8}",
        "orders", "runs", "median ms", "max ms", "assigned", "unassigned", "violations", "gini"
    );
    // ROUTING_BENCH_SIZES=10000 runs one size (profiling); the default is the report's three
    let sizes: Vec<i64> = std::env::var("ROUTING_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let loading = Instant::now();
        orders(&pool, n).await;
        let loaded = loading.elapsed();
        let runs = if n >= 100_000 { 3 } else { RUNS };
        let mut times: Vec<Duration> = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            unassign(&pool).await;
            let started = Instant::now();
            let report = app::agents::service::auto_assign(&pool, None, OffsetDateTime::now_utc()).await.unwrap();
            times.push(started.elapsed());
            last = Some(report);
        }
        times.sort_unstable();
        let report = last.unwrap();
        println!(
            "{:>8} {:>5} {:>10.1} {:>10.1} {:>9} {:>10} {:>10} {:>8.4}   (data {:.1} s)",
            n,
            runs,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            report.assigned,
            report.unassigned,
            violations(&pool).await,
            gini(&pool).await,
            loaded.as_secs_f64(),
        );
    }
}
