//! Server-rendered pages and operations over HTTP: language negotiation, redirects, 404, health,
//! readiness while the database goes away and comes back.
mod common;

use common::{client, TestApp};
use server::pgcluster::{Durability, PrivateCluster};
use sqlx::PgPool;

async fn page(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = client().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_is_french_and_left_to_right_by_default(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, html) = page(&app, "/login", &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"lang="fr""#), "{html}");
    assert!(html.contains(r#"dir="ltr""#));
    assert!(html.contains("Mot de passe"));
}

#[sqlx::test(migrations = "../migrations")]
async fn accept_language_arabic_gives_a_right_to_left_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, html) = page(&app, "/login", &[("accept-language", "ar,fr;q=0.8")]).await;
    assert!(html.contains(r#"lang="ar""#), "{html}");
    assert!(html.contains(r#"dir="rtl""#));
    assert!(html.contains("كلمة المرور"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_locale_cookie_wins_over_accept_language(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, html) = page(&app, "/login", &[("accept-language", "fr"), ("cookie", "ecocs_locale=ar-DZ")]).await;
    assert!(html.contains(r#"lang="ar-DZ""#), "{html}");
    assert!(html.contains(r#"dir="rtl""#));
    assert!(html.contains("كلمة السر"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_visitor_is_sent_to_the_login_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = client().get(app.url("/")).header("accept", "text/html").send().await.expect("send");
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_logged_in_user_gets_the_home_page_with_the_nav_of_their_role(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    app.create_user("admin@example.dz", "admin").await;
    let agent = app.logged_in("agent@example.dz").await;
    let html = agent.get(app.url("/")).send().await.expect("send").text().await.expect("body");
    assert!(html.contains("Test agent"), "{html}");
    assert!(!html.contains(r#"href="/admin/users""#), "agents do not see the users page");
    let admin = app.logged_in("admin@example.dz").await;
    let html = admin.get(app.url("/")).send().await.expect("send").text().await.expect("body");
    assert!(html.contains(r#"href="/admin/users""#), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_page_is_a_404_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, html) = page(&app, "/no/such/page", &[]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Cette page n'existe pas") || html.contains("Cette page n&#x27;existe pas"), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness_answer_200_with_a_database(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(client().get(app.url("/health")).send().await.expect("send").status(), 200);
    assert_eq!(client().get(app.url("/ready")).send().await.expect("send").status(), 200);
}

/// Uses its own private cluster, stops it under the running app, and starts it again.
#[tokio::test]
async fn readiness_turns_503_while_the_database_is_away_and_200_when_it_is_back() {
    let dir = std::env::temp_dir().join(format!("ecocs-ready-{}", std::process::id()));
    let cluster = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("start cluster");
    cluster.ensure_database("ready_test").await.expect("database");
    let pool = server::startup::connect_pool(&cluster.database_url("ready_test"), 4).await.expect("pool");
    server::MIGRATOR.run(&pool).await.expect("migrate");
    let app = TestApp::spawn(pool).await;
    app.create_user("agent@example.dz", "agent").await;
    let agent = app.logged_in("agent@example.dz").await;
    let ready = || async { client().get(app.url("/ready")).send().await.expect("send").status().as_u16() };
    assert_eq!(ready().await, 200);

    cluster.stop().await.expect("stop");
    assert_eq!(ready().await, 503);
    assert_eq!(client().get(app.url("/health")).send().await.expect("send").status(), 200);
    let me = agent.get(app.url("/api/auth/me")).send().await.expect("send");
    assert_eq!(me.status(), 503, "no 500 with internal text while the database is away");

    let cluster = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("restart cluster");
    assert_eq!(ready().await, 200);
    assert_eq!(agent.get(app.url("/api/auth/me")).send().await.expect("send").status(), 200);
    app.stop().await;
    cluster.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&dir);
}
