#![allow(clippy::field_reassign_with_default)]
//! What a run remembers: tension that makes crises cluster, a second Russia-Ukraine war that
//! changes the slow state, a ceasefire whose hazard falls with its age, a Belarus succession,
//! and US commitment answering burden-sharing — each shown on the engine's own outputs, with
//! a control in which the mechanism is switched off.

use detente_engine::exact::evaluate;
use detente_engine::run::simulate_run;
use detente_engine::slow::{month_state, Memory, Trajectory};
use detente_engine::*;

/// No war can start (crises never reach rung 3) and the ceasefire never breaks, so every run
/// lasts the horizon and its crises can be counted without truncation.
fn no_war_params() -> ModelParams {
    let mut p = ModelParams::default();
    p.nuclear_shadow = 40.0;
    p.ceasefire_base_hazard = 0.0;
    p.belarus_succession_unrest_factor = 1.0;
    p
}

/// Crises per run in the first and the second year, over `runs` runs: a 24-month run's first
/// twelve months are the 12-month run with the same seed (the same streams, month by month).
fn crises_by_year(params: &ModelParams, runs: u64) -> Vec<(f64, f64)> {
    let mut one = Policy::default();
    one.horizon_months = 12;
    let mut two = one.clone();
    two.horizon_months = 24;
    let (t1, t2) = (Trajectory::new(params, &one), Trajectory::new(params, &two));
    (0..runs)
        .map(|run| {
            let a: u32 = simulate_run(params, &one, &t1, 7, run).crises.iter().sum();
            let b: u32 = simulate_run(params, &two, &t2, 7, run).crises.iter().sum();
            assert!(b >= a);
            (a as f64, (b - a) as f64)
        })
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Variance over mean of the two years' total, and the correlation of the first year's count
/// with the second's.
fn dispersion_and_correlation(counts: &[(f64, f64)]) -> (f64, f64) {
    let total: Vec<f64> = counts.iter().map(|(a, b)| a + b).collect();
    let m = mean(&total);
    let var = total.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (total.len() - 1) as f64;
    let (first, second): (Vec<f64>, Vec<f64>) = counts.iter().cloned().unzip();
    let (ma, mb) = (mean(&first), mean(&second));
    let cov: f64 = counts.iter().map(|(a, b)| (a - ma) * (b - mb)).sum();
    let va: f64 = first.iter().map(|a| (a - ma) * (a - ma)).sum();
    let vb: f64 = second.iter().map(|b| (b - mb) * (b - mb)).sum();
    (var / m, cov / (va * vb).sqrt())
}

/// The gray-zone spiral is a property of runs: with tension, crises cluster — a run with more
/// crises in its first year has more in its second, and counts are over-dispersed — where a
/// Poisson process with the same (deterministic) rates has variance equal to its mean and
/// independent years.
#[test]
fn tension_makes_crises_cluster_in_time() {
    let runs = 20_000;
    let mut spiral = no_war_params();
    spiral.tension_trigger_rise = 2.0;
    let mut control = no_war_params();
    control.tension_trigger_rise = 0.0;
    control.tension_misperception_rise = 0.0;
    control.tension_threat_rise = 0.0;
    control.tension_cohesion_shift = 0.0;
    let (d1, r1) = dispersion_and_correlation(&crises_by_year(&spiral, runs));
    let (d0, r0) = dispersion_and_correlation(&crises_by_year(&control, runs));
    eprintln!(
        "tension: dispersion {d1:.3}, year-to-year correlation {r1:.3}; control {d0:.3}, {r0:.3}"
    );
    // Standard errors: the correlation of independent counts ~ 1/sqrt(n); the dispersion index of
    // Poisson counts ~ sqrt(2/n).
    let se_r = 1.0 / (runs as f64).sqrt();
    let se_d = (2.0 / runs as f64).sqrt();
    assert!(r0.abs() < 4.0 * se_r, "control correlation {r0}");
    assert!((d0 - 1.0).abs() < 4.0 * se_d, "control dispersion {d0}");
    assert!(r1 > 8.0 * se_r, "tension correlation {r1}");
    assert!(d1 > 1.0 + 8.0 * se_d, "tension dispersion {d1}");
    // At the defaults the clustering is there too, smaller.
    let (d, r) = dispersion_and_correlation(&crises_by_year(&no_war_params(), runs));
    assert!(r > 3.0 * se_r && d > 1.0 + 3.0 * se_d, "defaults: {d} {r}");
}

/// A second Russia-Ukraine war changes the slow state: fatigue up, cohesion and credibility
/// down, Russia's frontier forces and Ukraine's deterrent capability down (and with them the
/// quick-success odds); with its effects set to zero the state is the same bit for bit.
#[test]
fn a_second_war_changes_the_slow_state() {
    let params = ModelParams::default();
    let mut policy = Policy::default();
    policy
        .mechanisms
        .set(detente_engine::MechanismId::Porcupine, 1.0);
    policy.quick_success_by_forces = vec![(0.25, 0.05), (0.5, 0.2), (1.0, 0.6)];
    let fought = Memory {
        tension: 0,
        fought: true,
    };
    for m in [0, 40, 119] {
        let calm = month_state(&params, &policy, m, Memory::CALM);
        let after = month_state(&params, &policy, m, fought);
        assert!(after.war_fatigue > calm.war_fatigue, "month {m}");
        assert!(after.cohesion < calm.cohesion && after.credibility < calm.credibility);
        assert!(after.russia_forces_k < calm.russia_forces_k);
        assert!(
            after.mechanisms[detente_engine::MechanismId::Porcupine]
                < calm.mechanisms[detente_engine::MechanismId::Porcupine]
        );
        assert!(after.quick_success < calm.quick_success);
        // A weaker Ukraine: the ceasefire's hazard rises.
        assert!(after.ceasefire_hazard > calm.ceasefire_hazard);
    }
    let mut inert = params.clone();
    inert.second_war_fatigue_rise = 0.0;
    inert.second_war_force_drain = 0.0;
    inert.second_war_ukraine_attrition = 0.0;
    for m in [0, 40, 119] {
        assert_eq!(
            month_state(&inert, &policy, m, Memory::CALM),
            month_state(&inert, &policy, m, fought)
        );
    }
    // And the run-level effect: with a ceasefire that breaks often, the second war's effects
    // move p(war) (here the drain of Russian forces lowers deliberate attacks).
    let mut breaking = params.clone();
    breaking.ceasefire_base_hazard = 0.3;
    let mut without = breaking.clone();
    without.second_war_force_drain = 0.0;
    let (a, b) = (evaluate(&breaking, &policy), evaluate(&without, &policy));
    let attack = Pathway::DeliberateAttack.index();
    assert!(a.p_war_by_pathway[attack] < b.p_war_by_pathway[attack]);
}

/// The ceasefire's hazard falls with its age: a ceasefire that has already held five years
/// breaks less often; a guarantee cuts the hazard; with fragile and durable ceasefires alike
/// (ratio 1) age changes nothing, bit for bit.
#[test]
fn the_ceasefire_hazard_falls_with_age_and_a_guarantee() {
    let params = ModelParams::default();
    let policy = Policy::default();
    let mut old = policy.clone();
    old.ceasefire_age_years = 5.0;
    let mut guaranteed = policy.clone();
    guaranteed.ceasefire.guarantee = 1.0;
    let new_break = evaluate(&params, &policy).p_ceasefire_break;
    assert!(evaluate(&params, &old).p_ceasefire_break < new_break);
    assert!(evaluate(&params, &guaranteed).p_ceasefire_break < new_break);
    // The population hazard falls month by month (for a constant slow state).
    let mut flat = params.clone();
    flat.ceasefire_rearm_rise = 0.0;
    let e = evaluate(&flat, &policy);
    let mut alike = flat.clone();
    alike.ceasefire_fragile_ratio = 1.0;
    let mut alike_old = old.clone();
    alike_old.ceasefire_age_years = 5.0;
    assert_eq!(
        evaluate(&alike, &policy).p_ceasefire_break,
        evaluate(&alike, &alike_old).p_ceasefire_break
    );
    assert!(e.p_ceasefire_break < evaluate(&alike, &policy).p_ceasefire_break);
}

/// A Belarus succession raises the Belarus pathway; with no rise after one it changes nothing.
#[test]
fn a_belarus_succession_raises_the_belarus_pathway() {
    let params = ModelParams::default();
    let policy = Policy::default();
    let belarus = Pathway::Belarus.index();
    let base = evaluate(&params, &policy);
    let mut none = params.clone();
    none.belarus_succession_unrest_factor = 1.0;
    let mut never = params.clone();
    never.belarus_succession_rate = 0.0;
    let (a, b) = (evaluate(&none, &policy), evaluate(&never, &policy));
    // Equal up to rounding (the chain splits and rejoins the mass by succession).
    for (x, y) in a.p_war_by_pathway.iter().zip(&b.p_war_by_pathway) {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
    assert!(base.crises_per_run[belarus] > a.crises_per_run[belarus] * 1.2);
    assert!(base.p_war_by_pathway[belarus] > a.p_war_by_pathway[belarus]);
}

/// US commitment answers European burden-sharing: it rises along Europe's spending ramp with a
/// positive weight, falls with a negative one, stays put at zero.
#[test]
fn us_commitment_answers_burden_sharing() {
    let mut policy = Policy::default();
    policy.europe_spending_target_pct = 3.5;
    let commitment = |w: f64, m: u32| {
        let mut p = ModelParams::default();
        p.us_burden_sharing_weight = w;
        month_state(&p, &policy, m, Memory::CALM).us_commitment
    };
    assert!(commitment(0.1, 100) > commitment(0.1, 0));
    assert!(commitment(-0.1, 100) < commitment(-0.1, 0));
    assert_eq!(commitment(0.0, 100), policy.us_commitment);
}
