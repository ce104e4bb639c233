//! Fuzzing the deliberation crate's readers on stable Rust: the rankings and judgements CSV
//! readers (and the analyses run on what they accept), the planner's TOML reader (and the
//! LP on what it accepts) and the priors reader, each on its shipped example mutated by
//! random edits. None may panic; errors name a file. `PROPTEST_CASES=N` sets the cases.

use detente_deliberation::elicitation::{elicit, parse_judgements};
use detente_deliberation::planner::{input_from_toml, plan};
use detente_deliberation::priors::{read_priors_named, write_priors};
use detente_deliberation::rankings::{deliberate, parse_rankings};
use detente_limits::mutate::{apply, strategy::config, strategy::edits};
use proptest::prelude::*;

const RANKINGS: &str = include_str!("../../../examples/deliberation/seed000_concerns.csv");
const JUDGEMENTS: &str = include_str!("../../../examples/elicitation/example_judgements.csv");
const PLAN: &str = include_str!("../../../examples/deliberation/plan_actors.toml");

/// The priors `elicit` writes from the example, computed once.
fn example_priors() -> &'static str {
    static PRIORS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PRIORS.get_or_init(|| {
        let js = parse_judgements(JUDGEMENTS, "j.csv").expect("example parses");
        let r = elicit(&js, "j.csv").expect("example fits");
        write_priors(
            &r.iter().map(|q| q.pooled.clone()).collect::<Vec<_>>(),
            "j.csv",
        )
    })
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn rankings_reader_never_panics(e in edits(10), top in 1usize..6) {
        let text = apply(RANKINGS, &e);
        match parse_rankings(&text, "r.csv") {
            Ok(rows) => { let _ = deliberate(&rows, top); }
            Err(err) => prop_assert!(err.to_string().starts_with("r.csv")),
        }
    }

    #[test]
    fn judgements_reader_never_panics(e in edits(10)) {
        let text = apply(JUDGEMENTS, &e);
        match parse_judgements(&text, "j.csv") {
            Ok(js) => {
                if let Err(err) = elicit(&js, "j.csv") {
                    prop_assert!(err.to_string().starts_with("j.csv"));
                }
            }
            Err(err) => prop_assert!(err.to_string().starts_with("j.csv")),
        }
    }

    #[test]
    fn planner_reader_never_panics(e in edits(8)) {
        let text = apply(PLAN, &e);
        if let Ok(input) = input_from_toml(&text, "p.toml") {
            let _ = plan(&input);
        }
    }

    #[test]
    fn priors_reader_never_panics(e in edits(10)) {
        let text = apply(example_priors(), &e);
        if let Ok(priors) = read_priors_named(&text, "priors.toml") {
            for p in priors {
                let _ = (p.quantile(0.5), p.mean(), p.cdf(0.1));
            }
        }
    }
}

#[test]
fn elicit_huge_negative_value_is_an_error_not_a_panic() {
    let text = "expert,quantity,probability,value\nb,q,0.25,-1.7e308\nb,q,0.5,0.1\n";
    let e = parse_judgements(text, "j.csv").unwrap_err().to_string();
    assert!(e.contains("line 2") && e.contains("value"), "{e}");
}

#[test]
fn elicit_minus_1e308_in_a_gamma_fit_is_an_error_not_a_panic() {
    let text = "expert,quantity,probability,value\nb,q,0.25,-1e308\nb,q,0.5,1\nb,q,0.75,2\n";
    assert!(parse_judgements(text, "j.csv").is_err());
    // within the bound, every family's fit stays finite or is left out
    let text = "expert,quantity,probability,value\nb,q,0.05,1e-12\nb,q,0.5,1e12\n";
    let js = parse_judgements(text, "j.csv").unwrap();
    let _ = elicit(&js, "j.csv");
}

#[test]
fn elicit_all_zero_weights_are_rejected() {
    let text = "expert,quantity,probability,value,weight\na,q,0.1,1,0\na,q,0.9,2,0\nb,q,0.1,1,0\nb,q,0.9,3,0\n";
    let e = parse_judgements(text, "j.csv").unwrap_err().to_string();
    assert!(e.contains("weight") && e.contains("is 0"), "{e}");
}

#[test]
fn deliberate_twenty_thousand_groups_is_refused_quickly() {
    let mut text = String::from("expert,group,concern,rank\n");
    for i in 0..20_000 {
        text.push_str(&format!("e{i},g{i},c{},1\n", i % 7));
    }
    let t = std::time::Instant::now();
    let e = parse_rankings(&text, "r.csv").unwrap_err().to_string();
    assert!(e.contains("more than 200 groups"), "{e}");
    assert!(t.elapsed().as_secs() < 5);
}

#[test]
fn plan_duplicate_ids_misspelt_keys_and_nan_strengths_are_rejected() {
    let dup = PLAN.replacen("id = \"western_europe\"", "id = \"us\"", 1);
    let e = input_from_toml(&dup, "p.toml").unwrap_err().to_string();
    assert!(e.contains("duplicate id `us`"), "{e}");
    let typo = PLAN.replacen("vulnerability = 0.35", "vulnerabilty = 0.35", 1);
    let e = input_from_toml(&typo, "p.toml").unwrap_err().to_string();
    assert!(e.contains("unknown key `vulnerabilty`"), "{e}");
    let nan = format!("{PLAN}\n[mechanisms.hotline]\nstrength = nan\n");
    let e = input_from_toml(&nan, "p.toml").unwrap_err().to_string();
    assert!(
        e.contains("mechanisms.hotline.strength") && e.contains("finite"),
        "{e}"
    );
    let inf = PLAN.replacen("budget_fraction = ", "budget_fraction = inf #", 1);
    assert!(input_from_toml(&inf, "p.toml").is_err());
}

proptest! {
    #![proptest_config(config(32))]

    /// Every family's fit on points anywhere in the allowed magnitude (down to subnormal
    /// values, up to 1e12, either sign): never a panic (statrs once unwrapped inside a
    /// gamma fit at -1e308).
    #[test]
    fn fits_on_extreme_points_never_panic(
        exps in proptest::collection::vec(-320.0f64..12.0, 2..5),
        negative in any::<bool>(),
    ) {
        let mut values: Vec<f64> = exps.iter().map(|e| 10f64.powf(*e)).collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let sign = if negative { -1.0 } else { 1.0 };
        let n = values.len();
        let mut text = String::from("expert,quantity,probability,value\n");
        for (i, v) in values.iter().enumerate() {
            let p = (i + 1) as f64 / (n + 1) as f64;
            let (p, v) = if negative { (1.0 - p, sign * v) } else { (p, *v) };
            text.push_str(&format!("e,q,{p},{v:e}\n"));
        }
        if let Ok(js) = parse_judgements(&text, "j.csv") {
            let _ = elicit(&js, "j.csv");
        }
    }
}
