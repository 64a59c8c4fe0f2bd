//! Phone numbers as customers and shops type them, to E.164 (`+213555123456`). Pure; imports
//! nothing of the app but its error codes.
//!
//! The `phonenumber` crate (libphonenumber metadata) validates and formats, but it does not fold
//! Arabic-Indic or Persian digits nor strip direction marks, and 0.3 wrongly accepts 9-digit
//! Algerian numbers starting with 2: both are handled here (see ../shared/DOMAIN.md).
use crate::error::{AppError, ErrorCode};

/// A valid phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PhoneNumber(String);

/// What kind of Algerian line a number is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Mobile,
    Fixed,
    /// Not an Algerian number.
    Foreign,
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

    pub fn kind(&self) -> LineKind {
        match self.0.strip_prefix("+213") {
            Some(nsn) if nsn.len() == 9 => LineKind::Mobile,
            Some(_) => LineKind::Fixed,
            None => LineKind::Foreign,
        }
    }

    /// Reads any real spelling: `0555 12 34 56`, `+213 555-123-456`, `00213555123456`,
    /// `555123456`, Arabic-Indic or Persian digits, with spaces, dots, dashes, brackets and
    /// invisible direction marks.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let invalid = || AppError::field(ErrorCode::PhoneInvalid, "phone");
        let folded = fold(raw).ok_or_else(invalid)?;
        let international = if let Some(rest) = folded.strip_prefix('+') {
            rest.to_string()
        } else if let Some(rest) = folded.strip_prefix("00") {
            rest.to_string()
        } else if folded.len() == 12 && folded.starts_with("213") {
            folded
        } else if let Some(nsn) = folded.strip_prefix('0') {
            format!("213{nsn}")
        } else if folded.len() == 9 && matches!(folded.as_bytes()[0], b'5' | b'6' | b'7') {
            format!("213{folded}")
        } else {
            return Err(invalid());
        };
        if let Some(nsn) = international.strip_prefix("213") {
            let nsn = nsn.strip_prefix('0').unwrap_or(nsn); // "+213 0555…" is common
            return algerian(nsn).ok_or_else(invalid);
        }
        let parsed = phonenumber::parse(None, format!("+{international}")).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&parsed) {
            return Err(invalid());
        }
        Ok(Self(parsed.format().mode(phonenumber::Mode::E164).to_string()))
    }
}

/// Algerian national significant number: mobiles are 9 digits starting 5, 6 or 7; fixed lines 8
/// digits, checked against libphonenumber's metadata.
fn algerian(nsn: &str) -> Option<PhoneNumber> {
    let first = *nsn.as_bytes().first()?;
    match nsn.len() {
        9 if matches!(first, b'5' | b'6' | b'7') => Some(PhoneNumber(format!("+213{nsn}"))),
        8 => {
            let parsed = phonenumber::parse(Some(phonenumber::country::Id::DZ), nsn).ok()?;
            phonenumber::is_valid(&parsed).then(|| PhoneNumber(format!("+213{nsn}")))
        }
        _ => None,
    }
}

/// Keeps a leading `+` and the digits (ASCII, Arabic-Indic `٠-٩`, Persian `۰-۹`), drops the
/// separators people type; `None` if anything else is there (letters, a second `+`).
fn fold(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            '+' if out.is_empty() => out.push('+'),
            ' ' | '\u{00A0}' | '\u{202F}' | '.' | '-' | '(' | ')' | '/' => {}
            // direction marks and isolates that copy-paste from RTL text brings along
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => {}
            _ => return None,
        }
    }
    (out.trim_start_matches('+').len() >= 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_spelling_of_a_mobile_gives_the_same_e164() {
        for raw in [
            "0555 12 34 56",
            "0555123456",
            "+213 555-123-456",
            "+213555123456",
            "00213555123456",
            "213555123456",
            "555123456",
            "05.55.12.34.56",
            "(0555) 12-34-56",
            "+213 0555 12 34 56",
            "٠٥٥٥١٢٣٤٥٦",
            "۰۵۵۵۱۲۳۴۵۶",
            "\u{200E}0555 12 34 56\u{200F}",
            "\u{2066}+213 555 12 34 56\u{2069}",
            " 0555\u{00A0}12\u{00A0}34\u{00A0}56 ",
        ] {
            let phone = PhoneNumber::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e:?}"));
            assert_eq!(phone.e164(), "+213555123456", "{raw:?}");
            assert_eq!(phone.kind(), LineKind::Mobile);
        }
    }

    #[test]
    fn mobiles_start_with_5_6_or_7() {
        assert_eq!(PhoneNumber::parse("0661 23 45 67").expect("6").e164(), "+213661234567");
        assert_eq!(PhoneNumber::parse("0770 12 34 56").expect("7").e164(), "+213770123456");
        for raw in ["0255 12 34 56", "0855123456", "0955123456", "+213255123456"] {
            assert_eq!(PhoneNumber::parse(raw).expect_err(raw).code, ErrorCode::PhoneInvalid, "{raw}");
        }
    }

    #[test]
    fn a_fixed_line_has_eight_digits() {
        let phone = PhoneNumber::parse("021 23 45 67").expect("Algiers fixed line");
        assert_eq!(phone.e164(), "+21321234567");
        assert_eq!(phone.kind(), LineKind::Fixed);
    }

    #[test]
    fn wrong_lengths_letters_and_empty_input_are_refused() {
        for raw in ["", "   ", "0555 12 34", "0555 12 34 567", "055S123456", "+213+555123456", "abc"] {
            let err = PhoneNumber::parse(raw).expect_err(raw);
            assert_eq!(err.code, ErrorCode::PhoneInvalid, "{raw:?}");
            assert_eq!(err.field.as_deref(), Some("phone"));
        }
    }

    #[test]
    fn a_valid_foreign_number_is_kept_in_e164() {
        let phone = PhoneNumber::parse("+33 6 12 34 56 78").expect("French mobile");
        assert_eq!(phone.e164(), "+33612345678");
        assert_eq!(phone.kind(), LineKind::Foreign);
    }

    #[test]
    fn whatsapp_links_take_the_digits_without_plus() {
        assert_eq!(PhoneNumber::parse("0555123456").expect("valid").wa_me_digits(), "213555123456");
    }
}
