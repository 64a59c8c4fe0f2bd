//! Customer intelligence under production-sized data (1 M orders, 500 k customers, shared with
//! the confirmation bench): one incoming order checked for duplicates against the stored orders
//! (p50/p99; each check's writes rolled back), a re-scan (throughput, with progress, projected
//! to 1 M), and the nightly reclassification of every customer. Run with
//! `make bench-intelligence`. Customer names are rewritten once into realistic Algerian names in
//! both scripts (the loader's "Client 123" names would all share one key).
#![allow(clippy::unwrap_used)] // a bench: a panic is the report
#![allow(clippy::print_stdout)] // a bench reports on stdout
use std::time::Instant;

use sqlx::PgPool;
use time::OffsetDateTime;

mod common;
use common::{load, report};

const FIRST: [&str; 40] = [
    "Yacine",
    "Amina",
    "Karim",
    "Nour El Houda",
    "Sofiane",
    "Lina",
    "Walid",
    "Sarah",
    "Mehdi",
    "Imane",
    "Rachid",
    "Samia",
    "Mourad",
    "Nadia",
    "Hakim",
    "Souad",
    "Farid",
    "Kahina",
    "Bilal",
    "Meriem",
    "Hamza",
    "Rania",
    "Omar",
    "Lamia",
    "Nassim",
    "Djamila",
    "Adel",
    "Fatiha",
    "Riad",
    "Houria",
    "ياسين",
    "أمينة",
    "كريم",
    "سفيان",
    "وليد",
    "سارة",
    "مهدي",
    "رشيد",
    "سامية",
    "مراد",
];
const PREFIX: [&str; 5] = ["", "Ben ", "Bou", "Ait ", "Hadj "];
const ROOT: [&str; 30] = [
    "Ali",
    "Haddad",
    "Meziane",
    "Zid",
    "Cherif",
    "Saidi",
    "Toumi",
    "Rahmani",
    "Zerrouki",
    "Belkacem",
    "Ouali",
    "Mansouri",
    "Kaci",
    "Amrane",
    "Slimani",
    "Brahimi",
    "Larbi",
    "Hamidi",
    "Khelifi",
    "Djebbar",
    "Ferhat",
    "Guerfi",
    "Lounis",
    "Nemouchi",
    "Rezig",
    "Sahraoui",
    "Tebboune",
    "Yahiaoui",
    "Zitouni",
    "Messaoudi",
];

