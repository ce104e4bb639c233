//! Event-driven sampling of runs with fixed parameters: the same model as the month-by-month
//! simulator ([`crate::run`]), with the same discrete months, sampled by jumping from one
//! eventful month to the next. A month's crises split by Poisson thinning into those that can
//! change a run's state — below the highest tension a crisis whose highest rung is above 0 (it
//! raises the tension), at the highest a war — and the rest, which change only what is counted
//! (crises by pathway, the highest rung). Tension above the lowest sheds a level in a month
//! with the same probability whatever else happens, so a run keeps a clock for its next shed
//! (the months to it are geometric; drawn again after each shed and when tension leaves the
//! lowest level). While a run's state (ceasefire durable, fragile or at a second war; its
//! [`Memory`]; a Belarus succession or not) stays the same, a month is quiet — no ceasefire
//! breakdown, no state-changing crisis, no succession — with a probability known in closed
//! form, so [`EventSampler`] keeps, for each of the 48 states, the prefix sums over the months
//! of the log of that probability, and a run draws the hazard to its next eventful month (an
//! exponential of mean 1) and spends it piece by piece: a piece runs to the next shed, whose
//! month ends in another state, and the month the hazard runs out in is found by a scan eight
//! months at a time (a stretch stops at the end of a second war, when the ceasefire is
//! restored; the restoration month is played as usual). A shed in a quiet month only lowers the
//! tension, except at the highest, where the month's other crises can raise it back: that
//! month is played. The quiet months' other crises are independent Poisson counts by pathway:
//! the sampler keeps the prefix sums of their rates (apart, at the highest tension, those at
//! rung 2, the only ones that can still raise a run's highest rung there), a run adds them up
//! piece by piece and draws the counts once, at its end. In the eventful month one more uniform
//! picks which component comes first in the month's order (breakdown, state-changing crises,
//! succession: the first is i with probability prod_{j<i}(1 - p_j) p_i / P(at least one)); the
//! components after it are drawn as usual, a count of state-changing crises that comes first is
//! a zero-truncated Poisson, the month's other crises are a Poisson count, and the two classes
//! are played in a random order (crises after a war do not count), each crisis's pathway in
//! proportion to its class's rates and its highest rung drawn from its distribution given the
//! class; the month ends with the shed if the clock says so. A war's course jumps the same way
//! from one change of phase to the next, with the sums of the log probability of staying in
//! each phase by the war's start month, the phase it moves to drawn in proportion to the
//! competing hazards ([`Moves::hazards`]: the month's other phases are not computed). The spending (the calm path's, the same for every run)
//! is summed once. Each run keeps two streams of its own: its war's course (so a change that
//! reaches only the war leaves everything before it alone) and everything else (the triggers'
//! stream: seeding a run's four streams took about 4.5 % of its time), so results stay
//! independent of threads and two architectures share their random numbers run by run; they
//! differ in draws, not in distribution, from the month-by-month simulator, and tests check
//! both against the exact chain. What limits the speed is the run's chain of dependent steps (a
//! cache miss for each eventful month's probabilities, a mispredicted branch for each random
//! choice), not the count of instructions: an eventful month's probabilities, with the thinned
//! rates summed to it, take four cache lines, and the next months' first lines are fetched
//! ahead of the scan. With the baseline a run plays about 7.8 months and skips 4.4 sheds (12.2
//! months were played when a shed was one of a month's events).

use crate::crisis::{NUCLEAR_RUNG, RUNGS, WAR_RUNG};
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::Policy;
use crate::rng::{stream_rng, EngineRng, Stream};
use crate::run::{
    next_tension, poisson, poisson_from, second_war_length, tension_decay_probability, Costs,
    CrisisTable, RunOutcome, RunStart,
};
use crate::slow::{Memory, Trajectory, MEMORIES, TENSION_LEVELS};
use crate::war::{fait_accompli_probability, Moves, WarCourse, WarMonth, WarPhase};
use rand::Rng;
use rand_distr::Exp1;

/// Ceasefire states of a stretch: a durable or a fragile ceasefire holds, or a second war.
const STATUSES: usize = 3;
/// Run states between events: ceasefire status x memory x Belarus succession.
const STATES: usize = STATUSES * MEMORIES * 2;
/// Phases a war can leave (limited, limited after a grab, theatre, limited nuclear).
const LIVE_PHASES: usize = 4;
/// Floor on a month's log probability of quiet (a certain event gives -inf otherwise).
const LOG_FLOOR: f64 = -1e6;
/// The highest tension: a crisis short of war leaves it where it is.
const TOP: u8 = (TENSION_LEVELS - 1) as u8;

