//! Reading a shop's CSV export into orders, without I/O. One line per item; lines sharing a
//! reference are one order (the customer and delivery come from its first line). Headers are
//! matched case-insensitively in English or French; `,` `;` and tab separators are recognised
//! (Excel in French writes `;`), and a UTF-8 byte-order mark is ignored. Every line ends up in
//! exactly one [`CsvOrder`], valid or with the reason it is not.
use crate::error::{AppError, ErrorCode};
use crate::orders::intake::{NewCustomer, NewDelivery, NewItem, NewOrder, NumberOrText};

/// The columns we read, each with the header names that mean it.
const COLUMNS: [(Col, &[&str]); 17] = [
    (Col::Reference, &["reference", "ref", "référence", "order_id", "commande"]),
    (Col::Name, &["name", "customer", "customer_name", "nom", "client", "nom_client"]),
    (Col::Phone, &["phone", "telephone", "téléphone", "tel", "tél", "mobile"]),
    (Col::OtherPhone, &["other_phone", "phone2", "telephone2", "téléphone2", "tel2"]),
    (Col::Language, &["language", "langue", "lang"]),
    (Col::Email, &["email", "e_mail", "mail", "courriel"]),
    (Col::Wilaya, &["wilaya", "wilaya_code", "state"]),
    (Col::Commune, &["commune", "city", "ville"]),
    (Col::Address, &["address", "adresse"]),
    (Col::DeliveryType, &["delivery_type", "livraison", "type_livraison"]),
    (Col::Sku, &["sku", "product_sku", "code_produit"]),
    (Col::Product, &["product", "product_name", "produit", "article"]),
    (Col::Quantity, &["quantity", "quantité", "quantite", "qty", "qte", "qté"]),
    (Col::UnitPrice, &["unit_price", "price", "prix", "prix_unitaire"]),
    (Col::Total, &["total", "montant", "total_dzd"]),
    (Col::Priority, &["priority", "priorité", "priorite"]),
    (Col::Source, &["source", "canal"]),
];

const REQUIRED: [Col; 6] = [Col::Name, Col::Phone, Col::Wilaya, Col::Product, Col::Quantity, Col::UnitPrice];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Reference,
    Name,
    Phone,
    OtherPhone,
    Language,
    Email,
    Wilaya,
    Commune,
    Address,
    DeliveryType,
    Sku,
    Product,
    Quantity,
    UnitPrice,
    Total,
    Priority,
    Source,
}

impl Col {
    fn header(self) -> &'static str {
        COLUMNS.iter().find(|(c, _)| *c == self).map(|(_, names)| names[0]).unwrap_or("?")
    }
}

/// One order of the file: the lines it came from and the order, or why it cannot be one.
#[derive(Clone, Debug)]
pub struct CsvOrder {
    pub first_line: usize,
    pub last_line: usize,
    pub reference: Option<String>,
    pub order: Result<NewOrder, AppError>,
}

/// The whole file, read.
#[derive(Clone, Debug)]
pub struct CsvFile {
    pub rows: usize,
    pub orders: Vec<CsvOrder>,
}

pub(super) fn normalise_header(h: &str) -> String {
    h.trim().trim_matches('"').to_lowercase().replace([' ', '-'], "_")
}

pub(super) fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .filter(|d| header.as_bytes().contains(d))
        .unwrap_or(b',')
}

fn number(raw: &str) -> Option<i64> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{202F}').collect();
    let cleaned = cleaned.trim_end_matches("DA").trim_end_matches("DZD").trim_end_matches("دج");
    if let Ok(n) = cleaned.parse::<i64>() {
        return Some(n);
    }
    // "1500.00" / "1500,00": whole dinars only.
    let (whole, cents) = cleaned.split_once(['.', ','])?;
    (cents.bytes().all(|b| b == b'0')).then(|| whole.parse().ok()).flatten()
}

/// Turns byte offsets (increasing) into 1-based line numbers, scanning the text once. A record's
/// line is that of its first character that is not a line break (the reader reports a record's
/// position before the blank lines it skips).
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Lines { bytes, at: 0, line: 1 }
    }

    pub(super) fn line_of(&mut self, byte: usize) -> usize {
        let mut target = byte.min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        if target >= self.at {
            self.line += self.bytes[self.at..target].iter().filter(|b| **b == b'\n').count();
            self.at = target;
        }
        self.line
    }
}

