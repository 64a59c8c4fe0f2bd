//! The import pages: upload (a plain multipart form, so it works before hydration), the recent
//! imports, and one import's progress bar and report of rejected orders.
use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::api::{get_import_report, recent_imports};
use super::{ImportState, ImportSummary, REPORT_LIMIT};
use crate::auth::Role;
use crate::components::ClientOnly;
use crate::components::{error_from_query, error_text, ErrorAlert, Field, Loaded, RoleGate};
use crate::i18n::*;
use crate::locale::format::short_algiers;

fn state_text(i18n: leptos_i18n::I18nContext<Locale>, state: ImportState) -> String {
    match state {
        ImportState::Running => t_string!(i18n, imports.running).to_string(),
        ImportState::Done => t_string!(i18n, imports.done).to_string(),
        ImportState::Interrupted => t_string!(i18n, imports.interrupted).to_string(),
    }
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let recent = Resource::new(|| (), |_| recent_imports());
    let query_error = error_from_query();
    view! {
        <Title text=move || t_string!(i18n, imports.title).to_string()/>
        <h1>{t!(i18n, imports.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <section class="card">
                <p class="muted">{t!(i18n, imports.intro)}</p>
                <p class="muted" data-testid="courier-help">{t!(i18n, imports.courier_intro)}</p>
                <ErrorAlert error=query_error/>
                <form method="post" action="/api/orders/import" enctype="multipart/form-data">
                    <Field for_id="import-file" label=move || t!(i18n, imports.file)>
                        <input id="import-file" type="file" name="file" accept=".csv,text/csv" required=true/>
                    </Field>
                    <button type="submit" class="primary">{t!(i18n, imports.upload)}</button>
                </form>
            </section>
            <section class="card">
                <h2>{t!(i18n, imports.recent)}</h2>
                <Loaded load=move || async move { recent.await } let:value>
                    {match value {
                        list if list.is_empty() => view! { <p class="muted">{t!(i18n, imports.none)}</p> }.into_any(),
                        list => view! {
                        <ul class="imports">
                            {list.into_iter().map(|s| view! {
                                <li>
                                    <A href=format!("/imports/{}", s.id)>{s.file_name.clone()}</A>
                                    " · " {short_algiers(s.created_at)} " · " {move || state_text(i18n, s.state)}
                                    " · " {format!("{} / {} / {}", s.created, s.existing, s.rejected)}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    }}
                </Loaded>
            </section>
        </RoleGate>
    }
}

#[component]
pub fn ImportReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0));
    view! {
        <Title text=move || t_string!(i18n, imports.title).to_string()/>
        <p><A href="/imports">{t!(i18n, imports.back)}</A></p>
        <RoleGate role=Role::Supervisor>
            // Browser only: the report changes every second while the import runs, so a server
            // render could not match what hydration finds a moment later (seen once imports got
            // slower with duplicate checks at intake).
            <ClientOnly>
                <ImportReport id=id/>
            </ClientOnly>
        </RoleGate>
    }
}

/// The report, polled every second while the import runs.
#[component]
fn ImportReport(id: Signal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0_u32);
    let report = Resource::new(move || (id.get(), tick.get()), |(id, _)| get_import_report(id));
    // Poll while the import runs (browser only).
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let running = report
                    .get_untracked()
                    .and_then(|r| r.ok())
                    .is_some_and(|r| r.summary.state == ImportState::Running);
                if running {
                    tick.update(|n| *n += 1);
                }
            },
            Duration::from_millis(1000),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
            <Loaded load=move || async move { report.await } let:report>
                {
                    let limited = report.rejections.len() as i64 >= REPORT_LIMIT;
                    view! {
                        <Summary summary=report.summary.clone()/>
                        {(!report.rejections.is_empty()).then(|| view! {
                            <section class="card">
                                <h2>{t!(i18n, imports.rejected)}</h2>
                                {limited.then(|| view! { <p class="muted">{t!(i18n, imports.report_limited)}</p> })}
                                <div class="table-wrap">
                                    <table data-testid="rejections">
                                        <thead>
                                            <tr>
                                                <th>{t!(i18n, imports.lines)}</th>
                                                <th>{t!(i18n, imports.reference)}</th>
                                                <th>{t!(i18n, imports.reason)}</th>
                                                <th>{t!(i18n, imports.column)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {report.rejections.into_iter().map(|r| {
                                                let code = r.code;
                                                let lines = if r.first_line == r.last_line { r.first_line.to_string() } else { format!("{}–{}", r.first_line, r.last_line) };
                                                view! {
                                                    <tr data-code=code.as_str()>
                                                        <td>{lines}</td>
                                                        <td>{r.reference.clone().unwrap_or_default()}</td>
                                                        <td>{move || error_text(i18n, code)}</td>
                                                        <td><code>{r.field.clone().unwrap_or_default()}</code></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                        })}
                    }
                }
            </Loaded>
    }
}

#[component]
fn Summary(summary: ImportSummary) -> impl IntoView {
    let i18n = use_i18n();
    let percent = if summary.total_orders > 0 { summary.processed * 100 / summary.total_orders } else { 100 };
    let state = summary.state;
    view! {
        <section class="card" data-testid="import-summary" data-state=format!("{state:?}").to_lowercase()>
            <h1>{summary.file_name.clone()}</h1>
            <p class="muted">
                {short_algiers(summary.created_at)} " · " {t_string!(i18n, imports.by, name = summary.created_by_name.clone()).to_string()}
                " · " {t_string!(i18n, imports.rows, count = summary.total_rows).to_string()}
            </p>
            <p><strong>{move || state_text(i18n, state)}</strong></p>
            <progress max=summary.total_orders value=summary.processed aria-label=move || t_string!(i18n, imports.title).to_string()>
                {format!("{percent} %")}
            </progress>
            <p>{t_string!(i18n, imports.progress, done = summary.processed, total = summary.total_orders).to_string()}</p>
            <dl class="counters">
                <div><dt>{t!(i18n, imports.created)}</dt><dd data-testid="created">{summary.created}</dd></div>
                <div><dt>{t!(i18n, imports.existing)}</dt><dd data-testid="existing">{summary.existing}</dd></div>
                <div><dt>{t!(i18n, imports.rejected)}</dt><dd data-testid="rejected">{summary.rejected}</dd></div>
            </dl>
        </section>
    }
}
