//! CART for scenario discovery: a classification tree on a binary outcome (Breiman et al.
//! 1984), grown as EMA Workbench's `cart.CART` does with scikit-learn — Gini impurity, splits
//! at midpoints between neighbouring distinct values, a leaf at least `mass_min` of the points —
//! and read as boxes: each leaf is the box its path of splits describes, with its coverage,
//! density and mass. The leaves where most points are of interest are the boxes of interest.

use serde::Serialize;
use std::collections::BTreeMap;

/// CART's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CartSettings {
    /// Smallest share of all points in a leaf.
    pub mass_min: f64,
    /// Deepest split (the root is depth 0).
    pub max_depth: usize,
}

impl Default for CartSettings {
    fn default() -> Self {
        CartSettings {
            mass_min: 0.05,
            max_depth: 6,
        }
    }
}

/// One leaf of the tree, read as a box.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leaf {
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    pub n: usize,
    pub k: usize,
    /// The limits the path of splits sets (lower limits exclusive, upper inclusive), by input.
    pub restricted: BTreeMap<String, [f64; 2]>,
}

/// The tree's leaves, those of interest first (density at least 0.5, by coverage).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CartResult {
    #[serde(flatten)]
    pub settings: CartSettings,
    pub leaves: Vec<Leaf>,
    /// How many of the leaves have most of their points of interest (they come first).
    pub leaves_of_interest: usize,
}

fn gini(n: usize, k: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let p = k as f64 / n as f64;
    2.0 * p * (1.0 - p)
}

struct Ctx<'a> {
    names: &'a [String],
    cols: Vec<Vec<f64>>,
    y: &'a [bool],
    min_leaf: usize,
    max_depth: usize,
    total_k: usize,
    n: usize,
    /// The data's range of every input.
    init: Vec<[f64; 2]>,
    leaves: Vec<Leaf>,
}

impl Ctx<'_> {
    fn grow(&mut self, idx: Vec<usize>, lims: Vec<[f64; 2]>, depth: usize) {
        let n = idx.len();
        let k = idx.iter().filter(|&&i| self.y[i]).count();
        let parent = gini(n, k) * n as f64;
        // best split: (weighted impurity, feature, threshold)
        let mut best: Option<(f64, usize, f64)> = None;
        if depth < self.max_depth && k > 0 && k < n && n >= 2 * self.min_leaf {
            for (j, col) in self.cols.iter().enumerate() {
                let mut order: Vec<(f64, bool)> =
                    idx.iter().map(|&i| (col[i], self.y[i])).collect();
                order.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut k_left = 0;
                for s in 0..n - 1 {
                    k_left += order[s].1 as usize;
                    let n_left = s + 1;
                    if order[s].0 == order[s + 1].0
                        || n_left < self.min_leaf
                        || n - n_left < self.min_leaf
                    {
                        continue;
                    }
                    let imp = gini(n_left, k_left) * n_left as f64
                        + gini(n - n_left, k - k_left) * (n - n_left) as f64;
                    if !matches!(best, Some(b) if imp >= b.0) {
                        best = Some((imp, j, (order[s].0 + order[s + 1].0) / 2.0));
                    }
                }
            }
        }
        match best {
            Some((imp, j, t)) if imp < parent - 1e-12 => {
                let (left, right): (Vec<usize>, Vec<usize>) =
                    idx.iter().partition(|&&i| self.cols[j][i] <= t);
                let mut ll = lims.clone();
                ll[j][1] = ll[j][1].min(t);
                let mut rl = lims;
                rl[j][0] = rl[j][0].max(t);
                self.grow(left, ll, depth + 1);
                self.grow(right, rl, depth + 1);
            }
            _ => {
                let restricted = self
                    .names
                    .iter()
                    .zip(&lims)
                    .zip(&self.init)
                    .filter(|((_, l), i)| l != i)
                    .map(|((name, l), _)| (name.clone(), *l))
                    .collect();
                self.leaves.push(Leaf {
                    coverage: if self.total_k > 0 {
                        k as f64 / self.total_k as f64
                    } else {
                        0.0
                    },
                    density: k as f64 / n as f64,
                    mass: n as f64 / self.n as f64,
                    n,
                    k,
                    restricted,
                });
            }
        }
    }
}

/// Grow a tree on `x` (one row per point, inputs in `names`' order) and `y` (of interest).
/// A leaf's limits start from the data's range; those a split changed are listed.
pub fn cart(
    names: &[String],
    x: &[Vec<f64>],
    y: &[bool],
    settings: CartSettings,
) -> Result<CartResult, String> {
    let n = y.len();
    if n == 0 || x.len() != n {
        return Err(format!("{} rows of inputs for {n} outcomes", x.len()));
    }
    if !(settings.mass_min >= 0.0 && settings.mass_min < 0.5) {
        return Err(format!(
            "mass_min {}: allowed: from 0 to less than 0.5",
            settings.mass_min
        ));
    }
    let d = names.len();
    if x.iter().any(|r| r.len() != d) {
        return Err(format!("every row must have {d} inputs"));
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
    let mut ctx = Ctx {
        names,
        cols,
        init: init.clone(),
        y,
        min_leaf: ((settings.mass_min * n as f64) as usize).max(1),
        max_depth: settings.max_depth,
        total_k: y.iter().filter(|v| **v).count(),
        n,
        leaves: Vec::new(),
    };
    ctx.grow((0..n).collect(), init, 0);
    let mut leaves = ctx.leaves;
    leaves.sort_by(|a, b| {
        (b.density >= 0.5)
            .cmp(&(a.density >= 0.5))
            .then(b.coverage.total_cmp(&a.coverage))
    });
    let leaves_of_interest = leaves.iter().filter(|l| l.density >= 0.5).count();
    Ok(CartResult {
        settings,
        leaves,
        leaves_of_interest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn finds_a_planted_box_as_its_leaf_of_interest() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let x: Vec<Vec<f64>> = (0..2000)
            .map(|_| (0..4).map(|_| rng.random::<f64>()).collect())
            .collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] >= 0.6 && r[2] <= 0.3).collect();
        let names: Vec<String> = (0..4).map(|j| format!("x{j}")).collect();
        let r = cart(&names, &x, &y, CartSettings::default()).unwrap();
        assert_eq!(r.leaves_of_interest, 1, "{r:?}");
        let leaf = &r.leaves[0];
        assert_eq!(leaf.density, 1.0);
        assert_eq!(leaf.coverage, 1.0);
        assert!((leaf.restricted["x0"][0] - 0.6).abs() < 0.01, "{leaf:?}");
        assert!((leaf.restricted["x2"][1] - 0.3).abs() < 0.01, "{leaf:?}");
        assert_eq!(leaf.restricted.len(), 2);
        // the leaves partition the points
        assert_eq!(r.leaves.iter().map(|l| l.n).sum::<usize>(), 2000);
    }

    #[test]
    fn leaves_respect_mass_min_and_depth() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let x: Vec<Vec<f64>> = (0..500).map(|_| vec![rng.random::<f64>()]).collect();
        let y: Vec<bool> = x.iter().map(|_| rng.random::<f64>() < 0.3).collect();
        let s = CartSettings {
            mass_min: 0.1,
            max_depth: 3,
        };
        let r = cart(&["a".to_string()], &x, &y, s).unwrap();
        assert!(r.leaves.len() <= 8);
        assert!(r.leaves.iter().all(|l| l.n >= 50), "{r:?}");
        assert!(cart(&["a".to_string()], &x, &y[..3], s).is_err());
    }
}
