//! `detente._native`: the Python bindings of the workbench, a thin layer in the manner of
//! polars and pydantic-core. Each function mirrors a CLI command, calls the same libraries
//! (`detente-arch` to load, `detente-engine` to simulate or evaluate exactly,
//! `detente-analysis` for parameter draws and sensitivity, `detente-server` for the one JSON
//! definition of results and for shards), releases the GIL while it computes, and returns
//! plain Python values: results as the JSON text the CLI prints (the pure-Python package
//! `detente` parses them), per-run rows as columns. Bad input raises `DetenteError` (a
//! `ValueError`) whose `diagnostics` list names file, line, column and field. No model logic
//! lives here.

use detente_analysis::sensitivity::{
    evaluate_p_war, morris_analyze, morris_samples, sobol_analyze, sobol_samples, Evaluation,
    Problem,
};
use detente_analysis::uncertainty::Uncertainty;
use detente_engine::{
    compare, exact, run_ensemble, EnsembleOptions, Figures, Method, ParamDraw, RunOutcome,
    Scenario, PARAM_SPECS,
};
use detente_server::shard::{self, Shard};
use detente_server::summary::{
    comparison_json, run_cells, summary_json, Cell, ComparisonView, EXACT,
    EXACT_WITH_PARAMETER_UNCERTAINTY, RUN_COLUMNS,
};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::{Arc, Mutex};

create_exception!(
    _native,
    DetenteError,
    PyValueError,
    "Invalid input: an architecture that does not load or validate, or an argument out of its \
     range. `diagnostics` lists each problem as a dict with file, line, column, field and message."
);

/// This process's rayon pool. The engine's parallel loops run in it (`install`), never in
/// rayon's global pool: a pool's threads do not survive `fork`, and EMA Workbench's and
/// Dask's process pools fork the interpreter after the parent may have simulated. A child
/// (another process id) builds a pool of its own; the parent's, whose threads are not in
/// the child, is left alone.
fn pool() -> Arc<rayon::ThreadPool> {
    static POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = slot.as_ref() {
        if *owner == pid {
            return pool.clone();
        }
    }
    if let Some(inherited) = slot.take() {
        // dropping it would signal threads that exist only in the parent
        std::mem::forget(inherited);
    }
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .build()
            .expect("a thread pool starts"),
    );
    *slot = Some((pid, pool.clone()));
    pool
}

/// Run `f` without the GIL in this process's pool.
fn compute<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> T {
    py.allow_threads(|| pool().install(f))
}

/// One diagnostic as the Python side sees it.
struct Diag {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    field: Option<String>,
    message: String,
}

/// A `DetenteError` with `message` and its diagnostics.
fn error(py: Python<'_>, message: &str, diags: Vec<Diag>) -> PyErr {
    let err = DetenteError::new_err(message.to_string());
    let list = PyList::empty(py);
    for d in diags {
        let item = PyDict::new(py);
        let filled = item
            .set_item("file", d.file)
            .and_then(|_| item.set_item("line", d.line))
            .and_then(|_| item.set_item("column", d.column))
            .and_then(|_| item.set_item("field", d.field))
            .and_then(|_| item.set_item("message", d.message))
            .and_then(|_| list.append(item));
        if filled.is_err() {
            break;
        }
    }
    // an exception object always takes a new attribute
    let _ = err.value(py).setattr("diagnostics", list);
    err
}

/// An error about one argument (`field`), e.g. `runs=0: allowed: at least 1`.
fn arg_error(py: Python<'_>, field: &str, message: String) -> PyErr {
    error(
        py,
        &message,
        vec![Diag {
            file: None,
            line: None,
            column: None,
            field: Some(field.to_string()),
            message: message.clone(),
        }],
    )
}

/// A load error as a `DetenteError`: invalid files list every diagnostic.
fn load_error(py: Python<'_>, e: detente_arch::LoadError) -> PyErr {
    let message = e.to_string();
    let diags = match e {
        detente_arch::LoadError::Invalid(ds) => ds
            .into_iter()
            .map(|d| Diag {
                file: Some(d.file),
                line: Some(d.line),
                column: Some(d.column),
                field: (!d.path.is_empty()).then_some(d.path),
                message: d.message,
            })
            .collect(),
        _ => vec![Diag {
            file: None,
            line: None,
            column: None,
            field: None,
            message: message.clone(),
        }],
    };
    error(py, &message, diags)
}

