//! The host's job registry: the one place that knows every feature's jobs and hands them to the
//! scheduler (`app::jobs`), which imports no feature. Each instance runs the runner on it, and the
//! doors (jobs page, REST) list and run the same registry.
use std::sync::Arc;

use sqlx::PgPool;

pub use app::jobs::runner::{Runner, RunnerConfig};
use app::jobs::service::Jobs;
use app::{agents, customers, duplicates};

/// Every job, in the order a tick looks at them.
pub fn registry() -> Jobs {
    Jobs::new()
        .business_hours(agents::service::business_hours)
        .register(agents::service::jobs())
        .register(duplicates::service::jobs())
        .register(customers::service::jobs())
}

/// Starts the job runner on the registry, as every instance does.
pub fn spawn(pool: PgPool, config: RunnerConfig) -> Runner {
    app::jobs::runner::spawn(pool, Arc::new(registry()), config)
}
