//! The slow layer: month by month, the state that sets trigger rates and tilts crises —
//! Russian rearmament (slowed by export controls, sped by uncontrolled connectivity),
//! European spending and capability, transatlantic cohesion and credibility (US commitment
//! answering European burden-sharing), war fatigue, connectivity, misperception, Russian
//! threat perception; Russia's willingness to let the mechanisms that need its consent work,
//! and so each mechanism's working strength; Russia's choice of effort across the channels it
//! controls (substitution when NATO closes one, motivation from threat perception and a
//! closing window); the campaign model's quick-success odds at the month's frontier forces;
//! the ceasefire's breakdown hazard for a fragile and a durable ceasefire. A run's
//! [`Memory`] — the tension left by its crises (a few levels) and whether a second
//! Russia-Ukraine war has been fought — shifts this state, so a [`Trajectory`] holds the
//! month's state for each memory: with fixed parameters it is the same in every run and an
//! ensemble computes it once; only the ceasefire, the crises and the memory are random.

use crate::crisis::logistic;
use crate::mechanism::{PathEffects, Strengths, WorkingContext};
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::{CeasefireTerms, Policy};
use std::sync::OnceLock;

/// Levels of tension, from 0 (calm) to `TENSION_LEVELS - 1` (the highest).
pub const TENSION_LEVELS: usize = 4;

/// What a run remembers of its past that shifts its slow state: the tension its crises left
/// (each crisis adds its highest rung, a level is shed at random about every
/// `tension_decay_months`) and whether a second Russia-Ukraine war has been fought (or is
/// under way at the start).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub tension: u8,
    pub fought: bool,
}

/// Number of memories.
pub const MEMORIES: usize = TENSION_LEVELS * 2;

impl Memory {
    /// No tension, no second war.
    pub const CALM: Memory = Memory {
        tension: 0,
        fought: false,
    };

    /// The memory whose slow state a NATO-Russia war's course reads (highest tension). The war's
    /// course reads only arms control's working strength, which a second war does not move.
    pub const AT_WAR: Memory = Memory {
        tension: (TENSION_LEVELS - 1) as u8,
        fought: false,
    };

    /// Index in `0..MEMORIES`.
    pub fn index(self) -> usize {
        self.tension.min(TENSION_LEVELS as u8 - 1) as usize * 2 + self.fought as usize
    }

    /// The memory of index `i`.
    pub fn from_index(i: usize) -> Memory {
        Memory {
            tension: (i / 2) as u8,
            fought: i % 2 == 1,
        }
    }

    /// Tension as a share of the highest level, 0-1.
    pub fn tension_share(self) -> f64 {
        self.tension.min(TENSION_LEVELS as u8 - 1) as f64 / (TENSION_LEVELS - 1) as f64
    }
}

