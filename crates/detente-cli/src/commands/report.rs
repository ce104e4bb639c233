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
    /// Allow more runs than the bound of docs/limits.md (the time estimate is printed first).
    #[arg(long)]
    pub i_know_it_is_long: bool,
    #[command(flatten)]
    pub uncertainty: super::uncertainty_flags::UncertaintyArgs,
}

pub fn run(args: ReportArgs) -> CmdResult {
    if args.runs == 0 {
        return Err(input_err("--runs 0: allowed: at least 1"));
    }
    super::check_work(
        "--runs",
        args.runs.saturating_mul(args.architectures.len() as u64),
        10.0,
        args.i_know_it_is_long,
        args.uncertainty.sampling(),
    )?;
    // the output path before the computation
    super::check_output(&args.out)?;
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
    let (draw, runs_per_draw) = args.uncertainty.draw()?;
    let draw_ref: Option<&dyn detente_engine::ParamDraw> =
        draw.as_ref().map(|d| d as &dyn detente_engine::ParamDraw);
    let options = detente_engine::EnsembleOptions {
        runs_per_draw,
        ..detente_engine::EnsembleOptions::new(args.runs, args.seed)
    };
    let data = match draw_ref {
        // With --uncertainty each draw is exact unless --monte-carlo, as in `run` and `compare`.
        Some(d) if args.uncertainty.exact_draws() => detente_server::report::exact_report_with(
            &loaded,
            Some(detente_engine::exact::Draws::like(&options, d)),
            detente_server::summary::EXACT_WITH_PARAMETER_UNCERTAINTY,
        ),
        _ => {
            let interval = if draw.is_some() {
                detente_server::summary::WITH_PARAMETER_UNCERTAINTY
            } else {
                detente_server::summary::MONTE_CARLO_ONLY
            };
            detente_server::report::run_report_with(&loaded, options, draw_ref, interval, &progress)
                .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?
        }
    };
    bar.finish_and_clear();
    let command = detente_server::report::reproduce_command(
        &args.architectures,
        args.runs,
        args.seed,
        draw.is_some().then_some(runs_per_draw),
        &args.out.display().to_string(),
    ) + &[
        ("--params", &args.uncertainty.params),
        ("--priors", &args.uncertainty.priors),
    ]
    .iter()
    .filter_map(|(flag, path)| path.as_ref().map(|p| format!(" {flag} {}", p.display())))
    .collect::<String>()
        + if args.uncertainty.monte_carlo {
            " --monte-carlo"
        } else {
            ""
        }
        + if args.uncertainty.prior {
            " --prior"
        } else {
            ""
        };
    let html = detente_server::report::report_html(&data, args.runs, args.seed, &command);
    super::write_output(&args.out, html)?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
