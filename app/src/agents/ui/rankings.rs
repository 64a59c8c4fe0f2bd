//! The agents' rankings, period and sort kept in the address, with a drill-down per agent.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::agents::api::{get_agent_attempts, get_rankings};
use crate::agents::AgentPerformance;
use crate::auth::Role;
use crate::components::{ErrorAlert, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::{percent, seconds, short_algiers};

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
            <Loaded load=move || async move { rows.await } let:rows>
                {
                    let mut rows = rows;
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
                    }
                }
            </Loaded>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match attempts.await {
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e))/> }.into_any(),
                        Ok(list) if list.is_empty() => ().into_any(),
                        Ok(list) => view! {
                            <section class="card">
                                <h2>{t!(i18n, rankings.attempts_behind)}</h2>
                                <p>
                                    <a
                                        href=move || agent().map(|a| format!("/api/customer-service/agents/{a}/attempts?period={}&format=csv", period()))
                                        download=""
                                        class="button"
                                        data-testid="attempts-csv"
                                    >
                                        {t!(i18n, dashboard.export_csv)}
                                    </a>
                                </p>
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
