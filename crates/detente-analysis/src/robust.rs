//! Robust choice among architectures under parameter uncertainty: each architecture evaluated
//! on the same parameter draws ([`evaluate_on_draws`]), then, for each, the mean and 90th
//! percentile of p(war), its mean cost, its regret against the best architecture in each draw
//! (maximum and mean: Savage's minimax regret), and the share of draws in which p(war) meets a
//! target ([`robustness`]); [`robust`] does both for the CLI and the server, and
//! [`robust_svg`] draws the chart.

use crate::discover::Outcomes;
use detente_engine::exact::{evaluate_cached, LadderCache};
use detente_engine::rng::{stream_rng, Stream};
use detente_engine::{ParamDraw, Scenario};
use rayon::prelude::*;
use serde::Serialize;

/// Exact outcomes of every scenario on `draws` parameter draws: `[scenario][draw]`. Draw `d`
/// comes from the parameter stream `d` of `seed`, the same stream for every scenario, so the
/// architectures face the same draws (each drawn around its own scenario's values where the
/// draw is relative). The result does not depend on the number of threads.
pub fn evaluate_on_draws(
    scenarios: &[Scenario],
    draw: &(dyn ParamDraw + Sync),
    draws: usize,
    seed: u64,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Vec<Outcomes>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let per_draw: Vec<Vec<Outcomes>> = (0..draws)
        .into_par_iter()
        .map(|d| {
            let mut cache = LadderCache::default();
            let row = scenarios
                .iter()
                .map(|s| {
                    let mut rng = stream_rng(seed, d as u64, Stream::Parameters);
                    let params = draw.draw(&mut rng, &s.params);
                    Outcomes::from_exact(&evaluate_cached(&params, &s.policy, &mut cache))
                })
                .collect();
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n * scenarios.len());
            row
        })
        .collect();
    (0..scenarios.len())
        .map(|a| per_draw.iter().map(|row| row[a].clone()).collect())
        .collect()
}

/// Linear-interpolation quantile of unsorted values (numpy's default), NaN if empty.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    detente_engine::stats::quantile(&v, q)
}

/// One architecture's robustness figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Robustness {
    pub architecture: String,
    pub mean_p_war: f64,
    /// 90th percentile of p(war) across draws.
    pub p90_p_war: f64,
    /// Mean defence and mechanism cost across draws (US$ bn over the horizon).
    pub mean_cost: f64,
    /// Largest regret in p(war) over the draws: p(war) minus the lowest p(war) of any
    /// architecture in the same draw.
    pub max_regret: f64,
    pub mean_regret: f64,
    /// Share of draws with p(war) at most the target.
    pub share_meeting_target: f64,
    /// Share of draws in which this architecture has the lowest p(war) (ties count for each).
    pub share_best: f64,
}

/// The robustness table of `names[a]` with p(war) `p_war[a][d]` and cost `cost[a][d]` over
/// the same draws `d`.
pub fn robustness(
    names: &[String],
    p_war: &[Vec<f64>],
    cost: &[Vec<f64>],
    target: f64,
) -> Result<Vec<Robustness>, String> {
    let k = names.len();
    if k == 0 || p_war.len() != k || cost.len() != k {
        return Err("one row of p(war) and of cost per architecture is needed".into());
    }
    let draws = p_war[0].len();
    if draws == 0 || p_war.iter().chain(cost).any(|r| r.len() != draws) {
        return Err("every architecture needs the same, non-zero number of draws".into());
    }
    let best: Vec<f64> = (0..draws)
        .map(|d| p_war.iter().map(|r| r[d]).fold(f64::INFINITY, f64::min))
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    Ok((0..k)
        .map(|a| {
            let regret: Vec<f64> = (0..draws).map(|d| p_war[a][d] - best[d]).collect();
            Robustness {
                architecture: names[a].clone(),
                mean_p_war: mean(&p_war[a]),
                p90_p_war: quantile(&p_war[a], 0.9),
                mean_cost: mean(&cost[a]),
                max_regret: regret.iter().cloned().fold(0.0, f64::max),
                mean_regret: mean(&regret),
                share_meeting_target: p_war[a].iter().filter(|p| **p <= target).count() as f64
                    / draws as f64,
                share_best: regret.iter().filter(|r| **r == 0.0).count() as f64 / draws as f64,
            }
        })
        .collect())
}

