//! The host's job registry: the one place that knows every feature's jobs and hands them to the
//! scheduler (`app::jobs`), which imports no feature. Each instance runs the runner on it, and the
//! doors (jobs page, REST) list and run the same registry.
use std::sync::Arc;

use sqlx::PgPool;

use app::jobs::domain::Schedule;
pub use app::jobs::runner::{Runner, RunnerConfig};
use app::jobs::service::{JobSpec, Jobs};
use app::messaging::service::MessagingConfig;
use app::{agents, customers, duplicates, messaging, orders};

use crate::config::Settings;

/// What the host's jobs are configured with.
#[derive(Clone, Debug, Default)]
pub struct RegistryConfig {
    /// Messaging's sender uses its provider.
    pub messaging: MessagingConfig,
    pub retention: Retention,
}

/// How long records kept only for a while are kept (the `retention` job, daily at 03:30).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// `LOGIN_ATTEMPTS_RETENTION_DAYS` (90): the throttle reads the last minutes only.
    pub login_attempts_days: i64,
    /// `JOB_RUNS_RETENTION_DAYS` (90): the jobs page shows the last ten runs of each.
    pub job_runs_days: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Self { login_attempts_days: 90, job_runs_days: 90 }
    }
}

/// The host's own job: forgets login attempts and finished job runs past their retention.
fn retention(config: Retention) -> JobSpec {
    JobSpec::new("retention", Schedule::DailyAt { minute: 3 * 60 + 30 }, move |pool, now| async move {
        let attempts =
            app::auth::service::purge_login_attempts(&pool, now - time::Duration::days(config.login_attempts_days))
                .await?;
        let runs = app::jobs::service::purge_runs(&pool, now - time::Duration::days(config.job_runs_days)).await?;
        Ok(serde_json::json!({"loginAttempts": attempts, "jobRuns": runs}))
    })
}

/// Every job, in the order a tick looks at them.
pub fn registry(config: &RegistryConfig) -> Jobs {
    let messaging = &config.messaging;
    Jobs::new()
        .business_hours(agents::service::business_hours)
        .register(agents::service::jobs())
        .register(duplicates::service::jobs())
        .register(customers::service::jobs())
        .register(orders::service::jobs())
        .register(app::dashboard::service::jobs())
        .register(messaging::service::jobs(Arc::new(messaging.clone())))
        .register([retention(config.retention)])
}

/// Starts the job runner on the registry, as every instance does.
pub fn spawn(pool: PgPool, settings: &Settings) -> Runner {
    app::jobs::runner::spawn(
        pool,
        Arc::new(registry(&settings.registry()).with_lease(settings.jobs.lease)),
        settings.jobs,
    )
}
