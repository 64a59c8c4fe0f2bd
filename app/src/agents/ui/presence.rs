//! The presence switch in the header (agents), with its heartbeat.
use std::time::Duration;

use leptos::prelude::*;

use super::text::*;
use crate::agents::api::{get_my_profile, heartbeat, SetPresence};
use crate::agents::Presence;
use crate::components::{action_error, ErrorAlert};
use crate::i18n::*;

/// The agent's presence switch (header). While the agent uses the page, a heartbeat every minute
/// keeps them from being turned offline for inactivity.
#[component]
pub fn PresenceSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetPresence>::new();
    let profile = Resource::new(move || set.version().get(), |_| get_my_profile());
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
