//! Reading a courier's report (CSV) into delivery events, without I/O: one line per parcel with
//! the order's reference (or our number) and what happened. A file is a courier report when its
//! header has an outcome column (`outcome`, `statut`, `résultat`, `etat`); the order reader takes
//! the others. Couriers write outcomes and reasons in their own words: the usual French and
//! English ones are understood, anything else is reported on its line. Without an event id
//! column, each line's id is made of the reference, the outcome and the date, so uploading the
//! same report twice records nothing twice.
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::csv::{detect_delimiter, normalise_header, Lines};
use crate::deliveries::{DeliveryInput, DeliveryOutcome, DeliveryReason};
use crate::error::{AppError, ErrorCode};
use crate::locale::algiers::ALGIERS;

const REFERENCE: &[&str] =
    &["reference", "ref", "référence", "order", "order_id", "commande", "numero", "numéro", "number"];
const EVENT_ID: &[&str] = &["event_id", "event", "id_evenement", "id_événement", "tracking_event"];
const OUTCOME: &[&str] = &["outcome", "statut", "status", "résultat", "resultat", "etat", "état"];
const REASON: &[&str] = &["reason", "motif", "raison", "reason_code", "code_motif"];
const DATE: &[&str] = &["date", "at", "date_livraison", "date_retour", "delivered_at"];
const NOTE: &[&str] = &["note", "comment", "commentaire", "remarque"];

/// One line of the report: where it is, and the event or why it cannot be one.
#[derive(Clone, Debug)]
pub struct CourierLine {
    pub line: usize,
    pub reference: Option<String>,
    pub event: Result<DeliveryInput, AppError>,
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.contains(&h.as_str()))
}

fn headers(text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().delimiter(detect_delimiter(text)).from_reader(text.as_bytes());
    reader.headers().map(|h| h.iter().map(normalise_header).collect()).unwrap_or_default()
}

/// True when the file's header has an outcome column: a courier's report, not an order list.
pub fn is_courier_report(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    find(&headers(text.trim_start_matches('\u{FEFF}')), OUTCOME).is_some()
}

/// What a courier's word for the outcome means.
pub fn outcome(raw: &str) -> Option<DeliveryOutcome> {
    let word = normalise_header(raw);
    if let Ok(outcome) = DeliveryOutcome::parse(&word) {
        return Some(outcome);
    }
    Some(match word.as_str() {
        "livré" | "livrée" | "livre" | "livree" | "livraison_réussie" | "encaissé" | "encaisse" => {
            DeliveryOutcome::Delivered
        }
        "retour" | "retourné" | "retournée" | "retourne" | "retournee" | "return" => DeliveryOutcome::Returned,
        "refusé" | "refusée" | "refuse" | "refusee" | "refus" | "refusé_à_la_porte" => DeliveryOutcome::Refused,
        "échec" | "echec" | "tentative_échouée" | "tentative_echouee" | "failed" | "reporté" | "reporte" => {
            DeliveryOutcome::FailedAttempt
        }
        _ => return None,
    })
}

/// What a courier's word for the reason means.
pub fn reason(raw: &str) -> Option<DeliveryReason> {
    let word = normalise_header(raw);
    if let Ok(reason) = DeliveryReason::parse(&word) {
        return Some(reason);
    }
    Some(match word.as_str() {
        "absent" | "client_absent" => DeliveryReason::CustomerAbsent,
        "refus_client" | "refusé_par_le_client" | "refuse_par_le_client" => DeliveryReason::CustomerRefused,
        "fausse_commande" | "fake" | "commande_fictive" => DeliveryReason::FakeOrder,
        "adresse_erronée" | "adresse_erronee" | "mauvaise_adresse" => DeliveryReason::WrongAddress,
        "injoignable" | "ne_répond_pas" | "ne_repond_pas" => DeliveryReason::Unreachable,
        "annulé_par_le_client" | "annule_par_le_client" | "a_changé_d'avis" => DeliveryReason::ChangedMind,
        "prix" | "litige_prix" => DeliveryReason::PriceDispute,
        "endommagé" | "endommage" | "colis_endommagé" => DeliveryReason::Damaged,
        "autre" => DeliveryReason::Other,
        _ => return None,
    })
}

/// A report's date: RFC 3339, or `YYYY-MM-DD[ HH:MM]` / `DD/MM/YYYY[ HH:MM]` in Algiers time.
pub fn date(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(at);
    }
    let local = |at: PrimitiveDateTime| at.assume_offset(ALGIERS);
    let with_time = [
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        format_description!("[day]/[month]/[year] [hour]:[minute]"),
    ];
    if let Some(at) = with_time.iter().find_map(|f| PrimitiveDateTime::parse(raw, f).ok()) {
        return Some(local(at));
    }
    let days = [format_description!("[year]-[month]-[day]"), format_description!("[day]/[month]/[year]")];
    days.iter()
        .find_map(|f| time::Date::parse(raw, f).ok())
        // a day without a time: its noon, so the event is neither before an order of that morning
        // nor in the future late in the day
        .map(|d| local(d.with_hms(12, 0, 0).unwrap_or(d.midnight())))
}

