//! Pure rules of the status configuration: what makes a status graph valid, which results an
//! agent may record from a status, and what the attempt policy does after no answer or busy.
use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::{StatusCategory, StatusDef, StatusTransition};
use crate::auth::Role;

/// Something wrong with a status configuration, reported with the status it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum GraphProblem {
    NoInitialStatus,
    SeveralInitialStatuses {
        codes: Vec<String>,
    },
    InitialStatusIsFinal {
        code: String,
    },
    DuplicateCode {
        code: String,
    },
    BadCode {
        code: String,
    },
    MissingLabel {
        code: String,
        locale: String,
    },
    BadColor {
        code: String,
    },
    /// A transition names a status that does not exist or is inactive.
    UnknownStatus {
        code: String,
    },
    /// A final status has transitions out of it.
    FinalHasExits {
        code: String,
    },
    /// An active status from which no final status can be reached: orders would be stuck.
    CannotReachFinal {
        code: String,
    },
}

/// Status codes are short identifiers: `no_answer_1`, `confirmed`.
pub fn valid_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase()
}

pub fn valid_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Every problem of the configuration (empty when it is valid). Inactive statuses are kept for
/// history but take no part in the graph.
pub fn validate(statuses: &[StatusDef], transitions: &[StatusTransition]) -> Vec<GraphProblem> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for s in statuses {
        if !seen.insert(s.code.as_str()) {
            problems.push(GraphProblem::DuplicateCode { code: s.code.clone() });
        }
        if !valid_code(&s.code) {
            problems.push(GraphProblem::BadCode { code: s.code.clone() });
        }
        if !valid_color(&s.color) {
            problems.push(GraphProblem::BadColor { code: s.code.clone() });
        }
        for (locale, label) in [("fr", &s.labels.fr), ("ar", &s.labels.ar), ("ar-DZ", &s.labels.ar_dz)] {
            if label.trim().is_empty() {
                problems.push(GraphProblem::MissingLabel { code: s.code.clone(), locale: locale.into() });
            }
        }
    }
    let active: HashMap<&str, &StatusDef> =
        statuses.iter().filter(|s| s.active).map(|s| (s.code.as_str(), s)).collect();
    let initial: Vec<&StatusDef> = statuses.iter().filter(|s| s.active && s.initial).collect();
    match initial.as_slice() {
        [] => problems.push(GraphProblem::NoInitialStatus),
        [one] if one.flags.is_final => problems.push(GraphProblem::InitialStatusIsFinal { code: one.code.clone() }),
        [_] => {}
        many => {
            problems.push(GraphProblem::SeveralInitialStatuses { codes: many.iter().map(|s| s.code.clone()).collect() })
        }
    }
    let mut exits: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in transitions {
        // Transitions out of an inactive status stay (orders still in it can leave); transitions
        // into one do not.
        let from_known = statuses.iter().any(|s| s.code == t.from);
        for (code, ok) in [(&t.from, from_known), (&t.to, active.contains_key(t.to.as_str()))] {
            if !ok {
                let problem = GraphProblem::UnknownStatus { code: code.clone() };
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
        if let Some(from) = active.get(t.from.as_str()) {
            if from.flags.is_final {
                let problem = GraphProblem::FinalHasExits { code: t.from.clone() };
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
        exits.entry(t.from.as_str()).or_default().push(t.to.as_str());
    }
    // Walk backwards from the final statuses: whatever is not reached cannot finish.
    let mut entries: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, tos) in &exits {
        for to in tos {
            entries.entry(*to).or_default().push(*from);
        }
    }
    let mut can_finish: HashSet<&str> = active.values().filter(|s| s.flags.is_final).map(|s| s.code.as_str()).collect();
    let mut queue: VecDeque<&str> = can_finish.iter().copied().collect();
    while let Some(code) = queue.pop_front() {
        for from in entries.get(code).into_iter().flatten() {
            if active.contains_key(from) && can_finish.insert(from) {
                queue.push_back(from);
            }
        }
    }
    // A status nothing leads into (a new one, before its transitions are set) holds no orders yet.
    let reachable = |code: &str| active.get(code).is_some_and(|s| s.initial) || entries.contains_key(code);
    let mut stuck: Vec<&str> = active.keys().filter(|c| !can_finish.contains(*c) && reachable(c)).copied().collect();
    stuck.sort_unstable();
    problems.extend(stuck.into_iter().map(|code| GraphProblem::CannotReachFinal { code: code.into() }));
    problems
}

/// The statuses `role` may record from `from`, in display order (active ones only).
pub fn allowed_next<'a>(
    statuses: &'a [StatusDef],
    transitions: &[StatusTransition],
    from: &str,
    role: Role,
) -> Vec<&'a StatusDef> {
    let targets: HashSet<&str> =
        transitions.iter().filter(|t| t.from == from && role.at_least(t.role)).map(|t| t.to.as_str()).collect();
    let mut next: Vec<&StatusDef> = statuses.iter().filter(|s| s.active && targets.contains(s.code.as_str())).collect();
    next.sort_by_key(|s| (s.sort_order, s.code.clone()));
    next
}

