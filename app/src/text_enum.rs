//! `text_enum!`: a closed set of values that travel as fixed text (`"urgent"`, `"fake_order"`):
//! the enum with its serde names, `ALL`, `as_str` and a `parse` that answers the given error code
//! and field.

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $code:expr, $field:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::error::AppError> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::error::AppError::field($code, $field)),
                }
            }
        }
    };
}
