#![allow(clippy::field_reassign_with_default)]
//! The exact chain against the simulator: every exact probability inside the ensemble's
//! 99.9 % interval, expected crises and months at risk within as many standard errors.

use detente_engine::exact::{disagreements, evaluate, Z999};
use detente_engine::*;

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
    // A war course with every phase carrying weight: deliberate attacks (fait accompli) made
    // common, nuclear hazards and widening raised, arms control half on.
    let mut war_params = params.clone();
    war_params.deliberate_attack_rate = 0.15;
    war_params.war_limited_to_theatre = 0.2;
    war_params.war_limited_to_nuclear = 0.02;
    war_params.war_theatre_to_nuclear = 0.08;
    war_params.war_nuclear_to_general = 0.5;
    let mut war_policy = risky_policy();
    war_policy
        .mechanisms
        .set(detente_engine::MechanismId::ArmsControl, 0.5);
    // Every part of a run's memory carrying weight: strong tension, frequent Belarus
    // successions, fragile and durable ceasefires far apart, a guarantee and an old ceasefire,
    // a second war that moves the slow state.
    let mut memory_params = params.clone();
    memory_params.tension_trigger_rise = 2.0;
    memory_params.tension_misperception_rise = 1.0;
    memory_params.tension_threat_rise = 0.3;
    memory_params.tension_cohesion_shift = -0.15;
    memory_params.tension_decay_months = 12.0;
    memory_params.belarus_succession_rate = 0.15;
    memory_params.belarus_succession_unrest_factor = 6.0;
    memory_params.ceasefire_fragile_share = 0.8;
    memory_params.ceasefire_fragile_ratio = 20.0;
    memory_params.second_war_force_drain = 0.5;
    memory_params.second_war_fatigue_rise = 0.3;
    memory_params.second_war_ukraine_attrition = 0.6;
    let mut memory_policy = Policy::default();
    memory_policy.ceasefire.guarantee = 0.5;
    memory_policy.ceasefire_age_years = 3.0;
    memory_policy
        .mechanisms
        .set(detente_engine::MechanismId::Porcupine, 1.0);
    memory_policy.quick_success_by_forces = vec![(0.25, 0.05), (0.5, 0.2), (1.0, 0.6)];
    let cases = [
        ("default", ModelParams::default(), Policy::default()),
        ("memory stressed", memory_params, memory_policy),
        ("risky", params.clone(), risky_policy()),
        ("at war at the start", params, at_war),
        ("war course stressed", war_params, war_policy),
    ];
    let failures = disagreements_on_two_seeds(cases, 40_000, 3);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The figures on which the exact chain and the simulator disagree (99.9 % intervals) in each
/// case, on `runs` runs with `seed` and again on four times the runs with the next seed. About
/// 40 checks a case at 99.9 %: by chance alone one of them falls outside its interval in a
/// good share of seeds; a real difference between the chain and the simulator persists and
/// grows with the runs, so what disagrees both times is reported (as in detente-arch's
/// exact_builtins).
fn disagreements_on_two_seeds<const N: usize>(
    cases: [(&str, ModelParams, Policy); N],
    runs: u64,
    seed: u64,
) -> Vec<String> {
    let check = |scenario: &Scenario, runs: u64, seed: u64| {
        let exact = evaluate(&scenario.params, &scenario.policy);
        let mc = run_ensemble(
            scenario,
            EnsembleOptions::new(runs, seed),
            None,
            &|_| true,
            None,
        )
        .unwrap();
        eprintln!(
            "{}: exact p(war) {:.5}, simulated {:.5}; break {:.5} vs {:.5}",
            scenario.name,
            exact.p_war,
            mc.p_war().value,
            exact.p_ceasefire_break,
            mc.p_ceasefire_break().value
        );
        disagreements(&exact, &mc, Z999)
    };
    let what = |line: &str| line.split(':').next().unwrap_or(line).to_string();
    let mut failures = Vec::new();
    for (name, params, policy) in cases {
        let scenario = Scenario {
            name: name.into(),
            params,
            policy,
        };
        let first = check(&scenario, runs, seed);
        if first.is_empty() {
            continue;
        }
        for line in check(&scenario, 4 * runs, seed + 1) {
            if first.iter().any(|f| what(f) == what(&line)) {
                failures.push(format!("{name}: {line} (and with seed {seed}: {first:?})"));
            }
        }
    }
    failures
}

#[test]
fn exact_probabilities_add_up() {
    let e = evaluate(&ModelParams::default(), &risky_policy());
    let by_pathway: f64 = e.p_war_by_pathway.iter().sum();
    assert!((by_pathway - e.p_war).abs() < 1e-12);
    let rungs: f64 = e.max_rung.iter().sum::<f64>() + e.p_no_crisis();
    assert!((rungs - 1.0).abs() < 1e-9, "{rungs}");
    assert!(e.p_nuclear <= e.p_war && e.p_war < 1.0);
    assert!(e.p_general_nuclear <= e.p_nuclear && e.p_theatre_war <= e.p_war);
    assert!(e.p_war_ended <= e.p_war && e.p_nuclear > 0.0 && e.p_theatre_war > 0.0);
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
    // the months at risk sum the chain's surviving mass, split across ceasefire states, so
    // they equal the horizon up to rounding
    assert!((e.months_at_risk - policy.horizon_months as f64).abs() < 1e-9);
}

