//! Property tests: normalisation is idempotent, similarities are symmetric and bounded, phone
//! neighbours are one step away, and the score behaves (identical orders warn; a matching
//! phone never lowers the score).

use proptest::prelude::*;
use proptest::sample::select;

use dedup::{
    address_similarity, compare, name_similarity, phone_neighbours, phone_relation, skeleton, text, Model, OrderFacts,
    PhoneRelation,
};

const NAMES: [&str; 16] = [
    "Yacine",
    "ياسين",
    "Benali",
    "بن علي",
    "Mohamed",
    "محمد",
    "Fatima Zohra",
    "فاطمة الزهراء",
    "Abdelkader",
    "عبد القادر",
    "Khelifi",
    "خليفي",
    "Sofiane",
    "سفيان",
    "Meziane",
    "مزيان",
];
const WORDS: [&str; 14] = [
    "Cité",
    "500",
    "Logts",
    "Bt",
    "١٢",
    "N°",
    "Bab Ezzouar",
    "باب الزوار",
    "حي",
    "عمارة",
    "Rue",
    "Didouche Mourad",
    "ديدوش مراد",
    "Oran",
];

/// Strings mixing Latin, Arabic, digits of three kinds, marks and punctuation.
fn messy() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[a-zA-Zéèàçœß' \\-0-9٠-٩۰-۹ابتثجحخدذرسشصضطظعغفقكلمنهويىةأإآؤئء\u{064B}\u{0640}\u{200E}\u{200F}، ]{0,24}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    (select(NAMES.to_vec()), select(NAMES.to_vec())).prop_map(|(a, b)| format!("{a} {b}"))
}

fn address() -> impl Strategy<Value = String> {
    prop::collection::vec(select(WORDS.to_vec()), 1..6).prop_map(|w| w.join(" "))
}

fn mobile() -> impl Strategy<Value = String> {
    (select(vec!['5', '6', '7']), "[0-9]{8}").prop_map(|(op, rest)| format!("+213{op}{rest}"))
}

fn order() -> impl Strategy<Value = OrderFacts> {
    (
        (1i64..1_000, 1i64..1_000, mobile(), name(), address()),
        (1u16..=69, prop::option::of(1i32..2_000), 0i64..50_000),
        prop::collection::vec((select(vec!["BIB-250", "COUCHE-T3", "LINGETTES", "POUSSETTE"]), 1i32..4), 1..4),
        1_700_000_000i64..1_760_000_000,
    )
        .prop_map(|((id, customer_id, phone, name, address), (wilaya, commune, total), items, created_at)| {
            OrderFacts {
                id,
                customer_id,
                phone,
                name,
                address,
                wilaya,
                commune,
                total,
                items: items.into_iter().map(|(s, q)| (s.to_string(), q)).collect(),
                created_at,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_is_idempotent(s in messy()) {
        let once = text(&s);
        prop_assert_eq!(text(&once), once);
    }

    #[test]
    fn skeleton_is_idempotent(s in messy()) {
        let once = skeleton(&s);
        prop_assert_eq!(skeleton(&once), once);
    }

    #[test]
    fn name_similarity_is_symmetric_and_bounded(a in prop_oneof![name(), messy()], b in prop_oneof![name(), messy()]) {
        let s = name_similarity(&a, &b);
        prop_assert!((0.0..=1.0).contains(&s));
        prop_assert_eq!(s, name_similarity(&b, &a));
    }

    #[test]
    fn address_similarity_is_symmetric_and_bounded(a in prop_oneof![address(), messy()], b in prop_oneof![address(), messy()]) {
        let s = address_similarity(&a, &b);
        prop_assert!((0.0..=1.0).contains(&s));
        prop_assert_eq!(s, address_similarity(&b, &a));
    }

    #[test]
    fn every_phone_neighbour_is_one_step_away(p in mobile()) {
        let n = phone_neighbours(&p);
        prop_assert!(!n.is_empty() && n.len() <= 82);
        for x in &n {
            prop_assert!(matches!(phone_relation(x, &p), PhoneRelation::OneDigit | PhoneRelation::Transposed), "{} {}", x, p);
            prop_assert!(phone_neighbours(x).contains(&p));
        }
    }

    #[test]
    fn phone_relation_is_symmetric(a in "[0-9]{4,6}", b in "[0-9]{4,6}", i in 0usize..5) {
        let mut swapped: Vec<char> = a.chars().collect();
        let i = i.min(swapped.len() - 2);
        swapped.swap(i, i + 1);
        let swapped: String = swapped.into_iter().collect();
        for (x, y) in [(&a, &b), (&a, &swapped)] {
            prop_assert_eq!(phone_relation(x, y), phone_relation(y, x));
        }
    }

    #[test]
    fn identical_facts_score_at_least_the_warn_threshold(o in order()) {
        let model = Model::default();
        let s = compare(&o, &o, &model);
        prop_assert!(s.score >= model.warn_threshold, "{:?}", s);
    }

    #[test]
    fn a_matching_phone_never_lowers_the_score(a in order(), b in order()) {
        prop_assume!(phone_relation(&a.phone, &b.phone) == PhoneRelation::Different);
        let model = Model::default();
        let before = compare(&a, &b, &model).score;
        let same = OrderFacts { phone: a.phone.clone(), ..b };
        prop_assert!(compare(&a, &same, &model).score >= before);
    }
}

proptest! {
    #[test]
    fn text_equals_the_three_folds_in_a_row(s in messy()) {
        let composed = dedup::latin(&dedup::arabic(&dedup::fold_digits(&s)));
        prop_assert_eq!(text(&s), composed.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}
