//! End-to-end tests of the deep-uncertainty commands: discover (PRIM and CART on exact
//! evaluations, export for EMA Workbench), robust (regret on shared draws) and sweep (lever
//! grids). Kept fast: few samples, few parameters varied, few draws.

use std::path::PathBuf;
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

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detente-dmdu-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Three parameters that move p(war) a lot (docs/validation.md), so a small sample has
/// cases on both sides of the condition.
const PARAMS: &str = "misperception_sd,nuclear_shadow,gray_zone_crisis_rate";

#[test]
fn discover_json_export_and_plot_agree_with_each_other() {
    let dir = tmp("discover");
    let svg = dir.join("trajectory.svg");
    let box_svg = dir.join("box.svg");
    let o = detente(&[
        "discover",
        "baseline",
        "--n",
        "120",
        "--params",
        PARAMS,
        "--when",
        "p_war > 0.15",
        "--threshold",
        "0.7",
        "--export",
        dir.to_str().unwrap(),
        "--plot",
        svg.to_str().unwrap(),
        "--plot-box",
        box_svg.to_str().unwrap(),
        "--json",
    ]);
    let v = json(&o);
    // the settings are echoed
    assert_eq!(v["objective"], "lenient1");
    assert_eq!(v["threshold"], 0.7);
    assert_eq!(v["peel_alpha"], 0.05);
    assert_eq!(v["paste_alpha"], 0.05);
    assert_eq!(v["mass_min"], 0.05);
    let traj = v["trajectory"].as_array().unwrap();
    assert!(traj.len() >= 2, "{v}");
    assert_eq!(traj[0]["coverage"], 1.0);
    assert_eq!(traj[0]["mass"], 1.0);
    for w in traj.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if b["step"] == "peel" {
            assert!(b["mass"].as_f64() < a["mass"].as_f64());
            assert!(b["density"].as_f64() >= a["density"].as_f64());
        }
        for (name, lim) in b["restricted"].as_object().unwrap() {
            assert!(PARAMS.split(',').any(|p| p == name), "{name}");
            let (lo, hi) = (lim[0].as_f64().unwrap(), lim[1].as_f64().unwrap());
            assert!(lo <= hi);
        }
    }
    // the exported outcomes are the cases counted
    let samples = std::fs::read_to_string(dir.join("samples.csv")).unwrap();
    let mut lines = samples.lines();
    assert_eq!(lines.next().unwrap(), PARAMS);
    assert_eq!(lines.count(), 120);
    let outcomes = std::fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    let mut lines = outcomes.lines();
    assert_eq!(lines.next().unwrap(), "p_war,of_interest");
    let mut k = 0;
    for line in lines {
        let (p, flag) = line.split_once(',').unwrap();
        let p: f64 = p.parse().unwrap();
        assert_eq!(flag == "1", p > 0.15, "{line}");
        k += (flag == "1") as u64;
    }
    assert_eq!(v["cases_of_interest"].as_u64(), Some(k));
    assert!(
        k > 0 && k < 120,
        "{k} cases of interest: the test needs both kinds"
    );
    // coverage of the first box is exactly its share of the cases
    let last = traj.last().unwrap();
    let kk = last["k"].as_f64().unwrap();
    assert!((last["coverage"].as_f64().unwrap() - kk / k as f64).abs() < 1e-12);
    assert_eq!(
        v["chosen"].is_null(),
        !v["meets_threshold"].as_bool().unwrap()
    );
    let leaves = v["cart"]["leaves"].as_array().unwrap();
    let n: u64 = leaves.iter().map(|l| l["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 120);
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert!(plot.starts_with("<svg") && plot.matches("<circle").count() >= traj.len());
    // one row of the box chart per input the last box restricts
    let boxes = std::fs::read_to_string(&box_svg).unwrap();
    let restricted = traj.last().unwrap()["restricted"]
        .as_object()
        .unwrap()
        .len();
    assert_eq!(boxes.matches("fill=\"#4a7ab5\"").count(), restricted);
    // the table says the same
    let o = detente(&[
        "discover",
        "baseline",
        "--n",
        "120",
        "--params",
        PARAMS,
        "--when",
        "p_war > 0.15",
        "--threshold",
        "0.7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(
        t.contains(&format!("Cases of interest (p_war > 0.15): {k} of 120")),
        "{t}"
    );
    assert!(t.contains("CART"), "{t}");
}

#[test]
fn discover_samples_architecture_inputs_too() {
    let dir = tmp("inputs");
    // Cases of interest: riskier than the baseline at its defaults, so both kinds occur
    // whatever the model's level.
    let at_defaults = json(&detente(&["run", "baseline", "--exact", "--json"]))["p_war"]
        .as_f64()
        .unwrap();
    let when = format!("p_war > {at_defaults}");
    let v = json(&detente(&[
        "discover",
        "baseline",
        "--n",
        "40",
        "--params",
        "misperception_sd",
        "--when",
        &when,
        "--input",
        "mechanisms.hotline.strength=0:1",
        "--input",
        "mechanisms.forward_forces.heavy=0:3",
        "--export",
        dir.to_str().unwrap(),
        "--json",
    ]));
    let names: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "misperception_sd",
            "mechanisms.hotline.strength",
            "mechanisms.forward_forces.heavy"
        ]
    );
    let samples = std::fs::read_to_string(dir.join("samples.csv")).unwrap();
    let mut heavy = std::collections::BTreeSet::new();
    for line in samples.lines().skip(1) {
        let cells: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        assert!((0.0..=1.0).contains(&cells[1]));
        // a whole-number field gets whole values
        assert_eq!(cells[2].fract(), 0.0, "{line}");
        heavy.insert(cells[2] as i64);
    }
    assert!(heavy.len() >= 3, "{heavy:?}");
    // both kinds of sample occur
    let outcomes = std::fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    let flags: Vec<bool> = outcomes
        .lines()
        .skip(1)
        .map(|l| l.ends_with(",1"))
        .collect();
    assert!(flags.iter().any(|f| *f) && flags.iter().any(|f| !*f));
    for (args, want) in [
        ("mechanisms.hotline.strength=0:2", "out of range"),
        ("mechanisms.hotline.strengt=0:1", "no field `strengt`"),
        ("mechanisms.hotline.strength=1:0", "not below"),
    ] {
        let o = detente(&[
            "discover",
            "baseline",
            "--when",
            "p_war > 0.2",
            "--input",
            args,
        ]);
        assert_eq!(o.status.code(), Some(2), "{args}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args}: {}", stderr(&o));
    }
}

