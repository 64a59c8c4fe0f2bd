//! Our own small SVG charts: bars for a series, a stacked bar for shares, a line for a rate. Each
//! draws from the inline start (time runs right to left in Arabic), labels its marks for screen
//! readers, and has the table of its figures below it (`<details>`), so a number is never only a
//! shape. Pure views: no fetching.
use leptos::prelude::*;

use crate::locale::format::group_thousands;

/// One value of a series or one share of a whole.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub label: String,
    pub value: f64,
    /// The text the table and the tooltip show (a count, a percentage).
    pub text: String,
    pub color: String,
    /// Where its label leads (the drill-down), if anywhere: the legend and the table link it.
    pub href: Option<String>,
}

impl Mark {
    pub fn count(label: String, value: i64, color: &str, href: Option<String>) -> Mark {
        Mark { label, value: value as f64, text: group_thousands(value), color: color.into(), href }
    }
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;
const AXIS: f64 = 18.0;

/// x of slot `i` of `n` (its inline-start edge), mirrored for right-to-left.
fn slot_x(i: usize, n: usize, width: f64, rtl: bool) -> f64 {
    let slot = width / n.max(1) as f64;
    if rtl {
        width - (i as f64 + 1.0) * slot
    } else {
        i as f64 * slot
    }
}

fn table(caption: String, head: (String, String), marks: &[Mark]) -> impl IntoView {
    view! {
        <details class="chart-table">
            <summary>{caption.clone()}</summary>
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr><th scope="col">{head.0}</th><th scope="col">{head.1}</th></tr></thead>
                <tbody>
                    {marks.iter().map(|m| view! {
                        <tr>
                            <th scope="row">{label_or_link(m)}</th>
                            <td data-value=m.value.to_string()>{m.text.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// A mark's label, as a link to its drill-down when it has one. (Links stay out of the SVG: an
/// `<a>` made in the browser after hydration is an HTML element, and would hide what it wraps.)
fn label_or_link(mark: &Mark) -> AnyView {
    match &mark.href {
        Some(href) => view! { <a href=href.clone()>{mark.label.clone()}</a> }.into_any(),
        None => mark.label.clone().into_any(),
    }
}

/// Vertical bars, one per mark, in order from the inline start.
#[component]
pub fn BarChart(
    title: String,
    marks: Vec<Mark>,
    rtl: bool,
    /// The table's header: what the labels and the values are.
    head: (String, String),
    table_caption: String,
) -> impl IntoView {
    let n = marks.len();
    let max = marks.iter().map(|m| m.value).fold(0.0_f64, f64::max).max(1.0);
    let slot = WIDTH / n.max(1) as f64;
    let every = (n / 10).max(1);
    let bars = marks
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let h = (m.value / max) * (HEIGHT - AXIS - 4.0);
            let x = slot_x(i, n, WIDTH, rtl) + slot * 0.15;
            let y = HEIGHT - AXIS - h;
            let label = (i % every == 0).then(|| {
                view! {
                    <text x=x + slot * 0.35 y=HEIGHT - 4.0 text-anchor="middle" class="chart-axis">{m.label.clone()}</text>
                }
            });
            view! {
                <g class="bar" data-label=m.label.clone() data-value=m.value.to_string()>
                    <rect x=x y=y width=slot * 0.7 height=h.max(0.0) fill=m.color.clone()>
                        <title>{format!("{} : {}", m.label, m.text)}</title>
                    </rect>
                    {label}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone() preserveAspectRatio="none">
                <line x1="0" x2=WIDTH y1=HEIGHT - AXIS y2=HEIGHT - AXIS class="chart-baseline"/>
                {bars}
            </svg>
            {table(table_caption, head, &marks)}
        </figure>
    }
}

/// One bar split in shares of a whole (outcomes, classes), from the inline start, with a legend.
#[component]
pub fn StackedBar(
    title: String,
    marks: Vec<Mark>,
    rtl: bool,
    head: (String, String),
    table_caption: String,
) -> impl IntoView {
    let total: f64 = marks.iter().map(|m| m.value.max(0.0)).sum();
    let mut offset = 0.0;
    let parts = marks
        .iter()
        .filter(|m| m.value > 0.0)
        .map(|m| {
            let w = if total > 0.0 { m.value / total * WIDTH } else { 0.0 };
            let x = if rtl { WIDTH - offset - w } else { offset };
            offset += w;
            view! {
                <rect class="share" x=x y="0" width=w height="28" fill=m.color.clone()
                      data-label=m.label.clone() data-value=m.value.to_string()>
                    <title>{format!("{} : {}", m.label, m.text)}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} 28") role="img" aria-label=title preserveAspectRatio="none" class="chart-stacked">
                <rect x="0" y="0" width=WIDTH height="28" class="chart-empty"/>
                {parts}
            </svg>
            <ul class="legend">
                {marks.iter().map(|m| view! {
                    <li><span class="swatch" style=format!("background:{}", m.color)></span>{label_or_link(m)}" "<b>{m.text.clone()}</b></li>
                }).collect_view()}
            </ul>
            {table(table_caption, head, &marks)}
        </figure>
    }
}

/// A rate (0..1) over time as a line with a dot per known point; unknown points break the line.
#[component]
pub fn LineChart(
    title: String,
    marks: Vec<Mark>,
    rtl: bool,
    head: (String, String),
    table_caption: String,
) -> impl IntoView {
    let n = marks.len();
    let slot = WIDTH / n.max(1) as f64;
    let point = |i: usize, v: f64| {
        (slot_x(i, n, WIDTH, rtl) + slot / 2.0, (HEIGHT - AXIS) - v.clamp(0.0, 1.0) * (HEIGHT - AXIS - 6.0))
    };
    let mut path = String::new();
    let mut pen_up = true;
    for (i, m) in marks.iter().enumerate() {
        if m.value.is_nan() {
            pen_up = true;
            continue;
        }
        let (x, y) = point(i, m.value);
        path.push_str(&format!("{}{x:.1},{y:.1} ", if pen_up { "M" } else { "L" }));
        pen_up = false;
    }
    let dots = marks
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.value.is_nan())
        .map(|(i, m)| {
            let (x, y) = point(i, m.value);
            view! {
                <circle class="point" cx=x cy=y r="3" data-label=m.label.clone() data-value=m.value.to_string()>
                    <title>{format!("{} : {}", m.label, m.text)}</title>
                </circle>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title preserveAspectRatio="none">
                <line x1="0" x2=WIDTH y1=HEIGHT - AXIS y2=HEIGHT - AXIS class="chart-baseline"/>
                <line x1="0" x2=WIDTH y1="6" y2="6" class="chart-gridline"/>
                <path d=path class="chart-line" fill="none"/>
                {dots}
            </svg>
            {table(table_caption, head, &marks)}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::slot_x;

    #[test]
    fn the_first_slot_is_at_the_inline_start_in_both_directions() {
        assert_eq!(slot_x(0, 4, 400.0, false), 0.0);
        assert_eq!(slot_x(0, 4, 400.0, true), 300.0);
        assert_eq!(slot_x(3, 4, 400.0, true), 0.0);
    }
}
