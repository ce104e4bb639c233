//! Exact evaluation: the same model as [`crate::run::simulate_run`], computed instead of
//! sampled. A run remembers little — the ceasefire's state (a durable or a fragile ceasefire
//! holding, a second war under way, which is all a war needs because its length is geometric,
//! or a ceasefire restored this month), whether it has broken yet, whether Belarus has had a
//! succession, the tension level and the highest crisis rung so far: 256 states — so its
//! summaries follow from a finite Markov chain over months. In a month, triggers on each
//! pathway are Poisson at the rates of the run's slow state and each crisis's highest rung
//! has the ladder's exact distribution ([`crate::crisis::Ladder::max_rung_distribution`] of
//! [`crate::run::crisis_setting`]); by Poisson thinning the crises of each highest rung are
//! independent Poisson counts, so the month's outcome — war and its pathway, the new highest
//! rung jointly with the tension the month's crises add, expected crises — is exact whatever
//! the order of the month's crises. [`evaluate`] returns an [`ExactSummary`]: the ensemble's
//! summary with infinitely many runs.

// The chain's state arrays read best with index loops.
#![allow(clippy::needless_range_loop)]

use crate::crisis::{CrisisInputs, Ladder, NoiseSums, SideTerms, RUNGS, WAR_RUNG};
use crate::ensemble::{DiffSpread, EnsembleOptions, ParamDraw, Scenario, Summary};
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::Policy;
use crate::rng::{stream_rng, Stream};
use crate::run::{
    alliance, crisis_setting_among, next_tension, second_war_continues, tension_decay_probability,
    Costs,
};
use crate::slow::Trajectory;
use crate::slow::{crisis_month, Memory, MEMORIES, TENSION_LEVELS};
use crate::stats::{paired_mean, quantile, wilson_z, Estimate};
use crate::war::{
    fait_accompli_probability, reach_after_clash_from, WarOutcomes, WarPhase, WarReach,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The highest rung so far of a live run: no crisis yet, or rung 0, 1 or 2 (a crisis that
/// reaches rung 3 is a war and ends the run).
const LEVELS: usize = WAR_RUNG as usize + 1;

/// The ceasefire at a month's start, as the simulator has it.
#[derive(Clone, Copy)]
enum Ceasefire {
    /// A durable ceasefire holds and may break this month.
    Durable = 0,
    /// A fragile ceasefire holds and may break this month.
    Fragile = 1,
    /// A second war is under way (it started before this month, or at the start).
    War = 2,
    /// The second war ended: a new ceasefire holds from this month (no break this month; its
    /// type is drawn for the next).
    Restored = 3,
}
const CEASEFIRE_STATES: usize = 4;

/// Number of a live run's states: ceasefire, broken yet, Belarus succession, tension, highest
/// rung so far.
const STATES: usize = CEASEFIRE_STATES * 2 * 2 * TENSION_LEVELS * LEVELS;

/// Index of a live run's state.
fn state(ceasefire: usize, broken: usize, succeeded: usize, tension: usize, level: usize) -> usize {
    (((ceasefire * 2 + broken) * 2 + succeeded) * TENSION_LEVELS + tension) * LEVELS + level
}

/// The exact summary of an architecture: what an ensemble's [`crate::Summary`] estimates,
/// with infinitely many runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactSummary {
    pub horizon_months: u32,
    /// Probability of a NATO-Russia war within the horizon.
    pub p_war: f64,
    /// Probability of nuclear use within the horizon (from the war's course).
    pub p_nuclear: f64,
    /// Probability that a war becomes a theatre-wide war within the horizon.
    pub p_theatre_war: f64,
    /// Probability of general nuclear war within the horizon.
    pub p_general_nuclear: f64,
    /// Probability that a war starts and ends (negotiated or by exhaustion) within the horizon.
    pub p_war_ended: f64,
    /// Probability that the first war comes through each pathway.
    pub p_war_by_pathway: [f64; PATHWAY_COUNT],
    /// Expected crises per run by pathway (before and including the first war's).
    pub crises_per_run: [f64; PATHWAY_COUNT],
    /// Expected crises per run that stayed below war, by month and highest rung (0, 1, 2):
    /// the disputes a run has before its first war.
    pub disputes_by_month: Vec<[f64; WAR_RUNG as usize]>,
    /// Expected months at risk (before the first war, that month included, or the horizon).
    pub months_at_risk: f64,
    /// Probability that the first war starts in each month.
    pub war_month: Vec<f64>,
    /// Probability that the highest crisis rung of a run is r (index r); the rest, up to 1,
    /// is the probability of no crisis at all.
    pub max_rung: [f64; RUNGS],
    /// Probability of a Russia-Ukraine ceasefire breakdown within the horizon.
    pub p_ceasefire_break: f64,
    /// Spending over the horizon by who pays (the same in every run).
    pub costs: Costs,
    /// Total spending over the horizon (US$ bn).
    pub cost_bn: f64,
    /// With parameter uncertainty: the exact p(war) of each parameter draw (the other fields
    /// are then averages over the draws); empty with fixed parameters.
    pub p_war_draws: Vec<f64>,
}

impl ExactSummary {
    /// Crises per year at risk on `pathway` (what [`crate::Summary::crises_per_year`] estimates).
    pub fn crises_per_year(&self, pathway: Pathway) -> f64 {
        if self.months_at_risk <= 0.0 {
            return 0.0;
        }
        self.crises_per_run[pathway.index()] / (self.months_at_risk / 12.0)
    }

    /// Probability of no war by the end of each year of the horizon (a partial last year counts).
    pub fn survival_by_year(&self) -> Vec<f64> {
        let years = self.horizon_months.div_ceil(12) as usize;
        let mut cum = 0.0;
        (0..years)
            .map(|y| {
                let end = ((y + 1) * 12).min(self.war_month.len());
                cum += self.war_month[y * 12..end].iter().sum::<f64>();
                1.0 - cum
            })
            .collect()
    }

    /// What wars reach within the horizon (limited war = any war).
    pub fn war_outcomes(&self) -> WarOutcomes<f64> {
        WarOutcomes {
            limited_war: self.p_war,
            theatre_war: self.p_theatre_war,
            nuclear_use: self.p_nuclear,
            general_nuclear_war: self.p_general_nuclear,
            war_ended: self.p_war_ended,
        }
    }

    /// Probability that a run has no crisis at all.
    pub fn p_no_crisis(&self) -> f64 {
        (1.0 - self.max_rung.iter().sum::<f64>()).max(0.0)
    }
}

/// Exact summary of a scenario.
pub fn evaluate_scenario(scenario: &Scenario) -> ExactSummary {
    evaluate(&scenario.params, &scenario.policy)
}

/// Exact summary of `policy` under `params`.
pub fn evaluate(params: &ModelParams, policy: &Policy) -> ExactSummary {
    evaluate_trajectory(params, policy, &Trajectory::new(params, policy))
}

/// Parameter draws to evaluate exactly: `draws` draws of `draw`, draw `d` seeded as the
/// ensemble's runs of draw `d` are (same seed, same stream), so an ensemble with `runs_per_draw`
/// runs per draw and `draws * runs_per_draw` runs sees the same parameters.
#[derive(Clone, Copy)]
pub struct Draws<'a> {
    pub draws: u64,
    pub seed: u64,
    pub draw: &'a dyn ParamDraw,
}

