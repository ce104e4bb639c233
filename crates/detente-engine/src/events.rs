//! Event-driven sampling of runs with fixed parameters: the same model as the month-by-month
//! simulator ([`crate::run`]), with the same discrete months, sampled by jumping from one
//! eventful month to the next. While a run's state (ceasefire durable, fragile or at a second
//! war; its [`Memory`]; a Belarus succession or not) stays the same, a month is quiet — no
//! ceasefire breakdown, no crisis, no tension shed, no succession — with a probability known in
//! closed form, so [`EventSampler`] keeps, for each of the 48 states, the prefix products of
//! that probability over the months (and the prefix sums of its log, for where the products
//! would underflow), and a run draws its next eventful month with one uniform and a scan
//! (stopping at the end of a second war, when the ceasefire is restored; the restoration month
//! is played as usual). In the eventful month one more uniform picks which component comes
//! first in the month's order (breakdown, crises, tension shed, succession: the first is i with
//! probability prod_{j<i}(1 - p_j) p_i / P(at least one)); the components after it are drawn as
//! usual, and a crisis count that comes first is a zero-truncated Poisson. A war's course jumps
//! the same way from one change of phase to the next, with the products of the probability of
//! staying in each phase by the war's start month. The spending (the calm path's, the same for
//! every run) is summed once. The runs keep their own streams (the gaps and the first event
//! come from the triggers' stream), so results stay independent of threads and two
//! architectures share their random numbers run by run; they differ in draws, not in
//! distribution, from the month-by-month simulator, and tests check both against the exact
//! chain.

use crate::crisis::{NUCLEAR_RUNG, WAR_RUNG};
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::Policy;
use crate::rng::{stream_rng, EngineRng, Stream};
use crate::run::{
    next_tension, poisson, second_war_length, tension_decay_probability, Costs, CrisisTable,
    RunOutcome,
};
use crate::slow::{Memory, Trajectory, MEMORIES};
use crate::war::{fait_accompli_probability, WarCourse, WarMonth, WarPhase};
use rand::Rng;

/// Ceasefire states of a stretch: a durable or a fragile ceasefire holds, or a second war.
const STATUSES: usize = 3;
/// Run states between events: ceasefire status x memory x Belarus succession.
const STATES: usize = STATUSES * MEMORIES * 2;
/// Phases a war can leave (limited, limited after a grab, theatre, limited nuclear).
const LIVE_PHASES: usize = 4;
/// Floor on a month's log probability of quiet (a certain event gives -inf otherwise).
const LOG_FLOOR: f64 = -1e6;

/// What an ensemble with fixed parameters precomputes to sample its runs event by event.
pub struct EventSampler {
    months: usize,
    /// `log_quiet[state * (months + 1) + m]`: sum over months before m of the log probability
    /// of a quiet month in `state`.
    log_quiet: Vec<f64>,
    /// The same as products: the probability of quiet from the start to month m.
    quiet: Vec<f64>,
    /// `month[state * months + m]`: the probabilities an eventful month is drawn with.
    month: Vec<MonthEvents>,
    /// `log_stay[(w * LIVE_PHASES + phase) * (months + 1) + m]`: for a war that began in month
    /// w, sum over months w+1..m-1 of the log probability of staying in `phase` (0 up to w+1).
    log_stay: Vec<f64>,
    /// The same as products.
    stay: Vec<f64>,
    shed: f64,
    type_share: f64,
    cost_bn: f64,
    costs: Costs,
}

/// One month in one state: what its eventful month is drawn with (two adjacent cache lines,
/// which the processor fetches together).
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(128))]
struct MonthEvents {
    /// Total trigger rate (the Poisson mean of the month's crises).
    total: f64,
    /// Probability of at least one crisis, and of exactly one.
    p_crisis: f64,
    p_one: f64,
    p_succ: f64,
    /// Probability of at least one event.
    any: f64,
    /// Probability that the month's first event (in the month's order) is a ceasefire
    /// breakdown, a crisis or less, a tension shed or less.
    first: [f64; 3],
    /// The trigger rates by pathway, cumulated (read only for a crisis; the last is the total).
    rates: [f64; PATHWAY_COUNT],
}

