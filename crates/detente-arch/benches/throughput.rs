//! Speed of the core engine: simulated architecture-years per second for the built-in
//! baseline with monthly steps (target: 1,000,000 per second on 2 cores). Run with
//! `cargo bench -p detente-arch --bench throughput`; the figure is reported as elements
//! (architecture-years) per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::{run_ensemble, EnsembleOptions};

fn baseline_throughput(c: &mut Criterion) {
    let scenario = detente_arch::load("baseline")
        .expect("baseline")
        .architecture
        .to_scenario();
    let runs = 50_000u64;
    let years = runs * scenario.policy.horizon_months as u64 / 12;
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(years));
    group.sample_size(10);
    group.bench_function("baseline_50k_runs_10y", |b| {
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

criterion_group!(benches, baseline_throughput);
criterion_main!(benches);
