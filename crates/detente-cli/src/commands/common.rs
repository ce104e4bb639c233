//! Helpers shared by the simulation commands: loading an architecture named on the command
//! line, architecture inputs sampled by `--input PATH=LOW:HIGH` (discover, sensitivity),
//! progress bars, turning a [`Summary`] into JSON and into a readable table, and writing
//! per-run records to CSV or Parquet.

use super::{input_err, CliError};
use detente_analysis::sweep::{is_integer_field, text_with, InputRange};
use detente_arch::Loaded;
use detente_engine::{Estimate, Figures, Pathway, RunOutcome, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Load a built-in or a file; invalid input is an input error (exit 2).
pub fn load_architecture(spec: &str) -> Result<Loaded, CliError> {
    detente_arch::load(spec).map_err(|e| input_err(e.to_string()))
}

/// Architecture inputs to sample (`--input PATH=LOW:HIGH`), checked: not given twice nor
/// named like a model parameter in `taken`, both ends giving a valid architecture. Returns the
/// ranges and, for each, whether the field is a whole number (samples are then rounded).
pub fn input_ranges(
    loaded: &Loaded,
    specs: &[String],
    taken: &[String],
) -> Result<(Vec<InputRange>, Vec<bool>), CliError> {
    let ranges = specs
        .iter()
        .map(|s| InputRange::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input_err(format!("--input {e}")))?;
    let mut integer = Vec::new();
    for (i, r) in ranges.iter().enumerate() {
        if taken.contains(&r.path) {
            return Err(input_err(format!(
                "--input `{}` is a model parameter, not a path in the architecture; parameters are varied over their ranges already (choose them with --params)",
                r.path
            )));
        }
        if ranges[..i].iter().any(|q| q.path == r.path) {
            return Err(input_err(format!("--input `{}` is given twice", r.path)));
        }
        integer.push(
            is_integer_field(&loaded.source, &r.path)
                .map_err(|e| input_err(format!("--input {e}")))?,
        );
        // both ends must give a valid architecture
        for v in [r.low, r.high] {
            architecture_with(loaded, &[(r.path.as_str(), v)])?;
        }
    }
    Ok((ranges, integer))
}

/// The scenario of `loaded` with the inputs at `set` (TOML path, value), validated; the error
/// names the path or gives the architecture's diagnostics.
pub fn scenario_with(loaded: &Loaded, set: &[(&str, f64)]) -> Result<Scenario, String> {
    let (text, origin) = text_with(&loaded.source, &loaded.origin, set)?;
    detente_arch::load_str(&text, &origin)
        .map(|l| l.architecture.to_scenario())
        .map_err(|e| format!("the architecture is invalid:\n{e}"))
}

/// [`scenario_with`] with its error an input error of `--input`.
pub fn architecture_with(loaded: &Loaded, set: &[(&str, f64)]) -> Result<Scenario, CliError> {
    scenario_with(loaded, set).map_err(|e| input_err(format!("--input {e}")))
}

/// The scenario of each sample row: the architecture with the inputs (the row's columns from
/// `first`) set, whole-number fields rounded in the row itself; one shared scenario when there
/// are no inputs.
pub fn scenarios_for_rows(
    loaded: &Loaded,
    ranges: &[InputRange],
    integer: &[bool],
    rows: &mut [Vec<f64>],
    first: usize,
) -> Result<Vec<Scenario>, CliError> {
    if ranges.is_empty() {
        return Ok(vec![loaded.architecture.to_scenario()]);
    }
    for row in rows.iter_mut() {
        for (k, int) in integer.iter().enumerate() {
            if *int {
                row[first + k] = row[first + k].round();
            }
        }
    }
    rows.iter()
        .map(|row| {
            let set: Vec<(&str, f64)> = ranges
                .iter()
                .zip(&row[first..])
                .map(|(r, v)| (r.path.as_str(), *v))
                .collect();
            architecture_with(loaded, &set)
        })
        .collect()
}

/// A progress bar on stderr that draws only on a terminal.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} runs ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

pub use detente_server::summary::{
    summary_json, EXACT, EXACT_WITH_PARAMETER_UNCERTAINTY, MONTE_CARLO_ONLY,
    WITH_PARAMETER_UNCERTAINTY,
};

fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

fn pct_ci(e: &Estimate) -> String {
    format!(
        "{:>8}  [{:.2}, {:.2}] %",
        pct(e.value),
        100.0 * e.low,
        100.0 * e.high
    )
}

/// The summary as a readable table.
pub fn summary_table(name: &str, s: &dyn Figures, seed: u64, interval: &str) -> String {
    let mut out = String::new();
    let years = s.horizon_months() as f64 / 12.0;
    out.push_str(&format!("Architecture: {name}\n"));
    match s.runs() {
        Some(runs) => out.push_str(&format!(
            "{runs} runs, seed {seed}, horizon {years} years; intervals: {interval}\n\n"
        )),
        None => out.push_str(&format!("horizon {years} years; method: {interval}\n\n")),
    }
    out.push_str(&format!(
        "  NATO-Russia war within {years} years   {}\n",
        pct_ci(&s.p_war())
    ));
    if let Some(d) = s.p_war_across_draws() {
        out.push_str(&format!(
            "    across {} parameter draws: median {}, 95 % of draws in [{:.2}, {:.2}] % ({:.0} % of their spread is parameter uncertainty, the rest Monte Carlo noise)\n",
            d.draws,
            pct(d.median),
            100.0 * d.low,
            100.0 * d.high,
            100.0 * d.parameter_share
        ));
    }
    out.push_str(&format!(
        "  Nuclear use                          {}\n",
        pct_ci(&s.p_nuclear())
    ));
    out.push_str(
        "  The war's course (probability that a run reaches each phase within the horizon)\n",
    );
    for (_, label, e) in s.war_outcomes().named() {
        out.push_str(&format!("    {label:<34} {}\n", pct_ci(&e)));
    }
    out.push_str(&format!(
        "  Russia-Ukraine ceasefire breaks down {}\n",
        pct_ci(&s.p_ceasefire_break())
    ));
    let c = s.mean_costs();
    out.push_str(&format!(
        "  Mean defence + mechanism cost        {:.0} US$ bn over the horizon\n",
        s.mean_cost_bn()
    ));
    out.push_str(&format!(
        "    paid as: European defence {:.0}, US defence {:.0}, the architecture's mechanisms {:.0}\n\n",
        c.europe_defence_bn, c.us_defence_bn, c.mechanisms_bn
    ));
    out.push_str(&format!(
        "  {:<63} {:>8}   {:<18} {:>9}\n",
        "Pathway", "first war via", "[95 % interval]", "crises/yr"
    ));
    for p in Pathway::ALL {
        let e = s.p_war_via(p);
        out.push_str(&format!(
            "  {:<63} {:>13}   {:<18} {:>9.3}\n",
            p.label(),
            pct(e.value),
            format!("[{:.2}, {:.2}] %", 100.0 * e.low, 100.0 * e.high),
            s.crises_per_year(p)
        ));
    }
    out.push_str("\n  Survival (probability of no war by the end of each year)\n  ");
    for (y, e) in s.survival_by_year().iter().enumerate() {
        out.push_str(&format!("y{}: {:.3}  ", y + 1, e.value));
        if (y + 1) % 5 == 0 {
            out.push_str("\n  ");
        }
    }
    out.push('\n');
    out
}

/// Writes per-run records to a CSV or Parquet file chosen by extension.
pub enum RunWriter {
    Csv(csv::Writer<std::fs::File>),
    Parquet(super::parquet_out::ParquetRuns),
}

impl RunWriter {
    pub fn create(path: &str) -> Result<RunWriter, CliError> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            let mut w = csv::Writer::from_path(path)
                .map_err(|e| CliError::Other(anyhow::anyhow!("{path}: {e}")))?;
            w.write_record(RUN_COLUMNS)
                .map_err(|e| CliError::Other(e.into()))?;
            Ok(RunWriter::Csv(w))
        } else if lower.ends_with(".parquet") {
            Ok(RunWriter::Parquet(super::parquet_out::ParquetRuns::create(
                path,
            )?))
        } else {
            Err(input_err(format!(
                "--out {path}: unknown extension; allowed: .csv or .parquet"
            )))
        }
    }

    pub fn write(&mut self, records: &[RunOutcome]) -> Result<(), CliError> {
        match self {
            RunWriter::Csv(w) => {
                for o in records {
                    w.write_record(run_row(o))
                        .map_err(|e| CliError::Other(e.into()))?;
                }
                Ok(())
            }
            RunWriter::Parquet(p) => p.write(records),
        }
    }

    pub fn finish(self) -> Result<(), CliError> {
        match self {
            RunWriter::Csv(mut w) => w.flush().map_err(|e| CliError::Other(e.into())),
            RunWriter::Parquet(p) => p.finish(),
        }
    }
}

pub use detente_server::summary::{run_cells, Cell, RUN_COLUMNS};

/// A run's row of the CSV output (cost to three decimals, absent values empty).
fn run_row(o: &RunOutcome) -> Vec<String> {
    run_cells(o)
        .iter()
        .map(|c| match c {
            Cell::Int(i) => i.to_string(),
            Cell::Float(x) => format!("{x:.3}"),
            Cell::Text(t) => t.to_string(),
            Cell::Null => String::new(),
        })
        .collect()
}
