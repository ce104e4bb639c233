//! A [`Summary`] as JSON and as CSV. This is the one definition of the result's JSON shape:
//! `detente run --json` (the CLI) and the API's run results both use [`summary_json`].

use detente_engine::{DiffSpread, Estimate, Figures, Method, Pathway, RunOutcome, RUNG_NAMES};
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

/// A comparison of architectures, ready to print: each architecture's figures, its paired
/// difference in p(war) from the first and how that difference spreads across parameter draws.
pub struct ComparisonView<'a> {
    pub names: Vec<&'a str>,
    pub figures: Vec<&'a dyn Figures>,
    pub diffs: Vec<Estimate>,
    pub spreads: Vec<Option<DiffSpread>>,
    pub method: Method,
    pub runs: u64,
    pub seed: u64,
    pub parameter_uncertainty: bool,
    /// Where the parameter draws come from ("plausible" or "prior"), None without draws.
    pub parameter_source: Option<&'a str>,
    pub runs_per_draw: u64,
}

/// The comparison as the JSON object of `detente compare --json` (its one definition).
pub fn comparison_json(c: &ComparisonView) -> Value {
    let list: Vec<Value> = c
        .names
        .iter()
        .zip(&c.figures)
        .enumerate()
        .map(|(i, (name, s))| {
            let (p, d) = (s.p_war(), c.diffs[i]);
            let per_pathway = |f: &dyn Fn(Pathway) -> f64| -> serde_json::Map<String, Value> {
                Pathway::ALL
                    .iter()
                    .map(|pw| (pw.name().to_string(), json!(f(*pw))))
                    .collect()
            };
            let by = per_pathway(&|pw| s.p_war_via(pw).value);
            let crises = per_pathway(&|pw| s.crises_per_year(pw));
            json!({
                "name": name,
                "p_war": p.value,
                "p_war_ci": ci(&p),
                "diff_vs_first": d.value,
                "diff_ci": [d.low, d.high],
                "p_nuclear": s.p_nuclear().value,
                "war_outcomes": war_outcomes_json(*s),
                "p_war_by_pathway": by,
                "crises_per_year_by_pathway": crises,
                "mean_cost_usd_bn": s.mean_cost_bn(),
                "mean_cost_by_payer_usd_bn": costs_json(*s),
                "diff_across_draws": c.spreads[i].map(|x| json!({
                    "draws": x.draws,
                    "median": x.median,
                    "interval": [x.low, x.high],
                    "share_of_draws_safer_than_first": x.share_safer,
                })),
            })
        })
        .collect();
    let mc = c.method == Method::MonteCarlo;
    json!({
        "method": c.method.name(),
        "runs": mc.then_some(c.runs),
        "seed": (mc || c.parameter_uncertainty).then_some(c.seed),
        "common_random_numbers": mc,
        "parameter_uncertainty": c.parameter_uncertainty,
        "parameter_source": c.parameter_source,
        "runs_per_draw": mc.then_some(c.runs_per_draw),
        "architectures": list,
    })
}

/// Columns of the per-run table (`run --out`, Python's `run_frame`).
pub const RUN_COLUMNS: [&str; 15] = [
    "run",
    "war",
    "war_month",
    "war_pathway",
    "nuclear",
    "crises_gray_zone",
    "crises_snap_exercise",
    "crises_ukraine_spillover",
    "crises_belarus",
    "crises_moldova_georgia",
    "crises_deliberate_attack",
    "crises_hybrid",
    "max_rung",
    "ceasefire_break_month",
    "cost_usd_bn",
];

/// A value of the per-run table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    Int(i64),
    Float(f64),
    Text(&'static str),
    Null,
}

/// A run's row of the per-run table, in the order of [`RUN_COLUMNS`].
pub fn run_cells(o: &RunOutcome) -> [Cell; 15] {
    let opt = |v: Option<u32>| v.map_or(Cell::Null, |x| Cell::Int(x as i64));
    let c = |i: usize| Cell::Int(o.crises[i] as i64);
    [
        Cell::Int(o.run as i64),
        Cell::Int(o.war_month.is_some() as i64),
        opt(o.war_month),
        o.war_pathway.map_or(Cell::Null, |p| Cell::Text(p.name())),
        Cell::Int(o.nuclear as i64),
        c(0),
        c(1),
        c(2),
        c(3),
        c(4),
        c(5),
        c(6),
        opt(o.max_rung.map(u32::from)),
        opt(o.ceasefire_break_month),
        Cell::Float(o.cost_bn),
    ]
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

#[cfg(test)]
mod run_table_tests {
    use super::*;

    #[test]
    fn crises_columns_follow_the_pathways_order() {
        for (i, p) in Pathway::ALL.iter().enumerate() {
            assert_eq!(RUN_COLUMNS[5 + i], format!("crises_{}", p.name()));
        }
    }
}
