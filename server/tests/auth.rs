//! Accounts over HTTP: login, sessions, roles, deactivation, rate limits, bad input.
mod common;

use common::{client, error_code, TestApp, PASSWORD};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_logs_in_and_is_who_the_session_says(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@example.dz", "admin").await;
    let client = client();
    let response = client
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "  Admin@Example.DZ ", "password": PASSWORD }))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ecocs_session="))
        .expect("session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let me: serde_json::Value =
        client.get(app.url("/api/auth/me")).send().await.expect("me").json().await.expect("json");
    assert_eq!(me["email"], "admin@example.dz");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["locale"], "fr");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cookie_is_secure_when_configured(pool: PgPool) {
    let app = TestApp::spawn_with(pool, &[("COOKIE_SECURE", "true")]).await;
    app.create_user("admin@example.dz", "admin").await;
    let response = client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "admin@example.dz", "password": PASSWORD }))
        .send()
        .await
        .expect("login");
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    let wrong = client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "agent@example.dz", "password": "not the password" }))
        .send()
        .await
        .expect("send");
    let unknown = client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "nobody@example.dz", "password": "not the password" }))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    assert_eq!(error_code(unknown).await, "invalid_credentials");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_a_session_me_is_401_unauthenticated(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = client().get(app.url("/api/auth/me")).send().await.expect("send");
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(response).await, "unauthenticated");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_agent_gets_403_on_an_admin_route(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    app.create_user("sup@example.dz", "supervisor").await;
    for email in ["agent@example.dz", "sup@example.dz"] {
        let client = app.logged_in(email).await;
        let response = client.get(app.url("/api/users")).send().await.expect("send");
        assert_eq!(response.status(), 403, "{email}");
        assert_eq!(error_code(response).await, "forbidden");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_user_is_logged_out_at_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@example.dz", "admin").await;
    let agent_id = app.create_user("agent@example.dz", "agent").await;
    let agent = app.logged_in("agent@example.dz").await;
    let admin = app.logged_in("admin@example.dz").await;
    assert_eq!(agent.get(app.url("/api/auth/me")).send().await.expect("me").status(), 200);

    let response = admin
        .patch(app.url(&format!("/api/users/{agent_id}")))
        .json(&json!({ "active": false }))
        .send()
        .await
        .expect("deactivate");
    assert_eq!(response.status(), 200);

    let response = agent.get(app.url("/api/auth/me")).send().await.expect("me");
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(response).await, "unauthenticated");
    let again = client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "agent@example.dz", "password": PASSWORD }))
        .send()
        .await
        .expect("login");
    assert_eq!(again.status(), 403);
    assert_eq!(error_code(again).await, "account_disabled");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_is_still_valid_after_the_app_restarts(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    first.create_user("sup@example.dz", "supervisor").await;
    let client = first.logged_in("sup@example.dz").await;
    first.stop().await;

    let second = TestApp::spawn(pool).await;
    let response = client.get(second.url("/api/auth/me")).send().await.expect("me");
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn login_gives_a_new_session_id_and_the_old_one_stops_working(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("sup@example.dz", "supervisor").await;
    let session_cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.split(';').next().filter(|c| c.starts_with("ecocs_session=")).map(str::to_string))
            .expect("session cookie")
    };
    let raw = reqwest::Client::new();
    let body = json!({ "email": "sup@example.dz", "password": PASSWORD });
    let first = raw.post(app.url("/api/auth/login")).json(&body).send().await.expect("login");
    let old = session_cookie(&first);
    let second =
        raw.post(app.url("/api/auth/login")).header("cookie", &old).json(&body).send().await.expect("login again");
    let new = session_cookie(&second);
    assert_ne!(old, new);
    let with_old = raw.get(app.url("/api/auth/me")).header("cookie", &old).send().await.expect("me");
    assert_eq!(with_old.status(), 401);
    let with_new = raw.get(app.url("/api/auth/me")).header("cookie", &new).send().await.expect("me");
    assert_eq!(with_new.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn logout_ends_the_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    let client = app.logged_in("agent@example.dz").await;
    assert_eq!(client.post(app.url("/api/auth/logout")).send().await.expect("logout").status(), 200);
    assert_eq!(client.get(app.url("/api/auth/me")).send().await.expect("me").status(), 401);
}

