//! CLI tests of `detente deliberate`, `detente elicit` and `detente plan`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn detente(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run detente");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detente-deliberation-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// The value of `key = ...` in table `[table]` of a TOML text (plain string scan).
fn toml_value(text: &str, table: &str, key: &str) -> Option<String> {
    let start = text.find(&format!("[{table}]"))?;
    let rest = &text[start..];
    let body = &rest[rest.find('\n')? + 1..];
    let body = &body[..body.find("\n[").unwrap_or(body.len())];
    body.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
}

#[test]
fn deliberate_example_finds_only_hybrid_attacks_shared() {
    let (code, out, err) = detente(&[
        "deliberate",
        "examples/deliberation/seed000_concerns.csv",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["shared_by_all"], serde_json::json!(["hybrid_attacks"]));
    let us = v["group_rankings"]["united_states"].as_array().unwrap();
    let top3: Vec<&str> = us.iter().take(3).map(|c| c.as_str().unwrap()).collect();
    for c in ["nuclear_war", "russia_axis", "hybrid_attacks"] {
        assert!(top3.contains(&c), "{top3:?}");
    }
    for (_, w) in v["kendall_w"].as_object().unwrap() {
        let w = w.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&w));
    }
    assert_eq!(v["overlap"]["united_states"]["united_states"], 3);
    let (code, out, _) = detente(&[
        "deliberate",
        "examples/deliberation/seed000_concerns.csv",
        "--top",
        "2",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Kendall"));
}

#[test]
fn deliberate_bad_row_exits_2_with_line_and_column() {
    let f = tmp("bad_rank.csv");
    std::fs::write(
        &f,
        "expert,group,concern,rank\na,us,nuclear_war,1\na,us,hybrid,-3\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["deliberate", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3") && err.contains("rank") && err.contains("bad_rank.csv"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    let (code, _, err) = detente(&["deliberate", "no/such/file.csv"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn elicit_example_json_and_priors_round_trip() {
    let priors = tmp("priors.toml");
    let (code, out, err) = detente(&[
        "elicit",
        "examples/elicitation/example_judgements.csv",
        "--json",
        "--write-priors",
        priors.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let qs = v["quantities"].as_array().unwrap();
    assert_eq!(qs.len(), 3);
    for q in qs {
        let p = &q["pooled"];
        let (a, b, c) = (
            p["p05"].as_f64().unwrap(),
            p["p50"].as_f64().unwrap(),
            p["p95"].as_f64().unwrap(),
        );
        assert!(a < b && b < c, "{q}");
        for e in q["experts"].as_array().unwrap() {
            assert!(!e["fits"].as_array().unwrap().is_empty());
            assert!(e["fits"][0]["sse"].as_f64().unwrap() >= 0.0);
        }
    }
    let text = std::fs::read_to_string(&priors).unwrap();
    assert!(text.starts_with("# written by detente elicit from"));
    let read = detente_deliberation::priors::read_priors(&text).unwrap();
    let names: Vec<&str> = read.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"ceasefire_base_hazard"));
    let hy = read
        .iter()
        .find(|p| p.name == "hybrid_crisis_probability")
        .unwrap();
    let q = qs
        .iter()
        .find(|q| q["quantity"] == "hybrid_crisis_probability")
        .unwrap();
    assert!((hy.quantile(0.5) - q["pooled"]["p50"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn elicit_bad_probability_exits_2() {
    let f = tmp("bad_judgement.csv");
    std::fs::write(
        &f,
        "expert,quantity,probability,value\na,q,0.05,1\na,q,1.2,3\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["elicit", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3") && err.contains("probability"),
        "{err}"
    );
}

#[test]
fn plan_json_mps_and_apply() {
    let mps = tmp("plan.mps");
    let out_toml = tmp("applied.toml");
    let (code, out, err) = detente(&[
        "plan",
        "examples/deliberation/plan_actors.toml",
        "--json",
        "--export-lp",
        mps.to_str().unwrap(),
        "--apply",
        "--out",
        out_toml.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let obj = v["objective"].as_f64().unwrap();
    assert!(v["assignments"]["us"].is_object());
    assert!(v["assignments"].get("russia").is_none());
    let burden = v["burden"].as_array().unwrap();
    let share: f64 = burden
        .iter()
        .map(|b| b["burden_share"].as_f64().unwrap())
        .sum();
    assert!((share - 1.0).abs() < 1e-9);
    // the exported model, parsed and solved again, gives the same optimum
    let text = std::fs::read_to_string(&mps).unwrap();
    let model = detente_deliberation::mps::parse_mps(&text, "plan.mps").unwrap();
    let again = model.solve().unwrap().objective;
    assert!(
        (again - obj).abs() < 1e-9 * (1.0 + obj.abs()),
        "{again} vs {obj}"
    );
    // --apply kept comments and set strengths from coverage
    let applied = std::fs::read_to_string(&out_toml).unwrap();
    assert!(applied.contains("# set by the plan from ukraine_air_defence"));
    assert_eq!(
        toml_value(&applied, "mechanisms.porcupine", "enabled").as_deref(),
        Some("true")
    );
    let s: f64 = toml_value(&applied, "mechanisms.porcupine", "strength")
        .unwrap()
        .parse()
        .unwrap();
    let c = v["coverage"]["ukraine_air_defence"].as_f64().unwrap();
    assert!((s - c).abs() < 1e-4);
    assert_eq!(
        toml_value(&applied, "mechanisms.hotline", "enabled").as_deref(),
        Some("true")
    );
}

#[test]
fn plan_default_text() {
    let (code, out, err) = detente(&["plan"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Burden beside capability"));
}

#[test]
fn plan_infeasible_names_conflicts_and_bad_input_exits_2() {
    let f = tmp("tight.toml");
    std::fs::write(
        &f,
        "[[actors]]\nid = \"us\"\nspending_usd_bn = 10\nescalation_tolerance = 0.1\nconcerns = [\"nuclear_war\"]\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["plan", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("infeasible") && err.contains("cover_min_"),
        "{err}"
    );
    std::fs::write(
        &f,
        "[[actors]]\nid = \"us\"\nspending_usd_bn = \"lots\"\nescalation_tolerance = 0.1\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["plan", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3") && err.contains("spending_usd_bn"),
        "{err}"
    );
    let (code, _, err) = detente(&["plan", "no-such-architecture"]);
    assert_eq!(code, 2, "{err}");
}

/// Regression: `--apply` on a built-in wrote `strength` into `[mechanisms.forward_forces]`,
/// which the architecture format does not have; the applied file must validate and run.
#[test]
fn plan_applied_to_a_builtin_is_a_valid_runnable_architecture() {
    for name in ["baseline", "two-pronged"] {
        let out_toml = tmp(&format!("applied-{name}.toml"));
        let (code, _, err) =
            detente(&["plan", name, "--apply", "--out", out_toml.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let path = out_toml.to_str().unwrap();
        let (code, _, err) = detente(&["check", path]);
        assert_eq!(code, 0, "{name}: {err}");
        let applied = std::fs::read_to_string(&out_toml).unwrap();
        assert!(toml_value(&applied, "mechanisms.forward_forces", "strength").is_none());
        let heavy: i64 = toml_value(&applied, "mechanisms.forward_forces", "heavy")
            .unwrap()
            .parse()
            .unwrap();
        assert!((0..=3).contains(&heavy));
        let (code, out, err) = detente(&["run", path, "--runs", "500", "--json"]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("\"p_war\""));
    }
}

/// The README's workflow, end to end: the shipped judgements → `elicit --write-priors` →
/// `run --uncertainty --priors`.
#[test]
fn readme_elicit_priors_run_workflow_works_end_to_end() {
    let priors = tmp("workflow-priors.toml");
    let (code, _, err) = detente(&[
        "elicit",
        "examples/elicitation/example_judgements.csv",
        "--write-priors",
        priors.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = detente(&[
        "run",
        "baseline",
        "--runs",
        "2000",
        "--uncertainty",
        "--priors",
        priors.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["p_war"].is_object() || v["p_war"].is_number(), "{v}");
}

#[test]
fn elicit_quantity_that_is_not_a_parameter_exits_2() {
    let f = tmp("not_a_param.csv");
    std::fs::write(
        &f,
        "expert,quantity,probability,value\na,ceasefire_breakdown_base_rate,0.05,0.04\na,ceasefire_breakdown_base_rate,0.5,0.1\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["elicit", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 2") && err.contains("not a model parameter"),
        "{err}"
    );
}

#[test]
fn elicit_value_outside_the_parameter_range_exits_2() {
    let f = tmp("out_of_range.csv");
    std::fs::write(
        &f,
        "expert,quantity,probability,value\na,gray_zone_crisis_rate,0.05,0.5\na,gray_zone_crisis_rate,0.5,4.0\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["elicit", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 3") && err.contains("allowed: 0.1 to 1"),
        "{err}"
    );
}

#[test]
fn elicit_index_out_of_bounds_on_minus_1_7e308_exits_2() {
    let f = tmp("huge.csv");
    std::fs::write(
        &f,
        "expert,quantity,probability,value\nb,q,0.25,-1.7e308\nb,q,0.5,0.1\n",
    )
    .unwrap();
    let (code, _, err) = detente(&["elicit", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn elicit_write_priors_unwritable_path_names_it_before_work() {
    let (code, _, err) = detente(&[
        "elicit",
        "examples/elicitation/example_judgements.csv",
        "--write-priors",
        "/nonexistent-dir/priors.toml",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/nonexistent-dir/priors.toml"), "{err}");
}

#[test]
fn plan_export_lp_and_apply_out_unwritable_paths_are_named() {
    for args in [
        [
            "plan",
            "baseline",
            "--export-lp",
            "/nonexistent-dir/plan.mps",
            "",
            "",
        ],
        [
            "plan",
            "baseline",
            "--apply",
            "--out",
            "/nonexistent-dir/out.toml",
            "",
        ],
    ] {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        let (code, _, err) = detente(&args);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("/nonexistent-dir/"), "{err}");
    }
}

#[test]
fn deliberate_twenty_thousand_one_expert_groups_exits_2_quickly() {
    let f = tmp("many_groups.csv");
    let mut text = String::from("expert,group,concern,rank\n");
    for i in 0..20_000 {
        text.push_str(&format!("e{i},g{i},c{},1\n", i % 9));
    }
    std::fs::write(&f, text).unwrap();
    let t = std::time::Instant::now();
    let (code, _, err) = detente(&["deliberate", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than 200 groups"), "{err}");
    assert!(t.elapsed().as_secs() < 10);
}

#[test]
fn deliberate_invalid_utf8_names_line_and_column_exit_2() {
    let f = tmp("latin1.csv");
    std::fs::write(&f, b"expert,group,concern,rank\na,g,caf\xe9,1\n").unwrap();
    let (code, _, err) = detente(&["deliberate", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(":2:8: invalid UTF-8"), "{err}");
}

#[test]
fn deliberate_terminal_escape_in_a_name_is_refused_and_escaped() {
    let f = tmp("escape.csv");
    std::fs::write(&f, "expert,group,concern,rank\na,g,\u{1b}[2Jboom,1\n").unwrap();
    let (code, out, err) = detente(&["deliberate", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\u{1b}') && !out.contains('\u{1b}'), "{err}");
    assert!(err.contains("U+001B"), "{err}");
}
