//! `detente hindcast NAME`: the model over a historical architecture's calendar period (its
//! `start_year` and horizon) beside the NATO-Russia record: disputes per year by rung (MID
//! hostility levels mapped to the ladder, docs/validation.md), fatal disputes, and the
//! probability of no direct war over the period, each with a 95 % interval over the parameter
//! draws (the plausible sets of `data/plausible.toml` by default, `--prior` for the plain
//! prior, `--defaults` for the architecture's own parameters); a table, `--json`, and a chart
//! (`--plot FILE.svg`).

use super::history_match::setting;
use super::{input_err, write_output, CmdResult};
use detente_analysis::hindcast::{
    observed_by_year, observed_disputes, poisson_mixture_quantile, quantile, DISPUTE_RUNGS,
    MID_LAST_YEAR,
};
use detente_analysis::svg::{xy_chart, Line};
use detente_engine::rng::{stream_rng, Stream};
use detente_engine::ParamDraw;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct HindcastArgs {
    /// A historical architecture with a `start_year` (`cold-war`, `post-cold-war`, `war-in-ukraine`) or a TOML file.
    pub architecture: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Write a chart of disputes per year, observed and simulated, to FILE.svg.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Draw the parameters from the plain prior instead of the plausible sets.
    #[arg(long, conflicts_with = "defaults")]
    pub prior: bool,
    /// Plausible sets from your own `detente history-match --out FILE` instead of the
    /// committed data/plausible.toml.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["prior", "defaults"])]
    pub plausible: Option<PathBuf>,
    /// Use the architecture's own parameters only (no draws: intervals are a single history's).
    #[arg(long)]
    pub defaults: bool,
    /// Parameter draws.
    #[arg(long, default_value_t = 200)]
    pub draws: u64,
    /// Seed of the draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Mean and 95 % interval of values across draws.
fn spread(values: &[f64]) -> Value {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    json!({"mean": mean, "low": quantile(values, 0.025), "high": quantile(values, 0.975)})
}

/// Mean count across draws and the 95 % interval of a single history's count (Poisson
/// mixture over the draws' expected counts).
fn count(means: &[f64]) -> Value {
    let mean = means.iter().sum::<f64>() / means.len().max(1) as f64;
    json!({
        "mean": mean,
        "low": poisson_mixture_quantile(means, 0.025),
        "high": poisson_mixture_quantile(means, 0.975),
    })
}

pub fn run(args: HindcastArgs) -> CmdResult {
    let most = detente_limits::MAX_HINDCAST_DRAWS;
    if args.draws == 0 || args.draws > most {
        return Err(input_err(format!(
            "--draws {}: allowed: 1 to {most} (docs/limits.md)",
            args.draws
        )));
    }
    if let Some(p) = &args.plot {
        if p.extension().and_then(|e| e.to_str()) != Some("svg") {
            return Err(input_err(format!(
                "--plot {}: allowed: a file name ending in .svg",
                p.display()
            )));
        }
        super::check_output(p)?;
    }
    let s = setting(&args.architecture)?;
    let (source, draws): (&str, Vec<detente_engine::ModelParams>) = if args.defaults {
        ("defaults", vec![s.params.clone()])
    } else {
        let u = super::uncertainty_flags::build_source(
            true,
            args.prior,
            args.plausible.as_deref(),
            None,
            None,
        )?
        .expect("asked for");
        let draws = (0..args.draws)
            .map(|d| u.draw(&mut stream_rng(args.seed, d, Stream::Parameters), &s.params))
            .collect();
        (u.source, draws)
    };
    let sims: Vec<_> = draws.par_iter().map(|p| s.simulate(p)).collect();
    let obs_last = s.last.min(MID_LAST_YEAR);
    let disputes = observed_disputes();
    let observed = observed_by_year(&disputes, s.first, obs_last);
    let n_obs = observed.len();
    // simulated totals over the observed years, or the whole period when none is observed
    let sim_years = if n_obs > 0 {
        n_obs
    } else {
        (s.last + 1 - s.first) as usize
    };
    let level = |r: usize| -> (f64, Vec<f64>) {
        let o: f64 = observed.iter().map(|y| y[r..].iter().sum::<f64>()).sum();
        let m = sims
            .iter()
            .map(|sim| sim.total(0, sim_years)[r..].iter().sum())
            .collect();
        (o, m)
    };
    let names = ["disputes", "use_of_force", "fatal"];
    let mut observed_totals = serde_json::Map::new();
    let mut simulated_totals = serde_json::Map::new();
    let mut rows = Vec::new();
    for (r, name) in names.iter().enumerate() {
        let (o, m) = level(r);
        // no MID years in the period: nothing observed (not zero disputes)
        observed_totals.insert(
            name.to_string(),
            if n_obs > 0 { json!(o) } else { Value::Null },
        );
        simulated_totals.insert(name.to_string(), count(&m));
        rows.push((name, o, m));
    }
    let p_no_war: Vec<f64> = sims.iter().map(|x| x.p_no_war).collect();
    let years = (s.last + 1 - s.first) as usize;
    let sim_year = |y: usize, r: usize| -> f64 {
        sims.iter().map(|x| x.by_year[y][r]).sum::<f64>() / sims.len() as f64
    };
    let by_year: Vec<Value> = (0..years)
        .map(|y| {
            let mut v = json!({
                "year": s.first + y as u32,
                "simulated": (0..DISPUTE_RUNGS).map(|r| sim_year(y, r)).collect::<Vec<_>>(),
            });
            if y < n_obs {
                v["observed"] = json!(observed[y]);
            }
            v
        })
        .collect();
    let p_spread = spread(&p_no_war);
    let out = json!({
        "architecture": s.name,
        "period": [s.first, s.last],
        "observed_years": if n_obs > 0 { json!([s.first, obs_last]) } else { Value::Null },
        "rungs": ["crisis without violence (MID hostility 2-3)", "minor clashes (use of force, no deaths)", "serious clashes (fatal use of force)"],
        "observed": {
            "source": "data/nato_russia_mids.csv (COW MID 5.0, participant level; scripts/derive_nato_russia_mids.py)",
            "totals": observed_totals,
            "direct_wars": 0,
        },
        "simulated": {
            "totals": simulated_totals,
            "note": "expected disputes while no war has begun; intervals: 95 % of a single history's count across the draws",
        },
        "by_year": by_year,
        "p_no_direct_war": p_spread["mean"],
        "p_no_direct_war_ci": [p_spread["low"], p_spread["high"]],
        "parameter_source": source,
        "draws": draws.len(),
        "seed": args.seed,
    });
    if let Some(path) = &args.plot {
        let obs_points: Vec<(f64, f64)> = (0..n_obs)
            .map(|y| ((s.first as usize + y) as f64, observed[y].iter().sum()))
            .collect();
        let sim_points: Vec<(f64, f64)> = (0..years)
            .map(|y| {
                let t: f64 = (0..DISPUTE_RUNGS).map(|r| sim_year(y, r)).sum();
                ((s.first as usize + y) as f64, t)
            })
            .collect();
        let svg = xy_chart(
            &format!("{}: NATO-Russia disputes per year", s.name),
            "year",
            "disputes",
            None,
            None,
            &[
                Line {
                    label: "observed (COW MID 5.0)",
                    colour: "#333333",
                    points: obs_points,
                    band: None,
                    markers: true,
                },
                Line {
                    label: &format!("simulated, expected ({source}, {} draws)", draws.len()),
                    colour: "#1f77b4",
                    points: sim_points,
                    band: None,
                    markers: false,
                },
            ],
            None,
        );
        write_output(path, svg)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        return Ok(());
    }
    let record = if n_obs > 0 {
        format!("COW MID 5.0 to {obs_last}")
    } else {
        format!("no dispute counts: MID 5.0 ends in {MID_LAST_YEAR}; the war record only")
    };
    println!(
        "Hindcast: {} {}-{} (record: {record}); parameters: {source}, {} draws",
        s.name,
        s.first,
        s.last,
        draws.len()
    );
    println!(
        "\n{:<26} {:>9} {:>12} {:>18}",
        "", "observed", "simulated", "95 % interval"
    );
    for (name, o, m) in &rows {
        let c = count(m);
        println!(
            "{:<26} {:>9} {:>12.1} {:>18}",
            name.replace('_', " "),
            if n_obs > 0 { o.to_string() } else { "-".into() },
            c["mean"].as_f64().unwrap_or(f64::NAN),
            format!("[{}, {}]", c["low"], c["high"])
        );
    }
    println!(
        "\np(no direct war {}-{}): {:.3}  [{:.3}, {:.3}] across draws (observed: no war)",
        s.first,
        s.last,
        p_spread["mean"].as_f64().unwrap_or(f64::NAN),
        p_spread["low"].as_f64().unwrap_or(f64::NAN),
        p_spread["high"].as_f64().unwrap_or(f64::NAN)
    );
    if let Some(p) = &args.plot {
        println!("chart written to {}", p.display());
    }
    Ok(())
}
