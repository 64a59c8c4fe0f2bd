//! Independent re-check of a routing run, shared by the property tests and the bench.
//!
//! Replays the decisions in the order returned, tracking what each agent took, and re-derives
//! from the rules alone (naively, agent by agent) what every decision should say.

#![allow(dead_code)]

use std::cmp::Ordering;
use std::collections::BTreeMap;

use routing::{AgentState, Decision, Language, NoAgent, Outcome, PendingOrder, Policy, Relaxation, TieBreak, Why};

/// Relaxations in effect: (any arabic threshold, wilaya dropped threshold).
pub fn in_effect(o: &PendingOrder, p: &Policy, now: i64) -> (Option<u32>, Option<u32>) {
    let waited = (now - o.waiting_since).max(0);
    let on = |m: Option<u32>| match m {
        Some(m) if waited >= i64::from(m) * 60 => Some(m),
        _ => None,
    };
    let arabic = matches!(o.language, Language::Ar | Language::ArDz);
    (if arabic { on(p.any_arabic_after_minutes) } else { None }, on(p.drop_wilaya_after_minutes))
}

fn relaxed_list(any_arabic: Option<u32>, wilaya: Option<u32>) -> Vec<Relaxation> {
    let mut v = Vec::new();
    if let Some(m) = any_arabic {
        v.push(Relaxation::AnyArabic { after_minutes: m });
    }
    if let Some(m) = wilaya {
        v.push(Relaxation::WilayaDropped { after_minutes: m });
    }
    v
}

fn proficiency(a: &AgentState, l: Language) -> Option<u8> {
    a.languages.iter().filter(|(x, _)| *x == l).map(|(_, p)| *p).max()
}

fn speaks_exactly(a: &AgentState, l: Language) -> bool {
    proficiency(a, l).is_some()
}

fn speaks(a: &AgentState, l: Language, any_arabic: bool) -> bool {
    speaks_exactly(a, l)
        || (any_arabic
            && matches!(l, Language::Ar | Language::ArDz)
            && (speaks_exactly(a, Language::Ar) || speaks_exactly(a, Language::ArDz)))
}

fn covers_exactly(a: &AgentState, w: u16) -> bool {
    a.wilayas.is_empty() || a.wilayas.contains(&w)
}

fn under_limits(a: &AgentState, taken: u32) -> bool {
    u64::from(a.assigned_today) + u64::from(taken) < u64::from(a.max_per_day)
        && u64::from(a.open_now) + u64::from(taken) < u64::from(a.max_open)
}

/// The service order the engine must follow.
pub fn service_order(orders: &[PendingOrder]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..orders.len()).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&orders[a], &orders[b]);
        (x.priority != 0)
            .cmp(&(y.priority != 0))
            .then(x.tier.cmp(&y.tier))
            .then(x.priority.cmp(&y.priority))
            .then(y.due_callback.cmp(&x.due_callback))
            .then(x.created_at.cmp(&y.created_at))
            .then(x.id.cmp(&y.id))
            .then(a.cmp(&b))
    });
    idx
}