/// A robustness study's result (what `robust --json` prints and `POST /api/robust` answers).
#[derive(Clone, Debug, Serialize)]
pub struct RobustReport {
    pub draws: usize,
    pub seed: u64,
    pub target: f64,
    pub evaluation: &'static str,
    /// What is drawn from where.
    pub parameters: String,
    pub seconds: f64,
    pub architectures: Vec<Robustness>,
}

/// Evaluate `scenarios` exactly on `draws` shared parameter draws of `draw` and score them
/// ([`evaluate_on_draws`], [`robustness`]); `description` says what `draw` draws.
pub fn robust(
    scenarios: &[Scenario],
    draw: &(dyn ParamDraw + Sync),
    description: &str,
    draws: usize,
    seed: u64,
    target: f64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RobustReport, String> {
    if draws == 0 {
        return Err("n 0: allowed: at least 1 draw".into());
    }
    if !(target.is_finite() && (0.0..=1.0).contains(&target)) {
        return Err(format!(
            "target {target}: allowed: a probability from 0 to 1"
        ));
    }
    let start = std::time::Instant::now();
    let outcomes = evaluate_on_draws(scenarios, draw, draws, seed, progress);
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let pick = |f: fn(&Outcomes) -> f64| -> Vec<Vec<f64>> {
        outcomes.iter().map(|r| r.iter().map(f).collect()).collect()
    };
    let table = robustness(&names, &pick(|o| o.p_war), &pick(|o| o.cost), target)?;
    Ok(RobustReport {
        draws,
        seed,
        target,
        evaluation: "exact",
        parameters: description.to_string(),
        seconds: start.elapsed().as_secs_f64(),
        architectures: table,
    })
}

/// A bar chart of each architecture's mean p(war), its 90th percentile and its maximum regret.
pub fn robust_svg(r: &RobustReport) -> String {
    use crate::svg::{bar_chart, Series};
    let rs = &r.architectures;
    let names: Vec<String> = rs.iter().map(|a| a.architecture.clone()).collect();
    let series = |label, colour, f: fn(&Robustness) -> f64| Series {
        label,
        colour,
        values: rs.iter().map(f).collect(),
        half_widths: vec![0.0; rs.len()],
    };
    bar_chart(
        &format!("Robustness across {} parameter draws (each exact)", r.draws),
        "probability of war within the horizon",
        &names,
        &[
            series("mean p(war)", "#4a7ab5", |a| a.mean_p_war),
            series("90th percentile", "#8fb3dd", |a| a.p90_p_war),
            series("maximum regret", "#c8553d", |a| a.max_regret),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_is_against_the_best_in_each_draw() {
        let names = vec!["a".to_string(), "b".to_string()];
        // a is better in draws 0 and 1, b in draw 2
        let p = vec![vec![0.10, 0.02, 0.30], vec![0.20, 0.04, 0.10]];
        let c = vec![vec![1.0, 1.0, 1.0], vec![2.0, 4.0, 6.0]];
        let r = robustness(&names, &p, &c, 0.05).unwrap();
        assert!((r[0].max_regret - 0.20).abs() < 1e-12);
        assert!((r[0].mean_regret - 0.20 / 3.0).abs() < 1e-12);
        assert!((r[1].max_regret - 0.10).abs() < 1e-12);
        assert!((r[1].mean_regret - 0.12 / 3.0).abs() < 1e-12);
        assert_eq!(r[0].share_meeting_target, 1.0 / 3.0);
        assert_eq!(r[1].share_meeting_target, 1.0 / 3.0);
        assert!((r[0].share_best - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(r[1].mean_cost, 4.0);
        // numpy: np.percentile([0.1, 0.02, 0.3], 90) = 0.26
        assert!((r[0].p90_p_war - 0.26).abs() < 1e-12);
        assert!(robustness(&names, &p[..1], &c, 0.05).is_err());
    }
}
