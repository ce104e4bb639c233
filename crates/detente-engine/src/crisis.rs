//! The crisis layer: two sides, NATO and Russia, move up and down an escalation ladder in
//! rounds of move and counter-move. Where and how a crisis starts is set by how it was
//! triggered (ICB's trigger/breakpoint classes, [`Trigger`]): a crisis triggered by a violent
//! act starts at rung 1 or 2 (minor or serious clashes), one triggered by an indirect violent
//! act may start at rung 1, the others start at rung 0; each trigger class also shifts the
//! crisis's escalation propensity. Each side then climbs by a bounded-rational (logit) choice
//! whose propensity is set by the crisis's characteristics (the covariates ICB records:
//! gravity, protracted conflict, great-power involvement, number of actors, power
//! discrepancy, region, system level, mediation, international organisations) and by
//! side-specific terms (threat perception, deterrence, risk tolerance). NATO's side is a small
//! set of members ([`MemberTerms`]: the United States and European allies, frontline states
//! among them) with their own tolerance, vulnerability and exposure, and a stated rule for who
//! moves; Russia is one actor. Each side reads the other's intent with an error whose lean is
//! a parameter (a skew-normal error on the logit scale: at `hostile_bias` 1 it only inflates
//! the perceived threat, the worst-case reading of seed 003; at 0 it is symmetric; below 0 it
//! leans to complacency); communication mechanisms shrink the error, and fear of being struck
//! first raises one's own propensity and, past a threshold, prompts a preemptive jump to war.
//! A mechanism that shrinks the error can never raise the chance of war only under stated
//! conditions (hostile-only errors, no deception): that follows from the model's form, not
//! from data, and tests find cases outside those conditions where it does.
//!
//! The same model gives an exact distribution of the highest rung a crisis reaches
//! ([`max_rung_distribution`]): the reading errors are independent between rounds, so the
//! ladder is a Markov chain whose transition probabilities are the noise-averaged choice
//! probabilities, started from the trigger's start-rung distribution. The average over the
//! reading error uses a rule made for it ([`reading_error_rule`]: composite Gauss-Legendre on
//! [0, 8.5] for the half-normal, with panels narrower than the distance from the real axis to
//! the integrand's nearest singularity, [`Ladder::sharpness`]; for the skew-normal the
//! trapezoidal rule on the whole line, its step a share of that distance), accurate to about
//! 1e-11 across the parameters' ranges (tested); it is
//! computed on blocks of nodes that the compiler vectorises (the exact evaluator's hot loop). Calibration fits the model to historical crises
//! through this function, and tests check the simulator against it.

// The quadrature's blocks read best with index loops.
#![allow(clippy::needless_range_loop)]

use crate::params::ModelParams;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use smallvec::SmallVec;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// Number of rungs on the ladder.
pub const RUNGS: usize = 5;
/// Rung 3: NATO-Russia conventional war.
pub const WAR_RUNG: u8 = 3;
/// Rung 4: nuclear use. A crisis ends when it reaches war (rung 3); nuclear use comes only
/// from the war's course ([`crate::war`]), and rung 4 is the highest rung of a run whose war
/// went nuclear.
pub const NUCLEAR_RUNG: u8 = 4;
/// Names of the rungs, lowest first.
pub const RUNG_NAMES: [&str; RUNGS] = [
    "crisis without violence",
    "minor clashes",
    "serious clashes / mobilisation",
    "NATO-Russia war",
    "nuclear use",
];

/// How a crisis was triggered: ICB's trigger/breakpoint (`break`) codes, in four classes.
/// The class sets the crisis's start-rung distribution and shifts its escalation propensity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// Codes 1-6: a verbal, political or economic act, an external change, another
    /// non-violent act, or an internal challenge to the regime.
    NonMilitary = 0,
    /// Code 7: a non-violent military act (a show of force, a mobilisation, an exercise).
    NonViolentMilitary = 1,
    /// Code 8: an indirect violent act (violence against an ally, a client or a partner).
    IndirectViolent = 2,
    /// Code 9: a violent act against the crisis actor itself.
    Violent = 3,
}

/// Number of trigger classes.
pub const TRIGGER_COUNT: usize = 4;

impl Trigger {
    /// All classes, in index order (also their order of violence).
    pub const ALL: [Trigger; TRIGGER_COUNT] = [
        Trigger::NonMilitary,
        Trigger::NonViolentMilitary,
        Trigger::IndirectViolent,
        Trigger::Violent,
    ];

    /// The class of an ICB `break` code (1-9; a non-integer code is rounded); `None` outside.
    pub fn from_icb_code(code: f64) -> Option<Trigger> {
        if !code.is_finite() {
            return None;
        }
        match code.round() as i64 {
            1..=6 => Some(Trigger::NonMilitary),
            7 => Some(Trigger::NonViolentMilitary),
            8 => Some(Trigger::IndirectViolent),
            9 => Some(Trigger::Violent),
            _ => None,
        }
    }

    /// The class with index `i` (0-3), clamped.
    pub fn from_index(i: usize) -> Trigger {
        Trigger::ALL[i.min(TRIGGER_COUNT - 1)]
    }

    /// Index of the class.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a crisis is like: the ICB-style covariates known when it begins, each on the scale
/// the model uses.
#[derive(Clone, Debug, PartialEq)]
pub struct CrisisInputs {
    /// How the crisis was triggered; ICB `break`.
    pub trigger: Trigger,
    /// Gravity of the threat, 0 (economic) to 1 (threat to existence); ICB `gravcr` / 6.
    pub gravity: f64,
    /// Part of a protracted conflict: 0 or 1; ICB `protrac`.
    pub protracted: f64,
    /// Great-power involvement, 0 (none) to 1 (direct military); from ICB `powinv`.
    pub power_involvement: f64,
    /// Number of crisis actors (at least 1); ICB `noactr`.
    pub actors: f64,
    /// Power discrepancy between the adversaries, 0 to 1; ICB `powdissy`.
    pub power_discrepancy: f64,
    /// The crisis is in Europe: 0 or 1; ICB `geog` 30-35.
    pub europe: f64,
    /// System level, 0 (subsystem) to 1 (dominant system); ICB `syslevsy` (1-4 - 1) / 3.
    pub system_level: f64,
    /// Third-party mediation: 0 or 1 (or a probability); ICB `mediate`.
    pub mediation: f64,
    /// Global-organisation involvement: 0 or 1; ICB `globorg`.
    pub global_org: f64,
    /// Regional-organisation involvement: 0 or 1; ICB `regorg`.
    pub regional_org: f64,
}

/// Probabilities that a crisis triggered as `trigger` starts at rungs 0, 1 and 2. By ICB's
/// definitions a crisis triggered without violence starts without violence (rung 0) and one
/// triggered by a violent act starts with clashes (rung 1: in ICB 1918-1989 none of the 162
/// crises so triggered stayed without violence). How often an indirect violent act is already
/// a clash between the crisis actors is fitted. (A fitted chance that a violent trigger starts
/// at serious clashes, rung 2, ran to zero: the climb from rung 1 accounts for those crises,
/// docs/validation.md.)
pub fn start_distribution(params: &ModelParams, trigger: Trigger) -> [f64; 3] {
    match trigger {
        Trigger::NonMilitary | Trigger::NonViolentMilitary => [1.0, 0.0, 0.0],
        Trigger::IndirectViolent => {
            let p = logistic(params.start_clash_indirect);
            [1.0 - p, p, 0.0]
        }
        Trigger::Violent => [0.0, 1.0, 0.0],
    }
}

/// Shift of the escalation propensity by trigger class (non-military triggers are the
/// reference).
pub fn onset_shift(params: &ModelParams, trigger: Trigger) -> f64 {
    match trigger {
        Trigger::NonMilitary => 0.0,
        Trigger::NonViolentMilitary => params.onset_military,
        Trigger::IndirectViolent => params.onset_indirect,
        Trigger::Violent => params.onset_violent,
    }
}

/// What tilts each side and what the channels between them do, in one crisis.
#[derive(Clone, Debug, PartialEq)]
pub struct SideTerms {
    /// Shift of NATO's escalation log-odds: the alliance as a whole, as Russia reads it.
    pub nato_shift: f64,
    /// NATO's members in the crisis, each relative to `nato_shift` ([`Alliance::as_one`] for
    /// a side that acts as one, as in historical crises); shared, as they are the same in
    /// every crisis of an evaluation.
    pub nato: Arc<Alliance>,
    /// Shift of Russia's escalation log-odds.
    pub russia_shift: f64,
    /// Scale of each side's error in reading the other's intent.
    pub misperception_sd: f64,
    /// Which way the reading error leans, -1 to 1: the skew-normal's delta. 1: every error
    /// over-reads hostility (a half-normal, the worst-case reading of seed 003); 0: errors are
    /// symmetric; below 0 they lean to complacency (a real threat read as bluff).
    pub hostile_bias: f64,
    /// Weight of fear of being struck first.
    pub first_strike_fear: f64,
    /// Shift of de-escalation log-odds.
    pub deescalation_shift: f64,
    /// Shift of the threshold to war (rung 3) and of the preemption response: the nuclear
    /// shadow over a crisis between nuclear powers (0 for historical crises).
    pub war_threshold_shift: f64,
}

impl SideTerms {
    /// Symmetric sides with the model's default misperception and fear: the setting used for
    /// historical crises, where nothing side-specific is recorded.
    pub fn historical(params: &ModelParams) -> SideTerms {
        SideTerms {
            nato_shift: 0.0,
            nato: Arc::new(Alliance::as_one()),
            russia_shift: 0.0,
            misperception_sd: params.misperception_sd,
            hostile_bias: params.hostile_bias,
            first_strike_fear: params.first_strike_fear,
            deescalation_shift: 0.0,
            war_threshold_shift: 0.0,
        }
    }
}

/// NATO's side of a crisis as a ladder reads it, made once for every crisis of an evaluation:
/// its members (at most [`MAX_EUROPEANS`] Europeans, the smallest beyond merged), the sets of
/// Europeans that are minorities, each member's reading factor, and the bits of all of it for
/// [`Ladder::noise_key`].
#[derive(Clone, Debug, PartialEq)]
pub struct Alliance {
    members: Vec<MemberTerms>,
    /// Sets of European members (bit k: the k-th non-decisive member) holding at most half
    /// of the Europeans' weight: if only they climb, the alliance does not.
    minorities: Vec<u32>,
    /// exp(-reading_shift) of each member.
    reading_factor: Vec<f64>,
    /// How the kernel sums over the minorities ([`minority_plan`]).
    minority_sum: MinoritySum,
    /// The bits of the above, as [`Ladder::noise_key`] takes them (the order and the steps
    /// follow from the minorities and the weights).
    key: Vec<u64>,
}

/// The sum over minorities as the kernel takes it ([`minority_plan`]).
#[derive(Clone, Debug, PartialEq)]
struct MinoritySum {
    /// The Europeans in the order the steps take them.
    order: Vec<u8>,
    steps: Vec<MinorityStep>,
    /// The least depth an `Add` starts from: the products over the rest are needed from there.
    rest_from: u8,
}

/// One step of the sum over the minorities of the probability that exactly they climb (see
/// [`minority_plan`]), on products of the Europeans' factors taken in [`MinoritySum::order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MinorityStep {
    /// The product of the first `depth + 1` Europeans' factors: that of the first `depth`
    /// times the next's probability of climbing (`climbs`) or of holding.
    Extend { depth: u8, climbs: bool },
    /// Every way the Europeans from `depth` on can move leaves a minority climbing: add the
    /// product of the first `depth` times the product over the rest of (climb + hold).
    Add { depth: u8 },
}

