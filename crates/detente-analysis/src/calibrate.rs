//! Calibration of the crisis layer to ICB crises. The likelihood of a crisis is the model's
//! exact probability ([`max_rung_distribution`], rungs 3 and 4 pooled) of its observed
//! violence level; the fitted parameters maximise the sum of log-likelihoods minus an L2
//! penalty `lambda * sum(effect^2)` on the effects (not the thresholds), with `lambda` chosen
//! by k-fold cross-validated RPS from a grid. Standard errors come from the inverse of the
//! numerically differentiated Hessian of the penalised negative log-likelihood (a Laplace
//! approximation of the posterior under the Gaussian prior the penalty implies). The fit is
//! reported in-sample and cross-validated beside two baselines fitted on the same folds: the
//! training frequencies and an ordered logit. Crises triggered from [`HOLDOUT_YEAR`] on and
//! crises without a `viol` code are never used for fitting.

use crate::icb::{missing_counts, IcbCrisis, Imputation, COVARIATES, HOLDOUT_YEAR};
use crate::optim::{bfgs, hessian, spd_inverse};
use crate::ordlogit::OrderedLogit;
use crate::score::{rungs_to_levels, score, Scores, LEVELS};
use detente_engine::{max_rung_distribution, CrisisInputs, ModelParams, SideTerms};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

/// Parameters fitted by default. `deescalation_base` and `deescalation_gravity` are held at
/// their defaults: with only the highest rung observed, the base de-escalation rate trades
/// off against the thresholds and the gravity effect on de-escalation against `beta_gravity`
/// (see docs/validation.md).
pub const FITTED: [&str; 11] = [
    "threshold_1",
    "threshold_2",
    "threshold_3",
    "beta_gravity",
    "beta_protracted",
    "beta_power_involvement",
    "beta_actors",
    "beta_power_discrepancy",
    "deescalation_mediation",
    "deescalation_global_org",
    "deescalation_regional_org",
];

/// Crisis-layer parameters that are not fitted but enter the likelihood; their values are
/// recorded in the parameter file so that predictions reproduce the fit.
pub const FIXED_IN_FIT: [&str; 10] = [
    "threshold_4",
    "deescalation_base",
    "deescalation_gravity",
    "crisis_rounds",
    "misperception_sd",
    "first_strike_fear",
    "preemption_threshold",
    "preemption_steepness",
    "preemption_max",
    "nuclear_shadow",
];

/// How to calibrate.
#[derive(Clone, Debug)]
pub struct CalibrationOptions {
    /// Names of the parameters to fit (a subset of the crisis layer's).
    pub fitted: Vec<String>,
    /// Folds of cross-validation (0 or 1: none).
    pub folds: usize,
    /// Candidate L2 penalties; the one with the lowest cross-validated RPS is used.
    pub penalties: Vec<f64>,
    /// Iteration limit of each BFGS fit.
    pub max_iter: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Starting (and fixed) parameter values.
    pub base: ModelParams,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            fitted: FITTED.iter().map(|s| s.to_string()).collect(),
            folds: 5,
            penalties: vec![0.0, 1.0, 4.0, 16.0],
            max_iter: 200,
            seed: 1,
            base: ModelParams::default(),
        }
    }
}

/// Training data: complete inputs and observed levels.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub crisno: Vec<i64>,
    pub inputs: Vec<CrisisInputs>,
    pub xs: Vec<[f64; COVARIATES]>,
    pub ys: Vec<usize>,
}

/// Which crises were left out of the fit, and why.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Exclusions {
    /// Crises triggered in or after 1990 (held out, never fitted).
    pub held_out_1990_on: usize,
    /// Crises without a valid `viol` code.
    pub no_violence_code: usize,
}

/// Select the training crises and their imputation rule (medians over the training crises).
pub fn prepare(crises: &[IcbCrisis]) -> (Dataset, Imputation, Exclusions) {
    let mut ex = Exclusions::default();
    let train: Vec<&IcbCrisis> = crises
        .iter()
        .filter(|c| {
            if c.yrtrig.is_some_and(|y| y >= HOLDOUT_YEAR) {
                ex.held_out_1990_on += 1;
                false
            } else if c.level.is_none() {
                ex.no_violence_code += 1;
                false
            } else {
                true
            }
        })
        .collect();
    let owned: Vec<IcbCrisis> = train.iter().map(|c| (*c).clone()).collect();
    let imp = Imputation::medians(&owned);
    let data = Dataset {
        crisno: owned.iter().map(|c| c.crisno).collect(),
        inputs: owned.iter().map(|c| imp.inputs(&c.covariates)).collect(),
        xs: owned.iter().map(|c| imp.complete(&c.covariates)).collect(),
        ys: owned.iter().map(|c| c.level.unwrap_or(0)).collect(),
    };
    (data, imp, ex)
}

