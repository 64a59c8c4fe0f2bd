//! Fitting and checking the duplicate model: a small, deterministic logistic regression
//! ([`fit`]), precision/recall at a threshold ([`evaluate`]), threshold choice for a target
//! precision ([`threshold_for_precision`]) and a reliability table ([`reliability`]).
//!
//! The fit is full-batch gradient descent on the mean log loss plus `l2 · Σw²/2` (the bias is
//! not penalised), with Nesterov momentum and a fixed step `1 / L` from a bound on the loss's
//! smoothness, so it is deterministic and needs no tuning. Weights of
//! [`Feature::non_negative`] features are projected onto `w ≥ 0` after every step.

use serde::{Deserialize, Serialize};

use crate::score::{Feature, Model};

/// Precision, recall and F1 of "score ≥ threshold means duplicate".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The threshold used.
    pub threshold: u8,
    /// Duplicates flagged.
    pub true_positives: usize,
    /// Non-duplicates flagged.
    pub false_positives: usize,
    /// Duplicates missed.
    pub false_negatives: usize,
    /// Non-duplicates not flagged.
    pub true_negatives: usize,
    /// tp / (tp + fp); 1 when nothing is flagged.
    pub precision: f64,
    /// tp / (tp + fn); 0 when there is no duplicate.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Mean log loss of the model's probabilities.
    pub log_loss: f64,
    /// Mean squared error of the model's probabilities (Brier score).
    pub brier: f64,
}

/// One bin of a reliability table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bin {
    /// Lower bound of predicted probability (inclusive).
    pub lo: f64,
    /// Upper bound (exclusive, inclusive for the last bin).
    pub hi: f64,
    /// Pairs in the bin.
    pub count: usize,
    /// Mean predicted probability (score / 100) in the bin; 0 when empty.
    pub mean_score: f64,
    /// Share of duplicates in the bin; 0 when empty.
    pub observed_rate: f64,
}