/// Whether a crisis with highest rung `rung` can change the state of a run at `tension`: at
/// a tension below the highest any rung above 0 raises it; at the highest only a war counts.
fn changes_state(tension: u8, rung: usize) -> bool {
    if tension < TOP {
        rung > 0
    } else {
        rung >= WAR_RUNG as usize
    }
}

/// What an ensemble with fixed parameters precomputes to sample its runs event by event.
#[derive(Clone)]
pub struct EventSampler {
    months: usize,
    /// `log_quiet[state * scanned_len(months) + m]`: sum over months before m of the log
    /// probability of a quiet month in `state`.
    log_quiet: Vec<f64>,
    /// `month[state * (months + 1) + m]`: the probabilities an eventful month is drawn with,
    /// and the thinned crises' rates summed over the months before (the last row only these).
    month: Vec<MonthEvents>,
    /// `thinned_2[state * (months + 1) + m]`: sum over months before m of the rates by pathway
    /// of the crises that cannot change `state` at highest rung 2, thinned only at the highest
    /// tension (zero below it).
    thinned_2: Vec<Rates>,
    /// `rungs[year][memory][pathway]`: the distribution of a crisis's highest rung given the
    /// class that is drawn (cumulative): given it changes the state below the highest tension
    /// (rungs 1-3), given it does not at the highest (rungs 0-2).
    rungs: Vec<[[Cumulative; PATHWAY_COUNT]; MEMORIES]>,
    /// `log_stay[(w * LIVE_PHASES + phase) * scanned_len(months) + m]`: for a war that began in month
    /// w, sum over months w+1..m-1 of the log probability of staying in `phase` (0 up to w+1).
    log_stay: Vec<f64>,
    /// -1 / the log probability that a tension above the lowest is kept a month (the months
    /// to the next shed are geometric: an exponential of mean 1 times this, rounded down); 0
    /// when tension never sheds.
    months_per_hazard: f64,
    type_share: f64,
    cost_bn: f64,
    costs: Costs,
}

/// A row of rates by pathway (one cache line).
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
struct Rates([f64; 8]);

/// One month in one state: what its eventful month is drawn with, and the thinned crises'
/// rates summed to it. Four cache lines: what every eventful month reads first, the summed
/// rates (read at both ends of a piece of quiet months, so fetched with the month's first line),
/// the state-changing crises' cumulative rates and the other crises' (the Poisson means of the
/// two classes' counts are their totals).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct MonthEvents {
    /// Probability of at least one event other than a tension shed.
    any: f64,
    /// Probability that the month's first event (in the month's order) is a ceasefire
    /// breakdown, a state-changing crisis or less.
    first: [f64; 2],
    /// Probability of at least one state-changing crisis, and of exactly one.
    p_crisis: f64,
    p_one: f64,
    /// e^-rest: the probability of no other crisis (rest: the total of `rest_rates`).
    e_rest: f64,
    p_succ: f64,
    /// Sum over the months before this one of the rates by pathway of the crises that cannot
    /// change the state at highest rung 0, or 1 at the highest tension.
    thinned: [f64; 8],
    /// The rates by pathway of the crises that can change the state, cumulated: the last
    /// pathway's is their total, the Poisson mean of their count.
    changing_rates: Cumulative,
    /// The same for the other crises.
    rest_rates: Cumulative,
}

impl MonthEvents {
    /// The Poisson mean of the number of crises that can change the state.
    fn changing(&self) -> f64 {
        self.changing_rates.0[PATHWAY_COUNT - 1]
    }

    /// The Poisson mean of the number of the other crises.
    fn rest(&self) -> f64 {
        self.rest_rates.0[PATHWAY_COUNT - 1]
    }
}

/// Which component of an eventful month comes first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum First {
    Break,
    Crisis,
    Succession,
    /// Only a shed at the highest tension (whose other crises can raise it back).
    Shed,
    /// Not conditioned (a restoration month): every component drawn as usual.
    Unconditioned,
}

fn state_index(status: usize, memory: Memory, succeeded: bool) -> usize {
    (status * MEMORIES + memory.index()) * 2 + succeeded as usize
}

fn ln_not(p: f64) -> f64 {
    (-p).ln_1p().max(LOG_FLOOR)
}

/// Months whose first line of [`MonthEvents`] is fetched ahead of the scan for the next
/// eventful month (measured: 4 saves about 3.5 % of a run's time; 2 and 8 save less).
const PREFETCH_MONTHS: usize = 4;

