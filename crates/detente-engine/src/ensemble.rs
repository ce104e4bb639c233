//! Ensembles: many runs of one architecture (or of several, paired run by run), in parallel
//! on all cores, reduced to a streaming [`Summary`]. Runs are cut into fixed chunks; chunks
//! run in parallel and their summaries are merged in chunk order, so the result is the same
//! bytes whatever the number of threads. Memory is flat in the number of runs: only a batch
//! of chunks is in flight at a time, and per-run records go to an optional sink batch by batch.

use crate::events::EventSampler;
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::Policy;
use crate::rng::{stream_rng, EngineRng, Stream};
use crate::run::{simulate_run, Costs, CrisisTable, RunOutcome};
use crate::slow::Trajectory;
use crate::stats::{paired_mean, quantile, wilson, Estimate};
use crate::war::WarOutcomes;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// An architecture ready to simulate: the model's parameters and the architecture's policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub params: ModelParams,
    pub policy: Policy,
}

/// Draws a run's model parameters when parameter uncertainty is switched on.
pub trait ParamDraw: Sync {
    /// A parameter set for one run, drawn with `rng` around `base`.
    fn draw(&self, rng: &mut EngineRng, base: &ModelParams) -> ModelParams;
}

/// How to run an ensemble.
#[derive(Clone, Copy, Debug)]
pub struct EnsembleOptions {
    pub runs: u64,
    pub seed: u64,
    /// Runs per chunk (the unit of parallel work; fixed so results do not depend on threads).
    pub chunk: u64,
    /// With parameter uncertainty: consecutive runs that share one parameter draw. 1 draws
    /// afresh for every run; more (e.g. 200) also gives the spread of p(war) across draws,
    /// the interval that reflects what we do not know about the parameters.
    pub runs_per_draw: u64,
}

impl EnsembleOptions {
    pub fn new(runs: u64, seed: u64) -> Self {
        EnsembleOptions {
            runs,
            seed,
            chunk: 2048,
            runs_per_draw: 1,
        }
    }
}

/// The ensemble was cancelled by its progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Streaming summary of an ensemble of runs of one architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub runs: u64,
    pub horizon_months: u32,
    pub wars: u64,
    pub nuclear: u64,
    /// Runs whose war became a theatre-wide war within the horizon.
    pub theatre_wars: u64,
    /// Runs whose war became a general nuclear war within the horizon.
    pub general_nuclear: u64,
    /// Runs whose war ended (negotiated or by exhaustion) within the horizon.
    pub wars_ended: u64,
    pub war_by_pathway: [u64; PATHWAY_COUNT],
    pub crises_by_pathway: [u64; PATHWAY_COUNT],
    pub months_at_risk: u64,
    /// Number of runs whose first war came in each month.
    pub war_month_counts: Vec<u64>,
    /// Number of runs whose highest crisis rung was r (index r); runs without crisis excluded.
    pub max_rung_counts: [u64; 5],
    pub runs_with_crisis: u64,
    pub ceasefire_breaks: u64,
    pub cost_bn_sum: f64,
    /// Sum over runs of spending by who pays.
    pub costs_sum: Costs,
    /// With parameter uncertainty and several runs per draw: (runs, wars) per parameter draw.
    pub draws: BTreeMap<u64, (u64, u64)>,
}

impl Summary {
    pub fn new(horizon_months: u32) -> Self {
        Summary {
            runs: 0,
            horizon_months,
            wars: 0,
            nuclear: 0,
            theatre_wars: 0,
            general_nuclear: 0,
            wars_ended: 0,
            war_by_pathway: [0; PATHWAY_COUNT],
            crises_by_pathway: [0; PATHWAY_COUNT],
            months_at_risk: 0,
            war_month_counts: vec![0; horizon_months as usize],
            max_rung_counts: [0; 5],
            runs_with_crisis: 0,
            ceasefire_breaks: 0,
            cost_bn_sum: 0.0,
            costs_sum: Costs::default(),
            draws: BTreeMap::new(),
        }
    }

    /// Record run `o` as one of parameter draw `draw`.
    pub fn add_to_draw(&mut self, draw: u64, o: &RunOutcome) {
        let e = self.draws.entry(draw).or_insert((0, 0));
        e.0 += 1;
        e.1 += o.war_month.is_some() as u64;
    }

