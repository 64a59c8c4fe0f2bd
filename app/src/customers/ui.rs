//! The customer card: who this is, what they ordered before and how it ended, flags and notes
//! (agents add them here), and for supervisors the audit trail of the customer's orders; the
//! card on its own page.
use leptos::prelude::*;

use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{get_customer_card, AddCustomerFlag, AddCustomerNote, OverrideCustomerClass, UndoCustomerMerge};
use super::classification::{CustomerClass, Signal};
use super::domain::display_phone;
use super::{CustomerCard, FlagType};
use crate::auth::Role;
use crate::components::{action_error, ErrorAlert, Field, Loaded};
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::locale::format::{date_algiers, dzd, short_algiers};
use crate::messaging::ui::MessageList;
use crate::statuses::api::get_status_config;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

pub fn class_text(i18n: leptos_i18n::I18nContext<Locale>, class: CustomerClass) -> String {
    match class {
        CustomerClass::New => t_string!(i18n, customer.class_new).to_string(),
        CustomerClass::Regular => t_string!(i18n, customer.class_regular).to_string(),
        CustomerClass::Loyal => t_string!(i18n, customer.class_loyal).to_string(),
        CustomerClass::Vip => t_string!(i18n, customer.class_vip).to_string(),
        CustomerClass::Bad => t_string!(i18n, customer.class_bad).to_string(),
    }
}

fn signal_text(i18n: leptos_i18n::I18nContext<Locale>, signal: Signal) -> String {
    match signal {
        Signal::Base => t_string!(i18n, customer.signal_base),
        Signal::Confirmed => t_string!(i18n, customer.signal_confirmed),
        Signal::Delivered => t_string!(i18n, customer.signal_delivered),
        Signal::Cancelled => t_string!(i18n, customer.signal_cancelled),
        Signal::Returned => t_string!(i18n, customer.signal_returned),
        Signal::WrongNumber => t_string!(i18n, customer.signal_wrong_number),
        Signal::Refused => t_string!(i18n, customer.signal_refused),
        Signal::FakeOrders => t_string!(i18n, customer.signal_fake_orders),
        Signal::Unanswered => t_string!(i18n, customer.signal_unanswered),
        Signal::Spend => t_string!(i18n, customer.signal_spend),
        Signal::Recency => t_string!(i18n, customer.signal_recency),
        Signal::Frequency => t_string!(i18n, customer.signal_frequency),
        Signal::SeriousFlags => t_string!(i18n, customer.signal_serious_flags),
        Signal::MinorFlags => t_string!(i18n, customer.signal_minor_flags),
    }
    .to_string()
}

pub fn flag_text(i18n: leptos_i18n::I18nContext<Locale>, flag: FlagType) -> String {
    match flag {
        FlagType::FakeOrder => t_string!(i18n, customer.flag_fake_order).to_string(),
        FlagType::Abusive => t_string!(i18n, customer.flag_abusive).to_string(),
        FlagType::RefusedDelivery => t_string!(i18n, customer.flag_refused_delivery).to_string(),
        FlagType::WrongAddress => t_string!(i18n, customer.flag_wrong_address).to_string(),
        FlagType::Blacklisted => t_string!(i18n, customer.flag_blacklisted).to_string(),
        FlagType::Other => t_string!(i18n, customer.flag_other).to_string(),
    }
}

