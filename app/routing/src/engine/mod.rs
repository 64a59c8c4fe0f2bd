//! The routing engine: hard rules, relaxation, service order, candidate choice and the
//! "why" (or "why nobody") attached to every pending order.
//!
//! Orders are served in a fixed order (see [`route`]). For each order the engine keeps the
//! agents that pass every hard rule and picks the least loaded one, breaking ties by
//! success rate, then round robin, then agent id.
//!
//! How it stays fast: orders are grouped into eligibility classes (language, wilaya,
//! relaxation in effect, reserved agent), each holding its static funnel result (a bit set of
//! member agents and the reason to give if none has room) and a count of members with room.
//! The choice key does not depend on the order, so a single ranking of all agents with room,
//! best first, serves every class: an order's best candidate is the first class member in it.
//! After an assignment only the chosen agent's key changes, and only for the worse, so it moves
//! back in the ranking (or leaves it when full, decrementing the counts of its classes). A class
//! with no member left with room answers in constant time.

mod index;
mod model;
mod route;

pub use model::*;
pub use route::{relaxations_in_effect, route, service_key};
