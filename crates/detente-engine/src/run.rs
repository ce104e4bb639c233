//! One run: a single history of the architecture over the horizon. Month by month the
//! ceasefire may break (a fragile one likelier than a durable one; a second Russia-Ukraine war
//! runs its course and ends in a new ceasefire on the architecture's terms), triggers arrive by
//! pathway at the rates of the run's slow state — which depends on what the run remembers
//! ([`Memory`]: tension, a second war fought) and on whether Belarus has had a succession — and
//! each trigger opens a crisis played out on the ladder. At the month's end the month's crises
//! add their highest rungs to the tension, which sheds a level at random, and a Belarus
//! succession may come. The first NATO-Russia war (a crisis reaching rung 3) ends the crisis
//! process; the war then runs its course month by month ([`crate::war`]) to the horizon.

use crate::crisis::{
    Alliance, CrisisInputs, Ladder, MemberTerms, SideTerms, Trigger, NUCLEAR_RUNG, RUNGS, WAR_RUNG,
};
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::{MemberRole, Policy};
use crate::rng::{stream_rng, EngineRng, Stream};
use crate::slow::{Memory, MonthState, Trajectory, MEMORIES, TENSION_LEVELS};
use crate::war::{fait_accompli_probability, WarCourse, WarMonth, WarPhase};
use rand::Rng;
use std::sync::Arc;

/// What happened in one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    /// Index of the run in its ensemble.
    pub run: u64,
    /// Month (0-based) of the first NATO-Russia war, if any.
    pub war_month: Option<u32>,
    /// Pathway through which the first war came.
    pub war_pathway: Option<Pathway>,
    /// Whether that war went nuclear within the horizon (limited or general nuclear use).
    pub nuclear: bool,
    /// What the war reached within the horizon (all false without a war).
    pub war_course: WarCourse,
    /// Crises started, by pathway.
    pub crises: [u32; PATHWAY_COUNT],
    /// Highest rung reached by any crisis, or 4 if the war went nuclear (None if there was
    /// no crisis).
    pub max_rung: Option<u8>,
    /// Month the Russia-Ukraine ceasefire first broke down, if it did.
    pub ceasefire_break_month: Option<u32>,
    /// Months simulated before the first war or the horizon.
    pub months_at_risk: u32,
    /// Defence and mechanism spending over the horizon (US$ bn).
    pub cost_bn: f64,
    /// The same, by who pays: European defence, US defence, the architecture's mechanisms.
    pub costs: Costs,
}

/// Spending over the horizon by who pays (US$ bn).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Costs {
    /// European allies' (and Canada's) defence spending.
    pub europe_defence_bn: f64,
    /// US defence spending.
    pub us_defence_bn: f64,
    /// The architecture's mechanisms: porcupine package, added forward brigades, risk reduction.
    pub mechanisms_bn: f64,
}

impl Costs {
    /// Add another amount part by part.
    pub fn add(&mut self, other: &Costs) {
        self.europe_defence_bn += other.europe_defence_bn;
        self.us_defence_bn += other.us_defence_bn;
        self.mechanisms_bn += other.mechanisms_bn;
    }
}

/// How a crisis on `pathway` would be coded in ICB, from the parameter table's pathway
/// profile (`<pathway>_trigger`, `_gravity`, `_actors`): its trigger class, gravity (0-1) and
/// number of crisis actors. A trigger code outside 1-9 is read as the nearest valid code.
pub fn pathway_profile(params: &ModelParams, pathway: Pathway) -> (Trigger, f64, f64) {
    let (t, g, a) = match pathway {
        Pathway::GrayZone => (
            params.gray_zone_trigger,
            params.gray_zone_gravity,
            params.gray_zone_actors,
        ),
        Pathway::SnapExercise => (
            params.snap_exercise_trigger,
            params.snap_exercise_gravity,
            params.snap_exercise_actors,
        ),
        Pathway::UkraineSpillover => (
            params.ukraine_spillover_trigger,
            params.ukraine_spillover_gravity,
            params.ukraine_spillover_actors,
        ),
        Pathway::Belarus => (
            params.belarus_trigger,
            params.belarus_gravity,
            params.belarus_actors,
        ),
        Pathway::MoldovaGeorgia => (
            params.moldova_georgia_trigger,
            params.moldova_georgia_gravity,
            params.moldova_georgia_actors,
        ),
        Pathway::DeliberateAttack => (
            params.deliberate_attack_trigger,
            params.deliberate_attack_gravity,
            params.deliberate_attack_actors,
        ),
        Pathway::Hybrid => (
            params.hybrid_trigger,
            params.hybrid_gravity,
            params.hybrid_actors,
        ),
    };
    let code = if t.is_finite() {
        t.clamp(1.0, 9.0)
    } else {
        1.0
    };
    let trigger = Trigger::from_icb_code(code).unwrap_or(Trigger::NonMilitary);
    (trigger, (g / 6.0).clamp(0.0, 1.0), a.max(1.0))
}