    /// Spread of p(war) across parameter draws: the 2.5 % and 97.5 % points of the draws'
    /// p(war) estimates, with the number of draws and the share of their variance that
    /// binomial noise within a draw cannot explain (the parameters' share). None without
    /// several runs per draw.
    pub fn p_war_across_draws(&self) -> Option<DrawSpread> {
        let ps: Vec<(f64, f64)> = self
            .draws
            .values()
            .filter(|(n, _)| *n > 1)
            .map(|(n, w)| (*w as f64 / *n as f64, *n as f64))
            .collect();
        if ps.len() < 2 {
            return None;
        }
        let mut sorted: Vec<f64> = ps.iter().map(|(p, _)| *p).collect();
        sorted.sort_by(f64::total_cmp);
        let k = sorted.len() as f64;
        let quantile = |q: f64| quantile(&sorted, q);
        let mean = sorted.iter().sum::<f64>() / k;
        let var = sorted.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / (k - 1.0);
        let noise = ps.iter().map(|(p, n)| p * (1.0 - p) / n).sum::<f64>() / k;
        let parameter_share = if var > 0.0 {
            (1.0 - noise / var).max(0.0)
        } else {
            0.0
        };
        Some(DrawSpread {
            low: quantile(0.025),
            median: quantile(0.5),
            high: quantile(0.975),
            draws: ps.len() as u64,
            parameter_share,
        })
    }

    /// Add one run.
    pub fn add(&mut self, o: &RunOutcome) {
        self.runs += 1;
        if let Some(m) = o.war_month {
            self.wars += 1;
            self.war_month_counts[m as usize] += 1;
            if let Some(p) = o.war_pathway {
                self.war_by_pathway[p.index()] += 1;
            }
            if o.nuclear {
                self.nuclear += 1;
            }
            self.theatre_wars += o.war_course.theatre as u64;
            self.general_nuclear += o.war_course.general_nuclear as u64;
            self.wars_ended += o.war_course.ended as u64;
        }
        for (acc, c) in self.crises_by_pathway.iter_mut().zip(o.crises) {
            *acc += c as u64;
        }
        if let Some(r) = o.max_rung {
            self.max_rung_counts[r as usize] += 1;
            self.runs_with_crisis += 1;
        }
        if o.ceasefire_break_month.is_some() {
            self.ceasefire_breaks += 1;
        }
        self.months_at_risk += o.months_at_risk as u64;
        self.cost_bn_sum += o.cost_bn;
        self.costs_sum.add(&o.costs);
    }

    /// Merge another summary (of later runs) into this one.
    pub fn merge(&mut self, other: &Summary) {
        self.runs += other.runs;
        self.wars += other.wars;
        self.nuclear += other.nuclear;
        self.theatre_wars += other.theatre_wars;
        self.general_nuclear += other.general_nuclear;
        self.wars_ended += other.wars_ended;
        for i in 0..PATHWAY_COUNT {
            self.war_by_pathway[i] += other.war_by_pathway[i];
            self.crises_by_pathway[i] += other.crises_by_pathway[i];
        }
        self.months_at_risk += other.months_at_risk;
        for (a, b) in self
            .war_month_counts
            .iter_mut()
            .zip(&other.war_month_counts)
        {
            *a += b;
        }
        for (a, b) in self.max_rung_counts.iter_mut().zip(other.max_rung_counts) {
            *a += b;
        }
        self.runs_with_crisis += other.runs_with_crisis;
        self.ceasefire_breaks += other.ceasefire_breaks;
        self.cost_bn_sum += other.cost_bn_sum;
        self.costs_sum.add(&other.costs_sum);
        for (d, (n, w)) in &other.draws {
            let e = self.draws.entry(*d).or_insert((0, 0));
            e.0 += n;
            e.1 += w;
        }
    }

    /// Probability of a NATO-Russia war within the horizon.
    pub fn p_war(&self) -> Estimate {
        wilson(self.wars, self.runs)
    }

    /// Probability of nuclear use within the horizon.
    pub fn p_nuclear(&self) -> Estimate {
        wilson(self.nuclear, self.runs)
    }

    /// What wars reach within the horizon (limited war = any war).
    pub fn war_outcomes(&self) -> WarOutcomes<Estimate> {
        WarOutcomes {
            limited_war: wilson(self.wars, self.runs),
            theatre_war: wilson(self.theatre_wars, self.runs),
            nuclear_use: wilson(self.nuclear, self.runs),
            general_nuclear_war: wilson(self.general_nuclear, self.runs),
            war_ended: wilson(self.wars_ended, self.runs),
        }
    }

