//! Proper scoring rules for ordered forecasts of the four ICB violence levels. The ranked
//! probability score (RPS) compares cumulative forecast and outcome distributions,
//! `sum_k (F_k - O_k)^2 / (K - 1)` over the first K-1 categories, so it is 0 for a perfect
//! forecast and at most 1; the log-loss is `-ln p(observed)` (probabilities floored at 1e-12).
//! Both are averaged over crises. Lower is better for both.

/// Number of ICB violence levels (`viol` 1..4).
pub const LEVELS: usize = 4;

/// Ranked probability score of one forecast `p` (sums to 1) for observed level `y` (0-based).
pub fn rps(p: &[f64; LEVELS], y: usize) -> f64 {
    let mut cum_p = 0.0;
    let mut total = 0.0;
    for (k, pk) in p.iter().enumerate().take(LEVELS - 1) {
        cum_p += pk;
        let cum_o = if y <= k { 1.0 } else { 0.0 };
        total += (cum_p - cum_o).powi(2);
    }
    total / (LEVELS - 1) as f64
}

/// Log-loss of one forecast.
pub fn log_loss(p: &[f64; LEVELS], y: usize) -> f64 {
    -p[y].max(1e-12).ln()
}

/// Mean RPS and mean log-loss of a set of forecasts.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    pub rps: f64,
    pub log_loss: f64,
    pub n: usize,
}

/// Score forecasts against outcomes.
pub fn score(forecasts: &[[f64; LEVELS]], outcomes: &[usize]) -> Scores {
    let n = forecasts.len().min(outcomes.len());
    if n == 0 {
        return Scores {
            rps: f64::NAN,
            log_loss: f64::NAN,
            n: 0,
        };
    }
    let (mut r, mut l) = (0.0, 0.0);
    for (p, &y) in forecasts.iter().zip(outcomes) {
        r += rps(p, y);
        l += log_loss(p, y);
    }
    Scores {
        rps: r / n as f64,
        log_loss: l / n as f64,
        n,
    }
}

/// Fold the engine's five rungs into the four ICB levels (rungs 3 and 4 pooled).
pub fn rungs_to_levels(d: &[f64; 5]) -> [f64; LEVELS] {
    [d[0], d[1], d[2], d[3] + d[4]]
}

/// The level a uniform draw `u` in [0, 1) picks from the forecast `p` (inverse CDF; the top
/// level takes any rounding remainder). Used to simulate outcomes in tests.
#[cfg(test)]
pub(crate) fn draw_level(p: &[f64; LEVELS], u: f64) -> usize {
    let mut acc = 0.0;
    for (k, pk) in p.iter().enumerate() {
        acc += pk;
        if u < acc {
            return k;
        }
    }
    LEVELS - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_forecast_scores_zero() {
        for y in 0..LEVELS {
            let mut p = [0.0; LEVELS];
            p[y] = 1.0;
            assert_eq!(rps(&p, y), 0.0);
            assert!(log_loss(&p, y).abs() < 1e-12);
        }
    }

    #[test]
    fn worst_forecast_scores_one() {
        assert!((rps(&[0.0, 0.0, 0.0, 1.0], 0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rps_rewards_near_misses() {
        let near = rps(&[0.0, 1.0, 0.0, 0.0], 0);
        let far = rps(&[0.0, 0.0, 1.0, 0.0], 0);
        assert!(near < far);
    }
}
