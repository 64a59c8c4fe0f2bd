//! The customer card and its flags and notes, for the server functions and the REST API. Agents
//! see customers with an order of theirs; supervisors and admins see all, with the audit trail.
use serde_json::json;
use sqlx::PgPool;

use super::db;
use super::{CustomerCard, CustomerFlag, CustomerNote, FlagType};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorCode};
use crate::orders::domain::MAX_NOTE_CHARS;

async fn check_visible(conn: &mut sqlx::PgConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    if !db::exists(conn, id).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    if user.role.at_least(Role::Supervisor) || db::visible_to_agent(conn, id, user.id).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

pub async fn card(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<CustomerCard, AppError> {
    let mut conn = pool.acquire().await?;
    check_visible(&mut conn, user, id).await?;
    let with_audit = user.role.at_least(Role::Supervisor);
    db::card(&mut conn, id, user.locale, with_audit).await?.ok_or(AppError::new(ErrorCode::NotFound))
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
