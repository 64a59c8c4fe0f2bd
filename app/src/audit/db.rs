//! SQL for the audit log. Rows are never updated or deleted (a trigger refuses it).
use sqlx::PgConnection;

/// One audit entry. `before` / `after` are JSON snapshots of the changed entity.
pub struct AuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn insert_audit(conn: &mut PgConnection, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after)
         VALUES ($1, $2, $3, $4, $5, $6)",
        entry.actor_id,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before,
        entry.after,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The same action on many entities, in one statement (a bulk change writes one row per entity).
pub async fn insert_audits(
    conn: &mut PgConnection,
    actor_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_ids: &[i64],
    after: Option<serde_json::Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, after)
         SELECT $1, $2, $3, id, $5 FROM UNNEST($4::int8[]) AS id",
        actor_id,
        action,
        entity,
        entity_ids,
        after,
    )
    .execute(conn)
    .await?;
    Ok(())
}