/// Log-odds, with the probability clipped to [clip, 1 - clip] (`quick_success_logit_clip`) so
/// a posture the campaign model finds (almost) never or always overrun shifts a crisis by a
/// bounded amount.
fn clipped_logit(p: f64, clip: f64) -> f64 {
    let clip = clip.clamp(1e-9, 0.5);
    let p = p.clamp(clip, 1.0 - clip);
    (p / (1.0 - p)).ln()
}

/// The crisis inputs and side terms of a crisis on `pathway` in month state `st`.
pub fn crisis_setting(
    params: &ModelParams,
    policy: &Policy,
    st: &MonthState,
    pathway: Pathway,
) -> (CrisisInputs, SideTerms) {
    crisis_setting_among(params, policy, &alliance(params, policy), st, pathway)
}

/// [`crisis_setting`] with NATO's side, `nato` ([`alliance`]), made beforehand: it is the same
/// in every crisis of `policy` under `params`.
pub fn crisis_setting_among(
    params: &ModelParams,
    policy: &Policy,
    nato: &Arc<Alliance>,
    st: &MonthState,
    pathway: Pathway,
) -> (CrisisInputs, SideTerms) {
    let (trigger, gravity, actors) = pathway_profile(params, pathway);
    // A NATO-Russia crisis is, in ICB's terms, protracted, with both great powers directly
    // involved, in Europe and in the dominant system; nobody mediates.
    let inputs = CrisisInputs {
        trigger,
        gravity,
        protracted: 1.0,
        power_involvement: 1.0,
        actors,
        power_discrepancy: params.nato_russia_power_discrepancy,
        europe: 1.0,
        system_level: 1.0,
        mediation: 0.0,
        global_org: 0.0,
        regional_org: 0.0,
    };
    let alliance = policy.nato_escalation_tolerance.clamp(0.0, 1.0);
    let mut russia_shift = params.russia_threat_weight * (st.russia_threat - 0.5)
        - params.deterrence_weight * (st.credibility - 0.5);
    if pathway == Pathway::DeliberateAttack {
        russia_shift += clipped_logit(st.quick_success, params.quick_success_logit_clip);
    }
    let mut sides = SideTerms {
        nato_shift: params.nato_tolerance_weight * (alliance - 0.5),
        nato: Arc::clone(nato),
        russia_shift,
        misperception_sd: st.misperception,
        hostile_bias: params.hostile_bias,
        first_strike_fear: params.first_strike_fear,
        deescalation_shift: 0.0,
        war_threshold_shift: params.nuclear_shadow,
    };
    st.mechanisms.apply_to_crisis(params, &mut sides);
    (inputs, sides)
}

/// The crisis layer's view of NATO's members: each member's escalation relative to the
/// alliance's (its aggregate tolerance, `nato_escalation_tolerance`), its reading of Russian
/// intent shifted by its vulnerability, its exposure to the preemption response falling with
/// distance. With no members the ladder has the alliance act as one.
pub fn alliance(params: &ModelParams, policy: &Policy) -> Arc<Alliance> {
    let alliance = policy.nato_escalation_tolerance.clamp(0.0, 1.0);
    let members: Vec<MemberTerms> = policy
        .nato_members
        .iter()
        .map(|m| MemberTerms {
            decisive: m.role == MemberRole::Decisive,
            weight: m.spending_bn.max(0.0),
            offset: params.nato_tolerance_weight
                * (m.escalation_tolerance.clamp(0.0, 1.0) - alliance),
            reading_shift: params.vulnerability_reading_weight
                * (m.vulnerability.clamp(0.0, 1.0) - 0.5),
            exposure: (-m.proximity_km.max(0.0) / params.preemption_reach_km.max(1e-6)).exp(),
        })
        .collect();
    Arc::new(Alliance::new(&members))
}

