//! PRIM, the patient rule induction method (Friedman & Fisher 1999), for scenario discovery
//! on a binary outcome: which box of the inputs holds the cases of interest?
//!
//! The rules follow EMA Workbench's `prim.Prim` (binary mode, one box, numeric inputs), so its
//! results can be checked against it (`scripts/compare_prim_ema.py`):
//!
//! * the initial box spans the data's minimum and maximum of every input;
//! * **peeling**: for every input, two candidates — drop the points below the box's
//!   `peel_alpha` quantile of that input, or above its `1 - peel_alpha` quantile (the quantile
//!   of sdtoolkit: the mean of the two neighbouring order statistics, moved past ties); the
//!   candidate with the highest objective wins, ties going to the one leaving more inputs
//!   unrestricted, then to the first (inputs in order, the upper side first); it is taken while
//!   its mass stays at least `mass_min`, falls, and its objective is positive;
//! * **pasting**: for every restricted input, two candidates — widen the lower limit to the
//!   `1 - paste_alpha` quantile of the points just below the box (within the other limits), or
//!   the upper limit to the `paste_alpha` quantile of those just above; the best (same ranking)
//!   is taken while its mass is at least `mass_min` and grows, its objective is positive and
//!   the density rises;
//! * objectives ([`Objective`]): `lenient1` (EMA's default) is the change in density divided
//!   by the change in the number of points; `lenient2` that times the candidate's number of
//!   points (Friedman & Fisher's eq. 14.6); `original` the candidate's density;
//! * every box taken is a step of the trajectory (coverage, density, mass, restricted limits);
//!   the last one is the box found, which is kept if its density reaches `threshold`.

use serde::Serialize;
use std::collections::BTreeMap;

/// PRIM's objective function for choosing a peel or a paste.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Gain in density per point removed (or added): EMA Workbench's default.
    Lenient1,
    /// Lenient1 times the candidate box's number of points.
    Lenient2,
    /// The candidate box's density.
    Original,
}

impl Objective {
    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Lenient1 => "lenient1",
            Objective::Lenient2 => "lenient2",
            Objective::Original => "original",
        }
    }

    /// The objective of moving from a box with `n_old` points, `k_old` of interest, to one
    /// with `n_new`, `k_new`.
    fn score(self, n_old: usize, k_old: usize, n_new: usize, k_new: usize) -> f64 {
        let mean_old = k_old as f64 / n_old as f64;
        let mean_new = if n_new > 0 {
            k_new as f64 / n_new as f64
        } else {
            0.0
        };
        match self {
            Objective::Original => {
                if n_new > 0 {
                    mean_new
                } else {
                    -1.0
                }
            }
            Objective::Lenient1 | Objective::Lenient2 => {
                if mean_old == mean_new || n_old == n_new {
                    return 0.0;
                }
                let change = (mean_new - mean_old) / n_old.abs_diff(n_new) as f64;
                if self == Objective::Lenient2 {
                    n_new as f64 * change
                } else {
                    change
                }
            }
        }
    }
}

/// PRIM's settings (EMA Workbench's defaults: lenient1, 0.05, 0.05, 0.05).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PrimSettings {
    pub objective: Objective,
    /// Density a box must reach to be kept.
    pub threshold: f64,
    /// Share of a box's points a peel removes along one input.
    pub peel_alpha: f64,
    /// Share of the points next to a box a paste adds along one input.
    pub paste_alpha: f64,
    /// Smallest share of all points a box may hold.
    pub mass_min: f64,
}

impl Default for PrimSettings {
    fn default() -> Self {
        PrimSettings {
            objective: Objective::Lenient1,
            threshold: 0.8,
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
        }
    }
}

impl PrimSettings {
    /// Check the settings; the message names the setting and what is allowed.
    pub fn check(&self) -> Result<(), String> {
        let open = |v: f64| v > 0.0 && v < 0.5;
        if !open(self.peel_alpha) {
            return Err(format!(
                "peel_alpha {}: allowed: greater than 0 and less than 0.5",
                self.peel_alpha
            ));
        }
        if !open(self.paste_alpha) {
            return Err(format!(
                "paste_alpha {}: allowed: greater than 0 and less than 0.5",
                self.paste_alpha
            ));
        }
        if !(self.mass_min >= 0.0 && self.mass_min < 1.0) {
            return Err(format!(
                "mass_min {}: allowed: from 0 to less than 1",
                self.mass_min
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!(
                "threshold {}: allowed: greater than 0, at most 1",
                self.threshold
            ));
        }
        Ok(())
    }
}

/// Whether a trajectory step came from the start, a peel or a paste.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Initial,
    Peel,
    Paste,
}

