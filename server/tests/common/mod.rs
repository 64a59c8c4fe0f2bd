//! Spawns the real app on port 0 against a database and drives it over HTTP.
#![allow(dead_code)]
pub mod fakes;
pub mod messaging;
pub mod smtp;

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
    /// The job runner, when the test asks for it with `SCHEDULER=true` (off by default, so tests
    /// about something else drive the jobs themselves).
    runner: Option<server::jobs::Runner>,
    /// How this instance sends messages (its provider, lease, rate), for tests that run the
    /// sender themselves.
    pub messaging: app::messaging::service::MessagingConfig,
}

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, &[]).await
    }

    /// Spawns with extra configuration variables (the rest take their defaults, but for
    /// `SCHEDULER`, false unless given); the job runner starts as `main` starts it.
    pub async fn spawn_with(pool: PgPool, vars: &[(&str, &str)]) -> Self {
        server::telemetry::init(false);
        let mut vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        for (name, default) in [("SCHEDULER", "false"), ("COOKIE_SECURE", "false")] {
            if !vars.iter().any(|(k, _)| k == name) {
                vars.push((name.into(), default.into()));
            }
        }
        let settings = Settings::from_lookup(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .expect("settings");
        let options = LeptosOptions::builder().output_name("ecomanager-cs").build();
        let runner = settings.scheduler.then(|| server::jobs::spawn(pool.clone(), &settings));
        let live = server::live::Hub::start(pool.clone(), settings.live_tick);
        let router = startup::router(pool.clone(), &settings, options, live.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(startup::serve(
            listener,
            router,
            async move {
                let _ = stopped.await;
                live.close();
            },
            Duration::from_secs(5),
        ));
        Self { addr, pool, stop: Some(stop), task: Some(task), runner, messaging: settings.messaging.clone() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Graceful stop, as on SIGTERM.
    pub async fn stop(mut self) {
        self.runner.take();
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
    // A hung server fails the test instead of hanging the suite.
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// GET a JSON body (the test fails on a network error or a body that is not JSON).
/// A CSV export's body; it must be served as UTF-8 CSV.
pub async fn get_csv(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    let response = client.get(url).send().await.expect("request");
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    response.text().await.expect("body")
}

pub async fn get_json(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> serde_json::Value {
    client.get(url).send().await.expect("get").json().await.expect("json body")
}

/// The `code` of a JSON error answer.
/// How many audit entries `action` has.
pub async fn audited(pool: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(pool)
        .await
        .expect("audit count")
}

pub async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("json error body");
    body["code"].as_str().unwrap_or_default().to_string()
}

/// A shop's order body for `POST /api/orders`.
pub fn order_body(reference: &str, phone: &str) -> serde_json::Value {
    serde_json::json!({
        "reference": reference,
        "customer": {"name": "Yacine Benali", "phone": phone, "language": "fr"},
        "delivery": {"wilaya": 16, "commune": "Bab El Oued", "address": "12 rue des Frères Bouadou", "type": "home"},
        "items": [{"sku": "POU-01", "name": "Poussette", "quantity": 1, "unitPrice": 14500},
                  {"sku": "BIB-02", "name": "Biberon", "quantity": 2, "unitPrice": 900}],
        "total": 16300
    })
}

/// An agent profile as the brief's `agentInfo` (`isConfirmationAgent`, `preferences`), on shift
/// every day, all day, so tests do not depend on the hour they run at.
pub fn agent_profile(languages: serde_json::Value, provinces: serde_json::Value) -> serde_json::Value {
    let all_week: Vec<serde_json::Value> =
        (1..=7).map(|d| serde_json::json!({"weekday": d, "startMinute": 0, "endMinute": 1440})).collect();
    serde_json::json!({"isConfirmationAgent": true,
           "preferences": {"languages": languages, "provinces": provinces, "workingHours": all_week,
                           "maxOrdersPerDay": 500, "maxOpenOrders": 100}})
}

/// Orders from `n` different people (names, addresses, products and phones all differ), so
/// duplicate detection leaves them alone: for tests about something else.
pub fn distinct_order_body(reference: &str, n: usize, phone: &str) -> serde_json::Value {
    const FIRST: [&str; 12] =
        ["Yacine", "Amina", "Karim", "Nour", "Sofiane", "Lina", "Walid", "Sarah", "Mehdi", "Imane", "Rachid", "Samia"];
    const LAST: [&str; 12] = [
        "Benali", "Haddad", "Meziane", "Bouzid", "Cherif", "Saidi", "Toumi", "Rahmani", "Zerrouki", "Belkacem",
        "Ouali", "Mansouri",
    ];
    const STREETS: [&str; 6] = [
        "rue Didouche Mourad",
        "boulevard Zighoud Youcef",
        "rue Larbi Tebessi",
        "avenue Pasteur",
        "rue Hassiba Ben Bouali",
        "chemin Poirson",
    ];
    serde_json::json!({
        "reference": reference,
        "customer": {"name": format!("{} {}", FIRST[n % 12], LAST[(n / 12 + n) % 12]), "phone": phone, "language": "fr"},
        "delivery": {"wilaya": 16, "address": format!("{} {}", 10 + n * 7, STREETS[n % 6]), "type": "home"},
        "items": [{"sku": format!("SKU-{n}"), "name": format!("Article {n}"), "quantity": 1 + n % 3, "unitPrice": 1000 + 37 * n as i64}],
        "total": (1 + n % 3) as i64 * (1000 + 37 * n as i64)
    })
}

impl TestApp {
    /// A `full` API token acting as a new user with `role` (created through the admin endpoint).
    pub async fn token_for(&self, admin: &reqwest::Client, email: &str, role: &str) -> String {
        self.token_with(admin, email, role, &["full"]).await
    }

    /// An API token with `scopes` acting as a new user with `role`.
    pub async fn token_with(&self, admin: &reqwest::Client, email: &str, role: &str, scopes: &[&str]) -> String {
        let user_id = self.create_user(email, role).await;
        let response = admin
            .post(self.url("/api/tokens"))
            .json(&serde_json::json!({"userId": user_id, "name": format!("{role} token"), "scopes": scopes}))
            .send()
            .await
            .expect("create token");
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.expect("token json");
        body["token"].as_str().expect("token").to_string()
    }

    /// Stores an order through the API and returns its id.
    pub async fn intake(&self, token: &str, body: &serde_json::Value) -> i64 {
        let response =
            client().post(self.url("/api/orders")).bearer_auth(token).json(body).send().await.expect("intake");
        assert!(response.status().is_success(), "intake answered {}", response.status());
        let body: serde_json::Value = response.json().await.expect("intake json");
        body["id"].as_i64().expect("id")
    }

    /// Gives `agent_id` this profile (as `supervisor`) and makes them available (as `agent`, logged
    /// in as that user).
    pub async fn make_available(
        &self,
        supervisor: &reqwest::Client,
        agent: &reqwest::Client,
        agent_id: i64,
        profile: &serde_json::Value,
    ) {
        let response = supervisor
            .put(self.url(&format!("/api/customer-service/agents/{agent_id}")))
            .json(profile)
            .send()
            .await
            .expect("profile");
        assert_eq!(response.status(), 200, "profile of agent {agent_id}");
        let response = agent
            .put(self.url(&format!("/api/customer-service/agents/{agent_id}/presence")))
            .json(&serde_json::json!({"state": "available"}))
            .send()
            .await
            .expect("presence");
        assert_eq!(response.status(), 200, "presence of agent {agent_id}");
    }

    /// Assigns orders to an agent straight through the service (as a supervisor would).
    pub async fn assign(&self, supervisor: &reqwest::Client, order_id: i64, agent_id: i64) {
        let response = supervisor
            .post(self.url(&format!("/api/customer-service/orders/{order_id}/assign")))
            .json(&serde_json::json!({"agentId": agent_id}))
            .send()
            .await
            .expect("assign");
        assert_eq!(response.status(), 200, "assign");
    }
}
