//! Duplicate workflows shared by intake, the hourly job, the REST API and the server functions:
//! check one order (blocking, then scoring with the calibrated `dedup` model), scan a window,
//! review a pair. Pairs at the review threshold are stored with their evidence; an order with a
//! pair at the warn threshold is held out of routing until a supervisor decides.
use std::collections::HashMap;

use serde_json::json;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};

use super::db;
use super::{Accuracy, Decision, DetectReport, DetectRequest, DuplicatePair, ScoredPair};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::Schedule;
use crate::jobs::service::JobSpec;

/// Pairs scored below this are not listed in a detection answer.
const LIST_FROM: u8 = 10;
/// At most this many orders are checked by one request or scan.
pub const MAX_ORDERS_PER_RUN: i64 = 20_000;

fn model() -> dedup::Model {
    dedup::Model::default()
}

/// The score from which a pair is held for review (the dashboard counts flags from it).
pub fn review_threshold() -> u8 {
    model().review_threshold
}

/// How a pair was recognised, for the brief's `detectionMethod`.
fn method_of(evidence: &dedup::Evidence) -> &'static str {
    match evidence.phone {
        dedup::PhoneRelation::Same => "phone",
        dedup::PhoneRelation::OneDigit | dedup::PhoneRelation::Transposed => "phone_typo",
        dedup::PhoneRelation::Different if evidence.same_customer => "customer",
        dedup::PhoneRelation::Different => "name_address",
    }
}

/// Checks one order against its candidates inside the caller's transaction; stores the flagged
/// pairs and the order's flag. Returns every scored pair.
pub async fn check_order(conn: &mut PgConnection, order_id: i64, method: &str) -> Result<Vec<ScoredPair>, AppError> {
    let model = model();
    let Some(order) = db::facts(conn, &[order_id]).await?.into_iter().next() else {
        return Ok(Vec::new());
    };
    let neighbours = {
        let mut n = dedup::phone_neighbours(&order.phone);
        n.push(order.phone.clone());
        n
    };
    let ids = db::candidates(conn, order_id, &neighbours).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let others = db::facts(conn, &ids).await?;
    let prepared = dedup::prepare(&order);
    let mut scored = Vec::with_capacity(others.len());
    // each flagged order's duplicateInfo is refreshed once, from all its pairs, after the loop
    let mut flagged_orders = Vec::new();
    for other in &others {
        let pair = dedup::compare_prepared(&prepared, &dedup::prepare(other), &model);
        // the later order is the one flagged; the earlier one is the original
        let (later, earlier) = if (order.created_at, order.id) >= (other.created_at, other.id) {
            (order.id, other.id)
        } else {
            (other.id, order.id)
        };
        let flagged = pair.score >= model.review_threshold;
        if flagged {
            let mut evidence = serde_json::to_value(&pair.evidence).unwrap_or_default();
            if let Some(map) = evidence.as_object_mut() {
                map.insert("detectionMethod".into(), json!(method_of(&pair.evidence)));
            }
            db::upsert_pair(conn, later, earlier, i16::from(pair.score), &evidence, method).await?;
            if !flagged_orders.contains(&later) {
                flagged_orders.push(later);
            }
        }
        scored.push(ScoredPair {
            order_id: later,
            original_order_id: earlier,
            score: pair.score,
            flagged,
            evidence: pair.evidence,
        });
    }
    for order_id in flagged_orders {
        db::refresh_order_flag(conn, order_id, i16::from(model.warn_threshold)).await?;
    }
    Ok(scored)
}

/// `POST …/orders/detect-duplicates` (supervisors, admins): a window (default the last 24 hours)
/// or a list of orders; every order is checked, flagged pairs are stored.
pub async fn detect(pool: &PgPool, user: &CurrentUser, request: &DetectRequest) -> Result<DetectReport, AppError> {
    user.require(Role::Supervisor)?;
    let ids = if request.order_ids.is_empty() {
        let to = request.to.unwrap_or_else(OffsetDateTime::now_utc);
        let from = request.from.unwrap_or(to - Duration::hours(24));
        if from >= to || to - from > Duration::days(31) {
            return Err(AppError::field(ErrorCode::PeriodInvalid, "from"));
        }
        let mut conn = pool.acquire().await?;
        db::orders_in_window(&mut conn, from, to, MAX_ORDERS_PER_RUN).await?
    } else {
        if request.order_ids.len() > 1000 {
            return Err(AppError::field(ErrorCode::BadRequest, "orderIds"));
        }
        request.order_ids.clone()
    };
    run(pool, &ids, "request").await
}

/// Checks orders one transaction per order (a long scan never holds locks for long).
pub async fn run(pool: &PgPool, ids: &[i64], method: &str) -> Result<DetectReport, AppError> {
    let model = model();
    let mut report = DetectReport {
        review_threshold: model.review_threshold,
        warn_threshold: model.warn_threshold,
        ..Default::default()
    };
    let mut seen: HashMap<(i64, i64), ScoredPair> = HashMap::new();
    for id in ids {
        let mut tx = pool.begin().await?;
        let scored = check_order(&mut tx, *id, method).await?;
        tx.commit().await?;
        report.orders_checked += 1;
        report.candidates_scored += i64::try_from(scored.len()).unwrap_or(0);
        for pair in scored {
            if pair.score >= LIST_FROM {
                seen.insert((pair.order_id, pair.original_order_id), pair);
            }
        }
    }
    let mut pairs: Vec<ScoredPair> = seen.into_values().collect();
    pairs.sort_by(|a, b| b.score.cmp(&a.score).then(a.order_id.cmp(&b.order_id)));
    report.flagged = i64::try_from(pairs.iter().filter(|p| p.flagged).count()).unwrap_or(0);
    pairs.truncate(1000);
    report.pairs = pairs;
    Ok(report)
}

