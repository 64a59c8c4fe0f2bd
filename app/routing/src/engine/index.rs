//! The engine's index: agents ranked best first by a choice key independent of the order, and
//! orders grouped into eligibility classes with their static funnel result and a count of
//! members with room (see the module documentation of [`super`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::model::*;

/// Compact per-agent view plus the load this run added.
pub(super) struct Slot<'a> {
    pub(super) id: AgentId,
    pub(super) available: bool,
    pub(super) on_shift: bool,
    /// Best proficiency per language index; `None` = not spoken.
    pub(super) prof: [Option<u8>; 3],
    pub(super) wilayas: &'a [u16],
    pub(super) success: u16,
    pub(super) open_now: u64,
    pub(super) max_open: u64,
    /// Orders the agent may still take: min of daily and open headroom.
    pub(super) room: u32,
    pub(super) taken: u32,
    pub(super) last: Option<i64>,
    /// Classes the agent is a live member of (their counts drop when it fills up).
    pub(super) classes: Vec<u32>,
}

impl<'a> Slot<'a> {
    pub(super) fn new(a: &'a AgentState) -> Self {
        let mut prof = [None; 3];
        for &(lang, p) in &a.languages {
            let e: &mut Option<u8> = &mut prof[lang.index()];
            *e = Some(e.map_or(p, |q| q.max(p)));
        }
        Slot {
            id: a.id,
            available: a.available,
            on_shift: a.on_shift,
            prof,
            wilayas: &a.wilayas,
            success: a.success_permille,
            open_now: u64::from(a.open_now),
            max_open: u64::from(a.max_open),
            room: a.max_per_day.saturating_sub(a.assigned_today).min(a.max_open.saturating_sub(a.open_now)),
            taken: 0,
            last: a.last_assigned_at,
            classes: Vec::new(),
        }
    }

    pub(super) fn has_room(&self) -> bool {
        self.taken < self.room
    }

    pub(super) fn speaks_exactly(&self, lang: Language) -> bool {
        self.prof[lang.index()].is_some()
    }

    pub(super) fn speaks(&self, lang: Language, any_arabic: bool) -> bool {
        self.speaks_exactly(lang) || (any_arabic && lang.is_arabic() && self.arabic_proficiency().is_some())
    }

    pub(super) fn arabic_proficiency(&self) -> Option<u8> {
        self.prof[Language::Ar.index()].max(self.prof[Language::ArDz.index()])
    }

    pub(super) fn covers_exactly(&self, wilaya: u16) -> bool {
        self.wilayas.is_empty() || self.wilayas.contains(&wilaya)
    }

    pub(super) fn load(&self) -> u64 {
        self.open_now + u64::from(self.taken)
    }
}

