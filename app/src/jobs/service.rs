//! The scheduler's front door: the registry features fill with their jobs ([`JobSpec`]), and what
//! the runner and the doors do with it: register the rows, claim and run a due job (one instance
//! at a time: an atomic claim on the job's row, a lease its run renews), run one now, list them
//! for admins. Time is an
//! argument, so tests drive it with a controllable clock.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::db;
use super::domain::{BusinessHours, Schedule, Trigger};
use super::JobView;
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorCode};

type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send>>;
type Body = Arc<dyn Fn(PgPool, OffsetDateTime) -> BoxFuture<serde_json::Value> + Send + Sync>;
type HoursSource = Arc<dyn Fn(PgPool) -> BoxFuture<BusinessHours> + Send + Sync>;

/// A job a feature registers: its name (the job row's), when it runs, the NOTIFY channel that
/// also wakes it (if any), and its body, which reports what it did as JSON.
#[derive(Clone)]
pub struct JobSpec {
    pub name: &'static str,
    pub schedule: Schedule,
    pub woken_by: Option<&'static str>,
    body: Body,
}

impl JobSpec {
    pub fn new<F, Fut>(name: &'static str, schedule: Schedule, body: F) -> Self
    where
        F: Fn(PgPool, OffsetDateTime) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<serde_json::Value, AppError>> + Send + 'static,
    {
        Self { name, schedule, woken_by: None, body: Arc::new(move |pool, now| Box::pin(body(pool, now))) }
    }

    /// Also runs at once (debounced) on a notification on `channel`.
    pub fn woken_by(mut self, channel: &'static str) -> Self {
        self.woken_by = Some(channel);
        self
    }
}

/// What a finished run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub job: &'static str,
    pub run_id: i64,
    pub outcome: &'static str,
    pub detail: serde_json::Value,
}

/// The registered jobs, in registration order (the order `run_due` runs them in).
#[derive(Clone, Default)]
pub struct Jobs {
    specs: Vec<JobSpec>,
    hours: Option<HoursSource>,
    lease: Option<std::time::Duration>,
}

/// How long a claim holds a job without being renewed (a run renews it every third of it).
pub const DEFAULT_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

impl Jobs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(mut self, specs: impl IntoIterator<Item = JobSpec>) -> Self {
        self.specs.extend(specs);
        self
    }

    /// Where the business hours of `business_hours_only` schedules come from (the default hours
    /// otherwise).
    pub fn business_hours<F, Fut>(mut self, source: F) -> Self
    where
        F: Fn(PgPool) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<BusinessHours, AppError>> + Send + 'static,
    {
        self.hours = Some(Arc::new(move |pool| Box::pin(source(pool))));
        self
    }

    /// How long a run's claim lasts unless renewed (`JOBS_LEASE_MS`; tests make it short).
    pub fn with_lease(mut self, lease: std::time::Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    pub fn lease(&self) -> std::time::Duration {
        self.lease.unwrap_or(DEFAULT_LEASE)
    }

    pub fn specs(&self) -> &[JobSpec] {
        &self.specs
    }

    /// The job called `name`, or `404 job_unknown`.
    pub fn get(&self, name: &str) -> Result<&JobSpec, AppError> {
        self.specs.iter().find(|s| s.name == name.trim()).ok_or_else(|| AppError::field(ErrorCode::JobUnknown, "job"))
    }

    /// The business hours the schedules keep to now (read once per tick, not once per job).
    pub async fn hours(&self, pool: &PgPool) -> Result<BusinessHours, AppError> {
        match &self.hours {
            Some(source) => source(pool.clone()).await,
            None => Ok(BusinessHours::default()),
        }
    }

    /// Creates the job rows that are missing, each due at its next scheduled time after `now`.
    pub async fn register_rows(&self, pool: &PgPool, now: OffsetDateTime) -> Result<(), AppError> {
        let hours = self.hours(pool).await?;
        let mut conn = pool.acquire().await?;
        for spec in &self.specs {
            db::insert_job(&mut conn, spec.name, spec.schedule.next_after(now, &hours)).await?;
        }
        Ok(())
    }

    /// Runs every job that is due at `now` and not running elsewhere, one after the other. Returns
    /// what ran. (The runner starts each job on its own with [`run_if_due`], so a long one
    /// does not hold the others back.)
    pub async fn run_due(
        &self,
        pool: &PgPool,
        now: OffsetDateTime,
        instance: &str,
    ) -> Result<Vec<RunOutcome>, AppError> {
        let hours = self.hours(pool).await?;
        let mut done = Vec::new();
        for spec in &self.specs {
            if let Some(outcome) = run_if_due(pool, spec, now, &hours, instance, self.lease()).await? {
                done.push(outcome);
            }
        }
        Ok(done)
    }

    /// Runs the job `name` now (a manual run, or on an event), unless it is running elsewhere
    /// (None). Its next scheduled time does not move.
    pub async fn run_now(
        &self,
        pool: &PgPool,
        name: &str,
        now: OffsetDateTime,
        instance: &str,
        trigger: Trigger,
    ) -> Result<Option<RunOutcome>, AppError> {
        let spec = self.get(name)?;
        // An instance without a runner (SCHEDULER=false) may be the first to see the job.
        self.register_rows(pool, now).await?;
        claim_and_run(pool, spec, now, now, instance, trigger, true, self.lease()).await
    }

    /// The admins' jobs page: every registered job, its schedule, next run and last 10 runs.
    pub async fn list(&self, pool: &PgPool, user: &CurrentUser) -> Result<Vec<JobView>, AppError> {
        user.require(Role::Admin)?;
        self.register_rows(pool, OffsetDateTime::now_utc()).await?;
        let mut conn = pool.acquire().await?;
        let rows = db::list_jobs(&mut conn).await?;
        let mut runs = db::list_recent_runs(&mut conn, 10).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let spec = self.get(&row.name).ok()?;
                let mine: Vec<_> = runs.iter().filter(|(name, _)| *name == row.name).map(|(_, r)| r.clone()).collect();
                runs.retain(|(name, _)| *name != row.name);
                Some(JobView {
                    name: row.name,
                    schedule: spec.schedule.code(),
                    next_run_at: row.next_run_at,
                    running: row.running,
                    runs: mine,
                })
            })
            .collect())
    }

    /// "Run now" on the jobs page (admins). `409 job_running` when it is running somewhere.
    pub async fn run_by(&self, pool: &PgPool, user: &CurrentUser, name: &str, instance: &str) -> Result<i64, AppError> {
        user.require(Role::Admin)?;
        match self.run_now(pool, name, OffsetDateTime::now_utc(), instance, Trigger::Manual).await? {
            Some(outcome) => Ok(outcome.run_id),
            None => Err(AppError::new(ErrorCode::JobRunning)),
        }
    }
}

