//! Pure rules about customers. Full normalisation across scripts comes with duplicate detection;
//! this is the form stored beside every name so searches and matching have one to start from.

/// Longest note (on a customer, or on an attempt) in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Lower case, accents and Arabic diacritics (tashkeel, tatweel) removed, whitespace collapsed.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                // Arabic harakat, shadda, sukun, superscript alef, and tatweel.
                '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
                'à' | 'â' | 'ä' | 'á' => out.push('a'),
                'é' | 'è' | 'ê' | 'ë' => out.push('e'),
                'î' | 'ï' | 'í' => out.push('i'),
                'ô' | 'ö' | 'ó' => out.push('o'),
                'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
                'ç' => out.push('c'),
                'أ' | 'إ' | 'آ' => out.push('ا'),
                'ى' => out.push('ي'),
                'ة' => out.push('ه'),
                _ => out.push(c),
            }
        }
    }
    out
}

/// An E.164 number as Algerians read it: `+213555123456` → `0555 12 34 56` (mobile) or
/// `021 23 45 67` (Algiers landline); foreign numbers stay international.
pub fn display_phone(e164: &str) -> String {
    let Some(nsn) = e164.strip_prefix("+213").filter(|n| n.bytes().all(|b| b.is_ascii_digit())) else {
        return e164.to_string();
    };
    let national = format!("0{nsn}");
    let head = if national.len() == 10 { 4 } else { 3 };
    let mut out = national[..head].to_string();
    for pair in national.as_bytes()[head..].chunks(2) {
        out.push(' ');
        out.push_str(std::str::from_utf8(pair).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algerian_numbers_display_in_national_pairs() {
        assert_eq!(display_phone("+213555123456"), "0555 12 34 56");
        assert_eq!(display_phone("+21321234567"), "021 23 45 67");
        assert_eq!(display_phone("+33612345678"), "+33612345678");
    }

    #[test]
    fn latin_names_fold_case_accents_and_spaces() {
        assert_eq!(normalize_name("  Hélène   BENALI "), "helene benali");
        assert_eq!(normalize_name("François"), "francois");
    }

    #[test]
    fn arabic_names_fold_alef_yaa_taa_marbuta_and_diacritics() {
        assert_eq!(normalize_name("أمينة"), normalize_name("امينه"));
        assert_eq!(normalize_name("مُصْطَفى"), "مصطفي");
        assert_eq!(normalize_name("عـــلي"), "علي");
        assert_eq!(normalize_name("إيمان"), "ايمان");
    }
}
