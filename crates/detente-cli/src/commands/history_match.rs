//! `detente history-match`: Bayesian history matching of the model to the NATO-Russia
//! record over the historical built-ins (`cold-war`, `post-cold-war`, `war-in-ukraine`), in waves that refine
//! the non-implausible region ([`detente_analysis::history_match`]); prints each wave's share
//! of the prior space ruled out and writes the plausible parameter sets with their provenance
//! (`--out`, e.g. `data/plausible.toml`, the set `--uncertainty` draws from).

use super::{input_err, write_output, CmdResult};
use detente_analysis::hindcast::{observed_disputes, MID_LAST_YEAR};
use detente_analysis::history_match::{
    history_match, observations, uncertain_names, Options, PlausibleSet, Setting, Weighing, CUTOFF,
    UNNAMED,
};
use serde_json::json;
use std::path::PathBuf;

/// The historical built-ins matched.
pub const SETTINGS: [&str; 3] = ["cold-war", "post-cold-war", "war-in-ukraine"];

#[derive(clap::Args, Debug)]
pub struct HistoryMatchArgs {
    /// Write the plausible parameter sets (TOML) here, e.g. data/plausible.toml.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Waves of refinement (1-10, docs/limits.md).
    #[arg(long, default_value_t = 3)]
    pub waves: u32,
    /// Parameter sets evaluated per wave (each exactly, on both settings).
    #[arg(long, default_value_t = 3000)]
    pub n: usize,
    /// Seed of the sampling.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Parameters to draw, comma-separated (default: every parameter with a range, from the
    /// prior the uncertainty option uses; the others stay at the settings' values).
    #[arg(long, value_delimiter = ',')]
    pub vary: Option<Vec<String>>,
    /// Most parameter sets written (an even thinning of the last wave's).
    #[arg(long, default_value_t = 1000)]
    pub max_sets: usize,
    /// What the kept sets are weighted by (the calibration step after the match): war = the
    /// exact p(no direct war) over the settings (needs no discrepancy model); record = that
    /// times the dispute counts' normal densities with the implausibility's variances; none =
    /// equal weights (docs/validation.md §7).
    #[arg(long, value_enum, default_value = "war")]
    pub weigh: WeighArg,
    /// Allow more evaluations than the bound of docs/limits.md.
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

/// `--weigh`: what the kept sets are weighted by.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum WeighArg {
    War,
    Record,
    None,
}

impl WeighArg {
    fn weighing(self) -> Weighing {
        match self {
            WeighArg::War => Weighing::War,
            WeighArg::Record => Weighing::Record,
            WeighArg::None => Weighing::None,
        }
    }
}

/// A historical built-in as a setting: its calendar period and its scenario.
pub fn setting(name: &str) -> Result<Setting, super::CliError> {
    let loaded = super::common::load_architecture(name)?;
    let arch = &loaded.architecture;
    let first = arch.start_year.ok_or_else(|| {
        input_err(format!(
            "{name}: no `start_year`: a hindcast needs the calendar year the architecture starts (e.g. start_year = 1949)"
        ))
    })?;
    let scenario = arch.to_scenario();
    Ok(Setting::new(
        &loaded.name,
        first,
        first + arch.horizon_years - 1,
        scenario.params,
        scenario.policy,
    ))
}

