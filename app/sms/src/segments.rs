//! SMS encoding detection and segment counting.
//!
//! A text is sent as GSM-7 when every character is in the GSM 03.38 default alphabet (basic or extension table),
//! and as UCS-2 otherwise. GSM-7 holds 160 septets in a single message and 153 per part of a concatenated one;
//! extension characters cost two septets (escape + character) and the pair is never split across parts. UCS-2 holds
//! 70 UTF-16 code units in a single message and 67 per part; a surrogate pair is never split across parts.

/// Septets in a single-part GSM-7 message.
const GSM7_SINGLE: usize = 160;
/// Septets in each part of a concatenated GSM-7 message.
const GSM7_PART: usize = 153;
/// UTF-16 code units in a single-part UCS-2 message.
const UCS2_SINGLE: usize = 70;
/// UTF-16 code units in each part of a concatenated UCS-2 message.
const UCS2_PART: usize = 67;

/// GSM-7 cost of a character outside GSM 03.38.
const NON_GSM: u8 = 0;
/// GSM-7 cost of a basic-table character.
const BASIC: u8 = 1;
/// GSM-7 cost of an extension-table character (escape + character).
const EXTENSION: u8 = 2;

/// GSM-7 cost of each ASCII character.
const ASCII_COST: [u8; 128] = ascii_costs();

/// Builds [`ASCII_COST`]: printable ASCII, LF and CR are basic, except the extension characters and the backtick.
const fn ascii_costs() -> [u8; 128] {
    let mut table = [NON_GSM; 128];
    let mut i = b' ';
    while i < 0x7F {
        table[i as usize] = BASIC;
        i += 1;
    }
    table[b'\n' as usize] = BASIC;
    table[b'\r' as usize] = BASIC;
    table[b'`' as usize] = NON_GSM;
    let extension = b"\x0C^{}\\[~]|";
    let mut j = 0;
    while j < extension.len() {
        table[extension[j] as usize] = EXTENSION;
        j += 1;
    }
    table
}

/// The GSM-7 cost of `c` in septets: [`BASIC`], [`EXTENSION`], or [`NON_GSM`].
#[inline]
fn gsm_cost(c: char) -> u8 {
    if c.is_ascii() {
        return ASCII_COST[c as usize];
    }
    match c {
        '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ' | 'Γ' | 'Λ' | 'Ω' | 'Π'
        | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡' | 'Ä' | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö'
        | 'ñ' | 'ü' | 'à' => BASIC,
        '€' => EXTENSION,
        _ => NON_GSM,
    }
}

/// The encoding a message is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 03.38 default alphabet, 7 bits per character.
    Gsm7,
    /// UCS-2, 16 bits per UTF-16 code unit.
    Ucs2,
}

impl Encoding {
    /// The usual name of the encoding: `"GSM-7"` or `"UCS-2"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "GSM-7",
            Self::Ucs2 => "UCS-2",
        }
    }
}

/// The size of a text once sent as SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentCount {
    /// The encoding the text is sent with.
    pub encoding: Encoding,
    /// User-perceived characters, counted as Unicode scalar values.
    pub characters: usize,
    /// Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.
    pub units: usize,
    /// Messages needed to send the text; 0 for an empty text.
    pub segments: usize,
    /// Distinct characters outside GSM 03.38, in first-seen order; they are what forces UCS-2.
    pub non_gsm: Vec<char>,
}

/// Greedy packer counting the parts of a concatenated message, never splitting one character's units.
struct Packer {
    /// Units per part.
    limit: usize,
    /// Units left in the current part.
    room: usize,
    /// Parts started so far.
    parts: usize,
}

impl Packer {
    /// A packer with `limit` units per part and no part started.
    const fn new(limit: usize) -> Self {
        Self { limit, room: 0, parts: 0 }
    }

