//! Name and address similarity over skeleton keys: soft token-set matches robust to order,
//! spelling and script; numbers in addresses compared as numbers.

use super::folding::text;
use super::skeleton::skeleton_tokens;

/// Pre-computed comparison form of a person's name.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NameKey {
    /// Skeleton tokens in written order.
    tokens: Vec<String>,
    /// Tokens sorted and concatenated.
    sorted_joined: String,
    /// Tokens concatenated in written order.
    joined: String,
}

impl NameKey {
    pub(crate) fn new(name: &str) -> Self {
        let tokens = skeleton_tokens(&text(name));
        let joined = tokens.concat();
        let mut sorted = tokens.clone();
        sorted.sort_unstable();
        NameKey { sorted_joined: sorted.concat(), tokens, joined }
    }
}

/// Similarity of two keys in 0..=1: the mean of Jaro-Winkler and normalised optimal-string-
/// alignment distance (Levenshtein plus adjacent swaps; Jaro-Winkler alone is generous to
/// unrelated short strings). Symmetric by argument ordering.
fn key_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return if a.is_empty() { 0.0 } else { 1.0 };
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let longest = a.chars().count().max(b.chars().count()) as f64;
    let osa = 1.0 - strsim::osa_distance(a, b) as f64 / longest;
    let v = 0.5 * (strsim::jaro_winkler(a, b) + osa);
    v.clamp(0.0, 1.0)
}

/// Best similarity of each token of `a` in `b` and of each token of `b` in `a`, from one
/// matrix of pairwise similarities (credit below `floor` counts as 0).
fn best_matches(a: &[String], b: &[String], floor: f64) -> (Vec<f64>, Vec<f64>) {
    let mut rows = vec![0.0; a.len()];
    let mut cols = vec![0.0; b.len()];
    for (i, t) in a.iter().enumerate() {
        for (j, u) in b.iter().enumerate() {
            let mut s = key_similarity(t, u);
            if s < floor {
                s = 0.0;
            }
            rows[i] = f64::max(rows[i], s);
            cols[j] = f64::max(cols[j], s);
        }
    }
    (rows, cols)
}

/// Soft token-set match: each token's best similarity in the other list, weighted by token
/// length, over both directions. Symmetric.
fn token_set_similarity(a: &[String], b: &[String]) -> f64 {
    let (rows, cols) = best_matches(a, b, 0.0);
    let weighted = |x: &[String], best: &[f64]| -> (f64, f64) {
        x.iter().zip(best).fold((0.0, 0.0), |(num, den), (t, s)| {
            let w = t.chars().count() as f64;
            (num + w * s, den + w)
        })
    };
    let (na, da) = weighted(a, &rows);
    let (nb, db) = weighted(b, &cols);
    if da + db == 0.0 {
        0.0
    } else {
        (na + nb) / (da + db)
    }
}

pub(crate) fn name_key_similarity(a: &NameKey, b: &NameKey) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    if a.sorted_joined == b.sorted_joined {
        return 1.0;
    }
    let sorted = key_similarity(&a.sorted_joined, &b.sorted_joined);
    let joined = key_similarity(&a.joined, &b.joined);
    let set = token_set_similarity(&a.tokens, &b.tokens);
    sorted.max(joined).max(set)
}

/// Similarity of two person names in 0..=1, in either script: the best of the similarity of the
/// sorted skeleton tokens joined, of the tokens joined in written order, and of a soft token-set
/// match, so token order, split/joined tokens ("ben ali" / "benali" / "بن علي") and one typo
/// matter little. 0 when either name has no key.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    name_key_similarity(&NameKey::new(a), &NameKey::new(b))
}

/// Address words ignored when comparing (after [`text`]).
const ADDRESS_STOP: [&str; 36] = [
    "rue",
    "cite",
    "n",
    "no",
    "num",
    "numero",
    "bt",
    "bat",
    "bloc",
    "batiment",
    "lot",
    "lots",
    "logements",
    "logement",
    "logts",
    "lgts",
    "log",
    "appt",
    "app",
    "appartement",
    "etage",
    "villa",
    "des",
    "de",
    "du",
    "la",
    "le",
    "les",
    "d",
    "l",
    "حي",
    "شارع",
    "عماره",
    "رقم",
    "مسكن",
    "طابق",
];

/// Pre-computed comparison form of an address: skeleton words (stop words removed) and numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AddressKey {
    words: Vec<String>,
    numbers: Vec<u64>,
}

impl AddressKey {
    pub(crate) fn new(address: &str) -> Self {
        let normalised = text(address);
        let mut numbers = Vec::new();
        let mut kept = String::with_capacity(normalised.len());
        for token in normalised.split(' ') {
            if token.is_empty() || ADDRESS_STOP.contains(&token) {
                continue;
            }
            if token.bytes().all(|b| b.is_ascii_digit()) {
                let digits = token.trim_start_matches('0');
                numbers.push(if digits.is_empty() { 0 } else { digits.parse().unwrap_or(u64::MAX) });
                continue;
            }
            if !kept.is_empty() {
                kept.push(' ');
            }
            kept.push_str(token);
        }
        AddressKey { words: skeleton_tokens(&kept), numbers }
    }
}

