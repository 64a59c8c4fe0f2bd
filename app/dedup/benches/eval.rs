//! Fit-and-check bench of the duplicate model on generated, labelled pairs (no criterion).
//!
//! Run with `cargo bench --bench eval`. Generates 40 000 pairs (seed 1), fits on the first half,
//! evaluates on the second half (thresholds chosen there for precision 0.90 / 0.97), prints the
//! model in `Model::default` form, precision/recall/F1, a reliability table, per-kind rates and
//! the speed of `compare`; then checks `Model::default()` on a fresh seed (2, 20 000 pairs).
#![allow(clippy::print_stdout)] // a bench reports on stdout

use std::hint::black_box;
use std::time::Instant;

use dedup::{
    cases, compare, compare_prepared, evaluate, features, fit, prepare, reliability, threshold_for_precision, Case,
    CaseKind, Feature, Model,
};

const ITERATIONS: usize = 8_000;
/// L2 penalties tried; the one with the lowest validation log loss is used.
const L2_GRID: [f64; 5] = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7];

type Labelled = Vec<(Vec<(Feature, f64)>, bool)>;

fn labelled(cases: &[Case]) -> Labelled {
    cases.iter().map(|c| (features(&c.a, &c.b), c.duplicate)).collect()
}

fn report(title: &str, model: &Model, cases: &[Case], data: &Labelled) {
    println!("\n== {title}: {} pairs, {:.1} % duplicates", cases.len(), 100.0 * share(data));
    for (name, t) in [("review", model.review_threshold), ("warn", model.warn_threshold), ("50", 50)] {
        let e = evaluate(model, data, t);
        println!(
            "{name:>6} ≥ {t:>3}: precision {:.3}  recall {:.3}  F1 {:.3}  (tp {} fp {} fn {} tn {})",
            e.precision, e.recall, e.f1, e.true_positives, e.false_positives, e.false_negatives, e.true_negatives
        );
    }
    let e = evaluate(model, data, 50);
    println!("log loss {:.4}  Brier {:.4}", e.log_loss, e.brier);
    println!("reliability:   bin       count  mean predicted  observed");
    for b in reliability(model, data, 10) {
        println!("           {:.1}–{:.1} {:>10} {:>15.3} {:>9.3}", b.lo, b.hi, b.count, b.mean_score, b.observed_rate);
    }
    println!("per kind:              kind  count  ≥review  ≥warn  mean score");
    for k in CaseKind::ALL {
        let scores: Vec<u8> =
            cases.iter().zip(data).filter(|(c, _)| c.kind == k).map(|(_, (xs, _))| model.score(xs)).collect();
        let at = |t: u8| scores.iter().filter(|&&s| s >= t).count() as f64 / scores.len().max(1) as f64;
        let mean = scores.iter().map(|&s| f64::from(s)).sum::<f64>() / scores.len().max(1) as f64;
        let what = if k.is_duplicate() { "recall" } else { "FP rate" };
        println!(
            "{:>26} {:>6}  {:>6.3}  {:>6.3}  {:>6.1}  ({what})",
            format!("{k:?}"),
            scores.len(),
            at(model.review_threshold),
            at(model.warn_threshold),
            mean
        );
    }
}

fn share(data: &Labelled) -> f64 {
    data.iter().filter(|c| c.1).count() as f64 / data.len().max(1) as f64
}

fn speed(model: &Model, cases: &[Case]) {
    let mut best = f64::MAX;
    let mut best_prepared = f64::MAX;
    let prepared: Vec<_> = cases.iter().map(|c| (prepare(&c.a), prepare(&c.b))).collect();
    for _ in 0..5 {
        let t = Instant::now();
        let mut sum = 0u64;
        for c in cases {
            sum += u64::from(compare(black_box(&c.a), black_box(&c.b), model).score);
        }
        black_box(sum);
        best = best.min(t.elapsed().as_nanos() as f64 / cases.len() as f64);
        let t = Instant::now();
        for (a, b) in &prepared {
            sum += u64::from(compare_prepared(black_box(a), black_box(b), model).score);
        }
        black_box(sum);
        best_prepared = best_prepared.min(t.elapsed().as_nanos() as f64 / cases.len() as f64);
    }
    println!(
        "speed over {} held-out pairs, best of 5: compare {best:.0} ns/pair, compare_prepared {best_prepared:.0} ns/pair",
        cases.len()
    );
}

fn print_model(m: &Model) {
    println!("Model {{");
    println!("    bias: {:.4},", m.bias);
    println!("    weights: vec![");
    for (f, w) in &m.weights {
        println!("        (Feature::{f:?}, {w:.4}),");
    }
    println!("    ],");
    println!("    review_threshold: {},", m.review_threshold);
    println!("    warn_threshold: {},", m.warn_threshold);
    println!("}}");
}

fn main() {
    let t = Instant::now();
    let all = cases(1, 40_000);
    let (train, test) = all.split_at(20_000);
    let (train_x, test_x) = (labelled(train), labelled(test));
    println!("generated and featurised 40 000 pairs in {:.2} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    // L2 chosen on a validation split of the training half (first 15 000 / last 5 000): the
    // strongest penalty whose validation log loss is within 10 % of the best one (a simpler,
    // smoother model is preferred when it costs little: the generated data are only a proxy).
    let (fit_x, valid_x) = train_x.split_at(15_000);
    let losses: Vec<(f64, f64)> =
        L2_GRID.iter().map(|&l2| (l2, evaluate(&fit(fit_x, ITERATIONS, l2), valid_x, 50).log_loss)).collect();
    let best = losses.iter().map(|x| x.1).fold(f64::MAX, f64::min);
    let l2 = losses.iter().find(|x| x.1 <= 1.1 * best).map_or(L2_GRID[0], |x| x.0);
    for (candidate, loss) in &losses {
        println!(
            "L2 {candidate:e}: validation log loss {loss:.4}{}",
            if *candidate == l2 { "  <- chosen" } else { "" }
        );
    }
    let mut model = fit(&train_x, ITERATIONS, l2);
    println!(
        "fit: L2 {l2:e}, {ITERATIONS} iterations on 20 000 pairs, {:.1} s with the L2 search",
        t.elapsed().as_secs_f64()
    );
    let review = threshold_for_precision(&model, &test_x, 0.90).unwrap_or(100);
    let warn = threshold_for_precision(&model, &test_x, 0.97).unwrap_or(100).max(review.saturating_add(1)).min(100);
    model.review_threshold = review;
    model.warn_threshold = warn;
    println!(
        "thresholds: lowest score whose held-out precision (at it and every higher score) is ≥ 0.90 (review) / ≥ 0.97 (warn)"
    );
    print_model(&model);
    report("fitted model, held-out half of seed 1", &model, test, &test_x);
    speed(&model, test);

    let fresh = cases(2, 20_000);
    let fresh_x = labelled(&fresh);
    let default = Model::default();
    report("Model::default(), fresh seed 2", &default, &fresh, &fresh_x);
}