/// Whether job `name` is enabled and when its run going on now started (None: no such row).
pub async fn state(pool: &PgPool, name: &str) -> Result<Option<db::JobState>, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(db::find_job_state(&mut conn, name).await?)
}

/// Runs `spec` if it is due at `now` and not running elsewhere (None otherwise); its next run is
/// set from its schedule and `hours`.
pub async fn run_if_due(
    pool: &PgPool,
    spec: &JobSpec,
    now: OffsetDateTime,
    hours: &BusinessHours,
    instance: &str,
    lease: std::time::Duration,
) -> Result<Option<RunOutcome>, AppError> {
    let next = spec.schedule.next_after(now, hours);
    claim_and_run(pool, spec, now, next, instance, Trigger::Schedule, false, lease).await
}

/// Claims the job, runs its body while renewing the claim every third of the lease, and closes
/// the run. A run that finds its claim gone (it lapsed: this instance stalled, and another took
/// the job over and marked this run failed) stops at once, so the job never runs twice.
#[allow(clippy::too_many_arguments)]
async fn claim_and_run(
    pool: &PgPool,
    spec: &JobSpec,
    now: OffsetDateTime,
    next: OffsetDateTime,
    instance: &str,
    trigger: Trigger,
    force: bool,
    lease: std::time::Duration,
) -> Result<Option<RunOutcome>, AppError> {
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX).max(1);
    let run_id = {
        let mut conn = pool.acquire().await?;
        db::claim_job(&mut conn, spec.name, now, next, instance, trigger.as_str(), force, lease_ms).await?
    };
    let Some(run_id) = run_id else { return Ok(None) };
    let body = (spec.body)(pool.clone(), now);
    tokio::pin!(body);
    let mut beat = tokio::time::interval((lease / 3).max(std::time::Duration::from_millis(1)));
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.tick().await;
    let result = loop {
        tokio::select! {
            result = &mut body => break Some(result),
            _ = beat.tick() => match renew(pool, spec.name, run_id, lease_ms).await {
                Ok(true) => {}
                Ok(false) => break None,
                // the database is away: the run goes on, and the claim lapses if it stays away
                Err(e) => tracing::warn!(job = spec.name, error = %e, "renewing the job's lease failed"),
            },
        }
    };
    let (outcome, detail) = match result {
        Some(Ok(detail)) => ("succeeded", detail),
        Some(Err(e)) => {
            tracing::error!(job = spec.name, error = %e, "job failed");
            ("failed", json!({"error": e.code.as_str()}))
        }
        None => {
            tracing::error!(job = spec.name, run_id, "the job's lease lapsed and another run took it over; stopped");
            ("failed", json!({"error": "lease_lost"}))
        }
    };
    // a controllable clock may run ahead of the real one: a run never ends before it starts
    let finished = OffsetDateTime::now_utc().max(now);
    let mut conn = pool.acquire().await?;
    db::finish_job(&mut conn, spec.name, run_id, outcome, &detail, finished).await?;
    Ok(Some(RunOutcome { job: spec.name, run_id, outcome, detail }))
}

async fn renew(pool: &PgPool, name: &str, run_id: i64, lease_ms: i64) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    db::renew_lease(&mut conn, name, run_id, lease_ms).await
}

/// This process, as job runs name it: host and process id.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    format!("{}:{}", if host.is_empty() { "host" } else { &host }, std::process::id())
}

/// Forgets the finished runs that started before `before` (the retention job), in batches; a run
/// still going is kept whatever its age. Answers how many went.
pub async fn purge_runs(pool: &PgPool, before: OffsetDateTime) -> Result<u64, AppError> {
    let mut total = 0;
    loop {
        let mut conn = pool.acquire().await?;
        let done = db::purge_runs(&mut conn, before, 10_000).await?;
        total += done;
        if done < 10_000 {
            return Ok(total);
        }
    }
}
