#![allow(clippy::field_reassign_with_default)]
//! Invariants of the engine: determinism whatever the thread count, probabilities in [0, 1],
//! no war without triggers, the conditions under which mechanisms that cut misperception
//! never raise the risk (and cases where they do), and agreement of the Monte Carlo estimate
//! with exact results.

use detente_engine::crisis::{max_rung_distribution, CrisisInputs, SideTerms, Trigger};
use detente_engine::slow::Memory;
use detente_engine::*;
use proptest::prelude::*;

fn scenario(policy: Policy) -> Scenario {
    Scenario {
        name: "test".into(),
        params: ModelParams::default(),
        policy,
    }
}

fn ensemble(s: &Scenario, runs: u64, seed: u64) -> Summary {
    run_ensemble(s, EnsembleOptions::new(runs, seed), None, &|_| true, None).unwrap()
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let s = scenario(Policy::default());
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| ensemble(&s, 9_000, 5));
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| ensemble(&s, 9_000, 5));
    assert_eq!(one, three);
    let other_seed = ensemble(&s, 9_000, 6);
    assert_ne!(one, other_seed);
    // In chunks small enough to be many (141), each thread after the first reads its own
    // copy of the event sampler's tables: still the same result.
    let many = |threads: usize| {
        let options = EnsembleOptions {
            chunk: 64,
            ..EnsembleOptions::new(9_000, 5)
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_ensemble(&s, options, None, &|_| true, None).unwrap())
    };
    let (many_one, many_three) = (many(1), many(3));
    assert_eq!(many_one, many_three);
    assert_eq!(many_one.wars, one.wars);
}

#[test]
fn no_triggers_no_war() {
    let mut policy = Policy::default();
    policy.pathway_enabled = [false; PATHWAY_COUNT];
    let s = ensemble(&scenario(policy), 5_000, 1);
    assert_eq!(s.wars, 0);
    assert_eq!(s.crises_by_pathway.iter().sum::<u64>(), 0);
    assert!(s.survival_by_year().iter().all(|e| e.value == 1.0));
}

/// Parameters under which a run's memory changes nothing: tension moves no rate or crisis and
/// the ceasefire never breaks.
fn stationary_params() -> ModelParams {
    ModelParams {
        tension_trigger_rise: 0.0,
        tension_misperception_rise: 0.0,
        tension_threat_rise: 0.0,
        tension_cohesion_shift: 0.0,
        ceasefire_base_hazard: 0.0,
        ..ModelParams::default()
    }
}

/// A policy whose slow state does not move, so every trigger rate and every crisis is the same
/// in every month: the time to the first war is then exactly geometric.
fn stationary_policy(pathway: Pathway) -> Policy {
    let mut p = Policy::default();
    p.pathway_enabled = [false; PATHWAY_COUNT];
    p.pathway_enabled[pathway.index()] = true;
    p.war_fatigue_growth_per_year = 0.0;
    p.cohesion_drift_per_year = 0.0;
    p.europe_spending_target_pct = p.europe_spending_start_pct;
    p.russia_forces_target_k = p.russia_forces_start_k;
    p
}

#[test]
fn ensemble_agrees_with_exact_survival_in_a_stationary_model() {
    let pathway = Pathway::MoldovaGeorgia;
    let mut policy = stationary_policy(pathway);
    policy.pathway_rate_multiplier[pathway.index()] = 5.0;
    let params = stationary_params();
    let st = detente_engine::slow::month_state(&params, &policy, 0, Memory::CALM);
    let monthly = detente_engine::run::monthly_war_probability(&params, &policy, &st, &st, true);
    let s = ensemble(
        &Scenario {
            params,
            ..scenario(policy.clone())
        },
        40_000,
        11,
    );
    for (y, e) in s.survival_by_year().iter().enumerate() {
        // Poisson triggers thinned by each crisis's exact war probability: geometric survival,
        // within 3.29 standard errors (99.9 %): a 95 % interval for each of ten years is
        // exceeded by chance too often to make a test.
        let exact = (1.0 - monthly).powi(12 * (y as i32 + 1));
        let se = (exact * (1.0 - exact) / 40_000.0).sqrt();
        assert!(
            (e.value - exact).abs() <= 3.29 * se,
            "year {}: exact {exact}, simulated {} (se {se})",
            y + 1,
            e.value
        );
    }
}

#[test]
fn strengthening_hotline_and_dialogue_does_not_raise_p_war() {
    let weak = Policy::default();
    let mut strong = weak.clone();
    strong.mechanisms.set(MechanismId::Hotline, 1.0);
    strong.mechanisms.set(MechanismId::CrisisDialogue, 1.0);
    strong
        .mechanisms
        .set(MechanismId::ExerciseNotification, 1.0);
    let cmp = compare(
        &[scenario(weak), scenario(strong)],
        EnsembleOptions::new(20_000, 3),
        None,
        &|_| true,
    )
    .unwrap();
    let d = cmp.diff_vs_first(1);
    assert!(d.high <= 0.0 || d.value <= 0.0, "p_war rose: {d:?}");
    assert!(d.value < 0.0);
}

