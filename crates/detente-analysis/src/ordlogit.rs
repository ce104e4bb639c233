//! The ordered-logit baseline: `P(level <= k) = logistic(c_k - x.beta)` for k = 0, 1, 2, on
//! the same inputs the crisis layer reads ([`design`]: the covariates with actors on the log
//! scale, as in the engine, and the trigger class as three indicators). Cut-points are kept ordered by fitting `c_0` and the logs of the gaps. Fitted by
//! maximum likelihood with [`crate::optim::bfgs`], with an optional L2 penalty on `beta`.

use crate::icb::{COVARIATES, TRIGGER};
use crate::optim::bfgs;
use crate::score::LEVELS;

/// A fitted ordered logit.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OrderedLogit {
    /// Cut-points c_0 < c_1 < c_2.
    pub cuts: [f64; LEVELS - 1],
    /// Coefficients, in [`design`] order.
    pub beta: [f64; DESIGN],
}

/// Number of columns of the design row.
pub const DESIGN: usize = COVARIATES + 2;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Design row of the baselines: the covariates in order with actors on the log scale, the
/// trigger class replaced by indicators of non-violent military, indirect violent and violent
/// triggers (non-military triggers are the reference).
pub fn design(x: &[f64; COVARIATES]) -> [f64; DESIGN] {
    let mut d = [0.0; DESIGN];
    let mut j = 0;
    for (k, v) in x.iter().enumerate() {
        if k == TRIGGER {
            continue;
        }
        d[j] = if k == 3 { v.max(1.0).ln() } else { *v };
        j += 1;
    }
    let class = x[TRIGGER].round();
    for c in 1..=3 {
        d[j] = (class == c as f64) as u8 as f64;
        j += 1;
    }
    d
}

impl OrderedLogit {
    fn from_theta(t: &[f64]) -> OrderedLogit {
        let c0 = t[0];
        let c1 = c0 + t[1].exp();
        let c2 = c1 + t[2].exp();
        OrderedLogit {
            cuts: [c0, c1, c2],
            beta: std::array::from_fn(|k| t[3 + k]),
        }
    }

    /// Probabilities of the four levels for raw covariates `x` (model scale, complete).
    pub fn predict(&self, x: &[f64; COVARIATES]) -> [f64; LEVELS] {
        let d = design(x);
        let eta: f64 = d.iter().zip(&self.beta).map(|(a, b)| a * b).sum();
        let f: [f64; LEVELS - 1] = std::array::from_fn(|k| logistic(self.cuts[k] - eta));
        [f[0], f[1] - f[0], f[2] - f[1], 1.0 - f[2]]
    }

    /// Fit by penalised maximum likelihood (`penalty * sum beta^2`).
    pub fn fit(xs: &[[f64; COVARIATES]], ys: &[usize], penalty: f64) -> OrderedLogit {
        let n = xs.len().max(1) as f64;
        let mut t0 = vec![0.0; 3 + DESIGN];
        // Start the cut-points at the empirical cumulative logits.
        let mut cum = 0.0;
        for k in 0..LEVELS - 1 {
            cum += ys.iter().filter(|&&y| y == k).count() as f64 / n;
            let p = cum.clamp(0.02, 0.98);
            let c = (p / (1.0 - p)).ln();
            if k == 0 {
                t0[0] = c;
            } else {
                let prev: f64 = OrderedLogit::from_theta(&t0).cuts[k - 1];
                t0[k] = (c - prev).max(0.05).ln();
            }
        }
        let nll = |t: &[f64]| {
            let m = OrderedLogit::from_theta(t);
            let mut s = 0.0;
            for (x, &y) in xs.iter().zip(ys) {
                s -= m.predict(x)[y].max(1e-300).ln();
            }
            s + penalty * m.beta.iter().map(|b| b * b).sum::<f64>()
        };
        let m = bfgs(&nll, &t0, 500, 1e-6);
        OrderedLogit::from_theta(&m.x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn recovers_known_coefficients() {
        let truth = OrderedLogit {
            cuts: [-0.5, 0.7, 1.8],
            beta: [
                1.5, 0.8, -1.0, 0.5, 0.0, -0.7, 0.0, 0.4, 0.3, -0.2, 0.2, 0.6, 1.2,
            ],
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for _ in 0..6000 {
            let x: [f64; COVARIATES] = [
                rng.random(),
                (rng.random::<f64>() < 0.5) as u8 as f64,
                rng.random(),
                rng.random_range(1.0..10.0),
                rng.random(),
                (rng.random::<f64>() < 0.3) as u8 as f64,
                (rng.random::<f64>() < 0.4) as u8 as f64,
                (rng.random::<f64>() < 0.4) as u8 as f64,
                rng.random_range(0..4) as f64,
                (rng.random::<f64>() < 0.3) as u8 as f64,
                rng.random_range(0..4) as f64 / 3.0,
            ];
            let p = truth.predict(&x);
            let y = crate::score::draw_level(&p, rng.random());
            xs.push(x);
            ys.push(y);
        }
        let fit = OrderedLogit::fit(&xs, &ys, 0.0);
        for k in 0..DESIGN {
            assert!(
                (fit.beta[k] - truth.beta[k]).abs() < 0.25,
                "beta[{k}] {} vs {}",
                fit.beta[k],
                truth.beta[k]
            );
        }
        for k in 0..3 {
            assert!((fit.cuts[k] - truth.cuts[k]).abs() < 0.25, "cut {k}");
        }
    }
}
