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
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (s, _) = call_json(&st, "POST", &format!("/api/runs/{id}/cancel"), None).await;
    assert_eq!(s, StatusCode::OK);
    let done = wait_done(&st, id).await;
    assert_eq!(done["status"], "cancelled", "{done}");
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
}

#[tokio::test]
async fn openapi_and_ui_are_served() {
    let st = state();
    let (s, v) = call_json(&st, "GET", "/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert!(v["paths"]["/runs/{id}"].is_object());
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
    assert_eq!(s.schema_version().unwrap(), 1);
    assert_eq!(
        s.get_architecture("a").unwrap().as_deref(),
        Some("name = 'a'")
    );
    assert_eq!(s.list_runs(10).unwrap()[0].status, "interrupted");
    let _ = std::fs::remove_dir_all(&dir);
}
