//! The three UI locales and how a locale given at the API edge is read (`dz` is an alias of
//! `ar-DZ`: `dz` is really Dzongkha). Pure; imports nothing of the app.

pub mod algiers;
pub mod format;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode};

/// A UI and customer language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum UiLocale {
    /// French, the default.
    #[default]
    #[serde(rename = "fr")]
    Fr,
    /// Modern Standard Arabic.
    #[serde(rename = "ar")]
    Ar,
    /// Algerian Arabic (Darija).
    #[serde(rename = "ar-DZ", alias = "dz", alias = "ar-dz")]
    ArDz,
}

impl UiLocale {
    pub const ALL: [UiLocale; 3] = [UiLocale::Fr, UiLocale::Ar, UiLocale::ArDz];

    /// The BCP 47 tag we store and put in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            UiLocale::Fr => "fr",
            UiLocale::Ar => "ar",
            UiLocale::ArDz => "ar-DZ",
        }
    }

    /// Reads a locale given by a client: a tag in any case, or the alias `dz`.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "fr" | "fr-fr" | "fr-dz" => Ok(UiLocale::Fr),
            "ar" => Ok(UiLocale::Ar),
            "ar-dz" | "dz" => Ok(UiLocale::ArDz),
            _ => Err(AppError::field(ErrorCode::LocaleUnknown, "locale")),
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, UiLocale::Ar | UiLocale::ArDz)
    }

    /// The name of the language in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            UiLocale::Fr => "Français",
            UiLocale::Ar => "العربية",
            UiLocale::ArDz => "الدارجة",
        }
    }

    pub fn to_i18n(self) -> crate::i18n::Locale {
        match self {
            UiLocale::Fr => crate::i18n::Locale::fr,
            UiLocale::Ar => crate::i18n::Locale::ar,
            UiLocale::ArDz => crate::i18n::Locale::ar_DZ,
        }
    }

    pub fn from_i18n(locale: crate::i18n::Locale) -> Self {
        match locale {
            crate::i18n::Locale::fr => UiLocale::Fr,
            crate::i18n::Locale::ar => UiLocale::Ar,
            crate::i18n::Locale::ar_DZ => UiLocale::ArDz,
        }
    }
}

/// The name of the cookie that remembers the UI locale (also read by leptos_i18n).
pub const LOCALE_COOKIE: &str = "ecocs_locale";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dz_is_read_as_algerian_arabic() {
        assert_eq!(UiLocale::parse("dz"), Ok(UiLocale::ArDz));
        assert_eq!(UiLocale::parse("ar-dz"), Ok(UiLocale::ArDz));
        assert_eq!(UiLocale::parse(" AR-DZ "), Ok(UiLocale::ArDz));
        let from_json: UiLocale = serde_json::from_str("\"dz\"").expect("alias");
        assert_eq!(from_json, UiLocale::ArDz);
    }

    #[test]
    fn an_unknown_locale_is_refused_with_its_code() {
        let err = UiLocale::parse("de").expect_err("unknown");
        assert_eq!(err.code, ErrorCode::LocaleUnknown);
    }

    #[test]
    fn both_arabic_locales_are_right_to_left_and_french_is_not() {
        assert!(UiLocale::Ar.is_rtl());
        assert!(UiLocale::ArDz.is_rtl());
        assert!(!UiLocale::Fr.is_rtl());
    }

    #[test]
    fn every_locale_round_trips_through_its_tag() {
        for locale in UiLocale::ALL {
            assert_eq!(UiLocale::parse(locale.tag()), Ok(locale));
            assert_eq!(UiLocale::from_i18n(locale.to_i18n()), locale);
        }
    }
}
