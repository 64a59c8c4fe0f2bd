//! Courier outcomes feed the customer's record: delivered, returned, refused and failed attempts
//! through `POST /api/orders/{reference}/delivery` (idempotent on the event id), and outcomes
//! counted by the status's meaning (an unreachable customer is not a bad customer).
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use common::{audited, client, distinct_order_body, error_code, get_json, TestApp};
use serde_json::{json, Value};
use sqlx::PgPool;

struct World {
    app: TestApp,
    supervisor: reqwest::Client,
    shop: String,
    courier: String,
}

async fn world(pool: PgPool) -> World {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let admin = app.logged_in("admin@test.dz").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let shop = app.token_with(&admin, "shop@test.dz", "supervisor", &["orders:write"]).await;
    // the courier's user is an agent: its scope is what counts
    let courier = app.token_with(&admin, "courier@test.dz", "agent", &["deliveries:write"]).await;
    World { app, supervisor, shop, courier }
}

impl World {
    /// Closes an order with `result`, as a supervisor recording an attempt.
    async fn close(&self, order: i64, result: &str) {
        let url = self.app.url(&format!("/api/customer-service/orders/{order}"));
        let version = get_json(&self.supervisor, &url).await["version"].clone();
        let body = json!({"method": "phone", "result": result, "notes": "", "duration": 45, "version": version});
        let response = self.supervisor.post(format!("{url}/confirm-attempt")).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{result}: {}", response.text().await.unwrap());
    }

    async fn deliver(&self, reference: &str, body: Value) -> reqwest::Response {
        let url = self.app.url(&format!("/api/orders/{reference}/delivery"));
        client().post(url).bearer_auth(&self.courier).json(&body).send().await.unwrap()
    }

    async fn card(&self, order: i64) -> Value {
        let order = get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/orders/{order}"))).await;
        let customer = order["customerId"].as_i64().unwrap();
        get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/customers/{customer}"))).await
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn courier_outcomes_update_the_customer_s_counters_and_class_once_per_event(pool: PgPool) {
    let w = world(pool.clone()).await;
    let order = w.app.intake(&w.shop, &distinct_order_body("SHOP-D1", 1, "0555 12 34 56")).await;
    let total = get_json(&w.supervisor, w.app.url(&format!("/api/customer-service/orders/{order}"))).await["total"]
        .as_i64()
        .unwrap();

    let early = w.deliver("SHOP-D1", json!({"eventId": "d-0", "outcome": "delivered"})).await;
    assert_eq!((early.status().as_u16(), error_code(early).await.as_str()), (409, "order_not_confirmed"));
    w.close(order, "confirmed").await;

    let delivered =
        w.deliver("SHOP-D1", json!({"eventId": "d-1", "outcome": "delivered", "note": "remis en main propre"})).await;
    assert_eq!(delivered.status(), 201);
    let delivered: Value = delivered.json().await.unwrap();
    assert_eq!((delivered["created"].as_bool(), delivered["orderOutcome"].as_str()), (Some(true), Some("delivered")));
    let card = w.card(order).await;
    assert_eq!(
        (card["counters"]["delivered"].as_i64(), card["counters"]["totalSpent"].as_i64()),
        (Some(1), Some(total))
    );

    // the same event again changes nothing; another event under its id is refused
    let again =
        w.deliver("SHOP-D1", json!({"eventId": "d-1", "outcome": "delivered", "note": "remis en main propre"})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["created"], false);
    let reused = w.deliver("SHOP-D1", json!({"eventId": "d-1", "outcome": "returned", "reason": "other"})).await;
    assert_eq!(reused.status(), 409);
    let error: Value = reused.json().await.unwrap();
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("event_reused"), Some("eventId")));
    assert_eq!(w.card(order).await["counters"]["delivered"], 1);

    // a late "not home" scan does not undo the delivery
    let scan =
        w.deliver("SHOP-D1", json!({"eventId": "f-1", "outcome": "failed_attempt", "reason": "customer_absent"})).await;
    assert_eq!(scan.status(), 201);
    assert_eq!(scan.json::<Value>().await.unwrap()["orderOutcome"], "delivered");