#[test]
fn discover_regret_against_another_architecture() {
    let dir = tmp("regret");
    let v = json(&detente(&[
        "discover",
        "baseline",
        "--against",
        "break-the-ice",
        "--n",
        "40",
        "--params",
        PARAMS,
        "--when",
        "regret > 0.05",
        "--export",
        dir.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(v["against"], "break-the-ice");
    let outcomes = std::fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    let mut lines = outcomes.lines();
    assert_eq!(lines.next().unwrap(), "regret,of_interest");
    let regrets: Vec<f64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(regrets.len(), 40);
    // break-the-ice is never less safe than the baseline (README): regret is never negative
    assert!(regrets.iter().all(|r| *r >= -1e-12), "{regrets:?}");
    let k = regrets.iter().filter(|r| **r > 0.05).count() as u64;
    assert_eq!(v["cases_of_interest"].as_u64(), Some(k));
    let o = detente(&["discover", "baseline", "--when", "regret > 0.05"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs --against"), "{}", stderr(&o));
}

#[test]
fn discover_bad_input_exits_2_with_where_and_what() {
    for (args, want) in [
        (vec!["--when", "p_wr > 0.2"], "`p_wr` is not an outcome"),
        (
            vec!["--when", "p_war = 0.2"],
            "where a comparison was expected",
        ),
        (vec!["--when", "p_war > lots"], "`lots` is not a number"),
        (
            vec!["--when", "p_war > 0.2", "--peel-alpha", "0.7"],
            "--peel-alpha 0.7",
        ),
        (
            vec!["--when", "p_war > 0.2", "--threshold", "0"],
            "--threshold 0",
        ),
        (vec!["--when", "p_war > 0.2", "--n", "1"], "--n 1"),
        (
            vec!["--when", "p_war > 0.2", "--params", "nope"],
            "`nope` is not a model parameter",
        ),
        (
            vec!["--when", "p_war > 0.2", "--n", "100000000"],
            "allowed: at most",
        ),
    ] {
        let mut a = vec!["discover", "baseline"];
        a.extend(args.iter());
        let o = detente(&a);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{a:?}: {}", stderr(&o));
    }
}

#[test]
fn robust_reports_regret_against_the_best_in_each_draw() {
    let v = json(&detente(&[
        "robust",
        "baseline",
        "two-pronged",
        "break-the-ice",
        "combined",
        "--n",
        "6",
        "--json",
    ]));
    assert_eq!(v["draws"], 6);
    assert_eq!(v["target"], 0.05);
    let rows = v["architectures"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["architecture"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["baseline", "two-pronged", "break-the-ice", "combined"]
    );
    // in every draw some architecture is best: the shares of draws best sum to at least 1,
    // and one with no regret on average is best in every draw
    let best: f64 = rows.iter().map(|r| r["share_best"].as_f64().unwrap()).sum();
    assert!(best >= 1.0 - 1e-12, "{v}");
    for r in rows {
        let f = |k: &str| r[k].as_f64().unwrap();
        assert!(
            f("max_regret") >= f("mean_regret") && f("mean_regret") >= 0.0,
            "{r}"
        );
        assert!(f("p90_p_war") <= 1.0 && f("mean_p_war") > 0.0);
        assert!((0.0..=1.0).contains(&f("share_meeting_target")));
        if f("mean_regret") == 0.0 {
            assert_eq!(f("share_best"), 1.0);
        }
    }
    // break-the-ice never does worse than the baseline (README), so the baseline's mean
    // regret is at least the difference of their means
    let gap = rows[0]["mean_p_war"].as_f64().unwrap() - rows[2]["mean_p_war"].as_f64().unwrap();
    assert!(rows[0]["mean_regret"].as_f64().unwrap() >= gap - 1e-12);
    // the same draws give the same answer
    let again = json(&detente(&[
        "robust",
        "baseline",
        "two-pronged",
        "break-the-ice",
        "combined",
        "--n",
        "6",
        "--json",
    ]));
    assert_eq!(again["architectures"], v["architectures"]);
    let o = detente(&["robust", "baseline", "combined", "--n", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("max regret"));
    let o = detente(&["robust", "baseline", "combined", "--target", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--target 1.5"), "{}", stderr(&o));
}

#[test]
fn sweep_of_the_hotline_lowers_p_war_and_bad_sets_exit_2() {
    let dir = tmp("sweep");
    let svg = dir.join("sweep.svg");
    let v = json(&detente(&[
        "sweep",
        "baseline",
        "--set",
        "mechanisms.hotline.strength=0:1:11",
        "--json",
        "--plot",
        svg.to_str().unwrap(),
    ]));
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts.len(), 11);
    let p: Vec<f64> = pts.iter().map(|x| x["p_war"].as_f64().unwrap()).collect();
    // a stronger hotline never raises p(war), and at the baseline's 0.3 it is `run --exact`'s
    for w in p.windows(2) {
        assert!(w[1] <= w[0] + 1e-12, "{p:?}");
    }
    assert!(p[0] > p[10]);
    let run = json(&detente(&["run", "baseline", "--exact", "--json"]));
    let base = run["p_war"].as_f64().unwrap();
    let at = pts[3]["values"]["mechanisms.hotline.strength"]
        .as_f64()
        .unwrap();
    assert!((at - 0.3).abs() < 1e-12, "{at}");
    assert!((p[3] - base).abs() < 1e-9, "{} vs {base}", p[3]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<polyline"));
    // two inputs with uncertainty bands: a 2 × 2 grid, bands around the mean
    let v = json(&detente(&[
        "sweep",
        "baseline",
        "--set",
        "mechanisms.hotline.strength=0,1",
        "--set",
        "mechanisms.incidents_code.strength=0:1:2",
        "--uncertainty",
        "4",
        "--json",
    ]));
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts.len(), 4);
    for pt in pts {
        let b = pt["p_war_band"].as_array().unwrap();
        let (lo, hi) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
        assert!(lo <= hi && lo >= 0.0 && hi <= 1.0, "{pt}");
    }
    for (set, want) in [
        (
            "mechanisms.hotlin.strength=0:1:3",
            "no field `hotlin` at `mechanisms`",
        ),
        ("mechanisms.hotline.strength=0:2:3", "out of range"),
        ("mechanisms.hotline.strength=0:1", "2 parts"),
        ("mechanisms.hotline.enabled=0:1:2", "not a number"),
        ("mechanisms.hotline.strength=0:1:100000", "allowed: 2 to"),
    ] {
        let o = detente(&["sweep", "baseline", "--set", set]);
        assert_eq!(o.status.code(), Some(2), "{set}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{set}: {}", stderr(&o));
    }
}