/// The model's probabilities of the four levels for one crisis.
pub fn model_levels(params: &ModelParams, inputs: &CrisisInputs) -> [f64; LEVELS] {
    rungs_to_levels(&max_rung_distribution(
        params,
        inputs,
        &SideTerms::historical(params),
    ))
}

fn with_values(base: &ModelParams, names: &[String], theta: &[f64]) -> ModelParams {
    let mut p = base.clone();
    for (n, v) in names.iter().zip(theta) {
        p.set(n, *v);
    }
    p
}

fn is_threshold(name: &str) -> bool {
    name.starts_with("threshold_")
}

/// Penalised negative log-likelihood of the crisis layer on `idx` of `data`.
fn model_nll(
    base: &ModelParams,
    names: &[String],
    penalty: f64,
    data: &Dataset,
    idx: &[usize],
    theta: &[f64],
) -> f64 {
    let p = with_values(base, names, theta);
    let terms: Vec<f64> = idx
        .par_iter()
        .map(|&i| {
            -model_levels(&p, &data.inputs[i])[data.ys[i]]
                .max(1e-300)
                .ln()
        })
        .collect();
    let pen: f64 = names
        .iter()
        .zip(theta)
        .filter(|(n, _)| !is_threshold(n))
        .map(|(_, v)| v * v)
        .sum();
    terms.iter().sum::<f64>() + penalty * pen
}

fn fit_model(
    opts: &CalibrationOptions,
    penalty: f64,
    data: &Dataset,
    idx: &[usize],
    start: &[f64],
) -> (Vec<f64>, f64, usize, bool) {
    let f = |t: &[f64]| model_nll(&opts.base, &opts.fitted, penalty, data, idx, t);
    let m = bfgs(&f, start, opts.max_iter, 1e-4);
    (m.x, m.f, m.iterations, m.converged)
}

fn frequencies(ys: &[usize], idx: &[usize]) -> [f64; LEVELS] {
    // Add-half smoothing so no level has probability zero.
    let mut c = [0.5; LEVELS];
    for &i in idx {
        c[ys[i]] += 1.0;
    }
    let s: f64 = c.iter().sum();
    c.map(|v| v / s)
}

/// Scores of the three forecasters.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub model: Scores,
    pub frequencies: Scores,
    pub ordered_logit: Scores,
}

/// Cross-validated RPS for one candidate penalty.
#[derive(Clone, Debug, Serialize)]
pub struct PenaltyChoice {
    pub penalty: f64,
    pub cv_rps: f64,
    pub cv_log_loss: f64,
}

/// One fitted parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Estimate {
    pub name: String,
    pub value: f64,
    pub se: f64,
}

/// Everything a calibration produces.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    pub n_crises: usize,
    pub excluded: Exclusions,
    pub missing: Vec<(String, usize)>,
    pub imputation: Imputation,
    pub estimates: Vec<Estimate>,
    pub covariance: Vec<Vec<f64>>,
    /// True if the Hessian was not positive definite and a small ridge was added to invert it.
    pub covariance_regularised: bool,
    pub fixed: Vec<(String, f64)>,
    pub penalty: f64,
    pub penalty_grid: Vec<PenaltyChoice>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    pub folds: usize,
    pub in_sample: Comparison,
    pub cross_validated: Option<Comparison>,
    pub training_frequencies: [f64; LEVELS],
    pub ordered_logit: OrderedLogit,
}

impl Calibration {
    /// The fitted parameters applied to `base`.
    pub fn params(&self, base: &ModelParams) -> ModelParams {
        let mut p = base.clone();
        for (n, v) in &self.fixed {
            p.set(n, *v);
        }
        for e in &self.estimates {
            p.set(&e.name, e.value);
        }
        p
    }
}

fn fold_of(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let mut fold = vec![0; n];
    for (rank, &i) in order.iter().enumerate() {
        fold[i] = rank % folds;
    }
    fold
}

