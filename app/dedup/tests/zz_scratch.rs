use dedup::*;
#[test]
fn show() {
    for (a, b) in [
        ("Yacine Benali", "Karim Haddad"),
        ("Sofiane Meziane", "نور الهدى بوزيد"),
        ("Amina Toumi", "Rachid Brahimi"),
        ("خالد جبار", "Samira Lounis"),
        ("Walid Mokrani", "Fatima Zohra Merabet"),
        ("Hamza Ferhat", "Zineb Slimani"),
        ("Yacine Benali", "Amina Benali"),
        ("Yacine Benalli", "Yacine Benali"),
        ("Samira Belkacme", "Samira Belkacem"),
        ("Nassim Rahmnai", "Nassim Rahmani"),
        ("Mohamed Saidi", "Ahmed Saidi"),
        ("Karim Haddad", "Karima Haddad"),
        ("Fatima Merabet", "Fatima Zohra Merabet"),
    ] {
        println!("{a} / {b}: {:.3}  [{}] [{}]", name_similarity(a, b), skeleton(a), skeleton(b));
    }
    for (l, a) in [
        ("Tizi Ouzou", "تيزي وزو"),
        ("Larbi Ben M'hidi", "العربي بن مهيدي"),
        ("Mostaganem", "مستغانم"),
        ("Bordj Bou Arréridj", "برج بوعريريج"),
        ("Ouled Yaïch", "أولاد يعيش"),
        ("Aïn Arnat", "عين أرنات"),
    ] {
        println!("{l} / {a}: {:.3} [{}] [{}]", name_similarity(l, a), skeleton(l), skeleton(a));
    }
    for c in cases(1, 12) {
        println!(
            "{:?}\n  {} | {} | {}\n  {} | {} | {}",
            c.kind, c.a.name, c.a.address, c.a.phone, c.b.name, c.b.address, c.b.phone
        );
    }
}
