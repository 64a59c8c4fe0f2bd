//! Text normalisation and similarity for names, addresses and phones written in Arabic script,
//! Latin script (French spelling) or both.
//!
//! Owns: digit folding and invisible-mark removal ([`fold_digits`]), Arabic letter folding
//! ([`arabic`]), Latin case/accent folding ([`latin`]), the combined token form ([`text`]), the
//! cross-script phonetic key ([`skeleton`]), name and address similarity, and phone relations.
//! Everything here is pure and allocation-light; nothing reads a clock or does I/O.
//!
//! # The skeleton key
//!
//! [`skeleton`] maps each token, in either script, to a string over a small consonant alphabet
//! so that one name written "Abdelkader", "Abd El Kader", "عبد القادر" or "عبدالقادر" gives the
//! same key (`bdkdr`). Alphabet: `b t d ʒ ħ χ r z s ʃ f k l m n y`, plus ASCII digits (kept
//! as written, never collapsed) and any other letter kept as it is. The non-ASCII symbols are
//! chosen so that the key is a fixed point of itself (`skeleton(skeleton(x)) == skeleton(x)`):
//! `ħ` is ح/ه/Latin h, `ʃ` is ش/ch/sh, `ʒ` is ج/j/dj, `χ` is خ/kh.
//!
//! Rules, in order:
//! 1. [`text`] first (digits folded, Arabic letters folded, Latin lower-cased without accents).
//! 2. Articles: a Latin token `el`, `al`, or an assimilated article (`es`, `ez`, `ed`, `er`,
//!    `et`, `en`, `ech`, `ej`) is dropped ("El Harrach", "Es Senia"); an Arabic token starting
//!    with `ال` (longer than 3 letters, except `الياس` = Ilyas) loses it; `عبدال…` is split into
//!    `عبد` + the rest; a Latin token `abd…` skips a following `el`/`al`/`ul`/`il`/`oul`
//!    ("Abdelkader" → `abd`+`kader`).
//! 3. Latin letters: `ch`/`sh` → ʃ, `kh` → χ, `gh` → k, `dj`/`j` → ʒ, `th` → t, `dh` → d,
//!    `ph`/`v` → f, `p` → b, `q`/`g` → k, `c` → s before e/i/y else k, `x` → ks, `h` → ħ;
//!    vowels `a e i o u` and `w` dropped; `y` kept only as the first letter of a token.
//! 4. Arabic letters: ب b, ت ث ط t, ج ʒ, ح ħ, خ χ, د ذ ض d, ر r, ز ظ z, س ص s, ش ʃ, ف ڤ f,
//!    ق ك غ ڨ گ k, ل l, م m, ن n, ه ħ (dropped as the last letter of a word of 3+ letters: it is
//!    almost always a ta marbuta written without dots), ي y as the first letter else dropped;
//!    ا ء ع و dropped.
//! 5. Repeated consonants collapse ("Haddad" → `ħd`); digits never collapse.
//! 6. Particles `bn` (ben, bin, ibn, بن), `b` (bou, bab, بو) and `bd` (abd, عبد) are glued to the
//!    next token, dropping that token's initial `y` ("Ben Youcef" = "Benyoucef" = `bnsf`), so
//!    joined and split spellings give the same key ("Benali" = "بن علي" = `bnl`).
//!
//! What it gets wrong (known, by design of a consonant key):
//! - Vowel-only differences vanish: Amine/Imane (`mn`), Karim/Karima (`krm`), Samir/Samira,
//!   Ahmed/Hamdi/Hamidi (`ħmd`), Djamel/Djamila (`ʒml`). Names differing only by vowels or
//!   gender ending look identical; other evidence (phone, products) must separate them.
//! - `g` and `gh` merge with `k`/`q` (Algerian "g" is mostly ق, as in Guelma, Chéraga; but
//!   Mostaganem's g is غ): Ghezal and Kezal get the same key.
//! - `th` is taken as ث (Othmane = عثمان), so "Fethi" (`ft`) misses فتحي (`ftħ`); a Latin final
//!   `h` is kept, so "Sarah" (`srħ`) misses سارة (`sr`), while "Abdallah"/عبد الله (`bdlħ`) match.
//! - Word-final ه is dropped for words of 3+ letters, so real final h (وجيه Wajih) is lost.
//! - An Arabic article glued to a word written in Latin as one word is not removed:
//!   "Larbi" (`lrb`) vs العربي (`rb`); a Latin article glued without a hyphen
//!   ("Elharrach") is kept. Names starting with `ال` that are not articles (other than الياس)
//!   lose their first two letters.
//! - `w`/`ou` and و are always dropped (French "ou" is both w and u, و both w and ū), so
//!   "Walid" and "Lydia" collide (`ld`), and "Ouzou" keys to a bare `z`; short keys such as
//!   Aïcha (`ʃ`), Ali (`l`) or Azzouz (`z`) match many things fuzzily.
//! - "Oussama"-type names (Latin initial "ou" for أُ) and "Sarah"-type final h are spelling
//!   conventions the key cannot see; French "ç" loses its cedilla and becomes `k` before a/o/u.
//! - Particle gluing depends on token order: "Bouzid Yacine" vs "Yacine Bou Zid" still match
//!   (tokens are glued before comparing), but a particle at the end of a name stays alone.
//! - Other scripts (Tifinagh, Cyrillic…) pass through unchanged and never match Latin/Arabic.

