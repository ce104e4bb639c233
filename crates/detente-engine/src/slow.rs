//! The slow layer: month by month, the state that sets trigger rates and tilts crises —
//! Russian rearmament (slowed by export controls, sped by uncontrolled connectivity),
//! European spending and capability, transatlantic cohesion and credibility, war fatigue,
//! connectivity, misperception, Russian threat perception; Russia's willingness to let the
//! mechanisms that need its consent work, and so each mechanism's working strength; Russia's
//! choice of effort across the channels it controls (substitution when NATO closes one,
//! motivation from threat perception and a closing window). With fixed parameters this
//! path is the same in every run, so an ensemble computes it once ([`Trajectory`]); only the
//! ceasefire and the crises are random.

use crate::crisis::logistic;
use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::{CeasefireTerms, MechanismStrengths, Policy};

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
    pub mechanisms: MechanismStrengths,
    /// The ceasefire's terms as they work this month (those needing Russia on the ground
    /// times consent and willingness).
    pub ceasefire: CeasefireTerms,
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
    /// Ceasefire breakdown probability this month.
    pub ceasefire_breakdown: f64,
    /// NATO defence spending this month (US$ bn), Europe and US.
    pub europe_spending_bn: f64,
    pub us_spending_bn: f64,
    /// Cost of the architecture's mechanisms this month (US$ bn).
    pub mechanism_cost_bn: f64,
}

