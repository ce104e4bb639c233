//! Sensitivity analysis as a background job, the mission planner, and in-place TOML edits
//! (so that a form edit keeps the file's comments).

use super::{one_source, resolve, ApiError, ApiPath, ApiQuery, ApiResult, AppState, Source};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use detente_analysis::sensitivity::{
    evaluate_p_war, morris_analyze, morris_samples, sobol_analyze, sobol_samples, Evaluation,
    Problem,
};
use detente_arch::Loaded;
use detente_deliberation::planner::{apply_plan, input_from_toml, plan};
use detente_deliberation::Error as PlanError;
use detente_engine::PARAM_SPECS;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A sensitivity analysis or a comparison under way, queued or finished (kept in memory).
pub(crate) struct SensJob {
    pub(crate) total: u64,
    pub(crate) done: AtomicU64,
    pub(crate) cancel: AtomicBool,
    status: Mutex<&'static str>,
    pub(crate) result: Mutex<Option<Value>>,
    pub(crate) error: Mutex<Option<String>>,
    pub(crate) meta: Value,
}

/// A new job of `total` steps, queued and listed under the next id (`meta` gets `id`); the
/// oldest finished jobs beyond [`KEEP_JOBS`] are dropped.
pub(crate) fn new_job(state: &AppState, total: u64, mut meta: Value) -> (u64, Arc<SensJob>) {
    let id = state.sens_next.fetch_add(1, Ordering::Relaxed) + 1;
    meta["id"] = json!(id);
    let job = Arc::new(SensJob {
        total,
        done: AtomicU64::new(0),
        cancel: AtomicBool::new(false),
        status: Mutex::new("queued"),
        result: Mutex::new(None),
        error: Mutex::new(None),
        meta,
    });
    let mut jobs = state.sens();
    jobs.insert(id, job.clone());
    let mut finished: Vec<u64> = jobs
        .iter()
        .filter(|(_, j)| !["queued", "running"].contains(&j.status()))
        .map(|(k, _)| *k)
        .collect();
    finished.sort_unstable();
    let excess = finished.len().saturating_sub(KEEP_JOBS);
    for k in finished.into_iter().take(excess) {
        jobs.remove(&k);
    }
    (id, job)
}

