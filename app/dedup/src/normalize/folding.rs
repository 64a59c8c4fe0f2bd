//! Folding: digits (Arabic-Indic, Persian) to ASCII and invisible marks removed, Arabic letter
//! variants to one letter, Latin to lower case without accents, and the combined token form.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Digit folding and invisible-mark removal of one character (`None` = removed).
fn fold_digit_char(c: char) -> Option<char> {
    match c {
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}' => None,
        _ => Some(c),
    }
}

/// Arabic letter folding of one character (`None` = removed).
fn arabic_char(c: char) -> Option<char> {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        'ؤ' => Some('و'),
        'ئ' => Some('ي'),
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => None,
        '\u{060C}' | '\u{061B}' | '\u{061F}' => Some(' '),
        _ => Some(c),
    }
}

/// Latin folding of one character: lower-case, canonical decomposition without combining
/// marks, ligatures spelled out, anything not alphanumeric as a space; each result char is
/// passed to `emit`.
fn latin_char(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { ' ' });
        return;
    }
    // Arabic letters without case or decomposition (U+0622–U+0626 decompose, U+0640 is tatweel).
    if matches!(c, '\u{0621}' | '\u{0627}'..='\u{063F}' | '\u{0641}'..='\u{064A}') {
        emit(c);
        return;
    }
    for l in c.to_lowercase() {
        decompose_canonical(l, |d| match d {
            'œ' => "oe".chars().for_each(&mut *emit),
            'æ' => "ae".chars().for_each(&mut *emit),
            'ß' => "ss".chars().for_each(&mut *emit),
            d if is_combining_mark(d) => {}
            d if d.is_alphanumeric() => d.to_lowercase().for_each(&mut *emit),
            _ => emit(' '),
        });
    }
}

/// Folds Arabic-Indic (`٠`–`٩`) and Persian (`۰`–`۹`) digits to ASCII and removes invisible
/// direction and joiner marks (U+200E, U+200F, U+061C, U+200B–U+200D, U+FEFF).
pub fn fold_digits(s: &str) -> String {
    s.chars().filter_map(fold_digit_char).collect()
}

/// Folds Arabic letter variants: alef forms `أ إ آ ٱ` → `ا`, `ى` → `ي`, `ة` → `ه`, `ؤ` → `و`,
/// `ئ` → `ي`; removes tatweel (U+0640) and diacritics (U+064B–U+065F, U+0670); turns the Arabic
/// comma, semicolon and question mark into spaces. Other characters are kept.
pub fn arabic(s: &str) -> String {
    s.chars().filter_map(arabic_char).collect()
}

/// Lower-cases, removes accents (NFD, combining marks dropped; `œ` → `oe`, `æ` → `ae`,
/// `ß` → `ss`) and turns apostrophes and every other non-alphanumeric character into a space
/// ("L'Hôpital" → "l hopital"). Spaces are not collapsed (see [`text`]).
pub fn latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        latin_char(c, &mut |d| out.push(d));
    }
    out
}

/// The comparable form of any text in either script: [`fold_digits`], then [`arabic`], then
/// [`latin`]; tokens separated by single spaces, trimmed. One pass, no intermediate strings.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut emit = |d: char| {
        if d == ' ' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(d);
        }
    };
    for c in s.chars().filter_map(fold_digit_char).filter_map(arabic_char) {
        latin_char(c, &mut emit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_indic_and_persian_digits_fold_to_ascii() {
        assert_eq!(fold_digits("٠٥٥٥ ١٢ ٣٤ ٥٦"), "0555 12 34 56");
        assert_eq!(fold_digits("۰۶۶۱۲۳۴۵۶۷۸۹"), "066123456789");
    }

    #[test]
    fn direction_and_joiner_marks_are_removed() {
        assert_eq!(
            fold_digits("\u{200E}+213\u{200F}555\u{061C}12\u{200B}34\u{200C}5\u{200D}6\u{FEFF}"),
            "+213555123456"
        );
    }

    #[test]
    fn alef_variants_fold_to_bare_alef() {
        assert_eq!(arabic("أإآٱ"), "اااا");
        assert_eq!(arabic("أحمد"), "احمد");
    }

    #[test]
    fn alef_maqsura_becomes_ya() {
        assert_eq!(arabic("الهدى"), "الهدي");
    }

    #[test]
    fn ta_marbuta_becomes_ha() {
        assert_eq!(arabic("فاطمة"), "فاطمه");
    }

    #[test]
    fn hamza_seats_fold_to_their_letter() {
        assert_eq!(arabic("مؤمن"), "مومن");
        assert_eq!(arabic("عائشة"), "عايشه");
    }

    #[test]
    fn tatweel_and_diacritics_are_removed() {
        assert_eq!(arabic("مـحـمـد"), "محمد");
        assert_eq!(arabic("مُحَمَّدٌ"), "محمد");
        assert_eq!(arabic("هٰذا"), "هذا");
    }

    #[test]
    fn arabic_punctuation_becomes_space() {
        assert_eq!(arabic("حي،عمارة؛رقم؟"), "حي عماره رقم ");
    }

    #[test]
    fn latin_accents_and_case_are_folded() {
        assert_eq!(latin("Béjaïa Sétif ÇA"), "bejaia setif ca");
        assert_eq!(latin("Œuvre Æ Straße"), "oeuvre ae strasse");
    }

    #[test]
    fn apostrophes_and_punctuation_become_spaces() {
        assert_eq!(latin("L'Hôpital"), "l hopital");
        assert_eq!(latin("l’hopital,n°5"), "l hopital n 5");
    }

    #[test]
    fn text_folds_every_script_and_collapses_spaces() {
        assert_eq!(text("  Cité ١٢٠٠  Logts, \u{200F}باب   الزوّار "), "cite 1200 logts باب الزوار");
        assert_eq!(text(""), "");
    }

    #[test]
    fn text_is_the_composition_of_the_three_folds() {
        for x in ["  Cité ١٢٠٠ \u{200E}Logts’ Bt-12 , باب الزوّار ", "ÅNGSTRÖM Œ ß İ", "مُحَمَّد ، أحمد؟"]
        {
            assert_eq!(text(x), latin(&arabic(&fold_digits(x))).split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
}
