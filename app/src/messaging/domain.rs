//! The pure rules of messaging: which language a customer is written to in and which template
//! serves it, the template variables, quiet hours, the retry policy, forward-only statuses and
//! cost. No I/O, no clock (`now` is an argument).
use time::{Duration, OffsetDateTime};

use super::{MessageStatus, MessagingSettings};
use crate::locale::algiers::{local_weekday_minute, ALGIERS};
use crate::locale::format::group_thousands;
use crate::locale::UiLocale;

/// The language to write to a customer in: their saved locale, else the script of the name the
/// shop sent (Arabic script: Algerian Arabic), else the shop's default.
pub fn customer_language(saved: Option<UiLocale>, name: &str, shop_default: UiLocale) -> UiLocale {
    if let Some(saved) = saved {
        return saved;
    }
    let arabic = name.chars().filter(|c| is_arabic(*c)).count();
    let latin = name.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if arabic > 0 && arabic >= latin {
        UiLocale::ArDz
    } else {
        shop_default
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// The template for `wanted` among a step's templates, else the shop default's; with whether it
/// fell back. None when neither exists.
pub fn pick_template<T>(
    templates: &[(UiLocale, T)],
    wanted: UiLocale,
    shop_default: UiLocale,
) -> Option<(UiLocale, &T, bool)> {
    let find = |language: UiLocale| templates.iter().find(|(l, _)| *l == language).map(|(l, t)| (*l, t));
    find(wanted).map(|(l, t)| (l, t, false)).or_else(|| find(shop_default).map(|(l, t)| (l, t, true)))
}

/// The first name, as a message greets the customer: the first word of the name.
pub fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or("")
}

/// An amount in the message's language: `4 500 DA` in French, `4 500 د.ج` in Arabic. Thousands
/// are grouped with a plain space: the screens' narrow no-break space is not GSM-7 and would
/// turn a French text into UCS-2 (twice the parts).
pub fn amount_text(amount: i64, language: UiLocale) -> String {
    let grouped = group_thousands(amount).replace('\u{202F}', " ");
    match language {
        UiLocale::Fr => format!("{grouped} DA"),
        UiLocale::Ar | UiLocale::ArDz => format!("{grouped} د.ج"),
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_AR: [&str; 12] =
    ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

/// A date in the message's language, Algiers time: `3 décembre`, `3 ديسمبر` (Algerian month names).
pub fn date_text(at: OffsetDateTime, language: UiLocale) -> String {
    let local = at.to_offset(ALGIERS);
    let month = usize::from(u8::from(local.month())) - 1;
    match language {
        UiLocale::Fr => format!("{} {}", local.day(), MONTHS_FR[month]),
        UiLocale::Ar | UiLocale::ArDz => format!("{} {}", local.day(), MONTHS_AR[month]),
    }
}

/// A date and time in the message's language, Algiers time: `3 décembre à 14:30`.
pub fn date_time_text(at: OffsetDateTime, language: UiLocale) -> String {
    let local = at.to_offset(ALGIERS);
    let date = date_text(at, language);
    match language {
        UiLocale::Fr => format!("{date} à {:02}:{:02}", local.hour(), local.minute()),
        UiLocale::Ar | UiLocale::ArDz => format!("{date} {:02}:{:02}", local.hour(), local.minute()),
    }
}

/// When a confirmed order is expected at the door: two days on, a Friday moved to Saturday
/// (couriers do not deliver on Fridays).
pub fn expected_delivery(confirmed_at: OffsetDateTime) -> OffsetDateTime {
    let at = confirmed_at + Duration::days(2);
    if at.to_offset(ALGIERS).weekday() == time::Weekday::Friday {
        at + Duration::days(1)
    } else {
        at
    }
}

/// What a message about one order says, before it is put in a template.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageFacts {
    pub customer_name: String,
    pub order_number: String,
    pub total: i64,
    pub delivery_date: OffsetDateTime,
    /// The callback or postponement time, when the step has one.
    pub reschedule_time: Option<OffsetDateTime>,
    pub shop_name: String,
}

impl MessageFacts {
    /// The text of template variable `name` in `language`.
    pub fn value(&self, name: &str, language: UiLocale) -> String {
        match name {
            "customerName" => first_name(&self.customer_name).to_string(),
            "orderNumber" => self.order_number.clone(),
            "total" => amount_text(self.total, language),
            "deliveryDate" => date_text(self.delivery_date, language),
            "rescheduleTime" => self.reschedule_time.map(|at| date_time_text(at, language)).unwrap_or_default(),
            "shopName" => self.shop_name.clone(),
            _ => String::new(),
        }
    }

    /// A sample order for the template editor's preview.
    pub fn sample(now: OffsetDateTime, shop_name: &str) -> Self {
        Self {
            customer_name: "Amina Benali".into(),
            order_number: "BV-2026-001234".into(),
            total: 4500,
            delivery_date: expected_delivery(now),
            reschedule_time: Some(now + Duration::days(1)),
            shop_name: shop_name.to_string(),
        }
    }
}

/// An e-mail's subject in `language`: the shop and the order, so the customer's mailbox threads
/// every message of one order together.
pub fn email_subject(facts: &MessageFacts, language: UiLocale) -> String {
    let order = match language {
        UiLocale::Fr => "Votre commande",
        UiLocale::Ar => "طلبك رقم",
        UiLocale::ArDz => "الكوموند تاعك",
    };
    format!("{} · {order} {}", facts.shop_name, facts.order_number)
}

/// Renders `template` for `facts` in `language`.
pub fn render(
    template: &sms::Template,
    facts: &MessageFacts,
    language: UiLocale,
) -> Result<String, sms::TemplateError> {
    template.render(|name| facts.value(name, language))
}

/// Whether `at` falls in quiet hours (Algiers time): between the configured start and end
/// (across midnight when start > end), and Friday 12:00–14:00 when the pause is on.
pub fn is_quiet(at: OffsetDateTime, settings: &MessagingSettings) -> bool {
    let (weekday, minute) = local_weekday_minute(at);
    let (start, end) = (settings.quiet_start_minute, settings.quiet_end_minute);
    let night = if start <= end { minute >= start && minute < end } else { minute >= start || minute < end };
    let prayer = settings.friday_pause && weekday == 5 && (12 * 60..14 * 60).contains(&minute);
    night || prayer
}

/// The first minute at or after `at` outside quiet hours (`at` itself when it is not quiet).
pub fn next_open(at: OffsetDateTime, settings: &MessagingSettings) -> OffsetDateTime {
    let mut t = at;
    // Quiet spans are at most a day long: a minute-by-minute walk ends within 1 440 steps,
    // jumping to the next whole minute first.
    for _ in 0..(2 * 1440) {
        if !is_quiet(t, settings) {
            return t;
        }
        let next = t + Duration::minutes(1);
        t = next.replace_second(0).unwrap_or(next).replace_nanosecond(0).unwrap_or(next);
    }
    t
}

/// What a provider answered a send with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// Worth another try: a timeout, 429, 5xx, or a code the provider marks temporary.
    Transient(String),
    /// Never going to work: an invalid number, a landline, an unsubscribed customer.
    Permanent(String),
    /// The provider may have taken it: the request went out but the answer was lost or
    /// unreadable. Resent only where a resend is the same message to the provider (our id as
    /// its key); elsewhere `unknown`, for a person to decide.
    Ambiguous(String),
}

/// Tries before a transiently failing message is given up as failed.
pub const MAX_TRIES: i32 = 8;

/// The wait before try `tries + 1` after a transient failure: 30 s doubled each try, at most an
/// hour, with ±20 % jitter drawn from `seed` (the message id) so instances do not retry in step.
pub fn retry_delay(tries: i32, seed: i64) -> Duration {
    let exponent = u32::try_from(tries.clamp(1, 16) - 1).unwrap_or(0);
    let base = (30_i64 << exponent).min(3600);
    // splitmix64 of the seed and the try: deterministic, spread over -20..=20 %.
    let mut z = (seed as u64).wrapping_add((tries as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let jitter = (z % 41) as i64 - 20;
    Duration::milliseconds(base * 1000 * (100 + jitter) / 100)
}

/// The order statuses move in: a final status is never left, and nothing moves back.
fn rank(status: MessageStatus) -> u8 {
    match status {
        MessageStatus::Queued => 0,
        MessageStatus::Sending => 1,
        MessageStatus::Sent => 2,
        MessageStatus::Unknown => 3,
        MessageStatus::Delivered | MessageStatus::Failed | MessageStatus::Undelivered | MessageStatus::Expired => 4,
    }
}

/// Whether a message may move from `from` to `to`: strictly forward only, so a late `sent`
/// after `delivered` (or a repeated callback) changes nothing. `unknown` may still learn its
/// real final status.
pub fn advances(from: MessageStatus, to: MessageStatus) -> bool {
    rank(to) > rank(from)
}

/// Whether a status is final (no more callbacks are expected).
pub fn is_final(status: MessageStatus) -> bool {
    rank(status) == 4
}

/// The cost of a message at the configured tariff, in centimes of DZD.
pub fn tariff_centimes(encoding: sms::Encoding, segments: usize, settings: &MessagingSettings) -> i64 {
    let per_segment = match encoding {
        sms::Encoding::Gsm7 => settings.gsm_segment_centimes,
        sms::Encoding::Ucs2 => settings.ucs2_segment_centimes,
    };
    per_segment.saturating_mul(i64::try_from(segments).unwrap_or(i64::MAX))
}

/// A sender id as Algerian operators register them: 1 to 11 Latin letters or digits.
pub fn valid_sender_id(id: &str) -> bool {
    (1..=11).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_saved_language_wins_over_the_name() {
        assert_eq!(customer_language(Some(UiLocale::Fr), "أمينة بن علي", UiLocale::Ar), UiLocale::Fr);
    }

    #[test]
    fn an_arabic_name_is_written_to_in_darija_and_a_latin_one_in_the_shop_default() {
        assert_eq!(customer_language(None, "أمينة بن علي", UiLocale::Fr), UiLocale::ArDz);
        assert_eq!(customer_language(None, "Amina Benali", UiLocale::Ar), UiLocale::Ar);
        assert_eq!(customer_language(None, "", UiLocale::Fr), UiLocale::Fr);
    }

    #[test]
    fn a_missing_language_falls_back_to_the_shop_default_and_says_so() {
        let templates = [(UiLocale::Fr, "fr"), (UiLocale::Ar, "ar")];
        assert_eq!(pick_template(&templates, UiLocale::Ar, UiLocale::Fr), Some((UiLocale::Ar, &"ar", false)));
        assert_eq!(pick_template(&templates, UiLocale::ArDz, UiLocale::Fr), Some((UiLocale::Fr, &"fr", true)));
        assert_eq!(pick_template(&templates[1..], UiLocale::ArDz, UiLocale::Fr), None);
    }

    #[test]
    fn an_email_subject_names_the_shop_and_the_order_in_the_customers_language() {
        let facts = MessageFacts::sample(datetime!(2026-12-02 10:00 UTC), "Vitrine");
        assert_eq!(email_subject(&facts, UiLocale::Fr), "Vitrine · Votre commande BV-2026-001234");
        assert_eq!(email_subject(&facts, UiLocale::Ar), "Vitrine · طلبك رقم BV-2026-001234");
        assert_eq!(email_subject(&facts, UiLocale::ArDz), "Vitrine · الكوموند تاعك BV-2026-001234");
    }

    #[test]
    fn variables_read_in_the_templates_language() {
        let facts = MessageFacts {
            customer_name: "Amina Benali".into(),
            order_number: "BV-2026-000042".into(),
            total: 16300,
            delivery_date: datetime!(2026-12-03 10:00 UTC),
            reschedule_time: Some(datetime!(2026-12-02 13:30 UTC)),
            shop_name: "Vitrine".into(),
        };
        assert_eq!(facts.value("customerName", UiLocale::Fr), "Amina");
        assert_eq!(facts.value("total", UiLocale::Fr), "16 300 DA");
        assert_eq!(facts.value("total", UiLocale::ArDz), "16 300 د.ج");
        assert_eq!(sms::count(&facts.value("total", UiLocale::Fr)).encoding, sms::Encoding::Gsm7);
        assert_eq!(facts.value("deliveryDate", UiLocale::Fr), "3 décembre");
        assert_eq!(facts.value("deliveryDate", UiLocale::Ar), "3 ديسمبر");
        // Algiers is UTC+1.
        assert_eq!(facts.value("rescheduleTime", UiLocale::Fr), "2 décembre à 14:30");
        let template = sms::Template::parse("Bonjour {{customerName}}, {{orderNumber}} : {{total}}.")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            render(&template, &facts, UiLocale::Fr).as_deref(),
            Ok("Bonjour Amina, BV-2026-000042 : 16 300 DA.")
        );
    }

    #[test]
    fn quiet_hours_hold_the_night_and_the_friday_prayer() {
        let settings = MessagingSettings::default();
        // 20:59 and 21:00 Algiers (19:59, 20:00 UTC); 07:59 and 08:00.
        assert!(!is_quiet(datetime!(2026-12-01 19:59 UTC), &settings));
        assert!(is_quiet(datetime!(2026-12-01 20:00 UTC), &settings));
        assert!(is_quiet(datetime!(2026-12-02 06:59 UTC), &settings));
        assert!(!is_quiet(datetime!(2026-12-02 07:00 UTC), &settings));
        // Friday 4 December 2026, 12:30 Algiers.
        assert!(is_quiet(datetime!(2026-12-04 11:30 UTC), &settings));
        assert!(!is_quiet(datetime!(2026-12-04 13:00 UTC), &settings));
        let no_pause = MessagingSettings { friday_pause: false, ..settings.clone() };
        assert!(!is_quiet(datetime!(2026-12-04 11:30 UTC), &no_pause));
    }

    #[test]
    fn a_message_written_at_night_waits_for_eight_oclock() {
        let settings = MessagingSettings::default();
        assert_eq!(next_open(datetime!(2026-12-01 22:17:43 UTC), &settings), datetime!(2026-12-02 07:00 UTC));
        let open = datetime!(2026-12-01 10:17:43 UTC);
        assert_eq!(next_open(open, &settings), open);
        assert_eq!(next_open(datetime!(2026-12-04 11:05 UTC), &settings), datetime!(2026-12-04 13:00 UTC));
    }

    #[test]
    fn retries_back_off_exponentially_with_bounded_jitter() {
        for seed in [1_i64, 42, 7_000_001] {
            let mut previous = Duration::ZERO;
            for tries in 1..=8 {
                let delay = retry_delay(tries, seed);
                let base = (30_i64 << (tries - 1)).min(3600) as f64;
                let seconds = delay.as_seconds_f64();
                assert!(seconds >= base * 0.8 - 0.001 && seconds <= base * 1.2 + 0.001, "try {tries}: {seconds}");
                if base < 3600.0 {
                    assert!(delay > previous * 0.5, "grows");
                }
                previous = delay;
            }
        }
        assert_ne!(retry_delay(3, 1), retry_delay(3, 2), "jitter spreads instances");
    }

    #[test]
    fn statuses_only_move_forward() {
        use MessageStatus::*;
        assert!(advances(Queued, Sending) && advances(Sending, Sent) && advances(Sent, Delivered));
        assert!(advances(Queued, Failed) && advances(Unknown, Delivered));
        assert!(!advances(Delivered, Sent), "a late sent after delivered changes nothing");
        assert!(!advances(Delivered, Delivered) && !advances(Failed, Delivered) && !advances(Sent, Queued));
        assert!(is_final(Expired) && !is_final(Unknown));
    }

    #[test]
    fn cost_follows_segments_and_encoding() {
        let settings =
            MessagingSettings { gsm_segment_centimes: 500, ucs2_segment_centimes: 700, ..Default::default() };
        assert_eq!(tariff_centimes(sms::Encoding::Gsm7, 2, &settings), 1000);
        assert_eq!(tariff_centimes(sms::Encoding::Ucs2, 3, &settings), 2100);
    }

    #[test]
    fn sender_ids_are_short_latin_names() {
        assert!(valid_sender_id("Vitrine") && valid_sender_id("SHOP2026DZ1"));
        assert!(
            !valid_sender_id("")
                && !valid_sender_id("Vitrine Shop")
                && !valid_sender_id("ShopDZ123456")
                && !valid_sender_id("متجر")
        );
    }

    #[test]
    fn a_friday_delivery_moves_to_saturday() {
        // Wednesday 2 December 2026 + 2 days = Friday → Saturday.
        assert_eq!(expected_delivery(datetime!(2026-12-02 10:00 UTC)), datetime!(2026-12-05 10:00 UTC));
        assert_eq!(expected_delivery(datetime!(2026-12-01 10:00 UTC)), datetime!(2026-12-03 10:00 UTC));
    }
}
