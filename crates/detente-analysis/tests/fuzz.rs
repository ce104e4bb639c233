//! Fuzzing the analysis crate's readers on stable Rust: the ICB crisis CSV, the
//! fitted-parameter file (`params.toml`), the priors file, the ICB actor file of
//! `nuclear-shadow` and the plausible-set file, each mutated by random edits, must parse or fail with
//! a message naming the file — never panic; what they accept must be finite and usable by
//! the uncertainty draw; the command-line expressions of discover and sweep (`--when`,
//! `--set`, `--input`) and the TOML path editor likewise. Regression tests for the
//! strictness findings of issue 14 follow.
//! `PROPTEST_CASES=N` sets the cases.

use detente_analysis::icb::Imputation;
use detente_analysis::paramfile::{FittedParam, ParamsFile, FORMAT};
use detente_analysis::uncertainty::{parse_priors, Uncertainty};
use detente_limits::mutate::{apply, strategy::config, strategy::edits};
use proptest::prelude::*;

fn example() -> String {
    ParamsFile {
        format: FORMAT.into(),
        source: "test".into(),
        n_crises: 10,
        penalty: 0.1,
        log_likelihood: -12.5,
        parameters: vec![
            FittedParam {
                name: "threshold_1".into(),
                value: 0.5,
                se: 0.1,
            },
            FittedParam {
                name: "beta_gravity".into(),
                value: 0.2,
                se: 0.05,
            },
        ],
        covariance: vec![vec![0.01, 0.001], vec![0.001, 0.0025]],
        fixed: [("crisis_rounds".to_string(), 10.0)].into_iter().collect(),
        imputation: Imputation {
            gravity: 3.0,
            protracted: 0.0,
            power_involvement: 1.0,
            actors: 2.0,
            power_discrepancy: 1.0,
            mediation: 0.0,
            global_org: 0.0,
            regional_org: 0.0,
            trigger: 3.0,
            europe: 1.0,
            system_level: 0.0,
        },
    }
    .to_toml()
}

const PRIORS: &str = "[[priors]]\nname = \"gray_zone_crisis_rate\"\n[[priors.components]]\nweight = 1.0\nfamily = \"gamma\"\nparams = [6.0, 20.0]\n[[priors.components]]\nweight = 0.5\nfamily = \"normal\"\nparams = [0.4, 0.1]\n";

/// The first 40 crises of the shipped ICB excerpt.
fn icb_seed() -> String {
    include_str!("../../../data/icb1v15_1918-1989.csv")
        .lines()
        .take(41)
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn icb_reader_never_panics(e in edits(10)) {
        let text = apply(&icb_seed(), &e);
        if let Err(err) = detente_analysis::icb::read_crises_from("icb.csv", text.as_bytes()) {
            prop_assert!(err.to_string().starts_with("icb.csv"), "{}", err);
        }
    }

    #[test]
    fn actor_file_and_plausible_set_readers_never_panic(e in edits(10)) {
        let actors: String = include_str!("../../../data/icb2v15_1918-1989.csv")
            .lines()
            .take(41)
            .collect::<Vec<_>>()
            .join("\n");
        if let Err(m) = detente_analysis::nuclear_shadow::nuclear_dyad_crisnos("a.csv", &apply(&actors, &e)) {
            prop_assert!(m.starts_with("a.csv"), "{}", m);
        }
        let mut small = detente_analysis::uncertainty::plausible_set();
        small.sets.truncate(2);
        let text = apply(&small.to_toml(), &e);
        match detente_analysis::history_match::PlausibleSet::parse("p.toml", &text) {
            Ok(set) => {
                prop_assert!(set.sets.iter().all(|x| x.len() == set.names.len()));
                let _ = Uncertainty::from_defaults().with_plausible(&set);
            }
            Err(m) => prop_assert!(m.starts_with("p.toml"), "{}", m),
        }
    }

    #[test]
    fn params_file_reader_never_panics(e in edits(10)) {
        let text = apply(&example(), &e);
        match ParamsFile::parse("p.toml", &text) {
            Ok(pf) => {
                prop_assert!(pf.parameters.iter().all(|p| p.value.is_finite() && p.se >= 0.0));
                let _ = Uncertainty::from_defaults().with_fitted(&pf);
            }
            Err(m) => prop_assert!(m.starts_with("p.toml"), "{}", m),
        }
    }

    #[test]
    fn when_condition_never_panics(e in edits(6)) {
        use detente_analysis::discover::{Condition, Outcomes};
        let text = apply("share_ukraine_spillover >= 0.25", &e);
        match Condition::parse(&text) {
            Ok(c) => {
                prop_assert!(c.value.is_finite());
                prop_assert!(Outcomes::names().contains(&c.outcome));
            }
            Err(m) => prop_assert!(m.starts_with('`'), "{}", m),
        }
    }

    #[test]
    fn sweep_grid_input_range_and_path_editor_never_panic(e in edits(6)) {
        use detente_analysis::sweep::{set_path, InputRange, SetSpec};
        let spec = apply("mechanisms.hotline.strength=0:1:11", &e);
        match SetSpec::parse(&spec, 1000) {
            Ok(s) => {
                prop_assert!(!s.values.is_empty() && s.values.len() <= 1000);
                prop_assert!(s.values.iter().all(|v| v.is_finite()));
                let text = "[mechanisms.hotline]\nstrength = 0.3\nheavy = 2\n[[actors]]\nx = 1.0\n";
                for v in s.values.iter().take(3) {
                    if let Ok(out) = set_path(text, &s.path, *v) {
                        prop_assert!(toml::from_str::<toml::Value>(&out).is_ok());
                    }
                }
            }
            Err(m) => prop_assert!(m.starts_with('`'), "{}", m),
        }
        let range = apply("mechanisms.hotline.strength=0:1", &e);
        if let Ok(r) = InputRange::parse(&range) {
            prop_assert!(r.low < r.high && r.low.is_finite() && r.high.is_finite());
        }
    }

    #[test]
    fn priors_reader_never_panics(e in edits(10)) {
        let text = apply(PRIORS, &e);
        if let Err(m) = parse_priors("priors.toml", &text) {
            prop_assert!(m.starts_with("priors.toml"), "{}", m);
        }
    }
}

