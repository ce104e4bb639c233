//! Speed of the core engine: simulated architecture-years per second for the built-in
//! baseline with monthly steps, sampled event by event (issue 12's target: 25,000,000 per
//! second on 2 cores; 400,000 runs an iteration, so the ensemble's tables, built once, weigh
//! little), and exact
//! evaluations of the baseline per second (`detente_engine::exact`). Run with
//! `cargo bench -p detente-arch --bench throughput`; the figures are reported as elements
//! (architecture-years, or exact evaluations) per second. The exact group also times an
//! evaluation whose crisis ladders are all reused (a sensitivity row that changes a parameter
//! the ladders do not read: the chain, the slow state and the war's course) and one whose
//! ladders are all new (a row that changes the reading error), and the same two for p(war)
//! alone (`exact::p_war_cached`, what sensitivity analyses evaluate). The ladders group times
//! the exact evaluator's hot loop alone: the noise averages of the baseline's crisis ladders
//! (every pathway, memory and year, one thread), with the reading error one-sided as in the
//! baseline (composite Gauss-Legendre) and two-sided, `hostile_bias` 0.5, as most rows of a
//! sensitivity design draw it (the trapezoidal rule), and one-sided with eight Europeans
//! instead of three (the sum over the Europeans' minorities grows with them); reported in
//! ladders per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::crisis::Ladder;
use detente_engine::exact::{evaluate_cached, p_war_cached, LadderCache};
use detente_engine::slow::{crisis_month, Memory, MEMORIES};
use detente_engine::{run_ensemble, EnsembleOptions, MemberRole, NatoMember, Pathway, Trajectory};

fn baseline_throughput(c: &mut Criterion) {
    let scenario = detente_arch::load("baseline")
        .expect("baseline")
        .architecture
        .to_scenario();
    let runs = 400_000u64;
    let years = runs * scenario.policy.horizon_months as u64 / 12;
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(years));
    group.sample_size(10);
    group.bench_function("baseline_400k_runs_10y", |b| {
        b.iter(|| {
            run_ensemble(
                &scenario,
                EnsembleOptions::new(runs, 1),
                None,
                &|_| true,
                None,
            )
            .unwrap()
        })
    });
    group.finish();
}

fn exact_evaluations(c: &mut Criterion) {
    let scenario = detente_arch::load("baseline")
        .expect("baseline")
        .architecture
        .to_scenario();
    let mut group = c.benchmark_group("exact");
    group.throughput(Throughput::Elements(1));
    // One evaluation as the CLI makes it (months in parallel), and as a sensitivity analysis
    // does (one thread per evaluation, evaluations in parallel).
    group.bench_function("baseline_10y", |b| {
        b.iter(|| detente_engine::exact::evaluate_scenario(&scenario))
    });
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    group.bench_function("baseline_10y_one_thread", |b| {
        b.iter(|| one_thread.install(|| detente_engine::exact::evaluate_scenario(&scenario)))
    });
    let mut cache = LadderCache::default();
    evaluate_cached(&scenario.params, &scenario.policy, &mut cache);
    let mut step = 0u32;
    group.bench_function("baseline_10y_one_thread_ladders_reused", |b| {
        b.iter(|| {
            step += 1;
            let mut params = scenario.params.clone();
            params.ceasefire_fragile_share = 0.3 + 1e-6 * f64::from(step % 1000);
            one_thread.install(|| evaluate_cached(&params, &scenario.policy, &mut cache))
        })
    });
    group.bench_function("baseline_10y_one_thread_ladders_new", |b| {
        b.iter(|| {
            step += 1;
            let mut params = scenario.params.clone();
            params.misperception_sd *= 1.0 + 1e-9 * f64::from(step);
            one_thread.install(|| detente_engine::exact::evaluate(&params, &scenario.policy))
        })
    });
    // p(war) alone, as sensitivity analyses evaluate it (`exact::p_war_cached`).
    let mut cache = LadderCache::default();
    p_war_cached(&scenario.params, &scenario.policy, &mut cache);
    group.bench_function("p_war_one_thread_ladders_reused", |b| {
        b.iter(|| {
            step += 1;
            let mut params = scenario.params.clone();
            params.ceasefire_fragile_share = 0.3 + 1e-6 * f64::from(step % 1000);
            one_thread.install(|| p_war_cached(&params, &scenario.policy, &mut cache))
        })
    });
    group.bench_function("p_war_one_thread_ladders_new", |b| {
        b.iter(|| {
            step += 1;
            let mut params = scenario.params.clone();
            params.misperception_sd *= 1.0 + 1e-9 * f64::from(step);
            one_thread
                .install(|| p_war_cached(&params, &scenario.policy, &mut LadderCache::default()))
        })
    });
    group.finish();
}

/// The baseline's crisis ladders, one for each year, memory and pathway, with `hostile_bias`
/// set to `bias` and `more_europeans` Europeans added to NATO's three (of falling weight,
/// each of its own leaning; illustrative, for timing only).
fn baseline_ladders(bias: f64, more_europeans: usize) -> Vec<Ladder> {
    let mut scenario = detente_arch::load("baseline")
        .expect("baseline")
        .architecture
        .to_scenario();
    for k in 0..more_europeans {
        let x = k as f64 / more_europeans.max(1) as f64;
        scenario.policy.nato_members.push(NatoMember {
            role: MemberRole::European,
            spending_bn: 120.0 * (1.0 - x) + 5.0,
            escalation_tolerance: 0.3 + 0.3 * x,
            vulnerability: 0.3 + 0.4 * x,
            proximity_km: 1200.0 * (1.0 - x),
        });
    }
    let params = detente_engine::ModelParams {
        hostile_bias: bias,
        ..scenario.params.clone()
    };
    let trajectory = Trajectory::new(&params, &scenario.policy);
    let months = trajectory.len();
    let mut ladders = Vec::new();
    for year in 0..months.div_ceil(12) {
        for i in 0..MEMORIES {
            let st = trajectory.at(crisis_month(year * 12, months), Memory::from_index(i));
            for pathway in Pathway::ALL {
                let (inputs, sides) =
                    detente_engine::run::crisis_setting(&params, &scenario.policy, st, pathway);
                ladders.push(Ladder::new(&params, &inputs, &sides));
            }
        }
    }
    ladders
}

fn ladder_noise_sums(c: &mut Criterion) {
    let mut group = c.benchmark_group("ladders");
    group.sample_size(10);
    for (name, bias, more_europeans) in [
        ("one_sided", 1.0, 0),
        ("two_sided", 0.5, 0),
        ("eight_europeans_one_sided", 1.0, 5),
    ] {
        let ladders = baseline_ladders(bias, more_europeans);
        group.throughput(Throughput::Elements(ladders.len() as u64));
        group.bench_function(format!("baseline_{}_{name}", ladders.len()), |b| {
            b.iter(|| {
                ladders
                    .iter()
                    .map(|l| l.own_noise_sums()[2][1])
                    .sum::<f64>()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    baseline_throughput,
    exact_evaluations,
    ladder_noise_sums
);
criterion_main!(benches);