/// After how many unanswered attempts an order is abandoned, and when to try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptPolicy {
    /// Unanswered attempts (no answer, busy, unreachable) before the order is abandoned.
    pub max_unanswered: u32,
    pub retry_after_no_answer_minutes: u32,
    pub retry_after_busy_minutes: u32,
}

impl Default for AttemptPolicy {
    fn default() -> Self {
        Self { max_unanswered: 5, retry_after_no_answer_minutes: 120, retry_after_busy_minutes: 20 }
    }
}

/// How the customer answered (or not) one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Reached,
    NoAnswer,
    Busy,
}

/// What follows an attempt under the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Nothing to schedule (the customer was reached; the recorded status decides).
    None,
    /// Try again after this many minutes.
    RetryIn { minutes: u32 },
    /// Give up: move the order to the abandoned status.
    Abandon,
}

impl AttemptPolicy {
    /// `unanswered_before` counts the unanswered attempts before this one.
    pub fn next_step(&self, unanswered_before: u32, reach: Reach) -> NextStep {
        let minutes = match reach {
            Reach::Reached => return NextStep::None,
            Reach::NoAnswer => self.retry_after_no_answer_minutes,
            Reach::Busy => self.retry_after_busy_minutes,
        };
        if unanswered_before + 1 >= self.max_unanswered {
            NextStep::Abandon
        } else {
            NextStep::RetryIn { minutes }
        }
    }
}

