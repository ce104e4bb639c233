//! Running a campaign and summarising it: replications are run in parallel with rayon, each
//! with its own generator seeded from (seed, replication index), and collected in index order,
//! so a summary depends only on the posture, the number of runs and the seed — never on the
//! thread count. Times to objectives are summarised as percentiles of a censored distribution:
//! an objective not taken within the simulated window counts as "after the window", and a
//! percentile that falls there is reported as `None` (JSON `null`, text `>720h`).
//! Probabilities come with 95 % Wilson score intervals (sampling error only).

use crate::model::{Compiled, Replication};
use crate::posture::Posture;
use rayon::prelude::*;
use serde::Serialize;

/// 60 hours (RAND 2016's longest time to the capitals).
pub const H60: f64 = 60.0;
/// 7 days in hours.
pub const H7D: f64 = 168.0;
/// 30 days in hours.
pub const H30D: f64 = 720.0;

/// Run `runs` replications (in parallel, deterministic for a given seed).
pub fn replicate(c: &Compiled, runs: u32, seed: u64) -> Vec<Replication> {
    (0..runs)
        .into_par_iter()
        .with_min_len(64)
        .map(|i| c.replicate(seed, u64::from(i)))
        .collect()
}

/// A probability with its 95 % Wilson interval.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Prob {
    /// Point estimate.
    pub p: f64,
    /// Lower 95 % bound.
    pub lo: f64,
    /// Upper 95 % bound.
    pub hi: f64,
}

impl Prob {
    /// From `k` successes in `n` trials.
    pub fn from_counts(k: usize, n: usize) -> Prob {
        if n == 0 {
            return Prob {
                p: 0.0,
                lo: 0.0,
                hi: 1.0,
            };
        }
        let n = n as f64;
        let p = k as f64 / n;
        let z = 1.959_963_984_540_054_f64;
        let z2 = z * z;
        let den = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / den;
        let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / den;
        Prob {
            p,
            lo: (centre - half).max(0.0),
            hi: (centre + half).min(1.0),
        }
    }
}

/// Summary of one objective.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveSummary {
    /// Objective name.
    pub name: String,
    /// Median time to fall, hours; `None` if it falls in fewer than half of the runs.
    pub hours_median: Option<f64>,
    /// 10th percentile, hours; `None` if it falls in fewer than 10 % of the runs.
    pub hours_p10: Option<f64>,
    /// 90th percentile, hours; `None` if it falls in fewer than 90 % of the runs.
    pub hours_p90: Option<f64>,
    /// Probability it falls within 60 hours.
    pub p_fall_60h: f64,
    /// Probability it falls within 7 days.
    pub p_fall_7d: f64,
    /// Probability it falls within 30 days (or the simulated window if shorter).
    pub p_fall_30d: f64,
    /// 95 % Wilson intervals of the three probabilities, `[lo, hi]`.
    pub p_fall_60h_ci: [f64; 2],
    /// See `p_fall_60h_ci`.
    pub p_fall_7d_ci: [f64; 2],
    /// See `p_fall_60h_ci`.
    pub p_fall_30d_ci: [f64; 2],
}

/// Mean and 10/90 % points of a loss.
#[derive(Clone, Debug, Serialize)]
pub struct LossSummary {
    /// Mean combat power lost, tank-battalion equivalents.
    pub mean_cp: f64,
    /// 10th percentile.
    pub p10_cp: f64,
    /// 90th percentile.
    pub p90_cp: f64,
    /// Mean combat power committed (arrived), tank-battalion equivalents.
    pub mean_committed_cp: f64,
    /// Mean of lost ÷ committed.
    pub mean_fraction: f64,
}

/// Summary of a campaign run.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignSummary {
    /// Posture name.
    pub posture: String,
    /// Replications.
    pub runs: u32,
    /// Seed.
    pub seed: u64,
    /// Simulated window, hours.
    pub horizon_hours: f64,
    /// Per objective.
    pub objectives: Vec<ObjectiveSummary>,
    /// Definition of quick success.
    pub quick_success_definition: String,
    /// Probability of quick success with its interval.
    pub quick_success: Prob,
    /// Probability that any of the quick-success objectives falls within 60 h.
    pub p_rapid_fall_60h: Prob,
    /// Attacker losses.
    pub attacker_losses: LossSummary,
    /// Of which to NATO air power (mean, tank-battalion equivalents).
    pub attacker_lost_to_air_mean_cp: f64,
    /// Defender losses.
    pub defender_losses: LossSummary,
}

