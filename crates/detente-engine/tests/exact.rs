#![allow(clippy::field_reassign_with_default)]
//! The exact chain against the simulator: every exact probability inside the ensemble's
//! 99.9 % interval, expected crises and months at risk within 4 standard errors.

use detente_engine::exact::{evaluate, ExactSummary};
use detente_engine::*;

/// z for a two-sided 99.9 % interval.
const Z999: f64 = 3.290_526_731_491_926;

/// Wilson score interval for k of n at 99.9 %.
fn wilson999(k: u64, n: u64) -> (f64, f64) {
    let (nf, p, z2) = (n as f64, k as f64 / n as f64, Z999 * Z999);
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z999 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn check(what: &str, exact: f64, k: u64, n: u64, failures: &mut Vec<String>) {
    let (lo, hi) = wilson999(k, n);
    if !(lo - 1e-12 <= exact && exact <= hi + 1e-12) {
        failures.push(format!(
            "{what}: exact {exact:.6} outside [{lo:.6}, {hi:.6}] ({k}/{n})"
        ));
    }
}

/// Every probability of `exact` inside the 99.9 % interval of `mc`; expected crises per run
/// and months at risk within Z999 standard errors (bounded by the Poisson and range variance).
pub fn agreement(name: &str, exact: &ExactSummary, mc: &Summary) -> Vec<String> {
    let n = mc.runs;
    let mut f = Vec::new();
    check(&format!("{name} p_war"), exact.p_war, mc.wars, n, &mut f);
    check(
        &format!("{name} p_nuclear"),
        exact.p_nuclear,
        mc.nuclear,
        n,
        &mut f,
    );
    check(
        &format!("{name} p_ceasefire_break"),
        exact.p_ceasefire_break,
        mc.ceasefire_breaks,
        n,
        &mut f,
    );
    for p in Pathway::ALL {
        let i = p.index();
        check(
            &format!("{name} p_war via {}", p.name()),
            exact.p_war_by_pathway[i],
            mc.war_by_pathway[i],
            n,
            &mut f,
        );
        // Crises per run: mean of a count; its variance is at most about mean (1 + mean).
        let mean = mc.crises_by_pathway[i] as f64 / n as f64;
        let se = ((exact.crises_per_run[i] * (1.0 + exact.crises_per_run[i])) / n as f64).sqrt();
        if (mean - exact.crises_per_run[i]).abs() > Z999 * se + 1e-12 {
            f.push(format!(
                "{name} crises per run on {}: exact {} vs simulated {mean}",
                p.name(),
                exact.crises_per_run[i]
            ));
        }
    }
    for r in 0..RUNGS {
        check(
            &format!("{name} highest rung {r}"),
            exact.max_rung[r],
            mc.max_rung_counts[r],
            n,
            &mut f,
        );
    }
    check(
        &format!("{name} no crisis"),
        exact.p_no_crisis(),
        n - mc.runs_with_crisis,
        n,
        &mut f,
    );
    let mut cum = 0u64;
    for (y, s) in exact.survival_by_year().iter().enumerate() {
        let end = ((y + 1) * 12).min(mc.war_month_counts.len());
        cum += mc.war_month_counts[y * 12..end].iter().sum::<u64>();
        check(
            &format!("{name} survival year {}", y + 1),
            *s,
            n - cum,
            n,
            &mut f,
        );
    }
    let horizon = mc.horizon_months as f64;
    let mean_months = mc.months_at_risk as f64 / n as f64;
    let se = (exact.p_war * horizon * horizon / n as f64).sqrt();
    if (mean_months - exact.months_at_risk).abs() > Z999 * se + 1e-9 {
        f.push(format!(
            "{name} months at risk: exact {} vs simulated {mean_months}",
            exact.months_at_risk
        ));
    }
    if (mc.mean_cost_bn() - exact.cost_bn).abs() > 1e-9 * exact.cost_bn.abs().max(1.0) {
        f.push(format!(
            "{name} cost: exact {} vs {}",
            exact.cost_bn,
            mc.mean_cost_bn()
        ));
    }
    f
}

fn risky_policy() -> Policy {
    // Every rate and the ceasefire hazard raised, so each part of the chain carries weight.
    let mut p = Policy::default();
    p.pathway_rate_multiplier = [3.0; PATHWAY_COUNT];
    p.ceasefire.formal = 0.0;
    p
}

#[test]
fn exact_chain_agrees_with_the_simulator() {
    let mut params = ModelParams::default();
    params.ceasefire_base_hazard = 0.2;
    params.second_war_months = 6.0;
    let mut at_war = risky_policy();
    at_war.ceasefire_holds_at_start = false;
    let cases = [
        ("default", ModelParams::default(), Policy::default()),
        ("risky", params.clone(), risky_policy()),
        ("at war at the start", params, at_war),
    ];
    let mut failures = Vec::new();
    for (name, params, policy) in cases {
        let exact = evaluate(&params, &policy);
        let scenario = Scenario {
            name: name.into(),
            params,
            policy,
        };
        let mc = run_ensemble(
            &scenario,
            EnsembleOptions::new(40_000, 3),
            None,
            &|_| true,
            None,
        )
        .unwrap();
        eprintln!(
            "{name}: exact p(war) {:.5}, simulated {:.5}; break {:.5} vs {:.5}",
            exact.p_war,
            mc.p_war().value,
            exact.p_ceasefire_break,
            mc.p_ceasefire_break().value
        );
        failures.extend(agreement(name, &exact, &mc));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn exact_probabilities_add_up() {
    let e = evaluate(&ModelParams::default(), &risky_policy());
    let by_pathway: f64 = e.p_war_by_pathway.iter().sum();
    assert!((by_pathway - e.p_war).abs() < 1e-12);
    let rungs: f64 = e.max_rung.iter().sum::<f64>() + e.p_no_crisis();
    assert!((rungs - 1.0).abs() < 1e-9, "{rungs}");
    assert!(e.p_nuclear <= e.p_war && e.p_war < 1.0);
    let s = e.survival_by_year();
    assert!(s.windows(2).all(|w| w[1] <= w[0]));
    assert!((s.last().unwrap() - (1.0 - e.p_war)).abs() < 1e-12);
}

#[test]
fn no_triggers_no_war_exactly() {
    let mut policy = Policy::default();
    policy.pathway_enabled = [false; PATHWAY_COUNT];
    let e = evaluate(&ModelParams::default(), &policy);
    assert_eq!(e.p_war, 0.0);
    assert_eq!(e.p_no_crisis(), 1.0);
    assert_eq!(e.months_at_risk, policy.horizon_months as f64);
}
