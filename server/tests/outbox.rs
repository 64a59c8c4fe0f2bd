//! The supervisors' messaging page and the agent's "send SMS", through their server functions
//! against the real app and database: cost per day, step, provider and order; the unknown
//! messages and the decisions on them; a step texted by hand, costed first, queued once however
//! often the click is retried; the "order received" text queued with the order.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::messaging::{message_reaches, never_quiet, world, World};
use common::{audited, distinct_order_body, error_code};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn call(client: &reqwest::Client, w: &World, name: &str, body: Value) -> reqwest::Response {
    client.post(w.app.url(&format!("/fn/{name}"))).json(&body).send().await.unwrap()
}

async fn ok(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_messaging_page_sums_cost_and_delivery_and_only_supervisors_see_it(pool: PgPool) {
    never_quiet(&pool).await;
    let vars =
        [("SCHEDULER", "true"), ("JOBS_TICK_MS", "50"), ("JOBS_DEBOUNCE_MS", "50"), ("SMS_MOCK_DELIVERY_MS", "50")];
    let w = world(pool.clone(), &vars).await;
    let good = w.order("SHOP-OUT-1", "0555 12 34 56").await;
    let bad = w.order("SHOP-OUT-2", "0661 23 00 00").await;
    w.record(good, "confirmed", 2).await;
    w.record(bad, "confirmed", 2).await;
    message_reaches(&w, good, "delivered").await;
    message_reaches(&w, bad, "failed").await;

    let page = ok(call(&w.supervisor, &w, "outbox", json!({"filter": {}})).await).await;
    assert_eq!(page["totalMessages"], 2);
    assert_eq!(page["totalCost"], 11.0, "two GSM-7 parts at the mock's 5.50 DA");
    assert_eq!(page["orders"], 2);
    assert_eq!(
        page["providers"],
        json!([{"provider": "mock", "taken": 2, "delivered": 1, "failed": 1, "unknown": 0, "rate": 0.5}])
    );
    assert_eq!(page["steps"], json!([{"step": "confirmed", "messages": 2, "delivered": 1, "cost": 11.0}]));
    assert_eq!(page["days"].as_array().unwrap().len(), 1);
    assert_eq!(page["days"][0]["messages"], 2);
    assert_eq!(page["topOrders"].as_array().unwrap().len(), 2);
    assert_eq!(page["messages"].as_array().unwrap().len(), 2);
    assert_eq!(page["unknown"], 0);
    assert!(page["allSteps"].as_array().unwrap().contains(&json!("order_received")));

    let failed = ok(call(&w.supervisor, &w, "outbox", json!({"filter": {"status": "failed"}})).await).await;
    assert_eq!(failed["messages"].as_array().unwrap().len(), 1);
    assert_eq!(failed["messages"][0]["orderId"], bad);
    assert_eq!(failed["providers"][0]["rate"], 0.0);
    let yesterday =
        ok(call(&w.supervisor, &w, "outbox", json!({"filter": {"from": "2026-01-01", "to": "2026-01-02"}})).await)
            .await;
    assert_eq!(yesterday["totalMessages"], 0);

    let reversed =
        call(&w.supervisor, &w, "outbox", json!({"filter": {"from": "2026-02-01", "to": "2026-01-01"}})).await;
    assert_eq!(reversed.status(), 422);
    let malformed = call(&w.supervisor, &w, "outbox", json!({"filter": {"to": "01/02/2026"}})).await;
    assert_eq!(malformed.status(), 422);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("period_invalid"), Some("to")));
    let agent = call(&w.agent, &w, "outbox", json!({"filter": {}})).await;
    assert_eq!(agent.status(), 403);
    // Without WhatsApp configured, the template editor has only SMS steps to offer.
    let templates = ok(w.supervisor.post(w.app.url("/fn/message_templates")).send().await.unwrap()).await;
    assert!(templates["steps"].as_array().unwrap().iter().all(|s| s["channel"] == "sms"), "{templates}");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_message_is_decided_once_by_a_supervisor_and_audited(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let a = w.order("SHOP-UNK-1", "0555 12 34 56").await;
    let b = w.order("SHOP-UNK-2", "0661 98 76 54").await;
    w.record(a, "confirmed", 2).await;
    w.record(b, "confirmed", 2).await;
    sqlx::query("UPDATE messages SET status = 'unknown', provider = 'twilio', error = 'interrupted send'")
        .execute(&pool)
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM messages ORDER BY order_id").fetch_all(&pool).await.unwrap();
    let page = ok(call(&w.supervisor, &w, "outbox", json!({"filter": {"status": "unknown"}})).await).await;
    assert_eq!(page["unknown"], 2);

    let resend = call(&w.supervisor, &w, "resolve_message", json!({"id": ids[0], "resolution": "resend"})).await;
    assert_eq!(resend.status(), 200);
    let again = call(&w.supervisor, &w, "resolve_message", json!({"id": ids[0], "resolution": "failed"})).await;
    assert_eq!(again.status(), 409, "already decided");
    assert_eq!(error_code(again).await, "conflict");
    let by_agent = call(&w.agent, &w, "resolve_message", json!({"id": ids[1], "resolution": "delivered"})).await;
    assert_eq!(by_agent.status(), 403);
    let arrived = call(&w.supervisor, &w, "resolve_message", json!({"id": ids[1], "resolution": "delivered"})).await;
    assert_eq!(arrived.status(), 200);

    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT status, error FROM messages ORDER BY order_id").fetch_all(&pool).await.unwrap();
    assert_eq!(rows[0], ("queued".into(), Some("sent again by a supervisor".into())));
    assert_eq!(rows[1].0, "delivered");
    assert_eq!(audited(&pool, "message.resolve").await, 2);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_agent_sees_what_a_text_costs_then_sends_it_once_however_often_the_click_is_retried(pool: PgPool) {
    never_quiet(&pool).await;
    let w = world(pool.clone(), &[]).await;
    let id = w.order("SHOP-MAN-1", "0555 12 34 56").await;
    let preview =
        ok(call(&w.agent, &w, "preview_order_message", json!({"id": id, "step": "no_answer_sms"})).await).await;
    assert!(preview["text"].as_str().unwrap().contains("Yacine"), "{preview}");
    assert_eq!(preview["language"], "fr");
    assert_eq!(preview["preview"]["encoding"], "GSM-7");
    assert!(preview["preview"]["costDzd"].as_f64().unwrap() > 0.0);

    let version = 2; // after the assignment
    for _ in 0..2 {
        let sent = ok(call(
            &w.agent,
            &w,
            "send_order_message",
            json!({"id": id, "step": "no_answer_sms", "version": version}),
        )
        .await)
        .await;
        assert_eq!(sent["smsHistory"].as_array().unwrap().len(), 1, "queued once");
        assert_eq!(sent["smsHistory"][0]["type"], "no_answer_sms");
    }
    // A switched-off step can still be sent by hand: the switch is about automatic texts.
    sqlx::query("UPDATE message_steps SET enabled = false WHERE step = 'callback'").execute(&pool).await.unwrap();
    let by_hand =
        ok(call(&w.agent, &w, "send_order_message", json!({"id": id, "step": "callback", "version": version})).await)
            .await;
    assert_eq!(by_hand["smsHistory"].as_array().unwrap().len(), 2);

    let stale = call(&w.agent, &w, "send_order_message", json!({"id": id, "step": "confirmed", "version": 1})).await;
    assert_eq!(stale.status(), 409);
    let unknown =
        call(&w.agent, &w, "send_order_message", json!({"id": id, "step": "birthday", "version": version})).await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(error_code(unknown).await, "step_unknown");
    assert_eq!(audited(&pool, "order.message").await, 2);
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_order_received_text_is_queued_with_the_order_when_the_shop_switches_it_on(pool: PgPool) {
    let w = world(pool.clone(), &[]).await;
    // Two different people: a likely duplicate is held, and gets no text.
    let off = w.app.intake(&w.shop_token, &distinct_order_body("SHOP-REC-1", 1, "0555 12 34 56")).await;
    let count = |order: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM messages WHERE order_id = $1 AND step = 'order_received'",
            )
            .bind(order)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(count(off).await, 0, "off by default");
    sqlx::query("UPDATE message_steps SET enabled = true WHERE step = 'order_received' AND channel = 'sms'")
        .execute(&pool)
        .await
        .unwrap();
    let body = distinct_order_body("SHOP-REC-2", 2, "0661 98 76 54");
    let on = w.app.intake(&w.shop_token, &body).await;
    assert_eq!(count(on).await, 1);
    assert_eq!(w.app.intake(&w.shop_token, &body).await, on, "the same order sent again");
    assert_eq!(count(on).await, 1, "and its text queued once");
    let twin = w.app.intake(&w.shop_token, &distinct_order_body("SHOP-REC-3", 2, "0661 98 76 54")).await;
    assert_eq!(count(twin).await, 0, "a likely duplicate, held for review, is not texted");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_shipped_french_texts_stay_in_gsm_7(pool: PgPool) {
    let w = world(pool.clone(), &[]).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM message_templates WHERE language = 'fr' ORDER BY step")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(ids.len() >= 7);
    for id in ids {
        let response = w
            .agent
            .post(w.app.url("/api/customer-service/sms/preview"))
            .json(&json!({"templateId": id}))
            .send()
            .await
            .unwrap();
        let preview = ok(response).await;
        assert_eq!(preview["encoding"], "GSM-7", "{preview}");
        assert_eq!(preview["segments"], 1, "{preview}");
    }
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn supervisors_see_how_many_callbacks_are_due_and_the_board_lists_them(pool: PgPool) {
    let w = world(pool.clone(), &[]).await;
    let later = w.order("SHOP-CB-1", "0555 12 34 56").await;
    let due = w.order("SHOP-CB-2", "0661 98 76 54").await;
    sqlx::query("UPDATE orders SET next_contact_at = now() + interval '2 hours' WHERE id = $1")
        .bind(later)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET next_contact_at = now() - interval '10 minutes' WHERE id = $1")
        .bind(due)
        .execute(&pool)
        .await
        .unwrap();
    let count = ok(w.supervisor.post(w.app.url("/fn/callbacks_due")).send().await.unwrap()).await;
    assert_eq!(count, 1);
    let by_agent = w.agent.post(w.app.url("/fn/callbacks_due")).send().await.unwrap();
    assert_eq!(by_agent.status(), 403);
    let board: Value =
        ok(w.supervisor.get(w.app.url("/api/customer-service/orders/pending?callbacksDue=true")).send().await.unwrap())
            .await;
    let ids: Vec<i64> = board.as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![due]);
    w.app.stop().await;
}
