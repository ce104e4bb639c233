//! `detente serve`: a JSON API and an embedded web UI over the engine and the architecture
//! format, with an SQLite store of saved architectures and runs, and the HTML report.
//!
//! The server knows the engine only through its public API (`run_ensemble_streaming`, `compare`,
//! `Summary`, `PARAM_SPECS`); architectures come only from the built-ins or the store (never
//! from a path on the server's disk). Runs execute on blocking threads behind a semaphore.

pub mod dmdu;
pub mod report;
pub mod shard;
pub mod store;
pub mod summary;
pub mod tools;

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use detente_analysis::draws::across_draws;
use detente_analysis::uncertainty::{default_draw, Uncertainty};
use detente_arch::{Architecture, Diagnostic, LoadError, Loaded};
use detente_engine::{exact, run_ensemble_streaming, EnsembleOptions, ParamDraw};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use store::Store;
use tokio::sync::Semaphore;

pub const INDEX_HTML: &str = include_str!("../assets/index.html");
pub const APP_JS: &str = include_str!("../assets/app.js");
pub const STYLE_CSS: &str = include_str!("../assets/style.css");
pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");

/// The server's limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest ensemble of one run.
    pub max_runs: u64,
    /// Largest ensemble per architecture in a comparison or report.
    pub max_compare_runs: u64,
    /// Most architectures in one comparison.
    pub max_compare_archs: usize,
    /// Longest horizon in years.
    pub max_horizon_years: u32,
    /// Runs executing at once; the rest queue.
    pub in_flight: usize,
    /// Request body limit in bytes.
    pub body_bytes: usize,
    /// Most model evaluations (ensembles) in one sensitivity analysis.
    pub max_sensitivity_evals: u64,
    /// Most simulated runs in one sensitivity analysis (evaluations × runs per evaluation).
    pub max_sensitivity_runs: u64,
    /// Most exact evaluations of one discovery, robustness study or sweep.
    pub max_exact_evals: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_runs: 2_000_000,
            max_compare_runs: 500_000,
            max_compare_archs: 6,
            max_horizon_years: 50,
            in_flight: 2,
            body_bytes: 1 << 20,
            max_sensitivity_evals: 5_000,
            max_sensitivity_runs: 4_000_000,
            max_exact_evals: detente_limits::MAX_SERVER_EXACT_EVALS,
        }
    }
}

/// Validations of edited architecture text running at once; the rest wait their turn.
pub const VALIDATIONS_AT_ONCE: usize = 2;

/// A run under way or queued.
struct Live {
    total: u64,
    done: AtomicU64,
    cancel: AtomicBool,
    status: Mutex<&'static str>,
    /// p(war) of the runs done so far, with its interval: the summary streams.
    so_far: Mutex<Option<Value>>,
}

pub struct AppState {
    pub store: Store,
    pub token: Option<String>,
    pub limits: Limits,
    live: Mutex<HashMap<i64, Arc<Live>>>,
    sens: Mutex<HashMap<u64, Arc<tools::SensJob>>>,
    sens_next: AtomicU64,
    sem: Arc<Semaphore>,
    /// Validations of edited text at once (each may hold ~100 MB for a 1 MiB file).
    validate_sem: Arc<Semaphore>,
}

impl AppState {
    pub fn new(store: Store, token: Option<String>, limits: Limits) -> Arc<AppState> {
        let sem = Arc::new(Semaphore::new(limits.in_flight.max(1)));
        Arc::new(AppState {
            store,
            token,
            limits,
            live: Mutex::new(HashMap::new()),
            sens: Mutex::new(HashMap::new()),
            sens_next: AtomicU64::new(0),
            sem,
            validate_sem: Arc::new(Semaphore::new(VALIDATIONS_AT_ONCE)),
        })
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Live>>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sens(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<tools::SensJob>>> {
        self.sens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An error answered as JSON `{error, diagnostics?}`.
pub struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    fn new(status: StatusCode, msg: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({"error": msg.into()}),
        }
    }
    fn bad(msg: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, msg)
    }
    /// An error in one request field, named in the body's `field`.
    fn field(status: StatusCode, field: &str, msg: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({"error": msg.into(), "field": field}),
        }
    }
    fn not_found(msg: impl Into<String>) -> ApiError {
        Self::new(StatusCode::NOT_FOUND, msg)
    }
    fn invalid(diags: &[Diagnostic], toml: Option<&str>) -> ApiError {
        let capped = detente_limits::cap_list(diags, detente_limits::MAX_DIAGNOSTICS);
        let more = if capped.more > 0 {
            format!("; the first {} are listed", capped.shown.len())
        } else {
            String::new()
        };
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "ok": false,
                "error": format!("the architecture is invalid: {} problem(s){more}", diags.len()),
                "diagnostics": diags_json(capped.shown),
                "diagnostics_total": diags.len(),
                "diagnostics_not_listed": capped.more,
                "toml": toml,
            }),
        }
    }
}