    /// Probability that the first war came through `pathway`.
    pub fn p_war_via(&self, pathway: Pathway) -> Estimate {
        wilson(self.war_by_pathway[pathway.index()], self.runs)
    }

    /// Crises per year at risk (before the first war) on `pathway`.
    pub fn crises_per_year(&self, pathway: Pathway) -> f64 {
        if self.months_at_risk == 0 {
            return 0.0;
        }
        self.crises_by_pathway[pathway.index()] as f64 / (self.months_at_risk as f64 / 12.0)
    }

    /// Probability of a Russia-Ukraine ceasefire breakdown within the horizon.
    pub fn p_ceasefire_break(&self) -> Estimate {
        wilson(self.ceasefire_breaks, self.runs)
    }

    /// Probability of no war by the end of each year of the horizon (a partial last year counts).
    pub fn survival_by_year(&self) -> Vec<Estimate> {
        let years = self.horizon_months.div_ceil(12) as usize;
        let mut out = Vec::with_capacity(years);
        let mut cum = 0u64;
        for y in 0..years {
            let end = ((y + 1) * 12).min(self.horizon_months as usize);
            cum += self.war_month_counts[y * 12..end].iter().sum::<u64>();
            let w = wilson(cum, self.runs);
            out.push(Estimate {
                value: 1.0 - w.value,
                low: 1.0 - w.high,
                high: 1.0 - w.low,
                n: self.runs,
            });
        }
        out
    }

    /// Mean spending over the horizon by who pays (US$ bn).
    pub fn mean_costs(&self) -> Costs {
        let n = self.runs.max(1) as f64;
        Costs {
            europe_defence_bn: self.costs_sum.europe_defence_bn / n,
            us_defence_bn: self.costs_sum.us_defence_bn / n,
            mechanisms_bn: self.costs_sum.mechanisms_bn / n,
        }
    }

    /// Mean cost over the horizon (US$ bn).
    pub fn mean_cost_bn(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.cost_bn_sum / self.runs as f64
        }
    }
}

/// How p(war) varies across parameter draws (see [`Summary::p_war_across_draws`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawSpread {
    pub low: f64,
    pub median: f64,
    pub high: f64,
    pub draws: u64,
    /// Share of the between-draw variance not explained by binomial noise within draws.
    pub parameter_share: f64,
}

/// A per-run record stream: receives the runs of each batch in run order.
pub type RunSink<'a> = dyn FnMut(&[RunOutcome]) + 'a;

/// Called after each batch with the number of runs done; return false to cancel.
pub type Progress<'a> = dyn Fn(u64) -> bool + Sync + 'a;

const CHUNKS_PER_BATCH: u64 = 64;

/// What an ensemble shares between its runs when parameters are fixed: the slow path and the
/// event-driven sampler, made with the crises' exact outcome distributions (none with
/// parameter draws: each run has its own).
struct Shared {
    trajectory: Trajectory,
    events: Option<EventSampler>,
    /// The sampler's copies for the pool's threads after the first, each made by its thread
    /// when it first needs it, in an ensemble large enough to repay the copy: two cores
    /// reading the same tables run about a tenth slower here than each reading its own
    /// (measured: README, engine throughput). The copies are equal, so which thread runs a
    /// chunk changes nothing.
    copies: Vec<OnceLock<EventSampler>>,
}

/// Chunks per thread from which an ensemble gives each thread its own copy of the sampler:
/// copying the baseline's tables took 1.3-1.4 ms, about as long as a chunk of runs, and a
/// copy saves a tenth of each chunk or less.
const CHUNKS_PER_COPY: u64 = 16;

/// Most copies of the sampler an ensemble makes (each a few megabytes: the baseline's 3.3 MB);
/// threads beyond them read the first.
const MAX_COPIES: u64 = 15;

