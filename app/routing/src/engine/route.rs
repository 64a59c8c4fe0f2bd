//! The service order, the relaxations in effect for an order, and [`route`] itself.

use super::index::*;
use super::model::*;

/// Sort key of the service order: urgent first; then tier; then priority; then due
/// callbacks; then oldest `created_at`; then id.
///
/// Public so callers (and tests) can reproduce the order in which [`route`] returns decisions.
pub fn service_key(order: &PendingOrder) -> (bool, Tier, u8, bool, i64, OrderId) {
    (order.priority != 0, order.tier, order.priority, !order.due_callback, order.created_at, order.id)
}

/// Relaxations in effect for `order` at `now`: `(any_arabic, wilaya_dropped)` thresholds.
///
/// `AnyArabic` is only in effect for Arabic (ar / ar-DZ) customers. A threshold is reached once
/// `now - waiting_since >= minutes * 60` (a `waiting_since` in the future counts as zero wait).
pub fn relaxations_in_effect(order: &PendingOrder, policy: &Policy, now: i64) -> (Option<u32>, Option<u32>) {
    let waited = now.saturating_sub(order.waiting_since).max(0);
    let reached = |m: Option<u32>| m.filter(|&m| waited >= i64::from(m) * 60);
    let any_arabic = if order.language.is_arabic() { reached(policy.any_arabic_after_minutes) } else { None };
    (any_arabic, reached(policy.drop_wilaya_after_minutes))
}

fn relaxation_list(any_arabic: Option<u32>, wilaya: Option<u32>) -> Vec<Relaxation> {
    let mut v = Vec::new();
    if let Some(after_minutes) = any_arabic {
        v.push(Relaxation::AnyArabic { after_minutes });
    }
    if let Some(after_minutes) = wilaya {
        v.push(Relaxation::WilayaDropped { after_minutes });
    }
    v
}

