//! How a run's results spread across the parameter draws it used: each draw (the same
//! parameters the ensemble's runs of that draw see: same seed, same stream) evaluated exactly,
//! giving its survival curve and its p(war) ([`across_draws`]); the fan of survival curves
//! (quantiles by year, [`fan_svg`]) and the histogram of p(war) ([`histogram_svg`]) are drawn
//! here once, for the web page and the HTML report alike. A run's Monte Carlo interval is
//! noise; this is the spread that comes from what we do not know about the parameters.

use detente_engine::exact::evaluate;
use detente_engine::rng::{stream_rng, Stream};
use detente_engine::{ParamDraw, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The quantiles of the fan, in [`AcrossDraws::survival`]'s order.
pub const FAN_QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The exact results of each parameter draw of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AcrossDraws {
    /// Draws evaluated (the run's first `draws`).
    pub draws: usize,
    /// The run's draws in all (more than `draws` when only the first were evaluated).
    pub of: u64,
    /// End of each year of the horizon (1, 2, …).
    pub years: Vec<f64>,
    /// P(no war yet) by year at each of [`FAN_QUANTILES`] across draws.
    pub survival: Vec<Vec<f64>>,
    /// p(war) within the horizon of each draw.
    pub p_war: Vec<f64>,
}

/// Evaluate exactly the first `min(draws, max)` parameter draws of a run seeded `seed`.
pub fn across_draws(
    scenario: &Scenario,
    draw: &(dyn ParamDraw + Sync),
    draws: u64,
    seed: u64,
    max: u64,
) -> AcrossDraws {
    let k = draws.min(max).max(1);
    let each: Vec<Vec<f64>> = (0..k)
        .into_par_iter()
        .map(|i| {
            let mut rng = stream_rng(seed, i, Stream::Parameters);
            let params = draw.draw(&mut rng, &scenario.params);
            evaluate(&params, &scenario.policy).survival_by_year()
        })
        .collect();
    let years = each.first().map_or(0, Vec::len);
    let survival = FAN_QUANTILES
        .iter()
        .map(|q| {
            (0..years)
                .map(|y| {
                    let col: Vec<f64> = each.iter().map(|s| s[y]).collect();
                    crate::robust::quantile(&col, *q)
                })
                .collect()
        })
        .collect();
    AcrossDraws {
        draws: k as usize,
        of: draws,
        years: (1..=years).map(|y| y as f64).collect(),
        survival,
        p_war: each
            .iter()
            .map(|s| 1.0 - s.last().copied().unwrap_or(1.0))
            .collect(),
    }
}

/// The fan of survival curves across draws: the median, 25–75 % and 5–95 % of the draws.
pub fn fan_svg(name: &str, a: &AcrossDraws) -> String {
    // from the start of the horizon, where no war has happened in any draw
    let pts = |q: usize| -> Vec<(f64, f64)> {
        std::iter::once((0.0, 1.0))
            .chain(a.years.iter().zip(&a.survival[q]).map(|(x, y)| (*x, *y)))
            .collect()
    };
    let band = |lo: usize, hi: usize| -> Option<Vec<(f64, f64)>> {
        Some(
            std::iter::once((1.0, 1.0))
                .chain(
                    a.survival[lo]
                        .iter()
                        .zip(&a.survival[hi])
                        .map(|(l, h)| (*l, *h)),
                )
                .collect(),
        )
    };
    let low = a.survival[0].iter().copied().fold(1.0, f64::min);
    let y0 = ((low * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    crate::svg::xy_chart(
        &format!("P(no war yet) across {} parameter draws, {name}", a.draws),
        "years from the start of the horizon",
        "P(no war yet)",
        Some((0.0, a.years.len() as f64)),
        Some((y0, 1.0)),
        &[
            crate::svg::Line {
                label: "5–95 % of draws",
                colour: "#8fb3dd",
                points: pts(2),
                band: band(0, 4),
                markers: false,
            },
            crate::svg::Line {
                label: "median and 25–75 % of draws",
                colour: "#1f5fa8",
                points: pts(2),
                band: band(1, 3),
                markers: true,
            },
        ],
        None,
    )
}

/// The histogram of p(war) across draws (bins of 5 percentage points, or finer when the
/// draws lie close together).
pub fn histogram_svg(name: &str, a: &AcrossDraws) -> String {
    let (lo, hi) = a
        .p_war
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), p| (l.min(*p), h.max(*p)));
    let width = if hi - lo < 0.1 { 0.01 } else { 0.05 };
    let start = (lo / width).floor() * width;
    let bins = (((hi - start) / width).floor() as usize + 1).clamp(1, 100);
    let mut counts = vec![0usize; bins];
    for p in &a.p_war {
        let b = (((p - start) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[b] += 1;
    }
    crate::svg::histogram(
        &format!("p(war) across {} parameter draws, {name}", a.draws),
        "p(war) within the horizon",
        start,
        width,
        &counts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uncertainty::Uncertainty;

    #[test]
    fn the_draws_are_the_runs_draws_and_the_fan_orders_them() {
        let scenario = Scenario {
            name: "default".into(),
            params: detente_engine::ModelParams::default(),
            policy: detente_engine::Policy::default(),
        };
        let draw = Uncertainty::from_defaults();
        let a = across_draws(&scenario, &draw, 500, 3, 12);
        assert_eq!((a.draws, a.of, a.p_war.len()), (12, 500, 12));
        // the exact evaluation of the same draws gives the same p(war), draw by draw
        let e = detente_engine::exact::evaluate_with(
            &scenario,
            Some(detente_engine::exact::Draws {
                draws: 12,
                seed: 3,
                draw: &draw,
            }),
        );
        for (x, y) in a.p_war.iter().zip(&e.p_war_draws) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
        // quantiles are ordered in every year, and survival falls year by year
        for y in 0..a.years.len() {
            for q in 1..FAN_QUANTILES.len() {
                assert!(a.survival[q - 1][y] <= a.survival[q][y]);
            }
            if y > 0 {
                assert!(a.survival[2][y] <= a.survival[2][y - 1] + 1e-12);
            }
        }
        let fan = fan_svg("baseline", &a);
        assert_eq!(fan.matches("<polygon").count(), 2);
        let hist = histogram_svg("baseline", &a);
        let counted: usize = hist
            .split("</title>")
            .filter_map(|t| t.rsplit(": ").next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(counted, 12);
    }
}
