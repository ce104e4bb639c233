//! Decision-making under deep uncertainty in the browser: scenario discovery
//! (`POST /api/discover`), robustness across architectures (`POST /api/robust`) and lever
//! sweeps (`POST /api/sweep`). The
//! server only checks the request, bounds the work ([`detente_limits::MAX_SERVER_EXACT_EVALS`])
//! and calls the analysis library (`detente_analysis::discover::discover`,
//! `detente_analysis::robust::robust`, `detente_analysis::sweep::sweep`), whose typed reports it answers as JSON with the
//! library's own SVG figures beside them, so the page and the CLI draw the same charts.

use super::{resolve, ApiError, ApiResult, AppState};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use detente_analysis::cart::CartSettings;
use detente_analysis::discover::{discover, limits_svg, trajectory_svg, Condition, DiscoverSpec};
use detente_analysis::prim::{Objective, PrimSettings};
use detente_analysis::robust::{robust, robust_svg};
use detente_analysis::sensitivity::Problem;
use detente_analysis::sweep::{evaluations, grid, sweep, sweep_svg, text_with, Measure, SetSpec};
use detente_analysis::uncertainty::default_draw;
use detente_arch::Loaded;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// Exact evaluations a request asks for, against the server's bound: 413 naming `field`.
fn check_evals(state: &AppState, field: &str, evals: u64, what: &str) -> ApiResult<()> {
    let max = state.limits.max_exact_evals;
    if evals > max {
        return Err(ApiError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            field,
            format!(
                "{what} is {evals} exact evaluations; this server allows at most {max} per request: lower {field}, or use the command line (`detente discover`, `robust` or `sweep`)"
            ),
        ));
    }
    Ok(())
}

/// Run `f` on a blocking thread once a slot of the run semaphore is free.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> ApiResult<T> {
    let _permit = super::permit(&state.sem).await?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiscoverBody {
    architecture: Option<String>,
    toml: Option<String>,
    /// `OUTCOME OP NUMBER`, e.g. `p_war > 0.2`.
    when: String,
    /// Another architecture (by name) for `regret`.
    against: Option<String>,
    n: Option<usize>,
    seed: Option<u64>,
    params: Option<Vec<String>>,
    objective: Option<String>,
    threshold: Option<f64>,
    peel_alpha: Option<f64>,
    paste_alpha: Option<f64>,
    mass_min: Option<f64>,
    cart_depth: Option<usize>,
}

/// A setting's error names its field: the library's messages start with it.
fn setting_err(e: String) -> ApiError {
    let field = e.split([' ', ':']).next().unwrap_or("").to_string();
    ApiError::field(StatusCode::BAD_REQUEST, &field, e)
}

/// `POST /api/discover`: scenario discovery on the architecture, answered with the report
/// (`trajectory`, `chosen`, `cart`, …) and `figures` (`trajectory`, `limits`: SVG).
pub(crate) async fn post_discover(
    State(state): State<Arc<AppState>>,
    body: Result<Json<DiscoverBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = body?;
    let when = Condition::parse(&b.when)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "when", format!("when {e}")))?;
    let objective = match b.objective.as_deref().unwrap_or("lenient1") {
        "lenient1" => Objective::Lenient1,
        "lenient2" => Objective::Lenient2,
        "original" => Objective::Original,
        other => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "objective",
                format!("objective `{other}`: allowed: lenient1, lenient2, original"),
            ))
        }
    };
    let d = PrimSettings::default();
    let mass_min = b.mass_min.unwrap_or(d.mass_min);
    let problem = Problem::from_specs(b.params.as_deref())
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "params", format!("params: {e}")))?;
    let spec = DiscoverSpec {
        when,
        samples: b.n.unwrap_or(200),
        seed: b.seed.unwrap_or(1),
        problem,
        inputs: Vec::new(),
        prim: PrimSettings {
            objective,
            threshold: b.threshold.unwrap_or(d.threshold),
            peel_alpha: b.peel_alpha.unwrap_or(d.peel_alpha),
            paste_alpha: b.paste_alpha.unwrap_or(d.paste_alpha),
            mass_min,
        },
        cart: CartSettings {
            mass_min,
            max_depth: b.cart_depth.unwrap_or(CartSettings::default().max_depth),
        },
    };
    spec.check().map_err(setting_err)?;
    if spec.when.outcome == "regret" && b.against.is_none() {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "against",
            format!(
                "when `{}`: regret needs `against`, the architecture to compare with",
                spec.when
            ),
        ));
    }
    check_evals(
        &state,
        "n",
        spec.evaluations(b.against.is_some()),
        &format!("a discovery of {} samples", spec.samples),
    )?;
    let loaded: Loaded = super::tools::load_body(&state, &b.toml, &b.architecture).await?;
    super::check_horizon(&state, &loaded)?;
    let against = match &b.against {
        Some(a) => {
            let l = resolve(&state, a)?;
            super::check_horizon(&state, &l)?;
            Some(l.architecture.to_scenario())
        }
        None => None,
    };
    let found = blocking(&state, move || {
        let scenario = loaded.architecture.to_scenario();
        discover(
            &scenario,
            against.as_ref(),
            &spec,
            &|_| Err("the server samples no architecture inputs".into()),
            &|_| {},
        )
        .map_err(ApiError::bad)
    })
    .await?;
    let r = &found.report;
    let mut v = serde_json::to_value(r)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    v["figures"] = json!({"trajectory": trajectory_svg(r), "limits": limits_svg(r)});
    let title = format!("{}: {} ({} samples)", r.architecture, r.when, r.samples);
    super::keep(&state, "discover", &title, &json!({}), &mut v)?;
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RobustBody {
    architectures: Vec<String>,
    n: Option<usize>,
    seed: Option<u64>,
    target: Option<f64>,
    /// Draw from the plain prior instead of the plausible sets of history matching.
    #[serde(default)]
    prior: bool,
}