/// The order and steps of the sum over minorities: a walk down the tree of the Europeans'
/// choices (the heaviest first), where a subtree in which every set is a minority is summed
/// at once (a product of climb + hold over the rest) and one with none is skipped. It gives
/// the same sum as one product per minority set, with far fewer multiplications: for the
/// built-ins' three Europeans two steps (four multiplications of a block, with the products
/// over the rest) instead of four products of three; for eight of unequal weight 42 steps
/// instead of 128 products of eight.
fn minority_plan(members: &[MemberTerms], minorities: &[u32]) -> MinoritySum {
    let weights: Vec<f64> = members
        .iter()
        .filter(|m| !m.decisive)
        .map(|m| m.weight)
        .collect();
    let n = weights.len();
    if n == 0 {
        return MinoritySum {
            order: Vec::new(),
            steps: Vec::new(),
            rest_from: 0,
        };
    }
    let mut is_minority = vec![false; 1 << n];
    for &set in minorities {
        is_minority[set as usize] = true;
    }
    let mut order: Vec<u8> = (0..n as u8).collect();
    order.sort_by(|a, b| weights[*b as usize].total_cmp(&weights[*a as usize]));
    let mut steps = Vec::new();
    // (With no minority at all, as with a NaN weight, the walk adds nothing: the sum is 0.)
    let all = count_minorities(&order, &is_minority, 0, 0);
    if all > 0 {
        visit_minorities(&order, &is_minority, 0, 0, all, &mut steps);
    }
    let rest_from = steps
        .iter()
        .filter_map(|step| match step {
            MinorityStep::Add { depth } => Some(*depth),
            MinorityStep::Extend { .. } => None,
        })
        .min()
        .unwrap_or(0);
    MinoritySum {
        order,
        steps,
        rest_from,
    }
}

/// The steps of [`minority_plan`] for the subtree where the Europeans before `depth` (in
/// `order`) made the choices `chosen` (bit k: the k-th European climbs), which holds
/// `minorities` minorities (at least one).
fn visit_minorities(
    order: &[u8],
    is_minority: &[bool],
    depth: usize,
    chosen: u32,
    minorities: usize,
    plan: &mut Vec<MinorityStep>,
) {
    if minorities == 1 << (order.len() - depth) {
        plan.push(MinorityStep::Add { depth: depth as u8 });
        return;
    }
    // Not all: at least one European is left to choose.
    let k = order[depth];
    for climbs in [true, false] {
        let chosen = if climbs { chosen | 1 << k } else { chosen };
        let below = count_minorities(order, is_minority, depth + 1, chosen);
        if below > 0 {
            plan.push(MinorityStep::Extend {
                depth: depth as u8,
                climbs,
            });
            visit_minorities(order, is_minority, depth + 1, chosen, below, plan);
        }
    }
}

/// How many of the sets of the subtree of [`visit_minorities`] are minorities: `chosen` with
/// any subset of the Europeans from `depth` on.
fn count_minorities(order: &[u8], is_minority: &[bool], depth: usize, chosen: u32) -> usize {
    let free: u32 = order[depth..].iter().map(|&k| 1u32 << k).sum();
    let mut count = 0;
    let mut rest = free;
    loop {
        count += is_minority[(chosen | rest) as usize] as usize;
        if rest == 0 {
            return count;
        }
        rest = (rest - 1) & free;
    }
}

impl Alliance {
    /// The alliance of `members` (one acting as a whole if there are none).
    pub fn new(members: &[MemberTerms]) -> Alliance {
        let members = merge_members(members);
        let minorities = minorities(&members);
        let reading_factor: Vec<f64> = members.iter().map(|m| (-m.reading_shift).exp()).collect();
        let mut key = Vec::with_capacity(6 * members.len() + minorities.len() + 1);
        for m in &members {
            // Destructured, so that a new field cannot be left out.
            let MemberTerms {
                decisive,
                weight,
                offset,
                reading_shift,
                exposure,
            } = m;
            key.push(u64::from(*decisive));
            key.extend([*weight, *offset, *reading_shift, *exposure].map(f64::to_bits));
        }
        key.extend(reading_factor.iter().map(|v| v.to_bits()));
        key.push(minorities.len() as u64);
        key.extend(minorities.iter().map(|&m| u64::from(m)));
        let minority_sum = minority_plan(&members, &minorities);
        Alliance {
            members,
            minorities,
            reading_factor,
            minority_sum,
            key,
        }
    }

    /// NATO acting as one ([`MemberTerms::alliance`]), as in historical crises.
    pub fn as_one() -> Alliance {
        Alliance::new(&[])
    }
}

/// One NATO member (or group of members) in a crisis. Members read the crisis through shared
/// intelligence (one reading error for the alliance) and differ in how they weigh it: each
/// has its own escalation propensity, reading of the threat and exposure. Who moves: any
/// member may strike preemptively on its own territory (so the alliance jumps to war if any
/// member does; a member's preemption response is scaled by its exposure); the alliance
/// climbs a rung if a decisive member (the United States) would, or if members holding a
/// majority of the other members' weight would (Article 4 consultations and force decisions
/// follow US leadership or a broad European coalition; seed 000 on the US's weight). Given
/// the shared reading, members choose independently; the alliance's move probabilities are
/// then smooth in the reading error, so the quadrature stays exact.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberTerms {
    /// Whether the member's escalation alone moves the alliance.
    pub decisive: bool,
    /// Weight in the majority of the non-decisive members (defence spending, any positive scale).
    pub weight: f64,
    /// The member's escalation log-odds relative to the alliance's (`nato_shift`).
    pub offset: f64,
    /// Shift of the member's reading of the other side's intent (vulnerability), logit.
    pub reading_shift: f64,
    /// Share of the preemption response that applies to the member: 1 on the border, falling
    /// with distance from Russia (0-1).
    pub exposure: f64,
}

impl MemberTerms {
    /// A side that acts as one: decisive, at the alliance's shift, fully exposed.
    pub fn alliance() -> MemberTerms {
        MemberTerms {
            decisive: true,
            weight: 1.0,
            offset: 0.0,
            reading_shift: 0.0,
            exposure: 1.0,
        }
    }
}

/// How a simulated crisis ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrisisOutcome {
    /// Highest rung reached.
    pub max_rung: u8,
    /// Rounds played.
    pub rounds: u32,
}

/// The logistic function.
pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The noise averages of a ladder at rungs 0, 1 and 2: NATO's (preempt, escalate without
/// preempting) and Russia's ([`Ladder::noise_sums`]).
pub type NoiseSums = [[f64; 4]; 3];

/// Quadrature nodes taken at once (see [`Ladder::averaged_moves`]).
const BLOCK: usize = 32;
/// Blocks for the rest of the nodes after the full [`BLOCK`]s (padded with weight 0): one
/// block of 8 or 16 nodes, or a padded [`BLOCK`] beyond (an 8-node block runs its steps one
/// after another, a latency chain; a longer one overlaps them).
const SMALL_BLOCK: usize = 8;
/// Partial sums of the quadrature (a divisor of [`SMALL_BLOCK`]).
const LANES: usize = 8;
/// Scratch space for blocks of N nodes, made once a thread for full blocks (each block writes
/// the entries it reads, except `products[0]`, fixed at 1).
struct BlockScratch<const N: usize> {
    /// Per European member: (climbs without preempting, holds).
    europeans: [([f64; N], [f64; N]); MAX_EUROPEANS],
    /// The sum over minorities' products of the first d Europeans' factors (in the
    /// alliance's [`MinoritySum::order`]; `products[0]` is 1).
    products: [[f64; N]; MAX_EUROPEANS + 1],
    /// Products of (climb + hold) over the Europeans from d on (1 from the last on, set by
    /// each block).
    rest: [[f64; N]; MAX_EUROPEANS + 1],
}

thread_local! {
    /// The scratch space of full blocks, made once a thread.
    static SCRATCH: std::cell::Cell<Option<Box<BlockScratch<BLOCK>>>> =
        const { std::cell::Cell::new(None) };
}

impl<const N: usize> BlockScratch<N> {
    fn new() -> BlockScratch<N> {
        BlockScratch {
            europeans: [([0.0; N], [0.0; N]); MAX_EUROPEANS],
            products: [[1.0; N]; MAX_EUROPEANS + 1],
            rest: [[1.0; N]; MAX_EUROPEANS + 1],
        }
    }
}

/// e^x to within a couple of units in the last place (the quadrature's exponentials, where
/// the C library's `exp` call cannot be vectorised): x = k ln 2 + r with |r| <= ln 2 / 2
/// (Cody and Waite's two-part ln 2), e^r by its Taylor series to degree 13 (truncation below
/// 1e-17), its high terms in Estrin's form (a short chain of dependent steps), with fused
/// multiply-adds (`mul_add`: one rounding per step, the same bits on every machine; a vector
/// instruction where the CPU has FMA, which the vector paths below require), times 2^k built
/// in the exponent bits. Arguments are clamped to [-708, 709], where e^x is a normal number
/// (e^-708 stands for anything smaller, e^709 for anything larger: beside 1 in a logistic
/// either is lost); NaN stays NaN. Branch-free, so a loop over a block compiles to vector
/// instructions.
#[inline(always)]
fn exp(x: f64) -> f64 {
    // ln 2 in two parts (fdlibm's): the high part's last 11 bits are 0, so k LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 x 2^52: adding it rounds to an integer kept in the low bits of the mantissa.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let y = x.clamp(-708.0, 709.0);
    let t = y * std::f64::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    // The terms of degree 4 to 13 by Estrin's scheme (pairs, then pairs of pairs: a short
    // chain of dependent steps), the last four by Horner's (which keeps the rounding of the
    // large terms to one step each).
    let c = |i: u32| 1.0 / FACTORIALS[i as usize];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let a0 = r.mul_add(c(5), c(4));
    let a1 = r.mul_add(c(7), c(6));
    let a2 = r.mul_add(c(9), c(8));
    let a3 = r.mul_add(c(11), c(10));
    let a4 = r.mul_add(c(13), c(12));
    let b0 = r2.mul_add(a1, a0);
    let b1 = r2.mul_add(a3, a2);
    let d0 = r4.mul_add(b1, b0);
    let mut p = r8.mul_add(a4, d0);
    for i in [3, 2, 1, 0] {
        p = p.mul_add(r, c(i));
    }
    // The low 12 bits of t's mantissa hold k + 1023 (in [1, 2046]) once 1023 is added.
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    // A NaN passes the clamp and every step as NaN: no test for it is needed.
    p * scale
}

/// 0!, 1!, ..., 13!: the Taylor coefficients of [`exp`] are their reciprocals.
const FACTORIALS: [f64; 14] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5_040.0,
    40_320.0,
    362_880.0,
    3_628_800.0,
    39_916_800.0,
    479_001_600.0,
    6_227_020_800.0,
];

