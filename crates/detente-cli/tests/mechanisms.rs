//! Mechanisms as a user writes them: one not written down is off, so a file may set only the
//! mechanisms it has; one can start and end in given years; the schema and docs/model.md list
//! exactly the engine's registered mechanisms (a mechanism lives in its module and the list).

use detente_engine::REGISTRY;
use std::process::{Command, Output};

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("runs")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("detente-mechanisms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn baseline() -> String {
    String::from_utf8(detente(&["show", "baseline"]).stdout).unwrap()
}

/// The text with the `[mechanisms.NAME]` tables of `names` cut out.
fn without(text: &str, names: &[&str]) -> String {
    let mut out = text.to_string();
    for name in names {
        let header = format!("[mechanisms.{name}]");
        let start = out
            .find(&header)
            .expect("the baseline sets every mechanism");
        let end = out[start + header.len()..]
            .find("\n[")
            .map_or(out.len(), |i| start + header.len() + i + 1);
        out.replace_range(start..end, "");
    }
    out
}

fn p_war(path: &str) -> f64 {
    json(&detente(&["run", path, "--exact", "--json"]))["p_war"]
        .as_f64()
        .unwrap()
}

#[test]
fn a_mechanism_not_written_down_is_the_same_as_switched_off() {
    let base = baseline();
    // The baseline switches crisis dialogue, arms control and connectivity off: leaving them
    // out gives the same answer to the last bit.
    let short = tmp(
        "short.toml",
        &without(
            &base,
            &["crisis_dialogue", "arms_control", "managed_connectivity"],
        ),
    );
    let full = json(&detente(&["run", "baseline", "--exact", "--json"]));
    let cut = json(&detente(&["run", &short, "--exact", "--json"]));
    for key in [
        "p_war",
        "p_nuclear",
        "p_ceasefire_breakdown",
        "mean_cost_usd_bn",
    ] {
        assert_eq!(full[key], cut[key], "{key}");
    }
    // Leaving out one that is on switches it off, and the answer moves.
    let no_hotline = tmp("no-hotline.toml", &without(&base, &["hotline"]));
    let off = tmp(
        "hotline-off.toml",
        &base.replacen(
            "[mechanisms.hotline]\nenabled = true",
            "[mechanisms.hotline]\nenabled = false",
            1,
        ),
    );
    assert_eq!(p_war(&no_hotline).to_bits(), p_war(&off).to_bits());
    assert_ne!(p_war(&no_hotline), full["p_war"].as_f64().unwrap());
    // A file with no [mechanisms] at all is valid: nothing in place.
    let names: Vec<&str> = REGISTRY.iter().map(|m| m.key()).collect();
    let mut bare = without(&base, &names);
    bare = without(&bare, &["forward_forces"]);
    let bare = tmp("bare.toml", &bare);
    let check = detente(&["check", &bare]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_mechanism_can_start_and_end_in_given_years() {
    let base = baseline().replacen(
        "name = \"baseline\"",
        "start_year = 2026\nname = \"baseline\"",
        1,
    );
    let with = |extra: &str| {
        tmp(
            &format!("timed-{}.toml", extra.len()),
            &base.replacen(
                "[mechanisms.hotline]",
                &format!("[mechanisms.hotline]\n{extra}"),
                1,
            ),
        )
    };
    let always = p_war(&with(""));
    // Ending in the horizon's last year is the same as never ending.
    assert_eq!(always.to_bits(), p_war(&with("end_year = 2035")).to_bits());
    // Ending earlier changes the answer; so does starting later.
    let ends = p_war(&with("end_year = 2028"));
    let starts = p_war(&with("start_year = 2029"));
    assert_ne!(ends, always);
    assert_ne!(starts, always);
    // Bad years are named with what is allowed.
    let o = detente(&["check", &with("start_year = 2030\nend_year = 2027")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("mechanisms.hotline.end_year") && err.contains("before start_year 2030"),
        "{err}"
    );
}

#[test]
fn the_schema_and_the_docs_list_exactly_the_registered_mechanisms() {
    let schema = json(&detente(&["schema"]));
    let defs = &schema["definitions"]["Mechanisms"]["properties"];
    let mut listed: Vec<String> = defs
        .as_object()
        .expect("Mechanisms has properties")
        .keys()
        .filter(|k| *k != "forward_forces")
        .cloned()
        .collect();
    listed.sort();
    let mut registered: Vec<String> = REGISTRY.iter().map(|m| m.key().to_string()).collect();
    registered.sort();
    assert_eq!(listed, registered);
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/model.md"),
    )
    .unwrap();
    let section = &doc[doc.find("## 4. Mechanisms").unwrap()..doc.find("## 5.").unwrap()];
    for m in REGISTRY {
        assert!(
            section.contains(&format!("| `{}`", m.key())),
            "docs/model.md §4 does not list `{}`",
            m.key()
        );
        let entry = &defs[m.key()]["properties"];
        assert_eq!(entry["russian_consent"].is_object(), m.needs_consent());
        assert_eq!(entry["start_year"].is_object(), m.timed());
        assert_eq!(entry["leakage"].is_object(), m.has_leakage());
    }
}
