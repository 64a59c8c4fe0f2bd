//! Pure rules about customers. Full normalisation across scripts comes with duplicate detection;
//! this is the form stored beside every name so searches and matching have one to start from.

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

#[cfg(test)]
mod tests {
    use super::*;

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