/// [`exp`] of each number of a block.
#[inline(always)]
fn exp_block<const N: usize>(x: [f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    for i in 0..N {
        out[i] = exp(x[i]);
    }
    out
}

/// A ladder's [`Ladder::noise_key`]: inline for the usual alliance, so a ladder looked up and
/// found does not allocate.
pub type NoiseKey = SmallVec<[u64; 64]>;

/// The crisis's ladder with every input folded into per-rung numbers.
#[derive(Clone, Debug)]
pub struct Ladder {
    /// Base log-odds of climbing from rung r to r+1 (r = 0..2), before side shifts.
    climb: [f64; 3],
    nato_shift: f64,
    nato: Arc<Alliance>,
    russia_shift: f64,
    sd: f64,
    bias: f64,
    fear: f64,
    deescalate: f64,
    preempt_threshold: f64,
    preempt_steepness: f64,
    preempt_max: f64,
    preempt_shift: f64,
    rounds: u32,
    /// Probabilities of starting at rungs 0, 1, 2.
    start: [f64; 3],
}

impl Ladder {
    /// Fold the parameters, the crisis's covariates and the side terms into a ladder.
    pub fn new(params: &ModelParams, inputs: &CrisisInputs, sides: &SideTerms) -> Ladder {
        let x = params.beta_gravity * inputs.gravity
            + params.beta_protracted * inputs.protracted
            + params.beta_power_involvement * inputs.power_involvement
            + params.beta_actors * inputs.actors.max(1.0).ln()
            + params.beta_power_discrepancy * inputs.power_discrepancy
            + params.beta_europe * inputs.europe
            + params.beta_system_level * inputs.system_level
            + onset_shift(params, inputs.trigger);
        let thresholds = [
            params.threshold_1,
            params.threshold_2,
            params.threshold_3 + sides.war_threshold_shift,
        ];
        let climb = thresholds.map(|t| x - t);
        let deescalate = params.deescalation_base
            + params.deescalation_mediation * inputs.mediation
            + params.deescalation_global_org * inputs.global_org
            + params.deescalation_regional_org * inputs.regional_org
            + params.deescalation_gravity * inputs.gravity
            + sides.deescalation_shift;
        Ladder {
            climb,
            nato_shift: sides.nato_shift,
            nato: Arc::clone(&sides.nato),
            russia_shift: sides.russia_shift,
            sd: sides.misperception_sd.max(0.0),
            bias: if sides.hostile_bias.is_finite() {
                sides.hostile_bias.clamp(-1.0, 1.0)
            } else {
                1.0
            },
            fear: sides.first_strike_fear,
            deescalate: logistic(deescalate),
            preempt_threshold: params.preemption_threshold,
            preempt_steepness: params.preemption_steepness,
            preempt_max: params.preemption_max,
            preempt_shift: sides.war_threshold_shift,
            rounds: params.crisis_rounds.round().max(1.0) as u32,
            start: start_distribution(params, inputs.trigger),
        }
    }

    /// Every number the reading error's quadrature reads, as bits: two ladders with the same
    /// key have the same [`Ladder::noise_sums`] to the bit (the key of
    /// [`crate::exact::LadderCache`]; the start, de-escalation and rounds, which it does not
    /// read, are left out, so ladders that differ only in them share it).
    pub fn noise_key(&self) -> NoiseKey {
        // Destructured, so that a new field cannot be left out.
        let Ladder {
            climb,
            nato_shift,
            nato,
            russia_shift,
            sd,
            bias,
            fear,
            deescalate,
            preempt_threshold,
            preempt_steepness,
            preempt_max,
            preempt_shift,
            rounds,
            start,
        } = self;
        // Not read by the quadrature.
        let _ = (start, deescalate, rounds);
        let mut key = NoiseKey::with_capacity(12 + nato.key.len());
        key.extend_from_slice(&climb.map(f64::to_bits));
        key.extend_from_slice(
            &[
                *nato_shift,
                *russia_shift,
                *sd,
                *bias,
                *fear,
                *preempt_threshold,
                *preempt_steepness,
                *preempt_max,
                *preempt_shift,
            ]
            .map(f64::to_bits),
        );
        key.extend_from_slice(&nato.key);
        key
    }

    /// Preemption probability at `rung` of a side with escalation shift `own` that believes
    /// the other climbs with probability `belief`.
    fn preemption(&self, rung: u8, own: f64, belief: f64) -> f64 {
        if (1..WAR_RUNG).contains(&rung) {
            self.preempt_max
                * logistic(
                    self.preempt_steepness * (belief - self.preempt_threshold) - self.preempt_shift
                        + own,
                )
        } else {
            0.0
        }
    }

    /// Russia's probabilities (preempt, escalate) at `rung` given its reading error `noise`.
    fn russia_move(&self, rung: u8, noise: f64) -> (f64, f64) {
        let r = rung as usize;
        let own = self.russia_shift;
        let belief = logistic(self.climb[r] + self.nato_shift + noise);
        let preempt = self.preemption(rung, own, belief);
        let escalate = logistic(self.climb[r] + own + self.fear * (belief - 0.5));
        (preempt, (1.0 - preempt) * escalate)
    }

    /// Member `m`'s probabilities (preempt, escalate) at `rung` given the alliance's shared
    /// reading error `noise`.
    /// `shared` is exp(-(c_r + a_Russia + noise)) and `reading` exp(-reading_shift), so the
    /// members' beliefs cost one exponential between them.
    fn member_move(&self, rung: u8, shared: f64, reading: f64, m: &MemberTerms) -> (f64, f64) {
        let r = rung as usize;
        let own = self.nato_shift + m.offset;
        let belief = 1.0 / (1.0 + shared * reading);
        let preempt = if m.exposure > 0.0 {
            m.exposure.min(1.0) * self.preemption(rung, own, belief)
        } else {
            0.0
        };
        let escalate = logistic(self.climb[r] + own + self.fear * (belief - 0.5));
        (preempt, escalate)
    }

    /// The alliance's probabilities (preempt, escalate without preempting) at `rung` given
    /// the shared reading error `noise`, by the rule of [`MemberTerms`]: members choose
    /// independently; the alliance holds only if no member preempts, no decisive member
    /// climbs and the climbing Europeans hold at most half the Europeans' weight. (The
    /// quadrature computes the same in blocks of nodes, [`Ladder::block_moves`]; this scalar
    /// form is the tests' reference.)
    #[cfg(test)]
    fn nato_move(&self, rung: u8, noise: f64) -> (f64, f64) {
        let mut no_preempt = 1.0;
        let mut decisive_hold = 1.0;
        // Per European member: (climbs without preempting, holds).
        let mut europeans = [(0.0f64, 0.0f64); MAX_EUROPEANS];
        let mut n = 0;
        let shared = (-(self.climb[rung as usize] + self.russia_shift + noise)).exp();
        for (m, reading) in self.nato.members.iter().zip(&self.nato.reading_factor) {
            let (p, e) = self.member_move(rung, shared, *reading, m);
            no_preempt *= 1.0 - p;
            if m.decisive {
                decisive_hold *= (1.0 - p) * (1.0 - e);
            } else {
                europeans[n] = ((1.0 - p) * e, (1.0 - p) * (1.0 - e));
                n += 1;
            }
        }
        let minority_hold = if n == 0 {
            1.0
        } else {
            self.nato
                .minorities
                .iter()
                .map(|&set| {
                    (0..n)
                        .map(|k| {
                            if set & (1 << k) != 0 {
                                europeans[k].0
                            } else {
                                europeans[k].1
                            }
                        })
                        .product::<f64>()
                })
                .sum()
        };
        let jump = 1.0 - no_preempt;
        let hold = decisive_hold * minority_hold;
        (jump, (1.0 - jump - hold).max(0.0))
    }

    /// One round of the alliance's choice, drawn: (preempts, climbs). One uniform per member,
    /// in the members' order.
    fn nato_draw<R: Rng>(&self, rung: u8, noise: f64, rng: &mut R) -> (bool, bool) {
        let mut preempt = false;
        let mut climb = false;
        let (mut weight_up, mut weight_all) = (0.0, 0.0);
        let (mut count_up, mut europeans) = (0.0, 0.0);
        let shared = (-(self.climb[rung as usize] + self.russia_shift + noise)).exp();
        for (m, reading) in self.nato.members.iter().zip(&self.nato.reading_factor) {
            let (p, e) = self.member_move(rung, shared, *reading, m);
            let u: f64 = rng.random();
            let up = u < p + (1.0 - p) * e;
            preempt |= u < p;
            if m.decisive {
                climb |= up;
            } else {
                europeans += 1.0;
                weight_all += m.weight.max(0.0);
                if up {
                    weight_up += m.weight.max(0.0);
                    count_up += 1.0;
                }
            }
        }
        let majority = if weight_all > 0.0 {
            weight_up > weight_all / 2.0
        } else {
            count_up > europeans / 2.0
        };
        if europeans > 0.0 && majority {
            climb = true;
        }
        (preempt, climb || preempt)
    }

    /// One draw of a side's reading error: the skew-normal `sd (delta |Z0| + sqrt(1 -
    /// delta^2) Z1)`, delta = the hostile bias (one normal when |delta| = 1).
    fn reading_error<R: Rng>(&self, rng: &mut R) -> f64 {
        let z0: f64 = StandardNormal.sample(rng);
        if self.bias >= 1.0 {
            return self.sd * z0.abs();
        }
        if self.bias <= -1.0 {
            return -self.sd * z0.abs();
        }
        let z1: f64 = StandardNormal.sample(rng);
        self.sd * (self.bias * z0.abs() + (1.0 - self.bias * self.bias).sqrt() * z1)
    }

    /// Play the crisis out with random reading errors and choices.
    pub fn simulate<R: Rng>(&self, rng: &mut R) -> CrisisOutcome {
        let u: f64 = rng.random();
        let mut rung = if u < self.start[0] {
            0
        } else if u < self.start[0] + self.start[1] {
            1
        } else {
            2
        };
        let mut max = rung;
        for round in 1..=self.rounds {
            let nato_noise = self.reading_error(rng);
            let russia_noise = self.reading_error(rng);
            let (nato_preempts, nato_climbs) = self.nato_draw(rung, nato_noise, rng);
            let (rp, re) = self.russia_move(rung, russia_noise);
            let ur: f64 = rng.random();
            let preempt = nato_preempts || ur < rp;
            let climb = nato_climbs || ur < rp + re;
            if preempt {
                rung = WAR_RUNG.max(rung);
            } else if climb {
                rung += 1;
            } else if rng.random::<f64>() < self.deescalate {
                if rung == 0 {
                    return CrisisOutcome {
                        max_rung: max,
                        rounds: round,
                    };
                }
                rung -= 1;
            }
            max = max.max(rung);
            if rung >= WAR_RUNG {
                return CrisisOutcome {
                    max_rung: max,
                    rounds: round,
                };
            }
        }
        CrisisOutcome {
            max_rung: max,
            rounds: self.rounds,
        }
    }

    /// Noise-averaged transition probabilities at rungs 0, 1 and 2: (jump to war, climb one,
    /// de-escalate), from the noise averages ([`Ladder::noise_sums`]).
    #[cfg(test)]
    fn averaged_moves(&self, rule: &QuadratureRule) -> [(f64, f64, f64); 3] {
        self.moves_from(&self.noise_sums(rule))
    }

    /// The moves at each rung from the noise averages `sums`.
    fn moves_from(&self, sums: &NoiseSums) -> [(f64, f64, f64); 3] {
        sums.map(|[np, ne, rp, re]| {
            let no_preempt = (1.0 - np) * (1.0 - rp);
            let hold = (1.0 - np - ne) * (1.0 - rp - re);
            let jump = 1.0 - no_preempt;
            let climb = no_preempt - hold;
            (jump, climb, hold * self.deescalate)
        })
    }

    /// The noise averages at rungs 0, 1 and 2 of NATO's (preempt, escalate without
    /// preempting) and Russia's: all the reading error's quadrature gives; what it does not
    /// read (the start, de-escalation, the rounds) is applied after. The nodes are taken in
    /// blocks ([`BLOCK`]) so that the exponentials and divisions of a block run in vector
    /// registers; on x86-64 the same code is also compiled for AVX2 with FMA and for AVX-512
    /// and chosen at run time (the only fused multiply-adds are the explicit `mul_add`s of
    /// [`exp`], correctly rounded on every path, so all give the same bits; tested).
    pub fn noise_sums(&self, rule: &QuadratureRule) -> NoiseSums {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.noise_sums_avx512(rule) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has AVX2 and FMA, checked just above.
                return unsafe { self.noise_sums_avx2(rule) };
            }
        }
        self.noise_sums_blocks(rule)
    }

    /// [`Ladder::noise_sums`] with the ladder's own reading-error rule.
    pub fn own_noise_sums(&self) -> NoiseSums {
        self.noise_sums(&reading_error_rule(self.sharpness(), self.bias))
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn noise_sums_avx512(&self, rule: &QuadratureRule) -> NoiseSums {
        self.noise_sums_blocks(rule)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn noise_sums_avx2(&self, rule: &QuadratureRule) -> NoiseSums {
        self.noise_sums_blocks(rule)
    }

    #[inline(always)]
    fn noise_sums_blocks(&self, rule: &QuadratureRule) -> NoiseSums {
        // lanes[r][j]: the noise averages at rung r of NATO's (preempt, escalate) and Russia's
        // (j = 0..4), kept in LANES partial sums (node i adds to lane i % LANES, so the sums
        // run in vector registers) and added up at the end.
        let mut lanes = [[[0.0f64; LANES]; 4]; WAR_RUNG as usize];
        let full = rule.nodes.len() / BLOCK * BLOCK;
        let (nodes, rest_nodes) = rule.nodes.split_at(full);
        let (weights, rest_weights) = rule.weights.split_at(full);
        // The scratch space of full blocks is made once a thread (taken out of the thread's
        // slot and put back: no closure, which would be compiled without the vector path's
        // instructions).
        let mut scratch = SCRATCH
            .take()
            .unwrap_or_else(|| Box::new(BlockScratch::new()));
        for (zs, ws) in nodes.chunks(BLOCK).zip(weights.chunks(BLOCK)) {
            self.add_block::<BLOCK>(zs, ws, &mut lanes, &mut scratch);
        }
        if rest_nodes.len() > 2 * SMALL_BLOCK {
            self.add_block::<BLOCK>(rest_nodes, rest_weights, &mut lanes, &mut scratch);
        } else if rest_nodes.len() > SMALL_BLOCK {
            let mut scratch = BlockScratch::<{ 2 * SMALL_BLOCK }>::new();
            self.add_block(rest_nodes, rest_weights, &mut lanes, &mut scratch);
        } else if !rest_nodes.is_empty() {
            let mut scratch = BlockScratch::<SMALL_BLOCK>::new();
            self.add_block(rest_nodes, rest_weights, &mut lanes, &mut scratch);
        }
        SCRATCH.set(Some(scratch));
        lanes.map(|by_move| by_move.map(|lane| lane.iter().sum::<f64>()))
    }

    /// Add the weighted moves at nodes `zs` (at most N of them, N a multiple of [`LANES`]) to
    /// the partial sums `lanes`, node i to lane i % LANES.
    #[inline(always)]
    fn add_block<const N: usize>(
        &self,
        zs: &[f64],
        ws: &[f64],
        lanes: &mut [[[f64; LANES]; 4]; 3],
        scratch: &mut BlockScratch<N>,
    ) {
        // A short block is padded with weight 0 at the node 0.
        let mut w = [0.0; N];
        let mut e_noise = [0.0; N];
        w[..ws.len()].copy_from_slice(ws);
        e_noise[..zs.len()].copy_from_slice(zs);
        for v in e_noise.iter_mut() {
            *v *= -self.sd;
        }
        // exp(-noise): the beliefs of both sides are logistic in the noise.
        let e_noise = exp_block(e_noise);
        for (r, sum) in lanes.iter_mut().enumerate() {
            let (np, ne) = self.nato_block(r, &e_noise, scratch);
            let (rp, re) = self.russia_block(r, &e_noise);
            for g in 0..N / LANES {
                for l in 0..LANES {
                    let i = g * LANES + l;
                    sum[0][l] += w[i] * np[i];
                    sum[1][l] += w[i] * ne[i];
                    sum[2][l] += w[i] * rp[i];
                    sum[3][l] += w[i] * re[i];
                }
            }
        }
    }

    /// [`Ladder::preemption`] on a block of beliefs (`rung` 1 or 2), scaled by `share`.
    #[inline(always)]
    fn preemption_block<const N: usize>(
        &self,
        own: f64,
        share: f64,
        belief: &[f64; N],
    ) -> [f64; N] {
        let mut x = [0.0; N];
        for i in 0..N {
            x[i] = -(self.preempt_steepness * (belief[i] - self.preempt_threshold)
                - self.preempt_shift
                + own);
        }
        let e = exp_block(x);
        let mut out = [0.0; N];
        for i in 0..N {
            out[i] = share * (self.preempt_max * (1.0 / (1.0 + e[i])));
        }
        out
    }

    /// Escalation probabilities, logistic(c + fear (belief - 1/2)), on a block of beliefs.
    #[inline(always)]
    fn escalation_block<const N: usize>(&self, c: f64, belief: &[f64; N]) -> [f64; N] {
        let mut x = [0.0; N];
        for i in 0..N {
            x[i] = -(c + self.fear * (belief[i] - 0.5));
        }
        let e = exp_block(x);
        let mut out = [0.0; N];
        for i in 0..N {
            out[i] = 1.0 / (1.0 + e[i]);
        }
        out
    }

    /// [`Ladder::russia_move`] at `rung` on a block of nodes, given exp(-noise) of each.
    #[inline(always)]
    fn russia_block<const N: usize>(
        &self,
        rung: usize,
        e_noise: &[f64; N],
    ) -> ([f64; N], [f64; N]) {
        let own = self.russia_shift;
        let e_shift = exp(-(self.climb[rung] + self.nato_shift));
        let mut belief = [0.0; N];
        for i in 0..N {
            belief[i] = 1.0 / (1.0 + e_shift * e_noise[i]);
        }
        let preempt = if rung >= 1 {
            self.preemption_block(own, 1.0, &belief)
        } else {
            [0.0; N]
        };
        let escalate = self.escalation_block(self.climb[rung] + own, &belief);
        let mut climbs = [0.0; N];
        for i in 0..N {
            climbs[i] = (1.0 - preempt[i]) * escalate[i];
        }
        (preempt, climbs)
    }

    /// The alliance's move (see [`MemberTerms`] for the rule) at `rung` on a block of nodes,
    /// given exp(-noise) of each: (preempt, escalate without preempting).
    #[inline(always)]
    fn nato_block<const N: usize>(
        &self,
        rung: usize,
        e_noise: &[f64; N],
        scratch: &mut BlockScratch<N>,
    ) -> ([f64; N], [f64; N]) {
        let mut no_preempt = [1.0; N];
        let mut decisive_hold = [1.0; N];
        let mut n = 0;
        let e_shift = exp(-(self.climb[rung] + self.russia_shift));
        for (m, reading) in self.nato.members.iter().zip(&self.nato.reading_factor) {
            let own = self.nato_shift + m.offset;
            let mut belief = [0.0; N];
            for i in 0..N {
                belief[i] = 1.0 / (1.0 + e_shift * e_noise[i] * reading);
            }
            let preempt = if rung >= 1 && m.exposure > 0.0 {
                self.preemption_block(own, m.exposure.min(1.0), &belief)
            } else {
                [0.0; N]
            };
            let escalate = self.escalation_block(self.climb[rung] + own, &belief);
            for i in 0..N {
                no_preempt[i] *= 1.0 - preempt[i];
            }
            if m.decisive {
                for i in 0..N {
                    decisive_hold[i] *= (1.0 - preempt[i]) * (1.0 - escalate[i]);
                }
            } else {
                let (up, hold) = &mut scratch.europeans[n];
                for i in 0..N {
                    up[i] = (1.0 - preempt[i]) * escalate[i];
                    hold[i] = (1.0 - preempt[i]) * (1.0 - escalate[i]);
                }
                n += 1;
            }
        }
        let mut minority_hold = [if n == 0 { 1.0 } else { 0.0 }; N];
        if n > 0 {
            // The probability that only a minority climbs, by the steps of [`minority_plan`].
            let sum = &self.nato.minority_sum;
            let order = &sum.order;
            let BlockScratch {
                europeans,
                products,
                rest,
            } = scratch;
            // (The scratch outlives the ladder: the product over none is set here.)
            rest[n] = [1.0; N];
            for d in (sum.rest_from as usize..n).rev() {
                let (up, hold) = &europeans[order[d] as usize];
                let (here, after) = rest.split_at_mut(d + 1);
                for i in 0..N {
                    here[d][i] = after[0][i] * (up[i] + hold[i]);
                }
            }
            for step in &sum.steps {
                match *step {
                    MinorityStep::Extend { depth, climbs } => {
                        let d = depth as usize;
                        let (up, hold) = &europeans[order[d] as usize];
                        let factor = if climbs { up } else { hold };
                        let (before, after) = products.split_at_mut(d + 1);
                        for i in 0..N {
                            after[0][i] = before[d][i] * factor[i];
                        }
                    }
                    MinorityStep::Add { depth } => {
                        let d = depth as usize;
                        for i in 0..N {
                            minority_hold[i] += products[d][i] * rest[d][i];
                        }
                    }
                }
            }
        }
        let mut jump = [0.0; N];
        let mut climbs = [0.0; N];
        for i in 0..N {
            jump[i] = 1.0 - no_preempt[i];
            let hold = decisive_hold[i] * minority_hold[i];
            climbs[i] = (1.0 - jump[i] - hold).max(0.0);
        }
        (jump, climbs)
    }

    /// How narrow the quadrature's panels must be: pi over the distance, in units of the
    /// standard reading error z, from the real axis to the nearest complex z where the
    /// integrand is not analytic (a panel no wider than that distance keeps Gauss-Legendre's
    /// error near 4.2^(-16) of the integrand's size). Every belief is logistic in its logit
    /// w = a + sd z (a real), so the distance is the nearest singularity's distance in w,
    /// divided by sd. In w they are: the beliefs' own poles, at pi; and the poles of the
    /// logistics that read a belief b — preemption, steep (b - thr) - shift + own = +-i pi (2k+1),
    /// and escalation, c + fear (b - 1/2) = +-i pi (2k+1) — at the complex beliefs b* solving
    /// those, whose logits ln(b*/(1 - b*)) are [`logit_distance`] from the real axis. The
    /// nearest over every side and rung sets the panels. (For a steep response with b* near
    /// 1/2 this is about 4 pi / steep; where b* is near 0 or 1, or beyond, the poles are
    /// farther and the panels wider.)
    fn sharpness(&self) -> f64 {
        use std::f64::consts::PI;
        let mut nearest = PI;
        // A NaN (from a NaN input) sticks and asks for the most panels.
        let see = |nearest: &mut f64, d: f64| {
            if d < *nearest || d.is_nan() {
                *nearest = d;
            }
        };
        let preempts = self.preempt_max != 0.0 && self.preempt_steepness != 0.0;
        let actors = || {
            std::iter::once((self.russia_shift, true)).chain(
                self.nato
                    .members
                    .iter()
                    .map(|m| (self.nato_shift + m.offset, m.exposure > 0.0)),
            )
        };
        if preempts {
            let steep = self.preempt_steepness;
            let xs = actors()
                .filter(|(_, exposed)| *exposed)
                .map(|(own, _)| self.preempt_threshold + (self.preempt_shift - own) / steep);
            see(&mut nearest, least_logit_distance(xs, PI / steep.abs()));
        }
        // The escalation poles are at least min(pi/2, 2 atan(2 pi / |fear|)) away (the least
        // of [`logit_distance`] over x): looked at only if that could be nearer.
        let y0 = PI / self.fear.abs();
        let could_be_nearer = (2.0 * (2.0 * y0).atan())
            .min(PI / 2.0)
            .partial_cmp(&nearest)
            .is_none_or(|o| o.is_lt());
        if self.fear != 0.0 && could_be_nearer {
            let xs = actors().flat_map(|(own, _)| {
                self.climb
                    .map(|climb| 0.5 - (climb + own) / self.fear)
                    .into_iter()
            });
            see(&mut nearest, least_logit_distance(xs, y0));
        }
        self.sd * PI / nearest
    }

    /// Exact distribution of the highest rung reached (index = rung).
    pub fn max_rung_distribution(&self) -> [f64; RUNGS] {
        self.max_rung_distribution_with(&reading_error_rule(self.sharpness(), self.bias))
    }

    /// The same, averaging the reading error with the given rule (tests compare rules).
    pub fn max_rung_distribution_with(&self, rule: &QuadratureRule) -> [f64; RUNGS] {
        self.distribution_from(&self.noise_sums(rule))
    }

    /// The distribution of the highest rung from the noise averages `sums` (of this ladder's
    /// [`Ladder::noise_key`]).
    pub fn distribution_from(&self, sums: &NoiseSums) -> [f64; RUNGS] {
        let moves = self.moves_from(sums);
        // mass[r][m]: probability of being at rung r, having reached at most m, crisis live.
        let mut mass = [[0.0f64; RUNGS]; RUNGS];
        let mut done = [0.0f64; RUNGS];
        for (r, p) in self.start.iter().enumerate() {
            mass[r][r] = *p;
        }
        for _ in 0..self.rounds {
            let mut next = [[0.0f64; RUNGS]; RUNGS];
            for r in 0..WAR_RUNG as usize {
                for m in r..WAR_RUNG as usize {
                    let p = mass[r][m];
                    if p == 0.0 {
                        continue;
                    }
                    let (jump, climb, down) = moves[r];
                    let stay = 1.0 - jump - climb - down;
                    // Reaching war (a preemptive strike or the climb from rung 2) ends the crisis.
                    done[WAR_RUNG as usize] += p * jump;
                    let up = r + 1;
                    if up == WAR_RUNG as usize {
                        done[WAR_RUNG as usize] += p * climb;
                    } else {
                        next[up][m.max(up)] += p * climb;
                    }
                    if r == 0 {
                        done[m] += p * down;
                    } else {
                        next[r - 1][m] += p * down;
                    }
                    next[r][m] += p * stay;
                }
            }
            mass = next;
        }
        for row in mass.iter() {
            for (m, p) in row.iter().enumerate() {
                done[m] += p;
            }
        }
        done
    }
}

/// The least distance from the real axis of a logit ln(b/(1 - b)) of the complex beliefs
/// b = x +- i y, y = y0, 3 y0, 5 y0, ... (the poles of a logistic in a belief): for x in [0, 1]
/// the principal logit's imaginary part, arg b - arg(1 - b) = atan2(y, x) + atan2(y, 1 - x),
/// grows with y, so the first is the nearest; beyond [0, 1] it falls from pi to a least value
/// at y = sqrt(u (u - 1)) (u = x, or 1 - x below 0) and rises back to pi, and that least value
/// (at least pi/2) bounds every y from below. Other branches of the logarithm are 2 pi
/// further.
fn logit_distance(x: f64, y0: f64) -> f64 {
    if (0.0..=1.0).contains(&x) {
        // arg b + arg(1 - b) for b = x + i y0, as the argument of their product, which lies
        // in the upper half-plane.
        y0.atan2(x * (1.0 - x) - y0 * y0)
    } else {
        let u = if x > 1.0 { x } else { 1.0 - x };
        let y = (u * (u - 1.0)).sqrt();
        (y / u).atan() + std::f64::consts::PI - (y / (u - 1.0)).atan()
    }
}

/// The least [`logit_distance`] over the beliefs' real parts `xs` (NaN if any is NaN). Within
/// [0, 1] the distance grows with |x - 1/2| (atan2(y0, x (1 - x) - y0^2) falls as x (1 - x)
/// rises), and beyond [0, 1] with the distance from it; so only the x nearest 1/2 within and
/// the one nearest [0, 1] beyond need be looked at.
fn least_logit_distance(xs: impl Iterator<Item = f64>, y0: f64) -> f64 {
    let (mut within, mut beyond): (Option<f64>, Option<f64>) = (None, None);
    let beyond_by = |x: f64| if x > 1.0 { x - 1.0 } else { -x };
    for x in xs {
        if x.is_nan() {
            return f64::NAN;
        }
        if (0.0..=1.0).contains(&x) {
            if within.is_none_or(|w| (x - 0.5).abs() < (w - 0.5).abs()) {
                within = Some(x);
            }
        } else if beyond.is_none_or(|b| beyond_by(x) < beyond_by(b)) {
            beyond = Some(x);
        }
    }
    [within, beyond]
        .into_iter()
        .flatten()
        .map(|x| logit_distance(x, y0))
        .fold(f64::INFINITY, |least, d| {
            if d < least || d.is_nan() {
                d
            } else {
                least
            }
        })
}

/// Most non-decisive (European) members the crisis layer tells apart; beyond, the smallest
/// by weight are merged into one (weight summed; offset, reading shift and exposure averaged
/// by weight).
pub const MAX_EUROPEANS: usize = 8;

/// The members as the ladder uses them: an alliance acting as one if there are none, the
/// Europeans beyond [`MAX_EUROPEANS`] merged.
fn merge_members(members: &[MemberTerms]) -> Vec<MemberTerms> {
    if members.is_empty() {
        return vec![MemberTerms::alliance()];
    }
    let mut out: Vec<MemberTerms> = members.iter().filter(|m| m.decisive).cloned().collect();
    let mut europeans: Vec<MemberTerms> = members.iter().filter(|m| !m.decisive).cloned().collect();
    if europeans.len() > MAX_EUROPEANS {
        europeans.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let rest = europeans.split_off(MAX_EUROPEANS - 1);
        let total: f64 = rest.iter().map(|m| m.weight.max(0.0)).sum();
        let share = |m: &MemberTerms| {
            if total > 0.0 {
                m.weight.max(0.0) / total
            } else {
                1.0 / rest.len() as f64
            }
        };
        let mean = |f: &dyn Fn(&MemberTerms) -> f64| rest.iter().map(|m| share(m) * f(m)).sum();
        europeans.push(MemberTerms {
            decisive: false,
            weight: total,
            offset: mean(&|m| m.offset),
            reading_shift: mean(&|m| m.reading_shift),
            exposure: mean(&|m| m.exposure),
        });
    }
    out.extend(europeans);
    out
}

/// The sets of non-decisive members, as bit masks in their order among `members`, whose
/// weight is at most half the non-decisive members' total (equal weights if all are 0).
fn minorities(members: &[MemberTerms]) -> Vec<u32> {
    let weights: Vec<f64> = members
        .iter()
        .filter(|m| !m.decisive)
        .map(|m| m.weight.max(0.0))
        .collect();
    let total: f64 = weights.iter().sum();
    let weight = |k: usize| if total > 0.0 { weights[k] } else { 1.0 };
    let half = if total > 0.0 {
        total / 2.0
    } else {
        weights.len() as f64 / 2.0
    };
    (0..1u32 << weights.len())
        .filter(|set| {
            let held: f64 = (0..weights.len())
                .filter(|k| set & (1 << k) != 0)
                .map(weight)
                .sum();
            held <= half
        })
        .collect()
}

/// Exact distribution of the highest rung a crisis reaches under the model.
pub fn max_rung_distribution(
    params: &ModelParams,
    inputs: &CrisisInputs,
    sides: &SideTerms,
) -> [f64; RUNGS] {
    Ladder::new(params, inputs, sides).max_rung_distribution()
}

/// A quadrature rule for the expectation of a function of the standard half-normal variable
/// |Z|: `E f(|Z|) ~ sum_i weights[i] * f(nodes[i])`.
#[derive(Clone, Debug, PartialEq)]
pub struct QuadratureRule {
    pub nodes: Vec<f64>,
    pub weights: Vec<f64>,
}

/// Upper end of the rule's interval: P(|Z| > 8.5) = 1.9e-17.
pub const HALF_NORMAL_CUTOFF: f64 = 8.5;
/// Gauss-Legendre points per panel.
const POINTS_PER_PANEL: usize = 8;
/// Panels never number more than this (a reading-error scale of about 30 at the default
/// steepness; beyond that the rule loses accuracy gracefully).
const MAX_PANELS: usize = 400;

/// The rule for an integrand whose logistic terms have slope up to `sharpness` per unit of
/// |Z|: composite Gauss-Legendre on [0, 8.5] against the half-normal density 2 phi(z), with
/// panels no wider than the distance pi / sharpness from the real axis to the nearest pole of
/// a logistic term, so each panel's error falls like 4.2^(-2 x 8). Rules are made once per
/// panel count. With no error (`sharpness` 0) the rule is the single node 0.
pub fn half_normal_rule(sharpness: f64) -> &'static QuadratureRule {
    static RULES: [OnceLock<QuadratureRule>; MAX_PANELS + 1] =
        [const { OnceLock::new() }; MAX_PANELS + 1];
    let panels = panels_for(sharpness);
    RULES[panels].get_or_init(|| half_normal_rule_with_panels(panels))
}

