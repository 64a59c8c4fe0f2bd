//! Lists as CSV for a spreadsheet: UTF-8 with a byte-order mark (so Excel opens Arabic names),
//! one header row, CRLF line ends, and free text a spreadsheet must not run as a formula (a name
//! typed `=HYPERLINK(…)` by a shop's visitor) prefixed with an apostrophe. Pure.
use time::OffsetDateTime;

/// A cell of free text, made inert.
pub fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// `2026-11-25 09:10`, Algiers time.
pub fn algiers(t: OffsetDateTime) -> String {
    let l = t.to_offset(crate::locale::algiers::ALGIERS);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", l.year(), u8::from(l.month()), l.day(), l.hour(), l.minute())
}

/// The header and rows as one CSV document (the caller makes free-text cells [`inert`]).
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    let mut out = String::from("\u{FEFF}");
    out.push_str(&String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_opens_in_excel_with_arabic_and_runs_no_formula() {
        let text = csv(
            &["name", "n"],
            [vec![inert("=HYPERLINK(\"x\")"), "1".into()], vec![inert("ياسين, بن علي"), "2".into()]],
        );
        assert!(text.starts_with("\u{FEFF}name,n\r\n"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\",1\r\n"), "{text}");
        assert!(text.contains("\"ياسين, بن علي\",2\r\n"), "{text}");
        assert_eq!(algiers(time::macros::datetime!(2026-11-24 23:30 UTC)), "2026-11-25 00:30");
    }
}
