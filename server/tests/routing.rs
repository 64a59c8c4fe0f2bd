//! Routing over real HTTP against a real database: profiles and presence, auto-assign with its
//! reasons, two runs at once, redistribution, performance, roles, and the job runner driven by a
//! controllable clock at Algerian times.
#![allow(clippy::unwrap_used)] // a test crate: a panic is the failure report
mod common;

use app::jobs::domain::Trigger;
use app::jobs::service::RunOutcome;
use common::{agent_profile, distinct_order_body, error_code, get_json, TestApp};
use serde_json::{json, Value};
use server::jobs::registry;
use sqlx::PgPool;
use time::macros::datetime;

struct World {
    app: TestApp,
    admin: reqwest::Client,
    supervisor: reqwest::Client,
    shop_token: String,
}

async fn world(pool: PgPool) -> World {
    let app = TestApp::spawn(pool).await;
    app.create_user("admin@test.dz", "admin").await;
    app.create_user("sup@test.dz", "supervisor").await;
    let admin = app.logged_in("admin@test.dz").await;
    let shop_token = app.token_for(&admin, "shop@test.dz", "supervisor").await;
    let supervisor = app.logged_in("sup@test.dz").await;
    World { app, admin, supervisor, shop_token }
}

impl World {
    /// An available agent with this profile; returns their id and logged-in client.
    async fn agent(&self, email: &str, profile: Value) -> (i64, reqwest::Client) {
        let id = self.app.create_user(email, "agent").await;
        let client = self.app.logged_in(email).await;
        self.app.make_available(&self.supervisor, &client, id, &profile).await;
        (id, client)
    }

    async fn order(&self, reference: &str, phone: &str, language: &str, wilaya: i64) -> i64 {
        let n: usize = reference.trim_start_matches("R-").parse().unwrap_or(0);
        let mut body = distinct_order_body(reference, n, phone);
        body["customer"]["language"] = json!(language);
        body["delivery"]["wilaya"] = json!(wilaya);
        self.app.intake(&self.shop_token, &body).await
    }

    async fn auto_assign(&self) -> Value {
        let response =
            self.supervisor.post(self.app.url("/api/customer-service/orders/auto-assign")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn order_json(&self, id: i64) -> Value {
        get_json(&self.supervisor, self.app.url(&format!("/api/customer-service/orders/{id}"))).await
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn each_order_goes_to_an_agent_who_speaks_its_language_in_its_wilaya_or_says_why_not(pool: PgPool) {
    let w = world(pool).await;
    let (french, _) =
        w.agent("fr@test.dz", agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([16]))).await;
    let (darija, _) =
        w.agent("dz@test.dz", agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]))).await;
    let fr16 = w.order("R-1", "0555 11 11 11", "fr", 16).await;
    let dz31 = w.order("R-2", "0555 22 22 22", "ar-DZ", 31).await;
    let fr31 = w.order("R-3", "0555 33 33 33", "fr", 31).await;

    let report = w.auto_assign().await;
    assert_eq!(report["assigned"], 2);
    assert_eq!(report["unassigned"], 1);

    let o = w.order_json(fr16).await;
    assert_eq!(o["confirmation"]["assignedAgent"], french);
    let why = &o["confirmation"]["routing"];
    assert_eq!(why["kind"], "assigned");
    assert_eq!(why["agent_id"], french);
    assert_eq!(why["why"]["candidates"], 1);
    assert_eq!(w.order_json(dz31).await["confirmation"]["assignedAgent"], darija);
    // "no agent on shift who speaks French in wilaya 31"
    let o = w.order_json(fr31).await;
    assert!(o["confirmation"]["assignedAgent"].is_null());
    let why = &o["confirmation"]["routing"];
    assert_eq!(why["kind"], "unassigned");
    assert_eq!(why["reason"]["kind"], "no_wilaya_cover");
    assert_eq!(why["reason"]["language"], "fr");
    assert_eq!(why["reason"]["wilaya"], 31);
    // the supervisors' list shows the reason too
    let pending: Value =
        get_json(&w.supervisor, w.app.url("/api/customer-service/orders/pending?unassigned=true")).await;
    let row = pending.as_array().unwrap().iter().find(|r| r["id"] == fr31).unwrap();
    assert_eq!(row["routing"]["reason"]["kind"], "no_wilaya_cover");

