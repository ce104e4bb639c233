//! Benchmark: 10,000 replications of one posture (target: under one second).
use criterion::{criterion_group, criterion_main, Criterion};
use detente_campaign::{run_campaign, Posture};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("campaign");
    g.sample_size(20);
    for name in ["posture-2016", "posture-2025"] {
        let p = Posture::builtin(name).expect("built-in posture");
        g.bench_function(format!("{name} x10000"), |b| {
            b.iter(|| run_campaign(std::hint::black_box(&p), 10_000, 1))
        });
    }
    let p = Posture::builtin("posture-2025")
        .expect("built-in posture")
        .with_added_brigades(3, 0, 0);
    g.bench_function("posture-2025+3 heavy x10000", |b| {
        b.iter(|| run_campaign(std::hint::black_box(&p), 10_000, 1))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
