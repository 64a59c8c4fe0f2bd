//! The job runner inside each app instance: every 15 seconds it runs the jobs that are due (the
//! job rows make sure one instance runs each), and on a routing notification (a new order, an
//! agent available, orders returned) it runs auto-assign at once, a burst of notifications making
//! one run. Several instances may run this; PostgreSQL decides who does the work.
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use time::OffsetDateTime;

use app::agents::domain::Job;
use app::agents::jobs::{self, Trigger};
use app::agents::service::ROUTING_CHANNEL;

/// How often due jobs are looked for.
const TICK: Duration = Duration::from_secs(15);
/// Notifications arriving within this time make one run.
const DEBOUNCE: Duration = Duration::from_millis(500);

/// Starts the runner; abort the handle to stop it.
pub fn spawn(pool: PgPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let instance = jobs::instance_name();
        if let Err(e) = jobs::register(&pool, OffsetDateTime::now_utc()).await {
            tracing::error!(error = %e, "registering jobs failed");
        }
        let mut listener = match listen(&pool).await {
            Ok(listener) => Some(listener),
            Err(error) => {
                tracing::warn!(%error, "routing notifications unavailable: scheduled runs only");
                None
            }
        };
        let mut tick = tokio::time::interval(TICK);
        let mut pending_event = false;
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    match jobs::run_due(&pool, OffsetDateTime::now_utc(), &instance).await {
                        Ok(done) => for run in done {
                            tracing::info!(job = run.job.as_str(), outcome = run.outcome, detail = %run.detail, "job ran");
                        },
                        Err(e) => tracing::warn!(error = %e, "running due jobs failed"),
                    }
                    if listener.is_none() {
                        listener = listen(&pool).await.ok();
                    }
                }
                received = recv(&mut listener) => {
                    match received {
                        Ok(()) => pending_event = true,
                        Err(error) => {
                            tracing::warn!(%error, "routing notifications lost; listening again");
                            listener = None;
                        }
                    }
                }
            }
            if pending_event {
                // let a burst (an import, a shop's batch) settle into one run
                tokio::time::sleep(DEBOUNCE).await;
                if let Some(l) = listener.as_mut() {
                    while let Ok(Some(_)) = l.try_recv().await {}
                }
                match jobs::run_now(&pool, Job::AutoAssign, OffsetDateTime::now_utc(), &instance, Trigger::Event).await
                {
                    // running elsewhere: that run or the next tick will pick the new orders up
                    Ok(_) => pending_event = false,
                    Err(e) => {
                        tracing::warn!(error = %e, "event auto-assign failed");
                        pending_event = false;
                    }
                }
            }
        }
    })
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(ROUTING_CHANNEL).await?;
    Ok(listener)
}

async fn recv(listener: &mut Option<PgListener>) -> Result<(), sqlx::Error> {
    match listener {
        Some(l) => l.recv().await.map(|_| ()),
        None => std::future::pending().await,
    }
}
