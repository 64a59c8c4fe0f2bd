//! Text normalisation and similarity for names, addresses and phones written in Arabic script,
//! Latin script (French spelling) or both.
//!
//! Owns: digit folding and invisible-mark removal ([`fold_digits`]), Arabic letter folding
//! ([`arabic`]), Latin case/accent folding ([`latin`]), the combined token form ([`text`]), the
//! cross-script phonetic key ([`skeleton`]), name and address similarity, and phone relations.
//! Everything here is pure and allocation-light; nothing reads a clock or does I/O.
//!
//!
//! Parts: [`folding`], [`skeleton`] (its rules and known failures are documented there),
//! [`similarity`] and [`phone`].

mod folding;
mod phone;
mod similarity;
mod skeleton;

pub use folding::{arabic, fold_digits, latin, text};
pub(crate) use phone::phone_relation_folded;
pub use phone::{phone_neighbours, phone_relation, PhoneRelation};
pub(crate) use similarity::{address_key_similarity, name_key_similarity, AddressKey, NameKey};
pub use similarity::{address_similarity, name_similarity};
pub use skeleton::skeleton;
