//! The head of the order panel: number, status, priority, and why it is worth a second look
//! (a suspected duplicate) or who it was routed to and why.
use leptos::prelude::*;

use crate::agents::ui::routing_note_text;
use crate::i18n::*;
use crate::orders::ui::priority_text;
use crate::orders::OrderView;
use crate::statuses::ui::StatusChip;
use crate::statuses::StatusConfig;

/// The id of the panel's heading, which names the whole panel (`aria-labelledby`).
pub fn title_id(order: i64) -> String {
    format!("order-title-{order}")
}

#[component]
pub fn OrderHead(order: OrderView, config: StoredValue<StatusConfig>) -> impl IntoView {
    let i18n = use_i18n();
    let priority = order.confirmation.priority;
    view! {
        <header class="order-head">
            // The status is part of the heading, which names the panel: "Order 123, Busy".
            <h2 id=title_id(order.id)>
                {t!(i18n, queue.order)} " " {order.number.clone()} " "
                <StatusChip config=config code=order.confirmation.status_code.clone()/>
            </h2>
            <span class="badge">{t!(i18n, queue.priority)} ": " {move || priority_text(i18n, priority)}</span>
        </header>
        {order.duplicate_info.duplicate_score.map(|score| {
            let original = order.duplicate_info.original_order.unwrap_or_default();
            view! {
                <p class="alert warn" role="alert" data-testid="duplicate-warning">
                    {t!(i18n, duplicates.warning_possible, number = format!("#{original}"), score = score)}
                    " " <a href=format!("/orders/{original}")>{t!(i18n, queue.duplicate_warning)}</a>
                </p>
            }
        })}
        {order.confirmation.routing.clone().map(|note| {
            let agent = order.confirmation.assigned_agent_name.clone();
            view! {
                <p class="muted routing-reason" data-testid="routing-reason">
                    {t!(i18n, routing.why)} ": " {move || routing_note_text(i18n, &note, agent.as_deref())}
                </p>
            }
        })}
    }
}
