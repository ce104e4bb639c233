//! Benchmark: 10,000 replications of one posture (target: under one second), and the
//! quick-success probabilities an architecture needs (2,000 replications at each of the
//! baseline's four force levels, played only through the quick-success window), uncached.
use criterion::{criterion_group, criterion_main, Criterion};
use detente_campaign::{run_campaign, stats, Compiled, Posture};

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
    // What `quick_success_probability` computes, without its process-wide cache.
    let base = Posture::builtin("posture-2025").expect("built-in posture");
    g.bench_function("quick success, posture-2025 at 4 force levels x2000", |b| {
        b.iter(|| {
            [0.25, 0.5, 0.75, 1.0].map(|ratio| {
                let c = Compiled::new(&base.with_attacker_scaled(ratio)).until_quick_window();
                let reps = stats::replicate(&c, 2_000, 2025);
                reps.iter().filter(|r| c.is_quick(r)).count()
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
