//! Message text, pure and small enough for the browser: which encoding an SMS needs and how many
//! parts it is sent in ([`segments`]), and the logic-less `{{variable}}` templates every channel
//! renders ([`template`]). No I/O, no clock, no dependencies: the same code counts segments in
//! the template editor (WASM) and prices messages on the server.

#![forbid(unsafe_code)]

pub mod segments;
pub mod template;

pub use segments::{count, gsm_variant, is_gsm7, is_gsm7_extension, Encoding, SegmentCount};
pub use template::{render, Part, Template, TemplateError, TemplateErrorKind, VARIABLES};
