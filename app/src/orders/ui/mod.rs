//! The orders screens: the agent's queue, the order panel (shared with supervisors) and the
//! supervisors' board; the small translated helpers they share.
mod panel;
mod queue;
mod supervisor;

use super::Priority;
use crate::i18n::*;

pub use panel::OrderPanel;
pub use queue::QueuePage;
pub use supervisor::{OrderPage, OrdersPage};

/// The translated name of a priority.
pub fn priority_text(i18n: leptos_i18n::I18nContext<Locale>, priority: Priority) -> String {
    match priority {
        Priority::Low => t_string!(i18n, queue.priority_low).to_string(),
        Priority::Normal => t_string!(i18n, queue.priority_normal).to_string(),
        Priority::High => t_string!(i18n, queue.priority_high).to_string(),
        Priority::Urgent => t_string!(i18n, queue.priority_urgent).to_string(),
    }
}

/// Whether a key press came from a text field (where letters are typing, not shortcuts).
pub(crate) fn typing_in_field(event: &leptos::web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select"))
        .unwrap_or(false)
}
