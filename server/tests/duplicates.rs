//! Duplicate detection over real HTTP against a real database: caught at intake for each kind of
//! duplicate that really happens (and not for honest repeat buyers or households), held out of
//! routing, reviewed (duplicate / not a duplicate / same customer), the endpoint and the KPI.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{agent_profile, error_code, get_json, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

struct World {
    app: TestApp,
    supervisor: reqwest::Client,
    agent: reqwest::Client,
    shop_token: String,
}

async fn world(pool: PgPool) -> World {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    app.create_user("agent@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let shop_token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let agent = app.logged_in("agent@test.dz").await;
    World { app, supervisor, agent, shop_token }
}

fn body(reference: &str, name: &str, phone: &str, address: &str, items: Value, total: i64) -> Value {
    json!({"reference": reference, "customer": {"name": name, "phone": phone, "language": "ar-DZ"},
           "delivery": {"wilaya": 16, "address": address, "type": "home"}, "items": items, "total": total})
}

fn stroller() -> (Value, i64) {
    (json!([{"sku": "POU-TRIO", "name": "Poussette trio", "quantity": 1, "unitPrice": 24500}]), 24500)
}

impl World {
    async fn intake(&self, body: &Value) -> i64 {
        self.app.intake(&self.shop_token, body).await
    }

    async fn order(&self, id: i64) -> Value {
        get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/orders/{id}"))).await
    }

    async fn queue(&self) -> Vec<Value> {
        let list: Value = get_json(&self.supervisor, self.app.url("/api/customer-service/duplicates")).await;
        list.as_array().unwrap().clone()
    }

    async fn decide(&self, pair: &Value, decision: &str) -> reqwest::Response {
        self.supervisor
            .post(self.app.url(&format!("/api/customer-service/duplicates/{}/decision", pair["id"])))
            .json(&json!({"decision": decision}))
            .send()
            .await
            .unwrap()
    }

    /// Moves an order back in time (an earlier purchase).
    async fn age(&self, id: i64, days: i64) {
        sqlx::query("UPDATE orders SET created_at = created_at - make_interval(days => $2) WHERE id = $1")
            .bind(id)
            .bind(i32::try_from(days).unwrap())
            .execute(&self.app.pool)
            .await
            .unwrap();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_double_submission_is_caught_at_intake_held_and_released_when_not_a_duplicate(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    let first = w
        .intake(&body("S-1", "Yacine Benali", "0555 12 34 56", "Cité 500 logements Bab Ezzouar", items.clone(), total))
        .await;
    let second =
        w.intake(&body("S-2", "Yacine Benali", "0555123456", "Cité 500 logts, Bab Ezzouar", items, total)).await;
    assert!(w.order(first).await["duplicateInfo"]["duplicateScore"].is_null());
    let info = &w.order(second).await["duplicateInfo"];
    assert_eq!(info["isDuplicate"], true);
    assert_eq!(info["originalOrder"], first);
    assert_eq!(info["detectionMethod"], "phone");
    assert!(info["duplicateScore"].as_i64().unwrap() >= 85);

    // held: auto-assign places the first and leaves the second alone
    let agent_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'agent@test.dz'").fetch_one(&w.app.pool).await.unwrap();
    let profile = agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]));
    w.app.make_available(&w.supervisor, &w.agent, agent_id, &profile).await;
    let auto = |w: &World| w.supervisor.post(w.app.url("/api/customer-service/orders/auto-assign")).send();
    auto(&w).await.unwrap();
    assert_eq!(w.order(first).await["confirmation"]["assignedAgent"], agent_id);
    assert!(w.order(second).await["confirmation"]["assignedAgent"].is_null());

    // the review queue shows the pair with its evidence
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1);
    let pair = &queue[0];
    assert_eq!(pair["order"]["orderId"], second);
    assert_eq!(pair["original"]["orderId"], first);
    assert_eq!(pair["evidence"]["phone"], "same");
    assert!(pair["evidence"]["contributions"].as_array().unwrap().len() >= 5);
    // agents may not decide
    let by_agent = w
        .agent
        .post(w.app.url(&format!("/api/customer-service/duplicates/{}/decision", pair["id"])))
        .json(&json!({"decision": "duplicate"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_agent.status(), 403);

    assert_eq!(w.decide(pair, "not_duplicate").await.status(), 204);
    assert_eq!(error_code(w.decide(pair, "duplicate").await).await, "pair_decided");
    let info = &w.order(second).await["duplicateInfo"];
    assert_eq!(info["isDuplicate"], false);
    assert!(info["duplicateScore"].is_null());
    // back in the queue: the next run places it
    auto(&w).await.unwrap();
    assert_eq!(w.order(second).await["confirmation"]["assignedAgent"], agent_id);
    let accuracy: Value = get_json(&w.supervisor, w.app.url("/api/customer-service/duplicates/accuracy")).await;
    assert_eq!(accuracy["decided"], 1);
    assert_eq!(accuracy["precision"], 0.0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_other_script_with_a_swapped_phone_digit_is_found_by_blocking_and_flagged(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    let first = w
        .intake(&body("S-1", "Yacine Benali", "0555 12 34 56", "Cité 500 logements Bab Ezzouar", items.clone(), total))
        .await;
    // another customer record (the phone differs), Arabic script
    let second = w.intake(&body("S-2", "ياسين بن علي", "0555 12 34 65", "حي 500 مسكن باب الزوار", items, total)).await;
    let info = &w.order(second).await["duplicateInfo"];
    assert_eq!(info["originalOrder"], first, "{info}");
    assert_eq!(info["detectionMethod"], "phone_typo");
    assert!(info["duplicateScore"].as_i64().unwrap() >= 50);
    let pair = &w.queue().await[0];
    assert_eq!(pair["evidence"]["phone"], "transposed");
    assert!(pair["evidence"]["nameSimilarity"].as_f64().unwrap() >= 0.85);
}

#[sqlx::test(migrations = "../migrations")]
async fn honest_repeat_buyers_and_households_are_not_flagged(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    let first =
        w.intake(&body("S-1", "Yacine Benali", "0555 12 34 56", "Cité 500 logements Bab Ezzouar", items, total)).await;
    w.age(first, 21).await;
    // the same customer three weeks later, other products
    let repeat = w
        .intake(&body(
            "S-2",
            "Yacine Benali",
            "0555 12 34 56",
            "Cité 500 logements Bab Ezzouar",
            json!([{"sku": "LIT-01", "name": "Lit parapluie", "quantity": 1, "unitPrice": 9800}]),
            9800,
        ))
        .await;
    // his wife, same address, her own phone and products
    let household = w
        .intake(&body(
            "S-3",
            "Amina Benali",
            "0661 98 76 54",
            "Cité 500 logements Bab Ezzouar",
            json!([{"sku": "BIB-02", "name": "Biberon", "quantity": 3, "unitPrice": 900}]),
            2700,
        ))
        .await;
    for id in [repeat, household] {
        assert!(w.order(id).await["duplicateInfo"]["duplicateScore"].is_null(), "order {id} flagged");
    }
    assert!(w.queue().await.is_empty());
    // the endpoint still scores them, with the evidence, below the review threshold
    let report: Value = w
        .supervisor
        .post(w.app.url("/api/customer-service/orders/detect-duplicates"))
        .json(&json!({"orderIds": [repeat, household]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["ordersChecked"], 2);
    assert_eq!(report["flagged"], 0);
    assert_eq!(report["reviewThreshold"], 50);
    // the repeat buyer is a candidate (same customer) and scored low; the household (other name,
    // other phone) is not even a candidate
    assert_eq!(report["candidatesScored"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_confirmed_duplicate_is_closed_and_linked_and_same_customer_merges(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    let first = w.intake(&body("S-1", "Yacine Benali", "0555 12 34 56", "Bab Ezzouar", items.clone(), total)).await;
    let second = w.intake(&body("S-2", "Yacine Benali", "0555 12 34 56", "Bab Ezzouar", items.clone(), total)).await;
    let pair = w.queue().await[0].clone();
    // the review queue exports as CSV (UTF-8 with BOM)
    let text = common::get_csv(&w.supervisor, w.app.url("/api/customer-service/duplicates?format=csv")).await;
    assert!(text.starts_with("\u{FEFF}score,method,order,customer,phone"), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(pair["order"]["number"].as_str().unwrap()), "{text}");
    assert_eq!(w.decide(&pair, "duplicate").await.status(), 204);
    let order = w.order(second).await;
    assert_eq!(order["confirmation"]["statusCode"], "duplicate");
    assert!(!order["confirmation"]["closedAt"].is_null());
    assert_eq!(order["duplicateInfo"]["originalOrder"], first);

    // the same person under a second number (a typo in one digit): same customer, merged
    let third = w.intake(&body("S-3", "Yacine Benali", "0555 12 34 57", "Bab Ezzouar", items, total)).await;
    let customers_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&w.app.pool).await.unwrap();
    let pair = w.queue().await.into_iter().find(|p| p["order"]["orderId"] == third).unwrap();
    assert_eq!(w.decide(&pair, "same_customer").await.status(), 204);
    let customers_after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&w.app.pool).await.unwrap();
    assert_eq!(customers_after, customers_before, "the merged customer is kept, marked merged");
    let order = w.order(third).await;
    assert_eq!(order["customerId"], w.order(first).await["customerId"]);
    assert!(order["confirmation"]["closedAt"].is_null(), "both orders stay");
    let accuracy: Value = get_json(&w.supervisor, w.app.url("/api/customer-service/duplicates/accuracy")).await;
    assert_eq!(accuracy["confirmedDuplicates"], 1);
    assert_eq!(accuracy["sameCustomer"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_same_customer_merge_sticks_keeps_the_merged_card_and_can_be_undone(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    let first = w.intake(&body("M-1", "Yacine Benali", "0555 12 34 56", "Bab Ezzouar", items.clone(), total)).await;
    let second = w.intake(&body("M-2", "Yacine Benali", "0555 12 34 57", "Bab Ezzouar", items.clone(), total)).await;
    let survivor = w.order(first).await["customerId"].as_i64().unwrap();
    let merged = w.order(second).await["customerId"].as_i64().unwrap();
    assert_ne!(survivor, merged);
    let card_url = |id: i64| w.app.url(&format!("/api/customer-service/customers/{id}"));
    let response = w
        .supervisor
        .post(w.app.url(&format!("/api/customer-service/customers/{merged}/notes")))
        .json(&json!({"content": "rappeler après 18 h"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let pair = w.queue().await.into_iter().find(|p| p["order"]["orderId"] == second).unwrap();
    assert_eq!(w.decide(&pair, "same_customer").await.status(), 204);

    // the merged card is kept and says where it went; the survivor has everything
    assert_eq!(w.order(second).await["customerId"], survivor);
    let card = get_json(&w.supervisor, card_url(merged)).await;
    assert_eq!(card["mergedInto"], survivor, "{card}");
    assert_eq!(card["counters"]["totalOrders"], 0);
    let card = get_json(&w.supervisor, card_url(survivor)).await;
    assert_eq!(card["counters"]["totalOrders"], 2);
    assert_eq!(card["otherPhones"], json!(["+213555123457"]));
    assert_eq!(card["notes"][0]["content"], "rappeler après 18 h");
    assert_eq!(card["merged"][0]["customerId"], merged);
    let merge_id = card["merged"][0]["mergeId"].as_i64().unwrap();
    let audited = card["audit"].as_array().unwrap().iter().filter(|a| a["action"] == "customer.merge").count();
    assert_eq!(audited, 2, "the survivor's and the merged customer's");

    // the next order from the merged phone lands on the survivor (it used to make a new customer)
    let (other, other_total) = (json!([{"sku": "BIB-1", "name": "Biberon", "quantity": 2, "unitPrice": 900}]), 1800);
    let third = w.intake(&body("M-3", "Yacine Benali", "0555 12 34 57", "Bab Ezzouar", other, other_total)).await;
    assert_eq!(w.order(third).await["customerId"], survivor);
    let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&w.app.pool).await.unwrap();
    assert_eq!(customers, 2);

    // undone by a supervisor: both come back, the merged one with its order, its note and the
    // order that came since from its phone
    let undo = w.app.url(&format!("/api/customer-service/customers/merges/{merge_id}/undo"));
    assert_eq!(w.agent.post(&undo).send().await.unwrap().status(), 403);
    assert_eq!(w.supervisor.post(&undo).send().await.unwrap().status(), 204);
    assert_eq!(error_code(w.supervisor.post(&undo).send().await.unwrap()).await, "merge_undone");
    assert_eq!(w.order(first).await["customerId"], survivor);
    assert_eq!(w.order(second).await["customerId"], merged);
    assert_eq!(w.order(third).await["customerId"], merged);
    let card = get_json(&w.supervisor, card_url(merged)).await;
    assert!(card["mergedInto"].is_null(), "{card}");
    assert_eq!(card["counters"]["totalOrders"], 2);
    assert_eq!(card["notes"][0]["content"], "rappeler après 18 h");
    let card = get_json(&w.supervisor, card_url(survivor)).await;
    assert_eq!(card["counters"]["totalOrders"], 1);
    assert_eq!(card["otherPhones"], json!([]));
    assert_eq!(card["merged"], json!([]));
    assert!(card["notes"].as_array().unwrap().is_empty());
    // and the phone is the merged customer's again
    let fourth = w.intake(&body("M-4", "Yacine Benali", "0555 12 34 57", "Bab Ezzouar", items, total)).await;
    assert_eq!(w.order(fourth).await["customerId"], merged);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_endpoint_takes_a_window_and_is_for_supervisors(pool: PgPool) {
    let w = world(pool).await;
    let (items, total) = stroller();
    w.intake(&body("S-1", "Yacine Benali", "0555 12 34 56", "Bab Ezzouar", items.clone(), total)).await;
    w.intake(&body("S-2", "Yacine Benali", "0555 12 34 56", "Bab Ezzouar", items, total)).await;
    let url = w.app.url("/api/customer-service/orders/detect-duplicates");
    assert_eq!(w.agent.post(&url).json(&json!({})).send().await.unwrap().status(), 403);
    let report: Value = w.supervisor.post(&url).json(&json!({})).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["ordersChecked"], 2);
    assert_eq!(report["flagged"], 1, "the pair is listed once");
    assert_eq!(report["pairs"][0]["flagged"], true);
    let bad = w
        .supervisor
        .post(&url)
        .json(&json!({"from": "2026-11-20T00:00:00Z", "to": "2026-11-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(bad).await, "period_invalid");
}