/// A loaded, validated architecture: its name, where it came from and its TOML text.
#[pyclass(module = "detente._native", frozen, get_all)]
#[derive(Clone)]
struct Architecture {
    /// The architecture's name (from the file).
    name: String,
    /// A path, `<builtin:NAME>` or `<string>`.
    origin: String,
    /// Its TOML text.
    toml: String,
    /// Its horizon in years.
    horizon_years: f64,
    /// Its mechanisms that have a strength: (name, enabled, strength 0-1); the strength is
    /// at `mechanisms.NAME.strength` for `with_values`.
    mechanisms: Vec<(String, bool, f64)>,
}

#[pymethods]
impl Architecture {
    /// A copy with the numbers at dotted TOML paths set (e.g.
    /// `{"mechanisms.hotline.strength": 0.8}`), validated again.
    fn with_values(&self, py: Python<'_>, values: Vec<(String, f64)>) -> PyResult<Architecture> {
        let mut text = self.toml.clone();
        for (path, v) in &values {
            text = detente_analysis::sweep::set_path(&text, path, *v)
                .map_err(|m| arg_error(py, path, m))?;
        }
        let origin = self.origin.clone();
        compute(py, || {
            detente_arch::load_str(&text, &origin).map(Architecture::from)
        })
        .map_err(|e| load_error(py, e))
    }

    fn __repr__(&self) -> String {
        format!("Architecture({:?} from {})", self.name, self.origin)
    }
}

impl From<detente_arch::Loaded> for Architecture {
    fn from(l: detente_arch::Loaded) -> Self {
        let horizon_years = l.architecture.to_scenario().policy.horizon_months as f64 / 12.0;
        // the format's own serialization names the mechanisms and their fields
        let value = serde_json::to_value(&l.architecture.mechanisms).unwrap_or_default();
        let mechanisms = value
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(name, v)| {
                        let strength = v.get("strength")?.as_f64()?;
                        let enabled = v.get("enabled")?.as_bool()?;
                        Some((name.clone(), enabled, strength))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Architecture {
            name: l.name,
            origin: l.origin,
            toml: l.source,
            horizon_years,
            mechanisms,
        }
    }
}

/// Load a built-in by name, a file by path, or TOML text (anything with a line break or `=`).
fn load_spec(py: Python<'_>, spec: &str) -> PyResult<Architecture> {
    let loaded = if spec.contains('\n') || spec.contains('=') {
        detente_arch::load_str(spec, "<string>")
    } else {
        detente_arch::load(spec)
    };
    loaded
        .map(Architecture::from)
        .map_err(|e| load_error(py, e))
}

/// An `Architecture` or a string naming one.
fn architecture_of(py: Python<'_>, arch: &Bound<'_, PyAny>) -> PyResult<Architecture> {
    if let Ok(a) = arch.downcast::<Architecture>() {
        return Ok(a.get().clone());
    }
    let spec: String = arch.extract().map_err(|_| {
        arg_error(
            py,
            "arch",
            "arch: allowed: an Architecture (detente.load) or a built-in name, path or TOML text"
                .into(),
        )
    })?;
    load_spec(py, &spec)
}

/// The settings shared by the simulation functions, checked as the CLI checks its flags.
struct Settings {
    runs: u64,
    seed: u64,
    horizon_years: Option<u32>,
    exact: bool,
    draw: Option<Uncertainty>,
    runs_per_draw: u64,
    monte_carlo: bool,
}

impl Settings {
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        runs: u64,
        seed: u64,
        horizon_years: Option<u32>,
        exact: bool,
        uncertainty: bool,
        runs_per_draw: u64,
        monte_carlo: bool,
        architectures: u64,
    ) -> PyResult<Settings> {
        if runs == 0 {
            return Err(arg_error(py, "runs", "runs=0: allowed: at least 1".into()));
        }
        let total = runs.saturating_mul(architectures.max(1));
        if total > detente_limits::MAX_RUNS {
            return Err(arg_error(
                py,
                "runs",
                format!(
                    "runs={runs}: {total} runs in all; allowed: at most {} (docs/limits.md); \
                     shard larger ensembles (run_shard, merge)",
                    detente_limits::MAX_RUNS
                ),
            ));
        }
        if let Some(h) = horizon_years {
            if !(1..=50).contains(&h) {
                return Err(arg_error(
                    py,
                    "horizon_years",
                    format!("horizon_years={h}: allowed: 1 to 50"),
                ));
            }
        }
        if runs_per_draw == 0 {
            return Err(arg_error(
                py,
                "runs_per_draw",
                "runs_per_draw=0: allowed: at least 1".into(),
            ));
        }
        // as the CLI: the plausible sets of history matching, the prior for the rest
        let draw = uncertainty.then(|| detente_analysis::uncertainty::default_draw(false));
        Ok(Settings {
            runs,
            seed,
            horizon_years,
            exact,
            // as the CLI: runs share a draw only when there are draws
            runs_per_draw: if uncertainty { runs_per_draw } else { 1 },
            draw,
            monte_carlo,
        })
    }

