//! Global sensitivity analysis of `p_war`, with SALib's estimators and sample layout.
//!
//! Sobol: base points are the first `N` points of an Owen-scrambled Sobol sequence in 2D
//! dimensions (Burley 2020, `sobol_burley`; no points skipped, as SALib >= 1.4.6 does by
//! default with `scramble=True, skip_values=0`; N should be a power of two); columns 0..D
//! form matrix A, D..2D matrix B; each base point gives D + 2 rows in SALib's order A,
//! AB_1 .. AB_D, B (AB_j is A with column j from B). Analysis as `SALib.analyze.sobol` with
//! `calc_second_order=False`: outputs standardised by their mean and (population) standard
//! deviation; first order `S1_j = mean(B * (AB_j - A)) / var([A, B])` (Saltelli 2010), total
//! `ST_j = 0.5 * mean((A - AB_j)^2) / var([A, B])` (Jansen 1999); 95 % half-widths = 1.96 x the
//! standard deviation (ddof 1) of the estimates over 100 bootstrap resamples of base points.
//!
//! Morris: `r` trajectories on a 4-level grid with step 2/3 of the unit range (as SALib's
//! `morris.sample` with `num_levels=4`); elementary effects per unit of the scaled input;
//! mu, mu* (mean absolute effect), sigma (ddof 1) and a bootstrap 95 % half-width of mu*.
//!
//! Model evaluations are exact by default (the engine's Markov chain, `detente_engine::exact`),
//! or ensembles with the same seed for every row (common random numbers); either way
//! differences between rows come from the parameters alone.

use detente_engine::reuse::PWarEvaluator;
use detente_engine::{run_ensemble, Cancelled, EnsembleOptions, Scenario, PARAM_SPECS};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

/// z for a two-sided 95 % interval (`scipy.stats.norm.ppf(0.975)`).
pub const Z95: f64 = 1.959_963_984_540_054;
/// Bootstrap resamples (SALib's default).
pub const RESAMPLES: usize = 100;

/// The uncertain inputs, in SALib's problem format.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub num_vars: usize,
    pub names: Vec<String>,
    pub bounds: Vec<[f64; 2]>,
}

