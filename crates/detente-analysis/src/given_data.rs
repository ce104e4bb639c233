//! First-order sensitivity indices from given data: for a sample of inputs with any joint
//! distribution (independent or not: the plausible sets of history matching are a dependent
//! sample) and the output at each, the first-order index of input j is the share of the
//! output's variance explained by the input alone, S_j = Var(E[Y | X_j]) / Var(Y). It is
//! estimated by the correlation ratio over classes (Plischke 2010, "An effective algorithm for
//! computing global sensitivity indices (EASI)"; Plischke, Borgonovo & Smith 2013, "Global
//! sensitivity measures from given data"; Strong & Oakley 2013 use the same conditional
//! expectation by regression): sort the sample by x_j, cut it into M classes of equal count,
//! and compare the spread of the class means with the total spread. The raw ratio
//! SS_between / SS_total is biased upwards by sampling noise (with no effect at all its
//! expectation is (M - 1) / (n - 1)), so the estimate subtracts the between-class sum of
//! squares that noise alone would give, (M - 1) times the within-class mean square (the
//! one-way ANOVA correction, as omega-squared). The estimate can be slightly negative when an
//! input has no effect. 95 % half-widths: 1.96 x the standard deviation over bootstrap
//! resamples of the sample's points.
//!
//! Unlike Sobol's estimators (`crate::sensitivity`), nothing here needs a design: the indices
//! come from whatever sample is given, so they describe the inputs' effects under that
//! sample's distribution. With dependent inputs an index counts what an input carries of its
//! correlated partners' effects too (Da Veiga et al. 2009): a first-order index says what
//! knowing an input would tell about the output, not what the input does by itself. Totals
//! are not estimated (they have no given-data estimator of this simplicity).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

/// Bootstrap resamples for the half-widths.
pub const RESAMPLES: usize = 100;

/// One input's first-order index from given data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GivenDataIndex {
    pub name: String,
    /// Bias-corrected first-order index.
    pub s1: f64,
    /// 95 % bootstrap half-width.
    pub s1_conf: f64,
    /// The raw correlation ratio (SS_between / SS_total, not corrected).
    pub s1_raw: f64,
}

/// Classes for a sample of `n` points: the nearest whole number to sqrt(n) (Plischke 2010's
/// rule for the number of partitions), at least 2 and at most n / 2.
pub fn default_classes(n: usize) -> usize {
    ((n as f64).sqrt().round() as usize).clamp(2, (n / 2).max(2))
}

/// Bias-corrected and raw first-order index of one input: `order` is the sample's points
/// sorted by the input (ties in the given order), `y` the outputs, `classes` the number of
/// classes of equal count.
fn index(order: &[usize], y: &[f64], classes: usize) -> (f64, f64) {
    let n = order.len();
    let mean = order.iter().map(|&i| y[i]).sum::<f64>() / n as f64;
    let total: f64 = order.iter().map(|&i| (y[i] - mean).powi(2)).sum();
    if total <= 0.0 || n <= classes {
        return (0.0, 0.0);
    }
    let (mut between, mut within) = (0.0, 0.0);
    for m in 0..classes {
        let part = &order[m * n / classes..(m + 1) * n / classes];
        if part.is_empty() {
            continue;
        }
        let cm = part.iter().map(|&i| y[i]).sum::<f64>() / part.len() as f64;
        between += part.len() as f64 * (cm - mean).powi(2);
        within += part.iter().map(|&i| (y[i] - cm).powi(2)).sum::<f64>();
    }
    let within_ms = within / (n - classes) as f64;
    let raw = between / total;
    let corrected = (between - (classes - 1) as f64 * within_ms) / total;
    (corrected, raw)
}

/// Points `rows` sorted by column `j` (stable: ties keep their order).
fn order_by(rows: &[&[f64]], j: usize) -> Vec<usize> {
    let mut o: Vec<usize> = (0..rows.len()).collect();
    o.sort_by(|&a, &b| rows[a][j].total_cmp(&rows[b][j]));
    o
}

