//! Pure rules for delivery outcomes: what a valid event is, and whether it becomes the order's
//! delivery outcome.
use time::{Duration, OffsetDateTime};

use super::{DeliveryInput, DeliveryOutcome, DeliveryReason};
use crate::error::{AppError, ErrorCode};

pub const NOTE_MAX_CHARS: usize = 1000;
pub const EVENT_ID_MAX_CHARS: usize = 100;
/// Clocks differ: an event stamped a little ahead of ours is taken as now.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// Reports often give a day, not a time: an event up to a day before the order's creation is
/// taken as at its creation; earlier than that it is a mistake.
pub const DATE_ONLY_SLACK: Duration = Duration::days(1);

/// A checked event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryEvent {
    pub event_id: String,
    pub outcome: DeliveryOutcome,
    pub reason: Option<DeliveryReason>,
    pub at: OffsetDateTime,
    pub note: String,
}

/// Checks an event as sent, at `now`, for an order created at `created_at`.
pub fn validate(
    input: &DeliveryInput,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<DeliveryEvent, AppError> {
    let event_id = input.event_id.trim();
    if event_id.is_empty() || event_id.chars().count() > EVENT_ID_MAX_CHARS {
        return Err(AppError::field(ErrorCode::EventIdInvalid, "eventId"));
    }
    let outcome = DeliveryOutcome::parse(&input.outcome)?;
    let reason =
        input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(DeliveryReason::parse).transpose()?;
    let reason = match outcome {
        DeliveryOutcome::Delivered => None,
        DeliveryOutcome::Returned | DeliveryOutcome::Refused if reason.is_none() => {
            return Err(AppError::field(ErrorCode::ReasonRequired, "reason"));
        }
        _ => reason,
    };
    let at = input.at.unwrap_or(now);
    if at > now + CLOCK_SKEW || at < created_at - DATE_ONLY_SLACK {
        return Err(AppError::field(ErrorCode::DeliveryTimeInvalid, "at"));
    }
    let note = input.note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::field(ErrorCode::TextTooLong, "note"));
    }
    let at = at.clamp(created_at, now.max(created_at));
    Ok(DeliveryEvent { event_id: event_id.to_string(), outcome, reason, at, note: note.to_string() })
}

/// Whether `event` becomes the order's delivery outcome, given the current one: the latest event
/// wins, except that a failed attempt never replaces a final outcome (the parcel was delivered or
/// came back; a late "not home" scan changes nothing), while any final outcome replaces a failed
/// attempt whatever its time.
pub fn applies(current: Option<(DeliveryOutcome, OffsetDateTime)>, event: &DeliveryEvent) -> bool {
    match current {
        None => true,
        Some((now, _)) if !now.is_final() && event.outcome.is_final() => true,
        Some((now, _)) if now.is_final() && !event.outcome.is_final() => false,
        Some((_, at)) => event.at >= at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const CREATED: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);
    const NOW: OffsetDateTime = datetime!(2026-12-03 15:00 UTC);

    fn input(outcome: &str, reason: Option<&str>) -> DeliveryInput {
        DeliveryInput {
            event_id: "evt-1".into(),
            outcome: outcome.into(),
            reason: reason.map(Into::into),
            at: Some(datetime!(2026-12-02 11:00 UTC)),
            note: String::new(),
        }
    }

    fn code(result: Result<DeliveryEvent, AppError>) -> (ErrorCode, Option<String>) {
        let e = result.expect_err("refused");
        (e.code, e.field)
    }

    #[test]
    fn an_event_is_checked_field_by_field() {
        let ok = validate(&input("refused", Some("fake_order")), CREATED, NOW).expect("valid");
        assert_eq!((ok.outcome, ok.reason), (DeliveryOutcome::Refused, Some(DeliveryReason::FakeOrder)));
        let delivered = validate(&input("delivered", Some("other")), CREATED, NOW).expect("valid");
        assert_eq!(delivered.reason, None, "a delivery has no reason");
        assert_eq!(
            code(validate(&input("lost", None), CREATED, NOW)),
            (ErrorCode::DeliveryOutcomeUnknown, Some("outcome".into()))
        );
        assert_eq!(
            code(validate(&input("returned", None), CREATED, NOW)),
            (ErrorCode::ReasonRequired, Some("reason".into()))
        );
        assert_eq!(
            code(validate(&input("returned", Some("stolen")), CREATED, NOW)),
            (ErrorCode::DeliveryReasonUnknown, Some("reason".into()))
        );
        let failed =
            validate(&input("failed_attempt", None), CREATED, NOW).expect("a failed attempt may come without a reason");
        assert_eq!(failed.reason, None);
        let blank = DeliveryInput { event_id: "  ".into(), ..input("delivered", None) };
        assert_eq!(code(validate(&blank, CREATED, NOW)), (ErrorCode::EventIdInvalid, Some("eventId".into())));
        let long = DeliveryInput { event_id: "x".repeat(101), ..input("delivered", None) };
        assert_eq!(code(validate(&long, CREATED, NOW)).0, ErrorCode::EventIdInvalid);
        let early = DeliveryInput { at: Some(CREATED - Duration::hours(25)), ..input("delivered", None) };
        assert_eq!(code(validate(&early, CREATED, NOW)), (ErrorCode::DeliveryTimeInvalid, Some("at".into())));
        let same_day = DeliveryInput { at: Some(CREATED - Duration::hours(3)), ..input("delivered", None) };
        assert_eq!(validate(&same_day, CREATED, NOW).expect("a day's date").at, CREATED, "taken as at the order");
        let future = DeliveryInput { at: Some(NOW + Duration::hours(1)), ..input("delivered", None) };
        assert_eq!(code(validate(&future, CREATED, NOW)).0, ErrorCode::DeliveryTimeInvalid);
        let skewed = DeliveryInput { at: Some(NOW + Duration::minutes(2)), ..input("delivered", None) };
        assert_eq!(validate(&skewed, CREATED, NOW).expect("a little ahead").at, NOW);
        let untimed = DeliveryInput { at: None, ..input("delivered", None) };
        assert_eq!(validate(&untimed, CREATED, NOW).expect("now").at, NOW);
        let noisy = DeliveryInput { note: "n".repeat(1001), ..input("delivered", None) };
        assert_eq!(code(validate(&noisy, CREATED, NOW)), (ErrorCode::TextTooLong, Some("note".into())));
    }

    #[test]
    fn the_latest_final_event_wins_and_a_failed_attempt_never_undoes_a_delivery() {
        let event =
            |outcome, at| DeliveryEvent { event_id: "e".into(), outcome, reason: None, at, note: String::new() };
        let (t1, t2) = (datetime!(2026-12-02 10:00 UTC), datetime!(2026-12-02 12:00 UTC));
        use DeliveryOutcome::*;
        assert!(applies(None, &event(FailedAttempt, t1)));
        assert!(
            applies(Some((FailedAttempt, t2)), &event(Delivered, t1)),
            "final beats an attempt, even an earlier scan"
        );
        assert!(!applies(Some((Delivered, t1)), &event(FailedAttempt, t2)), "a late 'not home' changes nothing");
        assert!(applies(Some((Delivered, t1)), &event(Returned, t2)), "delivered, then sent back");
        assert!(!applies(Some((Returned, t2)), &event(Delivered, t1)), "an older event arriving late loses");
        assert!(applies(Some((FailedAttempt, t1)), &event(FailedAttempt, t2)));
    }
}