    /// Settings of a simulation (per-run rows, shards): never exact, draws simulated.
    fn simulated(
        py: Python<'_>,
        runs: u64,
        seed: u64,
        horizon_years: Option<u32>,
        uncertainty: bool,
        runs_per_draw: u64,
        architectures: u64,
    ) -> PyResult<Settings> {
        let (exact, monte_carlo) = (false, true);
        Settings::new(
            py,
            runs,
            seed,
            horizon_years,
            exact,
            uncertainty,
            runs_per_draw,
            monte_carlo,
            architectures,
        )
    }

    /// The scenarios of `archs`, each with the horizon overridden if asked.
    fn scenarios(&self, py: Python<'_>, archs: &[Architecture]) -> PyResult<Vec<Scenario>> {
        archs.iter().map(|a| self.scenario(a, py)).collect()
    }

    /// Whether results come from the exact chain (`exact`, or draws evaluated exactly).
    fn is_exact(&self) -> bool {
        self.exact || (self.draw.is_some() && !self.monte_carlo)
    }

    fn options(&self) -> EnsembleOptions {
        EnsembleOptions {
            runs_per_draw: self.runs_per_draw,
            ..EnsembleOptions::new(self.runs, self.seed)
        }
    }

    fn draw_ref(&self) -> Option<&dyn ParamDraw> {
        self.draw.as_ref().map(|d| d as &dyn ParamDraw)
    }

    fn scenario(&self, a: &Architecture, py: Python<'_>) -> PyResult<Scenario> {
        let loaded = compute(py, || {
            detente_arch::load_str(&a.toml, &a.origin).map(|l| l.architecture.to_scenario())
        });
        let mut s = loaded.map_err(|e| load_error(py, e))?;
        if let Some(h) = self.horizon_years {
            s.policy.horizon_months = h * 12;
        }
        Ok(s)
    }
}

/// Set model parameters by name (each within its range in the parameter table).
fn apply_parameters(
    py: Python<'_>,
    scenario: &mut Scenario,
    parameters: Option<Vec<(String, f64)>>,
) -> PyResult<()> {
    for (name, value) in parameters.unwrap_or_default() {
        let Some(spec) = detente_engine::params::spec(&name) else {
            let names: Vec<String> = PARAM_SPECS.iter().map(|p| p.name.to_string()).collect();
            return Err(arg_error(
                py,
                &name,
                format!(
                    "parameters: `{name}` is not a model parameter; allowed: {}",
                    detente_limits::join_names(&names)
                ),
            ));
        };
        if !value.is_finite() || value < spec.low || value > spec.high {
            return Err(arg_error(
                py,
                &name,
                format!(
                    "parameters: {name} = {value}: allowed: {} to {} {}",
                    spec.low, spec.high, spec.unit
                ),
            ));
        }
        scenario.params.set(&name, value);
    }
    Ok(())
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("a result is plain JSON")
}

/// The built-in architectures: (name, one-line summary).
#[pyfunction]
fn builtins() -> Vec<(&'static str, &'static str)> {
    detente_arch::BUILTINS
        .iter()
        .map(|b| (b.name, b.summary))
        .collect()
}

/// Load and validate an architecture: a built-in name, a path, or TOML text.
#[pyfunction]
fn load(py: Python<'_>, spec: &str) -> PyResult<Architecture> {
    load_spec(py, spec)
}