/// The slow state in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthState {
    /// Russian forces near NATO's northern frontier (thousand troops).
    pub russia_forces_k: f64,
    /// Share of Russia's post-war rearmament done, 0-1.
    pub rearmament: f64,
    /// European NATO defence spending (% of GDP).
    pub europe_spending_pct: f64,
    /// Transatlantic cohesion, 0-1.
    pub cohesion: f64,
    /// Alliance credibility as Russia sees it, 0-1.
    pub credibility: f64,
    /// European war fatigue, 0-1.
    pub war_fatigue: f64,
    /// Connectivity, fraction of pre-2022 levels.
    pub connectivity: f64,
    /// Peacetime misperception (scale of the reading error), logit.
    pub misperception: f64,
    /// Russian threat perception, 0-1.
    pub russia_threat: f64,
    /// Russia's willingness to operate the mechanisms that need its consent, 0-1.
    pub russia_willingness: f64,
    /// The mechanisms as they work this month: the architecture's strengths, those that need
    /// Russia's consent times consent and willingness.
    pub mechanisms: Strengths,
    /// The ceasefire's terms as they work this month (those needing Russia on the ground
    /// times consent and willingness).
    pub ceasefire: CeasefireTerms,
    /// US commitment to European defence as it stands this month (burden-sharing), 0-1.
    pub us_commitment: f64,
    /// Tension as a share of its highest level, 0-1.
    pub tension: f64,
    /// Probability that a limited Russian grab in the Baltics succeeds quickly, as Russia
    /// reckons it this month (the posture's, cut by a porcupine Ukraine, raised by deception).
    pub quick_success: f64,
    /// Russia's motivation to challenge: 1 at base threat perception and a steady balance.
    pub russia_motivation: f64,
    /// Factor on the rates of Russia's channels from its strategic allocation (1 = none).
    pub russia_effort_factor: f64,
    /// Trigger rates per month by pathway while the ceasefire holds (spillover is 0).
    pub rates_peace: [f64; PATHWAY_COUNT],
    /// Trigger rates per month by pathway during a second Russia-Ukraine war.
    pub rates_war: [f64; PATHWAY_COUNT],
    /// The ceasefire's breakdown hazard this month for a ceasefire of average type at its start
    /// (per year): the terms, the guarantee, a porcupine Ukraine and Russian rearmament.
    pub ceasefire_hazard: f64,
    /// Ceasefire breakdown probability this month, for a durable (index 0) and a fragile
    /// (index 1) ceasefire.
    pub ceasefire_breakdown: [f64; 2],
    /// Probability of a leadership succession in Belarus this month.
    pub belarus_succession: f64,
    /// Factor on the Belarus pathway's rate once a succession has happened.
    pub belarus_succession_factor: f64,
    /// NATO defence spending this month (US$ bn), Europe and US.
    pub europe_spending_bn: f64,
    pub us_spending_bn: f64,
    /// Cost of the architecture's mechanisms this month (US$ bn).
    pub mechanism_cost_bn: f64,
}

/// The slow state over the horizon: for each month, the state under each [`Memory`]. Built
/// whole ([`Trajectory::new`], for the exact chain and an ensemble's shared path) or filled as
/// runs ask for states ([`Trajectory::lazy`], for a run with parameters of its own, which
/// visits only a few memories).
#[derive(Debug)]
pub struct Trajectory {
    params: ModelParams,
    policy: Policy,
    cells: Vec<[OnceLock<MonthState>; MEMORIES]>,
    /// Each month's memory-free part, made once for its memories.
    commons: Vec<OnceLock<MonthCommon>>,
    /// Share of fragile ceasefires among those holding at the start (a ceasefire that has
    /// already held `ceasefire_age_years` is likelier durable).
    pub fragile_share_at_start: f64,
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

impl Trajectory {
    /// The slow path for a policy under given parameters, every month and memory computed.
    pub fn new(params: &ModelParams, policy: &Policy) -> Trajectory {
        let t = Trajectory::lazy(params, policy);
        for m in 0..t.len() {
            for i in 0..MEMORIES {
                t.at(m, Memory::from_index(i));
            }
        }
        t
    }

    /// The same path, each month's state computed when first asked for.
    pub fn lazy(params: &ModelParams, policy: &Policy) -> Trajectory {
        let cells = (0..policy.horizon_months)
            .map(|_| std::array::from_fn(|_| OnceLock::new()))
            .collect();
        let commons = (0..policy.horizon_months)
            .map(|_| OnceLock::new())
            .collect();
        let mut t = Trajectory {
            params: params.clone(),
            policy: policy.clone(),
            cells,
            commons,
            fragile_share_at_start: 0.0,
        };
        let hazard = if policy.horizon_months > 0 {
            t.at(0, Memory::CALM).ceasefire_hazard
        } else {
            params.ceasefire_base_hazard
        };
        t.fragile_share_at_start = fragile_share_after(params, hazard, policy.ceasefire_age_years);
        t
    }