#[test]
fn exact_result_does_not_depend_on_the_thread_count() {
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| evaluate(&ModelParams::default(), &risky_policy()))
    };
    assert_eq!(in_pool(1), in_pool(3));
}

/// Scales the trigger rates and the reading error by a uniform factor in [0.5, 2).
struct Scale;

impl ParamDraw for Scale {
    fn draw(&self, rng: &mut detente_engine::rng::EngineRng, base: &ModelParams) -> ModelParams {
        use rand::Rng;
        let mut p = base.clone();
        let f = 0.5 + 1.5 * rng.random::<f64>();
        p.gray_zone_crisis_rate *= f;
        p.hybrid_attack_rate *= f;
        p.misperception_sd *= f;
        p
    }
}

#[test]
fn exact_draws_are_the_ensembles_draws() {
    let scenario = Scenario {
        name: "default".into(),
        params: ModelParams::default(),
        policy: Policy::default(),
    };
    let options = EnsembleOptions {
        runs_per_draw: 4_000,
        ..EnsembleOptions::new(24_000, 9)
    };
    let exact = detente_engine::exact::evaluate_with(
        &scenario,
        Some(detente_engine::exact::Draws::like(&options, &Scale)),
    );
    let mc = run_ensemble(&scenario, options, Some(&Scale), &|_| true, None).unwrap();
    assert_eq!(exact.p_war_draws.len(), mc.draws.len());
    let spread: Vec<f64> = exact.p_war_draws.clone();
    assert!(
        spread.iter().cloned().fold(0.0, f64::max)
            > 1.5 * spread.iter().cloned().fold(1.0, f64::min)
    );
    for (d, (n, wars)) in &mc.draws {
        let e = detente_engine::stats::wilson_z(*wars, *n, Z999);
        let p = exact.p_war_draws[*d as usize];
        assert!(
            e.low <= p && p <= e.high,
            "draw {d}: exact {p}, simulated {wars}/{n}"
        );
    }
}

/// Nuclear use comes only from the war's course: the crisis ladder ends at war (rung 3), so
/// whatever the crisis's round structure, no crisis reaches rung 4, and what a war reaches
/// depends only on the month it began and how it began, not on the crisis that led to it.
#[test]
fn nuclear_use_does_not_depend_on_the_crisis_round_structure() {
    let base = ModelParams::default();
    let policy = risky_policy();
    let reach = |params: &ModelParams| {
        let t = Trajectory::new(params, &policy);
        detente_engine::war::reach_after_clash(
            params,
            &t.path(detente_engine::slow::Memory::AT_WAR),
        )
    };
    let want = reach(&base);
    for rounds in [6.0, 12.0, 24.0] {
        for (name, value) in [
            ("nuclear_shadow", 1.0),
            ("first_strike_fear", 3.0),
            ("misperception_sd", 1.5),
        ] {
            let mut params = base.clone();
            params.crisis_rounds = rounds;
            assert!(params.set(name, value));
            // The ladder never reaches rung 4, exactly and by simulation.
            let t = Trajectory::new(&params, &policy);
            for p in Pathway::ALL {
                let (inputs, sides) = detente_engine::run::crisis_setting(
                    &params,
                    &policy,
                    t.at(60, detente_engine::slow::Memory::CALM),
                    p,
                );
                let ladder = Ladder::new(&params, &inputs, &sides);
                assert_eq!(ladder.max_rung_distribution()[4], 0.0, "{p:?}");
                let mut rng =
                    detente_engine::rng::stream_rng(1, 0, detente_engine::rng::Stream::Extra);
                for _ in 0..500 {
                    assert!(ladder.simulate(&mut rng).max_rung <= 3);
                }
            }
            // P(what the war reaches | it began in month m in phase f): bit for bit the same.
            assert_eq!(reach(&params), want, "{rounds} rounds, {name} = {value}");
        }
    }
    // And a run's nuclear use starts only in a month after its first clash: a war that begins
    // in the horizon's last month never goes nuclear, and with the war course's nuclear
    // hazards at zero no run does, however escalatory its crises.
    let mut params = base.clone();
    params.crisis_rounds = 24.0;
    params.nuclear_shadow = 1.0;
    let t = Trajectory::new(&params, &policy);
    let last = policy.horizon_months - 1;
    let mut wars = 0;
    for run in 0..20_000 {
        let o = simulate_run(&params, &policy, &t, 5, run);
        wars += o.war_month.is_some() as u32;
        assert!(!(o.nuclear && o.war_month == Some(last)));
        assert_eq!(o.nuclear, o.war_course.nuclear);
        assert!(!o.nuclear || o.war_month.is_some());
    }
    assert!(wars > 1000, "{wars}");
    params.war_limited_to_nuclear = 0.0;
    params.war_theatre_to_nuclear = 0.0;
    let e = evaluate(&params, &policy);
    assert!(e.p_war > 0.2 && e.p_nuclear == 0.0, "{e:?}");
}

