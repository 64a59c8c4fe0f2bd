//! One table of who may call what: every operation the OpenAPI document lists (which is every
//! route of the JSON router, see `openapi.rs`) is walked with every role, and the answer must be
//! 401 for the anonymous caller, 403 below the route's least role, and neither at or above it. A
//! route added without a line here fails, and so does a door that loses its check.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{client, get_json, order_body, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

/// Who may call a route: anyone, or at least this role (resource rules aside: the agent below is
/// the one the order is assigned to, and names their own agent id).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
enum Least {
    /// No login: the provider's signature is the key, so an unsigned call is 401 for every role.
    Signed,
    Anyone,
    Agent,
    Supervisor,
    Admin,
}

use Least::*;

const TABLE: &[(&str, &str, Least)] = &[
    ("get", "/health", Anyone),
    ("get", "/ready", Anyone),
    ("get", "/api/openapi.json", Anyone),
    ("post", "/api/auth/login", Anyone),
    ("get", "/api/auth/me", Agent),
    ("get", "/api/users", Admin),
    ("post", "/api/users", Admin),
    ("patch", "/api/users/{id}", Admin),
    ("post", "/api/users/{id}/password-reset", Admin),
    ("post", "/api/auth/password", Agent),
    ("post", "/api/auth/password-reset", Anyone),
    ("post", "/api/tokens", Admin),
    ("get", "/api/tokens", Admin),
    ("delete", "/api/tokens/{tokenId}", Admin),
    ("post", "/api/orders", Supervisor),
    ("post", "/api/orders/{reference}/delivery", Supervisor),
    ("post", "/api/customer-service/sms/preview", Agent),
    ("post", "/api/customer-service/sms/callbacks/{provider}", Signed),
    ("post", "/api/orders/import", Supervisor),
    ("get", "/api/orders/import/{id}", Supervisor),
    ("get", "/api/customer-service/statuses", Agent),
    ("post", "/api/customer-service/statuses", Supervisor),
    ("put", "/api/customer-service/statuses/{code}", Supervisor),
    ("delete", "/api/customer-service/statuses/{code}", Supervisor),
    ("put", "/api/customer-service/statuses/{code}/transitions", Supervisor),
    ("post", "/api/customer-service/orders/auto-assign", Supervisor),
    ("get", "/api/customer-service/agents", Supervisor),
    ("get", "/api/customer-service/agents/performance", Supervisor),
    ("get", "/api/customer-service/agents/{agentId}", Agent),
    ("put", "/api/customer-service/agents/{agentId}", Supervisor),
    ("get", "/api/customer-service/agents/{agentId}/attempts", Agent),
    ("put", "/api/customer-service/agents/{agentId}/presence", Agent),
    ("get", "/api/customer-service/routing/settings", Supervisor),
    ("put", "/api/customer-service/routing/settings", Admin),
    ("get", "/api/customer-service/jobs", Admin),
    ("post", "/api/customer-service/jobs/{name}/run", Admin),
    ("post", "/api/customer-service/orders/detect-duplicates", Supervisor),
    ("get", "/api/customer-service/duplicates", Supervisor),
    ("get", "/api/customer-service/duplicates/accuracy", Supervisor),
    ("post", "/api/customer-service/duplicates/{pairId}/decision", Supervisor),
    ("get", "/api/customer-service/dashboard", Agent),
    ("get", "/api/customer-service/dashboard/orders", Agent),
    ("get", "/api/customer-service/dashboard/settings", Supervisor),
    ("put", "/api/customer-service/dashboard/settings", Admin),
    ("get", "/api/customer-service/orders/pending", Agent),
    ("get", "/api/customer-service/orders/mine", Agent),
    ("post", "/api/customer-service/orders/assign", Supervisor),
    ("get", "/api/customer-service/orders/{orderId}", Agent),
    ("post", "/api/customer-service/orders/{orderId}/assign", Supervisor),
    ("post", "/api/customer-service/orders/{orderId}/confirm-attempt", Agent),
    ("get", "/api/customer-service/customers/{customerId}", Agent),
    ("post", "/api/customer-service/customers/{customerId}/flags", Agent),
    ("post", "/api/customer-service/customers/{customerId}/notes", Agent),
    ("post", "/api/customer-service/customers/{customerId}/classification", Supervisor),
    ("post", "/api/customer-service/customers/merges/{mergeId}/undo", Supervisor),
    ("get", "/api/customer-service/classification/distribution", Supervisor),
    ("get", "/api/customer-service/classification/settings", Supervisor),
    ("put", "/api/customer-service/classification/settings", Admin),
    // last: it ends the caller's session
    ("post", "/api/auth/logout", Anyone),
];