    // sent back as a fake order (by our order number this time): the courier's word weighs most
    let number = delivered["orderNumber"].as_str().unwrap();
    let back = w.deliver(number, json!({"eventId": "r-1", "outcome": "returned", "reason": "fake_order"})).await;
    assert_eq!(back.status(), 201);
    let card = w.card(order).await;
    let counters = &card["counters"];
    assert_eq!(
        (
            counters["delivered"].as_i64(),
            counters["returned"].as_i64(),
            counters["fakeOrders"].as_i64(),
            counters["totalSpent"].as_i64()
        ),
        (Some(0), Some(1), Some(1), Some(0)),
        "{counters}"
    );
    assert_eq!(card["classification"]["type"], "bad");
    assert_eq!(card["classification"]["reason"], "fake_order");
    let signals: Vec<&str> =
        card["classification"]["breakdown"].as_array().unwrap().iter().map(|b| b["signal"].as_str().unwrap()).collect();
    assert!(signals.contains(&"fake_orders") && signals.contains(&"returned"), "{signals:?}");
    assert_eq!(audited(&pool, "order.delivery").await, 3, "each new event audited, the resend not");

    // bad input gets a code naming the field, and nothing is stored
    for (body, code, field) in [
        (json!({"eventId": "x-1", "outcome": "lost"}), "delivery_outcome_unknown", "outcome"),
        (json!({"eventId": "x-2", "outcome": "refused"}), "reason_required", "reason"),
        (json!({"eventId": "x-3", "outcome": "returned", "reason": "stolen"}), "delivery_reason_unknown", "reason"),
        (json!({"eventId": "", "outcome": "delivered"}), "event_id_invalid", "eventId"),
        (
            json!({"eventId": "x-4", "outcome": "delivered", "at": "2099-01-01T00:00:00Z"}),
            "delivery_time_invalid",
            "at",
        ),
    ] {
        let response = w.deliver("SHOP-D1", body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some(code), Some(field)), "{body}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM delivery_events").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 3);
    let unknown = w.deliver("NO-SUCH-ORDER", json!({"eventId": "u-1", "outcome": "delivered"})).await;
    assert_eq!(unknown.status(), 404);
    // the shop's order token may not report deliveries
    let shop = client()
        .post(w.app.url("/api/orders/SHOP-D1/delivery"))
        .bearer_auth(&w.shop)
        .json(&json!({"eventId": "s-1", "outcome": "delivered"}))
        .send()
        .await
        .unwrap();
    assert_eq!((shop.status().as_u16(), error_code(shop).await.as_str()), (403, "token_scope"));
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_copies_of_one_event_sent_at_once_count_once(pool: PgPool) {
    let w = world(pool.clone()).await;
    let order = w.app.intake(&w.shop, &distinct_order_body("SHOP-D2", 2, "0555 12 34 57")).await;
    w.close(order, "confirmed").await;
    let sends = (0..20)
        .map(|_| w.deliver("SHOP-D2", json!({"eventId": "same", "outcome": "refused", "reason": "customer_refused"})));
    let statuses: Vec<u16> = futures::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 19, "{statuses:?}");
    let counters = w.card(order).await["counters"].clone();
    assert_eq!((counters["refused"].as_i64(), counters["returned"].as_i64()), (Some(1), Some(0)), "{counters}");
}

#[sqlx::test(migrations = "../migrations")]
async fn outcomes_count_by_meaning_and_a_customer_who_never_answers_is_not_bad(pool: PgPool) {
    let w = world(pool).await;
    let phone = "0555 12 34 58";
    let mut orders = Vec::new();
    for n in 0..5 {
        orders.push(w.app.intake(&w.shop, &distinct_order_body(&format!("SHOP-M{n}"), 10 + n, phone)).await);
    }
    for order in &orders[..4] {
        w.close(*order, "unreachable").await;
    }
    let card = w.card(orders[0]).await;
    let counters = &card["counters"];
    assert_eq!((counters["cancelled"].as_i64(), counters["unreachable"].as_i64()), (Some(0), Some(4)), "{counters}");
    assert_ne!(card["classification"]["type"], "bad", "four unanswered orders: {card}");
    // the customer's own cancellation is one
    w.close(orders[4], "cancelled").await;
    let counters = w.card(orders[0]).await["counters"].clone();
    assert_eq!((counters["cancelled"].as_i64(), counters["unreachable"].as_i64()), (Some(1), Some(4)), "{counters}");
}

