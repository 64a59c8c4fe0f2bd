//! The scheduled jobs: registration, claiming a due run (one instance at a time, by an atomic
//! UPDATE on the job's row), running its body and recording the outcome. Time is an argument, so
//! tests drive it with a controllable clock; `server/src/jobs.rs` calls this on a timer and on
//! routing notifications.
use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::db;
use super::domain::{BusinessHours, Job};
use super::service;
use super::JobView;
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorCode};

/// How a run started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Manual,
    Event,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Event => "event",
        }
    }
}

/// What a finished run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub job: Job,
    pub run_id: i64,
    pub outcome: &'static str,
    pub detail: serde_json::Value,
}

async fn business_hours(pool: &PgPool) -> Result<BusinessHours, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(BusinessHours::from_settings(&db::get_settings(&mut conn).await?))
}

/// Creates the job rows that are missing, each due at its next scheduled time after `now`.
pub async fn register(pool: &PgPool, now: OffsetDateTime) -> Result<(), AppError> {
    let hours = business_hours(pool).await?;
    let mut conn = pool.acquire().await?;
    for job in Job::ALL {
        db::register_job(&mut conn, job.as_str(), job.schedule().next_after(now, &hours)).await?;
    }
    Ok(())
}

/// Runs every job that is due at `now` and not running elsewhere, one after the other. Returns
/// what ran. (The runner starts each job on its own with [`run_if_due`], so a long one does not
/// hold the others back.)
pub async fn run_due(pool: &PgPool, now: OffsetDateTime, instance: &str) -> Result<Vec<RunOutcome>, AppError> {
    let mut done = Vec::new();
    for job in Job::ALL {
        if let Some(outcome) = run_if_due(pool, *job, now, instance).await? {
            done.push(outcome);
        }
    }
    Ok(done)
}

/// Runs `job` if it is due at `now` and not running elsewhere (None otherwise); its next run is
/// set from its schedule.
pub async fn run_if_due(
    pool: &PgPool,
    job: Job,
    now: OffsetDateTime,
    instance: &str,
) -> Result<Option<RunOutcome>, AppError> {
    let next = job.schedule().next_after(now, &business_hours(pool).await?);
    claim_and_run(pool, job, now, next, instance, Trigger::Schedule, false).await
}

/// Whether `job` is enabled and when its run going on now started (None: no such job row).
pub async fn state(pool: &PgPool, job: Job) -> Result<Option<db::JobState>, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(db::find_job_state(&mut conn, job.as_str()).await?)
}

/// Runs one job now (a manual run, or auto-assign on an event), unless it is running elsewhere
/// (None). Its next scheduled time does not move.
pub async fn run_now(
    pool: &PgPool,
    job: Job,
    now: OffsetDateTime,
    instance: &str,
    trigger: Trigger,
) -> Result<Option<RunOutcome>, AppError> {
    claim_and_run(pool, job, now, now, instance, trigger, true).await
}

async fn claim_and_run(
    pool: &PgPool,
    job: Job,
    now: OffsetDateTime,
    next: OffsetDateTime,
    instance: &str,
    trigger: Trigger,
    force: bool,
) -> Result<Option<RunOutcome>, AppError> {
    let run_id = {
        let mut conn = pool.acquire().await?;
        db::claim_job(&mut conn, job.as_str(), now, next, instance, trigger.as_str(), force).await?
    };
    let Some(run_id) = run_id else { return Ok(None) };
    let (outcome, detail) = match body(pool, job, now).await {
        Ok((outcome, detail)) => (outcome, detail),
        Err(e) => {
            tracing::error!(job = job.as_str(), error = %e, "job failed");
            ("failed", json!({"error": e.code.as_str()}))
        }
    };
    // a controllable clock may run ahead of the real one: a run never ends before it starts
    let finished = OffsetDateTime::now_utc().max(now);
    let mut conn = pool.acquire().await?;
    db::finish_job(&mut conn, job.as_str(), run_id, outcome, &detail, finished).await?;
    Ok(Some(RunOutcome { job, run_id, outcome, detail }))
}

/// A job's work. Reminders belong to a later issue: until it lands its runs are recorded as
/// `skipped`.
async fn body(pool: &PgPool, job: Job, now: OffsetDateTime) -> Result<(&'static str, serde_json::Value), AppError> {
    match job {
        Job::AutoAssign => {
            let report = service::auto_assign(pool, None, now).await?;
            Ok((
                "succeeded",
                json!({"assigned": report.assigned, "unassigned": report.unassigned, "agents": report.agents,
                       "tookMs": report.took_ms}),
            ))
        }
        Job::PresenceSweep => {
            let report = service::sweep_presence(pool, now).await?;
            Ok(("succeeded", serde_json::to_value(report).unwrap_or_default()))
        }
        Job::Classification => {
            let report = crate::customers::service::reclassify_all(pool, now, |_| {}).await?;
            Ok(("succeeded", serde_json::to_value(report).unwrap_or_default()))
        }
        Job::DuplicateScan => {
            let report = crate::duplicates::service::scan_recent(pool, now).await?;
            Ok((
                "succeeded",
                json!({"ordersChecked": report.orders_checked, "candidatesScored": report.candidates_scored,
                       "flagged": report.flagged}),
            ))
        }
        Job::Reminders => Ok(("skipped", json!({"reason": "not_built"}))),
    }
}

/// The admins' jobs page: every job, its schedule, next run and last 10 runs.
pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<JobView>, AppError> {
    user.require(Role::Admin)?;
    let mut conn = pool.acquire().await?;
    let jobs = db::list_jobs(&mut conn).await?;
    let mut runs = db::recent_runs(&mut conn, 10).await?;
    Ok(jobs
        .into_iter()
        .map(|j| {
            let schedule = Job::parse(&j.name).map(|job| job.schedule().code()).unwrap_or_default();
            let mine: Vec<_> = runs.iter().filter(|(name, _)| *name == j.name).map(|(_, r)| r.clone()).collect();
            runs.retain(|(name, _)| *name != j.name);
            JobView { name: j.name, schedule, next_run_at: j.next_run_at, running: j.running, runs: mine }
        })
        .collect())
}

/// "Run now" on the jobs page (admins). `409 job_running` when it is running somewhere.
pub async fn run_by(pool: &PgPool, user: &CurrentUser, name: &str, instance: &str) -> Result<i64, AppError> {
    user.require(Role::Admin)?;
    let job = Job::parse(name)?;
    match run_now(pool, job, OffsetDateTime::now_utc(), instance, Trigger::Manual).await? {
        Some(outcome) => Ok(outcome.run_id),
        None => Err(AppError::new(ErrorCode::JobRunning)),
    }
}

/// This process, as job runs name it: host and process id.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    format!("{}:{}", if host.is_empty() { "host" } else { &host }, std::process::id())
}
