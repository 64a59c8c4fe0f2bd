//! Runs a CSV import: the file is read whole first (a file that is not an order list is refused
//! at once), then each order goes through the same intake as `POST /api/orders`, in the
//! background, its outcome stored as it goes so the page can show progress and the report. Each
//! order is all or nothing; orders with a reference are never created twice, so a file can be
//! uploaded again after an interruption. A courier's report (a file with an outcome column) is
//! read the same way, each line recorded as a delivery event through the same front door as
//! `POST /api/orders/{reference}/delivery`.
use std::time::Duration;

use sqlx::PgPool;

use super::courier::{self, CourierLine};
use super::csv::{self, CsvOrder};
use super::db::{self, ResultRow};
use super::{ImportReport, ImportSummary};
use crate::auth::{CurrentUser, Role, Scope};
use crate::error::{AppError, ErrorCode};
use crate::orders::service::create_order;

/// Outcomes stored per batch (and progress reported as often).
const BATCH: usize = 50;

/// Reads the file and starts importing it in the background. Returns the import's id.
pub async fn start(pool: &PgPool, user: &CurrentUser, file_name: &str, bytes: &[u8]) -> Result<i64, AppError> {
    let report = courier::is_courier_report(bytes);
    user.require_scope(if report { Scope::DeliveriesWrite } else { Scope::OrdersWrite }, Role::Supervisor)?;
    if bytes.is_empty() {
        return Err(AppError::new(ErrorCode::FileRequired));
    }
    if report {
        return start_report(pool, user, file_name, bytes).await;
    }
    let file = csv::parse(bytes)?;
    let name: String = file_name.chars().take(200).collect();
    let mut conn = pool.acquire().await?;
    let total_orders = i32::try_from(file.orders.len()).unwrap_or(i32::MAX);
    let total_rows = i32::try_from(file.rows).unwrap_or(i32::MAX);
    let id = db::insert_import(&mut conn, user.id, &name, total_orders, total_rows).await?;
    drop(conn);
    let (pool, user) = (pool.clone(), user.clone());
    tokio::spawn(async move {
        if let Err(error) = run(&pool, &user, id, file.orders).await {
            tracing::error!(import = id, code = error.code.as_str(), "import stopped");
        }
    });
    Ok(id)
}

/// A courier's report: read whole, then each line recorded in the background.
async fn start_report(pool: &PgPool, user: &CurrentUser, file_name: &str, bytes: &[u8]) -> Result<i64, AppError> {
    let lines = courier::parse(bytes)?;
    let name: String = file_name.chars().take(200).collect();
    let total = i32::try_from(lines.len()).unwrap_or(i32::MAX);
    let mut conn = pool.acquire().await?;
    let id = db::insert_import(&mut conn, user.id, &name, total, total).await?;
    drop(conn);
    let (pool, user) = (pool.clone(), user.clone());
    tokio::spawn(async move {
        if let Err(error) = run_report(&pool, &user, id, lines).await {
            tracing::error!(import = id, code = error.code.as_str(), "courier report stopped");
        }
    });
    Ok(id)
}

async fn run_report(pool: &PgPool, user: &CurrentUser, id: i64, lines: Vec<CourierLine>) -> Result<(), AppError> {
    let source = format!("import:{id}");
    let mut results = Results::new(pool, id);
    for unit in lines {
        let result = match (&unit.event, &unit.reference) {
            (Err(e), _) => Err(e.clone()),
            (Ok(event), Some(reference)) => {
                with_retry(|| crate::deliveries::service::record(pool, user, reference, event, &source))
                    .await
                    .map(|r| (r.created, r.order_id))
            }
            (Ok(_), None) => Err(AppError::field(ErrorCode::CsvRowInvalid, "reference")),
        };
        results.push(unit.line, unit.line, unit.reference, result).await?;
    }
    results.finish().await
}

async fn run(pool: &PgPool, user: &CurrentUser, id: i64, orders: Vec<CsvOrder>) -> Result<(), AppError> {
    let mut results = Results::new(pool, id);
    for unit in orders {
        let result = match &unit.order {
            Err(e) => Err(e.clone()),
            Ok(order) => with_retry(|| create_order(pool, user, order)).await.map(|r| (r.created, r.id)),
        };
        results.push(unit.first_line, unit.last_line, unit.reference, result).await?;
    }
    results.finish().await
}

/// What became of each unit of a file (an order, a courier's line), stored in batches as it goes
/// so the page shows progress; `finish` marks the import done.
struct Results<'a> {
    pool: &'a PgPool,
    id: i64,
    position: i32,
    batch: Vec<ResultRow>,
}

impl<'a> Results<'a> {
    fn new(pool: &'a PgPool, id: i64) -> Self {
        Self { pool, id, position: 0, batch: Vec::with_capacity(BATCH) }
    }

    /// One unit's outcome: created (true) or already there (false) with its order, or refused.
    async fn push(
        &mut self,
        first_line: usize,
        last_line: usize,
        reference: Option<String>,
        result: Result<(bool, i64), AppError>,
    ) -> Result<(), AppError> {
        self.position += 1;
        let (outcome, order_id, error) = match result {
            Ok((created, order)) => (if created { "created" } else { "existing" }, Some(order), None),
            Err(e) => ("rejected", None, Some(e)),
        };
        self.batch.push(ResultRow {
            position: self.position,
            first_line: i32::try_from(first_line).unwrap_or(i32::MAX),
            last_line: i32::try_from(last_line).unwrap_or(i32::MAX),
            reference,
            outcome,
            order_id,
            error_code: error.as_ref().map(|e| e.code.as_str().to_string()),
            error_field: error.and_then(|e| e.field),
        });
        if self.batch.len() == BATCH {
            flush(self.pool, self.id, &mut self.batch).await?;
        }
        Ok(())
    }

    async fn finish(mut self) -> Result<(), AppError> {
        flush(self.pool, self.id, &mut self.batch).await?;
        let mut conn = self.pool.acquire().await?;
        db::finish(&mut conn, self.id).await?;
        Ok(())
    }
}

/// A database that blinks is waited for (a few times) rather than turning lines into rejections.
async fn with_retry<T, F, Fut>(call: F) -> Result<T, AppError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut delay = Duration::from_millis(200);
    for _ in 0..5 {
        match call().await {
            Err(e) if e.code == ErrorCode::DatabaseUnavailable => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    call().await
}

async fn flush(pool: &PgPool, id: i64, batch: &mut Vec<ResultRow>) -> Result<(), AppError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut delay = Duration::from_millis(200);
    loop {
        let attempt = async {
            let mut conn = pool.acquire().await?;
            db::record_results(&mut conn, id, batch).await
        };
        match attempt.await {
            Ok(()) => break,
            Err(e) if delay < Duration::from_secs(30) => {
                tracing::warn!(import = id, error = %e, "storing import results; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(e) => return Err(e.into()),
        }
    }
    batch.clear();
    Ok(())
}

pub async fn report(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<ImportReport, AppError> {
    if !user.has_scope(Scope::DeliveriesWrite) {
        user.require_scope(Scope::OrdersWrite, Role::Supervisor)?;
    }
    let mut conn = pool.acquire().await?;
    let summary =
        db::summaries(&mut conn, Some(id), 1).await?.into_iter().next().ok_or(AppError::new(ErrorCode::NotFound))?;
    let rejections = db::rejections(&mut conn, id).await?;
    Ok(ImportReport { summary, rejections })
}

pub async fn recent(pool: &PgPool, user: &CurrentUser) -> Result<Vec<ImportSummary>, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::summaries(&mut conn, None, 20).await?)
}
