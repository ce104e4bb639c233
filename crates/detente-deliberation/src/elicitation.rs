//! Experts' numerical judgements of uncertain quantities, fitted and pooled as in the SHELF
//! elicitation framework. Each expert states points (value x_i with P(X ≤ x_i) = p_i, e.g. the
//! 5 %, 50 % and 95 % points) for a quantity; for every family whose support allows the stated
//! values (normal: any; log-normal and gamma: x > 0; beta: 0 < x < 1) we minimise the sum of
//! squared errors SSE = Σ_i (F(x_i; θ) − p_i)² over θ with a Nelder–Mead simplex on
//! log-transformed scale parameters (several starts from moment-matched guesses), keep the
//! family with the smallest SSE (ties by the order normal, log-normal, gamma, beta), and pool
//! the experts' best fits by a linear opinion pool f(x) = Σ_e w_e f_e(x) with equal weights
//! unless the file has a `weight` column
//! (an empty weight counts as 1). The pooled mixture is a [`Prior`], whose quantiles are
//! found numerically.

use crate::csvin;
use crate::error::Error;
use crate::priors::{Component, Dist, Family, Prior};
use detente_limits::{MAX_EXPERTS, MAX_QUANTITIES};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::{BTreeMap, HashMap};

/// Largest magnitude of a stated value: far beyond any model quantity, small enough that the
/// fits' arithmetic (squares, exponentials of logs) stays finite.
pub const MAX_ABS_VALUE: f64 = 1e12;

/// The bounds on quantities and experts, and a weight that is not 0 for every expert.
fn check_counts(out: &[Judgement], file: &str) -> Result<(), Error> {
    // quantity → (expert → (weight, line))
    let mut by_q: BTreeMap<&str, BTreeMap<&str, (Option<f64>, u64)>> = BTreeMap::new();
    for j in out {
        by_q.entry(&j.quantity)
            .or_default()
            .insert(&j.expert, (j.weight, j.line));
        if by_q.len() > MAX_QUANTITIES {
            return Err(Error::input(file, j.line, "quantity", format!("more than {MAX_QUANTITIES} quantities; allowed: at most {MAX_QUANTITIES} (docs/limits.md)")));
        }
    }
    for (q, experts) in &by_q {
        let last = experts.values().map(|e| e.1).max().unwrap_or(0);
        if experts.len() > MAX_EXPERTS {
            return Err(Error::input(
                file,
                last,
                "expert",
                format!(
                    "`{q}` has {} experts; allowed: at most {MAX_EXPERTS} (docs/limits.md)",
                    experts.len()
                ),
            ));
        }
        if experts.values().all(|e| e.0 == Some(0.0)) {
            return Err(Error::input(file, last, "weight", format!("every expert's weight for `{q}` is 0; at least one weight must be > 0 (an empty weight counts as 1)")));
        }
    }
    Ok(())
}

/// One stated point of one expert.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub expert: String,
    pub quantity: String,
    pub probability: f64,
    pub value: f64,
    pub weight: Option<f64>,
    pub line: u64,
}