/// The duplicates' job: recent orders scanned every hour.
pub fn jobs() -> Vec<JobSpec> {
    vec![JobSpec::new(
        "duplicate_scan",
        Schedule::Every { minutes: 60, business_hours_only: false },
        |pool, now| async move {
            let report = scan_recent(&pool, now).await?;
            Ok(json!({"ordersChecked": report.orders_checked, "candidatesScored": report.candidates_scored,
                  "flagged": report.flagged}))
        },
    )]
}

/// The hourly job: orders of the last two hours (the overlap catches late arrivals).
pub async fn scan_recent(pool: &PgPool, now: OffsetDateTime) -> Result<DetectReport, AppError> {
    let ids = {
        let mut conn = pool.acquire().await?;
        db::orders_in_window(&mut conn, now - Duration::hours(2), now + Duration::minutes(1), MAX_ORDERS_PER_RUN)
            .await?
    };
    let mut report = run(pool, &ids, "scan").await?;
    report.pairs.clear();
    Ok(report)
}

/// Pairs as CSV (see [`crate::export`]): the confidence, then each order, times in Algiers.
pub fn queue_csv(pairs: &[DuplicatePair]) -> String {
    use crate::export::{algiers, inert};
    let header = [
        "score",
        "method",
        "order",
        "customer",
        "phone",
        "total_dzd",
        "created_at",
        "original_order",
        "original_customer",
        "original_phone",
        "original_total_dzd",
        "original_created_at",
        "original_status",
    ];
    crate::export::csv(
        &header,
        pairs.iter().map(|p| {
            vec![
                p.score.to_string(),
                p.method.clone(),
                p.order.number.clone(),
                inert(&p.order.name),
                p.order.phone.clone(),
                p.order.total.to_string(),
                algiers(p.order.created_at),
                p.original.number.clone(),
                inert(&p.original.name),
                p.original.phone.clone(),
                p.original.total.to_string(),
                algiers(p.original.created_at),
                inert(&p.original.status),
            ]
        }),
    )
}

/// The review queue (supervisors, admins): open pairs, most confident first.
pub async fn review_queue(
    pool: &PgPool,
    user: &CurrentUser,
    only: Option<i64>,
) -> Result<Vec<DuplicatePair>, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    let rows = db::pairs(&mut conn, only, 200).await?;
    let ids: Vec<i64> = rows.iter().flat_map(|r| [r.order_id, r.original_order_id]).collect();
    let sides: HashMap<i64, super::PairSide> =
        db::sides(&mut conn, &ids, user.locale).await?.into_iter().map(|s| (s.order_id, s)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(DuplicatePair {
                id: r.id,
                score: r.score,
                method: r.method,
                state: r.state,
                evidence: serde_json::from_value(r.evidence).ok()?,
                order: sides.get(&r.order_id)?.clone(),
                original: sides.get(&r.original_order_id)?.clone(),
            })
        })
        .collect())
}

/// A supervisor's decision on a pair: duplicate (close the later order, linked), not a duplicate
/// (clear its flag: it returns to the queue), or same customer (merge the customers; both
/// orders stay). Kept as the label accuracy is computed from.
pub async fn decide(pool: &PgPool, user: &CurrentUser, pair_id: i64, decision: Decision) -> Result<(), AppError> {
    user.require(Role::Supervisor)?;
    let model = model();
    let mut tx = pool.begin().await?;
    let Some((order_id, original_id)) = db::lock_open_pair(&mut tx, pair_id).await? else {
        return Err(AppError::new(ErrorCode::PairDecided));
    };
    db::decide_pair(&mut tx, pair_id, decision.as_str(), user.id).await?;
    match decision {
        Decision::Duplicate => {
            let Some(customer) = db::close_as_duplicate(&mut tx, order_id, original_id).await? else {
                return Err(AppError::new(ErrorCode::OrderClosed));
            };
            // a duplicate counts as one (and not against the customer)
            crate::customers::service::recount(&mut tx, customer).await?;
        }
        Decision::NotDuplicate => db::refresh_order_flag(&mut tx, order_id, i16::from(model.warn_threshold)).await?,
        Decision::SameCustomer => {
            let facts = db::facts(&mut tx, &[order_id, original_id]).await?;
            let customer = |id: i64| facts.iter().find(|f| f.id == id).map(|f| f.customer_id);
            if let (Some(from), Some(into)) = (customer(order_id), customer(original_id)) {
                if from != into {
                    crate::customers::service::merge(&mut tx, user, from, into, OffsetDateTime::now_utc()).await?;
                }
            }
            db::refresh_order_flag(&mut tx, order_id, i16::from(model.warn_threshold)).await?;
        }
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "order.duplicate_review",
            entity: "order",
            entity_id: order_id,
            // only an open pair is decided
            before: Some(json!({"pairId": pair_id, "state": "open"})),
            after: Some(json!({"pairId": pair_id, "originalOrderId": original_id, "decision": decision.as_str()})),
        },
    )
    .await?;
    // an order cleared of its flag goes back to routing now
    crate::agents::service::kick_routing(&mut tx, "duplicate_review").await?;
    tx.commit().await?;
    Ok(())
}

/// The detection accuracy KPI (supervisors, admins).
pub async fn accuracy(pool: &PgPool, user: &CurrentUser) -> Result<Accuracy, AppError> {
    user.require_scope(Scope::ReportsRead, Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::accuracy(&mut conn, i16::from(model().review_threshold)).await?)
}