/// The war's course draws from its own stream: changing every war hazard changes what wars
/// reach, and nothing before the first war (its month, pathway, the crises, the ceasefire).
#[test]
fn the_war_course_leaves_the_other_streams_aligned() {
    let policy = risky_policy();
    let mut params = ModelParams::default();
    let run = |params: &ModelParams| {
        let scenario = Scenario {
            name: "x".into(),
            params: params.clone(),
            policy: policy.clone(),
        };
        run_ensemble(
            &scenario,
            EnsembleOptions::new(5_000, 11),
            None,
            &|_| true,
            None,
        )
        .unwrap()
    };
    let a = run(&params);
    params.war_limited_to_theatre = 0.2;
    params.war_limited_to_nuclear = 0.02;
    params.war_end_limited = 0.05;
    params.war_fait_accompli_escalation = 4.0;
    let b = run(&params);
    assert_eq!(a.wars, b.wars);
    assert_eq!(a.war_month_counts, b.war_month_counts);
    assert_eq!(a.war_by_pathway, b.war_by_pathway);
    assert_eq!(a.crises_by_pathway, b.crises_by_pathway);
    assert_eq!(a.ceasefire_breaks, b.ceasefire_breaks);
    assert!(b.theatre_wars > a.theatre_wars && b.nuclear > a.nuclear);
}

/// The month-by-month simulator (the reference the event-driven sampler of an ensemble with
/// fixed parameters is checked against) agrees with the exact chain too, and the event-driven
/// sampler spends exactly what it does, run by run.
#[test]
fn month_by_month_reference_agrees_with_the_exact_chain() {
    use detente_engine::run::{simulate_run_tabled, CrisisTable};
    let mut params = ModelParams::default();
    params.ceasefire_base_hazard = 0.2;
    params.second_war_months = 6.0;
    params.tension_trigger_rise = 2.0;
    params.tension_decay_months = 12.0;
    params.belarus_succession_rate = 0.15;
    params.war_limited_to_nuclear = 0.02;
    let policy = risky_policy();
    let exact = evaluate(&params, &policy);
    let trajectory = Trajectory::new(&params, &policy);
    let table = CrisisTable::new(&params, &policy, &trajectory);
    let mut mc = Summary::new(policy.horizon_months);
    for run in 0..40_000 {
        mc.add(&simulate_run_tabled(
            &params,
            &policy,
            &trajectory,
            &table,
            4,
            run,
        ));
    }
    let failures = disagreements(&exact, &mc, Z999);
    assert!(failures.is_empty(), "{failures:#?}");
    let events = detente_engine::events::EventSampler::new(&params, &trajectory, &table);
    for run in 0..100 {
        let a = simulate_run_tabled(&params, &policy, &trajectory, &table, 4, run);
        let b = events.run(&params, &policy, &trajectory, 4, run);
        assert_eq!((a.cost_bn, a.costs), (b.cost_bn, b.costs));
    }
}

/// The event-driven sampler thins the crises that cannot change a run's state (highest rung
/// 0, or short of war at the highest tension) out of its events and draws them by pathway at
/// the run's end: with long-lasting high tension, where most crises are thinned and a thinned
/// crisis at rung 2 is what decides a run's highest rung, and with the defaults, it agrees
/// with the exact chain on ten times the runs of `exact_chain_agrees_with_the_simulator`
/// (checked again on a fresh seed with four times as many where it disagrees, as there).
#[test]
fn thinned_crises_agree_with_the_exact_chain() {
    let mut tense = ModelParams::default();
    tense.tension_decay_months = 24.0;
    tense.tension_trigger_rise = 2.0;
    let cases = [
        ("tense", tense, risky_policy()),
        ("default", ModelParams::default(), Policy::default()),
    ];
    let failures = disagreements_on_two_seeds(cases, 400_000, 5);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The event-driven sampler skips the months that only shed a level of tension (a clock of
/// its own), except at the highest tension, where the month's other crises can raise it back
/// and the month is played: with sheds about every other month and crises short of war
/// common, what a run's tension does decides its risk, and the sampler agrees with the exact
/// chain (a sampler that shed at the highest tension without playing the month's crises
/// gave p(war) 0.7971 here on 400,000 runs, against the exact 0.8140: z about -27).
#[test]
fn sheds_at_the_highest_tension_agree_with_the_exact_chain() {
    let mut restless = ModelParams::default();
    restless.tension_decay_months = 1.5;
    restless.tension_trigger_rise = 2.0;
    let failures = disagreements_on_two_seeds([("restless", restless, risky_policy())], 400_000, 9);
    assert!(failures.is_empty(), "{failures:#?}");
}
