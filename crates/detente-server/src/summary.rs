//! A [`Summary`] as JSON and as CSV. This is the one definition of the result's JSON shape:
//! `detente run --json` (the CLI) and the API's run results both use [`summary_json`].

use detente_engine::{Estimate, Figures, Method, Pathway, RUNG_NAMES};
use serde_json::{json, Value};

pub fn ci(e: &Estimate) -> Value {
    json!([e.low, e.high])
}

/// The war's course as JSON: for each phase a war can reach, `{p, ci}` (the same in `run` and
/// `compare`).
pub fn war_outcomes_json(s: &dyn Figures) -> Value {
    let mut war_outcomes = serde_json::Map::new();
    for (key, _, e) in s.war_outcomes().named() {
        war_outcomes.insert(key.to_string(), json!({"p": e.value, "ci": ci(&e)}));
    }
    Value::Object(war_outcomes)
}

/// Mean spending over the horizon by who pays, as JSON (US$ bn).
pub fn costs_json(s: &dyn Figures) -> Value {
    let c = s.mean_costs();
    json!({
        "european_defence": c.europe_defence_bn,
        "us_defence": c.us_defence_bn,
        "mechanisms": c.mechanisms_bn,
    })
}

/// Label of the intervals when only Monte Carlo noise is in them.
pub const MONTE_CARLO_ONLY: &str = "Monte Carlo only (Wilson 95 %)";

/// Label of the intervals when the runs also draw the uncertain model parameters.
pub const WITH_PARAMETER_UNCERTAINTY: &str = "Monte Carlo + parameter uncertainty: p(war) averages over parameter draws (Wilson 95 % for its Monte Carlo error); the spread across draws is shown separately";

/// Label of exact results: no interval, every figure is computed from the model's chain.
pub const EXACT: &str = "exact (computed from the model's Markov chain, no Monte Carlo error: intervals have zero width)";

/// Label of exact results averaged over parameter draws.
pub const EXACT_WITH_PARAMETER_UNCERTAINTY: &str = "exact + parameter uncertainty: exact for each parameter draw, averaged over the draws: p(war)'s interval is the normal 95 % interval of that average over draws; the other figures are averages over the draws (intervals of zero width); the spread across draws is shown separately";

/// The summary as the JSON object documented in the README; `interval` says what the
/// intervals reflect. Monte Carlo and exact results share the shape: an exact one has
/// `"method": "exact"`, intervals of zero width, and null where a figure counts runs
/// (`runs`, `seed`, `crises`, `highest_rung_runs`); `crises_per_run` and
/// `highest_rung_share` are there for both. `war_outcomes` holds, for each phase a war can
/// reach (`limited_war` = any war, `theatre_war`, `nuclear_use`, `general_nuclear_war`,
/// `war_ended`), the probability that a run reaches it within the horizon (`p`) and its
/// interval (`ci`); `p_war` is the first clash and `p_nuclear` equals `nuclear_use`.
pub fn summary_json(name: &str, s: &dyn Figures, seed: u64, interval: &str) -> Value {
    let mut by_pathway = serde_json::Map::new();
    for p in Pathway::ALL {
        let e = s.p_war_via(p);
        by_pathway.insert(
            p.name().to_string(),
            json!({
                "label": p.label(),
                "p_war": e.value,
                "p_war_ci": ci(&e),
                "crises_per_year": s.crises_per_year(p),
                "crises_per_run": s.crises_per_run(p),
                "crises": s.crises_counted(p),
            }),
        );
    }
    let survival: Vec<Value> = s
        .survival_by_year()
        .iter()
        .enumerate()
        .map(|(y, e)| json!({"year": y + 1, "p_no_war": e.value, "ci": ci(e)}))
        .collect();
    let by_rung = |values: Vec<Value>| -> Value {
        let map: serde_json::Map<String, Value> = RUNG_NAMES
            .iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        Value::Object(map)
    };
    let highest = s
        .highest_rung_runs()
        .map(|c| by_rung(c.iter().map(|v| json!(v)).collect()));
    let share = by_rung(s.highest_rung_share().iter().map(|v| json!(v)).collect());
    let (pw, pn, pc) = (s.p_war(), s.p_nuclear(), s.p_ceasefire_break());
    let across_draws = s.p_war_across_draws().map(|d| {
        json!({
            "draws": d.draws,
            "p_war_median": d.median,
            "p_war_interval": [d.low, d.high],
            "parameter_share_of_variance": d.parameter_share,
        })
    });
    let war_outcomes = war_outcomes_json(s);
    let method = s.method();
    json!({
        "architecture": name,
        "method": method.name(),
        "runs": s.runs(),
        "seed": (method == Method::MonteCarlo || across_draws.is_some()).then_some(seed),
        "horizon_years": s.horizon_months() as f64 / 12.0,
        "interval": interval,
        "p_war": pw.value,
        "p_war_ci": ci(&pw),
        "p_nuclear": pn.value,
        "p_nuclear_ci": ci(&pn),
        "war_outcomes": war_outcomes,
        "p_ceasefire_breakdown": pc.value,
        "p_ceasefire_breakdown_ci": ci(&pc),
        "by_pathway": by_pathway,
        "survival": survival,
        "highest_rung_runs": highest,
        "highest_rung_share": share,
        "mean_cost_usd_bn": s.mean_cost_bn(),
        "mean_cost_by_payer_usd_bn": costs_json(s),
        "parameter_uncertainty": across_draws,
    })
}

