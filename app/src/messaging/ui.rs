//! The message templates page (supervisors): each step with its switch and a template per
//! language, and under every template a live preview computed in the browser as one types — the
//! text for a sample order, its encoding, characters, parts and cost, the characters that force
//! UCS-2, and the GSM-7 variant with what it saves.
pub mod outbox;

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

use super::api::{get_message_templates, save_message_template, set_message_step, SaveMessagingSettings};
use super::domain::{self, MessageFacts};
use super::{
    preview_text, Channel, MessageStatus, MessagingSettings, SmsEntry, SmsPreview, StepView, ORDER_RECEIVED, REMINDER,
    SHIPPED_SOON,
};
use crate::auth::Role;
use crate::components::{action_error, error_text, ErrorAlert, Field, Loaded, RoleGate};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::format::{clock_minute, parse_clock_minute, short_algiers};
use crate::locale::UiLocale;
use crate::statuses::api::get_status_config;
use crate::statuses::StatusConfig;

/// The name of a step: a status's label, or the name of an order event.
fn step_name(i18n: I18nContext<Locale>, config: &StatusConfig, step: &str) -> String {
    match step {
        ORDER_RECEIVED => t_string!(i18n, messaging.step_order_received).to_string(),
        SHIPPED_SOON => t_string!(i18n, messaging.step_shipped_soon).to_string(),
        REMINDER => t_string!(i18n, messaging.step_reminder).to_string(),
        code => config
            .get(code)
            .map(|s| s.label(UiLocale::from_i18n(i18n.get_locale())).to_string())
            .unwrap_or_else(|| code.to_string()),
    }
}

/// A message's delivery status, translated.
pub fn message_status_text(i18n: I18nContext<Locale>, status: MessageStatus) -> String {
    match status {
        MessageStatus::Queued => t_string!(i18n, messaging.status_queued).to_string(),
        MessageStatus::Sending => t_string!(i18n, messaging.status_sending).to_string(),
        MessageStatus::Sent => t_string!(i18n, messaging.status_sent).to_string(),
        MessageStatus::Delivered => t_string!(i18n, messaging.status_delivered).to_string(),
        MessageStatus::Failed => t_string!(i18n, messaging.status_failed).to_string(),
        MessageStatus::Undelivered => t_string!(i18n, messaging.status_undelivered).to_string(),
        MessageStatus::Expired => t_string!(i18n, messaging.status_expired).to_string(),
        MessageStatus::Unknown => t_string!(i18n, messaging.status_unknown).to_string(),
    }
}

/// The name of a step, in the UI language (needs the status configuration in context, as the
/// order panel provides it; else the step's code).
#[component]
pub fn StepName(step: String) -> impl IntoView {
    let i18n = use_i18n();
    let config = use_context::<StoredValue<StatusConfig>>();
    move || match config {
        Some(config) => config.with_value(|c| step_name(i18n, c, &step)),
        None => step.clone(),
    }
}

