//! Demo data for `make run` on an empty database: two supervisors and six agents with Arabic and
//! Latin names, all with the password [`DEMO_PASSWORD`], and [`DEMO_ORDERS`] orders from the
//! deterministic generator with histories of every outcome. Later features extend the seed.
pub mod demo;

use sqlx::PgPool;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use app::auth::service::{create_user, NewUserInput};
use app::auth::{CurrentUser, Role};
use app::error::{AppError, ErrorCode};
use app::orders::{service, AttemptInput};

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
pub const DEMO_ORDERS: usize = 400;
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

/// Demo orders with histories, once (when there are no orders yet). Returns how many were made.
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
            })
        })
        .collect();
    let Some(supervisor) = people.iter().find(|u| u.role == Role::Supervisor).cloned() else {
        return Ok(0);
    };
    let agents: Vec<&CurrentUser> = people.iter().filter(|u| u.role == Role::Agent).collect();
    let communes: Vec<(i16, i32)> =
        sqlx::query_as("SELECT wilaya_code, id FROM communes ORDER BY id").fetch_all(pool).await?;
    let mut rng = StdRng::seed_from_u64(DEMO_SEED);
    let mut made = 0;
    for generated in demo::generate(DEMO_SEED, DEMO_ORDERS, &communes) {
        let order = service::create_order(pool, &supervisor, &generated.order).await?;
        made += 1;
        // 40 % stay unassigned for routing; the rest go to an agent, most with some history.
        if agents.is_empty() || rng.gen_bool(0.4) {
            continue;
        }
        let agent = agents[rng.gen_range(0..agents.len())];
        service::assign(pool, &supervisor, &[order.id], Some(agent.id)).await?;
        let story: &[&str] = match rng.gen_range(0..10) {
            0..=2 => &[],
            3 => &["no_answer_1"],
            4 => &["no_answer_1", "no_answer_2", "confirmed"],
            5 => &["busy", "confirmed"],
            6 => &["confirmed"],
            7 => &["cancelled"],
            8 => &["no_answer_1", "callback"],
            _ => &["wrong_number"],
        };
        // Intake and assignment make version 2; each attempt answers the next.
        let mut version = 2;
        for result in story {
            let input = AttemptInput {
                method: if rng.gen_bool(0.85) { "phone" } else { "whatsapp" }.into(),
                result: (*result).into(),
                notes: String::new(),
                duration: rng.gen_range(15..240),
                callback_at: (*result == "callback")
                    .then(|| time::OffsetDateTime::now_utc() + time::Duration::hours(rng.gen_range(1..48))),
                callback_scope: Some(if rng.gen_bool(0.7) { "me" } else { "anyone" }.into()),
                version,
            };
            version = service::record_attempt(pool, agent, order.id, &input).await?.version;
        }
    }
    Ok(made)
}