/// The card, with forms to add a note or a flag; `on_change` runs after one is added (the owner
/// reloads the card: one resource per page, so server rendering and hydration always agree).
#[component]
pub fn CustomerCardView(
    card: CustomerCard,
    #[prop(optional)] current_order: Option<i64>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = card.id;
    let add_note = ServerAction::<AddCustomerNote>::new();
    let add_flag = ServerAction::<AddCustomerFlag>::new();
    let override_class = ServerAction::<OverrideCustomerClass>::new();
    let undo_merge = ServerAction::<UndoCustomerMerge>::new();
    Effect::new(move |_| {
        let saved = matches!(add_note.value().get(), Some(Ok(_)))
            || matches!(add_flag.value().get(), Some(Ok(_)))
            || matches!(override_class.value().get(), Some(Ok(_)))
            || matches!(undo_merge.value().get(), Some(Ok(_)));
        if saved {
            on_change.run(());
        }
    });
    let note_error = action_error(add_note);
    let flag_error = action_error(add_flag);
    let override_error = action_error(override_class);
    let undo_error = action_error(undo_merge);
    let merged_into = card.merged_into;
    let merged = StoredValue::new(card.merged.clone());
    let me = crate::components::session::use_current_user();
    let supervisor = move || me.get().is_some_and(|u| u.role.at_least(Role::Supervisor));
    view! {
        <section class="customer-card" aria-labelledby=format!("customer-title-{id}") data-testid="customer-card">
            {merged_into.map(|survivor| view! {
                <p class="alert warn" role="status" data-testid="customer-merged-into">
                    {t!(i18n, customer.merged_into)} " "
                    <a href=format!("/customers/{survivor}")>"#" {survivor}</a>
                </p>
            })}
            <CardBody card=card current_order=current_order/>
            <Show when=move || supervisor() && merged.with_value(|m| !m.is_empty())>
                <h4>{t!(i18n, customer.merged)}</h4>
                <ul class="merged-customers" data-testid="customer-merged">
                    {merged.get_value().into_iter().map(|m| view! {
                        <li>
                            <a href=format!("/customers/{}", m.customer_id)>{m.name}</a> " "
                            <span dir="ltr">{display_phone(&m.phone)}</span>
                            <span class="muted">" — " {m.merged_by.unwrap_or_default()} ", " {short_algiers(m.merged_at)}</span>
                            <ActionForm action=undo_merge attr:class="inline">
                                <input type="hidden" name="survivor" value=id/>
                                <input type="hidden" name="merge_id" value=m.merge_id/>
                                <button type="submit" class="button">{t!(i18n, customer.undo_merge)}</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
                <ErrorAlert error=undo_error/>
            </Show>
            <details class="card-forms">
                <summary>{t!(i18n, customer.add_note)} " / " {t!(i18n, customer.add_flag)}</summary>
                <ActionForm action=add_note>
                    <input type="hidden" name="id" value=id/>
                    <Field for_id="note-content" label=move || t!(i18n, customer.add_note)>
                        <textarea id="note-content" name="content" rows="2" required=true></textarea>
                    </Field>
                    <ErrorAlert error=note_error/>
                    <button type="submit" class="button">{t!(i18n, customer.add_note)}</button>
                </ActionForm>
                <ActionForm action=add_flag>
                    <input type="hidden" name="id" value=id/>
                    <Field for_id="flag-kind" label=move || t!(i18n, customer.flag_type)>
                        <select id="flag-kind" name="kind">
                            {FlagType::ALL.iter().copied().map(|f| view! {
                                <option value=f.as_str()>{move || flag_text(i18n, f)}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field for_id="flag-reason" label=move || t!(i18n, customer.reason)>
                        <input id="flag-reason" name="reason" required=true/>
                    </Field>
                    <ErrorAlert error=flag_error/>
                    <button type="submit" class="button">{t!(i18n, customer.add_flag)}</button>
                </ActionForm>
            </details>
            <Show when=supervisor>
                <details class="card-forms">
                    <summary>{t!(i18n, customer.override_title)}</summary>
                    <ActionForm action=override_class>
                        <input type="hidden" name="id" value=id/>
                        <Field for_id="override-class" label=move || t!(i18n, customer.class)>
                            <select id="override-class" name="class">
                                <option value="">{t!(i18n, customer.override_none)}</option>
                                {CustomerClass::ALL.iter().copied().map(|c| view! {
                                    <option value=c.as_str()>{move || class_text(i18n, c)}</option>
                                }).collect_view()}
                            </select>
                        </Field>
                        <Field for_id="override-reason" label=move || t!(i18n, customer.reason)>
                            <input id="override-reason" name="reason"/>
                        </Field>
                        <Field for_id="override-until" label=move || t!(i18n, customer.override_until)>
                            <input id="override-until" name="until" type="date"/>
                        </Field>
                        <ErrorAlert error=override_error/>
                        <button type="submit" class="button">{t!(i18n, customer.override_save)}</button>
                    </ActionForm>
                </details>
            </Show>
        </section>
    }
}

#[component]
fn CardBody(card: CustomerCard, current_order: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let config = use_context::<StoredValue<StatusConfig>>();
    let counters = card.counters.clone();
    view! {
        <h3 id=format!("customer-title-{}", card.id)>{t!(i18n, customer.title)} ": " {card.name.clone()}</h3>
        <p>
            <span dir="ltr">{display_phone(&card.phone)}</span>
            {card.email.clone().map(|e| view! { " · " <span dir="ltr" class="customer-email">{e}</span> })}
            " · " {t!(i18n, customer.language)} ": " {card.language.native_name()}
            {card.wilaya_name.clone().map(|w| view! { " · " {w} })}
        </p>
        {(!card.other_phones.is_empty()).then(|| view! {
            <p class="muted">{t!(i18n, customer.other_phones)} ": " <span dir="ltr">{card.other_phones.iter().map(|p| display_phone(p)).collect::<Vec<_>>().join(", ")}</span></p>
        })}
        <ClassificationBlock classification=card.classification.clone()/>
        <dl class="counters">
            <div><dt>{t!(i18n, customer.orders)}</dt><dd>{counters.total_orders}</dd></div>
            <div><dt>{t!(i18n, customer.confirmed)}</dt><dd>{counters.confirmed}</dd></div>
            <div><dt>{t!(i18n, customer.cancelled)}</dt><dd>{counters.cancelled}</dd></div>
            {(counters.wrong_number > 0).then(|| view! { <div><dt>{t!(i18n, customer.wrong_number)}</dt><dd>{counters.wrong_number}</dd></div> })}
            {(counters.unreachable + counters.abandoned > 0).then(|| view! {
                <div><dt>{t!(i18n, customer.unreached)}</dt><dd>{counters.unreachable + counters.abandoned}</dd></div>
            })}
            <div data-testid="counter-delivered"><dt>{t!(i18n, customer.delivered)}</dt><dd>{counters.delivered}</dd></div>
            <div data-testid="counter-returned"><dt>{t!(i18n, customer.returned)}</dt><dd>{counters.returned + counters.refused}</dd></div>
            {(counters.refused > 0).then(|| view! { <div><dt>{t!(i18n, customer.refused)}</dt><dd>{counters.refused}</dd></div> })}
            {(counters.fake_orders > 0).then(|| view! {
                <div class="danger"><dt>{t!(i18n, customer.fake_orders)}</dt><dd>{counters.fake_orders}</dd></div>
            })}
            <div data-testid="counter-spent"><dt>{t!(i18n, customer.spent)}</dt><dd>{dzd(counters.total_spent)}</dd></div>
        </dl>
        {(!card.flags.is_empty()).then(|| view! {
            <h4>{t!(i18n, customer.flags)}</h4>
            <ul class="flags" data-testid="customer-flags">
                {card.flags.iter().map(|f| {
                    let kind = f.kind;
                    view! {
                        <li class="flag">
                            <span class="badge danger">{move || flag_text(i18n, kind)}</span>
                            " " {f.reason.clone()} <span class="muted">" — " {f.added_by_name.clone()} ", " {date_algiers(f.date)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {(!card.notes.is_empty()).then(|| view! {
            <h4>{t!(i18n, customer.notes)}</h4>
            <ul class="notes" data-testid="customer-notes">
                {card.notes.iter().map(|n| view! {
                    <li>{n.content.clone()} <span class="muted">" — " {n.added_by_name.clone()} ", " {short_algiers(n.date)}</span></li>
                }).collect_view()}
            </ul>
        })}
        {
            // The order panel lists the current order's own messages.
            let others: Vec<_> = card.messages.iter().filter(|m| current_order.is_none() || m.order_id != current_order).cloned().collect();
            let heading = format!("customer-messages-{}", card.id);
            (!others.is_empty()).then(|| view! {
                <h4 id=heading.clone()>{t!(i18n, customer.messages)}</h4>
                <MessageList messages=others labelled_by=heading/>
            })
        }
        <h4>{t!(i18n, customer.history)}</h4>
        <ul class="past-orders">
            {card.orders.iter().map(|o| {
                let status = match config {
                    Some(config) => view! { <StatusChip config=config code=o.status.clone()/> }.into_any(),
                    None => view! { <span class="status-code">{o.status.clone()}</span> }.into_any(),
                };
                view! {
                    <li class:current=current_order == Some(o.id)>
                        {o.number.clone()} " · " {date_algiers(o.created_at)} " · "
                        {dzd(o.total)} " " {status}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!card.audit.is_empty()).then(|| view! {
            <details>
                <summary>{t!(i18n, customer.audit)}</summary>
                <ul class="audit">
                    {card.audit.iter().map(|a| view! {
                        <li>
                            <span class="muted">{short_algiers(a.at)}</span> " " {a.action.clone()} " #" {a.entity_id}
                            " " {a.actor_name.clone().unwrap_or_default()}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// The class with its score and the breakdown behind it; a bad customer is announced before the call.
#[component]
fn ClassificationBlock(classification: super::ClassificationView) -> impl IntoView {
    let i18n = use_i18n();
    let class = classification.class;
    let computed = classification.computed_class;
    let breakdown = classification.breakdown.clone();
    let overridden = classification.override_.clone();
    view! {
        {(class == CustomerClass::Bad).then(|| view! {
            <p class="alert error" role="alert" data-testid="bad-customer">{t!(i18n, customer.bad_warning)}</p>
        })}
        <p class="classification" data-class=class.as_str() data-testid="customer-class">
            <span class=format!("badge class-{}", class.as_str())>{move || class_text(i18n, class)}</span>
            " " {t!(i18n, customer.score)} " " <strong>{classification.score}</strong> "/100"
            {overridden.map(|o| view! {
                <span class="muted">
                    " · " {t!(i18n, customer.override_by)} " " {o.by_name.clone()} " : « " {o.reason.clone()} " »"
                    {o.until.map(|u| view! { " → " {date_algiers(u)} })}
                    " · " {t!(i18n, customer.computed)} " " {move || class_text(i18n, computed)}
                </span>
            })}
        </p>
        <details class="breakdown">
            <summary>{t!(i18n, customer.why_score)}</summary>
            <table data-testid="score-breakdown">
                <tbody>
                    {breakdown.into_iter().map(|b| {
                        let signal = b.signal;
                        view! {
                            <tr>
                                <td>{move || signal_text(i18n, signal)}</td>
                                <td>{if signal == Signal::Base { String::new() } else { b.value.to_string() }}</td>
                                <td class="amount">{format!("{:+}", b.points)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// A customer's card on its own page (supervisors see the audit trail on it).
#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let reload = RwSignal::new(0_u32);
    let config = Resource::new(|| (), |_| get_status_config());
    let card = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_customer_card(id).await,
                None => Err(AppError::new(ErrorCode::NotFound)),
            }
        },
    );
    let on_change = Callback::new(move |_: ()| reload.update(|n| *n += 1));
    view! {
        <Title text=move || t_string!(i18n, orders.customer_page).to_string()/>
        <h1>{t!(i18n, orders.customer_page)}</h1>
        <Loaded
            load=move || async move {
                let (config, card) = (config.await, card.await);
                if let Ok(config) = config {
                    provide_context(StoredValue::new(config));
                }
                card
            }
            let:card
        >
            <section class="card"><CustomerCardView card=card on_change=on_change/></section>
        </Loaded>
    }
}
