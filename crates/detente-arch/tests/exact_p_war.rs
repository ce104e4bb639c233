//! The p(war)-only chain that sensitivity analyses use (`detente_engine::exact::p_war_cached`,
//! the highest rung summed out, no war course) gives the full chain's p(war) up to rounding,
//! on every built-in and on random points of every parameter's range, with and without a
//! shared ladder cache.

use detente_engine::exact::{evaluate, p_war, p_war_cached, LadderCache};
use detente_engine::reuse::PWarEvaluator;
use detente_engine::PARAM_SPECS;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn p_war_alone_equals_the_full_chain() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(12);
    let mut cache = LadderCache::default();
    for b in detente_arch::BUILTINS {
        let scenario = detente_arch::load(b.name)
            .expect("built-in loads")
            .architecture
            .to_scenario();
        let mut cases = vec![scenario.params.clone()];
        for _ in 0..3 {
            let mut params = scenario.params.clone();
            for s in PARAM_SPECS.iter().filter(|s| s.high > s.low) {
                params.set(s.name, s.low + rng.random::<f64>() * (s.high - s.low));
            }
            cases.push(params);
        }
        for params in cases {
            let want = evaluate(&params, &scenario.policy).p_war;
            let got = p_war_cached(&params, &scenario.policy, &mut cache);
            assert!(close(got, want), "{}: {got} vs {want}", b.name);
            assert_eq!(got, p_war(&params, &scenario.policy), "{}", b.name);
        }
    }
}

/// On every built-in, from a random point, each parameter changed alone: the evaluator that
/// reuses a base's stages (`detente_engine::reuse`) gives the bits of a fresh evaluation.
#[test]
fn reusing_stages_gives_the_bits_of_a_fresh_evaluation_on_every_builtin() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(13);
    for b in detente_arch::BUILTINS {
        let scenario = detente_arch::load(b.name)
            .expect("built-in loads")
            .architecture
            .to_scenario();
        let mut base = scenario.params.clone();
        for s in PARAM_SPECS.iter().filter(|s| s.high > s.low) {
            base.set(s.name, s.low + rng.random::<f64>() * (s.high - s.low));
        }
        let mut evaluator = PWarEvaluator::default();
        evaluator.p_war(&base, &scenario.policy);
        for s in PARAM_SPECS.iter().filter(|s| s.high > s.low) {
            let mut params = base.clone();
            params.set(s.name, s.low + rng.random::<f64>() * (s.high - s.low));
            let got = evaluator.p_war(&params, &scenario.policy);
            let want = p_war_cached(&params, &scenario.policy, &mut LadderCache::default());
            assert_eq!(got.to_bits(), want.to_bits(), "{}: {}", b.name, s.name);
        }
    }
}