    // once it has waited past the relaxation (10 min), the wilaya rule is dropped and it says so
    sqlx::query("UPDATE orders SET waiting_since = now() - interval '11 minutes' WHERE id = $1")
        .bind(fr31)
        .execute(&w.app.pool)
        .await
        .unwrap();
    w.auto_assign().await;
    let o = w.order_json(fr31).await;
    assert_eq!(o["confirmation"]["assignedAgent"], french);
    assert_eq!(o["confirmation"]["routing"]["why"]["relaxed"][0]["kind"], "wilaya_dropped");
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_available_and_nobody_on_shift_are_reasons_not_silence(pool: PgPool) {
    let w = world(pool).await;
    let order = w.order("R-1", "0555 11 11 11", "ar-DZ", 16).await;
    w.auto_assign().await;
    assert_eq!(w.order_json(order).await["confirmation"]["routing"]["reason"]["kind"], "nobody_available");

    let mut off = agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]));
    off["preferences"]["workingHours"] = json!([]);
    w.agent("off@test.dz", off).await;
    w.auto_assign().await;
    assert_eq!(w.order_json(order).await["confirmation"]["routing"]["reason"]["kind"], "nobody_on_shift");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_auto_assign_runs_at_once_assign_each_order_once(pool: PgPool) {
    let w = world(pool).await;
    for i in 0..4 {
        w.agent(&format!("a{i}@test.dz"), agent_profile(json!([{"language": "fr", "proficiency": 3}]), json!([])))
            .await;
    }
    for i in 0..120 {
        w.order(&format!("R-{i}"), &format!("0555 00 {:02} {:02}", i / 100, i % 100), "fr", 16).await;
    }
    let (a, b) = tokio::join!(w.auto_assign(), w.auto_assign());
    assert_eq!(a["assigned"].as_i64().unwrap() + b["assigned"].as_i64().unwrap(), 120);
    // one audit row per order placed, naming its agent, the one it is held by
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT a.entity_id) FROM audit_log a JOIN orders o ON o.id = a.entity_id
         WHERE a.action = 'order.auto_assigned' AND a.entity = 'order'
           AND (a.after->>'agentId')::int8 = o.assigned_agent_id AND a.after->'reason'->>'kind' = 'assigned'",
    )
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 120, "one audited assignment per order");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'order.auto_assigned'")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 120);
    let held: i64 = sqlx::query_scalar("SELECT count(DISTINCT id) FROM orders WHERE assigned_agent_id IS NOT NULL")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    assert_eq!(held, 120);
    // the load is even: 4 equal agents, 30 each
    let loads: Vec<i64> = sqlx::query_scalar(
        "SELECT count(*) FROM orders WHERE assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id ORDER BY 1",
    )
    .fetch_all(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(loads, vec![30, 30, 30, 30]);
}