/// `detente run --json` (one architecture) or, with `compare`, `detente compare --json`
/// (several, with common random numbers, or exact): the result's JSON text.
#[pyfunction]
#[pyo3(signature = (archs, compare=false, runs=10_000, seed=1, horizon_years=None, exact=false, uncertainty=false, runs_per_draw=200, monte_carlo=false, parameters=None))]
#[allow(clippy::too_many_arguments)]
fn result(
    py: Python<'_>,
    archs: &Bound<'_, PyAny>,
    compare: bool,
    runs: u64,
    seed: u64,
    horizon_years: Option<u32>,
    exact: bool,
    uncertainty: bool,
    runs_per_draw: u64,
    monte_carlo: bool,
    parameters: Option<Vec<(String, f64)>>,
) -> PyResult<String> {
    let archs = one_or_several(py, archs, compare)?;
    let st = Settings::new(
        py,
        runs,
        seed,
        horizon_years,
        exact,
        uncertainty,
        runs_per_draw,
        monte_carlo,
        archs.len() as u64,
    )?;
    let mut scenarios = st.scenarios(py, &archs)?;
    for s in &mut scenarios {
        apply_parameters(py, s, parameters.clone())?;
    }
    let value = compute(py, || {
        if compare {
            comparison_result(&scenarios, &st)
        } else {
            run_result(&scenarios[0], &st)
        }
    });
    Ok(pretty(&value))
}

/// The JSON of `run --json` (saying where the parameter draws come from, as the CLI does).
fn run_result(scenario: &Scenario, st: &Settings) -> serde_json::Value {
    let mut value = run_summary(scenario, st);
    shard::with_parameter_source(&mut value, st.draw.as_ref().map(|u| u.source));
    value
}

fn run_summary(scenario: &Scenario, st: &Settings) -> serde_json::Value {
    let options = st.options();
    if st.is_exact() {
        let draws = st.draw_ref().map(|d| exact::Draws::like(&options, d));
        let interval = if draws.is_some() {
            EXACT_WITH_PARAMETER_UNCERTAINTY
        } else {
            EXACT
        };
        let summary = exact::evaluate_with(scenario, draws);
        summary_json(&scenario.name, &summary, st.seed, interval)
    } else {
        let summary = run_ensemble(scenario, options, st.draw_ref(), &|_| true, None)
            .expect("never cancelled");
        let interval = shard::run_interval(st.draw.is_some());
        summary_json(&scenario.name, &summary, st.seed, interval)
    }
}

/// The JSON of `compare --json`.
fn comparison_result(scenarios: &[Scenario], st: &Settings) -> serde_json::Value {
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let options = st.options();
    let parameter_uncertainty = st.draw.is_some();
    if st.is_exact() {
        let draws = st.draw_ref().map(|d| exact::Draws::like(&options, d));
        let cmp = exact::compare_exact(scenarios, draws);
        let k = scenarios.len();
        comparison_json(&ComparisonView {
            names: names.iter().map(String::as_str).collect(),
            figures: cmp.summaries.iter().map(|s| s as &dyn Figures).collect(),
            diffs: (0..k).map(|i| cmp.diff_vs_first(i)).collect(),
            spreads: (0..k).map(|i| cmp.diff_across_draws(i)).collect(),
            method: Method::Exact,
            runs: st.runs,
            seed: st.seed,
            parameter_uncertainty,
            parameter_source: st.draw.as_ref().map(|u| u.source),
            runs_per_draw: st.runs_per_draw,
        })
    } else {
        let cmp = compare(scenarios, options, st.draw_ref(), &|_| true).expect("never cancelled");
        comparison_json(&shard::comparison_view(
            &names,
            &cmp,
            st.runs,
            st.seed,
            parameter_uncertainty,
            st.runs_per_draw,
        ))
    }
}

