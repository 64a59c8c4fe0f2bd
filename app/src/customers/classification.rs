//! Customer classification: a 0–100 score and a class (new, regular, loyal, VIP, bad) from the
//! customer's history, with the per-signal breakdown that produced them. Pure: the history and
//! the settings are arguments; `db` feeds it one customer (inside the transaction that changes an
//! outcome) or thousands (the nightly job).
//!
//! The score starts at 50 and each signal adds or removes points, capped per signal, so the
//! breakdown always sums to the score (before the 0..=100 clamp). The class follows rules on the
//! history first (a serious flag or a high failure rate over enough orders is `bad` whatever the
//! score), then on the score.
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode};

text_enum!(
    /// The brief's `customerClassification.type`.
    CustomerClass, ErrorCode::ClassUnknown, "class" {
        New => "new", Regular => "regular", Loyal => "loyal", Vip => "vip", Bad => "bad",
    }
);

impl CustomerClass {
    /// Routing's view: VIP and loyal customers are served first.
    pub fn tier(self) -> routing::Tier {
        match self {
            CustomerClass::Vip => routing::Tier::Vip,
            CustomerClass::Loyal => routing::Tier::Loyal,
            _ => routing::Tier::Other,
        }
    }
}

/// What classification knows about a customer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub orders: i32,
    pub confirmed: i32,
    pub delivered: i32,
    /// Cancelled by the customer (an order closed unreached, abandoned or as a duplicate does not
    /// count here: an unreachable customer is not a bad customer).
    pub cancelled: i32,
    /// Closed because the number was wrong.
    pub wrong_number: i32,
    /// Returned by the courier (for a reason other than a refusal at the door).
    pub returned: i32,
    /// Refused at the door.
    pub refused: i32,
    /// Returns and refusals the courier reported as a fake order.
    pub fake_orders: i32,
    /// Orders abandoned or closed unreached in a row, most recent first.
    pub unanswered_streak: i32,
    pub total_spent: i64,
    /// Days since the last order (None: never ordered).
    pub days_since_last_order: Option<i32>,
    /// Orders in the last 90 days.
    pub orders_90d: i32,
    /// Flags that alone make a customer bad (fake order, abusive, blacklisted).
    pub serious_flags: i32,
    /// Other flags (wrong address, refused delivery, other).
    pub minor_flags: i32,
}

/// Weights and thresholds an admin may change. The defaults are documented in the README.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClassificationSettings {
    /// Points for each confirmed order (max `confirmed_cap`).
    pub confirmed_points: i32,
    pub confirmed_cap: i32,
    /// Points for each delivered order (max `delivered_cap`).
    pub delivered_points: i32,
    pub delivered_cap: i32,
    /// Points removed per cancelled order, per wrong number, per returned one and per one refused
    /// at the door (together at most `failure_cap`).
    pub cancelled_points: i32,
    pub wrong_number_points: i32,
    pub returned_points: i32,
    pub refused_points: i32,
    pub failure_cap: i32,
    /// Points removed per order the courier reported as fake (no cap; one makes the customer bad).
    pub fake_order_points: i32,
    /// Points removed per order in the unanswered streak (max `unanswered_cap`).
    pub unanswered_points: i32,
    pub unanswered_cap: i32,
    /// Points per 10 000 DZD spent (max `spend_cap`).
    pub spend_points_per_10k: i32,
    pub spend_cap: i32,
    /// Points for an order in the last 30 days; removed after a year without one.
    pub recency_points: i32,
    /// Points per order in the last 90 days beyond the first (max `frequency_cap`).
    pub frequency_points: i32,
    pub frequency_cap: i32,
    /// Points removed per serious and per minor flag.
    pub serious_flag_points: i32,
    pub minor_flag_points: i32,
    /// Bad: at least `bad_min_orders` closed orders and this share (percent) cancelled or returned.
    pub bad_min_orders: i32,
    pub bad_failure_percent: i32,
    /// Bad below this score, whatever else.
    pub bad_below_score: i32,
    /// VIP: at least this many delivered (or confirmed, while deliveries are not reported) orders,
    /// this much spent (delivered, or confirmed while deliveries are not reported), an order within `vip_recent_days`, and a score of `vip_min_score`.
    pub vip_min_good_orders: i32,
    pub vip_min_spent: i64,
    pub vip_recent_days: i32,
    pub vip_min_score: i32,
    /// Loyal: at least this many good orders and a score of `loyal_min_score`.
    pub loyal_min_good_orders: i32,
    pub loyal_min_score: i32,
}