impl IntoResponse for ApiError {
    /// Every error body has one shape: `ok: false`, `error` (a sentence), `diagnostics` (a
    /// list, empty unless the architecture is invalid) and, when one request field is at
    /// fault, `field` (its name).
    fn into_response(self) -> Response {
        let mut body = self.body;
        if let Value::Object(m) = &mut body {
            m.insert("ok".into(), Value::Bool(false));
            m.entry("diagnostics").or_insert_with(|| json!([]));
            m.entry("error")
                .or_insert_with(|| json!(self.status.canonical_reason().unwrap_or("error")));
        }
        (self.status, Json(body)).into_response()
    }
}

/// A request body's field that failed to deserialize, and a readable reason, from serde's
/// message (`runs: invalid value: integer `-5`, expected u64 at line 1 column 36`).
fn json_field_error(text: &str) -> Option<(String, String)> {
    let rest = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    let (field, why) = rest.split_once(": ")?;
    if field.is_empty()
        || !field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c))
    {
        return None;
    }
    let why = match why.rfind(" at line ") {
        Some(i) => &why[..i],
        None => why,
    };
    let mut why = why.to_string();
    for (rust, plain) in [
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("floating point", "number"),
    ] {
        why = why.replace(rust, plain);
    }
    Some((field.to_string(), format!("{field}: {why}")))
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(status, "request body too large: the limit is 1 MiB");
        }
        let text = r.body_text();
        match (&r, json_field_error(&text)) {
            (JsonRejection::JsonDataError(_), Some((field, msg))) => ApiError {
                status,
                body: json!({"error": msg, "field": field}),
            },
            _ => ApiError::new(status, text),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(r.status(), format!("path: {}", r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(r.status(), format!("query: {}", r.body_text()))
    }
}

/// `Path` whose rejection is answered as JSON like every other API error.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(t) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(ApiPath(t))
    }
}

/// `Query` whose rejection is answered as JSON like every other API error.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(t) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(t))
    }
}

/// The architecture a body names: exactly one of `architecture` (a name) and `toml` (text).
fn one_source<'a>(
    architecture: &'a Option<String>,
    toml: &'a Option<String>,
) -> ApiResult<Source<'a>> {
    match (architecture, toml) {
        (Some(_), Some(_)) => Err(ApiError::bad(
            "send either `architecture` (a name) or `toml` (the text), not both",
        )),
        (None, Some(t)) => Ok(Source::Text(t)),
        (Some(n), None) => Ok(Source::Name(n)),
        (None, None) => Err(ApiError::bad(
            "send `architecture` (a name) or `toml` (the text)",
        )),
    }
}

/// Where a request's architecture comes from.
enum Source<'a> {
    Name(&'a str),
    Text(&'a str),
}

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

fn diags_json(diags: &[Diagnostic]) -> Value {
    json!(diags
        .iter()
        .map(|d| json!({"file": d.file, "line": d.line, "column": d.column, "path": d.path, "message": d.message}))
        .collect::<Vec<_>>())
}

fn load_err(e: LoadError, toml: Option<&str>) -> ApiError {
    match e {
        LoadError::Invalid(d) => ApiError::invalid(&d, toml),
        other => ApiError::bad(other.to_string()),
    }
}

/// A built-in or saved architecture by name (never a path on the server's disk).
fn resolve(state: &AppState, name: &str) -> ApiResult<Loaded> {
    if let Some(b) = detente_arch::builtin(name) {
        return detente_arch::load_str(b.toml, &format!("<builtin:{}>", b.name))
            .map_err(|e| load_err(e, None));
    }
    match state.store.get_architecture(name)? {
        Some(text) => {
            let origin = format!("<saved:{name}>");
            let l = detente_arch::load_str(&text, &origin).map_err(|e| load_err(e, Some(&text)))?;
            if l.name == name {
                return Ok(l);
            }
            // Saved before saving renamed: called by the name it was saved under.
            let renamed = with_name(&text, name).map_err(ApiError::bad)?;
            detente_arch::load_str(&renamed, &origin).map_err(|e| load_err(e, Some(&renamed)))
        }
        None => Err(ApiError::not_found(format!(
            "no built-in or saved architecture named `{name}`"
        ))),
    }
}

/// `text` with its top-level `name` set to `name`, comments and layout kept.
pub(crate) fn with_name(text: &str, name: &str) -> Result<String, String> {
    let mut set = serde_json::Map::new();
    set.insert("name".into(), json!(name));
    tools::patch_toml(text, &set)
}

fn check_horizon(state: &AppState, l: &Loaded) -> ApiResult<()> {
    let h = l.architecture.horizon_years;
    if h > state.limits.max_horizon_years {
        return Err(ApiError::bad(format!(
            "horizon_years = {h} exceeds this server's limit of {} years",
            state.limits.max_horizon_years
        )));
    }
    Ok(())
}

fn check_runs(runs: u64, max: u64) -> ApiResult<()> {
    if runs == 0 {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "runs",
            "runs must be at least 1",
        ));
    }
    if runs > max {
        return Err(ApiError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "runs",
            format!("{runs} runs exceeds this server's limit of {max} runs per request; use the CLI for larger ensembles"),
        ));
    }
    Ok(())
}

