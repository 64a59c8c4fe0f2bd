//! The job rows (`scheduled_jobs`: next run, who runs it now) and their runs (`job_runs`). A claim
//! is one atomic statement and a lease the run renews, so one instance at a time runs a job.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::JobRunView;

/// Jobs are registered at start (each instance; the first one creates the rows).
pub async fn insert_job(conn: &mut PgConnection, name: &str, next_run_at: OffsetDateTime) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO scheduled_jobs (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        name,
        next_run_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims a job run: due (or `force`d), and free or held by a run whose lease has lapsed (its
/// instance stopped renewing it: that run is marked failed). Opens a run row holding the job until
/// `now + lease`, and sets the next run. None when another run holds it (or is claiming it now).
#[allow(clippy::too_many_arguments)]
pub async fn claim_job(
    conn: &mut PgConnection,
    name: &str,
    now: OffsetDateTime,
    next_run_at: OffsetDateTime,
    instance: &str,
    trigger: &str,
    force: bool,
    lease_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH free AS (
               SELECT name, running_run_id AS dead FROM scheduled_jobs
               WHERE name = $1 AND enabled AND ($6 OR next_run_at <= $2)
                 AND (running_run_id IS NULL OR lease_until < $2)
               FOR UPDATE SKIP LOCKED
           ), run AS (
               INSERT INTO job_runs (job, trigger, instance, started_at)
               SELECT name, $5, $4, $2 FROM free
               RETURNING id, job
           ), claimed AS (
               UPDATE scheduled_jobs j
               SET running_since = $2, running_instance = $4, running_run_id = run.id,
                   lease_until = $2 + make_interval(secs => $7::int8 / 1000.0), updated_at = now(),
                   next_run_at = CASE WHEN $6 THEN j.next_run_at ELSE $3 END
               FROM run WHERE j.name = run.job
           ), dead AS (
               UPDATE job_runs SET outcome = 'failed', finished_at = $2,
                                   detail = jsonb_build_object('error', 'lease_expired')
               WHERE id = (SELECT dead FROM free) AND outcome = 'running'
           )
           SELECT id AS "id!" FROM run"#,
        name,
        now,
        next_run_at,
        instance,
        trigger,
        force,
        lease_ms,
    )
    .fetch_optional(conn)
    .await
}

/// Extends the lease of run `run_id` on its job to `lease` from now. False when the run no longer
/// holds the job (its lease lapsed and another instance took it over).
pub async fn renew_lease(conn: &mut PgConnection, name: &str, run_id: i64, lease_ms: i64) -> Result<bool, sqlx::Error> {
    let renewed = sqlx::query!(
        "UPDATE scheduled_jobs SET lease_until = greatest(lease_until, now() + make_interval(secs => $3::int8 / 1000.0))
         WHERE name = $1 AND running_run_id = $2",
        name,
        run_id,
        lease_ms,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(renewed == 1)
}

/// Closes run `run_id` (unless it was already failed by the run that took its job over) and frees
/// the job if this run still holds it.
pub async fn finish_job(
    conn: &mut PgConnection,
    name: &str,
    run_id: i64,
    outcome: &str,
    detail: &serde_json::Value,
    finished_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE job_runs SET finished_at = $3, outcome = $4, detail = $5
         WHERE id = $2 AND job = $1 AND outcome = 'running'",
        name,
        run_id,
        finished_at,
        outcome,
        detail,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE scheduled_jobs
         SET running_since = NULL, running_instance = NULL, running_run_id = NULL, lease_until = NULL, updated_at = now()
         WHERE name = $1 AND running_run_id = $2",
        name,
        run_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a job is enabled, and when its run going on now started (None when it is not running).
pub struct JobState {
    pub enabled: bool,
    pub running_since: Option<OffsetDateTime>,
}

pub async fn find_job_state(conn: &mut PgConnection, name: &str) -> Result<Option<JobState>, sqlx::Error> {
    sqlx::query_as!(JobState, "SELECT enabled, running_since FROM scheduled_jobs WHERE name = $1", name)
        .fetch_optional(conn)
        .await
}

pub struct JobRow {
    pub name: String,
    pub next_run_at: OffsetDateTime,
    pub running: bool,
}

pub async fn list_jobs(conn: &mut PgConnection) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query_as!(
        JobRow,
        r#"SELECT name, next_run_at, (running_since IS NOT NULL) AS "running!" FROM scheduled_jobs ORDER BY name"#
    )
    .fetch_all(conn)
    .await
}

/// The last `limit` runs of each job, newest first.
pub async fn list_recent_runs(conn: &mut PgConnection, limit: i64) -> Result<Vec<(String, JobRunView)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.job AS "job!", r.id AS "id!", r.trigger AS "trigger!", r.instance AS "instance!",
                  r.started_at AS "started_at!", r.outcome AS "outcome!", r.detail AS "detail!",
                  (extract(epoch FROM r.finished_at - r.started_at) * 1000)::int8 AS "duration_ms?"
           FROM scheduled_jobs j
           CROSS JOIN LATERAL (SELECT id, job, trigger, instance, started_at, finished_at, outcome, detail
                               FROM job_runs WHERE job = j.name ORDER BY started_at DESC, id DESC LIMIT $1) r
           ORDER BY r.job, r.started_at DESC, r.id DESC"#,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.job,
                JobRunView {
                    id: r.id,
                    trigger: r.trigger,
                    instance: r.instance,
                    started_at: r.started_at,
                    duration_ms: r.duration_ms,
                    outcome: r.outcome,
                    detail: r.detail,
                },
            )
        })
        .collect())
}

/// Deletes up to `limit` finished runs that started before `before`; answers how many.
pub async fn purge_runs(conn: &mut PgConnection, before: OffsetDateTime, limit: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM job_runs WHERE id IN (
             SELECT id FROM job_runs WHERE started_at < $1 AND finished_at IS NOT NULL LIMIT $2)",
        before,
        limit
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
