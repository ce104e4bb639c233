//! `detente discover ARCH --when "p_war > 0.2"`: scenario discovery. Samples the uncertain
//! model parameters (a Latin hypercube over the parameter table's ranges) and any
//! architecture inputs given by `--input PATH=LOW:HIGH` (whole-number fields rounded; every
//! sample's architecture validated as a file would be), evaluates each
//! sample exactly, marks the cases of interest by the `--when` condition, and finds the
//! conditions that explain them by PRIM (EMA Workbench's rules and objectives) and CART.
//! `--export DIR` writes `samples.csv` and `outcomes.csv` for EMA Workbench; `--plot` the
//! coverage–density trajectory.

use super::common::{input_ranges, load_architecture, scenario_with};
use super::{check_exact_evals, input_err, CliError, CmdResult};
use detente_analysis::cart::CartSettings;
use detente_analysis::discover::{
    discover, limits_svg, trajectory_svg, Condition, DiscoverReport, DiscoverSpec, SampledInput,
};
use detente_analysis::prim::{Objective, PrimSettings};
use detente_analysis::sensitivity::Problem;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectiveArg {
    Lenient1,
    Lenient2,
    Original,
}

#[derive(clap::Args, Debug)]
pub struct DiscoverArgs {
    /// A built-in architecture (see `detente list`) or a TOML file.
    pub architecture: String,
    /// What makes a case of interest: `OUTCOME OP NUMBER`, e.g. "p_war > 0.2"; outcomes:
    /// p_war, p_nuclear, cost, p_ceasefire_break, p_war_<pathway>, share_<pathway>, and with
    /// --against, regret (p_war minus the other architecture's on the same sample).
    #[arg(long, value_name = "EXPR")]
    pub when: String,
    /// Another architecture evaluated on the same samples of the parameters, for `regret`.
    #[arg(long, value_name = "ARCH")]
    pub against: Option<String>,
    /// Samples (Latin hypercube points), each evaluated exactly.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Seed of the Latin hypercube.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Parameters to vary, comma-separated (default: every parameter with a range).
    #[arg(long, value_delimiter = ',')]
    pub params: Option<Vec<String>>,
    /// An architecture input to sample too, by its TOML path: PATH=LOW:HIGH (repeatable),
    /// e.g. mechanisms.hotline.strength=0:1.
    #[arg(long = "input", value_name = "PATH=LOW:HIGH")]
    pub inputs: Vec<String>,
    /// PRIM's objective function (EMA Workbench's; lenient1 is its default).
    #[arg(long, value_enum, default_value = "lenient1")]
    pub objective: ObjectiveArg,
    /// Density a PRIM box must reach to be kept.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Share of a box's points one peel removes.
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    /// Share of the neighbouring points one paste adds.
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// Smallest share of all samples in a box (PRIM) or a leaf (CART).
    #[arg(long, default_value_t = 0.05)]
    pub mass_min: f64,
    /// Deepest split of the CART tree.
    #[arg(long, default_value_t = 6)]
    pub cart_depth: usize,
    /// Write samples.csv (a column per input) and outcomes.csv (the outcome and a 0/1
    /// of_interest column) to DIR, for EMA Workbench (scripts/compare_prim_ema.py).
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the coverage–density trajectory as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Write the limits of the box PRIM keeps (or its last box), input by input, as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot_box: Option<PathBuf>,
    /// Allow more evaluations than the bound of docs/limits.md.
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

fn other(e: impl std::fmt::Display) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) -> CmdResult {
    let file = std::fs::File::create(path)
        .map_err(|e| other(format!("{}: cannot write: {e}", path.display())))?;
    let mut w = std::io::BufWriter::new(file);
    writeln!(w, "{}", header.join(","))?;
    for r in rows {
        writeln!(w, "{}", r.join(","))?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(args: DiscoverArgs) -> CmdResult {
    let condition = Condition::parse(&args.when).map_err(|e| input_err(format!("--when {e}")))?;
    if args.n < 2 {
        return Err(input_err(format!(
            "--n {}: allowed: at least 2 samples",
            args.n
        )));
    }
    let per_sample = if args.against.is_some() { 2 } else { 1 };
    check_exact_evals(
        "--n",
        (args.n as u64).saturating_mul(per_sample),
        args.i_know_it_is_long,
    )?;
    let settings = PrimSettings {
        objective: match args.objective {
            ObjectiveArg::Lenient1 => Objective::Lenient1,
            ObjectiveArg::Lenient2 => Objective::Lenient2,
            ObjectiveArg::Original => Objective::Original,
        },
        threshold: args.threshold,
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        mass_min: args.mass_min,
    };
    settings
        .check()
        .map_err(|e| input_err(format!("--{}", e.replace('_', "-"))))?;
    let cart_settings = CartSettings {
        mass_min: args.mass_min,
        max_depth: args.cart_depth,
    };
    if args.mass_min >= 0.5 {
        return Err(input_err(format!(
            "--mass-min {}: allowed: from 0 to less than 0.5 (CART's leaves)",
            args.mass_min
        )));
    }
    let problem = Problem::from_specs(args.params.as_deref())
        .map_err(|e| input_err(format!("--params: {e}")))?;
    for path in args.plot.iter().chain(&args.plot_box) {
        super::check_output(path)?;
    }
    if let Some(dir) = &args.export {
        std::fs::create_dir_all(dir)
            .map_err(|e| other(format!("--export {}: cannot create: {e}", dir.display())))?;
        super::check_output(&dir.join("samples.csv"))?;
        super::check_output(&dir.join("outcomes.csv"))?;
    }
    if condition.outcome == "regret" && args.against.is_none() {
        return Err(input_err(format!(
            "--when `{}`: regret needs --against ARCH, the architecture to compare with",
            args.when
        )));
    }
    let loaded = load_architecture(&args.architecture)?;
    let scenario = loaded.architecture.to_scenario();
    let against = match &args.against {
        Some(a) => Some(load_architecture(a)?.architecture.to_scenario()),
        None => None,
    };
    let (ranges, integer) = input_ranges(&loaded, &args.inputs, &problem.names)?;
    let inputs: Vec<SampledInput> = ranges
        .into_iter()
        .zip(integer)
        .map(|(range, integer)| SampledInput { range, integer })
        .collect();
    let spec = DiscoverSpec {
        when: condition.clone(),
        samples: args.n,
        seed: args.seed,
        problem,
        inputs,
        prim: settings,
        cart: cart_settings,
    };
    let evals = spec.evaluations(against.is_some());
    let bar = ProgressBar::with_draw_target(Some(evals), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} evaluations (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("discover {}", scenario.name));
    let found = discover(
        &scenario,
        against.as_ref(),
        &spec,
        &|set| scenario_with(&loaded, set),
        &|done| bar.set_position(done as u64),
    )
    .map_err(|e| input_err(format!("--input {e}")))?;
    bar.finish_and_clear();
    let (rows, outcomes, y, names) = (
        &found.rows,
        &found.outcomes,
        &found.of_interest,
        &found.names,
    );

    if let Some(dir) = &args.export {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|v| format!("{v:?}")).collect())
            .collect();
        write_csv(&dir.join("samples.csv"), names, &cells)?;
        let out: Vec<Vec<String>> = outcomes
            .iter()
            .zip(y)
            .map(|(o, &yi)| {
                vec![
                    format!("{:?}", o.get(&condition.outcome).unwrap_or(f64::NAN)),
                    (yi as u8).to_string(),
                ]
            })
            .collect();
        write_csv(
            &dir.join("outcomes.csv"),
            &[condition.outcome.clone(), "of_interest".to_string()],
            &out,
        )?;
    }
    let report = found.report;
    if let Some(path) = &args.plot {
        super::write_output(path, trajectory_svg(&report))?;
    }
    if let Some(path) = &args.plot_box {
        super::write_output(path, limits_svg(&report))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(other)?);
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

fn limits(l: &[f64; 2]) -> String {
    let f = |v: f64| {
        if v.is_infinite() {
            "…".to_string()
        } else {
            format!("{v:.4}")
        }
    };
    format!("[{}, {}]", f(l[0]), f(l[1]))
}

fn table(r: &DiscoverReport) -> String {
    let p = &r.prim;
    let mut s = format!(
        "Scenario discovery, {}: {} samples (Latin hypercube over {} inputs, seed {}), each exact, {:.1} s\n",
        r.architecture,
        r.samples,
        r.inputs.len(),
        r.seed,
        r.seconds
    );
    s += &format!(
        "Cases of interest ({}): {} of {} ({:.1} %)\n\n",
        r.when,
        p.cases_of_interest,
        p.points,
        100.0 * p.cases_of_interest as f64 / p.points as f64
    );
    s += &format!(
        "PRIM ({}, threshold {}, peel_alpha {}, paste_alpha {}, mass_min {}): {} peels\n",
        p.settings.objective.name(),
        p.settings.threshold,
        p.settings.peel_alpha,
        p.settings.paste_alpha,
        p.settings.mass_min,
        p.peels()
    );
    s += &format!(
        "  {:>4} {:<7} {:>9} {:>9} {:>7} {:>10}\n",
        "box", "step", "coverage", "density", "mass", "restricted"
    );
    for (i, b) in p.trajectory.iter().enumerate() {
        let step = match b.step {
            detente_analysis::prim::Step::Initial => "start",
            detente_analysis::prim::Step::Peel => "peel",
            detente_analysis::prim::Step::Paste => "paste",
        };
        s += &format!(
            "  {:>4} {:<7} {:>9.3} {:>9.3} {:>7.3} {:>10}\n",
            i,
            step,
            b.coverage,
            b.density,
            b.mass,
            b.restricted.len()
        );
    }
    match &r.chosen {
        Some(b) => {
            s += &format!(
                "\nBox kept: coverage {:.3}, density {:.3}, mass {:.3}\n",
                b.coverage, b.density, b.mass
            );
            s += &format!("  {:<34} {:>26} {:>26}\n", "input", "box", "sampled range");
            for (name, l) in &b.restricted {
                let init = p.initial_box.get(name).copied().unwrap_or([0.0, 0.0]);
                s += &format!("  {:<34} {:>26} {:>26}\n", name, limits(l), limits(&init));
            }
        }
        None => {
            let last = p.trajectory.last();
            s += &format!(
                "\nNo box reaches the density threshold {} (the last reaches {:.3}); lower --threshold or --mass-min to see more\n",
                p.settings.threshold,
                last.map_or(0.0, |b| b.density)
            );
        }
    }
    let c = &r.cart;
    s += &format!(
        "\nCART (Gini, leaves of at least {} of the samples, depth up to {}): {} leaves, {} mostly of interest\n",
        c.settings.mass_min,
        c.settings.max_depth,
        c.leaves.len(),
        c.leaves_of_interest
    );
    for (i, l) in c.leaves.iter().take(c.leaves_of_interest).enumerate() {
        s += &format!(
            "  leaf {}: coverage {:.3}, density {:.3}, mass {:.3}\n",
            i + 1,
            l.coverage,
            l.density,
            l.mass
        );
        for (name, lim) in &l.restricted {
            s += &format!("    {:<34} {:>26}\n", name, limits(lim));
        }
    }
    s
}