/// Dense design matrix over the features present in `cases`, in [`Feature::ALL`] order.
fn design(cases: &[(Vec<(Feature, f64)>, bool)]) -> (Vec<Feature>, Vec<Vec<f64>>) {
    let used: Vec<Feature> =
        Feature::ALL.into_iter().filter(|f| cases.iter().any(|c| c.0.iter().any(|x| x.0 == *f))).collect();
    let rows = cases
        .iter()
        .map(|(xs, _)| {
            let mut row = vec![0.0; used.len()];
            for &(f, v) in xs {
                if let Some(k) = used.iter().position(|u| *u == f) {
                    row[k] += v;
                }
            }
            row
        })
        .collect();
    (used, rows)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits a logistic model to labelled feature lists (`true` = duplicate) by `iterations` steps
/// of batch gradient descent with L2 penalty `l2`. Deterministic. Thresholds are left at
/// review 50 / warn 90 for the caller to set (see [`threshold_for_precision`]).
pub fn fit(cases: &[(Vec<(Feature, f64)>, bool)], iterations: usize, l2: f64) -> Model {
    let (used, rows) = design(cases);
    let d = used.len();
    let n = rows.len().max(1) as f64;
    // Smoothness bound: 0.25 · mean ‖(1, x)‖² + l2.
    let lipschitz = 0.25 * rows.iter().map(|r| 1.0 + r.iter().map(|v| v * v).sum::<f64>()).sum::<f64>() / n + l2;
    let step = 1.0 / lipschitz.max(1e-9);
    let mut w = vec![0.0; d + 1]; // w[d] is the bias
    let mut prev = w.clone();
    let mut grad = vec![0.0; d + 1];
    for t in 0..iterations {
        // Nesterov look-ahead point.
        let momentum = t as f64 / (t as f64 + 3.0);
        let y: Vec<f64> = w.iter().zip(&prev).map(|(a, b)| a + momentum * (a - b)).collect();
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (row, (_, label)) in rows.iter().zip(cases) {
            let z = y[d] + row.iter().zip(&y).map(|(x, wi)| x * wi).sum::<f64>();
            let err = sigmoid(z) - if *label { 1.0 } else { 0.0 };
            for (g, x) in grad.iter_mut().zip(row) {
                *g += err * x;
            }
            grad[d] += err;
        }
        prev.clone_from(&w);
        for k in 0..=d {
            let penalty = if k < d { l2 * y[k] } else { 0.0 };
            w[k] = y[k] - step * (grad[k] / n + penalty);
            if k < d && used[k].non_negative() && w[k] < 0.0 || k < d && used[k].non_positive() && w[k] > 0.0 {
                w[k] = 0.0;
            }
        }
    }
    Model {
        bias: w[d],
        weights: used.iter().zip(&w).map(|(&f, &v)| (f, v)).collect(),
        review_threshold: 50,
        warn_threshold: 90,
    }
}

/// Precision, recall, F1, log loss and Brier score of `model` on labelled feature lists, flagging
/// pairs whose score is ≥ `threshold`.
pub fn evaluate(model: &Model, cases: &[(Vec<(Feature, f64)>, bool)], threshold: u8) -> Evaluation {
    let (mut tp, mut fp, mut fneg, mut tn) = (0, 0, 0, 0);
    let (mut log_loss, mut brier) = (0.0, 0.0);
    for (xs, label) in cases {
        let score = model.score(xs);
        let p = sigmoid(model.logit(xs)).clamp(1e-12, 1.0 - 1e-12);
        let y = if *label { 1.0 } else { 0.0 };
        log_loss -= y * p.ln() + (1.0 - y) * (1.0 - p).ln();
        brier += (p - y) * (p - y);
        match (score >= threshold, *label) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            (false, false) => tn += 1,
        }
    }
    let n = cases.len().max(1) as f64;
    let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
    let recall = if tp + fneg == 0 { 0.0 } else { tp as f64 / (tp + fneg) as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Evaluation {
        threshold,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fneg,
        true_negatives: tn,
        precision,
        recall,
        f1,
        log_loss: log_loss / n,
        brier: brier / n,
    }
}

/// The lowest threshold (1..=100) at which precision is ≥ `target` there and at every higher
/// threshold that flags at least one pair; `None` if even 100 falls short.
pub fn threshold_for_precision(model: &Model, cases: &[(Vec<(Feature, f64)>, bool)], target: f64) -> Option<u8> {
    let mut positives = [0usize; 101];
    let mut counts = [0usize; 101];
    for (xs, label) in cases {
        let s = usize::from(model.score(xs));
        counts[s] += 1;
        positives[s] += usize::from(*label);
    }
    let (mut tp, mut flagged) = (0usize, 0usize);
    let mut best = None;
    for t in (1..=100).rev() {
        tp += positives[t];
        flagged += counts[t];
        if flagged == 0 {
            continue;
        }
        if (tp as f64) / (flagged as f64) >= target {
            best = Some(t as u8);
        } else {
            break;
        }
    }
    best
}

/// Reliability table: pairs binned by predicted probability (score / 100) into `bins` equal
/// bins, each with its mean prediction and observed duplicate rate.
pub fn reliability(model: &Model, cases: &[(Vec<(Feature, f64)>, bool)], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut count = vec![0usize; bins];
    let mut sum = vec![0.0; bins];
    let mut dup = vec![0usize; bins];
    for (xs, label) in cases {
        let p = f64::from(model.score(xs)) / 100.0;
        let k = ((p * bins as f64) as usize).min(bins - 1);
        count[k] += 1;
        sum[k] += p;
        dup[k] += usize::from(*label);
    }
    (0..bins)
        .map(|k| Bin {
            lo: k as f64 / bins as f64,
            hi: (k + 1) as f64 / bins as f64,
            count: count[k],
            mean_score: if count[k] == 0 { 0.0 } else { sum[k] / count[k] as f64 },
            observed_rate: if count[k] == 0 { 0.0 } else { dup[k] as f64 / count[k] as f64 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Label = (x > 0.5), with a little overlap.
    fn toy() -> Vec<(Vec<(Feature, f64)>, bool)> {
        (0..400)
            .map(|i| {
                let x = f64::from(i) / 400.0;
                let label = if i % 10 == 0 { x < 0.5 } else { x > 0.5 };
                (vec![(Feature::NameSim, x), (Feature::PhoneSame, 1.0 - x)], label)
            })
            .collect()
    }

    #[test]
    fn the_fit_learns_the_direction_of_a_feature_and_respects_sign_constraints() {
        let m = fit(&toy(), 2_000, 1e-4);
        let w = |f: Feature| m.weights.iter().find(|x| x.0 == f).map(|x| x.1).unwrap();
        assert!(w(Feature::NameSim) > 1.0, "{m:?}");
        assert!(w(Feature::PhoneSame) >= 0.0, "{m:?}");
    }

    #[test]
    fn the_fit_is_deterministic() {
        assert_eq!(fit(&toy(), 300, 1e-3), fit(&toy(), 300, 1e-3));
    }

    #[test]
    fn evaluation_counts_add_up() {
        let m = fit(&toy(), 1_000, 1e-4);
        let e = evaluate(&m, &toy(), 50);
        assert_eq!(e.true_positives + e.false_positives + e.false_negatives + e.true_negatives, 400);
        assert!(e.precision > 0.8 && e.recall > 0.8, "{e:?}");
        assert!(e.f1 > 0.8 && e.f1 <= 1.0);
    }

    #[test]
    fn a_higher_precision_target_never_gives_a_lower_threshold() {
        let m = fit(&toy(), 1_000, 1e-4);
        let low = threshold_for_precision(&m, &toy(), 0.85).unwrap();
        let high = threshold_for_precision(&m, &toy(), 0.95).unwrap_or(100);
        assert!(low <= high);
    }

    #[test]
    fn reliability_bins_cover_every_case() {
        let m = fit(&toy(), 1_000, 1e-4);
        let bins = reliability(&m, &toy(), 10);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 400);
        assert!(bins.iter().all(|b| b.count == 0 || (b.lo..=b.hi).contains(&b.mean_score)));
    }
}
