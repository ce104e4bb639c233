//! Command modules. Each owns a clap `Args` struct and a `run(args) -> CmdResult`.
//! Errors that are the user's fault (bad input) are `CliError::Input` and exit with code 2;
//! everything else exits with code 1.

pub mod architecture;
pub mod bench;
pub mod calibrate;
pub mod campaign;
pub mod common;
pub mod compare;
pub mod deliberate;
pub mod discover;
pub mod elicit;
pub mod merge;
pub mod nuclear_shadow;
pub mod plan;
pub mod predict_crises;
pub mod robust;
pub mod sensitivity;
pub mod sweep;

pub mod hindcast;
pub mod history_match;
pub mod uncertainty_flags;

pub mod parquet_out;
pub mod report;
pub mod run;
pub mod serve;

use std::process::ExitCode;

/// Error of a command: input errors exit 2, the rest exit 1.
#[derive(Debug)]
pub enum CliError {
    /// The user's input is invalid (file, flag value); the message says where and what.
    Input(String),
    /// Anything else.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Other(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

pub type CmdResult = Result<(), CliError>;

/// Shorthand for an input error.
pub fn input_err(msg: impl Into<String>) -> CliError {
    CliError::Input(msg.into())
}

/// Turn a command's result into the process exit code, printing the error.
pub fn finish(result: CmdResult) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Input(msg)) => {
            eprintln!("error: {}", printable(&msg));
            ExitCode::from(2)
        }
        Err(CliError::Other(e)) => {
            eprintln!("error: {}", printable(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

/// `text` for a terminal: control characters other than line breaks and tabs (terminal escape
/// sequences in names from an input file) are written as `\u{..}` escapes.
pub fn printable(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split('\t')
                .map(detente_limits::escape_control)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read a UTF-8 input file named on the command line (size-limited; invalid UTF-8 is located);
/// every failure is an input error naming the path.
pub fn read_input(path: &std::path::Path) -> Result<String, CliError> {
    detente_limits::read_text(path).map_err(|e| input_err(e.to_string()))
}

/// Write `contents` to the output file `path`; a failure names the path (exit 1).
pub fn write_output(path: &std::path::Path, contents: impl AsRef<[u8]>) -> CmdResult {
    std::fs::write(path, contents)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{}: cannot write: {e}", path.display())))
}

/// Check before long work that the output file `path` can be written (exit 1 if not).
pub fn check_output(path: &std::path::Path) -> CmdResult {
    detente_limits::check_writable(path).map_err(|e| CliError::Other(anyhow::anyhow!(e)))
}

/// The flag that lets a command go beyond the bounds of `docs/limits.md` on work.
pub const OVERRIDE_FLAG: &str = "--i-know-it-is-long";

/// Check the work a command is about to start: `runs` ensembles runs of `horizon_years` each
/// (`what` names the flag that set it). Beyond [`detente_limits::MAX_RUNS`] it needs
/// `--i-know-it-is-long`; beyond [`detente_limits::MAX_RUNS_OVERRIDE`] it is refused; above
/// [`detente_limits::ANNOUNCE_ABOVE_ARCH_YEARS`] the estimated time (for runs sampled as
/// `sampling` says) is printed before it starts.
pub fn check_work(
    what: &str,
    runs: u64,
    horizon_years: f64,
    long_ok: bool,
    sampling: detente_limits::Sampling,
) -> CmdResult {
    use detente_limits::{MAX_RUNS, MAX_RUNS_OVERRIDE};
    let arch_years = runs as f64 * horizon_years;
    let eta =
        detente_limits::human_duration(detente_limits::estimate_seconds(arch_years, sampling));
    if runs > MAX_RUNS_OVERRIDE {
        return Err(input_err(format!(
            "{what}: {runs} runs: allowed: at most {MAX_RUNS_OVERRIDE} (docs/limits.md); this would take about {eta}"
        )));
    }
    if runs > MAX_RUNS && !long_ok {
        return Err(input_err(format!(
            "{what}: {runs} runs would take about {eta}; allowed: at most {MAX_RUNS} without {OVERRIDE_FLAG} (docs/limits.md)"
        )));
    }
    if arch_years > detente_limits::ANNOUNCE_ABOVE_ARCH_YEARS {
        eprintln!(
            "detente: {runs} runs of {horizon_years} years: estimated {eta} on 2 cores (Ctrl-C stops it)"
        );
    }
    Ok(())
}

/// Check the number of exact evaluations a command is about to make (`what` names the flags
/// that set it) against the bounds of `docs/limits.md`, printing an estimate of the time above
/// a few seconds of work.
pub fn check_exact_evals(what: &str, evals: u64, long_ok: bool) -> CmdResult {
    use detente_limits::{MAX_EXACT_EVALS, MAX_EXACT_EVALS_OVERRIDE};
    // about 7 ms per exact evaluation of a 10-year horizon, on 2 cores (README)
    let eta = detente_limits::human_duration(evals as f64 * 0.007 / 2.0);
    if evals > MAX_EXACT_EVALS_OVERRIDE {
        return Err(input_err(format!(
            "{what}: {evals} exact evaluations: allowed: at most {MAX_EXACT_EVALS_OVERRIDE} (docs/limits.md)"
        )));
    }
    if evals > MAX_EXACT_EVALS && !long_ok {
        return Err(input_err(format!(
            "{what}: {evals} exact evaluations would take about {eta}; allowed: at most {MAX_EXACT_EVALS} without {OVERRIDE_FLAG} (docs/limits.md)"
        )));
    }
    if evals > 5_000 {
        eprintln!("detente: {evals} exact evaluations: estimated {eta} on 2 cores");
    }
    Ok(())
}
