//! Customers: phone numbers, names, addresses, and (later) classification and the customer card.

/// Server only: libphonenumber's metadata would add hundreds of kilobytes to the wasm, and the
/// browser never needs to validate a phone number before the server does.
#[cfg(feature = "ssr")]
pub mod phone;
