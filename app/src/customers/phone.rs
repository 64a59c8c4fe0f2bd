//! Phone numbers as customers and shops type them, to E.164 (`+213555123456`). Pure; imports
//! nothing of the app but its error codes.
//!
//! Read as libphonenumber reads them with Algeria as the default region (`0555…`, `555…`,
//! `213…`, `00213…`, `+213 (0) 555…`), by the `phonenumber` crate, after our folding: Arabic-Indic,
//! Persian and fullwidth digits, a `tel:` prefix, direction marks and every separator
//! libphonenumber allows (see ../shared/DOMAIN.md). The crate's own validity check matches the
//! numbering plan's patterns as a prefix only (so `0255 12 34 56`, nine digits starting with 2,
//! passes); [`LineKind::of`] matches them whole, as libphonenumber does, and says which kind of
//! line it is.
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use phonenumber::metadata::Descriptor;

use crate::error::{AppError, ErrorCode};

/// A valid phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PhoneNumber(String);

/// What kind of line a number is, as the numbering plan of its country says (libphonenumber's
/// types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Mobile,
    Fixed,
    /// Plans where the two share their ranges (the United States, for one).
    FixedOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    Personal,
    Pager,
    Uan,
    Voicemail,
}

impl LineKind {
    /// The kind of the national significant number `nsn` under the plan of `region`, matching
    /// each pattern whole and its lengths; None when no range of the plan holds it.
    fn of(region: &phonenumber::Metadata, nsn: &str) -> Option<LineKind> {
        let d = region.descriptors();
        if !matches(Some(d.general()), nsn) {
            return None;
        }
        let special = [
            (d.premium_rate(), LineKind::PremiumRate),
            (d.toll_free(), LineKind::TollFree),
            (d.shared_cost(), LineKind::SharedCost),
            (d.voip(), LineKind::Voip),
            (d.personal_number(), LineKind::Personal),
            (d.pager(), LineKind::Pager),
            (d.uan(), LineKind::Uan),
            (d.voicemail(), LineKind::Voicemail),
        ];
        if let Some((_, kind)) = special.into_iter().find(|(desc, _)| matches(*desc, nsn)) {
            return Some(kind);
        }
        match (matches(d.fixed_line(), nsn), matches(d.mobile(), nsn)) {
            (true, true) => Some(LineKind::FixedOrMobile),
            (true, false) => Some(LineKind::Fixed),
            (false, true) => Some(LineKind::Mobile),
            (false, false) => None,
        }
    }

    /// Whether it can receive an SMS.
    pub fn takes_sms(self) -> bool {
        matches!(self, LineKind::Mobile | LineKind::FixedOrMobile)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Mobile => "mobile",
            LineKind::Fixed => "fixed",
            LineKind::FixedOrMobile => "fixed_or_mobile",
            LineKind::TollFree => "toll_free",
            LineKind::PremiumRate => "premium_rate",
            LineKind::SharedCost => "shared_cost",
            LineKind::Voip => "voip",
            LineKind::Personal => "personal",
            LineKind::Pager => "pager",
            LineKind::Uan => "uan",
            LineKind::Voicemail => "voicemail",
        }
    }
}

/// Whether some kind of number of the region has `len` digits.
fn possible_length(region: &phonenumber::Metadata, len: usize) -> bool {
    let d = region.descriptors();
    [Some(d.general()), d.fixed_line(), d.mobile(), d.toll_free(), d.premium_rate(), d.shared_cost(), d.voip()]
        .into_iter()
        .flatten()
        .any(|desc| desc.possible_length().iter().any(|&l| usize::from(l) == len))
}

/// Whether `nsn` has one of the descriptor's lengths and its pattern matches all of it.
fn matches(desc: Option<&Descriptor>, nsn: &str) -> bool {
    let Some(desc) = desc else { return false };
    let lengths = desc.possible_length();
    if !lengths.is_empty() && !lengths.iter().any(|&l| usize::from(l) == nsn.len()) {
        return false;
    }
    whole(desc.national_number().as_str()).is_some_and(|re| re.is_match(nsn))
}

/// The metadata pattern anchored at both ends (compiled once per pattern).
fn whole(pattern: &str) -> Option<regex::Regex> {
    static CACHE: LazyLock<Mutex<HashMap<String, Option<regex::Regex>>>> = LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| regex::RegexBuilder::new(&format!("^(?:{pattern})$")).ignore_whitespace(true).build().ok())
        .clone()
}