/// Reads a courier's report. Fails whole only when it cannot be one (no header, no reference
/// column, no data lines); otherwise every line is accounted for.
pub fn parse(bytes: &[u8]) -> Result<Vec<CourierLine>, AppError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{FEFF}');
    let columns = headers(text);
    let Some(outcome_col) = find(&columns, OUTCOME) else {
        return Err(AppError::field(ErrorCode::CsvColumnMissing, "outcome"));
    };
    let reference_col = find(&columns, REFERENCE).ok_or(AppError::field(ErrorCode::CsvColumnMissing, "reference"))?;
    let (event_col, reason_col, date_col, note_col) =
        (find(&columns, EVENT_ID), find(&columns, REASON), find(&columns, DATE), find(&columns, NOTE));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = Lines::new(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let position = match &record {
            Ok(r) => r.position().map(|p| p.byte()),
            Err(e) => e.position().map(|p| p.byte()),
        };
        let line = position.map(|byte| lines.line_of(byte as usize)).unwrap_or(out.len() + 2);
        let Ok(record) = record else {
            out.push(CourierLine { line, reference: None, event: Err(AppError::new(ErrorCode::CsvRowInvalid)) });
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |col: Option<usize>| col.and_then(|i| record.get(i)).unwrap_or_default().to_string();
        let reference = Some(get(Some(reference_col))).filter(|r| !r.is_empty());
        let event = read_line(
            &reference,
            &get(Some(outcome_col)),
            &get(reason_col),
            &get(date_col),
            get(event_col),
            get(note_col),
        );
        out.push(CourierLine { line, reference, event });
    }
    if out.is_empty() {
        return Err(AppError::new(ErrorCode::CsvEmpty));
    }
    Ok(out)
}

fn read_line(
    reference: &Option<String>,
    outcome_raw: &str,
    reason_raw: &str,
    date_raw: &str,
    event_id: String,
    note: String,
) -> Result<DeliveryInput, AppError> {
    let reference = reference.as_deref().ok_or(AppError::field(ErrorCode::CsvRowInvalid, "reference"))?;
    let outcome = outcome(outcome_raw).ok_or(AppError::field(ErrorCode::DeliveryOutcomeUnknown, "outcome"))?;
    let reason = match reason_raw.trim() {
        "" => None,
        raw => Some(reason(raw).ok_or(AppError::field(ErrorCode::DeliveryReasonUnknown, "reason"))?),
    };
    let at = match date_raw.trim() {
        "" => None,
        raw => Some(date(raw).ok_or(AppError::field(ErrorCode::DeliveryTimeInvalid, "date"))?),
    };
    let event_id = if event_id.trim().is_empty() {
        let stamp = at.map_or_else(String::new, |a| a.unix_timestamp().to_string());
        format!("csv:{reference}:{}:{stamp}", outcome.as_str())
    } else {
        event_id
    };
    Ok(DeliveryInput {
        event_id,
        outcome: outcome.as_str().to_string(),
        reason: reason.map(|r| r.as_str().to_string()),
        at,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_courier_report_is_read_line_by_line() {
        let file = "\u{FEFF}Référence;Statut;Motif;Date;Commentaire\n\
                    SHOP-1;Livrée;;02/12/2026 14:30;\n\
                    SHOP-2;Retour;Fausse commande;2026-12-02;le client nie avoir commandé\n\
                    SHOP-3;Perdu;;;\n\
                    ;Livré;;;\n\
                    SHOP-4;refusé;absent;hier;\n";
        assert!(is_courier_report(file.as_bytes()));
        let lines = parse(file.as_bytes()).expect("a report");
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
        let first = lines[0].event.as_ref().expect("valid");
        assert_eq!((first.outcome.as_str(), first.reason.as_deref()), ("delivered", None));
        assert_eq!(first.at, Some(time::macros::datetime!(2026-12-02 13:30 UTC)), "Algiers time");
        assert_eq!(first.event_id, format!("csv:SHOP-1:delivered:{}", first.at.unwrap().unix_timestamp()));
        let second = lines[1].event.as_ref().expect("valid");
        assert_eq!((second.outcome.as_str(), second.reason.as_deref()), ("returned", Some("fake_order")));
        assert_eq!(second.note, "le client nie avoir commandé");
        let code = |i: usize| lines[i].event.as_ref().map_err(|e| (e.code, e.field.clone())).expect_err("refused");
        assert_eq!(code(2), (ErrorCode::DeliveryOutcomeUnknown, Some("outcome".into())));
        assert_eq!(code(3), (ErrorCode::CsvRowInvalid, Some("reference".into())));
        assert_eq!(code(4), (ErrorCode::DeliveryTimeInvalid, Some("date".into())));
    }

    #[test]
    fn an_order_list_is_not_a_courier_report_and_a_report_needs_its_columns() {
        assert!(!is_courier_report(b"reference,name,phone,wilaya,product,quantity,unit_price\n"));
        let error = parse(b"statut,date\nlivre,2026-12-02\n").expect_err("no reference column");
        assert_eq!((error.code, error.field.as_deref()), (ErrorCode::CsvColumnMissing, Some("reference")));
        assert_eq!(parse(b"reference,outcome\n").expect_err("no lines").code, ErrorCode::CsvEmpty);
        let with_ids = parse(b"event_id,reference,outcome,reason\nev-9,SHOP-9,refused,customer_refused\n").unwrap();
        assert_eq!(with_ids[0].event.as_ref().unwrap().event_id, "ev-9");
    }
}
