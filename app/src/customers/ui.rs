//! The customer card: who this is, what they ordered before and how it ended, flags and notes
//! (agents add them here), and for supervisors the audit trail of the customer's orders.
use leptos::prelude::*;

use super::api::{AddCustomerFlag, AddCustomerNote};
use super::domain::display_phone;
use super::{CustomerCard, FlagType};
use crate::components::clock::{date_algiers, short_algiers};
use crate::components::{action_error, ErrorAlert};
use crate::i18n::*;
use crate::orders::domain::group_thousands;
use crate::orders::ui::StatusChip;
use crate::statuses::StatusConfig;

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
    Effect::new(move |_| {
        let saved = matches!(add_note.value().get(), Some(Ok(_))) || matches!(add_flag.value().get(), Some(Ok(_)));
        if saved {
            on_change.run(());
        }
    });
    let note_error = action_error(add_note);
    let flag_error = action_error(add_flag);
    view! {
        <section class="customer-card" data-testid="customer-card">
            <CardBody card=card current_order=current_order/>
            <details class="card-forms">
                <summary>{t!(i18n, customer.add_note)} " / " {t!(i18n, customer.add_flag)}</summary>
                <ActionForm action=add_note>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for="note-content">{t!(i18n, customer.add_note)}</label>
                        <textarea id="note-content" name="content" rows="2" required=true></textarea>
                    </div>
                    <ErrorAlert error=note_error/>
                    <button type="submit" class="button">{t!(i18n, customer.add_note)}</button>
                </ActionForm>
                <ActionForm action=add_flag>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for="flag-kind">{t!(i18n, customer.flag_type)}</label>
                        <select id="flag-kind" name="kind">
                            {FlagType::ALL.iter().copied().map(|f| view! {
                                <option value=f.as_str()>{move || flag_text(i18n, f)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="flag-reason">{t!(i18n, customer.reason)}</label>
                        <input id="flag-reason" name="reason" required=true/>
                    </div>
                    <ErrorAlert error=flag_error/>
                    <button type="submit" class="button">{t!(i18n, customer.add_flag)}</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn CardBody(card: CustomerCard, current_order: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let config = use_context::<StoredValue<StatusConfig>>();
    let counters = card.counters.clone();
    view! {
        <h3>{t!(i18n, customer.title)} ": " {card.name.clone()}</h3>
        <p>
            <span dir="ltr">{display_phone(&card.phone)}</span>
            " · " {t!(i18n, customer.language)} ": " {card.language.native_name()}
            {card.wilaya_name.clone().map(|w| view! { " · " {w} })}
        </p>
        {(!card.other_phones.is_empty()).then(|| view! {
            <p class="muted">{t!(i18n, customer.other_phones)} ": " <span dir="ltr">{card.other_phones.iter().map(|p| display_phone(p)).collect::<Vec<_>>().join(", ")}</span></p>
        })}
        <dl class="counters">
            <div><dt>{t!(i18n, customer.orders)}</dt><dd>{counters.total_orders}</dd></div>
            <div><dt>{t!(i18n, customer.confirmed)}</dt><dd>{counters.confirmed}</dd></div>
            <div><dt>{t!(i18n, customer.cancelled)}</dt><dd>{counters.cancelled}</dd></div>
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
                        {format!("{} DA", group_thousands(o.total))} " " {status}
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
