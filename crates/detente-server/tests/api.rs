//! API tests against the router, without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente_server::{app, store::Store, AppState, Limits};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    AppState::new(Store::in_memory().expect("store"), None, Limits::default())
}

async fn call(
    state: &Arc<AppState>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = app(state.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

async fn call_json(
    state: &Arc<AppState>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (s, b) = call(state, method, uri, body).await;
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|_| panic!("not JSON ({s}): {}", String::from_utf8_lossy(&b)));
    (s, v)
}

async fn wait_done(state: &Arc<AppState>, id: i64) -> Value {
    for _ in 0..600 {
        let (s, v) = call_json(state, "GET", &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::OK);
        if !["queued", "running"].contains(&v["status"].as_str().unwrap()) {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("run {id} did not finish");
}

#[tokio::test]
async fn lists_builtin_architectures() {
    let st = state();
    let (s, v) = call_json(&st, "GET", "/api/architectures", None).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = v["builtins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"baseline"), "{names:?}");
    let (s, v) = call_json(&st, "GET", "/api/architectures/baseline", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["toml"].as_str().unwrap().contains("name"));
    assert_eq!(v["architecture"]["name"], "baseline");
    let (s, _) = call_json(&st, "GET", "/api/architectures/nope", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn validate_reports_line_and_column() {
    let st = state();
    let good = detente_arch::builtin("baseline").unwrap().toml;
    let (s, v) = call_json(&st, "POST", "/api/validate", Some(json!({"toml": good}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // An out-of-range value on a known line.
    let bad = good.replacen(
        "[mechanisms.hotline]\nenabled",
        "[mechanisms.hotline]\nstrength_x = 1\nenabled",
        1,
    );
    let bad = if bad == good {
        format!("{good}\nhorizon_years = 999\n")
    } else {
        bad
    };
    let (s, v) = call_json(&st, "POST", "/api/validate", Some(json!({"toml": bad}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let d = &v["diagnostics"][0];
    assert!(d["line"].as_u64().unwrap() > 1, "{d}");
    assert!(d["column"].as_u64().unwrap() >= 1, "{d}");
    assert!(!d["message"].as_str().unwrap().is_empty());
    // Broken syntax.
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"toml": "name = \"x\"\nhorizon_years = [\n"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["diagnostics"][0]["line"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn form_json_round_trips_and_field_errors_have_paths() {
    let st = state();
    let (_, v) = call_json(&st, "GET", "/api/architectures/baseline", None).await;
    let mut arch = v["architecture"].clone();
    let (s, r) = call_json(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"architecture": arch.clone()})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    arch["mechanisms"]["hotline"]["strength"] = json!(1.7);
    let (s, r) = call_json(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"architecture": arch})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r["diagnostics"][0]["path"], "mechanisms.hotline.strength",
        "{r}"
    );
}

#[tokio::test]
async fn save_list_and_delete_architecture() {
    let st = state();
    let text = detente_arch::builtin("two-pronged").unwrap().toml;
    let (s, v) = call_json(
        &st,
        "PUT",
        "/api/architectures/mine",
        Some(json!({"toml": text})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = call_json(&st, "GET", "/api/architectures", None).await;
    assert_eq!(v["saved"][0]["name"], "mine");
    let (s, _) = call_json(
        &st,
        "PUT",
        "/api/architectures/mine",
        Some(json!({"toml": "horizon_years = 0"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = call_json(
        &st,
        "PUT",
        "/api/architectures/baseline",
        Some(json!({"toml": text})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = call_json(&st, "DELETE", "/api/architectures/mine", None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call_json(&st, "GET", "/api/architectures/mine", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_baseline_export_and_delete() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 2000, "seed": 7})),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let done = wait_done(&st, id).await;
    assert_eq!(done["status"], "done", "{done}");
    let p = done["summary"]["p_war"].as_f64().unwrap();
    let ci = &done["summary"]["p_war_ci"];
    assert!((0.0..=1.0).contains(&p));
    assert!(ci[0].as_f64().unwrap() <= p && p <= ci[1].as_f64().unwrap());
    assert_eq!(done["progress"]["done"], 2000);
    let (_, list) = call_json(&st, "GET", "/api/runs", None).await;
    assert_eq!(list["runs"][0]["id"], id);
    let (s, csv) = call(
        &st,
        "GET",
        &format!("/api/runs/{id}/export?format=csv"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("metric,key,value,low,high\n"), "{csv}");
    assert!(csv.contains("\np_war,,"), "{csv}");
    let (s, j) = call_json(
        &st,
        "GET",
        &format!("/api/runs/{id}/export?format=json"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(j["summary"]["p_war"].as_f64().unwrap(), p);
    // Same seed, same numbers.
    let (_, v2) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 2000, "seed": 7})),
    )
    .await;
    let again = wait_done(&st, v2["id"].as_i64().unwrap()).await;
    assert_eq!(again["summary"]["p_war"].as_f64().unwrap(), p);
    let (s, _) = call_json(&st, "DELETE", &format!("/api/runs/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call_json(&st, "GET", &format!("/api/runs/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_a_large_run() {
    let st = state();
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 2_000_000})),
    )
    .await;
    let id = v["id"].as_i64().unwrap();
    // The summary streams: while the run is under way, p(war) of the runs done so far.
    let mut seen = None;
    for _ in 0..200 {
        let (_, r) = call_json(&st, "GET", &format!("/api/runs/{id}"), None).await;
        if r["so_far"]["runs"].as_u64().unwrap_or(0) > 0 {
            seen = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let r = seen.expect("a partial summary while running");
    let p = r["so_far"]["p_war"].as_f64().unwrap();
    let ci = &r["so_far"]["p_war_ci"];
    assert!(
        ci[0].as_f64().unwrap() <= p && p <= ci[1].as_f64().unwrap(),
        "{r}"
    );
    let (s, _) = call_json(&st, "POST", &format!("/api/runs/{id}/cancel"), None).await;
    assert_eq!(s, StatusCode::OK);
    let done = wait_done(&st, id).await;
    assert_eq!(done["status"], "cancelled", "{done}");
    // The runs done are not thrown away: the partial estimate is kept with the run.
    let kept = done["summary"]["runs"].as_u64().expect("a partial summary");
    assert!(kept > 0 && kept < 2_000_000, "{kept}");
    assert_eq!(done["progress"]["done"], kept);
    let p = done["summary"]["p_war"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    let (_, list) = call_json(&st, "GET", "/api/runs", None).await;
    assert_eq!(list["runs"][0]["p_war"], done["summary"]["p_war"]);
    let (s, _) = call(
        &st,
        "GET",
        &format!("/api/runs/{id}/export?format=csv"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn bad_run_options_name_the_field_in_one_error_shape() {
    let st = state();
    for (body, field) in [
        (json!({"architecture": "baseline", "runs": -5}), "runs"),
        (json!({"architecture": "baseline", "runs": 1000.5}), "runs"),
        (json!({"architecture": "baseline", "runs": 0}), "runs"),
        (json!({"architecture": "baseline", "seed": -1}), "seed"),
        (
            json!({"architecture": "baseline", "runs": 100, "uncertainty": true, "runs_per_draw": 200}),
            "runs_per_draw",
        ),
    ] {
        let (s, v) = call_json(&st, "POST", "/api/runs", Some(body.clone())).await;
        assert!(s.is_client_error(), "{body}: {s}");
        assert_eq!(v["ok"], false, "{v}");
        assert_eq!(v["field"], field, "{body}: {v}");
        assert_eq!(v["diagnostics"], json!([]), "{v}");
        let msg = v["error"].as_str().unwrap();
        assert!(msg.starts_with(field), "{msg}");
        assert!(!msg.contains("u64") && !msg.contains("at line"), "{msg}");
    }
    let (s, v) = call_json(&st, "GET", "/api/report?arch=baseline&seed=-1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "seed", "{v}");
    // Every other error has the same shape: a not-found, an invalid architecture.
    let (_, v) = call_json(&st, "GET", "/api/runs/999", None).await;
    assert_eq!(
        (v["ok"].clone(), v["diagnostics"].clone()),
        (json!(false), json!([]))
    );
    assert!(v["error"].is_string());
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"toml": "horizon_years = 0"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!v["diagnostics"].as_array().unwrap().is_empty());
    assert!(v["error"].is_string());
}

#[tokio::test]
async fn a_corrected_whole_number_is_written_as_an_integer() {
    let st = state();
    let text = detente_arch::builtin("baseline").unwrap().toml;
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": text, "set": {"horizon_years": 12.5}})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["diagnostics"][0]["path"], "horizon_years", "{v}");
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": v["toml"], "set": {"horizon_years": 10}})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let toml = v["toml"].as_str().unwrap();
    assert!(
        toml.contains("\nhorizon_years = 10\n") || toml.contains("\nhorizon_years = 10 "),
        "{toml}"
    );
    assert_eq!(v["architecture"]["horizon_years"], 10);
    // A whole number in a fractional field keeps the field's kind.
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": text, "set": {"mechanisms.hotline.strength": 1}})),
    )
    .await;
    assert!(
        v["toml"].as_str().unwrap().contains("strength = 1.0"),
        "{v}"
    );
    // Forward forces are counts (a nested whole-number field): a whole float is written as
    // an integer, a fraction is kept and refused at its field.
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": text, "set": {"mechanisms.forward_forces.heavy": 3.0}})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["toml"].as_str().unwrap().contains("\nheavy = 3\n"), "{v}");
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": text, "set": {"mechanisms.forward_forces.heavy": 2.5}})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["diagnostics"][0]["path"], "mechanisms.forward_forces.heavy",
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_and_planned_architectures_are_called_by_their_own_names() {
    let st = state();
    let text = detente_arch::builtin("baseline").unwrap().toml;
    let (s, v) = call_json(
        &st,
        "PUT",
        "/api/architectures/baseline-dialogue",
        Some(json!({"toml": text})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["architecture"], "baseline-dialogue");
    let (_, v) = call_json(&st, "GET", "/api/architectures/baseline-dialogue", None).await;
    let saved = v["toml"].as_str().unwrap();
    assert!(saved.contains("name = \"baseline-dialogue\""), "{saved}");
    assert!(
        saved.starts_with("# detente architecture: baseline"),
        "comments kept"
    );
    // Saved before this rule: still called by the name it was saved under.
    st.store.put_architecture("legacy", text).unwrap();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/compare",
        Some(json!({"architectures": ["baseline", "baseline-dialogue", "legacy"], "method": "exact"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let names: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["architecture"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "baseline-dialogue", "legacy"]);
    // The report's command names the saved architecture as a file, and carries its text.
    let (s, b) = call(
        &st,
        "GET",
        "/api/report?arch=baseline&arch=baseline-dialogue&runs=500",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(b).unwrap();
    assert!(
        html.contains("detente report baseline baseline-dialogue.toml --runs 500"),
        "reproduce command"
    );
    assert!(html.contains("name = &quot;baseline-dialogue&quot;"));
    assert!(html.contains("name=viewport"));
    // A run of a saved architecture is listed under its name.
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "legacy", "runs": 100, "method": "exact"})),
    )
    .await;
    let done = wait_done(&st, v["id"].as_i64().unwrap()).await;
    assert_eq!(done["architecture"], "legacy");
    // The planned architecture is named after its source.
    let (s, v) = call_json(&st, "POST", "/api/plan", Some(json!({"toml": text}))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["applied_toml"]
        .as_str()
        .unwrap()
        .contains("name = \"baseline-planned\""));
}

#[tokio::test]
async fn limits_are_enforced() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 2_000_001})),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(v["error"].as_str().unwrap().contains("limit"), "{v}");
    let big = "x".repeat(2 << 20);
    let (s, v) = call_json(&st, "POST", "/api/validate", Some(json!({"toml": big}))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(v["error"].as_str().unwrap().contains("too large"));
    let (s, _) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 0})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_and_report() {
    let st = state();
    let body = json!({"architectures": ["baseline", "two-pronged"], "runs": 2000, "seed": 3});
    let (s, v) = call_json(&st, "POST", "/api/compare", Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["results"].as_array().unwrap().len(), 2);
    assert_eq!(v["diff_vs_first"][0]["value"], 0.0);
    let d = &v["diff_vs_first"][1];
    assert!(d["ci"][0].as_f64().unwrap() <= d["value"].as_f64().unwrap());
    let (s, html) = call(
        &st,
        "GET",
        "/api/report?arch=baseline&arch=two-pronged&runs=1000&seed=3",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<svg") && html.contains("--seed 3"));
    assert!(
        !html.contains("http://")
            || html
                .matches("http://")
                .all(|_| html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );
    assert!(!html.contains("<script") && !html.contains("https://"));
    assert!(!html.contains("Across what we do not know"));

    // With parameter uncertainty the report says how often each option is safer.
    let (s, html) = call(
        &st,
        "GET",
        "/api/report?arch=baseline&arch=two-pronged&runs=1000&seed=3&uncertainty=true&runs_per_draw=100",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("Across what we do not know"),
        "no robustness section"
    );
    assert!(html.contains("--uncertainty --runs-per-draw 100"));
    let (s, _) = call(
        &st,
        "GET",
        "/api/report?arch=baseline&runs=1000&runs_per_draw=100",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn openapi_and_ui_are_served() {
    let st = state();
    let (s, v) = call_json(&st, "GET", "/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert!(v["paths"]["/runs/{id}"].is_object());
    for path in [
        "/sensitivity",
        "/sensitivity/{id}",
        "/sensitivity/{id}/cancel",
        "/plan",
        "/patch",
    ] {
        assert!(
            v["paths"][path].is_object(),
            "{path} missing from openapi.json"
        );
    }
    for schema in ["RunRequest", "CompareRequest"] {
        for field in ["uncertainty", "runs_per_draw"] {
            assert!(
                v["components"]["schemas"][schema]["properties"][field].is_object(),
                "{schema}.{field} missing from openapi.json"
            );
        }
    }
    let s = &v["components"]["schemas"];
    assert!(s["Summary"]["properties"]["parameter_uncertainty"].is_object());
    assert!(
        s["Comparison"]["properties"]["diff_vs_first"]["items"]["properties"]["diff_across_draws"]
            .is_object()
    );
    let (s, html) = call(&st, "GET", "/", None).await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("/app.js") && !html.contains("https://"));
    let (s, _) = call(&st, "GET", "/app.js", None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn token_is_required_when_set() {
    let st = AppState::new(
        Store::in_memory().unwrap(),
        Some("s3cret".into()),
        Limits::default(),
    );
    let (s, _) = call_json(&st, "GET", "/api/architectures", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let req = Request::get("/api/architectures")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    let resp = app(st.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[test]
fn store_survives_reopen() {
    let dir = std::env::temp_dir().join(format!("detente-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.sqlite");
    let _ = std::fs::remove_file(&db);
    {
        let s = Store::open(&db).unwrap();
        s.put_architecture("a", "name = 'a'").unwrap();
        let id = s.insert_run("a", "t", 1, 10).unwrap();
        s.set_status(id, "running").unwrap();
    }
    let s = Store::open(&db).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    assert_eq!(
        s.get_architecture("a").unwrap().as_deref(),
        Some("name = 'a'")
    );
    assert_eq!(s.list_runs(10).unwrap()[0].status, "interrupted");
    let _ = std::fs::remove_dir_all(&dir);
}

async fn wait_sensitivity(state: &Arc<AppState>, id: u64) -> Value {
    for _ in 0..1200 {
        let (s, v) = call_json(state, "GET", &format!("/api/sensitivity/{id}"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if !["queued", "running"].contains(&v["status"].as_str().unwrap()) {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("sensitivity job {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn morris_and_sobol_sensitivity_jobs() {
    let st = state();
    let params = ["nuclear_shadow", "misperception_sd", "preemption_threshold"];
    let body = json!({"architecture": "baseline", "method": "morris", "n": 2, "runs": 200, "seed": 5, "params": params});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["evaluations"], 2 * (3 + 1));
    let done = wait_sensitivity(&st, v["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["progress"]["done"], done["progress"]["total"]);
    let idx = done["result"]["indices"].as_array().unwrap();
    assert_eq!(idx.len(), 3);
    for i in idx {
        assert!(i["mu_star"].as_f64().unwrap() >= 0.0, "{i}");
        assert!(i["sigma"].as_f64().unwrap() >= 0.0, "{i}");
        assert!(i["mu_star_conf"].is_number(), "{i}");
    }
    let p = &done["result"]["params"][0];
    assert!(p["unit"].is_string() && p["doc"].is_string(), "{p}");

    // Sobol, from TOML text, with two parameters and n a power of two.
    let toml = detente_arch::builtin("baseline").unwrap().toml;
    let body =
        json!({"toml": toml, "method": "sobol", "n": 4, "runs": 100, "params": &params[..2]});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let done = wait_sensitivity(&st, v["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    let idx = done["result"]["indices"].as_array().unwrap();
    assert_eq!(idx.len(), 2);
    assert!(
        idx[0]["S1"].is_number() && idx[0]["ST_conf"].is_number(),
        "{idx:?}"
    );
}

#[tokio::test]
async fn sensitivity_limits_and_errors() {
    let st = state();
    // 95 parameters × 100 trajectories × 100,000 runs: far above the limit.
    let body = json!({"architecture": "baseline", "method": "morris", "n": 100, "runs": 100000});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(v["error"].as_str().unwrap().contains("at most"), "{v}");
    let body = json!({"architecture": "baseline", "method": "sobol", "n": 3, "runs": 10});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"].as_str().unwrap().contains("power of two"));
    let body = json!({"architecture": "baseline", "method": "fast"});
    let (s, _) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let body = json!({"architecture": "baseline", "params": ["nope"]});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("nope"));
    let (s, _) = call_json(&st, "GET", "/api/sensitivity/999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitivity_job_can_be_cancelled() {
    let st = state();
    // Long enough to cancel, within the server's limit of 4,000,000 model runs.
    let body = json!({"architecture": "baseline", "method": "morris", "n": 30, "runs": 1000});
    let (s, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_u64().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (s, v) = call_json(&st, "POST", &format!("/api/sensitivity/{id}/cancel"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let done = wait_sensitivity(&st, id).await;
    assert_eq!(done["status"], "cancelled", "{done}");
}

#[tokio::test]
async fn plan_for_builtin_and_text_and_infeasible() {
    let st = state();
    let (s, v) = call_json(&st, "GET", "/api/plan?architecture=baseline", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["objective"].as_f64().unwrap() > 0.0);
    let burden = v["burden"].as_array().unwrap();
    assert!(!burden.is_empty());
    let share: f64 = burden
        .iter()
        .map(|b| b["burden_share"].as_f64().unwrap())
        .sum();
    assert!((share - 1.0).abs() < 1e-6, "{share}");
    for b in burden {
        assert!(b["capability_share"].is_number() && b["vulnerability"].is_number());
    }
    assert!(v["assignments"].as_object().unwrap().len() == burden.len());
    // The applied architecture keeps the comments and is valid.
    let applied = v["applied_toml"].as_str().unwrap();
    assert!(applied.starts_with("# detente architecture: baseline"));
    let (s, _) = call_json(&st, "POST", "/api/validate", Some(json!({"toml": applied}))).await;
    assert_eq!(s, StatusCode::OK);

    // POST with text; an instance that cannot be covered is infeasible, naming constraints.
    let toml = detente_arch::builtin("baseline").unwrap().toml;
    let (s, v2) = call_json(&st, "POST", "/api/plan", Some(json!({"toml": toml}))).await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(v2["objective"], v["objective"]);
    let tight =
        format!("{toml}\n[planner]\nbudget_fraction = 0.0001\ndeployable_fraction = 0.0001\n");
    let (s, v) = call_json(&st, "POST", "/api/plan", Some(json!({"toml": tight}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["infeasible"], true);
    assert!(v["error"].as_str().unwrap().contains("infeasible"));
    assert!(!v["conflicts"].as_array().unwrap().is_empty());
    let (s, _) = call_json(&st, "GET", "/api/plan?architecture=nope", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/plan",
        Some(json!({"toml": "name = 'x'\n"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn form_patch_keeps_comments() {
    let st = state();
    let toml = detente_arch::builtin("baseline").unwrap().toml;
    let set = json!({"mechanisms.hotline.strength": 0.8, "horizon_years": 12, "mechanisms.hotline.enabled": false});
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": toml, "set": set})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let out = v["toml"].as_str().unwrap();
    assert!(
        out.starts_with("# detente architecture: baseline\n"),
        "{out}"
    );
    assert!(out.contains("# ---- Actors (brief, elements 1-2)"));
    assert!(
        out.contains("strength = 0.8      # only the White House-Kremlin line (seed 003)"),
        "{out}"
    );
    assert!(out.contains("horizon_years = 12"));
    assert_eq!(v["architecture"]["mechanisms"]["hotline"]["strength"], 0.8);
    assert_eq!(v["architecture"]["mechanisms"]["hotline"]["enabled"], false);
    // Only the patched lines change.
    let changed = toml
        .lines()
        .zip(out.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 3);
    assert_eq!(toml.lines().count(), out.lines().count());
    // An invalid value answers 422 with the patched text and a located diagnostic.
    let set = json!({"mechanisms.hotline.strength": 1.7});
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": toml, "set": set})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["toml"]
        .as_str()
        .unwrap()
        .contains("strength = 1.7      # only"));
    assert_eq!(v["diagnostics"][0]["path"], "mechanisms.hotline.strength");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_with_parameter_uncertainty() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 2000, "seed": 7, "uncertainty": true, "runs_per_draw": 200})),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["uncertainty"], true);
    assert_eq!(v["runs_per_draw"], 200);
    let id = v["id"].as_i64().unwrap();
    let done = wait_done(&st, id).await;
    assert_eq!(done["status"], "done", "{done}");
    let pu = &done["summary"]["parameter_uncertainty"];
    assert_eq!(pu["draws"], 2000 / 200, "{pu}");
    let (lo, med, hi) = (
        pu["p_war_interval"][0].as_f64().unwrap(),
        pu["p_war_median"].as_f64().unwrap(),
        pu["p_war_interval"][1].as_f64().unwrap(),
    );
    assert!(lo <= med && med <= hi, "{pu}");
    assert!(done["summary"]["interval"]
        .as_str()
        .unwrap()
        .starts_with("Monte Carlo + parameter uncertainty"));
    // The run remembers the option: reopened and in the list.
    assert_eq!(done["uncertainty"], true);
    assert_eq!(done["runs_per_draw"], 200);
    let (_, list) = call_json(&st, "GET", "/api/runs", None).await;
    assert_eq!(list["runs"][0]["runs_per_draw"], 200);
    // Default runs per draw is 200; without the option, no spread and the Monte Carlo label.
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 1000, "uncertainty": true})),
    )
    .await;
    assert_eq!(v["runs_per_draw"], 200);
    let done = wait_done(&st, v["id"].as_i64().unwrap()).await;
    assert_eq!(done["summary"]["parameter_uncertainty"]["draws"], 5);
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 1000})),
    )
    .await;
    let done = wait_done(&st, v["id"].as_i64().unwrap()).await;
    assert!(done["summary"]["parameter_uncertainty"].is_null());
    assert_eq!(done["uncertainty"], false);
    assert!(done["runs_per_draw"].is_null());
    assert_eq!(
        done["summary"]["interval"],
        detente_server::summary::MONTE_CARLO_ONLY
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uncertainty_draws_from_the_plausible_sets_unless_the_prior_is_asked_for() {
    let st = state();
    let mut medians = Vec::new();
    for (extra, source) in [(json!({}), "plausible"), (json!({"prior": true}), "prior")] {
        let mut body = json!({"architecture": "baseline", "runs": 4000, "seed": 5,
            "uncertainty": true, "runs_per_draw": 200, "method": "exact"});
        if let Some(o) = extra.as_object() {
            for (k, v) in o {
                body[k] = v.clone();
            }
        }
        let (s, v) = call_json(&st, "POST", "/api/runs", Some(body)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        assert_eq!(v["parameter_source"], source);
        let done = wait_done(&st, v["id"].as_i64().unwrap()).await;
        let pu = &done["summary"]["parameter_uncertainty"];
        assert_eq!(pu["source"], source, "{pu}");
        medians.push(pu["p_war_median"].as_f64().unwrap());
    }
    // the same seed, other draws: the plausible sets are not the prior
    assert_ne!(medians[0], medians[1]);
    // a comparison and a robustness study say where their draws come from too
    let body = json!({"architectures": ["baseline", "break-the-ice"], "runs": 2000,
        "uncertainty": true, "runs_per_draw": 200, "method": "exact"});
    let (s, v) = call_json(&st, "POST", "/api/compare", Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["parameter_source"], "plausible");
    assert_eq!(
        v["results"][1]["parameter_uncertainty"]["source"],
        "plausible"
    );
    let body = json!({"architectures": ["baseline", "break-the-ice"], "n": 4});
    let (s, v) = call_json(&st, "POST", "/api/robust", Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["parameter_source"], "plausible");
    // the prior without parameter uncertainty is refused, naming the field
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 100, "prior": true})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["field"], "prior", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_with_parameter_uncertainty() {
    let st = state();
    let body = json!({"architectures": ["baseline", "two-pronged"], "runs": 2000, "seed": 3,
        "uncertainty": true, "runs_per_draw": 100});
    let (s, v) = call_json(&st, "POST", "/api/compare", Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["parameter_uncertainty"], true);
    assert_eq!(v["runs_per_draw"], 100);
    let x = &v["diff_vs_first"][1]["diff_across_draws"];
    assert_eq!(x["draws"], 20, "{x}");
    let share = x["share_of_draws_safer_than_first"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    let (lo, med, hi) = (
        x["interval"][0].as_f64().unwrap(),
        x["median"].as_f64().unwrap(),
        x["interval"][1].as_f64().unwrap(),
    );
    assert!(lo <= med && med <= hi, "{x}");
    assert_eq!(v["results"][1]["parameter_uncertainty"]["draws"], 20);
    assert!(v["results"][0]["interval"]
        .as_str()
        .unwrap()
        .starts_with("Monte Carlo + parameter uncertainty"));
    // Without the option: no spread across draws.
    let body = json!({"architectures": ["baseline", "two-pronged"], "runs": 500});
    let (s, v) = call_json(&st, "POST", "/api/compare", Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["diff_vs_first"][1]["diff_across_draws"].is_null());
    assert_eq!(v["parameter_uncertainty"], false);
}

#[tokio::test]
async fn bad_runs_per_draw_is_a_400() {
    let st = state();
    for (path, body) in [
        (
            "/api/runs",
            json!({"architecture": "baseline", "runs": 1000, "uncertainty": true, "runs_per_draw": 0}),
        ),
        (
            "/api/runs",
            json!({"architecture": "baseline", "runs": 1000, "uncertainty": true, "runs_per_draw": 1001}),
        ),
        (
            "/api/runs",
            json!({"architecture": "baseline", "runs": 1000, "runs_per_draw": 10}),
        ),
        (
            "/api/compare",
            json!({"architectures": ["baseline", "two-pronged"], "runs": 1000, "uncertainty": true, "runs_per_draw": 0}),
        ),
        (
            "/api/compare",
            json!({"architectures": ["baseline", "two-pronged"], "runs": 100, "uncertainty": true}),
        ),
    ] {
        let (s, v) = call_json(&st, "POST", path, Some(body.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} -> {v}");
        assert!(
            v["error"].as_str().unwrap().contains("runs_per_draw"),
            "{v}"
        );
    }
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 1000, "uncertainty": "yes"})),
    )
    .await;
    assert!(s.is_client_error(), "{v}");
}

#[test]
fn store_migrates_a_version_1_database() {
    let dir = std::env::temp_dir().join(format!("detente-store-v1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.sqlite");
    let _ = std::fs::remove_file(&db);
    {
        // A database as version 1 left it, with one finished run.
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, '0');
             CREATE TABLE architectures (name TEXT PRIMARY KEY, toml TEXT NOT NULL, saved_at TEXT NOT NULL);
             CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, architecture TEXT NOT NULL,
               toml TEXT NOT NULL, seed INTEGER NOT NULL, runs INTEGER NOT NULL, status TEXT NOT NULL,
               summary_json TEXT, started_at TEXT NOT NULL, finished_at TEXT, elapsed_ms INTEGER);
             INSERT INTO runs (architecture, toml, seed, runs, status, started_at)
               VALUES ('a', 't', 1, 10, 'done', '0');",
        )
        .unwrap();
    }
    let s = Store::open(&db).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    // version 3 keeps studies
    let rid = s
        .insert_result("sweep", "t", &json!({}), &json!({"points": []}))
        .unwrap();
    assert_eq!(
        s.get_result(rid).unwrap().unwrap()["result"]["points"],
        json!([])
    );
    let old = &s.list_runs(10).unwrap()[0];
    assert_eq!(old.runs_per_draw, None);
    assert_eq!(old.to_json(false)["uncertainty"], false);
    let id = s
        .insert_run_with_draws("a", "t", 1, 1000, Some(50))
        .unwrap();
    drop(s);
    let s = Store::open(&db).unwrap();
    assert_eq!(s.get_run(id).unwrap().unwrap().runs_per_draw, Some(50));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exact_runs_and_comparisons() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "method": "exact"})),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["method"], "exact");
    let done = wait_done(&st, v["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    let sum = &done["summary"];
    assert_eq!(sum["method"], "exact");
    let p = sum["p_war"].as_f64().unwrap();
    assert_eq!(sum["p_war_ci"], json!([p, p]));
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/compare",
        Some(json!({"architectures": ["baseline", "combined"], "method": "exact"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["method"], "exact");
    assert_eq!(v["results"][0]["p_war"].as_f64(), Some(p));
    let d = &v["diff_vs_first"][1];
    let want = v["results"][1]["p_war"].as_f64().unwrap() - p;
    assert!((d["value"].as_f64().unwrap() - want).abs() < 1e-15, "{d}");
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/compare",
        Some(json!({"architectures": ["baseline", "combined"], "method": "approximate"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

/// Every key of `v` (an object) is a property of the OpenAPI schema `schema`.
fn documented(v: &Value, schema: &Value, what: &str) {
    let props = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: no properties in openapi.json"));
    for k in v.as_object().expect("an object").keys() {
        assert!(
            props.contains_key(k),
            "{what}.{k} missing from openapi.json"
        );
    }
}

#[tokio::test]
async fn discover_answers_the_library_report_with_its_figures() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/discover",
        Some(json!({"architecture": "baseline", "when": "p_war > 0.2", "n": 40, "threshold": 0.6})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["samples"], 40);
    assert_eq!(v["points"], 40);
    assert_eq!(v["threshold"], 0.6);
    assert_eq!(v["objective"], "lenient1");
    let traj = v["trajectory"].as_array().unwrap();
    assert!(traj.len() >= 2, "PRIM peeled: {}", traj.len());
    // the trajectory starts with the whole sample and its density never falls from box to box
    // by peeling alone, and the box kept is its last
    assert_eq!(traj[0]["mass"], 1.0);
    let k = v["cases_of_interest"].as_u64().unwrap();
    assert!((traj[0]["density"].as_f64().unwrap() - k as f64 / 40.0).abs() < 1e-12);
    if v["meets_threshold"] == true {
        assert_eq!(&v["chosen"], traj.last().unwrap());
    }
    for f in ["trajectory", "limits"] {
        let svg = v["figures"][f].as_str().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("PRIM"), "{f}");
    }
    // the same request gives the same answer (seeded), apart from the time taken
    let (_, mut again) = call_json(
        &st,
        "POST",
        "/api/discover",
        Some(json!({"toml": detente_arch::builtin("baseline").unwrap().toml, "when": "p_war > 0.2", "n": 40, "threshold": 0.6})),
    )
    .await;
    let mut v2 = v.clone();
    v2["seconds"] = json!(0);
    again["seconds"] = json!(0);
    // each is kept under its own id
    assert_ne!(v2["result_id"], again["result_id"]);
    v2["result_id"] = json!(0);
    again["result_id"] = json!(0);
    assert_eq!(v2, again);
    // documented in openapi.json
    let (_, api) = call_json(&st, "GET", "/api/openapi.json", None).await;
    let schemas = &api["components"]["schemas"];
    documented(&v, &schemas["Discovery"], "Discovery");
    documented(
        &traj[0],
        &schemas["Discovery"]["properties"]["trajectory"]["items"],
        "Discovery.trajectory",
    );
    documented(
        &v["cart"],
        &schemas["Discovery"]["properties"]["cart"],
        "Discovery.cart",
    );
    assert!(api["paths"]["/discover"]["post"].is_object());
}

#[tokio::test]
async fn discover_names_the_field_at_fault() {
    let st = state();
    let bad = |body: Value, status: StatusCode, field: &'static str, says: &'static str| {
        let st = st.clone();
        async move {
            let (s, v) = call_json(&st, "POST", "/api/discover", Some(body)).await;
            assert_eq!(s, status, "{v}");
            assert_eq!(v["ok"], false);
            assert_eq!(v["field"], field, "{v}");
            assert!(v["error"].as_str().unwrap().contains(says), "{v}");
            assert!(v["diagnostics"].is_array());
        }
    };
    let base = |extra: Value| {
        let mut b = json!({"architecture": "baseline", "when": "p_war > 0.2", "n": 20});
        for (k, x) in extra.as_object().unwrap() {
            b[k] = x.clone();
        }
        b
    };
    bad(
        base(json!({"when": "p_wat > 0.2"})),
        StatusCode::BAD_REQUEST,
        "when",
        "`p_wat` is not an outcome",
    )
    .await;
    bad(
        base(json!({"threshold": 1.5})),
        StatusCode::BAD_REQUEST,
        "threshold",
        "threshold 1.5: allowed",
    )
    .await;
    bad(
        base(json!({"peel_alpha": 0.6})),
        StatusCode::BAD_REQUEST,
        "peel_alpha",
        "allowed",
    )
    .await;
    bad(
        base(json!({"mass_min": 0.5})),
        StatusCode::BAD_REQUEST,
        "mass_min",
        "CART",
    )
    .await;
    bad(
        base(json!({"n": 1})),
        StatusCode::BAD_REQUEST,
        "n",
        "at least 2",
    )
    .await;
    bad(
        base(json!({"objective": "strict"})),
        StatusCode::BAD_REQUEST,
        "objective",
        "lenient1",
    )
    .await;
    bad(
        base(json!({"when": "regret > 0"})),
        StatusCode::BAD_REQUEST,
        "against",
        "regret needs",
    )
    .await;
    bad(
        base(json!({"params": ["nope"]})),
        StatusCode::BAD_REQUEST,
        "params",
        "not a model parameter",
    )
    .await;
    bad(
        base(json!({"n": 4001})),
        StatusCode::PAYLOAD_TOO_LARGE,
        "n",
        "at most 4000",
    )
    .await;
    bad(
        base(json!({"n": 2001, "against": "two-pronged"})),
        StatusCode::PAYLOAD_TOO_LARGE,
        "n",
        "4002 exact evaluations",
    )
    .await;
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/discover",
        Some(base(json!({"against": "nowhere"}))),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = call_json(&st, "POST", "/api/discover", Some(base(json!({"runs": 5})))).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("runs")),
        "{v}"
    );
}

#[tokio::test]
async fn robust_scores_the_architectures_on_shared_draws() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/robust",
        Some(json!({"architectures": ["baseline", "two-pronged"], "n": 12, "target": 0.5})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["draws"], 12);
    let a = v["architectures"].as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["architecture"], "baseline");
    // regret is against the best in each draw: one of them is best in each draw
    let best: f64 = a.iter().map(|r| r["share_best"].as_f64().unwrap()).sum();
    assert!(best >= 1.0 - 1e-12, "{best}");
    for r in a {
        let (mean, p90) = (
            r["mean_p_war"].as_f64().unwrap(),
            r["p90_p_war"].as_f64().unwrap(),
        );
        assert!(
            mean > 0.0
                && mean < 1.0
                && r["max_regret"].as_f64().unwrap() >= r["mean_regret"].as_f64().unwrap()
        );
        assert!(p90 <= 1.0);
    }
    assert!(v["figure"].as_str().unwrap().starts_with("<svg"));
    let (_, api) = call_json(&st, "GET", "/api/openapi.json", None).await;
    let schemas = &api["components"]["schemas"];
    documented(&v, &schemas["Robustness"], "Robustness");
    documented(
        &a[0],
        &schemas["Robustness"]["properties"]["architectures"]["items"],
        "Robustness.architectures",
    );
    for (body, status, field) in [
        (
            json!({"architectures": ["baseline"]}),
            StatusCode::BAD_REQUEST,
            "architectures",
        ),
        (
            json!({"architectures": ["baseline", "combined"], "target": 2}),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            json!({"architectures": ["baseline", "combined"], "n": 0}),
            StatusCode::BAD_REQUEST,
            "n",
        ),
        (
            json!({"architectures": ["baseline", "combined"], "n": 2001}),
            StatusCode::PAYLOAD_TOO_LARGE,
            "n",
        ),
    ] {
        let (s, v) = call_json(&st, "POST", "/api/robust", Some(body)).await;
        assert_eq!((s, v["field"].as_str()), (status, Some(field)), "{v}");
    }
    let (s, _) = call_json(
        &st,
        "POST",
        "/api/robust",
        Some(json!({"architectures": ["baseline", "nowhere"]})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sweep_answers_the_lever_with_bands_and_figures() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/sweep",
        Some(json!({"architecture": "baseline", "set": ["mechanisms.hotline.strength=0:1:3"], "uncertainty": 4})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts.len(), 3);
    assert_eq!(pts[2]["values"]["mechanisms.hotline.strength"], 1.0);
    for p in pts {
        let (m, b) = (p["p_war"].as_f64().unwrap(), &p["p_war_band"]);
        assert!(
            b[0].as_f64().unwrap() <= m && m <= b[1].as_f64().unwrap(),
            "{p}"
        );
    }
    for f in ["p_war", "cost"] {
        let svg = v["figures"][f].as_str().unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<polygon"),
            "{f}: a band"
        );
    }
    let (_, api) = call_json(&st, "GET", "/api/openapi.json", None).await;
    let schemas = &api["components"]["schemas"];
    documented(&v, &schemas["Sweep"], "Sweep");
    documented(
        &pts[0],
        &schemas["Sweep"]["properties"]["points"]["items"],
        "Sweep.points",
    );
    // without draws: no band
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/sweep",
        Some(json!({"architecture": "baseline", "set": ["mechanisms.hotline.strength=0,1"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["points"][0]["p_war_band"].is_null());
    for (set, unc, status, field) in [
        (json!(["nope"]), None, StatusCode::BAD_REQUEST, "set"),
        (
            json!(["a.b=0:1:3", "a.b=0:1:2"]),
            None,
            StatusCode::BAD_REQUEST,
            "set",
        ),
        (
            json!(["a=0:1:2", "b=0:1:2", "c=0:1:2"]),
            None,
            StatusCode::BAD_REQUEST,
            "set",
        ),
        (
            json!(["mechanisms.hotline.strength=0:1:3"]),
            Some(0),
            StatusCode::BAD_REQUEST,
            "uncertainty",
        ),
        (
            json!(["mechanisms.hotline.strength=0:1:3"]),
            Some(2000),
            StatusCode::PAYLOAD_TOO_LARGE,
            "uncertainty",
        ),
        (
            json!([
                "mechanisms.hotline.strength=0:1:1000",
                "horizon_years=1:10:10"
            ]),
            None,
            StatusCode::PAYLOAD_TOO_LARGE,
            "set",
        ),
    ] {
        let mut body = json!({"architecture": "baseline", "set": set});
        if let Some(n) = unc {
            body["uncertainty"] = json!(n);
        }
        let (s, v) = call_json(&st, "POST", "/api/sweep", Some(body)).await;
        assert_eq!((s, v["field"].as_str()), (status, Some(field)), "{v}");
    }
    // a grid point outside the format's range: the architecture's diagnostics
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/sweep",
        Some(json!({"architecture": "baseline", "set": ["mechanisms.hotline.strength=0:2:3"]})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let d = &v["diagnostics"][0];
    assert!(d["message"].as_str().is_some(), "{v}");
    assert!(v["diagnostics"].to_string().contains("strength"), "{v}");
}

#[tokio::test]
async fn a_run_with_parameter_uncertainty_carries_its_draws_and_figures() {
    let st = state();
    let (s, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 3000, "uncertainty": true, "runs_per_draw": 100, "method": "exact"})),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let run = wait_done(&st, v["id"].as_i64().unwrap()).await;
    let sum = &run["summary"];
    let a = &sum["parameter_uncertainty"]["across_draws"];
    assert_eq!(
        (a["draws"].as_u64(), a["of"].as_u64()),
        (Some(30), Some(30)),
        "{a}"
    );
    // the draws are the run's: their mean p(war) is the run's (exact: the average over draws)
    let ps: Vec<f64> = a["p_war"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_f64().unwrap())
        .collect();
    let mean = ps.iter().sum::<f64>() / ps.len() as f64;
    assert!(
        (mean - sum["p_war"].as_f64().unwrap()).abs() < 1e-9,
        "{mean} vs {}",
        sum["p_war"]
    );
    for f in ["survival_fan", "p_war_histogram"] {
        assert!(
            sum["figures"][f].as_str().unwrap().starts_with("<svg"),
            "{f}"
        );
    }
    let (_, api) = call_json(&st, "GET", "/api/openapi.json", None).await;
    let sch = &api["components"]["schemas"]["Summary"];
    documented(
        a,
        &sch["properties"]["parameter_uncertainty"]["properties"]["across_draws"],
        "Summary.parameter_uncertainty.across_draws",
    );
    documented(
        &sum["figures"],
        &sch["properties"]["figures"],
        "Summary.figures",
    );
    // without parameter uncertainty: neither
    let (_, v) = call_json(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "runs": 1000, "method": "exact"})),
    )
    .await;
    let run = wait_done(&st, v["id"].as_i64().unwrap()).await;
    assert!(run["summary"]["figures"].is_null());
}

#[tokio::test]
async fn studies_are_kept_listed_reopened_and_deleted() {
    let st = state();
    let (s, cmp) = call_json(
        &st,
        "POST",
        "/api/compare",
        Some(json!({"architectures": ["baseline", "combined"], "runs": 1000, "method": "exact"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{cmp}");
    let body = json!({"architecture": "baseline", "method": "morris", "n": 1, "params": ["nuclear_shadow", "misperception_sd"]});
    let (_, v) = call_json(&st, "POST", "/api/sensitivity", Some(body)).await;
    let sens = wait_sensitivity(&st, v["id"].as_u64().unwrap()).await;
    assert_eq!(sens["status"], "done", "{sens}");
    let (_, list) = call_json(&st, "GET", "/api/results", None).await;
    let list = list["results"].as_array().unwrap().clone();
    let kinds: Vec<&str> = list.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["sensitivity", "compare"]);
    assert!(list[0].get("result").is_none(), "the list has no results");
    // the comparison as it was answered, with what was asked
    let id = cmp["result_id"].as_i64().unwrap();
    let (s, kept) = call_json(&st, "GET", &format!("/api/results/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    let mut answered = cmp.clone();
    answered.as_object_mut().unwrap().remove("result_id");
    assert_eq!(kept["result"], answered);
    assert_eq!(
        kept["request"]["architectures"],
        json!(["baseline", "combined"])
    );
    assert_eq!(kept["title"], "baseline vs combined (exact)");
    // the sensitivity result as the job gives it
    let sid = sens["result"]["result_id"].as_i64().unwrap();
    let (_, kept) = call_json(&st, "GET", &format!("/api/results/{sid}"), None).await;
    assert_eq!(kept["result"]["indices"], sens["result"]["indices"]);
    let (_, api) = call_json(&st, "GET", "/api/openapi.json", None).await;
    documented(
        &kept,
        &api["components"]["schemas"]["SavedResult"],
        "SavedResult",
    );
    // deleted once
    let (s, _) = call_json(&st, "DELETE", &format!("/api/results/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    for m in ["GET", "DELETE"] {
        let (s, v) = call_json(&st, m, &format!("/api/results/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comparison_job_reports_progress_and_cancels() {
    let st = state();
    let body = json!({"architectures": ["baseline", "combined"], "runs": 500_000, "job": true});
    let (s, v) = call_json(&st, "POST", "/api/compare", Some(body)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_u64().unwrap();
    assert_eq!(v["progress"]["total"], 500_000);
    let mut seen = 0;
    for _ in 0..600 {
        let (_, r) = call_json(&st, "GET", &format!("/api/compare/{id}"), None).await;
        seen = r["progress"]["done"].as_u64().unwrap();
        if seen > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(seen > 0 && seen < 500_000, "{seen}");
    let (s, _) = call_json(&st, "POST", &format!("/api/compare/{id}/cancel"), None).await;
    assert_eq!(s, StatusCode::OK);
    let mut status = String::new();
    for _ in 0..600 {
        let (_, r) = call_json(&st, "GET", &format!("/api/compare/{id}"), None).await;
        status = r["status"].as_str().unwrap().to_string();
        if status != "running" && status != "queued" {
            assert!(r["result"].is_null());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "cancelled");
    // a finished job answers what the request without `job` answers (but its own kept id)
    let body = json!({"architectures": ["baseline", "combined"], "runs": 1000, "method": "exact"});
    let (_, direct) = call_json(&st, "POST", "/api/compare", Some(body.clone())).await;
    let mut job_body = body;
    job_body["job"] = json!(true);
    let (_, v) = call_json(&st, "POST", "/api/compare", Some(job_body)).await;
    let id = v["id"].as_u64().unwrap();
    let mut done = Value::Null;
    for _ in 0..600 {
        let (_, r) = call_json(&st, "GET", &format!("/api/compare/{id}"), None).await;
        if r["status"] == "done" {
            done = r;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let strip = |v: &Value| {
        let mut v = v.clone();
        for k in ["result_id", "elapsed_ms"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    assert_eq!(strip(&done["result"]), strip(&direct));
    assert_eq!(done["progress"]["done"], 1000);
    // a bad request is answered at once, not as a failed job
    let (s, _) = call_json(
        &st,
        "POST",
        "/api/compare",
        Some(json!({"architectures": ["baseline", "nowhere"], "job": true})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