/// The router. Tests call it with `tower::ServiceExt::oneshot`.
pub fn app(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/architectures", get(list_architectures))
        .route(
            "/architectures/{name}",
            get(get_architecture)
                .put(put_architecture)
                .delete(delete_architecture),
        )
        .route("/schema", get(|| async { Json(detente_arch::schema()) }))
        .route("/params", get(params))
        .route("/validate", post(validate))
        .route("/runs", post(start_run).get(list_runs))
        .route("/runs/{id}", get(get_run).delete(delete_run))
        .route("/runs/{id}/cancel", post(cancel_run))
        .route("/runs/{id}/export", get(export_run))
        .route("/compare", post(compare_handler))
        .route("/compare/{id}", get(tools::get_sensitivity))
        .route("/compare/{id}/cancel", post(tools::cancel_sensitivity))
        .route("/report", get(report_handler))
        .route("/sensitivity", post(tools::start_sensitivity))
        .route("/sensitivity/{id}", get(tools::get_sensitivity))
        .route("/sensitivity/{id}/cancel", post(tools::cancel_sensitivity))
        .route("/plan", get(tools::get_plan).post(tools::post_plan))
        .route("/patch", post(tools::patch))
        .route("/discover", post(dmdu::post_discover))
        .route("/robust", post(dmdu::post_robust))
        .route("/sweep", post(dmdu::post_sweep))
        .route("/results", get(list_results))
        .route("/results/{id}", get(get_result).delete(delete_result))
        .fallback(|| async { ApiError::not_found("no such API endpoint; see /api/openapi.json") })
        .route_layer(middleware::from_fn_with_state(state.clone(), auth));
    let body_bytes = state.limits.body_bytes;
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    INDEX_HTML,
                )
            }),
        )
        .route(
            "/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    APP_JS,
                )
            }),
        )
        .route(
            "/style.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    STYLE_CSS,
                )
            }),
        )
        .route(
            "/api/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON) }),
        )
        .nest("/api", api)
        .layer(DefaultBodyLimit::max(body_bytes))
        .with_state(state)
}

/// Bearer-token check for the API when the server has a token.
async fn auth(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let ok = given.len() == token.len()
            && given
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                == 0;
        if !ok {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or wrong bearer token (Authorization: Bearer TOKEN)",
            )
            .into_response();
        }
    }
    next.run(req).await
}

async fn params() -> Json<Value> {
    Json(json!(detente_engine::PARAM_SPECS
        .iter()
        .map(|p| json!({"name": p.name, "default": p.default, "unit": p.unit, "low": p.low, "high": p.high, "source": p.source, "doc": p.doc}))
        .collect::<Vec<_>>()))
}

async fn list_architectures(State(state): State<Arc<AppState>>) -> ApiResult {
    let builtins: Vec<Value> = detente_arch::BUILTINS
        .iter()
        .map(|b| json!({"name": b.name, "summary": b.summary, "builtin": true}))
        .collect();
    let saved: Vec<Value> = state
        .store
        .list_architectures()?
        .into_iter()
        .map(|(name, at)| json!({"name": name, "saved_at": at, "builtin": false}))
        .collect();
    Ok(Json(json!({"builtins": builtins, "saved": saved})))
}