/// Panels of the half-normal rule for an integrand of slope up to `sharpness` (0 for none).
fn panels_for(sharpness: f64) -> usize {
    if sharpness.is_finite() && sharpness > 0.0 {
        let width = std::f64::consts::PI / sharpness;
        ((HALF_NORMAL_CUTOFF / width).ceil() as usize).clamp(6, MAX_PANELS)
    } else if sharpness == 0.0 {
        0
    } else {
        MAX_PANELS
    }
}

/// The rule for the reading error `X`, a standard skew-normal variable with delta `bias`
/// (density `2 phi(x) Phi(alpha x)`, `alpha = delta / sqrt(1 - delta^2)`), for an integrand
/// whose nearest singularity is `pi / sharpness` from the real axis ([`Ladder::sharpness`]):
/// the fewer-noded of two rules, the nodes of negligible weight left out
/// ([`without_negligible_nodes`]).
/// - Where the error has both signs (|bias| < 1), the integrand is analytic on the whole real
///   line and falls off like a Gaussian, so the trapezoidal rule converges exponentially, its
///   error about e^(-2 pi a / h) for an integrand analytic in the strip |Im z| < a (Trefethen
///   and Weideman 2014, "The exponentially convergent trapezoidal rule", SIAM Review 56(3),
///   thm 5.1): step h = [`TRAPEZOID_STEP`] of the singularity's distance (e^(-27) = 1.5e-12),
///   and no more than [`TRAPEZOID_DENSITY_STEP`] / sqrt(1 + alpha^2), where `Phi(alpha x)` turns
///   (its growth off the axis). Against composite Gauss-Legendre it needs about half the nodes
///   for the same accuracy (tested).
/// - Composite Gauss-Legendre ([`skew_normal_rule`]): on [0, 8.5] against the half-normal
///   density at `bias` 1 (its mirror at -1), where the integrand stops at 0 and the trapezoid
///   loses its speed; on [-8.5, 8.5] split at 0 in between, with finer panels where
///   `Phi(alpha x)` turns, which is the smaller rule when |alpha| is large.
///
/// Rules are kept per thread, by bias and panel count or step (steps rounded down to
/// 2^(-k/32), at most 2 % finer than asked).
pub fn reading_error_rule(sharpness: f64, bias: f64) -> Rc<QuadratureRule> {
    thread_local! {
        static RULES: RefCell<HashMap<(u64, usize, bool), Rc<QuadratureRule>>> = RefCell::new(HashMap::new());
    }
    let bias = if bias.is_finite() {
        bias.clamp(-1.0, 1.0)
    } else {
        1.0
    };
    let panels = panels_for(sharpness);
    let step = trapezoid_step_index(sharpness, bias);
    RULES.with(|rules| {
        let mut rules = rules.borrow_mut();
        if rules.len() > 4096 {
            rules.clear();
        }
        let mut rule = |key: (u64, usize, bool), make: &dyn Fn() -> QuadratureRule| {
            rules
                .entry(key)
                .or_insert_with(|| Rc::new(without_negligible_nodes(make())))
                .clone()
        };
        let panelled = rule((bias.to_bits(), panels, false), &|| {
            skew_normal_rule(panels, bias)
        });
        match step {
            Some(k) => {
                let trapezoid = rule((bias.to_bits(), k, true), &|| trapezoid_rule(k, bias));
                if trapezoid.nodes.len() < panelled.nodes.len() {
                    trapezoid
                } else {
                    panelled
                }
            }
            None => panelled,
        }
    })
}

