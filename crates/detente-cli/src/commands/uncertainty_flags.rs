//! The `--uncertainty [--prior | --plausible FILE] [--priors FILE] [--params FILE]` flags of the simulation commands:
//! build the parameter draw ([`detente_analysis::uncertainty::Uncertainty`]) they ask for.

use super::{input_err, CliError};
use detente_analysis::history_match::PlausibleSet;
use detente_analysis::uncertainty::Uncertainty;
use std::path::{Path, PathBuf};

/// The parameter-uncertainty flags shared by `run` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct UncertaintyArgs {
    /// Draw the uncertain model parameters (fitted ones from their estimated distribution,
    /// the rest uniform on their ranges) for each block of runs, so results include what we
    /// do not know about the parameters, not only Monte Carlo noise.
    #[arg(long)]
    pub uncertainty: bool,
    /// With --uncertainty: draw from the plain prior instead of the plausible parameter sets
    /// of history matching (data/plausible.toml, the default; docs/validation.md).
    #[arg(long, requires = "uncertainty")]
    pub prior: bool,
    /// With --uncertainty: plausible sets from your own `detente history-match --out FILE`
    /// instead of the committed data/plausible.toml.
    #[arg(
        long,
        value_name = "FILE",
        requires = "uncertainty",
        conflicts_with = "prior"
    )]
    pub plausible: Option<PathBuf>,
    /// With --uncertainty: priors file (`detente elicit --write-priors`) for the parameters it names.
    #[arg(long, value_name = "FILE", requires = "uncertainty")]
    pub priors: Option<PathBuf>,
    /// With --uncertainty: fitted parameters (`detente calibrate`) drawn from their covariance.
    #[arg(long, value_name = "FILE", requires = "uncertainty")]
    pub params: Option<PathBuf>,
    /// With --uncertainty: consecutive runs sharing one parameter draw, so the summary also
    /// shows how p(war) spreads across draws (1 = a fresh draw every run).
    #[arg(long, default_value_t = 200, requires = "uncertainty")]
    pub runs_per_draw: u64,
    /// With --uncertainty: simulate --runs-per-draw runs for each draw instead of evaluating
    /// each draw exactly (the default: --runs / --runs-per-draw draws, each exact).
    #[arg(long, requires = "uncertainty")]
    pub monte_carlo: bool,
}

impl UncertaintyArgs {
    /// Whether the draws are evaluated exactly (with --uncertainty, unless --monte-carlo).
    pub fn exact_draws(&self) -> bool {
        self.uncertainty && !self.monte_carlo
    }

    /// How the simulated runs are sampled: month by month when each block of runs draws its
    /// own parameters (--uncertainty --monte-carlo), event by event otherwise.
    pub fn sampling(&self) -> detente_limits::Sampling {
        if self.uncertainty && self.monte_carlo {
            detente_limits::Sampling::MonthByMonth
        } else {
            detente_limits::Sampling::EventByEvent
        }
    }

    /// Where the parameter draws come from: "plausible" (the default) or "prior"; `None`
    /// without --uncertainty.
    pub fn source(&self) -> Option<&'static str> {
        self.uncertainty
            .then_some(if self.prior { "prior" } else { "plausible" })
    }

    /// The draw asked for, if any, and the runs per draw to use.
    pub fn draw(&self) -> Result<(Option<Uncertainty>, u64), CliError> {
        if self.runs_per_draw == 0 {
            return Err(input_err("--runs-per-draw 0: allowed: at least 1"));
        }
        let draw = build_source(
            self.uncertainty,
            self.prior,
            self.plausible.as_deref(),
            self.priors.as_deref(),
            self.params.as_deref(),
        )?;
        let per_draw = if draw.is_some() {
            self.runs_per_draw
        } else {
            1
        };
        Ok((draw, per_draw))
    }
}

/// `None` without `--uncertainty`; otherwise the built-in prior, refined by the files given,
/// with the plausible sets of history matching on top unless `prior`; the parameters a
/// priors or fitted file names keep that file's distribution.
pub fn build_source(
    on: bool,
    prior: bool,
    plausible: Option<&Path>,
    priors: Option<&Path>,
    params: Option<&Path>,
) -> Result<Option<Uncertainty>, CliError> {
    if !on {
        return Ok(None);
    }
    let mut u = Uncertainty::from_defaults();
    if let Some(p) = params {
        u = u
            .with_fitted_file(p)
            .map_err(|e| input_err(format!("--params: {e}")))?;
    }
    if let Some(p) = priors {
        u = u
            .with_priors(p)
            .map_err(|e| input_err(format!("--priors: {e}")))?;
    }
    if !prior {
        let set = match plausible {
            None => detente_analysis::uncertainty::plausible_set(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    input_err(format!("--plausible {}: cannot read: {e}", path.display()))
                })?;
                PlausibleSet::parse(&path.display().to_string(), &text)
                    .map_err(|e| input_err(format!("--plausible {e}")))?
            }
        };
        u = u
            .with_plausible(&set)
            .map_err(|e| input_err(format!("--params/--priors: {e}")))?;
    }
    Ok(Some(u))
}

/// One line saying where the parameter draws come from.
pub fn source_line(source: &str) -> String {
    if source == "plausible" {
        "Parameter draws: the plausible sets of history matching (data/plausible.toml or --plausible), taken in proportion to their weights (in data/plausible.toml the likelihood of the record of no war), for the parameters they name, the prior for the rest; --prior for the plain prior".into()
    } else {
        "Parameter draws: the plain prior (parameter ranges and fitted distributions), not narrowed by history matching".into()
    }
}
