//! The job runner as the server runs it (spawned with the app, real LISTEN/NOTIFY, real clock),
//! with a short tick and debounce. Each test waits for what must happen (up to a deadline that only
//! turns a hang into a failure) and looks at the job rows and runs the runner left behind.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::{agent_profile, distinct_order_body, get_json, TestApp};
use serde_json::{json, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

/// Debounce of the runner under test: bursts within it make one run.
const DEBOUNCE_MS: u64 = 300;

struct World {
    app: TestApp,
    /// The test's own connections (what it checks and changes), apart from the app's pool.
    db: PgPool,
    supervisor: reqwest::Client,
    shop_token: String,
}

/// The runner and the server share a pool as in production: more than the five connections a
/// `sqlx::test` pool gets, outside its parent pool (whose 20 connections tests running side by side
/// share), and connections that stay open while idle (so the test about an unreachable database
/// keeps the ones it has).
async fn pool(connect: PgConnectOptions) -> PgPool {
    PgPoolOptions::new().max_connections(12).idle_timeout(None).connect_with(connect).await.unwrap()
}

async fn world(connect: PgConnectOptions) -> World {
    world_with(connect, &[]).await
}

/// The world with more settings for the server under test.
async fn world_with(connect: PgConnectOptions, more: &[(&str, &str)]) -> World {
    let db = PgPoolOptions::new().max_connections(3).idle_timeout(None).connect_with(connect.clone()).await.unwrap();
    let pool = pool(connect).await;
    let debounce = DEBOUNCE_MS.to_string();
    let mut vars = vec![
        ("SCHEDULER", "true"),
        ("JOBS_TICK_MS", "50"),
        ("JOBS_DEBOUNCE_MS", &debounce),
        ("JOBS_RECONNECT_MS", "100"),
    ];
    vars.extend_from_slice(more);
    let app = TestApp::spawn_with(pool, &vars).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let admin = app.logged_in("admin@test.dz").await;
    let shop_token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    let w = World { app, db, supervisor, shop_token };
    // the runner routes once when it starts listening (what was announced before is not lost)
    w.until("the start-up auto-assign run", || async { w.event_runs().await.finished >= 1 }).await;
    w
}

#[derive(Debug, PartialEq)]
struct Runs {
    started: i64,
    finished: i64,
}

impl World {
    /// Waits until `check` holds; fails the test after 30 s.
    async fn until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !check().await {
            assert!(Instant::now() < deadline, "still waiting for {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Lets a few debounces pass, so a run that should not happen would have.
    async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(4 * DEBOUNCE_MS)).await;
    }

    async fn runs(&self, job: &str, trigger: &str) -> Runs {
        let (started, finished): (i64, i64) =
            sqlx::query_as("SELECT count(*), count(finished_at) FROM job_runs WHERE job = $1 AND trigger = $2")
                .bind(job)
                .bind(trigger)
                .fetch_one(&self.db)
                .await
                .unwrap();
        Runs { started, finished }
    }

    async fn event_runs(&self) -> Runs {
        self.runs("auto_assign", "event").await
    }

    /// Makes a scheduled job due now, as its time coming would.
    async fn make_due(&self, job: &str) {
        sqlx::query("UPDATE scheduled_jobs SET next_run_at = now() - interval '1 second' WHERE name = $1")
            .bind(job)
            .execute(&self.db)
            .await
            .unwrap();
    }

    /// Makes the presence sweep due and waits until the runner has run it on schedule once more.
    async fn sweep_runs_on_schedule(&self) {
        let before = self.runs("presence_sweep", "schedule").await.finished;
        self.make_due("presence_sweep").await;
        self.until("a scheduled presence sweep", || async {
            self.runs("presence_sweep", "schedule").await.finished > before
        })
        .await;
    }

    /// Notifications as intake sends them, `n` at once in one transaction (one burst).
    async fn notify(&self, n: i32) {
        sqlx::query("SELECT pg_notify('ecocs_routing', 'test-' || i) FROM generate_series(1, $1) AS i")
            .bind(n)
            .execute(&self.db)
            .await
            .unwrap();
    }

    /// Starts the reclassification on schedule and keeps it running: it waits for the row of
    /// `order`'s customer, which the returned transaction holds until it is rolled back.
    async fn long_reclassification(&self, order: i64) -> sqlx::Transaction<'static, sqlx::Postgres> {
        let customer: i64 = sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&self.db)
            .await
            .unwrap();
        let mut hold = self.db.begin().await.unwrap();
        sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
            .bind(customer)
            .execute(&mut *hold)
            .await
            .unwrap();
        self.make_due("classification").await;
        self.until("the reclassification to start", || async {
            self.runs("classification", "schedule").await.started == 1
        })
        .await;
        hold
    }

    async fn available_agent(&self, email: &str) -> i64 {
        let id = self.app.create_user(email, "agent").await;
        let client = self.app.logged_in(email).await;
        let profile = agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([]));
        self.app.make_available(&self.supervisor, &client, id, &profile).await;
        id
    }

    async fn order(&self, n: usize) -> i64 {
        let body =
            distinct_order_body(&format!("J-{n}"), n, &format!("0555 {:02} {:02} {:02}", n % 100, 10 + n % 90, 20));
        self.app.intake(&self.shop_token, &body).await
    }

    async fn assigned_agent(&self, order: i64) -> Value {
        let o = get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/orders/{order}"))).await;
        o["confirmation"]["assignedAgent"].clone()
    }

    async fn until_assigned(&self, order: i64, agent: i64) {
        self.until("the order to be routed", || async { self.assigned_agent(order).await == agent }).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn orders_posted_through_the_api_are_routed_and_the_schedule_goes_on(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let w = world(connect).await;
    let agent = w.available_agent("a@test.dz").await;
    for n in 1..=3 {
        let order = w.order(n).await;
        w.until_assigned(order, agent).await;
        // the scheduled jobs keep their schedule after each notification
        w.sweep_runs_on_schedule().await;
    }
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_burst_of_notifications_makes_one_run(_: PgPoolOptions, connect: PgConnectOptions) {
    let w = world(connect).await;
    w.settle().await;
    let before = w.event_runs().await;
    assert_eq!(before.started, before.finished, "nothing running");

    w.notify(50).await;
    w.until("the burst's run", || async { w.event_runs().await.finished > before.finished }).await;
    w.settle().await;
    assert_eq!(w.event_runs().await.finished, before.finished + 1, "fifty notifications, one run");
    w.sweep_runs_on_schedule().await;
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_burst_during_a_run_makes_exactly_one_more_run_and_the_schedule_does_not_wait(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let w = world(connect).await;
    w.settle().await;
    let before = w.event_runs().await;

    // an auto-assign that takes long: it waits for the routing lock this transaction holds
    let mut hold = w.db.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('ecocs.routing'))").execute(&mut *hold).await.unwrap();
    w.notify(1).await;
    w.until("the run to start", || async { w.event_runs().await.started > before.started }).await;

    // notifications while it runs, in several transactions
    for _ in 0..5 {
        w.notify(1).await;
    }
    // the presence sweep is not held back by the routing run
    w.sweep_runs_on_schedule().await;
    assert_eq!(w.event_runs().await, Runs { started: before.started + 1, finished: before.finished });

    hold.rollback().await.unwrap();
    w.until("the run after the run", || async { w.event_runs().await.finished >= before.finished + 2 }).await;
    w.settle().await;
    assert_eq!(w.event_runs().await.finished, before.finished + 2, "coalesced into one more run, not dropped");
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_steady_stream_of_notifications_starves_neither_routing_nor_the_schedule(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let w = world(connect).await;
    let before = w.event_runs().await.finished;
    let stream = {
        let pool = w.db.clone();
        tokio::spawn(async move {
            loop {
                sqlx::query("SELECT pg_notify('ecocs_routing', 'stream')").execute(&pool).await.unwrap();
                tokio::time::sleep(Duration::from_millis(DEBOUNCE_MS / 5)).await;
            }
        })
    };
    // while notifications never stop: auto-assign keeps running (a debounce that restarted on
    // every notification would never run), and so does the schedule
    w.until("several runs during the stream", || async { w.event_runs().await.finished >= before + 3 }).await;
    w.sweep_runs_on_schedule().await;
    w.sweep_runs_on_schedule().await;
    stream.abort();
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_long_job_holds_back_neither_the_sweep_nor_event_routing(_: PgPoolOptions, connect: PgConnectOptions) {
    let w = world(connect).await;
    let first = w.order(1).await;
    let hold = w.long_reclassification(first).await;

    w.sweep_runs_on_schedule().await;
    // an agent becomes available and a new order arrives: both are routed at once
    let agent = w.available_agent("a@test.dz").await;
    let second = w.order(2).await;
    w.until_assigned(first, agent).await;
    w.until_assigned(second, agent).await;
    assert_eq!(w.runs("classification", "schedule").await, Runs { started: 1, finished: 0 }, "still running");

    hold.rollback().await.unwrap();
    w.until("the reclassification to end", || async { w.runs("classification", "schedule").await.finished == 1 }).await;
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_longer_than_its_lease_keeps_its_job_and_a_dead_instances_run_is_taken_over(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    const LEASE: Duration = Duration::from_millis(600);
    let w = world_with(connect, &[("JOBS_LEASE_MS", "600")]).await;
    let first = w.order(1).await;
    let hold = w.long_reclassification(first).await;
    let first_run: i64 =
        sqlx::query_scalar("SELECT id FROM job_runs WHERE job = 'classification'").fetch_one(&w.db).await.unwrap();

    // another instance asks for the job again and again over five leases: the run keeps it
    let other = server::jobs::registry(&Default::default()).with_lease(LEASE);
    let db = w.db.clone();
    let ask = || {
        let now = time::OffsetDateTime::now_utc();
        other.run_now(&db, "classification", now, "other:1", app::jobs::domain::Trigger::Manual)
    };
    let until = Instant::now() + 5 * LEASE;
    while Instant::now() < until {
        let claimed = tokio::time::timeout(Duration::from_secs(10), ask()).await.expect("not run twice").unwrap();
        assert_eq!(claimed, None, "claimed while it ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(w.runs("classification", "schedule").await, Runs { started: 1, finished: 0 }, "still running");

    // the instance dies mid-run; once its lease lapses the other takes the job over, and the
    // dead run is marked failed
    w.app.stop().await;
    hold.rollback().await.unwrap();
    tokio::time::sleep(LEASE + Duration::from_millis(200)).await;
    let run = ask().await.unwrap().expect("taken over");
    assert_eq!(run.outcome, "succeeded", "{}", run.detail);
    let (outcome, error): (String, Option<String>) =
        sqlx::query_as("SELECT outcome, detail->>'error' FROM job_runs WHERE id = $1")
            .bind(first_run)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((outcome.as_str(), error.as_deref()), ("failed", Some("lease_expired")));
    let free: bool = sqlx::query_scalar(
        "SELECT running_run_id IS NULL AND lease_until IS NULL FROM scheduled_jobs WHERE name = 'classification'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(free, "the run that took over freed the job");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_whose_lease_was_taken_stops_and_the_runner_goes_on(_: PgPoolOptions, connect: PgConnectOptions) {
    let w = world_with(connect, &[("JOBS_LEASE_MS", "600")]).await;
    let first = w.order(1).await;
    let hold = w.long_reclassification(first).await;
    let (run, stolen): (i64, i64) = sqlx::query_as(
        "WITH other AS (INSERT INTO job_runs (job, trigger, instance, started_at)
                        VALUES ('classification', 'manual', 'other:1', now()) RETURNING id)
         SELECT (SELECT running_run_id FROM scheduled_jobs WHERE name = 'classification'), id FROM other",
    )
    .fetch_one(&w.db)
    .await
    .unwrap();
    // another instance took the job (as after this one stalled past its lease)
    sqlx::query("UPDATE scheduled_jobs SET running_run_id = $1, lease_until = now() + interval '1 hour' WHERE name = 'classification'")
        .bind(stolen)
        .execute(&w.db)
        .await
        .unwrap();
    // at its next renewal the run finds the job gone and stops, without freeing the other's claim
    w.until("the run to stop", || async {
        let outcome: String =
            sqlx::query_scalar("SELECT outcome FROM job_runs WHERE id = $1").bind(run).fetch_one(&w.db).await.unwrap();
        outcome == "failed"
    })
    .await;
    let error: Option<String> = sqlx::query_scalar("SELECT detail->>'error' FROM job_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&w.db)
        .await
        .unwrap();
    assert_eq!(error.as_deref(), Some("lease_lost"));
    let holder: Option<i64> =
        sqlx::query_scalar("SELECT running_run_id FROM scheduled_jobs WHERE name = 'classification'")
            .fetch_one(&w.db)
            .await
            .unwrap();
    assert_eq!(holder, Some(stolen));
    hold.rollback().await.unwrap();
    // and the runner goes on: the sweep runs on schedule, twice
    w.sweep_runs_on_schedule().await;
    w.sweep_runs_on_schedule().await;
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lost_listener_comes_back_and_scheduled_runs_go_on_while_it_is_away(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let w = world(connect).await;
    let agent = w.available_agent("a@test.dz").await;
    // the listener's connection is cut again and again, as by a flapping network
    let cutter = {
        let db = w.db.clone();
        tokio::spawn(async move {
            loop {
                sqlx::query_scalar::<_, i64>(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                     WHERE datname = current_database() AND query LIKE 'LISTEN%'",
                )
                .fetch_one(&db)
                .await
                .unwrap();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    w.sweep_runs_on_schedule().await;
    w.sweep_runs_on_schedule().await;
    cutter.abort();
    let _ = cutter.await;
    // listening again, later notifications work
    let order = w.order(1).await;
    w.until_assigned(order, agent).await;
    w.app.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_retention_job_forgets_old_login_attempts_and_finished_runs_and_keeps_the_rest(
    _: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let w = world_with(connect, &[("LOGIN_ATTEMPTS_RETENTION_DAYS", "7"), ("JOB_RUNS_RETENTION_DAYS", "30")]).await;
    sqlx::query(
        "INSERT INTO login_attempts (email, ip, succeeded, created_at) VALUES
             ('old@test.dz', '10.0.0.1', false, now() - interval '8 days'),
             ('recent@test.dz', '10.0.0.1', false, now() - interval '6 days')",
    )
    .execute(&w.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO job_runs (job, trigger, instance, started_at, finished_at, outcome) VALUES
             ('classification', 'schedule', 'old', now() - interval '31 days', now() - interval '31 days', 'succeeded'),
             ('classification', 'schedule', 'recent', now() - interval '29 days', now() - interval '29 days', 'succeeded'),
             ('classification', 'schedule', 'unfinished', now() - interval '40 days', NULL, 'running')",
    )
    .execute(&w.db)
    .await
    .unwrap();
    w.make_due("retention").await;
    w.until("the retention job on schedule", || async { w.runs("retention", "schedule").await.finished >= 1 }).await;
    let emails: Vec<String> =
        sqlx::query_scalar("SELECT email FROM login_attempts WHERE email LIKE '%@test.dz' ORDER BY email")
            .fetch_all(&w.db)
            .await
            .unwrap();
    assert!(
        !emails.contains(&"old@test.dz".to_string()) && emails.contains(&"recent@test.dz".to_string()),
        "{emails:?}"
    );
    let jobs: Vec<String> =
        sqlx::query_scalar("SELECT instance FROM job_runs WHERE job = 'classification' ORDER BY instance")
            .fetch_all(&w.db)
            .await
            .unwrap();
    assert_eq!(jobs, ["recent", "unfinished"], "a run still going is kept whatever its age");
    let detail: Value =
        sqlx::query_scalar("SELECT detail FROM job_runs WHERE job = 'retention' AND finished_at IS NOT NULL")
            .fetch_one(&w.db)
            .await
            .unwrap();
    assert_eq!((detail["loginAttempts"].as_i64(), detail["jobRuns"].as_i64()), (Some(1), Some(1)), "{detail}");
    w.app.stop().await;
}
