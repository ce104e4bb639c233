//! `detente calibrate`: fit the crisis layer to ICB crises by maximum likelihood and write
//! the fitted values, standard errors and covariance to a `params.toml`; prints the
//! forward-chaining validation (fit on earlier decades, score the next) beside the baselines
//! (training frequencies, ordered and multinomial logit), and the in-sample fit.

use super::{input_err, CliError, CmdResult};
use detente_analysis::calibrate::{calibrate, Calibration, CalibrationOptions};
use detente_analysis::icb;
use detente_analysis::paramfile::ParamsFile;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CalibrateArgs {
    /// ICB crisis-level CSV file (e.g. data/icb1v15_1918-1989.csv).
    #[arg(long, value_name = "FILE")]
    pub icb: PathBuf,
    /// ICB actor-level CSV file; used only to fill a missing `noactr` by counting actors.
    #[arg(long, value_name = "FILE")]
    pub actors: Option<PathBuf>,
    /// Where to write the fitted parameters (TOML).
    #[arg(long, value_name = "FILE", default_value = "params.toml")]
    pub out: PathBuf,
    /// Folds of k-fold cross-validation, reported for comparison only (0 = none).
    #[arg(long, default_value_t = 0)]
    pub folds: usize,
    /// Candidate L2 penalties on the effects, comma-separated; chosen by pooled
    /// forward-chaining RPS.
    #[arg(long, value_delimiter = ',', default_value = "1,4,16,64")]
    pub penalty: Vec<f64>,
    /// Parameters to fit (default: the crisis layer's identifiable ones).
    #[arg(long, value_delimiter = ',')]
    pub fit: Option<Vec<String>>,
    /// Iteration limit of each optimisation.
    #[arg(long, default_value_t = 200)]
    pub max_iter: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn table(c: &Calibration, out: &str) -> String {
    let mut s = format!(
        "Crisis-layer calibration: {} crises (held out 1990+: {}, no viol code: {}), penalty {}, {} BFGS iterations{}\n\n",
        c.n_crises,
        c.excluded.held_out_1990_on,
        c.excluded.no_violence_code,
        c.penalty,
        c.iterations,
        if c.converged { "" } else { " (NOT converged)" }
    );
    s += &format!("{:<28} {:>9} {:>9}\n", "parameter", "estimate", "s.e.");
    for e in &c.estimates {
        s += &format!("{:<28} {:>9.3} {:>9.3}\n", e.name, e.value, e.se);
    }
    s += &format!("\nlog-likelihood {:.2}\n\n", c.log_likelihood);
    if !c.forward_chaining.is_empty() {
        s += &format!(
            "Forward chaining (fit on crises up to the year shown, score the next decade); mean RPS, lower is better\n\
             baselines' penalties: ordered logit {}, multinomial logit {}\n",
            c.baseline_penalties[0], c.baseline_penalties[1]
        );
        s += &format!(
            "{:<10} {:>9} {:>5} {:>6} {:>9} {:>11} {:>9} {:>11}\n",
            "scored", "fit until", "n", "n fit", "model", "climatology", "ord logit", "mnl logit"
        );
        for r in &c.forward_chaining {
            s += &format!(
                "{:<10} {:>9} {:>5} {:>6} {:>9.4} {:>11.4} {:>9.4} {:>11.4}\n",
                r.window,
                r.fit_until,
                r.n,
                r.n_fit,
                r.rps.model,
                r.rps.climatology,
                r.rps.ordered_logit,
                r.rps.multinomial_logit
            );
        }
        s += "\npenalty  pooled forward RPS: model  ord logit  mnl logit\n";
        for g in &c.penalty_grid {
            s += &format!(
                "{:<8} {:>26.4} {:>10.4} {:>10.4}\n",
                g.penalty, g.rps.model, g.rps.ordered_logit, g.rps.multinomial_logit
            );
        }
        s += "\n";
    }
    s += &format!(
        "{:<22} {:>10} {:>10} {:>10} {:>10}\n",
        "forecaster", "RPS in", "logloss in", "RPS CV", "logloss CV"
    );
    let cv = c.cross_validated.as_ref();
    let rows = [
        ("crisis model", &c.in_sample.model, cv.map(|v| &v.model)),
        (
            "training frequencies",
            &c.in_sample.frequencies,
            cv.map(|v| &v.frequencies),
        ),
        (
            "ordered logit",
            &c.in_sample.ordered_logit,
            cv.map(|v| &v.ordered_logit),
        ),
        (
            "multinomial logit",
            &c.in_sample.multinomial_logit,
            cv.map(|v| &v.multinomial_logit),
        ),
    ];
    for (name, ins, cvs) in rows {
        let (a, b) = cvs.map_or(("-".to_string(), "-".to_string()), |v| {
            (format!("{:.4}", v.rps), format!("{:.4}", v.log_loss))
        });
        s += &format!(
            "{:<22} {:>10.4} {:>10.4} {:>10} {:>10}\n",
            name, ins.rps, ins.log_loss, a, b
        );
    }
    s += &format!("\nWritten to {out}\n");
    s
}

pub fn run(args: CalibrateArgs) -> CmdResult {
    if args.penalty.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
        return Err(input_err(
            "--penalty: allowed: comma-separated numbers >= 0",
        ));
    }
    if args.folds == 1 {
        return Err(input_err(
            "--folds 1: allowed: 0 (no cross-validation) or 2 and more",
        ));
    }
    super::check_output(&args.out)?;
    // Size-limited, and invalid UTF-8 located, before the CSV reader sees the bytes.
    let text = super::read_input(&args.icb)?;
    let mut crises = icb::read_crises_from(&args.icb.display().to_string(), text.as_bytes())
        .map_err(|e| input_err(e.to_string()))?;
    if let Some(a) = &args.actors {
        let text = super::read_input(a)?;
        let counts = icb::count_actors_from(&a.display().to_string(), text.as_bytes())
            .map_err(|e| input_err(e.to_string()))?;
        icb::fill_actors(&mut crises, &counts);
    }
    let mut opts = CalibrationOptions {
        folds: args.folds,
        penalties: args.penalty.clone(),
        max_iter: args.max_iter,
        seed: args.seed,
        ..Default::default()
    };
    if let Some(f) = &args.fit {
        for n in f {
            if !detente_analysis::calibrate::is_crisis_layer(n) {
                return Err(input_err(format!(
                    "--fit: `{n}` is not a parameter of the crisis layer (allowed: {}, {})",
                    detente_analysis::calibrate::FITTED.join(", "),
                    detente_analysis::calibrate::FIXED_IN_FIT.join(", ")
                )));
            }
        }
        opts.fitted = f.clone();
    }
    let bar = if args.json {
        None
    } else {
        Some(indicatif::ProgressBar::new_spinner())
    };
    let progress = |msg: &str| {
        if let Some(b) = &bar {
            b.set_message(msg.to_string());
            b.tick();
        }
    };
    let c = calibrate(&crises, &opts, &progress)
        .map_err(|e| input_err(format!("{}: {e}", args.icb.display())))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let source = format!(
        "ICB crisis-level file {} (crises triggered before 1990)",
        args.icb.display()
    );
    let pf = ParamsFile::from_calibration(&c, &source);
    let mut text = pf.to_toml();
    text.push_str(&format!(
        "\n# fit: in-sample RPS model {:.4}, frequencies {:.4}, ordered logit {:.4}\n",
        c.in_sample.model.rps, c.in_sample.frequencies.rps, c.in_sample.ordered_logit.rps
    ));
    if let Some(r) = c.forward_chaining.last() {
        text.push_str(&format!(
            "# fit: forward-chaining RPS ({}-{}, {} crises) model {:.4}, climatology {:.4}, ordered logit {:.4}, multinomial logit {:.4}\n",
            r.scored_from, r.scored_to, r.n, r.rps.model, r.rps.climatology, r.rps.ordered_logit, r.rps.multinomial_logit
        ));
    }
    if let Some(cv) = &c.cross_validated {
        text.push_str(&format!(
            "# fit: {}-fold CV RPS model {:.4}, frequencies {:.4}, ordered logit {:.4}\n",
            c.folds, cv.model.rps, cv.frequencies.rps, cv.ordered_logit.rps
        ));
    }
    std::fs::write(&args.out, text).map_err(|e| {
        CliError::Other(anyhow::anyhow!("{}: cannot write: {e}", args.out.display()))
    })?;
    if args.json {
        let v = serde_json::to_value(&c).map_err(|e| CliError::Other(e.into()))?;
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        print!("{}", table(&c, &args.out.display().to_string()));
    }
    Ok(())
}