/// Forecasts of the four levels, one per crisis.
type Forecasts = Vec<[f64; LEVELS]>;

/// Cross-validated forecasts of the model (for `penalty`), the frequencies and the ordered logit.
fn cross_validate(
    opts: &CalibrationOptions,
    data: &Dataset,
    penalty: f64,
    start: &[f64],
    fold: &[usize],
) -> (Forecasts, Forecasts, Forecasts) {
    let n = data.ys.len();
    let mut fm = vec![[0.0; LEVELS]; n];
    let mut ff = fm.clone();
    let mut fo = fm.clone();
    for k in 0..opts.folds {
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != k).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == k).collect();
        let (theta, ..) = fit_model(opts, penalty, data, &train, start);
        let p = with_values(&opts.base, &opts.fitted, &theta);
        let freq = frequencies(&data.ys, &train);
        let txs: Vec<_> = train.iter().map(|&i| data.xs[i]).collect();
        let tys: Vec<_> = train.iter().map(|&i| data.ys[i]).collect();
        let ol = OrderedLogit::fit(&txs, &tys, 0.0);
        for &i in &test {
            fm[i] = model_levels(&p, &data.inputs[i]);
            ff[i] = freq;
            fo[i] = ol.predict(&data.xs[i]);
        }
    }
    (fm, ff, fo)
}

/// Calibrate the crisis layer to ICB crises. `progress` is told what is being done.
pub fn calibrate(
    crises: &[IcbCrisis],
    opts: &CalibrationOptions,
    progress: &dyn Fn(&str),
) -> Result<Calibration, String> {
    for n in &opts.fitted {
        if opts.base.get(n).is_none() {
            return Err(format!("no model parameter called `{n}`"));
        }
    }
    if opts.penalties.is_empty() || opts.penalties.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
        return Err("penalties must be one or more non-negative numbers".into());
    }
    let (data, imp, excluded) = prepare(crises);
    let n = data.ys.len();
    if n < 10 {
        return Err(format!(
            "only {n} crises with a violence code before {HOLDOUT_YEAR}: at least 10 are needed"
        ));
    }
    let all: Vec<usize> = (0..n).collect();
    let start: Vec<f64> = opts
        .fitted
        .iter()
        .map(|nm| opts.base.get(nm).unwrap_or(0.0))
        .collect();
    let folds = if opts.folds >= 2 {
        opts.folds.min(n)
    } else {
        0
    };
    let fold = if folds >= 2 {
        fold_of(n, folds, opts.seed)
    } else {
        vec![0; n]
    };
    let cv_opts = CalibrationOptions {
        folds,
        ..opts.clone()
    };

    // A first unpenalised-or-smallest-penalty fit gives the starting point for everything else.
    let first_pen = opts.penalties.iter().cloned().fold(f64::INFINITY, f64::min);
    progress(&format!(
        "fitting {} parameters to {n} crises",
        opts.fitted.len()
    ));
    let (mut theta, mut fval, mut iters, mut conv) =
        fit_model(opts, first_pen, &data, &all, &start);

    let mut grid = Vec::new();
    let mut best_pen = first_pen;
    let mut cv = None;
    if folds >= 2 {
        let mut best = f64::INFINITY;
        for &pen in &opts.penalties {
            progress(&format!("{folds}-fold cross-validation, penalty {pen}"));
            let (fm, ff, fo) = cross_validate(&cv_opts, &data, pen, &theta, &fold);
            let s = score(&fm, &data.ys);
            grid.push(PenaltyChoice {
                penalty: pen,
                cv_rps: s.rps,
                cv_log_loss: s.log_loss,
            });
            if s.rps < best {
                best = s.rps;
                best_pen = pen;
                cv = Some(Comparison {
                    model: s,
                    frequencies: score(&ff, &data.ys),
                    ordered_logit: score(&fo, &data.ys),
                });
            }
        }
        if best_pen != first_pen {
            progress(&format!("refitting with penalty {best_pen}"));
            let start2 = theta.clone();
            (theta, fval, iters, conv) = fit_model(opts, best_pen, &data, &all, &start2);
        }
    }

    progress("standard errors from the Hessian");
    let f = |t: &[f64]| model_nll(&opts.base, &opts.fitted, best_pen, &data, &all, t);
    let h = hessian(&f, &theta);
    let (covariance, regularised) = match spd_inverse(&h) {
        Some(c) => (c, false),
        None => {
            let mut hr = h.clone();
            let scale = h
                .iter()
                .enumerate()
                .map(|(i, r)| r[i].abs())
                .fold(1e-8, f64::max);
            for (i, row) in hr.iter_mut().enumerate() {
                row[i] += 1e-6 * scale;
            }
            match spd_inverse(&hr) {
                Some(c) => (c, true),
                None => return Err("the Hessian at the optimum is not positive definite: parameters not identified".into()),
            }
        }
    };
    let estimates = opts
        .fitted
        .iter()
        .zip(&theta)
        .enumerate()
        .map(|(i, (nm, v))| Estimate {
            name: nm.clone(),
            value: *v,
            se: covariance[i][i].max(0.0).sqrt(),
        })
        .collect();

    let fitted = with_values(&opts.base, &opts.fitted, &theta);
    let fm: Vec<_> = data
        .inputs
        .iter()
        .map(|x| model_levels(&fitted, x))
        .collect();
    let freq = frequencies(&data.ys, &all);
    let ol = OrderedLogit::fit(&data.xs, &data.ys, 0.0);
    let fo: Vec<_> = data.xs.iter().map(|x| ol.predict(x)).collect();
    let in_sample = Comparison {
        model: score(&fm, &data.ys),
        frequencies: score(&vec![freq; n], &data.ys),
        ordered_logit: score(&fo, &data.ys),
    };
    let miss = missing_counts(crises);
    Ok(Calibration {
        n_crises: n,
        excluded,
        missing: crate::icb::COVARIATE_NAMES
            .iter()
            .zip(miss)
            .map(|(a, b)| (a.to_string(), b))
            .collect(),
        imputation: imp,
        estimates,
        covariance,
        covariance_regularised: regularised,
        fixed: FIXED_IN_FIT
            .iter()
            .filter(|n| !opts.fitted.iter().any(|f| f == *n))
            .map(|n| (n.to_string(), opts.base.get(n).unwrap_or(0.0)))
            .collect(),
        penalty: best_pen,
        penalty_grid: grid,
        log_likelihood: -(fval - best_pen * theta_pen(&opts.fitted, &theta)),
        iterations: iters,
        converged: conv,
        folds,
        in_sample,
        cross_validated: cv,
        training_frequencies: freq,
        ordered_logit: ol,
    })
}

