//! Hostile requests against the router (no socket): regression tests for issue 14's API
//! findings, and a property test that fuzzes every POST/PUT body with arbitrary JSON built
//! from the API's own field names. Every answer must be JSON, never a 5xx, never a crash.
//! `PROPTEST_CASES=N` sets the fuzz cases (docs/limits.md records a long run).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente_server::{app, store::Store, AppState, Limits};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    AppState::new(Store::in_memory().expect("store"), None, Limits::default())
}

async fn call_raw(
    state: &Arc<AppState>,
    method: &str,
    uri: &str,
    body: Option<String>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v)
        }
        None => Body::empty(),
    };
    let resp = app(state.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, ctype, bytes.to_vec())
}

async fn call(
    state: &Arc<AppState>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (s, ctype, b) = call_raw(state, method, uri, body.map(|v| v.to_string())).await;
    assert!(
        ctype.starts_with("application/json"),
        "{s} {ctype}: {}",
        String::from_utf8_lossy(&b)
    );
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|_| panic!("not JSON ({s}): {}", String::from_utf8_lossy(&b)));
    (s, v)
}

fn baseline() -> String {
    detente_arch::builtin("baseline").unwrap().toml.to_string()
}

#[tokio::test]
async fn patch_with_a_4000_segment_set_path_is_a_400_not_a_stack_overflow() {
    let st = state();
    let key = vec!["a"; 4000].join(".");
    let (s, v) = call(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": baseline(), "set": {key: 1}})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("4000 segments"),
        "{v}"
    );
    // and a deep key inside the TOML text itself
    let text = format!("{}\n{} = 1\n", baseline(), vec!["b"; 4000].join("."));
    let (s, v) = call(
        &st,
        "POST",
        "/api/patch",
        Some(json!({"toml": text, "set": {}})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = call(&st, "GET", "/api/params", None).await;
    assert_eq!(s, StatusCode::OK, "the server keeps answering");
}

#[tokio::test]
async fn validate_one_megabyte_of_unknown_members_stays_small_and_fast() {
    let st = state();
    // about 1 MB: the body limit is 1 MiB
    let text = detente_limits::mutate::many_unknown_members(&baseline(), 4900, 5000);
    let t = std::time::Instant::now();
    let (s, _, b) = call_raw(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"toml": text}).to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // the answer echoes the text once; the diagnostics are capped
    assert!(
        b.len() < text.len() + 200_000,
        "{} bytes for {} bytes in",
        b.len(),
        text.len()
    );
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 100);
    assert!(v["diagnostics_not_listed"].as_u64().unwrap() > 0);
    assert!(t.elapsed().as_secs() < 20);
}

