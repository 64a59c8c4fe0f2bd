//! The customer card and its flags and notes, for the server functions and the REST API. Agents
//! see customers with an order of theirs; supervisors and admins see all, with the audit trail.
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::classification::{classify, validate_settings, Classification, ClassificationSettings, CustomerClass};
use super::db;
use super::domain::MAX_NOTE_CHARS;
use super::{CustomerCard, CustomerFlag, CustomerNote, FlagType, OverrideInput};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role, Scope};
use crate::error::{AppError, ErrorCode};
use crate::jobs::domain::Schedule;
use crate::jobs::service::JobSpec;

async fn check_visible(conn: &mut sqlx::PgConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    user.require(Role::Agent)?;
    if !db::exists(conn, id).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    if user.has_role(Role::Supervisor) || db::visible_to_agent(conn, id, user.id).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

pub use super::db::{CustomerUpsert, Upserted};

/// The customer of a new order: whoever the phone belongs to now (their own phone, a contact, or
/// a merged customer's, which leads to the survivor), the order counted on them; or a new
/// customer. Its other phone is kept as a contact. Joins the intake's transaction.
pub async fn upsert_for_order(
    conn: &mut PgConnection,
    customer: &CustomerUpsert<'_>,
    other_phone: Option<&str>,
) -> Result<Upserted, AppError> {
    let mut upserted = None;
    // a merge committing between the lookup and the write makes it look again
    for _ in 0..3 {
        upserted = match db::resolve_phone(conn, customer.phone).await? {
            Some(id) => db::update_for_order(conn, id, customer).await?,
            None => db::insert_for_order(conn, customer).await?,
        };
        if upserted.is_some() {
            break;
        }
    }
    let upserted = upserted.ok_or(AppError::new(ErrorCode::Conflict))?;
    if let Some(phone) = other_phone {
        db::add_contact(conn, upserted.id, phone).await?;
    }
    Ok(upserted)
}

/// Recounts the customer's counters from their orders (in the caller's transaction): after an
/// order closes, a courier reports, or orders move between customers.
pub async fn recount(conn: &mut PgConnection, customer_id: i64) -> Result<(), AppError> {
    Ok(db::recount(conn, customer_id).await?)
}

/// Merges customer `from` into `into` ("same customer", in the caller's transaction): both rows
/// locked, what moves kept so it can be undone, the merged customer kept and marked, the survivor
/// reclassified, both audited. `409 customer_merged` when either was merged already.
pub async fn merge(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    from: i64,
    into: i64,
    now: time::OffsetDateTime,
) -> Result<i64, AppError> {
    actor.require(Role::Supervisor)?;
    let locked = db::lock_customers(conn, &[from, into]).await?;
    if locked.len() != 2 || from == into {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    if locked.iter().any(|(_, merged)| merged.is_some()) {
        return Err(AppError::new(ErrorCode::CustomerMerged));
    }
    let merge_id = db::merge(conn, from, into, Some(actor.id)).await?;
    reclassify(conn, into, now).await?;
    let detail = json!({"mergeId": merge_id, "fromCustomerId": from, "intoCustomerId": into});
    for id in [from, into] {
        insert_audit(
            conn,
            AuditEntry {
                actor_id: Some(actor.id),
                action: "customer.merge",
                entity: "customer",
                entity_id: id,
                before: None,
                after: Some(detail.clone()),
            },
        )
        .await?;
    }
    Ok(merge_id)
}

/// Undoes a merge (supervisors): the merged customer comes back with what it had and the orders
/// that came since from its phone; both are reclassified and audited. `409 merge_undone` when
/// undone already, `409 merge_not_latest` when the survivor was merged again since.
pub async fn undo_merge(pool: &PgPool, user: &CurrentUser, merge_id: i64) -> Result<(), AppError> {
    user.require(Role::Supervisor)?;
    let mut tx = pool.begin().await?;
    let merge = db::lock_merge(&mut tx, merge_id).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    if merge.undone {
        return Err(AppError::new(ErrorCode::MergeUndone));
    }
    let locked = db::lock_customers(&mut tx, &[merge.from_customer_id, merge.into_customer_id]).await?;
    let merged_into = |id: i64| locked.iter().find(|(c, _)| *c == id).and_then(|(_, into)| *into);
    if merged_into(merge.into_customer_id).is_some() {
        return Err(AppError::new(ErrorCode::MergeNotLatest));
    }
    db::undo_merge(&mut tx, merge_id, user.id).await?;
    let now = time::OffsetDateTime::now_utc();
    let detail = json!({"mergeId": merge_id, "fromCustomerId": merge.from_customer_id,
                        "intoCustomerId": merge.into_customer_id});
    for id in [merge.from_customer_id, merge.into_customer_id] {
        reclassify(&mut tx, id, now).await?;
        insert_audit(
            &mut tx,
            AuditEntry {
                actor_id: Some(user.id),
                action: "customer.unmerge",
                entity: "customer",
                entity_id: id,
                before: None,
                after: Some(detail.clone()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn card(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<CustomerCard, AppError> {
    let mut conn = pool.acquire().await?;
    check_visible(&mut conn, user, id).await?;
    let with_audit = user.has_role(Role::Supervisor);
    let mut card = db::card(&mut conn, id, user.locale, with_audit).await?.ok_or(AppError::new(ErrorCode::NotFound))?;
    card.messages = crate::messaging::service::customer_history(&mut conn, id).await?;
    Ok(card)
}

fn clean_text(raw: &str, field: &str) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::field(ErrorCode::TextRequired, field));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::field(ErrorCode::TextTooLong, field));
    }
    Ok(text.to_string())
}

pub async fn add_flag(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    kind: &str,
    reason: &str,
) -> Result<CustomerFlag, AppError> {
    let kind = FlagType::parse(kind)?;
    let reason = clean_text(reason, "reason")?;
    let mut tx = pool.begin().await?;
    check_visible(&mut tx, user, id).await?;
    let flag_id = db::insert_flag(&mut tx, id, kind, &reason, user.id).await?;
    // a serious flag makes the customer bad at once, before the next call
    reclassify(&mut tx, id, time::OffsetDateTime::now_utc()).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "customer.flag",
            entity: "customer",
            entity_id: id,
            before: None,
            after: Some(json!({"flagId": flag_id, "type": kind.as_str(), "reason": reason})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CustomerFlag {
        id: flag_id,
        kind,
        reason,
        date: time::OffsetDateTime::now_utc(),
        added_by: user.id,
        added_by_name: user.name.clone(),
    })
}

pub async fn add_note(pool: &PgPool, user: &CurrentUser, id: i64, content: &str) -> Result<CustomerNote, AppError> {
    let content = clean_text(content, "content")?;
    let mut tx = pool.begin().await?;
    check_visible(&mut tx, user, id).await?;
    let note_id = db::insert_note(&mut tx, id, &content, user.id).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "customer.note",
            entity: "customer",
            entity_id: id,
            before: None,
            after: Some(json!({"noteId": note_id, "content": content})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CustomerNote {
        id: note_id,
        content,
        date: time::OffsetDateTime::now_utc(),
        added_by: user.id,
        added_by_name: user.name.clone(),
    })
}

/// Recomputes one customer's class inside the caller's transaction (an outcome, a flag).
pub async fn reclassify(conn: &mut sqlx::PgConnection, id: i64, now: time::OffsetDateTime) -> Result<(), AppError> {
    let settings = db::classification_settings(conn).await?;
    let histories = db::histories(conn, 0, 1, Some(id), now).await?;
    let (ids, results): (Vec<i64>, Vec<Classification>) =
        histories.iter().map(|(id, h)| (*id, classify(h, &settings))).unzip();
    db::store_classifications(conn, &ids, &results, now).await?;
    Ok(())
}

/// What a full reclassification did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReclassifyReport {
    pub customers: u64,
    pub changed: u64,
    pub batches: u64,
}

/// Customers per batch of the nightly reclassification (one read and one write statement each).
pub const RECLASSIFY_BATCH: i64 = 5_000;

/// The customers' job: the whole base reclassified at 02:00 Algiers time.
pub fn jobs() -> Vec<JobSpec> {
    vec![JobSpec::new("classification", Schedule::DailyAt { minute: 120 }, |pool, now| async move {
        Ok(serde_json::to_value(reclassify_all(&pool, now, |_| {}).await?).unwrap_or_default())
    })]
}

/// Reclassifies every customer, in keyset batches of `RECLASSIFY_BATCH` (each its own
/// transaction, so the job never holds long locks); `progress` sees the running totals.
pub async fn reclassify_all(
    pool: &PgPool,
    now: time::OffsetDateTime,
    mut progress: impl FnMut(&ReclassifyReport),
) -> Result<ReclassifyReport, AppError> {
    let mut report = ReclassifyReport::default();
    let mut after = 0;
    let settings = {
        let mut conn = pool.acquire().await?;
        db::classification_settings(&mut conn).await?
    };
    loop {
        let mut tx = pool.begin().await?;
        let batch = db::histories(&mut tx, after, RECLASSIFY_BATCH, None, now).await?;
        let Some((last, _)) = batch.last() else { break };
        after = *last;
        let (ids, results): (Vec<i64>, Vec<Classification>) =
            batch.iter().map(|(id, h)| (*id, classify(h, &settings))).unzip();
        report.changed += db::store_classifications(&mut tx, &ids, &results, now).await?;
        tx.commit().await?;
        report.customers += u64::try_from(ids.len()).unwrap_or(0);
        report.batches += 1;
        progress(&report);
    }
    Ok(report)
}

/// Sets or lifts a class override (supervisors, admins): a reason is required to set one.
pub async fn override_class(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    input: &OverrideInput,
) -> Result<CustomerCard, AppError> {
    user.require(Role::Supervisor)?;
    let class = input.class.as_deref().map(CustomerClass::parse).transpose()?;
    let reason = input.reason.trim();
    if class.is_some() && reason.is_empty() {
        return Err(AppError::field(ErrorCode::ReasonRequired, "reason"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field(ErrorCode::TextTooLong, "reason"));
    }
    if input.until.is_some_and(|u| u <= time::OffsetDateTime::now_utc()) {
        return Err(AppError::field(ErrorCode::PeriodInvalid, "until"));
    }
    let mut tx = pool.begin().await?;
    let Some(before) = db::set_class_override(&mut tx, id, class, class.map(|_| reason), input.until, user.id).await?
    else {
        return Err(AppError::new(ErrorCode::NotFound));
    };
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "customer.class_override",
            entity: "customer",
            entity_id: id,
            before: Some(before),
            after: Some(json!({"class": class.map(|c| c.as_str()), "reason": reason, "until": input.until.map(|u| u.unix_timestamp())})),
        },
    )
    .await?;
    tx.commit().await?;
    card(pool, user, id).await
}

/// Customers per class (the dashboard's distribution; supervisors, admins).
pub async fn class_distribution(pool: &PgPool, user: &CurrentUser) -> Result<Vec<(String, i64)>, AppError> {
    user.require_scope(Scope::ReportsRead, Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::class_distribution(&mut conn).await?)
}

pub async fn classification_settings(pool: &PgPool, user: &CurrentUser) -> Result<ClassificationSettings, AppError> {
    user.require(Role::Supervisor)?;
    let mut conn = pool.acquire().await?;
    Ok(db::classification_settings(&mut conn).await?)
}

/// Changes the weights and thresholds (admins); takes effect at the next recomputation.
pub async fn save_classification_settings(
    pool: &PgPool,
    user: &CurrentUser,
    settings: &ClassificationSettings,
) -> Result<ClassificationSettings, AppError> {
    user.require(Role::Admin)?;
    validate_settings(settings)?;
    let mut tx = pool.begin().await?;
    db::update_classification_settings(&mut tx, settings).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "classification.settings",
            entity: "classification_settings",
            entity_id: 1,
            before: None,
            after: serde_json::to_value(settings).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(settings.clone())
}
