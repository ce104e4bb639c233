//! `detente sensitivity`: which uncertain parameters drive p(war)? Morris screening (mu*,
//! sigma) or Sobol first-order and total indices with bootstrap 95 % intervals, every model
//! evaluation exact (or, with `--monte-carlo`, an ensemble with the same seed), over the model's
//! parameters and any architecture inputs named by `--input PATH=LOW:HIGH` (actor profiles,
//! mechanism strengths). `--method given-data` estimates first-order indices from a sample of
//! parameter draws as it is, dependent or not: by default the plausible sets of history
//! matching resampled by the record's likelihood (the posterior sample; `--prior` for the
//! plain prior), every draw exact
//! ([`detente_analysis::given_data`]). `--export DIR` writes SALib's files
//! (problem.json, samples.csv, outputs.csv); `--plot FILE.svg` a bar chart.

use super::common::{input_ranges, load_architecture, scenarios_for_rows};
use super::{input_err, CliError, CmdResult};
use detente_analysis::given_data::{default_classes, first_order};
use detente_analysis::sensitivity::{
    evaluate_p_war, morris_analyze, morris_samples, sobol_analyze, sobol_samples, Evaluation,
    Problem,
};
use detente_analysis::svg::{bar_chart, Series};
use detente_engine::rng::{stream_rng, Stream};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Morris,
    Sobol,
    /// First-order indices from given data (the plausible sets, or --prior draws).
    GivenData,
}

#[derive(clap::Args, Debug)]
pub struct SensitivityArgs {
    /// A built-in architecture (see `detente list`) or a TOML file.
    #[arg(default_value = "baseline")]
    pub architecture: String,
    /// morris (screening), sobol (variance-based indices, independent inputs) or given-data
    /// (first-order indices from the plausible sets of history matching, a dependent sample).
    #[arg(long, value_enum, default_value = "morris")]
    pub method: Method,
    /// Sobol: base points (a power of two); Morris: trajectories (default 64 for both);
    /// given-data: parameter draws (default: as many as there are plausible sets, taken in
    /// proportion to their weights; 400 with --prior).
    #[arg(long)]
    pub n: Option<usize>,
    /// given-data: draw from the plain prior instead of the plausible sets.
    #[arg(long)]
    pub prior: bool,
    /// given-data: classes of equal count the sample is cut into for each parameter
    /// (default: the nearest whole number to the square root of the draws).
    #[arg(long)]
    pub classes: Option<usize>,
    /// Seed of the sample and of every ensemble (common random numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Parameters to vary, comma-separated (default: every parameter with a range).
    #[arg(long, value_delimiter = ',')]
    pub params: Option<Vec<String>>,
    /// An architecture input to vary too, by its TOML path: PATH=LOW:HIGH (repeatable), e.g.
    /// actors.3.escalation_tolerance=0:1 or mechanisms.hotline.strength=0:1 (whole-number fields
    /// rounded).
    #[arg(long = "input", value_name = "PATH=LOW:HIGH")]
    pub inputs: Vec<String>,
    /// Evaluate each sample by simulation (an ensemble of --runs runs, all on --seed) instead
    /// of exactly from the model's Markov chain.
    #[arg(long)]
    pub monte_carlo: bool,
    /// With --monte-carlo: runs per model evaluation.
    #[arg(long, default_value_t = 2000)]
    pub runs: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Write problem.json, samples.csv and outputs.csv (SALib's formats) to DIR.
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
    /// Write a bar chart of the indices (SVG).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Allow more evaluations than the bound of docs/limits.md (the time estimate is printed first).
    #[arg(long)]
    pub i_know_it_is_long: bool,
}

fn other(e: impl std::fmt::Display) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

fn export(dir: &PathBuf, problem: &Problem, rows: &[Vec<f64>], y: &[f64]) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| other(format!("{}: cannot create: {e}", dir.display())))?;
    let pj = serde_json::to_string_pretty(problem).map_err(other)?;
    std::fs::write(dir.join("problem.json"), pj)
        .map_err(|e| other(format!("{}: {e}", dir.join("problem.json").display())))?;
    let mut s = std::io::BufWriter::new(
        std::fs::File::create(dir.join("samples.csv"))
            .map_err(|e| other(format!("{}: {e}", dir.join("samples.csv").display())))?,
    );
    writeln!(s, "{}", problem.names.join(","))?;
    for r in rows {
        let line: Vec<String> = r.iter().map(|v| format!("{v:?}")).collect();
        writeln!(s, "{}", line.join(","))?;
    }
    s.flush()?;
    let mut o = String::from("p_war\n");
    for v in y {
        o.push_str(&format!("{v:?}\n"));
    }
    std::fs::write(dir.join("outputs.csv"), o)
        .map_err(|e| other(format!("{}: {e}", dir.join("outputs.csv").display())))?;
    Ok(())
}