/// Messages with their step, delivery status, time and cost, labelled by the caller's heading.
#[component]
pub fn MessageList(messages: Vec<SmsEntry>, #[prop(into)] labelled_by: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="messages" aria-labelledby=labelled_by>
            {messages.into_iter().map(|m| {
                let status = m.status;
                let at = m.sent_at.unwrap_or(m.created_at);
                let cost = m.cost.map(|c| format!(" · {c:.2} DA"));
                let dir = if m.language.is_rtl() { "rtl" } else { "ltr" };
                view! {
                    <li data-message-status=status.as_str()>
                        <span class="muted">{short_algiers(at)}</span> " "
                        <StepName step=m.step.clone()/> " · "
                        <strong class="message-status">{move || message_status_text(i18n, status)}</strong>
                        {match m.channel {
                            Channel::Sms => None,
                            Channel::Whatsapp => Some(" · WhatsApp"),
                            Channel::Email => Some(" · E-mail"),
                        }}
                        {cost}
                        {m.reply.clone().map(|reply| {
                            let attribute = reply.clone();
                            view! { <p class="customer-reply" data-reply=attribute>{move || reply_text(i18n, &reply)}</p> }
                        })}
                        <p class="note" dir=dir lang=m.language.tag()>{m.message.clone()}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The customer's answer with a WhatsApp button, translated.
fn reply_text(i18n: I18nContext<Locale>, reply: &str) -> String {
    match reply {
        "confirm" => t_string!(i18n, messaging.reply_confirm).to_string(),
        "cancel" => t_string!(i18n, messaging.reply_cancel).to_string(),
        "reschedule" => t_string!(i18n, messaging.reply_reschedule).to_string(),
        other => other.to_string(),
    }
}

fn language_name(i18n: I18nContext<Locale>, language: UiLocale) -> String {
    match language {
        UiLocale::Fr => t_string!(i18n, messaging.lang_fr).to_string(),
        UiLocale::Ar => t_string!(i18n, messaging.lang_ar).to_string(),
        UiLocale::ArDz => t_string!(i18n, messaging.lang_ar_dz).to_string(),
    }
}

#[component]
pub fn MessageTemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let save_settings = ServerAction::<SaveMessagingSettings>::new();
    // Not reloaded when the settings are saved: templates being typed stay as they are.
    let page = Resource::new(|| (), |_| get_message_templates());
    let config = Resource::new(|| (), |_| get_status_config());
    view! {
        <Title text=move || t_string!(i18n, messaging.title).to_string()/>
        <h1>{t!(i18n, messaging.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <p class="muted">{t!(i18n, messaging.intro)}</p>
            <Loaded
                load=move || async move {
                    let (page, config) = (page.await, config.await);
                    Ok((page?, config?))
                }
                let:loaded
            >
                {
                    let (page, config) = loaded;
                    let settings = RwSignal::new(page.settings);
                    Effect::new(move |_| {
                        if let Some(Ok(saved)) = save_settings.value().get() {
                            settings.set(saved);
                        }
                    });
                    let config = StoredValue::new(config);
                    let sample_at = page.sample_at;
                    let sample = Memo::new(move |_| settings.with(|s| MessageFacts::sample(sample_at, &s.shop_name)));
                    view! {
                        <SettingsForm settings=settings.get_untracked() save=save_settings/>
                        {page.steps
                            .into_iter()
                            .map(|step| view! { <StepCard step=step config=config settings=settings.into() sample=sample.into()/> })
                            .collect_view()}
                    }
                }
            </Loaded>
        </RoleGate>
    }
}

/// The shop's messaging settings: its name in messages, the default language, quiet hours and
/// the tariff used when a provider gives no price.
#[component]
fn SettingsForm(settings: MessagingSettings, save: ServerAction<SaveMessagingSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(settings);
    let error = action_error(save);
    let dinars = |centimes: i64| format!("{:.2}", centimes as f64 / 100.0);
    let centimes = |text: &str| text.trim().replace(',', ".").parse::<f64>().ok().map(|v| (v * 100.0).round() as i64);
    view! {
        <form class="card settings" aria-labelledby="messaging-settings-title"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(SaveMessagingSettings { settings: draft.get_untracked() });
            }>
            <h2 id="messaging-settings-title">{t!(i18n, messaging.settings)}</h2>
            <ErrorAlert error=error/>
            <div class="create-grid">
                <Field for_id="ms-shop" label=move || t!(i18n, messaging.shop_name)>
                    <input id="ms-shop" maxlength="40" prop:value=move || draft.with(|d| d.shop_name.clone())
                        on:input=move |ev| draft.update(|d| d.shop_name = event_target_value(&ev))/>
                </Field>
                <Field for_id="ms-language" label=move || t!(i18n, messaging.default_language)>
                    <select id="ms-language"
                        on:change=move |ev| if let Ok(l) = UiLocale::parse(&event_target_value(&ev)) { draft.update(|d| d.default_language = l) }>
                        {UiLocale::ALL.iter().map(|l| {
                            let l = *l;
                            view! { <option value=l.tag() selected=move || draft.with(|d| d.default_language == l)>{move || language_name(i18n, l)}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field for_id="ms-quiet-start" label=move || t!(i18n, messaging.quiet_start)>
                    <input id="ms-quiet-start" type="time" prop:value=move || draft.with(|d| clock_minute(i32::from(d.quiet_start_minute)))
                        on:input=move |ev| if let Some(m) = parse_clock_minute(&event_target_value(&ev)).and_then(|m| u16::try_from(m % 1440).ok()) { draft.update(|d| d.quiet_start_minute = m) }/>
                </Field>
                <Field for_id="ms-quiet-end" label=move || t!(i18n, messaging.quiet_end)>
                    <input id="ms-quiet-end" type="time" prop:value=move || draft.with(|d| clock_minute(i32::from(d.quiet_end_minute)))
                        on:input=move |ev| if let Some(m) = parse_clock_minute(&event_target_value(&ev)).and_then(|m| u16::try_from(m % 1440).ok()) { draft.update(|d| d.quiet_end_minute = m) }/>
                </Field>
                <Field for_id="ms-gsm" label=move || t!(i18n, messaging.gsm_tariff)>
                    <input id="ms-gsm" inputmode="decimal" dir="ltr" prop:value=move || draft.with(|d| dinars(d.gsm_segment_centimes))
                        on:change=move |ev| if let Some(c) = centimes(&event_target_value(&ev)) { draft.update(|d| d.gsm_segment_centimes = c) }/>
                </Field>
                <Field for_id="ms-ucs2" label=move || t!(i18n, messaging.ucs2_tariff)>
                    <input id="ms-ucs2" inputmode="decimal" dir="ltr" prop:value=move || draft.with(|d| dinars(d.ucs2_segment_centimes))
                        on:change=move |ev| if let Some(c) = centimes(&event_target_value(&ev)) { draft.update(|d| d.ucs2_segment_centimes = c) }/>
                </Field>
            </div>
            <label class="check">
                <input type="checkbox" prop:checked=move || draft.with(|d| d.friday_pause)
                    on:change=move |ev| draft.update(|d| d.friday_pause = event_target_checked(&ev))/>
                {t!(i18n, messaging.friday_pause)}
            </label>
            <p class="hint">{t!(i18n, messaging.quiet_hint)}</p>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, messaging.save_settings)}</button>
        </form>
    }
}

#[component]
fn StepCard(
    step: StepView,
    config: StoredValue<StatusConfig>,
    settings: Signal<MessagingSettings>,
    sample: Signal<MessageFacts>,
) -> impl IntoView {
    let i18n = use_i18n();
    let channel = step.channel;
    let name = {
        let code = step.step.clone();
        // SMS cards are named by the step alone; another channel's card says which.
        move || {
            let name = config.with_value(|c| step_name(i18n, c, &code));
            match channel {
                Channel::Sms => name,
                Channel::Whatsapp => format!("{name} · WhatsApp"),
                Channel::Email => format!("{name} · E-mail"),
            }
        }
    };
    let title_id = format!("step-{}-{}", step.step, step.channel.as_str());
    let labelled_by = title_id.clone();
    let enabled = RwSignal::new(step.enabled);
    let switch = Action::new(move |(code, on): &(String, bool)| set_message_step(code.clone(), channel, *on));
    let switch_error = Signal::derive(move || switch.value().get().and_then(|r| r.err()));
    let code = step.step.clone();
    let templates: Vec<(UiLocale, String)> = UiLocale::ALL
        .iter()
        .map(|l| (*l, step.templates.iter().find(|t| t.language == *l).map(|t| t.body.clone()).unwrap_or_default()))
        .collect();
    view! {
        <section class="card step-card" aria-labelledby=labelled_by>
            <div class="toolbar">
                <h2 id=title_id>{name}</h2>
                <label class="check">
                    <input type="checkbox" prop:checked=enabled
                        on:change={
                            let code = code.clone();
                            move |ev| {
                                let on = event_target_checked(&ev);
                                enabled.set(on);
                                switch.dispatch((code.clone(), on));
                            }
                        }/>
                    {t!(i18n, messaging.enabled)}
                </label>
            </div>
            <ErrorAlert error=switch_error/>
            <div class="template-grid">
                {templates.into_iter().map(|(language, body)| view! {
                    <TemplateEditor step=code.clone() channel=channel language=language initial=body settings=settings sample=sample/>
                }).collect_view()}
            </div>
        </section>
    }
}

/// The live preview of a template as typed.
#[derive(Clone, Debug, PartialEq)]
enum Live {
    Invalid(AppError),
    Counted(super::SmsPreview),
}

fn live(body: &str, language: UiLocale, sample: &MessageFacts, settings: &MessagingSettings) -> Live {
    match sms::Template::parse(body).and_then(|t| domain::render(&t, sample, language)) {
        Ok(text) => Live::Counted(preview_text(&text, settings)),
        Err(error) => Live::Invalid(error.into()),
    }
}

#[component]
fn TemplateEditor(
    step: String,
    channel: Channel,
    language: UiLocale,
    initial: String,
    settings: Signal<MessagingSettings>,
    sample: Signal<MessageFacts>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("tpl-{step}-{}-{}", channel.as_str(), language.tag());
    let (label_id, labelled_by, label_for) = (format!("{id}-label"), format!("{id}-label"), id.clone());
    let body = RwSignal::new(initial);
    let saved = RwSignal::new(false);
    let preview =
        Memo::new(move |_| body.with(|b| sample.with(|s| settings.with(|settings| live(b, language, s, settings)))));
    let save = Action::new(move |text: &String| save_message_template(step.clone(), channel, language, text.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            saved.set(result.is_ok());
        }
    });
    let save_error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let dir = if language.is_rtl() { "rtl" } else { "ltr" };
    let lang = language.tag();
    view! {
        <div class="template-editor" role="group" aria-labelledby=labelled_by>
            <label id=label_id for=label_for>{move || language_name(i18n, language)}</label>
            <textarea id=id rows="4" dir=dir lang=lang prop:value=body
                on:input=move |ev| { saved.set(false); body.set(event_target_value(&ev)); }></textarea>
            <div class="preview" aria-live="polite" data-testid="sms-preview">
                {move || match preview.get() {
                    Live::Invalid(error) => {
                        let position = error.position.unwrap_or(0);
                        let code = error.code;
                        view! {
                            <p class="form-error" role="alert" data-error-code=code.as_str()>
                                {move || error_text(i18n, code)} " "
                                {move || t_string!(i18n, messaging.at_character, position = position + 1).to_string()}
                            </p>
                        }.into_any()
                    }
                    // Parts and their price are an SMS matter; WhatsApp and e-mail show the text alone.
                    Live::Counted(p) if channel != Channel::Sms => {
                        view! { <p class="rendered" dir=dir lang=lang>{p.text}</p> }.into_any()
                    }
                    Live::Counted(p) => view! { <PreviewFacts preview=p language=language/> }.into_any(),
                }}
            </div>
            <ErrorAlert error=save_error/>
            <div class="inline">
                <button type="button" class="primary"
                    disabled=move || save.pending().get() || matches!(preview.get(), Live::Invalid(_))
                    on:click=move |_| { save.dispatch(body.get_untracked()); }>
                    {move || t_string!(i18n, messaging.save, language = language_name(i18n, language)).to_string()}
                </button>
                <Show when=move || saved.get()>
                    <span class="form-ok" role="status">{t!(i18n, messaging.saved)}</span>
                </Show>
            </div>
        </div>
    }
}

/// A counted text: the text itself, its encoding, characters, parts and cost, the characters
/// that force UCS-2, and what the GSM-7 variant would save.
#[component]
pub fn PreviewFacts(preview: SmsPreview, language: UiLocale) -> impl IntoView {
    let i18n = use_i18n();
    let p = preview;
    let dir = if language.is_rtl() { "rtl" } else { "ltr" };
    let saving = p.gsm_variant_segments.filter(|v| *v < p.segments).map(|v| p.segments - v);
    let cost = format!("{:.2} DA", p.cost_dzd);
    let (encoding, characters, segments) = (p.encoding.clone(), p.characters, p.segments);
    view! {
        <p class="rendered" dir=dir lang=language.tag()>{p.text.clone()}</p>
        <p class="sms-facts" data-testid="sms-facts">
            <span data-testid="sms-encoding">{encoding}</span> " · "
            {move || t_string!(i18n, messaging.characters, count = characters).to_string()} " · "
            <span data-testid="sms-segments">{move || t_string!(i18n, messaging.segments, count = segments).to_string()}</span> " · "
            <span data-testid="sms-cost">{cost}</span>
        </p>
        // In Arabic every letter is outside GSM-7: naming them says nothing.
        {(!p.non_gsm_characters.is_empty() && !language.is_rtl()).then(|| {
            let list = p.non_gsm_characters.join(" ");
            view! { <p class="hint">{move || t_string!(i18n, messaging.non_gsm, chars = list.clone()).to_string()}</p> }
        })}
        {saving.map(|parts| view! {
            <p class="hint">{move || t_string!(i18n, messaging.gsm_saving, parts = parts).to_string()}</p>
        })}
    }
}