/// One box of the peeling and pasting trajectory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrajectoryBox {
    /// Share of all cases of interest inside the box.
    pub coverage: f64,
    /// Share of the box's points that are of interest.
    pub density: f64,
    /// Share of all points inside the box.
    pub mass: f64,
    /// Points inside the box.
    pub n: usize,
    /// Cases of interest inside the box.
    pub k: usize,
    pub step: Step,
    /// Limits of the inputs the box restricts (inclusive), by name.
    pub restricted: BTreeMap<String, [f64; 2]>,
}

/// PRIM's result: the trajectory and the box found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrimResult {
    #[serde(flatten)]
    pub settings: PrimSettings,
    /// Points and cases of interest in all.
    pub points: usize,
    pub cases_of_interest: usize,
    /// The data's range of every input (the initial box).
    pub initial_box: BTreeMap<String, [f64; 2]>,
    pub trajectory: Vec<TrajectoryBox>,
    /// Whether the last box reaches the density threshold (otherwise no box is kept).
    pub meets_threshold: bool,
}

impl PrimResult {
    /// The box found: the trajectory's last, if it reaches the threshold.
    pub fn chosen(&self) -> Option<&TrajectoryBox> {
        self.trajectory.last().filter(|_| self.meets_threshold)
    }

    /// The number of peeling steps.
    pub fn peels(&self) -> usize {
        self.trajectory
            .iter()
            .filter(|b| b.step == Step::Peel)
            .count()
    }
}

/// The quantile of sdtoolkit and EMA Workbench's `get_quantile` (`0 < q < 1`, `sorted` not
/// empty and sorted): the mean of the order statistics below and above `(n - 1) q`, the lower
/// one moved down past ties for an upper quantile (`q > 0.5`), the upper one up past ties
/// otherwise.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = (sorted.len() - 1) as f64 * q;
    let mut lo = i.floor() as usize;
    let mut hi = i.ceil() as usize;
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < sorted.len() - 1 {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

struct Data<'a> {
    /// Column-major inputs.
    cols: Vec<Vec<f64>>,
    y: &'a [bool],
    init: Vec<[f64; 2]>,
}

impl Data<'_> {
    fn restricted(&self, lims: &[[f64; 2]]) -> usize {
        lims.iter().zip(&self.init).filter(|(l, i)| l != i).count()
    }

    fn inside(&self, i: usize, lims: &[[f64; 2]]) -> bool {
        lims.iter()
            .zip(&self.cols)
            .zip(&self.init)
            .all(|((l, c), init)| l == init || (l[0] <= c[i] && c[i] <= l[1]))
    }

    fn coi(&self, idx: &[usize]) -> usize {
        idx.iter().filter(|&&i| self.y[i]).count()
    }
}

/// A candidate box: its limits and the points inside.
struct Candidate {
    lims: Vec<[f64; 2]>,
    idx: Vec<usize>,
    score: f64,
    unrestricted: usize,
}

/// The best of `cands` by (objective, unrestricted inputs), the first on ties.
fn best(cands: Vec<Candidate>) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for c in cands {
        let better = match &best {
            None => true,
            Some(b) => c.score > b.score || (c.score == b.score && c.unrestricted > b.unrestricted),
        };
        if better {
            best = Some(c);
        }
    }
    best
}

