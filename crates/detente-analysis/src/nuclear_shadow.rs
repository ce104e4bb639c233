//! The nuclear shadow estimated from ICB crises between nuclear-armed adversaries: crises
//! triggered 1918–1989 (crises from 1990 on are held out and never read) in which two crisis
//! actors on opposite sides both had nuclear weapons by the crisis's year — the USSR against
//! the United States, the United Kingdom or France, and China against any of them (first
//! tests: US 1945, USSR 1949, UK 1952, France 1960, China 1964; India's 1974 test is not a
//! declared arsenal, and US–UK–France pairs are allies). ICB's violence level is the crisis's,
//! not the pair's: Korea, Suez, 1967, 1973 and Angola were wars with third parties while the
//! superpowers threatened each other. What the record says of the pair is that none of these
//! crises became a war between the nuclear powers, so each contributes the fitted ladder's
//! exact probability of stopping below war (rung 3) with the war threshold raised by the
//! shadow s (`SideTerms::war_threshold_shift`, 0 for the other historical crises). The
//! likelihood over a grid of s, with a flat prior on [0, 8] logits, gives the posterior mean,
//! standard deviation and 2.5 % point. The likelihood only rises with s and flattens: the data
//! give a lower bound more than a value, and the estimate says so.

use crate::hindcast::csv_columns;
use crate::icb::{IcbCrisis, Imputation, HOLDOUT_YEAR};
use crate::score::rungs_to_levels;
use detente_engine::{max_rung_distribution, ModelParams, SideTerms};
use std::collections::HashMap;

/// COW codes and first nuclear test of the declared nuclear powers before 1990.
pub const NUCLEAR: [(i64, i64); 5] = [
    (2, 1945),
    (365, 1949),
    (200, 1952),
    (220, 1960),
    (710, 1964),
];
/// Pairs of nuclear powers that were allies (never adversaries in a crisis).
const ALLIES: [(i64, i64); 3] = [(2, 200), (2, 220), (200, 220)];

/// Upper end of the grid and of the flat prior (logits).
pub const GRID_MAX: f64 = 8.0;
const GRID_STEPS: usize = 160;

/// The estimate and the crises behind it.
#[derive(Clone, Debug)]
pub struct ShadowEstimate {
    /// (crisno, name, year, the crisis's ICB violence level 0-3, with third parties).
    pub crises: Vec<(i64, String, i64, usize)>,
    /// Posterior mean and standard deviation of s (flat prior on [0, GRID_MAX]).
    pub mean: f64,
    pub sd: f64,
    /// Posterior 2.5 % point: a lower bound.
    pub lower_95: f64,
    /// Value of s with the highest likelihood on the grid.
    pub mode: f64,
    /// Probability that one such crisis becomes a war between them at s = 0 and at the mean.
    pub p_war_at_zero: f64,
    pub p_war_at_mean: f64,
}

fn nuclear_by(ccode: i64, year: i64) -> bool {
    NUCLEAR.iter().any(|(c, y)| *c == ccode && *y <= year)
}

fn adversaries(a: i64, b: i64) -> bool {
    a != b && !ALLIES.contains(&(a.min(b), a.max(b)))
}