/// Ask the processor to bring the cache line holding the start of `x` closer.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache, and the address is that of a live value.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(x as *const T as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Months a scan compares at once.
const SCAN_WIDTH: usize = 8;

/// Entries after a state's (or a war's) prefix of months + 1, so that a scan can always read
/// [`SCAN_WIDTH`] at a time: their values are never taken (see [`first_below`]).
const SCAN_PAD: usize = SCAN_WIDTH - 1;

/// The length of a prefix array of `months` (the values before months 0..=months, padded).
fn scanned_len(months: usize) -> usize {
    months + 1 + SCAN_PAD
}

/// The first index t in `lo..hi` with `l[t + 1] < target`, if any (`l` decreasing, with at
/// least `hi + SCAN_WIDTH` entries). The next event is usually a few months away: the scan
/// compares eight months at a time and takes the first below the target from the bits of the
/// comparisons (sixteen at a time touched more memory than its fewer mispredicted exits
/// saved); a month found at `hi` or beyond, in the padding, is none (it is the first below,
/// so none before `hi` is).
#[inline]
fn first_below(l: &[f64], lo: usize, hi: usize, target: f64) -> Option<usize> {
    let mut base = lo;
    while base < hi {
        let window = &l[base + 1..base + 1 + SCAN_WIDTH];
        let below = below_mask(window.try_into().unwrap(), target);
        if below != 0 {
            let t = base + below.trailing_zeros() as usize;
            return (t < hi).then_some(t);
        }
        base += SCAN_WIDTH;
    }
    None
}

/// Bit j set where `x[j] < target`.
#[inline(always)]
fn below_mask(x: &[f64; 8], target: f64) -> u32 {
    lanes_mask::<false>(x, target)
}

/// Bit j set where `x[j] < target` (`ABOVE` false) or `x[j] > target` (true): four packed
/// comparisons and their sign masks.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lanes_mask<const ABOVE: bool>(x: &[f64; 8], target: f64) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpgt_pd, _mm_cmplt_pd, _mm_loadu_pd, _mm_movemask_pd, _mm_set1_pd,
    };
    // SAFETY: SSE2 is part of every x86-64 processor, and the four loads read x's eight
    // values, two at a time.
    unsafe {
        let t = _mm_set1_pd(target);
        let p = x.as_ptr();
        let m = |i: usize| {
            let v = _mm_loadu_pd(p.add(2 * i));
            let c = if ABOVE {
                _mm_cmpgt_pd(v, t)
            } else {
                _mm_cmplt_pd(v, t)
            };
            _mm_movemask_pd(c) as u32
        };
        m(0) | m(1) << 2 | m(2) << 4 | m(3) << 6
    }
}

/// Bit j set where `x[j] < target` (`ABOVE` false) or `x[j] > target` (true).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn lanes_mask<const ABOVE: bool>(x: &[f64; 8], target: f64) -> u32 {
    let mut mask = 0u32;
    for (j, v) in x.iter().enumerate() {
        let set = if ABOVE { *v > target } else { *v < target };
        mask |= (set as u32) << j;
    }
    mask
}

/// Lanes of a cumulative row searched at once (pathways, rungs; the lanes after the last hold
/// +inf, so a search always stops).
const LANES: usize = 8;
const _: () = assert!(PATHWAY_COUNT < LANES && RUNGS < LANES);

/// A cumulative row (probabilities or rates) of up to seven entries, padded with +inf.
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
struct Cumulative([f64; LANES]);

impl Default for Cumulative {
    fn default() -> Self {
        Cumulative([f64::INFINITY; LANES])
    }
}

impl Cumulative {
    /// The row of the running sums of `values`.
    fn of(values: impl IntoIterator<Item = f64>) -> Cumulative {
        let mut row = Cumulative::default();
        let mut sum = 0.0;
        for (c, v) in row.0.iter_mut().zip(values) {
            sum += v;
            *c = sum;
        }
        row
    }

    /// The first entry above `x` (the number at or below it: the row is nondecreasing), or
    /// the first padding lane if none is.
    #[inline(always)]
    fn first_above(&self, x: f64) -> usize {
        (lanes_mask::<true>(&self.0, x) | 1 << LANES).trailing_zeros() as usize
    }
}

/// Add to `sum` the rates summed over the months between two prefix sums, `a` (the sum
/// before the first month) and `b` (before the month after the last).
#[inline(always)]
fn add_between(sum: &mut [f64; 8], a: &[f64; 8], b: &[f64; 8]) {
    for k in 0..8 {
        sum[k] += b[k] - a[k];
    }
}

