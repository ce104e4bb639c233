use detente_engine::*;
fn main() {
    let mut p = ModelParams::default();
    for kv in std::env::args().skip(1) {
        let (k, v) = kv.split_once('=').unwrap();
        assert!(p.set(k, v.parse().unwrap()), "{k}");
    }
    let inputs = CrisisInputs {
        gravity: 0.5,
        protracted: 0.5,
        power_involvement: 0.3,
        actors: 4.0,
        power_discrepancy: 0.2,
        mediation: 0.3,
        global_org: 0.5,
        regional_org: 0.4,
        start_rung: 0,
    };
    let d = max_rung_distribution(&p, &inputs, &SideTerms::historical(&p));
    println!(
        "historical typical {:?}",
        d.map(|x| (x * 1000.0).round() / 1000.0)
    );
    let policy = Policy::default();
    let t = Trajectory::new(&p, &policy);
    for pw in Pathway::ALL {
        let (i, s) = run::crisis_setting(&p, &policy, &t.months[12], pw);
        let d = max_rung_distribution(&p, &i, &s);
        println!(
            "{:20} {:?}",
            pw.name(),
            d.map(|x| (x * 1000.0).round() / 1000.0)
        );
    }
}