use serde::{Deserialize, Serialize};
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

/// Cross-script phonetic key: one key per token, joined by single spaces (see the module
/// documentation for the rules and their known failures).
pub fn skeleton(s: &str) -> String {
    skeleton_tokens(&text(s)).join(" ")
}

/// Latin article tokens dropped before keying (plain and assimilated forms).
const LATIN_ARTICLES: [&str; 10] = ["el", "al", "es", "ez", "ed", "er", "et", "en", "ech", "ej"];

/// Keys glued to the next token (ben/bin/ibn, bou/bab/abou, abd).
const PARTICLES: [&str; 3] = ["bn", "b", "bd"];

/// Skeleton tokens of an already [`text`]-normalised string.
fn skeleton_tokens(normalised: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut chars: Vec<char> = Vec::new();
    for token in normalised.split(' ') {
        if token.is_empty() || LATIN_ARTICLES.contains(&token) {
            continue;
        }
        chars.clear();
        chars.extend(token.chars());
        if chars.len() > 5 && chars.starts_with(&['ع', 'ب', 'د', 'ا', 'ل']) {
            keys.push(key_of(&chars[..3]));
            keys.push(key_of(&chars[5..]));
        } else {
            keys.push(key_of(&chars));
        }
    }
    glue(keys)
}

/// Glues particles to the next non-empty key, dropping that key's initial `y`.
fn glue(keys: Vec<String>) -> Vec<String> {
    let keys: Vec<String> = keys.into_iter().filter(|k| !k.is_empty()).collect();
    let last = keys.len().saturating_sub(1);
    let mut out = Vec::with_capacity(keys.len());
    let mut acc = String::new();
    for (i, key) in keys.into_iter().enumerate() {
        if acc.is_empty() {
            acc = key;
        } else {
            let rest = key.strip_prefix('y').unwrap_or(&key);
            for c in rest.chars() {
                push_symbol(&mut acc, c);
            }
        }
        if i < last && PARTICLES.contains(&acc.as_str()) {
            continue;
        }
        out.push(std::mem::take(&mut acc));
    }
    if !acc.is_empty() {
        out.push(acc);
    }
    out
}

