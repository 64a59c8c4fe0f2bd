//! A new order as a shop sends it (`POST /api/orders`, a CSV row), validated without I/O into what
//! the database stores. Whether the wilaya and commune exist is the database's answer (`db`).
use serde::{Deserialize, Serialize};

use super::{DeliveryType, OrderItem, Priority};
use crate::customers::phone::PhoneNumber;
use crate::error::{AppError, ErrorCode};
use crate::locale::UiLocale;

pub const MAX_ITEMS: usize = 100;
pub const MAX_QUANTITY: i64 = 10_000;
/// 100 million dinars: far above any real COD order, far below overflow.
pub const MAX_AMOUNT_DZD: i64 = 100_000_000;

/// A number or a text (`16` or `"16"`, a commune id or its name).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum NumberOrText {
    Number(i64),
    Text(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewCustomer {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub other_phone: Option<String>,
    /// `fr`, `ar`, `ar-DZ` (or `dz`).
    #[serde(default)]
    pub language: Option<String>,
    /// For the e-mails of each step, when the shop sends e-mail.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewDelivery {
    pub wilaya: NumberOrText,
    #[serde(default)]
    pub commune: Option<NumberOrText>,
    #[serde(default)]
    pub address: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewItem {
    #[serde(default)]
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
}

/// The body of `POST /api/orders`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOrder {
    /// The shop's own order reference: sending it again returns the same order.
    #[serde(default)]
    pub reference: Option<String>,
    pub customer: NewCustomer,
    pub delivery: NewDelivery,
    pub items: Vec<NewItem>,
    /// In dinars; must equal the sum of the items.
    pub total: i64,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// The commune as given: its id, or its name (French or Arabic) within the wilaya.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum CommuneRef {
    Id(i32),
    Name(String),
}

/// A new order that passed every check that needs no database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidOrder {
    pub reference: Option<String>,
    pub name: String,
    pub phone: PhoneNumber,
    pub other_phone: Option<PhoneNumber>,
    pub locale: Option<UiLocale>,
    /// Lower-cased. Left out of the fingerprint when absent, so orders stored before e-mail
    /// existed replay as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub wilaya: i16,
    pub commune: Option<CommuneRef>,
    pub address: String,
    pub delivery_type: DeliveryType,
    pub items: Vec<OrderItem>,
    pub total: i64,
    pub priority: Priority,
    pub source: String,
    /// Duplicate detection's blocking keys: the cross-script name key (the same name in a
    /// wilaya) and the address skeleton. Derived, so not part of the intake fingerprint.
    #[serde(skip)]
    pub name_key: String,
    #[serde(skip)]
    pub address_key: String,
}

fn text(raw: &str, max_chars: usize, field: &str) -> Result<String, AppError> {
    let clean: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() > max_chars {
        return Err(AppError::field(ErrorCode::TextTooLong, field));
    }
    Ok(clean)
}

/// An e-mail address as a mail server takes it: one `@`, a local part of 1 to 64 characters
/// without spaces, quotes or brackets, and a domain of two or more dot-separated labels of
/// letters, digits and inner hyphens (letters of any script: internationalised domains). At most
/// 254 characters. Lower-cased.
pub fn email_address(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.chars().count() > 254 {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    let local_ok = (1..=64).contains(&local.chars().count())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[],;:\\\"".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.chars().count())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    (local_ok && domain_ok).then_some(email)
}

