//! What recording an attempt does to an order, decided without I/O: which statuses the role may
//! record from the current one, the attempt policy (retry or abandon after no answer / busy),
//! callbacks, and closing on a final status.
use time::{Duration, OffsetDateTime};

use super::{CallbackScope, Method};
use crate::auth::Role;
use crate::error::{AppError, ErrorCode};
use crate::locale::format::group_thousands;
use crate::locale::UiLocale;
use crate::statuses::domain::NextStep;
use crate::statuses::StatusConfig;

/// Longest note an attempt takes, in characters: the customer notes' limit.
pub use crate::customers::domain::MAX_NOTE_CHARS;
/// Longest attempt a screen may report (a call, or writing to the customer): 4 hours.
pub const MAX_ATTEMPT_SECONDS: i64 = 4 * 3600;
/// How far ahead a callback may be scheduled.
pub const MAX_CALLBACK_DAYS: i64 = 90;

/// The parts of an order an attempt depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub status: String,
    pub unanswered_count: i32,
    pub closed: bool,
}

/// What authorisation and the attempt rules need about an order.
pub struct OrderAccess {
    pub id: i64,
    pub customer_id: i64,
    pub state: OrderState,
    pub assigned_agent_id: Option<i64>,
    pub callback_scope: Option<CallbackScope>,
    pub next_contact_at: Option<OffsetDateTime>,
    pub version: i32,
}

impl OrderAccess {
    /// An agent acts on orders assigned to them and on "anyone" callbacks once due.
    pub fn open_to_agent(&self, agent_id: i64, now: OffsetDateTime) -> bool {
        self.assigned_agent_id == Some(agent_id)
            || (!self.state.closed
                && self.callback_scope == Some(CallbackScope::Anyone)
                && self.next_contact_at.is_some_and(|at| at <= now))
    }
}

/// A validated attempt, ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptPlan {
    pub method: Method,
    pub result: String,
    pub status_after: String,
    pub notes: String,
    pub duration: Duration,
    /// Set on the order: when to contact the customer next (callback or retry), and by whom.
    pub next_contact_at: Option<OffsetDateTime>,
    pub callback_scope: Option<CallbackScope>,
    /// The callback the customer asked for (stored on the attempt).
    pub callback_at: Option<OffsetDateTime>,
    pub unanswered: bool,
    /// The order reaches a final status.
    pub closes: bool,
    pub counts_as_confirmed: bool,
    /// The final status is a failure (cancelled, wrong number, …).
    pub failed: bool,
}

/// The raw attempt fields, as typed or sent.
#[derive(Clone, Debug)]
pub struct AttemptRequest<'a> {
    pub method: &'a str,
    pub result: &'a str,
    pub notes: &'a str,
    pub duration_seconds: i64,
    pub callback_at: Option<OffsetDateTime>,
    pub callback_scope: Option<&'a str>,
}

