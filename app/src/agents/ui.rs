//! Agents' screens: the agents list and profile editor (supervisors), the presence switch in the
//! header (agents), the auto-assign button and its report (orders page), the rankings with
//! drill-down, and the routing settings form (admins, shown on the jobs page). Reasons and names are translated here.
use std::time::Duration;

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    get_agent_attempts, get_agent_profiles, get_rankings, heartbeat, RunAutoAssign, SaveAgentProfile, SetPresence,
};
use super::domain::{format_day_shifts, parse_day_shifts, parse_days_off, parse_wilaya_list};
use super::{
    AgentPerformance, AgentProfile, Language, LanguageSkill, NoAgent, Preferences, Presence, ProfileInput, Relaxation,
    RoutingNote, TieBreak,
};
use crate::auth::Role;
use crate::components::{action_error, ErrorAlert, RoleGate};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::format::{percent, short_algiers};

type I18n = I18nContext<Locale>;

pub fn language_text(i18n: I18n, language: Language) -> String {
    match language {
        Language::Fr => t_string!(i18n, agents.lang_fr).to_string(),
        Language::Ar => t_string!(i18n, agents.lang_ar).to_string(),
        Language::ArDz => t_string!(i18n, agents.lang_ar_dz).to_string(),
    }
}

pub fn presence_text(i18n: I18n, presence: Presence) -> String {
    match presence {
        Presence::Available => t_string!(i18n, agents.available).to_string(),
        Presence::Paused => t_string!(i18n, agents.paused).to_string(),
        Presence::Offline => t_string!(i18n, agents.offline).to_string(),
    }
}

fn weekday_text(i18n: I18n, weekday: u8) -> String {
    match weekday {
        1 => t_string!(i18n, agents.day_1),
        2 => t_string!(i18n, agents.day_2),
        3 => t_string!(i18n, agents.day_3),
        4 => t_string!(i18n, agents.day_4),
        5 => t_string!(i18n, agents.day_5),
        6 => t_string!(i18n, agents.day_6),
        _ => t_string!(i18n, agents.day_7),
    }
    .to_string()
}

fn relaxation_text(i18n: I18n, r: &Relaxation) -> String {
    match *r {
        Relaxation::WilayaDropped { after_minutes } => {
            t_string!(i18n, routing.relaxed_wilaya, minutes = after_minutes).to_string()
        }
        Relaxation::AnyArabic { after_minutes } => {
            t_string!(i18n, routing.relaxed_arabic, minutes = after_minutes).to_string()
        }
    }
}

/// Why an order is where it is, in the reader's language.
pub fn routing_note_text(i18n: I18n, note: &RoutingNote, agent_name: Option<&str>) -> String {
    let mut text = match note {
        RoutingNote::Assigned { why, .. } => {
            let agent = agent_name.unwrap_or("").to_string();
            let tie = match why.tie_break {
                TieBreak::LeastLoaded => t_string!(i18n, routing.tie_load).to_string(),
                TieBreak::SuccessRate => t_string!(i18n, routing.tie_success).to_string(),
                TieBreak::RoundRobin | TieBreak::AgentId => t_string!(i18n, routing.tie_turn).to_string(),
            };
            t_string!(
                i18n,
                routing.assigned,
                agent = agent,
                load = why.load_before,
                capacity = why.capacity,
                candidates = why.candidates,
                tie = tie
            )
            .to_string()
        }
        RoutingNote::Unassigned { reason, .. } => match *reason {
            NoAgent::NobodyAvailable => t_string!(i18n, routing.nobody_available).to_string(),
            NoAgent::NobodyOnShift => t_string!(i18n, routing.nobody_on_shift).to_string(),
            NoAgent::NoSpeaker { language } => {
                t_string!(i18n, routing.no_speaker, language = language_text(i18n, language)).to_string()
            }
            NoAgent::NoWilayaCover { language, wilaya } => {
                t_string!(i18n, routing.no_wilaya, language = language_text(i18n, language), wilaya = wilaya)
                    .to_string()
            }
            NoAgent::AllAtCapacity { language, wilaya } => {
                t_string!(i18n, routing.at_capacity, language = language_text(i18n, language), wilaya = wilaya)
                    .to_string()
            }
            NoAgent::ReservedAgentAway { .. } => t_string!(i18n, routing.reserved_away).to_string(),
        },
        RoutingNote::Manual => t_string!(i18n, routing.manual).to_string(),
        RoutingNote::Returned { cause } => match cause {
            super::ReturnCause::WentOffline => t_string!(i18n, routing.returned_offline).to_string(),
            super::ReturnCause::ShiftEnded => t_string!(i18n, routing.returned_shift).to_string(),
        },
    };
    let relaxed: &[Relaxation] = match note {
        RoutingNote::Assigned { why, .. } => &why.relaxed,
        RoutingNote::Unassigned { relaxed, .. } => relaxed,
        _ => &[],
    };
    for r in relaxed {
        text.push_str(" · ");
        text.push_str(&relaxation_text(i18n, r));
    }
    text
}

