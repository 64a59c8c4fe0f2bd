//! The duplicate review queue (supervisors): each suspected pair side by side, the differences
//! highlighted, the evidence listed with what each factor contributed, and the three decisions.
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{get_duplicate_accuracy, get_duplicate_pairs, DecideDuplicate};
use super::{Decision, DuplicatePair, Factor, PairSide, PhoneRelation};
use crate::auth::Role;
use crate::components::{action_error, ErrorAlert, Loaded, RoleGate};
use crate::customers::domain::display_phone;
use crate::i18n::*;
use crate::locale::format::{dzd, short_algiers};

type I18n = I18nContext<Locale>;

fn factor_text(i18n: I18n, factor: Factor) -> String {
    match factor {
        Factor::Phone => t_string!(i18n, duplicates.f_phone),
        Factor::SameCustomer => t_string!(i18n, duplicates.f_same_customer),
        Factor::Name => t_string!(i18n, duplicates.f_name),
        Factor::Address => t_string!(i18n, duplicates.f_address),
        Factor::Place => t_string!(i18n, duplicates.f_place),
        Factor::Total => t_string!(i18n, duplicates.f_total),
        Factor::Products => t_string!(i18n, duplicates.f_products),
        Factor::TimeGap => t_string!(i18n, duplicates.f_time),
    }
    .to_string()
}

fn phone_text(i18n: I18n, relation: PhoneRelation) -> String {
    match relation {
        PhoneRelation::Same => t_string!(i18n, duplicates.phone_same),
        PhoneRelation::OneDigit => t_string!(i18n, duplicates.phone_one_digit),
        PhoneRelation::Transposed => t_string!(i18n, duplicates.phone_transposed),
        PhoneRelation::Different => t_string!(i18n, duplicates.phone_different),
    }
    .to_string()
}

#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideDuplicate>::new();
    // live: pairs found or decided elsewhere refresh the queue and its counters
    let live = crate::components::live::use_live();
    let pairs = Resource::new(move || (decide.version().get(), live.duplicates.get()), |_| get_duplicate_pairs());
    let accuracy = Resource::new(move || (decide.version().get(), live.duplicates.get()), |_| get_duplicate_accuracy());
    let error = action_error(decide);
    view! {
        <Title text=move || t_string!(i18n, duplicates.title).to_string()/>
        <h1>{t!(i18n, duplicates.title)}</h1>
        <RoleGate role=Role::Supervisor>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    accuracy.await.ok().map(|a| view! {
                        <p class="muted" data-testid="duplicate-accuracy">
                            {t!(i18n, duplicates.accuracy, decided = a.decided, open = a.open, missed = a.missed)}
                            {a.precision.map(|p| format!(" · {:.0} %", p * 100.0))}
                        </p>
                    })
                })}
            </Transition>
            <p>
                <a href="/api/customer-service/duplicates?format=csv" download="" class="button" data-testid="pairs-csv">
                    {t!(i18n, dashboard.export_csv)}
                </a>
            </p>
            <ErrorAlert error=error/>
            <Loaded load=move || async move { pairs.await } let:value>
                {match value {
                    list if list.is_empty() => view! { <p class="muted">{t!(i18n, duplicates.none)}</p> }.into_any(),
                    list => list.into_iter().map(|p| view! { <PairCard pair=p decide=decide/> }).collect_view().into_any(),
                }}
            </Loaded>
        </RoleGate>
    }
}

#[component]
fn PairCard(pair: DuplicatePair, decide: ServerAction<DecideDuplicate>) -> impl IntoView {
    let i18n = use_i18n();
    let id = pair.id;
    let evidence = pair.evidence.clone();
    let phone = evidence.phone;
    let send = move |decision: Decision| {
        decide.dispatch(DecideDuplicate { pair_id: id, decision: decision.as_str().to_string() });
    };
    let (a, b) = (pair.order.clone(), pair.original.clone());
    view! {
        <section class="card pair" data-testid="duplicate-pair" data-pair=id data-order=pair.order.order_id>
            <h2>
                {t!(i18n, duplicates.confidence)} " " <strong>{format!("{} %", pair.score)}</strong>
                " · " {move || phone_text(i18n, phone)}
            </h2>
            <div class="pair-sides">
                <Side side=a.clone() other=b.clone() label="later"/>
                <Side side=b other=a label="original"/>
            </div>
            <h3>{t!(i18n, duplicates.evidence)}</h3>
            <ul class="evidence" data-testid="evidence">
                <li>{t!(i18n, duplicates.f_name)} " " {format!("{:.0} %", evidence.name_similarity * 100.0)}</li>
                <li>{t!(i18n, duplicates.f_address)} " " {format!("{:.0} %", evidence.address_similarity * 100.0)}</li>
                <li>{t!(i18n, duplicates.f_products)} " " {format!("{:.0} %", evidence.product_overlap * 100.0)}</li>
                <li>{t!(i18n, duplicates.f_total)} " " {format!("{:.0} %", evidence.total_ratio * 100.0)}</li>
                <li>{t!(i18n, duplicates.f_time)} " " {format!("{:.1} h", evidence.hours_apart)}</li>
            </ul>
            <table class="contributions">
                <tbody>
                    {evidence.contributions.iter().filter(|(_, v)| v.abs() >= 0.05).map(|(f, v)| {
                        let f = *f;
                        view! { <tr><td>{move || factor_text(i18n, f)}</td><td class="amount">{format!("{v:+.1}")}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions">
                <button type="button" class="danger" disabled=move || decide.pending().get() on:click=move |_| send(Decision::Duplicate)>
                    {t!(i18n, duplicates.is_duplicate)}
                </button>
                <button type="button" disabled=move || decide.pending().get() on:click=move |_| send(Decision::NotDuplicate)>
                    {t!(i18n, duplicates.not_duplicate)}
                </button>
                <button type="button" disabled=move || decide.pending().get() on:click=move |_| send(Decision::SameCustomer)>
                    {t!(i18n, duplicates.same_customer)}
                </button>
            </div>
        </section>
    }
}

/// One order of the pair; fields that differ from the other side are highlighted.
#[component]
fn Side(side: PairSide, other: PairSide, label: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let differs = |a: &str, b: &str| if a == b { "same" } else { "differs" };
    let items = side.items.join(", ");
    let other_items = other.items.join(", ");
    view! {
        <div class="pair-side" data-side=label>
            <h3>
                {if label == "later" { t_string!(i18n, duplicates.later) } else { t_string!(i18n, duplicates.original) }}
                " " <A href=format!("/orders/{}", side.order_id)>{side.number.clone()}</A>
            </h3>
            <dl class="facts">
                <dt>{t!(i18n, duplicates.f_name)}</dt>
                <dd class=differs(&side.name, &other.name)>{side.name.clone()}</dd>
                <dt>{t!(i18n, duplicates.f_phone)}</dt>
                <dd class=differs(&side.phone, &other.phone) dir="ltr">{display_phone(&side.phone)}</dd>
                <dt>{t!(i18n, duplicates.f_address)}</dt>
                <dd class=differs(&side.address, &other.address)>{side.address.clone()} " · " {side.wilaya.clone()}</dd>
                <dt>{t!(i18n, duplicates.f_products)}</dt>
                <dd class=differs(&items, &other_items)>{items.clone()}</dd>
                <dt>{t!(i18n, duplicates.f_total)}</dt>
                <dd class=differs(&side.total.to_string(), &other.total.to_string())>{dzd(side.total)}</dd>
                <dt>{t!(i18n, duplicates.created)}</dt>
                <dd>{short_algiers(side.created_at)}</dd>
            </dl>
        </div>
    }
}
