//! An agent's own profile, read-only: what routing knows about them.

use leptos::prelude::*;
use leptos_meta::Title;

use super::text::*;
use crate::agents::api::get_my_profile;
use crate::agents::domain::format_day_shifts;
use crate::components::Loaded;
use crate::i18n::*;
use crate::locale::format::percent;

/// The signed-in agent's own profile: what routing knows about them (read-only; supervisors edit it).
#[component]
pub fn MyProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(|| (), |_| get_my_profile());
    view! {
        <Title text=move || t_string!(i18n, agents.my_profile).to_string()/>
        <h1>{t!(i18n, agents.my_profile)}</h1>
        <Loaded load=move || async move { profile.await } let:p>
            {
                let languages = p.preferences.languages.clone();
                let shifts = p.preferences.shifts.clone();
                let wilayas = p.preferences.wilayas.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
                let days_off = p.preferences.days_off.iter().map(|d| d.day.to_string()).collect::<Vec<_>>().join(", ");
                let presence = p.presence;
                view! {
                    <section class="card" data-testid="my-profile">
                        <dl class="facts">
                            <dt>{t!(i18n, agents.presence)}</dt>
                            <dd>{move || presence_text(i18n, presence)}</dd>
                            <dt>{t!(i18n, agents.languages)}</dt>
                            <dd>{move || skills_text(i18n, &languages)}</dd>
                            <dt>{t!(i18n, agents.wilayas)}</dt>
                            <dd>{if wilayas.is_empty() { view! { {t!(i18n, agents.all_wilayas)} }.into_any() } else { wilayas.into_any() }}</dd>
                            <dt>{t!(i18n, agents.max_open)}</dt>
                            <dd>{format!("{} / {}", p.open_orders, p.preferences.max_open_orders)}</dd>
                            <dt>{t!(i18n, agents.max_per_day)}</dt>
                            <dd>{format!("{} / {}", p.assigned_today, p.preferences.max_orders_per_day)}</dd>
                            <dt>{t!(i18n, agents.days_off)}</dt>
                            <dd>{days_off}</dd>
                            <dt>{t!(i18n, agents.success_rate)}</dt>
                            <dd>{percent(Some(p.performance.success_rate))} " · " {format!("{:.1}/5", p.performance.rating)}</dd>
                        </dl>
                        <h2>{t!(i18n, agents.shifts)}</h2>
                        <ul>
                            {[7_u8, 1, 2, 3, 4, 5, 6].into_iter().map(|day| {
                                let text = format_day_shifts(&shifts, day);
                                view! { <li>{move || weekday_text(i18n, day)} " : " {if text.is_empty() { "—".to_string() } else { text.clone() }}</li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            }
        </Loaded>
    }
}
