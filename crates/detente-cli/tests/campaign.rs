//! Integration tests of `detente campaign`.
use std::process::Command;

fn detente(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("run detente")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = detente(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn objective<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["objectives"]
        .as_array()
        .expect("objectives is a list")
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("objective {name}"))
}

#[test]
fn json_output_has_the_fields() {
    let v = json(&[
        "campaign",
        "posture-2016",
        "--runs",
        "2000",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(v["runs"], 2000);
    assert_eq!(v["seed"], 3);
    let objs = v["objectives"].as_array().unwrap();
    for name in ["Tallinn", "Riga", "Suwalki corridor"] {
        assert!(objs.iter().any(|o| o["name"] == name), "{name}");
    }
    for o in objs {
        for f in ["hours_median", "hours_p10", "hours_p90"] {
            assert!(o[f].is_null() || o[f].is_f64(), "{f}: {}", o[f]);
        }
        for f in ["p_fall_60h", "p_fall_7d", "p_fall_30d"] {
            let p = o[f].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p), "{f} = {p}");
        }
    }
    // RAND 2016: the capitals' outskirts within 36–60 hours.
    let t = objective(&v, "Tallinn");
    assert!(t["hours_median"].as_f64().unwrap() <= 60.0);
    assert!(v["quick_success"]["p"].as_f64().unwrap() > 0.8);
    assert!(v["attacker_losses"]["mean_cp"].as_f64().unwrap() > 0.0);
    assert!(v["defender_losses"]["mean_cp"].as_f64().unwrap() > 0.0);
}

#[test]
fn same_seed_same_result() {
    let a = detente(&["campaign", "posture-2025", "--runs", "500", "--json"]);
    let b = detente(&["campaign", "posture-2025", "--runs", "500", "--json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn adding_brigades_lowers_the_probability_of_a_fall() {
    let base = json(&["campaign", "posture-2016", "--runs", "2000", "--json"]);
    let more = json(&[
        "campaign",
        "posture-2016",
        "--runs",
        "2000",
        "--json",
        "--add-brigades",
        "heavy=3,light=4",
    ]);
    for name in ["Tallinn", "Riga"] {
        let (p0, p1) = (
            objective(&base, name)["p_fall_7d"].as_f64().unwrap(),
            objective(&more, name)["p_fall_7d"].as_f64().unwrap(),
        );
        assert!(p1 < p0, "{name}: {p1} !< {p0}");
    }
    assert!(
        more["quick_success"]["p"].as_f64().unwrap() < base["quick_success"]["p"].as_f64().unwrap()
    );
}

#[test]
fn text_output_and_list() {
    let out = detente(&["campaign", "--list"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("posture-2016") && s.contains("posture-2025"));
    let out = detente(&["campaign", "posture-2025", "--runs", "300"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Riga") && s.contains("P(7d)"));
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["campaign", "no-such-posture"],
        vec!["campaign", "posture-2016", "--add-brigades", "tanks=3"],
        vec!["campaign", "posture-2016", "--add-brigades", "heavy=x"],
        vec!["campaign", "posture-2016", "--add-brigades", "heavy"],
        vec!["campaign", "posture-2016", "--runs", "0"],
        vec!["campaign", "posture-2016", "--runs", "many"],
    ] {
        let out = detente(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn posture_file_round_trip_and_unknown_keys() {
    let dir = std::env::temp_dir().join(format!("detente-campaign-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = detente(&["campaign", "posture-2016", "--dump"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, &text).unwrap();
    let a = json(&[
        "campaign",
        good.to_str().unwrap(),
        "--runs",
        "300",
        "--json",
    ]);
    let b = json(&["campaign", "posture-2016", "--runs", "300", "--json"]);
    assert_eq!(a["objectives"], b["objectives"]);

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, text.replace("[air]", "[air]\nstealth = 1.0")).unwrap();
    let out = detente(&["campaign", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("line") && err.contains("stealth"),
        "{err}"
    );
    assert!(
        err.contains("nato_kill_cp_per_hour"),
        "lists allowed fields: {err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweep_writes_csv_and_svg() {
    let dir = std::env::temp_dir().join(format!("detente-campaign-sweep-{}", std::process::id()));
    let out = detente(&[
        "campaign",
        "posture-2016",
        "--sweep",
        "--max-added",
        "2",
        "--sweep-runs",
        "200",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("campaign-sweep-posture-2016.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 9);
    let svg = std::fs::read_to_string(dir.join("campaign-sweep-posture-2016-7d.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("heavy brigades added"));
    assert!(dir.join("campaign-sweep-posture-2016-60h.svg").exists());
    std::fs::remove_dir_all(&dir).ok();
}
