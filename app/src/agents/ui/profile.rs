//! Editing an agent's routing profile (supervisors): languages, wilayas, shifts, days off, limits.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::text::*;
use crate::agents::api::{get_agent_profiles, SaveAgentProfile};
use crate::agents::domain::{format_day_shifts, parse_day_shifts, parse_days_off, parse_wilaya_list};
use crate::agents::{AgentProfile, Language, LanguageSkill, Preferences, ProfileInput};
use crate::auth::Role;
use crate::components::{action_error, ErrorAlert, Field, Loaded, RoleGate};
use crate::error::AppError;
use crate::i18n::*;

/// The profile form's fields, as typed.
#[derive(Clone, Default)]
struct Draft {
    confirmation_agent: bool,
    levels: [u8; 3],
    wilayas: String,
    days: [String; 7],
    days_off: String,
    max_per_day: String,
    max_open: String,
    version: i32,
}

const LANGUAGES: [Language; 3] = [Language::ArDz, Language::Ar, Language::Fr];

impl Draft {
    fn from_profile(profile: &AgentProfile) -> Self {
        let p = &profile.preferences;
        let level = |l: Language| p.languages.iter().find(|s| s.language == l).map_or(0, |s| s.proficiency);
        Self {
            confirmation_agent: profile.is_confirmation_agent,
            levels: LANGUAGES.map(level),
            wilayas: p.wilayas.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", "),
            days: std::array::from_fn(|i| format_day_shifts(&p.shifts, u8::try_from(i + 1).unwrap_or(1))),
            days_off: p.days_off.iter().map(|d| d.day.to_string()).collect::<Vec<_>>().join(", "),
            max_per_day: p.max_orders_per_day.to_string(),
            max_open: p.max_open_orders.to_string(),
            version: profile.version,
        }
    }

    fn to_input(&self) -> Result<ProfileInput, AppError> {
        let mut shifts = Vec::new();
        for (i, text) in self.days.iter().enumerate() {
            shifts.extend(parse_day_shifts(u8::try_from(i + 1).unwrap_or(1), text)?);
        }
        let number = |text: &str, field: &str| {
            text.trim().parse::<i32>().map_err(|_| AppError::field(crate::error::ErrorCode::LimitInvalid, field))
        };
        Ok(ProfileInput {
            is_confirmation_agent: self.confirmation_agent,
            preferences: Preferences {
                languages: LANGUAGES
                    .iter()
                    .zip(self.levels)
                    .filter(|(_, level)| *level > 0)
                    .map(|(language, proficiency)| LanguageSkill { language: *language, proficiency })
                    .collect(),
                wilayas: parse_wilaya_list(&self.wilayas)?,
                shifts,
                days_off: parse_days_off(&self.days_off)?,
                max_orders_per_day: number(&self.max_per_day, "preferences.maxOrdersPerDay")?,
                max_open_orders: number(&self.max_open, "preferences.maxOpenOrders")?,
            },
            version: Some(self.version),
        })
    }
}

#[component]
pub fn AgentEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0);
    let agents = Resource::new(|| (), |_| get_agent_profiles());
    view! {
        <Title text=move || t_string!(i18n, agents.edit_title).to_string()/>
        <p><A href="/agents">{t!(i18n, agents.back)}</A></p>
        <RoleGate role=Role::Supervisor>
            <Loaded load=move || async move { agents.await.map(|list| list.into_iter().find(|a| a.user_id == id())) } let:value>
                {match value {
                    None => view! { <ErrorAlert error=Signal::stored(Some(AppError::new(crate::error::ErrorCode::NotFound)))/> }.into_any(),
                    Some(profile) => view! { <ProfileForm profile=profile/> }.into_any(),
                }}
            </Loaded>
        </RoleGate>
    }
}