/// Exact probability of a NATO-Russia war starting in a month with slow state `st` (rates)
/// whose crises are played with `crisis_st`: triggers on each pathway are Poisson, each ends
/// in war with its crisis's exact war probability, so the month is war-free with probability
/// exp(-sum over pathways of rate x P(war | crisis)).
pub fn monthly_war_probability(
    params: &ModelParams,
    policy: &Policy,
    st: &MonthState,
    crisis_st: &MonthState,
    ceasefire_holds: bool,
) -> f64 {
    let rates = st.rates(!ceasefire_holds, false);
    let nato = alliance(params, policy);
    let mut hazard = 0.0;
    for pathway in Pathway::ALL {
        let rate = rates[pathway.index()];
        if rate > 0.0 {
            let (inputs, sides) = crisis_setting_among(params, policy, &nato, crisis_st, pathway);
            let d = Ladder::new(params, &inputs, &sides).max_rung_distribution();
            hazard += rate * d[WAR_RUNG as usize];
        }
    }
    1.0 - (-hazard).exp()
}

/// Number of events of a Poisson process with mean `mean`, by inversion.
pub(crate) fn poisson<R: Rng>(rng: &mut R, mean: f64) -> u32 {
    poisson_from(rng, mean, (-mean).exp())
}

/// [`poisson`] with `p0` = e^-mean given (nothing drawn when the mean is 0).
pub(crate) fn poisson_from<R: Rng>(rng: &mut R, mean: f64, p0: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let u: f64 = rng.random();
    let mut p = p0;
    let mut cdf = p;
    let mut k = 0;
    while u > cdf && k < 1000 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
    }
    k
}

pub(crate) fn pick_pathway<R: Rng>(
    rng: &mut R,
    rates: &[f64; PATHWAY_COUNT],
    total: f64,
) -> Pathway {
    let mut u = rng.random::<f64>() * total;
    for (i, r) in rates.iter().enumerate() {
        if u < *r {
            return Pathway::ALL[i];
        }
        u -= r;
    }
    // Rounding left u just above the last positive rate: take the last live pathway.
    let last = rates.iter().rposition(|r| *r > 0.0).unwrap_or(0);
    Pathway::ALL[last]
}

/// Probability that tension sheds a level in a month.
pub fn tension_decay_probability(params: &ModelParams) -> f64 {
    -(-1.0 / params.tension_decay_months.max(1e-6)).exp_m1()
}

/// Tension after a month: `tension` shed one level if `shed`, then raised by `rise` (the sum of
/// the highest rungs of the month's crises), capped at the highest level.
pub fn next_tension(tension: u8, shed: bool, rise: u32) -> u8 {
    let kept = if shed {
        tension.saturating_sub(1)
    } else {
        tension
    };
    (kept as u32 + rise).min(TENSION_LEVELS as u32 - 1) as u8
}

/// The exact distribution of a crisis's highest rung for each year, memory and pathway (the
/// ladder's [`Ladder::max_rung_distribution`] of [`crisis_setting`]), as cumulative
/// probabilities. With fixed parameters an ensemble draws each crisis's outcome from it (the
/// event-driven sampler of [`crate::events`]: by class, at most one uniform a crisis) instead of
/// playing the ladder out round by round: the same model, sampled faster (`crisis.rs` tests the
/// ladder's simulator against the distribution).
pub struct CrisisTable {
    cumulative: Vec<[[[f64; RUNGS]; PATHWAY_COUNT]; MEMORIES]>,
}

impl CrisisTable {
    /// The table of a trajectory.
    pub fn new(params: &ModelParams, policy: &Policy, trajectory: &Trajectory) -> CrisisTable {
        let dists = crate::exact::crisis_distributions(params, policy, trajectory, true, None);
        let cumulative = dists
            .into_iter()
            .map(|by_memory| {
                by_memory.map(|by_pathway| {
                    by_pathway.map(|d| {
                        let mut c = [0.0; RUNGS];
                        let mut sum = 0.0;
                        for (r, p) in d.iter().enumerate() {
                            sum += p;
                            c[r] = sum;
                        }
                        c
                    })
                })
            })
            .collect();
        CrisisTable { cumulative }
    }