/// Reads a CSV file. Fails whole only when the file cannot be an order list at all (no header,
/// a required column missing, no data lines); otherwise every line is accounted for.
pub fn parse(bytes: &[u8]) -> Result<CsvFile, AppError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{FEFF}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| AppError::new(ErrorCode::CsvEmpty))?.clone();
    let mut index: Vec<(Col, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = normalise_header(h);
        if let Some((col, _)) = COLUMNS.iter().find(|(_, names)| names.iter().any(|n| *n == h)) {
            if !index.iter().any(|(c, _)| c == col) {
                index.push((*col, i));
            }
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !index.iter().any(|(i, _)| i == *c)) {
        return Err(AppError::field(ErrorCode::CsvColumnMissing, missing.header()));
    }
    let get = |record: &csv::StringRecord, col: Col| -> String {
        index.iter().find(|(c, _)| *c == col).and_then(|(_, i)| record.get(*i)).unwrap_or_default().to_string()
    };

    // While reading: each order with the total its first line declares (if any).
    struct Draft {
        first_line: usize,
        last_line: usize,
        reference: Option<String>,
        order: Result<(NewOrder, Option<i64>), AppError>,
    }
    let mut drafts: Vec<Draft> = Vec::new();
    let mut rows = 0;
    let mut lines = Lines::new(text.as_bytes());
    let mut last_line = 1;
    for record in reader.records() {
        // The file line the record starts on (blank lines are skipped by the reader).
        let position = match &record {
            Ok(r) => r.position().map(|p| p.byte()),
            Err(e) => e.position().map(|p| p.byte()),
        };
        let line = position.map(|byte| lines.line_of(byte as usize)).unwrap_or(last_line + 1);
        last_line = line;
        let Ok(record) = record else {
            rows += 1;
            let order = Err(AppError::new(ErrorCode::CsvRowInvalid));
            drafts.push(Draft { first_line: line, last_line: line, reference: None, order });
            continue;
        };
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        rows += 1;
        let reference = Some(get(&record, Col::Reference)).filter(|r| !r.is_empty());
        let item = match (number(&get(&record, Col::Quantity)), number(&get(&record, Col::UnitPrice))) {
            (None, _) => Err(AppError::field(ErrorCode::QuantityInvalid, Col::Quantity.header())),
            (_, None) => Err(AppError::field(ErrorCode::AmountInvalid, Col::UnitPrice.header())),
            (Some(quantity), Some(unit_price)) => {
                Ok(NewItem { sku: get(&record, Col::Sku), name: get(&record, Col::Product), quantity, unit_price })
            }
        };
        // A further line of the order just before: one more item.
        if let Some(last) = drafts.last_mut().filter(|d| reference.is_some() && d.reference == reference) {
            last.last_line = line;
            match (&mut last.order, item) {
                (Ok((order, _)), Ok(item)) => order.items.push(item),
                (Ok(_), Err(e)) => last.order = Err(e),
                (Err(_), _) => {}
            }
            continue;
        }
        let optional = |s: String| Some(s).filter(|s| !s.is_empty());
        let declared = match optional(get(&record, Col::Total)) {
            None => Ok(None),
            Some(raw) => {
                number(&raw).map(Some).ok_or_else(|| AppError::field(ErrorCode::AmountInvalid, Col::Total.header()))
            }
        };
        let order = item.and_then(|item| {
            let order = NewOrder {
                reference: reference.clone(),
                customer: NewCustomer {
                    name: get(&record, Col::Name),
                    phone: get(&record, Col::Phone),
                    other_phone: optional(get(&record, Col::OtherPhone)),
                    language: optional(get(&record, Col::Language)),
                    email: optional(get(&record, Col::Email)),
                },
                delivery: NewDelivery {
                    wilaya: NumberOrText::Text(get(&record, Col::Wilaya)),
                    commune: optional(get(&record, Col::Commune)).map(NumberOrText::Text),
                    address: get(&record, Col::Address),
                    kind: optional(get(&record, Col::DeliveryType)),
                },
                items: vec![item],
                total: 0,
                priority: optional(get(&record, Col::Priority)),
                source: Some(optional(get(&record, Col::Source)).unwrap_or_else(|| "csv".into())),
            };
            Ok((order, declared?))
        });
        drafts.push(Draft { first_line: line, last_line: line, reference, order });
    }
    if rows == 0 {
        return Err(AppError::new(ErrorCode::CsvEmpty));
    }
    let orders = drafts
        .into_iter()
        .map(|d| CsvOrder {
            first_line: d.first_line,
            last_line: d.last_line,
            reference: d.reference,
            // Without a declared total the items' sum is the total; a declared one is checked
            // against them by intake.
            order: d.order.map(|(mut order, declared)| {
                order.total = declared.unwrap_or_else(|| {
                    order.items.iter().map(|i| i.quantity.saturating_mul(i.unit_price)).fold(0, i64::saturating_add)
                });
                order
            }),
        })
        .collect();
    Ok(CsvFile { rows, orders })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::intake::validate;

    fn codes(file: &CsvFile) -> Vec<Option<ErrorCode>> {
        file.orders.iter().map(|o| o.order.as_ref().err().map(|e| e.code)).collect()
    }

    #[test]
    fn french_excel_exports_with_semicolons_and_a_bom_are_read() {
        let csv = "\u{FEFF}Référence;Nom;Téléphone;Wilaya;Commune;Adresse;Produit;Quantité;Prix\n\
                   A-1;Yacine Benali;0555 12 34 56;16;Bab El Oued;12 rue X;Poussette;1;14500\n\
                   A-1;Yacine Benali;0555 12 34 56;16;Bab El Oued;12 rue X;Biberon;2;900,00\n\
                   A-2;أمينة;+213661000001;31;;;Couches;3;2200\n";
        let file = parse(csv.as_bytes()).unwrap();
        assert_eq!(file.rows, 3);
        assert_eq!(file.orders.len(), 2);
        let first = file.orders[0].order.as_ref().unwrap();
        assert_eq!((file.orders[0].first_line, file.orders[0].last_line), (2, 3));
        assert_eq!(first.items.len(), 2);
        assert_eq!(first.total, 16300);
        assert_eq!(first.source.as_deref(), Some("csv"));
        assert!(validate(first).is_ok());
        assert!(validate(file.orders[1].order.as_ref().unwrap()).is_ok());
    }

    #[test]
    fn a_declared_total_is_kept_for_the_intake_check() {
        let csv = "reference,name,phone,wilaya,product,quantity,unit_price,total\n\
                   B-1,Sara,0770112233,9,Lit,1,11000,12000\n\
                   B-2,Sara,0770112233,9,Lit,1,11000,11000\n";
        let file = parse(csv.as_bytes()).unwrap();
        let wrong = validate(file.orders[0].order.as_ref().unwrap()).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::TotalMismatch);
        assert!(validate(file.orders[1].order.as_ref().unwrap()).is_ok());
        assert_eq!(file.orders[1].order.as_ref().unwrap().source.as_deref(), Some("csv"));
    }

    #[test]
    fn broken_lines_are_reported_not_dropped() {
        let csv = "reference,name,phone,wilaya,product,quantity,unit_price\n\
                   C-1,Ali,0555000001,16,Lit,deux,11000\n\
                   C-2,Ali,0555000002,16,Lit,1,cheap\n\
                   \n\
                   C-3,\"Ali \"\"Bob\"\"\",0555000003,16,Lit,1,100\n\
                   C-4,Ali,0555000004,16,Lit,1\n";
        let file = parse(csv.as_bytes()).unwrap();
        assert_eq!(file.rows, 4);
        assert_eq!(
            codes(&file),
            vec![
                Some(ErrorCode::QuantityInvalid),
                Some(ErrorCode::AmountInvalid),
                None,
                Some(ErrorCode::AmountInvalid)
            ]
        );
        assert_eq!(file.orders[2].order.as_ref().unwrap().customer.name, "Ali \"Bob\"");
        assert_eq!(file.orders.iter().map(|o| o.first_line).collect::<Vec<_>>(), vec![2, 3, 5, 6]);
    }

    #[test]
    fn a_file_that_is_not_an_order_list_is_refused_whole() {
        let missing = parse(b"name,phone,wilaya,product,quantity\nA,0555000001,16,Lit,1\n").unwrap_err();
        assert_eq!((missing.code, missing.field.as_deref()), (ErrorCode::CsvColumnMissing, Some("unit_price")));
        assert_eq!(parse(b"").unwrap_err().code, ErrorCode::CsvColumnMissing);
        assert_eq!(parse(b"name,phone,wilaya,product,quantity,unit_price\n").unwrap_err().code, ErrorCode::CsvEmpty);
    }
}