#[sqlx::test(migrations = "../migrations")]
async fn going_offline_returns_the_orders_not_started_and_keeps_the_started_ones(pool: PgPool) {
    let w = world(pool).await;
    let (agent_id, agent) =
        w.agent("a@test.dz", agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]))).await;
    let started = w.order("R-1", "0555 11 11 11", "ar-DZ", 16).await;
    let untouched = w.order("R-2", "0555 22 22 22", "ar-DZ", 16).await;
    w.auto_assign().await;
    let version = w.order_json(started).await["version"].as_i64().unwrap();
    let response = agent
        .post(w.app.url(&format!("/api/customer-service/orders/{started}/confirm-attempt")))
        .json(&json!({"method": "phone", "result": "no_answer_1", "duration": 20, "version": version}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let response = agent
        .put(w.app.url(&format!("/api/customer-service/agents/{agent_id}/presence")))
        .json(&json!({"state": "offline"}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["returnedOrders"], json!([untouched]));
    assert_eq!(w.order_json(started).await["confirmation"]["assignedAgent"], agent_id);
    let o = w.order_json(untouched).await;
    assert!(o["confirmation"]["assignedAgent"].is_null());
    assert_eq!(o["confirmation"]["routing"]["cause"], "went_offline");
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'order.returned' AND entity_id = $1")
            .bind(untouched)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!(audit, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_agent_or_one_made_supervisor_gives_back_every_open_order_and_callback(pool: PgPool) {
    let w = world(pool).await;
    let arabic = || agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]));
    let (leaver, client) = w.agent("a@test.dz", arabic()).await;
    let untouched = w.order("R-1", "0555 11 11 11", "ar-DZ", 16).await;
    let started = w.order("R-2", "0555 22 22 22", "ar-DZ", 16).await;
    let callback = w.order("R-3", "0555 33 33 33", "ar-DZ", 16).await;
    w.auto_assign().await;
    let call_back_at = (time::OffsetDateTime::now_utc() + time::Duration::hours(3)).replace_nanosecond(0).unwrap();
    for (id, body) in [
        (started, json!({"method": "phone", "result": "no_answer_1", "duration": 20})),
        (
            callback,
            json!({"method": "phone", "result": "callback", "duration": 30, "callbackScope": "me",
                   "callbackAt": call_back_at.format(&time::format_description::well_known::Rfc3339).unwrap()}),
        ),
    ] {
        let mut body = body;
        body["version"] = w.order_json(id).await["version"].clone();
        let response = client
            .post(w.app.url(&format!("/api/customer-service/orders/{id}/confirm-attempt")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
    for id in [untouched, started, callback] {
        assert_eq!(w.order_json(id).await["confirmation"]["assignedAgent"], leaver);
    }

    let response =
        w.admin.patch(w.app.url(&format!("/api/users/{leaver}"))).json(&json!({"active": false})).send().await.unwrap();
    assert_eq!(response.status(), 200);
    for id in [untouched, started, callback] {
        let o = w.order_json(id).await;
        assert!(o["confirmation"]["assignedAgent"].is_null(), "{id}: {o}");
        assert_eq!(o["confirmation"]["routing"]["cause"], "deactivated");
    }
    // the callback stays due at its time, for anyone now
    let (scope, at): (Option<String>, Option<time::OffsetDateTime>) =
        sqlx::query_as("SELECT callback_scope, next_contact_at FROM orders WHERE id = $1")
            .bind(callback)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!((scope.as_deref(), at), (Some("anyone"), Some(call_back_at)));
    let (audits, presence): (i64, String) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM audit_log WHERE action = 'order.returned' AND entity_id = ANY($1)
                   AND after->>'cause' = 'deactivated' AND (after->>'fromAgentId')::int8 = $2),
                (SELECT state FROM agent_presence WHERE user_id = $2)",
    )
    .bind(vec![untouched, started, callback])
    .bind(leaver)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!((audits, presence.as_str()), (3, "offline"));

    // the same when an agent becomes a supervisor
    let (promoted, _) = w.agent("b@test.dz", arabic()).await;
    let order = w.order("R-4", "0555 44 44 44", "ar-DZ", 16).await;
    w.auto_assign().await;
    assert_eq!(w.order_json(order).await["confirmation"]["assignedAgent"], promoted);
    let response = w
        .admin
        .patch(w.app.url(&format!("/api/users/{promoted}")))
        .json(&json!({"role": "supervisor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let o = w.order_json(order).await;
    assert!(o["confirmation"]["assignedAgent"].is_null(), "{o}");
    assert_eq!(o["confirmation"]["routing"]["cause"], "role_changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_that_changes_nothing_rewrites_no_waiting_order(pool: PgPool) {
    let w = world(pool).await;
    let ids = [
        w.order("R-1", "0555 11 11 11", "ar-DZ", 16).await,
        w.order("R-2", "0555 22 22 22", "fr", 31).await,
        w.order("R-3", "0555 33 33 33", "ar", 9).await,
    ];
    // nobody to take them: each gets its reason
    let report = w.auto_assign().await;
    assert_eq!(report["unassigned"], 3, "{report}");
    let versions = |pool: PgPool| async move {
        let rows: Vec<(String, time::OffsetDateTime)> =
            sqlx::query_as("SELECT xmin::text, routed_at FROM orders WHERE id = ANY($1) ORDER BY id")
                .bind(ids.to_vec())
                .fetch_all(&pool)
                .await
                .unwrap();
        rows
    };
    let before = versions(w.app.pool.clone()).await;
    for id in ids {
        assert_eq!(w.order_json(id).await["confirmation"]["routing"]["kind"], "unassigned");
    }
    // the same again: the same reasons, no new row version, "since when" kept
    let report = w.auto_assign().await;
    assert_eq!(report["unassigned"], 3);
    assert_eq!(versions(w.app.pool.clone()).await, before);
    // a reason that changes is written
    let (_agent, _) =
        w.agent("a@test.dz", agent_profile(json!([{"language": "fr", "proficiency": 5}]), json!([]))).await;
    w.auto_assign().await;
    let after = versions(w.app.pool.clone()).await;
    assert_ne!(after, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_profile_or_settings_saved_from_an_old_version_is_a_conflict_not_an_overwrite(pool: PgPool) {
    let w = world(pool).await;
    let (id, _) = w.agent("a@test.dz", agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([]))).await;
    let url = w.app.url(&format!("/api/customer-service/agents/{id}"));
    let read = get_json(&w.supervisor, &url).await;
    let version = read["version"].as_i64().unwrap();
    let edit = |max: i64, version: i64| {
        let mut body = agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([]));
        body["preferences"]["maxOpenOrders"] = json!(max);
        body["version"] = json!(version);
        body
    };
    // two supervisors opened the same profile; the first saves
    let first = w.supervisor.put(&url).json(&edit(50, version)).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let saved: Value = first.json().await.unwrap();
    assert_eq!(saved["version"].as_i64(), Some(version + 1));
    // the second saves from what they read: refused, the first one's change stands
    let second = w.supervisor.put(&url).json(&edit(7, version)).send().await.unwrap();
    assert_eq!(error_code(second).await, "conflict");
    assert_eq!(get_json(&w.supervisor, &url).await["preferences"]["maxOpenOrders"], 50);
    // from the new version it goes through
    assert_eq!(w.supervisor.put(&url).json(&edit(7, version + 1)).send().await.unwrap().status(), 200);
    // the audit keeps what each save replaced
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE action = 'agent.profile' AND entity_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(
        (before["preferences"]["maxOpenOrders"].as_i64(), before["version"].as_i64()),
        (Some(50), Some(version + 1))
    );
    assert_eq!(after["preferences"]["maxOpenOrders"], 7);

    let url = w.app.url("/api/customer-service/routing/settings");
    let mut settings = get_json(&w.admin, &url).await;
    let version = settings["version"].as_i64().unwrap();
    settings["inactivityMinutes"] = json!(20);
    let response = w.admin.put(&url).json(&settings).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["version"].as_i64(), Some(version + 1));
    settings["inactivityMinutes"] = json!(30);
    assert_eq!(error_code(w.admin.put(&url).json(&settings).send().await.unwrap()).await, "conflict");
    assert_eq!(get_json(&w.admin, &url).await["inactivityMinutes"], 20);
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_decide_who_routes_edits_and_reads_figures(pool: PgPool) {
    let w = world(pool).await;
    let (agent_id, agent) =
        w.agent("a@test.dz", agent_profile(json!([{"language": "fr", "proficiency": 3}]), json!([]))).await;
    let (other_id, _) =
        w.agent("b@test.dz", agent_profile(json!([{"language": "fr", "proficiency": 3}]), json!([]))).await;
    let url = |p: &str| w.app.url(p);
    assert_eq!(agent.post(url("/api/customer-service/orders/auto-assign")).send().await.unwrap().status(), 403);
    assert_eq!(agent.get(url("/api/customer-service/agents/performance")).send().await.unwrap().status(), 403);
    assert_eq!(agent.get(url(&format!("/api/customer-service/agents/{agent_id}"))).send().await.unwrap().status(), 200);
    assert_eq!(agent.get(url(&format!("/api/customer-service/agents/{other_id}"))).send().await.unwrap().status(), 403);
    let other_presence = agent
        .put(url(&format!("/api/customer-service/agents/{other_id}/presence")))
        .json(&json!({"state": "offline"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other_presence.status(), 403);
    let edit = agent
        .put(url(&format!("/api/customer-service/agents/{agent_id}")))
        .json(&agent_profile(json!([]), json!([])))
        .send();
    assert_eq!(edit.await.unwrap().status(), 403);
    assert_eq!(w.supervisor.get(url("/api/customer-service/jobs")).send().await.unwrap().status(), 403);
    assert_eq!(w.admin.get(url("/api/customer-service/jobs")).send().await.unwrap().status(), 200);

    // bad input is named
    let bad = w
        .supervisor
        .put(url(&format!("/api/customer-service/agents/{agent_id}")))
        .json(&agent_profile(json!([{"language": "fr", "proficiency": 9}]), json!([])))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["code"], "proficiency_invalid");
    assert_eq!(body["field"], "preferences.languages[0].proficiency");
    let mut overlap = agent_profile(json!([{"language": "fr", "proficiency": 3}]), json!([]));
    overlap["preferences"]["workingHours"] = json!([{"weekday": 1, "startMinute": 480, "endMinute": 720}, {"weekday": 1, "startMinute": 600, "endMinute": 900}]);
    let response = w.supervisor.put(url(&format!("/api/customer-service/agents/{agent_id}"))).json(&overlap).send();
    assert_eq!(error_code(response.await.unwrap()).await, "shift_overlap");
    let response = w
        .supervisor
        .get(url("/api/customer-service/agents/performance?from=2026-11-30T00:00:00Z&to=2026-11-01T00:00:00Z"))
        .send();
    assert_eq!(error_code(response.await.unwrap()).await, "period_invalid");
    let response = w.admin.post(url("/api/customer-service/jobs/nope/run")).send();
    assert_eq!(error_code(response.await.unwrap()).await, "job_unknown");
}

#[sqlx::test(migrations = "../migrations")]
async fn performance_counts_attempts_confirmations_and_response_times(pool: PgPool) {
    let w = world(pool).await;
    let (agent_id, agent) =
        w.agent("a@test.dz", agent_profile(json!([{"language": "ar-DZ", "proficiency": 5}]), json!([]))).await;
    let one = w.order("R-1", "0555 11 11 11", "ar-DZ", 16).await;
    let two = w.order("R-2", "0555 22 22 22", "ar-DZ", 16).await;
    w.auto_assign().await;
    for (order, result) in [(one, "confirmed"), (two, "no_answer_1")] {
        let version = w.order_json(order).await["version"].as_i64().unwrap();
        let response = agent
            .post(w.app.url(&format!("/api/customer-service/orders/{order}/confirm-attempt")))
            .json(&json!({"method": "phone", "result": result, "duration": 40, "version": version}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    let rows: Value = get_json(&w.supervisor, w.app.url("/api/customer-service/agents/performance")).await;
    let row = rows.as_array().unwrap().iter().find(|r| r["agentId"] == agent_id).unwrap();
    assert_eq!(row["ordersAssigned"], 2);
    assert_eq!(row["attempts"], 2);
    assert_eq!(row["confirmations"], 1);
    assert_eq!(row["finalOutcomes"], 1);
    assert_eq!(row["successRate"], 1.0);
    assert_eq!(row["avgAttemptDuration"], 40.0);
    assert_eq!(row["rank"], 1);
    assert!(row["avgResponseFromAssignment"].as_f64().unwrap() >= 0.0);
    assert!(row["availableSeconds"].as_i64().unwrap() >= 0);
    let attempts: Value =
        get_json(&w.supervisor, w.app.url(&format!("/api/customer-service/agents/{agent_id}/attempts"))).await;
    assert_eq!(attempts.as_array().unwrap().len(), 2);
    // the brief's agentInfo.performance
    let me: Value = get_json(&agent, w.app.url(&format!("/api/customer-service/agents/{agent_id}"))).await;
    assert_eq!(me["performance"]["totalConfirmations"], 1);
    assert_eq!(me["performance"]["successRate"], 1.0);
}

async fn runs(pool: &PgPool, job: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT trigger, outcome FROM job_runs WHERE job = $1 ORDER BY id")
        .bind(job)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_job_runner_fires_at_algerian_times(pool: PgPool) {
    // Wednesday 25 November 2026, 10:00 in Algiers (09:00 UTC)
    let jobs = registry(&Default::default());
    jobs.register_rows(&pool, datetime!(2026-11-25 09:00 UTC)).await.unwrap();
    let ran = |outcomes: Vec<RunOutcome>| outcomes.into_iter().map(|r| r.job).collect::<Vec<_>>();

    // 10:05: only the every-minute jobs are due (the presence sweep, the message sender)
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-25 09:05 UTC), "a").await.unwrap());
    assert_eq!(done, vec!["presence_sweep", "message_sender"]);
    // 10:15: auto-assign's quarter hour and the dashboard's fold (every 10 minutes); 11:00: the
    // hourly duplicate scan
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-25 09:15 UTC), "a").await.unwrap());
    assert_eq!(done, vec!["auto_assign", "presence_sweep", "dashboard_fold", "message_sender"]);
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-25 10:00 UTC), "a").await.unwrap());
    assert!(done.contains(&"duplicate_scan") && done.contains(&"auto_assign"));
    assert_eq!(runs(&pool, "duplicate_scan").await, vec![("schedule".into(), "succeeded".into())]);

    // 20:30 Wednesday: after business hours auto-assign waits for Thursday 08:00
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-25 19:30 UTC), "a").await.unwrap());
    assert!(done.contains(&"auto_assign"), "the 11:00 slot was missed, so it runs once now");
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-25 19:45 UTC), "a").await.unwrap());
    assert!(!done.contains(&"auto_assign"));
    // classification at 02:00 Algiers = 01:00 UTC on Thursday
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-26 00:59 UTC), "a").await.unwrap());
    assert!(!done.contains(&"classification"));
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-26 01:00 UTC), "a").await.unwrap());
    assert!(done.contains(&"classification"));
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-26 07:00 UTC), "a").await.unwrap());
    assert!(done.contains(&"auto_assign"), "Thursday 08:00 Algiers");
    // Friday 10:00 Algiers is the weekend: no auto-assign until Sunday 08:00
    jobs.run_due(&pool, datetime!(2026-11-26 19:00 UTC), "a").await.unwrap();
    let done = ran(jobs.run_due(&pool, datetime!(2026-11-27 09:00 UTC), "a").await.unwrap());
    assert!(!done.contains(&"auto_assign"));
    let next: time::OffsetDateTime =
        sqlx::query_scalar("SELECT next_run_at FROM scheduled_jobs WHERE name = 'auto_assign'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(next, datetime!(2026-11-29 07:00 UTC));
}

