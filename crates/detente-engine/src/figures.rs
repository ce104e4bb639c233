//! The figures every result reports, whether an ensemble estimated them ([`Summary`], with
//! Monte Carlo intervals) or the exact chain computed them ([`ExactSummary`], intervals of zero
//! width). Outputs (tables, JSON, reports) read results through [`Figures`], so one
//! definition of each output serves both methods.

use crate::crisis::RUNGS;
use crate::ensemble::{DrawSpread, Summary};
use crate::exact::ExactSummary;
use crate::pathway::Pathway;
use crate::run::Costs;
use crate::stats::{paired_mean, quantile, Estimate};
use crate::war::WarOutcomes;

/// How a result was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Estimated from an ensemble of simulated runs.
    MonteCarlo,
    /// Computed exactly from the model's Markov chain.
    Exact,
}

impl Method {
    /// Name used in outputs: `monte_carlo` or `exact`.
    pub fn name(self) -> &'static str {
        match self {
            Method::MonteCarlo => "monte_carlo",
            Method::Exact => "exact",
        }
    }
}

/// The figures of a result.
pub trait Figures {
    fn method(&self) -> Method;
    fn horizon_months(&self) -> u32;
    /// Runs behind the figures (None when exact).
    fn runs(&self) -> Option<u64>;
    fn p_war(&self) -> Estimate;
    fn p_nuclear(&self) -> Estimate;
    /// What wars reach within the horizon: limited war (any war), theatre-wide war, nuclear use,
    /// general nuclear war, war ended.
    fn war_outcomes(&self) -> WarOutcomes<Estimate>;
    fn p_ceasefire_break(&self) -> Estimate;
    fn p_war_via(&self, pathway: Pathway) -> Estimate;
    /// Crises per year at risk (before the first war) on `pathway`.
    fn crises_per_year(&self, pathway: Pathway) -> f64;
    /// Mean crises per run on `pathway`.
    fn crises_per_run(&self, pathway: Pathway) -> f64;
    /// Crises counted on `pathway` over all runs (None when exact).
    fn crises_counted(&self, pathway: Pathway) -> Option<u64>;
    /// Probability of no war by the end of each year.
    fn survival_by_year(&self) -> Vec<Estimate>;
    /// Share of runs whose highest crisis rung is r (index r); runs without crisis excluded.
    fn highest_rung_share(&self) -> [f64; RUNGS];
    /// Runs whose highest crisis rung is r (None when exact).
    fn highest_rung_runs(&self) -> Option<[u64; RUNGS]>;
    fn mean_costs(&self) -> Costs;
    fn mean_cost_bn(&self) -> f64;
    /// Spread of p(war) across parameter draws, when the result has several.
    fn p_war_across_draws(&self) -> Option<DrawSpread>;
}

/// A computed value as an estimate: an interval of zero width.
pub fn exactly(value: f64) -> Estimate {
    Estimate {
        value,
        low: value,
        high: value,
        n: 0,
    }
}

