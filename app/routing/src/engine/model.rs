//! What the engine reads and writes: orders, agents, the policy, decisions and their reasons.

use serde::{Deserialize, Serialize};

/// Identifier of an agent (database id).
pub type AgentId = i64;
/// Identifier of an order (database id).
pub type OrderId = i64;

/// Language of a customer / spoken by an agent. serde: "fr", "ar", "ar-DZ".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Language {
    /// French.
    #[serde(rename = "fr")]
    Fr,
    /// Modern Standard Arabic.
    #[serde(rename = "ar")]
    Ar,
    /// Algerian Arabic (Darja).
    #[serde(rename = "ar-DZ")]
    ArDz,
}

impl Language {
    /// All languages, in declaration order.
    pub const ALL: [Language; 3] = [Language::Fr, Language::Ar, Language::ArDz];

    /// Whether this is one of the Arabic variants (Ar or ArDz).
    pub fn is_arabic(self) -> bool {
        matches!(self, Language::Ar | Language::ArDz)
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Language::Fr => 0,
            Language::Ar => 1,
            Language::ArDz => 2,
        }
    }
}

/// Customer class as far as routing cares (classification comes later). serde snake_case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Very important customer: served first among same-urgency orders.
    Vip,
    /// Returning customer with a good record.
    Loyal,
    /// Everybody else.
    Other,
}

/// An order waiting for an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOrder {
    /// The order's id.
    pub id: OrderId,
    /// 0 urgent, 1 high, 2 normal, 3 low.
    pub priority: u8,
    /// Customer tier.
    pub tier: Tier,
    /// A callback whose time has come.
    pub due_callback: bool,
    /// Unix seconds (service order: oldest first).
    pub created_at: i64,
    /// Unix seconds since it has been unassigned (drives relaxation).
    pub waiting_since: i64,
    /// The customer's language.
    pub language: Language,
    /// Delivery wilaya code 1..=69.
    pub wilaya: u16,
    /// A "me only" callback: only this agent may take it.
    pub reserved_for: Option<AgentId>,
}

/// What routing needs to know about an agent right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    /// The agent's id.
    pub id: AgentId,
    /// Presence = available.
    pub available: bool,
    /// Computed by the caller with [`crate::shift::on_shift`].
    pub on_shift: bool,
    /// Languages spoken with proficiency 1..=5.
    pub languages: Vec<(Language, u8)>,
    /// Wilayas covered; empty = covers all.
    pub wilayas: Vec<u16>,
    /// Daily assignment limit.
    pub max_per_day: u32,
    /// Orders assigned today before this run.
    pub assigned_today: u32,
    /// Limit of simultaneously open orders.
    pub max_open: u32,
    /// Open orders before this run.
    pub open_now: u32,
    /// Recent confirmed/final outcomes, 0..=1000.
    pub success_permille: u16,
    /// Unix seconds, for round robin.
    pub last_assigned_at: Option<i64>,
}

/// Relaxation thresholds applied to orders that have waited long enough.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// After this many minutes waiting, the wilaya rule is dropped (None = never).
    pub drop_wilaya_after_minutes: Option<u32>,
    /// After this many minutes waiting, any Arabic speaker (ar or ar-DZ) may take an ar-DZ or ar customer (None = never).
    pub any_arabic_after_minutes: Option<u32>,
}

/// A relaxation step of the hard rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relaxation {
    /// The wilaya rule was dropped after the order waited this long.
    WilayaDropped {
        /// The policy threshold in minutes.
        after_minutes: u32,
    },
    /// Any Arabic speaker may take an Arabic (ar / ar-DZ) customer after the order waited this long.
    AnyArabic {
        /// The policy threshold in minutes.
        after_minutes: u32,
    },
}

/// Which criterion decided between the best candidates (`LeastLoaded` if a single best).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Lowest open-load ratio.
    LeastLoaded,
    /// Higher recent success rate.
    SuccessRate,
    /// Least recently assigned.
    RoundRobin,
    /// Lower agent id.
    AgentId,
}

/// Why an order went to its agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Why {
    /// Agent's open orders before this one.
    pub load_before: u32,
    /// Agent's `max_open`.
    pub capacity: u32,
    /// Agent's proficiency in the language matched.
    pub proficiency: u8,
    /// How many agents passed every hard rule.
    pub candidates: u32,
    /// Relaxation steps the chosen agent needed (funnel order: language, then wilaya).
    pub relaxed: Vec<Relaxation>,
    /// Which criterion decided.
    pub tie_break: TieBreak,
}

/// Why nobody could take an order: the first funnel stage where no agent remained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoAgent {
    /// No agent has presence available.
    NobodyAvailable,
    /// Available ones are all off shift.
    NobodyOnShift,
    /// None on shift speaks it.
    NoSpeaker {
        /// The customer's language.
        language: Language,
    },
    /// Speakers on shift, none covers the wilaya.
    NoWilayaCover {
        /// The customer's language.
        language: Language,
        /// The delivery wilaya.
        wilaya: u16,
    },
    /// Eligible ones are all at daily or open limit.
    AllAtCapacity {
        /// The customer's language.
        language: Language,
        /// The delivery wilaya.
        wilaya: u16,
    },
    /// A "me only" callback whose agent can't take it now.
    ReservedAgentAway {
        /// The reserved agent.
        agent_id: AgentId,
    },
}

/// The result for one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The order goes to `agent_id`.
    Assigned {
        /// The chosen agent.
        agent_id: AgentId,
        /// Why this agent.
        why: Why,
    },
    /// Nobody can take the order now.
    Unassigned {
        /// Why nobody.
        reason: NoAgent,
        /// Relaxations in effect for the order (funnel order: language, then wilaya).
        relaxed: Vec<Relaxation>,
    },
}

/// The decision for one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The order decided.
    pub order_id: OrderId,
    /// Who and why, or why nobody.
    pub outcome: Outcome,
}