/// Parameters drawn from their ranges, with the reading errors hostile-only and no deception:
/// the conditions under which cutting misperception cannot raise the risk.
fn arb_hostile_params() -> impl Strategy<Value = ModelParams> {
    arb_params().prop_map(|mut p| {
        p.hostile_bias = 1.0;
        p.channel_deception = 0.0;
        p
    })
}

fn arb_params() -> impl Strategy<Value = ModelParams> {
    let n = PARAM_SPECS.len();
    proptest::collection::vec(0.0f64..=1.0, n).prop_map(|u| {
        let mut p = ModelParams::default();
        for (s, x) in PARAM_SPECS.iter().zip(u) {
            p.set(s.name, s.low + x * (s.high - s.low));
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn probabilities_stay_in_unit_interval(params in arb_params(), hot in 0.0f64..=1.0, port in 0.0f64..=1.0, seed in 0u64..1000) {
        let mut policy = Policy::default();
        policy.horizon_months = 36;
        policy.mechanisms.set(MechanismId::Hotline, hot);
        policy.mechanisms.set(MechanismId::Porcupine, port);
        let s = Scenario { name: "p".into(), params, policy };
        let sum = ensemble(&s, 300, seed);
        for e in [sum.p_war(), sum.p_nuclear(), sum.p_ceasefire_break()] {
            prop_assert!((0.0..=1.0).contains(&e.value) && 0.0 <= e.low && e.low <= e.value && e.value <= e.high && e.high <= 1.0);
        }
        let surv = sum.survival_by_year();
        for w in surv.windows(2) {
            prop_assert!(w[1].value <= w[0].value);
        }
        prop_assert!(sum.nuclear <= sum.wars);
    }

    /// Less misperception (what hotlines, dialogue and connectivity buy) never raises the
    /// exact probability that a crisis reaches war, when every reading error over-reads the
    /// other's hostility (`hostile_bias` 1): each side's moves rise with its error, so a
    /// smaller error lowers every move up and the ladder is stochastically lower. This holds
    /// by the model's form under that condition; it is not evidence from data.
    #[test]
    fn less_misperception_never_raises_crisis_war_probability(
        params in arb_hostile_params(),
        gravity in 0.0f64..=1.0,
        trigger in 0usize..4,
        nato in -2.0f64..=2.0,
        russia in -2.0f64..=2.0,
        sd in 0.0f64..=3.0,
        cut in 0.0f64..=1.0,
    ) {
        let inputs = CrisisInputs { trigger: Trigger::from_index(trigger), gravity, protracted: 1.0, power_involvement: 1.0, actors: 3.0, power_discrepancy: 0.5, europe: 1.0, system_level: 1.0, mediation: 0.0, global_org: 0.0, regional_org: 0.0 };
        let mut sides = SideTerms::historical(&params);
        sides.nato_shift = nato;
        sides.russia_shift = russia;
        sides.misperception_sd = sd;
        let before = max_rung_distribution(&params, &inputs, &sides);
        sides.misperception_sd = sd * (1.0 - cut);
        let after = max_rung_distribution(&params, &inputs, &sides);
        prop_assert!(after[3] + after[4] <= before[3] + before[4] + 1e-9, "before {:?} after {:?}", before, after);
    }
}

/// A draw that switches every trigger off in odd-numbered draws: half the draws then have no
/// war at all, which the spread across draws must show.
struct HalfOff;

impl ParamDraw for HalfOff {
    fn draw(&self, rng: &mut detente_engine::rng::EngineRng, base: &ModelParams) -> ModelParams {
        use rand::Rng;
        let mut p = base.clone();
        if rng.random::<bool>() {
            for name in [
                "gray_zone_crisis_rate",
                "snap_exercise_rate",
                "spillover_crisis_rate",
                "belarus_unrest_rate",
                "moldova_georgia_crisis_rate",
                "deliberate_attack_rate",
                "hybrid_attack_rate",
            ] {
                p.set(name, 0.0);
            }
        }
        p
    }
}

#[test]
fn spread_across_parameter_draws_shows_parameter_uncertainty() {
    let s = scenario(Policy::default());
    let options = EnsembleOptions {
        runs_per_draw: 250,
        ..EnsembleOptions::new(40_000, 9)
    };
    let sum = run_ensemble(&s, options, Some(&HalfOff), &|_| true, None).unwrap();
    let spread = sum.p_war_across_draws().expect("several runs per draw");
    assert_eq!(spread.draws, 160);
    assert_eq!(spread.low, 0.0, "some draws have no triggers at all");
    assert!(spread.high > 0.1);
    assert!(spread.parameter_share > 0.9);
    // One run per draw: no spread to report, and the same marginal machinery.
    let per_run = run_ensemble(
        &s,
        EnsembleOptions::new(4_000, 9),
        Some(&HalfOff),
        &|_| true,
        None,
    )
    .unwrap();
    assert!(per_run.p_war_across_draws().is_none());
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    proptest::collection::vec(0.0f64..=1.0, 12).prop_map(|u| {
        let mut p = Policy::default();
        use MechanismId::*;
        let m = &mut p.mechanisms;
        for (id, u) in [
            Hotline,
            IncidentsCode,
            ExerciseNotification,
            CrisisDialogue,
            ArmsControl,
            Porcupine,
            HybridDefence,
            ExportControls,
        ]
        .into_iter()
        .zip(u.iter().copied())
        {
            m.set(id, u);
        }
        m[ExportControls].leakage = u[8];
        m.set(ManagedConnectivity, u[9]);
        p.nato_escalation_tolerance = u[10];
        p.frontline_escalation_tolerance = u[11];
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The whole engine, exactly: in every month, strengthening a mechanism documented to
    /// cut misperception or misreading (hotline, crisis dialogue, exercise notification)
    /// never raises the probability that a war starts that month, whatever the other
    /// mechanisms and parameters — provided reading errors are hostile-only and nobody
    /// exploits the channels (`hostile_bias` 1, `channel_deception` 0). The tests below find
    /// cases where it fails when either condition is dropped.
    #[test]
    fn misperception_cutting_mechanisms_never_raise_the_monthly_war_probability(
        params in arb_hostile_params(),
        policy in arb_policy(),
        which in 0usize..3,
        extra in 0.0f64..=1.0,
        month in 0u32..120,
        holds in proptest::bool::ANY,
    ) {
        let mut stronger = policy.clone();
        let id = [MechanismId::Hotline, MechanismId::CrisisDialogue, MechanismId::ExerciseNotification][which];
        let slot = &mut stronger.mechanisms[id];
        slot.enabled = true;
        slot.strength = (slot.strength + extra).min(1.0);
        let before = detente_engine::slow::month_state(&params, &policy, month, Memory::CALM);
        let after = detente_engine::slow::month_state(&params, &stronger, month, Memory::CALM);
        let p0 = detente_engine::run::monthly_war_probability(&params, &policy, &before, &before, holds);
        let p1 = detente_engine::run::monthly_war_probability(&params, &stronger, &after, &after, holds);
        prop_assert!((0.0..=1.0).contains(&p0) && (0.0..=1.0).contains(&p1));
        prop_assert!(p1 <= p0 + 1e-12, "mechanism {which}: {p0} -> {p1}");
    }
}

/// The largest rise in the ten-year p(war) (exact) that strengthening the hotline from 0 to 1
/// brings, over `tries` parameter sets drawn from the ranges and then adjusted by `adjust`.
fn worst_hotline_rise(tries: u64, adjust: impl Fn(&mut ModelParams)) -> (f64, ModelParams) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2026);
    let mut worst = (f64::NEG_INFINITY, ModelParams::default());
    for _ in 0..tries {
        let mut params = ModelParams::default();
        for s in PARAM_SPECS {
            params.set(s.name, s.low + rng.random::<f64>() * (s.high - s.low));
        }
        adjust(&mut params);
        let weak = Policy::default();
        let mut strong = weak.clone();
        strong.mechanisms.set(MechanismId::Hotline, 1.0);
        let p0 = detente_engine::exact::evaluate(&params, &weak).p_war;
        let p1 = detente_engine::exact::evaluate(&params, &strong).p_war;
        if p1 - p0 > worst.0 {
            worst = (p1 - p0, params);
        }
    }
    worst
}

/// Complacency: where reading errors lean toward reading a real threat as bluff
/// (`hostile_bias` below 0, within its range), a hotline that shrinks the error removes a
/// calming bias, and parameters exist within the ranges where a stronger hotline raises the
/// chance of war.
#[test]
fn a_hotline_can_raise_the_risk_when_errors_lean_to_complacency() {
    let (rise, params) = worst_hotline_rise(100, |p| {
        p.hostile_bias = -0.5;
        p.channel_deception = 0.0;
    });
    assert!(rise > 1e-4, "no case found; best {rise}");
    eprintln!("complacency: a full hotline raises p(war) by {rise:.4}");
    for s in PARAM_SPECS {
        let v = params.get(s.name).unwrap();
        assert!(
            s.low <= v && v <= s.high,
            "{} = {v} outside its range",
            s.name
        );
    }
}

/// Deception: where Russia exploits the hotline to mask preparations (`channel_deception`
/// within its range), parameters exist where a stronger hotline raises the chance of war, even
/// with hostile-only errors.
#[test]
fn a_hotline_can_raise_the_risk_when_it_is_exploited_for_deception() {
    let (rise, _) = worst_hotline_rise(100, |p| {
        p.hostile_bias = 1.0;
        p.channel_deception = 1.0;
    });
    assert!(rise > 1e-4, "no case found; best {rise}");
    eprintln!("deception: a full hotline raises p(war) by {rise:.4}");
}

/// And with both conditions met, the same search finds no such case.
#[test]
fn a_hotline_never_raises_the_risk_without_complacency_or_deception() {
    let (rise, _) = worst_hotline_rise(100, |p| {
        p.hostile_bias = 1.0;
        p.channel_deception = 0.0;
    });
    assert!(
        rise <= 1e-12,
        "hotline raised the monthly war probability by {rise}"
    );
}
