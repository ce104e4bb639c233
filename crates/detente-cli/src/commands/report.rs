//! `detente report A [B ...] --out report.html`: one self-contained HTML report (inline SVG,
//! inline CSS, no external requests) built by `detente_server::report`.

use super::common::{load_architecture, progress_bar};
use super::{input_err, CliError, CmdResult};

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// One or more built-in architectures or TOML files; differences are against the first.
    #[arg(required = true)]
    pub architectures: Vec<String>,
    #[arg(long, default_value_t = 20_000)]
    pub runs: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the HTML report.
    #[arg(long, default_value = "report.html")]
    pub out: std::path::PathBuf,
}

pub fn run(args: ReportArgs) -> CmdResult {
    if args.runs == 0 {
        return Err(input_err("--runs 0: allowed: at least 1"));
    }
    let loaded = args
        .architectures
        .iter()
        .map(|a| load_architecture(a))
        .collect::<Result<Vec<_>, _>>()?;
    let bar = progress_bar(args.runs, "report");
    let progress = |done: u64| {
        bar.set_position(done);
        true
    };
    let data = detente_server::report::run_report(&loaded, args.runs, args.seed, &progress)
        .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?;
    bar.finish_and_clear();
    let command = detente_server::report::reproduce_command(
        &args.architectures,
        args.runs,
        args.seed,
        &args.out.display().to_string(),
    );
    let html = detente_server::report::report_html(&data, args.runs, args.seed, &command);
    std::fs::write(&args.out, html)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", args.out.display())))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