    /// The distribution of the highest rung of a crisis on `pathway` in month `m` under
    /// `memory`.
    pub(crate) fn distribution(&self, m: usize, memory: Memory, pathway: Pathway) -> [f64; RUNGS] {
        let c = &self.cumulative[m / 12][memory.index()][pathway.index()];
        let mut d = *c;
        for r in 1..RUNGS {
            d[r] = c[r] - c[r - 1];
        }
        d
    }

    /// The highest rung of a crisis on `pathway` in month `m` under `memory`, for a uniform `u`.
    pub(crate) fn rung(&self, m: usize, memory: Memory, pathway: Pathway, u: f64) -> u8 {
        let c = &self.cumulative[m / 12][memory.index()][pathway.index()];
        match c.iter().position(|x| u < *x) {
            Some(r) => r as u8,
            // Rounding left the cumulative sum just below u: the highest rung it can reach.
            None => c.windows(2).rposition(|w| w[1] > w[0]).map_or(0, |r| r + 1) as u8,
        }
    }
}

/// Simulate run `run` of an ensemble seeded with `seed`, over a precomputed slow path, playing
/// each crisis out on the ladder.
pub fn simulate_run(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    seed: u64,
    run: u64,
) -> RunOutcome {
    play(params, policy, trajectory, None, seed, run)
}

/// The same run with each crisis's highest rung drawn from `table` (one uniform a crisis).
pub fn simulate_run_tabled(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    table: &CrisisTable,
    seed: u64,
    run: u64,
) -> RunOutcome {
    play(params, policy, trajectory, Some(table), seed, run)
}

fn play(
    params: &ModelParams,
    policy: &Policy,
    trajectory: &Trajectory,
    table: Option<&CrisisTable>,
    seed: u64,
    run: u64,
) -> RunOutcome {
    let mut cf_rng: EngineRng = stream_rng(seed, run, Stream::Ceasefire);
    let mut trigger_rng: EngineRng = stream_rng(seed, run, Stream::Triggers);
    let mut crisis_rng: EngineRng = stream_rng(seed, run, Stream::Crises);
    let mut war_rng: EngineRng = stream_rng(seed, run, Stream::War);
    let mut memory_rng: EngineRng = stream_rng(seed, run, Stream::Memory);
    let mut war_phase = WarPhase::Limited;
    let mut outcome = RunOutcome {
        run,
        war_month: None,
        war_pathway: None,
        nuclear: false,
        war_course: WarCourse::default(),
        crises: [0; PATHWAY_COUNT],
        max_rung: None,
        ceasefire_break_month: None,
        months_at_risk: 0,
        cost_bn: 0.0,
        costs: Costs::default(),
    };
    let shed = tension_decay_probability(params);
    // NATO's side, made at the first crisis played out (not with a table).
    let mut nato: Option<Arc<Alliance>> = None;
    let start = RunStart::draw(params, policy, trajectory, &mut cf_rng);
    let mut memory = start.memory;
    let mut succeeded = false;
    let mut ceasefire_holds = start.holds;
    let mut fragile = start.fragile;
    let mut second_war_ends = start.second_war_ends;
    let type_share = params.ceasefire_fragile_share.clamp(0.0, 1.0);
    for m_index in 0..trajectory.len() {
        let m = m_index as u32;
        let calm = trajectory.at(m_index, Memory::CALM);
        outcome.cost_bn += calm.europe_spending_bn + calm.us_spending_bn + calm.mechanism_cost_bn;
        outcome.costs.add(&Costs {
            europe_defence_bn: calm.europe_spending_bn,
            us_defence_bn: calm.us_spending_bn,
            mechanisms_bn: calm.mechanism_cost_bn,
        });
        if outcome.war_month.is_some() {
            // The war's course: one draw a month until it ends or turns general.
            if !matches!(war_phase, WarPhase::GeneralNuclear | WarPhase::Ended) {
                let u: f64 = war_rng.random();
                let age = m - outcome.war_month.unwrap_or(m);
                let st = trajectory.at(m_index, Memory::AT_WAR);
                war_phase = WarMonth::new(params, st, age).step(war_phase, u);
                outcome.war_course.enter(war_phase);
            }
            continue;
        }
        outcome.months_at_risk += 1;
        // The ceasefire stream draws once a month whatever happens, so it stays aligned
        // across architectures.
        let u: f64 = cf_rng.random();
        if ceasefire_holds {
            if u < trajectory.at(m_index, memory).ceasefire_breakdown[fragile as usize] {
                ceasefire_holds = false;
                memory.fought = true;
                outcome.ceasefire_break_month.get_or_insert(m);
                second_war_ends = m + second_war_length(&mut cf_rng, params);
            }
        } else if m >= second_war_ends {
            // A new ceasefire on the architecture's terms, of a type of its own.
            ceasefire_holds = true;
            fragile = cf_rng.random::<f64>() < type_share;
        }
        let st = trajectory.at(m_index, memory);
        let crisis_st = trajectory.crisis_state(m_index, memory);
        let rates = st.rates(!ceasefire_holds, succeeded);
        let total: f64 = rates.iter().sum();
        let events = poisson(&mut trigger_rng, total);
        let mut rise = 0;
        for _ in 0..events {
            let pathway = pick_pathway(&mut trigger_rng, &rates, total);
            outcome.crises[pathway.index()] += 1;
            let max_rung = match table {
                Some(t) => t.rung(m_index, memory, pathway, crisis_rng.random()),
                None => {
                    let nato = nato.get_or_insert_with(|| alliance(params, policy));
                    let (inputs, sides) =
                        crisis_setting_among(params, policy, nato, crisis_st, pathway);
                    Ladder::new(params, &inputs, &sides)
                        .simulate(&mut crisis_rng)
                        .max_rung
                }
            };
            outcome.max_rung = Some(outcome.max_rung.map_or(max_rung, |r| r.max(max_rung)));
            if max_rung >= WAR_RUNG {
                outcome.war_month = Some(m);
                outcome.war_pathway = Some(pathway);
                let u: f64 = war_rng.random();
                war_phase = if u < fait_accompli_probability(pathway, st) {
                    WarPhase::LimitedAfterGrab
                } else {
                    WarPhase::Limited
                };
                break;
            }
            rise += max_rung as u32;
        }
        // The month's end: tension and a Belarus succession (two draws every month).
        let (u_shed, u_succession): (f64, f64) = (memory_rng.random(), memory_rng.random());
        memory.tension = next_tension(memory.tension, u_shed < shed, rise);
        succeeded |= u_succession < st.belarus_succession;
    }
    outcome.nuclear = outcome.war_course.nuclear;
    if outcome.nuclear {
        outcome.max_rung = Some(NUCLEAR_RUNG);
    }
    outcome
}

