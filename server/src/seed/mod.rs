//! Demo data for `make run` on an empty database: two supervisors and six agents with Arabic and
//! Latin names, all with the password [`DEMO_PASSWORD`], and [`DEMO_ORDERS`] orders from the
//! deterministic generator with histories of every outcome. Later features extend the seed.
pub mod demo;
pub mod history;

use sqlx::PgPool;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use app::auth::service::{create_user, NewUserInput};
use app::auth::{CurrentUser, Role};
use app::duplicates::Decision;
use app::error::{AppError, ErrorCode};
use app::orders::{service, AttemptInput};
use time::{Duration, OffsetDateTime};

pub const DEMO_PASSWORD: &str = "demo-password";

const DEMO_USERS: [(&str, &str, &str, &str); 8] = [
    ("amina.belkacem@demo.ecomanager.dz", "Amina Belkacem", "supervisor", "fr"),
    ("yacine.benali@demo.ecomanager.dz", "ياسين بن علي", "supervisor", "ar"),
    ("karim.haddad@demo.ecomanager.dz", "Karim Haddad", "agent", "fr"),
    ("fatima.merabet@demo.ecomanager.dz", "فاطمة الزهراء مرابط", "agent", "ar"),
    ("sofiane.meziane@demo.ecomanager.dz", "Sofiane Meziane", "agent", "ar-DZ"),
    ("nour.bouzid@demo.ecomanager.dz", "نور الهدى بوزيد", "agent", "ar-DZ"),
    ("lina.cherif@demo.ecomanager.dz", "Lina Cherif", "agent", "fr"),
    ("abdelkader.saidi@demo.ecomanager.dz", "عبد القادر سعيدي", "agent", "ar"),
];

/// How many orders the demo starts with, and the generator seed.
pub const DEMO_ORDERS: usize = 800;
const DEMO_SEED: u64 = 2026;

/// Creates the demo users that do not exist yet.
pub async fn seed_demo(pool: &PgPool) -> Result<usize, AppError> {
    let mut created = 0;
    for (email, name, role, locale) in DEMO_USERS {
        let input = NewUserInput {
            email: email.into(),
            name: name.into(),
            role: role.into(),
            locale: Some(locale.into()),
            password: DEMO_PASSWORD.into(),
        };
        match create_user(pool, None, input).await {
            Ok(_) => created += 1,
            Err(e) if e.code == ErrorCode::EmailTaken => {}
            Err(e) => return Err(e),
        }
    }
    if created > 0 {
        seed_profiles(pool).await?;
    }
    Ok(created)
}

/// Demo agents as a real team looks: every agent has the default profile (Darija and Arabic, the
/// Sunday–Thursday week); those whose screen is in French also speak French, and Karim Haddad
/// covers the Algiers region only (16, 9, 35, 42), so routing has choices to explain.
async fn seed_profiles(pool: &PgPool) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO agent_languages (user_id, language, proficiency)
         SELECT id, 'fr', 5 FROM users WHERE role = 'agent' AND locale = 'fr' AND email LIKE '%@demo.ecomanager.dz'
         ON CONFLICT (user_id, language) DO NOTHING",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "UPDATE agent_profiles SET wilayas = '{16,9,35,42}' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
    )
    .bind("karim.haddad@demo.ecomanager.dz")
    .execute(pool)
    .await?;
    Ok(())
}

