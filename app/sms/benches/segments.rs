//! Throughput of segment counting and template rendering on realistic message texts (no
//! criterion). Run with `cargo bench -p sms`; prints MB/s and messages/s per kind of text.
#![allow(clippy::print_stdout)] // a bench reports on stdout

use std::hint::black_box;
use std::time::Instant;

use sms::{count, gsm_variant, Template};

const TEXTS: [(&str, &str); 4] = [
    ("French, GSM-7", "Bonjour Amina, votre commande BV-2026-001234 de 4 500 DA est confirmée. Livraison prévue le 3 décembre. Merci !"),
    ("French, UCS-2 (ê, ç)", "Bonjour Amina, votre commande BV-2026-001234 est prête : nous la remettons au coursier, reçu à la fenêtre."),
    ("Arabic", "مرحبا أمينة، تم تأكيد طلبك رقم BV-2026-001234 بمبلغ 4500 دج. سيصلك الطلب يوم 3 ديسمبر. شكرا لثقتكم!"),
    ("Darija, Latin", "Salam Amina, commande ta3ek BV-2026-001234 (4500 DA) confirmée. Ljib ywsal 3 décembre, sahit!"),
];

fn main() {
    const ROUNDS: usize = 200_000;
    for (name, text) in TEXTS {
        let started = Instant::now();
        let mut segments = 0;
        for _ in 0..ROUNDS {
            segments += black_box(count(black_box(text))).segments;
        }
        let seconds = started.elapsed().as_secs_f64();
        let mb = (text.len() * ROUNDS) as f64 / 1e6;
        let c = count(text);
        println!(
            "count   {name:<22} {:>8.0} MB/s {:>10.0} msgs/s  ({} chars, {}, {} segments; {segments} total)",
            mb / seconds,
            ROUNDS as f64 / seconds,
            c.characters,
            c.encoding.as_str(),
            c.segments,
        );
    }
    let french = TEXTS[1].1;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        black_box(gsm_variant(black_box(french)));
    }
    println!("variant {:<22} {:>10.0} msgs/s", "French, UCS-2 (ê, ç)", ROUNDS as f64 / started.elapsed().as_secs_f64());

    let template = Template::parse(
        "Bonjour {{customerName}}, votre commande {{orderNumber}} de {{total}} est confirmée. Livraison le {{deliveryDate}}. {{shopName}}",
    )
    .unwrap_or_else(|e| panic!("bench template: {e}"));
    let started = Instant::now();
    let mut length = 0;
    for _ in 0..ROUNDS {
        let value = |name: &str| match name {
            "customerName" => "Amina".to_string(),
            "orderNumber" => "BV-2026-001234".to_string(),
            "total" => "4 500 DA".to_string(),
            "deliveryDate" => "3 décembre".to_string(),
            _ => "Boutique Vitrine".to_string(),
        };
        length += black_box(template.render(value)).map(|s| s.len()).unwrap_or(0);
    }
    println!(
        "render  {:<22} {:>10.0} msgs/s  ({length} bytes)",
        "French, 5 variables",
        ROUNDS as f64 / started.elapsed().as_secs_f64()
    );
}
