//! Orders over real HTTP against a real database: intake (tokens, validation, idempotency), the
//! agent's loop, optimistic locking, and who may touch which order.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use std::sync::Arc;

use common::{client, error_code, order_body, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

struct World {
    app: TestApp,
    admin: reqwest::Client,
    supervisor: reqwest::Client,
    shop_token: String,
    agent_id: i64,
    agent: reqwest::Client,
    other_agent: reqwest::Client,
}

async fn world(pool: PgPool) -> World {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let agent_id = app.create_user("agent@test.dz", "agent").await;
    app.create_user("other@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let shop_token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let agent = app.logged_in("agent@test.dz").await;
    let other_agent = app.logged_in("other@test.dz").await;
    World { app, admin, supervisor, shop_token, agent_id, agent, other_agent }
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.expect("count")
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json body")
}

fn attempt(result: &str, version: i64) -> Value {
    json!({"method": "phone", "result": result, "notes": "", "duration": 35, "version": version})
}

#[sqlx::test(migrations = "../migrations")]
async fn a_shop_order_is_stored_once_however_often_it_is_sent(pool: PgPool) {
    let w = world(pool).await;
    let body = order_body("SHOP-1", "0555 12 34 56");
    let send = || client().post(w.app.url("/api/orders")).bearer_auth(&w.shop_token).json(&body).send();
    let first = send().await.expect("send");
    assert_eq!(first.status(), 201);
    let first = json_of(first).await;
    assert!(first["number"].as_str().expect("number").starts_with("BV-20"));
    assert_eq!(first["status"], "new");
    let again = send().await.expect("send");
    assert_eq!(again.status(), 200);
    let again = json_of(again).await;
    assert_eq!((again["id"].clone(), again["created"].clone()), (first["id"].clone(), json!(false)));

    let mut changed = body.clone();
    changed["items"][0]["quantity"] = json!(2);
    changed["total"] = json!(30800);
    let reused =
        client().post(w.app.url("/api/orders")).bearer_auth(&w.shop_token).json(&changed).send().await.unwrap();
    assert_eq!(reused.status(), 409);
    assert_eq!(error_code(reused).await, "reference_reused");
    assert_eq!(count(&w.app.pool, "orders").await, 1);
    let customer: (String, i32, String) =
        sqlx::query_as("SELECT phone, orders_count, locale FROM customers").fetch_one(&w.app.pool).await.unwrap();
    assert_eq!(customer, ("+213555123456".to_string(), 1, "fr".to_string()));
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_concurrent_retries_create_one_order(pool: PgPool) {
    let w = world(pool).await;
    let body = Arc::new(order_body("SHOP-RACE", "+213 661 00 00 01"));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (url, token, body) = (w.app.url("/api/orders"), w.shop_token.clone(), body.clone());
        tasks.spawn(async move {
            let response = client().post(url).bearer_auth(token).json(&*body).send().await.expect("send");
            (response.status().as_u16(), json_of(response).await["id"].as_i64())
        });
    }
    let results = tasks.join_all().await;
    assert_eq!(results.iter().filter(|(s, _)| *s == 201).count(), 1, "{results:?}");
    assert!(results.iter().all(|(s, id)| (*s == 201 || *s == 200) && *id == results[0].1));
    assert_eq!(count(&w.app.pool, "orders").await, 1);
    let orders_count: i32 =
        sqlx::query_scalar("SELECT orders_count FROM customers").fetch_one(&w.app.pool).await.unwrap();
    assert_eq!(orders_count, 1, "a lost race must not count the order twice");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_orders_get_a_code_and_a_field_and_write_nothing(pool: PgPool) {
    let w = world(pool).await;
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        ("/customer/phone", json!("0123"), 422, "phone_invalid", "customer.phone"),
        // a mobile shape outside every allocated block: a typo or a fake
        ("/customer/phone", json!("0505 12 34 56"), 422, "phone_unallocated", "customer.phone"),
        ("/delivery/wilaya", json!(0), 422, "wilaya_unknown", "delivery.wilaya"),
        ("/delivery/commune", json!("Oran"), 422, "commune_unknown", "delivery.commune"),
        ("/delivery/commune", json!(31001), 422, "commune_unknown", "delivery.commune"),
        ("/items", json!([]), 422, "items_required", "items"),
        ("/items/0/quantity", json!(-1), 422, "quantity_invalid", "items[0].quantity"),
        ("/total", json!(1), 422, "total_mismatch", "total"),
        ("/items/0/unitPrice", json!("cheap"), 400, "bad_request", ""),
    ];
    for (pointer, value, status, code, field) in cases {
        let mut body = order_body("SHOP-BAD", "0555123456");
        *body.pointer_mut(pointer).expect(pointer) = value;
        let response =
            client().post(w.app.url("/api/orders")).bearer_auth(&w.shop_token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), status, "{pointer}");
        let error = json_of(response).await;
        assert_eq!(error["code"], code, "{pointer}");
        assert_eq!(error["field"].as_str().unwrap_or_default(), field, "{pointer}");
    }
    assert_eq!(count(&w.app.pool, "orders").await, 0);
    assert_eq!(count(&w.app.pool, "customers").await, 0);
    assert_eq!(count(&w.app.pool, "order_items").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn intake_needs_a_valid_token_of_a_supervisor_or_admin(pool: PgPool) {
    let w = world(pool).await;
    let body = order_body("SHOP-2", "0555123456");
    let none = client().post(w.app.url("/api/orders")).json(&body).send().await.unwrap();
    assert_eq!((none.status().as_u16(), error_code(none).await.as_str()), (401, "unauthenticated"));
    let bad = client().post(w.app.url("/api/orders")).bearer_auth("ecs_nope").json(&body).send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let agent_token = w.app.token_for(&w.admin, "agent-token@test.dz", "agent").await;
    let agent = client().post(w.app.url("/api/orders")).bearer_auth(&agent_token).json(&body).send().await.unwrap();
    assert_eq!((agent.status().as_u16(), error_code(agent).await.as_str()), (403, "forbidden"));
    let not_admin = w
        .supervisor
        .post(w.app.url("/api/tokens"))
        .json(&json!({"userId": 1, "name": "x", "scopes": ["orders:write"]}))
        .send()
        .await;
    assert_eq!(not_admin.unwrap().status(), 403);
    // A deactivated user's token stops working at once.
    sqlx::query("UPDATE users SET active = false WHERE email = 'shop@test.dz'").execute(&w.app.pool).await.unwrap();
    let gone = client().post(w.app.url("/api/orders")).bearer_auth(&w.shop_token).json(&body).send().await.unwrap();
    assert_eq!(gone.status(), 401);
    assert_eq!(count(&w.app.pool, "orders").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_agent_logs_no_answer_then_confirms_on_the_next_call(pool: PgPool) {
    let w = world(pool).await;
    let id = w.app.intake(&w.shop_token, &order_body("SHOP-3", "0770 11 22 33")).await;
    w.app.assign(&w.supervisor, id, w.agent_id).await;

    let queue = json_of(w.agent.get(w.app.url("/api/customer-service/orders/pending")).send().await.unwrap()).await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["id"], id);
    let url = w.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt"));

    let first = w.agent.post(&url).json(&attempt("no_answer_1", 2)).send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first = json_of(first).await;
    assert_eq!(first["confirmation"]["statusCode"], "no_answer_1");
    assert_eq!(first["confirmation"]["status"], "attempting");
    assert!(first["confirmation"]["nextContactAt"].is_string(), "a retry is scheduled");
    assert_eq!(first["version"], 3);

    let second = w.agent.post(&url).json(&attempt("confirmed", 3)).send().await.unwrap();
    assert_eq!(second.status(), 201);
    let second = json_of(second).await;
    assert_eq!(second["confirmation"]["status"], "confirmed");
    assert!(second["confirmation"]["closedAt"].is_string());
    let attempts = second["confirmation"]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!((attempts[0]["result"].clone(), attempts[0]["duration"].clone()), (json!("no_answer_1"), json!(35)));

    // Closed: off the queue, counted on the customer, and no more attempts.
    let queue = json_of(w.agent.get(w.app.url("/api/customer-service/orders/mine")).send().await.unwrap()).await;
    assert_eq!(queue, json!([]));
    let customer_id = second["customerId"].as_i64().unwrap();
    let card = json_of(
        w.agent.get(w.app.url(&format!("/api/customer-service/customers/{customer_id}"))).send().await.unwrap(),
    )
    .await;
    assert_eq!(card["counters"]["confirmed"], 1);
    assert_eq!(card["orders"][0]["category"], "confirmed");
    assert_eq!(card["audit"], json!([]), "agents do not see the audit trail");
    let closed = w.agent.post(&url).json(&attempt("cancelled", 4)).send().await.unwrap();
    assert_eq!((closed.status().as_u16(), error_code(closed).await.as_str()), (409, "order_closed"));
    let trail: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND entity_id = $1")
        .bind(id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(trail, 4, "create, assign, and two attempts");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_agents_recording_at_once_one_wins_the_other_gets_409(pool: PgPool) {
    let w = world(pool).await;
    let id = w.app.intake(&w.shop_token, &order_body("SHOP-4", "0661223344")).await;
    w.app.assign(&w.supervisor, id, w.agent_id).await;
    let url = w.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt"));
    let (a, b) = tokio::join!(
        w.agent.post(&url).json(&attempt("confirmed", 2)).send(),
        w.supervisor.post(&url).json(&attempt("cancelled", 2)).send(),
    );
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(count(&w.app.pool, "confirmation_attempts").await, 1);
    // The loser reloads and sees the winner's state.
    let order =
        json_of(w.agent.get(w.app.url(&format!("/api/customer-service/orders/{id}"))).send().await.unwrap()).await;
    assert_eq!(order["version"], 3);
    assert_eq!(order["confirmation"]["status"].as_str().map(|s| s == "confirmed" || s == "failed"), Some(true));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_thousand_concurrent_attempt_writes_lose_nothing(pool: PgPool) {
    let w = world(pool).await;
    let mut ids = Vec::new();
    for i in 0..100 {
        let id = w.app.intake(&w.shop_token, &order_body(&format!("SHOP-K{i}"), &format!("05501{i:05}"))).await;
        ids.push(id);
    }
    let assigned = w
        .supervisor
        .post(w.app.url("/api/customer-service/orders/assign"))
        .json(&json!({"orderIds": ids, "agentId": w.agent_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(assigned).await["assigned"].as_array().unwrap().len(), 100);
    // Ten writers per order, each with the version it read: exactly one per order may win.
    let gate = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..10 {
        for &id in &ids {
            let (agent, url, gate) = (
                w.agent.clone(),
                w.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt")),
                gate.clone(),
            );
            tasks.spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let result = if round % 2 == 0 { "busy" } else { "callback" };
                let mut body = attempt(result, 2);
                body["callbackAt"] = json!("2099-01-01T10:00:00Z");
                agent.post(url).json(&body).send().await.unwrap().status().as_u16()
            });
        }
    }
    let statuses = tasks.join_all().await;
    assert_eq!(statuses.len(), 1000);
    let won = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(statuses.iter().filter(|s| **s == 409 || **s == 422).count(), 1000 - won, "{statuses:?}");
    assert_eq!(won, 100, "exactly one write per order wins");
    assert_eq!(count(&w.app.pool, "confirmation_attempts").await, 100, "every win is in the trail");
    let versions: Vec<i32> =
        sqlx::query_scalar("SELECT DISTINCT version FROM orders").fetch_all(&w.app.pool).await.unwrap();
    assert_eq!(versions, vec![3]);
}

#[sqlx::test(migrations = "../migrations")]
async fn agents_act_only_on_their_own_orders(pool: PgPool) {
    let w = world(pool).await;
    let id = w.app.intake(&w.shop_token, &order_body("SHOP-5", "0555000111")).await;
    w.app.assign(&w.supervisor, id, w.agent_id).await;
    let order_url = w.app.url(&format!("/api/customer-service/orders/{id}"));
    let customer_id = json_of(w.supervisor.get(&order_url).send().await.unwrap()).await["customerId"].as_i64().unwrap();
    let card_url = w.app.url(&format!("/api/customer-service/customers/{customer_id}"));

    // The other agent: forbidden everywhere on this order and customer.
    let other = &w.other_agent;
    assert_eq!(other.get(&order_url).send().await.unwrap().status(), 403);
    assert_eq!(
        other
            .post(format!("{order_url}/confirm-attempt"))
            .json(&attempt("confirmed", 2))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(other.get(&card_url).send().await.unwrap().status(), 403);
    assert_eq!(
        other.post(format!("{card_url}/notes")).json(&json!({"content": "x"})).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        other.post(format!("{order_url}/assign")).json(&json!({"agentId": null})).send().await.unwrap().status(),
        403
    );
    let queue = json_of(other.get(w.app.url("/api/customer-service/orders/pending")).send().await.unwrap()).await;
    assert_eq!(queue, json!([]), "the pending list of an agent is their own queue");

    // The assigned agent: notes and flags on the card; the supervisor sees them and the audit trail.
    let note = w
        .agent
        .post(format!("{card_url}/notes"))
        .json(&json!({"content": "Préfère être appelé le soir"}))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), 201);
    let flag = w
        .agent
        .post(format!("{card_url}/flags"))
        .json(&json!({"type": "fake_order", "reason": "Nie avoir commandé"}))
        .send()
        .await
        .unwrap();
    assert_eq!(flag.status(), 201);
    let bad_flag =
        w.agent.post(format!("{card_url}/flags")).json(&json!({"type": "ugly", "reason": "x"})).send().await.unwrap();
    assert_eq!(error_code(bad_flag).await, "flag_type_unknown");
    let empty_note = w.agent.post(format!("{card_url}/notes")).json(&json!({"content": "   "})).send().await.unwrap();
    assert_eq!((empty_note.status().as_u16(), error_code(empty_note).await.as_str()), (422, "text_required"));
    let card = json_of(w.supervisor.get(&card_url).send().await.unwrap()).await;
    assert_eq!(card["notes"][0]["content"], "Préfère être appelé le soir");
    assert_eq!(card["flags"][0]["type"], "fake_order");
    assert!(card["audit"].as_array().unwrap().len() >= 4, "{}", card["audit"]);

    // A page cursor that is not one.
    let bad_cursor =
        w.supervisor.get(w.app.url("/api/customer-service/orders/pending?after=x.y")).send().await.unwrap();
    assert_eq!((bad_cursor.status().as_u16(), error_code(bad_cursor).await.as_str()), (400, "bad_request"));

    // Wrong ids and transitions.
    assert_eq!(w.agent.get(w.app.url("/api/customer-service/orders/999999")).send().await.unwrap().status(), 404);
    assert_eq!(w.agent.get(w.app.url("/api/customer-service/orders/abc")).send().await.unwrap().status(), 404);
    let not_allowed =
        w.agent.post(format!("{order_url}/confirm-attempt")).json(&attempt("abandoned", 2)).send().await.unwrap();
    assert_eq!(
        (not_allowed.status().as_u16(), error_code(not_allowed).await.as_str()),
        (422, "transition_not_allowed")
    );
    let assign_to_nobody =
        w.supervisor.post(format!("{order_url}/assign")).json(&json!({"agentId": 999999})).send().await.unwrap();
    assert_eq!(error_code(assign_to_nobody).await, "agent_unknown");
    assert_eq!(count(&w.app.pool, "confirmation_attempts").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_customer_service_endpoint_needs_a_login(pool: PgPool) {
    let w = world(pool).await;
    let anonymous = client();
    let gets = [
        "/api/customer-service/orders/pending",
        "/api/customer-service/orders/mine",
        "/api/customer-service/orders/1",
        "/api/customer-service/customers/1",
        "/api/customer-service/statuses",
    ];
    for path in gets {
        let response = anonymous.get(w.app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let posts = [
        "/api/customer-service/orders/1/assign",
        "/api/customer-service/orders/1/confirm-attempt",
        "/api/customer-service/orders/assign",
        "/api/customer-service/customers/1/flags",
        "/api/customer-service/customers/1/notes",
        "/api/orders",
        "/api/tokens",
    ];
    for path in posts {
        let response = anonymous.post(w.app.url(path)).json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let statuses = json_of(w.agent.get(w.app.url("/api/customer-service/statuses")).send().await.unwrap()).await;
    assert_eq!(statuses["statuses"].as_array().unwrap().len(), 14);
}

/// Every customer-service endpoint against every role: anonymous, an agent the order is not
/// assigned to, the assigned agent, a supervisor, an admin.
#[sqlx::test(migrations = "../migrations")]
async fn every_endpoint_answers_every_role_as_it_should(pool: PgPool) {
    let w = world(pool).await;
    let admin = &w.admin;
    let id = w.app.intake(&w.shop_token, &order_body("SHOP-M", "0555000222")).await;
    w.app.assign(&w.supervisor, id, w.agent_id).await;
    let order: Value = w
        .supervisor
        .get(w.app.url(&format!("/api/customer-service/orders/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = order["customerId"].as_i64().unwrap();
    let anonymous = client();
    let who: [(&str, &reqwest::Client); 5] = [
        ("anonymous", &anonymous),
        ("other agent", &w.other_agent),
        ("assigned agent", &w.agent),
        ("supervisor", &w.supervisor),
        ("admin", admin),
    ];
    // (method, path, body, expected status per role in the order above)
    let note = json!({"content": "Rappeler après 18 h"});
    let flag = json!({"type": "other", "reason": "Client pressé"});
    let reassign = json!({"agentId": w.agent_id});
    let cases: Vec<(&str, String, Option<Value>, [u16; 5])> = vec![
        ("GET", "/api/customer-service/orders/pending".into(), None, [401, 200, 200, 200, 200]),
        ("GET", "/api/customer-service/orders/mine".into(), None, [401, 200, 200, 200, 200]),
        ("GET", format!("/api/customer-service/orders/{id}"), None, [401, 403, 200, 200, 200]),
        ("GET", format!("/api/customer-service/customers/{customer}"), None, [401, 403, 200, 200, 200]),
        ("POST", format!("/api/customer-service/customers/{customer}/notes"), Some(note), [401, 403, 201, 201, 201]),
        ("POST", format!("/api/customer-service/customers/{customer}/flags"), Some(flag), [401, 403, 201, 201, 201]),
        (
            "POST",
            format!("/api/customer-service/orders/{id}/assign"),
            Some(reassign.clone()),
            [401, 403, 403, 200, 200],
        ),
        (
            "POST",
            "/api/customer-service/orders/assign".into(),
            Some(json!({"orderIds": [id], "agentId": w.agent_id})),
            [401, 403, 403, 200, 200],
        ),
        ("GET", "/api/customer-service/statuses".into(), None, [401, 200, 200, 200, 200]),
        ("GET", "/api/users".into(), None, [401, 403, 403, 403, 200]),
        ("GET", "/api/orders/import/1".into(), None, [401, 403, 403, 404, 404]),
    ];
    for (method, path, body, expected) in cases {
        for ((role, client), want) in who.iter().zip(expected) {
            let url = w.app.url(&path);
            let request = if method == "GET" { client.get(url) } else { client.post(url).json(body.as_ref().unwrap()) };
            let status = request.send().await.unwrap().status().as_u16();
            assert_eq!(status, want, "{method} {path} as {role}");
        }
    }
    // Attempts: the other agent may not, the assigned agent, a supervisor and an admin may (each
    // with the version they saw).
    let url = w.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt"));
    assert_eq!(anonymous.post(&url).json(&attempt("busy", 4)).send().await.unwrap().status(), 401);
    assert_eq!(w.other_agent.post(&url).json(&attempt("busy", 4)).send().await.unwrap().status(), 403);
    let mut version = sqlx::query_scalar::<_, i32>("SELECT version FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap() as i64;
    for client in [&w.agent, &w.supervisor, admin] {
        let response = client
            .post(&url)
            .json(&attempt(if version % 2 == 0 { "busy" } else { "no_answer_1" }, version))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        version += 1;
    }
}
