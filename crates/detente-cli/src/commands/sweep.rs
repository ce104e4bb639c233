//! `detente sweep ARCH --set mechanisms.hotline.strength=0:1:11 [--set SECOND]`: p(war) and
//! cost along one or two architecture inputs (each grid point is the architecture with the
//! TOML field set, then validated as any file), each point exact; with `--uncertainty N`,
//! the mean and the 5–95 % band across N shared parameter draws.

use super::common::load_architecture;
use super::{check_exact_evals, input_err, CliError, CmdResult};
use detente_analysis::sweep::{
    evaluations, grid, sweep, sweep_svg, text_with, Measure, SetSpec, SweepReport,
};
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
    let grid = grid(&sets, args.uncertainty).map_err(|e| input_err(format!("--{e}")))?;
    let evals = evaluations(grid.len(), args.uncertainty);
    check_exact_evals("--set grid × --uncertainty", evals, args.i_know_it_is_long)?;
    if let Some(p) = &args.plot {
        super::check_output(p)?;
    }
    let loaded = load_architecture(&args.architecture)?;
    let bar = super::common::progress_bar(evals, "sweep");
    let report = sweep(
        &loaded.architecture.name,
        sets,
        args.uncertainty,
        args.seed,
        &|set| {
            let (text, origin) =
                text_with(&loaded.source, &loaded.origin, set).map_err(|e| format!("--set {e}"))?;
            detente_arch::load_str(&text, &origin)
                .map(|l| l.architecture.to_scenario())
                .map_err(|e| format!("--set: the architecture is invalid at a grid point:\n{e}"))
        },
        &|d| bar.set_position(d as u64),
    )
    .map_err(input_err)?;
    bar.finish_and_clear();
    if let Some(p) = &args.plot {
        super::write_output(p, sweep_svg(&report, Measure::PWar))?;
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