impl EventSampler {
    /// The sampler of a trajectory (every month and memory computed) with its crises' table.
    pub fn new(params: &ModelParams, trajectory: &Trajectory, table: &CrisisTable) -> EventSampler {
        let months = trajectory.len();
        let shed = tension_decay_probability(params);
        let scanned = scanned_len(months);
        let mut log_quiet = vec![0.0; STATES * scanned];
        let mut thinned = vec![Rates::default(); STATES * (months + 1)];
        let mut thinned_2 = vec![Rates::default(); STATES * (months + 1)];
        let mut month = vec![MonthEvents::default(); STATES * (months + 1)];
        for status in 0..STATUSES {
            for mi in 0..MEMORIES {
                for succeeded in [false, true] {
                    let memory = Memory::from_index(mi);
                    let s = state_index(status, memory, succeeded);
                    let l = &mut log_quiet[s * scanned..(s + 1) * scanned];
                    let th = &mut thinned[s * (months + 1)..(s + 1) * (months + 1)];
                    let th2 = &mut thinned_2[s * (months + 1)..(s + 1) * (months + 1)];
                    for m in 0..months {
                        let st = trajectory.at(m, memory);
                        let p_break = if status < 2 {
                            st.ceasefire_breakdown[status]
                        } else {
                            0.0
                        };
                        let rates = st.rates(status == 2, succeeded);
                        // Each pathway's crises split by thinning into those that can change
                        // the state and the rest, and the rest by whether they reach rung 2.
                        let mut changing_rates = Cumulative::default();
                        let mut rest_rates = Cumulative::default();
                        let (mut row, mut row_2) = (th[m].0, th2[m].0);
                        let (mut changing, mut rest) = (0.0, 0.0);
                        for (k, pathway) in Pathway::ALL.into_iter().enumerate() {
                            let d = table.distribution(m, memory, pathway);
                            let mut lanes = [0.0; 2];
                            let mut p_changing = 0.0;
                            for (r, p) in d.iter().enumerate() {
                                if changes_state(memory.tension, r) {
                                    p_changing += p;
                                } else {
                                    lanes[(r >= 2) as usize] += p;
                                }
                            }
                            changing += rates[k] * p_changing;
                            rest += rates[k] * (lanes[0] + lanes[1]);
                            changing_rates.0[k] = changing;
                            rest_rates.0[k] = rest;
                            row[k] += rates[k] * lanes[0];
                            row_2[k] += rates[k] * lanes[1];
                        }
                        th[m + 1] = Rates(row);
                        th2[m + 1] = Rates(row_2);
                        let p_succ = if succeeded {
                            0.0
                        } else {
                            st.belarus_succession
                        };
                        let q = ln_not(p_succ) - changing + ln_not(p_break);
                        let p_crisis = -(-changing).exp_m1();
                        let f1 = p_break;
                        let f2 = f1 + (1.0 - p_break) * p_crisis;
                        month[s * (months + 1) + m] = MonthEvents {
                            thinned: [0.0; 8],
                            e_rest: (-rest).exp(),
                            p_crisis,
                            p_one: (-changing).exp() * changing,
                            p_succ,
                            any: -q.exp_m1(),
                            first: [f1, f2],
                            changing_rates,
                            rest_rates,
                        };
                        l[m + 1] = l[m] + q.max(LOG_FLOOR);
                    }
                }
            }
        }
        // The highest rung of a drawn crisis given its class: below the highest tension a
        // state-changing crisis (rungs 1-3; the rest are at rung 0), at the highest the rest
        // (rungs 0-2; a state-changing crisis is a war).
        let years = months.div_ceil(12);
        let mut rungs = vec![[[Cumulative::default(); PATHWAY_COUNT]; MEMORIES]; years];
        for (y, by_memory) in rungs.iter_mut().enumerate() {
            for (mi, by_pathway) in by_memory.iter_mut().enumerate() {
                let memory = Memory::from_index(mi);
                let drawn = memory.tension >= TOP;
                for (pathway, c) in Pathway::ALL.into_iter().zip(by_pathway.iter_mut()) {
                    let d = table.distribution(y * 12, memory, pathway);
                    let class = |r: usize| changes_state(memory.tension, r) != drawn;
                    let mass: f64 = (0..RUNGS).filter(|r| class(*r)).map(|r| d[r]).sum();
                    let last = (0..RUNGS)
                        .rfind(|r| class(*r) && d[*r] > 0.0)
                        .or_else(|| (0..RUNGS).find(|r| class(*r)))
                        .unwrap_or(0);
                    let mut sum = 0.0;
                    for (r, (p, c)) in d.iter().zip(&mut c.0).enumerate() {
                        if class(r) && mass > 0.0 {
                            sum += p / mass;
                        }
                        // Below the class nothing is drawn (0), from its last rung on all is.
                        *c = if r >= last { 1.0 } else { sum };
                    }
                }
            }
        }
        let mut log_stay = vec![0.0; months * LIVE_PHASES * scanned];
        for w in 0..months {
            let mut sums = [0.0; LIVE_PHASES];
            for m in w + 1..months {
                let wm = WarMonth::new(params, trajectory.at(m, Memory::AT_WAR), (m - w) as u32);
                for (p, sum) in sums.iter_mut().enumerate() {
                    let leave: f64 = wm.moves[p].iter().map(|(_, x)| x).sum();
                    *sum += ln_not(leave);
                    log_stay[(w * LIVE_PHASES + p) * scanned + m + 1] = *sum;
                }
            }
        }
        for (ev, row) in month.iter_mut().zip(&thinned) {
            ev.thinned = row.0;
        }
        let mut cost_bn = 0.0;
        let mut costs = Costs::default();
        for m in 0..months {
            let calm = trajectory.at(m, Memory::CALM);
            cost_bn += calm.europe_spending_bn + calm.us_spending_bn + calm.mechanism_cost_bn;
            costs.add(&Costs {
                europe_defence_bn: calm.europe_spending_bn,
                us_defence_bn: calm.us_spending_bn,
                mechanisms_bn: calm.mechanism_cost_bn,
            });
        }
        EventSampler {
            months,
            log_quiet,
            month,
            thinned_2,
            rungs,
            log_stay,
            months_per_hazard: if shed > 0.0 { -1.0 / ln_not(shed) } else { 0.0 },
            type_share: params.ceasefire_fragile_share.clamp(0.0, 1.0),
            cost_bn,
            costs,
        }
    }