fn theta_pen(names: &[String], theta: &[f64]) -> f64 {
    names
        .iter()
        .zip(theta)
        .filter(|(n, _)| !is_threshold(n))
        .map(|(_, v)| v * v)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icb::Covariates;

    /// Simulate crises from known parameters and check the fit moves toward them.
    #[test]
    fn recovers_thresholds_from_simulated_crises() {
        let truth = ModelParams {
            threshold_1: 1.2,
            threshold_2: 2.8,
            ..ModelParams::default()
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut crises = Vec::new();
        for i in 0..300 {
            let cov: Covariates = [
                Some(rng.random_range(0..=6) as f64 / 6.0),
                Some((rng.random::<f64>() < 0.5) as u8 as f64),
                Some(rng.random_range(0..=6) as f64 / 6.0),
                Some(rng.random_range(2..8) as f64),
                Some(rng.random()),
                Some(0.0),
                Some(0.0),
                Some(0.0),
            ];
            let imp = Imputation::medians(&[]);
            let p = model_levels(&truth, &imp.inputs(&cov));
            let y = crate::score::draw_level(&p, rng.random());
            crises.push(IcbCrisis {
                line: i + 2,
                crisno: i as i64,
                name: String::new(),
                yrtrig: Some(1950),
                level: Some(y),
                covariates: cov,
            });
        }
        let opts = CalibrationOptions {
            fitted: vec!["threshold_1".into(), "threshold_2".into()],
            folds: 0,
            penalties: vec![0.0],
            max_iter: 50,
            ..Default::default()
        };
        let c = calibrate(&crises, &opts, &|_| {}).unwrap();
        for (e, t) in c.estimates.iter().zip([1.2, 2.8]) {
            assert!(
                (e.value - t).abs() < 3.0 * e.se + 0.05,
                "{} = {} ± {} vs {t}",
                e.name,
                e.value,
                e.se
            );
            assert!(e.se > 0.0 && e.se < 1.0);
        }
        assert!(c.in_sample.model.rps <= c.in_sample.frequencies.rps + 0.01);
    }
}