impl Shared {
    fn new(scenario: &Scenario, draw: Option<&dyn ParamDraw>, chunks: u64) -> Shared {
        let (params, policy) = (&scenario.params, &scenario.policy);
        if draw.is_some() {
            return Shared {
                trajectory: Trajectory::lazy(params, policy),
                events: None,
                copies: Vec::new(),
            };
        }
        let trajectory = Trajectory::new(params, policy);
        let table = CrisisTable::new(params, policy, &trajectory);
        let events = Some(EventSampler::new(params, &trajectory, &table));
        let threads = rayon::current_num_threads() as u64;
        let copies = if chunks >= CHUNKS_PER_COPY * threads {
            (1..threads.min(MAX_COPIES + 1))
                .map(|_| OnceLock::new())
                .collect()
        } else {
            Vec::new()
        };
        Shared {
            trajectory,
            events,
            copies,
        }
    }

    /// The event-driven sampler the current thread reads: its own copy where it has one.
    fn events(&self) -> Option<&EventSampler> {
        let events = self.events.as_ref()?;
        let copy = rayon::current_thread_index()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.copies.get(i));
        Some(copy.map_or(events, |c| c.get_or_init(|| events.clone())))
    }
}

/// Simulate one run of a scenario, drawing its parameters first if asked to.
fn one_run(
    scenario: &Scenario,
    shared: &Shared,
    draw: Option<&dyn ParamDraw>,
    options: &EnsembleOptions,
    run: u64,
) -> RunOutcome {
    let seed = options.seed;
    match (draw, shared.events()) {
        (None, Some(events)) => events.run(
            &scenario.params,
            &scenario.policy,
            &shared.trajectory,
            seed,
            run,
        ),
        (None, None) => simulate_run(
            &scenario.params,
            &scenario.policy,
            &shared.trajectory,
            seed,
            run,
        ),
        (Some(d), _) => {
            let mut rng = stream_rng(seed, draw_index(options, run), Stream::Parameters);
            let params = d.draw(&mut rng, &scenario.params);
            let trajectory = Trajectory::lazy(&params, &scenario.policy);
            simulate_run(&params, &scenario.policy, &trajectory, seed, run)
        }
    }
}

/// Which parameter draw run `run` uses.
fn draw_index(options: &EnsembleOptions, run: u64) -> u64 {
    run / options.runs_per_draw.max(1)
}

/// Run an ensemble of one scenario.
pub fn run_ensemble(
    scenario: &Scenario,
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    progress: &Progress,
    sink: Option<&mut RunSink>,
) -> Result<Summary, Cancelled> {
    run_ensemble_streaming(
        scenario,
        options,
        draw,
        &|s: &Summary| progress(s.runs),
        sink,
    )
}

/// Called after each batch with the summary of the runs done so far (the ensemble's summary
/// streams); return false to cancel.
pub type SummaryStream<'a> = dyn Fn(&Summary) -> bool + Sync + 'a;

/// Chunks run in parallel between two progress reports: enough to keep every thread busy,
/// few enough that a large ensemble reports (and can be cancelled) often. The result does
/// not depend on it.
fn chunks_per_batch() -> u64 {
    (2 * rayon::current_num_threads() as u64).clamp(4, CHUNKS_PER_BATCH)
}

/// Run an ensemble of one scenario, handing the partial summary to `stream` after each batch.
pub fn run_ensemble_streaming(
    scenario: &Scenario,
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    stream: &SummaryStream,
    mut sink: Option<&mut RunSink>,
) -> Result<Summary, Cancelled> {
    let shared = Shared::new(scenario, draw, chunk_count(&options));
    let horizon = scenario.policy.horizon_months;
    let keep = sink.is_some();
    let mut total = Summary::new(horizon);
    for_each_batch(0..chunk_count(&options), |batch| {
        let parts: Vec<(Summary, Vec<RunOutcome>)> = batch
            .into_par_iter()
            .map(|c| run_chunk(scenario, &shared, draw, &options, c, keep))
            .collect();
        for (s, records) in &parts {
            total.merge(s);
            if let Some(sink) = sink.as_mut() {
                sink(records);
            }
        }
        stream(&total)
    })?;
    Ok(total)
}

/// Number of chunks an ensemble is cut into (the unit of parallel work and of shards).
pub fn chunk_count(options: &EnsembleOptions) -> u64 {
    options.runs.div_ceil(options.chunk.max(1))
}

