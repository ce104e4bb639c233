//! Intervals for the estimates the engine reports: Wilson score intervals for proportions
//! (good at the small probabilities this model deals in, where the normal approximation
//! fails) and normal intervals for paired mean differences.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// An estimate with its 95 % interval and the number of runs behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub n: u64,
}

/// Proportion `k / n` with its Wilson score 95 % interval.
pub fn wilson(k: u64, n: u64) -> Estimate {
    wilson_z(k, n, Z95)
}

/// Proportion `k / n` with its Wilson score interval for normal quantile `z` (1.96: 95 %).
pub fn wilson_z(k: u64, n: u64, z: f64) -> Estimate {
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            low: 0.0,
            high: 1.0,
            n,
        };
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Estimate {
        value: p,
        low: if k == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        high: if k >= n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
        n,
    }
}

/// Mean of paired differences from their sum and sum of squares, with a normal 95 % interval.
pub fn paired_mean(sum: f64, sum_sq: f64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
            n,
        };
    }
    let nf = n as f64;
    let mean = sum / nf;
    let var = if n > 1 {
        ((sum_sq - nf * mean * mean) / (nf - 1.0)).max(0.0)
    } else {
        0.0
    };
    let half = Z95 * (var / nf).sqrt();
    Estimate {
        value: mean,
        low: mean - half,
        high: mean + half,
        n,
    }
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics (as
/// numpy's default); NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_reference_values() {
        // Reference: Wilson interval for 10/100 is about [0.0552, 0.1744].
        let e = wilson(10, 100);
        assert!(
            (e.low - 0.0552).abs() < 1e-3 && (e.high - 0.1744).abs() < 1e-3,
            "{e:?}"
        );
        let z = wilson(0, 1000);
        assert_eq!(z.low, 0.0);
        assert!(z.high > 0.0 && z.high < 0.004);
    }

    #[test]
    fn paired_interval_shrinks_with_n() {
        let a = paired_mean(10.0, 10.0, 100);
        let b = paired_mean(100.0, 100.0, 1000);
        assert!((b.high - b.low) < (a.high - a.low));
    }
}