impl Problem {
    /// Parameters of `PARAM_SPECS` with a non-empty range, or those named (in the given order).
    pub fn from_specs(names: Option<&[String]>) -> Result<Problem, String> {
        let specs: Vec<_> = match names {
            None => PARAM_SPECS.iter().filter(|s| s.high > s.low).collect(),
            Some(ns) => ns
                .iter()
                .map(|n| {
                    PARAM_SPECS.iter().find(|s| s.name == n).ok_or_else(|| {
                        format!(
                            "`{n}` is not a model parameter (names are listed in docs/model.md)"
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        for s in &specs {
            if s.high <= s.low || s.high.is_nan() || s.low.is_nan() {
                return Err(format!(
                    "`{}` has an empty range [{}, {}]: nothing to vary",
                    s.name, s.low, s.high
                ));
            }
        }
        if specs.is_empty() {
            return Err("no parameters to vary".into());
        }
        Ok(Problem {
            num_vars: specs.len(),
            names: specs.iter().map(|s| s.name.to_string()).collect(),
            bounds: specs.iter().map(|s| [s.low, s.high]).collect(),
        })
    }

    fn scale(&self, unit: &[f64]) -> Vec<f64> {
        unit.iter()
            .zip(&self.bounds)
            .map(|(u, b)| b[0] + u * (b[1] - b[0]))
            .collect()
    }
}

/// Largest number of inputs for Sobol: every dimension of the scrambled Sobol sequence.
pub const MAX_SOBOL_VARS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// Sobol sample matrix: `n * (D + 2)` rows in SALib's layout. The matrices A and B are the two
/// halves of one 2D-dimensional Owen-scrambled Sobol sequence while 2D fits in the sequence's
/// dimensions (up to 128 inputs, SALib's construction); beyond, they are the first D dimensions
/// under two independent scramblings (seeds `seed` and `seed + 1`), which keeps A and B
/// independent (Owen 1997; randomised QMC replicates), up to [`MAX_SOBOL_VARS`] inputs.
pub fn sobol_samples(problem: &Problem, n: usize, seed: u32) -> Result<Vec<Vec<f64>>, String> {
    let d = problem.num_vars;
    if d > MAX_SOBOL_VARS {
        return Err(format!(
            "Sobol analysis supports at most {MAX_SOBOL_VARS} parameters, {d} given"
        ));
    }
    if n == 0 || n > 1 << 16 {
        return Err(format!("N must be between 1 and 65536, got {n}"));
    }
    let one_sequence = 2 * d <= sobol_burley::NUM_DIMENSIONS as usize;
    let point = |i: usize, k: usize, b: bool| -> f64 {
        let (dim, scramble) = match (b, one_sequence) {
            (false, _) => (k, seed),
            (true, true) => (d + k, seed),
            (true, false) => (k, seed.wrapping_add(1)),
        };
        sobol_burley::sample(i as u32, dim as u32, scramble) as f64
    };
    let mut rows = Vec::with_capacity(n * (d + 2));
    for i in 0..n {
        let a: Vec<f64> = (0..d).map(|k| point(i, k, false)).collect();
        let b: Vec<f64> = (0..d).map(|k| point(i, k, true)).collect();
        rows.push(problem.scale(&a));
        for j in 0..d {
            let mut ab = a.clone();
            ab[j] = b[j];
            rows.push(problem.scale(&ab));
        }
        rows.push(problem.scale(&b));
    }
    Ok(rows)
}

/// Sobol indices of one input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SobolIndex {
    pub name: String,
    #[serde(rename = "S1")]
    pub s1: f64,
    #[serde(rename = "S1_conf")]
    pub s1_conf: f64,
    #[serde(rename = "ST")]
    pub st: f64,
    #[serde(rename = "ST_conf")]
    pub st_conf: f64,
}

fn first_total(a: &[f64], abj: &[f64], b: &[f64], idx: &[usize]) -> (f64, f64) {
    let n = idx.len() as f64;
    let mut ys = Vec::with_capacity(2 * idx.len());
    ys.extend(idx.iter().map(|&i| a[i]));
    ys.extend(idx.iter().map(|&i| b[i]));
    let max = ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let min = ys.iter().cloned().fold(f64::INFINITY, f64::min);
    if max - min <= f64::EPSILON {
        return (0.0, 0.0);
    }
    let mean = ys.iter().sum::<f64>() / ys.len() as f64;
    let var = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / ys.len() as f64;
    if var <= f64::EPSILON {
        return (0.0, 0.0);
    }
    let s1 = idx.iter().map(|&i| b[i] * (abj[i] - a[i])).sum::<f64>() / n / var;
    let st = 0.5 * idx.iter().map(|&i| (a[i] - abj[i]).powi(2)).sum::<f64>() / n / var;
    (s1, st)
}

fn sd1(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    if v.len() < 2 {
        return 0.0;
    }
    let m = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Sobol first-order and total indices from outputs `y` in [`sobol_samples`] order.
pub fn sobol_analyze(names: &[String], y: &[f64], seed: u64) -> Result<Vec<SobolIndex>, String> {
    let d = names.len();
    if y.is_empty() || !y.len().is_multiple_of(d + 2) {
        return Err(format!(
            "{} outputs is not a multiple of D + 2 = {}",
            y.len(),
            d + 2
        ));
    }
    let n = y.len() / (d + 2);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
    let ys: Vec<f64> = if sd > 0.0 {
        y.iter().map(|v| (v - mean) / sd).collect()
    } else {
        vec![0.0; y.len()]
    };
    let step = d + 2;
    let a: Vec<f64> = (0..n).map(|i| ys[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| ys[i * step + d + 1]).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let resamples: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    let all: Vec<usize> = (0..n).collect();
    Ok((0..d)
        .map(|j| {
            let abj: Vec<f64> = (0..n).map(|i| ys[i * step + 1 + j]).collect();
            let (s1, st) = first_total(&a, &abj, &b, &all);
            let boot: Vec<(f64, f64)> = resamples
                .iter()
                .map(|r| first_total(&a, &abj, &b, r))
                .collect();
            let s1b: Vec<f64> = boot.iter().map(|v| v.0).collect();
            let stb: Vec<f64> = boot.iter().map(|v| v.1).collect();
            SobolIndex {
                name: names[j].clone(),
                s1,
                s1_conf: Z95 * sd1(&s1b),
                st,
                st_conf: Z95 * sd1(&stb),
            }
        })
        .collect())
}

/// Morris levels and step (SALib defaults: 4 levels, step p / (2 (p - 1)) = 2/3).
pub const MORRIS_LEVELS: usize = 4;

/// Morris trajectories: `r * (D + 1)` rows, trajectory after trajectory.
pub fn morris_samples(problem: &Problem, r: usize, seed: u64) -> Vec<Vec<f64>> {
    let d = problem.num_vars;
    let p = MORRIS_LEVELS as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        let mut x: Vec<f64> = (0..d)
            .map(|_| rng.random_range(0..MORRIS_LEVELS) as f64 / (p - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        for i in (1..d).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        rows.push(problem.scale(&x));
        for &k in &order {
            x[k] = if x[k] + delta <= 1.0 + 1e-12 {
                x[k] + delta
            } else {
                x[k] - delta
            };
            rows.push(problem.scale(&x));
        }
    }
    rows
}

/// Morris measures of one input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MorrisIndex {
    pub name: String,
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
    pub mu_star_conf: f64,
}

/// Morris measures from trajectories `x` (rows of [`morris_samples`]) and outputs `y`.
pub fn morris_analyze(
    problem: &Problem,
    x: &[Vec<f64>],
    y: &[f64],
    seed: u64,
) -> Result<Vec<MorrisIndex>, String> {
    let d = problem.num_vars;
    if x.len() != y.len() || y.is_empty() || !y.len().is_multiple_of(d + 1) {
        return Err(format!(
            "{} outputs for {} samples: need a multiple of D + 1 = {}",
            y.len(),
            x.len(),
            d + 1
        ));
    }
    let r = y.len() / (d + 1);
    let mut ee = vec![Vec::with_capacity(r); d];
    for t in 0..r {
        for s in 0..d {
            let i0 = t * (d + 1) + s;
            let (x0, x1) = (&x[i0], &x[i0 + 1]);
            let k = (0..d)
                .find(|&k| x0[k] != x1[k])
                .ok_or_else(|| format!("trajectory {t}, step {s}: no input changes"))?;
            let [lo, hi] = problem.bounds[k];
            let du = (x1[k] - x0[k]) / (hi - lo);
            ee[k].push((y[i0 + 1] - y[i0]) / du);
        }
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Ok((0..d)
        .map(|k| {
            let e = &ee[k];
            let n = e.len().max(1) as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n;
            let boot: Vec<f64> = (0..1000)
                .map(|_| {
                    (0..e.len())
                        .map(|_| e[rng.random_range(0..e.len().max(1))].abs())
                        .sum::<f64>()
                        / n
                })
                .collect();
            MorrisIndex {
                name: problem.names[k].clone(),
                mu,
                mu_star,
                sigma: sd1(e),
                mu_star_conf: Z95 * sd1(&boot),
            }
        })
        .collect())
}

/// How each model evaluation computes p(war).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evaluation {
    /// Exactly, from the model's Markov chain (no Monte Carlo noise; the default).
    Exact,
    /// By an ensemble of `runs` runs, every row on the same `seed` (common random numbers).
    MonteCarlo { runs: u64, seed: u64 },
}

impl Evaluation {
    /// p(war) of `scenario`.
    pub fn p_war(&self, scenario: &Scenario) -> f64 {
        self.p_war_reusing(scenario, &mut PWarEvaluator::default())
    }

    /// p(war) of `scenario`, an exact evaluation reusing what `evaluator` kept of the rows
    /// before (the same result, faster when they shared stages or crisis ladders with this one).
    fn p_war_reusing(&self, scenario: &Scenario, evaluator: &mut PWarEvaluator) -> f64 {
        match *self {
            Evaluation::Exact => evaluator.p_war(&scenario.params, &scenario.policy),
            Evaluation::MonteCarlo { runs, seed } => {
                let opts = EnsembleOptions {
                    chunk: runs.max(1),
                    ..EnsembleOptions::new(runs, seed)
                };
                run_ensemble(scenario, opts, None, &|_| true, None)
                    .map(|sum| sum.p_war().value)
                    .unwrap_or(f64::NAN)
            }
        }
    }

    /// Runs per evaluation (None when exact).
    pub fn runs(&self) -> Option<u64> {
        match *self {
            Evaluation::Exact => None,
            Evaluation::MonteCarlo { runs, .. } => Some(runs),
        }
    }
}

/// Rows one thread evaluates in turn: consecutive rows of a design differ in a parameter or
/// two, so exact evaluations reuse most of the crisis ladders of the rows before. A Sobol base
/// point gives D + 2 rows that all share A's ladders but those of the parameter varied, a
/// Morris trajectory D + 1 rows each sharing the one before's: one thread takes D + 2 rows at
/// a time (at least [`MIN_ROWS_PER_THREAD`]), so a Sobol base point is never split.
fn rows_per_thread(parameters: usize) -> usize {
    (parameters + 2).max(MIN_ROWS_PER_THREAD)
}

/// Fewest rows one thread takes at a time.
const MIN_ROWS_PER_THREAD: usize = 16;

/// Groups of rows per thread in a batch between progress reports (so that threads balance).
const GROUPS_PER_THREAD: usize = 16;

/// p(war) with each row's parameter values (the row's first `names.len()` columns), each
/// evaluated as `how` says, on `scenarios[0]` or, with one scenario per row (architecture
/// inputs sampled too), on the row's own. The result does not depend on the number of threads. `progress(done)` is called after each
/// batch; return false to cancel.
pub fn evaluate_p_war(
    scenarios: &[Scenario],
    names: &[String],
    rows: &[Vec<f64>],
    how: Evaluation,
    progress: &(dyn Fn(usize) -> bool + Sync),
) -> Result<Vec<f64>, Cancelled> {
    assert!(
        scenarios.len() == 1 || scenarios.len() == rows.len(),
        "one scenario, or one per row"
    );
    let mut out = Vec::with_capacity(rows.len());
    let group = rows_per_thread(names.len());
    let batch = group * GROUPS_PER_THREAD * rayon::current_num_threads().max(1);
    for (b, rows) in rows.chunks(batch).enumerate() {
        let part: Vec<Vec<f64>> = rows
            .par_chunks(group)
            .enumerate()
            .map(|(t, chunk)| {
                let mut evaluator = PWarEvaluator::default();
                chunk
                    .iter()
                    .enumerate()
                    .map(|(k, row)| {
                        let i = b * batch + t * group + k;
                        let mut s = scenarios[if scenarios.len() == 1 { 0 } else { i }].clone();
                        for (n, v) in names.iter().zip(row) {
                            s.params.set(n, *v);
                        }
                        how.p_war_reusing(&s, &mut evaluator)
                    })
                    .collect()
            })
            .collect();
        out.extend(part.into_iter().flatten());
        if !progress(out.len()) {
            return Err(Cancelled);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn pi_problem() -> Problem {
        let pi = std::f64::consts::PI;
        Problem {
            num_vars: 3,
            names: vec!["x1".into(), "x2".into(), "x3".into()],
            bounds: vec![[-pi, pi]; 3],
        }
    }

    #[test]
    fn sobol_indices_of_ishigami_match_known_values() {
        let p = pi_problem();
        let rows = sobol_samples(&p, 4096, 7).unwrap();
        assert_eq!(rows.len(), 4096 * 5);
        let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
        let s = sobol_analyze(&p.names, &y, 1).unwrap();
        // Analytic values: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
        let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for (got, (s1, st)) in s.iter().zip(want) {
            assert!((got.s1 - s1).abs() < 0.05, "{got:?}");
            assert!((got.st - st).abs() < 0.05, "{got:?}");
            assert!(got.s1_conf > 0.0 && got.s1_conf < 0.2);
        }
    }

    /// Past 128 inputs A and B come from two scramblings of one sequence: the indices of
    /// Ishigami's three inputs among 147 inert ones are still found, and the inert ones get
    /// none.
    #[test]
    fn sobol_indices_past_half_the_sequences_dimensions() {
        let pi = std::f64::consts::PI;
        let d = 150;
        let p = Problem {
            num_vars: d,
            names: (0..d).map(|i| format!("x{i}")).collect(),
            bounds: vec![[-pi, pi]; d],
        };
        let rows = sobol_samples(&p, 2048, 7).unwrap();
        let y: Vec<f64> = rows.iter().map(|r| ishigami(&r[..3])).collect();
        let s = sobol_analyze(&p.names, &y, 1).unwrap();
        let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for (got, (s1, st)) in s.iter().zip(want) {
            assert!((got.s1 - s1).abs() < 0.06, "{got:?}");
            assert!((got.st - st).abs() < 0.06, "{got:?}");
        }
        for got in &s[3..] {
            assert!(got.st.abs() < 0.01 && got.s1.abs() < 0.05, "{got:?}");
        }
        let too_many = Problem {
            num_vars: MAX_SOBOL_VARS + 1,
            names: vec![String::new(); MAX_SOBOL_VARS + 1],
            bounds: vec![[0.0, 1.0]; MAX_SOBOL_VARS + 1],
        };
        assert!(sobol_samples(&too_many, 8, 1)
            .unwrap_err()
            .contains("at most 256"));
    }

    #[test]
    fn morris_on_a_linear_function_gives_its_slopes() {
        let p = Problem {
            num_vars: 3,
            names: vec!["a".into(), "b".into(), "c".into()],
            bounds: vec![[0.0, 1.0], [0.0, 2.0], [-1.0, 1.0]],
        };
        let x = morris_samples(&p, 20, 3);
        let y: Vec<f64> = x
            .iter()
            .map(|r| 3.0 * r[0] - 1.0 * r[1] + 0.0 * r[2])
            .collect();
        let m = morris_analyze(&p, &x, &y, 1).unwrap();
        // Effects per unit of the scaled input: slope * range.
        assert!(
            (m[0].mu - 3.0).abs() < 1e-9 && (m[0].mu_star - 3.0).abs() < 1e-9 && m[0].sigma < 1e-9
        );
        assert!((m[1].mu + 2.0).abs() < 1e-9 && (m[1].mu_star - 2.0).abs() < 1e-9);
        assert!(m[2].mu_star.abs() < 1e-12);
    }

    #[test]
    fn exact_evaluations_reusing_ladders_equal_fresh_ones() {
        let scenario = Scenario {
            name: "default".into(),
            params: detente_engine::ModelParams::default(),
            policy: detente_engine::Policy::default(),
        };
        // One parameter the ladders read, one they do not: rows share some ladders.
        let p = Problem::from_specs(Some(&[
            "nuclear_shadow".to_string(),
            "gray_zone_crisis_rate".to_string(),
        ]))
        .unwrap();
        let rows = sobol_samples(&p, 2, 3).unwrap();
        let y = evaluate_p_war(
            std::slice::from_ref(&scenario),
            &p.names,
            &rows,
            Evaluation::Exact,
            &|_| true,
        )
        .unwrap();
        for (row, got) in rows.iter().zip(&y) {
            let mut s = scenario.clone();
            for (n, v) in p.names.iter().zip(row) {
                s.params.set(n, *v);
            }
            assert_eq!(*got, Evaluation::Exact.p_war(&s));
        }
    }

    #[test]
    fn unknown_parameter_is_reported() {
        let e = Problem::from_specs(Some(&["nope".to_string()])).unwrap_err();
        assert!(e.contains("nope"));
    }
}
