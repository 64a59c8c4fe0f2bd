//! SQL for imports and their per-order results.
use sqlx::PgConnection;

use super::{ImportRejection, ImportState, ImportSummary, REPORT_LIMIT};
use crate::error::ErrorCode;

pub async fn insert_import(
    conn: &mut PgConnection,
    created_by: i64,
    file_name: &str,
    total_orders: i32,
    total_rows: i32,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO order_imports (created_by, file_name, total_orders, total_rows) VALUES ($1, $2, $3, $4) RETURNING id",
        created_by,
        file_name,
        total_orders,
        total_rows
    )
    .fetch_one(conn)
    .await
}

/// One order's outcome: `created`, `existing` or `rejected`.
pub struct ResultRow {
    pub position: i32,
    pub first_line: i32,
    pub last_line: i32,
    pub reference: Option<String>,
    pub outcome: &'static str,
    pub order_id: Option<i64>,
    pub error_code: Option<String>,
    pub error_field: Option<String>,
}

/// Stores a batch of outcomes and advances the counters, in one statement.
pub async fn record_results(conn: &mut PgConnection, import_id: i64, rows: &[ResultRow]) -> Result<(), sqlx::Error> {
    let positions: Vec<i32> = rows.iter().map(|r| r.position).collect();
    let firsts: Vec<i32> = rows.iter().map(|r| r.first_line).collect();
    let lasts: Vec<i32> = rows.iter().map(|r| r.last_line).collect();
    let references: Vec<Option<String>> = rows.iter().map(|r| r.reference.clone()).collect();
    let outcomes: Vec<String> = rows.iter().map(|r| r.outcome.to_string()).collect();
    let order_ids: Vec<Option<i64>> = rows.iter().map(|r| r.order_id).collect();
    let codes: Vec<Option<String>> = rows.iter().map(|r| r.error_code.clone()).collect();
    let fields: Vec<Option<String>> = rows.iter().map(|r| r.error_field.clone()).collect();
    sqlx::query!(
        r#"WITH inserted AS (
               INSERT INTO order_import_results
                   (import_id, position, first_line, last_line, reference, outcome, order_id, error_code, error_field)
               SELECT $1, * FROM UNNEST($2::int4[], $3::int4[], $4::int4[], $5::text[], $6::text[], $7::int8[],
                                        $8::text[], $9::text[])
               ON CONFLICT DO NOTHING
               RETURNING outcome)
           UPDATE order_imports
           SET processed = processed + (SELECT count(*) FROM inserted),
               created_count = created_count + (SELECT count(*) FROM inserted WHERE outcome = 'created'),
               existing_count = existing_count + (SELECT count(*) FROM inserted WHERE outcome = 'existing'),
               rejected_count = rejected_count + (SELECT count(*) FROM inserted WHERE outcome = 'rejected'),
               heartbeat_at = now()
           WHERE id = $1"#,
        import_id,
        &positions,
        &firsts,
        &lasts,
        &references as &[Option<String>],
        &outcomes,
        &order_ids as &[Option<i64>],
        &codes as &[Option<String>],
        &fields as &[Option<String>],
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn finish(conn: &mut PgConnection, import_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE order_imports SET status = 'done', finished_at = now() WHERE id = $1", import_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn summaries(
    conn: &mut PgConnection,
    id: Option<i64>,
    limit: i64,
) -> Result<Vec<ImportSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.file_name, i.status, i.total_orders, i.total_rows, i.processed, i.created_count,
                  i.existing_count, i.rejected_count, u.name AS created_by_name, i.created_at, i.finished_at,
                  (i.status = 'running' AND i.heartbeat_at < now() - interval '1 minute') AS "stale!"
           FROM order_imports i JOIN users u ON u.id = i.created_by
           WHERE $1::int8 IS NULL OR i.id = $1
           ORDER BY i.created_at DESC, i.id DESC LIMIT $2"#,
        id,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ImportSummary {
            id: r.id,
            file_name: r.file_name,
            state: match (r.status.as_str(), r.stale) {
                ("done", _) => ImportState::Done,
                (_, true) => ImportState::Interrupted,
                _ => ImportState::Running,
            },
            total_orders: r.total_orders,
            total_rows: r.total_rows,
            processed: r.processed,
            created: r.created_count,
            existing: r.existing_count,
            rejected: r.rejected_count,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            finished_at: r.finished_at,
        })
        .collect())
}

pub async fn rejections(conn: &mut PgConnection, import_id: i64) -> Result<Vec<ImportRejection>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT position, first_line, last_line, reference, error_code, error_field
         FROM order_import_results
         WHERE import_id = $1 AND outcome = 'rejected' ORDER BY position LIMIT $2",
        import_id,
        REPORT_LIMIT
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ImportRejection {
            position: r.position,
            first_line: r.first_line,
            last_line: r.last_line,
            reference: r.reference,
            code: r
                .error_code
                .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok())
                .unwrap_or(ErrorCode::Internal),
            field: r.error_field,
        })
        .collect())
}