    /// Adds a character costing `cost` units, starting a new part when it does not fit in the current one.
    #[inline]
    fn push(&mut self, cost: usize) {
        if cost > self.room {
            self.parts += 1;
            self.room = self.limit - cost;
        } else {
            self.room -= cost;
        }
    }
}

/// Counts the characters, units and segments of `text` and picks its encoding.
#[must_use]
pub fn count(text: &str) -> SegmentCount {
    let mut characters = 0;
    let mut septets = 0;
    let mut utf16 = 0;
    let mut gsm_parts = Packer::new(GSM7_PART);
    let mut ucs2_parts = Packer::new(UCS2_PART);
    let mut non_gsm = Vec::new();
    for c in text.chars() {
        characters += 1;
        let wide = c.len_utf16();
        utf16 += wide;
        ucs2_parts.push(wide);
        match gsm_cost(c) {
            NON_GSM => {
                if !non_gsm.contains(&c) {
                    non_gsm.push(c);
                }
            }
            cost => {
                let cost = usize::from(cost);
                septets += cost;
                gsm_parts.push(cost);
            }
        }
    }
    let (encoding, units, single, parts) = if non_gsm.is_empty() {
        (Encoding::Gsm7, septets, GSM7_SINGLE, gsm_parts.parts)
    } else {
        (Encoding::Ucs2, utf16, UCS2_SINGLE, ucs2_parts.parts)
    };
    let segments = match units {
        0 => 0,
        u if u <= single => 1,
        _ => parts,
    };
    SegmentCount { encoding, characters, units, segments, non_gsm }
}

/// Whether `c` is in GSM 03.38, basic or extension table. The escape character itself (`\u{1B}`) is not.
#[must_use]
pub fn is_gsm7(c: char) -> bool {
    gsm_cost(c) != NON_GSM
}

/// Whether `c` is in the GSM 03.38 extension table: `^ { } \ [ ~ ] | €` and form feed.
#[must_use]
pub fn is_gsm7_extension(c: char) -> bool {
    gsm_cost(c) == EXTENSION
}

/// The GSM-7 variant of a text whose only non-GSM characters are foldable Latin letters or typographic punctuation.
///
/// Accented letters fold to their base letter (`ê` → `e`, `À` → `A`), `œ`/`Œ` to `oe`/`OE`, `þ`/`Þ` to `th`/`TH`;
/// curly single quotes and `‹ ›` to `'`, curly double quotes and `« »` to `"`, dashes and minus to `-`, `…` to
/// `...`, and non-breaking, narrow and thin spaces to a space. GSM characters (`é`, `à`, `Ç`, `æ`…) are kept.
///
/// Returns `None` when the text is already GSM-7 or when some character cannot be folded (e.g. Arabic, emoji).
#[must_use]
pub fn gsm_variant(text: &str) -> Option<String> {
    let (first, _) = text.char_indices().find(|&(_, c)| !is_gsm7(c))?;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_gsm7(c) {
            out.push(c);
        } else {
            out.push_str(fold(c)?);
        }
    }
    Some(out)
}

