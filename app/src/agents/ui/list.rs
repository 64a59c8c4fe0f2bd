//! The agents list (supervisors): presence, skills, wilayas, load and results per agent.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::text::*;
use super::I18n;
use crate::agents::api::get_agent_profiles;
use crate::agents::AgentProfile;
use crate::auth::Role;
use crate::components::{Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::percent;

#[component]
pub fn AgentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let agents = Resource::new(|| (), |_| get_agent_profiles());
    view! {
        <Title text=move || t_string!(i18n, agents.title).to_string()/>
        <h1>{t!(i18n, agents.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <p><A href="/agents/rankings">{t!(i18n, nav.rankings)}</A></p>
            <Loaded load=move || async move { agents.await } let:list>
                {view! {
                    <div class="table-wrap">
                        <table data-testid="agents">
                            <thead>
                                <tr>
                                    <th>{t!(i18n, agents.name)}</th>
                                    <th>{t!(i18n, agents.presence)}</th>
                                    <th>{t!(i18n, agents.languages)}</th>
                                    <th>{t!(i18n, agents.wilayas)}</th>
                                    <th>{t!(i18n, agents.open_orders)}</th>
                                    <th>{t!(i18n, agents.today)}</th>
                                    <th>{t!(i18n, agents.success_rate)}</th>
                                    <th>{t!(i18n, agents.rating)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|a| agent_row(i18n, a)).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }}
            </Loaded>
        </RoleGate>
    }
}

fn agent_row(i18n: I18n, a: AgentProfile) -> impl IntoView {
    let presence = a.presence;
    let on_shift = a.on_shift_now;
    let languages = a.preferences.languages.clone();
    let wilayas = a.preferences.wilayas.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
    view! {
        <tr data-agent=a.user_id>
            <td><A href=format!("/agents/{}", a.user_id)>{a.name.clone()}</A></td>
            <td>
                {move || presence_text(i18n, presence)} " · "
                {move || if on_shift { t_string!(i18n, agents.on_shift).to_string() } else { t_string!(i18n, agents.off_shift).to_string() }}
            </td>
            <td>{move || skills_text(i18n, &languages)}</td>
            <td>{if wilayas.is_empty() { view! { {t!(i18n, agents.all_wilayas)} }.into_any() } else { wilayas.into_any() }}</td>
            <td>{format!("{} / {}", a.open_orders, a.preferences.max_open_orders)}</td>
            <td>{format!("{} / {}", a.assigned_today, a.preferences.max_orders_per_day)}</td>
            <td>{percent(Some(a.performance.success_rate))}</td>
            <td>{format!("{:.1}", a.performance.rating)}</td>
        </tr>
    }
}