/// Parse `expert,quantity,probability,value[,weight]` CSV text.
pub fn parse_judgements(text: &str, file: &str) -> Result<Vec<Judgement>, Error> {
    let rows = csvin::read(
        text,
        file,
        &["expert", "quantity", "probability", "value"],
        &["weight"],
    )?;
    let mut out: Vec<Judgement> = Vec::new();
    // (expert, quantity) → indices in `out`
    let mut by_pair: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for r in rows {
        let line = r.line;
        let expert = csvin::required(file, line, "expert", &r.values[0])?.to_string();
        let quantity = csvin::required(file, line, "quantity", &r.values[1])?.to_string();
        let probability = csvin::number(file, line, "probability", &r.values[2])?;
        if !(probability > 0.0 && probability < 1.0) {
            return Err(Error::input(
                file,
                line,
                "probability",
                format!("{probability} is not allowed; a cumulative probability strictly between 0 and 1 (e.g. 0.05, 0.5, 0.95)"),
            ));
        }
        let value = csvin::number(file, line, "value", &r.values[3])?;
        if value.abs() > MAX_ABS_VALUE {
            return Err(Error::input(
                file,
                line,
                "value",
                format!("{value:e} is not allowed; a value is between -{MAX_ABS_VALUE:e} and {MAX_ABS_VALUE:e}"),
            ));
        }
        let weight = match &r.values[4] {
            None => None,
            v => {
                let w = csvin::number(file, line, "weight", v)?;
                if w < 0.0 {
                    return Err(Error::input(
                        file,
                        line,
                        "weight",
                        format!("{w} is not allowed; a weight is ≥ 0"),
                    ));
                }
                Some(w)
            }
        };
        let earlier = by_pair
            .entry((expert.clone(), quantity.clone()))
            .or_default();
        for o in earlier.iter().map(|&i| &out[i]) {
            if o.probability == probability {
                return Err(Error::input(file, line, "probability", format!("expert `{expert}` already gave the {probability} point of `{quantity}` on line {}", o.line)));
            }
            if (o.probability < probability) != (o.value < value) || o.value == value {
                return Err(Error::input(file, line, "value", format!("{value} at probability {probability} contradicts line {} ({} at {}); values must increase with probability", o.line, o.value, o.probability)));
            }
            if o.weight != weight {
                return Err(Error::input(file, line, "weight", format!("expert `{expert}` gave weight {:?} for `{quantity}` on line {}; one weight per expert and quantity", o.weight, o.line)));
            }
        }
        earlier.push(out.len());
        out.push(Judgement {
            expert,
            quantity,
            probability,
            value,
            weight,
            line,
        });
    }
    check_counts(&out, file)?;
    // every expert × quantity needs at least two points for a two-parameter fit
    let mut counts: BTreeMap<(&str, &str), (usize, u64)> = BTreeMap::new();
    for j in &out {
        let e = counts
            .entry((&j.expert, &j.quantity))
            .or_insert((0, j.line));
        e.0 += 1;
        e.1 = j.line;
    }
    for ((e, q), (n, line)) in counts {
        if n < 2 {
            return Err(Error::input(file, line, "probability", format!("expert `{e}` gave only {n} point for `{q}`; at least 2 points (e.g. 0.05, 0.5, 0.95) are needed")));
        }
    }
    Ok(out)
}

/// A fitted family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub family: Family,
    pub params: [f64; 2],
    pub sse: f64,
}

/// One expert's fits for one quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpertFit {
    pub expert: String,
    /// Normalised pool weight.
    pub weight: f64,
    /// (probability, value) points as stated.
    pub points: Vec<(f64, f64)>,
    /// Every family the support allows, in family order.
    pub fits: Vec<Fit>,
    /// The best (smallest SSE) fit.
    pub best: Fit,
}

/// The result for one quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityResult {
    pub quantity: String,
    pub experts: Vec<ExpertFit>,
    pub pooled_mean: f64,
    pub pooled_p05: f64,
    pub pooled_p50: f64,
    pub pooled_p95: f64,
    /// The pooled distribution (mixture of each expert's best fit).
    pub pooled: Prior,
}

