//! Editing the status configuration (supervisors and admins). Every change is applied to the
//! loaded configuration in memory and validated whole (`domain::validate`) before anything is
//! written, under a lock so two editors cannot each make a valid change that is invalid together.
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::db;
use super::domain::{validate, GraphProblem};
use super::{StatusConfig, StatusDef, StatusTransition};
use crate::audit::db::{insert_audit, AuditEntry};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorCode};

/// The first problem as an error code, naming the status (or the label's language) concerned.
pub fn problem_error(problem: &GraphProblem) -> AppError {
    use GraphProblem as P;
    match problem {
        P::NoInitialStatus => AppError::new(ErrorCode::StatusInitialMissing),
        P::SeveralInitialStatuses { codes } => AppError::field(ErrorCode::StatusInitialMissing, &codes.join(",")),
        P::InitialStatusIsFinal { code } => AppError::field(ErrorCode::StatusInitialFinal, code),
        P::DuplicateCode { code } => AppError::field(ErrorCode::StatusCodeTaken, code),
        P::BadCode { code } => AppError::field(ErrorCode::StatusCodeInvalid, code),
        P::MissingLabel { locale, .. } => AppError::field(ErrorCode::LabelRequired, locale),
        P::BadColor { code } => AppError::field(ErrorCode::ColorInvalid, code),
        P::UnknownStatus { code } => AppError::field(ErrorCode::StatusUnknown, code),
        P::FinalHasExits { code } => AppError::field(ErrorCode::StatusFinalHasExits, code),
        P::CannotReachFinal { code } => AppError::field(ErrorCode::StatusCannotFinish, code),
    }
}

fn check(config: &StatusConfig) -> Result<(), AppError> {
    match validate(&config.statuses, &config.transitions).first() {
        None => Ok(()),
        Some(problem) => Err(problem_error(problem)),
    }
}

/// The status configuration as the screens and the API show it (anyone signed in).
pub async fn config(pool: &PgPool, user: &CurrentUser) -> Result<StatusConfig, AppError> {
    user.require(Role::Agent)?;
    let mut conn = pool.acquire().await?;
    Ok(db::load_config(&mut conn).await?)
}

/// The status configuration, read in the caller's transaction (what an attempt is checked
/// against).
pub async fn load_config(conn: &mut PgConnection) -> Result<StatusConfig, AppError> {
    Ok(db::load_config(conn).await?)
}

/// Creates (`create`) or updates a status. Deactivating one also removes the transitions into it
/// (orders already in it can still leave). Returns the new configuration.
pub async fn save_status(
    pool: &PgPool,
    user: &CurrentUser,
    mut status: StatusDef,
    create: bool,
) -> Result<StatusConfig, AppError> {
    user.require(Role::Supervisor)?;
    status.code = status.code.trim().to_string();
    status.color = status.color.trim().to_lowercase();
    status.flags.outcome = status.flags.normalised_outcome(status.category);
    for label in [&mut status.labels.fr, &mut status.labels.ar, &mut status.labels.ar_dz] {
        *label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.chars().count() > 60 {
            return Err(AppError::field(ErrorCode::TextTooLong, "label"));
        }
    }
    let mut tx = pool.begin().await?;
    db::lock_config(&mut tx).await?;
    let mut config = db::load_config(&mut tx).await?;
    let before = config.get(&status.code).cloned();
    match (&before, create) {
        (Some(_), true) => return Err(AppError::field(ErrorCode::StatusCodeTaken, "code")),
        (None, false) => return Err(AppError::new(ErrorCode::NotFound)),
        _ => {}
    }
    if status.initial {
        for other in config.statuses.iter_mut() {
            other.initial = false;
        }
    }
    config.statuses.retain(|s| s.code != status.code);
    config.statuses.push(status.clone());
    // deactivating a status removes the transitions into it: the audit keeps them
    let removed: Vec<StatusTransition> = if status.active {
        Vec::new()
    } else {
        config.transitions.iter().filter(|t| t.to == status.code).cloned().collect()
    };
    config.transitions.retain(|t| !removed.contains(t));
    check(&config)?;
    db::upsert_status(&mut tx, &status).await?;
    if !status.active {
        db::delete_transitions_to(&mut tx, &status.code).await?;
    }
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: if create { "status.create" } else { "status.update" },
            entity: "status",
            entity_id: 0,
            before: before.map(|b| json!({"status": b, "transitionsRemoved": removed})),
            after: Some(json!(status)),
        },
    )
    .await?;
    let config = db::load_config(&mut tx).await?;
    tx.commit().await?;
    Ok(config)
}

/// Sets which statuses may follow `from`, and from which role up. Returns the new configuration.
pub async fn save_exits(
    pool: &PgPool,
    user: &CurrentUser,
    from: &str,
    exits: Vec<(String, Role)>,
) -> Result<StatusConfig, AppError> {
    user.require(Role::Supervisor)?;
    let mut tx = pool.begin().await?;
    db::lock_config(&mut tx).await?;
    let mut config = db::load_config(&mut tx).await?;
    if config.get(from).is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let before: Vec<StatusTransition> = config.transitions.iter().filter(|t| t.from == from).cloned().collect();
    let exits: Vec<StatusTransition> = exits
        .into_iter()
        .filter(|(to, _)| to != from)
        .map(|(to, role)| StatusTransition { from: from.to_string(), to, role })
        .collect();
    config.transitions.retain(|t| t.from != from);
    config.transitions.extend(exits.iter().cloned());
    check(&config)?;
    db::replace_exits(&mut tx, from, &exits).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "status.transitions",
            entity: "status",
            entity_id: 0,
            before: Some(json!({"from": from, "exits": before})),
            after: Some(json!({"from": from, "exits": exits})),
        },
    )
    .await?;
    let config = db::load_config(&mut tx).await?;
    tx.commit().await?;
    Ok(config)
}

/// Deletes a status nobody ever used (otherwise `status_in_use`: deactivate it instead).
pub async fn delete_status(pool: &PgPool, user: &CurrentUser, code: &str) -> Result<StatusConfig, AppError> {
    user.require(Role::Supervisor)?;
    let mut tx = pool.begin().await?;
    db::lock_config(&mut tx).await?;
    let mut config = db::load_config(&mut tx).await?;
    let Some(before) = config.get(code).cloned() else {
        return Err(AppError::new(ErrorCode::NotFound));
    };
    if db::status_in_use(&mut tx, code).await? {
        return Err(AppError::field(ErrorCode::StatusInUse, code));
    }
    config.statuses.retain(|s| s.code != code);
    config.transitions.retain(|t| t.from != code && t.to != code);
    check(&config)?;
    db::delete_status(&mut tx, code).await?;
    insert_audit(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.id),
            action: "status.delete",
            entity: "status",
            entity_id: 0,
            before: Some(json!(before)),
            after: None,
        },
    )
    .await?;
    let config = db::load_config(&mut tx).await?;
    tx.commit().await?;
    Ok(config)
}