pub(crate) fn address_key_similarity(a: &AddressKey, b: &AddressKey) -> f64 {
    let total = a.words.len() + a.numbers.len() + b.words.len() + b.numbers.len();
    if a.words.len() + a.numbers.len() == 0 || b.words.len() + b.numbers.len() == 0 {
        return 0.0;
    }
    // Words match at key similarity ≥ 0.8.
    let (rows, cols) = best_matches(&a.words, &b.words, 0.8);
    let numbers = |x: &[u64], y: &[u64]| -> f64 { x.iter().filter(|n| y.contains(n)).count() as f64 };
    let matched = rows.iter().sum::<f64>()
        + cols.iter().sum::<f64>()
        + numbers(&a.numbers, &b.numbers)
        + numbers(&b.numbers, &a.numbers);
    (matched / total as f64).clamp(0.0, 1.0)
}

/// Similarity of two addresses in 0..=1, in either script: a soft token-set match over
/// skeleton words (stop words such as rue, cité, bt, حي, شارع, عمارة, رقم ignored; words match
/// at key similarity ≥ 0.8) and numbers (compared as numbers: "012" = "12" = "١٢"), robust to
/// order. 0 when either side has nothing to compare.
pub fn address_similarity(a: &str, b: &str) -> f64 {
    address_key_similarity(&AddressKey::new(a), &AddressKey::new(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_near(a: &str, b: &str) {
        let s = name_similarity(a, b);
        assert!(s >= 0.85, "{a} / {b}: {s}");
    }

    fn assert_far(a: &str, b: &str) {
        let s = name_similarity(a, b);
        assert!(s <= 0.5, "{a} / {b}: {s}");
    }

    #[test]
    fn the_same_name_in_two_scripts_is_near() {
        assert_near("Yacine Benali", "ياسين بن علي");
        assert_near("Abdelkader Saidi", "عبد القادر سعيدي");
        assert_near("Fatima Zohra Merabet", "فاطمة الزهراء مرابط");
        assert_near("Khadidja Mansouri", "خديجة منصوري");
        assert_near("Rachid Brahimi", "رشيد براهيمي");
        assert_near("Sofiane Meziane", "سفيان مزيان");
        assert_near("Nour El Houda Bouzid", "نور الهدى بوزيد");
        assert_near("Hocine Zerrouki", "حسين زروقي");
        assert_near("Meriem Khelifi", "مريم خليفي");
        assert_near("Youcef Slimani", "يوسف سليماني");
    }

    #[test]
    fn spelling_variants_of_a_name_are_near() {
        assert_near("Mohamed Amine", "Mohammed Amin");
        assert_near("Mouhamed Ferhat", "Mohamed Ferhat");
        assert_near("Soufiane Hadjadj", "Sofiane Hadjadj");
        assert_near("Abd El Kader Kaci", "Abdelkader Kaci");
        assert_near("Yacine Ben Ali", "Yacine Benali");
    }

    #[test]
    fn swapped_name_order_is_near() {
        assert_near("Benali Yacine", "Yacine Benali");
        assert_near("BOUZID Karim", "كريم بو زيد");
        assert_near("Merabet Fatima Zohra", "Fatima Zohra Merabet");
    }

    #[test]
    fn a_one_letter_typo_is_near() {
        assert_near("Yacine Benalli", "Yacine Benali");
        assert_near("Samira Belkacme", "Samira Belkacem");
        assert_near("Nassim Rahmnai", "Nassim Rahmani");
    }

    #[test]
    fn clearly_different_names_are_far() {
        assert_far("Yacine Benali", "Karim Haddad");
        assert_far("Sofiane Meziane", "نور الهدى بوزيد");
        assert_far("Amina Toumi", "Rachid Brahimi");
        assert_far("خالد جبار", "Samira Lounis");
        assert_far("Walid Mokrani", "Fatima Zohra Merabet");
        assert_far("Hamza Ferhat", "Zineb Slimani");
    }

    #[test]
    fn a_relative_with_the_same_family_name_is_in_between() {
        let s = name_similarity("Yacine Benali", "Amina Benali");
        assert!(s > 0.3 && s < 0.85, "{s}");
    }

    #[test]
    fn empty_names_are_not_similar() {
        assert_eq!(name_similarity("", ""), 0.0);
        assert_eq!(name_similarity("Ali", ""), 0.0);
    }

    #[test]
    fn the_same_address_in_two_scripts_is_near() {
        let s =
            address_similarity("Cité 500 Logements Bt 12 N° 4 Bab Ezzouar", "حي 500 مسكن عمارة 12 رقم 4 باب الزوار");
        assert!(s >= 0.95, "{s}");
        let s = address_similarity("12 Rue Didouche Mourad, Alger", "Alger, rue Didouche Mourad n° 12");
        assert!(s >= 0.95, "{s}");
    }

    #[test]
    fn address_numbers_compare_as_numbers() {
        assert_eq!(address_similarity("Bt 012", "عمارة ١٢"), 1.0);
        assert!(address_similarity("Cité 500 Bt 12", "Cité 500 Bt 13") < 0.75);
    }

    #[test]
    fn different_addresses_are_far() {
        let s = address_similarity("Cité 500 Logements Bt 12 Bab Ezzouar", "Rue Larbi Ben M'hidi 3 Oran");
        assert!(s < 0.2, "{s}");
        assert_eq!(address_similarity("", "Oran"), 0.0);
    }
}
