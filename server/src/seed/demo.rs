//! Deterministic demo orders for `make run`, tests and benches: Algerian customers with Arabic- and
//! Latin-script names, every wilaya, real phone shapes (written every way shops receive them), a
//! baby shop's catalogue, and some real-looking duplicates (a double submission, the same person
//! in the other script, a retyped phone). The same seed always gives the same orders.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use app::orders::intake::{NewCustomer, NewDelivery, NewItem, NewOrder, NumberOrText};

/// A person's name in Latin and Arabic script (the same person, transliterated).
const FIRST_NAMES: [(&str, &str); 32] = [
    ("Yacine", "ياسين"),
    ("Amina", "أمينة"),
    ("Karim", "كريم"),
    ("Fatima", "فاطمة"),
    ("Sofiane", "سفيان"),
    ("Nour El Houda", "نور الهدى"),
    ("Mohamed", "محمد"),
    ("Khadidja", "خديجة"),
    ("Abdelkader", "عبد القادر"),
    ("Meriem", "مريم"),
    ("Bilal", "بلال"),
    ("Imene", "إيمان"),
    ("Walid", "وليد"),
    ("Sara", "سارة"),
    ("Hamza", "حمزة"),
    ("Lina", "لينا"),
    ("Rachid", "رشيد"),
    ("Asma", "أسماء"),
    ("Mourad", "مراد"),
    ("Houria", "حورية"),
    ("Nassim", "نسيم"),
    ("Samira", "سميرة"),
    ("Redouane", "رضوان"),
    ("Wafa", "وفاء"),
    ("Islam", "إسلام"),
    ("Chahinez", "شهيناز"),
    ("Amine", "أمين"),
    ("Yasmine", "ياسمين"),
    ("Djamel", "جمال"),
    ("Hanane", "حنان"),
    ("Ayoub", "أيوب"),
    ("Rania", "رانيا"),
];

const LAST_NAMES: [(&str, &str); 28] = [
    ("Benali", "بن علي"),
    ("Belkacem", "بلقاسم"),
    ("Haddad", "حداد"),
    ("Merabet", "مرابط"),
    ("Meziane", "مزيان"),
    ("Bouzid", "بوزيد"),
    ("Cherif", "شريف"),
    ("Saidi", "سعيدي"),
    ("Boudiaf", "بوضياف"),
    ("Khelifi", "خليفي"),
    ("Mansouri", "منصوري"),
    ("Hamidi", "حميدي"),
    ("Zerrouki", "زروقي"),
    ("Benaissa", "بن عيسى"),
    ("Kaci", "قاسي"),
    ("Djebbar", "جبار"),
    ("Ould Ali", "ولد علي"),
    ("Boukhari", "بوخاري"),
    ("Slimani", "سليماني"),
    ("Rahmani", "رحماني"),
    ("Touati", "تواتي"),
    ("Guerroudj", "قروج"),
    ("Larbi", "العربي"),
    ("Amrani", "عمراني"),
    ("Bensalah", "بن صالح"),
    ("Ferhat", "فرحات"),
    ("Yahiaoui", "يحياوي"),
    ("Chaouch", "شاوش"),
];

/// A baby shop's catalogue: sku, name, price in dinars.
pub const PRODUCTS: [(&str, &str, i64); 14] = [
    ("POU-TRIO", "Poussette trio", 24_500),
    ("POU-CANNE", "Poussette canne", 9_800),
    ("BIB-AC260", "Biberon anti-colique 260 ml", 950),
    ("COU-T3-52", "Couches taille 3 (52)", 2_200),
    ("COU-T4-46", "Couches taille 4 (46)", 2_350),
    ("LAIT-1AGE", "Lait 1er âge 800 g", 1_850),
    ("BODY-3X", "Bodies coton (lot de 3)", 1_500),
    ("PORTE-ERGO", "Porte-bébé ergonomique", 4_800),
    ("TIRE-LAIT", "Tire-lait électrique", 8_900),
    ("LIT-PARA", "Lit parapluie", 11_000),
    ("SIEGE-0-1", "Siège auto groupe 0+/1", 16_500),
    ("CHAUF-BIB", "Chauffe-biberon", 3_200),
    ("GIGO-6-18", "Gigoteuse 6–18 mois", 2_600),
    ("TAPIS-EV", "Tapis d'éveil", 3_900),
];

/// Wilayas weighted by population: the big cities order most.
const BIG_WILAYAS: [i16; 8] = [16, 31, 25, 9, 19, 6, 15, 5];

