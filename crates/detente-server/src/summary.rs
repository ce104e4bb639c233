//! A [`Summary`] as JSON (the same shape as `detente run --json`) and as CSV.

use detente_engine::{Estimate, Pathway, Summary, RUNG_NAMES};
use serde_json::{json, Value};

pub fn ci(e: &Estimate) -> Value {
    json!([e.low, e.high])
}

/// The summary as the JSON object documented in the README (as `detente run --json`).
pub fn summary_json(name: &str, s: &Summary, seed: u64) -> Value {
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
                "crises": s.crises_by_pathway[p.index()],
            }),
        );
    }
    let survival: Vec<Value> = s
        .survival_by_year()
        .iter()
        .enumerate()
        .map(|(y, e)| json!({"year": y + 1, "p_no_war": e.value, "ci": ci(e)}))
        .collect();
    let highest: serde_json::Map<String, Value> = RUNG_NAMES
        .iter()
        .zip(s.max_rung_counts)
        .map(|(n, c)| (n.to_string(), json!(c)))
        .collect();
    let (pw, pn, pc) = (s.p_war(), s.p_nuclear(), s.p_ceasefire_break());
    json!({
        "architecture": name,
        "runs": s.runs,
        "seed": seed,
        "horizon_years": s.horizon_months as f64 / 12.0,
        "interval": "Wilson 95 %",
        "p_war": pw.value,
        "p_war_ci": ci(&pw),
        "p_nuclear": pn.value,
        "p_nuclear_ci": ci(&pn),
        "p_ceasefire_breakdown": pc.value,
        "p_ceasefire_breakdown_ci": ci(&pc),
        "by_pathway": by_pathway,
        "survival": survival,
        "highest_rung_runs": highest,
        "mean_cost_usd_bn": s.mean_cost_bn(),
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
    row("mean_cost_usd_bn", "", &s["mean_cost_usd_bn"], None);
    if let Some(m) = s["by_pathway"].as_object() {
        for (k, p) in m {
            row("p_war_via", k, &p["p_war"], Some(&p["p_war_ci"]));
        }
        for (k, p) in m {
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
