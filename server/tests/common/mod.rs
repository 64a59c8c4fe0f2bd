//! Spawns the real app on port 0 against a database and drives it over HTTP.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::time::Duration;

use app::auth::service::{create_user, NewUserInput};
use leptos::config::LeptosOptions;
use server::config::Settings;
use server::startup;
use sqlx::PgPool;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, &[]).await
    }

    /// Spawns with extra configuration variables (the rest take their defaults).
    pub async fn spawn_with(pool: PgPool, vars: &[(&str, &str)]) -> Self {
        server::telemetry::init(false);
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let settings = Settings::from_lookup(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .expect("settings");
        let options = LeptosOptions::builder().output_name("ecomanager-cs").build();
        let router = startup::router(pool.clone(), &settings, options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(startup::serve(
            listener,
            router,
            async move {
                let _ = stopped.await;
            },
            Duration::from_secs(5),
        ));
        Self { addr, pool, stop: Some(stop), task: Some(task) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Graceful stop, as on SIGTERM.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("serve");
        }
    }

    pub async fn create_user(&self, email: &str, role: &str) -> i64 {
        let input = NewUserInput {
            email: email.into(),
            name: format!("Test {role}"),
            role: role.into(),
            locale: Some("fr".into()),
            password: PASSWORD.into(),
        };
        create_user(&self.pool, None, input).await.expect("create user").id
    }

    /// A client that keeps cookies, logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> reqwest::Client {
        let client = client();
        let response = client
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), 200, "login as {email}");
        client
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The `code` of a JSON error answer.
pub async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("json error body");
    body["code"].as_str().unwrap_or_default().to_string()
}
