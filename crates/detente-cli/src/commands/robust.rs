//! `detente robust A B C ...`: which architecture holds up best across what we do not know?
//! Evaluates every architecture exactly on the same parameter draws and reports, for each,
//! the mean and 90th percentile of p(war), the mean cost, the maximum and mean regret against
//! the best architecture in each draw, and the share of draws meeting a target.

use super::common::load_architecture;
use super::{check_exact_evals, input_err, CliError, CmdResult};
use detente_analysis::robust::{robust, robust_svg};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RobustArgs {
    /// Two or more built-in architectures or TOML files.
    #[arg(required = true, num_args = 2..)]
    pub architectures: Vec<String>,
    /// Parameter draws, shared by every architecture, each evaluated exactly.
    #[arg(long, default_value_t = 200)]
    pub n: usize,
    /// Seed of the draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The p(war) a draw must not exceed to count as meeting the target.
    #[arg(long, default_value_t = 0.05)]
    pub target: f64,
    /// Draw from the plain prior instead of the plausible sets of history matching
    /// (data/plausible.toml, the default; docs/validation.md).
    #[arg(long)]
    pub prior: bool,
    /// Plausible sets from your own `detente history-match --out FILE` instead of the
    /// committed data/plausible.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "prior")]
    pub plausible: Option<PathBuf>,
    /// Priors file (`detente elicit --write-priors`) for the parameters it names.
    #[arg(long, value_name = "FILE")]
    pub priors: Option<PathBuf>,
    /// Fitted parameters (`detente calibrate`) drawn from their covariance.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Write a bar chart of mean p(war), its 90th percentile and the maximum regret (SVG).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Allow more evaluations than the bound of docs/limits.md.
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

pub fn run(args: RobustArgs) -> CmdResult {
    if args.n == 0 {
        return Err(input_err("--n 0: allowed: at least 1 draw"));
    }
    if !(args.target.is_finite() && (0.0..=1.0).contains(&args.target)) {
        return Err(input_err(format!(
            "--target {}: allowed: a probability from 0 to 1",
            args.target
        )));
    }
    let evals = (args.n as u64).saturating_mul(args.architectures.len() as u64);
    check_exact_evals("--n × architectures", evals, args.i_know_it_is_long)?;
    if let Some(p) = &args.plot {
        super::check_output(p)?;
    }
    let scenarios = args
        .architectures
        .iter()
        .map(|a| load_architecture(a).map(|l| l.architecture.to_scenario()))
        .collect::<Result<Vec<_>, _>>()?;
    let draw = super::uncertainty_flags::build_source(
        true,
        args.prior,
        args.plausible.as_deref(),
        args.priors.as_deref(),
        args.params.as_deref(),
    )?
    .ok_or_else(|| CliError::Other(anyhow::anyhow!("no parameter draw")))?;
    let bar = super::common::progress_bar(evals, "robust");
    let report = robust(
        &scenarios,
        &draw,
        &draw.description,
        args.n,
        args.seed,
        args.target,
        &|done| bar.set_position(done as u64),
    )
    .map_err(|e| CliError::Other(anyhow::anyhow!(e)))?;
    bar.finish_and_clear();
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    if let Some(p) = &args.plot {
        super::write_output(p, robust_svg(&report))?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Other(anyhow::anyhow!(e)))?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "Robustness across {} shared parameter draws (seed {}), each exact, {:.1} s",
        report.draws, report.seed, report.seconds
    );
    println!("Parameters: {}", report.parameters);
    println!(
        "Regret: p(war) minus the lowest p(war) of any architecture in the same draw; target: p(war) <= {:.2} %\n",
        100.0 * report.target
    );
    let w = names.iter().map(|n| n.len()).max().unwrap_or(12).max(12);
    println!(
        "  {:<w$} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9}",
        "architecture",
        "mean p(war)",
        "90th pct",
        "mean cost",
        "max regret",
        "mean regret",
        "meets tgt",
        "best in"
    );
    for r in &report.architectures {
        println!(
            "  {:<w$} {:>9.2} % {:>9.2} % {:>11.0} {:>8.2} pp {:>8.2} pp {:>9.1} % {:>7.1} %",
            r.architecture,
            100.0 * r.mean_p_war,
            100.0 * r.p90_p_war,
            r.mean_cost,
            100.0 * r.max_regret,
            100.0 * r.mean_regret,
            100.0 * r.share_meeting_target,
            100.0 * r.share_best
        );
    }
    println!("\n  mean cost: defence and mechanisms, US$ bn over the horizon; best in: share of draws with the lowest p(war)");
    Ok(())
}
