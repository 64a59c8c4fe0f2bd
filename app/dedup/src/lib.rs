//! Duplicate cash-on-delivery orders: normalisation of names, addresses and phones written in
//! Arabic or Latin script, and an explainable, calibrated score of how likely two orders are the
//! same order sent twice.
//!
//! The crate is pure: no I/O, no clock reads, deterministic. [`normalize`] owns text folding,
//! the cross-script [`skeleton`] key and the similarities; [`score`] owns the facts, features,
//! model and [`compare`]; [`generator`] makes labelled pairs; [`calibrate`] fits and checks the
//! model (the `eval` bench prints what [`Model::default`] was fitted from).

#![forbid(unsafe_code)]

pub mod calibrate;
pub mod generator;
pub mod normalize;
pub mod score;

pub use calibrate::{evaluate, fit, reliability, threshold_for_precision, Bin, Evaluation};
pub use generator::{cases, Case, CaseKind};
pub use normalize::{
    address_similarity, arabic, fold_digits, latin, name_similarity, phone_neighbours, phone_relation, skeleton, text,
    PhoneRelation,
};
pub use score::{
    compare, compare_prepared, features, prepare, prepared_features, Evidence, Factor, Feature, Model, OrderFacts,
    PairScore, Prepared,
};
