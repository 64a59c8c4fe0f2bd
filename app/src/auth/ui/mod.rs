//! Account pages: login, home, and user administration (admins).
mod home;
mod login;
mod password;
mod tokens;
mod users;

pub use home::HomePage;
pub use login::LoginPage;
pub use password::{AccountPage, ResetPasswordPage};
pub use tokens::TokensPage;
pub use users::UsersPage;