async fn get_architecture(
    State(state): State<Arc<AppState>>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult {
    let builtin = detente_arch::builtin(&name).is_some();
    let l = resolve(&state, &name)?;
    Ok(Json(
        json!({"name": name, "builtin": builtin, "toml": l.source, "architecture": l.architecture}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBody {
    toml: String,
}

async fn put_architecture(
    State(state): State<Arc<AppState>>,
    ApiPath(name): ApiPath<String>,
    body: Result<Json<TomlBody>, JsonRejection>,
) -> ApiResult {
    let Json(body) = body?;
    if detente_arch::builtin(&name).is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("`{name}` is a built-in; save under another name"),
        ));
    }
    if name.is_empty()
        || name.len() > 100
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_. ".contains(c))
    {
        return Err(ApiError::bad(
            "name: 1 to 100 letters, digits, spaces, `-`, `_` or `.`",
        ));
    }
    let origin = format!("<saved:{name}>");
    let mut l = load_text(&state, body.toml, &origin).await?;
    // Saved under a name, the architecture is called by it: results, comparisons and
    // reports then name it so, and never as the built-in it was copied from.
    if l.name != name {
        let text = with_name(&l.source, &name).map_err(ApiError::bad)?;
        l = load_text(&state, text, &origin).await?;
    }
    state.store.put_architecture(&name, &l.source)?;
    Ok(Json(
        json!({"ok": true, "name": name, "architecture": l.architecture.name, "saved": true}),
    ))
}

async fn delete_architecture(
    State(state): State<Arc<AppState>>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult {
    if state.store.delete_architecture(&name)? {
        Ok(Json(json!({"deleted": name})))
    } else {
        Err(ApiError::not_found(format!(
            "no saved architecture named `{name}`"
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateBody {
    toml: Option<String>,
    architecture: Option<Value>,
}

/// Validate TOML text, or an architecture as JSON (the form), answering both forms.
async fn validate(
    State(state): State<Arc<AppState>>,
    body: Result<Json<ValidateBody>, JsonRejection>,
) -> ApiResult {
    let Json(body) = body?;
    let text = match (body.toml, body.architecture) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad(
                "send either {\"toml\": TEXT} or {\"architecture\": OBJECT}, not both",
            ))
        }
        (Some(t), None) => t,
        (None, Some(v)) => {
            let arch: Architecture = serde_json::from_value(v)
                .map_err(|e| ApiError::bad(format!("architecture: {e}")))?;
            toml::to_string(&arch).map_err(|e| ApiError::bad(format!("architecture: {e}")))?
        }
        (None, None) => {
            return Err(ApiError::bad(
                "send {\"toml\": TEXT} or {\"architecture\": OBJECT}",
            ))
        }
    };
    validated(&state, text).await
}

/// Validate edited text, answering as `/api/validate`.
pub(crate) async fn validated(state: &AppState, text: String) -> ApiResult {
    let l = load_text(state, text, "<edited>").await?;
    Ok(Json(
        json!({"ok": true, "diagnostics": [], "toml": l.source, "architecture": l.architecture}),
    ))
}

/// A slot of `sem` (runs, or validations), held until dropped.
pub(crate) async fn permit(sem: &Arc<Semaphore>) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
    sem.clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::bad("server shutting down"))
}

/// Load architecture text from a request (`origin` names it in diagnostics) on a blocking
/// thread, so that a large file does not hold up the async workers that answer every other
/// request, and at most [`VALIDATIONS_AT_ONCE`] at a time, so that memory stays bounded.
pub(crate) async fn load_text(state: &AppState, text: String, origin: &str) -> ApiResult<Loaded> {
    let _permit = permit(&state.validate_sem).await?;
    let origin = origin.to_string();
    tokio::task::spawn_blocking(move || {
        detente_arch::load_str(&text, &origin).map_err(|e| load_err(e, Some(&text)))
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    architecture: Option<String>,
    toml: Option<String>,
    runs: Option<u64>,
    seed: Option<u64>,
    #[serde(default)]
    uncertainty: bool,
    /// With `uncertainty`: draw from the plain prior instead of the plausible sets of
    /// history matching (the default, as the CLI's `--prior`).
    #[serde(default)]
    prior: bool,
    runs_per_draw: Option<u64>,
    /// "monte_carlo" (the default) or "exact".
    method: Option<String>,
}

/// Whether a request asks for exact results: `method` is "exact" or "monte_carlo" (default).
fn wants_exact(method: &Option<String>) -> ApiResult<bool> {
    match method.as_deref() {
        None | Some("monte_carlo") => Ok(false),
        Some("exact") => Ok(true),
        Some(other) => Err(ApiError::bad(format!(
            "method `{other}`: allowed: monte_carlo, exact"
        ))),
    }
}

/// Runs per parameter draw when a request asks for parameter uncertainty and names none.
pub const DEFAULT_RUNS_PER_DRAW: u64 = 200;

/// Where a request's parameter draws come from: "plausible" (the plausible sets of history
/// matching, the default, as the CLI's) or "prior" (`"prior": true`, which needs
/// `"uncertainty": true`); `None` without parameter uncertainty.
fn draw_source(uncertainty: bool, prior: bool) -> ApiResult<Option<&'static str>> {
    match (uncertainty, prior) {
        (false, true) => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "prior",
            "prior needs \"uncertainty\": true",
        )),
        (false, false) => Ok(None),
        (true, true) => Ok(Some("prior")),
        (true, false) => Ok(Some("plausible")),
    }
}

/// `Some(runs per draw)` when the request asks for parameter uncertainty, checked against `runs`.
fn check_draws(uncertainty: bool, runs_per_draw: Option<u64>, runs: u64) -> ApiResult<Option<u64>> {
    if !uncertainty {
        if runs_per_draw.is_some() {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "runs_per_draw",
                "runs_per_draw needs \"uncertainty\": true",
            ));
        }
        return Ok(None);
    }
    let n = runs_per_draw.unwrap_or(DEFAULT_RUNS_PER_DRAW);
    if n == 0 || n > runs {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "runs_per_draw",
            format!("runs_per_draw = {n}: allowed: 1 to runs ({runs})"),
        ));
    }
    Ok(Some(n))
}

/// The engine's options and the parameter draw for `runs_per_draw` (`None`: Monte Carlo
/// only), from the plausible sets unless `source` is "prior".
fn ensemble_setup(
    runs: u64,
    seed: u64,
    runs_per_draw: Option<u64>,
    source: Option<&str>,
) -> (EnsembleOptions, Option<Uncertainty>) {
    let options = EnsembleOptions {
        runs_per_draw: runs_per_draw.unwrap_or(1),
        ..EnsembleOptions::new(runs, seed)
    };
    let draw = runs_per_draw.map(|_| default_draw(source == Some("prior")));
    (options, draw)
}

/// The label of a summary's intervals.
fn interval_label(runs_per_draw: Option<u64>, exact: bool) -> &'static str {
    match (runs_per_draw.is_some(), exact) {
        (true, false) => summary::WITH_PARAMETER_UNCERTAINTY,
        (false, false) => summary::MONTE_CARLO_ONLY,
        (true, true) => summary::EXACT_WITH_PARAMETER_UNCERTAINTY,
        (false, true) => summary::EXACT,
    }
}