impl Default for ClassificationSettings {
    fn default() -> Self {
        Self {
            confirmed_points: 4,
            confirmed_cap: 20,
            delivered_points: 6,
            delivered_cap: 30,
            cancelled_points: 8,
            wrong_number_points: 10,
            returned_points: 12,
            refused_points: 20,
            failure_cap: 50,
            fake_order_points: 40,
            unanswered_points: 5,
            unanswered_cap: 20,
            spend_points_per_10k: 2,
            spend_cap: 15,
            recency_points: 5,
            frequency_points: 2,
            frequency_cap: 10,
            serious_flag_points: 40,
            minor_flag_points: 10,
            bad_min_orders: 3,
            bad_failure_percent: 50,
            bad_below_score: 20,
            vip_min_good_orders: 5,
            vip_min_spent: 100_000,
            vip_recent_days: 90,
            vip_min_score: 80,
            loyal_min_good_orders: 3,
            loyal_min_score: 60,
        }
    }
}

text_enum!(
    /// One signal of the breakdown.
    Signal, ErrorCode::BadRequest, "signal" {
        Base => "base", Confirmed => "confirmed", Delivered => "delivered", Cancelled => "cancelled",
        WrongNumber => "wrong_number", Returned => "returned", Refused => "refused", FakeOrders => "fake_orders",
        Unanswered => "unanswered", Spend => "spend", Recency => "recency",
        Frequency => "frequency", SeriousFlags => "serious_flags", MinorFlags => "minor_flags",
    }
);

/// Why the class is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ClassReason {
    NoHistory,
    SeriousFlag,
    /// The courier reported an order of theirs as fake.
    FakeOrder,
    FailureRate,
    LowScore,
    VipRules,
    LoyalRules,
    GoodOrders,
    Default,
}

/// One line of the breakdown: the signal, the raw value, the points it gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignalPoints {
    pub signal: Signal,
    pub value: i64,
    pub points: i32,
}

/// The computed classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Classification {
    pub class: CustomerClass,
    pub score: i16,
    pub reason: ClassReason,
    pub breakdown: Vec<SignalPoints>,
}

/// Scores and classes a history.
pub fn classify(h: &History, s: &ClassificationSettings) -> Classification {
    let mut breakdown = vec![SignalPoints { signal: Signal::Base, value: 0, points: 50 }];
    let mut add = |signal: Signal, value: i64, points: i32| {
        if points != 0 {
            breakdown.push(SignalPoints { signal, value, points });
        }
    };
    add(Signal::Confirmed, h.confirmed.into(), (h.confirmed * s.confirmed_points).min(s.confirmed_cap));
    add(Signal::Delivered, h.delivered.into(), (h.delivered * s.delivered_points).min(s.delivered_cap));
    // the failures share one cap, taken in this order: the heaviest evidence last, so a refusal
    // at the door still shows when cancellations filled most of it
    let mut room = s.failure_cap;
    for (signal, count, points) in [
        (Signal::Cancelled, h.cancelled, s.cancelled_points),
        (Signal::WrongNumber, h.wrong_number, s.wrong_number_points),
        (Signal::Returned, h.returned, s.returned_points),
        (Signal::Refused, h.refused, s.refused_points),
    ] {
        let taken = count.saturating_mul(points).min(room.max(0));
        room -= taken;
        add(signal, count.into(), -taken);
    }
    add(Signal::FakeOrders, h.fake_orders.into(), -h.fake_orders.saturating_mul(s.fake_order_points));
    add(
        Signal::Unanswered,
        h.unanswered_streak.into(),
        -(h.unanswered_streak * s.unanswered_points).min(s.unanswered_cap),
    );
    let spend = i32::try_from(h.total_spent / 10_000).unwrap_or(i32::MAX).saturating_mul(s.spend_points_per_10k);
    add(Signal::Spend, h.total_spent, spend.min(s.spend_cap));
    let recency = match h.days_since_last_order {
        Some(d) if d <= 30 => s.recency_points,
        Some(d) if d > 365 => -s.recency_points,
        _ => 0,
    };
    add(Signal::Recency, h.days_since_last_order.map_or(-1, i64::from), recency);
    add(Signal::Frequency, h.orders_90d.into(), ((h.orders_90d - 1).max(0) * s.frequency_points).min(s.frequency_cap));
    add(Signal::SeriousFlags, h.serious_flags.into(), -(h.serious_flags * s.serious_flag_points));
    add(Signal::MinorFlags, h.minor_flags.into(), -(h.minor_flags * s.minor_flag_points));

    let raw: i32 = breakdown.iter().map(|b| b.points).sum();
    let score = raw.clamp(0, 100);
    let good = h.delivered.max(h.confirmed);
    // each order once: returned and refused orders were confirmed first
    let closed = h.confirmed + h.cancelled + h.wrong_number;
    let failures = h.cancelled + h.wrong_number + h.returned + h.refused;
    let (class, reason) = if h.serious_flags > 0 {
        (CustomerClass::Bad, ClassReason::SeriousFlag)
    } else if h.fake_orders > 0 {
        (CustomerClass::Bad, ClassReason::FakeOrder)
    } else if closed >= s.bad_min_orders && failures * 100 >= s.bad_failure_percent * closed {
        (CustomerClass::Bad, ClassReason::FailureRate)
    } else if h.orders > 0 && score < s.bad_below_score {
        (CustomerClass::Bad, ClassReason::LowScore)
    } else if h.orders == 0 || (good == 0 && closed == 0) {
        (CustomerClass::New, ClassReason::NoHistory)
    } else if good >= s.vip_min_good_orders
        && h.total_spent >= s.vip_min_spent
        && h.days_since_last_order.is_some_and(|d| d <= s.vip_recent_days)
        && score >= s.vip_min_score
    {
        (CustomerClass::Vip, ClassReason::VipRules)
    } else if good >= s.loyal_min_good_orders && score >= s.loyal_min_score {
        (CustomerClass::Loyal, ClassReason::LoyalRules)
    } else if good >= 1 {
        (CustomerClass::Regular, ClassReason::GoodOrders)
    } else {
        (CustomerClass::New, ClassReason::Default)
    };
    Classification { class, score: i16::try_from(score).unwrap_or(0), reason, breakdown }
}