/// The boxes peeling takes, one after another, from the box `lims` holding the points `idx`.
fn peel(
    data: &Data,
    settings: PrimSettings,
    mut lims: Vec<[f64; 2]>,
    mut idx: Vec<usize>,
) -> Vec<(Vec<[f64; 2]>, Vec<usize>)> {
    let (n, d) = (data.y.len(), data.cols.len());
    let obj = settings.objective;
    let mut steps = Vec::new();
    loop {
        let k_old = data.coi(&idx);
        let mut cands = Vec::with_capacity(2 * d);
        for j in 0..d {
            let mut v: Vec<f64> = idx.iter().map(|&i| data.cols[j][i]).collect();
            v.sort_by(f64::total_cmp);
            for upper in [true, false] {
                let (q, side) = if upper {
                    (quantile(&v, 1.0 - settings.peel_alpha), 1)
                } else {
                    (quantile(&v, settings.peel_alpha), 0)
                };
                let keep: Vec<usize> = idx
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let xi = data.cols[j][i];
                        if upper {
                            xi <= q
                        } else {
                            xi >= q
                        }
                    })
                    .collect();
                let mut l = lims.clone();
                l[j][side] = q;
                let k_new = data.coi(&keep);
                cands.push(Candidate {
                    score: obj.score(idx.len(), k_old, keep.len(), k_new),
                    unrestricted: d - data.restricted(&l),
                    lims: l,
                    idx: keep,
                });
            }
        }
        let Some(c) = best(cands) else { break };
        let (mass_new, mass_old) = (c.idx.len() as f64 / n as f64, idx.len() as f64 / n as f64);
        if mass_new >= settings.mass_min && mass_new < mass_old && c.score > 0.0 {
            lims = c.lims;
            idx = c.idx;
            steps.push((lims.clone(), idx.clone()));
        } else {
            break;
        }
    }
    steps
}

/// The boxes pasting takes from the box `lims` holding the points `idx` (candidates come
/// from all points).
fn paste(
    data: &Data,
    settings: PrimSettings,
    mut lims: Vec<[f64; 2]>,
    mut idx: Vec<usize>,
) -> Vec<(Vec<[f64; 2]>, Vec<usize>)> {
    let (n, d) = (data.y.len(), data.cols.len());
    let obj = settings.objective;
    let mut steps = Vec::new();
    loop {
        let k_old = data.coi(&idx);
        let res: Vec<usize> = (0..d).filter(|&j| lims[j] != data.init[j]).collect();
        let mut cands = Vec::new();
        for &u in &res {
            for lower in [true, false] {
                let mut paste_box = lims.clone();
                paste_box[u] = if lower {
                    [data.init[u][0], lims[u][0]]
                } else {
                    [lims[u][1], data.init[u][1]]
                };
                let mut v: Vec<f64> = (0..n)
                    .filter(|&i| data.inside(i, &paste_box))
                    .map(|i| data.cols[u][i])
                    .collect();
                v.sort_by(f64::total_cmp);
                let mut l = lims.clone();
                if lower {
                    l[u][0] = if v.is_empty() {
                        data.init[u][0]
                    } else {
                        quantile(&v, 1.0 - settings.paste_alpha)
                    };
                } else {
                    l[u][1] = if v.is_empty() {
                        data.init[u][1]
                    } else {
                        quantile(&v, settings.paste_alpha)
                    };
                }
                let keep: Vec<usize> = (0..n).filter(|&i| data.inside(i, &l)).collect();
                let k_new = data.coi(&keep);
                cands.push(Candidate {
                    score: obj.score(idx.len(), k_old, keep.len(), k_new),
                    unrestricted: d - data.restricted(&l),
                    lims: l,
                    idx: keep,
                });
            }
        }
        let Some(c) = best(cands) else { break };
        let (mass_new, mass_old) = (c.idx.len() as f64 / n as f64, idx.len() as f64 / n as f64);
        let mean_old = k_old as f64 / idx.len() as f64;
        let mean_new = data.coi(&c.idx) as f64 / c.idx.len().max(1) as f64;
        if mass_new >= settings.mass_min
            && mass_new > mass_old
            && c.score > 0.0
            && mean_new > mean_old
        {
            lims = c.lims;
            idx = c.idx;
            steps.push((lims.clone(), idx.clone()));
        } else {
            break;
        }
    }
    steps
}

