//! Sharded ensembles end to end: `run`/`compare --shard i/n --out-summary FILE` and
//! `detente merge`, whose output must be the unsharded command's output byte for byte, and
//! whose refusals (parts of other ensembles, missing or repeated shards, another version) must
//! name the file and exit 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("runs")
}

fn ok(o: Output) -> Vec<u8> {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detente-shard-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run `command` (its arguments before the shard flags) as `n` shards into `d`; the part paths.
fn shards(d: &Path, command: &[&str], n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let part = d.join(format!("part-{i}.json")).display().to_string();
            let shard = format!("{i}/{n}");
            let mut args = command.to_vec();
            args.extend(["--shard", &shard, "--out-summary", &part]);
            ok(detente(&args));
            part
        })
        .collect()
}

fn merge(parts: &[String], json: bool) -> Output {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    if json {
        args.push("--json");
    }
    detente(&args)
}

fn refused(o: Output, names: &str, says: &str) {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(names), "should name {names}: {err}");
    assert!(err.contains(says), "should say {says}: {err}");
}

#[test]
fn four_shards_of_run_merge_to_the_single_run_byte_for_byte() {
    let d = dir("run");
    let run = ["run", "baseline", "--runs", "20000", "--seed", "1"];
    let single = ok(detente(&[&run[..], &["--json"]].concat()));
    let mut parts = shards(&d, &run, 4);
    // the order parts are given in does not matter
    parts.reverse();
    assert_eq!(ok(merge(&parts, true)), single);
    // nor does the table
    assert_eq!(ok(merge(&parts, false)), ok(detente(&run)));
    // a single part of a 4-shard ensemble holds a quarter of the runs only
    let p0: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&parts[3]).unwrap()).unwrap();
    assert_eq!(p0["shard"], 0);
    assert!(p0["chunks"].as_array().unwrap().len() < 10);
}

#[test]
fn four_shards_of_compare_merge_to_the_single_compare_byte_for_byte() {
    let d = dir("compare");
    let cmp = [
        "compare",
        "baseline",
        "two-pronged",
        "combined",
        "--runs",
        "9000",
        "--seed",
        "4",
        "--horizon-years",
        "7",
    ];
    let single = ok(detente(&[&cmp[..], &["--json"]].concat()));
    let parts = shards(&d, &cmp, 4);
    assert_eq!(ok(merge(&parts, true)), single);
    assert_eq!(ok(merge(&parts, false)), ok(detente(&cmp)));
}

#[test]
fn shards_with_parameter_draws_merge_exactly() {
    let d = dir("draws");
    let run = [
        "run",
        "break-the-ice",
        "--runs",
        "6000",
        "--seed",
        "9",
        "--uncertainty",
        "--monte-carlo",
        "--runs-per-draw",
        "300",
    ];
    let single = ok(detente(&[&run[..], &["--json"]].concat()));
    let parts = shards(&d, &run, 3);
    assert_eq!(ok(merge(&parts, true)), single);
    let v: serde_json::Value = serde_json::from_slice(&single).unwrap();
    assert!(v["parameter_uncertainty"]["draws"].as_u64().unwrap() > 1);
}