/// `detente run --out`: one row per simulated run, as columns named as the CSV's.
#[pyfunction]
#[pyo3(signature = (arch, runs=10_000, seed=1, horizon_years=None, uncertainty=false, runs_per_draw=200, parameters=None))]
#[allow(clippy::too_many_arguments)]
fn run_frame<'py>(
    py: Python<'py>,
    arch: &Bound<'py, PyAny>,
    runs: u64,
    seed: u64,
    horizon_years: Option<u32>,
    uncertainty: bool,
    runs_per_draw: u64,
    parameters: Option<Vec<(String, f64)>>,
) -> PyResult<Bound<'py, PyDict>> {
    let a = architecture_of(py, arch)?;
    let st = Settings::simulated(py, runs, seed, horizon_years, uncertainty, runs_per_draw, 1)?;
    let mut scenario = st.scenario(&a, py)?;
    apply_parameters(py, &mut scenario, parameters)?;
    let rows: Vec<[Cell; 15]> = compute(py, || {
        let mut rows = Vec::with_capacity(st.runs as usize);
        let mut sink = |records: &[RunOutcome]| rows.extend(records.iter().map(run_cells));
        run_ensemble(
            &scenario,
            st.options(),
            st.draw_ref(),
            &|_| true,
            Some(&mut sink),
        )
        .expect("never cancelled");
        rows
    });
    let out = PyDict::new(py);
    for (j, name) in RUN_COLUMNS.iter().enumerate() {
        let column = PyList::empty(py);
        for row in &rows {
            match row[j] {
                Cell::Int(i) => column.append(i)?,
                Cell::Float(x) => column.append(x)?,
                Cell::Text(t) => column.append(t)?,
                Cell::Null => column.append(py.None())?,
            }
        }
        out.set_item(*name, column)?;
    }
    Ok(out)
}

/// One architecture, or (`compare`) the list of a comparison.
fn one_or_several(
    py: Python<'_>,
    archs: &Bound<'_, PyAny>,
    compare: bool,
) -> PyResult<Vec<Architecture>> {
    if compare {
        architectures_of(py, archs)
    } else {
        Ok(vec![architecture_of(py, archs)?])
    }
}

/// Architectures of a comparison, at least two.
fn architectures_of(py: Python<'_>, archs: &Bound<'_, PyAny>) -> PyResult<Vec<Architecture>> {
    let list: Vec<Bound<'_, PyAny>> = archs.extract().map_err(|_| {
        arg_error(
            py,
            "archs",
            "archs: allowed: a list of architectures (names, paths, TOML text or Architecture)"
                .into(),
        )
    })?;
    if list.len() < 2 {
        return Err(arg_error(
            py,
            "archs",
            format!(
                "archs: {} given; compare needs at least two architectures",
                list.len()
            ),
        ));
    }
    list.iter().map(|a| architecture_of(py, a)).collect()
}

/// `detente run|compare --shard I/N --out-summary`: shard `shard` of `shards` of a simulated
/// run of one architecture, or (`compare`) of a comparison of several, as the part file's text.
#[pyfunction]
#[pyo3(signature = (archs, shard, shards, compare=false, runs=10_000, seed=1, horizon_years=None, uncertainty=false, runs_per_draw=200))]
#[allow(clippy::too_many_arguments)]
fn shard_part(
    py: Python<'_>,
    archs: &Bound<'_, PyAny>,
    shard: u64,
    shards: u64,
    compare: bool,
    runs: u64,
    seed: u64,
    horizon_years: Option<u32>,
    uncertainty: bool,
    runs_per_draw: u64,
) -> PyResult<String> {
    let archs = one_or_several(py, archs, compare)?;
    let which = shard_of(py, shard, shards)?;
    let n = archs.len() as u64;
    let st = Settings::simulated(py, runs, seed, horizon_years, uncertainty, runs_per_draw, n)?;
    let scenarios = st.scenarios(py, &archs)?;
    Ok(compute(py, || {
        let (options, draw) = (st.options(), st.draw.as_ref());
        if compare {
            shard::compare_shard(&scenarios, options, draw, which, &|_| true)
        } else {
            shard::run_shard(&scenarios[0], options, draw, which, &|_| true)
        }
        .expect("never cancelled")
    }))
}

fn shard_of(py: Python<'_>, shard: u64, shards: u64) -> PyResult<Shard> {
    format!("{shard}/{shards}")
        .parse()
        .map_err(|m: String| arg_error(py, "shard", m.replace("--shard", "shard/shards")))
}

/// `detente merge --json`: the parts (texts, each named for errors) merged, as the JSON text
/// of the unsharded run or comparison.
#[pyfunction]
fn merge(py: Python<'_>, parts: Vec<(String, String)>) -> PyResult<String> {
    let merged =
        compute(py, || shard::merge(&parts)).map_err(|e| arg_error(py, "parts", e.to_string()))?;
    Ok(pretty(&shard::merged_json(&merged)))
}