async fn start_run(
    State(state): State<Arc<AppState>>,
    body: Result<Json<RunBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let Json(body) = body?;
    let runs = body.runs.unwrap_or(10_000);
    let seed = body.seed.unwrap_or(1);
    check_runs(runs, state.limits.max_runs)?;
    let runs_per_draw = check_draws(body.uncertainty, body.runs_per_draw, runs)?;
    let source = draw_source(body.uncertainty, body.prior)?;
    let exact = wants_exact(&body.method)?;
    let loaded = match one_source(&body.architecture, &body.toml)? {
        Source::Text(t) => load_text(&state, t.to_string(), "<edited>").await?,
        Source::Name(name) => resolve(&state, name)?,
    };
    check_horizon(&state, &loaded)?;
    let id = state.store.insert_run_with_draws(
        &loaded.name,
        &loaded.source,
        seed,
        runs,
        runs_per_draw,
    )?;
    let live = Arc::new(Live {
        total: runs,
        done: AtomicU64::new(0),
        cancel: AtomicBool::new(false),
        status: Mutex::new("queued"),
        so_far: Mutex::new(None),
    });
    state.live().insert(id, live.clone());
    let st = state.clone();
    tokio::spawn(async move {
        let permit = st.sem.clone().acquire_owned().await;
        let set = |s: &'static str| *live.status.lock().unwrap_or_else(|e| e.into_inner()) = s;
        if live.cancel.load(Ordering::Relaxed) || permit.is_err() {
            set("cancelled");
            let _ = st.store.finish_run(id, "cancelled", None, 0);
            st.live().remove(&id);
            return;
        }
        set("running");
        let _ = st.store.set_status(id, "running");
        let start = Instant::now();
        let l2 = live.clone();
        let name = loaded.name.clone();
        let res = tokio::task::spawn_blocking(move || {
            let scenario = loaded.architecture.to_scenario();
            let label = interval_label(runs_per_draw, exact);
            let (options, draw) = ensemble_setup(runs, seed, runs_per_draw, source);
            let draw_ref = draw.as_ref().map(|d| d as &dyn ParamDraw);
            // With parameter draws: the first draws, each exact, for the fan and histogram,
            // and where the draws come from.
            let spread = |v: &mut Value| {
                shard::with_parameter_source(v, source);
                if let Some(d) = &draw {
                    let k = options.runs.div_ceil(options.runs_per_draw.max(1));
                    let a = across_draws(&scenario, d, k, seed, detente_limits::MAX_FAN_DRAWS);
                    summary::with_draw_figures(v, &a);
                }
            };
            if exact {
                let draws = draw_ref.map(|d| exact::Draws::like(&options, d));
                let e = exact::evaluate_with(&scenario, draws);
                l2.done.store(runs, Ordering::Relaxed);
                let mut v = summary::summary_json(&name, &e, seed, label);
                spread(&mut v);
                return Ok(v);
            }
            // A cancelled run keeps the estimate of the runs it has done: the summary of
            // the first runs, in order, as a run of that many would give.
            let partial = Mutex::new(None);
            let progress = |so_far: &detente_engine::Summary| {
                l2.done.store(so_far.runs, Ordering::Relaxed);
                let p = so_far.p_war();
                *l2.so_far.lock().unwrap_or_else(|e| e.into_inner()) = Some(
                    json!({"runs": so_far.runs, "p_war": p.value, "p_war_ci": [p.low, p.high]}),
                );
                let go_on = !l2.cancel.load(Ordering::Relaxed);
                if !go_on && so_far.runs > 0 {
                    let mut v = summary::summary_json(&name, so_far, seed, label);
                    shard::with_parameter_source(&mut v, source);
                    *partial.lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                }
                go_on
            };
            run_ensemble_streaming(&scenario, options, draw_ref, &progress, None)
                .map(|s| {
                    let mut v = summary::summary_json(&name, &s, seed, label);
                    spread(&mut v);
                    v
                })
                .map_err(|_| partial.into_inner().unwrap_or_else(|e| e.into_inner()))
        })
        .await;
        let ms = start.elapsed().as_millis() as i64;
        let (status, summary) = match res {
            Ok(Ok(s)) => ("done", Some(s)),
            Ok(Err(partial)) => ("cancelled", partial),
            Err(_) => ("failed", None),
        };
        let _ = st.store.finish_run(id, status, summary.as_ref(), ms);
        set(status);
        drop(permit);
        st.live().remove(&id);
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "id": id,
            "status": "queued",
            "runs": runs,
            "seed": seed,
            "uncertainty": runs_per_draw.is_some(),
            "parameter_source": source,
            "runs_per_draw": runs_per_draw,
            "method": if exact { "exact" } else { "monte_carlo" },
        })),
    ))
}

