//! `detente predict-crises`: the fitted crisis layer's probabilities of the four ICB violence
//! levels for every crisis of an ICB crisis-level file, in file order. Missing covariates
//! are filled with the training medians stored in the parameter file.

use super::{input_err, CliError, CmdResult};
use detente_analysis::calibrate::model_levels;
use detente_analysis::icb;
use detente_analysis::paramfile::ParamsFile;
use detente_engine::ModelParams;
use serde_json::json;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct PredictCrisesArgs {
    /// Fitted parameters written by `detente calibrate`.
    #[arg(long, value_name = "FILE")]
    pub params: PathBuf,
    /// ICB crisis-level CSV file.
    #[arg(long, value_name = "FILE")]
    pub icb: PathBuf,
    /// Print a JSON array of {"crisno", "p": [p1, p2, p3, p4]}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: PredictCrisesArgs) -> CmdResult {
    let pf = ParamsFile::read(&args.params).map_err(input_err)?;
    // size-limited, and invalid UTF-8 located, before the CSV reader sees the bytes
    let text = super::read_input(&args.icb)?;
    let crises = icb::read_crises_from(&args.icb.display().to_string(), text.as_bytes())
        .map_err(|e| input_err(e.to_string()))?;
    let params = pf.apply(&ModelParams::default());
    let preds: Vec<[f64; 4]> = crises
        .iter()
        .map(|c| model_levels(&params, &pf.imputation.inputs(&c.covariates)))
        .collect();
    if args.json {
        let arr: Vec<_> = crises
            .iter()
            .zip(&preds)
            .map(|(c, p)| json!({"crisno": c.crisno, "p": p}))
            .collect();
        println!(
            "{}",
            serde_json::to_string(&arr).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        println!(
            "{:>7} {:<32} {:>7} {:>7} {:>7} {:>7}  observed",
            "crisno", "name", "none", "minor", "serious", "war"
        );
        for (c, p) in crises.iter().zip(&preds) {
            let obs = c.level.map_or("-".to_string(), |l| {
                ["none", "minor", "serious", "war"][l].to_string()
            });
            let name: String = c.name.chars().take(32).collect();
            println!(
                "{:>7} {:<32} {:>7.3} {:>7.3} {:>7.3} {:>7.3}  {}",
                c.crisno, name, p[0], p[1], p[2], p[3], obs
            );
        }
    }
    Ok(())
}