/// Minimise `f` over R^k by Nelder–Mead from `x0` with initial steps `step`.
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    x0: &[f64],
    step: &[f64],
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let k = x0.len();
    let eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(k + 1);
    simplex.push((x0.to_vec(), eval(x0)));
    for i in 0..k {
        let mut x = x0.to_vec();
        x[i] += step[i];
        let v = eval(&x);
        simplex.push((x, v));
    }
    for _ in 0..max_iter {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[k].1);
        if (worst - best).abs() <= 1e-15 * (1.0 + best.abs()) && worst.is_finite() {
            break;
        }
        let centroid: Vec<f64> = (0..k)
            .map(|j| simplex[..k].iter().map(|s| s.0[j]).sum::<f64>() / k as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..k)
                .map(|j| centroid[j] + t * (simplex[k].0[j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = eval(&xr);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = eval(&xe);
            simplex[k] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[k - 1].1 {
            simplex[k] = (xr, fr);
        } else {
            let (xc, fc) = if fr < simplex[k].1 {
                let x = along(-0.5);
                let v = eval(&x);
                (x, v)
            } else {
                let x = along(0.5);
                let v = eval(&x);
                (x, v)
            };
            if fc < simplex[k].1.min(fr) {
                simplex[k] = (xc, fc);
            } else {
                let b = simplex[0].0.clone();
                for s in simplex.iter_mut().skip(1) {
                    for (sj, bj) in s.0.iter_mut().zip(&b) {
                        *sj = bj + 0.5 * (*sj - bj);
                    }
                    s.1 = eval(&s.0);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0)
}

fn sse(d: &Dist, points: &[(f64, f64)]) -> f64 {
    if d.validate().is_err() {
        return f64::INFINITY;
    }
    points
        .iter()
        .map(|&(p, x)| {
            let e = d.cdf(x) - p;
            e * e
        })
        .sum()
}

/// Normal-approximation guess of (mean, sd) from points, on the scale given by `t`.
fn normal_guess(points: &[(f64, f64)], t: impl Fn(f64) -> f64) -> (f64, f64) {
    let z = Normal::new(0.0, 1.0).expect("standard normal");
    // least squares of t(x) = m + s z(p)
    let zs: Vec<(f64, f64)> = points
        .iter()
        .map(|&(p, x)| (z.inverse_cdf(p), t(x)))
        .collect();
    let n = zs.len() as f64;
    let (mz, mx) = (
        zs.iter().map(|a| a.0).sum::<f64>() / n,
        zs.iter().map(|a| a.1).sum::<f64>() / n,
    );
    let szz: f64 = zs.iter().map(|a| (a.0 - mz).powi(2)).sum();
    let szx: f64 = zs.iter().map(|a| (a.0 - mz) * (a.1 - mx)).sum();
    let s = if szz > 0.0 { (szx / szz).abs() } else { 0.0 };
    let spread = zs.iter().map(|a| a.1).fold(f64::NEG_INFINITY, f64::max)
        - zs.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
    let s = if s > 0.0 { s } else { spread.max(1e-6) };
    (mx - s * mz, s)
}

/// Fit one family to the stated points; None when the support does not allow the values.
pub fn fit_family(family: Family, points: &[(f64, f64)]) -> Option<Fit> {
    let min = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let max = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let allowed = match family {
        Family::Normal => true,
        Family::Lognormal | Family::Gamma => min > 0.0,
        Family::Beta => min > 0.0 && max < 1.0,
    };
    if !allowed {
        return None;
    }
    // unconstrained parametrisation θ ↦ params
    let to_params = |t: &[f64]| -> [f64; 2] {
        match family {
            Family::Normal | Family::Lognormal => [t[0], t[1].exp()],
            Family::Gamma | Family::Beta => [t[0].exp(), t[1].exp()],
        }
    };
    let (m, s) = normal_guess(points, |x| x);
    let starts: Vec<Vec<f64>> = match family {
        Family::Normal => vec![vec![m, s.ln()]],
        Family::Lognormal => {
            let (lm, ls) = normal_guess(points, f64::ln);
            vec![vec![lm, ls.ln()]]
        }
        Family::Gamma => {
            let mean = m.max(min * 0.5).max(1e-12);
            let shape = (mean / s).powi(2).clamp(0.05, 1e4);
            let (lm, ls) = normal_guess(points, f64::ln);
            let shape2 = (1.0 / (ls * ls)).clamp(0.05, 1e4);
            let mean2 = (lm + ls * ls / 2.0).exp();
            vec![
                vec![shape.ln(), (shape / mean).ln()],
                vec![shape2.ln(), (shape2 / mean2).ln()],
                vec![0.0, (1.0 / mean).ln()],
            ]
        }
        Family::Beta => {
            let mean = m.clamp(1e-4, 1.0 - 1e-4);
            let var = (s * s).min(mean * (1.0 - mean) * 0.99).max(1e-12);
            let k = (mean * (1.0 - mean) / var - 1.0).max(0.1);
            vec![
                vec![(mean * k).ln(), ((1.0 - mean) * k).ln()],
                vec![0.0, 0.0],
            ]
        }
    };
    let obj = |t: &[f64]| {
        sse(
            &Dist {
                family,
                params: to_params(t),
            },
            points,
        )
    };
    let mut best: Option<(Vec<f64>, f64)> = None;
    for s0 in starts {
        let mut x = s0;
        let mut v = f64::INFINITY;
        // restart from the optimum until no improvement (guards against premature collapse)
        for _ in 0..4 {
            let (x1, v1) = nelder_mead(&obj, &x, &[0.3, 0.3], 2000);
            let improved = v1 < v - 1e-16;
            x = x1;
            v = v1;
            if !improved {
                break;
            }
        }
        let better = match &best {
            None => true,
            Some(b) => v < b.1,
        };
        if better {
            best = Some((x, v));
        }
    }
    let (x, v) = best?;
    if !v.is_finite() {
        return None;
    }
    Some(Fit {
        family,
        params: to_params(&x),
        sse: v,
    })
}

/// expert → (stated (probability, value) points, weight, last line).
type PointsByExpert<'a> = BTreeMap<&'a str, (Vec<(f64, f64)>, Option<f64>, u64)>;

/// Fit every expert on every quantity and pool them. An expert whose points no family fits
/// (finite sums of squares) is an input error naming the expert's last line.
pub fn elicit(judgements: &[Judgement], file: &str) -> Result<Vec<QuantityResult>, Error> {
    // quantity → expert → points (sorted by probability), weight
    let mut by_q: BTreeMap<&str, PointsByExpert> = BTreeMap::new();
    for j in judgements {
        let e = by_q
            .entry(&j.quantity)
            .or_default()
            .entry(&j.expert)
            .or_insert((Vec::new(), j.weight, j.line));
        e.0.push((j.probability, j.value));
        e.2 = e.2.max(j.line);
    }
    let mut out = Vec::new();
    for (q, experts) in by_q {
        // an absent or empty weight counts as 1
        let raw: Vec<f64> = experts.values().map(|e| e.1.unwrap_or(1.0)).collect();
        let total: f64 = raw.iter().sum();
        let raw: Vec<f64> = if total > 0.0 {
            raw.iter().map(|w| w / total).collect()
        } else {
            vec![1.0 / raw.len() as f64; raw.len()]
        };
        let mut efits = Vec::new();
        for ((name, (pts, _, line)), w) in experts.into_iter().zip(raw) {
            let mut pts = pts;
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let fits: Vec<Fit> = Family::ALL
                .iter()
                .filter_map(|&f| fit_family(f, &pts))
                .collect();
            // choose the smallest SSE; near-ties (1e-12) go to the earlier family
            let Some(first) = fits.first() else {
                return Err(Error::input(file, line, "value", format!("no distribution fits the points of `{name}` for `{q}` (normal, log-normal, gamma and beta all fail); check the values' scale")));
            };
            let mut best = first.clone();
            for f in &fits[1..] {
                if f.sse < best.sse - 1e-12 {
                    best = f.clone();
                }
            }
            efits.push(ExpertFit {
                expert: name.to_string(),
                weight: w,
                points: pts,
                fits,
                best,
            });
        }
        let pooled = Prior {
            name: q.to_string(),
            components: efits
                .iter()
                .filter(|e| e.weight > 0.0)
                .map(|e| Component {
                    weight: e.weight,
                    dist: Dist {
                        family: e.best.family,
                        params: e.best.params,
                    },
                })
                .collect(),
        };
        out.push(QuantityResult {
            quantity: q.to_string(),
            pooled_mean: pooled.mean(),
            pooled_p05: pooled.quantile(0.05),
            pooled_p50: pooled.quantile(0.5),
            pooled_p95: pooled.quantile(0.95),
            experts: efits,
            pooled,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pts_of(d: &Dist) -> Vec<(f64, f64)> {
        [0.05, 0.5, 0.95]
            .iter()
            .map(|&p| (p, d.quantile(p)))
            .collect()
    }

    #[test]
    fn recovers_exact_parameters() {
        let cases = [
            Dist {
                family: Family::Normal,
                params: [3.0, 2.0],
            },
            Dist {
                family: Family::Lognormal,
                params: [-2.0, 0.6],
            },
            Dist {
                family: Family::Gamma,
                params: [3.0, 20.0],
            },
            Dist {
                family: Family::Beta,
                params: [2.0, 12.0],
            },
        ];
        for d in cases {
            let f = fit_family(d.family, &pts_of(&d)).unwrap();
            assert!(f.sse < 1e-12, "{:?} {:?}", d, f);
            for i in 0..2 {
                assert!(
                    (f.params[i] - d.params[i]).abs() < 1e-3 * d.params[i].abs().max(1.0),
                    "{:?} {:?}",
                    d,
                    f
                );
            }
        }
    }

    #[test]
    fn best_fit_picks_true_family_and_support_rules() {
        let d = Dist {
            family: Family::Lognormal,
            params: [0.0, 1.0],
        };
        let js: Vec<Judgement> = pts_of(&d)
            .into_iter()
            .map(|(p, v)| Judgement {
                expert: "a".into(),
                quantity: "q".into(),
                probability: p,
                value: v,
                weight: None,
                line: 0,
            })
            .collect();
        let r = elicit(&js, "j.csv").unwrap();
        let e = &r[0].experts[0];
        assert_eq!(e.best.family, Family::Lognormal);
        // values > 1 → no beta fit
        assert!(e.fits.iter().all(|f| f.family != Family::Beta));
        assert!((r[0].pooled_p50 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn linear_pool_of_two_experts() {
        let text = "expert,quantity,probability,value,weight\n\
                    a,q,0.05,1,1\na,q,0.5,2,1\na,q,0.95,3,1\n\
                    b,q,0.05,11,3\nb,q,0.5,12,3\nb,q,0.95,13,3\n";
        let js = parse_judgements(text, "j.csv").unwrap();
        let r = elicit(&js, "j.csv").unwrap();
        assert_eq!(r[0].experts[0].weight, 0.25);
        // mean ≈ 0.25·2 + 0.75·12 = 9.5; median lies in b's mass
        assert!(
            (r[0].pooled_mean - 9.5).abs() < 0.05,
            "{}",
            r[0].pooled_mean
        );
        assert!(r[0].pooled_p05 < 3.0 && r[0].pooled_p50 > 11.0);
    }

    #[test]
    fn parse_errors() {
        let e = parse_judgements("expert,quantity,probability,value\na,q,1.5,2\n", "j.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("probability"), "{e}");
        let e = parse_judgements(
            "expert,quantity,probability,value\na,q,0.1,2\na,q,0.5,1\n",
            "j.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3") && e.contains("value"), "{e}");
        let e = parse_judgements("expert,quantity,probability,value\na,q,0.1,x\n", "j.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`value`"), "{e}");
        let e = parse_judgements("expert,quantity,probability,value\na,q,0.1,2\n", "j.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least 2 points"), "{e}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn pooled_quantiles_monotone(m1 in 0.1f64..5.0, m2 in 0.1f64..5.0, s1 in 0.1f64..1.0, s2 in 0.1f64..1.0) {
            let mut js = Vec::new();
            for (e, m, s) in [("a", m1, s1), ("b", m2, s2)] {
                for (p, k) in [(0.05, -1.0), (0.5, 0.0), (0.95, 1.0)] {
                    js.push(Judgement { expert: e.into(), quantity: "q".into(), probability: p, value: m * (1.0 + s * k * 0.9), weight: None, line: 0 });
                }
            }
            let r = &elicit(&js, "j.csv").unwrap()[0];
            prop_assert!(r.pooled_p05 <= r.pooled_p50 && r.pooled_p50 <= r.pooled_p95);
            let qs: Vec<f64> = (1..20).map(|i| r.pooled.quantile(i as f64 / 20.0)).collect();
            prop_assert!(qs.windows(2).all(|w| w[0] <= w[1] + 1e-9));
        }
    }
}
