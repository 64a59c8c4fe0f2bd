//! Labelled pairs of orders with the duplicates that really happen (and the look-alikes that
//! are not duplicates), deterministic from a seed; used to fit and check the model.
//!
//! Owns the synthetic reference data (Algerian first and family names in Latin spellings and
//! Arabic script, places with wilaya codes and synthetic commune ids, a baby-shop catalogue), a
//! tiny splitmix64 generator and [`cases`]. About 35 % of pairs are duplicates.

use serde::{Deserialize, Serialize};

use crate::score::OrderFacts;

/// splitmix64: deterministic data without a rand dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Log-uniform number of seconds between `lo` and `hi` seconds.
    fn log_seconds(&mut self, lo: f64, hi: f64) -> i64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp().round() as i64
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// First names: Latin spellings (variants of one name) and the Arabic spelling.
const FIRST: [(&[&str], &str); 44] = [
    (&["Mohamed", "Mohammed", "Mouhamed"], "محمد"),
    (&["Yacine", "Yassine"], "ياسين"),
    (&["Abdelkader", "Abd El Kader", "Abdelkadir"], "عبد القادر"),
    (&["Amine", "Amin"], "أمين"),
    (&["Fatima Zohra", "Fatma Zohra", "Fatima Zahra"], "فاطمة الزهراء"),
    (&["Fatima", "Fatma"], "فاطمة"),
    (&["Karim"], "كريم"),
    (&["Sofiane", "Soufiane"], "سفيان"),
    (&["Nour El Houda", "Nour-El-Houda"], "نور الهدى"),
    (&["Amina"], "أمينة"),
    (&["Khadidja", "Khadija"], "خديجة"),
    (&["Aicha", "Aïcha"], "عائشة"),
    (&["Meriem", "Maryam"], "مريم"),
    (&["Sara"], "سارة"),
    (&["Imane", "Imene"], "إيمان"),
    (&["Yasmine"], "ياسمين"),
    (&["Samira"], "سميرة"),
    (&["Nadia"], "نادية"),
    (&["Houria"], "حورية"),
    (&["Rachid"], "رشيد"),
    (&["Hocine", "Houcine"], "حسين"),
    (&["Ali"], "علي"),
    (&["Omar"], "عمر"),
    (&["Bilal"], "بلال"),
    (&["Riad", "Riyad"], "رياض"),
    (&["Walid"], "وليد"),
    (&["Nassim"], "نسيم"),
    (&["Mourad"], "مراد"),
    (&["Djamel", "Jamel"], "جمال"),
    (&["Farid"], "فريد"),
    (&["Said", "Saïd"], "سعيد"),
    (&["Ahmed"], "أحمد"),
    (&["Youcef", "Youssef"], "يوسف"),
    (&["Ilyes", "Ilyas"], "إلياس"),
    (&["Anis"], "أنيس"),
    (&["Siham", "Sihem"], "سهام"),
    (&["Wahiba", "Ouahiba"], "وهيبة"),
    (&["Abderrahmane", "Abderahmane"], "عبد الرحمن"),
    (&["Khaled", "Khalid"], "خالد"),
    (&["Hamza"], "حمزة"),
    (&["Zineb", "Zeyneb"], "زينب"),
    (&["Chaima", "Chaïma"], "شيماء"),
    (&["Redouane", "Ridouane"], "رضوان"),
    (&["Lamia"], "لمياء"),
];