pub fn plan_attempt(
    config: &StatusConfig,
    order: &OrderState,
    request: &AttemptRequest<'_>,
    role: Role,
    now: OffsetDateTime,
) -> Result<AttemptPlan, AppError> {
    let method = Method::parse(request.method)?;
    if order.closed {
        return Err(AppError::new(ErrorCode::OrderClosed));
    }
    let result = config
        .get(request.result)
        .filter(|s| s.active)
        .ok_or_else(|| AppError::field(ErrorCode::StatusUnknown, "result"))?;
    if !config.allowed_next(&order.status, role).iter().any(|s| s.code == result.code) {
        return Err(AppError::field(ErrorCode::TransitionNotAllowed, "result"));
    }
    let notes = request.notes.trim();
    if notes.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::field(ErrorCode::TextTooLong, "notes"));
    }
    if !(0..=MAX_ATTEMPT_SECONDS).contains(&request.duration_seconds) {
        return Err(AppError::field(ErrorCode::DurationInvalid, "duration"));
    }
    let scope = request.callback_scope.filter(|s| !s.trim().is_empty()).map(CallbackScope::parse).transpose()?;

    let mut plan = AttemptPlan {
        method,
        result: result.code.clone(),
        status_after: result.code.clone(),
        notes: notes.to_string(),
        duration: Duration::seconds(request.duration_seconds),
        next_contact_at: None,
        callback_scope: None,
        callback_at: None,
        unanswered: false,
        closes: result.flags.is_final,
        counts_as_confirmed: result.flags.counts_as_confirmed,
        failed: result.flags.is_final && !result.flags.counts_as_confirmed,
    };
    if result.flags.callback {
        let at = request.callback_at.ok_or_else(|| AppError::field(ErrorCode::CallbackTimeRequired, "callbackAt"))?;
        if at <= now || at > now + Duration::days(MAX_CALLBACK_DAYS) {
            return Err(AppError::field(ErrorCode::CallbackTimeInvalid, "callbackAt"));
        }
        plan.next_contact_at = Some(at);
        plan.callback_at = Some(at);
        plan.callback_scope = Some(scope.unwrap_or(CallbackScope::Me));
        return Ok(plan);
    }
    if result.flags.is_final {
        return Ok(plan);
    }
    let reach = result.reach();
    plan.unanswered = reach != crate::statuses::domain::Reach::Reached;
    match config.policy.next_step(order.unanswered_count.max(0) as u32, reach) {
        NextStep::None => {}
        NextStep::RetryIn { minutes } => plan.next_contact_at = Some(now + Duration::minutes(minutes.into())),
        NextStep::Abandon => {
            let abandoned = config.get(&config.abandoned_status).filter(|s| s.active && s.flags.is_final);
            // A misconfigured policy never blocks the agent: the order then stays where they put it.
            if let Some(abandoned) = abandoned {
                plan.status_after = abandoned.code.clone();
                plan.closes = true;
                plan.failed = true;
            }
        }
    }
    Ok(plan)
}

/// The message an agent sends on WhatsApp, in the customer's language.
pub fn whatsapp_message(language: UiLocale, name: &str, number: &str, total: i64) -> String {
    let total = group_thousands(total);
    match language {
        UiLocale::Fr => format!(
            "Bonjour {name}, ici le service client. Nous vous contactons au sujet de votre commande {number} \
             ({total} DA). Pouvez-vous nous la confirmer ?"
        ),
        UiLocale::Ar => {
            format!("مرحبًا {name}، معك خدمة الزبائن. نتواصل معك بخصوص طلبيتك رقم {number} ({total} دج). هل تؤكدها؟")
        }
        UiLocale::ArDz => {
            format!("السلام عليكم {name}، معاك خدمة الزبائن. نعيطولك على الكوموند {number} ({total} دج). تأكدها؟")
        }
    }
}

/// `https://wa.me/213…?text=…` for an E.164 phone.
pub fn whatsapp_link(phone_e164: &str, message: &str) -> String {
    let digits: String = phone_e164.chars().filter(char::is_ascii_digit).collect();
    format!("https://wa.me/{digits}?text={}", percent_encode(message))
}