async fn get_run(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    let live = state.live().get(&id).cloned();
    let row = state
        .store
        .get_run(id)?
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))?;
    let mut v = row.to_json(true);
    match live {
        Some(l) if row.finished_at.is_none() => {
            v["status"] = json!(*l.status.lock().unwrap_or_else(|e| e.into_inner()));
            v["progress"] = json!({"done": l.done.load(Ordering::Relaxed), "total": l.total});
            if let Some(so_far) = l.so_far.lock().unwrap_or_else(|e| e.into_inner()).clone() {
                v["so_far"] = so_far;
            }
        }
        _ => {
            // A cancelled run may keep the summary of the runs it did.
            let done = match &row.summary {
                Some(_) if row.status == "done" => row.runs,
                Some(s) => s["runs"].as_u64().unwrap_or(0),
                None => 0,
            };
            v["progress"] = json!({"done": done, "total": row.runs});
        }
    }
    Ok(Json(v))
}

async fn cancel_run(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    match state.live().get(&id) {
        Some(l) => {
            l.cancel.store(true, Ordering::Relaxed);
            Ok(Json(json!({"id": id, "cancelling": true})))
        }
        None => match state.store.get_run(id)? {
            Some(r) => Ok(Json(
                json!({"id": id, "cancelling": false, "status": r.status}),
            )),
            None => Err(ApiError::not_found(format!("no run {id}"))),
        },
    }
}

async fn list_runs(State(state): State<Arc<AppState>>) -> ApiResult {
    let rows = state.store.list_runs(200)?;
    Ok(Json(
        json!({"runs": rows.iter().map(|r| r.to_json(false)).collect::<Vec<_>>()}),
    ))
}

/// Keep a finished study in the store, its id in the answer (`result_id`).
pub(crate) fn keep(
    state: &AppState,
    kind: &str,
    title: &str,
    request: &Value,
    result: &mut Value,
) -> ApiResult<()> {
    let id = state.store.insert_result(kind, title, request, result)?;
    result["result_id"] = json!(id);
    Ok(())
}

/// `GET /api/results`: the latest kept studies, newest first (without their results).
async fn list_results(State(state): State<Arc<AppState>>) -> ApiResult {
    Ok(Json(json!({"results": state.store.list_results(200)?})))
}

/// `GET /api/results/{id}`: a kept study with its request and result.
async fn get_result(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    state
        .store
        .get_result(id)?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no saved result {id}")))
}

async fn delete_result(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    if state.store.delete_result(id)? {
        Ok(Json(json!({"deleted": id})))
    } else {
        Err(ApiError::not_found(format!("no saved result {id}")))
    }
}

async fn delete_run(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<i64>) -> ApiResult {
    if let Some(l) = state.live().get(&id) {
        l.cancel.store(true, Ordering::Relaxed);
    }
    if state.store.delete_run(id)? {
        Ok(Json(json!({"deleted": id})))
    } else {
        Err(ApiError::not_found(format!("no run {id}")))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    format: Option<String>,
}

async fn export_run(
    State(state): State<Arc<AppState>>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let row = state
        .store
        .get_run(id)?
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))?;
    let Some(summary) = &row.summary else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("run {id} has no result ({})", row.status),
        ));
    };
    let fmt = q.format.as_deref().unwrap_or("json");
    let (ctype, body) = match fmt {
        "json" => (
            "application/json",
            serde_json::to_string_pretty(&row.to_json(true)).unwrap_or_default(),
        ),
        "csv" => ("text/csv; charset=utf-8", summary::summary_csv(summary)),
        other => return Err(ApiError::bad(format!("format={other}: allowed: json, csv"))),
    };
    let disp = format!("attachment; filename=\"detente-run-{id}.{fmt}\"");
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, disp),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareBody {
    architectures: Vec<String>,
    runs: Option<u64>,
    seed: Option<u64>,
    #[serde(default)]
    uncertainty: bool,
    /// With `uncertainty`: draw from the plain prior instead of the plausible sets.
    #[serde(default)]
    prior: bool,
    runs_per_draw: Option<u64>,
    /// "monte_carlo" (the default) or "exact".
    method: Option<String>,
    /// Answer 202 with a job to follow and cancel instead of waiting for the result.
    #[serde(default)]
    job: bool,
}

/// The architectures of a comparison: 1 to the server's limit, each built in or saved, each
/// horizon within bounds.
fn check_archs(state: &AppState, names: &[String]) -> ApiResult<Vec<Loaded>> {
    if names.is_empty() || names.len() > state.limits.max_compare_archs {
        return Err(ApiError::bad(format!(
            "name 1 to {} architectures",
            state.limits.max_compare_archs
        )));
    }
    let mut loaded = Vec::new();
    for n in names {
        let l = resolve(state, n)?;
        check_horizon(state, &l)?;
        loaded.push(l);
    }
    Ok(loaded)
}