/// Family names: Latin spellings and the Arabic spelling.
const FAMILY: [(&[&str], &str); 40] = [
    (&["Benali", "Ben Ali"], "بن علي"),
    (&["Saidi", "Saïdi"], "سعيدي"),
    (&["Merabet"], "مرابط"),
    (&["Haddad"], "حداد"),
    (&["Meziane"], "مزيان"),
    (&["Bouzid", "Bou Zid"], "بوزيد"),
    (&["Belkacem"], "بلقاسم"),
    (&["Boudiaf"], "بوضياف"),
    (&["Mansouri"], "منصوري"),
    (&["Brahimi"], "براهيمي"),
    (&["Cherif", "Chérif"], "شريف"),
    (&["Kaci"], "قاسي"),
    (&["Zerrouki"], "زروقي"),
    (&["Benamara", "Ben Amara"], "بن عمارة"),
    (&["Bensalem", "Ben Salem"], "بن سالم"),
    (&["Bouaziz"], "بوعزيز"),
    (&["Khelifi"], "خليفي"),
    (&["Toumi"], "تومي"),
    (&["Slimani"], "سليماني"),
    (&["Djebbar"], "جبار"),
    (&["Rahmani"], "رحماني"),
    (&["Amrani"], "عمراني"),
    (&["Belaid", "Belaïd"], "بلعيد"),
    (&["Ferhat"], "فرحات"),
    (&["Messaoudi"], "مسعودي"),
    (&["Mokrani"], "مقراني"),
    (&["Taleb"], "طالب"),
    (&["Hadjadj"], "حجاج"),
    (&["Benyoucef", "Ben Youcef"], "بن يوسف"),
    (&["Lounis"], "لونيس"),
    (&["Yahiaoui"], "يحياوي"),
    (&["Boukhalfa"], "بوخالفة"),
    (&["Ziani"], "زياني"),
    (&["Ghezal"], "غزال"),
    (&["Chaouch"], "شاوش"),
    (&["Bouras"], "بوراس"),
    (&["Bouchareb"], "بوشارب"),
    (&["Kadri"], "قادري"),
    (&["Guendouz"], "قندوز"),
    (&["Benmoussa", "Ben Moussa"], "بن موسى"),
];

/// Places: Latin name, Arabic name, wilaya code, synthetic commune id.
const PLACES: [(&str, &str, u16, i32); 27] = [
    ("Bab Ezzouar", "باب الزوار", 16, 1620),
    ("El Harrach", "الحراش", 16, 1607),
    ("Hussein Dey", "حسين داي", 16, 1614),
    ("Kouba", "القبة", 16, 1615),
    ("Bir Mourad Raïs", "بئر مراد رايس", 16, 1605),
    ("Chéraga", "الشراقة", 16, 1634),
    ("Dély Ibrahim", "دالي إبراهيم", 16, 1636),
    ("Rouiba", "الرويبة", 16, 1642),
    ("Bab El Oued", "باب الوادي", 16, 1610),
    ("Es Senia", "السانية", 31, 3111),
    ("Bir El Djir", "بئر الجير", 31, 3103),
    ("Arzew", "أرزيو", 31, 3107),
    ("Ali Mendjeli", "علي منجلي", 25, 2512),
    ("El Khroub", "الخروب", 25, 2506),
    ("Boufarik", "بوفاريك", 9, 920),
    ("Ouled Yaïch", "أولاد يعيش", 9, 913),
    ("El Eulma", "العلمة", 19, 1920),
    ("Aïn Arnat", "عين أرنات", 19, 1903),
    ("Tizi Ouzou", "تيزي وزو", 15, 1501),
    ("Béjaïa", "بجاية", 6, 601),
    ("Annaba", "عنابة", 23, 2301),
    ("Tlemcen", "تلمسان", 13, 1301),
    ("Batna", "باتنة", 5, 501),
    ("Ouargla", "ورقلة", 30, 3001),
    ("Chlef", "الشلف", 2, 201),
    ("Mostaganem", "مستغانم", 27, 2701),
    ("Bordj Bou Arréridj", "برج بوعريريج", 34, 3401),
];

/// Street names: Latin, Arabic.
const STREETS: [(&str, &str); 7] = [
    ("Larbi Ben M'hidi", "العربي بن مهيدي"),
    ("Didouche Mourad", "ديدوش مراد"),
    ("Hassiba Ben Bouali", "حسيبة بن بوعلي"),
    ("Emir Abdelkader", "الأمير عبد القادر"),
    ("Ahmed Zabana", "أحمد زبانة"),
    ("Amirouche", "عميروش"),
    ("Mohamed Belouizdad", "محمد بلوزداد"),
];