impl Figures for Summary {
    fn method(&self) -> Method {
        Method::MonteCarlo
    }
    fn horizon_months(&self) -> u32 {
        self.horizon_months
    }
    fn runs(&self) -> Option<u64> {
        Some(self.runs)
    }
    fn p_war(&self) -> Estimate {
        Summary::p_war(self)
    }
    fn p_nuclear(&self) -> Estimate {
        Summary::p_nuclear(self)
    }
    fn war_outcomes(&self) -> WarOutcomes<Estimate> {
        Summary::war_outcomes(self)
    }
    fn p_ceasefire_break(&self) -> Estimate {
        Summary::p_ceasefire_break(self)
    }
    fn p_war_via(&self, pathway: Pathway) -> Estimate {
        Summary::p_war_via(self, pathway)
    }
    fn crises_per_year(&self, pathway: Pathway) -> f64 {
        Summary::crises_per_year(self, pathway)
    }
    fn crises_per_run(&self, pathway: Pathway) -> f64 {
        self.crises_by_pathway[pathway.index()] as f64 / self.runs.max(1) as f64
    }
    fn crises_counted(&self, pathway: Pathway) -> Option<u64> {
        Some(self.crises_by_pathway[pathway.index()])
    }
    fn survival_by_year(&self) -> Vec<Estimate> {
        Summary::survival_by_year(self)
    }
    fn highest_rung_share(&self) -> [f64; RUNGS] {
        self.max_rung_counts
            .map(|c| c as f64 / self.runs.max(1) as f64)
    }
    fn highest_rung_runs(&self) -> Option<[u64; RUNGS]> {
        Some(self.max_rung_counts)
    }
    fn mean_costs(&self) -> Costs {
        Summary::mean_costs(self)
    }
    fn mean_cost_bn(&self) -> f64 {
        Summary::mean_cost_bn(self)
    }
    fn p_war_across_draws(&self) -> Option<DrawSpread> {
        Summary::p_war_across_draws(self)
    }
}

impl Figures for ExactSummary {
    fn method(&self) -> Method {
        Method::Exact
    }
    fn horizon_months(&self) -> u32 {
        self.horizon_months
    }
    fn runs(&self) -> Option<u64> {
        None
    }
    fn p_war(&self) -> Estimate {
        match self.p_war_draws.len() {
            // Averaged over parameter draws: the interval is that average's, over draws.
            k if k > 1 => {
                let sum: f64 = self.p_war_draws.iter().sum();
                let sq: f64 = self.p_war_draws.iter().map(|p| p * p).sum();
                paired_mean(sum, sq, k as u64)
            }
            _ => exactly(self.p_war),
        }
    }
    fn p_nuclear(&self) -> Estimate {
        exactly(self.p_nuclear)
    }
    fn war_outcomes(&self) -> WarOutcomes<Estimate> {
        let w = ExactSummary::war_outcomes(self);
        WarOutcomes {
            limited_war: self.p_war(),
            theatre_war: exactly(w.theatre_war),
            nuclear_use: exactly(w.nuclear_use),
            general_nuclear_war: exactly(w.general_nuclear_war),
            war_ended: exactly(w.war_ended),
        }
    }
    fn p_ceasefire_break(&self) -> Estimate {
        exactly(self.p_ceasefire_break)
    }
    fn p_war_via(&self, pathway: Pathway) -> Estimate {
        exactly(self.p_war_by_pathway[pathway.index()])
    }
    fn crises_per_year(&self, pathway: Pathway) -> f64 {
        ExactSummary::crises_per_year(self, pathway)
    }
    fn crises_per_run(&self, pathway: Pathway) -> f64 {
        self.crises_per_run[pathway.index()]
    }
    fn crises_counted(&self, _pathway: Pathway) -> Option<u64> {
        None
    }
    fn survival_by_year(&self) -> Vec<Estimate> {
        ExactSummary::survival_by_year(self)
            .into_iter()
            .map(exactly)
            .collect()
    }
    fn highest_rung_share(&self) -> [f64; RUNGS] {
        self.max_rung
    }
    fn highest_rung_runs(&self) -> Option<[u64; RUNGS]> {
        None
    }
    fn mean_costs(&self) -> Costs {
        self.costs
    }
    fn mean_cost_bn(&self) -> f64 {
        self.cost_bn
    }
    fn p_war_across_draws(&self) -> Option<DrawSpread> {
        if self.p_war_draws.len() < 2 {
            return None;
        }
        let mut sorted = self.p_war_draws.clone();
        sorted.sort_by(f64::total_cmp);
        Some(DrawSpread {
            low: quantile(&sorted, 0.025),
            median: quantile(&sorted, 0.5),
            high: quantile(&sorted, 0.975),
            draws: sorted.len() as u64,
            // Each draw's p(war) is exact: all of the spread is the parameters'.
            parameter_share: 1.0,
        })
    }
}
