//! Algeria's 69 wilayas and their communes (reference data loaded by a migration).
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wilaya {
    pub code: i16,
    pub name_fr: String,
    pub name_ar: String,
}

impl Wilaya {
    /// `16 Alger` / `16 الجزائر`: Arabic for both Arabic UIs.
    pub fn display(&self, locale: crate::locale::UiLocale) -> String {
        let name = if locale == crate::locale::UiLocale::Fr { &self.name_fr } else { &self.name_ar };
        format!("{:02} {name}", self.code)
    }
}