/// Baby-shop catalogue: sku, price (DZD), popularity weight.
const CATALOGUE: [(&str, i64, u32); 22] = [
    ("COUCHE-T3", 2_400, 12),
    ("COUCHE-T4", 2_600, 10),
    ("BIB-250", 1_200, 9),
    ("BIB-150", 950, 5),
    ("LINGETTES", 450, 9),
    ("TETINE-X2", 600, 6),
    ("LAIT-1AGE", 1_900, 7),
    ("BODY-3M", 1_800, 4),
    ("PYJAMA-6M", 2_200, 3),
    ("POUSSETTE", 24_000, 2),
    ("SIEGE-AUTO", 18_500, 2),
    ("LIT-PARAPLUIE", 14_500, 1),
    ("BAIGNOIRE", 3_500, 3),
    ("THERMO-BAIN", 900, 2),
    ("SAC-LANGER", 5_500, 2),
    ("PORTE-BEBE", 7_800, 2),
    ("MOUCHE-BEBE", 800, 3),
    ("BAVOIRS-X3", 750, 3),
    ("DOUDOU", 1_500, 3),
    ("TAPIS-EVEIL", 6_500, 2),
    ("CHAUFFE-BIB", 4_200, 2),
    ("STERILISATEUR", 8_900, 2),
];

/// What kind of pair a [`Case`] is. serde: snake_case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Duplicate: the same order sent twice, seconds to minutes apart (sometimes with a
    /// quantity corrected or one product replaced: the second order replaces the first).
    DoubleSubmission,
    /// Duplicate: the same person and products again after no answer, hours to 2 days later.
    ReorderAfterNoAnswer,
    /// Duplicate: resubmitted with one digit wrong or two digits swapped.
    PhoneTypo,
    /// Duplicate: resubmitted with the name a letter off or spelled another way.
    NameTypo,
    /// Duplicate: name and address written in the other script.
    ScriptSwap,
    /// Duplicate: other script and a phone typo.
    ScriptSwapPhoneTypo,
    /// Not a duplicate: same home, another person, another phone.
    Household,
    /// Not a duplicate: the same customer's honest second purchase.
    RepeatBuyer,
    /// Not a duplicate: a common name, another person in the same wilaya.
    SameNameOtherPerson,
    /// Not a duplicate: two unrelated orders from the same wilaya.
    Unrelated,
}

impl CaseKind {
    /// All kinds, duplicates first.
    pub const ALL: [CaseKind; 10] = [
        CaseKind::DoubleSubmission,
        CaseKind::ReorderAfterNoAnswer,
        CaseKind::PhoneTypo,
        CaseKind::NameTypo,
        CaseKind::ScriptSwap,
        CaseKind::ScriptSwapPhoneTypo,
        CaseKind::Household,
        CaseKind::RepeatBuyer,
        CaseKind::SameNameOtherPerson,
        CaseKind::Unrelated,
    ];

    /// Whether pairs of this kind are the same order (the label).
    pub fn is_duplicate(self) -> bool {
        matches!(
            self,
            CaseKind::DoubleSubmission
                | CaseKind::ReorderAfterNoAnswer
                | CaseKind::PhoneTypo
                | CaseKind::NameTypo
                | CaseKind::ScriptSwap
                | CaseKind::ScriptSwapPhoneTypo
        )
    }

    /// Share of generated cases, in percent (sums to 100; duplicates 35).
    fn percent(self) -> u64 {
        match self {
            CaseKind::DoubleSubmission => 12,
            CaseKind::ReorderAfterNoAnswer => 7,
            CaseKind::PhoneTypo => 5,
            CaseKind::NameTypo => 4,
            CaseKind::ScriptSwap => 4,
            CaseKind::ScriptSwapPhoneTypo => 3,
            CaseKind::Household => 14,
            CaseKind::RepeatBuyer => 18,
            CaseKind::SameNameOtherPerson => 13,
            CaseKind::Unrelated => 20,
        }
    }
}

/// A labelled pair of orders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// The earlier order.
    pub a: OrderFacts,
    /// The later order.
    pub b: OrderFacts,
    /// How the pair was made.
    pub kind: CaseKind,
    /// The label: the same order (true) or not.
    pub duplicate: bool,
}

/// Script a name or address is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Arabic,
}

impl Script {
    fn other(self) -> Script {
        match self {
            Script::Latin => Script::Arabic,
            Script::Arabic => Script::Latin,
        }
    }
}

/// A home: place and the parts of its address.
#[derive(Clone, Debug)]
struct Home {
    place: usize,
    /// Housing estate (cité) or street form.
    street: Option<usize>,
    number: u32,
    building: u32,
    flat: u32,
}

#[derive(Clone, Debug)]
struct Person {
    first: usize,
    family: usize,
    phone: String,
    customer_id: i64,
    home: Home,
    script: Script,
}

struct Gen {
    rng: Rng,
    next_order: i64,
    next_customer: i64,
    t0: i64,
}

