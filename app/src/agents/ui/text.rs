//! The agents feature's words: languages, presence, weekdays, durations and routing reasons, translated.

use super::I18n;
use crate::agents::{Language, LanguageSkill, NoAgent, Presence, Relaxation, RoutingNote, TieBreak};
use crate::i18n::*;

pub fn language_text(i18n: I18n, language: Language) -> String {
    match language {
        Language::Fr => t_string!(i18n, agents.lang_fr).to_string(),
        Language::Ar => t_string!(i18n, agents.lang_ar).to_string(),
        Language::ArDz => t_string!(i18n, agents.lang_ar_dz).to_string(),
    }
}

pub fn presence_text(i18n: I18n, presence: Presence) -> String {
    match presence {
        Presence::Available => t_string!(i18n, agents.available).to_string(),
        Presence::Paused => t_string!(i18n, agents.paused).to_string(),
        Presence::Offline => t_string!(i18n, agents.offline).to_string(),
    }
}

pub fn weekday_text(i18n: I18n, weekday: u8) -> String {
    match weekday {
        1 => t_string!(i18n, agents.day_1),
        2 => t_string!(i18n, agents.day_2),
        3 => t_string!(i18n, agents.day_3),
        4 => t_string!(i18n, agents.day_4),
        5 => t_string!(i18n, agents.day_5),
        6 => t_string!(i18n, agents.day_6),
        _ => t_string!(i18n, agents.day_7),
    }
    .to_string()
}

fn relaxation_text(i18n: I18n, r: &Relaxation) -> String {
    match *r {
        Relaxation::WilayaDropped { after_minutes } => {
            t_string!(i18n, routing.relaxed_wilaya, minutes = after_minutes).to_string()
        }
        Relaxation::AnyArabic { after_minutes } => {
            t_string!(i18n, routing.relaxed_arabic, minutes = after_minutes).to_string()
        }
    }
}

/// Why an order is where it is, in the reader's language.
pub fn routing_note_text(i18n: I18n, note: &RoutingNote, agent_name: Option<&str>) -> String {
    let mut text = match note {
        RoutingNote::Assigned { why, .. } => {
            let agent = agent_name.unwrap_or("").to_string();
            let tie = match why.tie_break {
                TieBreak::LeastLoaded => t_string!(i18n, routing.tie_load).to_string(),
                TieBreak::SuccessRate => t_string!(i18n, routing.tie_success).to_string(),
                TieBreak::RoundRobin | TieBreak::AgentId => t_string!(i18n, routing.tie_turn).to_string(),
            };
            t_string!(
                i18n,
                routing.assigned,
                agent = agent,
                load = why.load_before,
                capacity = why.capacity,
                candidates = why.candidates,
                tie = tie
            )
            .to_string()
        }
        RoutingNote::Unassigned { reason, .. } => match *reason {
            NoAgent::NobodyAvailable => t_string!(i18n, routing.nobody_available).to_string(),
            NoAgent::NobodyOnShift => t_string!(i18n, routing.nobody_on_shift).to_string(),
            NoAgent::NoSpeaker { language } => {
                t_string!(i18n, routing.no_speaker, language = language_text(i18n, language)).to_string()
            }
            NoAgent::NoWilayaCover { language, wilaya } => {
                t_string!(i18n, routing.no_wilaya, language = language_text(i18n, language), wilaya = wilaya)
                    .to_string()
            }
            NoAgent::AllAtCapacity { language, wilaya } => {
                t_string!(i18n, routing.at_capacity, language = language_text(i18n, language), wilaya = wilaya)
                    .to_string()
            }
            NoAgent::ReservedAgentAway { .. } => t_string!(i18n, routing.reserved_away).to_string(),
        },
        RoutingNote::Manual => t_string!(i18n, routing.manual).to_string(),
        RoutingNote::Returned { cause } => match cause {
            crate::agents::ReturnCause::WentOffline => t_string!(i18n, routing.returned_offline).to_string(),
            crate::agents::ReturnCause::ShiftEnded => t_string!(i18n, routing.returned_shift).to_string(),
            crate::agents::ReturnCause::Deactivated => t_string!(i18n, routing.returned_deactivated).to_string(),
            crate::agents::ReturnCause::RoleChanged => t_string!(i18n, routing.returned_role).to_string(),
        },
    };
    let relaxed: &[Relaxation] = match note {
        RoutingNote::Assigned { why, .. } => &why.relaxed,
        RoutingNote::Unassigned { relaxed, .. } => relaxed,
        _ => &[],
    };
    for r in relaxed {
        text.push_str(" · ");
        text.push_str(&relaxation_text(i18n, r));
    }
    text
}

pub fn skills_text(i18n: I18n, languages: &[LanguageSkill]) -> String {
    languages
        .iter()
        .map(|l| format!("{} {}/5", language_text(i18n, l.language), l.proficiency))
        .collect::<Vec<_>>()
        .join(", ")
}