fn f(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A stored summary JSON as long-format CSV: `metric,key,value,low,high`.
pub fn summary_csv(s: &Value) -> String {
    let mut out = String::from("metric,key,value,low,high\n");
    let mut row = |metric: &str, key: &str, v: &Value, ci: Option<&Value>| {
        let (lo, hi) = match ci {
            Some(c) => (f(&c[0]), f(&c[1])),
            None => (String::new(), String::new()),
        };
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_field(metric),
            csv_field(key),
            f(v),
            lo,
            hi
        ));
    };
    row("architecture", "", &s["architecture"], None);
    row("runs", "", &s["runs"], None);
    row("seed", "", &s["seed"], None);
    row("horizon_years", "", &s["horizon_years"], None);
    row("p_war", "", &s["p_war"], Some(&s["p_war_ci"]));
    row("p_nuclear", "", &s["p_nuclear"], Some(&s["p_nuclear_ci"]));
    row(
        "p_ceasefire_breakdown",
        "",
        &s["p_ceasefire_breakdown"],
        Some(&s["p_ceasefire_breakdown_ci"]),
    );
    if let Some(m) = s["war_outcomes"].as_object() {
        for (k, v) in m {
            row("war_outcome", k, &v["p"], Some(&v["ci"]));
        }
    }
    row("mean_cost_usd_bn", "", &s["mean_cost_usd_bn"], None);
    if let Some(m) = s["by_pathway"].as_object() {
        // the brief's order (a)…(g), then any other key
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort_by_key(|k| Pathway::from_name(k).map_or(usize::MAX, |p| p.index()));
        for k in &keys {
            let p = &m[k.as_str()];
            row("p_war_via", k, &p["p_war"], Some(&p["p_war_ci"]));
        }
        for k in &keys {
            let p = &m[k.as_str()];
            row("crises_per_year", k, &p["crises_per_year"], None);
        }
    }
    if let Some(a) = s["survival"].as_array() {
        for y in a {
            row("survival", &f(&y["year"]), &y["p_no_war"], Some(&y["ci"]));
        }
    }
    out
}

/// Add to a summary with parameter uncertainty how its draws spread, each evaluated exactly
/// (`parameter_uncertainty.across_draws`), and the two figures the page and the report show
/// (`figures.survival_fan`, `figures.p_war_histogram`: SVG drawn by the analysis library).
pub fn with_draw_figures(v: &mut Value, a: &detente_analysis::draws::AcrossDraws) {
    use detente_analysis::draws::{fan_svg, histogram_svg};
    let name = v["architecture"].as_str().unwrap_or("").to_string();
    if !v["parameter_uncertainty"].is_object() {
        v["parameter_uncertainty"] = json!({});
    }
    v["parameter_uncertainty"]["across_draws"] = json!(a);
    v["figures"] = json!({
        "survival_fan": fan_svg(&name, a),
        "p_war_histogram": histogram_svg(&name, a),
    });
}
