use detente_engine::*;
fn main() {
    let scenario = Scenario {
        name: "neutral".into(),
        params: ModelParams::default(),
        policy: Policy::default(),
    };
    let t = std::time::Instant::now();
    let s = run_ensemble(
        &scenario,
        EnsembleOptions::new(200_000, 1),
        None,
        &|_| true,
        None,
    )
    .unwrap();
    let dt = t.elapsed().as_secs_f64();
    println!(
        "p_war {:?} nuclear {:?} cf {:?}",
        s.p_war(),
        s.p_nuclear(),
        s.p_ceasefire_break()
    );
    for p in Pathway::ALL {
        println!(
            "{:20} war {:.4} crises/yr {:.3}",
            p.name(),
            s.p_war_via(p).value,
            s.crises_per_year(p)
        );
    }
    println!("max rung {:?}", s.max_rung_counts);
    println!("{:.0} arch-years/s", 200_000.0 * 10.0 / dt);
}