/// Loads the numbering plans and compiles Algeria's patterns now rather than in the first
/// request that reads a phone (which then took 130 ms more).
pub fn warm_up() {
    let _ = PhoneNumber::parse("0555 12 34 56");
    let _ = PhoneNumber::parse("021 23 45 67");
}

impl PhoneNumber {
    /// `+213555123456`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The digits WhatsApp links take: `213555123456`.
    pub fn wa_me_digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    pub fn is_algerian(&self) -> bool {
        self.0.starts_with("+213")
    }

    /// The kind of line (a stored number was valid when parsed; None only if the plan changed).
    pub fn kind(&self) -> Option<LineKind> {
        read(&self.0).ok().map(|(_, kind)| kind)
    }

    /// Reads any real spelling: `0555 12 34 56`, `+213 555-123-456`, `00213555123456`,
    /// `555123456`, `213 21 23 45 67`, `tel:+213…`, Arabic-Indic, Persian or fullwidth digits,
    /// with spaces, dots, dashes, brackets and invisible direction marks. A number outside every
    /// allocated range (`0505…`, a typo or a fake) is refused with `phone_unallocated`.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        read(raw).map(|(phone, _)| phone)
    }
}

fn read(raw: &str) -> Result<(PhoneNumber, LineKind), AppError> {
    let folded = fold(raw).ok_or_else(|| AppError::field(ErrorCode::PhoneInvalid, "phone"))?;
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::DZ), &folded)
        .map_err(|_| AppError::field(ErrorCode::PhoneInvalid, "phone"))?;
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    let code = parsed.code().value().to_string();
    let nsn = e164.strip_prefix('+').and_then(|d| d.strip_prefix(code.as_str())).unwrap_or_default();
    let region = parsed
        .country()
        .id()
        .and_then(|id| phonenumber::metadata::DATABASE.by_id(id.as_ref()))
        .or_else(|| phonenumber::metadata::DATABASE.by_code(&parsed.code().value())?.into_iter().next());
    let Some(region) = region else { return Err(AppError::field(ErrorCode::PhoneInvalid, "phone")) };
    match LineKind::of(region, nsn) {
        Some(kind) => Ok((PhoneNumber(e164), kind)),
        // a length the country's numbers have, outside its ranges
        None if possible_length(region, nsn.len()) => Err(AppError::field(ErrorCode::PhoneUnallocated, "phone")),
        None => Err(AppError::field(ErrorCode::PhoneInvalid, "phone")),
    }
}

