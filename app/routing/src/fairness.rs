//! Fairness measures over per-agent workloads.

/// Gini coefficient of `values`: 0 = perfectly equal, `(n - 1) / n` = one holds everything.
/// 0 for an empty slice or all zeros.
pub fn gini(values: &[u32]) -> f64 {
    let n = values.len();
    let total: u64 = values.iter().map(|&v| u64::from(v)).sum();
    if n == 0 || total == 0 {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    // G = 2 * sum(i * x_i) / (n * sum) - (n + 1) / n, with i = 1..=n over ascending values.
    let weighted: u128 = sorted.iter().zip(1u128..).map(|(&v, i)| i * u128::from(v)).sum();
    let n = n as f64;
    2.0 * weighted as f64 / (n * total as f64) - (n + 1.0) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn nothing_or_all_zero_is_perfectly_equal() {
        assert!(close(gini(&[]), 0.0));
        assert!(close(gini(&[0, 0, 0]), 0.0));
    }

    #[test]
    fn equal_values_give_zero() {
        assert!(close(gini(&[7; 10]), 0.0));
        assert!(close(gini(&[1]), 0.0));
    }

    #[test]
    fn one_holding_everything_of_n_gives_n_minus_one_over_n() {
        for n in 1..=20usize {
            let mut v = vec![0u32; n];
            v[n / 2] = 42;
            assert!(close(gini(&v), (n as f64 - 1.0) / n as f64), "n = {n}");
        }
    }

    #[test]
    fn the_result_matches_the_mean_absolute_difference_definition() {
        let v = [3u32, 0, 9, 4, 4, 1];
        let n = v.len() as f64;
        let sum: f64 = v.iter().map(|&x| f64::from(x)).sum();
        let diffs: f64 = v.iter().flat_map(|&a| v.iter().map(move |&b| (f64::from(a) - f64::from(b)).abs())).sum();
        assert!(close(gini(&v), diffs / (2.0 * n * sum)));
    }

    #[test]
    fn the_order_of_values_does_not_matter() {
        assert!(close(gini(&[1, 5, 2, 8]), gini(&[8, 2, 5, 1])));
    }
}
