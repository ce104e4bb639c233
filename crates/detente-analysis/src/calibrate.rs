//! Calibration of the crisis layer to ICB crises. The likelihood of a crisis is the model's
//! exact probability ([`max_rung_distribution`], rungs 3 and 4 pooled) of its observed
//! violence level, given what was known when the crisis began (its trigger class, which sets
//! the start-rung distribution and shifts the propensity, and its covariates); the fitted
//! parameters maximise the sum of log-likelihoods minus an L2 penalty `lambda * sum(effect^2)`
//! on the effects (not the thresholds and start-rung log-odds). `lambda` is chosen by
//! forward-chaining validation ([`forward_chaining`]): fit on crises triggered up to 1949 and
//! score those of the 1950s, up to 1959 and score the 1960s, and so on to the 1980s, pooled;
//! random folds would hide drift over time. Standard errors come from the inverse of the
//! numerically differentiated Hessian of the penalised negative log-likelihood (a Laplace
//! approximation of the posterior under the Gaussian prior the penalty implies). The fit is
//! reported in-sample and forward-chained beside three baselines fitted on the same windows:
//! the training frequencies (climatology), an ordered logit and a multinomial logit on the
//! same inputs. Crises triggered from [`HOLDOUT_YEAR`] on and crises without a `viol` code are
//! never used for fitting.

use crate::icb::{missing_counts, IcbCrisis, Imputation, COVARIATES, HOLDOUT_YEAR};
use crate::mnlogit::MultinomialLogit;
use crate::optim::{bfgs, hessian, spd_inverse};
use crate::ordlogit::OrderedLogit;
use crate::score::{rps, rungs_to_levels, score, Scores, LEVELS};
use detente_engine::{max_rung_distribution, CrisisInputs, ModelParams, SideTerms};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

/// Parameters fitted by default. `deescalation_base` and `deescalation_gravity` are held at
/// their defaults: with only the highest rung observed, the base de-escalation rate trades
/// off against the thresholds and the gravity effect on de-escalation against `beta_gravity`
/// (see docs/validation.md).
pub const FITTED: [&str; 17] = [
    "threshold_1",
    "threshold_2",
    "threshold_3",
    "start_clash_indirect",
    "onset_military",
    "onset_indirect",
    "onset_violent",
    "beta_gravity",
    "beta_protracted",
    "beta_power_involvement",
    "beta_actors",
    "beta_power_discrepancy",
    "beta_europe",
    "beta_system_level",
    "deescalation_mediation",
    "deescalation_global_org",
    "deescalation_regional_org",
];