    /// Sample run `run` of an ensemble seeded with `seed`.
    pub fn run(
        &self,
        params: &ModelParams,
        policy: &Policy,
        trajectory: &Trajectory,
        seed: u64,
        run: u64,
    ) -> RunOutcome {
        let n = self.months;
        let mut trigger_rng = stream_rng(seed, run, Stream::Triggers);
        let mut outcome = RunOutcome {
            run,
            war_month: None,
            war_pathway: None,
            nuclear: false,
            war_course: WarCourse::default(),
            crises: [0; PATHWAY_COUNT],
            max_rung: None,
            ceasefire_break_month: None,
            months_at_risk: n as u32,
            cost_bn: self.cost_bn,
            costs: self.costs,
        };
        let start = RunStart::draw(params, policy, trajectory, &mut trigger_rng);
        let mut memory = start.memory;
        let mut succeeded = false;
        let mut holds = start.holds;
        let mut fragile = start.fragile;
        let mut second_war_ends = start.second_war_ends as usize;
        // The rates of the quiet months' thinned crises, summed over the run.
        let mut thinned = [[0.0; 8]; 2];
        let mut at_war = false;
        let mut m = 0;
        // The month whose end sheds a level of tension (none at the lowest).
        let mut shed_month = self.next_shed(memory.tension, 0, &mut trigger_rng);
        let scanned = scanned_len(n);
        while m < n {
            let restored = !holds && m >= second_war_ends;
            if restored {
                // A new ceasefire on the architecture's terms, of a type of its own; it cannot
                // break in the month it is made, which is played as usual.
                holds = true;
                fragile = trigger_rng.random::<f64>() < self.type_share;
            }
            let end = if holds { n } else { second_war_ends.min(n) };
            let eventful = if restored {
                Some((m, false))
            } else {
                // The hazard to the stretch's next eventful month, spent piece by piece: a
                // piece ends with a shed, after which the run is in another state.
                let mut h: f64 = trigger_rng.sample(Exp1);
                loop {
                    let status = if holds { fragile as usize } else { 2 };
                    let s = state_index(status, memory, succeeded);
                    let rows = &self.month[s * (n + 1)..(s + 1) * (n + 1)];
                    for ev in rows.iter().skip(m).take(PREFETCH_MONTHS) {
                        prefetch(ev);
                    }
                    let l = &self.log_quiet[s * scanned..(s + 1) * scanned];
                    let stop = shed_month.saturating_add(1).min(end);
                    let target = l[m] - h;
                    let found = l[stop] < target;
                    // At the highest tension a shed month's other crises can raise it back: the
                    // month is played as an eventful one.
                    let shed_stop = !found && stop > shed_month && memory.tension >= TOP;
                    // The quiet months m..t (or to the piece's end) add their thinned crises'
                    // rates.
                    let to = if found {
                        first_below(l, m, stop, target).unwrap_or(stop - 1)
                    } else if shed_stop {
                        shed_month
                    } else {
                        stop
                    };
                    add_between(&mut thinned[0], &rows[m].thinned, &rows[to].thinned);
                    if memory.tension >= TOP {
                        let th2 = &self.thinned_2[s * (n + 1)..];
                        add_between(&mut thinned[1], &th2[m].0, &th2[to].0);
                    }
                    if found || shed_stop {
                        break Some((to, shed_stop));
                    }
                    if stop > shed_month {
                        // A quiet month shed a level.
                        memory.tension = next_tension(memory.tension, true, 0);
                        shed_month = self.next_shed(memory.tension, stop, &mut trigger_rng);
                    }
                    if stop == end {
                        break None;
                    }
                    h -= l[m] - l[stop];
                    m = stop;
                }
            };
            let Some((t, shed_only)) = eventful else {
                m = end;
                continue;
            };
            // Month t has at least one event other than a shed (unless it is a restoration
            // month, or only sheds at the highest tension): which comes first, in the month's
            // order, is drawn with one uniform; the rest as usual.
            let status = if holds { fragile as usize } else { 2 };
            let mut ev = &self.month[state_index(status, memory, succeeded) * (n + 1) + t];
            let first = if restored {
                First::Unconditioned
            } else if shed_only {
                First::Shed
            } else {
                let v = trigger_rng.random::<f64>() * ev.any;
                if v < ev.first[0] {
                    First::Break
                } else if v < ev.first[1] || ev.p_succ <= 0.0 {
                    First::Crisis
                } else {
                    First::Succession
                }
            };
            if first == First::Break {
                holds = false;
                memory.fought = true;
                outcome.ceasefire_break_month.get_or_insert(t as u32);
                second_war_ends = t + second_war_length(&mut trigger_rng, params) as usize;
                ev = &self.month[state_index(2, memory, succeeded) * (n + 1) + t];
            }
            // The month's crises of both classes, in a random order.
            let mut changing = match first {
                First::Crisis => {
                    truncated_poisson(&mut trigger_rng, ev.changing(), ev.p_crisis, ev.p_one)
                }
                First::Break | First::Unconditioned => poisson(&mut trigger_rng, ev.changing()),
                First::Succession | First::Shed => 0,
            };
            let mut count = changing + poisson_from(&mut trigger_rng, ev.rest(), ev.e_rest);
            let mut rise = 0;
            if count > 0 {
                let top = memory.tension >= TOP;
                while count > 0 {
                    let is_changing = if changing == count || changing == 0 {
                        changing > 0
                    } else {
                        trigger_rng.random::<f64>() * (count as f64) < changing as f64
                    };
                    count -= 1;
                    changing -= is_changing as u32;
                    let pathway = if is_changing {
                        pick(&mut trigger_rng, &ev.changing_rates)
                    } else {
                        pick(&mut trigger_rng, &ev.rest_rates)
                    };
                    outcome.crises[pathway.index()] += 1;
                    let max_rung = match (is_changing, top) {
                        (true, true) => WAR_RUNG,
                        (false, false) => 0,
                        _ => self.rung(t, memory, pathway, trigger_rng.random()),
                    };
                    outcome.max_rung = Some(outcome.max_rung.map_or(max_rung, |r| r.max(max_rung)));
                    if max_rung >= WAR_RUNG {
                        outcome.war_month = Some(t as u32);
                        outcome.war_pathway = Some(pathway);
                        let mut war_rng = stream_rng(seed, run, Stream::War);
                        let u: f64 = war_rng.random();
                        let phase =
                            if u < fait_accompli_probability(pathway, trajectory.at(t, memory)) {
                                WarPhase::LimitedAfterGrab
                            } else {
                                WarPhase::Limited
                            };
                        outcome.months_at_risk = t as u32 + 1;
                        at_war = true;
                        self.war_course(params, trajectory, t, phase, &mut war_rng, &mut outcome);
                        break;
                    }
                    rise += max_rung as u32;
                }
            }
            if at_war {
                break;
            }
            // The month's end: a Belarus succession (drawn unless it came first), and the
            // tension shed if the shed's clock says so.
            let p_succ = ev.p_succ;
            succeeded |= match first {
                First::Succession => true,
                First::Shed => false,
                _ => p_succ > 0.0 && trigger_rng.random::<f64>() < p_succ,
            };
            let shed = t == shed_month;
            let before = memory.tension;
            memory.tension = next_tension(memory.tension, shed, rise);
            if shed || before == 0 {
                shed_month = self.next_shed(memory.tension, t + 1, &mut trigger_rng);
            }
            m = t + 1;
        }
        self.thinned_crises(&thinned, &mut trigger_rng, &mut outcome);
        outcome.nuclear = outcome.war_course.nuclear;
        if outcome.nuclear {
            outcome.max_rung = Some(NUCLEAR_RUNG);
        }
        outcome
    }