#[tokio::test]
async fn unknown_json_fields_are_rejected() {
    let st = state();
    let (s, v) = call(
        &st,
        "POST",
        "/api/runs",
        Some(json!({"architecture": "baseline", "run": 5})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("unknown field `run`"),
        "{v}"
    );
    for (uri, body) in [
        ("/api/validate", json!({"toml": baseline(), "tom": 1})),
        (
            "/api/compare",
            json!({"architectures": ["baseline"], "seeds": 2}),
        ),
        ("/api/plan", json!({"architecture": "baseline", "x": 1})),
        (
            "/api/patch",
            json!({"toml": baseline(), "set": {}, "extra": true}),
        ),
        (
            "/api/sensitivity",
            json!({"architecture": "baseline", "N": 4}),
        ),
        (
            "/api/discover",
            json!({"architecture": "baseline", "when": "p_war > 0.2", "samples": 4}),
        ),
        (
            "/api/robust",
            json!({"architectures": ["baseline", "combined"], "draws": 4}),
        ),
        (
            "/api/sweep",
            json!({"architecture": "baseline", "set": ["a=0:1:2"], "draws": 4}),
        ),
    ] {
        let (s, v) = call(&st, "POST", uri, Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains("unknown field"),
            "{uri}: {v}"
        );
    }
}

#[tokio::test]
async fn a_body_with_both_architecture_and_toml_is_a_400() {
    let st = state();
    for (uri, extra) in [
        ("/api/runs", json!({})),
        ("/api/plan", json!({})),
        ("/api/sensitivity", json!({})),
        ("/api/discover", json!({"when": "p_war > 0.2"})),
        (
            "/api/sweep",
            json!({"set": ["mechanisms.hotline.strength=0:1:2"]}),
        ),
    ] {
        let mut body = json!({"architecture": "baseline", "toml": baseline()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v) = call(&st, "POST", uri, Some(body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains("not both"),
            "{uri}: {v}"
        );
    }
    let arch = detente_arch::load("baseline").unwrap().architecture;
    let (s, v) = call(
        &st,
        "POST",
        "/api/validate",
        Some(json!({"architecture": arch, "toml": baseline()})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn path_parameter_errors_are_json() {
    let st = state();
    for uri in [
        "/api/runs/abc",
        "/api/sensitivity/-1",
        "/api/runs/1/export?format=csv&x=1",
    ] {
        let (s, v) = call(&st, "GET", uri, None).await;
        assert!(s.is_client_error(), "{uri}: {s}");
        assert!(v["error"].is_string(), "{uri}: {v}");
    }
}

#[tokio::test]
async fn report_without_arch_is_a_400() {
    let st = state();
    let (s, v) = call(&st, "GET", "/api/report?runs=100", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("arch is required"),
        "{v}"
    );
    let (s, v) = call(&st, "GET", "/api/report?arch=baseline&rnus=100", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[test]
fn weak_tokens_are_refused() {
    for weak in [
        "a",
        "secret",
        "aaaaaaaaaaaaaaaaaaaa",
        "short token with spaces",
    ] {
        assert!(detente_server::check_token(weak).is_err(), "{weak}");
    }
    assert!(detente_server::check_token("3f9c1e0b7a2d4c6e8f1a3b5c7d9e0f12").is_ok());
}

// ---------- fuzzing the request bodies ----------

const FIELDS: &[&str] = &[
    "architecture",
    "toml",
    "runs",
    "seed",
    "uncertainty",
    "runs_per_draw",
    "architectures",
    "method",
    "n",
    "params",
    "set",
    "format",
    "x",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(2),
            Just(4),
            Just(-1),
            Just(i64::MAX)
        ]
        .prop_map(Value::from),
        prop_oneof![Just(0.5f64), Just(1e300), Just(-3.0)].prop_map(Value::from),
        prop_oneof![
            Just("baseline".to_string()),
            Just("morris".to_string()),
            Just("sobol".to_string()),
            Just("threshold_1".to_string()),
            Just("dynamics.cohesion_start".to_string()),
            Just(baseline()),
            Just("name = \"x\"\nhorizon_years = 1\n".to_string()),
            ".{0,20}",
        ]
        .prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::vec(
                (
                    proptest::sample::select(FIELDS).prop_map(str::to_string),
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => json_value().prop_map(|v| v.to_string()),
        1 => ".{0,40}",
    ]
}

const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/api/validate"),
    ("POST", "/api/patch"),
    ("POST", "/api/plan"),
    ("POST", "/api/runs"),
    ("POST", "/api/compare"),
    ("POST", "/api/sensitivity"),
    ("POST", "/api/discover"),
    ("POST", "/api/sweep"),
    ("PUT", "/api/architectures/fuzzed"),
];

proptest! {
    #![proptest_config(detente_limits::mutate::strategy::config(64))]

    #[test]
    fn api_bodies_never_crash_or_answer_5xx(which in 0..ENDPOINTS.len(), body in body()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let st = state();
        let (method, uri) = ENDPOINTS[which];
        let (s, ctype, b) = rt.block_on(call_raw(&st, method, uri, Some(body.clone())));
        prop_assert!(!s.is_server_error(), "{} {}: {} for {}: {}", method, uri, s, body, String::from_utf8_lossy(&b));
        prop_assert!(ctype.starts_with("application/json"), "{} {}", s, ctype);
        // Every error body has one shape, which the page relies on.
        if s.is_client_error() {
            let v: Value = serde_json::from_slice(&b).expect("an error body is JSON");
            prop_assert!(v["ok"] == Value::Bool(false) && v["error"].is_string() && v["diagnostics"].is_array(),
                "{} {}: {} for {}: {}", method, uri, s, body, v);
        }
        // cancel whatever was started, so cases stay cheap
        if let Ok(v) = serde_json::from_slice::<Value>(&b) {
            if let Some(id) = v["id"].as_i64() {
                let _ = rt.block_on(call_raw(&st, "POST", &format!("/api/runs/{id}/cancel"), None));
                let _ = rt.block_on(call_raw(&st, "POST", &format!("/api/sensitivity/{id}/cancel"), None));
            }
        }
        rt.shutdown_background();
    }
}