fn parse_err(text: &str) -> String {
    ParamsFile::parse("p.toml", text).unwrap_err()
}

#[test]
fn params_file_example_parses() {
    ParamsFile::parse("p.toml", &example()).unwrap();
}

#[test]
fn params_file_with_minus_inf_or_nan_is_rejected() {
    let e = parse_err(&example().replacen("value = 0.5", "value = -inf", 1));
    assert!(e.contains("finite"), "{e}");
    let e = parse_err(&example().replacen("se = 0.1", "se = nan", 1));
    assert!(e.contains("finite"), "{e}");
    let e = parse_err(&example().replacen("0.0025", "nan", 1));
    assert!(e.contains("covariance[1][1]"), "{e}");
}

#[test]
fn params_file_with_duplicate_names_is_rejected() {
    let e = parse_err(&example().replacen("\"beta_gravity\"", "\"threshold_1\"", 1));
    assert!(e.contains("listed twice"), "{e}");
}

#[test]
fn params_file_with_negative_variance_is_rejected() {
    let e = parse_err(&example().replacen("0.0025", "-0.0025", 1));
    assert!(e.contains("must be >= 0"), "{e}");
}

#[test]
fn params_file_with_parameter_outside_the_crisis_layer_is_rejected() {
    let e = parse_err(&example().replacen("\"beta_gravity\"", "\"rearm_years\"", 1));
    assert!(e.contains("not a crisis-layer parameter"), "{e}");
}

#[test]
fn prior_outside_the_parameter_range_is_rejected() {
    // gray_zone_crisis_rate's range is 0.1 to 1 crises per year; a prior centred on 4
    let text = PRIORS
        .replace("params = [0.4, 0.1]", "params = [4.0, 0.5]")
        .replace("weight = 1.0", "weight = 0.0");
    let e = parse_priors("priors.toml", &text).unwrap_err();
    assert!(e.contains("outside the parameter's range"), "{e}");
}

#[test]
fn prior_draws_are_clamped_to_the_range() {
    use detente_engine::{ModelParams, ParamDraw};
    use rand::SeedableRng;
    // a prior with a quarter of its mass above the range's top
    let text = "[[priors]]\nname = \"gray_zone_crisis_rate\"\n[[priors.components]]\nweight = 1.0\nfamily = \"normal\"\nparams = [0.85, 0.25]\n";
    let u = Uncertainty::from_defaults()
        .with_priors_text("p.toml", text)
        .unwrap();
    let base = ModelParams::default();
    let mut rng = detente_engine::rng::EngineRng::seed_from_u64(3);
    for _ in 0..2000 {
        let v = u
            .draw(&mut rng, &base)
            .get("gray_zone_crisis_rate")
            .unwrap();
        assert!((0.1..=1.0).contains(&v), "{v}");
    }
}

#[test]
fn priors_with_a_duplicate_name_are_rejected() {
    let text = format!(
        "{PRIORS}{}",
        PRIORS.replacen("weight = 1.0", "weight = 2.0", 1)
    );
    let e = parse_priors("priors.toml", &text).unwrap_err();
    assert!(e.contains("has a prior already"), "{e}");
}

#[test]
fn priors_with_a_misspelt_key_are_rejected() {
    let e = parse_priors("priors.toml", &PRIORS.replacen("weight", "wieght", 1)).unwrap_err();
    assert!(e.contains("wieght"), "{e}");
}
