//! A shop with a supervisor, an agent and a shop token, for the messaging tests: orders come in
//! through the API, are assigned to the agent, and attempts are recorded over HTTP.
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;

use super::{get_json, order_body, TestApp};

/// Quiet hours off, so the tests do not depend on the hour they run at.
pub async fn never_quiet(pool: &PgPool) {
    sqlx::query("UPDATE messaging_settings SET quiet_start_minute = 0, quiet_end_minute = 0, friday_pause = false")
        .execute(pool)
        .await
        .expect("quiet hours off");
}

pub struct World {
    pub app: TestApp,
    pub supervisor: reqwest::Client,
    pub agent: reqwest::Client,
    pub agent_id: i64,
    pub shop_token: String,
}

pub async fn world(pool: PgPool, vars: &[(&str, &str)]) -> World {
    let app = TestApp::spawn_with(pool, vars).await;
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
    pub async fn order(&self, reference: &str, phone: &str) -> i64 {
        let id = self.app.intake(&self.shop_token, &order_body(reference, phone)).await;
        self.app.assign(&self.supervisor, id, self.agent_id).await;
        id
    }

    pub async fn record(&self, id: i64, result: &str, version: i64) -> Value {
        let response = self
            .agent
            .post(self.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt")))
            .json(&json!({"method": "phone", "result": result, "notes": "", "duration": 40, "version": version}))
            .send()
            .await
            .expect("quiet hours off");
        assert_eq!(response.status(), 201);
        response.json().await.expect("attempt json")
    }
}

/// Reads the order until its first message has `status` (the runner and the mock's report run
/// on their own; this only waits for them, it times nothing).
pub async fn message_reaches(w: &World, id: i64, status: &str) -> Value {
    let url = w.app.url(&format!("/api/customer-service/orders/{id}"));
    for _ in 0..300 {
        let order = get_json(&w.agent, &url).await;
        if order["smsHistory"][0]["status"] == status {
            return order;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the message of order {id} never became {status}: {}", get_json(&w.agent, &url).await["smsHistory"]);
}