/// Compares agents `a` and `b` as candidates: `Less` means `a` is the better choice. Also says
/// which criterion decided.
pub(super) fn rank(slots: &[Slot<'_>], a: u32, b: u32) -> (Ordering, TieBreak) {
    let (x, y) = (&slots[a as usize], &slots[b as usize]);
    // Candidates have load < max_open <= u32::MAX, so both products fit in u64.
    let o = (x.load() * y.max_open).cmp(&(y.load() * x.max_open));
    if o != Ordering::Equal {
        return (o, TieBreak::LeastLoaded);
    }
    let o = y.success.cmp(&x.success);
    if o != Ordering::Equal {
        return (o, TieBreak::SuccessRate);
    }
    let o = x.last.cmp(&y.last);
    if o != Ordering::Equal {
        return (o, TieBreak::RoundRobin);
    }
    (x.id.cmp(&y.id).then(a.cmp(&b)), TieBreak::AgentId)
}

/// Every agent that may still take orders (available, on shift, with room), best first.
///
/// The choice key does not depend on the order, so one global ranking serves every class: a
/// class's best candidate is its first member in the ranking. Only the chosen agent's key
/// changes per assignment, and only for the worse, so it just moves towards the back.
pub(super) struct Ranking {
    pub(super) agents: Vec<u32>,
}

impl Ranking {
    pub(super) fn new(pool: &[u32], slots: &[Slot<'_>]) -> Self {
        let mut agents: Vec<u32> = pool.iter().copied().filter(|&i| slots[i as usize].has_room()).collect();
        agents.sort_unstable_by(|&a, &b| rank(slots, a, b).0);
        Ranking { agents }
    }

    /// Positions of the class's best member and of its runner-up, if any.
    pub(super) fn best_two(&self, class: &Class) -> Option<(usize, Option<usize>)> {
        let mut best = None;
        for (pos, &a) in self.agents.iter().enumerate() {
            if class.contains(a) {
                match best {
                    None if class.live == 1 => return Some((pos, None)),
                    None => best = Some(pos),
                    Some(b) => return Some((b, Some(pos))),
                }
            }
        }
        best.map(|b| (b, None))
    }

    /// Puts the agent at `pos` back in place after its key got worse (or drops it when full).
    /// Returns whether it was dropped.
    pub(super) fn reposition(&mut self, pos: usize, slots: &[Slot<'_>]) -> bool {
        let a = self.agents[pos];
        if !slots[a as usize].has_room() {
            self.agents.remove(pos);
            return true;
        }
        let ahead = self.agents[pos + 1..].partition_point(|&b| rank(slots, b, a).0 == Ordering::Less);
        self.agents[pos..=pos + ahead].rotate_left(1);
        false
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct ClassKey {
    pub(super) language: Language,
    pub(super) wilaya: u16,
    pub(super) any_arabic: Option<u32>,
    pub(super) wilaya_dropped: Option<u32>,
    pub(super) reserved: Option<AgentId>,
}

/// Orders sharing a [`ClassKey`] share their candidates.
pub(super) struct Class {
    pub(super) key: ClassKey,
    /// Bit set over agent indices: the agents passing the static rules (availability, shift,
    /// language, wilaya, reservation) that had room when the class was built.
    pub(super) members: Vec<u64>,
    /// Members with room left: the candidate count.
    pub(super) live: u32,
    /// The reason when no member has room.
    pub(super) if_empty: NoAgent,
}

pub(super) struct Funnel {
    pub(super) any_available: bool,
    /// Indices of agents available and on shift.
    pub(super) pool: Vec<u32>,
}

impl Class {
    /// Builds class number `index`, registering it with its live members. Classes are built
    /// before any assignment; members that fill up later leave `live` through [`Slot::classes`].
    pub(super) fn build(key: ClassKey, index: u32, slots: &mut [Slot<'_>], funnel: &Funnel) -> Class {
        let any_ar = key.any_arabic.is_some();
        let (language, wilaya) = (key.language, key.wilaya);
        let mut members = vec![0u64; slots.len().div_ceil(64)];
        let (mut any_speaker, mut any_cover, mut live) = (false, false, 0u32);
        for &i in &funnel.pool {
            let s = &mut slots[i as usize];
            if key.reserved.is_some_and(|r| r != s.id) || !s.speaks(language, any_ar) {
                continue;
            }
            any_speaker = true;
            if key.wilaya_dropped.is_none() && !s.covers_exactly(wilaya) {
                continue;
            }
            any_cover = true;
            if s.has_room() {
                members[i as usize / 64] |= 1u64 << (i % 64);
                live += 1;
                s.classes.push(index);
            }
        }
        // The first funnel stage left empty (the stages before language are global).
        let if_empty = match key.reserved {
            Some(agent_id) => NoAgent::ReservedAgentAway { agent_id },
            None if !funnel.any_available => NoAgent::NobodyAvailable,
            None if funnel.pool.is_empty() => NoAgent::NobodyOnShift,
            None if !any_speaker => NoAgent::NoSpeaker { language },
            None if !any_cover => NoAgent::NoWilayaCover { language, wilaya },
            None => NoAgent::AllAtCapacity { language, wilaya },
        };
        Class { key, members, live, if_empty }
    }

    pub(super) fn contains(&self, agent: u32) -> bool {
        self.members[agent as usize / 64] & (1u64 << (agent % 64)) != 0
    }
}

/// All classes of a run, found by key: a flat table for the common keys (no reservation,
/// wilaya below 128; each relaxation is either off or the policy's single value), a map otherwise.
pub(super) struct Classes {
    pub(super) list: Vec<Class>,
    pub(super) table: Vec<u32>,
    pub(super) map: BTreeMap<ClassKey, u32>,
}

impl Classes {
    const WILAYAS: usize = 128;
    const NONE: u32 = u32::MAX;

    pub(super) fn new() -> Self {
        Classes { list: Vec::new(), table: vec![Self::NONE; 3 * 2 * 2 * Self::WILAYAS], map: BTreeMap::new() }
    }

    pub(super) fn table_slot(key: &ClassKey) -> Option<usize> {
        let wilaya = usize::from(key.wilaya);
        if key.reserved.is_some() || wilaya >= Self::WILAYAS {
            return None;
        }
        let relaxed = usize::from(key.any_arabic.is_some()) * 2 + usize::from(key.wilaya_dropped.is_some());
        Some((key.language.index() * 4 + relaxed) * Self::WILAYAS + wilaya)
    }

    /// The index of the class for `key`, built on first use.
    pub(super) fn index_of(&mut self, key: ClassKey, slots: &mut [Slot<'_>], funnel: &Funnel) -> u32 {
        let found = match Self::table_slot(&key) {
            Some(t) => self.table[t],
            None => self.map.get(&key).copied().unwrap_or(Self::NONE),
        };
        if found != Self::NONE {
            return found;
        }
        let index = u32::try_from(self.list.len()).unwrap_or(Self::NONE);
        self.list.push(Class::build(key, index, slots, funnel));
        match Self::table_slot(&key) {
            Some(t) => self.table[t] = index,
            None => {
                self.map.insert(key, index);
            }
        }
        index
    }
}
