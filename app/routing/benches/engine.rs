//! Timing and sanity bench of `route` on deterministic, realistic data (no criterion, no rand).
//!
//! Run with `cargo bench`. Prints, per order count, median and max wall time, how many orders
//! were assigned, the rule violations found by an independent re-check (must be 0), and the
//! Gini of orders taken among 50 identical agents with room for every order.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use routing::{gini, route, AgentState, Decision, Language, Outcome, PendingOrder, Policy, Tier};

const NOW: i64 = 1_750_000_000;

/// A tiny xorshift64* generator: deterministic data without a rand dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

fn agents(rng: &mut Rng, n: usize) -> Vec<AgentState> {
    (0..n)
        .map(|i| {
            let mut languages = Vec::new();
            if rng.chance(97) {
                languages.push((Language::ArDz, rng.range(3, 5) as u8));
            }
            if rng.chance(60) {
                languages.push((Language::Fr, rng.range(1, 5) as u8));
            }
            if rng.chance(50) {
                languages.push((Language::Ar, rng.range(1, 5) as u8));
            }
            let wilayas = if rng.chance(40) {
                let k = rng.range(5, 15);
                let mut w: Vec<u16> = (0..k).map(|_| rng.range(1, 69) as u16).collect();
                w.sort_unstable();
                w.dedup();
                w
            } else {
                Vec::new()
            };
            let max_open = rng.range(30, 60) as u32;
            let max_per_day = rng.range(150, 300) as u32;
            AgentState {
                id: 1 + i as i64,
                available: rng.chance(85),
                on_shift: rng.chance(90),
                languages,
                wilayas,
                max_per_day,
                assigned_today: rng.range(0, u64::from(max_per_day) / 2) as u32,
                max_open,
                open_now: rng.range(0, u64::from(max_open) * 3 / 4) as u32,
                success_permille: rng.range(300, 950) as u16,
                last_assigned_at: if rng.chance(90) { Some(NOW - rng.range(0, 7200) as i64) } else { None },
            }
        })
        .collect()
}

fn orders(rng: &mut Rng, n: usize, reserve_among: usize) -> Vec<PendingOrder> {
    (0..n)
        .map(|i| {
            let language = match rng.range(0, 99) {
                0..=69 => Language::ArDz,
                70..=89 => Language::Fr,
                _ => Language::Ar,
            };
            let wilaya = match rng.range(0, 99) {
                0..=24 => 16,
                25..=39 => 31,
                40..=49 => 25,
                50..=57 => 9,
                _ => rng.range(1, 69) as u16,
            };
            let priority = match rng.range(0, 99) {
                0..=4 => 0,
                5..=19 => 1,
                20..=89 => 2,
                _ => 3,
            };
            let tier = match rng.range(0, 99) {
                0..=4 => Tier::Vip,
                5..=24 => Tier::Loyal,
                _ => Tier::Other,
            };
            let reserved_for =
                if reserve_among > 0 && rng.chance(3) { Some(rng.range(1, reserve_among as u64) as i64) } else { None };
            PendingOrder {
                id: 1 + i as i64,
                priority,
                tier,
                due_callback: rng.chance(10),
                created_at: NOW - rng.range(0, 86_400 * 3) as i64,
                waiting_since: NOW - rng.range(0, 3 * 3600) as i64,
                language,
                wilaya,
                reserved_for,
            }
        })
        .collect()
}

fn counts(decisions: &[Decision]) -> (usize, usize) {
    let assigned = decisions.iter().filter(|d| matches!(d.outcome, Outcome::Assigned { .. })).count();
    (assigned, decisions.len() - assigned)
}

/// Median and max of `runs` timed calls, in milliseconds, plus the last result.
fn time(runs: usize, mut f: impl FnMut() -> Vec<Decision>) -> (f64, f64, Vec<Decision>) {
    let mut ms = Vec::with_capacity(runs);
    let mut last = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        last = std::hint::black_box(f());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1], last)
}

fn main() {
    let policy = Policy { drop_wilaya_after_minutes: Some(60), any_arabic_after_minutes: Some(30) };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let realistic = agents(&mut rng, 300);

    // Equal agents: same languages, all wilayas, room for every order, no load, no history.
    let equal: Vec<AgentState> = (0..50)
        .map(|i| AgentState {
            id: 1 + i,
            available: true,
            on_shift: true,
            languages: vec![(Language::Fr, 3), (Language::Ar, 3), (Language::ArDz, 3)],
            wilayas: Vec::new(),
            max_per_day: 10_000,
            assigned_today: 0,
            max_open: 10_000,
            open_now: 0,
            success_permille: 700,
            last_assigned_at: None,
        })
        .collect();

    println!("route(): 300 realistic agents; fairness over 50 identical agents with room for all orders");
    println!(
        "{:>8} {:>5} {:>10} {:>10} {:>9} {:>10} {:>10} | {:>10} {:>10} {:>6}",
        "orders", "runs", "median ms", "max ms", "assigned", "unassigned", "violations", "eq median", "eq max", "gini"
    );
    for (n, runs) in [(1_000usize, 20usize), (10_000, 20), (100_000, 10)] {
        let work = orders(&mut rng, n, 300);
        let (median, max, decisions) = time(runs, || route(&work, &realistic, &policy, NOW));
        let (assigned, unassigned) = counts(&decisions);
        let violations = common::violations(&work, &realistic, &policy, NOW, &decisions);
        for v in violations.iter().take(5) {
            eprintln!("violation: {v}");
        }

        let work = orders(&mut rng, n, 0);
        let (eq_median, eq_max, eq_decisions) = time(runs, || route(&work, &equal, &policy, NOW));
        let eq_violations = common::violations(&work, &equal, &policy, NOW, &eq_decisions);
        for v in eq_violations.iter().take(5) {
            eprintln!("violation (equal agents): {v}");
        }
        let g = gini(&common::taken_per_agent(&equal, &eq_decisions));

        println!(
            "{:>8} {:>5} {:>10.2} {:>10.2} {:>9} {:>10} {:>10} | {:>10.2} {:>10.2} {:>6.4}",
            n,
            runs,
            median,
            max,
            assigned,
            unassigned,
            violations.len() + eq_violations.len(),
            eq_median,
            eq_max,
            g
        );
    }
}