/// The loader numbers phones 0500000001, 0500000002, …: every number one digit away from a
/// customer's is another customer's, which no real customer base looks like (500 k customers
/// among 300 M mobile numbers). Spread them with a bijection, once.
async fn spread_phones(pool: &PgPool) {
    let dense: i64 =
        sqlx::query_scalar("SELECT count(*) FROM customers WHERE phone LIKE '+2135%'").fetch_one(pool).await.unwrap();
    if dense < 1000 {
        return;
    }
    let started = Instant::now();
    sqlx::query(
        "UPDATE customers SET phone = '+2137' || lpad(((id * 7919 + 13) % 100000000)::text, 8, '0')
         WHERE phone LIKE '+2135%'",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE orders o SET phone = c.phone FROM customers c WHERE c.id = o.customer_id AND o.phone <> c.phone",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("VACUUM ANALYZE orders").execute(pool).await.unwrap();
    println!("data: phones spread in {:.1} s", started.elapsed().as_secs_f64());
}

/// Realistic names and addresses, and their detection keys, for every order (once).
async fn prepare(pool: &PgPool) {
    // done once: keys present and names varied (a real month's names have a long tail; the first
    // version of this bench gave every order one of 12 names)
    let missing: i64 =
        sqlx::query_scalar("SELECT count(*) FROM orders WHERE name_key = ''").fetch_one(pool).await.unwrap();
    let distinct: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT name_key) FROM (SELECT name_key FROM orders LIMIT 200000) s")
            .fetch_one(pool)
            .await
            .unwrap();
    if missing == 0 && distinct > 500 {
        return;
    }
    let started = Instant::now();
    sqlx::query(
        "UPDATE orders SET customer_name = ($1::text[])[1 + customer_id % 40] || ' '
                               || ($2::text[])[1 + (customer_id / 40) % 5] || ($3::text[])[1 + (customer_id / 200) % 30],
                           delivery_address = 'Cité ' || (customer_id % 900) || ' logements, quartier ' || (customer_id % 37)",
    )
    .bind(FIRST.map(String::from).to_vec())
    .bind(PREFIX.map(String::from).to_vec())
    .bind(ROOT.map(String::from).to_vec())
    .execute(pool)
    .await
    .unwrap();
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, customer_name, delivery_address FROM orders WHERE id > $1 ORDER BY id LIMIT 20000",
        )
        .bind(after)
        .fetch_all(pool)
        .await
        .unwrap();
        let Some(last) = rows.last() else { break };
        after = last.0;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let names: Vec<String> = rows.iter().map(|r| app::duplicates::name_key(&r.1)).collect();
        let addresses: Vec<String> = rows.iter().map(|r| dedup::skeleton(&r.2)).collect();
        sqlx::query(
            "UPDATE orders o SET name_key = d.n, address_key = d.a
             FROM UNNEST($1::int8[], $2::text[], $3::text[]) AS d (id, n, a) WHERE o.id = d.id",
        )
        .bind(&ids)
        .bind(&names)
        .bind(&addresses)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("VACUUM ANALYZE orders").execute(pool).await.unwrap();
    println!("data: names and detection keys for every order in {:.1} s", started.elapsed().as_secs_f64());
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (make bench-intelligence sets it)");
    let pool = server::startup::connect_pool(&url, 8).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    load(&pool).await;
    prepare(&pool).await;
    spread_phones(&pool).await;
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders").fetch_one(&pool).await.unwrap();
    let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&pool).await.unwrap();
    println!("{orders} orders, {customers} customers");

    // One incoming order against everything stored: 2 000 orders spread over the data set, each
    // checked in a transaction that is rolled back.
    let sample: Vec<i64> = sqlx::query_scalar("SELECT id FROM orders WHERE id % 500 = 0 ORDER BY id LIMIT 2000")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut times = Vec::new();
    let mut candidates = 0;
    let mut flagged = 0;
    for id in &sample {
        let mut tx = pool.begin().await.unwrap();
        let started = Instant::now();
        let scored = app::duplicates::service::check_order(&mut tx, *id, "request").await.unwrap();
        times.push(started.elapsed());
        tx.rollback().await.unwrap();
        candidates += scored.len();
        flagged += scored.iter().filter(|p| p.flagged).count();
    }
    report("duplicate check of one order (blocking + scoring)", &mut times);
    println!(
        "  {:.1} candidates per order, {flagged} flagged pairs in the sample",
        candidates as f64 / sample.len() as f64
    );

    // Re-scan: the first 20 000 orders, pairs stored for real, with progress; projected to 1 M.
    let scan: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM orders ORDER BY id LIMIT 20000").fetch_all(&pool).await.unwrap();
    let started = Instant::now();
    let mut done = 0;
    for chunk in scan.chunks(4000) {
        app::duplicates::service::run(&pool, chunk, "scan").await.unwrap();
        done += chunk.len();
        eprintln!(
            "  re-scan: {done} / {} orders, {:.0} orders/s",
            scan.len(),
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    let rate = scan.len() as f64 / started.elapsed().as_secs_f64();
    println!(
        "re-scan: {} orders in {:.1} s = {:.0} orders/s (1 M orders: {:.1} min)",
        scan.len(),
        started.elapsed().as_secs_f64(),
        rate,
        1_000_000.0 / rate / 60.0
    );

    // Nightly reclassification of every customer.
    let started = Instant::now();
    let result = app::customers::service::reclassify_all(&pool, OffsetDateTime::now_utc(), |r| {
        if r.batches % 20 == 0 {
            eprintln!("  reclassification: {} customers", r.customers);
        }
    })
    .await
    .unwrap();
    let took = started.elapsed();
    println!(
        "reclassification: {} customers ({} changed class) in {:.1} s = {:.0} customers/s, {} batches",
        result.customers,
        result.changed,
        took.as_secs_f64(),
        result.customers as f64 / took.as_secs_f64(),
        result.batches
    );
}
