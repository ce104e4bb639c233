//! `detente compare A B ...`: run several architectures with common random numbers and
//! report each one's p(war) and its paired difference from the first, with intervals.

use super::common::{ci, progress_bar};
use super::run::{check_ensemble_flags, scenario_for};
use super::{input_err, CliError, CmdResult};
use detente_engine::{
    compare, exact, exact::ExactComparison, Comparison, DiffSpread, EnsembleOptions, Estimate,
    Figures, Method, Pathway,
};
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Two or more built-in architectures or TOML files; differences are against the first.
    #[arg(required = true, num_args = 2..)]
    pub architectures: Vec<String>,
    #[command(flatten)]
    pub ensemble: super::run::EnsembleArgs,
    #[command(flatten)]
    pub uncertainty: super::uncertainty_flags::UncertaintyArgs,
}

pub fn run(args: CompareArgs) -> CmdResult {
    check_ensemble_flags(&args.ensemble, args.architectures.len())?;
    if args.architectures.len() < 2 {
        return Err(input_err("compare needs at least two architectures"));
    }
    let scenarios = args
        .architectures
        .iter()
        .map(|a| scenario_for(a, args.ensemble.horizon_years))
        .collect::<Result<Vec<_>, _>>()?;
    let (draw, runs_per_draw) = args.uncertainty.draw()?;
    let draw_ref: Option<&dyn detente_engine::ParamDraw> =
        draw.as_ref().map(|d| d as &dyn detente_engine::ParamDraw);
    let options = EnsembleOptions {
        runs_per_draw,
        ..EnsembleOptions::new(args.ensemble.runs, args.ensemble.seed)
    };
    let exact_cmp: ExactComparison;
    let cmp: Comparison;
    // Each architecture's figures, its difference in p(war) from the first, and how that
    // difference spreads across parameter draws.
    let k = scenarios.len();
    let (figures, diffs, spreads): (Vec<&dyn Figures>, Vec<Estimate>, Vec<Option<DiffSpread>>) =
        if args.ensemble.exact || args.uncertainty.exact_draws() {
            let draws = draw_ref.map(|d| exact::Draws::like(&options, d));
            exact_cmp = exact::compare_exact(&scenarios, draws);
            (
                exact_cmp
                    .summaries
                    .iter()
                    .map(|e| e as &dyn Figures)
                    .collect(),
                (0..k).map(|i| exact_cmp.diff_vs_first(i)).collect(),
                (0..k).map(|i| exact_cmp.diff_across_draws(i)).collect(),
            )
        } else {
            let bar = progress_bar(args.ensemble.runs, "compare");
            let progress = |done: u64| {
                bar.set_position(done);
                true
            };
            cmp = compare(&scenarios, options, draw_ref, &progress)
                .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?;
            bar.finish_and_clear();
            (
                cmp.summaries.iter().map(|s| s as &dyn Figures).collect(),
                (0..k).map(|i| cmp.diff_vs_first(i)).collect(),
                (0..k).map(|i| cmp.diff_across_draws(i)).collect(),
            )
        };
    let method = if args.ensemble.exact || args.uncertainty.exact_draws() {
        Method::Exact
    } else {
        Method::MonteCarlo
    };
    let mc = method == Method::MonteCarlo;
    if args.ensemble.json {
        let list: Vec<_> = scenarios
            .iter()
            .zip(&figures)
            .enumerate()
            .map(|(i, (sc, s))| {
                let (p, d) = (s.p_war(), diffs[i]);
                let per_pathway =
                    |f: &dyn Fn(Pathway) -> f64| -> serde_json::Map<String, serde_json::Value> {
                        Pathway::ALL
                            .iter()
                            .map(|pw| (pw.name().to_string(), json!(f(*pw))))
                            .collect()
                    };
                let by = per_pathway(&|pw| s.p_war_via(pw).value);
                let crises = per_pathway(&|pw| s.crises_per_year(pw));
                json!({
                    "name": sc.name,
                    "p_war": p.value,
                    "p_war_ci": ci(&p),
                    "diff_vs_first": d.value,
                    "diff_ci": [d.low, d.high],
                    "p_nuclear": s.p_nuclear().value,
                    "war_outcomes": detente_server::summary::war_outcomes_json(*s),
                    "p_war_by_pathway": by,
                    "crises_per_year_by_pathway": crises,
                    "mean_cost_usd_bn": s.mean_cost_bn(),
                    "mean_cost_by_payer_usd_bn": detente_server::summary::costs_json(*s),
                    "diff_across_draws": spreads[i].map(|x| json!({
                        "draws": x.draws,
                        "median": x.median,
                        "interval": [x.low, x.high],
                        "share_of_draws_safer_than_first": x.share_safer,
                    })),
                })
            })
            .collect();
        let out = json!({
            "method": method.name(),
            "runs": mc.then_some(args.ensemble.runs),
            "seed": (mc || draw.is_some()).then_some(args.ensemble.seed),
            "common_random_numbers": mc,
            "parameter_uncertainty": draw.is_some(),
            "parameter_source": args.uncertainty.source(),
            "runs_per_draw": mc.then_some(runs_per_draw),
            "architectures": list,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        if method == Method::Exact {
            println!(
                "Exact (the model's Markov chain, no Monte Carlo error); differences vs {}\n",
                scenarios[0].name
            );
        } else {
            println!(
                "{} runs each, seed {}, common random numbers; differences are paired, vs {}\n",
                args.ensemble.runs, args.ensemble.seed, scenarios[0].name
            );
        }
        println!(
            "  {:<16} {:>9}  {:<18} {:>10}  {:<20} {:>12}",
            "architecture", "p(war)", "95 % interval", "diff", "95 % interval", "cost US$ bn"
        );
        for (i, (sc, s)) in scenarios.iter().zip(&figures).enumerate() {
            let (p, d) = (s.p_war(), diffs[i]);
            println!(
                "  {:<16} {:>8.2}%  [{:>6.2}, {:>6.2}] %  {:>+9.2}%  [{:>+7.2}, {:>+7.2}] %  {:>12.0}",
                sc.name,
                100.0 * p.value,
                100.0 * p.low,
                100.0 * p.high,
                100.0 * d.value,
                100.0 * d.low,
                100.0 * d.high,
                s.mean_cost_bn()
            );
        }
        if draw.is_some() {
            let per_draw = if mc {
                format!("{runs_per_draw} runs per draw")
            } else {
                "each draw exact".to_string()
            };
            println!(
                "\n  Across parameter draws ({per_draw}; every architecture sees the same draws)"
            );
            println!(
                "  {:<16} {:>7} {:>14}  {:<22} {:>22}",
                "architecture", "draws", "median diff", "95 % of draws", "draws safer than first"
            );
            for (i, sc) in scenarios.iter().enumerate().skip(1) {
                if let Some(x) = spreads[i] {
                    println!(
                        "  {:<16} {:>7} {:>+13.2}%  [{:>+7.2}, {:>+7.2}] %  {:>21.0}%",
                        sc.name,
                        x.draws,
                        100.0 * x.median,
                        100.0 * x.low,
                        100.0 * x.high,
                        100.0 * x.share_safer
                    );
                }
            }
        }
        let by_pathway = |title: &str, cell: &dyn Fn(&dyn Figures, Pathway) -> String| {
            println!("\n  {title}");
            print!("  {:<20}", "pathway");
            for sc in &scenarios {
                print!(" {:>14}", sc.name);
            }
            println!();
            for pw in Pathway::ALL {
                print!("  {:<20}", pw.name());
                for s in &figures {
                    print!(" {:>14}", cell(*s, pw));
                }
                println!();
            }
        };
        by_pathway("First war by pathway (% of runs)", &|s, pw| {
            format!("{:.2}%", 100.0 * s.p_war_via(pw).value)
        });
        by_pathway(
            "Crises per year at risk, by pathway (Russia shifts effort between its channels)",
            &|s, pw| format!("{:.3}", s.crises_per_year(pw)),
        );
    }
    Ok(())
}