/// The routes a narrowly scoped token may call besides the open ones: its scope's.
fn granted(method: &str, template: &str) -> &'static [&'static str] {
    match (method, template) {
        ("get", "/api/auth/me") => &["orders:write", "deliveries:write", "reports:read"],
        ("post", "/api/orders/{reference}/delivery") => &["deliveries:write"],
        ("post", "/api/orders") | ("post", "/api/orders/import") => &["orders:write"],
        ("get", "/api/orders/import/{id}") => &["orders:write", "deliveries:write"],
        ("get", "/api/customer-service/dashboard")
        | ("get", "/api/customer-service/agents/performance")
        | ("get", "/api/customer-service/agents/{agentId}/attempts")
        | ("get", "/api/customer-service/duplicates/accuracy")
        | ("get", "/api/customer-service/classification/distribution") => &["reports:read"],
        _ => &[],
    }
}

/// A client that sends `token` on every request.
fn bearer(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The status a route answers `caller`.
async fn answer(caller: &reqwest::Client, method: &str, url: String, body: &Value) -> u16 {
    let request = match method {
        "get" => caller.get(url),
        "delete" => caller.delete(url),
        "post" => caller.post(url).json(body),
        "put" => caller.put(url).json(body),
        _ => caller.patch(url).json(body),
    };
    request.send().await.unwrap().status().as_u16()
}

#[sqlx::test(migrations = "../migrations")]
async fn every_route_answers_every_role_as_the_table_says(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let agent_id = app.create_user("agent@test.dz", "agent").await;
    let admin = app.logged_in("admin@test.dz").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let agent = app.logged_in("agent@test.dz").await;
    let shop = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let order = app.intake(&shop, &order_body("ROLES-1", "0555 10 20 30")).await;
    app.assign(&supervisor, order, agent_id).await;
    let customer =
        get_json(&supervisor, app.url(&format!("/api/customer-service/orders/{order}"))).await["customerId"].clone();

    // the table and the document name the same operations
    let doc = get_json(&client(), app.url("/api/openapi.json")).await;
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .filter(|(method, _)| ["get", "post", "put", "patch", "delete"].contains(&method.as_str()))
        .collect();
    // the document itself is the one route it does not describe
    documented.push(("get".into(), "/api/openapi.json".into()));
    documented.sort();
    let mut tabled: Vec<(String, String)> = TABLE.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    tabled.sort();
    assert_eq!(documented, tabled, "every documented operation has its line in the table, and only those");

    let anonymous = client();
    let mut tokens = Vec::new();
    for scope in ["orders:write", "deliveries:write", "reports:read"] {
        let token = app.token_with(&admin, &format!("{scope}@test.dz"), "supervisor", &[scope]).await;
        tokens.push((scope, bearer(&token)));
    }
    let callers: [(&str, &reqwest::Client, Option<Least>); 4] = [
        ("anonymous", &anonymous, None),
        ("agent", &agent, Some(Agent)),
        ("supervisor", &supervisor, Some(Supervisor)),
        ("admin", &admin, Some(Admin)),
    ];
    // well-formed bodies, so that what answers is the rule and not the parser; taken from the live
    // configuration where the shape is large
    let config = get_json(&admin, app.url("/api/customer-service/statuses")).await;
    let mut new_status = config["statuses"][0].clone();
    new_status["code"] = json!("roles_new");
    let routing = get_json(&admin, app.url("/api/customer-service/routing/settings")).await;
    let classification = get_json(&admin, app.url("/api/customer-service/classification/settings")).await;
    let body = |method: &str, template: &str| -> Value {
        match (method, template) {
            ("post", "/api/users") => json!({"email": "new@test.dz", "name": "Nouvel Agent", "role": "agent",
                                              "locale": "fr", "password": common::PASSWORD}),
            ("patch", "/api/users/{id}") => json!({"active": true}),
            ("post", "/api/auth/password") => {
                json!({"currentPassword": "not the password", "newPassword": "a new long password"})
            }
            ("post", "/api/auth/password-reset") => {
                json!({"token": "no-such-link", "newPassword": "a new long password"})
            }
            ("post", "/api/tokens") => json!({"userId": agent_id, "name": "roles", "scopes": ["reports:read"]}),
            ("post", "/api/orders") => order_body("ROLES-2", "0555 10 20 31"),
            ("post", "/api/orders/{reference}/delivery") => json!({"eventId": "roles", "outcome": "delivered"}),
            ("post", "/api/customer-service/statuses") | ("put", "/api/customer-service/statuses/{code}") => {
                new_status.clone()
            }
            ("put", "/api/customer-service/statuses/{code}/transitions") => json!([]),
            ("put", "/api/customer-service/agents/{agentId}") => {
                common::agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([]))
            }
            ("put", "/api/customer-service/agents/{agentId}/presence") => json!({"state": "available"}),
            ("put", "/api/customer-service/routing/settings") => routing.clone(),
            ("put", "/api/customer-service/classification/settings") => classification.clone(),
            ("post", "/api/customer-service/duplicates/{pairId}/decision") => json!({"decision": "duplicate"}),
            ("post", "/api/customer-service/orders/assign") => json!({"orderIds": [order], "agentId": agent_id}),
            ("post", "/api/customer-service/orders/{orderId}/assign") => json!({"agentId": agent_id}),
            ("post", "/api/customer-service/orders/{orderId}/confirm-attempt") => {
                json!({"method": "phone", "result": "busy", "notes": "", "duration": 30, "version": 999})
            }
            ("post", "/api/customer-service/customers/{customerId}/flags") => json!({"type": "other", "reason": "x"}),
            ("post", "/api/customer-service/customers/{customerId}/notes") => json!({"content": "x"}),
            ("post", "/api/customer-service/customers/{customerId}/classification") => {
                json!({"class": null, "reason": ""})
            }
            ("post", "/api/customer-service/sms/preview") => json!({"text": "Bonjour"}),
            ("put", "/api/customer-service/dashboard/settings") => {
                json!({"speedToCallMinutes": 15, "rankingMinVolume": 10})
            }
            _ => json!({}),
        }
    };
    let mut wrong = Vec::new();
    for (method, template, least) in TABLE {
        let path = template
            .replace("{id}", &if template.starts_with("/api/users") { agent_id } else { 999_999 }.to_string())
            .replace("{agentId}", &agent_id.to_string())
            .replace("{orderId}", &order.to_string())
            .replace("{customerId}", &customer.to_string())
            .replace("{code}", "no_such_status")
            .replace("{name}", "no_such_job")
            .replace("{pairId}", "999999")
            .replace("{mergeId}", "999999")
            .replace("{tokenId}", "999999")
            .replace("{reference}", "ROLES-1")
            .replace("/dashboard/orders", "/dashboard/orders?list=received")
            .replace("{provider}", "mock");
        let body = body(method, template);
        for (who, caller, role) in &callers {
            let status = answer(caller, method, app.url(&path), &body).await;
            let allowed = *least == Anyone || role.is_some_and(|r| r >= *least);
            let right = match (allowed, role) {
                _ if *least == Signed => status == 401,
                (true, _) => status != 401 && status != 403,
                (false, None) => status == 401,
                (false, Some(_)) => status == 403,
            };
            if !right {
                wrong.push(format!("{method} {path} as {who}: {status} (least role {least:?})"));
            }
        }
        // a narrowly scoped token (of a supervisor) may do what its scope names and nothing else,
        // whatever its user's role
        for (scope, caller) in &tokens {
            let status = answer(caller, method, app.url(&path), &body).await;
            let allowed = *least == Anyone || granted(method, template).contains(scope);
            let right = match allowed {
                _ if *least == Signed => status == 401,
                true => status != 401 && status != 403,
                false => status == 403,
            };
            if !right {
                wrong.push(format!("{method} {path} with a {scope} token: {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "answers that do not follow the table:\n{}", wrong.join("\n"));
}
