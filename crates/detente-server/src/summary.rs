//! A [`Summary`] as JSON and as CSV. This is the one definition of the result's JSON shape:
//! `detente run --json` (the CLI) and the API's run results both use [`summary_json`].

use detente_engine::{Estimate, Pathway, Summary, RUNG_NAMES};
use serde_json::{json, Value};

pub fn ci(e: &Estimate) -> Value {
    json!([e.low, e.high])
}

/// Mean spending over the horizon by who pays, as JSON (US$ bn).
pub fn costs_json(s: &Summary) -> Value {
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

/// The summary as the JSON object documented in the README; `interval` says what the
/// intervals reflect.
pub fn summary_json(name: &str, s: &Summary, seed: u64, interval: &str) -> Value {
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
    let across_draws = s.p_war_across_draws().map(|d| {
        json!({
            "draws": d.draws,
            "p_war_median": d.median,
            "p_war_interval": [d.low, d.high],
            "parameter_share_of_variance": d.parameter_share,
        })
    });
    json!({
        "architecture": name,
        "runs": s.runs,
        "seed": seed,
        "horizon_years": s.horizon_months as f64 / 12.0,
        "interval": interval,
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