/// The GSM-7 replacement of a non-GSM character, if it has one.
fn fold(c: char) -> Option<&'static str> {
    let folded = match c {
        'á' | 'â' | 'ã' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ń' | 'ņ' | 'ň' => "n",
        'ó' | 'ô' | 'õ' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ú' | 'û' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ď' | 'Đ' | 'Ð' => "D",
        'È' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ń' | 'Ņ' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Œ' => "OE",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ŵ' => "W",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'Þ' => "TH",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '‹' | '›' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '«' | '»' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => "-",
        '…' => "...",
        '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' => " ",
        _ => return None,
    };
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every basic-table character usable as text (all of GSM 03.38 basic except ESC).
    const BASIC_TABLE: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                               ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /// Every extension-table character.
    const EXTENSION_TABLE: &str = "\u{000C}^{}\\[~]|€";

    fn gsm(text: &str) -> SegmentCount {
        let counted = count(text);
        assert_eq!(counted.encoding, Encoding::Gsm7, "{text:?}");
        assert!(counted.non_gsm.is_empty());
        counted
    }

    fn ucs2(text: &str) -> SegmentCount {
        let counted = count(text);
        assert_eq!(counted.encoding, Encoding::Ucs2, "{text:?}");
        assert!(!counted.non_gsm.is_empty());
        counted
    }

    #[test]
    fn encoding_names() {
        assert_eq!(Encoding::Gsm7.as_str(), "GSM-7");
        assert_eq!(Encoding::Ucs2.as_str(), "UCS-2");
    }

    #[test]
    fn empty_text() {
        assert_eq!(
            count(""),
            SegmentCount { encoding: Encoding::Gsm7, characters: 0, units: 0, segments: 0, non_gsm: vec![] }
        );
    }

    #[test]
    fn single_character() {
        let counted = gsm("a");
        assert_eq!((counted.characters, counted.units, counted.segments), (1, 1, 1));
    }

    #[test]
    fn gsm_single_and_multipart_limits() {
        for (length, segments) in
            [(1, 1), (159, 1), (160, 1), (161, 2), (305, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
        {
            let counted = gsm(&"a".repeat(length));
            assert_eq!(counted.characters, length);
            assert_eq!(counted.units, length);
            assert_eq!(counted.segments, segments, "{length} septets");
        }
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        let counted = gsm(&"€".repeat(80));
        assert_eq!((counted.characters, counted.units, counted.segments), (80, 160, 1));
        let counted = gsm(&"€".repeat(81));
        assert_eq!((counted.characters, counted.units, counted.segments), (81, 162, 2));
        let counted = gsm(&format!("{}€", "a".repeat(158)));
        assert_eq!((counted.units, counted.segments), (160, 1));
        let counted = gsm(&format!("{}€", "a".repeat(159)));
        assert_eq!((counted.units, counted.segments), (161, 2));
    }

    #[test]
    fn escape_pair_is_never_split() {
        // Part 1: 152 'a' leave 1 septet, too little for '€'; part 2: '€' + 151 'a' = 153; part 3: 1 'a'.
        let counted = gsm(&format!("{}€{}", "a".repeat(152), "a".repeat(152)));
        assert_eq!((counted.characters, counted.units, counted.segments), (305, 306, 3));
        // Same total septets without the straddling pair fit in 2 parts.
        assert_eq!(gsm(&"a".repeat(306)).segments, 2);
        // Part 1: 151 'a' + '€' = 153 exactly; part 2: 152 'a'.
        let counted = gsm(&format!("{}€{}", "a".repeat(151), "a".repeat(152)));
        assert_eq!((counted.units, counted.segments), (305, 2));
        // Part 1: 152 'a'; part 2: '€' + 10 'a'.
        let counted = gsm(&format!("{}€{}", "a".repeat(152), "a".repeat(10)));
        assert_eq!((counted.units, counted.segments), (164, 2));
    }

    #[test]
    fn every_extension_character() {
        assert_eq!(EXTENSION_TABLE.chars().count(), 10);
        for c in EXTENSION_TABLE.chars() {
            assert!(is_gsm7(c), "{c:?}");
            assert!(is_gsm7_extension(c), "{c:?}");
            let counted = gsm(&c.to_string());
            assert_eq!((counted.characters, counted.units, counted.segments), (1, 2, 1), "{c:?}");
            assert_eq!(gsm(&c.to_string().repeat(80)).segments, 1, "{c:?}");
            assert_eq!(gsm(&c.to_string().repeat(81)).segments, 2, "{c:?}");
        }
    }

    #[test]
    fn every_basic_character() {
        assert_eq!(BASIC_TABLE.chars().count(), 127);
        for c in BASIC_TABLE.chars() {
            assert!(is_gsm7(c), "{c:?}");
            assert!(!is_gsm7_extension(c), "{c:?}");
        }
        let counted = gsm(BASIC_TABLE);
        assert_eq!((counted.characters, counted.units, counted.segments), (127, 127, 1));
    }

    #[test]
    fn nothing_else_is_gsm() {
        let table: Vec<char> = BASIC_TABLE.chars().chain(EXTENSION_TABLE.chars()).collect();
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_gsm7(c), table.contains(&c), "{c:?}");
        }
        for c in ['\u{1B}', '`', '\t', '\0', 'ç', 'ê', 'À', '\u{00A0}', '😀'] {
            assert!(!is_gsm7(c), "{c:?}");
        }
    }

    #[test]
    fn arabic_is_ucs2() {
        let counted = ucs2("مرحبا، تم تأكيد طلبك رقم 1234");
        assert_eq!((counted.characters, counted.units, counted.segments), (29, 29, 1));
        assert_eq!(counted.non_gsm, "مرحبا،تأكيدطلق".chars().collect::<Vec<_>>());
        for (length, segments) in [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)] {
            let counted = ucs2(&"م".repeat(length));
            assert_eq!((counted.characters, counted.units), (length, length));
            assert_eq!(counted.segments, segments, "{length} units");
            assert_eq!(counted.non_gsm, ['م']);
        }
    }

    #[test]
    fn one_non_gsm_character_makes_everything_ucs2() {
        let counted = ucs2(&format!("{}ê", "a".repeat(69)));
        assert_eq!((counted.units, counted.segments), (70, 1));
        let counted = ucs2(&format!("{}ê", "a".repeat(70)));
        assert_eq!((counted.units, counted.segments), (71, 2));
        // Extension characters are a single UTF-16 unit in UCS-2.
        let counted = ucs2(&format!("{}ê", "€".repeat(69)));
        assert_eq!((counted.units, counted.segments), (70, 1));
    }

    #[test]
    fn french() {
        let counted = gsm("Votre commande est confirmée");
        assert_eq!((counted.characters, counted.units, counted.segments), (28, 28, 1));
        let counted = ucs2("Votre fenêtre");
        assert_eq!(counted.non_gsm, ['ê']);
        assert_eq!((counted.characters, counted.units, counted.segments), (13, 13, 1));
        gsm("Déjà payé? Très bien, à demain: où, après, Ç");
        assert_eq!(count("Où êtes-vous ? Ça va, garçon, cœur").non_gsm, ['ê', 'ç', 'œ']);
    }

    #[test]
    fn non_gsm_is_distinct_in_first_seen_order() {
        assert_eq!(ucs2("çêçêaç👍ê").non_gsm, ['ç', 'ê', '👍']);
    }

    #[test]
    fn darija_in_latin_script() {
        let counted = gsm("Salam, 3andek commande 7 f had l'wa9t");
        assert_eq!((counted.characters, counted.units, counted.segments), (37, 37, 1));
    }

    #[test]
    fn c_cedilla() {
        assert!(is_gsm7('Ç'));
        assert!(!is_gsm7('ç'));
        assert_eq!(ucs2("ç").non_gsm, ['ç']);
        gsm("Ç");
    }

    #[test]
    fn emoji_is_a_surrogate_pair() {
        let counted = ucs2("👍");
        assert_eq!((counted.characters, counted.units, counted.segments), (1, 2, 1));
        assert_eq!(counted.non_gsm, ['👍']);
        assert_eq!(ucs2(&"👍".repeat(35)).segments, 1);
        // 33 emoji fill 66 units of part 1, the 34th doesn't fit in the 1 unit left.
        let counted = ucs2(&"👍".repeat(36));
        assert_eq!((counted.characters, counted.units, counted.segments), (36, 72, 2));
        let counted = ucs2(&"👍".repeat(67));
        assert_eq!((counted.units, counted.segments), (134, 3));
    }

    #[test]
    fn surrogate_pair_is_never_split() {
        // Part 1: 66 'a' leave 1 unit, too little for the emoji; part 2: emoji + 65 'a' = 67; part 3: 1 'a'.
        let counted = ucs2(&format!("{}👍{}", "a".repeat(66), "a".repeat(66)));
        assert_eq!((counted.characters, counted.units, counted.segments), (133, 134, 3));
        // Same total units without the straddling pair fit in 2 parts.
        assert_eq!(ucs2(&format!("{}ê", "a".repeat(133))).segments, 2);
        // Part 1: 65 'a' + emoji = 67 exactly; part 2: 66 'a'.
        let counted = ucs2(&format!("{}👍{}", "a".repeat(65), "a".repeat(66)));
        assert_eq!((counted.units, counted.segments), (133, 2));
        // A single message holds a pair at its very end.
        let counted = ucs2(&format!("{}👍", "a".repeat(68)));
        assert_eq!((counted.units, counted.segments), (70, 1));
    }

    #[test]
    fn gsm_variant_folds_french() {
        let variant = gsm_variant("Votre fenêtre, cœur");
        assert_eq!(variant.as_deref(), Some("Votre fenetre, coeur"));
        assert_eq!(gsm_variant("ÊTRE À L'HÔTEL, Œuvre").as_deref(), Some("ETRE A L'HOTEL, OEuvre"));
        assert_eq!(
            gsm_variant("Où êtes-vous ? Ça va, garçon, naïf, Noël, août").as_deref(),
            Some("Où etes-vous ? Ça va, garcon, naif, Noel, aout")
        );
    }

    #[test]
    fn gsm_variant_folds_typography() {
        assert_eq!(
            gsm_variant("“Bonjour” – l’équipe… «merci»\u{00A0}!\u{202F}—").as_deref(),
            Some("\"Bonjour\" - l'équipe... \"merci\" ! -")
        );
    }

    #[test]
    fn gsm_variant_folds_other_latin() {
        assert_eq!(gsm_variant("á í ó ú ý ã õ ā ł ș ț ž").as_deref(), Some("a i o u y a o a l s t z"));
    }

    #[test]
    fn gsm_variant_keeps_gsm_characters() {
        assert_eq!(gsm_variant("é è à ù ì ò Ç æ Æ ß € [ê]").as_deref(), Some("é è à ù ì ò Ç æ Æ ß € [e]"));
    }

    #[test]
    fn gsm_variant_none_when_not_needed_or_impossible() {
        assert_eq!(gsm_variant(""), None);
        assert_eq!(gsm_variant("Votre commande est confirmée"), None);
        assert_eq!(gsm_variant("Salam, 3andek commande 7 f had l'wa9t"), None);
        assert_eq!(gsm_variant("مرحبا، تم تأكيد طلبك رقم 1234"), None);
        assert_eq!(gsm_variant("Votre fenêtre 👍"), None);
        assert_eq!(gsm_variant("fenêtre مرحبا"), None);
        assert_eq!(gsm_variant("tab\there"), None);
    }

    #[test]
    fn gsm_variant_is_gsm() {
        for text in ["Votre fenêtre, cœur", "“Bonjour” – l’équipe…", "ÀÁÂÃ ÈÊË ÌÍÎÏ ÒÓÔÕ ÙÚÛ Œ Þorn"]
        {
            let variant = gsm_variant(text).unwrap_or_else(|| panic!("{text:?} should fold"));
            assert_eq!(count(&variant).encoding, Encoding::Gsm7, "{variant:?}");
        }
    }

    #[test]
    fn every_fold_gives_gsm_basic_text() {
        let mut folded = 0;
        for c in (0..0x3000).filter_map(char::from_u32) {
            if let Some(replacement) = fold(c) {
                folded += 1;
                assert!(!is_gsm7(c), "{c:?} is already GSM");
                assert!(replacement.chars().all(|r| is_gsm7(r) && !is_gsm7_extension(r)), "{c:?}");
            }
        }
        assert!(folded > 150);
    }
}