impl SensJob {
    pub(crate) fn set_status(&self, s: &'static str) {
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = s;
    }
    fn status(&self) -> &'static str {
        *self.status.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Finished jobs kept for reading back; older ones are dropped.
const KEEP_JOBS: usize = 32;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SensBody {
    architecture: Option<String>,
    toml: Option<String>,
    method: Option<String>,
    n: Option<usize>,
    runs: Option<u64>,
    seed: Option<u64>,
    params: Option<Vec<String>>,
    /// Evaluate by simulation (`runs` runs each) instead of exactly.
    monte_carlo: Option<bool>,
}

/// The architecture a request names (`architecture`) or gives (`toml`), loaded and validated.
pub(crate) async fn load_body(
    state: &AppState,
    toml: &Option<String>,
    name: &Option<String>,
) -> ApiResult<Loaded> {
    match one_source(name, toml)? {
        Source::Text(t) => super::load_text(state, t.to_string(), "<edited>").await,
        Source::Name(n) => resolve(state, n),
    }
}

/// `POST /api/sensitivity`: start a Morris or Sobol analysis of p(war); answers 202 with the job id.
pub(crate) async fn start_sensitivity(
    State(state): State<Arc<AppState>>,
    body: Result<Json<SensBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let Json(body) = body?;
    let method = body.method.as_deref().unwrap_or("morris").to_string();
    let sobol = match method.as_str() {
        "morris" => false,
        "sobol" => true,
        other => {
            return Err(ApiError::bad(format!(
                "method `{other}`: allowed: morris, sobol"
            )))
        }
    };
    let n = body.n.unwrap_or(if sobol { 8 } else { 4 });
    let runs = body.runs.unwrap_or(1000);
    let seed = body.seed.unwrap_or(1);
    if n == 0 {
        return Err(ApiError::bad(
            "n must be at least 1 (Morris: trajectories; Sobol: base points, a power of two)",
        ));
    }
    if sobol && !n.is_power_of_two() {
        return Err(ApiError::bad(format!(
            "n = {n}: Sobol needs a power of two (1, 2, 4, 8, …)"
        )));
    }
    if runs == 0 {
        return Err(ApiError::bad("runs (per evaluation) must be at least 1"));
    }
    let problem = Problem::from_specs(body.params.as_deref())
        .map_err(|e| ApiError::bad(format!("params: {e}")))?;
    let d = problem.num_vars;
    let evals = n.saturating_mul(if sobol { d + 2 } else { d + 1 }) as u64;
    let how = if body.monte_carlo.unwrap_or(false) {
        Evaluation::MonteCarlo { runs, seed }
    } else {
        Evaluation::Exact
    };
    let total_runs = evals.saturating_mul(how.runs().unwrap_or(0));
    let lim = &state.limits;
    if evals > lim.max_sensitivity_evals || total_runs > lim.max_sensitivity_runs {
        let work = match how.runs() {
            Some(runs) => {
                format!("{evals} evaluations × {runs} Monte Carlo runs = {total_runs} model runs")
            }
            None => format!("{evals} exact evaluations"),
        };
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{method} with n = {n} over {d} parameters is {work}; this server allows at most {} evaluations and {} model runs per analysis: lower n, runs or the number of parameters, or use `detente sensitivity` on the command line",
                lim.max_sensitivity_evals, lim.max_sensitivity_runs
            ),
        ));
    }
    let loaded = load_body(&state, &body.toml, &body.architecture).await?;
    super::check_horizon(&state, &loaded)?;
    let rows = if sobol {
        sobol_samples(&problem, n, seed as u32).map_err(ApiError::bad)?
    } else {
        morris_samples(&problem, n, seed)
    };
    let meta = json!({
        "architecture": loaded.name,
        "method": method,
        "n": n,
        "seed": seed,
        "evaluation": if how == Evaluation::Exact { "exact" } else { "monte_carlo" },
        "runs_per_evaluation": how.runs(),
        "evaluations": evals,
        "parameters": d,
        "output": "p_war",
    });
    let (_, job) = new_job(&state, rows.len() as u64, meta);
    let meta = job.meta.clone();
    let st = state.clone();
    tokio::spawn(async move {
        let permit = st.sem.clone().acquire_owned().await;
        if job.cancel.load(Ordering::Relaxed) || permit.is_err() {
            job.set_status("cancelled");
            return;
        }
        job.set_status("running");
        let start = Instant::now();
        let j2 = job.clone();
        let res = tokio::task::spawn_blocking(move || {
            let scenario = loaded.architecture.to_scenario();
            let y = evaluate_p_war(
                std::slice::from_ref(&scenario),
                &problem.names,
                &rows,
                how,
                &|done| {
                    j2.done.store(done as u64, Ordering::Relaxed);
                    !j2.cancel.load(Ordering::Relaxed)
                },
            )
            .map_err(|_| None)?;
            let indices = if sobol {
                serde_json::to_value(sobol_analyze(&problem.names, &y, seed).map_err(Some)?)
            } else {
                serde_json::to_value(morris_analyze(&problem, &rows, &y, seed).map_err(Some)?)
            }
            .map_err(|e| Some(e.to_string()))?;
            Ok::<_, Option<String>>((indices, problem.names))
        })
        .await;
        drop(permit);
        let seconds = start.elapsed().as_secs_f64();
        match res {
            Ok(Ok((indices, names))) => {
                let params: Vec<Value> = names
                    .iter()
                    .filter_map(|n| PARAM_SPECS.iter().find(|s| s.name == n))
                    .map(|p| json!({"name": p.name, "default": p.default, "unit": p.unit, "low": p.low, "high": p.high, "doc": p.doc, "source": p.source}))
                    .collect();
                let mut v = job.meta.clone();
                v["seconds"] = json!(seconds);
                v["indices"] = indices;
                v["params"] = json!(params);
                let title = format!(
                    "{}: {} of p(war), {} evaluations",
                    v["architecture"].as_str().unwrap_or(""),
                    v["method"].as_str().unwrap_or(""),
                    v["evaluations"]
                );
                // kept for reopening; a store error leaves the result in memory only
                let _ = super::keep(&st, "sensitivity", &title, &job.meta, &mut v);
                *job.result.lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                job.done.store(job.total, Ordering::Relaxed);
                job.set_status("done");
            }
            Ok(Err(None)) => job.set_status("cancelled"),
            Ok(Err(Some(e))) => {
                *job.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                job.set_status("failed");
            }
            Err(e) => {
                *job.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
                job.set_status("failed");
            }
        }
    });
    let mut answer = meta;
    answer["status"] = json!("queued");
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

fn job(state: &AppState, id: u64) -> ApiResult<Arc<SensJob>> {
    state
        .sens()
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no job {id}")))
}

/// `GET /api/sensitivity/{id}` (and `/api/compare/{id}`): status, progress (evaluations, or
/// runs) and, when done, the result.
pub(crate) async fn get_sensitivity(
    State(state): State<Arc<AppState>>,
    ApiPath(id): ApiPath<u64>,
) -> ApiResult {
    let j = job(&state, id)?;
    let mut v = j.meta.clone();
    v["status"] = json!(j.status());
    v["progress"] = json!({"done": j.done.load(Ordering::Relaxed), "total": j.total});
    if let Some(r) = j.result.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        v["result"] = r.clone();
    }
    if let Some(e) = j.error.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        v["error"] = json!(e);
    }
    Ok(Json(v))
}