async fn try_login(app: &TestApp, email: &str, password: &str, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = client().post(app.url("/api/auth/login")).json(&json!({ "email": email, "password": password }));
    if let Some(chain) = forwarded_for {
        request = request.header("x-forwarded-for", chain);
    }
    request.send().await.expect("send")
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_for_one_email_slow_it_down_and_the_right_password_works_after_the_wait(pool: PgPool) {
    let app =
        TestApp::spawn_with(pool, &[("LOGIN_MAX_FAILURES_PER_EMAIL", "3"), ("LOGIN_MAX_DELAY_SECONDS", "2")]).await;
    app.create_user("agent@example.dz", "agent").await;
    for _ in 0..3 {
        assert_eq!(try_login(&app, "agent@example.dz", "wrong password", None).await.status(), 401);
    }
    let r = try_login(&app, "agent@example.dz", PASSWORD, None).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["retryAfter"].as_u64()), (Some("too_many_attempts"), Some(wait)));
    // a slow-down, not a lockout: once the wait is over the agent gets in
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(try_login(&app, "agent@example.dz", PASSWORD, None).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn fifty_parallel_wrong_logins_check_no_more_passwords_than_the_allowance(pool: PgPool) {
    let app =
        TestApp::spawn_with(pool, &[("LOGIN_MAX_FAILURES_PER_EMAIL", "3"), ("LOGIN_MAX_DELAY_SECONDS", "2")]).await;
    app.create_user("agent@example.dz", "agent").await;
    let app = &app;
    let statuses: Vec<u16> =
        futures::future::join_all((0..50).map(|_| async move {
            try_login(app, "agent@example.dz", "wrong password", None).await.status().as_u16()
        }))
        .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let slowed = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + slowed, 50, "{statuses:?}");
    // each attempt is recorded before it counts the ones before it: at most the allowance is
    // checked (a commit order differing from the id order may let one or two more through)
    assert!((1..=5).contains(&checked), "{checked} passwords checked: {statuses:?}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(try_login(app, "agent@example.dz", PASSWORD, None).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_from_one_address_are_throttled_across_emails(pool: PgPool) {
    let app = TestApp::spawn_with(pool, &[("LOGIN_MAX_FAILURES_PER_IP", "4")]).await;
    for i in 0..4 {
        assert_eq!(try_login(&app, &format!("guess{i}@example.dz"), "wrong password", None).await.status(), 401);
    }
    assert_eq!(try_login(&app, "another@example.dz", "wrong password", None).await.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_the_proxy_the_address_is_the_one_it_appended_not_one_the_client_wrote(pool: PgPool) {
    let app = TestApp::spawn_with(pool, &[("LOGIN_MAX_FAILURES_PER_IP", "4"), ("TRUST_PROXY", "true")]).await;
    // the client writes a new address on each try; our proxy appends the real one
    for i in 0..4 {
        let chain = format!("198.51.100.{i}, 203.0.113.7");
        let r = try_login(&app, &format!("guess{i}@example.dz"), "wrong password", Some(&chain)).await;
        assert_eq!(r.status(), 401);
    }
    let r = try_login(&app, "another@example.dz", "wrong password", Some("198.51.100.99, 203.0.113.7")).await;
    assert_eq!(r.status(), 429, "the same client, whatever it wrote");
    let r = try_login(&app, "another@example.dz", "wrong password", Some("203.0.113.7, 192.0.2.1")).await;
    assert_eq!(r.status(), 401, "another client: it cannot pass itself off as the first");
    let ips: Vec<Option<String>> =
        sqlx::query_scalar("SELECT DISTINCT ip FROM login_attempts ORDER BY 1").fetch_all(&app.pool).await.unwrap();
    assert_eq!(ips, [Some("192.0.2.1".to_string()), Some("203.0.113.7".to_string())]);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_bodies_get_codes_not_prose(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let missing =
        client().post(app.url("/api/auth/login")).json(&json!({ "email": "a@b.dz" })).send().await.expect("send");
    assert_eq!(missing.status(), 400);
    assert_eq!(error_code(missing).await, "bad_request");

    let malformed = client()
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(malformed).await, "bad_request");

    let huge = client()
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"email":"a@b.dz","password":"{}"}}"#, "x".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .expect("send");
    assert_eq!(huge.status(), 413);
    assert_eq!(error_code(huge).await, "payload_too_large");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_creates_users_with_validated_fields_and_an_audit_entry(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let admin_id = app.create_user("admin@example.dz", "admin").await;
    let admin = app.logged_in("admin@example.dz").await;
    let create = |body: serde_json::Value| admin.post(app.url("/api/users")).json(&body).send();

    let ok = create(json!({ "email": "nour@example.dz", "name": "نور الهدى", "role": "agent", "locale": "dz", "password": PASSWORD }))
        .await
        .expect("create");
    assert_eq!(ok.status(), 201);
    let user: serde_json::Value = ok.json().await.expect("json");
    assert_eq!(user["locale"], "ar-DZ");
    assert_eq!(user["active"], true);

    let cases = [
        (json!({ "email": "nour@example.dz", "name": "x", "role": "agent", "password": PASSWORD }), 409, "email_taken"),
        (json!({ "email": "not-an-email", "name": "x", "role": "agent", "password": PASSWORD }), 422, "email_invalid"),
        (json!({ "email": "k@example.dz", "name": "x", "role": "boss", "password": PASSWORD }), 422, "role_unknown"),
        (
            json!({ "email": "k@example.dz", "name": "x", "role": "agent", "locale": "de", "password": PASSWORD }),
            422,
            "locale_unknown",
        ),
        (
            json!({ "email": "k@example.dz", "name": "x", "role": "agent", "password": "short" }),
            422,
            "password_too_short",
        ),
        (
            json!({ "email": "k@example.dz", "name": "   ", "role": "agent", "password": PASSWORD }),
            422,
            "name_required",
        ),
    ];
    for (body, status, code) in cases {
        let r = create(body).await.expect("send");
        assert_eq!(r.status(), status, "{code}");
        assert_eq!(error_code(r).await, code);
    }

    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'user.create' AND actor_id = $1")
            .bind(admin_id)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_changes_a_role_but_never_their_own(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let admin_id = app.create_user("admin@example.dz", "admin").await;
    let agent_id = app.create_user("agent@example.dz", "agent").await;
    let admin = app.logged_in("admin@example.dz").await;

    let r = admin
        .patch(app.url(&format!("/api/users/{agent_id}")))
        .json(&json!({ "role": "supervisor" }))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let before_after: (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'user.role' AND entity_id = $1")
            .bind(agent_id)
            .fetch_one(&pool)
            .await
            .expect("audit");
    assert_eq!(before_after.0["role"], "agent");
    assert_eq!(before_after.1["role"], "supervisor");

    let own = admin
        .patch(app.url(&format!("/api/users/{admin_id}")))
        .json(&json!({ "active": false }))
        .send()
        .await
        .expect("send");
    assert_eq!(own.status(), 403);
    assert_eq!(error_code(own).await, "cannot_change_self");

    let missing =
        admin.patch(app.url("/api/users/999999")).json(&json!({ "role": "agent" })).send().await.expect("send");
    assert_eq!(missing.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_server_function_answers_a_code_with_its_status(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = client()
        .post(app.url("/fn/login"))
        .header("accept", "application/json")
        .form(&[("email", "x@example.dz"), ("password", "whatever pw")])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(error_code(r).await, "invalid_credentials");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_plain_form_login_is_redirected_home_or_back_with_the_error_code(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    let form = |password: &'static str| {
        client()
            .post(app.url("/fn/login"))
            .header("accept", "text/html")
            .header("referer", app.url("/login"))
            .form(&[("email", "agent@example.dz"), ("password", password)])
            .send()
    };
    let bad = form("wrong password").await.expect("send");
    assert_eq!(bad.status(), 302);
    assert_eq!(bad.headers()["location"], "/login?error=invalid_credentials");
    let good = form(PASSWORD).await.expect("send");
    assert_eq!(good.status(), 302);
    assert_eq!(good.headers()["location"], "/");
    let locale_cookie = good
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("ecocs_locale=fr"));
    assert!(locale_cookie, "the saved locale goes into the locale cookie");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_state_change_riding_on_the_session_from_another_site_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@example.dz", "admin").await;
    let client = app.logged_in("admin@example.dz").await;
    let logout = app.url("/api/auth/logout");
    // another site, a sibling subdomain (same-site for SameSite=Lax), a sandboxed frame
    for (name, value) in
        [("origin", "https://shop.dz.evil.example"), ("sec-fetch-site", "same-site"), ("origin", "null")]
    {
        let response = client.post(&logout).header(name, value).send().await.expect("logout");
        assert_eq!(response.status(), 403, "{name}: {value}");
        assert_eq!(error_code(response).await, "origin_forbidden");
    }
    // a server function (a form post from the pages) is guarded the same way
    let response = client
        .post(app.url("/fn/auto_assign"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("server fn");
    assert_eq!(response.status(), 403);
    assert_eq!(client.get(app.url("/api/auth/me")).send().await.expect("me").status(), 200, "still logged in");

    // a token carries no ambient credential: it posts from anywhere
    let token = app.token_for(&client, "shop@example.dz", "supervisor").await;
    let response = common::client()
        .post(app.url("/api/orders"))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&common::distinct_order_body("CSRF-1", 1, "0555 10 20 30"))
        .send()
        .await
        .expect("intake");
    assert_eq!(response.status(), 201);

    // this site's own pages post as before
    let origin = app.url("");
    let response = client.post(&logout).header("origin", origin.trim_end_matches('/')).send().await.expect("logout");
    assert_eq!(response.status(), 200);
    assert_eq!(client.get(app.url("/api/auth/me")).send().await.expect("me").status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_the_security_headers_and_hsts_comes_with_secure_cookies(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    for path in ["/login", "/api/auth/me", "/health"] {
        let response = client().get(app.url(path)).send().await.expect("get");
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert!(header("content-security-policy").contains("object-src 'none'"), "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(header("strict-transport-security"), "", "plain HTTP: {path}");
    }
    let secure = TestApp::spawn_with(pool, &[("COOKIE_SECURE", "true")]).await;
    let response = client().get(secure.url("/health")).send().await.expect("get");
    assert!(response.headers().get("strict-transport-security").is_some());
}
