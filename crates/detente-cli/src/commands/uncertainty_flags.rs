//! The `--uncertainty [--priors FILE] [--params FILE]` flags of the simulation commands:
//! build the parameter draw ([`detente_analysis::uncertainty::Uncertainty`]) they ask for.

use super::{input_err, CliError};
use detente_analysis::uncertainty::Uncertainty;
use std::path::Path;

/// `None` without `--uncertainty`; otherwise the built-in draw, refined by the files given.
pub fn build(
    on: bool,
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
    Ok(Some(u))
}
