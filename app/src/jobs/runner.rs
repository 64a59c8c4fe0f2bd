//! The job runner inside each app instance. Tasks that never wait on each other:
//! - the **scheduler** looks for due jobs every tick and starts each one in a task of its own, so a
//!   long run (the nightly reclassification) never holds back the minute-by-minute presence sweep;
//!   a job still running on this instance is not started again;
//! - the **listener** holds one `LISTEN` connection for every channel a job is woken by, and
//!   re-establishes it when it is lost; every (re)connection counts as a notification on each
//!   channel, since whatever was announced while it was down was missed;
//! - one **waker** per such job runs it after notifications: a burst within the debounce makes one
//!   run, and notifications that arrive while a run goes on make exactly one more run after it.
//!
//! Several instances may run this; the job rows in PostgreSQL decide who does the work.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::domain::Trigger;
use super::service::{self, instance_name, Jobs, RunOutcome};

/// The runner's timings (`JOBS_TICK_MS`, `JOBS_DEBOUNCE_MS`, `JOBS_RECONNECT_MS`, `JOBS_LEASE_MS`;
/// tests make them short).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunnerConfig {
    /// How often due jobs are looked for.
    pub tick: Duration,
    /// Notifications arriving within this time after the first make one run; also the pause
    /// before asking again when the job is busy elsewhere.
    pub debounce: Duration,
    /// The pause before connecting the listener again after it failed.
    pub reconnect: Duration,
    /// How long a run's claim on its job lasts unless renewed (see `Jobs::with_lease`).
    pub lease: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(15),
            debounce: Duration::from_millis(500),
            reconnect: Duration::from_secs(2),
            lease: super::service::DEFAULT_LEASE,
        }
    }
}

/// The running runner; dropping it stops its tasks (job runs in flight on this instance are cut,
/// their claim lapses, and the next claim marks them failed).
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
pub fn spawn(pool: PgPool, jobs: Arc<Jobs>, config: RunnerConfig) -> Runner {
    let instance = instance_name();
    let mut tasks = vec![tokio::spawn(schedule(pool.clone(), jobs.clone(), config, instance.clone()))];
    // per channel, the number of notifications seen so far: each woken job runs when it moves
    let mut counters: HashMap<&'static str, watch::Sender<u64>> = HashMap::new();
    for spec in jobs.specs() {
        let Some(channel) = spec.woken_by else { continue };
        let seen = counters.entry(channel).or_insert_with(|| watch::channel(0).0).subscribe();
        tasks.push(tokio::spawn(wake(pool.clone(), jobs.clone(), spec.name, config, instance.clone(), seen)));
    }
    if !counters.is_empty() {
        tasks.push(tokio::spawn(listen(pool, config, counters)));
    }
    Runner { tasks }
}

/// Every tick, starts each due job that is not already running on this instance in a task of its own.
async fn schedule(pool: PgPool, jobs: Arc<Jobs>, config: RunnerConfig, instance: String) {
    if let Err(e) = jobs.register_rows(&pool, OffsetDateTime::now_utc()).await {
        tracing::error!(error = %e, "registering jobs failed");
    }
    let mut tick = tokio::time::interval(config.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // the jobs running on this instance, by task
    let mut running: HashMap<tokio::task::Id, &'static str> = HashMap::new();
    let mut runs: JoinSet<()> = JoinSet::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = OffsetDateTime::now_utc();
                // read once per tick, not once per job
                let hours = match jobs.hours(&pool).await {
                    Ok(hours) => hours,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the business hours failed; trying at the next tick");
                        continue;
                    }
                };
                for spec in jobs.specs() {
                    if running.values().any(|name| *name == spec.name) {
                        continue;
                    }
                    let name = spec.name;
                    let (pool, spec, hours, instance) = (pool.clone(), spec.clone(), hours.clone(), instance.clone());
                    let lease = jobs.lease();
                    let task = runs.spawn(async move {
                        match service::run_if_due(&pool, &spec, now, &hours, &instance, lease).await {
                            Ok(Some(run)) => log_run(&run),
                            Ok(None) => {}
                            Err(e) => tracing::warn!(job = spec.name, error = %e, "running a due job failed"),
                        }
                    });
                    running.insert(task.id(), name);
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

/// Holds the LISTEN connection; counts every notification (and every reconnection) per channel.
async fn listen(pool: PgPool, config: RunnerConfig, counters: HashMap<&'static str, watch::Sender<u64>>) {
    let kick = |counter: &watch::Sender<u64>| counter.send_modify(|n| *n = n.wrapping_add(1));
    let channels: Vec<&str> = counters.keys().copied().collect();
    loop {
        let mut listener = match connect_listener(&pool, &channels).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "notifications unavailable; scheduled runs go on, trying again");
                tokio::time::sleep(config.reconnect).await;
                continue;
            }
        };
        // what was announced before (or while we were away) may be waiting
        counters.values().for_each(kick);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Some(counter) = counters.get(notification.channel()) {
                        kick(counter);
                    }
                }
                Ok(None) => {
                    tracing::warn!("notifications connection lost; listening again");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "notifications failed; listening again");
                    tokio::time::sleep(config.reconnect).await;
                    break;
                }
            }
        }
    }
}

async fn connect_listener(pool: &PgPool, channels: &[&str]) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all(channels.iter().copied()).await?;
    Ok(listener)
}

/// Runs `name` after notifications: waits the debounce so a burst makes one run, then runs until a
/// run that started after the notifications has happened (here or on another instance).
async fn wake(
    pool: PgPool,
    jobs: Arc<Jobs>,
    name: &'static str,
    config: RunnerConfig,
    instance: String,
    mut seen: watch::Receiver<u64>,
) {
    while seen.changed().await.is_ok() {
        tokio::time::sleep(config.debounce).await;
        // everything notified until now is covered by the run below
        seen.borrow_and_update();
        let wanted_from = OffsetDateTime::now_utc();
        loop {
            match jobs.run_now(&pool, name, OffsetDateTime::now_utc(), &instance, Trigger::Event).await {
                Ok(Some(run)) => {
                    log_run(&run);
                    break;
                }
                // not claimed: running elsewhere (enough if that run started after the
                // notifications, else ask again once it is done) or switched off
                Ok(None) => match service::state(&pool, name).await {
                    Ok(None) => break,
                    Ok(Some(job)) if !job.enabled || job.running_since.is_some_and(|since| since >= wanted_from) => {
                        break
                    }
                    Ok(Some(_)) => tokio::time::sleep(config.debounce).await,
                    Err(e) => {
                        tracing::warn!(job = name, error = %e, "woken job: cannot read its row");
                        tokio::time::sleep(config.reconnect).await;
                    }
                },
                Err(e) => {
                    tracing::warn!(job = name, error = %e, "woken job failed; trying again");
                    tokio::time::sleep(config.reconnect).await;
                }
            }
        }
    }
}

fn log_run(run: &RunOutcome) {
    tracing::info!(job = run.job, outcome = run.outcome, detail = %run.detail, "job ran");
}