impl Gen {
    fn phone(&mut self) -> String {
        let op = *self.rng.pick(&['5', '6', '7']);
        let mut s = String::from("+213");
        s.push(op);
        for _ in 0..8 {
            s.push(char::from(b'0' + self.rng.below(10) as u8));
        }
        s
    }

    fn customer(&mut self) -> i64 {
        self.next_customer += 1;
        self.next_customer
    }

    fn home_in(&mut self, place: usize) -> Home {
        Home {
            place,
            street: if self.rng.chance(0.4) { Some(self.rng.below(STREETS.len())) } else { None },
            number: *self.rng.pick(&[150, 200, 300, 500, 600, 720, 1000, 1200, 2000]),
            building: self.rng.range(1, 40) as u32,
            flat: self.rng.range(1, 30) as u32,
        }
    }

    fn script(&mut self) -> Script {
        if self.rng.chance(0.68) {
            Script::Latin
        } else {
            Script::Arabic
        }
    }

    fn person(&mut self, first: usize, family: usize, place: usize) -> Person {
        let phone = self.phone();
        let customer_id = self.customer();
        let home = self.home_in(place);
        let script = self.script();
        Person { first, family, phone, customer_id, home, script }
    }

    fn random_person(&mut self) -> Person {
        let (f, g, p) = (self.rng.below(FIRST.len()), self.rng.below(FAMILY.len()), self.rng.below(PLACES.len()));
        self.person(f, g, p)
    }

    /// A name as typed: variant, order, case.
    fn name(&mut self, p: &Person, script: Script) -> String {
        let (first_latin, first_arabic) = FIRST[p.first];
        let (family_latin, family_arabic) = FAMILY[p.family];
        let family_first = self.rng.chance(0.25);
        let (first, family) = match script {
            Script::Latin => {
                let first = self.rng.pick(first_latin).to_string();
                let family = self.rng.pick(family_latin).to_string();
                if self.rng.chance(0.2) {
                    (first, family.to_uppercase())
                } else if self.rng.chance(0.1) {
                    (first.to_lowercase(), family.to_lowercase())
                } else {
                    (first, family)
                }
            }
            Script::Arabic => (first_arabic.to_string(), family_arabic.to_string()),
        };
        if family_first {
            format!("{family} {first}")
        } else {
            format!("{first} {family}")
        }
    }

