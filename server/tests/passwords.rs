//! Passwords: a user changes their own (the current one required, their other sessions end), and
//! an admin issues a one-time reset link (it works once, before it expires, and ends every
//! session of the user).
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{audited, client, error_code, TestApp, PASSWORD};
use serde_json::{json, Value};
use sqlx::PgPool;

const NEW: &str = "a brand new passphrase";

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    let response =
        client().post(app.url("/api/auth/login")).json(&json!({"email": email, "password": password})).send().await;
    response.unwrap().status().as_u16()
}

async fn me_status(app: &TestApp, session: &reqwest::Client) -> u16 {
    session.get(app.url("/api/auth/me")).send().await.unwrap().status().as_u16()
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_one_s_password_needs_the_current_one_and_ends_the_other_sessions(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("agent@test.dz", "agent").await;
    let here = app.logged_in("agent@test.dz").await;
    let elsewhere = app.logged_in("agent@test.dz").await;
    let change = |current: &str, new: &str| {
        here.post(app.url("/api/auth/password")).json(&json!({"currentPassword": current, "newPassword": new})).send()
    };

    for (current, new, code, field) in [
        ("not my password", NEW, "password_wrong", "currentPassword"),
        (PASSWORD, "short", "password_too_short", "newPassword"),
    ] {
        let response = change(current, new).await.unwrap();
        assert_eq!(response.status(), 422);
        let error: Value = response.json().await.unwrap();
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some(code), Some(field)));
    }
    assert_eq!(me_status(&app, &elsewhere).await, 200, "a refused change ends nothing");

    assert_eq!(change(PASSWORD, NEW).await.unwrap().status(), 204);
    assert_eq!(me_status(&app, &here).await, 200, "this session goes on");
    assert_eq!(me_status(&app, &elsewhere).await, 401, "the other one is ended");
    assert_eq!(login_status(&app, "agent@test.dz", PASSWORD).await, 401, "the old password no longer works");
    assert_eq!(login_status(&app, "agent@test.dz", NEW).await, 200);
    assert_eq!(audited(&pool, "user.password_change").await, 1);

    // a token is not a person: it cannot change a password
    let admin = app.logged_in("admin@test.dz").await;
    let token = app.token_for(&admin, "script@test.dz", "admin").await;
    let response = client()
        .post(app.url("/api/auth/password"))
        .bearer_auth(&token)
        .json(&json!({"currentPassword": PASSWORD, "newPassword": NEW}))
        .send()
        .await
        .unwrap();
    assert_eq!((response.status().as_u16(), error_code(response).await.as_str()), (403, "token_scope"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_works_once_before_it_expires_and_ends_every_session(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    app.create_user("admin@test.dz", "admin").await;
    let agent = app.create_user("agent@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let session = app.logged_in("agent@test.dz").await;
    let issue = || async {
        let response = admin.post(app.url(&format!("/api/users/{agent}/password-reset"))).send().await.unwrap();
        assert_eq!(response.status(), 201);
        let link: Value = response.json().await.unwrap();
        let path = link["path"].as_str().unwrap().to_string();
        path.strip_prefix("/reset-password?token=").expect("a link to the reset page").to_string()
    };
    let redeem = |token: String, new: &'static str| {
        client().post(app.url("/api/auth/password-reset")).json(&json!({"token": token, "newPassword": new})).send()
    };

    // a newer link replaces an older one
    let first = issue().await;
    let second = issue().await;
    let lapsed = redeem(first, NEW).await.unwrap();
    assert_eq!((lapsed.status().as_u16(), error_code(lapsed).await.as_str()), (422, "reset_invalid"));
    assert_eq!(me_status(&app, &session).await, 200, "issuing a link ends nothing");

    let short = redeem(second.clone(), "short").await.unwrap();
    assert_eq!(error_code(short).await, "password_too_short");
    assert_eq!(redeem(second.clone(), NEW).await.unwrap().status(), 204);
    assert_eq!(me_status(&app, &session).await, 401, "every session of the user ends");
    assert_eq!(login_status(&app, "agent@test.dz", NEW).await, 200);
    let again = redeem(second, "yet another passphrase").await.unwrap();
    assert_eq!((again.status().as_u16(), error_code(again).await.as_str()), (422, "reset_invalid"), "once only");

    // past its day, a link is refused
    let late = issue().await;
    sqlx::query("UPDATE password_resets SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE used_at IS NULL")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(error_code(redeem(late, "yet another passphrase").await.unwrap()).await, "reset_invalid");
    assert_eq!(login_status(&app, "agent@test.dz", NEW).await, 200, "nothing changed");
    assert_eq!(audited(&pool, "user.password_reset_issued").await, 3);
    assert_eq!(audited(&pool, "user.password_reset").await, 1);
    // only an admin issues links
    let other = admin.post(app.url("/api/users/999999/password-reset")).send().await.unwrap();
    assert_eq!(other.status(), 404);
}