impl<'a> Draws<'a> {
    /// The draws an ensemble with `options` would use.
    pub fn like(options: &EnsembleOptions, draw: &'a dyn ParamDraw) -> Draws<'a> {
        Draws {
            draws: options.runs.div_ceil(options.runs_per_draw.max(1)),
            seed: options.seed,
            draw,
        }
    }
}

/// Exact summary of a scenario; with parameter draws, the average of the draws' exact
/// summaries (keeping each draw's p(war)).
pub fn evaluate_with(scenario: &Scenario, draws: Option<Draws>) -> ExactSummary {
    let Some(d) = draws else {
        return evaluate_scenario(scenario);
    };
    let each: Vec<ExactSummary> = (0..d.draws.max(1))
        .into_par_iter()
        .map(|i| {
            let mut rng = stream_rng(d.seed, i, Stream::Parameters);
            let params = d.draw.draw(&mut rng, &scenario.params);
            evaluate(&params, &scenario.policy)
        })
        .collect();
    average(&each)
}

/// Exact summaries of several scenarios (each on the same parameter draws, if any), for
/// differences from the first: the exact counterpart of [`crate::ensemble::compare`].
pub fn compare_exact(scenarios: &[Scenario], draws: Option<Draws>) -> ExactComparison {
    ExactComparison {
        summaries: scenarios.iter().map(|s| evaluate_with(s, draws)).collect(),
    }
}

/// Exact summaries of several scenarios (see [`compare_exact`]).
#[derive(Clone, Debug)]
pub struct ExactComparison {
    pub summaries: Vec<ExactSummary>,
}

impl ExactComparison {
    /// Difference in p(war) of scenario `i` from the first (see [`diff`]).
    pub fn diff_vs_first(&self, i: usize) -> Estimate {
        diff(&self.summaries[i], &self.summaries[0]).0
    }