    /// The month from `from` on whose end sheds a level of a run's `tension` (the months to
    /// it are geometric), or none at the lowest tension.
    fn next_shed(&self, tension: u8, from: usize, rng: &mut EngineRng) -> usize {
        if tension == 0 {
            return usize::MAX;
        }
        geometric_month(from, self.months_per_hazard, rng)
    }

    /// The highest rung of a drawn crisis (see [`EventSampler::rungs`]) for a uniform `u`.
    fn rung(&self, m: usize, memory: Memory, pathway: Pathway, u: f64) -> u8 {
        self.rungs[m / 12][memory.index()][pathway.index()].first_above(u) as u8
    }

    /// The quiet months' thinned crises, from the sums of their rates by pathway over the run:
    /// independent Poisson counts, those at rung 0 or 1 and those at rung 2 apart. They change
    /// the run's highest rung only where they exceed it: a crisis at rung 0 only in a run
    /// without another, and a thinned crisis at rung 1 only comes at the highest tension, which
    /// a crisis of rung 1 or more has raised.
    fn thinned_crises(&self, sums: &[[f64; 8]; 2], rng: &mut EngineRng, outcome: &mut RunOutcome) {
        for (sums, rung) in sums.iter().zip([0, 2]) {
            let cumulative = Cumulative::of(sums[..PATHWAY_COUNT].iter().map(|x| x.max(0.0)));
            let count = poisson(rng, cumulative.0[PATHWAY_COUNT - 1]);
            for _ in 0..count {
                outcome.crises[pick(rng, &cumulative).index()] += 1;
            }
            if count > 0 {
                outcome.max_rung = Some(outcome.max_rung.map_or(rung, |r| r.max(rung)));
            }
        }
    }