/// Evaluate the named architectures; `figures`: with parameter draws, also each one's fan and
/// histogram across draws (the report's; the page's comparison goes without); `job` follows
/// the runs done and may cancel.
async fn run_comparison(
    state: &Arc<AppState>,
    ask: &CompareAsk,
    figures: bool,
    job: Option<Arc<tools::SensJob>>,
) -> ApiResult<report::ReportData> {
    let (runs, seed, runs_per_draw, exact) = (ask.runs, ask.seed, ask.runs_per_draw, ask.exact);
    let source = ask.source;
    check_runs(runs, state.limits.max_compare_runs)?;
    let loaded = check_archs(state, &ask.names)?;
    let _permit = permit(&state.sem).await?;
    if let Some(j) = &job {
        if j.cancel.load(Ordering::Relaxed) {
            return Err(ApiError::bad("cancelled"));
        }
        j.set_status("running");
    }
    tokio::task::spawn_blocking(move || {
        let (options, draw) = ensemble_setup(runs, seed, runs_per_draw, source);
        let draw_ref = draw.as_ref().map(|d| d as &dyn ParamDraw);
        let label = interval_label(runs_per_draw, exact);
        let mut data = if exact {
            let draws = draw_ref.map(|d| exact::Draws::like(&options, d));
            report::exact_report_with(&loaded, draws, label)
        } else {
            report::run_report_with(&loaded, options, draw_ref, label, &|done| {
                job.as_ref().is_none_or(|j| {
                    j.done.store(done, Ordering::Relaxed);
                    !j.cancel.load(Ordering::Relaxed)
                })
            })?
        };
        for v in data.summaries.iter_mut() {
            shard::with_parameter_source(v, source);
        }
        // With parameter draws: each architecture's first draws, exact, for the fan and histogram.
        if let Some(d) = draw.as_ref().filter(|_| figures) {
            let k = options.runs.div_ceil(options.runs_per_draw.max(1));
            for (l, v) in loaded.iter().zip(data.summaries.iter_mut()) {
                let scenario = l.architecture.to_scenario();
                let a = across_draws(&scenario, d, k, seed, detente_limits::MAX_FAN_DRAWS);
                summary::with_draw_figures(v, &a);
            }
        }
        Ok::<_, detente_engine::Cancelled>(data)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|_| ApiError::bad("cancelled"))
}

/// A comparison asked for, checked.
struct CompareAsk {
    names: Vec<String>,
    runs: u64,
    seed: u64,
    runs_per_draw: Option<u64>,
    /// Where the parameter draws come from ("plausible" or "prior"), with uncertainty.
    source: Option<&'static str>,
    exact: bool,
}

impl CompareAsk {
    fn method(&self) -> &'static str {
        if self.exact {
            "exact"
        } else {
            "monte_carlo"
        }
    }

    /// Run it (reporting to `job`, which may cancel it) and keep it in the store: the answer.
    async fn answer(
        &self,
        state: &Arc<AppState>,
        job: Option<Arc<tools::SensJob>>,
    ) -> ApiResult<Value> {
        let start = Instant::now();
        let data = run_comparison(state, self, false, job).await?;
        let diffs: Vec<Value> = data
            .diffs
            .iter()
            .zip(&data.diff_across_draws)
            .map(|(d, x)| {
                json!({
                    "value": d.0,
                    "ci": [d.1, d.2],
                    "diff_across_draws": x.as_ref().map(|x| json!({
                        "draws": x.draws,
                        "median": x.median,
                        "interval": [x.low, x.high],
                        "share_of_draws_safer_than_first": x.share_safer,
                    })),
                })
            })
            .collect();
        let method = self.method();
        let mut answer = json!({
            "method": method,
            "runs": self.runs,
            "seed": self.seed,
            "parameter_uncertainty": self.runs_per_draw.is_some(),
            "parameter_source": self.source,
            "runs_per_draw": self.runs_per_draw,
            "baseline": self.names[0],
            "results": data.summaries,
            "diff_vs_first": diffs,
            "elapsed_ms": start.elapsed().as_millis() as u64,
        });
        let title = format!("{} ({method})", self.names.join(" vs "));
        keep(state, "compare", &title, &self.request(), &mut answer)?;
        Ok(answer)
    }

    fn request(&self) -> Value {
        json!({
            "architectures": self.names,
            "runs": self.runs,
            "seed": self.seed,
            "uncertainty": self.runs_per_draw.is_some(),
            "prior": self.source == Some("prior"),
            "runs_per_draw": self.runs_per_draw,
            "method": self.method(),
        })
    }
}

/// `POST /api/compare`: the comparison when done; with `"job": true`, 202 and a job to follow
/// (`GET /api/compare/{id}`: progress in runs, the comparison when done) or cancel.
async fn compare_handler(
    State(state): State<Arc<AppState>>,
    body: Result<Json<CompareBody>, JsonRejection>,
) -> ApiResult<Response> {
    let Json(body) = body?;
    let runs = body.runs.unwrap_or(10_000);
    let seed = body.seed.unwrap_or(1);
    check_runs(runs, state.limits.max_compare_runs)?;
    let ask = CompareAsk {
        runs_per_draw: check_draws(body.uncertainty, body.runs_per_draw, runs)?,
        source: draw_source(body.uncertainty, body.prior)?,
        exact: wants_exact(&body.method)?,
        names: body.architectures,
        runs,
        seed,
    };
    if !body.job {
        return Ok(Json(ask.answer(&state, None).await?).into_response());
    }
    // checked before the job starts, so that a bad request is answered at once
    check_archs(&state, &ask.names)?;
    let (id, job) = tools::new_job(&state, runs, ask.request());
    let st = state.clone();
    let j = job.clone();
    tokio::spawn(async move {
        match ask.answer(&st, Some(j.clone())).await {
            Ok(v) => {
                *j.result.lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                j.done.store(j.total, Ordering::Relaxed);
                j.set_status("done");
            }
            Err(_) if j.cancel.load(Ordering::Relaxed) => j.set_status("cancelled"),
            Err(e) => {
                *j.error.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(e.body["error"].as_str().unwrap_or("failed").to_string());
                j.set_status("failed");
            }
        }
    });
    let mut v = job.meta.clone();
    v["id"] = json!(id);
    v["status"] = json!("queued");
    v["progress"] = json!({"done": 0, "total": runs});
    Ok((StatusCode::ACCEPTED, Json(v)).into_response())
}

