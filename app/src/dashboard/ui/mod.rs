//! The dashboard page (supervisors' and admins' landing page), the drill-down lists behind its
//! numbers, and an agent's own figures for today on the queue. Range and period live in the
//! address; the figures come from the server in one call and refresh on live events.
pub mod charts;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use time::{Date, Duration};

use self::charts::{BarChart, LineChart, Mark, StackedBar};
use super::api::{get_dashboard, get_dashboard_settings, get_drill_down, SaveDashboardSettings};
use super::{Bucket, Dashboard, Period};
use crate::auth::Role;
use crate::components::live::use_live;
use crate::components::session::use_current_user;
use crate::components::{action_error, ErrorAlert, Field, Loaded};
use crate::i18n::*;
use crate::locale::format::{dzd, group_thousands, percent, seconds, short_algiers};
use crate::locale::UiLocale;

type I18n = leptos_i18n::I18nContext<Locale>;

const GREEN: &str = "#16a34a";
const RED: &str = "#dc2626";
const GREY: &str = "#64748b";
const BLUE: &str = "#2563eb";

fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `2026-12-03` as the UI shows it: `03/12`.
fn short_date(text: &str) -> String {
    parse_date(text).map(|d| format!("{:02}/{:02}", d.day(), u8::from(d.month()))).unwrap_or_else(|| text.to_string())
}

fn drill_href(list: &str, from: &str, to: &str, status: Option<&str>) -> String {
    let mut href = format!("/dashboard/orders?list={list}&from={from}&to={to}");
    if let Some(s) = status {
        href.push_str(&format!("&status={s}"));
    }
    href
}

/// Each bucket's last day: the day before the next bucket starts, or the range's last.
fn bucket_ends(series: &[Bucket], to: &str) -> Vec<String> {
    (0..series.len())
        .map(|i| match series.get(i + 1).and_then(|b| parse_date(&b.start)) {
            Some(next) => date_text(next - Duration::days(1)),
            None => to.to_string(),
        })
        .collect()
}

fn period_text(i18n: I18n, p: Period) -> String {
    match p {
        Period::Day => t_string!(i18n, dashboard.by_day),
        Period::Week => t_string!(i18n, dashboard.by_week),
        Period::Month => t_string!(i18n, dashboard.by_month),
    }
    .to_string()
}

fn class_color(class: &str) -> &'static str {
    match class {
        "vip" => "#7c3aed",
        "loyal" => GREEN,
        "regular" => "#0891b2",
        "new" => BLUE,
        "bad" => RED,
        _ => GREY,
    }
}

fn class_label(i18n: I18n, class: &str) -> String {
    crate::customers::classification::CustomerClass::parse(class)
        .map(|c| crate::customers::ui::class_text(i18n, c))
        .unwrap_or_else(|_| class.to_string())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).filter(|v| !v.is_empty());
    let live = use_live();
    let figures = Resource::new(
        // orders and pairs changing elsewhere, and the minute's tick (orders crossing the deadline)
        move || {
            (param("from"), param("to"), param("period"), live.orders.get(), live.duplicates.get(), live.tick.get())
        },
        |(from, to, period, _, _, _)| get_dashboard(from, to, period),
    );
    view! {
        <Title text=move || t_string!(i18n, dashboard.title).to_string()/>
        <h1>{t!(i18n, dashboard.title)}</h1>
        <Loaded load=move || async move { figures.await } let:d>
            <DashboardView d=d/>
        </Loaded>
        <Show when=move || use_current_user().get().is_some_and(|u| u.role.at_least(Role::Admin))>
            <SettingsForm/>
        </Show>
    }
}

