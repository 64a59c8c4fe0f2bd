//! Order routing: decides which available agent calls each pending order, and says why.
//!
//! The crate is pure: no I/O and no clock reads (`now` is always an argument), and
//! deterministic for the same input. See [`route`] for the engine, [`shift`] for
//! working windows and [`fairness`] for load-spread measures.

#![forbid(unsafe_code)]

pub mod engine;
pub mod fairness;
pub mod shift;

pub use engine::{
    relaxations_in_effect, route, service_key, AgentId, AgentState, Decision, Language, NoAgent, OrderId, Outcome,
    PendingOrder, Policy, Relaxation, TieBreak, Tier, Why,
};
pub use fairness::gini;
pub use shift::{algiers_weekday_minute, default_week, on_shift, validate_shifts, Shift, ShiftError};
