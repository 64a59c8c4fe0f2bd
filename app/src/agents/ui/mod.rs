//! Agents' screens, one file per screen: the agents list and profile editor (supervisors), the
//! presence switch in the header (agents), the auto-assign button and its report (orders board),
//! the rankings with drill-down, an agent's own profile, and the routing settings form (admins,
//! shown on the jobs page). Reasons and names are translated in `text`.
mod auto_assign;
mod list;
mod my_profile;
mod presence;
mod profile;
mod rankings;
mod routing_settings;
mod text;

use leptos_i18n::I18nContext;

use crate::i18n::Locale;

pub use auto_assign::AutoAssignPanel;
pub use list::AgentsPage;
pub use my_profile::MyProfilePage;
pub use presence::PresenceSwitch;
pub use profile::AgentEditPage;
pub use rankings::RankingsPage;
pub use routing_settings::RoutingSettingsForm;
pub use text::{language_text, presence_text, routing_note_text};

type I18n = I18nContext<Locale>;
