//! On every built-in architecture the exact chain agrees with the simulator: every exact
//! probability inside the ensemble's 99.9 % interval (`detente_engine::exact::disagreements`).

use detente_engine::exact::{disagreements, evaluate_scenario, Z999};
use detente_engine::{run_ensemble, EnsembleOptions};

#[test]
fn exact_agrees_with_monte_carlo_on_every_builtin() {
    let mut failures = Vec::new();
    for b in detente_arch::BUILTINS {
        let scenario = detente_arch::load(b.name)
            .expect("built-in loads")
            .architecture
            .to_scenario();
        let exact = evaluate_scenario(&scenario);
        let mc = run_ensemble(
            &scenario,
            EnsembleOptions::new(30_000, 12),
            None,
            &|_| true,
            None,
        )
        .unwrap();
        failures.extend(
            disagreements(&exact, &mc, Z999)
                .into_iter()
                .map(|d| format!("{}: {d}", b.name)),
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
