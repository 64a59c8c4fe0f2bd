//! SQL for places.
use sqlx::PgConnection;

use super::Wilaya;

pub async fn wilayas(conn: &mut PgConnection) -> Result<Vec<Wilaya>, sqlx::Error> {
    sqlx::query_as!(Wilaya, "SELECT code, name_fr, name_ar FROM wilayas ORDER BY code").fetch_all(conn).await
}