/// `POST /api/sensitivity/{id}/cancel` (and `/api/compare/{id}/cancel`).
pub(crate) async fn cancel_sensitivity(
    State(state): State<Arc<AppState>>,
    ApiPath(id): ApiPath<u64>,
) -> ApiResult {
    let j = job(&state, id)?;
    let live = ["queued", "running"].contains(&j.status());
    if live {
        j.cancel.store(true, Ordering::Relaxed);
    }
    Ok(Json(
        json!({"id": id, "cancelling": live, "status": j.status()}),
    ))
}

// ---------- planner ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanBody {
    architecture: Option<String>,
    toml: Option<String>,
}

fn plan_err(e: PlanError) -> ApiError {
    match e {
        PlanError::Infeasible { ref conflicts } => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({"error": e.to_string(), "infeasible": true, "conflicts": conflicts}),
        },
        PlanError::Solver(_) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        other => ApiError::bad(other.to_string()),
    }
}

/// The mechanisms the architecture format knows (`[mechanisms.<name>]`).
fn known_mechanisms() -> Vec<String> {
    let schema = detente_arch::schema();
    let def = |v: &Value| -> Value {
        let r = v
            .get("$ref")
            .or_else(|| {
                v.get("allOf")
                    .and_then(|a| a.get(0))
                    .and_then(|a| a.get("$ref"))
            })
            .and_then(|r| r.as_str());
        match r {
            Some(r) => schema["definitions"][r.rsplit('/').next().unwrap_or("")].clone(),
            None => v.clone(),
        }
    };
    let mechs = def(&schema["properties"]["mechanisms"]);
    mechs["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn plan_text(name: &str, text: &str) -> ApiResult {
    let input = input_from_toml(text, name).map_err(plan_err)?;
    let p = plan(&input).map_err(plan_err)?;
    // Apply only to mechanisms the architecture format knows (a planner file may fund others),
    // so the applied architecture validates.
    let ok = known_mechanisms();
    let mut not_applied = Vec::new();
    let mut missions = input.missions.clone();
    for m in &mut missions {
        m.mechanisms.retain(|k| {
            let keep = ok.contains(k);
            if !keep {
                not_applied.push(json!({"mission": m.id, "mechanism": k,
                    "reason": "the architecture format has no such mechanism"}));
            }
            keep
        });
    }
    let applied = apply_plan(text, name, &missions, &p.coverage).map_err(plan_err)?;
    // The planned architecture is a new one: named after its source, so that its runs and
    // comparisons are not taken for the source's.
    let applied = match applied
        .parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_string))
    {
        Some(n) if !n.ends_with("-planned") => {
            super::with_name(&applied, &format!("{n}-planned")).unwrap_or(applied)
        }
        _ => applied,
    };
    Ok(Json(json!({
        "architecture": name,
        "objective": p.objective,
        "assignments": p.assignments,
        "coverage": p.coverage,
        "burden": p.burden,
        "actors": input.actors,
        "missions": input.missions,
        "params": input.params,
        "applied_toml": applied,
        "not_applied": not_applied,
    })))
}

fn plan_source(
    state: &AppState,
    toml: Option<String>,
    name: Option<String>,
) -> ApiResult<(String, String)> {
    match one_source(&name, &toml)? {
        Source::Text(t) => Ok(("<edited>".to_string(), t.to_string())),
        Source::Name(n) => {
            if let Some(b) = detente_arch::builtin(n) {
                return Ok((n.to_string(), b.toml.to_string()));
            }
            match state.store.get_architecture(n)? {
                Some(t) => Ok((n.to_string(), t)),
                None => Err(ApiError::not_found(format!(
                    "no built-in or saved architecture named `{n}`"
                ))),
            }
        }
    }
}

