//! The routing settings form (admins; shown on the jobs page).

use leptos::prelude::*;

use super::text::*;
use crate::agents::api::{get_routing_settings, SaveRoutingSettings};
use crate::components::{action_error, ErrorAlert, Field};
use crate::i18n::*;
use crate::locale::format::{clock_minute, parse_clock_minute};

/// Routing settings (admins): relaxation, inactivity, business hours and days.
#[component]
pub fn RoutingSettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveRoutingSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_routing_settings());
    let error = action_error(save);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                settings.await.ok().map(|s| {
                    let draft = RwSignal::new(s);
                    let hm = |m: i16| clock_minute(i32::from(m));
                    let parse_hm = |t: &str| parse_clock_minute(t).and_then(|m| i16::try_from(m).ok());
                    let minutes = move |get: fn(&crate::agents::RoutingSettings) -> Option<i32>, set: fn(&mut crate::agents::RoutingSettings, Option<i32>)| {
                        (move || draft.with(|d| get(d).map(|m| m.to_string()).unwrap_or_default()),
                         move |ev: leptos::ev::Event| draft.update(|d| set(d, event_target_value(&ev).trim().parse().ok())))
                    };
                    let (wilaya, on_wilaya) = minutes(|d| d.drop_wilaya_after_minutes, |d, v| d.drop_wilaya_after_minutes = v);
                    let (arabic, on_arabic) = minutes(|d| d.any_arabic_after_minutes, |d, v| d.any_arabic_after_minutes = v);
                    view! {
                        <form class="card" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save.dispatch(SaveRoutingSettings { settings: draft.get_untracked() });
                        }>
                            <h2>{t!(i18n, routing.settings)}</h2>
                            <ErrorAlert error=error/>
                            <Field for_id="rs-wilaya" label=move || t!(i18n, routing.drop_wilaya_after) inline=true>
                                <input id="rs-wilaya" type="number" min="0" prop:value=wilaya on:input=on_wilaya/>
                            </Field>
                            <Field for_id="rs-arabic" label=move || t!(i18n, routing.any_arabic_after) inline=true>
                                <input id="rs-arabic" type="number" min="0" prop:value=arabic on:input=on_arabic/>
                            </Field>
                            <Field for_id="rs-idle" label=move || t!(i18n, routing.inactivity) inline=true>
                                <input id="rs-idle" type="number" min="1" prop:value=move || draft.with(|d| d.inactivity_minutes.to_string())
                                    on:input=move |ev| if let Ok(m) = event_target_value(&ev).trim().parse() { draft.update(|d| d.inactivity_minutes = m) }/>
                            </Field>
                            <Field for_id="rs-start" label=move || t!(i18n, routing.business_start) inline=true>
                                <input id="rs-start" type="time" prop:value=move || draft.with(|d| hm(d.business_start_minute))
                                    on:input=move |ev| if let Some(m) = parse_hm(&event_target_value(&ev)) { draft.update(|d| d.business_start_minute = m) }/>
                            </Field>
                            <Field for_id="rs-end" label=move || t!(i18n, routing.business_end) inline=true>
                                <input id="rs-end" type="time" prop:value=move || draft.with(|d| hm(d.business_end_minute))
                                    on:input=move |ev| if let Some(m) = parse_hm(&event_target_value(&ev)) { draft.update(|d| d.business_end_minute = if m == 0 { 1440 } else { m }) }/>
                            </Field>
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