    /// An address as typed, with the usual variation in abbreviations and digits.
    fn address(&mut self, h: &Home, script: Script) -> String {
        let (place_latin, place_arabic, _, _) = PLACES[h.place];
        let with_flat = self.rng.chance(0.6);
        let with_place = self.rng.chance(0.85);
        let mut s = match (script, h.street) {
            (Script::Latin, None) => {
                let building = *self.rng.pick(&["Bt", "Bât", "Bloc", "Batiment"]);
                let logts = *self.rng.pick(&["Logements", "Logts", "Lgts", "logts"]);
                let mut s = format!("Cité {} {logts} {building} {}", h.number, h.building);
                if with_flat {
                    s.push_str(&format!(" {} {}", self.rng.pick(&["N°", "No", "n", "Appt"]), h.flat));
                }
                s
            }
            (Script::Arabic, None) => {
                let mut s = format!("حي {} مسكن عمارة {}", h.number, h.building);
                if with_flat {
                    s.push_str(&format!(" رقم {}", h.flat));
                }
                s
            }
            (Script::Latin, Some(k)) => format!("{} Rue {}", h.building, STREETS[k].0),
            (Script::Arabic, Some(k)) => format!("{} شارع {}", h.building, STREETS[k].1),
        };
        if with_place {
            s.push_str(if self.rng.chance(0.5) { ", " } else { " " });
            s.push_str(match script {
                Script::Latin => place_latin,
                Script::Arabic => place_arabic,
            });
        }
        if script == Script::Arabic && self.rng.chance(0.3) {
            s = s
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
                    None => c,
                })
                .collect();
        }
        s
    }

    fn items(&mut self) -> Vec<(String, i32)> {
        let lines = *self.rng.pick(&[1, 1, 1, 2, 2, 3]);
        let mut items: Vec<(String, i32)> = Vec::new();
        while items.len() < lines {
            let sku = self.popular_sku();
            if items.iter().all(|(s, _)| s != sku) {
                let qty = *self.rng.pick(&[1, 1, 1, 1, 2, 2, 3]);
                items.push((sku.to_string(), qty));
            }
        }
        items
    }

    /// Items sharing nothing with `other`.
    fn other_items(&mut self, other: &[(String, i32)]) -> Vec<(String, i32)> {
        loop {
            let items = self.items();
            if items.iter().all(|(s, _)| other.iter().all(|(o, _)| o != s)) {
                return items;
            }
        }
    }

    fn popular_sku(&mut self) -> &'static str {
        let total: u32 = CATALOGUE.iter().map(|c| c.2).sum();
        let mut r = self.rng.below(total as usize) as u32;
        for (sku, _, w) in CATALOGUE {
            if r < w {
                return sku;
            }
            r -= w;
        }
        CATALOGUE[0].0
    }

    fn total(items: &[(String, i32)], fee: i64) -> i64 {
        let goods: i64 =
            items.iter().map(|(sku, q)| CATALOGUE.iter().find(|c| c.0 == sku).map_or(0, |c| c.1) * i64::from(*q)).sum();
        goods + fee
    }

    fn fee(&mut self) -> i64 {
        *self.rng.pick(&[400, 400, 600, 700, 800, 900])
    }

    fn order(&mut self, p: &Person, script: Script, items: Vec<(String, i32)>, at: i64) -> OrderFacts {
        self.next_order += 1;
        let fee = self.fee();
        let (_, _, wilaya, commune) = PLACES[p.home.place];
        OrderFacts {
            id: self.next_order,
            customer_id: p.customer_id,
            phone: p.phone.clone(),
            name: self.name(p, script),
            address: self.address(&p.home, script),
            wilaya,
            commune: if self.rng.chance(0.9) { Some(commune) } else { None },
            total: Self::total(&items, fee),
            items,
            created_at: at,
        }
    }

    /// A resubmission of `a` by the same person: same facts unless changed by the caller.
    fn again(&mut self, a: &OrderFacts, after: i64) -> OrderFacts {
        self.next_order += 1;
        OrderFacts { id: self.next_order, created_at: a.created_at + after, ..a.clone() }
    }

    fn start(&mut self) -> i64 {
        self.t0 + self.rng.range(0, 90 * 86_400)
    }

    /// One digit replaced or two adjacent digits swapped among the 8 after the operator digit.
    fn phone_typo(&mut self, phone: &str) -> String {
        let mut d: Vec<u8> = phone.bytes().collect();
        let n = d.len();
        loop {
            let i = n - 8 + self.rng.below(8);
            if self.rng.chance(0.6) {
                let v = b'0' + self.rng.below(10) as u8;
                if v != d[i] {
                    d[i] = v;
                    break;
                }
            } else if i + 1 < n && d[i] != d[i + 1] {
                d.swap(i, i + 1);
                break;
            }
        }
        String::from_utf8_lossy(&d).into_owned()
    }

    /// A letter off in the name (dropped, doubled, swapped), or another spelling.
    fn name_typo(&mut self, p: &Person, name: &str) -> String {
        if self.rng.chance(0.3) {
            if let (true, Some(other)) =
                (FIRST[p.first].0.len() > 1, FIRST[p.first].0.iter().find(|v| name.contains(*v)))
            {
                let replacement = FIRST[p.first].0.iter().find(|v| *v != other).copied().unwrap_or(other);
                return name.replacen(other, replacement, 1);
            }
        }
        let chars: Vec<char> = name.chars().collect();
        let letters: Vec<usize> = (0..chars.len()).filter(|&i| chars[i].is_alphabetic()).collect();
        if letters.len() < 4 {
            return name.to_string();
        }
        let i = letters[1 + self.rng.below(letters.len() - 2)];
        let mut out = chars.clone();
        match self.rng.below(3) {
            0 => {
                out.remove(i);
            }
            1 => out.insert(i, chars[i]),
            _ => {
                if i + 1 < out.len() && out[i + 1].is_alphabetic() {
                    out.swap(i, i + 1);
                } else {
                    out.remove(i);
                }
            }
        }
        out.into_iter().collect()
    }

    /// Seconds to minutes.
    fn minutes(&mut self) -> i64 {
        self.rng.log_seconds(5.0, 1_800.0)
    }

    fn case(&mut self, kind: CaseKind) -> Case {
        let t = self.start();
        let (a, b) = match kind {
            CaseKind::DoubleSubmission => {
                let p = self.random_person();
                let items = self.items();
                let a = self.order(&p, p.script, items, t);
                let after = self.minutes();
                let mut b = self.again(&a, after);
                if self.rng.chance(0.1) {
                    // Basket edited: the customer meant to replace the first order.
                    let other = self.other_items(&b.items);
                    b.items[0] = other[0].clone();
                    b.total = Self::total(&b.items, self.fee());
                } else if self.rng.chance(0.15) {
                    // Quantity corrected, or delivery mode changed.
                    if let Some(line) = b.items.first_mut() {
                        line.1 += 1;
                    }
                    b.total = Self::total(&b.items, self.fee());
                } else if self.rng.chance(0.1) {
                    b.name = self.name(&p, p.script);
                }
                (a, b)
            }
            CaseKind::ReorderAfterNoAnswer => {
                let mut p = self.random_person();
                let items = self.items();
                let a = self.order(&p, p.script, items.clone(), t);
                let mut items_b = items;
                if self.rng.chance(0.15) {
                    let extra = self.other_items(&items_b);
                    items_b.push(extra[0].clone());
                }
                if self.rng.chance(0.2) {
                    // A second number, since the first one was not answered.
                    p.phone = self.phone();
                    p.customer_id = self.customer();
                }
                let after = self.rng.log_seconds(2.0 * 3600.0, 48.0 * 3600.0);
                let mut b = self.order(&p, p.script, items_b, t + after);
                if self.rng.chance(0.5) {
                    b.name = a.name.clone();
                }
                if self.rng.chance(0.5) {
                    b.address = a.address.clone();
                }
                (a, b)
            }
            CaseKind::PhoneTypo | CaseKind::ScriptSwapPhoneTypo | CaseKind::ScriptSwap | CaseKind::NameTypo => {
                let p = self.random_person();
                let items = self.items();
                let a = self.order(&p, p.script, items, t);
                let after = if self.rng.chance(0.7) { self.minutes() } else { self.rng.log_seconds(1_800.0, 86_400.0) };
                let mut b = self.again(&a, after);
                if matches!(kind, CaseKind::PhoneTypo | CaseKind::ScriptSwapPhoneTypo) {
                    b.phone = self.phone_typo(&a.phone);
                    b.customer_id = self.customer();
                }
                if matches!(kind, CaseKind::ScriptSwap | CaseKind::ScriptSwapPhoneTypo) {
                    b.name = self.name(&p, p.script.other());
                    b.address = self.address(&p.home, p.script.other());
                } else if kind == CaseKind::NameTypo {
                    b.name = self.name_typo(&p, &a.name);
                } else if self.rng.chance(0.3) {
                    b.name = self.name(&p, p.script);
                }
                (a, b)
            }
            CaseKind::Household => {
                let p = self.random_person();
                let family = if self.rng.chance(0.7) { p.family } else { self.rng.below(FAMILY.len()) };
                let mut first = self.rng.below(FIRST.len());
                while first == p.first {
                    first = self.rng.below(FIRST.len());
                }
                let mut q = self.person(first, family, p.home.place);
                q.home = p.home.clone();
                if self.rng.chance(0.6) {
                    q.script = p.script;
                }
                let items = self.items();
                let a = self.order(&p, p.script, items.clone(), t);
                let items_b = if self.rng.chance(0.15) { items } else { self.other_items(&a.items) };
                let after = self.rng.log_seconds(1_800.0, 30.0 * 86_400.0);
                let b = self.order(&q, q.script, items_b, t + after);
                (a, b)
            }
            CaseKind::RepeatBuyer => {
                let p = self.random_person();
                let items = self.items();
                let a = self.order(&p, p.script, items.clone(), t);
                let (items_b, after) = if self.rng.chance(0.7) {
                    let items_b = self.other_items(&items);
                    (items_b, self.rng.log_seconds(600.0, 40.0 * 86_400.0))
                } else {
                    (items, self.rng.log_seconds(3.0 * 86_400.0, 40.0 * 86_400.0))
                };
                let mut b = self.order(&p, p.script, items_b, t + after);
                if self.rng.chance(0.5) {
                    b.name = a.name.clone();
                }
                if self.rng.chance(0.6) {
                    b.address = a.address.clone();
                }
                (a, b)
            }
            CaseKind::SameNameOtherPerson => {
                let first = self.rng.below(8);
                let family = self.rng.below(8);
                let place = self.rng.below(PLACES.len());
                let same_wilaya: Vec<usize> =
                    (0..PLACES.len()).filter(|&k| PLACES[k].2 == PLACES[place].2 && k != place).collect();
                let place_b =
                    if same_wilaya.is_empty() || self.rng.chance(0.3) { place } else { *self.rng.pick(&same_wilaya) };
                let p = self.person(first, family, place);
                let q = self.person(first, family, place_b);
                let items = self.items();
                let a = self.order(&p, p.script, items.clone(), t);
                let items_b = if self.rng.chance(0.3) { vec![items[0].clone()] } else { self.items() };
                let after = self.rng.log_seconds(60.0, 30.0 * 86_400.0);
                let b = self.order(&q, q.script, items_b, t + after);
                (a, b)
            }
            CaseKind::Unrelated => {
                let p = self.random_person();
                let mut q = self.random_person();
                let same_wilaya: Vec<usize> =
                    (0..PLACES.len()).filter(|&k| PLACES[k].2 == PLACES[p.home.place].2).collect();
                let place = if self.rng.chance(0.3) { p.home.place } else { *self.rng.pick(&same_wilaya) };
                q.home = self.home_in(place);
                let items = self.items();
                let a = self.order(&p, p.script, items, t);
                let items_b = self.items();
                let after = self.rng.log_seconds(60.0, 30.0 * 86_400.0);
                let b = self.order(&q, q.script, items_b, t + after);
                (a, b)
            }
        };
        Case { a, b, kind, duplicate: kind.is_duplicate() }
    }
}