/// Waits for an import to finish and returns its report.
async fn finished_import(w: &World, response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for _ in 0..600 {
        let report: Value = client()
            .get(w.app.url(&format!("/api/orders/import/{id}")))
            .bearer_auth(&w.courier)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if report["summary"]["state"] != "running" {
            return report;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_courier_s_report_uploaded_twice_records_each_parcel_once(pool: PgPool) {
    let w = world(pool.clone()).await;
    let a = w.app.intake(&w.shop, &distinct_order_body("SHOP-R1", 21, "0555 12 34 61")).await;
    let b = w.app.intake(&w.shop, &distinct_order_body("SHOP-R2", 22, "0555 12 34 62")).await;
    w.close(a, "confirmed").await;
    w.close(b, "confirmed").await;
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+1));
    let date = format!("{:02}/{:02}/{} 00:01", today.day(), u8::from(today.month()), today.year());
    let report = format!(
        "Référence;Statut;Motif;Date\nSHOP-R1;Livrée;;{date}\nSHOP-R2;Refusé;Fausse commande;{date}\nSHOP-R9;Livrée;;{date}\nSHOP-R1;Perdu;;\n"
    );
    let upload = || {
        client()
            .post(w.app.url("/api/orders/import?name=yalidine.csv"))
            .bearer_auth(&w.courier)
            .header("content-type", "text/csv")
            .body(report.clone())
            .send()
    };
    let first = finished_import(&w, upload().await.unwrap()).await;
    let summary = &first["summary"];
    assert_eq!((summary["created"].as_i64(), summary["rejected"].as_i64()), (Some(2), Some(2)), "{first}");
    let rejected: Vec<(i64, &str)> = first["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["firstLine"].as_i64().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected, [(4, "not_found"), (5, "delivery_outcome_unknown")]);
    assert_eq!(w.card(a).await["counters"]["delivered"], 1);
    let card = w.card(b).await;
    assert_eq!((card["counters"]["refused"].as_i64(), card["counters"]["fakeOrders"].as_i64()), (Some(1), Some(1)));
    assert_eq!(card["classification"]["type"], "bad");
    // the dashboard's delivered rate reads them: one delivered, one refused today
    let dashboard = get_json(&w.supervisor, w.app.url("/api/customer-service/dashboard")).await;
    let satisfaction = &dashboard["satisfaction"];
    assert_eq!(
        (
            satisfaction["delivered"].as_i64(),
            satisfaction["returnedOrRefused"].as_i64(),
            satisfaction["deliveredRate"].as_f64()
        ),
        (Some(1), Some(1), Some(0.5)),
        "{satisfaction}"
    );

    let second = finished_import(&w, upload().await.unwrap()).await;
    assert_eq!((second["summary"]["created"].as_i64(), second["summary"]["existing"].as_i64()), (Some(0), Some(2)));
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM delivery_events").fetch_one(&pool).await.unwrap();
    assert_eq!(events, 2, "the same report twice records each parcel once");
    // an order list is still an order list, and the courier's token may not send one
    let orders = client()
        .post(w.app.url("/api/orders/import"))
        .bearer_auth(&w.courier)
        .header("content-type", "text/csv")
        .body("reference,name,phone,wilaya,product,quantity,unit_price\nX,Ali,0555123463,16,Lampe,1,1000\n")
        .send()
        .await
        .unwrap();
    assert_eq!((orders.status().as_u16(), error_code(orders).await.as_str()), (403, "token_scope"));
}