/// The chunks of shard `index` of `count` (0-based): a contiguous range, the shards in order
/// covering every chunk once. Shards may be empty when there are more shards than chunks.
pub fn shard_chunks(options: &EnsembleOptions, index: u64, count: u64) -> std::ops::Range<u64> {
    let chunks = chunk_count(options) as u128;
    let count = count.max(1) as u128;
    let at = |i: u128| (chunks * i / count) as u64;
    at(index as u128)..at(index as u128 + 1)
}

/// Cut `chunks` into batches run in parallel one after the other; `batch` returns false to
/// cancel.
fn for_each_batch(
    chunks: std::ops::Range<u64>,
    mut batch: impl FnMut(std::ops::Range<u64>) -> bool,
) -> Result<(), Cancelled> {
    let per_batch = chunks_per_batch();
    let mut first = chunks.start;
    while first < chunks.end {
        let last = (first + per_batch).min(chunks.end);
        if !batch(first..last) {
            return Err(Cancelled);
        }
        first = last;
    }
    Ok(())
}

/// The summary of chunk `c`'s runs, with their records if `keep`.
fn run_chunk(
    scenario: &Scenario,
    shared: &Shared,
    draw: Option<&dyn ParamDraw>,
    options: &EnsembleOptions,
    c: u64,
    keep: bool,
) -> (Summary, Vec<RunOutcome>) {
    let chunk = options.chunk.max(1);
    let mut s = Summary::new(scenario.policy.horizon_months);
    let mut records = Vec::new();
    for run in c * chunk..((c + 1) * chunk).min(options.runs) {
        let o = one_run(scenario, shared, draw, options, run);
        s.add(&o);
        if draw.is_some() && options.runs_per_draw > 1 {
            s.add_to_draw(draw_index(options, run), &o);
        }
        if keep {
            records.push(o);
        }
    }
    (s, records)
}

/// The summaries of chunks `chunks` of an ensemble, one per chunk in chunk order: a shard's
/// work. Folding every chunk's summary in chunk order ([`Summary::fold`]) gives exactly the
/// summary [`run_ensemble`] returns, bit for bit. `progress` gets the runs done so far.
pub fn chunk_summaries(
    scenario: &Scenario,
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    chunks: std::ops::Range<u64>,
    progress: &Progress,
) -> Result<Vec<Summary>, Cancelled> {
    let chunks = chunks.start.min(chunk_count(&options))..chunks.end.min(chunk_count(&options));
    let count = chunks.end.saturating_sub(chunks.start);
    let shared = Shared::new(scenario, draw, count);
    let mut out = Vec::with_capacity(count as usize);
    let mut done = 0;
    for_each_batch(chunks, |batch| {
        let parts: Vec<(Summary, Vec<RunOutcome>)> = batch
            .into_par_iter()
            .map(|c| run_chunk(scenario, &shared, draw, &options, c, false))
            .collect();
        for (s, _) in parts {
            done += s.runs;
            out.push(s);
        }
        progress(done)
    })?;
    Ok(out)
}

impl Summary {
    /// Fold chunk summaries in the order given, as the ensemble does (the same additions in
    /// the same order, so the same bits).
    pub fn fold<'a>(horizon_months: u32, parts: impl IntoIterator<Item = &'a Summary>) -> Summary {
        let mut total = Summary::new(horizon_months);
        for s in parts {
            total.merge(s);
        }
        total
    }
}

/// Result of a paired comparison of several scenarios.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub summaries: Vec<Summary>,
    /// For each scenario, sum and sum of squares of (war in this scenario - war in the first), per run.
    diff_sum: Vec<f64>,
    diff_sq: Vec<f64>,
}

impl Comparison {
    /// Paired difference in p(war) of scenario `i` from the first, with its 95 % interval.
    pub fn diff_vs_first(&self, i: usize) -> Estimate {
        paired_mean(self.diff_sum[i], self.diff_sq[i], self.summaries[i].runs)
    }

    /// With parameter uncertainty and several runs per draw: how the difference in p(war)
    /// between scenario `i` and the first spreads across parameter draws (each draw is shared
    /// by all scenarios), and the share of draws in which scenario `i` is the safer one.
    pub fn diff_across_draws(&self, i: usize) -> Option<DiffSpread> {
        let first = &self.summaries[0].draws;
        let mut diffs: Vec<f64> = self.summaries[i]
            .draws
            .iter()
            .filter_map(|(d, (n, w))| {
                let (n0, w0) = first.get(d)?;
                (*n > 0 && *n0 > 0).then(|| *w as f64 / *n as f64 - *w0 as f64 / *n0 as f64)
            })
            .collect();
        if diffs.len() < 2 {
            return None;
        }
        diffs.sort_by(f64::total_cmp);
        let k = diffs.len();
        let quantile = |q: f64| quantile(&diffs, q);
        let safer = diffs.iter().filter(|d| **d < 0.0).count() as f64 / k as f64;
        Some(DiffSpread {
            low: quantile(0.025),
            median: quantile(0.5),
            high: quantile(0.975),
            draws: k as u64,
            share_safer: safer,
        })
    }
}

