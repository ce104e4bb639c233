//! Russia decides, consent, and NATO's members, on the built-in architectures (issue 10's
//! done-when): substitution between Russia's channels under denial, consent 0 equal to a
//! disabled mechanism bit for bit, and the frontline's profile moving the snap-exercise pathway.

use detente_arch::format::Architecture;
use detente_engine::exact::evaluate_scenario;
use detente_engine::{run_ensemble, EnsembleOptions, Pathway};

fn builtin(name: &str) -> Architecture {
    detente_arch::load(name)
        .expect("built-in loads")
        .architecture
}

/// With `pathway_substitution` at its default, denial in the Baltics (two-pronged) moves
/// Russia's effort from deliberate attacks into hybrid and gray-zone probing.
#[test]
fn denial_shifts_russian_effort_into_hybrid_and_gray_zone() {
    let base = evaluate_scenario(&builtin("baseline").to_scenario());
    let two = evaluate_scenario(&builtin("two-pronged").to_scenario());
    let probing = |s: &detente_engine::ExactSummary| {
        s.crises_per_year(Pathway::Hybrid) + s.crises_per_year(Pathway::GrayZone)
    };
    assert!(
        probing(&two) > probing(&base),
        "hybrid + gray zone: baseline {} two-pronged {}",
        probing(&base),
        probing(&two)
    );
    assert!(
        two.crises_per_year(Pathway::DeliberateAttack)
            < base.crises_per_year(Pathway::DeliberateAttack)
    );
    // Without substitution the same comparison has fewer hybrid crises under two-pronged
    // (its stronger hybrid defence): the rise above comes from Russia's choice.
    let without = |name: &str| {
        let mut a = builtin(name);
        a.parameters.insert("pathway_substitution".into(), 0.0);
        evaluate_scenario(&a.to_scenario())
    };
    let (b0, t0) = (without("baseline"), without("two-pronged"));
    assert!(t0.crises_per_year(Pathway::Hybrid) < b0.crises_per_year(Pathway::Hybrid));
}

/// The mechanisms that need Russia's consent.
fn agreed_mechanisms(
    m: &mut detente_arch::format::Mechanisms,
) -> Vec<&mut detente_arch::format::MechanismEntry> {
    let agreed: Vec<_> = m
        .entries
        .iter_mut()
        .filter(|(key, _)| {
            detente_engine::MechanismId::from_key(key)
                .is_some_and(|id| id.mechanism().needs_consent())
        })
        .map(|(_, entry)| entry)
        .collect();
    assert_eq!(agreed.len(), 5, "the five consent-needing mechanisms");
    agreed
}

/// An architecture whose consent-needing mechanisms all have `russian_consent = 0` gives the
/// same results, bit for bit with the same seed, as the same architecture with them disabled.
#[test]
fn consent_zero_is_the_same_as_disabled_bit_for_bit() {
    for name in ["break-the-ice", "combined"] {
        let mut refused = builtin(name);
        let mut disabled = refused.clone();
        for agreed in agreed_mechanisms(&mut refused.mechanisms) {
            agreed.russian_consent = Some(0.0);
        }
        refused.ceasefire.russian_consent = 0.0;
        for agreed in agreed_mechanisms(&mut disabled.mechanisms) {
            agreed.enabled = false;
        }
        disabled.ceasefire.dmz = false;
        disabled.ceasefire.monitoring = detente_arch::format::Monitoring::None;
        disabled.ceasefire.dispute_resolution = false;
        let options = EnsembleOptions::new(20_000, 7);
        let a = run_ensemble(&refused.to_scenario(), options, None, &|_| true, None).unwrap();
        let b = run_ensemble(&disabled.to_scenario(), options, None, &|_| true, None).unwrap();
        assert_eq!(a.wars, b.wars, "{name}");
        assert_eq!(
            a.p_war().value.to_bits(),
            b.p_war().value.to_bits(),
            "{name}"
        );
        assert_eq!(a.war_by_pathway, b.war_by_pathway, "{name}");
        assert_eq!(a.crises_by_pathway, b.crises_by_pathway, "{name}");
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{name}: the whole summary"
        );
        let (ea, eb) = (
            evaluate_scenario(&refused.to_scenario()),
            evaluate_scenario(&disabled.to_scenario()),
        );
        assert_eq!(ea, eb, "{name}: exact");
        // And consent matters: full consent differs.
        let full = evaluate_scenario(&builtin(name).to_scenario());
        assert!(
            full.p_war < ea.p_war,
            "{name}: {} vs {}",
            full.p_war,
            ea.p_war
        );
    }
}

/// The frontline's escalation tolerance and vulnerability change the snap-exercise pathway's
/// p(war): the frontline cannot move the alliance up a rung, but it can strike first.
#[test]
fn the_frontline_profile_moves_the_snap_exercise_pathway() {
    let snap = |edit: &dyn Fn(&mut detente_arch::format::Actor)| {
        let mut a = builtin("baseline");
        for actor in a.actors.iter_mut().filter(|x| x.id == "frontline") {
            edit(actor);
        }
        evaluate_scenario(&a.to_scenario()).p_war_by_pathway[Pathway::SnapExercise.index()]
    };
    let base = snap(&|_| {});
    let tolerant = snap(&|a| a.escalation_tolerance = 0.95);
    let averse = snap(&|a| a.escalation_tolerance = 0.2);
    let exposed = snap(&|a| a.vulnerability = 1.0);
    let safe = snap(&|a| a.vulnerability = 0.3);
    assert!(
        tolerant > base && base > averse,
        "{averse} {base} {tolerant}"
    );
    assert!(exposed > base && base > safe, "{safe} {base} {exposed}");
    // Distance: a frontline 1,000 km from Russia preempts far less.
    assert!(snap(&|a| a.proximity_km = 1000.0) < base);
}

/// Coupled layers (issue 11): the quick-success odds follow Russia's frontier forces, so as the
/// baseline's forces grow from 30k toward their post-war target the odds in year 10 are at least
/// those of year 0; the table behind them comes from the campaign model with the grab force
/// scaled, and more forces never make the grab less likely at the table's ends.
#[test]
fn quick_success_grows_with_russian_forces_on_the_baseline() {
    use detente_engine::slow::{Memory, Trajectory};
    let scenario = builtin("baseline").to_scenario();
    let table = &scenario.policy.quick_success_by_forces;
    assert!(table.len() >= 3, "{table:?}");
    assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(
        table.last().unwrap().1 > table.first().unwrap().1,
        "{table:?}"
    );
    let t = Trajectory::new(&scenario.params, &scenario.policy);
    let q0 = t.at(0, Memory::CALM).quick_success;
    let q10 = t.at(119, Memory::CALM).quick_success;
    eprintln!("quick success: table {table:?}; month 0 {q0:.4}, month 119 {q10:.4}");
    assert!(q10 >= q0, "year 0: {q0}, year 10: {q10}");
    assert!(t.at(119, Memory::CALM).russia_forces_k > t.at(0, Memory::CALM).russia_forces_k);
    // At the post-war target the odds are the posture's own (the grab force unscaled).
    let at_target = scenario.policy.quick_success_at(1.0);
    assert_eq!(at_target, scenario.policy.quick_success_probability);
}
