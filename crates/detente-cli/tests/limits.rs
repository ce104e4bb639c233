//! Regression tests for issue 14 on the command line: bounded work, bounded error output,
//! located input errors, output paths checked before the work, one exit-code rule (2 for bad
//! input, 1 for other failures), never a panic.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn baseline() -> String {
    detente_arch::builtin("baseline").unwrap().toml.to_string()
}

#[test]
fn run_with_100_trillion_runs_is_refused_with_a_time_estimate() {
    let o = detente(&["run", "--runs", "100000000000000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("would take about") || e.contains("allowed: at most"),
        "{e}"
    );
    let o = detente(&["run", "--runs", "200000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--i-know-it-is-long"), "{}", stderr(&o));
}

/// The time a refusal or an announcement estimates follows how the runs are sampled: event by
/// event with fixed parameters (12 million architecture-years a second), month by month when
/// runs draw their own parameters (2 million).
#[test]
fn the_time_estimate_follows_the_sampling() {
    let o = detente(&["run", "--runs", "200000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("about 2 min 46 s"), "{}", stderr(&o));
    let o = detente(&[
        "run",
        "--runs",
        "200000000",
        "--uncertainty",
        "--monte-carlo",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("about 16 min 40 s"), "{}", stderr(&o));
}

#[test]
fn sensitivity_morris_n_huge_is_refused_before_allocating() {
    let t = Instant::now();
    for n in ["1000000", "100000000"] {
        let o = detente(&["sensitivity", "--method", "morris", "--n", n]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("evaluations"), "{}", stderr(&o));
    }
    let o = detente(&["sensitivity", "--method", "sobol", "--n", "65536"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(t.elapsed() < Duration::from_secs(20));
}

/// The command fails at once (exit 1), naming `path`, before long work.
fn fails_before_the_work_naming(args: &[&str], path: &str) {
    let t = Instant::now();
    let o = detente(args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(path), "{}", stderr(&o));
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "failed only after the work"
    );
}

#[test]
fn sensitivity_plot_path_is_checked_before_the_computation() {
    let path = "/nonexistent-dir/indices.svg";
    fails_before_the_work_naming(
        &[
            "sensitivity",
            "--n",
            "64",
            "--runs",
            "100000",
            "--plot",
            path,
        ],
        path,
    );
}

#[test]
fn report_out_path_is_checked_before_the_computation() {
    let path = "/nonexistent-dir/r.html";
    fails_before_the_work_naming(
        &["report", "baseline", "--runs", "2000000", "--out", path],
        path,
    );
}

#[test]
fn campaign_sweep_out_dir_error_names_the_path() {
    let file = tmp("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let dir = file.join("sub");
    let o = detente(&[
        "campaign",
        "--sweep",
        "--sweep-runs",
        "10",
        "--max-added",
        "1",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(dir.to_str().unwrap()), "{}", stderr(&o));
}

#[test]
fn add_brigades_heavy_50_three_times_is_refused() {
    let o = detente(&[
        "campaign",
        "--add-brigades",
        "heavy=50,heavy=50,heavy=50",
        "--runs",
        "10",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("given twice"), "{}", stderr(&o));
}

#[test]
fn invalid_utf8_exits_2_with_a_position_from_run_and_check() {
    let f = tmp("latin1.toml");
    let mut bytes = baseline().into_bytes();
    bytes.splice(0..0, b"# caf\xe9\n".iter().copied());
    std::fs::write(&f, bytes).unwrap();
    for cmd in ["run", "check"] {
        let o = detente(&[cmd, f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("latin1.toml:1:6: invalid UTF-8"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn control_character_in_a_comment_gives_a_message() {
    let f = tmp("bell.toml");
    std::fs::write(&f, format!("# ring \u{7}\n{}", baseline())).unwrap();
    let o = detente(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("control character U+0007"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn five_thousand_unknown_members_give_bounded_stderr() {
    let f = tmp("members.toml");
    let text = detente_limits::mutate::many_unknown_members(&baseline(), 5000, 5000);
    std::fs::write(&f, &text).unwrap();
    let o = detente(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stderr.len() < 100_000,
        "{} bytes on stderr",
        o.stderr.len()
    );
    assert!(stderr(&o).contains("more (the first 100 are listed)"));
}

#[test]
fn terminal_escape_in_the_architecture_name_is_refused_and_escaped() {
    let f = tmp("esc.toml");
    let text = baseline().replacen(
        "name = \"baseline\"",
        "name = \"\\u001b]0;pwned\\u0007base\"",
        1,
    );
    assert_ne!(text, baseline());
    std::fs::write(&f, text).unwrap();
    let o = detente(&["run", f.to_str().unwrap(), "--runs", "10"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        !o.stderr.contains(&0x1b) && !o.stdout.contains(&0x1b),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("U+001B"), "{}", stderr(&o));
}

#[test]
fn serve_with_a_weak_token_exits_2() {
    let o = detente(&[
        "serve",
        "--token",
        "a",
        "--db",
        tmp("t.sqlite").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("at least 16"), "{}", stderr(&o));
}

#[test]
fn priors_outside_a_parameter_range_exit_2() {
    let f = tmp("wide-priors.toml");
    std::fs::write(&f, "[[priors]]\nname = \"gray_zone_crisis_rate\"\n[[priors.components]]\nweight = 1.0\nfamily = \"normal\"\nparams = [4.0, 0.5]\n").unwrap();
    let o = detente(&[
        "run",
        "--runs",
        "100",
        "--uncertainty",
        "--priors",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("outside the parameter's range"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_out_write_failure_names_the_file() {
    let link = tmp("full.csv");
    let _ = std::fs::remove_file(&link);
    if std::os::unix::fs::symlink("/dev/full", &link).is_err() {
        return;
    }
    let o = detente(&["run", "--runs", "5000", "--out", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{}: cannot write", link.display())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn campaign_sweep_of_441_million_replications_is_refused() {
    let o = detente(&[
        "campaign",
        "--sweep",
        "--max-added",
        "20",
        "--sweep-runs",
        "1000000",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("441000000 replications"),
        "{}",
        stderr(&o)
    );
}