#[component]
fn ProfileForm(profile: AgentProfile) -> impl IntoView {
    let i18n = use_i18n();
    let agent_id = profile.user_id;
    let draft = RwSignal::new(Draft::from_profile(&profile));
    let local_error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveAgentProfile>::new();
    let server_error = action_error(save);
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    let saved = move || save.value().with(|v| matches!(v, Some(Ok(_)))) && local_error.with(Option::is_none);
    // the next save is made from the version this one produced
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            draft.update(|d| d.version = saved.version);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.with(Draft::to_input) {
            Ok(input) => {
                local_error.set(None);
                save.dispatch(SaveAgentProfile { agent_id, profile: input });
            }
            Err(e) => local_error.set(Some(e)),
        }
    };
    let text_field = move |get: fn(&Draft) -> &String, set: fn(&mut Draft, String)| {
        (
            move || draft.with(|d| get(d).clone()),
            move |ev: leptos::ev::Event| draft.update(|d| set(d, event_target_value(&ev))),
        )
    };
    let (wilayas, on_wilayas) = text_field(|d| &d.wilayas, |d, v| d.wilayas = v);
    let (days_off, on_days_off) = text_field(|d| &d.days_off, |d, v| d.days_off = v);
    let (per_day, on_per_day) = text_field(|d| &d.max_per_day, |d, v| d.max_per_day = v);
    let (open, on_open) = text_field(|d| &d.max_open, |d, v| d.max_open = v);
    view! {
        <h1>{profile.name.clone()}</h1>
        <p class="muted">{profile.email.clone()}</p>
        <form class="card profile" on:submit=submit>
            <ErrorAlert error=error/>
            <div class="field checkbox">
                <input id="profile-agent" type="checkbox" prop:checked=move || draft.with(|d| d.confirmation_agent)
                    on:change=move |ev| draft.update(|d| d.confirmation_agent = event_target_checked(&ev))/>
                <label for="profile-agent">{t!(i18n, agents.confirmation_agent)}</label>
            </div>
            <fieldset>
                <legend>{t!(i18n, agents.languages)}</legend>
                {LANGUAGES.iter().enumerate().map(|(i, language)| {
                    let language = *language;
                    let id = format!("profile-lang-{i}");
                    view! {
                        <Field for_id=id.clone() label=move || language_text(i18n, language) inline=true>
                            <select id=id prop:value=move || draft.with(|d| d.levels[i].to_string())
                                on:change=move |ev| draft.update(|d| d.levels[i] = event_target_value(&ev).parse().unwrap_or(0))>
                                <option value="0">{t!(i18n, agents.not_spoken)}</option>
                                {(1..=5).map(|n| view! { <option value=n.to_string()>{format!("{n}/5")}</option> }).collect_view()}
                            </select>
                        </Field>
                    }
                }).collect_view()}
            </fieldset>
            <Field for_id="profile-wilayas" label=move || t!(i18n, agents.wilayas) hint=move || t!(i18n, agents.wilayas_hint)>
                <input id="profile-wilayas" dir="ltr" inputmode="numeric" prop:value=wilayas on:input=on_wilayas/>
            </Field>
            <fieldset>
                <legend>{t!(i18n, agents.shifts)}</legend>
                <p class="hint">{t!(i18n, agents.shifts_hint)}</p>
                {[7_u8, 1, 2, 3, 4, 5, 6].into_iter().map(|weekday| {
                    let i = usize::from(weekday - 1);
                    let id = format!("profile-day-{weekday}");
                    view! {
                        <Field for_id=id.clone() label=move || weekday_text(i18n, weekday) inline=true>
                            <input id=id dir="ltr" prop:value=move || draft.with(|d| d.days[i].clone())
                                on:input=move |ev| draft.update(|d| d.days[i] = event_target_value(&ev))/>
                        </Field>
                    }
                }).collect_view()}
            </fieldset>
            <Field for_id="profile-days-off" label=move || t!(i18n, agents.days_off) hint=move || t!(i18n, agents.days_off_hint)>
                <input id="profile-days-off" dir="ltr" prop:value=days_off on:input=on_days_off/>
            </Field>
            <Field for_id="profile-per-day" label=move || t!(i18n, agents.max_per_day) inline=true>
                <input id="profile-per-day" type="number" min="1" prop:value=per_day on:input=on_per_day/>
            </Field>
            <Field for_id="profile-open" label=move || t!(i18n, agents.max_open) inline=true>
                <input id="profile-open" type="number" min="1" prop:value=open on:input=on_open/>
            </Field>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, agents.save)}</button>
            <Show when=saved>
                <p role="status" class="ok">{t!(i18n, agents.saved)}</p>
            </Show>
        </form>
    }
}