/// The trapezoidal rule's step as a share of the distance to the integrand's nearest
/// singularity (an error near e^(-2 pi / 0.23) = 1.5e-12; chosen on random ladders across the
/// parameters' ranges, where 0.25 misses by 3e-11).
const TRAPEZOID_STEP: f64 = 0.23;
/// The trapezoidal rule's longest step where `Phi(alpha x)` turns, times sqrt(1 + alpha^2).
const TRAPEZOID_DENSITY_STEP: f64 = 0.55;
/// Finest trapezoidal step, 2^(-K/32) with K this (about 0.004).
const TRAPEZOID_FINEST: usize = 256;

/// The trapezoidal rule's step for the skew-normal error with delta `bias`, as k in 2^(-k/32):
/// none where the error has one sign (|bias| 1), where there is no error (`sharpness` 0), or
/// where the step would be finer than 2^(-8) (the panelled rule is then the smaller).
fn trapezoid_step_index(sharpness: f64, bias: f64) -> Option<usize> {
    if !(sharpness.is_finite() && sharpness > 0.0 && bias.abs() < 1.0) {
        return None;
    }
    let alpha = skew_alpha(bias);
    let step = (TRAPEZOID_STEP * std::f64::consts::PI / sharpness)
        .min(TRAPEZOID_DENSITY_STEP / (1.0 + alpha * alpha).sqrt());
    let k = (-32.0 * step.log2()).ceil().max(0.0);
    (k <= TRAPEZOID_FINEST as f64).then_some(k as usize)
}