    /// How that difference spreads across parameter draws (None without draws).
    pub fn diff_across_draws(&self, i: usize) -> Option<DiffSpread> {
        diff(&self.summaries[i], &self.summaries[0]).1
    }
}

/// Exact difference in p(war) of `other` from `first` (the same parameter draws, if any):
/// with draws, the mean difference over draws with its normal 95 % interval over draws, and
/// how the difference spreads across them.
pub fn diff(other: &ExactSummary, first: &ExactSummary) -> (Estimate, Option<DiffSpread>) {
    let mut diffs: Vec<f64> = other
        .p_war_draws
        .iter()
        .zip(&first.p_war_draws)
        .map(|(a, b)| a - b)
        .collect();
    if diffs.len() < 2 {
        return (crate::figures::exactly(other.p_war - first.p_war), None);
    }
    let sum: f64 = diffs.iter().sum();
    let sq: f64 = diffs.iter().map(|d| d * d).sum();
    let mean = paired_mean(sum, sq, diffs.len() as u64);
    diffs.sort_by(f64::total_cmp);
    let k = diffs.len();
    let spread = DiffSpread {
        low: quantile(&diffs, 0.025),
        median: quantile(&diffs, 0.5),
        high: quantile(&diffs, 0.975),
        draws: k as u64,
        share_safer: diffs.iter().filter(|d| **d < 0.0).count() as f64 / k as f64,
    };
    (mean, Some(spread))
}

/// The mean of several exact summaries of one policy (same horizon), keeping each p(war).
fn average(each: &[ExactSummary]) -> ExactSummary {
    let k = each.len() as f64;
    let mut out = each[0].clone();
    let mean = |f: &dyn Fn(&ExactSummary) -> f64| each.iter().map(f).sum::<f64>() / k;
    out.p_war = mean(&|e| e.p_war);
    out.p_nuclear = mean(&|e| e.p_nuclear);
    out.p_theatre_war = mean(&|e| e.p_theatre_war);
    out.p_general_nuclear = mean(&|e| e.p_general_nuclear);
    out.p_war_ended = mean(&|e| e.p_war_ended);
    out.months_at_risk = mean(&|e| e.months_at_risk);
    out.p_ceasefire_break = mean(&|e| e.p_ceasefire_break);
    out.cost_bn = mean(&|e| e.cost_bn);
    out.costs = Costs {
        europe_defence_bn: mean(&|e| e.costs.europe_defence_bn),
        us_defence_bn: mean(&|e| e.costs.us_defence_bn),
        mechanisms_bn: mean(&|e| e.costs.mechanisms_bn),
    };
    for p in 0..PATHWAY_COUNT {
        out.p_war_by_pathway[p] = mean(&|e| e.p_war_by_pathway[p]);
        out.crises_per_run[p] = mean(&|e| e.crises_per_run[p]);
    }
    for r in 0..RUNGS {
        out.max_rung[r] = mean(&|e| e.max_rung[r]);
    }
    for m in 0..out.war_month.len() {
        out.war_month[m] = mean(&|e| e.war_month[m]);
    }
    for m in 0..out.disputes_by_month.len() {
        for r in 0..WAR_RUNG as usize {
            out.disputes_by_month[m][r] = mean(&|e| e.disputes_by_month[m][r]);
        }
    }
    out.p_war_draws = each.iter().map(|e| e.p_war).collect();
    out
}

/// What one month does to a live run, under one set of trigger rates.
struct MonthOutcome {
    /// Probability that the month's first war comes through each pathway.
    war_via: [f64; PATHWAY_COUNT],
    /// Expected crises by pathway in the month.
    crises: [f64; PATHWAY_COUNT],
    /// Expected crises in the month that stay below war, by highest rung.
    disputes: [f64; WAR_RUNG as usize],
    /// keep[a][c][k]: probability of no war, with the highest rung so far moving from level a
    /// to c and the month's crises adding k to the tension (k = the last index: that or more).
    keep: [[[f64; TENSION_LEVELS]; LEVELS]; LEVELS],
}

/// A month's crises by Poisson thinning, computed once for [`MonthOutcome`] and [`MonthWar`]:
/// crises of highest rung r arrive as independent Poisson counts; those reaching rung 3 or
/// above are wars.
struct MonthCrises {
    /// Rate of crises by highest rung.
    by_rung: [f64; RUNGS],
    /// Probability that the month's first war comes through each pathway.
    war_via: [f64; PATHWAY_COUNT],
    /// (1 - e^-hazard) / hazard: a month with n crises processes them until the first war, so
    /// the expected number processed on a pathway is its rate times this.
    share: f64,
    /// Probability of no war in the month.
    no_war: f64,
    /// month[h][k]: without a war, the month's highest rung h (0 no crisis, r + 1 rung r) and
    /// the tension it adds, min(n1 + 2 n2, top), jointly. Made `by_highest_rung` only: else
    /// the months with no crisis and with crises of rung 0 alone are together in h = 0 (one
    /// exponential less, for p(war), which does not tell them apart).
    month: [[f64; TENSION_LEVELS]; LEVELS],
}

/// e^x - 1 to within about one unit in the last place: for |x| up to 1/64 (a month's war
/// hazard, nearly always) by its Taylor series to degree 7 (the first term left out is below
/// 2^-57 of the sum), in Horner's form; beyond, the C library's `expm1`, which costs several
/// times as much.
fn exp_m1(x: f64) -> f64 {
    if x.abs() <= 1.0 / 64.0 {
        let mut p = 1.0 / 5040.0;
        for c in [1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0] {
            p = p * x + c;
        }
        p * x
    } else {
        x.exp_m1()
    }
}

impl MonthCrises {
    fn new(
        rates: &[f64; PATHWAY_COUNT],
        dist: &[[f64; RUNGS]; PATHWAY_COUNT],
        by_highest_rung: bool,
    ) -> MonthCrises {
        let mut by_rung = [0.0; RUNGS];
        let mut war_via = [0.0; PATHWAY_COUNT];
        for (p, d) in dist.iter().enumerate() {
            let rate = rates[p];
            if rate <= 0.0 {
                continue;
            }
            for r in 0..RUNGS {
                by_rung[r] += rate * d[r];
            }
            war_via[p] = rate * d[WAR_RUNG as usize..].iter().sum::<f64>();
        }
        let hazard: f64 = war_via.iter().sum();
        // e^-hazard - 1, exact to rounding however small the hazard.
        let war_none_minus_one = exp_m1(-hazard);
        let share = if hazard > 0.0 {
            -war_none_minus_one / hazard
        } else {
            1.0
        };
        for v in war_via.iter_mut() {
            *v *= share;
        }
        // Without a war: n0, n1, n2 crises of highest rung 0, 1, 2 (independent Poisson).
        let top = TENSION_LEVELS - 1;
        // n1's distribution up to `top`, the last entry "top or more" (each term the one
        // before times lambda / k).
        let mut n1 = [0.0; TENSION_LEVELS];
        let mut term = (-by_rung[1]).exp();
        let mut left = 1.0;
        for (k, v) in n1.iter_mut().enumerate().take(top) {
            if k > 0 {
                term *= by_rung[1] / k as f64;
            }
            *v = term;
            left -= *v;
        }
        n1[top] = left.max(0.0);
        let n2_zero = (-by_rung[2]).exp();
        let n2_one = n2_zero * by_rung[2];
        let n2_more = (1.0 - n2_zero - n2_one).max(0.0);
        let mut month = [[0.0; TENSION_LEVELS]; LEVELS];
        if by_highest_rung {
            let n0_zero = (-by_rung[0]).exp();
            month[0][0] = n0_zero * n1[0] * n2_zero;
            month[1][0] = (1.0 - n0_zero) * n1[0] * n2_zero;
        } else {
            month[0][0] = n1[0] * n2_zero;
        }
        for k in 1..=top {
            month[2][k] = n1[k] * n2_zero;
        }
        for (j, v) in n1.iter().enumerate() {
            month[3][(2 + j).min(top)] += v * n2_one;
        }
        month[3][top] += n2_more;
        MonthCrises {
            by_rung,
            war_via,
            share,
            no_war: 1.0 + war_none_minus_one,
            month,
        }
    }
}

impl MonthOutcome {
    fn new(rates: &[f64; PATHWAY_COUNT], dist: &[[f64; RUNGS]; PATHWAY_COUNT]) -> MonthOutcome {
        let c = MonthCrises::new(rates, dist, true);
        let crises = rates.map(|r| r.max(0.0) * c.share);
        let disputes = [0, 1, 2].map(|r| c.by_rung[r] * c.share);
        let mut keep = [[[0.0; TENSION_LEVELS]; LEVELS]; LEVELS];
        for (a, row) in keep.iter_mut().enumerate() {
            for (h, by_k) in c.month.iter().enumerate() {
                for (k, v) in by_k.iter().enumerate() {
                    row[a.max(h)][k] += c.no_war * v;
                }
            }
        }
        let war_via = c.war_via;
        MonthOutcome {
            war_via,
            crises,
            disputes,
            keep,
        }
    }
}

/// Exact distribution of the highest rung of a crisis on each pathway, for each year of the
/// horizon (crises are played with the year's slow state) and each memory: `[year][memory]`,
/// for the pathways that can trigger. A setting equal to the previous year's shares its
/// computation.
pub(crate) fn crisis_distributions(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    war_reachable: bool,
    cache: Option<&mut LadderCache>,
) -> Vec<[[[f64; RUNGS]; PATHWAY_COUNT]; MEMORIES]> {
    let settings = CrisisSettings::new(params, policy, trajectory, war_reachable);
    let dists = settings.distributions(params, cache, |_| None);
    settings.by_slot(&dists)
}

/// A crisis's setting: its inputs and the sides' terms.
type Setting = (CrisisInputs, SideTerms);

/// The crisis settings of an evaluation: one for each (year, memory, pathway) where a crisis
/// can start, a setting equal to the previous year's shared.
pub(crate) struct CrisisSettings {
    /// (crisis inputs, side terms) of each setting, with its first (year, memory, pathway).
    settings: Vec<(Setting, (usize, usize, usize))>,
    /// `slot[year][memory][pathway]`: index in `settings` (`usize::MAX` where no crisis can
    /// start).
    slot: Vec<[[usize; PATHWAY_COUNT]; MEMORIES]>,
}

impl CrisisSettings {
    /// The settings of `policy` under `params` along the slow path `trajectory`.
    pub(crate) fn new(
        params: &ModelParams,
        policy: &Policy,
        trajectory: &Trajectory,
        war_reachable: bool,
    ) -> CrisisSettings {
        let months = trajectory.len();
        let years = months.div_ceil(12);
        let mut settings: Vec<(Setting, (usize, usize, usize))> =
            Vec::with_capacity(years * MEMORIES * PATHWAY_COUNT);
        let mut slot = vec![[[usize::MAX; PATHWAY_COUNT]; MEMORIES]; years];
        let nato = alliance(params, policy);
        for y in 0..years {
            let in_year = y * 12..((y + 1) * 12).min(months);
            for i in 0..MEMORIES {
                let memory = Memory::from_index(i);
                let st = trajectory.at(crisis_month(y * 12, months), memory);
                for p in Pathway::ALL {
                    let k = p.index();
                    let live = in_year.clone().any(|m| {
                        let st = trajectory.at(m, memory);
                        st.rates_peace[k] > 0.0 || (war_reachable && st.rates_war[k] > 0.0)
                    });
                    if !live {
                        continue;
                    }
                    let setting = crisis_setting_among(params, policy, &nato, st, p);
                    let previous = if y > 0 { slot[y - 1][i][k] } else { usize::MAX };
                    slot[y][i][k] = if previous != usize::MAX && settings[previous].0 == setting {
                        previous
                    } else {
                        settings.push((setting, (y, i, k)));
                        settings.len() - 1
                    };
                }
            }
        }
        CrisisSettings { settings, slot }
    }

