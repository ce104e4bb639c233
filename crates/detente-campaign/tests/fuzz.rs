//! Fuzzing the posture TOML reader on stable Rust: the built-in postures written as TOML and
//! mutated by random edits must parse or fail with a message — never panic; an accepted
//! posture must run. `PROPTEST_CASES=N` sets the cases (docs/limits.md).

use detente_campaign::{run_campaign, Posture};
use detente_limits::mutate::{apply, strategy::config, strategy::edits};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn posture_reader_never_panics(which in 0..2usize, e in edits(10)) {
        let name = ["posture-2016", "posture-2025"][which];
        let text = apply(&Posture::builtin(name).unwrap().to_toml_string(), &e);
        match Posture::from_toml_str(&text, "p.toml") {
            Ok(p) => {
                let s = run_campaign(&p, 20, 1);
                prop_assert_eq!(s.runs, 20);
            }
            Err(err) => prop_assert!(!err.to_string().trim().is_empty()),
        }
    }
}