#[test]
fn merge_refuses_parts_that_do_not_belong_together() {
    let d = dir("refuse");
    let parts = shards(&d, &["run", "baseline", "--runs", "5000", "--seed", "1"], 3);
    // a missing shard
    refused(merge(&parts[..2], true), "shard 2/3 missing", "part-0.json");
    // a repeated shard
    let twice = vec![parts[0].clone(), parts[1].clone(), parts[1].clone()];
    refused(merge(&twice, true), "part-1.json", "only once");
    // another seed, other runs, another architecture, another shard count
    let other = |name: &str, args: &[&str]| -> String {
        let p = d.join(name).display().to_string();
        let mut a = args.to_vec();
        a.extend(["--out-summary", &p]);
        ok(detente(&a));
        p
    };
    for (name, args, says) in [
        (
            "seed.json",
            &[
                "run", "baseline", "--runs", "5000", "--seed", "2", "--shard", "2/3",
            ][..],
            "seed 2",
        ),
        (
            "runs.json",
            &[
                "run", "baseline", "--runs", "5001", "--seed", "1", "--shard", "2/3",
            ][..],
            "runs 5001",
        ),
        (
            "arch.json",
            &[
                "run", "combined", "--runs", "5000", "--seed", "1", "--shard", "2/3",
            ][..],
            "architectures combined",
        ),
        (
            "horizon.json",
            &[
                "run",
                "baseline",
                "--runs",
                "5000",
                "--seed",
                "1",
                "--shard",
                "2/3",
                "--horizon-years",
                "5",
            ][..],
            "horizon 60 months",
        ),
        (
            "count.json",
            &[
                "run", "baseline", "--runs", "5000", "--seed", "1", "--shard", "2/4",
            ][..],
            "shard count 4",
        ),
    ] {
        let p = other(name, args);
        let mixed = vec![parts[0].clone(), parts[1].clone(), p];
        refused(merge(&mixed, true), name, says);
    }
    // the same name with another content (an edited file): its fingerprint differs
    let text = std::fs::read_to_string(detente_builtin_path()).unwrap();
    let edited = d.join("baseline.toml");
    std::fs::write(
        &edited,
        text.replace("horizon_years = 10", "horizon_years = 10\n# edited"),
    )
    .unwrap();
    let edited_arch = edited.display().to_string();
    let p = other(
        "edited.json",
        &[
            "run",
            &edited_arch,
            "--runs",
            "5000",
            "--seed",
            "1",
            "--shard",
            "2/3",
        ],
    );
    // comments do not change the scenario: the part belongs
    ok(merge(&[parts[0].clone(), parts[1].clone(), p], true));
    std::fs::write(&edited, text.replace("strength = 0.3 ", "strength = 0.4 ")).unwrap();
    let p = other(
        "stronger.json",
        &[
            "run",
            &edited_arch,
            "--runs",
            "5000",
            "--seed",
            "1",
            "--shard",
            "2/3",
        ],
    );
    refused(
        merge(&[parts[0].clone(), parts[1].clone(), p], true),
        "stronger.json",
        "fingerprint",
    );
    // another version of detente
    let v = std::fs::read_to_string(&parts[2]).unwrap();
    let old = d.join("old.json");
    std::fs::write(
        &old,
        v.replace(
            &format!("\"detente_version\":\"{}\"", env!("CARGO_PKG_VERSION")),
            "\"detente_version\":\"0.0.1\"",
        ),
    )
    .unwrap();
    let mixed = vec![
        parts[0].clone(),
        parts[1].clone(),
        old.display().to_string(),
    ];
    refused(merge(&mixed, true), "old.json", "detente 0.0.1");
    // not a part file at all, and a chunk that lost runs
    let junk = d.join("junk.json");
    std::fs::write(&junk, "{\"p_war\": 0.2}").unwrap();
    refused(
        merge(&[junk.display().to_string()], true),
        "junk.json",
        "not a detente part file",
    );
    let cut = d.join("cut.json");
    let mut lost: serde_json::Value = serde_json::from_str(&v).unwrap();
    let runs = &mut lost["chunks"][0]["summaries"][0]["runs"];
    *runs = (runs.as_u64().unwrap() - 1).into();
    std::fs::write(&cut, lost.to_string()).unwrap();
    let mixed = vec![
        parts[0].clone(),
        parts[1].clone(),
        cut.display().to_string(),
    ];
    refused(merge(&mixed, true), "cut.json", "malformed");
}

#[test]
fn shard_flags_are_checked() {
    let d = dir("flags");
    let out = d.join("x.json").display().to_string();
    refused(
        detente(&["run", "--shard", "4/4", "--out-summary", &out]),
        "--shard 4/4",
        "allowed",
    );
    refused(
        detente(&["run", "--exact", "--shard", "0/2", "--out-summary", &out]),
        "--shard 0/2",
        "--exact",
    );
    refused(
        detente(&[
            "run",
            "--uncertainty",
            "--shard",
            "0/2",
            "--out-summary",
            &out,
        ]),
        "--shard 0/2",
        "--monte-carlo",
    );
    // --shard needs --out-summary
    assert_eq!(detente(&["run", "--shard", "0/2"]).status.code(), Some(2));
}

/// The baseline's TOML as shipped.
fn detente_builtin_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../architectures/baseline.toml")
}