/// One generated order, and what the generator knows about it (for labelled evaluation).
#[derive(Clone, Debug)]
pub struct DemoOrder {
    pub order: NewOrder,
    /// Index of the person (same index = same person, whatever the spelling).
    pub person: usize,
    /// The index of the earlier order this one duplicates, if it is a duplicate.
    pub duplicate_of: Option<usize>,
}

struct Person {
    first: usize,
    last: usize,
    arabic: bool,
    national: String,
    wilaya: i16,
    commune: Option<i32>,
    address: String,
    language: &'static str,
}

/// Writes a national number (`0555123456`) the way a shop form may receive it.
pub fn spell_phone(national: &str, style: u32) -> String {
    let nsn = &national[1..];
    match style % 6 {
        0 => national.to_string(),
        1 => format!("{} {} {} {}", &national[..4], &national[4..6], &national[6..8], &national[8..]),
        2 => format!("+213{nsn}"),
        3 => format!("00213 {nsn}"),
        4 => nsn.to_string(),
        _ => national.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect(),
    }
}

/// The demo stream: `count` orders from `seed`. `communes` lists real `(wilaya, commune id)` pairs
/// to deliver to (empty: wilaya only).
pub fn generate(seed: u64, count: usize, communes: &[(i16, i32)]) -> Vec<DemoOrder> {
    let mut rng = StdRng::seed_from_u64(seed);
    let people_count = (count * 2 / 3).max(1);
    let mut people: Vec<Person> = Vec::with_capacity(people_count);
    let mut out: Vec<DemoOrder> = Vec::with_capacity(count);
    for i in 0..count {
        // A few orders are duplicates of a recent one; the rest come from a returning person or a new one.
        if i > 0 && rng.gen_bool(0.06) {
            let original = rng.gen_range(i.saturating_sub(50)..i);
            let mut order = out[original].order.clone();
            let person = out[original].person;
            let p = &people[person];
            order.reference = Some(format!("DEMO-{seed}-{i}"));
            match rng.gen_range(0..3) {
                // Double submission: same everything, phone maybe spelt differently.
                0 => order.customer.phone = spell_phone(&p.national, rng.gen()),
                // The same person typed in the other script.
                1 => order.customer.name = person_name(p, !p.arabic),
                // A retyped phone with one digit wrong.
                _ => order.customer.phone = typo(&p.national, &mut rng),
            }
            out.push(DemoOrder { order, person, duplicate_of: Some(original) });
            continue;
        }
        let person = if !people.is_empty() && rng.gen_bool(0.3) {
            rng.gen_range(0..people.len())
        } else {
            people.push(new_person(&mut rng, people.len(), communes));
            people.len() - 1
        };
        let p = &people[person];
        let lines = if rng.gen_bool(0.7) { 1 } else { rng.gen_range(2..=3) };
        let mut items = Vec::with_capacity(lines);
        for _ in 0..lines {
            let (sku, name, price) = PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            if items.iter().any(|it: &NewItem| it.sku == sku) {
                continue;
            }
            let quantity = if price < 3_000 { rng.gen_range(1..=3) } else { 1 };
            items.push(NewItem { sku: sku.into(), name: name.into(), quantity, unit_price: price });
        }
        let total = items.iter().map(|it| it.quantity * it.unit_price).sum();
        let priority = match rng.gen_range(0..100) {
            0..=2 => "urgent",
            3..=12 => "high",
            13..=17 => "low",
            _ => "normal",
        };
        let order = NewOrder {
            reference: Some(format!("DEMO-{seed}-{i}")),
            customer: NewCustomer {
                name: person_name(p, p.arabic),
                phone: spell_phone(&p.national, rng.gen()),
                other_phone: None,
                language: Some(p.language.to_string()),
                email: demo_email(p),
            },
            delivery: NewDelivery {
                wilaya: NumberOrText::Number(p.wilaya.into()),
                commune: p.commune.map(|c| NumberOrText::Number(c.into())),
                address: p.address.clone(),
                kind: Some(if rng.gen_bool(0.35) { "stop_desk" } else { "home" }.into()),
            },
            items,
            total,
            priority: Some(priority.into()),
            source: Some(if rng.gen_bool(0.6) { "shop" } else { "facebook" }.into()),
        };
        out.push(DemoOrder { order, person, duplicate_of: None });
    }
    out
}

fn person_name(p: &Person, arabic: bool) -> String {
    if arabic {
        format!("{} {}", FIRST_NAMES[p.first].1, LAST_NAMES[p.last].1)
    } else {
        format!("{} {}", FIRST_NAMES[p.first].0, LAST_NAMES[p.last].0)
    }
}