/// First-order indices of each of `names` (column j of `rows`) for the outputs `y`, with
/// `classes` classes (`None`: [`default_classes`]) and bootstrap half-widths from `seed`.
/// Rows whose output is not finite are dropped.
pub fn first_order(
    names: &[String],
    rows: &[Vec<f64>],
    y: &[f64],
    classes: Option<usize>,
    seed: u64,
) -> Result<Vec<GivenDataIndex>, String> {
    if rows.len() != y.len() {
        return Err(format!("{} rows for {} outputs", rows.len(), y.len()));
    }
    if let Some(r) = rows.iter().position(|r| r.len() < names.len()) {
        return Err(format!(
            "row {r} has {} values for {} names",
            rows[r].len(),
            names.len()
        ));
    }
    let keep: Vec<usize> = (0..y.len()).filter(|&i| y[i].is_finite()).collect();
    let n = keep.len();
    let m = classes.unwrap_or_else(|| default_classes(n));
    if m < 2 || n < 2 * m {
        return Err(format!(
            "{n} points with a finite output for {m} classes: allowed: at least 2 classes and 2 points a class"
        ));
    }
    let x: Vec<&[f64]> = keep.iter().map(|&i| rows[i].as_slice()).collect();
    let yk: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    // the bootstrap resamples, the same for every input
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let resamples: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    Ok(names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let order = order_by(&x, j);
            let (s1, s1_raw) = index(&order, &yk, m);
            let boot: Vec<f64> = resamples
                .iter()
                .map(|pick| {
                    let bx: Vec<&[f64]> = pick.iter().map(|&i| x[i]).collect();
                    let by: Vec<f64> = pick.iter().map(|&i| yk[i]).collect();
                    index(&order_by(&bx, j), &by, m).0
                })
                .collect();
            let bm = boot.iter().sum::<f64>() / boot.len() as f64;
            let sd = (boot.iter().map(|b| (b - bm).powi(2)).sum::<f64>() / (boot.len() - 1) as f64)
                .sqrt();
            GivenDataIndex {
                name: name.clone(),
                s1,
                s1_conf: crate::sensitivity::Z95 * sd,
                s1_raw,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Distribution, StandardNormal};

    fn names(k: usize) -> Vec<String> {
        (1..=k).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn ishigami_first_order_indices_from_a_random_sample() {
        // independent uniform inputs on [-pi, pi]: S1 = 0.3139, 0.4424, 0 (analytic)
        let pi = std::f64::consts::PI;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let rows: Vec<Vec<f64>> = (0..8000)
            .map(|_| (0..3).map(|_| rng.random_range(-pi..pi)).collect())
            .collect();
        let y: Vec<f64> = rows
            .iter()
            .map(|x: &Vec<f64>| {
                x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
            })
            .collect();
        let s = first_order(&names(3), &rows, &y, None, 1).unwrap();
        for (got, want) in s.iter().zip([0.3139, 0.4424, 0.0]) {
            assert!(
                (got.s1 - want).abs() < 0.03,
                "{}: {} vs {want}",
                got.name,
                got.s1
            );
            assert!(got.s1_conf > 0.0 && got.s1_conf < 0.05, "{got:?}");
        }
        // the correction removes the noise floor an input without effect would have
        assert!(s[2].s1_raw > s[2].s1);
    }

    #[test]
    fn dependent_inputs_get_what_knowing_them_tells() {
        // y = x1; x2 = rho x1 + sqrt(1 - rho^2) e: knowing x2 explains rho^2 of Var(y), a
        // third input independent of both explains nothing
        let rho: f64 = 0.6;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let rows: Vec<Vec<f64>> = (0..6000)
            .map(|_| {
                let x1: f64 = StandardNormal.sample(&mut rng);
                let e: f64 = StandardNormal.sample(&mut rng);
                let x3: f64 = StandardNormal.sample(&mut rng);
                vec![x1, rho * x1 + (1.0 - rho * rho).sqrt() * e, x3]
            })
            .collect();
        let y: Vec<f64> = rows.iter().map(|x| x[0]).collect();
        let s = first_order(&names(3), &rows, &y, None, 2).unwrap();
        assert!(s[0].s1 > 0.97, "{:?}", s[0]);
        assert!((s[1].s1 - rho * rho).abs() < 0.04, "{:?}", s[1]);
        assert!(s[2].s1.abs() < 0.02, "{:?}", s[2]);
        // the same answer whatever the order of the points
        let mut rev_rows = rows.clone();
        rev_rows.reverse();
        let mut rev_y = y.clone();
        rev_y.reverse();
        let r = first_order(&names(3), &rev_rows, &rev_y, None, 2).unwrap();
        assert!((r[1].s1 - s[1].s1).abs() < 1e-9);
    }

    #[test]
    fn bad_samples_are_refused() {
        let e = first_order(&names(1), &vec![vec![0.0]; 3], &[1.0; 2], None, 1).unwrap_err();
        assert!(e.contains("3 rows for 2 outputs"), "{e}");
        let e = first_order(&names(1), &vec![vec![0.0]; 3], &[1.0; 3], Some(2), 1).unwrap_err();
        assert!(e.contains("at least 2 classes and 2 points a class"), "{e}");
        // non-finite outputs are dropped; a constant output has no variance to share
        let rows: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64]).collect();
        let mut y = vec![1.0; 20];
        y[3] = f64::NAN;
        let s = first_order(&names(1), &rows, &y, None, 1).unwrap();
        assert_eq!(s[0].s1, 0.0);
    }
}