    /// The course of a war that began in month `w` in `phase`, to the horizon.
    fn war_course(
        &self,
        params: &ModelParams,
        trajectory: &Trajectory,
        w: usize,
        mut phase: WarPhase,
        rng: &mut EngineRng,
        outcome: &mut RunOutcome,
    ) {
        let n = self.months;
        let mut m = w + 1;
        while m < n && (phase as usize) < LIVE_PHASES {
            let at = (w * LIVE_PHASES + phase as usize) * scanned_len(n);
            let l = &self.log_stay[at..at + scanned_len(n)];
            let hazard: f64 = rng.sample(Exp1);
            let Some(t) = first_below(l, m, n, l[m] - hazard) else {
                return;
            };
            // Which phase the war leaves to, in proportion to the competing hazards.
            let moves = Moves::hazards(
                params,
                trajectory.at(t, Memory::AT_WAR),
                (t - w) as u32,
                phase,
            );
            let mut u = rng.random::<f64>() * moves.total();
            let mut next = moves.last().map_or(phase, |(to, _)| *to);
            for (to, p) in &moves {
                if u < *p {
                    next = *to;
                    break;
                }
                u -= p;
            }
            phase = next;
            outcome.war_course.enter(phase);
            m = t + 1;
        }
    }
}

/// The pathway of a crisis, in proportion to the rates (`cumulative`, the last their total),
/// without branching on the outcome.
fn pick(rng: &mut EngineRng, cumulative: &Cumulative) -> Pathway {
    pick_at(
        cumulative,
        rng.random::<f64>() * cumulative.0[PATHWAY_COUNT - 1],
    )
}

/// The pathway whose share of the cumulative rates holds `x` (from 0 to their total).
fn pick_at(cumulative: &Cumulative, x: f64) -> Pathway {
    let c = &cumulative.0;
    let k = cumulative.first_above(x);
    if k < PATHWAY_COUNT {
        Pathway::ALL[k]
    } else {
        // Rounding left x at the total: the last live pathway.
        let last = (0..PATHWAY_COUNT)
            .rposition(|i| c[i] > if i == 0 { 0.0 } else { c[i - 1] })
            .unwrap_or(0);
        Pathway::ALL[last]
    }
}

