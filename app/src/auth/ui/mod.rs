//! Account pages: login, home, and user administration (admins).
mod home;
mod login;
mod users;

pub use home::HomePage;
pub use login::LoginPage;
pub use users::UsersPage;
