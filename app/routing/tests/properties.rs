//! Property tests of the routing engine on random orders, agents and policies.

mod common;

use proptest::prelude::*;
use proptest::sample::select;

use routing::{gini, route, AgentState, Decision, Language, NoAgent, Outcome, PendingOrder, Policy, Tier};

const NOW: i64 = 1_750_000_000;

fn language() -> impl Strategy<Value = Language> {
    select(Language::ALL.to_vec())
}

fn tier() -> impl Strategy<Value = Tier> {
    select(vec![Tier::Vip, Tier::Loyal, Tier::Other])
}

/// An agent with a placeholder id (ids are set by [`agents`]).
fn agent() -> impl Strategy<Value = AgentState> {
    (
        (prop::bool::weighted(0.85), prop::bool::weighted(0.85)),
        prop::collection::vec((language(), 1u8..=5), 0..=3),
        prop_oneof![Just(Vec::new()), prop::collection::vec(1u16..=6, 1..=3)],
        (0u32..=20, 0u32..=20, 0u32..=8, 0u32..=8),
        select(vec![0u16, 500, 900, 1000]),
        prop::option::of(select(vec![NOW - 600, NOW - 60, NOW, NOW + 60])),
    )
        .prop_map(
            |(
                (available, on_shift),
                languages,
                wilayas,
                (max_per_day, assigned_today, max_open, open_now),
                s,
                last,
            )| {
                AgentState {
                    id: 0,
                    available,
                    on_shift,
                    languages,
                    wilayas,
                    max_per_day,
                    assigned_today,
                    max_open,
                    open_now,
                    success_permille: s,
                    last_assigned_at: last,
                }
            },
        )
}

/// Agents with unique ids, listed in an order unrelated to their ids.
fn agents(max: usize) -> impl Strategy<Value = Vec<AgentState>> {
    prop::collection::vec(agent(), 0..=max)
        .prop_map(|mut v| {
            for (i, a) in v.iter_mut().enumerate() {
                a.id = 100 + 3 * i as i64;
            }
            v
        })
        .prop_shuffle()
}

fn orders(max: usize) -> impl Strategy<Value = Vec<PendingOrder>> {
    prop::collection::vec(
        (
            (0u8..=3, tier(), prop::bool::weighted(0.2)),
            (0i64..50, 0i64..=120),
            (language(), 1u16..=7),
            prop::option::weighted(0.1, 0i64..12),
        ),
        0..=max,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, ((priority, tier, due_callback), (created, waited), (language, wilaya), reserved))| {
                PendingOrder {
                    id: 1000 + i as i64,
                    priority,
                    tier,
                    due_callback,
                    created_at: NOW - 3600 + created * 60,
                    waiting_since: NOW - waited * 60,
                    language,
                    wilaya,
                    reserved_for: reserved.map(|r| 100 + 3 * r),
                }
            })
            .collect()
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    (prop::option::of(0u32..=90), prop::option::of(0u32..=90))
        .prop_map(|(w, a)| Policy { drop_wilaya_after_minutes: w, any_arabic_after_minutes: a })
}

fn scenario() -> impl Strategy<Value = (Vec<PendingOrder>, Vec<AgentState>, Policy)> {
    (orders(200), agents(30), policy())
}

fn assignments(decisions: &[Decision]) -> Vec<(i64, Option<i64>)> {
    decisions
        .iter()
        .map(|d| match d.outcome {
            Outcome::Assigned { agent_id, .. } => (d.order_id, Some(agent_id)),
            Outcome::Unassigned { .. } => (d.order_id, None),
        })
        .collect()
}

/// Fisher–Yates with a xorshift, so the permutation is independent of the generated order.
fn shuffle<T>(v: &mut [T], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        v.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}

