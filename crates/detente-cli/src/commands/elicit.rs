//! `detente elicit FILE.csv [--json] [--write-priors FILE]`: fit experts' judgements with
//! normal, log-normal, gamma and beta distributions (SHELF least squares), pool them linearly,
//! and optionally write the pooled distributions as the simulator's priors file.

use super::{input_err, CmdResult};
use detente_deliberation::elicitation::{elicit, parse_judgements};
use detente_deliberation::priors::write_priors;
use serde_json::json;
use std::path::PathBuf;

/// Fit and pool experts' numerical judgements into parameter distributions (priors).
#[derive(clap::Args)]
pub struct Args {
    /// Judgements CSV with the columns expert,quantity,probability,value[,weight].
    pub file: PathBuf,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Write the pooled distributions as a TOML priors file.
    #[arg(long, value_name = "FILE")]
    pub write_priors: Option<PathBuf>,
}

/// Every quantity is a model parameter and every value lies in its range, so that the priors
/// written feed `--uncertainty` (the README's elicit → priors → run workflow).
fn check_parameters(js: &[detente_deliberation::elicitation::Judgement], file: &str) -> CmdResult {
    for j in js {
        let Some(spec) = detente_engine::PARAM_SPECS
            .iter()
            .find(|s| s.name == j.quantity)
        else {
            return Err(input_err(format!(
                "{file}: line {}, column `quantity`: `{}` is not a model parameter; allowed: a name from `detente params`",
                j.line, j.quantity
            )));
        };
        if !(spec.low..=spec.high).contains(&j.value) {
            return Err(input_err(format!(
                "{file}: line {}, column `value`: {} is outside the range of `{}`; allowed: {} to {} {}",
                j.line, j.value, j.quantity, spec.low, spec.high, spec.unit
            )));
        }
    }
    Ok(())
}

pub fn run(args: Args) -> CmdResult {
    let name = args.file.display().to_string();
    let text = super::read_input(&args.file)?;
    if let Some(out) = &args.write_priors {
        super::check_output(out)?;
    }
    let js = parse_judgements(&text, &name).map_err(|e| input_err(e.to_string()))?;
    check_parameters(&js, &name)?;
    let results = elicit(&js, &name).map_err(|e| input_err(e.to_string()))?;
    if let Some(out) = &args.write_priors {
        let priors: Vec<_> = results.iter().map(|r| r.pooled.clone()).collect();
        super::write_output(out, write_priors(&priors, &name))?;
    }
    if args.json {
        let qs: Vec<_> = results
            .iter()
            .map(|r| {
                json!({
                    "quantity": r.quantity,
                    "experts": r.experts.iter().map(|e| json!({
                        "expert": e.expert,
                        "weight": e.weight,
                        "points": e.points.iter().map(|p| json!({"probability": p.0, "value": p.1})).collect::<Vec<_>>(),
                        "fits": e.fits.iter().map(|f| json!({"family": f.family, "params": f.params, "sse": f.sse})).collect::<Vec<_>>(),
                        "best": e.best.family,
                    })).collect::<Vec<_>>(),
                    "pooled": {
                        "mean": r.pooled_mean,
                        "p05": r.pooled_p05,
                        "p50": r.pooled_p50,
                        "p95": r.pooled_p95,
                        "components": r.pooled.components,
                    }
                })
            })
            .collect();
        let v = serde_json::to_string_pretty(&json!({ "source": name, "quantities": qs }))
            .map_err(anyhow::Error::from)?;
        println!("{v}");
    } else {
        println!(
            "Elicitation from {name}: least-squares fits to stated CDF points (SHELF), linear pool"
        );
        for r in &results {
            println!("\n{}", r.quantity);
            println!(
                "  {:<14} {:>6}  {:<10} {:>12} {:>12}  {:>10}   other fits (SSE)",
                "expert", "weight", "best", "param 1", "param 2", "SSE"
            );
            for e in &r.experts {
                let others: Vec<String> = e
                    .fits
                    .iter()
                    .filter(|f| f.family != e.best.family)
                    .map(|f| format!("{} {:.2e}", f.family.name(), f.sse))
                    .collect();
                println!(
                    "  {:<14} {:>6.3}  {:<10} {:>12.5} {:>12.5}  {:>10.2e}   {}",
                    e.expert,
                    e.weight,
                    e.best.family.name(),
                    e.best.params[0],
                    e.best.params[1],
                    e.best.sse,
                    others.join(", ")
                );
            }
            println!(
                "  pooled: mean {:.5}, 5% {:.5}, 50% {:.5}, 95% {:.5}",
                r.pooled_mean, r.pooled_p05, r.pooled_p50, r.pooled_p95
            );
        }
        if let Some(out) = &args.write_priors {
            println!("\npriors written to {}", out.display());
        }
    }
    Ok(())
}
