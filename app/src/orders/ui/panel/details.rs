//! What was ordered and where it goes, next to the customer card.
use leptos::prelude::*;

use crate::customers::ui::CustomerCardView;
use crate::customers::CustomerCard;
use crate::i18n::*;
use crate::locale::format::dzd;
use crate::orders::{DeliveryType, OrderView};

#[component]
pub fn OrderDetails(order: OrderView, card: CustomerCard, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let delivery_type = order.delivery_type;
    let delivery = move || match delivery_type {
        DeliveryType::Home => t_string!(i18n, queue.home_delivery).to_string(),
        DeliveryType::StopDesk => t_string!(i18n, queue.stop_desk).to_string(),
    };
    let place = [Some(format!("{:02} {}", order.wilaya_code, order.wilaya_name)), order.commune_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="order-grid">
            <section>
                <h3>{t!(i18n, queue.items)}</h3>
                <ul class="items">
                    {order.items.iter().map(|item| view! {
                        <li>
                            <span>{format!("{} × {}", item.quantity, item.name)}</span>
                            <span class="amount">{dzd(item.unit_price * i64::from(item.quantity))}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <p class="total"><strong>{t!(i18n, queue.total)} ": " {dzd(order.total)}</strong></p>
                <h3>{t!(i18n, queue.delivery)}</h3>
                <p>{delivery} " · " {place}</p>
                <p class="muted">{order.address.clone()}</p>
            </section>
            <CustomerCardView card=card current_order=order.id on_change=on_change/>
        </div>
    }
}
