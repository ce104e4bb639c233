//! `detente run`: simulate an ensemble of one architecture and print the summary (a table,
//! or JSON with `--json`); `--out` also writes one row per run as CSV or Parquet.

use super::common::{load_architecture, progress_bar, summary_json, summary_table, RunWriter};
use super::{input_err, CliError, CmdResult};
use detente_engine::{exact, run_ensemble_streaming, EnsembleOptions, Figures, Scenario};

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// A built-in architecture (see `detente list`) or a TOML file.
    #[arg(default_value = "baseline")]
    pub architecture: String,
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Write one row per run to FILE (.csv or .parquet).
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    #[command(flatten)]
    pub uncertainty: super::uncertainty_flags::UncertaintyArgs,
    #[command(flatten)]
    pub shard: super::merge::ShardArgs,
}

/// The ensemble flags shared by `run` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct EnsembleArgs {
    /// Number of runs in the ensemble (of each architecture).
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// Seed of the ensemble's random streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the architecture's horizon (1-50 years).
    #[arg(long)]
    pub horizon_years: Option<u32>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Compute the results exactly from the model's Markov chain instead of simulating runs
    /// (no Monte Carlo error; --runs and --seed then only set the parameter draws of
    /// --uncertainty: one draw per --runs-per-draw runs).
    #[arg(long)]
    pub exact: bool,
    /// Allow more runs than the bound of docs/limits.md (the time estimate is printed first).
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

/// Check the ensemble flags shared by `run` and `compare`.
pub fn check_ensemble_flags(
    args: &EnsembleArgs,
    architectures: usize,
    sampling: detente_limits::Sampling,
) -> Result<(), CliError> {
    let (runs, horizon) = (args.runs, args.horizon_years);
    if runs == 0 {
        return Err(input_err("--runs 0: allowed: at least 1"));
    }
    if let Some(h) = horizon {
        if !(1..=50).contains(&h) {
            return Err(input_err(format!("--horizon-years {h}: allowed: 1 to 50")));
        }
    }
    // the horizon of the file is not known yet: the estimate takes the default 10 years
    let years = horizon.map_or(10.0, f64::from);
    super::check_work(
        "--runs",
        runs.saturating_mul(architectures.max(1) as u64),
        years,
        args.i_know_it_is_long,
        sampling,
    )
}

/// The scenario of an architecture, with the horizon overridden if asked.
pub fn scenario_for(spec: &str, horizon: Option<u32>) -> Result<Scenario, CliError> {
    let loaded = load_architecture(spec)?;
    let mut scenario = loaded.architecture.to_scenario();
    if let Some(h) = horizon {
        scenario.policy.horizon_months = h * 12;
    }
    Ok(scenario)
}