/// Demo orders with histories, once (when there are no orders yet): a shop's last
/// [`history::DAYS`] days, orders arriving through the day, called in business hours minutes to
/// hours later, with realistic call lengths, callbacks the next day, a few real duplicates
/// (mostly reviewed, some waiting), the agents' presence, and today's work still open. Returns
/// how many orders were made.
pub async fn seed_orders(pool: &PgPool) -> Result<usize, AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM orders").fetch_one(pool).await?;
    if existing > 0 {
        return Ok(0);
    }
    let users: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, email, name, role, locale FROM users WHERE active AND email LIKE '%@demo.ecomanager.dz' ORDER BY id")
            .fetch_all(pool)
            .await?;
    let people: Vec<CurrentUser> = users
        .into_iter()
        .filter_map(|(id, email, name, role, locale)| {
            Some(CurrentUser {
                id,
                email,
                name,
                role: Role::parse(&role).ok()?,
                locale: app::locale::UiLocale::parse(&locale).ok()?,
                scopes: None,
            })
        })
        .collect();
    let Some(supervisor) = people.iter().find(|u| u.role == Role::Supervisor).cloned() else {
        return Ok(0);
    };
    let agents: Vec<&CurrentUser> = people.iter().filter(|u| u.role == Role::Agent).collect();
    let communes: Vec<(i16, i32)> =
        sqlx::query_as("SELECT wilaya_code, id FROM communes ORDER BY id").fetch_all(pool).await?;
    let hours = app::jobs::domain::BusinessHours::default();
    let now = OffsetDateTime::now_utc();
    let mut rng = StdRng::seed_from_u64(DEMO_SEED);
    let generated = demo::generate(DEMO_SEED, DEMO_ORDERS, &communes);
    let arrivals = history::arrivals(&generated, now, &mut rng);
    let mut ids: Vec<Option<i64>> = vec![None; generated.len()];
    for &index in &arrivals.order {
        let at = arrivals.at[index];
        let order = service::create_order(pool, &supervisor, &generated[index].order).await?;
        ids[index] = Some(order.id);
        backdate_intake(pool, order.id, order.customer_id, at).await?;
        // the check at intake ran as of today: run it again as of the order's own time
        let mut tx = pool.begin().await?;
        app::duplicates::service::check_order(&mut tx, order.id, "intake").await?;
        tx.commit().await?;
        if agents.is_empty() {
            continue;
        }
        let age = now - at;
        // today's newest orders wait for routing; everything older was handled
        if age < Duration::hours(3) && rng.gen_bool(0.6) {
            continue;
        }
        let held: bool =
            sqlx::query_scalar("SELECT is_duplicate FROM orders WHERE id = $1").bind(order.id).fetch_one(pool).await?;
        if held {
            // a supervisor reviewed the older pairs; the last days' wait in the review queue
            if age > Duration::days(2) {
                review(pool, &supervisor, order.id, at, &mut rng).await?;
            }
            continue;
        }
        let agent = agents[rng.gen_range(0..agents.len())];
        let first_call = history::first_call(at, &hours, &mut rng);
        service::assign(pool, &supervisor, &[order.id], Some(agent.id)).await?;
        sqlx::query("UPDATE orders SET assigned_at = $2 WHERE id = $1")
            .bind(order.id)
            .bind(history::before(at + Duration::minutes(rng.gen_range(1..10)), first_call))
            .execute(pool)
            .await?;
        let duplicate = generated[index].duplicate_of.is_some();
        let story = history::story(&mut rng, duplicate);
        let mut version = 2;
        let mut when = first_call;
        let mut confirmed_at = None;
        for (step, result) in story.iter().enumerate() {
            if when >= now {
                break;
            }
            let callback = matches!(*result, "callback" | "postponed");
            let callback_at = callback.then(|| history::next_day_call(when, &hours, &mut rng));
            let input = AttemptInput {
                method: if rng.gen_bool(0.9) { "phone" } else { "whatsapp" }.into(),
                result: (*result).into(),
                notes: String::new(),
                duration: history::call_seconds(result, &mut rng),
                callback_at,
                callback_scope: Some(if rng.gen_bool(0.7) { "me" } else { "anyone" }.into()),
                version,
            };
            match service::record_attempt_at(pool, agent, order.id, &input, when).await {
                Ok(view) => {
                    version = view.version;
                    if *result == "confirmed" {
                        confirmed_at = Some(when);
                    }
                }
                // a step the configured graph refuses ends the story here
                Err(e) if matches!(e.code, ErrorCode::TransitionNotAllowed | ErrorCode::OrderClosed) => break,
                Err(e) => return Err(e),
            }
            when = match callback_at {
                Some(at) => at + Duration::minutes(rng.gen_range(0..20)),
                None => history::retry(when, result, step, &hours, &mut rng),
            };
        }
        if let Some(confirmed) = confirmed_at {
            deliver(pool, &supervisor, &order.number, confirmed, now, &mut rng).await?;
        }
    }
    history::presence(pool, &agents.iter().map(|a| a.id).collect::<Vec<_>>(), now, &hours, &mut rng).await?;
    Ok(ids.iter().flatten().count())
}

/// What the courier said of a confirmed order, one to four days later (if that is past): most are
/// delivered, some come back (a few as fake orders), some are refused at the door.
async fn deliver(
    pool: &PgPool,
    supervisor: &CurrentUser,
    number: &str,
    confirmed: OffsetDateTime,
    now: OffsetDateTime,
    rng: &mut StdRng,
) -> Result<(), AppError> {
    let at = confirmed + Duration::hours(rng.gen_range(20..96));
    if at >= now {
        return Ok(());
    }
    let (outcome, reason) = match rng.gen_range(0..100) {
        0..=81 => ("delivered", None),
        82..=85 => ("returned", Some("customer_absent")),
        86..=87 => ("returned", Some("changed_mind")),
        88 => ("returned", Some("wrong_address")),
        89..=90 => ("returned", Some("fake_order")),
        91..=96 => ("refused", Some("customer_refused")),
        _ => ("refused", Some("fake_order")),
    };
    let input = app::deliveries::DeliveryInput {
        event_id: format!("demo-{number}"),
        outcome: outcome.into(),
        reason: reason.map(Into::into),
        at: Some(at),
        note: String::new(),
    };
    app::deliveries::service::record(pool, supervisor, number, &input, "demo").await?;
    Ok(())
}

/// Moves an order just taken in to its arrival time (and its customer's first order, and the
/// message its arrival queued).
async fn backdate_intake(pool: &PgPool, order_id: i64, customer_id: i64, at: OffsetDateTime) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE orders SET created_at = $2, updated_at = $2, waiting_since = $2 WHERE id = $1")
        .bind(order_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE customers SET created_at = $2 WHERE id = $1 AND created_at > $2")
        .bind(customer_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE messages SET created_at = $2 WHERE order_id = $1")
        .bind(order_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A supervisor's decision on an old held order: mostly a real duplicate, sometimes not.
async fn review(
    pool: &PgPool,
    supervisor: &CurrentUser,
    order_id: i64,
    at: OffsetDateTime,
    rng: &mut StdRng,
) -> Result<(), AppError> {
    let pair: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM duplicate_pairs WHERE order_id = $1 AND state = 'open' ORDER BY score DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(pool)
    .await?;
    let Some(pair) = pair else { return Ok(()) };
    let decision = if rng.gen_bool(0.85) { Decision::Duplicate } else { Decision::NotDuplicate };
    app::duplicates::service::decide(pool, supervisor, pair, decision).await?;
    let decided = at + Duration::minutes(rng.gen_range(20..240));
    sqlx::query("UPDATE duplicate_pairs SET decided_at = $2, updated_at = $2 WHERE id = $1")
        .bind(pair)
        .bind(decided)
        .execute(pool)
        .await?;
    sqlx::query("UPDATE orders SET closed_at = $2, updated_at = $2 WHERE id = $1 AND closed_at IS NOT NULL")
        .bind(order_id)
        .bind(decided)
        .execute(pool)
        .await?;
    Ok(())
}