/// About three people in ten gave the shop an e-mail address (derived from the person, so the
/// demo stays the same for a seed).
fn demo_email(p: &Person) -> Option<String> {
    let last_digit = p.national.bytes().last()? - b'0';
    if ![0, 3, 7].contains(&last_digit) {
        return None;
    }
    let ascii = |s: &str| s.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    let domain = ["gmail.com", "hotmail.fr", "yahoo.fr"][usize::from(last_digit) % 3];
    Some(format!("{}.{}{}@{domain}", ascii(FIRST_NAMES[p.first].0), ascii(LAST_NAMES[p.last].0), &p.national[8..]))
}

fn new_person(rng: &mut StdRng, index: usize, communes: &[(i16, i32)]) -> Person {
    let wilaya =
        if rng.gen_bool(0.5) { BIG_WILAYAS[rng.gen_range(0..BIG_WILAYAS.len())] } else { rng.gen_range(1..=69) };
    let in_wilaya: Vec<i32> = communes.iter().filter(|(w, _)| *w == wilaya).map(|(_, c)| *c).collect();
    let commune = (!in_wilaya.is_empty()).then(|| in_wilaya[rng.gen_range(0..in_wilaya.len())]);
    // allocated blocks of the three operators (Ooredoo 540–542, 549–564; Mobilis 6xx; Djezzy 77x–79x)
    let prefix = ["555", "550", "560", "541", "661", "671", "699", "770", "779", "796"][rng.gen_range(0..10)];
    // Distinct people get distinct numbers: the index is folded into the last digits.
    let national = format!("0{prefix}{:06}", (index as u64 * 7_919 + rng.gen_range(0..7_919)) % 1_000_000);
    let arabic = rng.gen_bool(0.45);
    let language = match rng.gen_range(0..10) {
        0..=4 => "ar-DZ",
        5..=7 => "fr",
        _ => "ar",
    };
    let street = [
        "Rue Didouche Mourad",
        "Cité 1000 logements",
        "Boulevard de l'ALN",
        "Rue Larbi Ben M'hidi",
        "Cité El Badr",
        "Route nationale 5",
        "Quartier El Nasr",
        "Lotissement 20 Août",
    ][rng.gen_range(0..8)];
    Person {
        first: rng.gen_range(0..FIRST_NAMES.len()),
        last: rng.gen_range(0..LAST_NAMES.len()),
        arabic,
        national,
        wilaya,
        commune,
        address: format!("{} {street}", rng.gen_range(1..200)),
        language,
    }
}

fn typo(national: &str, rng: &mut StdRng) -> String {
    let mut digits: Vec<u8> = national.bytes().collect();
    // Never the operator's block (`0555`, `0661`…): a typo there makes an unallocated number.
    let at = rng.gen_range(4..digits.len());
    digits[at] = b'0' + (digits[at] - b'0' + rng.gen_range(1..=9)) % 10;
    String::from_utf8(digits).unwrap_or_else(|_| national.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::orders::intake::validate;

    #[test]
    fn the_same_seed_gives_the_same_orders() {
        let a = generate(7, 200, &[]);
        let b = generate(7, 200, &[]);
        let key = |o: &DemoOrder| (o.order.customer.name.clone(), o.order.customer.phone.clone(), o.order.total);
        assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());
        assert_ne!(key(&generate(8, 1, &[])[0]), key(&a[0]));
    }

    #[test]
    fn every_generated_order_passes_intake() {
        let orders = generate(42, 2_000, &[]);
        let mut wilayas = std::collections::HashSet::new();
        for o in &orders {
            let valid = validate(&o.order).unwrap_or_else(|e| panic!("{e:?} for {:?}", o.order));
            wilayas.insert(valid.wilaya);
        }
        assert_eq!(wilayas.len(), 69, "every wilaya appears");
        let duplicates = orders.iter().filter(|o| o.duplicate_of.is_some()).count();
        assert!((60..=180).contains(&duplicates), "{duplicates} duplicates");
    }

    #[test]
    fn phones_are_spelt_every_way() {
        let spellings: Vec<String> = (0..6).map(|s| spell_phone("0555123456", s)).collect();
        assert_eq!(spellings[1], "0555 12 34 56");
        assert_eq!(spellings[5], "٠٥٥٥١٢٣٤٥٦");
        for s in spellings {
            assert_eq!(app::customers::phone::PhoneNumber::parse(&s).unwrap().e164(), "+213555123456");
        }
    }
}
