//! `detente bench`: measure simulated architecture-years per second for an architecture
//! (monthly steps), the speed target of the core engine, and exact evaluations per second.
//! `--repeat N` runs the Monte Carlo ensemble N times and prints each rate and their median
//! and range: a machine's speed can move by several percent within minutes, so one run is a
//! sample, not a figure.

use super::run::scenario_for;
use super::{CliError, CmdResult};
use detente_engine::{run_ensemble, EnsembleOptions};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[arg(default_value = "baseline")]
    pub architecture: String,
    #[arg(long, default_value_t = 200_000)]
    pub runs: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Times to run the Monte Carlo ensemble (each timed on its own; the median is reported).
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
}

/// The most Monte Carlo repetitions `--repeat` takes.
const MAX_REPEAT: u32 = 100;

pub fn run(args: BenchArgs) -> CmdResult {
    if args.runs == 0 {
        return Err(super::input_err("--runs 0: allowed: at least 1"));
    }
    if !(1..=MAX_REPEAT).contains(&args.repeat) {
        return Err(super::input_err(format!(
            "--repeat {}: allowed: 1 to {MAX_REPEAT}",
            args.repeat
        )));
    }
    super::check_work(
        "--runs",
        args.runs * args.repeat as u64,
        10.0,
        false,
        detente_limits::Sampling::EventByEvent,
    )?;
    let scenario = scenario_for(&args.architecture, None)?;
    let years = args.runs as f64 * scenario.policy.horizon_months as f64 / 12.0;
    let mut rates = Vec::with_capacity(args.repeat as usize);
    for _ in 0..args.repeat {
        let start = Instant::now();
        let s = run_ensemble(
            &scenario,
            EnsembleOptions::new(args.runs, args.seed),
            None,
            &|_| true,
            None,
        )
        .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?;
        let secs = start.elapsed().as_secs_f64();
        let at_risk = s.months_at_risk as f64 / 12.0;
        println!(
            "{}: {} runs x {} years in {:.3} s on {} threads: {:.0} architecture-years/s ({:.0} years simulated before first war/s), p_war {:.4}",
            scenario.name,
            args.runs,
            scenario.policy.horizon_months / 12,
            secs,
            rayon::current_num_threads(),
            years / secs,
            at_risk / secs,
            s.p_war().value
        );
        rates.push(years / secs);
    }
    if rates.len() > 1 {
        rates.sort_by(f64::total_cmp);
        println!(
            "{}: {} repetitions: median {:.0} architecture-years/s (from {:.0} to {:.0})",
            scenario.name,
            rates.len(),
            detente_engine::stats::quantile(&rates, 0.5),
            rates[0],
            rates[rates.len() - 1]
        );
    }
    let evaluations = 20;
    let start = Instant::now();
    let mut exact_p = 0.0;
    for _ in 0..evaluations {
        exact_p = detente_engine::exact::evaluate_scenario(&scenario).p_war;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}: {evaluations} exact evaluations in {secs:.3} s: {:.1} ms each, {:.0} per second, p_war {exact_p:.4}",
        scenario.name,
        1000.0 * secs / evaluations as f64,
        evaluations as f64 / secs
    );
    Ok(())
}