/// A stored category (the column's CHECK allows only these five).
pub fn category_from_db(raw: &str) -> StatusCategory {
    match raw {
        "pending" => StatusCategory::Pending,
        "attempting" => StatusCategory::Attempting,
        "confirmed" => StatusCategory::Confirmed,
        "failed" => StatusCategory::Failed,
        _ => StatusCategory::Abandoned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statuses::{StatusCategory, StatusFlags, StatusLabels};

    fn status(code: &str, category: StatusCategory, is_final: bool) -> StatusDef {
        StatusDef {
            code: code.into(),
            labels: StatusLabels { fr: code.into(), ar: format!("ar {code}"), ar_dz: format!("dz {code}") },
            color: "#0f766e".into(),
            category,
            flags: StatusFlags { is_final, ..Default::default() },
            initial: code == "new",
            sort_order: 0,
            active: true,
        }
    }

    fn t(from: &str, to: &str, role: Role) -> StatusTransition {
        StatusTransition { from: from.into(), to: to.into(), role }
    }

    fn small() -> (Vec<StatusDef>, Vec<StatusTransition>) {
        let statuses = vec![
            status("new", StatusCategory::Pending, false),
            status("no_answer_1", StatusCategory::Attempting, false),
            status("confirmed", StatusCategory::Confirmed, true),
            status("cancelled", StatusCategory::Failed, true),
        ];
        let transitions = vec![
            t("new", "no_answer_1", Role::Agent),
            t("new", "confirmed", Role::Agent),
            t("no_answer_1", "confirmed", Role::Agent),
            t("no_answer_1", "cancelled", Role::Supervisor),
        ];
        (statuses, transitions)
    }

    #[test]
    fn a_small_sound_graph_has_no_problems() {
        let (s, t) = small();
        assert_eq!(validate(&s, &t), vec![]);
    }

    #[test]
    fn a_status_with_no_way_to_a_final_one_is_reported() {
        let (mut s, mut t) = small();
        s.push(status("callback", StatusCategory::Attempting, false));
        t.push(t_("new", "callback"));
        assert_eq!(validate(&s, &t), vec![GraphProblem::CannotReachFinal { code: "callback".into() }]);
    }

    #[test]
    fn a_status_nothing_leads_into_yet_is_not_a_trap() {
        let (mut s, t) = small();
        s.push(status("whatsapp_sent", StatusCategory::Attempting, false));
        assert_eq!(validate(&s, &t), vec![]);
    }

    fn t_(from: &str, to: &str) -> StatusTransition {
        t(from, to, Role::Agent)
    }

    #[test]
    fn the_initial_status_must_exist_once_and_not_be_final() {
        let (mut s, t) = small();
        s[0].initial = false;
        assert!(validate(&s, &t).contains(&GraphProblem::NoInitialStatus));
        s[0].initial = true;
        s[1].initial = true;
        assert!(matches!(validate(&s, &t).as_slice(), [GraphProblem::SeveralInitialStatuses { .. }]));
    }

    #[test]
    fn transitions_to_inactive_statuses_and_out_of_final_ones_are_reported() {
        let (mut s, mut t) = small();
        s[3].active = false;
        t.push(t_("confirmed", "new"));
        let problems = validate(&s, &t);
        assert!(problems.contains(&GraphProblem::UnknownStatus { code: "cancelled".into() }), "{problems:?}");
        assert!(problems.contains(&GraphProblem::FinalHasExits { code: "confirmed".into() }), "{problems:?}");
    }

    #[test]
    fn an_inactive_status_keeps_its_exits_so_orders_in_it_can_leave() {
        let (mut s, t) = small();
        s[1].active = false;
        let without_entries: Vec<StatusTransition> = t.into_iter().filter(|t| t.to != "no_answer_1").collect();
        assert_eq!(validate(&s, &without_entries), vec![]);
        assert_eq!(
            allowed_next(&s, &without_entries, "no_answer_1", Role::Agent)
                .iter()
                .map(|s| s.code.as_str())
                .collect::<Vec<_>>(),
            vec!["confirmed"]
        );
    }

    #[test]
    fn labels_colours_and_codes_are_checked() {
        let (mut s, t) = small();
        s[1].labels.ar_dz = " ".into();
        s[2].color = "teal".into();
        s.push(status("Bad Code", StatusCategory::Failed, true));
        let problems = validate(&s, &t);
        assert!(problems.contains(&GraphProblem::MissingLabel { code: "no_answer_1".into(), locale: "ar-DZ".into() }));
        assert!(problems.contains(&GraphProblem::BadColor { code: "confirmed".into() }));
        assert!(problems.contains(&GraphProblem::BadCode { code: "Bad Code".into() }));
    }

    #[test]
    fn an_agent_sees_only_the_results_their_role_may_record() {
        let (s, t) = small();
        let agent: Vec<&str> =
            allowed_next(&s, &t, "no_answer_1", Role::Agent).iter().map(|s| s.code.as_str()).collect();
        assert_eq!(agent, vec!["confirmed"]);
        let sup: Vec<&str> =
            allowed_next(&s, &t, "no_answer_1", Role::Supervisor).iter().map(|s| s.code.as_str()).collect();
        assert_eq!(sup, vec!["cancelled", "confirmed"]);
    }

    #[test]
    fn the_fifth_unanswered_attempt_abandons_the_order_by_default() {
        let policy = AttemptPolicy::default();
        assert_eq!(policy.next_step(0, Reach::NoAnswer), NextStep::RetryIn { minutes: 120 });
        assert_eq!(policy.next_step(3, Reach::Busy), NextStep::RetryIn { minutes: 20 });
        assert_eq!(policy.next_step(4, Reach::NoAnswer), NextStep::Abandon);
        assert_eq!(policy.next_step(4, Reach::Reached), NextStep::None);
    }
}