/// Crisis numbers whose actors include two nuclear-armed adversaries, from an ICB actor-level
/// CSV (`crisno`, `cracid`, `yrtrig`); `file` names it in messages.
pub fn nuclear_dyad_crisnos(file: &str, text: &str) -> Result<Vec<i64>, String> {
    let (mut reader, cols) = csv_columns(file, text, &["crisno", "cracid", "yrtrig"])?;
    let (cn, ca, cy) = (cols[0], cols[1], cols[2]);
    let mut actors: HashMap<i64, (i64, Vec<i64>)> = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{file}: line {}: {e}", i + 2))?;
        let num = |c: usize, what: &str| -> Result<i64, String> {
            row.get(c)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .map(|v| v as i64)
                .ok_or_else(|| format!("{file}: line {}: `{what}` is not a number", i + 2))
        };
        let (crisno, cracid, year) = (num(cn, "crisno")?, num(ca, "cracid")?, num(cy, "yrtrig")?);
        if year >= HOLDOUT_YEAR {
            continue;
        }
        let e = actors.entry(crisno).or_insert((year, Vec::new()));
        e.1.push(cracid);
    }
    let mut out: Vec<i64> = actors
        .into_iter()
        .filter(|(_, (year, ids))| {
            let nuclear: Vec<i64> = ids
                .iter()
                .copied()
                .filter(|c| nuclear_by(*c, *year))
                .collect();
            nuclear
                .iter()
                .any(|a| nuclear.iter().any(|b| adversaries(*a, *b)))
        })
        .map(|(c, _)| c)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The posterior of the shadow over the crises `selected` of `crises` (covariates imputed
/// with the training medians `imputation`), under the fitted `params`.
pub fn estimate(
    params: &ModelParams,
    crises: &[IcbCrisis],
    selected: &[i64],
    imputation: &Imputation,
) -> ShadowEstimate {
    let used: Vec<&IcbCrisis> = crises
        .iter()
        .filter(|c| selected.contains(&c.crisno) && c.level.is_some())
        .filter(|c| c.yrtrig.is_some_and(|y| y < HOLDOUT_YEAR))
        .collect();
    let grid: Vec<f64> = (0..=GRID_STEPS)
        .map(|k| GRID_MAX * k as f64 / GRID_STEPS as f64)
        .collect();
    let p_war = |s: f64| -> f64 {
        let sides = SideTerms {
            war_threshold_shift: s,
            ..SideTerms::historical(params)
        };
        let total: f64 = used
            .iter()
            .map(|c| {
                let p = rungs_to_levels(&max_rung_distribution(
                    params,
                    &imputation.inputs(&c.covariates),
                    &sides,
                ));
                p[3]
            })
            .sum();
        total / used.len().max(1) as f64
    };
    let log_lik: Vec<f64> = grid
        .iter()
        .map(|s| {
            let sides = SideTerms {
                war_threshold_shift: *s,
                ..SideTerms::historical(params)
            };
            used.iter()
                .map(|c| {
                    let p = rungs_to_levels(&max_rung_distribution(
                        params,
                        &imputation.inputs(&c.covariates),
                        &sides,
                    ));
                    // no war between the nuclear powers: below rung 3
                    (p[0] + p[1] + p[2]).max(1e-300).ln()
                })
                .sum()
        })
        .collect();
    let top = log_lik.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = log_lik.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = w.iter().sum();
    let mean = grid.iter().zip(&w).map(|(s, w)| s * w).sum::<f64>() / total;
    let var = grid
        .iter()
        .zip(&w)
        .map(|(s, w)| (s - mean).powi(2) * w)
        .sum::<f64>()
        / total;
    let mut acc = 0.0;
    let mut lower_95 = 0.0;
    for (s, w) in grid.iter().zip(&w) {
        acc += w / total;
        if acc >= 0.025 {
            lower_95 = *s;
            break;
        }
    }
    let mode = grid[log_lik
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)];
    ShadowEstimate {
        crises: used
            .iter()
            .map(|c| {
                (
                    c.crisno,
                    c.name.clone(),
                    c.yrtrig.unwrap_or(0),
                    c.level.unwrap_or(0),
                )
            })
            .collect(),
        mean,
        p_war_at_zero: p_war(0.0),
        p_war_at_mean: p_war(mean),
        sd: var.sqrt(),
        lower_95,
        mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyads_need_two_nuclear_adversaries_by_the_year() {
        let text = "crisno,cracid,yrtrig\n1,2,1948\n1,365,1948\n2,2,1961\n2,365,1961\n3,2,1956\n3,200,1956\n4,365,1969\n4,710,1969\n5,2,1995\n5,365,1995\n";
        assert_eq!(nuclear_dyad_crisnos("a.csv", text).unwrap(), vec![2, 4]);
        let e = nuclear_dyad_crisnos("a.csv", "crisno,yrtrig\n").unwrap_err();
        assert!(e.contains("no column `cracid`"), "{e}");
    }
}
