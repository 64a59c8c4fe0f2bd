//! CSV imports over HTTP: every order of a file accounted for, each all or nothing, re-uploads
//! never duplicate, and large or malformed files get clear answers.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use std::time::Duration;

use common::{error_code, TestApp};
use serde_json::Value;
use sqlx::PgPool;

const HEADER: &str = "reference;nom;téléphone;wilaya;commune;adresse;produit;quantité;prix\n";

async fn setup(pool: PgPool) -> (TestApp, reqwest::Client) {
    let app = TestApp::spawn(pool).await;
    app.create_user("sup@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    (app, supervisor)
}

async fn upload(app: &TestApp, client: &reqwest::Client, csv: String) -> reqwest::Response {
    client
        .post(app.url("/api/orders/import?name=boutique.csv"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("upload")
}

/// Waits for the import to finish and returns its report.
async fn finished(app: &TestApp, client: &reqwest::Client, response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for _ in 0..600 {
        let report: Value =
            client.get(app.url(&format!("/api/orders/import/{id}"))).send().await.unwrap().json().await.unwrap();
        if report["summary"]["state"] == "done" {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {id} did not finish");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_order_of_a_file_is_created_or_rejected_with_its_line_and_reason(pool: PgPool) {
    let (app, supervisor) = setup(pool).await;
    let csv = format!(
        "{HEADER}\
         R-1;Yacine Benali;0555 12 34 56;16;Bab El Oued;12 rue X;Poussette;1;14500\n\
         R-1;Yacine Benali;0555 12 34 56;16;Bab El Oued;12 rue X;Biberon;2;900\n\
         R-2;أمينة;12345;31;;;Couches;1;2200\n\
         R-3;Sara;0770112233;31;Bab El Oued;;Lit;1;11000\n\
         R-4;Ali;0661000000;9;;;Lit;-1;11000\n\
         R-5;\"Ali;0661000001;9;;;Lit;1;11000\n"
    );
    let report = finished(&app, &supervisor, upload(&app, &supervisor, csv.clone()).await).await;
    let summary = &report["summary"];
    assert_eq!((summary["totalRows"].as_i64(), summary["totalOrders"].as_i64()), (Some(6), Some(5)));
    assert_eq!((summary["created"].as_i64(), summary["rejected"].as_i64()), (Some(1), Some(4)), "{report}");
    let rejections: Vec<(i64, String)> = report["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["firstLine"].as_i64().unwrap(), r["code"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        rejections[..3],
        [(4, "phone_invalid".into()), (5, "commune_unknown".into()), (6, "quantity_invalid".into())]
    );
    assert_eq!(rejections.len(), 4, "the line with an open quote is reported too: {rejections:?}");
    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM order_items").fetch_one(&app.pool).await.unwrap();
    assert_eq!(items, 2, "only the valid order, whole");

    // The same file again: nothing new, the order is recognised by its reference.
    let again = finished(&app, &supervisor, upload(&app, &supervisor, csv).await).await;
    assert_eq!((again["summary"]["created"].as_i64(), again["summary"]["existing"].as_i64()), (Some(0), Some(1)));
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders").fetch_one(&app.pool).await.unwrap();
    assert_eq!(orders, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ten_megabyte_file_of_mostly_broken_lines_is_fully_reported(pool: PgPool) {
    let (app, supervisor) = setup(pool).await;
    let address = "Cité des 1000 logements, bâtiment B, escalier 3, ".repeat(4);
    let mut csv = String::from(HEADER);
    let mut i = 0;
    while csv.len() < 10 * 1024 * 1024 {
        // One line in a hundred is a good order; the others have a phone nobody can call.
        let phone = if i % 100 == 0 { format!("0555{:06}", i) } else { "00000".to_string() };
        csv.push_str(&format!("BIG-{i};Client {i};{phone};16;;{address};Couches;1;2200\n"));
        i += 1;
    }
    let report = finished(&app, &supervisor, upload(&app, &supervisor, csv).await).await;
    let summary = &report["summary"];
    let good = (i + 99) / 100;
    assert_eq!(summary["totalOrders"].as_i64(), Some(i as i64));
    assert_eq!(summary["created"].as_i64(), Some(good as i64));
    assert_eq!(summary["rejected"].as_i64(), Some((i - good) as i64));
    assert_eq!(report["rejections"].as_array().unwrap().len(), 1000, "the report lists the first thousand");
    assert_eq!(report["rejections"][0]["firstLine"], 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn files_that_are_not_order_lists_or_too_big_are_refused_at_once(pool: PgPool) {
    let (app, supervisor) = setup(pool).await;
    let no_price =
        upload(&app, &supervisor, "nom;téléphone;wilaya;produit;quantité\nA;0555000001;16;Lit;1\n".into()).await;
    assert_eq!(no_price.status(), 422);
    let body: Value = no_price.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("csv_column_missing"), Some("unit_price")));
    let empty = upload(&app, &supervisor, HEADER.to_string()).await;
    assert_eq!(error_code(empty).await, "csv_empty");
    let huge = upload(&app, &supervisor, "x".repeat(21 * 1024 * 1024)).await;
    assert_eq!((huge.status().as_u16(), error_code(huge).await.as_str()), (413, "payload_too_large"));
    // Agents cannot import.
    app.create_user("agent@test.dz", "agent").await;
    let agent = app.logged_in("agent@test.dz").await;
    assert_eq!(upload(&app, &agent, HEADER.to_string()).await.status(), 403);
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM order_imports").fetch_one(&app.pool).await.unwrap();
    assert_eq!(imports, 0);
}