/// A run's state at the start, the same for the month-by-month simulator and the event-driven
/// sampler (`events.rs`): no tension, a second war fought if one is under way, the type of the
/// ceasefire holding at the start (drawn whatever happens, so the streams stay aligned) and,
/// if a second war is under way, the month it ends (0 otherwise), both from the ceasefire's
/// stream.
pub(crate) struct RunStart {
    pub memory: Memory,
    pub holds: bool,
    pub fragile: bool,
    pub second_war_ends: u32,
}

impl RunStart {
    pub(crate) fn draw<R: Rng>(
        params: &ModelParams,
        policy: &Policy,
        trajectory: &Trajectory,
        cf_rng: &mut R,
    ) -> RunStart {
        let holds = policy.ceasefire_holds_at_start;
        let fragile = cf_rng.random::<f64>() < trajectory.fragile_share_at_start;
        let second_war_ends = if holds {
            0
        } else {
            second_war_length(cf_rng, params)
        };
        RunStart {
            memory: Memory {
                tension: 0,
                fought: !holds,
            },
            holds,
            fragile,
            second_war_ends,
        }
    }
}

/// Length in months (at least 1) of a second Russia-Ukraine war.
pub(crate) fn second_war_length<R: Rng>(rng: &mut R, params: &ModelParams) -> u32 {
    let u: f64 = rng.random();
    let months = -params.second_war_months.max(0.1) * (1.0 - u).ln();
    (months.ceil() as u32).max(1)
}

/// Probability that a second Russia-Ukraine war lasting at least `k` months lasts at least
/// `k + 1`: the length a second war is drawn with, the ceiling of an exponential, is geometric.
pub fn second_war_continues(params: &ModelParams) -> f64 {
    (-1.0 / params.second_war_months.max(0.1)).exp()
}