/// `detente sensitivity --json` (without the timing): Morris or Sobol indices of p(war).
#[pyfunction]
#[pyo3(signature = (arch, method="morris", n=64, seed=1, params=None, monte_carlo=false, runs=2000))]
#[allow(clippy::too_many_arguments)]
fn sensitivity(
    py: Python<'_>,
    arch: &Bound<'_, PyAny>,
    method: &str,
    n: usize,
    seed: u64,
    params: Option<Vec<String>>,
    monte_carlo: bool,
    runs: u64,
) -> PyResult<String> {
    let a = architecture_of(py, arch)?;
    let sobol = match method {
        "sobol" => true,
        "morris" => false,
        other => {
            return Err(arg_error(
                py,
                "method",
                format!("method={other:?}: allowed: \"morris\" or \"sobol\""),
            ))
        }
    };
    if n == 0 || (sobol && (!n.is_power_of_two() || n > 1 << 16)) {
        return Err(arg_error(
            py,
            "n",
            format!("n={n}: allowed: at least 1 (sobol: a power of two up to 65536)"),
        ));
    }
    if runs == 0 {
        return Err(arg_error(py, "runs", "runs=0: allowed: at least 1".into()));
    }
    let problem = Problem::from_specs(params.as_deref())
        .map_err(|m| arg_error(py, "params", format!("params: {m}")))?;
    let evals = n as u64 * (problem.num_vars as u64 + if sobol { 2 } else { 1 });
    if evals > detente_limits::MAX_SENSITIVITY_EVALS {
        return Err(arg_error(
            py,
            "n",
            format!(
                "n={n}: {evals} evaluations; allowed: at most {} (docs/limits.md)",
                detente_limits::MAX_SENSITIVITY_EVALS
            ),
        ));
    }
    let scenario = Settings::new(py, 1, seed, None, true, false, 1, false, 1)?.scenario(&a, py)?;
    let how = if monte_carlo {
        Evaluation::MonteCarlo { runs, seed }
    } else {
        Evaluation::Exact
    };
    let result = compute(py, || -> Result<serde_json::Value, String> {
        let rows = if sobol {
            sobol_samples(&problem, n, seed as u32)?
        } else {
            morris_samples(&problem, n, seed)
        };
        let y = evaluate_p_war(
            std::slice::from_ref(&scenario),
            &problem.names,
            &rows,
            how,
            &|_| true,
        )
        .map_err(|_| "cancelled".to_string())?;
        let indices = if sobol {
            serde_json::to_value(sobol_analyze(&problem.names, &y, seed)?)
        } else {
            serde_json::to_value(morris_analyze(&problem, &rows, &y, seed)?)
        }
        .map_err(|e| e.to_string())?;
        Ok(serde_json::json!({
            "architecture": scenario.name,
            "method": method,
            "n": n,
            "seed": seed,
            "evaluation": if monte_carlo { "monte_carlo" } else { "exact" },
            "runs_per_evaluation": how.runs(),
            "evaluations": y.len(),
            "output": "p_war",
            "indices": indices,
        }))
    });
    result
        .map(|v| pretty(&v))
        .map_err(|m| arg_error(py, "method", m))
}

/// `detente params`: the model's parameter table, one dict per parameter.
#[pyfunction]
fn params<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for p in PARAM_SPECS {
        let d = PyDict::new(py);
        d.set_item("name", p.name)?;
        d.set_item("default", p.default)?;
        d.set_item("unit", p.unit)?;
        d.set_item("low", p.low)?;
        d.set_item("high", p.high)?;
        d.set_item("source", p.source)?;
        d.set_item("doc", p.doc.trim())?;
        out.append(d)?;
    }
    Ok(out)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DetenteError", m.py().get_type::<DetenteError>())?;
    m.add("RUN_COLUMNS", RUN_COLUMNS.to_vec())?;
    m.add_class::<Architecture>()?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(result, m)?)?;
    m.add_function(wrap_pyfunction!(run_frame, m)?)?;
    m.add_function(wrap_pyfunction!(shard_part, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(params, m)?)?;
    Ok(())
}