/// Routes pending orders to agents and explains every decision.
///
/// Decisions come back in service order: priority 0 (urgent) first; then tier (Vip, Loyal,
/// Other); then priority (1, 2, 3); then due callbacks before others; then oldest
/// `created_at`; then id (see [`service_key`]). Each order is given to the candidate with the
/// lowest load ratio `(open_now + taken) / max_open`, ties going to the higher
/// `success_permille`, then to the least recently assigned (`None` first), then to the lower
/// id. Within the run, an agent's last assignment becomes a strictly increasing counter above
/// both `now` and every given `last_assigned_at`, so equal agents take turns.
///
/// Pure and deterministic: the same input gives the same output, whatever the order of `agents`
/// (as long as agent ids are unique) or of `orders`.
pub fn route(orders: &[PendingOrder], agents: &[AgentState], policy: &Policy, now: i64) -> Vec<Decision> {
    let mut slots: Vec<Slot<'_>> = agents.iter().map(Slot::new).collect();
    let funnel = Funnel {
        any_available: slots.iter().any(|s| s.available),
        pool: (0..slots.len())
            .filter(|&i| slots[i].available && slots[i].on_shift)
            .filter_map(|i| u32::try_from(i).ok())
            .collect(),
    };

    // Classify every order in one sequential pass, then sort compact entries into service order,
    // so the main loop never goes back to the orders.
    let mut classes = Classes::new();
    let mut queue: Vec<(u32, i64, OrderId, usize, u32)> = orders
        .iter()
        .enumerate()
        .map(|(i, order)| {
            let (any_arabic, wilaya_dropped) = relaxations_in_effect(order, policy, now);
            let key = ClassKey {
                language: order.language,
                wilaya: order.wilaya,
                any_arabic,
                wilaya_dropped,
                reserved: order.reserved_for,
            };
            let (urgent, tier, priority, not_due, created_at, id) = service_key(order);
            let head = u32::from(urgent) << 24 | (tier as u32) << 16 | u32::from(priority) << 8 | u32::from(not_due);
            (head, created_at, id, i, classes.index_of(key, &mut slots, &funnel))
        })
        .collect();
    queue.sort_unstable();

    let mut ranking = Ranking::new(&funnel.pool, &slots);
    let mut clock = slots.iter().filter_map(|s| s.last).fold(now, i64::max);
    let mut decisions = Vec::with_capacity(orders.len());

    for (_, _, order_id, _, ci) in queue {
        let class = &classes.list[ci as usize];
        let key = class.key;
        let picked = if class.live == 0 { None } else { ranking.best_two(class) };
        let Some((pos, runner_up)) = picked else {
            let reason = class.if_empty.clone();
            let relaxed = relaxation_list(key.any_arabic, key.wilaya_dropped);
            decisions.push(Decision { order_id, outcome: Outcome::Unassigned { reason, relaxed } });
            continue;
        };
        let chosen = ranking.agents[pos];
        // The runner-up shares the longest prefix of criteria with the best, so it names the decider.
        let tie_break = runner_up.map_or(TieBreak::LeastLoaded, |r| rank(&slots, chosen, ranking.agents[r]).1);
        let candidates = class.live;

        let slot = &mut slots[chosen as usize];
        let exact_language = slot.speaks_exactly(key.language);
        let proficiency = if exact_language { slot.prof[key.language.index()] } else { slot.arabic_proficiency() };
        let why = Why {
            load_before: u32::try_from(slot.load()).unwrap_or(u32::MAX),
            capacity: u32::try_from(slot.max_open).unwrap_or(u32::MAX),
            proficiency: proficiency.unwrap_or(0),
            candidates,
            relaxed: relaxation_list(
                key.any_arabic.filter(|_| !exact_language),
                key.wilaya_dropped.filter(|_| !slot.covers_exactly(key.wilaya)),
            ),
            tie_break,
        };
        clock = clock.saturating_add(1);
        slot.taken += 1;
        slot.last = Some(clock);
        let agent_id = slot.id;
        if ranking.reposition(pos, &slots) {
            for &c in &slots[chosen as usize].classes {
                classes.list[c as usize].live -= 1;
            }
        }
        decisions.push(Decision { order_id, outcome: Outcome::Assigned { agent_id, why } });
    }
    decisions
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    const NOW: i64 = 1_750_000_000;

    fn agent(id: AgentId) -> AgentState {
        AgentState {
            id,
            available: true,
            on_shift: true,
            languages: vec![(Language::Fr, 4), (Language::ArDz, 5)],
            wilayas: vec![],
            max_per_day: 100,
            assigned_today: 0,
            max_open: 10,
            open_now: 0,
            success_permille: 500,
            last_assigned_at: None,
        }
    }

    fn order(id: OrderId) -> PendingOrder {
        PendingOrder {
            id,
            priority: 2,
            tier: Tier::Other,
            due_callback: false,
            created_at: NOW - 3600 + id,
            waiting_since: NOW,
            language: Language::ArDz,
            wilaya: 16,
            reserved_for: None,
        }
    }

    fn route_one(o: PendingOrder, agents: &[AgentState], policy: &Policy) -> Outcome {
        let mut d = route(&[o], agents, policy, NOW);
        assert_eq!(d.len(), 1);
        d.remove(0).outcome
    }

    fn assigned_to(outcome: &Outcome) -> Option<AgentId> {
        match outcome {
            Outcome::Assigned { agent_id, .. } => Some(*agent_id),
            Outcome::Unassigned { .. } => None,
        }
    }

    fn why(outcome: &Outcome) -> &Why {
        match outcome {
            Outcome::Assigned { why, .. } => why,
            Outcome::Unassigned { reason, .. } => panic!("expected an assignment, got {reason:?}"),
        }
    }

    fn reason(outcome: &Outcome) -> &NoAgent {
        match outcome {
            Outcome::Assigned { agent_id, .. } => panic!("expected no agent, got {agent_id}"),
            Outcome::Unassigned { reason, .. } => reason,
        }
    }

    fn waited(o: PendingOrder, minutes: i64) -> PendingOrder {
        PendingOrder { waiting_since: NOW - minutes * 60, ..o }
    }

    #[test]
    fn a_single_fitting_agent_gets_the_order_with_a_full_why() {
        let out = route_one(order(1), &[AgentState { open_now: 3, ..agent(7) }], &Policy::default());
        assert_eq!(
            out,
            Outcome::Assigned {
                agent_id: 7,
                why: Why {
                    load_before: 3,
                    capacity: 10,
                    proficiency: 5,
                    candidates: 1,
                    relaxed: vec![],
                    tie_break: TieBreak::LeastLoaded,
                },
            }
        );
    }

    #[test]
    fn no_agents_at_all_means_nobody_available() {
        assert_eq!(reason(&route_one(order(1), &[], &Policy::default())), &NoAgent::NobodyAvailable);
    }

    #[test]
    fn an_unavailable_agent_is_never_chosen() {
        let agents = [AgentState { available: false, ..agent(1) }];
        assert_eq!(reason(&route_one(order(1), &agents, &Policy::default())), &NoAgent::NobodyAvailable);
    }

    #[test]
    fn an_off_shift_agent_is_never_chosen() {
        let agents = [AgentState { on_shift: false, ..agent(1) }, AgentState { available: false, ..agent(2) }];
        assert_eq!(reason(&route_one(order(1), &agents, &Policy::default())), &NoAgent::NobodyOnShift);
    }

    #[test]
    fn an_agent_who_does_not_speak_the_language_is_never_chosen() {
        let agents = [AgentState { languages: vec![(Language::Ar, 5)], ..agent(1) }];
        let o = PendingOrder { language: Language::Fr, ..order(1) };
        assert_eq!(reason(&route_one(o, &agents, &Policy::default())), &NoAgent::NoSpeaker { language: Language::Fr });
    }

    #[test]
    fn speakers_who_do_not_cover_the_wilaya_give_no_wilaya_cover() {
        let agents = [AgentState { wilayas: vec![16, 9], ..agent(1) }];
        let o = PendingOrder { language: Language::Fr, wilaya: 31, ..order(1) };
        assert_eq!(
            reason(&route_one(o, &agents, &Policy::default())),
            &NoAgent::NoWilayaCover { language: Language::Fr, wilaya: 31 }
        );
    }

    #[test]
    fn an_agent_listing_the_wilaya_covers_it() {
        let agents = [AgentState { wilayas: vec![16, 31], ..agent(1) }];
        let o = PendingOrder { wilaya: 31, ..order(1) };
        assert_eq!(assigned_to(&route_one(o, &agents, &Policy::default())), Some(1));
    }

    #[test]
    fn a_full_agent_is_never_chosen() {
        let agents = [AgentState { open_now: 10, ..agent(1) }, AgentState { assigned_today: 100, ..agent(2) }];
        assert_eq!(
            reason(&route_one(order(1), &agents, &Policy::default())),
            &NoAgent::AllAtCapacity { language: Language::ArDz, wilaya: 16 }
        );
    }

    #[test]
    fn the_open_limit_counts_orders_taken_in_this_run() {
        let agents = [AgentState { max_open: 2, open_now: 1, ..agent(1) }];
        let orders: Vec<_> = (1..=3).map(order).collect();
        let d = route(&orders, &agents, &Policy::default(), NOW);
        assert_eq!(assigned_to(&d[0].outcome), Some(1));
        assert_eq!(reason(&d[1].outcome), &NoAgent::AllAtCapacity { language: Language::ArDz, wilaya: 16 });
        assert_eq!(reason(&d[2].outcome), &NoAgent::AllAtCapacity { language: Language::ArDz, wilaya: 16 });
    }

    #[test]
    fn the_daily_limit_counts_orders_taken_in_this_run() {
        let agents = [AgentState { max_per_day: 5, assigned_today: 3, ..agent(1) }];
        let orders: Vec<_> = (1..=4).map(order).collect();
        let d = route(&orders, &agents, &Policy::default(), NOW);
        let taken = d.iter().filter(|d| assigned_to(&d.outcome).is_some()).count();
        assert_eq!(taken, 2);
    }

    #[test]
    fn the_funnel_reports_the_first_empty_stage() {
        // On shift: one Fr speaker outside 31, one ar-DZ speaker in 31 but off shift.
        let agents = [
            AgentState { languages: vec![(Language::Fr, 3)], wilayas: vec![16], ..agent(1) },
            AgentState { on_shift: false, languages: vec![(Language::Fr, 3)], wilayas: vec![31], ..agent(2) },
        ];
        let o = PendingOrder { language: Language::Fr, wilaya: 31, ..order(1) };
        assert_eq!(
            reason(&route_one(o, &agents, &Policy::default())),
            &NoAgent::NoWilayaCover { language: Language::Fr, wilaya: 31 }
        );
    }

    #[test]
    fn the_wilaya_rule_is_dropped_after_the_given_minutes_and_not_before() {
        let agents = [AgentState { wilayas: vec![16], ..agent(1) }];
        let policy = Policy { drop_wilaya_after_minutes: Some(30), any_arabic_after_minutes: None };
        let o = PendingOrder { wilaya: 31, ..order(1) };
        let before = route_one(waited(o.clone(), 29), &agents, &policy);
        assert_eq!(
            before,
            Outcome::Unassigned {
                reason: NoAgent::NoWilayaCover { language: Language::ArDz, wilaya: 31 },
                relaxed: vec![]
            }
        );
        let after = route_one(waited(o, 30), &agents, &policy);
        assert_eq!(assigned_to(&after), Some(1));
        assert_eq!(why(&after).relaxed, vec![Relaxation::WilayaDropped { after_minutes: 30 }]);
    }

    #[test]
    fn any_arabic_speaker_may_take_an_ar_dz_customer_after_the_given_minutes_and_not_before() {
        let agents = [AgentState { languages: vec![(Language::Ar, 4)], ..agent(1) }];
        let policy = Policy { drop_wilaya_after_minutes: None, any_arabic_after_minutes: Some(15) };
        let before = route_one(waited(order(1), 14), &agents, &policy);
        assert_eq!(reason(&before), &NoAgent::NoSpeaker { language: Language::ArDz });
        let after = route_one(waited(order(1), 15), &agents, &policy);
        assert_eq!(assigned_to(&after), Some(1));
        assert_eq!(why(&after).relaxed, vec![Relaxation::AnyArabic { after_minutes: 15 }]);
        assert_eq!(why(&after).proficiency, 4);
    }

    #[test]
    fn any_arabic_relaxation_never_lets_an_arabic_speaker_take_a_french_customer() {
        let agents = [AgentState { languages: vec![(Language::Ar, 4), (Language::ArDz, 4)], ..agent(1) }];
        let policy = Policy { drop_wilaya_after_minutes: None, any_arabic_after_minutes: Some(0) };
        let o = waited(PendingOrder { language: Language::Fr, ..order(1) }, 600);
        assert_eq!(
            route_one(o, &agents, &policy),
            Outcome::Unassigned { reason: NoAgent::NoSpeaker { language: Language::Fr }, relaxed: vec![] }
        );
    }

    #[test]
    fn a_relaxation_is_listed_only_if_the_chosen_agent_needed_it() {
        // Both relaxations are in effect, but the least loaded agent matches exactly.
        let agents = [
            AgentState { languages: vec![(Language::Ar, 5)], wilayas: vec![9], open_now: 5, ..agent(1) },
            AgentState { wilayas: vec![16], open_now: 0, ..agent(2) },
        ];
        let policy = Policy { drop_wilaya_after_minutes: Some(10), any_arabic_after_minutes: Some(10) };
        let out = route_one(waited(order(1), 60), &agents, &policy);
        assert_eq!(assigned_to(&out), Some(2));
        assert_eq!(why(&out).relaxed, vec![]);
        assert_eq!(why(&out).candidates, 2);
    }

    #[test]
    fn a_relaxed_agent_can_win_on_load_and_lists_both_relaxations() {
        let agents = [
            AgentState { languages: vec![(Language::Ar, 2)], wilayas: vec![9], open_now: 0, ..agent(1) },
            AgentState { wilayas: vec![16], open_now: 5, ..agent(2) },
        ];
        let policy = Policy { drop_wilaya_after_minutes: Some(10), any_arabic_after_minutes: Some(10) };
        let out = route_one(waited(order(1), 60), &agents, &policy);
        assert_eq!(assigned_to(&out), Some(1));
        assert_eq!(
            why(&out).relaxed,
            vec![Relaxation::AnyArabic { after_minutes: 10 }, Relaxation::WilayaDropped { after_minutes: 10 }]
        );
    }

    #[test]
    fn an_unassigned_order_lists_the_relaxations_in_effect() {
        let policy = Policy { drop_wilaya_after_minutes: Some(10), any_arabic_after_minutes: Some(20) };
        let out = route_one(waited(order(1), 20), &[], &policy);
        assert_eq!(
            out,
            Outcome::Unassigned {
                reason: NoAgent::NobodyAvailable,
                relaxed: vec![
                    Relaxation::AnyArabic { after_minutes: 20 },
                    Relaxation::WilayaDropped { after_minutes: 10 }
                ],
            }
        );
    }

    #[test]
    fn a_reserved_order_goes_only_to_its_agent() {
        let agents = [agent(1), AgentState { open_now: 9, ..agent(2) }];
        let o = PendingOrder { reserved_for: Some(2), ..order(1) };
        let out = route_one(o, &agents, &Policy::default());
        assert_eq!(assigned_to(&out), Some(2));
        assert_eq!(why(&out).candidates, 1);
    }

    #[test]
    fn a_reserved_order_waits_when_its_agent_is_away() {
        let o = PendingOrder { reserved_for: Some(2), ..order(1) };
        for away in [
            AgentState { available: false, ..agent(2) },
            AgentState { on_shift: false, ..agent(2) },
            AgentState { open_now: 10, ..agent(2) },
            AgentState { languages: vec![(Language::Fr, 5)], ..agent(2) },
            AgentState { wilayas: vec![31], ..agent(2) },
        ] {
            let out = route_one(o.clone(), &[agent(1), away], &Policy::default());
            assert_eq!(reason(&out), &NoAgent::ReservedAgentAway { agent_id: 2 });
        }
        let out = route_one(PendingOrder { reserved_for: Some(99), ..order(1) }, &[agent(1)], &Policy::default());
        assert_eq!(reason(&out), &NoAgent::ReservedAgentAway { agent_id: 99 });
    }

    #[test]
    fn decisions_follow_the_service_order() {
        let orders = vec![
            PendingOrder { id: 1, priority: 3, tier: Tier::Vip, ..order(1) },
            PendingOrder { id: 2, priority: 0, tier: Tier::Other, ..order(2) },
            PendingOrder { id: 3, priority: 1, tier: Tier::Loyal, ..order(3) },
            PendingOrder { id: 4, priority: 1, tier: Tier::Other, ..order(4) },
            PendingOrder { id: 5, priority: 1, tier: Tier::Vip, ..order(5) },
            PendingOrder { id: 6, priority: 2, tier: Tier::Other, due_callback: true, ..order(6) },
            PendingOrder { id: 7, priority: 2, tier: Tier::Other, created_at: 0, ..order(7) },
            PendingOrder { id: 8, priority: 2, tier: Tier::Other, created_at: 0, ..order(8) },
            PendingOrder { id: 9, priority: 0, tier: Tier::Vip, ..order(9) },
        ];
        let ids: Vec<_> = route(&orders, &[], &Policy::default(), NOW).iter().map(|d| d.order_id).collect();
        assert_eq!(ids, vec![9, 2, 5, 1, 3, 4, 6, 7, 8]);
    }

    #[test]
    fn scarce_capacity_goes_to_the_first_served_order() {
        let agents = [AgentState { max_open: 1, ..agent(1) }];
        let orders = vec![order(1), PendingOrder { priority: 0, ..order(2) }];
        let d = route(&orders, &agents, &Policy::default(), NOW);
        assert_eq!((d[0].order_id, assigned_to(&d[0].outcome)), (2, Some(1)));
        assert_eq!((d[1].order_id, assigned_to(&d[1].outcome)), (1, None));
    }

    #[test]
    fn the_lowest_load_ratio_wins() {
        // 3/10 = 0.3 beats 2/5 = 0.4 even though its absolute load is higher.
        let agents = [AgentState { open_now: 2, max_open: 5, ..agent(1) }, AgentState { open_now: 3, ..agent(2) }];
        let out = route_one(order(1), &agents, &Policy::default());
        assert_eq!(assigned_to(&out), Some(2));
        assert_eq!(why(&out).tie_break, TieBreak::LeastLoaded);
    }

    #[test]
    fn equal_load_goes_to_the_higher_success_rate() {
        let agents = [
            AgentState { open_now: 1, max_open: 5, success_permille: 700, ..agent(1) },
            AgentState { open_now: 2, max_open: 10, success_permille: 800, ..agent(2) },
        ];
        let out = route_one(order(1), &agents, &Policy::default());
        assert_eq!(assigned_to(&out), Some(2));
        assert_eq!(why(&out).tie_break, TieBreak::SuccessRate);
    }

    #[test]
    fn equal_load_and_success_go_to_the_least_recently_assigned() {
        let agents = [
            AgentState { last_assigned_at: Some(NOW - 10), ..agent(1) },
            AgentState { last_assigned_at: Some(NOW - 20), ..agent(2) },
            AgentState { last_assigned_at: Some(NOW - 5), ..agent(3) },
        ];
        let out = route_one(order(1), &agents, &Policy::default());
        assert_eq!(assigned_to(&out), Some(2));
        assert_eq!(why(&out).tie_break, TieBreak::RoundRobin);
        let agents = [AgentState { last_assigned_at: Some(NOW - 10), ..agent(1) }, agent(2)];
        assert_eq!(assigned_to(&route_one(order(1), &agents, &Policy::default())), Some(2));
    }

    #[test]
    fn a_full_tie_goes_to_the_lower_agent_id() {
        let agents = [agent(5), agent(3), agent(4)];
        let out = route_one(order(1), &agents, &Policy::default());
        assert_eq!(assigned_to(&out), Some(3));
        assert_eq!(why(&out).tie_break, TieBreak::AgentId);
        assert_eq!(why(&out).candidates, 3);
    }

    #[test]
    fn equal_agents_take_turns_within_a_run() {
        let agents = [agent(1), agent(2)];
        let orders: Vec<_> = (1..=4).map(order).collect();
        let d = route(&orders, &agents, &Policy::default(), NOW);
        let who: Vec<_> = d.iter().map(|d| assigned_to(&d.outcome)).collect();
        assert_eq!(who, vec![Some(1), Some(2), Some(1), Some(2)]);
        // 1st: full tie; 2nd: agent 1 is loaded; 3rd: equal loads, agent 1 served longer ago.
        let ties: Vec<_> = d.iter().map(|d| why(&d.outcome).tie_break).collect();
        assert_eq!(ties, vec![TieBreak::AgentId, TieBreak::LeastLoaded, TieBreak::RoundRobin, TieBreak::LeastLoaded]);
    }

    #[test]
    fn an_agent_picked_in_this_run_counts_as_more_recent_than_any_given_time() {
        // Agent 1's last assignment is (oddly) in the future. Order 1: ratios 1/2 vs 1/4, so
        // agent 2 wins on load and reaches 2/4. Order 2: loads and success tie, and agent 2,
        // picked in this run, must count as more recent than agent 1's NOW + 1000.
        let agents = [
            AgentState { last_assigned_at: Some(NOW + 1000), max_open: 2, open_now: 1, ..agent(1) },
            AgentState { last_assigned_at: None, max_open: 4, open_now: 1, ..agent(2) },
        ];
        let orders: Vec<_> = (1..=2).map(order).collect();
        let d = route(&orders, &agents, &Policy::default(), NOW);
        assert_eq!(assigned_to(&d[0].outcome), Some(2));
        assert_eq!(assigned_to(&d[1].outcome), Some(1));
        assert_eq!(why(&d[1].outcome).tie_break, TieBreak::RoundRobin);
    }

    #[test]
    fn the_same_input_gives_the_same_output_whatever_the_agent_order() {
        let agents: Vec<AgentState> = (1..=6)
            .map(|i| AgentState {
                open_now: u32::try_from(i % 3).unwrap(),
                success_permille: [500, 600][usize::try_from(i % 2).unwrap()],
                wilayas: if i % 2 == 0 { vec![16] } else { vec![] },
                ..agent(i)
            })
            .collect();
        let orders: Vec<_> = (1..=40)
            .map(|i| PendingOrder {
                wilaya: [16, 31][usize::try_from(i % 2).unwrap()],
                priority: (i % 4) as u8,
                ..order(i)
            })
            .collect();
        let policy = Policy { drop_wilaya_after_minutes: Some(5), any_arabic_after_minutes: Some(5) };
        let a = route(&orders, &agents, &policy, NOW);
        assert_eq!(a, route(&orders, &agents, &policy, NOW));
        let mut reversed = agents.clone();
        reversed.reverse();
        assert_eq!(a, route(&orders, &reversed, &policy, NOW));
        let mut orders_reversed = orders.clone();
        orders_reversed.reverse();
        assert_eq!(a, route(&orders_reversed, &agents, &policy, NOW));
    }

    #[test]
    fn proficiency_reports_the_exact_language_when_spoken() {
        let agents = [AgentState { languages: vec![(Language::Ar, 5), (Language::ArDz, 2)], ..agent(1) }];
        let policy = Policy { drop_wilaya_after_minutes: None, any_arabic_after_minutes: Some(0) };
        let out = route_one(order(1), &agents, &policy);
        assert_eq!(why(&out).proficiency, 2);
        assert_eq!(why(&out).relaxed, vec![]);
    }

    #[test]
    fn a_zero_capacity_agent_is_never_chosen() {
        let agents = [AgentState { max_open: 0, ..agent(1) }];
        assert_eq!(
            reason(&route_one(order(1), &agents, &Policy::default())),
            &NoAgent::AllAtCapacity { language: Language::ArDz, wilaya: 16 }
        );
    }

    #[test]
    fn language_and_tier_use_their_wire_names() {
        use serde::de::value::{Error, StrDeserializer};
        use serde::de::IntoDeserializer;
        let lang = |s: &'static str| {
            let d: StrDeserializer<'_, Error> = s.into_deserializer();
            Language::deserialize(d).ok()
        };
        assert_eq!(lang("fr"), Some(Language::Fr));
        assert_eq!(lang("ar"), Some(Language::Ar));
        assert_eq!(lang("ar-DZ"), Some(Language::ArDz));
        assert_eq!(lang("ar_dz"), None);
        let tier = |s: &'static str| {
            let d: StrDeserializer<'_, Error> = s.into_deserializer();
            Tier::deserialize(d).ok()
        };
        assert_eq!(tier("vip"), Some(Tier::Vip));
        assert_eq!(tier("loyal"), Some(Tier::Loyal));
        assert_eq!(tier("other"), Some(Tier::Other));
    }
}