/// `POST /api/robust`: the architectures (built-in or saved, by name) evaluated exactly on
/// shared parameter draws, with the robustness table and `figure` (SVG).
pub(crate) async fn post_robust(
    State(state): State<Arc<AppState>>,
    body: Result<Json<RobustBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = body?;
    let max = state.limits.max_compare_archs;
    if b.architectures.len() < 2 || b.architectures.len() > max {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "architectures",
            format!(
                "architectures: {} named; allowed: 2 to {max}",
                b.architectures.len()
            ),
        ));
    }
    let n = b.n.unwrap_or(100);
    let seed = b.seed.unwrap_or(1);
    let target = b.target.unwrap_or(0.05);
    if n == 0 {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "n",
            "n 0: allowed: at least 1 draw",
        ));
    }
    if !(target.is_finite() && (0.0..=1.0).contains(&target)) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "target",
            format!("target {target}: allowed: a probability from 0 to 1"),
        ));
    }
    let evals = (n as u64).saturating_mul(b.architectures.len() as u64);
    check_evals(
        &state,
        "n",
        evals,
        &format!("{n} draws × {} architectures", b.architectures.len()),
    )?;
    let mut scenarios = Vec::new();
    for a in &b.architectures {
        let l = resolve(&state, a)?;
        super::check_horizon(&state, &l)?;
        scenarios.push(l.architecture.to_scenario());
    }
    let prior = b.prior;
    let report = blocking(&state, move || {
        let draw = default_draw(prior);
        robust(
            &scenarios,
            &draw,
            &draw.description,
            n,
            seed,
            target,
            &|_| {},
        )
        .map_err(ApiError::bad)
    })
    .await?;
    let mut v = serde_json::to_value(&report)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    v["parameter_source"] = json!(if prior { "prior" } else { "plausible" });
    v["figure"] = json!(robust_svg(&report));
    let names: Vec<&str> = report
        .architectures
        .iter()
        .map(|a| a.architecture.as_str())
        .collect();
    let title = format!("{} ({} draws)", names.join(" vs "), report.draws);
    super::keep(&state, "robust", &title, &json!({}), &mut v)?;
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepBody {
    architecture: Option<String>,
    toml: Option<String>,
    /// One or two `PATH=START:STOP:COUNT` (or `PATH=V1,V2,…`).
    set: Vec<String>,
    /// Parameter draws at each point (the 5–95 % band); none: the model's values only.
    uncertainty: Option<usize>,
    seed: Option<u64>,
}

/// `POST /api/sweep`: p(war) and cost of the architecture along one or two of its inputs,
/// each point exact (with `uncertainty`: on shared parameter draws), with `figures`
/// (`p_war`, `cost`: SVG).
pub(crate) async fn post_sweep(
    State(state): State<Arc<AppState>>,
    body: Result<Json<SweepBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = body?;
    let set_err = |e: String| ApiError::field(StatusCode::BAD_REQUEST, "set", format!("set {e}"));
    let sets = b
        .set
        .iter()
        .map(|s| SetSpec::parse(s, detente_limits::MAX_SWEEP_POINTS))
        .collect::<Result<Vec<_>, _>>()
        .map_err(set_err)?;
    let points = grid(&sets, b.uncertainty).map_err(|e| {
        let field = if e.starts_with("uncertainty") {
            "uncertainty"
        } else {
            "set"
        };
        ApiError::field(StatusCode::BAD_REQUEST, field, e)
    })?;
    let evals = evaluations(points.len(), b.uncertainty);
    check_evals(
        &state,
        if b.uncertainty.is_some() {
            "uncertainty"
        } else {
            "set"
        },
        evals,
        &format!(
            "a sweep of {} points{}",
            points.len(),
            b.uncertainty
                .map_or(String::new(), |n| format!(" × {n} draws"))
        ),
    )?;
    let loaded: Loaded = super::tools::load_body(&state, &b.toml, &b.architecture).await?;
    super::check_horizon(&state, &loaded)?;
    let seed = b.seed.unwrap_or(1);
    let draws = b.uncertainty;
    let report = blocking(&state, move || {
        // Every grid point's architecture is validated (by the library, before any
        // evaluation); an invalid one is answered with its diagnostics (422).
        let invalid = std::cell::RefCell::new(None);
        let scenario_at = |set: &[(&str, f64)]| {
            let (text, origin) = text_with(&loaded.source, &loaded.origin, set)?;
            detente_arch::load_str(&text, &origin)
                .map(|l| l.architecture.to_scenario())
                .map_err(|e| {
                    invalid.replace(Some(e));
                    format!("the architecture is invalid at {origin}")
                })
        };
        let name = loaded.architecture.name.clone();
        sweep(&name, sets, draws, seed, &scenario_at, &|_| {}).map_err(|e| match invalid.take() {
            Some(e) => super::load_err(e, None),
            None => set_err(e),
        })
    })
    .await?;
    let mut v = serde_json::to_value(&report)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    v["figures"] = json!({
        "p_war": sweep_svg(&report, Measure::PWar),
        "cost": sweep_svg(&report, Measure::Cost),
    });
    let paths: Vec<&str> = report.sets.iter().map(|s| s.path.as_str()).collect();
    let title = format!("{}: {}", report.architecture, paths.join(" × "));
    super::keep(&state, "sweep", &title, &json!({}), &mut v)?;
    Ok(Json(v))
}
