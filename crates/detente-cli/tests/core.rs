//! End-to-end tests of the core commands: run, compare, check, show, list, schema, params.
//! The golden test pins the baseline's JSON summary on a fixed seed; update it on purpose with
//! `UPDATE_GOLDEN=1 cargo test -p detente-cli --test core golden`.

use std::process::{Command, Output};

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-core-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn exact_run_and_compare() {
    let v = json(&detente(&["run", "baseline", "--exact", "--json"]));
    assert_eq!(v["method"], "exact");
    assert!(v["runs"].is_null() && v["seed"].is_null());
    let p = v["p_war"].as_f64().unwrap();
    assert!(p > 0.0 && p < 1.0);
    assert_eq!(v["p_war_ci"][0].as_f64(), Some(p));
    assert_eq!(v["p_war_ci"][1].as_f64(), Some(p));
    let mc = json(&detente(&["run", "baseline", "--runs", "500", "--json"]));
    assert_eq!(mc["method"], "monte_carlo");
    // The same keys either way.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), keys(&mc));
    let c = json(&detente(&[
        "compare", "baseline", "combined", "--exact", "--json",
    ]));
    assert_eq!(c["method"], "exact");
    let archs = c["architectures"].as_array().unwrap();
    let (p0, p1) = (
        archs[0]["p_war"].as_f64().unwrap(),
        archs[1]["p_war"].as_f64().unwrap(),
    );
    assert_eq!(p0, p);
    assert!((archs[1]["diff_vs_first"].as_f64().unwrap() - (p1 - p0)).abs() < 1e-15);
    // Per-run rows cannot be exact: the run falls back to simulation and says so.
    let out = tmp("exact-rows.csv");
    let o = detente(&[
        "run",
        "baseline",
        "--exact",
        "--runs",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("instead of --exact"));
}

#[test]
fn golden_baseline_summary() {
    let out = detente(&["run", "baseline", "--runs", "4000", "--seed", "7", "--json"]);
    let got = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/baseline_seed7.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).expect("golden file; create it with UPDATE_GOLDEN=1");
    assert_eq!(
        got, want,
        "baseline summary changed; if on purpose, rerun with UPDATE_GOLDEN=1"
    );
}