/// `POST /api/plan {architecture | toml}`.
pub(crate) async fn post_plan(
    State(state): State<Arc<AppState>>,
    body: Result<Json<PlanBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = body?;
    let (name, text) = plan_source(&state, b.toml, b.architecture)?;
    tokio::task::spawn_blocking(move || plan_text(&name, &text))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanQuery {
    architecture: Option<String>,
}

/// `GET /api/plan?architecture=NAME` (default: baseline).
pub(crate) async fn get_plan(
    State(state): State<Arc<AppState>>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> ApiResult {
    let name = q.architecture.unwrap_or_else(|| "baseline".to_string());
    let (name, text) = plan_source(&state, None, Some(name))?;
    tokio::task::spawn_blocking(move || plan_text(&name, &text))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

// ---------- in-place TOML edits ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchBody {
    toml: String,
    /// Dotted key path → new value (number, boolean or string).
    set: serde_json::Map<String, Value>,
}

/// Set the dotted keys of `set` in `text`, keeping comments, order and layout; a value keeps
/// the decoration (trailing comment) of the one it replaces, and a float stays a float.
pub fn patch_toml(text: &str, set: &serde_json::Map<String, Value>) -> Result<String, String> {
    use detente_limits::{MAX_KEY_PATH_BYTES, MAX_KEY_SEGMENTS, MAX_PATCH_KEYS};
    if set.len() > MAX_PATCH_KEYS {
        return Err(format!(
            "set: {} keys; allowed: at most {MAX_PATCH_KEYS} per request",
            set.len()
        ));
    }
    // Bound every key path before touching the document: a path of thousands of segments would
    // build (and print and drop, recursively) as many nested tables.
    for path in set.keys() {
        let segments = path.split('.').count();
        if path.len() > MAX_KEY_PATH_BYTES || segments > MAX_KEY_SEGMENTS {
            let shown: String = path.chars().take(60).collect();
            return Err(format!(
                "set: key `{shown}…` has {segments} segments and {} bytes; allowed: at most {MAX_KEY_SEGMENTS} segments and {MAX_KEY_PATH_BYTES} bytes",
                path.len()
            ));
        }
    }
    detente_limits::check_toml_keys(text).map_err(|(line, m)| format!("toml: line {line}: {m}"))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("the TOML does not parse: {}", e.message()))?;
    for (path, v) in set {
        let keys: Vec<&str> = path.split('.').collect();
        if keys.iter().any(|k| k.is_empty()) {
            return Err(format!("`{path}`: empty key"));
        }
        let (last, parents) = keys.split_last().expect("non-empty split");
        let mut t: &mut dyn toml_edit::TableLike = doc.as_table_mut();
        for k in parents {
            if t.get(k).is_none() {
                let mut nt = toml_edit::Table::new();
                nt.set_implicit(true);
                t.insert(k, toml_edit::Item::Table(nt));
            }
            t = t
                .get_mut(k)
                .and_then(|i| i.as_table_like_mut())
                .ok_or_else(|| format!("`{path}`: `{k}` is not a table"))?;
        }
        let old = t.get(last).and_then(|i| i.as_value());
        let new: toml_edit::Value = match v {
            Value::Bool(b) => (*b).into(),
            Value::String(s) => s.as_str().into(),
            Value::Number(n) => {
                // A whole-number field is written as an integer whatever was there before
                // (a rejected 12.5 corrected to 10 is `10`, not `10.0`); another number
                // keeps the old value's kind.
                let whole = n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|x| x.fract() == 0.0 && x.abs() < 9e15)
                        .map(|x| x as i64)
                });
                let was_float = matches!(old, Some(toml_edit::Value::Float(_)));
                match whole {
                    Some(i) if integer_field(&keys) => i.into(),
                    Some(i) if !was_float && n.is_i64() => i.into(),
                    _ => n
                        .as_f64()
                        .ok_or_else(|| format!("`{path}`: not a number"))?
                        .into(),
                }
            }
            Value::Null => {
                t.remove(last);
                continue;
            }
            _ => return Err(format!("`{path}`: only numbers, booleans and strings")),
        };
        match t.get_mut(last) {
            Some(toml_edit::Item::Value(old)) => {
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            _ => {
                t.insert(last, toml_edit::Item::Value(new));
            }
        }
    }
    Ok(doc.to_string())
}

/// Whether the architecture format's schema declares the field at `keys` a whole number.
fn integer_field(keys: &[&str]) -> bool {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let schema: &'static Value = SCHEMA.get_or_init(detente_arch::schema);
    // A `$ref` (or a lone `allOf` of one) stands for its definition.
    let def = |v: &'static Value| -> &'static Value {
        let r = v
            .get("$ref")
            .or_else(|| {
                v.get("allOf")
                    .and_then(|a| a.get(0))
                    .and_then(|a| a.get("$ref"))
            })
            .and_then(|r| r.as_str());
        match r {
            Some(r) => schema["definitions"]
                .get(r.rsplit('/').next().unwrap_or(""))
                .unwrap_or(v),
            None => v,
        }
    };
    let mut node = schema;
    for k in keys {
        let d = def(node);
        node = match d.get("properties").and_then(|p| p.get(*k)) {
            Some(n) => n,
            None => match d.get("additionalProperties") {
                Some(a) if a.is_object() => a,
                _ => return false,
            },
        };
    }
    match &def(node)["type"] {
        Value::String(t) => t == "integer",
        Value::Array(ts) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// `POST /api/patch {toml, set: {"a.b": value}}`: the edited text, validated (as `/api/validate`).
pub(crate) async fn patch(
    State(state): State<Arc<AppState>>,
    body: Result<Json<PatchBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = body?;
    let text = tokio::task::spawn_blocking(move || patch_toml(&b.toml, &b.set))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(ApiError::bad)?;
    super::validated(&state, text).await
}
