//! How two phone numbers relate (same, one digit, transposed), and the one-step neighbours of a
//! mobile number used as blocking keys.

use serde::{Deserialize, Serialize};

use super::folding::fold_digits;

/// How two phone numbers relate. serde: snake_case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneRelation {
    /// The same number.
    Same,
    /// Same length, exactly one digit different.
    OneDigit,
    /// Same length, two adjacent digits swapped.
    Transposed,
    /// Anything else (including an empty number).
    Different,
}

/// Relation between two phone numbers (E.164 strings; digits are folded, other characters
/// compared as written). Symmetric.
pub fn phone_relation(a: &str, b: &str) -> PhoneRelation {
    phone_relation_folded(&fold_digits(a.trim()), &fold_digits(b.trim()))
}

/// [`phone_relation`] of already folded numbers, without allocating.
pub(crate) fn phone_relation_folded(a: &str, b: &str) -> PhoneRelation {
    if a.is_empty() || b.is_empty() || a.chars().count() != b.chars().count() {
        return PhoneRelation::Different;
    }
    let mut diffs = [(0usize, ' ', ' '); 2];
    let mut n = 0;
    for (i, (x, y)) in a.chars().zip(b.chars()).enumerate() {
        if x != y {
            if n == 2 {
                return PhoneRelation::Different;
            }
            diffs[n] = (i, x, y);
            n += 1;
        }
    }
    let [(i, x0, y0), (j, x1, y1)] = diffs;
    match n {
        0 => PhoneRelation::Same,
        1 => PhoneRelation::OneDigit,
        _ if j == i + 1 && x0 == y1 && x1 == y0 => PhoneRelation::Transposed,
        _ => PhoneRelation::Different,
    }
}

/// Every E.164 number one substitution or one adjacent transposition away from an Algerian
/// mobile (`+213` + operator digit 5/6/7 + 8 digits), staying an Algerian mobile: the 8 digits
/// vary freely, the operator digit only among 5/6/7 (at most 8×9 + 2 + 8 = 82 numbers), in a
/// fixed order without duplicates. Empty for anything else.
pub fn phone_neighbours(e164: &str) -> Vec<String> {
    let Some(national) = e164.strip_prefix("+213") else {
        return Vec::new();
    };
    let digits: Vec<u8> = national.bytes().collect();
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) || !matches!(digits[0], b'5' | b'6' | b'7') {
        return Vec::new();
    }
    let render = |d: &[u8]| -> String {
        let mut s = String::with_capacity(13);
        s.push_str("+213");
        s.extend(d.iter().map(|&b| char::from(b)));
        s
    };
    let mut out = Vec::with_capacity(82);
    for op in [b'5', b'6', b'7'] {
        if op != digits[0] {
            let mut d = digits.clone();
            d[0] = op;
            out.push(render(&d));
        }
    }
    for i in 1..9 {
        for v in b'0'..=b'9' {
            if v != digits[i] {
                let mut d = digits.clone();
                d[i] = v;
                out.push(render(&d));
            }
        }
    }
    for i in 0..8 {
        if digits[i] != digits[i + 1] && (i > 0 || matches!(digits[1], b'5' | b'6' | b'7')) {
            let mut d = digits.clone();
            d.swap(i, i + 1);
            out.push(render(&d));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_relations_are_recognised() {
        assert_eq!(phone_relation("+213555123456", "+213555123456"), PhoneRelation::Same);
        assert_eq!(phone_relation("+213555123456", "+213555123457"), PhoneRelation::OneDigit);
        assert_eq!(phone_relation("+213555123456", "+213555213456"), PhoneRelation::Transposed);
        assert_eq!(phone_relation("+213555123456", "+213555214356"), PhoneRelation::Different);
        assert_eq!(phone_relation("+213555123456", "+21355512345"), PhoneRelation::Different);
        assert_eq!(phone_relation("", ""), PhoneRelation::Different);
    }

    #[test]
    fn a_retyped_phone_digit_is_near() {
        assert_eq!(phone_relation("+213661234567", "+213661234568"), PhoneRelation::OneDigit);
        assert_eq!(phone_relation("+213661234567", "+213661235467"), PhoneRelation::Transposed);
    }

    #[test]
    fn a_mobile_has_at_most_82_neighbours_all_one_step_away() {
        let n = phone_neighbours("+213555123456");
        assert!(n.len() <= 82 && n.len() >= 80, "{}", n.len());
        assert!(n.iter().all(|x| matches!(
            phone_relation(x, "+213555123456"),
            PhoneRelation::OneDigit | PhoneRelation::Transposed
        )));
        assert!(n.contains(&"+213655123456".to_string()));
        assert!(n.contains(&"+213551523456".to_string()));
        let mut sorted = n.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), n.len());
    }

    #[test]
    fn a_swap_of_the_operator_digit_stays_a_mobile() {
        let n = phone_neighbours("+213561234567");
        assert!(n.contains(&"+213651234567".to_string()));
        let n = phone_neighbours("+213512345678");
        assert!(!n.contains(&"+213152345678".to_string()));
    }

    #[test]
    fn non_mobiles_have_no_neighbours() {
        assert!(phone_neighbours("+21321123456").is_empty());
        assert!(phone_neighbours("+213255123456").is_empty());
        assert!(phone_neighbours("+33612345678").is_empty());
        assert!(phone_neighbours("0555123456").is_empty());
    }
}