/// How a paired difference in p(war) spreads across parameter draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiffSpread {
    pub low: f64,
    pub median: f64,
    pub high: f64,
    pub draws: u64,
    /// Share of draws in which the scenario has a lower p(war) than the first.
    pub share_safer: f64,
}

/// One chunk's share of a paired comparison: each scenario's summary of the chunk's runs and
/// the sums of the paired differences from the first (a shard's unit of work for `compare`).
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonChunk {
    pub summaries: Vec<Summary>,
    /// For each scenario, sum of (war in this scenario - war in the first) over the chunk's runs.
    pub diff_sum: Vec<f64>,
    /// For each scenario, the sum of the squares of those differences.
    pub diff_sq: Vec<f64>,
}

impl ComparisonChunk {
    /// An empty chunk for scenarios with these horizons (months).
    pub fn empty(horizons: &[u32]) -> Self {
        ComparisonChunk {
            summaries: horizons.iter().map(|h| Summary::new(*h)).collect(),
            diff_sum: vec![0.0; horizons.len()],
            diff_sq: vec![0.0; horizons.len()],
        }
    }

    /// Add a later chunk to this one, scenario by scenario.
    fn merge(&mut self, part: &ComparisonChunk) {
        for i in 0..self.summaries.len() {
            self.summaries[i].merge(&part.summaries[i]);
            self.diff_sum[i] += part.diff_sum[i];
            self.diff_sq[i] += part.diff_sq[i];
        }
    }
}

impl Comparison {
    /// Fold chunks in the order given, as [`compare`] does (the same additions in the same
    /// order, so the same bits).
    pub fn fold<'a>(
        horizons: &[u32],
        parts: impl IntoIterator<Item = &'a ComparisonChunk>,
    ) -> Comparison {
        let mut total = ComparisonChunk::empty(horizons);
        for part in parts {
            total.merge(part);
        }
        Comparison::from(total)
    }
}

impl From<ComparisonChunk> for Comparison {
    fn from(total: ComparisonChunk) -> Comparison {
        Comparison {
            summaries: total.summaries,
            diff_sum: total.diff_sum,
            diff_sq: total.diff_sq,
        }
    }
}

/// The paired summaries of chunk `c`'s runs of every scenario.
fn compare_chunk(
    scenarios: &[Scenario],
    trajectories: &[Shared],
    draw: Option<&dyn ParamDraw>,
    options: &EnsembleOptions,
    c: u64,
) -> ComparisonChunk {
    let chunk = options.chunk.max(1);
    let horizons: Vec<u32> = scenarios.iter().map(|s| s.policy.horizon_months).collect();
    let mut acc = ComparisonChunk::empty(&horizons);
    for run in c * chunk..((c + 1) * chunk).min(options.runs) {
        let mut base_war = 0.0;
        for (i, (s, t)) in scenarios.iter().zip(trajectories).enumerate() {
            let o = one_run(s, t, draw, options, run);
            acc.summaries[i].add(&o);
            if draw.is_some() && options.runs_per_draw > 1 {
                acc.summaries[i].add_to_draw(draw_index(options, run), &o);
            }
            let war = if o.war_month.is_some() { 1.0 } else { 0.0 };
            if i == 0 {
                base_war = war;
            }
            let d: f64 = war - base_war;
            acc.diff_sum[i] += d;
            acc.diff_sq[i] += d * d;
        }
    }
    acc
}