/// Crisis-layer parameters that are not fitted but enter the likelihood; their values are
/// recorded in the parameter file so that predictions reproduce the fit.
pub const FIXED_IN_FIT: [&str; 9] = [
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

/// Whether `name` is a parameter of the crisis layer (one the likelihood depends on).
pub fn is_crisis_layer(name: &str) -> bool {
    FITTED.contains(&name) || FIXED_IN_FIT.contains(&name)
}

/// The forward-chaining windows: (fit on crises triggered up to, score from, score to).
pub const FORWARD_WINDOWS: [(i64, i64, i64); 4] = [
    (1949, 1950, 1959),
    (1959, 1960, 1969),
    (1969, 1970, 1979),
    (1979, 1980, 1989),
];

/// How to calibrate.
#[derive(Clone, Debug)]
pub struct CalibrationOptions {
    /// Names of the parameters to fit (a subset of the crisis layer's).
    pub fitted: Vec<String>,
    /// Folds of cross-validation, reported for comparison only (0 or 1: none).
    pub folds: usize,
    /// Candidate L2 penalties; the one with the lowest pooled forward-chaining RPS is used.
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
            folds: 0,
            penalties: vec![1.0, 4.0, 16.0, 64.0],
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

impl Dataset {
    /// The crises (each with a level) with missing covariates filled by `imp`.
    pub fn new(crises: &[&IcbCrisis], imp: &Imputation) -> Dataset {
        Dataset {
            crisno: crises.iter().map(|c| c.crisno).collect(),
            inputs: crises.iter().map(|c| imp.inputs(&c.covariates)).collect(),
            xs: crises.iter().map(|c| imp.complete(&c.covariates)).collect(),
            ys: crises.iter().map(|c| c.level.unwrap_or(0)).collect(),
        }
    }
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
    (Dataset::new(&train, &imp), imp, ex)
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

/// Thresholds and start-rung log-odds are intercepts: the penalty leaves them alone.
fn is_unpenalised(name: &str) -> bool {
    name.starts_with("threshold_") || name.starts_with("start_")
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
    terms.iter().sum::<f64>() + penalty * theta_pen(names, theta)
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

/// Scores of the four forecasters (the model and three baselines).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub model: Scores,
    pub frequencies: Scores,
    pub ordered_logit: Scores,
    pub multinomial_logit: Scores,
}

/// One number per forecaster.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct PerForecaster {
    pub model: f64,
    pub climatology: f64,
    pub ordered_logit: f64,
    pub multinomial_logit: f64,
}

/// One row of the forward-chaining table: fit on crises triggered up to `fit_until`, score
/// the crises triggered from `scored_from` to `scored_to`. The pooled row scores every
/// window's crises together (`pooled` true, `fit_until` the last window's).
#[derive(Clone, Debug, Serialize)]
pub struct ForwardRow {
    pub window: String,
    pub pooled: bool,
    pub fit_until: i64,
    pub scored_from: i64,
    pub scored_to: i64,
    /// Crises scored.
    pub n: usize,
    /// Crises the window's fit saw.
    pub n_fit: usize,
    pub rps: PerForecaster,
    pub log_loss: PerForecaster,
}

/// Pooled forward-chaining RPS for one candidate penalty, by forecaster (each baseline is
/// penalised with the same candidate).
#[derive(Clone, Debug, Serialize)]
pub struct PenaltyChoice {
    pub penalty: f64,
    pub rps: PerForecaster,
}

/// Forecasts made for one forward-chaining window.
#[derive(Clone, Debug)]
pub struct WindowForecasts {
    pub fit_until: i64,
    pub scored_from: i64,
    pub scored_to: i64,
    /// Crises the fit saw (crisis numbers).
    pub fitted_on: Vec<i64>,
    /// Crises scored (crisis numbers) and their observed levels.
    pub scored: Vec<i64>,
    pub observed: Vec<usize>,
    pub model: Vec<[f64; LEVELS]>,
    pub climatology: Vec<[f64; LEVELS]>,
    pub ordered_logit: Vec<[f64; LEVELS]>,
    pub multinomial_logit: Vec<[f64; LEVELS]>,
}

/// The crises a window fits on (triggered up to `fit_until`, with a level) and the crises it
/// scores (triggered from `from` to `to`, with a level). Crises without a year are in neither.
pub fn forward_split(
    crises: &[IcbCrisis],
    fit_until: i64,
    from: i64,
    to: i64,
) -> (Vec<&IcbCrisis>, Vec<&IcbCrisis>) {
    let usable = |c: &&IcbCrisis| c.level.is_some() && c.yrtrig.is_some_and(|y| y < HOLDOUT_YEAR);
    let train = crises
        .iter()
        .filter(usable)
        .filter(|c| c.yrtrig.is_some_and(|y| y <= fit_until))
        .collect();
    let test = crises
        .iter()
        .filter(usable)
        .filter(|c| c.yrtrig.is_some_and(|y| (from..=to).contains(&y)))
        .collect();
    (train, test)
}

/// Forward-chaining forecasts of the model and the three baselines, all fitted with
/// `penalty`, window by window. Each window's fit, imputation medians and training
/// frequencies come from its training crises alone.
pub fn forward_chaining(
    crises: &[IcbCrisis],
    opts: &CalibrationOptions,
    penalty: f64,
    start: &[f64],
) -> Vec<WindowForecasts> {
    FORWARD_WINDOWS
        .iter()
        .map(|&(until, from, to)| {
            let (train, test) = forward_split(crises, until, from, to);
            let owned: Vec<IcbCrisis> = train.iter().map(|c| (*c).clone()).collect();
            let imp = Imputation::medians(&owned);
            let tr = Dataset::new(&train, &imp);
            let te = Dataset::new(&test, &imp);
            let all: Vec<usize> = (0..tr.ys.len()).collect();
            let (theta, ..) = fit_model(opts, penalty, &tr, &all, start);
            let p = with_values(&opts.base, &opts.fitted, &theta);
            let freq = frequencies(&tr.ys, &all);
            let ol = OrderedLogit::fit(&tr.xs, &tr.ys, penalty);
            let mnl = MultinomialLogit::fit(&tr.xs, &tr.ys, penalty);
            WindowForecasts {
                fit_until: until,
                scored_from: from,
                scored_to: to,
                fitted_on: tr.crisno.clone(),
                scored: te.crisno.clone(),
                observed: te.ys.clone(),
                model: te.inputs.iter().map(|x| model_levels(&p, x)).collect(),
                climatology: vec![freq; te.ys.len()],
                ordered_logit: te.xs.iter().map(|x| ol.predict(x)).collect(),
                multinomial_logit: te.xs.iter().map(|x| mnl.predict(x)).collect(),
            }
        })
        .collect()
}

/// The forward-chaining table: a row per window and a pooled row.
pub fn forward_table(windows: &[WindowForecasts]) -> Vec<ForwardRow> {
    let row = |name: String,
               pooled: bool,
               (until, from, to): (i64, i64, i64),
               n_fit: usize,
               ws: &[&WindowForecasts]| {
        let cat = |f: fn(&WindowForecasts) -> &Vec<[f64; LEVELS]>| -> Vec<[f64; LEVELS]> {
            ws.iter().flat_map(|w| f(w).iter().copied()).collect()
        };
        let ys: Vec<usize> = ws.iter().flat_map(|w| w.observed.iter().copied()).collect();
        let s = [
            score(&cat(|w| &w.model), &ys),
            score(&cat(|w| &w.climatology), &ys),
            score(&cat(|w| &w.ordered_logit), &ys),
            score(&cat(|w| &w.multinomial_logit), &ys),
        ];
        let per = |g: fn(&Scores) -> f64| PerForecaster {
            model: g(&s[0]),
            climatology: g(&s[1]),
            ordered_logit: g(&s[2]),
            multinomial_logit: g(&s[3]),
        };
        ForwardRow {
            window: name,
            pooled,
            fit_until: until,
            scored_from: from,
            scored_to: to,
            n: ys.len(),
            n_fit,
            rps: per(|s| s.rps),
            log_loss: per(|s| s.log_loss),
        }
    };
    let mut rows: Vec<ForwardRow> = windows
        .iter()
        .map(|w| {
            row(
                format!("{}-{}", w.scored_from, w.scored_to),
                false,
                (w.fit_until, w.scored_from, w.scored_to),
                w.fitted_on.len(),
                &[w],
            )
        })
        .collect();
    if let (Some(first), Some(last)) = (windows.first(), windows.last()) {
        let all: Vec<&WindowForecasts> = windows.iter().collect();
        rows.push(row(
            "pooled".into(),
            true,
            (last.fit_until, first.scored_from, last.scored_to),
            last.fitted_on.len(),
            &all,
        ));
    }
    rows
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
    /// The penalty used, chosen by pooled forward-chaining RPS.
    pub penalty: f64,
    /// Pooled forward-chaining RPS by candidate penalty.
    pub penalty_grid: Vec<PenaltyChoice>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    /// Forward-chaining validation at the chosen penalty (each baseline at the penalty that
    /// scores best for it): a row per window, then the pooled row.
    pub forward_chaining: Vec<ForwardRow>,
    /// Penalties of the baselines in `forward_chaining` (ordered logit, multinomial logit).
    pub baseline_penalties: [f64; 2],
    pub folds: usize,
    pub in_sample: Comparison,
    /// k-fold cross-validation at the chosen penalty, for comparison only (random folds hide
    /// drift over time; the penalty is not chosen by it).
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

/// Cross-validated forecasts of the model, the frequencies, the ordered and the multinomial
/// logit, all for `penalty`.
fn cross_validate(
    opts: &CalibrationOptions,
    data: &Dataset,
    penalty: f64,
    start: &[f64],
    fold: &[usize],
) -> [Forecasts; 4] {
    let n = data.ys.len();
    let mut out: [Forecasts; 4] = std::array::from_fn(|_| vec![[0.0; LEVELS]; n]);
    for k in 0..opts.folds {
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != k).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == k).collect();
        let (theta, ..) = fit_model(opts, penalty, data, &train, start);
        let p = with_values(&opts.base, &opts.fitted, &theta);
        let freq = frequencies(&data.ys, &train);
        let txs: Vec<_> = train.iter().map(|&i| data.xs[i]).collect();
        let tys: Vec<_> = train.iter().map(|&i| data.ys[i]).collect();
        let ol = OrderedLogit::fit(&txs, &tys, penalty);
        let mnl = MultinomialLogit::fit(&txs, &tys, penalty);
        for &i in &test {
            out[0][i] = model_levels(&p, &data.inputs[i]);
            out[1][i] = freq;
            out[2][i] = ol.predict(&data.xs[i]);
            out[3][i] = mnl.predict(&data.xs[i]);
        }
    }
    out
}

fn compare(f: &[Forecasts; 4], ys: &[usize]) -> Comparison {
    Comparison {
        model: score(&f[0], ys),
        frequencies: score(&f[1], ys),
        ordered_logit: score(&f[2], ys),
        multinomial_logit: score(&f[3], ys),
    }
}

/// Calibrate the crisis layer to ICB crises. `progress` is told what is being done.
pub fn calibrate(
    crises: &[IcbCrisis],
    opts: &CalibrationOptions,
    progress: &dyn Fn(&str),
) -> Result<Calibration, String> {
    for n in &opts.fitted {
        if !is_crisis_layer(n) {
            return Err(format!(
                "`{n}` is not a parameter of the crisis layer (allowed: {}, {})",
                FITTED.join(", "),
                FIXED_IN_FIT.join(", ")
            ));
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
    if opts.folds > n {
        return Err(format!(
            "{} folds of cross-validation for {n} crises: allowed 0, or 2 to {n}",
            opts.folds
        ));
    }
    let all: Vec<usize> = (0..n).collect();
    let start: Vec<f64> = opts
        .fitted
        .iter()
        .map(|nm| opts.base.get(nm).unwrap_or(0.0))
        .collect();

    // Choose the penalty by pooled forward-chaining RPS; each baseline gets its own best.
    let mut grid = Vec::new();
    let mut runs: Vec<(f64, Vec<WindowForecasts>)> = Vec::new();
    let enough_history = FORWARD_WINDOWS.iter().all(|&(u, f, t)| {
        let (tr, te) = forward_split(crises, u, f, t);
        tr.len() >= 10 && !te.is_empty()
    });
    if enough_history {
        for &pen in &opts.penalties {
            progress(&format!("forward chaining, penalty {pen}"));
            let windows = forward_chaining(crises, opts, pen, &start);
            let pooled = forward_table(&windows).pop().expect("a pooled row").rps;
            grid.push(PenaltyChoice {
                penalty: pen,
                rps: pooled,
            });
            runs.push((pen, windows));
        }
    }
    let pick = |f: fn(&WindowForecasts) -> &Vec<[f64; LEVELS]>| -> Option<usize> {
        let per_crisis: Vec<Vec<f64>> = runs
            .iter()
            .map(|(_, ws)| {
                ws.iter()
                    .flat_map(|w| f(w).iter().zip(&w.observed).map(|(p, &y)| rps(p, y)))
                    .collect()
            })
            .collect();
        one_standard_error_choice(&opts.penalties, &per_crisis)
    };
    let chosen = [
        pick(|w| &w.model),
        pick(|w| &w.ordered_logit),
        pick(|w| &w.multinomial_logit),
    ];
    let smallest = opts.penalties.iter().cloned().fold(f64::INFINITY, f64::min);
    let penalty_of = |k: usize| chosen[k].map_or(smallest, |i| runs[i].0);
    let windows_of = |k: usize| chosen[k].map(|i| &runs[i].1);
    let best_pen = penalty_of(0);
    // The reported table: the model's windows at its penalty, each baseline's column from the
    // windows at its own best penalty.
    let forward_chaining = match (windows_of(0), windows_of(1), windows_of(2)) {
        (Some(m), Some(o), Some(l)) => {
            let mixed: Vec<WindowForecasts> = m
                .iter()
                .zip(o)
                .zip(l)
                .map(|((m, o), l)| WindowForecasts {
                    ordered_logit: o.ordered_logit.clone(),
                    multinomial_logit: l.multinomial_logit.clone(),
                    ..m.clone()
                })
                .collect();
            forward_table(&mixed)
        }
        _ => Vec::new(),
    };

    progress(&format!(
        "fitting {} parameters to {n} crises, penalty {best_pen}",
        opts.fitted.len()
    ));
    let (theta, fval, iters, conv) = fit_model(opts, best_pen, &data, &all, &start);

    let cv = if opts.folds >= 2 {
        progress(&format!("{}-fold cross-validation", opts.folds));
        let fold = fold_of(n, opts.folds, opts.seed);
        let f = cross_validate(opts, &data, best_pen, &theta, &fold);
        Some(compare(&f, &data.ys))
    } else {
        None
    };

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
    let freq = frequencies(&data.ys, &all);
    let ol = OrderedLogit::fit(&data.xs, &data.ys, penalty_of(1));
    let mnl = MultinomialLogit::fit(&data.xs, &data.ys, penalty_of(2));
    let in_sample = compare(
        &[
            data.inputs
                .iter()
                .map(|x| model_levels(&fitted, x))
                .collect(),
            vec![freq; n],
            data.xs.iter().map(|x| ol.predict(x)).collect(),
            data.xs.iter().map(|x| mnl.predict(x)).collect(),
        ],
        &data.ys,
    );
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
        forward_chaining,
        baseline_penalties: [penalty_of(1), penalty_of(2)],
        folds: if opts.folds >= 2 { opts.folds } else { 0 },
        in_sample,
        cross_validated: cv,
        training_frequencies: freq,
        ordered_logit: ol,
    })
}

/// The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani & Friedman 2009,
/// 7.10): among candidate penalties, the largest whose mean score is within one standard
/// error of the best, the standard error being that of the mean paired difference of
/// per-crisis scores from the best candidate. More shrinkage at no measurable cost is the
/// safer bet for crises from a world that drifts. `None` without candidates.
pub fn one_standard_error_choice(penalties: &[f64], per_crisis: &[Vec<f64>]) -> Option<usize> {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let best = (0..per_crisis.len())
        .min_by(|&a, &b| mean(&per_crisis[a]).total_cmp(&mean(&per_crisis[b])))?;
    let m_best = mean(&per_crisis[best]);
    let mut pick = best;
    for (i, scores) in per_crisis.iter().enumerate() {
        let d: Vec<f64> = scores
            .iter()
            .zip(&per_crisis[best])
            .map(|(a, b)| a - b)
            .collect();
        let n = d.len() as f64;
        let md = mean(&d);
        let sd = (d.iter().map(|x| (x - md).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        let se = sd / n.sqrt();
        if mean(scores) - m_best <= se && penalties[i] > penalties[pick] {
            pick = i;
        }
    }
    Some(pick)
}

fn theta_pen(names: &[String], theta: &[f64]) -> f64 {
    names
        .iter()
        .zip(theta)
        .filter(|(n, _)| !is_unpenalised(n))
        .map(|(_, v)| v * v)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icb::{Covariates, TRIGGER};

    /// Crises simulated from the model with parameters `truth`, covariates drawn at random,
    /// triggered in years spread over 1930-1989.
    fn simulated(truth: &ModelParams, n: usize, seed: u64) -> Vec<IcbCrisis> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let imp = Imputation::medians(&[]);
        (0..n)
            .map(|i| {
                let mut cov: Covariates = [Some(0.0); COVARIATES];
                cov[0] = Some(rng.random_range(0..=6) as f64 / 6.0);
                cov[1] = Some((rng.random::<f64>() < 0.5) as u8 as f64);
                cov[2] = Some(rng.random_range(0..=6) as f64 / 6.0);
                cov[3] = Some(rng.random_range(2..8) as f64);
                cov[4] = Some(rng.random());
                cov[TRIGGER] = Some(rng.random_range(0..4) as f64);
                cov[9] = Some((rng.random::<f64>() < 0.3) as u8 as f64);
                cov[10] = Some(rng.random_range(0..4) as f64 / 3.0);
                let p = model_levels(truth, &imp.inputs(&cov));
                let y = crate::score::draw_level(&p, rng.random());
                IcbCrisis {
                    line: i as u64 + 2,
                    crisno: i as i64,
                    name: String::new(),
                    yrtrig: Some(1930 + (i as i64 * 60) / n as i64),
                    level: Some(y),
                    covariates: cov,
                }
            })
            .collect()
    }

    /// Simulate crises from known parameters, trigger effects and start-rung odds included,
    /// and check the fit finds them within three standard errors.
    #[test]
    fn recovers_trigger_effects_from_simulated_crises() {
        let truth = ModelParams {
            threshold_1: 1.2,
            threshold_2: 2.8,
            onset_military: 0.6,
            onset_violent: -0.8,
            start_clash_indirect: 0.5,
            ..ModelParams::default()
        };
        let crises = simulated(&truth, 1500, 5);
        let names = [
            "threshold_1",
            "threshold_2",
            "onset_military",
            "onset_violent",
            "start_clash_indirect",
        ];
        let opts = CalibrationOptions {
            fitted: names.iter().map(|s| s.to_string()).collect(),
            penalties: vec![0.0],
            max_iter: 100,
            ..Default::default()
        };
        let c = calibrate(&crises, &opts, &|_| {}).unwrap();
        for e in &c.estimates {
            let t = truth.get(&e.name).unwrap();
            assert!(
                (e.value - t).abs() < 3.0 * e.se,
                "{} = {} ± {} vs {t}",
                e.name,
                e.value,
                e.se
            );
            assert!(e.se > 0.0 && e.se < 1.0, "{}: se {}", e.name, e.se);
        }
        let pooled = c.forward_chaining.last().unwrap();
        assert!(pooled.pooled && pooled.n > 0);
        assert!(pooled.rps.model < pooled.rps.climatology, "{pooled:?}");
    }

    /// Forward chaining never scores a crisis with a fit that saw its year or later: every
    /// crisis a window fits on was triggered before every crisis it scores, and changing what
    /// happened in crises from a window's first year on leaves that window's forecasts alone.
    #[test]
    fn forward_chaining_never_sees_the_future() {
        let crises = simulated(&ModelParams::default(), 400, 8);
        let year: std::collections::HashMap<i64, i64> = crises
            .iter()
            .map(|c| (c.crisno, c.yrtrig.unwrap()))
            .collect();
        let opts = CalibrationOptions {
            fitted: vec!["threshold_1".into(), "onset_violent".into()],
            max_iter: 30,
            ..Default::default()
        };
        let start = [1.9, 0.0];
        let before = forward_chaining(&crises, &opts, 1.0, &start);
        for w in &before {
            let last_fit = w.fitted_on.iter().map(|c| year[c]).max().unwrap();
            let first_scored = w.scored.iter().map(|c| year[c]).min().unwrap();
            assert!(last_fit <= w.fit_until && w.fit_until < w.scored_from);
            assert!(last_fit < first_scored);
            // Rewrite the future: every crisis from this window on ends in war.
            let mut changed = crises.clone();
            for c in changed.iter_mut() {
                if c.yrtrig.unwrap() >= w.scored_from {
                    c.level = Some(3);
                }
            }
            let after = forward_chaining(&changed, &opts, 1.0, &start);
            let a = after.iter().find(|x| x.fit_until == w.fit_until).unwrap();
            assert_eq!(a.model, w.model);
            assert_eq!(a.climatology, w.climatology);
            assert_eq!(a.ordered_logit, w.ordered_logit);
            assert_eq!(a.multinomial_logit, w.multinomial_logit);
        }
    }

    #[test]
    fn one_standard_error_rule_prefers_more_shrinkage_when_it_costs_nothing() {
        // Penalty 4 is best by a hair; 16 is within noise of it; 64 is clearly worse.
        let noise: Vec<f64> = (0..200).map(|i| ((i * 37) % 11) as f64 / 100.0).collect();
        let a: Vec<f64> = noise.iter().map(|v| 0.15 + v).collect();
        let b: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(i, v)| 0.15 + v + if i % 2 == 0 { 0.002 } else { -0.0019 })
            .collect();
        let c: Vec<f64> = noise.iter().map(|v| 0.20 + v).collect();
        assert_eq!(
            one_standard_error_choice(&[4.0, 16.0, 64.0], &[a.clone(), b, c.clone()]),
            Some(1)
        );
        assert_eq!(one_standard_error_choice(&[4.0, 64.0], &[a, c]), Some(0));
        assert_eq!(one_standard_error_choice(&[], &[]), None);
    }

    #[test]
    fn fitting_a_parameter_outside_the_crisis_layer_is_refused() {
        let crises = simulated(&ModelParams::default(), 50, 1);
        let opts = CalibrationOptions {
            fitted: vec!["rearm_years".into()],
            ..Default::default()
        };
        let e = calibrate(&crises, &opts, &|_| {}).unwrap_err();
        assert!(
            e.contains("rearm_years") && e.contains("crisis layer"),
            "{e}"
        );
        let opts = CalibrationOptions {
            folds: 51,
            fitted: vec!["threshold_1".into()],
            ..Default::default()
        };
        let e = calibrate(&crises, &opts, &|_| {}).unwrap_err();
        assert!(e.contains("51 folds"), "{e}");
    }
}
