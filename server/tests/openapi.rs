//! The OpenAPI document lists every JSON endpoint the router serves, with the brief's paths.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{client, TestApp};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_document_describes_every_endpoint(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = client().get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/orders", "post"),
        ("/api/orders/import", "post"),
        ("/api/customer-service/orders/pending", "get"),
        ("/api/customer-service/orders/{orderId}/assign", "post"),
        ("/api/customer-service/orders/{orderId}/confirm-attempt", "post"),
        ("/api/customer-service/customers/{customerId}", "get"),
        ("/api/customer-service/customers/{customerId}/flags", "post"),
        ("/api/customer-service/customers/{customerId}/notes", "post"),
        ("/api/customer-service/customers/merges/{mergeId}/undo", "post"),
        ("/api/customer-service/statuses/{code}/transitions", "put"),
        ("/api/tokens", "post"),
        ("/api/orders/{reference}/delivery", "post"),
        ("/api/customer-service/orders/auto-assign", "post"),
        ("/api/customer-service/agents/performance", "get"),
        ("/api/customer-service/agents/{agentId}/presence", "put"),
        ("/api/customer-service/jobs/{name}/run", "post"),
        ("/api/customer-service/orders/detect-duplicates", "post"),
        ("/api/customer-service/sms/preview", "post"),
        ("/api/customer-service/sms/callbacks/{provider}", "post"),
        ("/api/customer-service/dashboard", "get"),
        ("/api/customer-service/dashboard/orders", "get"),
    ];
    for (path, method) in expected {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is documented");
    }
    assert_eq!(paths.len(), 50, "every route of rest::router is documented: {:?}", paths.keys().collect::<Vec<_>>());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "NewOrder",
        "OrderView",
        "AttemptInput",
        "AppError",
        "ErrorCode",
        "CustomerCard",
        "MergedCustomer",
        "StatusConfig",
        "AgentProfile",
        "AutoAssignReport",
        "AgentPerformance",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let codes: Vec<&str> =
        schemas["ErrorCode"]["enum"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(codes.contains(&"transition_not_allowed") && codes.contains(&"reference_reused"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    // The shared error responses (rest::responses) reach every operation that needs a login,
    // each with the AppError body.
    let open =
        ["/health", "/ready", "/api/openapi.json", "/api/auth/login", "/api/auth/logout", "/api/auth/password-reset"];
    for (path, item) in paths.iter().filter(|(p, _)| !open.contains(&p.as_str())) {
        for (method, operation) in item.as_object().unwrap() {
            let unauthenticated = &operation["responses"]["401"];
            assert_eq!(
                unauthenticated["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/AppError",
                "{method} {path} documents its 401"
            );
        }
    }
    let attempt = &paths["/api/customer-service/orders/{orderId}/confirm-attempt"]["post"]["responses"];
    for status in ["201", "401", "403", "404", "409", "422"] {
        assert!(attempt.get(status).is_some(), "confirm-attempt documents {status}");
    }
    assert_eq!(attempt["403"]["description"], "Role not allowed");
}