#[sqlx::test(migrations = "../migrations")]
async fn two_instances_never_run_a_job_twice_at_once(pool: PgPool) {
    let jobs = registry(&Default::default());
    jobs.register_rows(&pool, datetime!(2026-11-25 09:00 UTC)).await.unwrap();
    let at = datetime!(2026-11-25 09:15 UTC);
    let (a, b) = tokio::join!(jobs.run_due(&pool, at, "instance-a"), jobs.run_due(&pool, at, "instance-b"));
    let mut all: Vec<&str> = a.unwrap().into_iter().chain(b.unwrap()).map(|r| r.job).collect();
    all.sort();
    assert_eq!(
        all,
        vec!["auto_assign", "dashboard_fold", "message_sender", "presence_sweep"],
        "each due job ran exactly once"
    );
    // a manual run of a job that is not due works, and is recorded as manual
    let manual = jobs.run_now(&pool, "duplicate_scan", at, "instance-a", Trigger::Manual).await.unwrap();
    assert!(manual.is_some());
    assert_eq!(runs(&pool, "duplicate_scan").await, vec![("manual".into(), "succeeded".into())]);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_order_cannot_name_an_agent_who_does_not_exist(pool: PgPool) {
    let w = world(pool).await;
    let order = w.order("R-1", "0555 11 11 11", "fr", 16).await;
    let error = sqlx::query("UPDATE orders SET assigned_agent_id = 999999 WHERE id = $1")
        .bind(order)
        .execute(&w.app.pool)
        .await
        .unwrap_err();
    let db = error.as_database_error().unwrap();
    assert_eq!(db.constraint(), Some("orders_agent_fkey"));
}

#[sqlx::test(migrations = "../migrations")]
async fn at_the_end_of_a_shift_unstarted_orders_go_back_to_the_pool(pool: PgPool) {
    let w = world(pool).await;
    let mut monday_morning = agent_profile(json!([{"language": "fr", "proficiency": 4}]), json!([]));
    // Monday 08:00–12:00 in Algiers only
    monday_morning["preferences"]["workingHours"] = json!([{"weekday": 1, "startMinute": 480, "endMinute": 720}]);
    let (agent_id, _) = w.agent("a@test.dz", monday_morning).await;
    let order = w.order("R-1", "0555 11 11 11", "fr", 16).await;
    w.app.assign(&w.supervisor, order, agent_id).await;
    let sweep = |at| app::agents::service::sweep_presence(&w.app.pool, at);

    // Monday 23 November 2026, 11:30 in Algiers: on shift, nothing moves
    assert_eq!(sweep(datetime!(2026-11-23 10:30 UTC)).await.unwrap().orders_returned, 0);
    // 12:01: the shift has just ended, the order goes back with its reason
    let report = sweep(datetime!(2026-11-23 11:01 UTC)).await.unwrap();
    assert_eq!(report.shift_ended, vec![agent_id]);
    let o = w.order_json(order).await;
    assert!(o["confirmation"]["assignedAgent"].is_null());
    assert_eq!(o["confirmation"]["routing"]["cause"], "shift_ended");
    // handed back by a supervisor in the afternoon (off shift on purpose): it stays
    w.app.assign(&w.supervisor, order, agent_id).await;
    assert_eq!(sweep(datetime!(2026-11-23 14:00 UTC)).await.unwrap().orders_returned, 0);
    assert_eq!(w.order_json(order).await["confirmation"]["assignedAgent"], agent_id);
}