/// `n` labelled pairs, deterministic for `seed`, in the mix of [`CaseKind`] shares (about 35 %
/// duplicates). Different people get different customer ids; one person keeps one customer id
/// per phone number (as intake does).
pub fn cases(seed: u64, n: usize) -> Vec<Case> {
    let mut g = Gen { rng: Rng::new(seed), next_order: 0, next_customer: 0, t0: 1_750_000_000 };
    (0..n)
        .map(|_| {
            let mut r = g.rng.below(100) as u64;
            let mut kind = CaseKind::Unrelated;
            for k in CaseKind::ALL {
                if r < k.percent() {
                    kind = k;
                    break;
                }
                r -= k.percent();
            }
            g.case(kind)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{name_similarity, phone_relation, PhoneRelation};

    #[test]
    fn the_generator_is_deterministic_for_a_seed() {
        assert_eq!(cases(7, 300), cases(7, 300));
        assert_ne!(cases(7, 50), cases(8, 50));
    }

    #[test]
    fn about_a_third_of_the_cases_are_duplicates_and_every_kind_occurs() {
        let c = cases(3, 5_000);
        let dup = c.iter().filter(|c| c.duplicate).count() as f64 / c.len() as f64;
        assert!((0.32..0.38).contains(&dup), "{dup}");
        for k in CaseKind::ALL {
            assert!(c.iter().any(|c| c.kind == k), "{k:?}");
        }
        assert!(c.iter().all(|c| c.duplicate == c.kind.is_duplicate()));
    }

    #[test]
    fn customer_ids_follow_the_phone() {
        for c in cases(5, 3_000) {
            let same_phone = c.a.phone == c.b.phone;
            assert_eq!(same_phone, c.a.customer_id == c.b.customer_id, "{c:?}");
        }
    }

    #[test]
    fn phone_typo_cases_are_one_step_away() {
        for c in cases(9, 2_000)
            .into_iter()
            .filter(|c| matches!(c.kind, CaseKind::PhoneTypo | CaseKind::ScriptSwapPhoneTypo))
        {
            assert!(matches!(
                phone_relation(&c.a.phone, &c.b.phone),
                PhoneRelation::OneDigit | PhoneRelation::Transposed
            ));
        }
    }

    #[test]
    fn every_listed_name_matches_itself_across_scripts() {
        for (latin, arabic) in FIRST.iter().chain(FAMILY.iter()) {
            for variant in latin.iter() {
                let s = name_similarity(variant, arabic);
                assert!(s >= 0.8, "{variant} / {arabic}: {s}");
            }
        }
        for (latin, arabic, _, _) in PLACES {
            let s = name_similarity(latin, arabic);
            assert!(s >= 0.75, "{latin} / {arabic}: {s}");
        }
    }
}
