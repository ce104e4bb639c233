//! `detente compare A B ...`: run several architectures with common random numbers and
//! report each one's p(war) and its paired difference from the first, with intervals.

use super::common::progress_bar;
use super::run::{check_ensemble_flags, scenario_for};
use super::{input_err, CliError, CmdResult};
use detente_engine::{
    compare, exact, exact::ExactComparison, Comparison, DiffSpread, EnsembleOptions, Estimate,
    Figures, Method, Pathway,
};
use detente_server::summary::{comparison_json, ComparisonView};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Two or more built-in architectures or TOML files; differences are against the first.
    #[arg(required = true, num_args = 2..)]
    pub architectures: Vec<String>,
    #[command(flatten)]
    pub ensemble: super::run::EnsembleArgs,
    #[command(flatten)]
    pub uncertainty: super::uncertainty_flags::UncertaintyArgs,
    #[command(flatten)]
    pub shard: super::merge::ShardArgs,
}

pub fn run(args: CompareArgs) -> CmdResult {
    check_ensemble_flags(
        &args.ensemble,
        args.architectures.len(),
        args.uncertainty.sampling(),
    )?;
    if args.architectures.len() < 2 {
        return Err(input_err("compare needs at least two architectures"));
    }
    let exact = args.ensemble.exact || args.uncertainty.exact_draws();
    args.shard.check(exact, false)?;
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
    if args.shard.shard.is_some() {
        return args.shard.run(&scenarios, options, draw.as_ref(), true);
    }
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
    let view = ComparisonView {
        names: scenarios.iter().map(|s| s.name.as_str()).collect(),
        figures,
        diffs,
        spreads,
        method,
        runs: args.ensemble.runs,
        seed: args.ensemble.seed,
        parameter_uncertainty: draw.is_some(),
        parameter_source: args.uncertainty.source(),
        runs_per_draw,
    };
    print_comparison(&view, args.ensemble.json)
}

/// Print a comparison as JSON or as tables (`compare`, and `merge` of compare shards).
pub fn print_comparison(view: &ComparisonView, json: bool) -> CmdResult {
    let mc = view.method == Method::MonteCarlo;
    let names = &view.names;
    let figures = &view.figures;
    if json {
        let out = comparison_json(view);
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        if view.method == Method::Exact {
            println!(
                "Exact (the model's Markov chain, no Monte Carlo error); differences vs {}\n",
                names[0]
            );
        } else {
            println!(
                "{} runs each, seed {}, common random numbers; differences are paired, vs {}\n",
                view.runs, view.seed, names[0]
            );
        }
        println!(
            "  {:<16} {:>9}  {:<18} {:>10}  {:<20} {:>12}",
            "architecture", "p(war)", "95 % interval", "diff", "95 % interval", "cost US$ bn"
        );
        for (i, (name, s)) in names.iter().zip(figures).enumerate() {
            let (p, d) = (s.p_war(), view.diffs[i]);
            println!(
                "  {:<16} {:>8.2}%  [{:>6.2}, {:>6.2}] %  {:>+9.2}%  [{:>+7.2}, {:>+7.2}] %  {:>12.0}",
                name,
                100.0 * p.value,
                100.0 * p.low,
                100.0 * p.high,
                100.0 * d.value,
                100.0 * d.low,
                100.0 * d.high,
                s.mean_cost_bn()
            );
        }
        if view.parameter_uncertainty {
            let per_draw = if mc {
                format!("{} runs per draw", view.runs_per_draw)
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
            for (i, name) in names.iter().enumerate().skip(1) {
                if let Some(x) = view.spreads[i] {
                    println!(
                        "  {:<16} {:>7} {:>+13.2}%  [{:>+7.2}, {:>+7.2}] %  {:>21.0}%",
                        name,
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
            for name in names {
                print!(" {:>14}", name);
            }
            println!();
            for pw in Pathway::ALL {
                print!("  {:<20}", pw.name());
                for s in figures {
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