/// The slow state over the horizon, one entry per month.
#[derive(Clone, Debug)]
pub struct Trajectory {
    pub months: Vec<MonthState>,
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

impl Trajectory {
    /// Compute the slow path for a policy under given parameters.
    pub fn new(params: &ModelParams, policy: &Policy) -> Trajectory {
        let months = (0..policy.horizon_months)
            .map(|m| month_state(params, policy, m))
            .collect();
        Trajectory { months }
    }
}

/// Effective export-control coverage: the share of military and dual-use goods stopped.
pub fn export_control_effect(policy: &Policy) -> f64 {
    clamp01(policy.mechanisms.export_controls) * (1.0 - clamp01(policy.mechanisms.export_leakage))
}

/// Connectivity after `years`: relaxes from its start toward the target.
fn connectivity_at(p: &ModelParams, pol: &Policy, years: f64) -> f64 {
    let target = clamp01(pol.mechanisms.connectivity_target);
    target + (pol.connectivity_start - target) * (-years / p.connectivity_years.max(1e-6)).exp()
}

/// Share of Russia's rearmament done after `years`: exponential approach, 95 % at
/// `rearm_years` when unhindered, slowed by export controls, sped by uncontrolled connectivity.
fn rearmament_at(p: &ModelParams, pol: &Policy, years: f64) -> f64 {
    let control = export_control_effect(pol);
    let rate = 3.0 / p.rearm_years.max(1e-6)
        * (1.0 - p.export_control_max_slowdown * control)
        * (1.0 + p.connectivity_rearm_leak * connectivity_at(p, pol, years) * (1.0 - control));
    1.0 - (-rate * years).exp()
}

/// Russian forces near NATO's northern frontier after `years` (thousand troops).
fn russia_forces_at(p: &ModelParams, pol: &Policy, years: f64) -> f64 {
    pol.russia_forces_start_k
        + (pol.russia_forces_target_k - pol.russia_forces_start_k) * rearmament_at(p, pol, years)
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
    let russia = |y: f64| russia_forces_at(p, pol, y).max(1e-6);
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

/// The slow state in month `m` (0-based).
pub fn month_state(p: &ModelParams, pol: &Policy, m: u32) -> MonthState {
    let years = (m as f64 + 0.5) / 12.0;

    let connectivity = connectivity_at(p, pol, years);
    let rearmament = rearmament_at(p, pol, years);
    let russia_forces_k = russia_forces_at(p, pol, years);
    let europe_spending_pct = europe_spending_at(pol, years);

    // Threat perception rises with added forward forces and a porcupine Ukraine (the spiral).
    let offered = &pol.mechanisms.started(&pol.mechanism_starts, m);
    let russia_threat = clamp01(
        p.russia_threat_base
            + p.threat_per_brigade * pol.added_brigades.max(0.0)
            + p.threat_per_porcupine * clamp01(offered.porcupine),
    );

    // Consent: the mechanisms that need Russia work the share of the time it agrees to, less
    // as it feels more threatened.
    let russia_willingness =
        clamp01(1.0 - p.consent_threat_weight * (russia_threat - p.russia_threat_base));
    let agreed =
        |strength: f64, consent: f64| clamp01(strength) * clamp01(consent) * russia_willingness;
    let c = &pol.consent;
    let mech = MechanismStrengths {
        hotline: agreed(offered.hotline, c.hotline),
        incidents_code: agreed(offered.incidents_code, c.incidents_code),
        exercise_notification: agreed(offered.exercise_notification, c.exercise_notification),
        crisis_dialogue: agreed(offered.crisis_dialogue, c.crisis_dialogue),
        arms_control: agreed(offered.arms_control, c.arms_control),
        ..offered.clone()
    };
    let cf = CeasefireTerms {
        dmz: agreed(pol.ceasefire.dmz, c.ceasefire),
        monitoring: agreed(pol.ceasefire.monitoring, c.ceasefire),
        dispute_resolution: agreed(pol.ceasefire.dispute_resolution, c.ceasefire),
        ..pol.ceasefire.clone()
    };

    // Fatigue grows; cohesion drifts, erodes with fatigue, gains with burden-sharing.
    let war_fatigue = clamp01(pol.war_fatigue_start + pol.war_fatigue_growth_per_year * years);
    let cohesion = clamp01(
        pol.cohesion_start + pol.cohesion_drift_per_year * years
            - p.cohesion_fatigue_weight * (war_fatigue - pol.war_fatigue_start)
            + p.cohesion_per_spending_point * (europe_spending_pct - pol.europe_spending_start_pct),
    );
    let europe_part = clamp01(
        europe_spending_pct / p.europe_spending_saturation_pct.max(1e-6)
            * (1.0 + p.joint_production_boost * clamp01(mech.joint_production)),
    );
    let credibility = clamp01(
        cohesion
            * (p.us_credibility_weight * clamp01(pol.us_commitment)
                + (1.0 - p.us_credibility_weight) * europe_part),
    );

    // Misperception falls with connectivity and open dialogue.
    let misperception = p.misperception_sd
        * (1.0 - p.connectivity_misperception_cut * connectivity)
        * (1.0 - p.dialogue_misperception_cut * clamp01(mech.crisis_dialogue));

    // Russia's reckoning of a quick success: the posture's, cut by a porcupine Ukraine, raised
    // where it exploits the hotline to mask preparations.
    let denied = clamp01(
        pol.quick_success_probability * (1.0 - p.porcupine_denial * clamp01(mech.porcupine)),
    );
    let quick_success = if p.channel_deception != 0.0 && mech.hotline > 0.0 {
        logistic(logit(denied) + p.channel_deception * mech.hotline)
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
        gray_zone_open * (1.0 - p.incidents_code_cut * clamp01(mech.incidents_code));
    per_year[Pathway::SnapExercise.index()] = p.snap_exercise_rate
        * clamp01(
            p.snap_misread_probability
                * (1.0 - p.exercise_notification_cut * clamp01(mech.exercise_notification))
                * misread_scale
                * (0.5 + clamp01(pol.frontline_escalation_tolerance)),
        );
    per_year[Pathway::UkraineSpillover.index()] = 0.0;
    per_year[Pathway::Belarus.index()] =
        p.belarus_unrest_rate * clamp01(p.belarus_intervention_probability);
    per_year[Pathway::MoldovaGeorgia.index()] = p.moldova_georgia_crisis_rate;
    let forces_ratio = russia_forces_k / pol.russia_forces_target_k.max(1e-6);
    let attack_open = p.deliberate_attack_rate * forces_ratio;
    per_year[Pathway::DeliberateAttack.index()] =
        attack_open * (quick_success / 0.5) * (2.0 * (1.0 - credibility));
    let hybrid_open = p.hybrid_attack_rate * clamp01(p.hybrid_crisis_probability * assertive);
    per_year[Pathway::Hybrid.index()] = p.hybrid_attack_rate
        * clamp01(
            p.hybrid_crisis_probability
                * (1.0 - p.hybrid_defence_cut * clamp01(mech.hybrid_defence))
                * assertive,
        );

    // Russia decides: its motivation and its allocation across the channels it controls.
    let russia_motivation = (1.0
        + p.threat_motivation_weight * (russia_threat - p.russia_threat_base)
        + p.closing_window_weight * closing_window(p, pol, years))
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

    // Ceasefire breakdown hazard (Fortna's terms cut it; rearmament raises it).
    let hazard = p.ceasefire_base_hazard
        * (1.0 - p.ceasefire_formal_cut * clamp01(cf.formal))
        * (1.0 - p.ceasefire_specific_cut * clamp01(cf.specificity))
        * (1.0 - p.ceasefire_dmz_cut * clamp01(cf.dmz))
        * (1.0 - p.ceasefire_monitoring_cut * clamp01(cf.monitoring))
        * (1.0 - p.ceasefire_dispute_cut * clamp01(cf.dispute_resolution))
        * (1.0 - p.ceasefire_porcupine_cut * clamp01(mech.porcupine))
        * (1.0 + p.ceasefire_rearm_rise * rearmament);
    let ceasefire_breakdown = if pol.pathway_enabled[Pathway::UkraineSpillover.index()] {
        1.0 - (-hazard / 12.0).exp()
    } else {
        0.0
    };

    let europe_spending_bn = pol.europe_gdp_bn * europe_spending_pct / 100.0 / 12.0;
    let us_spending_bn = pol.us_spending_bn / 12.0;
    let risk_reduction = (clamp01(mech.hotline)
        + clamp01(mech.incidents_code)
        + clamp01(mech.exercise_notification)
        + clamp01(mech.crisis_dialogue)
        + clamp01(mech.arms_control)
        + clamp01(mech.hybrid_defence)
        + clamp01(mech.export_controls)
        + clamp01(mech.connectivity_target))
        / 8.0;
    let mechanism_cost_bn = (p.porcupine_cost_bn * clamp01(mech.porcupine)
        + p.brigade_cost_bn * pol.added_brigades.max(0.0)
        + p.risk_reduction_cost_bn * risk_reduction)
        / 12.0;

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
        quick_success,
        russia_motivation,
        russia_effort_factor,
        rates_peace,
        rates_war,
        ceasefire_breakdown,
        europe_spending_bn,
        us_spending_bn,
        mechanism_cost_bn,
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
            let a = month_state(&plain, &policy, m);
            let b = month_state(&varied, &policy, m);
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
            month_state(&params, &open, 60),
            month_state(&params, &denied, 60),
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
