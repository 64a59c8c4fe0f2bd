//! Customer intelligence over real HTTP against a real database: the class follows outcomes and
//! flags in the same transaction, the override with its reason, the nightly job, the
//! distribution, and who may do what.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use app::jobs::domain::Trigger;
use common::{error_code, get_json, order_body, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

struct World {
    app: TestApp,
    supervisor: reqwest::Client,
    agent: reqwest::Client,
    agent_id: i64,
    shop_token: String,
}

async fn world(pool: PgPool) -> World {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let agent_id = app.create_user("agent@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let shop_token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let agent = app.logged_in("agent@test.dz").await;
    World { app, supervisor, agent, agent_id, shop_token }
}

impl World {
    async fn card(&self, customer: i64) -> Value {
        get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/customers/{customer}"))).await
    }

    /// An order for `phone`, assigned to the agent; returns (order id, customer id).
    async fn order(&self, reference: &str, phone: &str) -> (i64, i64) {
        let id = self.app.intake(&self.shop_token, &order_body(reference, phone)).await;
        self.app.assign(&self.supervisor, id, self.agent_id).await;
        let order: Value =
            get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/orders/{id}"))).await;
        (id, order["customerId"].as_i64().unwrap())
    }

    async fn record(&self, order: i64, result: &str) {
        let current: Value =
            get_json(&self.agent, self.app.url(&format!("/api/customer-service/orders/{order}"))).await;
        let response = self
            .agent
            .post(self.app.url(&format!("/api/customer-service/orders/{order}/confirm-attempt")))
            .json(&json!({"method": "phone", "result": result, "duration": 30, "version": current["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{result}");
    }
}

fn breakdown_sum(card: &Value) -> i64 {
    card["classification"]["breakdown"].as_array().unwrap().iter().map(|b| b["points"].as_i64().unwrap()).sum()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_class_follows_each_outcome_and_explains_its_score(pool: PgPool) {
    let w = world(pool).await;
    let (first, customer) = w.order("R-1", "0555 12 34 56").await;
    assert_eq!(w.card(customer).await["classification"]["type"], "new");
    w.record(first, "confirmed").await;
    let card = w.card(customer).await;
    assert_eq!(card["classification"]["type"], "regular");
    assert_eq!(card["classification"]["reason"], "good_orders");
    assert_eq!(card["classification"]["score"].as_i64().unwrap(), breakdown_sum(&card).clamp(0, 100));
    // three cancelled orders out of four: bad, before the next call
    for i in 2..=4 {
        let (order, _) = w.order(&format!("R-{i}"), "0555 12 34 56").await;
        w.record(order, "cancelled").await;
    }
    let card = w.card(customer).await;
    assert_eq!(card["classification"]["type"], "bad");
    assert_eq!(card["classification"]["reason"], "failure_rate");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_serious_flag_makes_a_customer_bad_at_once(pool: PgPool) {
    let w = world(pool).await;
    let (_, customer) = w.order("R-1", "0555 12 34 56").await;
    let response = w
        .agent
        .post(w.app.url(&format!("/api/customer-service/customers/{customer}/flags")))
        .json(&json!({"type": "fake_order", "reason": "A commandé pour rire"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let card = w.card(customer).await;
    assert_eq!(card["classification"]["type"], "bad");
    assert_eq!(card["classification"]["reason"], "serious_flag");
    // the change is kept, and shown in the customer's history (to supervisors)
    let changes: Vec<&Value> =
        card["audit"].as_array().unwrap().iter().filter(|a| a["action"] == "customer.class").collect();
    assert_eq!(changes.len(), 1, "{card}");
    assert_eq!(changes[0]["after"]["to"], "bad");
    assert_eq!(changes[0]["after"]["reason"], "serious_flag");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM customer_class_history WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "one change (the intake classified it new, then the flag made it bad)");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_override_needs_a_reason_keeps_the_computed_class_and_is_audited(pool: PgPool) {
    let w = world(pool).await;
    let (_, customer) = w.order("R-1", "0555 12 34 56").await;
    let url = w.app.url(&format!("/api/customer-service/customers/{customer}/classification"));
    let by_agent = w.agent.post(&url).json(&json!({"class": "vip", "reason": "ami du patron"})).send().await.unwrap();
    assert_eq!(by_agent.status(), 403);
    let no_reason = w.supervisor.post(&url).json(&json!({"class": "vip"})).send().await.unwrap();
    assert_eq!(error_code(no_reason).await, "reason_required");
    let bad_class = w.supervisor.post(&url).json(&json!({"class": "gold", "reason": "x"})).send().await.unwrap();
    assert_eq!(error_code(bad_class).await, "class_unknown");
    let card: Value = w
        .supervisor
        .post(&url)
        .json(&json!({"class": "vip", "reason": "Grossiste, paie toujours", "until": "2099-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(card["classification"]["type"], "vip");
    assert_eq!(card["classification"]["computedClass"], "new");
    assert_eq!(card["classification"]["override"]["reason"], "Grossiste, paie toujours");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'customer.class_override' AND entity_id = $1",
    )
    .bind(customer)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // lifting it; the audit keeps what was lifted
    let card: Value = w.supervisor.post(&url).json(&json!({"class": null})).send().await.unwrap().json().await.unwrap();
    assert_eq!(card["classification"]["type"], "new");
    assert!(card["classification"]["override"].is_null());
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE action = 'customer.class_override' AND entity_id = $1
         ORDER BY id DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!((before["class"].as_str(), before["reason"].as_str()), (Some("vip"), Some("Grossiste, paie toujours")));
    assert!(after["class"].is_null());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_nightly_job_reclassifies_everyone_and_feeds_the_distribution(pool: PgPool) {
    let w = world(pool).await;
    let (order, _) = w.order("R-1", "0555 12 34 56").await;
    w.order("R-2", "0661 00 00 01").await;
    w.record(order, "confirmed").await;
    // a customer whose stored class is stale (as after a settings change)
    sqlx::query("UPDATE customers SET class = 'vip'").execute(&w.app.pool).await.unwrap();
    let jobs = server::jobs::registry(&Default::default());
    jobs.register_rows(&w.app.pool, time::OffsetDateTime::now_utc()).await.unwrap();
    let run = jobs
        .run_now(&w.app.pool, "classification", time::OffsetDateTime::now_utc(), "test", Trigger::Manual)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.outcome, "succeeded");
    assert_eq!(run.detail["customers"], 2);
    assert_eq!(run.detail["changed"], 2);
    let rows: Value = get_json(&w.supervisor, w.app.url("/api/customer-service/classification/distribution")).await;
    assert_eq!(rows, json!([{"class": "new", "customers": 1}, {"class": "regular", "customers": 1}]));
    let by_agent = w.agent.get(w.app.url("/api/customer-service/classification/distribution")).send().await.unwrap();
    assert_eq!(by_agent.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn classification_settings_are_validated_and_admin_only(pool: PgPool) {
    let w = world(pool).await;
    let url = w.app.url("/api/customer-service/classification/settings");
    let settings: Value = get_json(&w.supervisor, &url).await;
    assert_eq!(settings["vipMinScore"], 80);
    assert_eq!(w.supervisor.put(&url).json(&settings).send().await.unwrap().status(), 403);
    let admin = w.app.logged_in("admin@test.dz").await;
    let mut bad = settings.clone();
    bad["vipMinScore"] = json!(150);
    let response = admin.put(&url).json(&bad).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["field"], "vipMinScore");
    let mut changed = settings;
    changed["loyalMinGoodOrders"] = json!(2);
    assert_eq!(admin.put(&url).json(&changed).send().await.unwrap().status(), 200);
    let read: Value = get_json(&w.supervisor, &url).await;
    assert_eq!(read["loyalMinGoodOrders"], 2);
}