/// The speed-to-call deadline and the rankings' minimum volume (admins).
#[component]
fn SettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveDashboardSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_dashboard_settings());
    let error = action_error(save);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                settings.await.ok().map(|s| {
                    let draft = RwSignal::new(s);
                    view! {
                        <form class="card" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save.dispatch(SaveDashboardSettings { settings: draft.get_untracked() });
                        }>
                            <h2>{t!(i18n, dashboard.settings)}</h2>
                            <ErrorAlert error=error/>
                            <Field for_id="ds-deadline" label=move || t!(i18n, dashboard.deadline_minutes) inline=true>
                                <input id="ds-deadline" type="number" min="1" max="600"
                                    prop:value=move || draft.with(|d| d.speed_to_call_minutes.to_string())
                                    on:input=move |ev| if let Ok(m) = event_target_value(&ev).trim().parse() { draft.update(|d| d.speed_to_call_minutes = m) }/>
                            </Field>
                            <Field for_id="ds-volume" label=move || t!(i18n, dashboard.ranking_volume) inline=true>
                                <input id="ds-volume" type="number" min="1"
                                    prop:value=move || draft.with(|d| d.ranking_min_volume.to_string())
                                    on:input=move |ev| if let Ok(m) = event_target_value(&ev).trim().parse() { draft.update(|d| d.ranking_min_volume = m) }/>
                            </Field>
                            <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, dashboard.save)}</button>
                        </form>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let rtl = UiLocale::from_i18n(i18n.get_locale_untracked()).is_rtl();
    let Some(range) = d.range.clone() else { return ().into_any() };
    let today = d.generated_at.map(crate::locale::algiers::local_date);
    let presets = today.map(|today| {
        let days = |n: i64| date_text(today - Duration::days(n));
        let month_start = today.replace_day(1).map(date_text).unwrap_or_else(|_| days(29));
        vec![
            (t_string!(i18n, dashboard.today).to_string(), "/dashboard".to_string()),
            (t_string!(i18n, dashboard.last_7).to_string(), format!("/dashboard?from={}&to={}", days(6), days(0))),
            (
                t_string!(i18n, dashboard.last_30).to_string(),
                format!("/dashboard?from={}&to={}&period=week", days(29), days(0)),
            ),
            (
                t_string!(i18n, dashboard.this_month).to_string(),
                format!("/dashboard?from={month_start}&to={}", days(0)),
            ),
            (
                t_string!(i18n, dashboard.last_90).to_string(),
                format!("/dashboard?from={}&to={}&period=month", days(89), days(0)),
            ),
        ]
    });
    let (from, to) = (range.from.clone(), range.to.clone());
    let p = d.pending.clone();
    let c = d.confirmation.clone();
    let r = d.response.clone();
    let u = d.utilisation.clone();
    let s = d.satisfaction.clone();
    let ends = bucket_ends(&c.series, &to);
    let received_marks: Vec<Mark> = c
        .series
        .iter()
        .zip(&ends)
        .map(|(b, end)| {
            Mark::count(
                short_date(&b.start),
                b.totals.received,
                BLUE,
                Some(drill_href("received", &b.start, end, None)),
            )
        })
        .collect();
    let rate_marks: Vec<Mark> = c
        .series
        .iter()
        .map(|b| Mark {
            label: short_date(&b.start),
            value: b.totals.confirmation_rate.unwrap_or(f64::NAN),
            text: percent(b.totals.confirmation_rate),
            color: GREEN.into(),
            href: None,
        })
        .collect();
    let outcome_marks = vec![
        Mark::count(
            t_string!(i18n, dashboard.confirmed).to_string(),
            c.current.confirmed,
            GREEN,
            Some(drill_href("confirmed", &from, &to, None)),
        ),
        Mark::count(
            t_string!(i18n, dashboard.failed).to_string(),
            c.current.failed,
            RED,
            Some(drill_href("failed", &from, &to, None)),
        ),
        Mark::count(
            t_string!(i18n, dashboard.abandoned).to_string(),
            c.current.abandoned,
            GREY,
            Some(drill_href("abandoned", &from, &to, None)),
        ),
    ];
    let reason_marks: Vec<Mark> = c
        .failed_by_reason
        .iter()
        .map(|f| {
            Mark::count(f.label.clone(), f.count, &f.color, Some(drill_href("failed", &from, &to, Some(&f.status))))
        })
        .collect();
    let head_day = (period_text(i18n, range.period), t_string!(i18n, dashboard.orders_received).to_string());
    let compare = move |before: i64| {
        view! { <span class="muted compare">{t_string!(i18n, dashboard.previous, n = group_thousands(before)).to_string()}</span> }
    };
    view! {
        <nav class="periods" aria-label=move || t_string!(i18n, dashboard.range).to_string()>
            {presets.unwrap_or_default().into_iter().map(|(label, href)| view! { <A href=href>{label}</A> }).collect_view()}
        </nav>
        <form class="range-form" method="get" action="/dashboard">
            <label>{t!(i18n, dashboard.from)}<input type="date" name="from" value=from.clone()/></label>
            <label>{t!(i18n, dashboard.to)}<input type="date" name="to" value=to.clone()/></label>
            <label>{t!(i18n, dashboard.period)}
                <select name="period">
                    {[Period::Day, Period::Week, Period::Month].into_iter().map(|p| view! {
                        <option value=p.as_str() selected=p == range.period>{period_text(i18n, p)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">{t!(i18n, dashboard.show)}</button>
        </form>
        <p class="muted">{t_string!(i18n, dashboard.range_line, from = short_date(&range.from), to = short_date(&range.to),
            previous_from = short_date(&range.previous_from), previous_to = short_date(&range.previous_to)).to_string()}</p>
        <div class="dashboard-grid">
            <section class="card kpi" aria-labelledby="kpi-pending">
                <h2 id="kpi-pending">{t!(i18n, dashboard.pending)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, dashboard.open)}</dt><dd data-testid="pending-open">{group_thousands(p.open)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.unassigned)}</dt><dd><A href=drill_href("unassigned", &from, &to, None)>{group_thousands(p.unassigned)}</A></dd></div>
                    <div><dt>{t!(i18n, dashboard.not_started)}</dt><dd>{group_thousands(p.assigned_not_started)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.in_progress)}</dt><dd>{group_thousands(p.in_progress)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.callbacks_due)}</dt><dd><A href=drill_href("callbacks_due", &from, &to, None)>{group_thousands(p.callbacks_due)}</A></dd></div>
                    <div><dt>{t!(i18n, dashboard.held)}</dt><dd><A href="/duplicates">{group_thousands(p.held_duplicates)}</A></dd></div>
                    <div class="alarm"><dt>{move || t_string!(i18n, dashboard.past_deadline, minutes = r.deadline_minutes).to_string()}</dt>
                        <dd><A href=drill_href("past_deadline", &from, &to, None) attr:data-testid="past-deadline">{group_thousands(p.past_deadline)}</A></dd></div>
                </dl>
            </section>
            <section class="card kpi wide" aria-labelledby="kpi-confirmation">
                <h2 id="kpi-confirmation">{t!(i18n, dashboard.confirmation)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, dashboard.received)}</dt><dd data-testid="received">{group_thousands(c.current.received)}</dd>{compare(c.previous.received)}</div>
                    <div><dt>{t!(i18n, dashboard.confirmed)}</dt><dd>{group_thousands(c.current.confirmed)}</dd>{compare(c.previous.confirmed)}</div>
                    <div><dt>{t!(i18n, dashboard.failed)}</dt><dd>{group_thousands(c.current.failed)}</dd>{compare(c.previous.failed)}</div>
                    <div><dt>{t!(i18n, dashboard.abandoned)}</dt><dd>{group_thousands(c.current.abandoned)}</dd>{compare(c.previous.abandoned)}</div>
                    <div><dt>{t!(i18n, dashboard.rate)}</dt><dd data-testid="confirmation-rate">{percent(c.current.confirmation_rate)}</dd>
                        <span class="muted compare">{t_string!(i18n, dashboard.previous, n = percent(c.previous.confirmation_rate)).to_string()}</span></div>
                </dl>
                <h3>{t!(i18n, dashboard.orders_received)}</h3>
                <BarChart title=t_string!(i18n, dashboard.orders_received).to_string() marks=received_marks rtl=rtl
                    head=head_day.clone() table_caption=t_string!(i18n, dashboard.as_table).to_string()/>
                <h3>{t!(i18n, dashboard.rate_over_time)}</h3>
                <LineChart title=t_string!(i18n, dashboard.rate_over_time).to_string() marks=rate_marks rtl=rtl
                    head=(head_day.0.clone(), t_string!(i18n, dashboard.rate).to_string()) table_caption=t_string!(i18n, dashboard.as_table).to_string()/>
                <h3>{t!(i18n, dashboard.outcomes)}</h3>
                <StackedBar title=t_string!(i18n, dashboard.outcomes).to_string() marks=outcome_marks rtl=rtl
                    head=(t_string!(i18n, dashboard.outcome).to_string(), t_string!(i18n, dashboard.orders).to_string()) table_caption=t_string!(i18n, dashboard.as_table).to_string()/>
                <h3>{t!(i18n, dashboard.failed_by_reason)}</h3>
                <StackedBar title=t_string!(i18n, dashboard.failed_by_reason).to_string() marks=reason_marks rtl=rtl
                    head=(t_string!(i18n, dashboard.reason).to_string(), t_string!(i18n, dashboard.orders).to_string()) table_caption=t_string!(i18n, dashboard.as_table).to_string()/>
            </section>
            <section class="card kpi" aria-labelledby="kpi-response">
                <h2 id="kpi-response">{t!(i18n, dashboard.response)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, dashboard.median)}</dt><dd data-testid="response-median">{seconds(r.median_seconds)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.p90)}</dt><dd>{seconds(r.p90_seconds)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.mean)}</dt><dd>{seconds(r.mean_seconds)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.median_business)}</dt><dd>{seconds(r.median_business_seconds)}</dd></div>
                    <div><dt>{move || t_string!(i18n, dashboard.speed_to_call, minutes = r.deadline_minutes).to_string()}</dt>
                        <dd data-testid="speed-to-call">{percent(r.speed_to_call)}</dd>
                        <span class="muted compare">{t_string!(i18n, dashboard.within_of, within = group_thousands(r.within_deadline), due = group_thousands(r.due)).to_string()}</span></div>
                    <div><dt>{t!(i18n, dashboard.first_contacts)}</dt><dd>{group_thousands(r.first_contacts)}</dd></div>
                </dl>
            </section>
            <section class="card kpi" aria-labelledby="kpi-utilisation">
                <h2 id="kpi-utilisation">{t!(i18n, dashboard.utilisation)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, dashboard.utilisation)}</dt><dd data-testid="utilisation">{percent(u.utilisation)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.busy)}</dt><dd>{seconds(Some(u.busy_seconds as f64))}</dd></div>
                    <div><dt>{t!(i18n, dashboard.available)}</dt><dd>{seconds(Some(u.available_seconds as f64))}</dd></div>
                    {d.agent_id.is_none().then(|| view! {
                        <div><dt>{t!(i18n, dashboard.available_now)}</dt><dd>{u.available_agents}</dd></div>
                        <div><dt>{t!(i18n, dashboard.gini)}</dt><dd>{u.workload_gini.map(|g| format!("{g:.2}")).unwrap_or_else(|| "—".into())}</dd></div>
                    })}
                </dl>
            </section>
            <section class="card kpi" aria-labelledby="kpi-satisfaction">
                <h2 id="kpi-satisfaction">{t!(i18n, dashboard.satisfaction)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, dashboard.confirmed)}</dt><dd>{group_thousands(s.confirmed)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.delivered_rate)}</dt><dd>{percent(s.delivered_rate)}</dd></div>
                    <div><dt>{t!(i18n, dashboard.answers)}</dt><dd>{group_thousands(s.customer_answers)}</dd>
                        <span class="muted compare">{t_string!(i18n, dashboard.answers_split, confirmed = group_thousands(s.customer_confirmed), cancelled = group_thousands(s.customer_cancelled)).to_string()}</span></div>
                    <div><dt>{t!(i18n, dashboard.refusals)}</dt><dd>{group_thousands(s.refusal_flags)}</dd></div>
                </dl>
                {s.delivered_rate.is_none().then(|| view! { <p class="muted">{t!(i18n, dashboard.no_delivery_data)}</p> })}
            </section>
            {d.duplicates.clone().map(|x| view! {
                <section class="card kpi" aria-labelledby="kpi-duplicates">
                    <h2 id="kpi-duplicates">{t!(i18n, dashboard.duplicates)}</h2>
                    <dl class="figures">
                        <div><dt>{t!(i18n, dashboard.flagged)}</dt><dd>{group_thousands(x.flagged)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.to_review)}</dt><dd><A href="/duplicates" attr:data-testid="duplicates-open">{group_thousands(x.open)}</A></dd></div>
                        <div><dt>{t!(i18n, dashboard.precision)}</dt><dd>{percent(x.precision)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.false_positives)}</dt><dd>{percent(x.false_positive_rate)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.false_negatives)}</dt><dd>{percent(x.false_negative_rate)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.missed)}</dt><dd>{group_thousands(x.missed)}</dd></div>
                    </dl>
                </section>
            })}
            {d.classes.clone().map(|classes| {
                let marks: Vec<Mark> = classes.iter().map(|c| Mark::count(class_label(i18n, &c.class), c.customers, class_color(&c.class), None)).collect();
                view! {
                    <section class="card kpi" aria-labelledby="kpi-classes">
                        <h2 id="kpi-classes">{t!(i18n, dashboard.classes)}</h2>
                        <StackedBar title=t_string!(i18n, dashboard.classes).to_string() marks=marks rtl=rtl
                            head=(t_string!(i18n, dashboard.class).to_string(), t_string!(i18n, dashboard.customers).to_string()) table_caption=t_string!(i18n, dashboard.as_table).to_string()/>
                    </section>
                }
            })}
            {d.rankings.clone().map(|rk| {
                let row = |a: crate::agents::AgentPerformance| view! {
                    <li><A href=format!("/agents/rankings?period=30d&agent={}", a.agent_id)>{a.name.clone()}</A>" "
                        <b>{percent(a.success_rate)}</b>" "<span class="muted">{t_string!(i18n, dashboard.outcomes_n, n = a.final_outcomes).to_string()}</span></li>
                };
                view! {
                    <section class="card kpi" aria-labelledby="kpi-rankings">
                        <h2 id="kpi-rankings">{t!(i18n, dashboard.rankings)}</h2>
                        <h3>{t!(i18n, dashboard.top)}</h3>
                        <ol data-testid="top-agents">{rk.top.into_iter().map(row).collect_view()}</ol>
                        <h3>{t!(i18n, dashboard.bottom)}</h3>
                        <ol data-testid="bottom-agents">{rk.bottom.into_iter().map(row).collect_view()}</ol>
                        <p class="muted">{t_string!(i18n, dashboard.min_volume, n = rk.min_volume, unranked = rk.unranked).to_string()}</p>
                    </section>
                }
            })}
            {d.messaging.clone().map(|m| view! {
                <section class="card kpi" aria-labelledby="kpi-messaging">
                    <h2 id="kpi-messaging">{t!(i18n, dashboard.messaging)}</h2>
                    <dl class="figures">
                        <div><dt>{t!(i18n, dashboard.messages)}</dt><dd>{group_thousands(m.messages)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.delivered)}</dt><dd>{group_thousands(m.delivered)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.not_delivered)}</dt><dd>{group_thousands(m.failed)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.segments)}</dt><dd>{group_thousands(m.segments)}</dd></div>
                        <div><dt>{t!(i18n, dashboard.cost)}</dt><dd data-testid="sms-cost">{dzd(m.cost_centimes / 100)}</dd></div>
                    </dl>
                </section>
            })}
        </div>
    }
    .into_any()
}

