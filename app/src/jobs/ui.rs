//! The admins' jobs page: every job with its schedule, next run, last runs and "run now".
//! Names, schedules and outcomes are translated here.
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

use super::api::{get_jobs, RunJob};
use crate::auth::Role;
use crate::components::{action_error, ErrorAlert, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::short_algiers;

type I18n = I18nContext<Locale>;

fn job_text(i18n: I18n, name: &str) -> String {
    match name {
        "auto_assign" => t_string!(i18n, jobs.auto_assign).to_string(),
        "presence_sweep" => t_string!(i18n, jobs.presence_sweep).to_string(),
        "duplicate_scan" => t_string!(i18n, jobs.duplicate_scan).to_string(),
        "classification" => t_string!(i18n, jobs.classification).to_string(),
        "reminders" => t_string!(i18n, jobs.reminders).to_string(),
        "message_sender" => t_string!(i18n, jobs.message_sender).to_string(),
        "message_sweep" => t_string!(i18n, jobs.message_sweep).to_string(),
        "dashboard_fold" => t_string!(i18n, jobs.dashboard_fold).to_string(),
        "retention" => t_string!(i18n, jobs.retention).to_string(),
        other => other.to_string(),
    }
}

fn schedule_text(i18n: I18n, code: &str) -> String {
    match code {
        "every_15_business" => t_string!(i18n, jobs.every_15_business).to_string(),
        "every_30_business" => t_string!(i18n, jobs.every_30_business).to_string(),
        "every_1" => t_string!(i18n, jobs.every_minute).to_string(),
        "every_60" => t_string!(i18n, jobs.hourly).to_string(),
        "daily_0200" => t_string!(i18n, jobs.daily_0200).to_string(),
        "daily_0330" => t_string!(i18n, jobs.daily_0330).to_string(),
        other => other.to_string(),
    }
}

fn outcome_text(i18n: I18n, outcome: &str) -> String {
    match outcome {
        "succeeded" => t_string!(i18n, jobs.succeeded).to_string(),
        "failed" => t_string!(i18n, jobs.failed).to_string(),
        "skipped" => t_string!(i18n, jobs.skipped).to_string(),
        _ => t_string!(i18n, jobs.running).to_string(),
    }
}

/// The jobs page (admins); `children` (the settings the schedules depend on, given by the app's
/// router) show above the list.
#[component]
pub fn JobsPage(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let run = ServerAction::<RunJob>::new();
    let jobs = Resource::new(move || run.version().get(), |_| get_jobs());
    let error = action_error(run);
    view! {
        <Title text=move || t_string!(i18n, jobs.title).to_string()/>
        <h1>{t!(i18n, jobs.title)}</h1>
        <RoleGate role=Role::Admin>
            {children()}
            <ErrorAlert error=error/>
            <Loaded load=move || async move { jobs.await } let:list>
                {list.into_iter().map(|job| {
                    let name = job.name.clone();
                    let schedule = job.schedule.clone();
                    view! {
                        <section class="card job" data-job=job.name.clone()>
                            <h2>{let n = name.clone(); move || job_text(i18n, &n)}</h2>
                            <p>
                                {move || schedule_text(i18n, &schedule)} " · "
                                {t!(i18n, jobs.next_run)} " " {short_algiers(job.next_run_at)}
                                {job.running.then(|| view! { " · " {t!(i18n, jobs.running)} })}
                            </p>
                            <button type="button" disabled=move || run.pending().get()
                                on:click={let name = name.clone(); move |_| { run.dispatch(RunJob { name: name.clone() }); }}>
                                {t!(i18n, jobs.run_now)}
                            </button>
                            <table>
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, jobs.started)}</th>
                                        <th>{t!(i18n, jobs.trigger)}</th>
                                        <th>{t!(i18n, jobs.duration)}</th>
                                        <th>{t!(i18n, jobs.outcome)}</th>
                                        <th>{t!(i18n, jobs.detail)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {job.runs.into_iter().map(|r| {
                                        let outcome = r.outcome.clone();
                                        view! {
                                            <tr data-outcome=r.outcome.clone()>
                                                <td>{short_algiers(r.started_at)}</td>
                                                <td>{r.trigger.clone()}</td>
                                                <td>{r.duration_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                                                <td>{move || outcome_text(i18n, &outcome)}</td>
                                                <td><code dir="ltr">{r.detail.to_string()}</code></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }
                }).collect_view()}
            </Loaded>
        </RoleGate>
    }
}