/// `GET /api/report?arch=A&arch=B&runs=N&seed=S`: the HTML report as a download.
async fn report_handler(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let mut names = Vec::new();
    let mut runs = 20_000u64;
    let mut seed = 1u64;
    let mut uncertainty = false;
    let mut prior = false;
    let mut runs_per_draw = None;
    for pair in q.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "arch" => names.push(v),
            "runs" => {
                runs = v
                    .parse()
                    .map_err(|_| ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "runs",
                        format!("runs={v}: not a whole number"),
                    ))?
            }
            "seed" => {
                seed = v
                    .parse()
                    .map_err(|_| ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "seed",
                        format!("seed={v}: not a whole number"),
                    ))?
            }
            "uncertainty" => {
                uncertainty = match v.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(ApiError::bad(format!(
                            "uncertainty={v}: allowed: true or false"
                        )))
                    }
                }
            }
            "prior" => {
                prior = match v.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(ApiError::field(
                            StatusCode::BAD_REQUEST,
                            "prior",
                            format!("prior={v}: allowed: true or false"),
                        ))
                    }
                }
            }
            "runs_per_draw" => {
                runs_per_draw =
                    Some(v.parse().map_err(|_| {
                        ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "runs_per_draw",
                        format!("runs_per_draw={v}: not a whole number"),
                    )
                    })?)
            }
            other => {
                return Err(ApiError::bad(format!(
                    "unknown query parameter `{other}`; allowed: arch, runs, seed, uncertainty, prior, runs_per_draw"
                )))
            }
        }
    }
    if names.is_empty() {
        return Err(ApiError::bad(
            "arch is required: name one to six architectures (arch=baseline&arch=two-pronged)",
        ));
    }
    let runs_per_draw = check_draws(uncertainty, runs_per_draw, runs)?;
    let ask = CompareAsk {
        names: names.clone(),
        runs,
        seed,
        runs_per_draw,
        source: draw_source(uncertainty, prior)?,
        exact: false,
    };
    let data = run_comparison(&state, &ask, true, None).await?;
    // A saved architecture is known to this server only: the command names it as a file,
    // and the report carries the file's text.
    let mut files = Vec::new();
    let mut args = Vec::new();
    for n in &names {
        if detente_arch::builtin(n).is_some() {
            args.push(n.clone());
        } else {
            let file = format!("{n}.toml");
            files.push((file.clone(), resolve(&state, n)?.source));
            args.push(file);
        }
    }
    let mut command = report::reproduce_command(&args, runs, seed, runs_per_draw, "report.html");
    if ask.source == Some("prior") {
        command = command.replace(" --out ", " --prior --out ");
    }
    let html = report::report_html_with_files(&data, runs, seed, &command, &files);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "text/html; charset=utf-8".parse().expect("static header"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        "attachment; filename=\"detente-report.html\""
            .parse()
            .expect("static header"),
    );
    Ok((headers, Body::from(html)).into_response())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A bearer token is long enough to resist guessing: at least
/// [`detente_limits::MIN_TOKEN_CHARS`] characters, printable ASCII, not one character repeated.
pub fn check_token(token: &str) -> Result<(), String> {
    let min = detente_limits::MIN_TOKEN_CHARS;
    if token.chars().count() < min {
        return Err(format!(
            "the token is {} characters; allowed: at least {min} (e.g. `openssl rand -hex 16`)",
            token.chars().count()
        ));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token must be printable ASCII without spaces".into());
    }
    let first = token.as_bytes()[0];
    if token.bytes().all(|b| b == first) {
        return Err(
            "the token is one character repeated; use a random one (e.g. `openssl rand -hex 16`)"
                .into(),
        );
    }
    Ok(())
}

/// Serve on `addr` with the store at `db_path`. Bound to a non-loopback address, a token is required.
pub async fn serve(
    addr: SocketAddr,
    db_path: &std::path::Path,
    token: Option<String>,
) -> Result<(), String> {
    if !addr.ip().is_loopback() && token.as_deref().unwrap_or("").is_empty() {
        return Err(format!(
            "--addr {addr} is not a loopback address: set a bearer token with --token or DETENTE_TOKEN"
        ));
    }
    if let Some(t) = token.as_deref() {
        check_token(t)?;
    }
    let store = Store::open(db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let state = AppState::new(store, token.filter(|t| !t.is_empty()), Limits::default());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("bind {addr}: {e}"))?;
    eprintln!(
        "detente: serving the workbench on http://{addr}/ (store: {})",
        db_path.display()
    );
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
