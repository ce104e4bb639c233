//! The slow layer: month by month, the state that sets trigger rates and tilts crises —
//! Russian rearmament (slowed by export controls, sped by uncontrolled connectivity),
//! European spending and capability, transatlantic cohesion and credibility, war fatigue,
//! connectivity, misperception, Russian threat perception. With fixed parameters this
//! path is the same in every run, so an ensemble computes it once ([`Trajectory`]); only the
//! ceasefire and the crises are random.

use crate::params::ModelParams;
use crate::pathway::{Pathway, PATHWAY_COUNT};
use crate::policy::Policy;

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

/// The slow state in month `m` (0-based).
pub fn month_state(p: &ModelParams, pol: &Policy, m: u32) -> MonthState {
    let mech = &pol.mechanisms;
    let years = (m as f64 + 0.5) / 12.0;

    // Connectivity relaxes from its start toward the target.
    let conn_target = clamp01(mech.connectivity_target);
    let connectivity = conn_target
        + (pol.connectivity_start - conn_target) * (-years / p.connectivity_years.max(1e-6)).exp();

    // Rearmament: exponential approach to the target, 95 % at `rearm_years` when unhindered.
    let control = export_control_effect(pol);
    let rate = 3.0 / p.rearm_years.max(1e-6)
        * (1.0 - p.export_control_max_slowdown * control)
        * (1.0 + p.connectivity_rearm_leak * connectivity * (1.0 - control));
    let rearmament = 1.0 - (-rate * years).exp();
    let russia_forces_k = pol.russia_forces_start_k
        + (pol.russia_forces_target_k - pol.russia_forces_start_k) * rearmament;

    // European spending ramps linearly to its target.
    let ramp = if pol.europe_spending_ramp_years <= 0.0 {
        1.0
    } else {
        (years / pol.europe_spending_ramp_years).min(1.0)
    };
    let europe_spending_pct = pol.europe_spending_start_pct
        + (pol.europe_spending_target_pct - pol.europe_spending_start_pct) * ramp;

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

    // Threat perception rises with added forward forces and a porcupine Ukraine (the spiral).
    let russia_threat = clamp01(
        p.russia_threat_base
            + p.threat_per_brigade * pol.added_brigades.max(0.0)
            + p.threat_per_porcupine * clamp01(mech.porcupine),
    );

    // Trigger rates, per year, then per month.
    let tolerance = clamp01(pol.nato_escalation_tolerance);
    let assertive = 1.0 + p.assertiveness_weight * tolerance;
    let misread_scale = misperception / p.misperception_sd.max(1e-9);
    let quick = clamp01(
        pol.quick_success_probability * (1.0 - p.porcupine_denial * clamp01(mech.porcupine)),
    );
    let mut per_year = [0.0; PATHWAY_COUNT];
    per_year[Pathway::GrayZone.index()] = p.gray_zone_crisis_rate
        * (1.0 - p.incidents_code_cut * clamp01(mech.incidents_code))
        * assertive;
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
    per_year[Pathway::DeliberateAttack.index()] = p.deliberate_attack_rate
        * (quick / 0.5)
        * (2.0 * (1.0 - credibility))
        * (russia_forces_k / pol.russia_forces_target_k.max(1e-6));
    per_year[Pathway::Hybrid.index()] = p.hybrid_attack_rate
        * clamp01(
            p.hybrid_crisis_probability
                * (1.0 - p.hybrid_defence_cut * clamp01(mech.hybrid_defence))
                * assertive,
        );

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
    let cf = &pol.ceasefire;
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
        rates_peace,
        rates_war,
        ceasefire_breakdown,
        europe_spending_bn,
        us_spending_bn,
        mechanism_cost_bn,
    }
}