pub fn run(args: RunArgs) -> CmdResult {
    check_ensemble_flags(&args.ensemble, 1, args.uncertainty.sampling())?;
    if let Some(out) = &args.out {
        super::check_output(std::path::Path::new(out))?;
    }
    let exact = args.ensemble.exact || args.uncertainty.exact_draws();
    args.shard.check(exact, args.out.is_some())?;
    let scenario = scenario_for(&args.architecture, args.ensemble.horizon_years)?;
    if args.shard.shard.is_some() {
        let (draw, runs_per_draw) = args.uncertainty.draw()?;
        let options = EnsembleOptions {
            runs_per_draw,
            ..EnsembleOptions::new(args.ensemble.runs, args.ensemble.seed)
        };
        return args.shard.run(
            std::slice::from_ref(&scenario),
            options,
            draw.as_ref(),
            false,
        );
    }
    if args.ensemble.exact || args.uncertainty.exact_draws() {
        if args.out.is_none() {
            return run_exact(&args, &scenario);
        }
        eprintln!(
            "note: --out writes one row per simulated run, which the exact chain has not: \
             simulating {} runs (Monte Carlo) instead of --exact (or of exact draws)",
            args.ensemble.runs
        );
    }
    let mut writer = match &args.out {
        Some(path) => Some(RunWriter::create(path)?),
        None => None,
    };
    let bar = progress_bar(args.ensemble.runs, &scenario.name);
    let mut write_error: Option<CliError> = None;
    let mut sink = |records: &[detente_engine::RunOutcome]| {
        if let (Some(w), None) = (writer.as_mut(), write_error.as_ref()) {
            if let Err(e) = w.write(records) {
                write_error = Some(e);
            }
        }
    };
    let (draw, runs_per_draw) = args.uncertainty.draw()?;
    let options = EnsembleOptions {
        runs_per_draw,
        ..EnsembleOptions::new(args.ensemble.runs, args.ensemble.seed)
    };
    // The summary streams: the bar shows p(war) so far as the runs come in.
    let progress = |so_far: &detente_engine::Summary| {
        bar.set_position(so_far.runs);
        let p = so_far.p_war();
        bar.set_message(format!(
            "{} p(war) so far {:.2} % [{:.2}, {:.2}]",
            scenario.name,
            100.0 * p.value,
            100.0 * p.low,
            100.0 * p.high
        ));
        true
    };
    let sink_ref: Option<&mut detente_engine::ensemble::RunSink> = if args.out.is_some() {
        Some(&mut sink)
    } else {
        None
    };
    let draw_ref: Option<&dyn detente_engine::ParamDraw> =
        draw.as_ref().map(|d| d as &dyn detente_engine::ParamDraw);
    let summary = run_ensemble_streaming(&scenario, options, draw_ref, &progress, sink_ref)
        .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?;
    bar.finish_and_clear();
    // a failure to write the per-run records names the file
    let named = |e: CliError| match e {
        CliError::Other(e) => CliError::Other(e.context(format!(
            "{}: cannot write",
            args.out.as_deref().unwrap_or("--out")
        ))),
        input => input,
    };
    if let Some(e) = write_error {
        return Err(named(e));
    }
    if let Some(w) = writer {
        w.finish().map_err(named)?;
    }
    let interval = if draw.is_some() {
        super::common::WITH_PARAMETER_UNCERTAINTY
    } else {
        super::common::MONTE_CARLO_ONLY
    };
    print_result(&args, &scenario, &summary, interval)?;
    if let (false, Some(path)) = (args.ensemble.json, &args.out) {
        println!("\nPer-run records written to {path}");
    }
    Ok(())
}

/// `run --exact`: the exact summary (averaged over parameter draws with --uncertainty).
fn run_exact(args: &RunArgs, scenario: &Scenario) -> CmdResult {
    let (draw, runs_per_draw) = args.uncertainty.draw()?;
    let options = EnsembleOptions {
        runs_per_draw,
        ..EnsembleOptions::new(args.ensemble.runs, args.ensemble.seed)
    };
    let draws = draw.as_ref().map(|d| exact::Draws::like(&options, d));
    let interval = if draws.is_some() {
        super::common::EXACT_WITH_PARAMETER_UNCERTAINTY
    } else {
        super::common::EXACT
    };
    print_result(
        args,
        scenario,
        &exact::evaluate_with(scenario, draws),
        interval,
    )
}

/// Print a result as JSON or as the table.
fn print_result(
    args: &RunArgs,
    scenario: &Scenario,
    summary: &dyn Figures,
    interval: &str,
) -> CmdResult {
    if args.ensemble.json {
        let mut value = summary_json(&scenario.name, summary, args.ensemble.seed, interval);
        detente_server::shard::with_parameter_source(&mut value, args.uncertainty.source());
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        print!(
            "{}",
            summary_table(&scenario.name, summary, args.ensemble.seed, interval)
        );
        if let Some(source) = args.uncertainty.source() {
            println!("\n  {}", super::uncertainty_flags::source_line(source));
        }
    }
    Ok(())
}