/// Percent-encodes everything but RFC 3986's unreserved characters (UTF-8 bytes).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statuses::domain::AttemptPolicy;
    use crate::statuses::{StatusCategory, StatusDef, StatusFlags, StatusLabels, StatusTransition};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-24 10:00 UTC);

    #[test]
    fn an_agent_acts_on_their_own_orders_and_on_callbacks_for_anyone_once_due() {
        let order =
            |agent: Option<i64>, scope: Option<CallbackScope>, at: Option<OffsetDateTime>, closed: bool| OrderAccess {
                id: 1,
                customer_id: 1,
                state: OrderState { status: "callback".into(), unanswered_count: 0, closed },
                assigned_agent_id: agent,
                callback_scope: scope,
                next_contact_at: at,
                version: 1,
            };
        assert!(order(Some(7), None, None, false).open_to_agent(7, NOW));
        assert!(!order(Some(8), None, None, false).open_to_agent(7, NOW));
        let due = Some(NOW - Duration::minutes(1));
        assert!(order(Some(8), Some(CallbackScope::Anyone), due, false).open_to_agent(7, NOW));
        assert!(
            !order(Some(8), Some(CallbackScope::Anyone), Some(NOW + Duration::minutes(1)), false).open_to_agent(7, NOW)
        );
        assert!(!order(Some(8), Some(CallbackScope::Anyone), due, true).open_to_agent(7, NOW));
    }

    fn status(code: &str, category: StatusCategory, flags: StatusFlags) -> StatusDef {
        StatusDef {
            code: code.into(),
            labels: StatusLabels { fr: code.into(), ar: code.into(), ar_dz: code.into() },
            color: "#000000".into(),
            category,
            flags,
            initial: code == "new",
            sort_order: 0,
            active: true,
        }
    }

    fn config() -> StatusConfig {
        let open = StatusFlags::default();
        let statuses = vec![
            status("new", StatusCategory::Pending, open),
            status("no_answer", StatusCategory::Attempting, open),
            status("busy", StatusCategory::Attempting, StatusFlags { line_busy: true, ..open }),
            status("callback", StatusCategory::Attempting, StatusFlags { callback: true, contact_made: true, ..open }),
            status(
                "confirmed",
                StatusCategory::Confirmed,
                StatusFlags { is_final: true, contact_made: true, counts_as_confirmed: true, ..open },
            ),
            status("cancelled", StatusCategory::Failed, StatusFlags { is_final: true, contact_made: true, ..open }),
            status("abandoned", StatusCategory::Abandoned, StatusFlags { is_final: true, ..open }),
        ];
        let mut transitions = Vec::new();
        for from in ["new", "no_answer", "busy", "callback"] {
            for to in ["no_answer", "busy", "callback", "confirmed", "cancelled"] {
                if from != to {
                    transitions.push(StatusTransition { from: from.into(), to: to.into(), role: Role::Agent });
                }
            }
            transitions.push(StatusTransition { from: from.into(), to: "abandoned".into(), role: Role::Supervisor });
        }
        StatusConfig {
            statuses,
            transitions,
            policy: AttemptPolicy {
                max_unanswered: 3,
                retry_after_no_answer_minutes: 120,
                retry_after_busy_minutes: 20,
            },
            abandoned_status: "abandoned".into(),
        }
    }

    fn order(status: &str, unanswered: i32) -> OrderState {
        OrderState { status: status.into(), unanswered_count: unanswered, closed: false }
    }

    fn request(result: &str) -> AttemptRequest<'_> {
        AttemptRequest {
            method: "phone",
            result,
            notes: "",
            duration_seconds: 42,
            callback_at: None,
            callback_scope: None,
        }
    }

    fn code(result: Result<AttemptPlan, AppError>) -> ErrorCode {
        result.unwrap_err().code
    }

    #[test]
    fn confirming_closes_and_counts() {
        let plan = plan_attempt(&config(), &order("new", 0), &request("confirmed"), Role::Agent, NOW).unwrap();
        assert_eq!(plan.status_after, "confirmed");
        assert!(plan.closes && plan.counts_as_confirmed && !plan.failed && !plan.unanswered);
        assert_eq!(plan.duration, Duration::seconds(42));
        assert_eq!(plan.next_contact_at, None);
    }

    #[test]
    fn no_answer_schedules_a_retry_then_abandons_at_the_limit() {
        let plan = plan_attempt(&config(), &order("new", 0), &request("no_answer"), Role::Agent, NOW).unwrap();
        assert_eq!(plan.next_contact_at, Some(NOW + Duration::minutes(120)));
        assert!(plan.unanswered && !plan.closes);
        let busy = plan_attempt(&config(), &order("no_answer", 1), &request("busy"), Role::Agent, NOW).unwrap();
        assert_eq!(busy.next_contact_at, Some(NOW + Duration::minutes(20)));
        let last = plan_attempt(&config(), &order("busy", 2), &request("no_answer"), Role::Agent, NOW).unwrap();
        assert_eq!((last.result.as_str(), last.status_after.as_str()), ("no_answer", "abandoned"));
        assert!(last.closes && last.failed && last.next_contact_at.is_none());
    }

    #[test]
    fn a_callback_needs_a_future_time_and_defaults_to_me() {
        let mut req = request("callback");
        assert_eq!(
            code(plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW)),
            ErrorCode::CallbackTimeRequired
        );
        req.callback_at = Some(NOW - Duration::minutes(1));
        assert_eq!(
            code(plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW)),
            ErrorCode::CallbackTimeInvalid
        );
        req.callback_at = Some(NOW + Duration::days(MAX_CALLBACK_DAYS + 1));
        assert_eq!(
            code(plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW)),
            ErrorCode::CallbackTimeInvalid
        );
        req.callback_at = Some(NOW + Duration::hours(3));
        let plan = plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW).unwrap();
        assert_eq!(plan.next_contact_at, Some(NOW + Duration::hours(3)));
        assert_eq!(plan.callback_scope, Some(CallbackScope::Me));
        req.callback_scope = Some("anyone");
        let plan = plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW).unwrap();
        assert_eq!(plan.callback_scope, Some(CallbackScope::Anyone));
        req.callback_scope = Some("everyone");
        assert_eq!(
            code(plan_attempt(&config(), &order("new", 0), &req, Role::Agent, NOW)),
            ErrorCode::CallbackScopeUnknown
        );
    }

    #[test]
    fn transitions_are_checked_per_role() {
        let c = config();
        assert_eq!(
            code(plan_attempt(&c, &order("new", 0), &request("abandoned"), Role::Agent, NOW)),
            ErrorCode::TransitionNotAllowed
        );
        assert!(plan_attempt(&c, &order("new", 0), &request("abandoned"), Role::Supervisor, NOW).is_ok());
        assert_eq!(
            code(plan_attempt(&c, &order("new", 0), &request("new"), Role::Admin, NOW)),
            ErrorCode::TransitionNotAllowed
        );
        assert_eq!(
            code(plan_attempt(&c, &order("new", 0), &request("nope"), Role::Agent, NOW)),
            ErrorCode::StatusUnknown
        );
        let closed = OrderState { closed: true, ..order("confirmed", 0) };
        assert_eq!(code(plan_attempt(&c, &closed, &request("cancelled"), Role::Admin, NOW)), ErrorCode::OrderClosed);
    }

    #[test]
    fn bad_fields_are_named() {
        let c = config();
        let o = order("new", 0);
        let mut req = request("confirmed");
        req.method = "pigeon";
        assert_eq!(code(plan_attempt(&c, &o, &req, Role::Agent, NOW)), ErrorCode::MethodUnknown);
        req.method = "whatsapp";
        req.duration_seconds = -1;
        assert_eq!(code(plan_attempt(&c, &o, &req, Role::Agent, NOW)), ErrorCode::DurationInvalid);
        req.duration_seconds = MAX_ATTEMPT_SECONDS + 1;
        assert_eq!(code(plan_attempt(&c, &o, &req, Role::Agent, NOW)), ErrorCode::DurationInvalid);
        req.duration_seconds = 0;
        let long = "ن".repeat(MAX_NOTE_CHARS + 1);
        req.notes = &long;
        assert_eq!(code(plan_attempt(&c, &o, &req, Role::Agent, NOW)), ErrorCode::TextTooLong);
        let fits = "ن".repeat(MAX_NOTE_CHARS);
        req.notes = &fits;
        assert_eq!(plan_attempt(&c, &o, &req, Role::Agent, NOW).unwrap().method, Method::Whatsapp);
    }

    #[test]
    fn whatsapp_links_carry_the_message_in_the_customers_language() {
        let message = whatsapp_message(UiLocale::ArDz, "ياسين", "BV-2026-000001", 4500);
        assert!(message.contains("الكوموند BV-2026-000001"));
        let link = whatsapp_link("+213555123456", &message);
        assert!(link.starts_with("https://wa.me/213555123456?text=%D8%A7%D9%84"), "{link}");
        assert!(!link[20..].contains(' '));
        assert_eq!(percent_encode("a b&c=d?"), "a%20b%26c%3Dd%3F");
        assert!(whatsapp_message(UiLocale::Fr, "Yacine", "BV-1", 16300).contains("16\u{202F}300 DA"));
    }

    #[test]
    fn an_inactive_abandoned_status_leaves_the_order_where_the_agent_put_it() {
        let mut c = config();
        c.statuses.iter_mut().find(|s| s.code == "abandoned").unwrap().active = false;
        let plan = plan_attempt(&c, &order("no_answer", 5), &request("busy"), Role::Agent, NOW).unwrap();
        assert_eq!(plan.status_after, "busy");
        assert!(!plan.closes);
    }
}