/// The trapezoidal rule of step 2^(-k/32) on [-8.5, 8.5] (nodes at the step's multiples) for
/// the skew-normal density with delta `bias` (|bias| < 1).
fn trapezoid_rule(k: usize, bias: f64) -> QuadratureRule {
    let h = (-(k as f64) / 32.0).exp2();
    let count = (HALF_NORMAL_CUTOFF / h).floor() as i64;
    let (nodes, weights) = (-count..=count)
        .map(|i| {
            let z = i as f64 * h;
            (z, h * skew_normal_density(z, bias))
        })
        .unzip();
    QuadratureRule { nodes, weights }
}

/// The skew-normal's shape alpha = delta / sqrt(1 - delta^2) for delta `bias` (|bias| < 1).
fn skew_alpha(bias: f64) -> f64 {
    bias / (1.0 - bias * bias).sqrt()
}

/// The standard skew-normal density with delta `bias` (|bias| < 1): 2 phi(x) Phi(alpha x).
fn skew_normal_density(x: f64, bias: f64) -> f64 {
    let alpha = skew_alpha(bias);
    2.0 * (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
        * 0.5
        * libm::erfc(-alpha * x / std::f64::consts::SQRT_2)
}

/// Largest total weight of the nodes a rule leaves out ([`without_negligible_nodes`]).
const NEGLIGIBLE_WEIGHT: f64 = 1e-13;

/// `rule` without its lightest nodes, as many as weigh [`NEGLIGIBLE_WEIGHT`] together (the
/// far tails, where the density is below about 1e-14): every integrand of the quadrature is a
/// probability, so leaving them out moves a noise average by less than that, a hundredth of
/// the rule's own error, and saves a tenth to a fifth of the nodes. The nodes kept stay in
/// order.
fn without_negligible_nodes(rule: QuadratureRule) -> QuadratureRule {
    let mut order: Vec<usize> = (0..rule.weights.len()).collect();
    order.sort_by(|&a, &b| rule.weights[a].abs().total_cmp(&rule.weights[b].abs()));
    let mut keep = vec![true; order.len()];
    let mut dropped = 0.0;
    for i in order {
        dropped += rule.weights[i].abs();
        if dropped > NEGLIGIBLE_WEIGHT {
            break;
        }
        keep[i] = false;
    }
    let (nodes, weights) = rule
        .nodes
        .iter()
        .zip(&rule.weights)
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|((z, w), _)| (*z, *w))
        .unzip();
    QuadratureRule { nodes, weights }
}

/// See [`reading_error_rule`].
fn skew_normal_rule(panels: usize, bias: f64) -> QuadratureRule {
    if bias == 1.0 {
        return half_normal_rule_with_panels(panels);
    }
    if bias == -1.0 {
        let r = half_normal_rule_with_panels(panels);
        return QuadratureRule {
            nodes: r.nodes.iter().map(|z| -z).collect(),
            weights: r.weights.clone(),
        };
    }
    if panels == 0 {
        return QuadratureRule {
            nodes: vec![0.0],
            weights: vec![1.0],
        };
    }
    let alpha = skew_alpha(bias);
    let density = |x: f64| skew_normal_density(x, bias);
    let coarse = HALF_NORMAL_CUTOFF / panels as f64;
    let turn = if alpha == 0.0 {
        0.0
    } else {
        (HALF_NORMAL_CUTOFF / alpha.abs()).min(HALF_NORMAL_CUTOFF)
    };
    let fine = if alpha == 0.0 {
        coarse
    } else {
        coarse.min(1.5 / alpha.abs())
    };
    // Pieces on the side alpha leans to: [0, turn] fine, [turn, 8.5] coarse; on the other
    // side only [-turn, 0] carries mass (Phi(alpha x) < 1e-17 beyond), fine.
    let sign = if alpha < 0.0 { -1.0 } else { 1.0 };
    let mut pieces = vec![(0.0, turn, fine), (turn, HALF_NORMAL_CUTOFF, coarse)];
    if alpha == 0.0 {
        pieces = vec![(0.0, HALF_NORMAL_CUTOFF, coarse)];
        pieces.push((-HALF_NORMAL_CUTOFF, 0.0, coarse));
    } else {
        pieces.push((-turn, 0.0, fine));
    }
    let (x, w) = gauss_legendre(POINTS_PER_PANEL);
    let mut nodes = Vec::new();
    let mut weights = Vec::new();
    for (a, b, width) in pieces {
        if b <= a {
            continue;
        }
        let n = ((b - a) / width).ceil().max(1.0) as usize;
        let h = (b - a) / n as f64;
        for k in 0..n {
            let mid = a + (k as f64 + 0.5) * h;
            for (xi, wi) in x.iter().zip(&w) {
                let z = sign * (mid + 0.5 * h * xi);
                nodes.push(z);
                weights.push(0.5 * h * wi * density(z));
            }
        }
    }
    QuadratureRule { nodes, weights }
}

fn half_normal_rule_with_panels(panels: usize) -> QuadratureRule {
    if panels == 0 {
        QuadratureRule {
            nodes: vec![0.0],
            weights: vec![1.0],
        }
    } else {
        composite_half_normal_rule(panels, POINTS_PER_PANEL, HALF_NORMAL_CUTOFF)
    }
}

/// Composite Gauss-Legendre rule with `panels` equal panels of `points` nodes on [0, `cutoff`]
/// for the half-normal density.
pub fn composite_half_normal_rule(panels: usize, points: usize, cutoff: f64) -> QuadratureRule {
    let (x, w) = gauss_legendre(points);
    let h = cutoff / panels as f64;
    let mut nodes = Vec::with_capacity(panels * points);
    let mut weights = Vec::with_capacity(panels * points);
    let density = (2.0 / std::f64::consts::PI).sqrt();
    for k in 0..panels {
        let mid = (k as f64 + 0.5) * h;
        for (xi, wi) in x.iter().zip(&w) {
            let z = mid + 0.5 * h * xi;
            nodes.push(z);
            weights.push(0.5 * h * wi * density * (-0.5 * z * z).exp());
        }
    }
    QuadratureRule { nodes, weights }
}