pub fn run(args: HistoryMatchArgs) -> CmdResult {
    let most = detente_limits::MAX_HISTORY_WAVES;
    if !(1..=most).contains(&args.waves) {
        return Err(input_err(format!(
            "--waves {}: allowed: 1 to {most} (docs/limits.md)",
            args.waves
        )));
    }
    if args.n < 10 {
        return Err(input_err(format!("--n {}: allowed: at least 10", args.n)));
    }
    if args.max_sets == 0 {
        return Err(input_err("--max-sets 0: allowed: at least 1"));
    }
    if let Some(out) = &args.out {
        super::check_output(out)?;
    }
    let names: Vec<String> = match &args.vary {
        Some(v) => v.iter().map(|s| s.trim().to_string()).collect(),
        None => uncertain_names(),
    };
    detente_analysis::history_match::check_names(&names)
        .map_err(|e| input_err(format!("--vary: {e}")))?;
    let evals = args.waves as u64 * args.n as u64 * SETTINGS.len() as u64;
    super::check_exact_evals("--waves x --n", evals, args.i_know_it_is_long)?;
    let settings: Vec<Setting> = SETTINGS
        .iter()
        .map(|n| setting(n))
        .collect::<Result<_, _>>()?;
    let disputes = observed_disputes();
    let obs = observations(&settings, &disputes, MID_LAST_YEAR);
    let options = Options {
        waves: args.waves,
        points: args.n,
        seed: args.seed,
        names: names.clone(),
        max_sets: args.max_sets,
        weighing: args.weigh.weighing(),
    };
    let quiet = args.json;
    let prior = detente_analysis::uncertainty::Uncertainty::from_defaults();
    let outcome = history_match(&settings, &obs, &prior, &options, &|w| {
        if !quiet {
            eprintln!(
                "wave {}: {} evaluated, {} kept",
                w.wave, w.evaluated, w.kept
            );
        }
    })
    .map_err(|e| super::CliError::Other(anyhow::anyhow!(e)))?;
    let at_defaults = detente_analysis::history_match::model_values(&settings, &obs, &[], &[]);
    let observation_labels: Vec<String> = obs
        .iter()
        .map(|o| format!("{} = {}", o.label(&settings), o.z))
        .collect();
    let set = PlausibleSet {
        method: format!("Bayesian history matching (Craig, Goldstein et al. 1997; Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015): I(x) = max over observations of |z - f(x)| / sqrt(V_s + V_obs + V_disc + V_mc) (the war record: the Poisson deviance residual sqrt(2 f)), cutoff {CUTOFF}, exact evaluation (V_mc = 0), no emulator; points drawn from the prior (detente run --uncertainty --prior), each wave after the first keeping only draws inside the bounding box of the previous wave's kept points; then weighted by the log-likelihood named by `weighing` (war: the exact ln p(no direct war) over the settings; record: plus the counts' normal log-densities with the same variances): the sets drawn in proportion to exp(log_likelihood) are a sample of the posterior within the non-implausible region; record: data/nato_russia_mids.csv (COW MID 5.0) and no NATO-Russia war"),
        settings: SETTINGS.iter().map(|s| s.to_string()).collect(),
        observations: observation_labels.clone(),
        cutoff: CUTOFF,
        seed: args.seed,
        points_per_wave: args.n,
        unnamed_parameters: UNNAMED.into(),
        waves: outcome.waves.clone(),
        names: outcome.names.clone(),
        sets: outcome.sets.clone(),
        weighing: args.weigh.weighing().name().into(),
        log_likelihood: outcome.log_likelihood.clone(),
    };
    let effective = set.effective_sets();
    if let Some(out) = &args.out {
        write_output(out, set.to_toml())?;
    }
    if args.json {
        let v = json!({
            "settings": SETTINGS,
            "observations": obs.iter().enumerate().map(|(i, o)| json!({
                "label": o.label(&settings),
                "z": o.z,
                "model_at_defaults": at_defaults[i],
                "implausibility_at_defaults": o.implausibility(at_defaults[i]),
                "obs_sd_fraction": o.kind.obs_fraction(),
                "discrepancy_sd_fraction": o.kind.discrepancy_fraction(),
            })).collect::<Vec<_>>(),
            "cutoff": CUTOFF,
            "parameters": names,
            "waves": outcome.waves,
            "sets": outcome.sets.len(),
            "posterior": {
                "weighing": args.weigh.weighing().name(),
                "effective_sets": effective,
            },
            "out": args.out.as_ref().map(|p| p.display().to_string()),
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(());
    }
    println!(
        "History matching: {} parameters over {} (cutoff {CUTOFF})",
        names.len(),
        SETTINGS.join(", ")
    );
    println!("Observed:");
    for (i, l) in observation_labels.iter().enumerate() {
        println!(
            "  {l:<52} model at the defaults {:>7.2} (I = {:.2})",
            at_defaults[i],
            obs[i].implausibility(at_defaults[i])
        );
    }
    println!(
        "\n{:>5} {:>10} {:>8} {:>22} {:>24}",
        "wave", "evaluated", "kept", "ruled out (of wave)", "prior space ruled out"
    );
    for w in &outcome.waves {
        println!(
            "{:>5} {:>10} {:>8} {:>21.1}% {:>23.2}%",
            w.wave,
            w.evaluated,
            w.kept,
            100.0 * w.ruled_out_of_evaluated,
            100.0 * w.ruled_out_share
        );
    }
    match &args.out {
        Some(p) => println!(
            "\n{} plausible sets written to {}",
            set.sets.len(),
            p.display()
        ),
        None => println!(
            "\n{} plausible sets (not written: --out FILE)",
            set.sets.len()
        ),
    }
    println!(
        "Weighted by --weigh {} they are worth {effective:.0} equally weighted sets (the draws of --uncertainty take them in proportion to their weights)",
        args.weigh.weighing().name()
    );
    Ok(())
}