/// Everything a run got wrong, as readable lines (empty = all good). Assumes unique agent ids.
pub fn violations(
    orders: &[PendingOrder],
    agents: &[AgentState],
    policy: &Policy,
    now: i64,
    decisions: &[Decision],
) -> Vec<String> {
    let mut bad = Vec::new();
    if decisions.len() != orders.len() {
        bad.push(format!("{} decisions for {} orders", decisions.len(), orders.len()));
        return bad;
    }
    let by_id: BTreeMap<i64, usize> = agents.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut taken = vec![0u32; agents.len()];
    let mut last: Vec<Option<i64>> = agents.iter().map(|a| a.last_assigned_at).collect();
    let mut clock = agents.iter().filter_map(|a| a.last_assigned_at).fold(now, i64::max);

    for (k, (d, oi)) in decisions.iter().zip(service_order(orders)).enumerate() {
        let o = &orders[oi];
        if d.order_id != o.id {
            bad.push(format!("decision {k} is for order {} but service order expects {}", d.order_id, o.id));
            continue;
        }
        let (ar, wd) = in_effect(o, policy, now);
        let passes = |i: usize, taken: &[u32]| {
            let a = &agents[i];
            o.reserved_for.is_none_or(|r| r == a.id)
                && a.available
                && a.on_shift
                && speaks(a, o.language, ar.is_some())
                && (wd.is_some() || covers_exactly(a, o.wilaya))
                && under_limits(a, taken[i])
        };
        let cands: Vec<usize> = (0..agents.len()).filter(|&i| passes(i, &taken)).collect();
        match &d.outcome {
            Outcome::Assigned { agent_id, why } => {
                let Some(&i) = by_id.get(agent_id) else {
                    bad.push(format!("order {}: unknown agent {agent_id}", o.id));
                    continue;
                };
                if !passes(i, &taken) {
                    bad.push(format!("order {}: agent {agent_id} breaks a hard rule", o.id));
                }
                let a = &agents[i];
                let key = |j: usize| {
                    let b = &agents[j];
                    (
                        u64::from(b.open_now) + u64::from(taken[j]),
                        u64::from(b.max_open),
                        b.success_permille,
                        last[j],
                        b.id,
                    )
                };
                let cmp = |x: usize, y: usize| -> (Ordering, TieBreak) {
                    let (lx, mx, sx, rx, ix) = key(x);
                    let (ly, my, sy, ry, iy) = key(y);
                    let o = (u128::from(lx) * u128::from(my)).cmp(&(u128::from(ly) * u128::from(mx)));
                    if o != Ordering::Equal {
                        return (o, TieBreak::LeastLoaded);
                    }
                    if sx != sy {
                        return (sy.cmp(&sx), TieBreak::SuccessRate);
                    }
                    if rx != ry {
                        return (rx.cmp(&ry), TieBreak::RoundRobin);
                    }
                    (ix.cmp(&iy), TieBreak::AgentId)
                };
                let mut expected_tie = TieBreak::LeastLoaded;
                let mut best_level = -1i32;
                for &j in cands.iter().filter(|&&j| j != i) {
                    let (ord, level) = cmp(i, j);
                    if ord != Ordering::Less {
                        bad.push(format!("order {}: agent {} is not better than agent {}", o.id, a.id, agents[j].id));
                    }
                    let rank = level as i32;
                    if rank > best_level {
                        best_level = rank;
                        expected_tie = level;
                    }
                }
                let prof = proficiency(a, o.language)
                    .or_else(|| proficiency(a, Language::Ar).max(proficiency(a, Language::ArDz)))
                    .unwrap_or(0);
                let expected = Why {
                    load_before: a.open_now + taken[i],
                    capacity: a.max_open,
                    proficiency: prof,
                    candidates: cands.len() as u32,
                    relaxed: relaxed_list(
                        ar.filter(|_| !speaks_exactly(a, o.language)),
                        wd.filter(|_| !covers_exactly(a, o.wilaya)),
                    ),
                    tie_break: expected_tie,
                };
                if *why != expected {
                    bad.push(format!("order {}: why {why:?}, expected {expected:?}", o.id));
                }
                taken[i] += 1;
                clock += 1;
                last[i] = Some(clock);
            }
            Outcome::Unassigned { reason, relaxed } => {
                if !cands.is_empty() {
                    bad.push(format!("order {}: unassigned ({reason:?}) with {} candidates", o.id, cands.len()));
                }
                if *relaxed != relaxed_list(ar, wd) {
                    bad.push(format!("order {}: relaxed {relaxed:?} but {:?} in effect", o.id, relaxed_list(ar, wd)));
                }
                let expected = funnel_reason(o, agents, ar.is_some(), wd.is_some());
                if *reason != expected {
                    bad.push(format!("order {}: reason {reason:?}, funnel says {expected:?}", o.id));
                }
            }
        }
    }
    bad
}

/// The first funnel stage with nobody left.
fn funnel_reason(o: &PendingOrder, agents: &[AgentState], ar: bool, wd: bool) -> NoAgent {
    if let Some(agent_id) = o.reserved_for {
        return NoAgent::ReservedAgentAway { agent_id };
    }
    let (language, wilaya) = (o.language, o.wilaya);
    let stage: Vec<usize> = (0..agents.len()).filter(|&i| agents[i].available).collect();
    if stage.is_empty() {
        return NoAgent::NobodyAvailable;
    }
    let stage: Vec<usize> = stage.into_iter().filter(|&i| agents[i].on_shift).collect();
    if stage.is_empty() {
        return NoAgent::NobodyOnShift;
    }
    let stage: Vec<usize> = stage.into_iter().filter(|&i| speaks(&agents[i], language, ar)).collect();
    if stage.is_empty() {
        return NoAgent::NoSpeaker { language };
    }
    let stage: Vec<usize> = stage.into_iter().filter(|&i| wd || covers_exactly(&agents[i], wilaya)).collect();
    if stage.is_empty() {
        return NoAgent::NoWilayaCover { language, wilaya };
    }
    NoAgent::AllAtCapacity { language, wilaya }
}

/// Orders each agent took in a run, in the order of `agents`.
pub fn taken_per_agent(agents: &[AgentState], decisions: &[Decision]) -> Vec<u32> {
    let by_id: BTreeMap<i64, usize> = agents.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut taken = vec![0u32; agents.len()];
    for d in decisions {
        if let Outcome::Assigned { agent_id, .. } = d.outcome {
            if let Some(&i) = by_id.get(&agent_id) {
                taken[i] += 1;
            }
        }
    }
    taken
}
