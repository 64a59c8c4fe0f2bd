//! The host's job registry: the one place that knows every feature's jobs and hands them to the
//! scheduler (`app::jobs`), which imports no feature. Each instance runs the runner on it, and the
//! doors (jobs page, REST) list and run the same registry.
use std::sync::Arc;

use sqlx::PgPool;

pub use app::jobs::runner::{Runner, RunnerConfig};
use app::jobs::service::Jobs;
use app::messaging::service::MessagingConfig;
use app::{agents, customers, duplicates, messaging, orders};

use crate::config::Settings;

/// Every job, in the order a tick looks at them; messaging's sender uses `messaging`'s provider.
pub fn registry(messaging: &MessagingConfig) -> Jobs {
    Jobs::new()
        .business_hours(agents::service::business_hours)
        .register(agents::service::jobs())
        .register(duplicates::service::jobs())
        .register(customers::service::jobs())
        .register(orders::service::jobs())
        .register(app::dashboard::service::jobs())
        .register(messaging::service::jobs(Arc::new(messaging.clone())))
}

/// Starts the job runner on the registry, as every instance does.
pub fn spawn(pool: PgPool, settings: &Settings) -> Runner {
    app::jobs::runner::spawn(
        pool,
        Arc::new(registry(&settings.messaging).with_lease(settings.jobs.lease)),
        settings.jobs,
    )
}
