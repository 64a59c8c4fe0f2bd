//! Editing the status configuration over HTTP: validation of the whole graph, per-role
//! transitions, and agents seeing changes at once.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{error_code, order_body, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

fn status(code: &str, category: &str, is_final: bool) -> Value {
    json!({
        "code": code,
        "labels": {"fr": "Message WhatsApp envoyé", "ar": "أرسلت رسالة واتساب", "ar-DZ": "بعثنا ميساج واتساب"},
        "color": "#25D366",
        "category": category,
        "flags": {"contact_made": false, "is_final": is_final, "callback": false, "line_busy": false,
                  "do_not_call": false, "counts_as_confirmed": false},
        "initial": false,
        "sort_order": 15,
        "active": true
    })
}

async fn setup(pool: PgPool) -> (TestApp, reqwest::Client, reqwest::Client, i64) {
    let app = TestApp::spawn(pool).await;
    app.create_user("sup@test.dz", "supervisor").await;
    let agent_id = app.create_user("agent@test.dz", "agent").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let agent = app.logged_in("agent@test.dz").await;
    (app, supervisor, agent, agent_id)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_status_with_arabic_labels_becomes_a_result_agents_can_record(pool: PgPool) {
    let (app, supervisor, agent, agent_id) = setup(pool).await;
    let created = supervisor
        .post(app.url("/api/customer-service/statuses"))
        .json(&status("whatsapp_sent", "attempting", false))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // New: into it from "new" for agents, and out of it to the outcomes.
    let mut exits: Vec<Value> = vec![];
    for to in ["confirmed", "cancelled", "no_answer_1"] {
        exits.push(json!({"to": to, "role": "agent"}));
    }
    let out = supervisor
        .put(app.url("/api/customer-service/statuses/whatsapp_sent/transitions"))
        .json(&exits)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let config: Value =
        supervisor.get(app.url("/api/customer-service/statuses")).send().await.unwrap().json().await.unwrap();
    let mut new_exits: Vec<Value> = config["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["from"] == "new")
        .map(|t| json!({"to": t["to"], "role": t["role"]}))
        .collect();
    new_exits.push(json!({"to": "whatsapp_sent", "role": "agent"}));
    let into = supervisor
        .put(app.url("/api/customer-service/statuses/new/transitions"))
        .json(&new_exits)
        .send()
        .await
        .unwrap();
    assert_eq!(into.status(), 200);

    let admin_token = {
        app.create_user("admin@test.dz", "admin").await;
        let admin = app.logged_in("admin@test.dz").await;
        app.token_for(&admin, "shop@test.dz", "supervisor").await
    };
    let id = app.intake(&admin_token, &order_body("S-1", "0555123456")).await;
    app.assign(&supervisor, id, agent_id).await;
    let recorded = agent
        .post(app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt")))
        .json(&json!({"method": "whatsapp", "result": "whatsapp_sent", "version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), 201);
    let order: Value = recorded.json().await.unwrap();
    assert_eq!(order["confirmation"]["statusCode"], "whatsapp_sent");
    // Agents may not edit the configuration.
    let denied = agent
        .post(app.url("/api/customer-service/statuses"))
        .json(&status("mine", "attempting", false))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_invalid_configuration_is_refused_with_its_reason(pool: PgPool) {
    let (app, supervisor, _, _) = setup(pool).await;
    let post = |body: Value| supervisor.post(app.url("/api/customer-service/statuses")).json(&body).send();
    let mut bad_color = status("ok_code", "attempting", false);
    bad_color["color"] = json!("green");
    let mut no_label = status("ok_code", "attempting", false);
    no_label["labels"]["ar"] = json!("  ");
    let cases = [
        (status("Bad Code", "attempting", false), "status_code_invalid"),
        (status("confirmed", "confirmed", true), "status_code_taken"),
        (bad_color, "color_invalid"),
        (no_label, "label_required"),
    ];
    for (body, code) in cases {
        let response = post(body).await.unwrap();
        assert_eq!(error_code(response).await, code);
    }
    // A new status with no way out is fine until something leads into it.
    assert_eq!(post(status("dead_end", "attempting", false)).await.unwrap().status(), 201);
    let trap = supervisor
        .put(app.url("/api/customer-service/statuses/no_answer_sms/transitions"))
        .json(&json!([{"to": "dead_end", "role": "agent"}]))
        .send()
        .await
        .unwrap();
    let body: Value = trap.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("status_cannot_finish"), Some("dead_end")));
    // Exits out of a final status.
    let final_exits = supervisor
        .put(app.url("/api/customer-service/statuses/confirmed/transitions"))
        .json(&json!([{"to": "cancelled", "role": "agent"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(final_exits).await, "status_final_has_exits");
    // Taking every exit away from "callback" strands its orders.
    let stranded = supervisor
        .put(app.url("/api/customer-service/statuses/callback/transitions"))
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    let body: Value = stranded.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("status_cannot_finish"), Some("callback")));
    // The initial status cannot be deactivated away.
    let mut new = status("new", "pending", false);
    new["active"] = json!(false);
    new["initial"] = json!(true);
    let response = supervisor.put(app.url("/api/customer-service/statuses/new")).json(&new).send().await.unwrap();
    assert_eq!(error_code(response).await, "status_initial_missing");
    let unchanged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM confirmation_statuses").fetch_one(&app.pool).await.unwrap();
    assert_eq!(unchanged, 15, "nothing but dead_end was written");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_status_in_use_is_deactivated_not_deleted(pool: PgPool) {
    let (app, supervisor, _, _) = setup(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    let admin = app.logged_in("admin@test.dz").await;
    let token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    app.intake(&token, &order_body("S-2", "0555123456")).await;
    let in_use = supervisor.delete(app.url("/api/customer-service/statuses/new")).send().await.unwrap();
    assert_eq!((in_use.status().as_u16(), error_code(in_use).await.as_str()), (409, "status_in_use"));
    // "busy" is unused: deactivating it drops the transitions into it and keeps those out of it.
    let mut busy: Value =
        supervisor.get(app.url("/api/customer-service/statuses")).send().await.unwrap().json::<Value>().await.unwrap()
            ["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "busy")
            .unwrap()
            .clone();
    busy["active"] = json!(false);
    let response = supervisor.put(app.url("/api/customer-service/statuses/busy")).json(&busy).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let config: Value = response.json().await.unwrap();
    let transitions = config["transitions"].as_array().unwrap();
    assert!(!transitions.iter().any(|t| t["to"] == "busy"));
    assert!(transitions.iter().any(|t| t["from"] == "busy"));
    // An unused status can be deleted.
    let deleted = supervisor.delete(app.url("/api/customer-service/statuses/busy")).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'status'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 2);
}