    /// Months in the horizon.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the horizon is empty.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The slow state of month `m` under `memory`.
    pub fn at(&self, m: usize, memory: Memory) -> &MonthState {
        self.cells[m][memory.index()].get_or_init(|| {
            let common = self.commons[m]
                .get_or_init(|| MonthCommon::new(&self.params, &self.policy, m as u32));
            month_state_with(&self.params, &self.policy, m as u32, memory, common)
        })
    }

    /// The slow state a crisis in month `m` is played with: the state of its year's middle
    /// month (the last month of a partial last year if the horizon ends earlier). Crisis
    /// settings change by the year, trigger rates and hazards by the month.
    pub fn crisis_state(&self, m: usize, memory: Memory) -> &MonthState {
        self.at(crisis_month(m, self.len()), memory)
    }

    /// The slow path under one memory, month by month.
    pub fn path(&self, memory: Memory) -> Vec<&MonthState> {
        (0..self.len()).map(|m| self.at(m, memory)).collect()
    }
}

/// The month whose slow state crises in month `m` are played with (see
/// [`Trajectory::crisis_state`]), of a horizon of `months` months.
pub fn crisis_month(m: usize, months: usize) -> usize {
    (m / 12 * 12 + 6).min(months.saturating_sub(1))
}

/// Share of fragile ceasefires among those that have held `age_years` under a hazard of `hazard`
/// per year for a new ceasefire of average type (Bayes: a fragile one survives that long less
/// often).
pub fn fragile_share_after(p: &ModelParams, hazard: f64, age_years: f64) -> f64 {
    let share = clamp01(p.ceasefire_fragile_share);
    let (durable, fragile) = ceasefire_type_factors(p);
    let age = age_years.max(0.0);
    let f = share * (-hazard * fragile * age).exp();
    let d = (1.0 - share) * (-hazard * durable * age).exp();
    if f + d > 0.0 {
        f / (f + d)
    } else {
        0.0
    }
}

/// Factors on the ceasefire hazard of a durable and a fragile ceasefire, scaled so that a new
/// ceasefire of unknown type has the hazard itself: share x fragile + (1 - share) x durable = 1.
pub fn ceasefire_type_factors(p: &ModelParams) -> (f64, f64) {
    let share = clamp01(p.ceasefire_fragile_share);
    let ratio = p.ceasefire_fragile_ratio.max(1.0);
    let durable = 1.0 / (share * ratio + 1.0 - share);
    (durable, ratio * durable)
}

/// Connectivity after `years`: relaxes from its start toward the target the mechanisms set.
fn connectivity_at(p: &ModelParams, pol: &Policy, paths: &PathEffects, years: f64) -> f64 {
    let target = paths.connectivity_target.unwrap_or(pol.connectivity_start);
    target + (pol.connectivity_start - target) * (-years / p.connectivity_years.max(1e-6)).exp()
}

/// Share of Russia's rearmament done after `years`: exponential approach, 95 % at
/// `rearm_years` when unhindered, slowed by the mechanisms (export controls), sped by the
/// connectivity they leave uncontrolled.
fn rearmament_at(p: &ModelParams, pol: &Policy, paths: &PathEffects, years: f64) -> f64 {
    let rate = 3.0 / p.rearm_years.max(1e-6)
        * paths.rearm_rate_factor
        * (1.0
            + p.connectivity_rearm_leak
                * connectivity_at(p, pol, paths, years)
                * paths.uncontrolled_share);
    1.0 - (-rate * years).exp()
}

/// Russian forces near NATO's northern frontier after `years` (thousand troops).
fn russia_forces_at(p: &ModelParams, pol: &Policy, paths: &PathEffects, years: f64) -> f64 {
    pol.russia_forces_start_k
        + (pol.russia_forces_target_k - pol.russia_forces_start_k)
            * rearmament_at(p, pol, paths, years)
}

/// European spending after `years` (% of GDP): a linear ramp to the target.
fn europe_spending_at(pol: &Policy, years: f64) -> f64 {
    let ramp = if pol.europe_spending_ramp_years <= 0.0 {
        1.0
    } else {
        (years / pol.europe_spending_ramp_years).min(1.0)
    };
    pol.europe_spending_start_pct
        + (pol.europe_spending_target_pct - pol.europe_spending_start_pct) * ramp
}

/// The yearly shift of the balance against Russia at `years`: growth of NATO's European
/// capability (spending times joint production) minus growth of Russia's frontier forces over
/// the next year, in log units. Positive when the window is closing on Russia.
pub fn closing_window(p: &ModelParams, pol: &Policy, years: f64) -> f64 {
    let nato = |y: f64| europe_spending_at(pol, y).max(1e-6);
    let paths = pol.mechanisms.path_effects(p);
    let russia = |y: f64| russia_forces_at(p, pol, &paths, y).max(1e-6);
    (nato(years + 1.0) / nato(years)).ln() - (russia(years + 1.0) / russia(years)).ln()
}

fn logit(q: f64) -> f64 {
    let q = q.clamp(1e-12, 1.0 - 1e-12);
    (q / (1.0 - q)).ln()
}

/// The channels Russia controls, their effort per crisis (gray-zone equivalents) and the
/// share of each channel's unopposed rate that NATO's measures let through.
struct Channel {
    pathway: Pathway,
    effort: f64,
    /// Yearly crisis rate as the channel stands (NATO's measures included).
    rate: f64,
    /// Yearly crisis rate with NATO's measures on the channel absent.
    unopposed: f64,
}

/// Russia's strategic allocation: the factor on the rates of its channels. Russia's total
/// effort is its motivation times the effort its channels would take unopposed; it spends it
/// in proportion to the rates that get through (a proportional, Luce choice among channels:
/// where NATO closes one, the effort goes to the others). `pathway_substitution` blends this
/// with the channels' own rates: rate x (1 + s (K - 1)), K = motivation x unopposed effort /
/// effort as the channels stand. With s = 0 the factor is exactly 1.
fn effort_factor(p: &ModelParams, channels: &[Channel], motivation: f64) -> f64 {
    let s = clamp01(p.pathway_substitution);
    if s == 0.0 {
        return 1.0;
    }
    let standing: f64 = channels.iter().map(|c| c.effort * c.rate).sum();
    let unopposed: f64 = channels.iter().map(|c| c.effort * c.unopposed).sum();
    let k = if standing > 0.0 {
        motivation * unopposed / standing
    } else {
        1.0
    };
    (1.0 + s * (k - 1.0)).max(0.0)
}

/// The part of a month's slow state that is the same whatever a run remembers: computed once
/// per month for the eight memories ([`month_state_with`]).
#[derive(Clone, Debug)]
pub(crate) struct MonthCommon {
    years: f64,
    connectivity: f64,
    rearmament: f64,
    /// Russia's frontier forces before a second war's drain.
    russia_forces_k: f64,
    europe_spending_pct: f64,
    mechanism_threat: f64,
    closing_window: f64,
    ceasefire_type_factors: (f64, f64),
    belarus_succession: f64,
    belarus_succession_factor: f64,
    europe_spending_bn: f64,
    us_spending_bn: f64,
    mechanism_cost_bn: f64,
}

impl MonthCommon {
    /// The memory-free part of month `m`'s slow state.
    pub(crate) fn new(p: &ModelParams, pol: &Policy, m: u32) -> MonthCommon {
        let years = (m as f64 + 0.5) / 12.0;
        let paths = pol.mechanisms.path_effects(p);
        let europe_spending_pct = europe_spending_at(pol, years);
        MonthCommon {
            years,
            connectivity: connectivity_at(p, pol, &paths, years),
            rearmament: rearmament_at(p, pol, &paths, years),
            russia_forces_k: russia_forces_at(p, pol, &paths, years),
            europe_spending_pct,
            mechanism_threat: pol.mechanisms.threat(m, p),
            closing_window: closing_window(p, pol, years),
            ceasefire_type_factors: ceasefire_type_factors(p),
            belarus_succession: -(-p.belarus_succession_rate.max(0.0) / 12.0).exp_m1(),
            belarus_succession_factor: p.belarus_succession_unrest_factor.max(0.0),
            // Costs follow what is agreed (strength times consent; the same whatever a run
            // remembers, so the willingness of the month does not enter).
            europe_spending_bn: pol.europe_gdp_bn * europe_spending_pct / 100.0 / 12.0,
            us_spending_bn: pol.us_spending_bn / 12.0,
            mechanism_cost_bn: (pol.mechanisms.yearly_cost_bn(m, p)
                + p.brigade_cost_bn * pol.added_brigades.max(0.0))
                / 12.0,
        }
    }
}

/// The slow state in month `m` (0-based) of a run with memory `memory`.
pub fn month_state(p: &ModelParams, pol: &Policy, m: u32, memory: Memory) -> MonthState {
    month_state_with(p, pol, m, memory, &MonthCommon::new(p, pol, m))
}

/// [`month_state`] given the month's memory-free part `common` (of the same `p`, `pol`, `m`).
pub(crate) fn month_state_with(
    p: &ModelParams,
    pol: &Policy,
    m: u32,
    memory: Memory,
    common: &MonthCommon,
) -> MonthState {
    let years = common.years;
    let tension = memory.tension_share();

    let connectivity = common.connectivity;
    let rearmament = common.rearmament;
    // A second war draws forces off the northern frontier.
    let drain = if memory.fought {
        clamp01(p.second_war_force_drain)
    } else {
        0.0
    };
    let russia_forces_k = common.russia_forces_k * (1.0 - drain);
    let europe_spending_pct = common.europe_spending_pct;

    // Threat perception rises with added forward forces and mechanisms that feed the spiral
    // (a porcupine Ukraine), and with tension. Mechanisms count in the months they work.
    let russia_threat = clamp01(
        p.russia_threat_base
            + p.threat_per_brigade * pol.added_brigades.max(0.0)
            + common.mechanism_threat
            + p.tension_threat_rise * tension,
    );

    // Consent: the mechanisms that need Russia work the share of the time it agrees to, less
    // as it feels more threatened. A second war wears down Ukraine's deterrent capability.
    let russia_willingness =
        clamp01(1.0 - p.consent_threat_weight * (russia_threat - p.russia_threat_base));
    let ukraine_capability = if memory.fought {
        1.0 - clamp01(p.second_war_ukraine_attrition)
    } else {
        1.0
    };
    let mech = pol.mechanisms.working(
        m,
        &WorkingContext {
            russia_willingness,
            ukraine_capability,
        },
    );
    let effects = mech.slow_effects(p);
    let agreed = |strength: f64| {
        clamp01(strength) * clamp01(pol.ceasefire.russian_consent) * russia_willingness
    };
    let cf = CeasefireTerms {
        dmz: agreed(pol.ceasefire.dmz),
        // observers count as a share of peacekeepers, folded into the working monitoring
        monitoring: agreed(
            pol.ceasefire.monitoring
                + p.ceasefire_observer_share.clamp(0.0, 1.0) * pol.ceasefire.observers,
        ),
        observers: 0.0,
        dispute_resolution: agreed(pol.ceasefire.dispute_resolution),
        ..pol.ceasefire.clone()
    };

    // Fatigue grows (and jumps with a second war); cohesion drifts, erodes with fatigue, gains
    // with burden-sharing, rallies or fractures with tension.
    let war_fatigue = clamp01(
        pol.war_fatigue_start
            + pol.war_fatigue_growth_per_year * years
            + if memory.fought {
                p.second_war_fatigue_rise
            } else {
                0.0
            },
    );
    let spending_rise = europe_spending_pct - pol.europe_spending_start_pct;
    let cohesion = clamp01(
        pol.cohesion_start + pol.cohesion_drift_per_year * years
            - p.cohesion_fatigue_weight * (war_fatigue - pol.war_fatigue_start)
            + p.cohesion_per_spending_point * spending_rise
            + p.tension_cohesion_shift * tension,
    );
    let europe_part = clamp01(
        europe_spending_pct / p.europe_spending_saturation_pct.max(1e-6)
            * effects.europe_capability_factor,
    );
    // US commitment answers European burden-sharing.
    let us_commitment = clamp01(pol.us_commitment + p.us_burden_sharing_weight * spending_rise);
    let credibility = clamp01(
        cohesion
            * (p.us_credibility_weight * us_commitment
                + (1.0 - p.us_credibility_weight) * europe_part),
    );

    // Misperception falls with connectivity and open dialogue, rises with tension.
    let misperception = p.misperception_sd
        * (1.0 - p.connectivity_misperception_cut * connectivity)
        * effects.misperception_factor
        * (1.0 + p.tension_misperception_rise * tension);

    // Russia's reckoning of a quick success: the campaign model's at the month's frontier
    // forces, as the mechanisms move it (a porcupine Ukraine denies, a hotline exploited to
    // mask preparations raises it).
    let forces_ratio = russia_forces_k / pol.russia_forces_target_k.max(1e-6);
    let denied = clamp01(pol.quick_success_at(forces_ratio) * effects.quick_success_factor);
    let quick_success = if effects.quick_success_logit_shift != 0.0 {
        logistic(logit(denied) + effects.quick_success_logit_shift)
    } else {
        denied
    };

    // Trigger rates, per year, then per month.
    let tolerance = clamp01(pol.nato_escalation_tolerance);
    let assertive = 1.0 + p.assertiveness_weight * tolerance;
    let misread_scale = misperception / p.misperception_sd.max(1e-9);
    let mut per_year = [0.0; PATHWAY_COUNT];
    let gray_zone_open = p.gray_zone_crisis_rate * assertive;
    per_year[Pathway::GrayZone.index()] =
        gray_zone_open * effects.trigger_factor[Pathway::GrayZone.index()];
    per_year[Pathway::SnapExercise.index()] = p.snap_exercise_rate
        * clamp01(
            p.snap_misread_probability
                * effects.trigger_factor[Pathway::SnapExercise.index()]
                * misread_scale
                * (1.0
                    + p.snap_tolerance_slope * (clamp01(pol.frontline_escalation_tolerance) - 0.5)),
        );
    per_year[Pathway::UkraineSpillover.index()] = 0.0;
    per_year[Pathway::Belarus.index()] =
        p.belarus_unrest_rate * clamp01(p.belarus_intervention_probability);
    per_year[Pathway::MoldovaGeorgia.index()] = p.moldova_georgia_crisis_rate;
    let attack_open = p.deliberate_attack_rate * forces_ratio;
    per_year[Pathway::DeliberateAttack.index()] =
        attack_open * (quick_success / 0.5) * (2.0 * (1.0 - credibility));
    let hybrid_open = p.hybrid_attack_rate * clamp01(p.hybrid_crisis_probability * assertive);
    per_year[Pathway::Hybrid.index()] = p.hybrid_attack_rate
        * clamp01(
            p.hybrid_crisis_probability
                * effects.trigger_factor[Pathway::Hybrid.index()]
                * assertive,
        );

    // Russia decides: its motivation and its allocation across the channels it controls.
    let russia_motivation = (1.0
        + p.threat_motivation_weight * (russia_threat - p.russia_threat_base)
        + p.closing_window_weight * common.closing_window)
        .max(0.0);
    let channel = |pathway: Pathway, effort: f64, unopposed: f64| Channel {
        pathway,
        effort,
        rate: per_year[pathway.index()],
        unopposed,
    };
    let channels = [
        channel(Pathway::GrayZone, 1.0, gray_zone_open),
        channel(Pathway::Hybrid, 1.0, hybrid_open),
        channel(
            Pathway::MoldovaGeorgia,
            p.intervention_effort,
            per_year[Pathway::MoldovaGeorgia.index()],
        ),
        channel(
            Pathway::Belarus,
            p.intervention_effort,
            per_year[Pathway::Belarus.index()],
        ),
        // Unopposed: an even chance of a quick success and half credibility, the rate's
        // reference point.
        channel(Pathway::DeliberateAttack, p.attack_effort, attack_open),
    ];
    let russia_effort_factor = effort_factor(p, &channels, russia_motivation);
    for c in &channels {
        per_year[c.pathway.index()] *= russia_effort_factor;
    }

    // Tension: incidents feed each other.
    let spiral = (1.0 + p.tension_trigger_rise * tension).max(0.0);
    for pathway in [Pathway::GrayZone, Pathway::SnapExercise, Pathway::Hybrid] {
        per_year[pathway.index()] *= spiral;
    }

    let mut rates_peace = [0.0; PATHWAY_COUNT];
    let mut rates_war = [0.0; PATHWAY_COUNT];
    for (i, pathway) in Pathway::ALL.iter().enumerate() {
        let live = if pol.pathway_enabled[i] {
            pol.pathway_rate_multiplier[i].max(0.0)
        } else {
            0.0
        };
        rates_peace[i] = per_year[i] * live / 12.0;
        rates_war[i] = if *pathway == Pathway::UkraineSpillover {
            p.spillover_crisis_rate * live / 12.0
        } else {
            rates_peace[i]
        };
    }

    // Ceasefire breakdown hazard (Fortna's terms and a guarantee cut it; rearmament raises
    // it), for a new ceasefire of average type; fragile ones break faster, durable ones slower.
    // Disabling the spillover pathway removes its crises, not the ceasefire's breakdown.
    let ceasefire_hazard = p.ceasefire_base_hazard.max(0.0)
        * (1.0 - p.ceasefire_formal_cut * clamp01(cf.formal))
        * (1.0 - p.ceasefire_specific_cut * clamp01(cf.specificity))
        * (1.0 - p.ceasefire_dmz_cut * clamp01(cf.dmz))
        * (1.0 - p.ceasefire_monitoring_cut * clamp01(cf.monitoring))
        * (1.0 - p.ceasefire_dispute_cut * clamp01(cf.dispute_resolution))
        * (1.0 - p.ceasefire_guarantee_cut * clamp01(cf.guarantee))
        * effects.ceasefire_hazard_factor
        * (1.0 + p.ceasefire_rearm_rise * rearmament);
    let (durable, fragile) = common.ceasefire_type_factors;
    let ceasefire_breakdown = [durable, fragile].map(|f| -(-ceasefire_hazard * f / 12.0).exp_m1());

    let belarus_succession = common.belarus_succession;
    let belarus_succession_factor = common.belarus_succession_factor;
    let europe_spending_bn = common.europe_spending_bn;
    let us_spending_bn = common.us_spending_bn;
    let mechanism_cost_bn = common.mechanism_cost_bn;

    MonthState {
        russia_forces_k,
        rearmament,
        europe_spending_pct,
        cohesion,
        credibility,
        war_fatigue,
        connectivity,
        misperception,
        russia_threat,
        russia_willingness,
        mechanisms: mech,
        ceasefire: cf,
        us_commitment,
        tension,
        quick_success,
        russia_motivation,
        russia_effort_factor,
        rates_peace,
        rates_war,
        ceasefire_hazard,
        ceasefire_breakdown,
        belarus_succession,
        belarus_succession_factor,
        europe_spending_bn,
        us_spending_bn,
        mechanism_cost_bn,
    }
}

impl MonthState {
    /// Trigger rates per month by pathway: during a second Russia-Ukraine war (`war`) or not,
    /// after a Belarus succession (`succeeded`) or not.
    pub fn rates(&self, war: bool, succeeded: bool) -> [f64; PATHWAY_COUNT] {
        let mut rates = if war {
            self.rates_war
        } else {
            self.rates_peace
        };
        if succeeded {
            rates[Pathway::Belarus.index()] *= self.belarus_succession_factor;
        }
        rates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `pathway_substitution` at 0 the trigger rates are exactly those of the model
    /// without strategic choice: the other strategic parameters change nothing, bit for bit,
    /// and the rates equal the channels' own formulas.
    #[test]
    fn no_substitution_leaves_the_rates_of_the_model_without_choice() {
        let policy = Policy::default();
        let plain = ModelParams {
            pathway_substitution: 0.0,
            ..ModelParams::default()
        };
        let varied = ModelParams {
            attack_effort: 30.0,
            intervention_effort: 10.0,
            threat_motivation_weight: 3.0,
            closing_window_weight: 3.0,
            ..plain.clone()
        };
        for m in [0, 30, 90, 119] {
            let a = month_state(&plain, &policy, m, Memory::CALM);
            let b = month_state(&varied, &policy, m, Memory::CALM);
            assert_eq!(a.russia_effort_factor, 1.0);
            assert_eq!(a.rates_peace, b.rates_peace, "month {m}");
            // The gray-zone and deliberate-attack channels by their own formulas.
            let assertive = 1.0 + plain.assertiveness_weight * policy.nato_escalation_tolerance;
            let gray = plain.gray_zone_crisis_rate * assertive / 12.0;
            assert_eq!(a.rates_peace[Pathway::GrayZone.index()], gray);
            let attack = plain.deliberate_attack_rate
                * (a.russia_forces_k / policy.russia_forces_target_k)
                * (a.quick_success / 0.5)
                * (2.0 * (1.0 - a.credibility))
                / 12.0;
            let got = a.rates_peace[Pathway::DeliberateAttack.index()];
            assert!((got - attack).abs() <= 1e-15 * attack, "{got} vs {attack}");
        }
    }

    /// With substitution, closing one channel raises the others; Russia's total effort over
    /// its channels is conserved at full substitution and steady motivation.
    #[test]
    fn closing_a_channel_raises_the_others() {
        let params = ModelParams {
            pathway_substitution: 1.0,
            closing_window_weight: 0.0,
            ..ModelParams::default()
        };
        let open = Policy::default();
        let mut denied = open.clone();
        denied.quick_success_probability = 0.01;
        let effort = |st: &MonthState| {
            let r = &st.rates_peace;
            r[Pathway::GrayZone.index()]
                + r[Pathway::Hybrid.index()]
                + params.intervention_effort
                    * (r[Pathway::Belarus.index()] + r[Pathway::MoldovaGeorgia.index()])
                + params.attack_effort * r[Pathway::DeliberateAttack.index()]
        };
        let (a, b) = (
            month_state(&params, &open, 60, Memory::CALM),
            month_state(&params, &denied, 60, Memory::CALM),
        );
        for p in [
            Pathway::GrayZone,
            Pathway::Hybrid,
            Pathway::Belarus,
            Pathway::MoldovaGeorgia,
        ] {
            assert!(b.rates_peace[p.index()] > a.rates_peace[p.index()], "{p:?}");
        }
        assert!(
            b.rates_peace[Pathway::DeliberateAttack.index()]
                < a.rates_peace[Pathway::DeliberateAttack.index()]
        );
        assert!((effort(&a) - effort(&b)).abs() < 1e-12 * effort(&a));
        // The snap-exercise pathway is not Russia's choice.
        assert_eq!(
            a.rates_peace[Pathway::SnapExercise.index()],
            b.rates_peace[Pathway::SnapExercise.index()]
        );
    }
}