    /// The distribution of the highest rung of each setting: `known(j)` where it gives one
    /// (the caller vouches that it is setting j's), else computed (reusing the ladders' noise
    /// averages kept in `cache`).
    pub(crate) fn distributions(
        &self,
        params: &ModelParams,
        cache: Option<&mut LadderCache>,
        known: impl Fn(usize) -> Option<[f64; RUNGS]>,
    ) -> Vec<[f64; RUNGS]> {
        let mut out: Vec<Option<[f64; RUNGS]>> = (0..self.settings.len()).map(&known).collect();
        let todo: Vec<usize> = (0..out.len()).filter(|&j| out[j].is_none()).collect();
        let ladder = |j: usize| {
            let (inputs, sides) = &self.settings[j].0;
            Ladder::new(params, inputs, sides)
        };
        match cache {
            None => {
                let dists: Vec<[f64; RUNGS]> = todo
                    .par_iter()
                    .map(|&j| ladder(j).max_rung_distribution())
                    .collect();
                for (&j, d) in todo.iter().zip(dists) {
                    out[j] = Some(d);
                }
            }
            Some(cache) => {
                // A ladder's noise averages are all its quadrature gives; the bits of the
                // numbers it reads name them. Those found give their distribution at once;
                // the others are computed together, in parallel.
                let mut missing: Vec<(usize, Ladder)> = Vec::with_capacity(todo.len());
                for &j in &todo {
                    let ladder = ladder(j);
                    match cache.ladders.get(ladder.noise_key().as_slice()) {
                        Some(sums) => out[j] = Some(ladder.distribution_from(sums)),
                        None => missing.push((j, ladder)),
                    }
                }
                let computed: Vec<NoiseSums> = missing
                    .par_iter()
                    .map(|(_, ladder)| ladder.own_noise_sums())
                    .collect();
                for ((j, ladder), sums) in missing.into_iter().zip(computed) {
                    out[j] = Some(ladder.distribution_from(&sums));
                    if !cache.frozen {
                        let key = ladder.noise_key().into_vec().into_boxed_slice();
                        cache.ladders.insert(key, sums);
                    }
                }
            }
        }
        out.into_iter()
            .map(|d| d.expect("every setting known or computed"))
            .collect()
    }

    /// The distributions of the settings, `dists` (in the settings' order), by `[year][memory]`
    /// and pathway (zero where no crisis can start).
    pub(crate) fn by_slot(
        &self,
        dists: &[[f64; RUNGS]],
    ) -> Vec<[[[f64; RUNGS]; PATHWAY_COUNT]; MEMORIES]> {
        self.slot
            .iter()
            .map(|by_memory| {
                by_memory.map(|s| {
                    s.map(|k| {
                        if k == usize::MAX {
                            [0.0; RUNGS]
                        } else {
                            dists[k]
                        }
                    })
                })
            })
            .collect()
    }

    /// For setting j of `self`, the distribution `base_dists` gives the same setting at the same
    /// (year, memory, pathway) of `base`, if it is the same there: the ladders' distributions
    /// of two evaluations whose parameters differ only in ones the ladders do not read.
    pub(crate) fn same_in(
        &self,
        base: &CrisisSettings,
        base_dists: &[[f64; RUNGS]],
        j: usize,
    ) -> Option<[f64; RUNGS]> {
        let (setting, at) = &self.settings[j];
        let b = *base.slot.get(at.0)?.get(at.1)?.get(at.2)?;
        (base.settings.get(b)?.0 == *setting).then(|| base_dists[b])
    }
}

/// Crisis ladders' noise averages ([`Ladder::noise_sums`]) kept from one evaluation to the
/// next, for evaluating many parameter sets in turn (a sensitivity design): a set that changes
/// only parameters the reading error's quadrature does not read (trigger rates, the ceasefire,
/// costs, but also de-escalation, the rounds and how crises start) reuses the averages computed
/// before. The results are the same bits as without it.
#[derive(Default)]
pub struct LadderCache {
    ladders: HashMap<Box<[u64]>, NoiseSums, BuildHasherDefault<KeyHasher>>,
    /// Whether new ladders are left out (only those kept are reused).
    frozen: bool,
}

impl LadderCache {
    /// `f` with this cache reused but not filled: ladders computed meanwhile are not kept.
    pub(crate) fn frozen<T>(&mut self, f: impl FnOnce(&mut LadderCache) -> T) -> T {
        let was = self.frozen;
        self.frozen = true;
        let out = f(self);
        self.frozen = was;
        out
    }
}

/// The cache's hasher: keys are the bits of a ladder's numbers, with no adversary, so a
/// multiply-rotate hash of each word (as rustc's FxHash) serves, at a fraction of SipHash's cost.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl LadderCache {
    /// Ladders kept.
    pub fn len(&self) -> usize {
        self.ladders.len()
    }

