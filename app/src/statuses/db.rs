//! SQL for the status configuration: read whole (it is small: tens of rows), as one snapshot.
use sqlx::PgConnection;

use super::domain::AttemptPolicy;
use super::{StatusCategory, StatusConfig, StatusDef, StatusFlags, StatusLabels, StatusTransition};
use crate::auth::Role;

pub fn category_from_db(raw: &str) -> StatusCategory {
    match raw {
        "pending" => StatusCategory::Pending,
        "attempting" => StatusCategory::Attempting,
        "confirmed" => StatusCategory::Confirmed,
        "failed" => StatusCategory::Failed,
        _ => StatusCategory::Abandoned,
    }
}

pub async fn load_config(conn: &mut PgConnection) -> Result<StatusConfig, sqlx::Error> {
    let statuses = sqlx::query!(
        "SELECT code, label_fr, label_ar, label_ar_dz, color, category, contact_made, is_final, callback, line_busy,
                do_not_call, counts_as_confirmed, initial, sort_order, active
         FROM confirmation_statuses ORDER BY sort_order, code"
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| StatusDef {
        code: r.code,
        labels: StatusLabels { fr: r.label_fr, ar: r.label_ar, ar_dz: r.label_ar_dz },
        color: r.color,
        category: category_from_db(&r.category),
        flags: StatusFlags {
            contact_made: r.contact_made,
            is_final: r.is_final,
            callback: r.callback,
            line_busy: r.line_busy,
            do_not_call: r.do_not_call,
            counts_as_confirmed: r.counts_as_confirmed,
        },
        initial: r.initial,
        sort_order: r.sort_order,
        active: r.active,
    })
    .collect();
    let transitions = sqlx::query!("SELECT from_code, to_code, min_role FROM status_transitions")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| StatusTransition {
            from: r.from_code,
            to: r.to_code,
            role: Role::parse(&r.min_role).unwrap_or(Role::Admin),
        })
        .collect();
    let policy = sqlx::query!(
        "SELECT max_unanswered, retry_after_no_answer_minutes, retry_after_busy_minutes, abandoned_status
         FROM attempt_policy"
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(StatusConfig {
        statuses,
        transitions,
        policy: AttemptPolicy {
            max_unanswered: policy.max_unanswered.max(1) as u32,
            retry_after_no_answer_minutes: policy.retry_after_no_answer_minutes.max(0) as u32,
            retry_after_busy_minutes: policy.retry_after_busy_minutes.max(0) as u32,
        },
        abandoned_status: policy.abandoned_status,
    })
}
