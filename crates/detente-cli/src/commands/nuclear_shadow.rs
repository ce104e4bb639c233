//! `detente nuclear-shadow`: the nuclear shadow estimated from ICB crises between
//! nuclear-armed adversaries, 1918–1989 ([`detente_analysis::nuclear_shadow`]): the crises
//! used with their violence levels, and the posterior mean, standard deviation and lower bound.

use super::{input_err, read_input, CmdResult};
use detente_analysis::icb::{read_crises_from, Imputation};
use detente_analysis::nuclear_shadow::{estimate, nuclear_dyad_crisnos, GRID_MAX};
use detente_engine::ModelParams;
use serde_json::json;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct NuclearShadowArgs {
    /// ICB crisis-level CSV file.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "data/icb1v15_1918-1989.csv"
    )]
    pub icb: PathBuf,
    /// ICB actor-level CSV file (who the crisis actors were).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "data/icb2v15_1918-1989.csv"
    )]
    pub actors: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: NuclearShadowArgs) -> CmdResult {
    let icb_text = read_input(&args.icb)?;
    let crises = read_crises_from(&args.icb.display().to_string(), icb_text.as_bytes())
        .map_err(|e| input_err(e.0))?;
    let actors_text = read_input(&args.actors)?;
    let selected = nuclear_dyad_crisnos(&args.actors.display().to_string(), &actors_text)
        .map_err(input_err)?;
    let imputation = Imputation::medians(&crises);
    let e = estimate(&ModelParams::default(), &crises, &selected, &imputation);
    if args.json {
        let v = json!({
            "crises": e.crises.iter().map(|(n, name, y, l)| json!({"crisno": n, "name": name, "year": y, "level": l})).collect::<Vec<_>>(),
            "prior": format!("flat on [0, {GRID_MAX}] logits"),
            "mean": e.mean,
            "sd": e.sd,
            "lower_95": e.lower_95,
            "mode": e.mode,
            "mean_p_war_per_crisis_at_zero": e.p_war_at_zero,
            "mean_p_war_per_crisis_at_mean": e.p_war_at_mean,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(());
    }
    println!(
        "Nuclear shadow from {} ICB crises between nuclear-armed adversaries (1918-1989):",
        e.crises.len()
    );
    for (n, name, y, l) in &e.crises {
        println!("  {y} #{n:<4} {name:<32} ICB violence level {l} (with third parties); no war between the nuclear powers");
    }
    println!(
        "\nposterior (flat prior on [0, {GRID_MAX}]): mean {:.2}, s.d. {:.2}; 2.5 % point {:.2}; likeliest {:.2}",
        e.mean, e.sd, e.lower_95, e.mode
    );
    println!(
        "mean probability that such a crisis becomes their war: {:.3} without a shadow, {:.3} at the mean",
        e.p_war_at_zero, e.p_war_at_mean
    );
    Ok(())
}