fn percentile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let idx = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[idx]
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn loss_summary(lost: Vec<f64>, committed: &[f64]) -> LossSummary {
    let n = lost.len().max(1) as f64;
    let mean_fraction = lost
        .iter()
        .zip(committed)
        .map(|(l, c)| if *c > 0.0 { l / c } else { 0.0 })
        .sum::<f64>()
        / n;
    let mean_cp = lost.iter().sum::<f64>() / n;
    let mean_committed_cp = committed.iter().sum::<f64>() / n;
    let mut s = lost;
    s.sort_by(f64::total_cmp);
    LossSummary {
        mean_cp,
        p10_cp: percentile_sorted(&s, 0.1),
        p90_cp: percentile_sorted(&s, 0.9),
        mean_committed_cp,
        mean_fraction,
    }
}

/// Probability that any of the quick-success objectives falls within `hours`.
pub fn p_any_within(c: &Compiled, reps: &[Replication], hours: f64) -> Prob {
    let k = reps
        .iter()
        .filter(|r| {
            c.quick_idx
                .iter()
                .any(|&i| f64::from(r.fall_hours[i]) <= hours)
        })
        .count();
    Prob::from_counts(k, reps.len())
}

/// Summarise replications.
pub fn summarise(
    posture: &Posture,
    c: &Compiled,
    reps: &[Replication],
    seed: u64,
) -> CampaignSummary {
    let n = reps.len();
    let horizon = posture.horizon_hours;
    let mut objectives = Vec::new();
    for (i, name) in c.objectives().iter().enumerate() {
        let mut t: Vec<f64> = reps.iter().map(|r| f64::from(r.fall_hours[i])).collect();
        t.sort_by(f64::total_cmp);
        let within = |h: f64| Prob::from_counts(t.iter().filter(|&&x| x <= h).count(), n);
        let (p60, p7, p30) = (within(H60), within(H7D), within(H30D.min(horizon)));
        objectives.push(ObjectiveSummary {
            name: name.clone(),
            hours_median: finite(percentile_sorted(&t, 0.5)),
            hours_p10: finite(percentile_sorted(&t, 0.1)),
            hours_p90: finite(percentile_sorted(&t, 0.9)),
            p_fall_60h: p60.p,
            p_fall_7d: p7.p,
            p_fall_30d: p30.p,
            p_fall_60h_ci: [p60.lo, p60.hi],
            p_fall_7d_ci: [p7.lo, p7.hi],
            p_fall_30d_ci: [p30.lo, p30.hi],
        });
    }
    let quick = Prob::from_counts(reps.iter().filter(|r| c.is_quick(r)).count(), n);
    let att_comm: Vec<f64> = reps.iter().map(|r| r.attacker_committed).collect();
    let def_comm: Vec<f64> = reps.iter().map(|r| r.defender_committed).collect();
    CampaignSummary {
        posture: posture.name.clone(),
        runs: n as u32,
        seed,
        horizon_hours: horizon,
        objectives,
        quick_success_definition: format!(
            "any of {} falls within {} hours",
            posture.quick_success.objectives.join(", "),
            posture.quick_success.hours
        ),
        quick_success: quick,
        p_rapid_fall_60h: p_any_within(c, reps, H60),
        attacker_losses: loss_summary(reps.iter().map(|r| r.attacker_lost).collect(), &att_comm),
        attacker_lost_to_air_mean_cp: reps.iter().map(|r| r.attacker_lost_air).sum::<f64>()
            / n.max(1) as f64,
        defender_losses: loss_summary(reps.iter().map(|r| r.defender_lost).collect(), &def_comm),
    }
}

/// Compile, replicate and summarise a posture.
pub fn run_campaign(posture: &Posture, runs: u32, seed: u64) -> CampaignSummary {
    let c = Compiled::new(posture);
    let reps = replicate(&c, runs, seed);
    summarise(posture, &c, &reps, seed)
}
