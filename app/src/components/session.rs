//! The session on screen: the logged-in user, loaded once per page load by the app and read by
//! the layout and the pages.
use leptos::prelude::*;

use crate::auth::CurrentUser;
use crate::error::AppError;

/// The logged-in user, loaded once per page load and read by the layout and the pages.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// The current user once loaded (inside the logged-in layout it always is).
pub fn use_current_user() -> Signal<Option<CurrentUser>> {
    let me = use_context::<Me>();
    Signal::derive(move || me.and_then(|Me(r)| r.get()).and_then(Result::ok).flatten())
}