#[test]
fn run_json_has_the_documented_fields() {
    let v = json(&detente(&[
        "run",
        "--runs",
        "2000",
        "--seed",
        "3",
        "--horizon-years",
        "5",
        "--json",
    ]));
    for key in [
        "runs",
        "seed",
        "horizon_years",
        "p_war",
        "p_war_ci",
        "p_nuclear",
        "p_nuclear_ci",
        "by_pathway",
        "survival",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["runs"], 2000);
    assert_eq!(v["horizon_years"], 5.0);
    assert_eq!(v["survival"].as_array().unwrap().len(), 5);
    let by = v["by_pathway"].as_object().unwrap();
    assert_eq!(by.len(), 7);
    for (_, p) in by {
        assert!(
            p["p_war"].as_f64().unwrap() >= 0.0 && p["p_war_ci"].as_array().unwrap().len() == 2
        );
        assert!(p["crises_per_year"].as_f64().is_some());
    }
    let payer = &v["mean_cost_by_payer_usd_bn"];
    let parts: f64 = ["european_defence", "us_defence", "mechanisms"]
        .iter()
        .map(|k| payer[*k].as_f64().unwrap())
        .sum();
    assert!((parts - v["mean_cost_usd_bn"].as_f64().unwrap()).abs() < 1e-6 * parts);
    assert!(
        payer["us_defence"].as_f64().unwrap() > 0.0
            && payer["european_defence"].as_f64().unwrap() > 0.0
    );
    let total: f64 = by.values().map(|p| p["p_war"].as_f64().unwrap()).sum();
    assert!((total - v["p_war"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_detente"))
            .args([
                "run",
                "two-pronged",
                "--runs",
                "20000",
                "--seed",
                "42",
                "--json",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn compare_reports_paired_differences() {
    let v = json(&detente(&[
        "compare", "baseline", "combined", "--runs", "3000", "--json",
    ]));
    let list = v["architectures"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["diff_vs_first"], 0.0);
    for a in list {
        for k in ["name", "p_war", "p_war_ci", "diff_vs_first", "diff_ci"] {
            assert!(a.get(k).is_some(), "missing {k}");
        }
    }
    let d = list[1]["diff_vs_first"].as_f64().unwrap();
    let ci = list[1]["diff_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= d && d <= ci[1].as_f64().unwrap());
}

#[test]
fn out_writes_csv_and_parquet() {
    let csv = tmp("runs.csv");
    let o = detente(&["run", "--runs", "500", "--out", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 501);
    assert!(text.starts_with("run,war,war_month,war_pathway,nuclear"));
    let pq = tmp("runs.parquet");
    let o = detente(&["run", "--runs", "500", "--out", pq.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&pq).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
    let o = detente(&["run", "--runs", "10", "--out", "runs.xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".csv or .parquet"));
}

#[test]
fn every_builtin_shows_and_checks() {
    let list = stdout(&detente(&["list"]));
    for name in ["baseline", "two-pronged", "break-the-ice", "combined"] {
        assert!(list.contains(name));
        let text = stdout(&detente(&["show", name]));
        let path = tmp(&format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let o = detente(&["check", path.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
    }
    assert_eq!(detente(&["show", "nonesuch"]).status.code(), Some(2));
}

#[test]
fn check_reports_every_problem_with_location() {
    let base = stdout(&detente(&["show", "baseline"]));
    let bad = base
        .replacen(
            "strength = 0.3      # only the White House-Kremlin line (seed 003)",
            "strength = 1.5",
            1,
        )
        .replacen("horizon_years = 10", "horizon_years = \"ten\"", 1)
        .replacen(
            "members = [\"russia\", \"belarus\"]",
            "members = [\"russia\", \"belarus\"]\ncolour = \"red\"",
            1,
        )
        .replacen("monitoring = \"none\"", "monitoring = \"blue helmets\"", 1)
        .replacen(
            "members = [\"us\", \"western_europe\"",
            "members = [\"us\", \"atlantis\"",
            1,
        );
    let path = tmp("bad.toml");
    std::fs::write(&path, &bad).unwrap();
    let o = detente(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let file = path.to_str().unwrap();
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!("{file}:{}:", line_of("strength = 1.5"))),
        "{err}"
    );
    assert!(
        err.contains("`mechanisms.hotline.strength`: 1.5 is out of range; allowed: 0 to 1"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:{}:", line_of("horizon_years"))),
        "{err}"
    );
    assert!(
        err.contains("`horizon_years`: expected an integer, found a string"),
        "{err}"
    );
    assert!(err.contains("unknown key `colour`"), "{err}");
    assert!(
        err.contains(
            "\"blue helmets\" is not allowed; allowed: \"none\", \"observers\", \"peacekeepers\""
        ),
        "{err}"
    );
    // A reference to a missing actor is reported in the same pass as the schema errors.
    assert!(
        err.contains(&format!("{file}:{}:", line_of("atlantis"))),
        "{err}"
    );
    assert!(
        err.contains("`groups[0].members[1]`: unknown actor `atlantis`"),
        "{err}"
    );
    assert!(err.contains("5 problems found"), "{err}");
    // Problems are listed in file order.
    let lines: Vec<usize> = err
        .lines()
        .filter_map(|l| {
            l.strip_prefix(&format!("{file}:"))?
                .split(':')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn check_reports_references_to_missing_actors_and_syntax_errors() {
    let base = stdout(&detente(&["show", "baseline"]));
    let bad = base.replacen(
        "members = [\"russia\", \"belarus\"]",
        "members = [\"russia\", \"kazakhstan\"]",
        1,
    );
    let path = tmp("badref.toml");
    std::fs::write(&path, &bad).unwrap();
    let o = detente(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let line = bad.lines().position(|l| l.contains("kazakhstan")).unwrap() + 1;
    assert!(err.contains(&format!(":{line}:")), "{err}");
    assert!(
        err.contains("`groups[1].members[1]`: unknown actor `kazakhstan`"),
        "{err}"
    );

    let path = tmp("syntax.toml");
    std::fs::write(&path, "name = \"x\"\nhorizon_years = = 3\n").unwrap();
    let o = detente(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(":2:"), "{}", stderr(&o));

    let o = detente(&["run", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neither a built-in architecture"));
}

#[test]
fn bad_flags_exit_2() {
    assert_eq!(detente(&["run", "--runs", "0"]).status.code(), Some(2));
    assert_eq!(
        detente(&["run", "--horizon-years", "99"]).status.code(),
        Some(2)
    );
    assert_eq!(detente(&["run", "--runs", "many"]).status.code(), Some(2));
}

#[test]
fn schema_describes_the_format() {
    let v = json(&detente(&["schema"]));
    let props = v["properties"].as_object().unwrap();
    for k in [
        "actors",
        "dynamics",
        "mechanisms",
        "ceasefire",
        "pathways",
        "horizon_years",
    ] {
        assert!(props.contains_key(k), "schema lacks {k}");
    }
}

#[test]
fn model_docs_list_every_parameter_as_in_the_code() {
    let table = stdout(&detente(&["params", "--markdown"]));
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/model.md"),
    )
    .unwrap();
    assert!(
        doc.contains(&table),
        "docs/model.md is out of date: regenerate its table with `detente params --markdown`"
    );
}

#[test]
fn editing_a_mechanism_changes_the_answer() {
    let base = stdout(&detente(&["show", "baseline"]));
    let edited = base.replacen(
        "[mechanisms.crisis_dialogue]\nenabled = false\nstrength = 0.0",
        "[mechanisms.crisis_dialogue]\nenabled = true\nstrength = 1.0",
        1,
    );
    assert_ne!(base, edited);
    let path = tmp("edited.toml");
    std::fs::write(&path, edited).unwrap();
    let v = json(&detente(&[
        "compare",
        "baseline",
        path.to_str().unwrap(),
        "--runs",
        "20000",
        "--json",
    ]));
    let d = v["architectures"][1]["diff_vs_first"].as_f64().unwrap();
    assert!(d < 0.0, "crisis dialogue should lower p_war, got {d}");
}

#[test]
fn uncertainty_reports_the_spread_across_parameter_draws() {
    let v = json(&detente(&[
        "run",
        "--uncertainty",
        "--runs",
        "4000",
        "--runs-per-draw",
        "100",
        "--json",
    ]));
    assert!(v["interval"]
        .as_str()
        .unwrap()
        .contains("parameter uncertainty"));
    let u = &v["parameter_uncertainty"];
    assert_eq!(u["draws"], 40);
    let (lo, hi) = (
        u["p_war_interval"][0].as_f64().unwrap(),
        u["p_war_interval"][1].as_f64().unwrap(),
    );
    assert!(0.0 <= lo && lo <= hi && hi <= 1.0);
    let plain = json(&detente(&["run", "--runs", "4000", "--json"]));
    assert!(plain["parameter_uncertainty"].is_null());
    assert!(plain["interval"]
        .as_str()
        .unwrap()
        .starts_with("Monte Carlo only"));
    assert_eq!(
        detente(&["run", "--uncertainty", "--runs-per-draw", "0"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn compare_under_parameter_uncertainty_reports_how_often_each_option_is_safer() {
    let v = json(&detente(&[
        "compare",
        "baseline",
        "combined",
        "--runs",
        "6000",
        "--uncertainty",
        "--runs-per-draw",
        "200",
        "--json",
    ]));
    assert_eq!(v["parameter_uncertainty"], true);
    let first = &v["architectures"][0];
    assert!(
        first["diff_across_draws"]["draws"].is_null()
            || first["diff_across_draws"]["median"] == 0.0
    );
    let other = &v["architectures"][1]["diff_across_draws"];
    assert_eq!(other["draws"], 30);
    let share = other["share_of_draws_safer_than_first"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    let (lo, med, hi) = (
        other["interval"][0].as_f64().unwrap(),
        other["median"].as_f64().unwrap(),
        other["interval"][1].as_f64().unwrap(),
    );
    assert!(lo <= med && med <= hi);
    let plain = json(&detente(&[
        "compare", "baseline", "combined", "--runs", "2000", "--json",
    ]));
    assert_eq!(plain["parameter_uncertainty"], false);
    assert!(plain["architectures"][1]["diff_across_draws"].is_null());
}

#[test]
fn report_with_uncertainty_shows_how_often_each_option_is_safer() {
    let out = tmp("report-u.html");
    let o = detente(&[
        "report",
        "baseline",
        "break-the-ice",
        "--runs",
        "2000",
        "--uncertainty",
        "--runs-per-draw",
        "100",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Across what we do not know"));
    assert!(html.contains("Draws in which it is safer than the first"));
    assert!(html.contains("--uncertainty --runs-per-draw 100"));
    assert!(!html.contains("<script") && !html.contains("https://"));
}

/// Russia decides (issue 10): denial in the Baltics moves Russia's effort into hybrid and
/// gray-zone probing, as `compare --json` reports it, by Monte Carlo and exactly.
#[test]
fn compare_json_shows_russia_substituting_under_denial() {
    for method in [&["--exact"][..], &["--runs", "4000"][..]] {
        let mut args = vec!["compare", "baseline", "two-pronged", "--json"];
        args.extend_from_slice(method);
        let c = json(&detente(&args));
        let archs = c["architectures"].as_array().unwrap();
        let rate = |i: usize, p: &str| {
            archs[i]["crises_per_year_by_pathway"][p]
                .as_f64()
                .unwrap_or_else(|| panic!("{p} in {}", archs[i]))
        };
        let probing = |i: usize| rate(i, "hybrid") + rate(i, "gray_zone");
        // The war's course is there too, for each architecture.
        for a in archs {
            let nuclear = a["war_outcomes"]["nuclear_use"]["p"].as_f64().unwrap();
            assert_eq!(nuclear, a["p_nuclear"].as_f64().unwrap());
            assert!(a["war_outcomes"]["theatre_war"]["ci"].is_array());
        }
        assert!(
            probing(1) > probing(0),
            "{method:?}: {} vs {}",
            probing(1),
            probing(0)
        );
        assert!(rate(1, "deliberate_attack") < rate(0, "deliberate_attack"));
    }
}

/// `bench --repeat` times the ensemble that many times, each line with the same p(war) (the
/// same seed), and reports the median rate; a repeat count out of range is refused.
#[test]
fn bench_repeats_and_reports_the_median() {
    let o = detente(&["bench", "--runs", "4096", "--repeat", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let runs: Vec<&str> = out.lines().filter(|l| l.contains(" runs x ")).collect();
    assert_eq!(runs.len(), 3, "{out}");
    let p_war = |l: &str| l.rsplit("p_war ").next().unwrap().to_string();
    assert!(runs.iter().all(|l| p_war(l) == p_war(runs[0])), "{out}");
    let rate = |l: &str| -> f64 {
        let before = l.split(" architecture-years/s").next().unwrap();
        before.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let mut rates: Vec<f64> = runs.iter().map(|l| rate(l)).collect();
    rates.sort_by(f64::total_cmp);
    let median = out
        .lines()
        .find(|l| l.contains("3 repetitions: median"))
        .unwrap_or_else(|| panic!("no median line: {out}"));
    let m: f64 = median
        .split("median ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((m - rates[1]).abs() <= 1.0, "{median} against {rates:?}");
    for bad in ["0", "101"] {
        let o = detente(&["bench", "--runs", "100", "--repeat", bad]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("--repeat"), "{}", stderr(&o));
    }
}