/// How the evaluations were made, for titles and headers.
fn evaluation_label(how: Evaluation) -> String {
    match how {
        Evaluation::Exact => "each exact".to_string(),
        Evaluation::MonteCarlo { runs, .. } => format!("each {runs} simulated runs"),
    }
}

/// The number of model evaluations against the bounds of docs/limits.md, before the sample
/// matrix (evaluations × parameters) is allocated.
/// p(war) at every row (scenario per row, or one for all; `parameters` name the rows' leading
/// columns) with a progress bar on stderr, the
/// seconds it took, and the export written when asked.
fn evaluate_rows(
    args: &SensitivityArgs,
    what: &str,
    scenarios: &[detente_engine::Scenario],
    parameters: &[String],
    problem: &Problem,
    rows: &[Vec<f64>],
    how: Evaluation,
) -> Result<(Vec<f64>, f64), CliError> {
    let bar = ProgressBar::with_draw_target(Some(rows.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} evaluations (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    let start = std::time::Instant::now();
    let y = evaluate_p_war(scenarios, parameters, rows, how, &|done| {
        bar.set_position(done as u64);
        true
    })
    .map_err(|_| other("cancelled"))?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if let Some(dir) = &args.export {
        export(dir, problem, rows, &y)?;
    }
    Ok((y, seconds))
}

/// The plot and export paths checked before the computation.
fn check_outputs(args: &SensitivityArgs) -> CmdResult {
    if let Some(path) = &args.plot {
        super::check_output(path)?;
    }
    if let Some(dir) = &args.export {
        std::fs::create_dir_all(dir)
            .map_err(|e| other(format!("--export {}: cannot create: {e}", dir.display())))?;
        super::check_output(&dir.join("problem.json"))?;
    }
    Ok(())
}

fn check_evaluations(args: &SensitivityArgs, n: usize, params: usize) -> CmdResult {
    use detente_limits::{MAX_SENSITIVITY_EVALS, MAX_SENSITIVITY_EVALS_OVERRIDE};
    let per_point = match args.method {
        Method::Sobol => params + 2,
        Method::Morris => params + 1,
        Method::GivenData => 1,
    } as u64;
    let evals = (n as u64).saturating_mul(per_point);
    let runs = evals.saturating_mul(args.runs);
    // An exact evaluation of a 10-year horizon takes about 10 ms on this project's machine
    // (README, benchmarks); a simulated one, its runs.
    let seconds = if args.monte_carlo {
        detente_limits::estimate_seconds(runs as f64 * 10.0, detente_limits::Sampling::EventByEvent)
    } else {
        evals as f64 * 0.01
    };
    let eta = detente_limits::human_duration(seconds);
    let flag = super::OVERRIDE_FLAG;
    if evals > MAX_SENSITIVITY_EVALS_OVERRIDE {
        return Err(input_err(format!(
            "--n {n}: {evals} evaluations over {params} parameters; allowed: at most {MAX_SENSITIVITY_EVALS_OVERRIDE} (docs/limits.md)"
        )));
    }
    if evals > MAX_SENSITIVITY_EVALS && !args.i_know_it_is_long {
        return Err(input_err(format!(
            "--n {n}: {evals} evaluations over {params} parameters would take about {eta}; allowed: at most {MAX_SENSITIVITY_EVALS} without {flag} (docs/limits.md)"
        )));
    }
    if args.monte_carlo {
        super::check_work(
            "--n × --runs",
            runs,
            10.0,
            true,
            detente_limits::Sampling::EventByEvent,
        )
    } else {
        Ok(())
    }
}

pub fn run(args: SensitivityArgs) -> CmdResult {
    if args.method == Method::GivenData {
        return given_data(args);
    }
    if args.prior || args.classes.is_some() {
        return Err(input_err(
            "--prior and --classes: allowed only with --method given-data",
        ));
    }
    let n = args.n.unwrap_or(64);
    if n == 0 {
        return Err(input_err(
            "--n 0: allowed: at least 1 (Sobol: a power of two up to 65536)",
        ));
    }
    if args.runs == 0 {
        return Err(input_err("--runs 0: allowed: at least 1"));
    }
    if args.method == Method::Sobol && (!n.is_power_of_two() || n > 1 << 16) {
        return Err(input_err(format!(
            "--n {n}: allowed for sobol: a power of two from 1 to 65536"
        )));
    }
    let mut problem = Problem::from_specs(args.params.as_deref())
        .map_err(|e| input_err(format!("--params: {e}")))?;
    let parameters = problem.names.clone();
    check_evaluations(&args, n, problem.num_vars + args.inputs.len())?;
    // the output paths before the computation
    check_outputs(&args)?;
    let loaded = load_architecture(&args.architecture)?;
    let scenario = loaded.architecture.to_scenario();
    let (ranges, integer) = input_ranges(&loaded, &args.inputs, &problem.names)?;
    for r in &ranges {
        problem.names.push(r.path.clone());
        problem.bounds.push([r.low, r.high]);
        problem.num_vars += 1;
    }
    let mut rows = match args.method {
        Method::Sobol => sobol_samples(&problem, n, args.seed as u32).map_err(input_err)?,
        Method::Morris => morris_samples(&problem, n, args.seed),
        Method::GivenData => unreachable!("handled above"),
    };
    let scenarios = scenarios_for_rows(&loaded, &ranges, &integer, &mut rows, parameters.len())?;
    let how = if args.monte_carlo {
        Evaluation::MonteCarlo {
            runs: args.runs,
            seed: args.seed,
        }
    } else {
        Evaluation::Exact
    };
    let (y, seconds) = evaluate_rows(
        &args,
        &format!("{} sensitivity", scenario.name),
        &scenarios,
        &parameters,
        &problem,
        &rows,
        how,
    )?;
    let method = match args.method {
        Method::Sobol => "sobol",
        Method::Morris => "morris",
        Method::GivenData => "given-data",
    };
    let (indices_json, names_sorted, series) = match args.method {
        Method::Sobol => {
            let mut idx = sobol_analyze(&problem.names, &y, args.seed).map_err(other)?;
            let value = serde_json::to_value(&idx).map_err(other)?;
            idx.sort_by(|a, b| b.st.total_cmp(&a.st));
            let names: Vec<String> = idx.iter().map(|i| i.name.clone()).collect();
            let series = vec![
                (
                    "S1",
                    "#4a7ab5",
                    idx.iter().map(|i| i.s1).collect::<Vec<_>>(),
                    idx.iter().map(|i| i.s1_conf).collect::<Vec<_>>(),
                ),
                (
                    "ST",
                    "#c8553d",
                    idx.iter().map(|i| i.st).collect(),
                    idx.iter().map(|i| i.st_conf).collect(),
                ),
            ];
            (value, names, series)
        }
        Method::Morris => {
            let mut idx = morris_analyze(&problem, &rows, &y, args.seed).map_err(other)?;
            let value = serde_json::to_value(&idx).map_err(other)?;
            idx.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
            let names: Vec<String> = idx.iter().map(|i| i.name.clone()).collect();
            let series = vec![
                (
                    "mu*",
                    "#4a7ab5",
                    idx.iter().map(|i| i.mu_star).collect::<Vec<_>>(),
                    idx.iter().map(|i| i.mu_star_conf).collect::<Vec<_>>(),
                ),
                (
                    "sigma",
                    "#c8553d",
                    idx.iter().map(|i| i.sigma).collect(),
                    vec![0.0; idx.len()],
                ),
            ];
            (value, names, series)
        }
        Method::GivenData => unreachable!("handled above"),
    };
    if let Some(path) = &args.plot {
        let ser: Vec<Series> = series
            .iter()
            .map(|(l, c, v, h)| Series {
                label: l,
                colour: c,
                values: v.clone(),
                half_widths: h.clone(),
            })
            .collect();
        let title = format!(
            "{} indices of p(war), {} ({} evaluations, {})",
            method,
            scenario.name,
            y.len(),
            evaluation_label(how)
        );
        let axis = if args.method == Method::Sobol {
            "index (share of variance)"
        } else {
            "elementary effect on p(war) per full range"
        };
        std::fs::write(path, bar_chart(&title, axis, &names_sorted, &ser))
            .map_err(|e| other(format!("{}: {e}", path.display())))?;
    }
    if args.json {
        let v = json!({
            "architecture": scenario.name,
            "method": method,
            "n": n,
            "seed": args.seed,
            "evaluation": if args.monte_carlo { "monte_carlo" } else { "exact" },
            "runs_per_evaluation": how.runs(),
            "evaluations": y.len(),
            "seconds": seconds,
            "output": "p_war",
            "parameters": parameters,
            "architecture_inputs": ranges.iter().map(|r| json!({"path": r.path, "low": r.low, "high": r.high})).collect::<Vec<_>>(),
            "indices": indices_json,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(other)?);
    } else {
        println!(
            "{method} sensitivity of p(war), {}: {} parameters and {} architecture inputs, {} evaluations, {} (seed {}), {:.1} s",
            scenario.name,
            parameters.len(),
            ranges.len(),
            y.len(),
            evaluation_label(how),
            args.seed,
            seconds
        );
        let (a, b) = (series[0].0, series[1].0);
        println!(
            "{:<34} {:>9} {:>9} {:>9} {:>9}",
            "parameter", a, "±95%", b, "±95%"
        );
        for (i, n) in names_sorted.iter().enumerate() {
            println!(
                "{:<34} {:>9.4} {:>9.4} {:>9.4} {:>9.4}",
                n, series[0].2[i], series[0].3[i], series[1].2[i], series[1].3[i]
            );
        }
    }
    Ok(())
}

/// `--method given-data`: first-order indices of p(war) from a sample of parameter draws as it
/// is (the plausible sets of history matching resampled by their weights, or the prior's
/// draws), each exact.
fn given_data(args: SensitivityArgs) -> CmdResult {
    if args.monte_carlo || !args.inputs.is_empty() {
        return Err(input_err(
            "--method given-data: allowed without --monte-carlo and --input (its sample is the parameter draws, each evaluated exactly)",
        ));
    }
    let draw = detente_analysis::uncertainty::default_draw(args.prior);
    let sets = draw.plausible_sets();
    let n = args.n.unwrap_or(if sets > 0 { sets } else { 400 });
    let classes = args.classes.unwrap_or_else(|| default_classes(n));
    if classes < 2 || n < 2 * classes {
        return Err(input_err(format!(
            "--n {n} --classes {classes}: allowed: at least 2 classes and 2 draws a class"
        )));
    }
    let problem = Problem::from_specs(args.params.as_deref())
        .map_err(|e| input_err(format!("--params: {e}")))?;
    check_evaluations(&args, n, problem.num_vars)?;
    check_outputs(&args)?;
    let loaded = load_architecture(&args.architecture)?;
    let scenario = loaded.architecture.to_scenario();
    // draw d of n: the plausible sets resampled systematically by their weights (each set
    // floor(n w) or ceil(n w) times: the posterior sample), the rest from the prior
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|d| {
            let mut rng = stream_rng(args.seed, d as u64, Stream::Parameters);
            let p = if sets > 0 {
                draw.draw_systematic(&mut rng, &scenario.params, d, n)
            } else {
                detente_engine::ParamDraw::draw(&draw, &mut rng, &scenario.params)
            };
            problem
                .names
                .iter()
                .map(|name| p.get(name).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let (y, seconds) = evaluate_rows(
        &args,
        &format!("{} given-data sensitivity", scenario.name),
        std::slice::from_ref(&scenario),
        &problem.names,
        &problem,
        &rows,
        Evaluation::Exact,
    )?;
    let mut idx =
        first_order(&problem.names, &rows, &y, Some(classes), args.seed).map_err(other)?;
    idx.sort_by(|a, b| b.s1.total_cmp(&a.s1));
    let q = |p: f64| detente_analysis::hindcast::quantile(&y, p);
    let source = draw.source;
    let source_text = if source == "plausible" {
        format!(
            "the plausible sets of history matching (data/plausible.toml, {sets} sets worth {:.0}, resampled by weight), the prior for parameters they do not name",
            draw.effective_plausible_sets()
        )
    } else {
        "the plain prior".to_string()
    };
    if let Some(path) = &args.plot {
        let names: Vec<String> = idx.iter().map(|i| i.name.clone()).collect();
        let ser = vec![Series {
            label: "S1 (given data)",
            colour: "#4a7ab5",
            values: idx.iter().map(|i| i.s1).collect(),
            half_widths: idx.iter().map(|i| i.s1_conf).collect(),
        }];
        let title = format!(
            "first-order indices of p(war) from given data, {} ({n} {source} draws, each exact)",
            scenario.name
        );
        std::fs::write(
            path,
            bar_chart(&title, "index (share of variance)", &names, &ser),
        )
        .map_err(|e| other(format!("{}: {e}", path.display())))?;
    }
    if args.json {
        let v = json!({
            "architecture": scenario.name,
            "method": "given-data",
            "parameter_source": source,
            "n": n,
            "classes": classes,
            "seed": args.seed,
            "evaluation": "exact",
            "evaluations": y.len(),
            "seconds": seconds,
            "output": "p_war",
            "p_war": {"mean": y.iter().sum::<f64>() / y.len().max(1) as f64, "median": q(0.5), "interval": [q(0.025), q(0.975)]},
            "sum_of_first_order": idx.iter().map(|i| i.s1).sum::<f64>(),
            "parameters": problem.names,
            "indices": idx,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(other)?);
        return Ok(());
    }
    println!(
        "given-data first-order sensitivity of p(war), {}: {} parameters, {n} draws from {source_text}, each exact; {classes} classes (seed {}), {seconds:.1} s",
        scenario.name,
        problem.names.len(),
        args.seed
    );
    println!(
        "p(war) across the draws: median {:.1} %, 95 % of draws in [{:.1}, {:.1}] %",
        100.0 * q(0.5),
        100.0 * q(0.025),
        100.0 * q(0.975)
    );
    println!("{:<34} {:>9} {:>9} {:>9}", "parameter", "S1", "±95%", "raw");
    for i in &idx {
        println!(
            "{:<34} {:>9.4} {:>9.4} {:>9.4}",
            i.name, i.s1, i.s1_conf, i.s1_raw
        );
    }
    println!(
        "sum of first-order indices: {:.3} (the rest is interaction or shared through dependence)",
        idx.iter().map(|i| i.s1).sum::<f64>()
    );
    Ok(())
}