/// The first month from `from` on in which an event of a fixed monthly probability p comes,
/// given `months_per_hazard` = -1 / ln(1 - p) (0 for p = 0: never, `usize::MAX`): the months
/// before it are geometric, an exponential of mean 1 scaled by it and rounded down.
fn geometric_month(from: usize, months_per_hazard: f64, rng: &mut EngineRng) -> usize {
    if months_per_hazard <= 0.0 {
        return usize::MAX;
    }
    let kept = rng.sample::<f64, _>(Exp1) * months_per_hazard;
    from.saturating_add(kept as usize)
}

/// A Poisson count with mean `mean` conditioned on being at least one (`p` = 1 - e^-mean).
/// `p_one` = e^-mean x mean.
fn truncated_poisson(rng: &mut EngineRng, mean: f64, p: f64, p_one: f64) -> u32 {
    let target = rng.random::<f64>() * p;
    let mut k = 1;
    let mut term = p_one;
    let mut cdf = term;
    while target > cdf && k < 1000 {
        k += 1;
        term *= mean / k as f64;
        cdf += term;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan eight at a time finds the same month as a plain scan, at every start, end and
    /// target (ties and targets above or below every value included).
    #[test]
    fn first_below_is_the_plain_scan() {
        let len = 40;
        let mut l: Vec<f64> = (0..len).map(|i| 1.0 - (i / 2) as f64 / 20.0).collect();
        // The padding holds anything: values below every target here.
        l.extend([-1.0; SCAN_PAD]);
        for lo in 0..len - 1 {
            for hi in lo..len {
                for k in 0..45 {
                    let target = 1.05 - k as f64 / 40.0;
                    let plain = (lo..hi).find(|t| l[t + 1] < target);
                    assert_eq!(first_below(&l, lo, hi, target), plain, "{lo} {hi} {target}");
                }
            }
        }
    }

    /// The months to a shed drawn by [`geometric_month`] are geometric: each of the first
    /// months holds its probability (within 4.5 standard errors of 200,000 draws), for a
    /// probability of 0.3 and of 1; a probability of 0 never sheds.
    #[test]
    fn shed_months_are_geometric() {
        let mut rng = stream_rng(3, 0, Stream::Triggers);
        let draws = 200_000;
        for p in [0.3, 1.0] {
            let scale = -1.0 / ln_not(p);
            let mut counts = [0u32; 6];
            for _ in 0..draws {
                let month = geometric_month(10, scale, &mut rng);
                assert!(month >= 10);
                if month - 10 < counts.len() {
                    counts[month - 10] += 1;
                }
            }
            for (g, count) in counts.iter().enumerate() {
                let expected = (1.0 - p).powi(g as i32) * p;
                let se = (expected * (1.0 - expected) / draws as f64)
                    .sqrt()
                    .max(1e-9);
                let z = (*count as f64 / draws as f64 - expected) / se;
                assert!(z.abs() < 4.5, "p {p}, month {g}: {count} of {draws}, z {z}");
            }
        }
        assert_eq!(geometric_month(10, 0.0, &mut rng), usize::MAX);
        assert_eq!(geometric_month(usize::MAX - 1, 1e9, &mut rng), usize::MAX);
    }

    /// The packed search of a cumulative row finds what counting the entries at or below x
    /// does (ties, zero rates, x beyond the total and the padding included), and a pathway
    /// picked at x is the one whose share holds it.
    #[test]
    fn first_above_counts_the_entries_at_or_below() {
        let rows = [
            [0.0, 0.0, 0.5, 0.5, 1.5, 1.5, 3.0],
            [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
            [0.0; PATHWAY_COUNT],
            [1e-300, 1e-300, 2e-300, 1.0, 1.0, 1.0, 1.0],
        ];
        for values in rows {
            let mut row = Cumulative::default();
            row.0[..PATHWAY_COUNT].copy_from_slice(&values);
            let total = values[PATHWAY_COUNT - 1];
            for i in 0..=80 {
                let x = total * i as f64 / 64.0 - 1e-3;
                let counted = values.iter().filter(|c| **c <= x).count();
                assert_eq!(row.first_above(x), counted, "{values:?} at {x}");
                if (0.0..total).contains(&x) {
                    let k = pick_at(&row, x).index();
                    let below = if k == 0 { 0.0 } else { values[k - 1] };
                    assert!(below <= x && x < values[k], "{values:?} at {x}: {k}");
                }
            }
        }
    }
}