/// Keeps a leading `+` and the digits (ASCII, Arabic-Indic `٠-٩`, Persian `۰-۹`, fullwidth
/// `０-９`), drops a `tel:` prefix (and its parameters) and the separators libphonenumber allows;
/// `None` if anything else is there (letters, a second `+`).
fn fold(raw: &str) -> Option<String> {
    let mut text = raw.trim();
    if text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        text = text[4..].split(';').next().unwrap_or_default();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let digit = match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
            '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
            '\u{FF10}'..='\u{FF19}' => Some(c as u32 - 0xFF10),
            _ => None,
        };
        match (digit, c) {
            (Some(d), _) => out.push(char::from_digit(d, 10)?),
            (None, '+' | '\u{FF0B}') if out.is_empty() => out.push('+'),
            // libphonenumber's punctuation: spaces, dashes, dots, slashes, brackets, tildes
            (None, c) if c.is_whitespace() => {}
            (
                None,
                '.'
                | '-'
                | '('
                | ')'
                | '/'
                | '['
                | ']'
                | '~'
                | '\u{2010}'..='\u{2015}'
                | '\u{2212}'
                | '\u{30FC}'
                | '\u{FF0D}'..='\u{FF0F}'
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '\u{2053}'
                | '\u{223C}'
                | '\u{FF5E}'
                | '\u{00AD}'
                | '\u{200B}'
                | '\u{2060}',
            ) => {}
            // direction marks and isolates that copy-paste from RTL text brings along
            (None, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') => {}
            _ => return None,
        }
    }
    (out.trim_start_matches('+').len() >= 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> Result<(String, LineKind), ErrorCode> {
        read(raw).map(|(p, k)| (p.e164().to_string(), k)).map_err(|e| e.code)
    }

    #[test]
    fn every_spelling_of_a_mobile_gives_the_same_e164() {
        for raw in [
            "0555 12 34 56",
            "0555123456",
            "+213 555-123-456",
            "+213555123456",
            "00213555123456",
            "00 213 555 12 34 56",
            "213555123456",
            "555123456",
            "05.55.12.34.56",
            "(0555) 12-34-56",
            "0555/12/34/56",
            "+213 0555 12 34 56",
            "+213 (0) 555 12 34 56",
            "2130555123456",
            "٠٥٥٥١٢٣٤٥٦",
            "۰۵۵۵۱۲۳۴۵۶",
            "+٢١٣٥٥٥١٢٣٤٥٦",
            "０５５５１２３４５６",
            "＋２１３ ５５５ １２ ３４ ５６",
            "０５５５－１２－３４－５６",
            "tel:+213555123456",
            "TEL:0555123456",
            "tel:+213-555-12-34-56;phone-context=+213",
            "\u{200E}0555 12 34 56\u{200F}",
            "\u{2066}+213 555 12 34 56\u{2069}",
            "\u{FEFF}0555123456",
            " 0555\u{00A0}12\u{00A0}34\u{00A0}56 ",
            "0555\u{202F}12\u{202F}34\u{202F}56",
            "0555\u{3000}12\u{3000}34\u{3000}56",
            "0555 – 12 – 34 – 56",
            "0555‐12‐34‐56",
            "\t0555 12 34 56\n",
        ] {
            assert_eq!(kind(raw), Ok(("+213555123456".to_string(), LineKind::Mobile)), "{raw:?}");
        }
    }

    #[test]
    fn only_the_allocated_mobile_blocks_are_numbers() {
        // Ooredoo 540–542 and 549–564, Mobilis 600–699, Djezzy 770–799
        for block in ["540", "541", "542", "549", "550", "555", "559", "560", "564", "600", "661", "699", "770", "799"]
        {
            let raw = format!("0{block}123456");
            assert_eq!(kind(&raw), Ok((format!("+213{block}123456"), LineKind::Mobile)), "{raw}");
        }
        for block in ["500", "505", "509", "543", "548", "565", "570", "599", "700", "705", "750", "769"] {
            for raw in [format!("0{block}123456"), format!("+213{block}123456"), format!("{block}123456")] {
                assert_eq!(kind(&raw), Err(ErrorCode::PhoneUnallocated), "{raw}");
            }
        }
    }

    #[test]
    fn a_fixed_line_has_eight_digits_and_a_nine_digit_number_starting_with_2_is_none() {
        for raw in [
            "021 23 45 67",
            "021234567",
            "21234567",
            "+213 21 23 45 67",
            "00213 21 23 45 67",
            "21321234567",
            "213 21 23 45 67",
            "tel:+21321234567",
            "٠٢١٢٣٤٥٦٧",
            "０２１２３４５６７",
        ] {
            assert_eq!(kind(raw), Ok(("+21321234567".to_string(), LineKind::Fixed)), "{raw:?}");
        }
        assert_eq!(kind("038 12 34 56"), Ok(("+21338123456".to_string(), LineKind::Fixed)));
        // the crate's own check takes these (it matches the pattern as a prefix)
        for raw in ["0255 12 34 56", "+213255123456", "213255123456", "0455123456"] {
            assert_eq!(kind(raw), Err(ErrorCode::PhoneUnallocated), "{raw}");
        }
        // 47 is not a fixed-line block
        assert_eq!(kind("047 12 34 56"), Err(ErrorCode::PhoneUnallocated));
    }

    #[test]
    fn the_other_kinds_of_the_plan_are_named() {
        assert_eq!(kind("0800 12 34 56"), Ok(("+213800123456".to_string(), LineKind::TollFree)));
        assert_eq!(kind("0983 12 34 56"), Ok(("+213983123456".to_string(), LineKind::Voip)));
        assert_eq!(kind("0961 91 23 45"), Ok(("+213961912345".to_string(), LineKind::Fixed)));
        assert_eq!(kind("0803 1 12345").map(|k| k.1), Ok(LineKind::PremiumRate));
        assert!(LineKind::Mobile.takes_sms() && !LineKind::Fixed.takes_sms() && !LineKind::TollFree.takes_sms());
    }

    #[test]
    fn wrong_lengths_letters_and_empty_input_are_refused() {
        for raw in ["", "   ", "0555 12 34", "0555 12 34 567", "055S123456", "+213+555123456", "abc", "tel:", "+", "12"]
        {
            let err = PhoneNumber::parse(raw).expect_err(raw);
            assert!(matches!(err.code, ErrorCode::PhoneInvalid | ErrorCode::PhoneUnallocated), "{raw:?}");
            assert_eq!(err.field.as_deref(), Some("phone"));
        }
        for raw in ["", "abc", "055S123456", "+213+555123456", "0555 12 34", "0555 12 34 567", "+213 555 12 34 56 7"] {
            assert_eq!(kind(raw), Err(ErrorCode::PhoneInvalid), "{raw:?}");
        }
    }

    #[test]
    fn a_valid_foreign_number_is_kept_in_e164_with_its_kind() {
        assert_eq!(kind("+33 6 12 34 56 78"), Ok(("+33612345678".to_string(), LineKind::Mobile)));
        assert_eq!(kind("0033 1 42 68 53 00"), Ok(("+33142685300".to_string(), LineKind::Fixed)));
        assert_eq!(kind("+44 7911 123456"), Ok(("+447911123456".to_string(), LineKind::Mobile)));
        assert_eq!(kind("+1 650 253 0000").map(|k| k.1), Ok(LineKind::FixedOrMobile));
        assert!(kind("+33 6 12").is_err());
        let phone = PhoneNumber::parse("+33612345678").expect("French mobile");
        assert!(!phone.is_algerian());
        assert_eq!(phone.kind(), Some(LineKind::Mobile));
    }

    #[test]
    fn whatsapp_links_take_the_digits_without_plus() {
        assert_eq!(PhoneNumber::parse("0555123456").expect("valid").wa_me_digits(), "213555123456");
    }

    /// 4 582 spellings (`scripts/gen_phone_cases.py`) with libphonenumber's answers, read with
    /// Algeria as the default region: the same valid / invalid verdict and the same E.164 on
    /// every one.
    #[test]
    fn every_reference_spelling_gets_libphonenumbers_answer() {
        let cases = include_str!("testdata/phones_libphonenumber.jsonl");
        let (mut total, mut wrong) = (0, Vec::new());
        for line in cases.lines().skip(1) {
            let case: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let raw = case["raw"].as_str().expect("raw");
            let expected = case["e164"].as_str().map(str::to_string);
            let got = PhoneNumber::parse(raw).ok().map(|p| p.e164().to_string());
            total += 1;
            if got != expected {
                wrong.push(format!("{raw:?}: libphonenumber {expected:?}, ours {got:?}"));
            }
        }
        assert!(total > 4000, "{total} cases");
        assert!(wrong.is_empty(), "{} of {total} disagree:\n{}", wrong.len(), wrong.join("\n"));
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        const BLOCKS: [&str; 14] =
            ["540", "541", "542", "549", "550", "557", "560", "564", "600", "661", "699", "770", "785", "799"];

        /// The ways a shop's form receives a national number (`0555123456`).
        fn spell(national: &str, style: u8) -> String {
            let nsn = &national[1..];
            let fullwidth = |s: &str| {
                s.chars().map(|c| char::from_u32(0xFF10 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect::<String>()
            };
            let arabic = |s: &str| {
                s.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect::<String>()
            };
            match style % 9 {
                0 => national.to_string(),
                1 => format!("{} {} {} {}", &national[..4], &national[4..6], &national[6..8], &national[8..]),
                2 => format!("+213{nsn}"),
                3 => format!("00213 {nsn}"),
                4 => nsn.to_string(),
                5 => arabic(national),
                6 => fullwidth(national),
                7 => format!("tel:+213-{nsn}"),
                _ => format!("213{nsn}"),
            }
        }

        proptest! {
            #[test]
            fn every_spelling_of_an_allocated_mobile_reads_the_same_and_reads_again_the_same(
                block in 0..BLOCKS.len(), rest in 0u32..1_000_000, style in 0u8..9
            ) {
                let national = format!("0{}{rest:06}", BLOCKS[block]);
                let phone = PhoneNumber::parse(&spell(&national, style)).expect("allocated");
                prop_assert_eq!(phone.e164(), format!("+213{}", &national[1..]));
                prop_assert_eq!(phone.kind(), Some(LineKind::Mobile));
                // formatted and read again: the same number
                prop_assert_eq!(&PhoneNumber::parse(phone.e164()).expect("E.164"), &phone);
                prop_assert_eq!(&PhoneNumber::parse(&format!("0{}", &phone.e164()[4..])).expect("national"), &phone);
            }

            #[test]
            fn whatever_is_accepted_is_stable_under_formatting(digits in "[+]?[0-9]{6,14}") {
                if let Ok(phone) = PhoneNumber::parse(&digits) {
                    let again = PhoneNumber::parse(phone.e164()).expect("its own E.164 reads");
                    prop_assert_eq!(&again, &phone);
                    prop_assert_eq!(again.kind(), phone.kind());
                }
            }
        }
    }
}