proptest! {
    #[test]
    fn every_decision_matches_the_rules_the_funnel_and_the_choice_order((orders, agents, policy) in scenario()) {
        let decisions = route(&orders, &agents, &policy, NOW);
        let bad = common::violations(&orders, &agents, &policy, NOW, &decisions);
        prop_assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn no_agent_ever_exceeds_its_open_or_daily_limit((orders, agents, policy) in scenario()) {
        let decisions = route(&orders, &agents, &policy, NOW);
        for (a, taken) in agents.iter().zip(common::taken_per_agent(&agents, &decisions)) {
            prop_assert!(taken == 0 || a.open_now + taken <= a.max_open, "agent {} open limit", a.id);
            prop_assert!(taken == 0 || a.assigned_today + taken <= a.max_per_day, "agent {} daily limit", a.id);
        }
    }

    #[test]
    fn the_same_input_gives_the_same_output_whatever_the_order_of_agents_or_orders(
        (orders, agents, policy) in scenario(),
        seed in any::<u64>(),
    ) {
        let first = route(&orders, &agents, &policy, NOW);
        prop_assert_eq!(&first, &route(&orders, &agents, &policy, NOW));
        let mut shuffled = agents.clone();
        let mut reordered = orders.clone();
        let mut state = seed | 1;
        shuffle(&mut shuffled, &mut state);
        shuffle(&mut reordered, &mut state);
        let again = route(&reordered, &shuffled, &policy, NOW);
        prop_assert_eq!(assignments(&first), assignments(&again));
        prop_assert_eq!(first, again);
    }

    #[test]
    fn every_order_gets_exactly_one_decision_in_service_order((orders, agents, policy) in scenario()) {
        let decisions = route(&orders, &agents, &policy, NOW);
        let expected: Vec<i64> = common::service_order(&orders).into_iter().map(|i| orders[i].id).collect();
        let got: Vec<i64> = decisions.iter().map(|d| d.order_id).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn an_unassigned_reason_is_true_of_the_agents((orders, agents, policy) in scenario()) {
        for d in route(&orders, &agents, &policy, NOW) {
            let Outcome::Unassigned { reason, .. } = d.outcome else { continue };
            let on_shift = || agents.iter().filter(|a| a.available && a.on_shift);
            match reason {
                NoAgent::NobodyAvailable => prop_assert!(agents.iter().all(|a| !a.available)),
                NoAgent::NobodyOnShift => {
                    prop_assert!(agents.iter().any(|a| a.available));
                    prop_assert!(on_shift().next().is_none());
                }
                NoAgent::NoSpeaker { language } => {
                    prop_assert!(on_shift().next().is_some());
                    prop_assert!(on_shift().all(|a| a.languages.iter().all(|(l, _)| *l != language)));
                }
                NoAgent::NoWilayaCover { language, wilaya } => {
                    let speakers = || on_shift().filter(|a| a.languages.iter().any(|(l, _)| *l == language));
                    prop_assert!(speakers().all(|a| !a.wilayas.is_empty() && !a.wilayas.contains(&wilaya)));
                }
                NoAgent::AllAtCapacity { .. } => prop_assert!(on_shift().next().is_some()),
                NoAgent::ReservedAgentAway { agent_id } => {
                    let order = orders.iter().find(|o| o.id == d.order_id);
                    prop_assert_eq!(order.and_then(|o| o.reserved_for), Some(agent_id));
                }
            }
        }
    }

    #[test]
    fn equal_agents_share_the_load_within_one_order(
        n in 1usize..=30,
        per_agent in 3usize..=8,
        extra in 0usize..30,
        order_langs in prop::collection::vec((language(), 1u16..=69), 270),
    ) {
        let agents: Vec<AgentState> = (0..n)
            .map(|i| AgentState {
                id: 7 + i as i64,
                available: true,
                on_shift: true,
                languages: Language::ALL.iter().map(|&l| (l, 3)).collect(),
                wilayas: vec![],
                max_per_day: 1000,
                assigned_today: 0,
                max_open: 500,
                open_now: 0,
                success_permille: 800,
                last_assigned_at: None,
            })
            .collect();
        let count = n * per_agent + extra % n;
        let orders: Vec<PendingOrder> = order_langs[..count]
            .iter()
            .enumerate()
            .map(|(i, &(language, wilaya))| PendingOrder {
                id: i as i64,
                priority: (i % 4) as u8,
                tier: Tier::Other,
                due_callback: false,
                created_at: NOW - i as i64,
                waiting_since: NOW,
                language,
                wilaya,
                reserved_for: None,
            })
            .collect();
        let decisions = route(&orders, &agents, &Policy::default(), NOW);
        let taken = common::taken_per_agent(&agents, &decisions);
        prop_assert_eq!(taken.iter().sum::<u32>() as usize, count);
        let (min, max) = (taken.iter().min().copied().unwrap_or(0), taken.iter().max().copied().unwrap_or(0));
        prop_assert!(max - min <= 1, "loads {:?}", taken);
        prop_assert!(gini(&taken) <= 0.1, "gini {} for {:?}", gini(&taken), taken);
    }
}
