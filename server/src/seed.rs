//! Demo data for `make run` on an empty database: two supervisors and six agents with Arabic and
//! Latin names, all with the password [`DEMO_PASSWORD`]. Later features extend the seed.
use sqlx::PgPool;

use app::auth::service::{create_user, NewUserInput};
use app::error::{AppError, ErrorCode};

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
    Ok(created)
}
