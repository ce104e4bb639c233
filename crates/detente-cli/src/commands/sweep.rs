//! `detente sweep ARCH --set mechanisms.hotline.strength=0:1:11 [--set SECOND]`: p(war) and
//! cost along one or two architecture inputs (each grid point is the architecture with the
//! TOML field set, then validated as any file), each point exact; with `--uncertainty N`,
//! the mean and the 5–95 % band across N shared parameter draws.

use super::common::load_architecture;
use super::{check_exact_evals, input_err, CliError, CmdResult};
use detente_analysis::discover::evaluate_rows;
use detente_analysis::robust::{evaluate_on_draws, quantile};
use detente_analysis::svg::{xy_chart, Line};
use detente_analysis::sweep::{set_path, SetSpec};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// A built-in architecture (see `detente list`) or a TOML file.
    pub architecture: String,
    /// The input to sweep: PATH=START:STOP:COUNT or PATH=V1,V2,... (PATH as in the TOML,
    /// e.g. mechanisms.hotline.strength); once or twice (a grid).
    #[arg(long = "set", required = true, value_name = "PATH=START:STOP:COUNT")]
    pub sets: Vec<String>,
    /// Evaluate each point on N shared parameter draws and report the 5–95 % band.
    #[arg(long, value_name = "N")]
    pub uncertainty: Option<usize>,
    /// Seed of the parameter draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Write p(war) along the first input (a line per value of the second) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Allow more evaluations than the bound of docs/limits.md.
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

/// One grid point's results.
#[derive(Serialize)]
pub struct SweepPoint {
    /// The inputs' values at this point, by path.
    pub values: BTreeMap<String, f64>,
    /// p(war) (with draws: the mean across them).
    pub p_war: f64,
    /// Defence and mechanism cost, US$ bn over the horizon (with draws: the mean).
    pub cost: f64,
    /// With draws: 5th and 95th percentiles across them.
    pub p_war_band: Option<[f64; 2]>,
    pub cost_band: Option<[f64; 2]>,
}

/// What `sweep --json` prints.
#[derive(Serialize)]
pub struct SweepReport {
    pub architecture: String,
    pub sets: Vec<SetSpec>,
    pub evaluation: &'static str,
    pub draws: Option<usize>,
    pub seed: u64,
    pub seconds: f64,
    pub points: Vec<SweepPoint>,
}

pub fn run(args: SweepArgs) -> CmdResult {
    if args.sets.len() > 2 {
        return Err(input_err(format!(
            "--set given {} times: allowed: one or two inputs",
            args.sets.len()
        )));
    }
    let sets = args
        .sets
        .iter()
        .map(|s| SetSpec::parse(s, detente_limits::MAX_SWEEP_POINTS))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input_err(format!("--set {e}")))?;
    if sets.len() == 2 && sets[0].path == sets[1].path {
        return Err(input_err(format!(
            "--set: `{}` is given twice; sweep two different inputs",
            sets[0].path
        )));
    }
    if args.uncertainty == Some(0) {
        return Err(input_err("--uncertainty 0: allowed: at least 1 draw"));
    }
    let grid: Vec<Vec<f64>> = match sets.as_slice() {
        [a] => a.values.iter().map(|v| vec![*v]).collect(),
        [a, b] => a
            .values
            .iter()
            .flat_map(|x| b.values.iter().map(move |y| vec![*x, *y]))
            .collect(),
        _ => unreachable!("one or two sets"),
    };
    let evals = (grid.len() as u64).saturating_mul(args.uncertainty.unwrap_or(1) as u64);
    check_exact_evals("--set grid × --uncertainty", evals, args.i_know_it_is_long)?;
    if let Some(p) = &args.plot {
        super::check_output(p)?;
    }
    let loaded = load_architecture(&args.architecture)?;
    // every grid point's architecture, validated before any evaluation
    let mut scenarios = Vec::with_capacity(grid.len());
    for point in &grid {
        let mut text = loaded.source.clone();
        let mut label = Vec::new();
        for (s, v) in sets.iter().zip(point) {
            text = set_path(&text, &s.path, *v).map_err(|e| input_err(format!("--set {e}")))?;
            label.push(format!("{} = {v}", s.path));
        }
        let origin = format!("{} with {}", loaded.origin, label.join(", "));
        let l = detente_arch::load_str(&text, &origin).map_err(|e| {
            input_err(format!(
                "--set: the architecture is invalid at a grid point:\n{e}"
            ))
        })?;
        scenarios.push(l.architecture.to_scenario());
    }
    let start = std::time::Instant::now();
    let bar = super::common::progress_bar(evals, "sweep");
    let points: Vec<SweepPoint> = match args.uncertainty {
        None => {
            let rows = vec![Vec::new(); scenarios.len()];
            let out = evaluate_rows(&scenarios, &[], &rows, &|d| bar.set_position(d as u64));
            grid.iter()
                .zip(out)
                .map(|(g, o)| SweepPoint {
                    values: named(&sets, g),
                    p_war: o.p_war,
                    cost: o.cost,
                    p_war_band: None,
                    cost_band: None,
                })
                .collect()
        }
        Some(n) => {
            let draw = detente_analysis::uncertainty::Uncertainty::from_defaults();
            let out = evaluate_on_draws(&scenarios, &draw, n, args.seed, &|d| {
                bar.set_position(d as u64)
            });
            grid.iter()
                .zip(out)
                .map(|(g, draws)| {
                    let p: Vec<f64> = draws.iter().map(|o| o.p_war).collect();
                    let c: Vec<f64> = draws.iter().map(|o| o.cost).collect();
                    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                    SweepPoint {
                        values: named(&sets, g),
                        p_war: mean(&p),
                        cost: mean(&c),
                        p_war_band: Some([quantile(&p, 0.05), quantile(&p, 0.95)]),
                        cost_band: Some([quantile(&c, 0.05), quantile(&c, 0.95)]),
                    }
                })
                .collect()
        }
    };
    bar.finish_and_clear();
    let report = SweepReport {
        architecture: loaded.architecture.name.clone(),
        sets,
        evaluation: "exact",
        draws: args.uncertainty,
        seed: args.seed,
        seconds: start.elapsed().as_secs_f64(),
        points,
    };
    if let Some(p) = &args.plot {
        super::write_output(p, plot(&report))?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Other(anyhow::anyhow!(e)))?;
        println!("{text}");
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

