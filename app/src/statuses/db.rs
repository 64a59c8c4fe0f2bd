//! SQL for the status configuration: read whole (it is small: tens of rows), as one snapshot.
use sqlx::PgConnection;

use super::domain::{category_from_db, AttemptPolicy};
use super::{Outcome, StatusCategory, StatusConfig, StatusDef, StatusFlags, StatusLabels, StatusTransition};
use crate::auth::Role;

pub async fn load_config(conn: &mut PgConnection) -> Result<StatusConfig, sqlx::Error> {
    let statuses = sqlx::query!(
        "SELECT code, label_fr, label_ar, label_ar_dz, color, category, contact_made, is_final, callback, line_busy,
                do_not_call, counts_as_confirmed, outcome, initial, sort_order, active
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
            // the CHECK constraint keeps the column to known outcomes
            outcome: r.outcome.as_deref().and_then(|o| Outcome::parse(o).ok()),
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

/// Serialises configuration edits across app instances (held until the transaction ends).
pub async fn lock_config(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('confirmation_statuses'))").execute(conn).await?;
    Ok(())
}

pub fn category_to_db(category: StatusCategory) -> &'static str {
    match category {
        StatusCategory::Pending => "pending",
        StatusCategory::Attempting => "attempting",
        StatusCategory::Confirmed => "confirmed",
        StatusCategory::Failed => "failed",
        StatusCategory::Abandoned => "abandoned",
    }
}

pub async fn upsert_status(conn: &mut PgConnection, s: &StatusDef) -> Result<(), sqlx::Error> {
    // Only one initial status: whoever takes it, the others drop it first.
    if s.initial {
        sqlx::query!(
            "UPDATE confirmation_statuses SET initial = false, updated_at = now() WHERE initial AND code <> $1",
            s.code
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "INSERT INTO confirmation_statuses
             (code, label_fr, label_ar, label_ar_dz, color, category, contact_made, is_final, callback, line_busy,
              do_not_call, counts_as_confirmed, initial, sort_order, active, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (code) DO UPDATE
         SET label_fr = EXCLUDED.label_fr, label_ar = EXCLUDED.label_ar, label_ar_dz = EXCLUDED.label_ar_dz,
             color = EXCLUDED.color, category = EXCLUDED.category, contact_made = EXCLUDED.contact_made,
             is_final = EXCLUDED.is_final, callback = EXCLUDED.callback, line_busy = EXCLUDED.line_busy,
             do_not_call = EXCLUDED.do_not_call, counts_as_confirmed = EXCLUDED.counts_as_confirmed,
             initial = EXCLUDED.initial, sort_order = EXCLUDED.sort_order, active = EXCLUDED.active,
             outcome = EXCLUDED.outcome, updated_at = now()",
        s.code,
        s.labels.fr,
        s.labels.ar,
        s.labels.ar_dz,
        s.color,
        category_to_db(s.category),
        s.flags.contact_made,
        s.flags.is_final,
        s.flags.callback,
        s.flags.line_busy,
        s.flags.do_not_call,
        s.flags.counts_as_confirmed,
        s.initial,
        s.sort_order,
        s.active,
        s.flags.outcome.map(Outcome::as_str),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces every transition out of `from`.
pub async fn replace_exits(conn: &mut PgConnection, from: &str, exits: &[StatusTransition]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM status_transitions WHERE from_code = $1", from).execute(&mut *conn).await?;
    let tos: Vec<String> = exits.iter().map(|t| t.to.clone()).collect();
    let roles: Vec<String> = exits.iter().map(|t| t.role.as_str().to_string()).collect();
    sqlx::query!(
        "INSERT INTO status_transitions (from_code, to_code, min_role) SELECT $1, * FROM UNNEST($2::text[], $3::text[])",
        from,
        &tos,
        &roles
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_transitions_to(conn: &mut PgConnection, to: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM status_transitions WHERE to_code = $1", to).execute(conn).await?;
    Ok(())
}

/// Orders or attempts that name the status (then it may only be deactivated).
pub async fn status_in_use(conn: &mut PgConnection, code: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM orders WHERE status = $1)
               OR EXISTS (SELECT 1 FROM confirmation_attempts WHERE result_status = $1 OR status_after = $1)
               OR EXISTS (SELECT 1 FROM attempt_policy WHERE abandoned_status = $1) AS "used!""#,
        code
    )
    .fetch_one(conn)
    .await
}

pub async fn delete_status(conn: &mut PgConnection, code: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM status_transitions WHERE from_code = $1 OR to_code = $1", code)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM confirmation_statuses WHERE code = $1", code).execute(conn).await?;
    Ok(())
}