/// Checks settings an admin sends: points and caps not negative, percentages and scores in range.
pub fn validate_settings(s: &ClassificationSettings) -> Result<(), AppError> {
    let bad = |field: &str| Err(AppError::field(ErrorCode::LimitInvalid, field));
    let non_negative = [
        ("confirmedPoints", s.confirmed_points),
        ("confirmedCap", s.confirmed_cap),
        ("deliveredPoints", s.delivered_points),
        ("deliveredCap", s.delivered_cap),
        ("cancelledPoints", s.cancelled_points),
        ("wrongNumberPoints", s.wrong_number_points),
        ("returnedPoints", s.returned_points),
        ("refusedPoints", s.refused_points),
        ("failureCap", s.failure_cap),
        ("fakeOrderPoints", s.fake_order_points),
        ("unansweredPoints", s.unanswered_points),
        ("unansweredCap", s.unanswered_cap),
        ("spendPointsPer10k", s.spend_points_per_10k),
        ("spendCap", s.spend_cap),
        ("recencyPoints", s.recency_points),
        ("frequencyPoints", s.frequency_points),
        ("frequencyCap", s.frequency_cap),
        ("seriousFlagPoints", s.serious_flag_points),
        ("minorFlagPoints", s.minor_flag_points),
        ("badMinOrders", s.bad_min_orders),
        ("vipMinGoodOrders", s.vip_min_good_orders),
        ("vipRecentDays", s.vip_recent_days),
        ("loyalMinGoodOrders", s.loyal_min_good_orders),
    ];
    for (field, value) in non_negative {
        if !(0..=1000).contains(&value) {
            return bad(field);
        }
    }
    for (field, value) in [
        ("badFailurePercent", s.bad_failure_percent),
        ("badBelowScore", s.bad_below_score),
        ("vipMinScore", s.vip_min_score),
        ("loyalMinScore", s.loyal_min_score),
    ] {
        if !(0..=100).contains(&value) {
            return bad(field);
        }
    }
    if s.vip_min_spent < 0 {
        return bad("vipMinSpent");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ClassificationSettings {
        ClassificationSettings::default()
    }

    fn sum(c: &Classification) -> i32 {
        c.breakdown.iter().map(|b| b.points).sum()
    }

    #[test]
    fn a_first_time_customer_is_new_at_fifty() {
        let c = classify(
            &History { orders: 1, days_since_last_order: Some(0), orders_90d: 1, ..Default::default() },
            &settings(),
        );
        assert_eq!(c.class, CustomerClass::New);
        assert_eq!(c.score, 55); // base + recency
        assert_eq!(sum(&c), 55);
    }

    #[test]
    fn the_breakdown_sums_to_the_score() {
        let h = History {
            orders: 6,
            confirmed: 4,
            delivered: 3,
            cancelled: 1,
            returned: 0,
            unanswered_streak: 1,
            total_spent: 85_000,
            days_since_last_order: Some(12),
            orders_90d: 3,
            serious_flags: 0,
            minor_flags: 0,
            ..Default::default()
        };
        let c = classify(&h, &settings());
        assert_eq!(i32::from(c.score), sum(&c));
        assert_eq!(c.class, CustomerClass::Loyal);
        assert!(c.breakdown.iter().any(|b| b.signal == Signal::Cancelled && b.points == -8));
    }

    #[test]
    fn a_big_recent_spender_with_good_orders_is_vip() {
        let h = History {
            orders: 8,
            confirmed: 7,
            delivered: 6,
            total_spent: 210_000,
            days_since_last_order: Some(20),
            orders_90d: 4,
            ..Default::default()
        };
        let c = classify(&h, &settings());
        assert_eq!((c.class, c.reason), (CustomerClass::Vip, ClassReason::VipRules));
        assert_eq!(c.score, 100);
    }

    #[test]
    fn a_bad_customer_is_never_vip() {
        let h = History {
            orders: 8,
            confirmed: 7,
            delivered: 6,
            total_spent: 210_000,
            days_since_last_order: Some(20),
            orders_90d: 4,
            serious_flags: 1,
            ..Default::default()
        };
        let c = classify(&h, &settings());
        assert_eq!((c.class, c.reason), (CustomerClass::Bad, ClassReason::SeriousFlag));
    }

    #[test]
    fn half_cancelled_or_returned_over_three_orders_is_bad() {
        let h = History { orders: 4, confirmed: 2, cancelled: 1, returned: 1, ..Default::default() };
        assert_eq!(classify(&h, &settings()).reason, ClassReason::FailureRate);
        // two orders are not enough to judge
        let h = History { orders: 2, confirmed: 1, cancelled: 1, ..Default::default() };
        assert_ne!(classify(&h, &settings()).class, CustomerClass::Bad);
    }

    #[test]
    fn a_customer_who_never_answers_is_not_a_bad_customer() {
        // five orders closed unreached or abandoned: the streak costs its capped points, nothing
        // counts as a failure, so neither the failure rate nor the score makes them bad
        let h = History {
            orders: 5,
            unanswered_streak: 5,
            days_since_last_order: Some(2),
            orders_90d: 5,
            ..Default::default()
        };
        let c = classify(&h, &settings());
        assert_ne!(c.class, CustomerClass::Bad, "{c:?}");
        assert!(!c.breakdown.iter().any(|b| b.signal == Signal::Cancelled));
        // the same five orders cancelled by the customer do
        let h = History { orders: 5, confirmed: 1, cancelled: 4, ..Default::default() };
        assert_eq!(classify(&h, &settings()).reason, ClassReason::FailureRate);
    }

    #[test]
    fn the_courier_s_word_weighs_most_refused_and_fake_orders_above_all() {
        // a score away from both ends, so that each signal shows
        let base = History {
            orders: 2,
            confirmed: 2,
            delivered: 1,
            days_since_last_order: Some(5),
            orders_90d: 2,
            ..Default::default()
        };
        let score = |h: &History| classify(h, &settings()).score;
        let returned = History { returned: 1, ..base.clone() };
        let refused = History { refused: 1, ..base.clone() };
        let fake = History { refused: 1, fake_orders: 1, ..base.clone() };
        assert!(
            score(&base) > score(&returned) && score(&returned) > score(&refused) && score(&refused) > score(&fake)
        );
        let c = classify(&fake, &settings());
        assert_eq!((c.class, c.reason), (CustomerClass::Bad, ClassReason::FakeOrder));
        assert_eq!(i32::from(c.score), sum(&c).clamp(0, 100));
        // a wrong number counts against, a little more than a cancellation
        let wrong = History { wrong_number: 1, ..base.clone() };
        let cancelled = History { cancelled: 1, ..base.clone() };
        assert!(score(&cancelled) > score(&wrong));
        // all failures share one cap
        let many = History { cancelled: 5, wrong_number: 5, returned: 5, refused: 5, ..base };
        let c = classify(&many, &settings());
        let failures: i32 = c
            .breakdown
            .iter()
            .filter(|b| {
                matches!(b.signal, Signal::Cancelled | Signal::WrongNumber | Signal::Returned | Signal::Refused)
            })
            .map(|b| b.points)
            .sum();
        assert_eq!(failures, -50);
    }

    #[test]
    fn a_long_unanswered_streak_costs_points_but_is_capped() {
        let h = History { orders: 6, unanswered_streak: 6, ..Default::default() };
        let c = classify(&h, &settings());
        assert!(c.breakdown.iter().any(|b| b.signal == Signal::Unanswered && b.points == -20));
    }

    #[test]
    fn one_confirmed_order_makes_a_regular() {
        let h =
            History { orders: 1, confirmed: 1, days_since_last_order: Some(3), orders_90d: 1, ..Default::default() };
        assert_eq!(classify(&h, &settings()).class, CustomerClass::Regular);
    }

    #[test]
    fn settings_out_of_range_are_named() {
        let mut s = settings();
        s.vip_min_score = 120;
        assert_eq!(validate_settings(&s).unwrap_err().field.as_deref(), Some("vipMinScore"));
        let mut s = settings();
        s.cancelled_points = -1;
        assert_eq!(validate_settings(&s).unwrap_err().field.as_deref(), Some("cancelledPoints"));
        assert!(validate_settings(&settings()).is_ok());
    }
}