fn named(sets: &[SetSpec], values: &[f64]) -> BTreeMap<String, f64> {
    sets.iter()
        .zip(values)
        .map(|(s, v)| (s.path.clone(), *v))
        .collect()
}

const COLOURS: [&str; 6] = [
    "#4a7ab5", "#c8553d", "#3d9970", "#8e5ea2", "#e0a030", "#555555",
];

fn plot(r: &SweepReport) -> String {
    let first = &r.sets[0].path;
    let second = r.sets.get(1).map(|s| s.path.clone());
    // one line per value of the second input (or one line)
    let groups: Vec<(String, Vec<&SweepPoint>)> = match &second {
        None => vec![("p(war)".to_string(), r.points.iter().collect())],
        Some(p2) => r.sets[1]
            .values
            .iter()
            .map(|v| {
                (
                    format!("{} = {v:.3}", short(p2)),
                    r.points.iter().filter(|pt| pt.values[p2] == *v).collect(),
                )
            })
            .collect(),
    };
    let labels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    let lines: Vec<Line> = groups
        .iter()
        .enumerate()
        .map(|(i, (_, pts))| Line {
            label: &labels[i],
            colour: COLOURS[i % COLOURS.len()],
            points: pts.iter().map(|p| (p.values[first], p.p_war)).collect(),
            band: pts
                .iter()
                .map(|p| p.p_war_band.map(|b| (b[0], b[1])))
                .collect(),
            markers: true,
        })
        .collect();
    let title = match r.draws {
        Some(n) => format!(
            "p(war) along {first}, {} (mean and 5–95 % band over {n} parameter draws)",
            r.architecture
        ),
        None => format!("p(war) along {first}, {} (exact)", r.architecture),
    };
    // a probability axis from 0 to the next tenth above the highest value (at most 1)
    let top = r
        .points
        .iter()
        .map(|p| p.p_war_band.map_or(p.p_war, |b| b[1]).max(p.p_war))
        .fold(0.0f64, f64::max);
    let y_max = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    xy_chart(
        &title,
        first,
        "p(war) within the horizon",
        None,
        Some((0.0, y_max)),
        &lines,
        None,
    )
}

/// The last two segments of a TOML path, for a legend.
fn short(path: &str) -> &str {
    match path.rmatch_indices('.').nth(1) {
        Some((i, _)) => &path[i + 1..],
        None => path,
    }
}

fn table(r: &SweepReport) -> String {
    let mut s = format!(
        "Sweep of {}, {}: {} points, each exact{}, {:.1} s\n\n",
        r.architecture,
        r.sets
            .iter()
            .map(|s| s.path.as_str())
            .collect::<Vec<_>>()
            .join(" × "),
        r.points.len(),
        match r.draws {
            Some(n) => format!(" on {n} shared parameter draws (mean, 5–95 % band)"),
            None => String::new(),
        },
        r.seconds
    );
    for set in &r.sets {
        s += &format!("  {:>28}", set.path);
    }
    s += &format!(
        "  {:>10} {:>20} {:>10} {:>18}\n",
        "p(war)", "5–95 %", "cost", "5–95 %"
    );
    for p in &r.points {
        for set in &r.sets {
            s += &format!("  {:>28.4}", p.values[&set.path]);
        }
        let band = |b: Option<[f64; 2]>, scale: f64, prec: usize| {
            b.map_or("—".to_string(), |b| {
                format!("[{:.prec$}, {:.prec$}]", scale * b[0], scale * b[1])
            })
        };
        s += &format!(
            "  {:>8.2} % {:>20} {:>10.0} {:>18}\n",
            100.0 * p.p_war,
            band(p.p_war_band, 100.0, 2),
            p.cost,
            band(p.cost_band, 1.0, 0)
        );
    }
    s += "\n  p(war) in %, cost in US$ bn over the horizon\n";
    s
}