    /// Whether no ladder is kept.
    pub fn is_empty(&self) -> bool {
        self.ladders.is_empty()
    }
}

/// Exact summary of `policy` under `params`, reusing and filling `cache`.
pub fn evaluate_cached(
    params: &ModelParams,
    policy: &Policy,
    cache: &mut LadderCache,
) -> ExactSummary {
    evaluate_chain(
        params,
        policy,
        &Trajectory::new(params, policy),
        Some(cache),
    )
}

/// Exact summary of `policy` under `params` over a precomputed slow path.
pub fn evaluate_trajectory(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
) -> ExactSummary {
    evaluate_chain(params, policy, trajectory, None)
}

fn evaluate_chain(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    cache: Option<&mut LadderCache>,
) -> ExactSummary {
    let months = trajectory.len();
    let dists = crisis_distributions(
        params,
        policy,
        trajectory,
        war_reachable(policy, trajectory),
        cache,
    );
    let shed = tension_decay_probability(params);
    let new_fragile = params.ceasefire_fragile_share.clamp(0.0, 1.0);
    let after = ceasefire_after(second_war_continues(params), new_fragile);

    let mut out = ExactSummary {
        horizon_months: policy.horizon_months,
        p_war: 0.0,
        p_nuclear: 0.0,
        p_theatre_war: 0.0,
        p_general_nuclear: 0.0,
        p_war_ended: 0.0,
        p_war_by_pathway: [0.0; PATHWAY_COUNT],
        crises_per_run: [0.0; PATHWAY_COUNT],
        disputes_by_month: vec![[0.0; WAR_RUNG as usize]; months],
        months_at_risk: 0.0,
        war_month: vec![0.0; months],
        max_rung: [0.0; RUNGS],
        p_ceasefire_break: 0.0,
        costs: Costs::default(),
        cost_bn: 0.0,
        p_war_draws: Vec::new(),
    };
    // mass[state]: probability of being live at the month's start in that state.
    let mut mass = vec![0.0f64; STATES];
    if policy.ceasefire_holds_at_start {
        let f = trajectory.fragile_share_at_start;
        mass[state(Ceasefire::Durable as usize, 0, 0, 0, 0)] = 1.0 - f;
        mass[state(Ceasefire::Fragile as usize, 0, 0, 0, 0)] = f;
    } else {
        mass[state(Ceasefire::War as usize, 0, 0, 0, 0)] = 1.0;
    }
    let fought = |broken: usize| broken == 1 || !policy.ceasefire_holds_at_start;
    // Probability that the first war starts in month m after a fait accompli.
    let mut war_after_grab = vec![0.0; months];
    let grab = Pathway::DeliberateAttack.index();
    for m in 0..months {
        let calm = trajectory.at(m, Memory::CALM);
        out.cost_bn += calm.europe_spending_bn + calm.us_spending_bn + calm.mechanism_cost_bn;
        out.costs.add(&Costs {
            europe_defence_bn: calm.europe_spending_bn,
            us_defence_bn: calm.us_spending_bn,
            mechanisms_bn: calm.mechanism_cost_bn,
        });
        out.months_at_risk += mass.iter().sum::<f64>();
        // The ceasefire moves first. after_ceasefire[state] with the ceasefire index read as:
        // Durable / Fragile = that ceasefire held this month, War = a war month (under way or
        // new), Restored = the ceasefire was restored this month.
        let mut moved = vec![0.0f64; STATES];
        for broken in 0..2 {
            for succeeded in 0..2 {
                for t in 0..TENSION_LEVELS {
                    let memory = Memory {
                        tension: t as u8,
                        fought: fought(broken),
                    };
                    let st = trajectory.at(m, memory);
                    for l in 0..LEVELS {
                        for (c, b) in [
                            (Ceasefire::Durable, st.ceasefire_breakdown[0]),
                            (Ceasefire::Fragile, st.ceasefire_breakdown[1]),
                        ] {
                            let x = mass[state(c as usize, broken, succeeded, t, l)];
                            moved[state(c as usize, broken, succeeded, t, l)] += x * (1.0 - b);
                            moved[state(Ceasefire::War as usize, 1, succeeded, t, l)] += x * b;
                        }
                        for c in [Ceasefire::War, Ceasefire::Restored] {
                            let i = state(c as usize, broken, succeeded, t, l);
                            moved[i] += mass[i];
                        }
                    }
                }
            }
        }
        // Then the month's crises, the tension and a Belarus succession.
        let year = m / 12;
        let mut next = vec![0.0f64; STATES];
        // The month's outcome under each (memory, at war, Belarus succession), made when needed.
        let mut outcomes: Vec<Option<MonthOutcome>> = (0..MEMORIES * 4).map(|_| None).collect();
        for c in 0..CEASEFIRE_STATES {
            let at_war = c == Ceasefire::War as usize;
            for broken in 0..2 {
                for succeeded in 0..2 {
                    for t in 0..TENSION_LEVELS {
                        let memory = Memory {
                            tension: t as u8,
                            fought: fought(broken),
                        };
                        let live =
                            (0..LEVELS).any(|l| moved[state(c, broken, succeeded, t, l)] != 0.0);
                        if !live {
                            continue;
                        }
                        let st = trajectory.at(m, memory);
                        let o = outcomes[(memory.index() * 2 + at_war as usize) * 2 + succeeded]
                            .get_or_insert_with(|| {
                                MonthOutcome::new(
                                    &st.rates(at_war, succeeded == 1),
                                    &dists[year][memory.index()],
                                )
                            });
                        let p_war: f64 = o.war_via.iter().sum();
                        let q = fait_accompli_probability(Pathway::DeliberateAttack, st);
                        let succession = if succeeded == 1 {
                            1.0
                        } else {
                            st.belarus_succession
                        };
                        for a in 0..LEVELS {
                            let x = moved[state(c, broken, succeeded, t, a)];
                            if x == 0.0 {
                                continue;
                            }
                            out.war_month[m] += x * p_war;
                            war_after_grab[m] += x * o.war_via[grab] * q;
                            if broken == 1 {
                                out.p_ceasefire_break += x * p_war;
                            }
                            for p in 0..PATHWAY_COUNT {
                                out.p_war_by_pathway[p] += x * o.war_via[p];
                                out.crises_per_run[p] += x * o.crises[p];
                            }
                            for (r, d) in o.disputes.iter().enumerate() {
                                out.disputes_by_month[m][r] += x * d;
                            }
                            for level in a..LEVELS {
                                for (k, v) in o.keep[a][level].iter().enumerate() {
                                    let y = x * v;
                                    if y == 0.0 {
                                        continue;
                                    }
                                    for (shed_now, ps) in [(true, shed), (false, 1.0 - shed)] {
                                        let t2 = next_tension(t as u8, shed_now, k as u32) as usize;
                                        for (s2, pq) in [(1, succession), (0, 1.0 - succession)] {
                                            if s2 < succeeded {
                                                continue;
                                            }
                                            let z = y * ps * pq;
                                            if z == 0.0 {
                                                continue;
                                            }
                                            for (c2, w) in after[c] {
                                                if w != 0.0 {
                                                    next[state(c2, broken, s2, t2, level)] += z * w;
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        mass = next;
    }
    out.p_war = out.war_month.iter().sum();
    // The war's course is independent of the rest of the run given its start month and phase.
    let reach = reach_after_clash_from(
        params,
        &trajectory.path(Memory::AT_WAR),
        &[WarPhase::Limited, WarPhase::LimitedAfterGrab],
    );
    let mut war = WarReach::default();
    for m in 0..months {
        let grabbed = war_after_grab[m];
        war.add_scaled(&reach[m][0], out.war_month[m] - grabbed);
        war.add_scaled(&reach[m][1], grabbed);
    }
    out.p_theatre_war = war.theatre;
    out.p_nuclear = war.nuclear;
    out.p_general_nuclear = war.general_nuclear;
    out.p_war_ended = war.ended;
    for c in 0..CEASEFIRE_STATES {
        for broken in 0..2 {
            for succeeded in 0..2 {
                for t in 0..TENSION_LEVELS {
                    for l in 0..LEVELS {
                        let x = mass[state(c, broken, succeeded, t, l)];
                        if l > 0 {
                            out.max_rung[l - 1] += x;
                        }
                        if broken == 1 {
                            out.p_ceasefire_break += x;
                        }
                    }
                }
            }
        }
    }
    out.max_rung[WAR_RUNG as usize] = (out.p_war - out.p_nuclear).max(0.0);
    out.max_rung[RUNGS - 1] = out.p_nuclear;
    out
}

/// Exact p(war) of `policy` under `params`: the one number sensitivity analyses need (the
/// chain of [`p_war_cached`], which equals [`evaluate`]'s `p_war` up to rounding).
pub fn p_war(params: &ModelParams, policy: &Policy) -> f64 {
    p_war_chain(params, policy, &Trajectory::new(params, policy), None)
}

/// Exact p(war) of `policy` under `params`, reusing and filling `cache`: what [`evaluate`]
/// computes for `p_war` (equal up to rounding, about 1e-15), by a smaller chain. The highest
/// rung so far only feeds the highest-rung table and the war's course only the outcomes of a
/// war, so the chain for p(war) sums the rung out (64 states: ceasefire, broken yet, Belarus
/// succession, tension) and skips the war's course.
pub fn p_war_cached(params: &ModelParams, policy: &Policy, cache: &mut LadderCache) -> f64 {
    p_war_chain(
        params,
        policy,
        &Trajectory::new(params, policy),
        Some(cache),
    )
}

/// States of a live run for p(war) alone: ceasefire, broken yet, Belarus succession, tension.
const WAR_STATES: usize = CEASEFIRE_STATES * 2 * 2 * TENSION_LEVELS;

/// Index of a live run's state for p(war) alone.
fn war_state(ceasefire: usize, broken: usize, succeeded: usize, tension: usize) -> usize {
    ((ceasefire * 2 + broken) * 2 + succeeded) * TENSION_LEVELS + tension
}

/// What one month does to a live run for p(war) alone: [`MonthOutcome`] with the highest rung
/// summed out.
#[derive(Clone, Copy)]
struct MonthWar {
    /// Probability of a war this month.
    p_war: f64,
    /// keep[k]: probability of no war with the month's crises adding k to the tension.
    keep: [f64; TENSION_LEVELS],
}

impl MonthWar {
    /// [`MonthOutcome::new`]'s p(war) and tension rises, computed alone (the same numbers, to
    /// rounding).
    fn new(rates: &[f64; PATHWAY_COUNT], dist: &[[f64; RUNGS]; PATHWAY_COUNT]) -> MonthWar {
        let c = MonthCrises::new(rates, dist, false);
        let mut keep = [0.0; TENSION_LEVELS];
        for by_k in &c.month {
            for (k, v) in by_k.iter().enumerate() {
                keep[k] += c.no_war * v;
            }
        }
        let war_via = c.war_via;
        MonthWar {
            p_war: war_via.iter().sum(),
            keep,
        }
    }
}

fn p_war_chain(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    cache: Option<&mut LadderCache>,
) -> f64 {
    let war_reachable = war_reachable(policy, trajectory);
    let dists = crisis_distributions(params, policy, trajectory, war_reachable, cache);
    p_war_from(params, policy, trajectory, &dists)
}

/// Whether a second Russia-Ukraine war can be under way in some month (so the spillover
/// pathway's ladders are needed).
pub(crate) fn war_reachable(policy: &Policy, trajectory: &Trajectory) -> bool {
    !policy.ceasefire_holds_at_start
        || (0..trajectory.len()).any(|m| {
            (0..MEMORIES).any(|i| {
                let st = trajectory.at(m, Memory::from_index(i));
                st.ceasefire_breakdown.iter().any(|b| *b > 0.0)
            })
        })
}

/// Where the ceasefire stands next month, from each ceasefire state (by index), as (state,
/// weight) pairs after the month's crises (a weight 0 where there is one state): a durable or
/// fragile ceasefire stays as it is (its breakdown was drawn before the crises), a second war
/// continues or ends in a restored ceasefire, and a restored one becomes durable or fragile.
fn ceasefire_after(continues: f64, new_fragile: f64) -> [[(usize, f64); 2]; CEASEFIRE_STATES] {
    let (durable, fragile) = (Ceasefire::Durable as usize, Ceasefire::Fragile as usize);
    let mut after = [[(0, 0.0); 2]; CEASEFIRE_STATES];
    after[durable] = [(durable, 1.0), (durable, 0.0)];
    after[fragile] = [(fragile, 1.0), (fragile, 0.0)];
    after[Ceasefire::War as usize] = [
        (Ceasefire::War as usize, continues),
        (Ceasefire::Restored as usize, 1.0 - continues),
    ];
    after[Ceasefire::Restored as usize] = [(durable, 1.0 - new_fragile), (fragile, new_fragile)];
    after
}

/// The p(war) chain over the slow path `trajectory` with the ladders' distributions `dists`
/// ([`crisis_distributions`]).
pub(crate) fn p_war_from(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    dists: &[[[[f64; RUNGS]; PATHWAY_COUNT]; MEMORIES]],
) -> f64 {
    let months = trajectory.len();
    let shed = tension_decay_probability(params);
    let new_fragile = params.ceasefire_fragile_share.clamp(0.0, 1.0);
    let after = ceasefire_after(second_war_continues(params), new_fragile);
    let mut mass = [0.0f64; WAR_STATES];
    if policy.ceasefire_holds_at_start {
        let f = trajectory.fragile_share_at_start;
        mass[war_state(Ceasefire::Durable as usize, 0, 0, 0)] = 1.0 - f;
        mass[war_state(Ceasefire::Fragile as usize, 0, 0, 0)] = f;
    } else {
        mass[war_state(Ceasefire::War as usize, 0, 0, 0)] = 1.0;
    }
    let fought = |broken: usize| broken == 1 || !policy.ceasefire_holds_at_start;
    let memory = |t: usize, broken: usize| Memory {
        tension: t as u8,
        fought: fought(broken),
    };
    let mut p_war = 0.0;
    for m in 0..months {
        // The ceasefire moves first (as in `evaluate_chain`).
        let mut moved = [0.0f64; WAR_STATES];
        for broken in 0..2 {
            for succeeded in 0..2 {
                for t in 0..TENSION_LEVELS {
                    let st = trajectory.at(m, memory(t, broken));
                    for (c, b) in [
                        (Ceasefire::Durable, st.ceasefire_breakdown[0]),
                        (Ceasefire::Fragile, st.ceasefire_breakdown[1]),
                    ] {
                        let x = mass[war_state(c as usize, broken, succeeded, t)];
                        moved[war_state(c as usize, broken, succeeded, t)] += x * (1.0 - b);
                        moved[war_state(Ceasefire::War as usize, 1, succeeded, t)] += x * b;
                    }
                    for c in [Ceasefire::War, Ceasefire::Restored] {
                        let i = war_state(c as usize, broken, succeeded, t);
                        moved[i] += mass[i];
                    }
                }
            }
        }
        // Then the month's crises, the tension and a Belarus succession. The crises read the
        // memory, whether a second war is under way and the succession; where the ceasefire
        // stands next month reads only where it stands now (`after`). So each group of states
        // the crises treat alike has its mass moved to next month's ceasefire states first,
        // and the month's outcome is made and applied once for the group.
        let year = m / 12;
        let mut next = [0.0f64; WAR_STATES];
        let mut war_month = 0.0;
        for broken in 0..2 {
            for t in 0..TENSION_LEVELS {
                let memory = memory(t, broken);
                let st = trajectory.at(m, memory);
                for succeeded in 0..2 {
                    for at_war in [false, true] {
                        let from: &[Ceasefire] = if at_war {
                            &[Ceasefire::War]
                        } else {
                            &[Ceasefire::Durable, Ceasefire::Fragile, Ceasefire::Restored]
                        };
                        let mut total = 0.0;
                        let mut by_next = [0.0; CEASEFIRE_STATES];
                        for &c in from {
                            let x = moved[war_state(c as usize, broken, succeeded, t)];
                            total += x;
                            for (c2, w) in after[c as usize] {
                                by_next[c2] += x * w;
                            }
                        }
                        if total == 0.0 {
                            continue;
                        }
                        let o = MonthWar::new(
                            &st.rates(at_war, succeeded == 1),
                            &dists[year][memory.index()],
                        );
                        war_month += total * o.p_war;
                        // Without a war, the next tension: the crises' rise and the shed,
                        // summed over the ways to each level.
                        let mut to_tension = [0.0; TENSION_LEVELS];
                        for (k, v) in o.keep.iter().enumerate() {
                            for (shed_now, ps) in [(true, shed), (false, 1.0 - shed)] {
                                let t2 = next_tension(t as u8, shed_now, k as u32);
                                to_tension[t2 as usize] += v * ps;
                            }
                        }
                        let succession = if succeeded == 1 {
                            1.0
                        } else {
                            st.belarus_succession
                        };
                        for (s2, pq) in [(1, succession), (0, 1.0 - succession)] {
                            if s2 < succeeded {
                                continue;
                            }
                            for (t2, v) in to_tension.iter().enumerate() {
                                let y = v * pq;
                                for (c2, u) in by_next.iter().enumerate() {
                                    next[war_state(c2, broken, s2, t2)] += u * y;
                                }
                            }
                        }
                    }
                }
            }
        }
        p_war += war_month;
        mass = next;
    }
    p_war
}

/// For an outcome with probability `p` seen in `k` of `n` runs where either side is rare (fewer
/// than 20 runs expected or seen), the probability of a count at least as far from the
/// expectation on the side where it fell, by the Poisson approximation of the rare side; None
/// when neither side is rare.
fn rare_tail(p: f64, k: u64, n: u64) -> Option<f64> {
    let nf = n as f64;
    let (count, mean) = if p <= 0.5 {
        (k, nf * p)
    } else {
        (n - k, nf * (1.0 - p))
    };
    if count >= 20 && mean >= 20.0 {
        return None;
    }
    // P(X <= c) for X ~ Poisson(mean).
    let cdf = |c: u64| {
        let mut term = (-mean).exp();
        let mut sum = term;
        for i in 1..=c {
            term *= mean / i as f64;
            sum += term;
        }
        sum.min(1.0)
    };
    Some(if count as f64 > mean {
        1.0 - cdf(count - 1)
    } else {
        cdf(count)
    })
}

/// The two-sided tail probability of a standard normal beyond `z` (Abramowitz and Stegun
/// 7.1.26, absolute error below 1.5e-7).
fn two_sided_alpha(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    poly * (-x * x).exp()
}

/// z of a two-sided 99.9 % interval.
pub const Z999: f64 = 3.290_526_731_491_926;

/// Where an ensemble disagrees with the exact chain: every exact probability (p(war),
/// p(nuclear), ceasefire breakdown, first war by pathway, highest rung, no crisis, survival by
/// year) must lie in the ensemble's Wilson interval for quantile `z` (e.g. [`Z999`]); mean
/// crises per run and months at risk within `z` standard errors (bounded by the variance of a
/// Poisson count and of a value in [0, horizon]); mean cost equal. Returns one line per
/// disagreement, empty when they agree.
pub fn disagreements(exact: &ExactSummary, mc: &Summary, z: f64) -> Vec<String> {
    let n = mc.runs;
    let mut out = Vec::new();
    let mut check = |what: String, value: f64, k: u64| {
        // A rare outcome (few runs on one side) is judged by its Poisson tail, where the
        // Wilson interval is too tight; otherwise by the Wilson interval.
        if let Some(tail) = rare_tail(value, k, n) {
            if tail < two_sided_alpha(z) / 2.0 {
                out.push(format!(
                    "{what}: exact {value:.6}, {k} of {n} runs (Poisson tail probability {tail:.2e})"
                ));
            }
            return;
        }
        let e = wilson_z(k, n, z);
        if !(e.low - 1e-12 <= value && value <= e.high + 1e-12) {
            out.push(format!(
                "{what}: exact {value:.6} outside [{:.6}, {:.6}] ({k} of {n} runs)",
                e.low, e.high
            ));
        }
    };
    check("p(war)".into(), exact.p_war, mc.wars);
    check("p(nuclear)".into(), exact.p_nuclear, mc.nuclear);
    check(
        "p(theatre war)".into(),
        exact.p_theatre_war,
        mc.theatre_wars,
    );
    check(
        "p(general nuclear war)".into(),
        exact.p_general_nuclear,
        mc.general_nuclear,
    );
    check("p(war ended)".into(), exact.p_war_ended, mc.wars_ended);
    check(
        "p(ceasefire breakdown)".into(),
        exact.p_ceasefire_break,
        mc.ceasefire_breaks,
    );
    for p in Pathway::ALL {
        let i = p.index();
        check(
            format!("p(war via {})", p.name()),
            exact.p_war_by_pathway[i],
            mc.war_by_pathway[i],
        );
    }
    for r in 0..RUNGS {
        check(
            format!("p(highest rung {r})"),
            exact.max_rung[r],
            mc.max_rung_counts[r],
        );
    }
    check(
        "p(no crisis)".into(),
        exact.p_no_crisis(),
        n - mc.runs_with_crisis,
    );
    let mut wars = 0u64;
    for (y, s) in exact.survival_by_year().iter().enumerate() {
        let end = ((y + 1) * 12).min(mc.war_month_counts.len());
        wars += mc.war_month_counts[y * 12..end].iter().sum::<u64>();
        check(format!("survival to year {}", y + 1), *s, n - wars);
    }
    let nf = n.max(1) as f64;
    for p in Pathway::ALL {
        let (want, got) = (
            exact.crises_per_run[p.index()],
            mc.crises_by_pathway[p.index()] as f64 / nf,
        );
        if (got - want).abs() > z * (want * (1.0 + want) / nf).sqrt() + 1e-12 {
            out.push(format!(
                "crises per run on {}: exact {want:.6}, simulated {got:.6}",
                p.name()
            ));
        }
    }
    let horizon = mc.horizon_months as f64;
    let got = mc.months_at_risk as f64 / nf;
    let sd = horizon * (exact.p_war * (1.0 - exact.p_war)).sqrt();
    if (got - exact.months_at_risk).abs() > z * sd / nf.sqrt() + 1e-9 {
        out.push(format!(
            "months at risk: exact {:.4}, simulated {got:.4}",
            exact.months_at_risk
        ));
    }
    if (mc.mean_cost_bn() - exact.cost_bn).abs() > 1e-9 * exact.cost_bn.abs().max(1.0) {
        out.push(format!(
            "mean cost: exact {}, simulated {}",
            exact.cost_bn,
            mc.mean_cost_bn()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short series for e^x - 1 agrees with the C library's to within two units in the
    /// last place, across the range where it is used and at its edge.
    #[test]
    fn exp_m1_is_the_library_s_to_rounding() {
        let mut x = -1.0 / 64.0;
        while x <= 1.0 / 64.0 {
            for y in [x, x * 1e-9, x * 1e-200] {
                let (ours, libm) = (exp_m1(y), y.exp_m1());
                let ulp = f64::EPSILON * libm.abs().max(f64::MIN_POSITIVE);
                assert!((ours - libm).abs() <= 2.0 * ulp, "{y}: {ours} vs {libm}");
            }
            x += 1.0 / 65_536.0 + 1e-9;
        }
        assert_eq!(exp_m1(0.0), 0.0);
        assert_eq!(exp_m1(-0.5), (-0.5f64).exp_m1());
        assert!(exp_m1(f64::NAN).is_nan());
    }

    #[test]
    fn rare_outcomes_are_judged_by_their_poisson_tail() {
        assert!((two_sided_alpha(Z999) - 0.001).abs() < 1e-6);
        assert!((two_sided_alpha(1.959_964) - 0.05).abs() < 1e-6);
        // One run in 40,000 where 0.08 are expected: common (tail 7.7 %).
        let t = rare_tail(2e-6, 1, 40_000).unwrap();
        assert!((t - (1.0 - (-0.08f64).exp())).abs() < 1e-12);
        // Five where 0.08 are expected: far too many.
        assert!(rare_tail(2e-6, 5, 40_000).unwrap() < 1e-6);
        // None where 30 are expected: far too few; the other side rare the same way.
        assert!(rare_tail(7.5e-4, 0, 40_000).unwrap() < 1e-12);
        assert!(rare_tail(1.0 - 7.5e-4, 40_000, 40_000).unwrap() < 1e-12);
        // Both sides common: the Wilson interval judges.
        assert!(rare_tail(0.3, 12_000, 40_000).is_none());
    }
}
