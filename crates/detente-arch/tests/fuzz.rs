//! Fuzzing the architecture loader on stable Rust: every built-in architecture mutated by
//! random edits (non-finite numbers, control characters, deep dotted keys, duplicated lines,
//! unbalanced brackets) must load or fail with diagnostics inside the text — never panic,
//! never overflow the stack. `PROPTEST_CASES=N` sets the number of cases (docs/limits.md
//! records a long run).

use detente_limits::mutate::{apply, strategy::config, strategy::edits};
use proptest::prelude::*;

fn check(text: &str) {
    match detente_arch::parse_architecture(text, "fuzz.toml") {
        Ok(arch) => {
            // an accepted file maps to a scenario the engine can take
            let s = arch.to_scenario();
            assert!(s.policy.horizon_months >= 12);
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            let lines = text.lines().count().max(1) + 1;
            for d in &diags {
                assert!(d.line >= 1 && d.line <= lines, "{d} beyond {lines} lines");
                assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn mutated_builtins_never_panic(which in 0..detente_arch::BUILTINS.len(), e in edits(12)) {
        check(&apply(detente_arch::BUILTINS[which].toml, &e));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
        check(&text);
    }
}

#[test]
fn deep_dotted_key_is_refused_not_overflowing() {
    let key = vec!["k"; 5000].join(".");
    let text = format!("{key} = 1\n");
    let diags = detente_arch::parse_architecture(&text, "deep.toml").unwrap_err();
    assert!(diags[0].message.contains("5000 segments"), "{diags:?}");
    let header = format!("[{}]\n", vec!["t"; 5000].join("."));
    let diags = detente_arch::parse_architecture(&header, "deep.toml").unwrap_err();
    assert!(
        diags[0].message.contains("allowed: at most 32"),
        "{diags:?}"
    );
}

#[test]
fn control_character_in_a_comment_has_a_message() {
    let text = format!(
        "# a comment with a bell \u{7}\n{}",
        detente_arch::BUILTINS[0].toml
    );
    let diags = detente_arch::parse_architecture(&text, "c.toml").unwrap_err();
    assert!(diags[0].message.contains("U+0007"), "{diags:?}");
    assert_eq!(diags[0].line, 1);
}

#[test]
fn five_thousand_unknown_members_give_bounded_output() {
    let base = detente_arch::builtin("baseline").unwrap().toml;
    let text = detente_limits::mutate::many_unknown_members(base, 5000, 5000);
    let err = detente_arch::load_str(&text, "big.toml")
        .unwrap_err()
        .to_string();
    assert!(err.len() < 100_000, "{} bytes of errors", err.len());
    assert!(
        err.contains("more (the first 100 are listed)"),
        "{}",
        &err[err.len() - 300..]
    );
    assert!(err.contains(", … and "), "names are capped");
}
