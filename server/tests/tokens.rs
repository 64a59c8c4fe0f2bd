//! API tokens: a shop's token posts orders and can do nothing else, whatever its user's role; a
//! token expires, can be listed and revoked by an admin, and notes its use at most once a minute.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{audited, client, error_code, get_json, order_body, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn issue(app: &TestApp, admin: &reqwest::Client, body: Value) -> reqwest::Response {
    admin.post(app.url("/api/tokens")).json(&body).send().await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_shop_token_posts_orders_and_reads_nothing_else(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    let admin = app.logged_in("admin@test.dz").await;
    // its user is an admin: the token's scope, not the user's role, says what it may do
    let shop = app.token_with(&admin, "shop@test.dz", "admin", &["orders:write"]).await;
    let order = app.intake(&shop, &order_body("TOK-1", "0555 40 50 60")).await;

    let refused = [
        format!("/api/customer-service/orders/{order}"),
        "/api/customer-service/orders/pending".into(),
        "/api/customer-service/orders/mine".into(),
        "/api/customer-service/statuses".into(),
        "/api/customer-service/dashboard".into(),
        "/api/users".into(),
        "/api/tokens".into(),
        "/api/customer-service/events".into(),
    ];
    for path in refused {
        let response = client().get(app.url(&path)).bearer_auth(&shop).send().await.unwrap();
        assert_eq!((response.status().as_u16(), error_code(response).await.as_str()), (403, "token_scope"), "{path}");
    }
    let escalate = client()
        .post(app.url("/api/tokens"))
        .bearer_auth(&shop)
        .json(&json!({"userId": 1, "name": "mine", "scopes": ["full"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(escalate.status(), 403, "a token cannot issue a broader one");
    // it can say who it is and what it may do
    let nobody = get_json(&client(), app.url("/api/auth/me")).await;
    assert_eq!(nobody["code"], "unauthenticated", "no token, no caller");
    let me: Value =
        client().get(app.url("/api/auth/me")).bearer_auth(&shop).send().await.unwrap().json().await.unwrap();
    assert_eq!((me["email"].as_str(), me["scopes"].clone()), (Some("shop@test.dz"), json!(["orders:write"])));

    // a reporting token reads the shop's figures and no customer
    let reports = app.token_with(&admin, "bi@test.dz", "agent", &["reports:read"]).await;
    let dashboard =
        client().get(app.url("/api/customer-service/dashboard")).bearer_auth(&reports).send().await.unwrap();
    assert_eq!(dashboard.status(), 200);
    let dashboard: Value = dashboard.json().await.unwrap();
    assert!(dashboard["agentId"].is_null(), "the shop's figures, not its agent user's");
    assert_eq!(dashboard["pending"]["unassigned"], 1, "{dashboard}");
    for path in ["/api/customer-service/dashboard/orders?list=received", "/api/customer-service/orders/pending"] {
        let response = client().get(app.url(path)).bearer_auth(&reports).send().await.unwrap();
        assert_eq!((response.status().as_u16(), error_code(response).await.as_str()), (403, "token_scope"), "{path}");
    }
    let post = client().post(app.url("/api/orders")).bearer_auth(&reports).json(&order_body("TOK-2", "0555 40 50 61"));
    assert_eq!(post.send().await.unwrap().status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_issues_lists_and_revokes_tokens_and_each_expires(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.create_user("admin@test.dz", "admin").await;
    let shop_user = app.create_user("shop@test.dz", "supervisor").await;
    let admin = app.logged_in("admin@test.dz").await;

    for (body, code, field) in [
        (json!({"userId": shop_user, "name": "x", "scopes": []}), "scopes_required", "scopes"),
        (json!({"userId": shop_user, "name": "x", "scopes": ["orders:write", "admin"]}), "scope_unknown", "scopes"),
        (
            json!({"userId": shop_user, "name": "x", "scopes": ["full"], "expiresInDays": 0}),
            "limit_invalid",
            "expiresInDays",
        ),
        (
            json!({"userId": shop_user, "name": "x", "scopes": ["full"], "expiresInDays": 731}),
            "limit_invalid",
            "expiresInDays",
        ),
        (json!({"userId": shop_user, "name": " ", "scopes": ["full"]}), "name_required", "name"),
        (json!({"userId": 999_999, "name": "x", "scopes": ["full"]}), "not_found", "userId"),
    ] {
        let response = issue(&app, &admin, body.clone()).await;
        let status = response.status().as_u16();
        let error: Value = response.json().await.unwrap();
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some(code), Some(field)), "{body}");
        assert!(status == 422 || status == 404, "{body}: {status}");
    }
    let missing = issue(&app, &admin, json!({"userId": shop_user, "name": "x"})).await;
    assert_eq!(missing.status(), 400, "scopes are required: no silent default");

    let response = issue(
        &app,
        &admin,
        json!({"userId": shop_user, "name": "Boutique", "scopes": ["orders:write"], "expiresInDays": 30}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let issued: Value = response.json().await.unwrap();
    let token = issued["token"].as_str().unwrap().to_string();
    let id = issued["id"].as_i64().unwrap();
    let expires = time::OffsetDateTime::parse(
        issued["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let days = (expires - time::OffsetDateTime::now_utc()).whole_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "expires in 30 days: {days} h");
    assert_eq!(audited(&pool, "token.create").await, 1);

    let list = get_json(&admin, app.url("/api/tokens")).await;
    let listed = &list.as_array().unwrap()[0];
    assert_eq!(listed["name"], "Boutique");
    assert_eq!(listed["userEmail"], "shop@test.dz");
    assert_eq!(listed["scopes"], json!(["orders:write"]));
    assert_eq!(listed["prefix"].as_str().unwrap(), &token[..8]);
    assert!(listed["lastUsedAt"].is_null(), "never used yet");
    assert!(!list.to_string().contains(&token[8..]), "the list never shows a token");

    // its use is noted, at most once a minute
    let last_used = || async {
        sqlx::query_scalar::<_, Option<time::OffsetDateTime>>("SELECT last_used_at FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    app.intake(&token, &order_body("TOK-3", "0555 40 50 62")).await;
    let first = last_used().await.expect("noted");
    app.intake(&token, &order_body("TOK-4", "0555 40 50 63")).await;
    assert_eq!(last_used().await, Some(first), "not written again within the minute");
    sqlx::query("UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    app.intake(&token, &order_body("TOK-5", "0555 40 50 64")).await;
    assert!(last_used().await.unwrap() > first, "written again after a minute");

    // past its expiry it is refused with its own code
    sqlx::query("UPDATE api_tokens SET created_at = now() - interval '31 days', expires_at = now() - interval '1 second' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let expired = client().post(app.url("/api/orders")).bearer_auth(&token).json(&order_body("TOK-6", "0555 40 50 65"));
    let expired = expired.send().await.unwrap();
    assert_eq!((expired.status().as_u16(), error_code(expired).await.as_str()), (401, "token_expired"));

    // revoked, it stops at once; revoking again changes nothing; an unknown token is 404
    let live =
        issue(&app, &admin, json!({"userId": shop_user, "name": "Livreur", "scopes": ["deliveries:write"]})).await;
    let live: Value = live.json().await.unwrap();
    let live_id = live["id"].as_i64().unwrap();
    let live_token = live["token"].as_str().unwrap();
    let me = client().get(app.url("/api/auth/me")).bearer_auth(live_token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    for _ in 0..2 {
        let revoke = admin.delete(app.url(&format!("/api/tokens/{live_id}"))).send().await.unwrap();
        assert_eq!(revoke.status(), 204);
    }
    assert_eq!(audited(&pool, "token.revoke").await, 1, "one revoke recorded");
    let me = client().get(app.url("/api/auth/me")).bearer_auth(live_token).send().await.unwrap();
    assert_eq!((me.status().as_u16(), error_code(me).await.as_str()), (401, "unauthenticated"));
    let unknown = admin.delete(app.url("/api/tokens/999999")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let list = get_json(&admin, app.url("/api/tokens")).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Boutique", "Livreur"], "an expired token listed before a revoked one");
    assert!(list[1]["revokedAt"].is_string());
}
