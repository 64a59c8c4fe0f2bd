//! The job runner inside each app instance. Three tasks that never wait on each other:
//! - the **scheduler** looks for due jobs every tick and starts each one in a task of its own, so a
//!   long run (the nightly reclassification) never holds back the minute-by-minute presence sweep;
//!   a job still running on this instance is not started again;
//! - the **listener** holds a `LISTEN` connection for routing notifications (a new order, an agent
//!   available, orders returned) and re-establishes it when it is lost; every (re)connection counts
//!   as a notification, since whatever was announced while it was down was missed;
//! - the **router** runs auto-assign after notifications: a burst within the debounce makes one
//!   run, and notifications that arrive while a run goes on make exactly one more run after it.
//!
//! Several instances may run this; the job rows in PostgreSQL decide who does the work.
use std::collections::HashMap;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use app::agents::domain::Job;
use app::agents::jobs::{self, RunOutcome, Trigger};
use app::agents::service::ROUTING_CHANNEL;

/// The runner's timings (`JOBS_TICK_MS`, `JOBS_DEBOUNCE_MS`; tests make them short).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunnerConfig {
    /// How often due jobs are looked for.
    pub tick: Duration,
    /// Notifications arriving within this time after the first make one auto-assign run; also the
    /// pause before asking again when auto-assign is busy elsewhere.
    pub debounce: Duration,
    /// The pause before connecting the listener again after it failed.
    pub reconnect: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self { tick: Duration::from_secs(15), debounce: Duration::from_millis(500), reconnect: Duration::from_secs(2) }
    }
}

/// The running runner; dropping it stops its tasks (job runs in flight on this instance are cut,
/// and their claim expires).
pub struct Runner {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Runner {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts the runner as every instance does.
pub fn spawn(pool: PgPool, config: RunnerConfig) -> Runner {
    let instance = jobs::instance_name();
    // the number of routing notifications seen so far; the router runs when it moves
    let (notified, seen) = watch::channel(0u64);
    let tasks = vec![
        tokio::spawn(schedule(pool.clone(), config, instance.clone())),
        tokio::spawn(listen(pool.clone(), config, notified)),
        tokio::spawn(route(pool, config, instance, seen)),
    ];
    Runner { tasks }
}

/// Every tick, starts each due job that is not already running on this instance in a task of its own.
async fn schedule(pool: PgPool, config: RunnerConfig, instance: String) {
    if let Err(e) = jobs::register(&pool, OffsetDateTime::now_utc()).await {
        tracing::error!(error = %e, "registering jobs failed");
    }
    let mut tick = tokio::time::interval(config.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // the jobs running on this instance, by task
    let mut running: HashMap<tokio::task::Id, Job> = HashMap::new();
    let mut runs: JoinSet<()> = JoinSet::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = OffsetDateTime::now_utc();
                for &job in Job::ALL {
                    if running.values().any(|j| *j == job) {
                        continue;
                    }
                    let (pool, instance) = (pool.clone(), instance.clone());
                    let task = runs.spawn(async move {
                        match jobs::run_if_due(&pool, job, now, &instance).await {
                            Ok(Some(run)) => log_run(&run),
                            Ok(None) => {}
                            Err(e) => tracing::warn!(job = job.as_str(), error = %e, "running a due job failed"),
                        }
                    });
                    running.insert(task.id(), job);
                }
            }
            Some(done) = runs.join_next_with_id() => {
                let id = match done {
                    Ok((id, ())) => id,
                    Err(error) => {
                        tracing::error!(%error, "a job task ended abnormally");
                        error.id()
                    }
                };
                running.remove(&id);
            }
        }
    }
}

/// Holds the LISTEN connection; counts every notification (and every reconnection) in `notified`.
async fn listen(pool: PgPool, config: RunnerConfig, notified: watch::Sender<u64>) {
    let kick = || notified.send_modify(|n| *n = n.wrapping_add(1));
    loop {
        let mut listener = match connect_listener(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "routing notifications unavailable; scheduled runs go on, trying again");
                tokio::time::sleep(config.reconnect).await;
                continue;
            }
        };
        // what was announced before (or while we were away) may be waiting
        kick();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => kick(),
                Ok(None) => {
                    tracing::warn!("routing notifications connection lost; listening again");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "routing notifications failed; listening again");
                    tokio::time::sleep(config.reconnect).await;
                    break;
                }
            }
        }
    }
}

async fn connect_listener(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(ROUTING_CHANNEL).await?;
    Ok(listener)
}

/// Runs auto-assign after notifications: waits the debounce so a burst makes one run, then runs
/// until a run that started after the notifications has happened (here or on another instance).
async fn route(pool: PgPool, config: RunnerConfig, instance: String, mut seen: watch::Receiver<u64>) {
    while seen.changed().await.is_ok() {
        tokio::time::sleep(config.debounce).await;
        // everything notified until now is covered by the run below
        seen.borrow_and_update();
        let wanted_from = OffsetDateTime::now_utc();
        loop {
            match jobs::run_now(&pool, Job::AutoAssign, OffsetDateTime::now_utc(), &instance, Trigger::Event).await {
                Ok(Some(run)) => {
                    log_run(&run);
                    break;
                }
                // not claimed: running elsewhere (enough if that run started after the
                // notifications, else ask again once it is done) or switched off
                Ok(None) => match jobs::state(&pool, Job::AutoAssign).await {
                    Ok(None) => break,
                    Ok(Some(job)) if !job.enabled || job.running_since.is_some_and(|since| since >= wanted_from) => {
                        break
                    }
                    Ok(Some(_)) => tokio::time::sleep(config.debounce).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "event auto-assign: cannot read the job");
                        tokio::time::sleep(config.reconnect).await;
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "event auto-assign failed; trying again");
                    tokio::time::sleep(config.reconnect).await;
                }
            }
        }
    }
}

fn log_run(run: &RunOutcome) {
    tracing::info!(job = run.job.as_str(), outcome = run.outcome, detail = %run.detail, "job ran");
}