/// Appends a key symbol, collapsing a repeated letter (digits never collapse).
fn push_symbol(out: &mut String, c: char) {
    if !c.is_ascii_digit() && out.ends_with(c) {
        return;
    }
    out.push(c);
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The key of one token (either script, or mixed).
fn key_of(token: &[char]) -> String {
    let mut t = token;
    // Arabic article (not on الياس = Ilyas).
    if t.len() > 3 && t.starts_with(&['ا', 'ل']) && t != ['ا', 'ل', 'ي', 'ا', 'س'] {
        t = &t[2..];
    }
    let mut out = String::with_capacity(t.len() * 2);
    let n = t.len();
    let mut i = 0;
    // Latin "abd" + article: Abdelkader, Abdallah, Abdoulaye.
    if n > 3 && t.starts_with(&['a', 'b', 'd']) {
        out.push_str("bd");
        i = 3;
        let prefixes: [&[char]; 5] = [&['o', 'u', 'l'], &['e', 'l'], &['a', 'l'], &['u', 'l'], &['i', 'l']];
        for p in prefixes {
            if t[3..].starts_with(p) && n - 3 - p.len() >= 2 {
                i += p.len();
                break;
            }
        }
    }
    let at = |k: usize| t.get(k).copied();
    while i < n {
        let c = t[i];
        let next = at(i + 1);
        let mut step = 1;
        let last = i + 1 == n;
        match c {
            'c' => match next {
                Some('h') => {
                    push_symbol(&mut out, 'ʃ');
                    step = 2;
                }
                Some('e' | 'i' | 'y') => push_symbol(&mut out, 's'),
                _ => push_symbol(&mut out, 'k'),
            },
            's' if next == Some('h') => {
                push_symbol(&mut out, 'ʃ');
                step = 2;
            }
            'k' if next == Some('h') => {
                push_symbol(&mut out, 'χ');
                step = 2;
            }
            'g' | 'q' => {
                push_symbol(&mut out, 'k');
                if c == 'g' && next == Some('h') {
                    step = 2;
                }
            }
            'd' if next == Some('j') || next == Some('h') => {
                push_symbol(&mut out, if next == Some('j') { 'ʒ' } else { 'd' });
                step = 2;
            }
            't' if next == Some('h') => {
                push_symbol(&mut out, 't');
                step = 2;
            }
            'p' if next == Some('h') => {
                push_symbol(&mut out, 'f');
                step = 2;
            }
            'p' | 'b' | 'ب' | 'پ' => push_symbol(&mut out, 'b'),
            'x' => {
                push_symbol(&mut out, 'k');
                push_symbol(&mut out, 's');
            }
            'j' | 'ج' => push_symbol(&mut out, 'ʒ'),
            'h' | 'ح' => push_symbol(&mut out, 'ħ'),
            'v' | 'f' | 'ف' | 'ڤ' => push_symbol(&mut out, 'f'),
            'y' | 'ي' | 'ی' => {
                if i == 0 {
                    push_symbol(&mut out, 'y');
                }
            }
            'w' | 'ا' | 'ء' | 'ع' | 'و' => {}
            c if is_vowel(c) => {}
            'ت' | 'ث' | 'ط' => push_symbol(&mut out, 't'),
            'خ' => push_symbol(&mut out, 'χ'),
            'د' | 'ذ' | 'ض' => push_symbol(&mut out, 'd'),
            'ر' => push_symbol(&mut out, 'r'),
            'ز' | 'ظ' => push_symbol(&mut out, 'z'),
            'س' | 'ص' => push_symbol(&mut out, 's'),
            'ش' => push_symbol(&mut out, 'ʃ'),
            'ق' | 'ك' | 'غ' | 'ڨ' | 'گ' | 'ک' => push_symbol(&mut out, 'k'),
            'ل' => push_symbol(&mut out, 'l'),
            'م' => push_symbol(&mut out, 'm'),
            'ن' => push_symbol(&mut out, 'n'),
            'ه' => {
                if !(last && n >= 3) {
                    push_symbol(&mut out, 'ħ');
                }
            }
            'ة' => {}
            c => push_symbol(&mut out, c),
        }
        i += step;
    }
    out
}

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

    #[test]
    fn a_name_gets_the_same_skeleton_in_both_scripts() {
        for (latin, arabic) in [
            ("Yacine Benali", "ياسين بن علي"),
            ("Abdelkader", "عبد القادر"),
            ("Abd El Kader", "عبدالقادر"),
            ("Mohamed", "محمد"),
            ("Fatima Zohra", "فاطمة الزهراء"),
            ("Bab Ezzouar", "باب الزوار"),
            ("El Harrach", "الحراش"),
            ("Khaled Djebbar", "خالد جبار"),
            ("Cherif Belkacem", "شريف بلقاسم"),
            ("Abderrahmane", "عبد الرحمن"),
            ("Abdallah", "عبد الله"),
            ("Youcef Benyoucef", "يوسف بن يوسف"),
            ("Es Senia", "السانية"),
            ("Chéraga", "الشراقة"),
            ("Ilyes", "إلياس"),
        ] {
            assert_eq!(skeleton(latin), skeleton(arabic), "{latin} / {arabic}");
        }
    }

    #[test]
    fn skeleton_examples_read_as_documented() {
        assert_eq!(skeleton("Mohammed Amine"), "mħmd mn");
        assert_eq!(skeleton("Abdelkader"), "bdkdr");
        assert_eq!(skeleton("Haddad"), "ħd");
        assert_eq!(skeleton("Benali"), "bnl");
        assert_eq!(skeleton("Ben Youcef"), "bnsf");
        assert_eq!(skeleton("Cité 500"), "st 500");
        assert_eq!(skeleton("Chaouch Khelifi"), "ʃ χlf");
    }

    #[test]
    fn latin_spelling_variants_share_a_skeleton() {
        assert_eq!(skeleton("Mohamed"), skeleton("Mouhamed"));
        assert_eq!(skeleton("Mohamed"), skeleton("Mohammed"));
        assert_eq!(skeleton("Youcef"), skeleton("Youssef"));
        assert_eq!(skeleton("Djamel"), skeleton("Jamel"));
        assert_eq!(skeleton("Khadidja"), skeleton("Khadija"));
        assert_eq!(skeleton("Hocine"), skeleton("Houcine"));
    }

    #[test]
    fn skeleton_is_its_own_fixed_point() {
        for s in ["Yacine Benali", "عبد القادر", "Bab Ezzouar 12", "ben", "b n x", "إسحاق مقهى", "دجاج"]
        {
            let k = skeleton(s);
            assert_eq!(skeleton(&k), k, "{s}");
        }
    }

    #[test]
    fn known_skeleton_misses_stay_documented() {
        assert_ne!(skeleton("Fethi"), skeleton("فتحي"));
        assert_ne!(skeleton("Sarah"), skeleton("سارة"));
        assert_eq!(skeleton("Amine"), skeleton("Imane"));
    }

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
