//! End-to-end tests of calibrate, predict-crises, sensitivity and run --uncertainty. Kept
//! fast: a 60-crisis excerpt of the ICB file, few iterations, small samples, few runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detente-analysis-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The first `n` crises of the ICB file, written to `dir`.
fn icb_excerpt(dir: &Path, n: usize) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/icb1v15_1918-1989.csv");
    let text = std::fs::read_to_string(src).unwrap();
    let lines: Vec<&str> = text.lines().take(n + 1).collect();
    let p = dir.join("icb.csv");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

/// `predict-crises` on `icb` with `params`: it must succeed and give, for every crisis, four
/// finite probabilities summing to one. Returns the crisis numbers and the forecasts.
fn predict(params: &Path, icb: &Path) -> Vec<(i64, Vec<f64>)> {
    let o = detente(&[
        "predict-crises",
        "--params",
        params.to_str().unwrap(),
        "--icb",
        icb.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let p: Vec<f64> = row["p"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(p.len(), 4);
            assert!(p.iter().all(|x| x.is_finite()), "{p:?}");
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
            (row["crisno"].as_i64().unwrap(), p)
        })
        .collect()
}

#[test]
fn calibrate_then_predict() {
    let dir = tmp("cal");
    let icb = icb_excerpt(&dir, 60);
    let out = dir.join("params.toml");
    let o = detente(&[
        "calibrate",
        "--icb",
        icb.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--folds",
        "2",
        "--penalty",
        "1",
        "--max-iter",
        "3",
        "--fit",
        "threshold_1,threshold_2,beta_gravity",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_crises"], 60);
    assert_eq!(v["estimates"].as_array().unwrap().len(), 3);
    for m in ["model", "frequencies", "ordered_logit"] {
        let r = v["in_sample"][m]["rps"].as_f64().unwrap();
        assert!((0.0..1.0).contains(&r), "{m} {r}");
        assert!(v["cross_validated"][m]["rps"].as_f64().is_some());
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("format = \"detente-params/1\"") && text.contains("covariance"));

    let preds = predict(&out, &icb);
    assert_eq!(preds.len(), 60);
    assert_eq!(preds[0].0, 1);

    // Uncertainty from the fitted file.
    let o = detente(&[
        "run",
        "--runs",
        "300",
        "--uncertainty",
        "--params",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["interval"]
        .as_str()
        .unwrap()
        .contains("parameter uncertainty"));
    // Each draw exact by default; --monte-carlo simulates the runs of each draw instead.
    assert_eq!(v["method"], "exact");
    let o = detente(&[
        "run",
        "--runs",
        "300",
        "--uncertainty",
        "--monte-carlo",
        "--params",
        out.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["method"], "monte_carlo");
    assert_eq!(v["runs"], 300);
}

/// `calibrate` on the whole training file reports the forward-chaining table (windows and a
/// pooled row, every forecaster scored); `predict-crises` then reads any ICB-format file,
/// codes out of range or not finite included, and gives a forecast for every row.
#[test]
fn forward_chaining_table_and_predictions_on_odd_codes() {
    let dir = tmp("forward");
    let icb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/icb1v15_1918-1989.csv");
    let out = dir.join("params.toml");
    let o = detente(&[
        "calibrate",
        "--icb",
        icb.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--penalty",
        "4",
        "--max-iter",
        "15",
        "--fit",
        "threshold_1,threshold_2,threshold_3,onset_violent,start_clash_indirect",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["forward_chaining"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let mut scored = 0;
    for r in &rows[..4] {
        assert_eq!(r["pooled"], false);
        assert!(r["fit_until"].as_i64().unwrap() < r["scored_from"].as_i64().unwrap());
        scored += r["n"].as_u64().unwrap();
    }
    let pooled = &rows[4];
    assert_eq!(pooled["pooled"], true);
    assert_eq!(pooled["n"].as_u64().unwrap(), scored);
    for m in ["model", "climatology", "ordered_logit", "multinomial_logit"] {
        let r = pooled["rps"][m].as_f64().unwrap();
        assert!((0.0..1.0).contains(&r), "{m} {r}");
    }
    assert!(pooled["rps"]["model"].as_f64() < pooled["rps"]["climatology"].as_f64());

    let odd = dir.join("odd.csv");
    let header = std::fs::read_to_string(&icb)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let cols: Vec<&str> = header.split(',').collect();
    let row = |vals: &[(&str, &str)]| -> String {
        cols.iter()
            .map(|c| vals.iter().find(|(k, _)| k == c).map_or("", |(_, v)| *v))
            .collect::<Vec<_>>()
            .join(",")
    };
    let text = format!(
        "{header}\n{}\n{}\n",
        row(&[
            ("crisno", "900"),
            ("yrtrig", "1999"),
            ("break", "12"),
            ("gravcr", "9"),
            ("noactr", "inf"),
            ("geog", "0"),
            ("syslevsy", "7")
        ]),
        row(&[
            ("crisno", "901"),
            ("break", "9"),
            ("viol", "3"),
            ("powdissy", "NaN")
        ]),
    );
    std::fs::write(&odd, text).unwrap();
    let preds = predict(&out, &odd);
    assert_eq!(preds.len(), 2);
    // A violent trigger starts with clashes: no chance of "no violence".
    assert_eq!(preds[1].1[0], 0.0);
}

#[test]
fn bad_icb_cell_exits_2_with_line_and_field() {
    let dir = tmp("bad");
    let p = dir.join("bad.csv");
    std::fs::write(&p, "crisno,viol,gravcr,protrac,powinv,noactr,powdissy,mediate,globorg,regorg,break,geog,syslevsy\n1,2,x,1,1,2,,1,1,1,9,31,1\n").unwrap();
    let params = dir.join("missing.toml");
    let o = detente(&[
        "calibrate",
        "--icb",
        p.to_str().unwrap(),
        "--out",
        params.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("line 2") && e.contains("gravcr"), "{e}");
    let o = detente(&[
        "predict-crises",
        "--params",
        params.to_str().unwrap(),
        "--icb",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o)); // Invalid UTF-8 in the ICB file: exit 2 with the position, for calibrate as for predict.
    let bin = dir.join("binary.csv");
    std::fs::write(&bin, b"crisno,viol\n1,\xff\n").unwrap();
    let o = detente(&[
        "calibrate",
        "--icb",
        bin.to_str().unwrap(),
        "--out",
        params.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("binary.csv:2:3"), "{}", stderr(&o));
}

#[test]
fn sobol_export_and_plot() {
    let dir = tmp("sobol");
    let exp = dir.join("export");
    let svg = dir.join("s.svg");
    let o = detente(&[
        "sensitivity",
        "baseline",
        "--method",
        "sobol",
        "--n",
        "8",
        "--runs",
        "200",
        "--params",
        "threshold_3,nuclear_shadow,gray_zone_crisis_rate",
        "--json",
        "--export",
        exp.to_str().unwrap(),
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let idx = v["indices"].as_array().unwrap();
    assert_eq!(idx.len(), 3);
    for k in ["name", "S1", "S1_conf", "ST", "ST_conf"] {
        assert!(idx[0].get(k).is_some(), "missing {k}");
    }
    let samples = std::fs::read_to_string(exp.join("samples.csv")).unwrap();
    assert_eq!(samples.lines().count(), 1 + 8 * 5);
    assert!(samples.starts_with("threshold_3,nuclear_shadow,gray_zone_crisis_rate"));
    let outputs = std::fs::read_to_string(exp.join("outputs.csv")).unwrap();
    assert_eq!(outputs.lines().next(), Some("p_war"));
    assert_eq!(outputs.lines().count(), 1 + 8 * 5);
    let problem: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(exp.join("problem.json")).unwrap()).unwrap();
    assert_eq!(problem["num_vars"], 3);
    assert!(std::fs::read_to_string(svg).unwrap().starts_with("<svg"));
}

#[test]
fn morris_json_and_bad_flags() {
    let o = detente(&[
        "sensitivity",
        "--method",
        "morris",
        "--n",
        "2",
        "--runs",
        "100",
        "--params",
        "nuclear_shadow,rearm_years",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["indices"][0].get("mu_star").is_some() && v["indices"][0].get("sigma").is_some());
    assert_eq!(v["evaluation"], "exact");
    assert!(v["runs_per_evaluation"].is_null());
    let o = detente(&[
        "sensitivity",
        "--method",
        "morris",
        "--n",
        "2",
        "--monte-carlo",
        "--runs",
        "100",
        "--params",
        "nuclear_shadow,rearm_years",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["evaluation"], "monte_carlo");
    assert_eq!(v["runs_per_evaluation"], 100);
    let o = detente(&["sensitivity", "--method", "sobol", "--n", "6"]);
    assert_eq!(o.status.code(), Some(2));
    let o = detente(&["sensitivity", "--params", "no_such_param"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no_such_param"));
}

/// Sobol over every uncertain parameter of the model (more than half the Sobol sequence's 256
/// dimensions since issue 11): every parameter gets its indices, each exact.
#[test]
fn sobol_over_every_parameter() {
    let o = detente(&[
        "sensitivity",
        "baseline",
        "--method",
        "sobol",
        "--n",
        "2",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uncertain = detente_engine::PARAM_SPECS
        .iter()
        .filter(|s| s.high > s.low)
        .count();
    assert!(uncertain > 128, "{uncertain}");
    assert_eq!(v["indices"].as_array().unwrap().len(), uncertain);
    assert_eq!(v["evaluations"], 2 * (uncertain + 2));
}

/// Architecture inputs join the sensitivity set (issue 11): the frontline's escalation tolerance
/// and the added heavy brigades get indices beside the parameters, and they move p(war); a
/// path past the architecture's end, a parameter name given as a path and an inert documentary
/// field are told apart.
#[test]
fn sensitivity_varies_architecture_inputs_too() {
    let o = detente(&[
        "sensitivity",
        "--method",
        "morris",
        "--n",
        "4",
        "--params",
        "nuclear_shadow",
        "--input",
        "actors.3.escalation_tolerance=0:1",
        "--input",
        "mechanisms.forward_forces.heavy=0:4",
        "--input",
        "actors.3.forces_k=100:300",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["parameters"], serde_json::json!(["nuclear_shadow"]));
    assert_eq!(v["architecture_inputs"].as_array().unwrap().len(), 3);
    let mu = |name: &str| {
        v["indices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {v}"))["mu_star"]
            .as_f64()
            .unwrap()
    };
    assert!(mu("actors.3.escalation_tolerance") > 0.01);
    assert!(mu("mechanisms.forward_forces.heavy") > 0.0);
    // Personnel is documentary (detente schema): no effect at all.
    assert_eq!(mu("actors.3.forces_k"), 0.0);
    for (input, says) in [
        ("actors.99.escalation_tolerance=0:1", "past its end"),
        ("nuclear_shadow=1:2", "is a model parameter"),
        ("mechanisms.hotline.strength=0:2", "invalid"),
    ] {
        let o = detente(&[
            "sensitivity",
            "--params",
            "nuclear_shadow",
            "--input",
            input,
        ]);
        assert_eq!(o.status.code(), Some(2), "{input}");
        assert!(stderr(&o).contains(says), "{input}: {}", stderr(&o));
    }
}