fn list_title(i18n: I18n, list: &str) -> String {
    match list {
        "past_deadline" => t_string!(i18n, dashboard.list_past_deadline),
        "unassigned" => t_string!(i18n, dashboard.unassigned),
        "callbacks_due" => t_string!(i18n, dashboard.callbacks_due),
        "held" => t_string!(i18n, dashboard.held),
        "received" => t_string!(i18n, dashboard.received),
        "confirmed" => t_string!(i18n, dashboard.confirmed),
        "failed" => t_string!(i18n, dashboard.failed),
        "abandoned" => t_string!(i18n, dashboard.abandoned),
        _ => t_string!(i18n, dashboard.orders),
    }
    .to_string()
}

/// The orders behind a number, with the CSV of the same list.
#[component]
pub fn DrillDownPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).filter(|v| !v.is_empty());
    let live = use_live();
    let list = move || param("list").unwrap_or_else(|| "past_deadline".into());
    let rows = Resource::new(
        move || (list(), param("from"), param("to"), param("status"), live.orders.get()),
        |(list, from, to, status, _)| get_drill_down(list, from, to, None, status),
    );
    let csv = move || {
        let mut href = format!("/api/customer-service/dashboard/orders?format=csv&list={}", list());
        for key in ["from", "to", "status"] {
            if let Some(v) = param(key) {
                href.push_str(&format!("&{key}={v}"));
            }
        }
        href
    };
    view! {
        <Title text=move || list_title(i18n, &list())/>
        <p><A href="/dashboard">{t!(i18n, dashboard.back)}</A></p>
        <h1>{move || list_title(i18n, &list())}</h1>
        <p><a href=csv download="" class="button">{t!(i18n, dashboard.export_csv)}</a></p>
        <Loaded load=move || async move { rows.await } let:found>
            <p class="muted" data-testid="drill-total">{t_string!(i18n, dashboard.n_orders, n = found.total).to_string()}</p>
            <div class="table-wrap">
                <table data-testid="drill-orders">
                    <thead>
                        <tr>
                            <th>{t!(i18n, dashboard.col_number)}</th>
                            <th>{t!(i18n, dashboard.col_customer)}</th>
                            <th>{t!(i18n, dashboard.col_status)}</th>
                            <th>{t!(i18n, dashboard.col_agent)}</th>
                            <th>{t!(i18n, dashboard.col_created)}</th>
                            <th>{t!(i18n, dashboard.col_first)}</th>
                            <th>{t!(i18n, dashboard.col_total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {found.orders.into_iter().map(|o| view! {
                            <tr>
                                <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A></td>
                                <td>{o.customer_name.clone()}</td>
                                <td>{o.status_label.clone()}</td>
                                <td>{o.agent_name.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{short_algiers(o.created_at)}</td>
                                <td>{o.first_attempt_at.map(short_algiers).unwrap_or_else(|| "—".into())}</td>
                                <td>{dzd(o.total_dzd)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Loaded>
    }
}

/// An agent's own figures for today (on the queue).
#[component]
pub fn MyFigures() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let figures = Resource::new(move || live.orders.get(), |_| get_dashboard(None, None, None));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match figures.await {
                    Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(d) => view! {
                        <section class="my-figures" aria-label=move || t_string!(i18n, dashboard.my_today).to_string()>
                            <span>{t!(i18n, dashboard.my_today)}</span>
                            <span>{t!(i18n, dashboard.open)}" "<b data-testid="my-open">{d.pending.open}</b></span>
                            <span>{t!(i18n, dashboard.callbacks_due)}" "<b>{d.pending.callbacks_due}</b></span>
                            <span>{t!(i18n, dashboard.confirmed)}" "<b data-testid="my-confirmed">{d.confirmation.current.confirmed}</b></span>
                            <span>{t!(i18n, dashboard.rate)}" "<b>{percent(d.confirmation.current.confirmation_rate)}</b></span>
                            <span>{t!(i18n, dashboard.median)}" "<b>{seconds(d.response.median_seconds)}</b></span>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