/// Run chunks `chunks` of a paired comparison, handing each batch's chunks in order to
/// `each`; `progress` gets the runs done so far (of each scenario).
fn compare_batches(
    scenarios: &[Scenario],
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    chunks: std::ops::Range<u64>,
    progress: &Progress,
    mut each: impl FnMut(ComparisonChunk),
) -> Result<(), Cancelled> {
    let count = chunks.end.saturating_sub(chunks.start);
    let trajectories: Vec<Shared> = scenarios
        .iter()
        .map(|s| Shared::new(s, draw, count))
        .collect();
    let mut done = 0;
    for_each_batch(chunks, |batch| {
        let parts: Vec<ComparisonChunk> = batch
            .into_par_iter()
            .map(|c| compare_chunk(scenarios, &trajectories, draw, &options, c))
            .collect();
        for part in parts {
            done += part.summaries.first().map_or(0, |s| s.runs);
            each(part);
        }
        progress(done)
    })
}

/// Run several scenarios with common random numbers: run r of each uses the same streams.
pub fn compare(
    scenarios: &[Scenario],
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    progress: &Progress,
) -> Result<Comparison, Cancelled> {
    let horizons: Vec<u32> = scenarios.iter().map(|s| s.policy.horizon_months).collect();
    let mut total = ComparisonChunk::empty(&horizons);
    compare_batches(
        scenarios,
        options,
        draw,
        0..chunk_count(&options),
        progress,
        |part| total.merge(&part),
    )?;
    Ok(Comparison::from(total))
}

/// The chunks `chunks` of a paired comparison, one per chunk in chunk order: a shard's work.
/// [`Comparison::fold`] of every chunk in order gives exactly what [`compare`] returns.
pub fn compare_chunk_summaries(
    scenarios: &[Scenario],
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    chunks: std::ops::Range<u64>,
    progress: &Progress,
) -> Result<Vec<ComparisonChunk>, Cancelled> {
    let n = chunk_count(&options);
    let mut out = Vec::new();
    compare_batches(
        scenarios,
        options,
        draw,
        chunks.start.min(n)..chunks.end.min(n),
        progress,
        |part| out.push(part),
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn scenario(name: &str, policy: Policy) -> Scenario {
        Scenario {
            name: name.into(),
            params: ModelParams::default(),
            policy,
        }
    }

    fn options() -> EnsembleOptions {
        // small chunks, an uneven last chunk: 23 chunks, several batches per shard
        EnsembleOptions {
            chunk: 64,
            ..EnsembleOptions::new(1_450, 7)
        }
    }

    #[test]
    fn shards_cover_every_chunk_once_in_order() {
        let o = options();
        for n in [1, 2, 3, 4, 7, 23, 40] {
            let ranges: Vec<_> = (0..n).map(|i| shard_chunks(&o, i, n)).collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, chunk_count(&o));
            for w in ranges.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
        }
    }

    #[test]
    fn shards_folded_in_order_equal_the_ensemble_bit_for_bit() {
        let s = scenario("a", Policy::default());
        let o = options();
        let whole = run_ensemble(&s, o, None, &|_| true, None).unwrap();
        let parts: Vec<Summary> = (0..4)
            .flat_map(|i| chunk_summaries(&s, o, None, shard_chunks(&o, i, 4), &|_| true).unwrap())
            .collect();
        assert_eq!(parts.len() as u64, chunk_count(&o));
        let merged = Summary::fold(s.policy.horizon_months, &parts);
        assert_eq!(merged, whole);
        assert_eq!(merged.cost_bn_sum.to_bits(), whole.cost_bn_sum.to_bits());
        // folding the shards' own totals instead changes the order of the float additions;
        // the fold of chunks is what must be kept
        assert!(whole.wars > 0 && whole.cost_bn_sum > 0.0);
    }

    #[test]
    fn compare_shards_folded_in_order_equal_the_comparison_bit_for_bit() {
        let other = Policy {
            horizon_months: 60,
            ..Policy::default()
        };
        let scenarios = [scenario("a", Policy::default()), scenario("b", other)];
        let o = options();
        let whole = compare(&scenarios, o, None, &|_| true).unwrap();
        let parts: Vec<ComparisonChunk> = (0..3)
            .flat_map(|i| {
                compare_chunk_summaries(&scenarios, o, None, shard_chunks(&o, i, 3), &|_| true)
                    .unwrap()
            })
            .collect();
        let merged = Comparison::fold(&[120, 60], &parts);
        assert_eq!(merged.summaries, whole.summaries);
        assert_eq!(merged.diff_sum, whole.diff_sum);
        assert_eq!(merged.diff_sq, whole.diff_sq);
        assert!(whole.diff_sum[1] != 0.0);
    }
}
