//! The multinomial-logit baseline: `P(level = k) ∝ exp(a_k + x.b_k)` for the four levels,
//! level 0 the reference (`a_0 = 0`, `b_0 = 0`), on the same design row as the ordered logit
//! ([`crate::ordlogit::design`]). It ignores the order of the levels, so it can bend where a
//! ladder or an ordered logit cannot; an L2 penalty `penalty * sum b^2` on the slopes (not
//! the intercepts) keeps it from chasing noise. Fitted by maximum likelihood with
//! [`crate::optim::bfgs`].

use crate::icb::COVARIATES;
use crate::optim::bfgs;
use crate::ordlogit::{design, DESIGN};
use crate::score::LEVELS;

/// A fitted multinomial logit.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MultinomialLogit {
    /// Intercepts of levels 1-3 (level 0 is the reference).
    pub intercepts: [f64; LEVELS - 1],
    /// Slopes of levels 1-3, each in [`design`] order.
    pub slopes: Vec<[f64; DESIGN]>,
}

impl MultinomialLogit {
    fn from_theta(t: &[f64]) -> MultinomialLogit {
        let per = DESIGN + 1;
        MultinomialLogit {
            intercepts: std::array::from_fn(|k| t[k * per]),
            slopes: (0..LEVELS - 1)
                .map(|k| std::array::from_fn(|j| t[k * per + 1 + j]))
                .collect(),
        }
    }

    fn predict_design(&self, d: &[f64; DESIGN]) -> [f64; LEVELS] {
        let mut eta = [0.0; LEVELS];
        for k in 1..LEVELS {
            eta[k] = self.intercepts[k - 1]
                + d.iter()
                    .zip(&self.slopes[k - 1])
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
        }
        let m = eta.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e = eta.map(|v| (v - m).exp());
        let s: f64 = e.iter().sum();
        e.map(|v| v / s)
    }

    /// Probabilities of the four levels for complete covariates `x`.
    pub fn predict(&self, x: &[f64; COVARIATES]) -> [f64; LEVELS] {
        self.predict_design(&design(x))
    }

    /// Fit by penalised maximum likelihood.
    pub fn fit(xs: &[[f64; COVARIATES]], ys: &[usize], penalty: f64) -> MultinomialLogit {
        let ds: Vec<[f64; DESIGN]> = xs.iter().map(design).collect();
        let per = DESIGN + 1;
        let mut t0 = vec![0.0; (LEVELS - 1) * per];
        // Start the intercepts at the log odds of the (smoothed) frequencies against level 0.
        let mut count = [0.5f64; LEVELS];
        for &y in ys {
            count[y.min(LEVELS - 1)] += 1.0;
        }
        for k in 1..LEVELS {
            t0[(k - 1) * per] = (count[k] / count[0]).ln();
        }
        let nll = |t: &[f64]| {
            let m = MultinomialLogit::from_theta(t);
            let mut s = 0.0;
            for (d, &y) in ds.iter().zip(ys) {
                s -= m.predict_design(d)[y].max(1e-300).ln();
            }
            let pen: f64 = m.slopes.iter().flatten().map(|b| b * b).sum();
            s + penalty * pen
        };
        let m = bfgs(&nll, &t0, 500, 1e-6);
        MultinomialLogit::from_theta(&m.x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Data simulated from a known multinomial logit: the fit recovers its probabilities.
    #[test]
    fn recovers_known_probabilities() {
        let mut truth = MultinomialLogit {
            intercepts: [-0.5, -1.0, -1.5],
            slopes: vec![[0.0; DESIGN]; 3],
        };
        truth.slopes[0][0] = 1.0;
        truth.slopes[2][DESIGN - 1] = 2.0;
        truth.slopes[1][1] = -1.0;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for _ in 0..5000 {
            let mut x = [0.0; COVARIATES];
            x[0] = rng.random();
            x[1] = (rng.random::<f64>() < 0.5) as u8 as f64;
            x[3] = 2.0;
            x[crate::icb::TRIGGER] = rng.random_range(0..4) as f64;
            let p = truth.predict(&x);
            ys.push(crate::score::draw_level(&p, rng.random()));
            xs.push(x);
        }
        let fit = MultinomialLogit::fit(&xs, &ys, 0.0);
        for x in xs.iter().take(50) {
            let (a, b) = (truth.predict(x), fit.predict(x));
            for k in 0..LEVELS {
                assert!((a[k] - b[k]).abs() < 0.06, "{a:?} vs {b:?}");
            }
        }
    }
}
