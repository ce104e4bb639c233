//! `detente`: the command-line edge of the workbench. This file only defines the command
//! line and dispatches to `commands::*`; each command module parses its own arguments into
//! library calls and prints the result. Exit codes: 0 success, 1 runtime failure, 2 invalid
//! input (bad file, bad flag value).

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "detente",
    version,
    about = "Design and stress-test Europe's post-war security architecture"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    // COMMANDS: one variant per command module; keep one line each.
    /// Serve the workbench (JSON API + web UI) from this binary.
    Serve(commands::serve::ServeArgs),
    /// Write a self-contained HTML report comparing architectures.
    Report(commands::report::ReportArgs),
    /// Fit the crisis layer to ICB crises (maximum likelihood, standard errors, baselines, CV).
    Calibrate(commands::calibrate::CalibrateArgs),
    /// The fitted crisis layer's probabilities of the four ICB violence levels, per crisis.
    PredictCrises(commands::predict_crises::PredictCrisesArgs),
    /// The model over a historical period beside the NATO-Russia record (disputes, no war).
    Hindcast(commands::hindcast::HindcastArgs),
    /// Bayesian history matching to the NATO-Russia record: the plausible parameter sets.
    HistoryMatch(commands::history_match::HistoryMatchArgs),
    /// The nuclear shadow estimated from ICB crises between nuclear-armed adversaries (1918-1989).
    NuclearShadow(commands::nuclear_shadow::NuclearShadowArgs),
    /// Morris or Sobol sensitivity of p(war) to the uncertain parameters.
    Sensitivity(commands::sensitivity::SensitivityArgs),
    /// Simulate an architecture and read the risk of war by pathway, with intervals.
    Run(commands::run::RunArgs),
    /// Scenario discovery: which parameter ranges make a case of interest (PRIM, CART).
    Discover(commands::discover::DiscoverArgs),
    /// Robust choice: architectures on shared parameter draws, with regret and a target.
    Robust(commands::robust::RobustArgs),
    /// p(war) and cost along one or two architecture inputs, with uncertainty bands.
    Sweep(commands::sweep::SweepArgs),
    /// Run architectures with common random numbers and report paired differences.
    Compare(commands::compare::CompareArgs),
    /// Merge the part files of a sharded run or compare: the unsharded result, byte for byte.
    Merge(commands::merge::MergeArgs),
    /// List the built-in architectures.
    List(commands::architecture::ListArgs),
    /// Print a built-in architecture's TOML, to copy and edit.
    Show(commands::architecture::ShowArgs),
    /// Validate architecture files, reporting every problem with file:line:column.
    Check(commands::architecture::CheckArgs),
    /// Print the JSON Schema of the architecture format.
    Schema(commands::architecture::SchemaArgs),
    /// List the model's parameters with units, defaults, ranges and sources.
    Params(commands::architecture::ParamsArgs),
    /// Measure simulated architecture-years per second.
    Bench(commands::bench::BenchArgs),
    /// Baltic campaign model: how fast a limited attack takes its objectives against a posture
    Campaign(commands::campaign::CampaignArgs),
    Deliberate(commands::deliberate::Args),
    Elicit(commands::elicit::Args),
    Plan(commands::plan::Args),
}

/// Let a closed pipe (`detente run | head`) end the process quietly, as Unix tools do,
/// instead of panicking on the next write.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        // DISPATCH: one arm per command module.
        Command::Serve(a) => commands::serve::run(a),
        Command::Report(a) => commands::report::run(a),
        Command::Calibrate(a) => commands::calibrate::run(a),
        Command::PredictCrises(a) => commands::predict_crises::run(a),
        Command::Hindcast(a) => commands::hindcast::run(a),
        Command::HistoryMatch(a) => commands::history_match::run(a),
        Command::NuclearShadow(a) => commands::nuclear_shadow::run(a),
        Command::Sensitivity(a) => commands::sensitivity::run(a),
        Command::Run(a) => commands::run::run(a),
        Command::Compare(a) => commands::compare::run(a),
        Command::Merge(a) => commands::merge::run(a),
        Command::Discover(a) => commands::discover::run(a),
        Command::Robust(a) => commands::robust::run(a),
        Command::Sweep(a) => commands::sweep::run(a),
        Command::List(a) => commands::architecture::list(a),
        Command::Show(a) => commands::architecture::show(a),
        Command::Check(a) => commands::architecture::check(a),
        Command::Schema(a) => commands::architecture::schema(a),
        Command::Params(a) => commands::architecture::params(a),
        Command::Bench(a) => commands::bench::run(a),
        Command::Campaign(a) => commands::campaign::run(a),
        Command::Deliberate(a) => commands::deliberate::run(a),
        Command::Elicit(a) => commands::elicit::run(a),
        Command::Plan(a) => commands::plan::run(a),
    };
    commands::finish(result)
}