/// Find one box: `x` holds one row per point (the inputs in `names`' order), `y` whether
/// each point is of interest.
pub fn prim(
    names: &[String],
    x: &[Vec<f64>],
    y: &[bool],
    settings: PrimSettings,
) -> Result<PrimResult, String> {
    settings.check()?;
    let n = y.len();
    if n == 0 {
        return Err("no points".into());
    }
    if x.len() != n {
        return Err(format!("{} rows of inputs for {n} outcomes", x.len()));
    }
    let d = names.len();
    if let Some((i, r)) = x.iter().enumerate().find(|(_, r)| r.len() != d) {
        return Err(format!("row {i} has {} inputs, expected {d}", r.len()));
    }
    if x.iter().flatten().any(|v| !v.is_finite()) {
        return Err("an input value is not a finite number".into());
    }
    let cols: Vec<Vec<f64>> = (0..d).map(|j| x.iter().map(|r| r[j]).collect()).collect();
    let init: Vec<[f64; 2]> = cols
        .iter()
        .map(|c| {
            [
                c.iter().cloned().fold(f64::INFINITY, f64::min),
                c.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            ]
        })
        .collect();
    let data = Data { cols, y, init };
    let total = data.coi(&(0..n).collect::<Vec<_>>());
    let mut lims = data.init.clone();
    let mut idx: Vec<usize> = (0..n).collect();
    let mut trajectory = Vec::new();
    let record = |lims: &[[f64; 2]], idx: &[usize], step: Step| {
        let k = data.coi(idx);
        TrajectoryBox {
            coverage: if total > 0 {
                k as f64 / total as f64
            } else {
                0.0
            },
            density: k as f64 / idx.len() as f64,
            mass: idx.len() as f64 / n as f64,
            n: idx.len(),
            k,
            step,
            restricted: names
                .iter()
                .zip(lims)
                .zip(&data.init)
                .filter(|((_, l), i)| l != i)
                .map(|((name, l), _)| (name.clone(), *l))
                .collect(),
        }
    };
    trajectory.push(record(&lims, &idx, Step::Initial));

    let peeled = peel(&data, settings, lims.clone(), idx.clone());
    if let Some((l, i)) = peeled.last() {
        (lims, idx) = (l.clone(), i.clone());
    }
    for (l, i) in &peeled {
        trajectory.push(record(l, i, Step::Peel));
    }
    for (l, i) in paste(&data, settings, lims, idx) {
        trajectory.push(record(&l, &i, Step::Paste));
    }

    let last = trajectory.last().map_or(0.0, |b| b.density);
    Ok(PrimResult {
        settings,
        points: n,
        cases_of_interest: total,
        initial_box: names.iter().cloned().zip(data.init.clone()).collect(),
        meets_threshold: last >= settings.threshold,
        trajectory,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn names(d: usize) -> Vec<String> {
        (0..d).map(|j| format!("x{j}")).collect()
    }

    /// Uniform points in the unit cube of `d` inputs, of interest inside
    /// [0.6, 1] x [0, 0.3] (inputs 0 and 1) and, with probability `noise`, anywhere.
    fn box_problem(n: usize, d: usize, noise: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let x: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..d).map(|_| rng.random::<f64>()).collect())
            .collect();
        let y = x
            .iter()
            .map(|r| (r[0] >= 0.6 && r[1] <= 0.3) || rng.random::<f64>() < noise)
            .collect();
        (x, y)
    }

    #[test]
    fn recovers_a_planted_box() {
        let (x, y) = box_problem(2000, 5, 0.02, 1);
        for objective in [
            Objective::Lenient1,
            Objective::Lenient2,
            Objective::Original,
        ] {
            let s = PrimSettings {
                objective,
                ..PrimSettings::default()
            };
            let r = prim(&names(5), &x, &y, s).unwrap();
            let b = r.chosen().expect("the box reaches the threshold");
            assert!(b.density > 0.85, "{objective:?}: {b:?}");
            let x0 = b.restricted["x0"];
            let x1 = b.restricted["x1"];
            if objective == Objective::Original {
                // greedy on density: a small box well inside the planted one
                assert!(x0[0] > 0.55 && x1[1] < 0.35, "{b:?}");
            } else {
                assert!(b.coverage > 0.8, "{objective:?}: {b:?}");
                assert!((x0[0] - 0.6).abs() < 0.05, "{objective:?}: {x0:?}");
                assert!((x1[1] - 0.3).abs() < 0.05, "{objective:?}: {x1:?}");
            }
            // the noise inputs are left alone, or nearly
            let others = b.restricted.keys().filter(|k| *k != "x0" && *k != "x1");
            assert!(others.count() <= 1, "{objective:?}: {b:?}");
            // the trajectory starts from everything and peels monotonically in mass
            assert_eq!(r.trajectory[0].mass, 1.0);
            assert_eq!(r.trajectory[0].coverage, 1.0);
            for w in r.trajectory.windows(2) {
                if w[1].step == Step::Peel {
                    assert!(w[1].mass < w[0].mass);
                }
            }
        }
    }

    #[test]
    fn mass_min_stops_peeling() {
        let (x, y) = box_problem(1000, 3, 0.0, 2);
        let s = PrimSettings {
            mass_min: 0.3,
            ..PrimSettings::default()
        };
        let r = prim(&names(3), &x, &y, s).unwrap();
        assert!(r.trajectory.iter().all(|b| b.mass >= 0.3));
        // the planted box holds 12 % of the points, so a 0.3 floor keeps the density low
        assert!(!r.meets_threshold);
        assert!(r.chosen().is_none());
    }

    #[test]
    fn pasting_widens_a_box_towards_denser_points() {
        // Of interest when x0 <= 0.5 and x1 <= 0.8. From the box x0 <= 0.3, x1 >= 0.05
        // (density about 0.79), the points just below x1 = 0.05 are all of interest: pasting
        // takes them, raising mass and density at each step.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let x: Vec<Vec<f64>> = (0..2000)
            .map(|_| vec![rng.random::<f64>(), rng.random::<f64>()])
            .collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] <= 0.5 && r[1] <= 0.8).collect();
        let cols: Vec<Vec<f64>> = (0..2).map(|j| x.iter().map(|r| r[j]).collect()).collect();
        let init = vec![[0.0, 1.0], [0.0, 1.0]];
        let data = Data { cols, y: &y, init };
        let lims = vec![[0.0, 0.3], [0.05, 1.0]];
        let idx: Vec<usize> = (0..x.len()).filter(|&i| data.inside(i, &lims)).collect();
        let d0 = data.coi(&idx) as f64 / idx.len() as f64;
        let steps = paste(&data, PrimSettings::default(), lims, idx.clone());
        assert!(!steps.is_empty());
        let (mut m, mut d) = (idx.len(), d0);
        for (l, i) in &steps {
            let dn = data.coi(i) as f64 / i.len() as f64;
            assert!(i.len() > m && dn > d, "{l:?}");
            (m, d) = (i.len(), dn);
            // never past the edge of the cases of interest, where density falls
            assert!(l[0][0] == 0.0 && l[0][1] <= 0.5 && l[1][1] == 1.0, "{l:?}");
        }
        // the denser side, x1's lower limit, is taken
        assert!(steps.last().unwrap().0[1][0] < 0.05);
    }

    #[test]
    fn quantile_moves_past_ties_as_sdtoolkit() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.05), 1.5);
        assert_eq!(quantile(&v, 0.95), 4.5);
        let t = [1.0, 1.0, 1.0, 2.0];
        assert_eq!(quantile(&t, 0.05), 1.5);
        let u = [1.0, 2.0, 2.0, 2.0];
        assert_eq!(quantile(&u, 0.95), 1.5);
    }

    #[test]
    fn objectives_score_as_ema_workbench() {
        // From 100 points with 20 of interest to 90 with 20.
        let l1 = Objective::Lenient1.score(100, 20, 90, 20);
        assert!((l1 - (20.0 / 90.0 - 0.2) / 10.0).abs() < 1e-15);
        let l2 = Objective::Lenient2.score(100, 20, 90, 20);
        assert!((l2 - 90.0 * l1).abs() < 1e-12);
        assert_eq!(Objective::Original.score(100, 20, 90, 20), 20.0 / 90.0);
        assert_eq!(Objective::Original.score(100, 20, 0, 0), -1.0);
        assert_eq!(Objective::Lenient1.score(100, 20, 100, 20), 0.0);
    }

    #[test]
    fn bad_settings_and_shapes_are_reported() {
        let s = PrimSettings {
            peel_alpha: 0.0,
            ..PrimSettings::default()
        };
        assert!(prim(&names(1), &[vec![0.0]], &[true], s)
            .unwrap_err()
            .contains("peel_alpha"));
        let e = prim(&names(2), &[vec![0.0]], &[true], PrimSettings::default()).unwrap_err();
        assert!(e.contains("row 0"), "{e}");
    }
}