/// Gauss-Legendre nodes and weights on [-1, 1] (Newton iteration on the Legendre recurrence,
/// as in Press et al., Numerical Recipes, `gauleg`).
fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n.div_ceil(2) {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut pp = 1.0;
        for _ in 0..100 {
            let mut p1 = 1.0;
            let mut p2 = 0.0;
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                p1 = ((2 * j + 1) as f64 * z * p2 - j as f64 * p3) / (j + 1) as f64;
            }
            pp = n as f64 * (z * p1 - p2) / (z * z - 1.0);
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() <= 1e-15 {
                break;
            }
        }
        x[i] = -z;
        x[n - 1 - i] = z;
        w[i] = 2.0 / ((1.0 - z * z) * pp * pp);
        w[n - 1 - i] = w[i];
    }
    (x, w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;
    use rayon::prelude::*;

    fn example(trigger: Trigger) -> CrisisInputs {
        CrisisInputs {
            trigger,
            gravity: 0.6,
            protracted: 1.0,
            power_involvement: 1.0,
            actors: 3.0,
            power_discrepancy: 0.3,
            europe: 1.0,
            system_level: 1.0,
            mediation: 0.0,
            global_org: 0.0,
            regional_org: 0.0,
        }
    }

    /// The hardest case for the quadrature: the widest reading error and the steepest
    /// preemption response in their ranges, with the belief near the preemption threshold.
    fn hardest() -> (ModelParams, CrisisInputs, SideTerms) {
        let p = ModelParams {
            misperception_sd: 2.0,
            preemption_steepness: 20.0,
            preemption_max: 0.35,
            first_strike_fear: 3.0,
            ..ModelParams::default()
        };
        let mut sides = SideTerms::historical(&p);
        sides.russia_shift = 1.0;
        sides.nato_shift = 0.5;
        (p, example(Trigger::Violent), sides)
    }

    /// The k-th moment of a rule.
    fn moment(r: &QuadratureRule, k: i32) -> f64 {
        r.nodes
            .iter()
            .zip(&r.weights)
            .map(|(x, w)| w * x.powi(k))
            .sum()
    }

    #[test]
    fn half_normal_rule_integrates_moments() {
        for sharpness in [0.3, 1.0, 3.0, 10.0, 40.0] {
            let r = half_normal_rule(sharpness);
            let m = |k: i32| moment(r, k);
            assert!((m(0) - 1.0).abs() < 1e-12, "{sharpness}: {}", m(0));
            assert!((m(1) - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
            assert!((m(2) - 1.0).abs() < 1e-12);
            assert!((m(4) - 3.0).abs() < 1e-11);
        }
    }

    /// The distribution agrees with a high-precision quadrature (16 times as many panels,
    /// 20 points each, out to 12 standard deviations) to better than 1e-8 per rung, for every
    /// trigger class and for the hardest case in the parameters' ranges.
    #[test]
    fn exact_distribution_matches_high_precision_quadrature() {
        let reference = composite_half_normal_rule(2000, 20, 12.0);
        let (hp, hi, hs) = hardest();
        let p = ModelParams::default();
        let mut cases = vec![(hp, hi, hs)];
        for t in Trigger::ALL {
            cases.push((p.clone(), example(t), SideTerms::historical(&p)));
        }
        for (params, inputs, sides) in cases {
            let ladder = Ladder::new(&params, &inputs, &sides);
            let fast = ladder.max_rung_distribution();
            let slow = ladder.max_rung_distribution_with(&reference);
            for r in 0..RUNGS {
                assert!(
                    (fast[r] - slow[r]).abs() < 1e-8,
                    "{:?} rung {r}: {} vs {}",
                    inputs.trigger,
                    fast[r],
                    slow[r]
                );
            }
        }
    }

    /// Across the parameters' ranges (random reading errors, leans, preemption and fear
    /// responses, nuclear shadows, sides' shifts and NATO members), a ladder's own rule agrees
    /// with composite Gauss-Legendre of six times its panels to 2e-11 in every noise average:
    /// the panels, and the trapezoidal rule's step, follow the integrand's nearest singularity
    /// ([`Ladder::sharpness`]). (The bound on it used before,
    /// pi / (sd max(1, steepness/4, fear/4)), missed by up to 7e-11 at the shallow end of the
    /// preemption steepness, where the logistic's poles are nearer than its slope suggests.)
    #[test]
    fn the_rule_is_accurate_across_the_parameters_ranges() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut worst = 0.0f64;
        let mut nodes = 0;
        // Over the ladders whose error has both signs: the worst error, and the nodes against
        // those of the composite Gauss-Legendre rule.
        let (mut two_sided_worst, mut two_sided_nodes, mut panelled_nodes) = (0.0f64, 0, 0);
        for _ in 0..3000 {
            let p = ModelParams {
                misperception_sd: rng.random_range(0.3..2.0),
                preemption_steepness: rng.random_range(6.0..20.0),
                first_strike_fear: rng.random_range(0.5..3.0),
                preemption_threshold: rng.random_range(0.45..0.8),
                preemption_max: rng.random_range(0.02..0.35),
                nuclear_shadow: rng.random_range(1.0..4.0),
                hostile_bias: if rng.random::<f64>() < 0.3 {
                    1.0
                } else {
                    rng.random_range(-0.5..1.0)
                },
                ..ModelParams::default()
            };
            let mut inputs = example(Trigger::ALL[rng.random_range(0..TRIGGER_COUNT)]);
            inputs.gravity = rng.random();
            let mut sides = SideTerms::historical(&p);
            sides.war_threshold_shift = p.nuclear_shadow;
            sides.nato_shift = rng.random_range(-2.0..2.0);
            sides.russia_shift = rng.random_range(-2.0..2.0);
            let mut member = |decisive: bool, weight: f64, exposure: f64| MemberTerms {
                decisive,
                weight,
                offset: rng.random_range(-1.0..1.0),
                reading_shift: if decisive {
                    0.0
                } else {
                    rng.random_range(0.0..1.0)
                },
                exposure,
            };
            sides.nato = Arc::new(Alliance::new(&[
                member(true, 1.0, 0.2),
                member(false, 2.0, 0.5),
                member(false, 1.0, 1.0),
            ]));
            let ladder = Ladder::new(&p, &inputs, &sides);
            let rule = reading_error_rule(ladder.sharpness(), ladder.bias);
            nodes += rule.nodes.len();
            let own = ladder.noise_sums(&rule);
            let reference = ladder.noise_sums(&skew_normal_rule(
                panels_for(ladder.sharpness() * 6.0),
                ladder.bias,
            ));
            let error = own
                .iter()
                .flatten()
                .zip(reference.iter().flatten())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            worst = worst.max(error);
            if ladder.bias.abs() < 1.0 {
                two_sided_worst = two_sided_worst.max(error);
                two_sided_nodes += rule.nodes.len();
                panelled_nodes += without_negligible_nodes(skew_normal_rule(
                    panels_for(ladder.sharpness()),
                    ladder.bias,
                ))
                .nodes
                .len();
            }
        }
        assert!(worst < 2e-11, "worst error {worst:e}");
        // Where the error has both signs the trapezoidal rule is used, as accurate with about
        // half the nodes of the composite Gauss-Legendre rule.
        assert!(two_sided_worst < 1e-11, "worst error {two_sided_worst:e}");
        assert!(
            two_sided_nodes * 10 < panelled_nodes * 6,
            "{two_sided_nodes} nodes against {panelled_nodes}"
        );
        // The rules stay lean: about 68 nodes a ladder (115 with composite Gauss-Legendre
        // alone, 150 with the bound on the singularity used before).
        assert!(nodes < 3000 * 75, "{nodes} nodes");
    }

    /// The scalar form of the noise average, node by node with the C library's exponential
    /// (how the moves were computed before blocks).
    fn scalar_moves(ladder: &Ladder, rule: &QuadratureRule) -> [(f64, f64, f64); 3] {
        std::array::from_fn(|r| {
            let (mut np, mut ne, mut rp, mut re) = (0.0, 0.0, 0.0, 0.0);
            for (z, w) in rule.nodes.iter().zip(&rule.weights) {
                let (a, b) = ladder.nato_move(r as u8, ladder.sd * z);
                np += w * a;
                ne += w * b;
                let (a, b) = ladder.russia_move(r as u8, ladder.sd * z);
                rp += w * a;
                re += w * b;
            }
            let no_preempt = (1.0 - np) * (1.0 - rp);
            let hold = (1.0 - np - ne) * (1.0 - rp - re);
            (
                1.0 - no_preempt,
                no_preempt - hold,
                hold * ladder.deescalate,
            )
        })
    }

    /// The blocked quadrature computes what the scalar one does, to rounding, over trigger
    /// classes, members, biases and the hardest case; a rule of any length (a short last block).
    #[test]
    fn blocked_moves_equal_scalar_moves() {
        let (hp, hi, hs) = hardest();
        let p = ModelParams::default();
        let mut cases = vec![(hp, hi, hs)];
        for t in Trigger::ALL {
            for bias in [-1.0, -0.5, 0.0, 0.6, 1.0] {
                let mut sides = SideTerms::historical(&p);
                sides.hostile_bias = bias;
                sides.nato = Arc::new(Alliance::new(&members()));
                sides.russia_shift = 0.3;
                cases.push((p.clone(), example(t), sides));
            }
        }
        // Alliances whose sums over minorities take many steps: eight Europeans of unequal,
        // equal and partly zero weights, and eleven (the smallest merged).
        for weights in [
            vec![90.0, 70.0, 55.0, 40.0, 33.0, 20.0, 8.0, 2.0],
            vec![10.0; 8],
            vec![0.0, 5.0, 0.0, 5.0, 12.0, 0.0, 3.0],
            vec![60.0, 50.0, 45.0, 30.0, 25.0, 20.0, 12.0, 9.0, 7.0, 4.0, 1.0],
        ] {
            let mut sides = SideTerms::historical(&p);
            sides.nato = Arc::new(Alliance::new(&europeans(&weights)));
            sides.russia_shift = 0.3;
            cases.push((p.clone(), example(Trigger::ALL[2]), sides));
        }
        for (params, inputs, sides) in cases {
            let ladder = Ladder::new(&params, &inputs, &sides);
            let rule = reading_error_rule(ladder.sharpness(), ladder.bias);
            let odd = QuadratureRule {
                nodes: rule.nodes[..rule.nodes.len() - 3].to_vec(),
                weights: rule.weights[..rule.weights.len() - 3].to_vec(),
            };
            for rule in [&*rule, &odd] {
                let fast = ladder.averaged_moves(rule);
                let slow = scalar_moves(&ladder, rule);
                for r in 0..3 {
                    let (a, b) = (fast[r], slow[r]);
                    for (x, y) in [(a.0, b.0), (a.1, b.1), (a.2, b.2)] {
                        assert!((x - y).abs() <= 1e-14 * y.abs().max(1e-3), "{x} vs {y}");
                    }
                }
            }
        }
    }

    /// The vector paths chosen at run time give the bits of the portable one, so a result
    /// does not depend on the machine's vector instructions.
    #[test]
    fn every_vector_path_gives_the_same_bits() {
        let (params, inputs, mut sides) = hardest();
        sides.nato = Arc::new(Alliance::new(&members()));
        for bias in [0.3, 1.0] {
            sides.hostile_bias = bias;
            let ladder = Ladder::new(&params, &inputs, &sides);
            let rule = reading_error_rule(ladder.sharpness(), ladder.bias);
            let portable = ladder.noise_sums_blocks(&rule);
            assert_eq!(ladder.noise_sums(&rule), portable);
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the CPU has AVX2 and FMA.
                    assert_eq!(unsafe { ladder.noise_sums_avx2(&rule) }, portable);
                }
                if std::arch::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the CPU has AVX-512F.
                    assert_eq!(unsafe { ladder.noise_sums_avx512(&rule) }, portable);
                }
            }
        }
    }

    #[test]
    fn exp_is_the_exponential_to_rounding() {
        let mut x = -750.0;
        while x < 720.0 {
            let (fast, libm) = (exp(x), x.clamp(-708.0, 709.0).exp());
            assert!((fast - libm).abs() <= 4e-16 * libm, "{x}: {fast} vs {libm}");
            x += 0.0137;
        }
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn distribution_sums_to_one() {
        let p = ModelParams::default();
        for t in Trigger::ALL {
            let d = max_rung_distribution(&p, &example(t), &SideTerms::historical(&p));
            assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{d:?}");
            assert!(d.iter().all(|&v| (0.0..=1.0).contains(&v)));
        }
    }

    #[test]
    fn violent_triggers_start_with_violence() {
        let p = ModelParams::default();
        let d = max_rung_distribution(&p, &example(Trigger::Violent), &SideTerms::historical(&p));
        assert_eq!(d[0], 0.0);
        assert_eq!(
            start_distribution(&p, Trigger::NonMilitary),
            [1.0, 0.0, 0.0]
        );
        assert_eq!(Trigger::from_icb_code(9.0), Some(Trigger::Violent));
        assert_eq!(Trigger::from_icb_code(2.0), Some(Trigger::NonMilitary));
        assert_eq!(Trigger::from_icb_code(10.0), None);
        assert_eq!(Trigger::from_icb_code(f64::NAN), None);
    }

    fn simulated_counts(ladder: &Ladder, n: u64, seed: u64) -> [u64; RUNGS] {
        const CHUNK: u64 = 1_000_000;
        let chunks = n.div_ceil(CHUNK);
        (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (c << 20));
                let mut counts = [0u64; RUNGS];
                for _ in 0..CHUNK.min(n - c * CHUNK) {
                    counts[ladder.simulate(&mut rng).max_rung as usize] += 1;
                }
                counts
            })
            .reduce(|| [0; RUNGS], |a, b| std::array::from_fn(|r| a[r] + b[r]))
    }

    fn assert_agrees(exact: &[f64; RUNGS], counts: &[u64; RUNGS], what: &str) {
        let n: u64 = counts.iter().sum();
        for r in 0..RUNGS {
            let est = counts[r] as f64 / n as f64;
            let se = (exact[r] * (1.0 - exact[r]) / n as f64).sqrt();
            assert!(
                (est - exact[r]).abs() <= 4.0 * se + 1e-12,
                "{what} rung {r}: simulated {est} vs exact {} (se {se:.2e})",
                exact[r]
            );
        }
    }

    /// The simulator and the exact chain are the same model: Monte Carlo must agree with
    /// the exact distribution within its sampling error, for every trigger class.
    #[test]
    fn simulation_agrees_with_exact_distribution() {
        let p = ModelParams::default();
        for t in Trigger::ALL {
            let mut sides = SideTerms::historical(&p);
            sides.russia_shift = 0.4;
            let ladder = Ladder::new(&p, &example(t), &sides);
            let counts = simulated_counts(&ladder, 200_000, 7 + t.index() as u64);
            assert_agrees(&ladder.max_rung_distribution(), &counts, &format!("{t:?}"));
        }
    }

    /// 10^8 simulated crises of the hardest case: standard errors of about 4e-5 per rung,
    /// ten times smaller than the error of the Gauss-Hermite rule this replaced.
    #[test]
    fn hundred_million_crises_of_the_hardest_case_agree_with_the_chain() {
        let (p, inputs, sides) = hardest();
        let ladder = Ladder::new(&p, &inputs, &sides);
        let counts = simulated_counts(&ladder, 100_000_000, 11);
        assert_agrees(&ladder.max_rung_distribution(), &counts, "hardest case");
    }

    #[test]
    fn reading_error_rule_integrates_skew_normal_moments() {
        for bias in [-1.0, -0.5, 0.0, 0.3, 0.9, 0.99, 1.0] {
            for sharpness in [0.3, 3.0, 10.0] {
                let r = reading_error_rule(sharpness, bias);
                let m = |k: i32| moment(&r, k);
                let mean = bias * (2.0 / std::f64::consts::PI).sqrt();
                assert!((m(0) - 1.0).abs() < 1e-11, "{bias} {sharpness}: {}", m(0));
                assert!((m(1) - mean).abs() < 1e-11, "{bias}: {} vs {mean}", m(1));
                assert!((m(2) - 1.0).abs() < 1e-11, "{bias}: {}", m(2));
            }
        }
    }

    /// A NATO side of four members (a decisive one and three weighted Europeans, one on the
    /// border), for the tests of the members' rule.
    /// The least distance over many beliefs, found from two of them, is the least of each's
    /// distance by the sum of two arguments (how it was computed before).
    #[test]
    fn the_least_logit_distance_is_the_least_of_all() {
        let by_two_arguments = |x: f64, y0: f64| {
            if (0.0..=1.0).contains(&x) {
                y0.atan2(x) + y0.atan2(1.0 - x)
            } else {
                logit_distance(x, y0)
            }
        };
        let mut state = 7u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2000 {
            let y0 = 0.05 + 3.0 * uniform();
            let count = 1 + (uniform() * 15.0) as usize;
            let xs: Vec<f64> = (0..count).map(|_| 4.0 * uniform() - 1.5).collect();
            let all = xs
                .iter()
                .map(|&x| by_two_arguments(x, y0))
                .fold(f64::INFINITY, f64::min);
            let least = least_logit_distance(xs.iter().copied(), y0);
            assert!(
                (least - all).abs() <= 4e-16 * all,
                "{xs:?} {y0}: {least} vs {all}"
            );
        }
        assert!(least_logit_distance([0.2, f64::NAN].into_iter(), 1.0).is_nan());
        assert!(least_logit_distance([0.2].into_iter(), f64::NAN).is_nan());
    }

    /// The United States and Europeans of the given weights, each of its own leaning.
    fn europeans(weights: &[f64]) -> Vec<MemberTerms> {
        let mut out = vec![members()[0].clone()];
        for (k, &weight) in weights.iter().enumerate() {
            let x = k as f64 / weights.len() as f64;
            out.push(MemberTerms {
                decisive: false,
                weight,
                offset: 0.6 * x - 0.2,
                reading_shift: 0.5 - x,
                exposure: x,
            });
        }
        out
    }

    /// The sum over minorities takes few steps: one product and one sum for the built-ins'
    /// three Europeans; for eight of unequal weight fewer steps than half the minorities (each
    /// of which took a product of eight factors).
    #[test]
    fn the_sum_over_minorities_is_short() {
        let plan = |weights: &[f64]| Alliance::new(&europeans(weights)).minority_sum.steps.len();
        assert_eq!(plan(&[320.0, 20.0, 63.0]), 2);
        let unequal = [90.0, 70.0, 55.0, 40.0, 33.0, 20.0, 8.0, 2.0];
        let sets = minorities(&europeans(&unequal)).len();
        assert!(
            plan(&unequal) * 2 < sets,
            "{} steps for {sets} sets",
            plan(&unequal)
        );
    }

    fn members() -> Vec<MemberTerms> {
        let m = |decisive, weight, offset, reading_shift, exposure| MemberTerms {
            decisive,
            weight,
            offset,
            reading_shift,
            exposure,
        };
        vec![
            m(true, 880.0, -0.1, -0.35, 0.0),
            m(false, 320.0, 0.1, -0.15, 0.04),
            m(false, 20.0, 0.2, 0.05, 0.37),
            m(false, 63.0, 0.5, 0.4, 1.0),
        ]
    }

    /// The skew-normal average agrees with an independent reference: the reading error as
    /// delta |Z0| + sqrt(1 - delta^2) Z1 on a tensor grid of two fine composite rules.
    #[test]
    fn two_sided_errors_match_a_tensor_reference() {
        let half = composite_half_normal_rule(100, 20, 10.0);
        let (x, w) = gauss_legendre(20);
        let (panels, cutoff) = (100, 10.0);
        let h = 2.0 * cutoff / panels as f64;
        let mut normal = QuadratureRule {
            nodes: vec![],
            weights: vec![],
        };
        for k in 0..panels {
            let mid = -cutoff + (k as f64 + 0.5) * h;
            for (xi, wi) in x.iter().zip(&w) {
                let z: f64 = mid + 0.5 * h * xi;
                normal.nodes.push(z);
                normal.weights.push(
                    0.5 * h * wi * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt(),
                );
            }
        }
        let p = ModelParams::default();
        for bias in [-0.5, 0.0, 0.6] {
            let mut tensor = QuadratureRule {
                nodes: vec![],
                weights: vec![],
            };
            let c = (1.0f64 - bias * bias).sqrt();
            for (a, wa) in half.nodes.iter().zip(&half.weights) {
                for (b, wb) in normal.nodes.iter().zip(&normal.weights) {
                    if wa * wb > 1e-20 {
                        tensor.nodes.push(bias * a + c * b);
                        tensor.weights.push(wa * wb);
                    }
                }
            }
            let mut sides = SideTerms::historical(&p);
            sides.hostile_bias = bias;
            sides.misperception_sd = 1.5;
            sides.russia_shift = 0.5;
            sides.nato = Arc::new(Alliance::new(&members()));
            let ladder = Ladder::new(&p, &example(Trigger::IndirectViolent), &sides);
            let fast = ladder.max_rung_distribution();
            let slow = ladder.max_rung_distribution_with(&tensor);
            for r in 0..RUNGS {
                assert!(
                    (fast[r] - slow[r]).abs() < 1e-8,
                    "bias {bias} rung {r}: {} vs {}",
                    fast[r],
                    slow[r]
                );
            }
        }
    }

    /// The simulator and the exact chain agree with two-sided reading errors and a NATO side
    /// of several members.
    #[test]
    fn simulation_agrees_with_exact_distribution_for_members_and_two_sided_errors() {
        let p = ModelParams::default();
        for (i, bias) in [-0.5, 0.0, 0.6].into_iter().enumerate() {
            let mut sides = SideTerms::historical(&p);
            sides.hostile_bias = bias;
            sides.nato = Arc::new(Alliance::new(&members()));
            sides.russia_shift = 0.3;
            let ladder = Ladder::new(&p, &example(Trigger::Violent), &sides);
            let counts = simulated_counts(&ladder, 300_000, 31 + i as u64);
            assert_agrees(
                &ladder.max_rung_distribution(),
                &counts,
                &format!("bias {bias}"),
            );
        }
    }

    /// A frontline member alone can take the alliance to war by preempting; a more exposed,
    /// more tolerant or more vulnerable one does so more often.
    #[test]
    fn a_frontline_member_moves_the_chance_of_war() {
        let p = ModelParams::default();
        let war = |frontline: MemberTerms| {
            let mut sides = SideTerms::historical(&p);
            let mut m = members();
            m[3] = frontline;
            sides.nato = Arc::new(Alliance::new(&m));
            let d = max_rung_distribution(&p, &example(Trigger::NonViolentMilitary), &sides);
            d[3] + d[4]
        };
        let base = members()[3].clone();
        let w0 = war(base.clone());
        assert!(
            war(MemberTerms {
                offset: 1.0,
                ..base.clone()
            }) > w0
        );
        assert!(
            war(MemberTerms {
                reading_shift: 0.8,
                ..base.clone()
            }) > w0
        );
        assert!(
            war(MemberTerms {
                exposure: 0.2,
                ..base
            }) < w0
        );
    }

    /// Beyond MAX_EUROPEANS, the smallest Europeans are merged by weight; the sets that do not
    /// make a majority are those holding at most half the weight.
    #[test]
    fn many_europeans_are_merged_and_majorities_weighed() {
        let mut many = vec![MemberTerms::alliance()];
        for k in 0..20 {
            many.push(MemberTerms {
                decisive: false,
                weight: 1.0 + k as f64,
                offset: 0.1 * k as f64,
                reading_shift: 0.0,
                exposure: 0.5,
            });
        }
        let merged = merge_members(&many);
        assert_eq!(merged.len(), 1 + MAX_EUROPEANS);
        let total: f64 = merged
            .iter()
            .filter(|m| !m.decisive)
            .map(|m| m.weight)
            .sum();
        assert!((total - (1..=20).sum::<i32>() as f64).abs() < 1e-9);
        let three = |w: [f64; 3]| -> Vec<MemberTerms> {
            w.iter()
                .map(|&weight| MemberTerms {
                    decisive: false,
                    weight,
                    ..MemberTerms::alliance()
                })
                .collect()
        };
        // 320, 20, 63 (the built-ins): only sets without the first are minorities.
        assert_eq!(
            minorities(&three([320.0, 20.0, 63.0])),
            vec![0b000, 0b010, 0b100, 0b110]
        );
        // Equal weights: singletons and the empty set.
        assert_eq!(
            minorities(&three([0.0, 0.0, 0.0])),
            vec![0b000, 0b001, 0b010, 0b100]
        );
    }

    #[test]
    fn mediation_lowers_the_chance_of_war() {
        let p = ModelParams::default();
        let sides = SideTerms::historical(&p);
        let base = max_rung_distribution(&p, &example(Trigger::NonMilitary), &sides);
        let mediated = max_rung_distribution(
            &p,
            &CrisisInputs {
                mediation: 1.0,
                ..example(Trigger::NonMilitary)
            },
            &sides,
        );
        assert!(mediated[3] + mediated[4] < base[3] + base[4]);
    }
}