fn seconds(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(s) if s < 60.0 => format!("{s:.0} s"),
        Some(s) if s < 3600.0 => format!("{:.0} min", s / 60.0),
        Some(s) => format!("{:.1} h", s / 3600.0),
    }
}

fn skills_text(i18n: I18n, languages: &[LanguageSkill]) -> String {
    languages
        .iter()
        .map(|l| format!("{} {}/5", language_text(i18n, l.language), l.proficiency))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let agents = Resource::new(|| (), |_| get_agent_profiles());
    view! {
        <Title text=move || t_string!(i18n, agents.title).to_string()/>
        <h1>{t!(i18n, agents.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <p><A href="/agents/rankings">{t!(i18n, nav.rankings)}</A></p>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match agents.await {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(list) => view! {
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
                        }.into_any(),
                    }
                })}
            </Transition>
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
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match agents.await.map(|list| list.into_iter().find(|a| a.user_id == id())) {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(None) => view! { <ErrorAlert error=Signal::stored(Some(AppError::new(crate::error::ErrorCode::NotFound)))/> }.into_any(),
                        Ok(Some(profile)) => view! { <ProfileForm profile=profile/> }.into_any(),
                    }
                })}
            </Transition>
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
                        <div class="field inline">
                            <label for=id.clone()>{move || language_text(i18n, language)}</label>
                            <select id=id prop:value=move || draft.with(|d| d.levels[i].to_string())
                                on:change=move |ev| draft.update(|d| d.levels[i] = event_target_value(&ev).parse().unwrap_or(0))>
                                <option value="0">{t!(i18n, agents.not_spoken)}</option>
                                {(1..=5).map(|n| view! { <option value=n.to_string()>{format!("{n}/5")}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="profile-wilayas">{t!(i18n, agents.wilayas)}</label>
                <input id="profile-wilayas" dir="ltr" inputmode="numeric" prop:value=wilayas on:input=on_wilayas/>
                <p class="hint">{t!(i18n, agents.wilayas_hint)}</p>
            </div>
            <fieldset>
                <legend>{t!(i18n, agents.shifts)}</legend>
                <p class="hint">{t!(i18n, agents.shifts_hint)}</p>
                {[7_u8, 1, 2, 3, 4, 5, 6].into_iter().map(|weekday| {
                    let i = usize::from(weekday - 1);
                    let id = format!("profile-day-{weekday}");
                    view! {
                        <div class="field inline">
                            <label for=id.clone()>{move || weekday_text(i18n, weekday)}</label>
                            <input id=id dir="ltr" prop:value=move || draft.with(|d| d.days[i].clone())
                                on:input=move |ev| draft.update(|d| d.days[i] = event_target_value(&ev))/>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="profile-days-off">{t!(i18n, agents.days_off)}</label>
                <input id="profile-days-off" dir="ltr" prop:value=days_off on:input=on_days_off/>
                <p class="hint">{t!(i18n, agents.days_off_hint)}</p>
            </div>
            <div class="field inline">
                <label for="profile-per-day">{t!(i18n, agents.max_per_day)}</label>
                <input id="profile-per-day" type="number" min="1" prop:value=per_day on:input=on_per_day/>
            </div>
            <div class="field inline">
                <label for="profile-open">{t!(i18n, agents.max_open)}</label>
                <input id="profile-open" type="number" min="1" prop:value=open on:input=on_open/>
            </div>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, agents.save)}</button>
            <Show when=saved>
                <p role="status" class="ok">{t!(i18n, agents.saved)}</p>
            </Show>
        </form>
    }
}

/// The agent's presence switch (header). While the agent uses the page, a heartbeat every minute
/// keeps them from being turned offline for inactivity.
#[component]
pub fn PresenceSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetPresence>::new();
    let profile = Resource::new(move || set.version().get(), |_| super::api::get_my_profile());
    let active = StoredValue::new(false);
    Effect::new(move |_| {
        let mark = move |_: leptos::ev::Event| active.set_value(true);
        let keys = window_event_listener(leptos::ev::keydown, move |e| mark(e.into()));
        let clicks = window_event_listener(leptos::ev::pointerdown, move |e| mark(e.into()));
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if active.get_value() {
                    active.set_value(false);
                    leptos::task::spawn_local(async move {
                        let _ = heartbeat().await;
                    });
                }
            },
            Duration::from_secs(60),
        ) {
            on_cleanup(move || {
                handle.clear();
                keys.remove();
                clicks.remove();
            });
        }
    });
    let error = action_error(set);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                profile.await.ok().map(|p| {
                    let current = p.presence;
                    view! {
                        <label class="presence" data-presence=current.as_str()>
                            <span class="visually-hidden">{t!(i18n, agents.presence)}</span>
                            <select prop:value=current.as_str() on:change=move |ev| {
                                let state = event_target_value(&ev);
                                let reason = if state == "paused" { t_string!(i18n, agents.pause_reason).to_string() } else { String::new() };
                                set.dispatch(SetPresence { agent_id: None, state, reason });
                            }>
                                {Presence::ALL.iter().map(|s| {
                                    let s = *s;
                                    view! { <option value=s.as_str()>{move || presence_text(i18n, s)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }
                })
            })}
        </Transition>
        <ErrorAlert error=error/>
    }
}

/// The auto-assign button and what the run did (orders page).
#[component]
pub fn AutoAssignPanel(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let run = ServerAction::<RunAutoAssign>::new();
    Effect::new(move |_| {
        if run.value().with(|v| matches!(v, Some(Ok(_)))) {
            on_done.run(());
        }
    });
    let error = action_error(run);
    view! {
        <section class="card auto-assign">
            <button type="button" class="primary" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(RunAutoAssign {}); }>
                {t!(i18n, routing.run)}
            </button>
            <ErrorAlert error=error/>
            {move || run.value().get().and_then(Result::ok).map(|report| view! {
                <div role="status" data-testid="auto-assign-report">
                    <p>{t!(i18n, routing.summary, assigned = report.assigned, waiting = report.unassigned, agents = report.agents, ms = report.took_ms)}</p>
                    <ul class="routing-report">
                        {report.orders.into_iter().map(|line| {
                            let note = line.note.clone();
                            let agent = line.agent_name.clone();
                            view! {
                                <li data-order=line.order_id>
                                    <A href=format!("/orders/{}", line.order_id)>{line.number.clone()}</A>
                                    " · " {move || routing_note_text(i18n, &note, agent.as_deref())}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}

fn sort_rows(rows: &mut [AgentPerformance], by: &str) {
    let f = |v: Option<f64>| v.unwrap_or(f64::NEG_INFINITY);
    match by {
        "confirmations" => rows.sort_by_key(|r| std::cmp::Reverse(r.confirmations)),
        "attempts" => rows.sort_by_key(|r| std::cmp::Reverse(r.attempts)),
        "assigned" => rows.sort_by_key(|r| std::cmp::Reverse(r.orders_assigned)),
        "response" => rows.sort_by(|a, b| {
            let key = |r: &AgentPerformance| r.avg_response_from_assignment.unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b))
        }),
        "utilisation" => rows.sort_by(|a, b| f(b.utilisation).total_cmp(&f(a.utilisation))),
        "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        _ => rows.sort_by_key(|r| r.rank),
    }
}

#[component]
pub fn RankingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let period = move || query.with(|q| q.get("period")).unwrap_or_else(|| "30d".into());
    let sort = move || query.with(|q| q.get("sort")).unwrap_or_else(|| "rank".into());
    let agent = move || query.with(|q| q.get("agent").and_then(|a| a.parse::<i64>().ok()));
    // the server turns the period into dates (the browser's clock is not needed, nor trusted)
    let rows = Resource::new(period, get_rankings);
    let attempts = Resource::new(
        move || (period(), agent()),
        |(period, agent)| async move {
            let Some(agent) = agent else { return Ok(Vec::new()) };
            get_agent_attempts(agent, period).await
        },
    );
    let link = move |p: String, s: String, a: Option<i64>| {
        let mut href = format!("/agents/rankings?period={p}&sort={s}");
        if let Some(a) = a {
            href.push_str(&format!("&agent={a}"));
        }
        href
    };
    let header = move |key: &'static str, label: String| {
        view! { <th><A href=move || link(period(), key.to_string(), agent())>{label}</A></th> }
    };
    view! {
        <Title text=move || t_string!(i18n, rankings.title).to_string()/>
        <h1>{t!(i18n, rankings.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <nav class="periods" aria-label=move || t_string!(i18n, rankings.period).to_string()>
                {[("today", 0), ("7d", 1), ("30d", 2)].into_iter().map(|(p, i)| view! {
                    <A href=move || link(p.to_string(), sort(), None)>
                        {move || match i { 0 => t_string!(i18n, rankings.today), 1 => t_string!(i18n, rankings.week), _ => t_string!(i18n, rankings.month) }.to_string()}
                    </A>
                }).collect_view()}
            </nav>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(mut rows) => {
                            sort_rows(&mut rows, &sort());
                            view! {
                                <div class="table-wrap">
                                    <table data-testid="rankings">
                                        <thead>
                                            <tr>
                                                {header("rank", t_string!(i18n, rankings.rank).to_string())}
                                                {header("name", t_string!(i18n, rankings.agent).to_string())}
                                                {header("assigned", t_string!(i18n, rankings.assigned).to_string())}
                                                {header("attempts", t_string!(i18n, rankings.attempts).to_string())}
                                                {header("confirmations", t_string!(i18n, rankings.confirmations).to_string())}
                                                <th>{t!(i18n, rankings.success)}</th>
                                                <th>{t!(i18n, rankings.response_created)}</th>
                                                {header("response", t_string!(i18n, rankings.response_assigned).to_string())}
                                                <th>{t!(i18n, rankings.duration)}</th>
                                                {header("utilisation", t_string!(i18n, rankings.utilisation).to_string())}
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows.into_iter().map(|r| view! {
                                                <tr data-agent=r.agent_id>
                                                    <td>{r.rank}</td>
                                                    <td><A href=move || link(period(), sort(), Some(r.agent_id))>{r.name.clone()}</A></td>
                                                    <td>{r.orders_assigned}</td>
                                                    <td>{r.attempts}</td>
                                                    <td>{r.confirmations}</td>
                                                    <td>{percent(r.success_rate)}</td>
                                                    <td>{seconds(r.avg_response_from_creation)}</td>
                                                    <td>{seconds(r.avg_response_from_assignment)}</td>
                                                    <td>{seconds(r.avg_attempt_duration)}</td>
                                                    <td>{percent(r.utilisation)}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match attempts.await {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(list) if list.is_empty() => ().into_any(),
                        Ok(list) => view! {
                            <section class="card">
                                <h2>{t!(i18n, rankings.attempts_behind)}</h2>
                                <table data-testid="agent-attempts">
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, rankings.when)}</th>
                                            <th>{t!(i18n, rankings.order)}</th>
                                            <th>{t!(i18n, rankings.result)}</th>
                                            <th>{t!(i18n, rankings.duration)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|a| view! {
                                            <tr>
                                                <td>{short_algiers(a.created_at)}{a.first_of_order.then_some(" ★")}</td>
                                                <td><A href=format!("/orders/{}", a.order_id)>{a.order_number.clone()}</A></td>
                                                <td><code>{a.status_after.clone()}</code></td>
                                                <td>{seconds(Some(f64::from(a.duration_ms) / 1000.0))}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }.into_any(),
                    }
                })}
            </Transition>
        </RoleGate>
    }
}

/// The signed-in agent's own profile: what routing knows about them (read-only; supervisors edit it).
#[component]
pub fn MyProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(|| (), |_| super::api::get_my_profile());
    view! {
        <Title text=move || t_string!(i18n, agents.my_profile).to_string()/>
        <h1>{t!(i18n, agents.my_profile)}</h1>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(p) => {
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
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Routing settings (admins): relaxation, inactivity, business hours and days.
#[component]
pub fn RoutingSettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<super::api::SaveRoutingSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| super::api::get_routing_settings());
    let error = action_error(save);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                settings.await.ok().map(|s| {
                    let draft = RwSignal::new(s);
                    let hm = |m: i16| format!("{:02}:{:02}", m / 60, m % 60);
                    let parse_hm = |t: &str| -> Option<i16> {
                        let (h, m) = t.split_once(':')?;
                        Some(h.trim().parse::<i16>().ok()? * 60 + m.trim().parse::<i16>().ok()?)
                    };
                    let minutes = move |get: fn(&super::RoutingSettings) -> Option<i32>, set: fn(&mut super::RoutingSettings, Option<i32>)| {
                        (move || draft.with(|d| get(d).map(|m| m.to_string()).unwrap_or_default()),
                         move |ev: leptos::ev::Event| draft.update(|d| set(d, event_target_value(&ev).trim().parse().ok())))
                    };
                    let (wilaya, on_wilaya) = minutes(|d| d.drop_wilaya_after_minutes, |d, v| d.drop_wilaya_after_minutes = v);
                    let (arabic, on_arabic) = minutes(|d| d.any_arabic_after_minutes, |d, v| d.any_arabic_after_minutes = v);
                    view! {
                        <form class="card" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save.dispatch(super::api::SaveRoutingSettings { settings: draft.get_untracked() });
                        }>
                            <h2>{t!(i18n, routing.settings)}</h2>
                            <ErrorAlert error=error/>
                            <div class="field inline">
                                <label for="rs-wilaya">{t!(i18n, routing.drop_wilaya_after)}</label>
                                <input id="rs-wilaya" type="number" min="0" prop:value=wilaya on:input=on_wilaya/>
                            </div>
                            <div class="field inline">
                                <label for="rs-arabic">{t!(i18n, routing.any_arabic_after)}</label>
                                <input id="rs-arabic" type="number" min="0" prop:value=arabic on:input=on_arabic/>
                            </div>
                            <div class="field inline">
                                <label for="rs-idle">{t!(i18n, routing.inactivity)}</label>
                                <input id="rs-idle" type="number" min="1" prop:value=move || draft.with(|d| d.inactivity_minutes.to_string())
                                    on:input=move |ev| if let Ok(m) = event_target_value(&ev).trim().parse() { draft.update(|d| d.inactivity_minutes = m) }/>
                            </div>
                            <div class="field inline">
                                <label for="rs-start">{t!(i18n, routing.business_start)}</label>
                                <input id="rs-start" type="time" prop:value=move || draft.with(|d| hm(d.business_start_minute))
                                    on:input=move |ev| if let Some(m) = parse_hm(&event_target_value(&ev)) { draft.update(|d| d.business_start_minute = m) }/>
                            </div>
                            <div class="field inline">
                                <label for="rs-end">{t!(i18n, routing.business_end)}</label>
                                <input id="rs-end" type="time" prop:value=move || draft.with(|d| hm(d.business_end_minute))
                                    on:input=move |ev| if let Some(m) = parse_hm(&event_target_value(&ev)) { draft.update(|d| d.business_end_minute = if m == 0 { 1440 } else { m }) }/>
                            </div>
                            <fieldset>
                                <legend>{t!(i18n, routing.business_days)}</legend>
                                {[7_u8, 1, 2, 3, 4, 5, 6].into_iter().map(|day| {
                                    let id = format!("rs-day-{day}");
                                    let d16 = i16::from(day);
                                    view! {
                                        <span class="field checkbox">
                                            <input id=id.clone() type="checkbox" prop:checked=move || draft.with(|d| d.business_days.contains(&d16))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    draft.update(|d| {
                                                        d.business_days.retain(|x| *x != d16);
                                                        if on { d.business_days.push(d16) }
                                                    })
                                                }/>
                                            <label for=id>{move || weekday_text(i18n, day)}</label>
                                        </span>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, agents.save)}</button>
                        </form>
                    }
                })
            })}
        </Transition>
    }
}