/// Which component of an eventful month comes first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum First {
    Break,
    Crisis,
    Shed,
    Succession,
    /// Not conditioned (a restoration month): every component drawn as usual.
    Unconditioned,
}

fn state_index(status: usize, memory: Memory, succeeded: bool) -> usize {
    (status * MEMORIES + memory.index()) * 2 + succeeded as usize
}

fn ln_not(p: f64) -> f64 {
    (-p).ln_1p().max(LOG_FLOOR)
}

/// The first index t in `lo..hi` with `l[t + 1] < target`, if any (`l` decreasing). The next
/// event is usually a few months away: the scan compares eight months at a time and takes the
/// first below the target from the bits of the comparisons, so its only branch (whether the
/// eight hold it) is predictable.
#[inline]
fn first_below(l: &[f64], lo: usize, hi: usize, target: f64) -> Option<usize> {
    let s = &l[lo + 1..=hi];
    let mut chunks = s.chunks_exact(8);
    let mut base = lo;
    for chunk in chunks.by_ref() {
        let below = below_mask(chunk.try_into().unwrap(), target);
        if below != 0 {
            return Some(base + below.trailing_zeros() as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|x| *x < target)
        .map(|i| base + i)
}

/// Bit j set where `x[j] < target`.
#[inline(always)]
fn below_mask(x: &[f64; 8], target: f64) -> u32 {
    let mut below = 0u32;
    for (j, v) in x.iter().enumerate() {
        below |= ((*v < target) as u32) << j;
    }
    below
}

/// Below this the prefix products of the probabilities of quiet are not used (their ratios
/// could underflow): the prefix sums of logs are.
const TINY: f64 = 1e-200;

/// The next eventful month from `m` (before `end`) for a uniform `u` in (0, 1], by the prefix
/// products `q` of the probabilities of quiet where they are large enough, or the prefix sums
/// of their logs `l`.
fn next_event(q: &[f64], l: &[f64], m: usize, end: usize, u: f64) -> Option<usize> {
    if q[m] > TINY {
        first_below(q, m, end, q[m] * u)
    } else {
        first_below(l, m, end, l[m] + u.ln())
    }
}

/// A uniform in (0, 1] (its log is finite).
fn open_uniform(rng: &mut EngineRng) -> f64 {
    1.0 - rng.random::<f64>()
}

impl EventSampler {
    /// The sampler of a trajectory (every month and memory computed).
    pub fn new(params: &ModelParams, trajectory: &Trajectory) -> EventSampler {
        let months = trajectory.len();
        let shed = tension_decay_probability(params);
        let mut log_quiet = vec![0.0; STATES * (months + 1)];
        let mut month = vec![MonthEvents::default(); STATES * months];
        for status in 0..STATUSES {
            for mi in 0..MEMORIES {
                for succeeded in [false, true] {
                    let memory = Memory::from_index(mi);
                    let s = state_index(status, memory, succeeded);
                    let l = &mut log_quiet[s * (months + 1)..(s + 1) * (months + 1)];
                    for m in 0..months {
                        let st = trajectory.at(m, memory);
                        let p_break = if status < 2 {
                            st.ceasefire_breakdown[status]
                        } else {
                            0.0
                        };
                        let rates = st.rates(status == 2, succeeded);
                        let total: f64 = rates.iter().sum();
                        let p_shed = if memory.tension > 0 { shed } else { 0.0 };
                        let p_succ = if succeeded {
                            0.0
                        } else {
                            st.belarus_succession
                        };
                        let q = ln_not(p_succ) + ln_not(p_shed) - total + ln_not(p_break);
                        let p_crisis = -(-total).exp_m1();
                        let f1 = p_break;
                        let f2 = f1 + (1.0 - p_break) * p_crisis;
                        let f3 = f2 + (1.0 - p_break) * (1.0 - p_crisis) * p_shed;
                        let mut cum = rates;
                        let mut sum = 0.0;
                        for r in cum.iter_mut() {
                            sum += *r;
                            *r = sum;
                        }
                        month[s * months + m] = MonthEvents {
                            total,
                            p_crisis,
                            p_one: (-total).exp() * total,
                            p_succ,
                            any: -q.exp_m1(),
                            first: [f1, f2, f3],
                            rates: cum,
                        };
                        l[m + 1] = l[m] + q.max(LOG_FLOOR);
                    }
                }
            }
        }
        let mut log_stay = vec![0.0; months * LIVE_PHASES * (months + 1)];
        for w in 0..months {
            let mut sums = [0.0; LIVE_PHASES];
            for m in w + 1..months {
                let wm = WarMonth::new(params, trajectory.at(m, Memory::AT_WAR), (m - w) as u32);
                for (p, sum) in sums.iter_mut().enumerate() {
                    let leave: f64 = wm.moves[p].iter().map(|(_, x)| x).sum();
                    *sum += ln_not(leave);
                    log_stay[(w * LIVE_PHASES + p) * (months + 1) + m + 1] = *sum;
                }
            }
        }
        let quiet = log_quiet.iter().map(|x| x.exp()).collect();
        let stay = log_stay.iter().map(|x| x.exp()).collect();
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
            quiet,
            month,
            log_stay,
            stay,
            shed,
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
        table: &CrisisTable,
        seed: u64,
        run: u64,
    ) -> RunOutcome {
        let n = self.months;
        let mut cf_rng = stream_rng(seed, run, Stream::Ceasefire);
        let mut trigger_rng = stream_rng(seed, run, Stream::Triggers);
        let mut crisis_rng: Option<EngineRng> = None;
        let mut memory_rng: Option<EngineRng> = None;
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
        let mut memory = Memory {
            tension: 0,
            fought: !policy.ceasefire_holds_at_start,
        };
        let mut succeeded = false;
        let mut holds = policy.ceasefire_holds_at_start;
        let mut fragile = cf_rng.random::<f64>() < trajectory.fragile_share_at_start;
        let mut second_war_ends = if holds {
            0
        } else {
            second_war_length(&mut cf_rng, params) as usize
        };
        let mut at_war = false;
        let mut m = 0;
        while m < n {
            let restored = !holds && m >= second_war_ends;
            if restored {
                // A new ceasefire on the architecture's terms, of a type of its own; it cannot
                // break in the month it is made, which is played as usual.
                holds = true;
                fragile = cf_rng.random::<f64>() < self.type_share;
            }
            let t = if restored {
                m
            } else {
                let status = if holds { fragile as usize } else { 2 };
                let end = if holds { n } else { second_war_ends.min(n) };
                let s = state_index(status, memory, succeeded);
                let range = s * (n + 1)..(s + 1) * (n + 1);
                let u = open_uniform(&mut trigger_rng);
                match next_event(
                    &self.quiet[range.clone()],
                    &self.log_quiet[range],
                    m,
                    end,
                    u,
                ) {
                    Some(t) => t,
                    None => {
                        m = end;
                        continue;
                    }
                }
            };
            // Month t has at least one event (unless it is a restoration month): which comes
            // first, in the month's order, is drawn with one uniform; the rest as usual.
            let status = if holds { fragile as usize } else { 2 };
            let mut at = state_index(status, memory, succeeded) * n + t;
            let mut ev = &self.month[at];
            let p_shed = if memory.tension > 0 { self.shed } else { 0.0 };
            let first = if restored {
                First::Unconditioned
            } else {
                let v = trigger_rng.random::<f64>() * ev.any;
                if v < ev.first[0] {
                    First::Break
                } else if v < ev.first[1] {
                    First::Crisis
                } else if v < ev.first[2] || ev.p_succ <= 0.0 {
                    First::Shed
                } else {
                    First::Succession
                }
            };
            if first == First::Break {
                holds = false;
                memory.fought = true;
                outcome.ceasefire_break_month.get_or_insert(t as u32);
                second_war_ends = t + second_war_length(&mut cf_rng, params) as usize;
                at = state_index(2, memory, succeeded) * n + t;
                ev = &self.month[at];
            }
            let total = ev.total;
            let count = match first {
                First::Crisis => truncated_poisson(&mut trigger_rng, total, ev.p_crisis, ev.p_one),
                First::Break | First::Unconditioned => poisson(&mut trigger_rng, total),
                First::Shed | First::Succession => 0,
            };
            let mut rise = 0;
            if count > 0 {
                let crisis_rng =
                    crisis_rng.get_or_insert_with(|| stream_rng(seed, run, Stream::Crises));
                for _ in 0..count {
                    let pathway = pick(&mut trigger_rng, &ev.rates, total);
                    outcome.crises[pathway.index()] += 1;
                    let max_rung = table.rung_branchless(t, memory, pathway, crisis_rng.random());
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
            // The month's end: tension shed and a Belarus succession.
            let p_succ = ev.p_succ;
            let (shed, succession) = match first {
                First::Succession => (false, true),
                First::Shed => (true, draw(&mut memory_rng, seed, run, p_succ)),
                _ => (
                    draw(&mut memory_rng, seed, run, p_shed),
                    draw(&mut memory_rng, seed, run, p_succ),
                ),
            };
            succeeded |= succession;
            memory.tension = next_tension(memory.tension, shed, rise);
            m = t + 1;
        }
        outcome.nuclear = outcome.war_course.nuclear;
        if outcome.nuclear {
            outcome.max_rung = Some(NUCLEAR_RUNG);
        }
        outcome
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
            let at = (w * LIVE_PHASES + phase as usize) * (n + 1);
            let u = open_uniform(rng);
            let (q, l) = (&self.stay[at..at + n + 1], &self.log_stay[at..at + n + 1]);
            let Some(t) = next_event(q, l, m, n, u) else {
                return;
            };
            let wm = WarMonth::new(params, trajectory.at(t, Memory::AT_WAR), (t - w) as u32);
            let moves = &wm.moves[phase as usize];
            let leave: f64 = moves.iter().map(|(_, x)| x).sum();
            let mut u = rng.random::<f64>() * leave;
            let mut next = moves.last().map_or(phase, |(to, _)| *to);
            for (to, p) in moves {
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

/// The pathway of a crisis, in proportion to the rates (`cumulative`, with their `total`),
/// without branching on the outcome.
fn pick(rng: &mut EngineRng, cumulative: &[f64; PATHWAY_COUNT], total: f64) -> Pathway {
    let x = rng.random::<f64>() * total;
    let k = cumulative.iter().map(|c| (*c <= x) as usize).sum::<usize>();
    if k < PATHWAY_COUNT {
        Pathway::ALL[k]
    } else {
        // Rounding left x at the total: the last live pathway.
        let last = (0..PATHWAY_COUNT)
            .rposition(|i| cumulative[i] > if i == 0 { 0.0 } else { cumulative[i - 1] })
            .unwrap_or(0);
        Pathway::ALL[last]
    }
}

/// Whether an event of probability `p` happens, drawn from the run's memory stream (made when
/// first needed; nothing is drawn when `p` is 0).
fn draw(rng: &mut Option<EngineRng>, seed: u64, run: u64, p: f64) -> bool {
    p > 0.0
        && rng
            .get_or_insert_with(|| stream_rng(seed, run, Stream::Memory))
            .random::<f64>()
            < p
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
        let l: Vec<f64> = (0..40).map(|i| 1.0 - (i / 2) as f64 / 20.0).collect();
        for lo in 0..l.len() - 1 {
            for hi in lo..l.len() {
                for k in 0..45 {
                    let target = 1.05 - k as f64 / 40.0;
                    let plain = (lo..hi).find(|t| l[t + 1] < target);
                    assert_eq!(first_below(&l, lo, hi, target), plain, "{lo} {hi} {target}");
                }
            }
        }
    }
}