fn optional(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

pub fn validate(input: &NewOrder) -> Result<ValidOrder, AppError> {
    let reference = optional(input.reference.as_deref()).map(|r| text(r, 100, "reference")).transpose()?;
    let name = text(&input.customer.name, 120, "customer.name")?;
    if name.is_empty() {
        return Err(AppError::field(ErrorCode::NameRequired, "customer.name"));
    }
    let phone = PhoneNumber::parse(&input.customer.phone).map_err(|e| AppError::field(e.code, "customer.phone"))?;
    let other_phone = optional(input.customer.other_phone.as_deref())
        .map(|p| PhoneNumber::parse(p).map_err(|e| AppError::field(e.code, "customer.otherPhone")))
        .transpose()?
        .filter(|p| *p != phone);
    let locale = optional(input.customer.language.as_deref())
        .map(|l| UiLocale::parse(l).map_err(|_| AppError::field(ErrorCode::LocaleUnknown, "customer.language")))
        .transpose()?;
    let email = optional(input.customer.email.as_deref())
        .map(|e| email_address(e).ok_or_else(|| AppError::field(ErrorCode::EmailInvalid, "customer.email")))
        .transpose()?;
    let wilaya = match &input.delivery.wilaya {
        NumberOrText::Number(n) => Some(*n),
        NumberOrText::Text(t) => t.trim().parse::<i64>().ok(),
    }
    .filter(|n| (1..=69).contains(n))
    .ok_or_else(|| AppError::field(ErrorCode::WilayaUnknown, "delivery.wilaya"))? as i16;
    let commune = match &input.delivery.commune {
        None => None,
        Some(NumberOrText::Number(n)) => Some(CommuneRef::Id(
            i32::try_from(*n).map_err(|_| AppError::field(ErrorCode::CommuneUnknown, "delivery.commune"))?,
        )),
        Some(NumberOrText::Text(t)) if t.trim().is_empty() => None,
        Some(NumberOrText::Text(t)) => match t.trim().parse::<i32>() {
            Ok(id) => Some(CommuneRef::Id(id)),
            Err(_) => Some(CommuneRef::Name(text(t, 100, "delivery.commune")?)),
        },
    };
    let address = text(&input.delivery.address, 300, "delivery.address")?;
    let delivery_type =
        optional(input.delivery.kind.as_deref()).map(DeliveryType::parse).transpose()?.unwrap_or(DeliveryType::Home);
    if input.items.is_empty() {
        return Err(AppError::field(ErrorCode::ItemsRequired, "items"));
    }
    if input.items.len() > MAX_ITEMS {
        return Err(AppError::field(ErrorCode::TooManyItems, "items"));
    }
    let mut items = Vec::with_capacity(input.items.len());
    let mut sum: i64 = 0;
    for (i, item) in input.items.iter().enumerate() {
        let field = |name: &str| format!("items[{i}].{name}");
        let name = text(&item.name, 200, &field("name"))?;
        if name.is_empty() {
            return Err(AppError::field(ErrorCode::NameRequired, &field("name")));
        }
        let sku = text(&item.sku, 64, &field("sku"))?;
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(AppError::field(ErrorCode::QuantityInvalid, &field("quantity")));
        }
        if !(0..=MAX_AMOUNT_DZD).contains(&item.unit_price) {
            return Err(AppError::field(ErrorCode::AmountInvalid, &field("unitPrice")));
        }
        sum += item.quantity * item.unit_price;
        items.push(OrderItem { sku, name, quantity: item.quantity as i32, unit_price: item.unit_price });
    }
    if !(0..=MAX_AMOUNT_DZD).contains(&input.total) {
        return Err(AppError::field(ErrorCode::AmountInvalid, "total"));
    }
    if sum != input.total {
        return Err(AppError::field(ErrorCode::TotalMismatch, "total"));
    }
    let priority = optional(input.priority.as_deref()).map(Priority::parse).transpose()?.unwrap_or(Priority::Normal);
    let source =
        optional(input.source.as_deref()).map(|s| text(s, 40, "source")).transpose()?.unwrap_or_else(|| "api".into());
    let (name_key, address_key) = (crate::duplicates::name_key(&name), dedup::skeleton(&address));
    Ok(ValidOrder {
        reference,
        name,
        phone,
        other_phone,
        locale,
        email,
        wilaya,
        commune,
        address,
        delivery_type,
        items,
        total: input.total,
        priority,
        source,
        name_key,
        address_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> serde_json::Value {
        serde_json::json!({
            "reference": "SHOP-1",
            "customer": {"name": "  Yacine   Benali ", "phone": "٠٥٥٥ ١٢ ٣٤ ٥٦", "otherPhone": null, "language": "dz",
                         "email": null},
            "delivery": {"wilaya": "16", "commune": "Bab El Oued", "address": "Rue 1", "type": "stop_desk"},
            "items": [{"sku": "BB-1", "name": "Poussette", "quantity": 2, "unitPrice": 4500},
                      {"name": "Biberon", "quantity": 1, "unitPrice": 900}],
            "total": 9900, "priority": null
        })
    }

    fn check(value: serde_json::Value) -> Result<ValidOrder, AppError> {
        validate(&serde_json::from_value(value).expect("the body parses"))
    }

    fn error(value: serde_json::Value) -> (ErrorCode, String) {
        let e = check(value).unwrap_err();
        (e.code, e.field.unwrap_or_default())
    }

    #[test]
    fn a_good_order_is_cleaned() {
        let order = check(body()).unwrap();
        assert_eq!(order.name, "Yacine Benali");
        assert_eq!(order.phone.e164(), "+213555123456");
        assert_eq!(order.locale, Some(UiLocale::ArDz));
        assert_eq!(order.wilaya, 16);
        assert_eq!(order.commune, Some(CommuneRef::Name("Bab El Oued".into())));
        assert_eq!(order.delivery_type, DeliveryType::StopDesk);
        assert_eq!(order.priority, Priority::Normal);
        assert_eq!(order.source, "api");
        assert_eq!(order.items.len(), 2);
    }

    #[test]
    fn an_email_is_lower_cased_or_refused() {
        let good = [
            ("  Lina.Benali@Gmail.COM ", "lina.benali@gmail.com"),
            ("a+tag@sub.domain.dz", "a+tag@sub.domain.dz"),
            ("ilyes_88@hotmail.fr", "ilyes_88@hotmail.fr"),
            ("user@xn--ngbrx.dz", "user@xn--ngbrx.dz"),
            ("محمد@مثال.الجزائر", "محمد@مثال.الجزائر"),
        ];
        for (raw, clean) in good {
            assert_eq!(email_address(raw).as_deref(), Some(clean), "{raw}");
        }
        let bad = [
            "lina",
            "lina@",
            "@gmail.com",
            "lina@gmail",
            "lina@gmail.",
            "lina@.com",
            "lina@gmail..com",
            "li na@gmail.com",
            "lina@gm ail.com",
            "<lina@gmail.com>",
            "lina@-gmail.com",
            "lina@gmail.c",
            ".lina@gmail.com",
            "li..na@gmail.com",
            "lina@127.0.0.1",
            "lina@@gmail.com",
        ];
        for raw in bad {
            assert_eq!(email_address(raw), None, "{raw}");
        }
        assert_eq!(email_address(&format!("{}@gmail.com", "a".repeat(65))), None);
        let mut b = body();
        b["customer"]["email"] = serde_json::json!("Lina@Gmail.com");
        assert_eq!(check(b).unwrap().email.as_deref(), Some("lina@gmail.com"));
        let mut b = body();
        b["customer"]["email"] = serde_json::json!("  ");
        assert_eq!(check(b).unwrap().email, None);
    }

    #[test]
    fn numbers_or_texts_are_accepted_for_places() {
        let mut b = body();
        b["delivery"]["wilaya"] = serde_json::json!(31);
        b["delivery"]["commune"] = serde_json::json!("31001");
        let order = check(b).unwrap();
        assert_eq!((order.wilaya, order.commune), (31, Some(CommuneRef::Id(31001))));
    }

    #[test]
    fn every_bad_field_is_named() {
        let cases: Vec<(&str, serde_json::Value, ErrorCode, &str)> = vec![
            ("/customer/phone", "0123".into(), ErrorCode::PhoneInvalid, "customer.phone"),
            ("/customer/otherPhone", "abc".into(), ErrorCode::PhoneInvalid, "customer.otherPhone"),
            ("/customer/email", "lina@".into(), ErrorCode::EmailInvalid, "customer.email"),
            ("/customer/name", " ".into(), ErrorCode::NameRequired, "customer.name"),
            ("/customer/language", "en".into(), ErrorCode::LocaleUnknown, "customer.language"),
            ("/delivery/wilaya", 70.into(), ErrorCode::WilayaUnknown, "delivery.wilaya"),
            ("/delivery/wilaya", "Alger".into(), ErrorCode::WilayaUnknown, "delivery.wilaya"),
            ("/delivery/type", "drone".into(), ErrorCode::DeliveryTypeUnknown, "delivery.type"),
            ("/items", serde_json::json!([]), ErrorCode::ItemsRequired, "items"),
            ("/items/0/quantity", (-1).into(), ErrorCode::QuantityInvalid, "items[0].quantity"),
            ("/items/1/quantity", 0.into(), ErrorCode::QuantityInvalid, "items[1].quantity"),
            ("/items/1/unitPrice", (-5).into(), ErrorCode::AmountInvalid, "items[1].unitPrice"),
            ("/items/1/name", "".into(), ErrorCode::NameRequired, "items[1].name"),
            ("/total", 9000.into(), ErrorCode::TotalMismatch, "total"),
            ("/priority", "asap".into(), ErrorCode::PriorityUnknown, "priority"),
            ("/reference", "x".repeat(101).into(), ErrorCode::TextTooLong, "reference"),
        ];
        for (pointer, value, code, field) in cases {
            let mut b = body();
            *b.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} exists")) = value;
            assert_eq!(error(b), (code, field.to_string()), "{pointer}");
        }
    }

    #[test]
    fn the_same_second_phone_is_dropped() {
        let mut b = body();
        b["customer"]["otherPhone"] = "+213 555 12 34 56".into();
        assert_eq!(check(b).unwrap().other_phone, None);
    }
}
