//! Scenario discovery's inputs and outcomes: a Latin hypercube over the uncertain inputs
//! ([`latin_hypercube`]), the outcomes of an exact evaluation by name ([`Outcomes`]), and the
//! condition that marks a case of interest (`--when "p_war > 0.2"`, [`Condition`]).
//! The box-finding itself is [`crate::prim`] and [`crate::cart`]; [`discover`] runs the whole
//! discovery (sample, evaluate, mark, PRIM and CART) for the CLI and the server alike, and
//! [`trajectory_svg`] and [`limits_svg`] draw its two figures.

use detente_engine::exact::{evaluate_cached, LadderCache};
use detente_engine::{ExactSummary, Pathway, Scenario};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

/// `n` points of a Latin hypercube over `bounds` (one `[low, high]` per input): each input's
/// range is cut into `n` equal strata, each stratum holds one point (uniform within it), and
/// the strata are matched across inputs by independent random permutations.
pub fn latin_hypercube(bounds: &[[f64; 2]], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = vec![Vec::with_capacity(bounds.len()); n];
    for b in bounds {
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i, j);
        }
        for (row, s) in rows.iter_mut().zip(strata) {
            let u = (s as f64 + rng.random::<f64>()) / n as f64;
            row.push(b[0] + u * (b[1] - b[0]));
        }
    }
    rows
}

/// The outcomes of one evaluation that `--when` can name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcomes {
    /// Probability of war within the horizon.
    pub p_war: f64,
    /// Probability of nuclear use.
    pub p_nuclear: f64,
    /// Defence and mechanism cost over the horizon (US$ bn).
    pub cost: f64,
    /// Probability of a ceasefire breakdown.
    pub p_ceasefire_break: f64,
    /// Probability that the first war comes through each pathway (in `Pathway::ALL` order).
    pub p_war_by_pathway: Vec<f64>,
    /// p(war) minus that of another architecture on the same sample (NaN without one).
    pub regret: f64,
}

impl Outcomes {
    pub fn from_exact(e: &ExactSummary) -> Outcomes {
        Outcomes {
            p_war: e.p_war,
            p_nuclear: e.p_nuclear,
            cost: e.cost_bn,
            p_ceasefire_break: e.p_ceasefire_break,
            p_war_by_pathway: e.p_war_by_pathway.to_vec(),
            regret: f64::NAN,
        }
    }

    /// Every outcome name, in the order of [`Outcomes::values`].
    pub fn names() -> Vec<String> {
        let mut v: Vec<String> = ["p_war", "p_nuclear", "cost", "p_ceasefire_break"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.extend(Pathway::ALL.iter().map(|p| format!("p_war_{}", p.name())));
        v.extend(Pathway::ALL.iter().map(|p| format!("share_{}", p.name())));
        v.push("regret".to_string());
        v
    }

    /// Every outcome's value, named by [`Outcomes::names`]: `p_war_<pathway>` is the
    /// probability that the first war comes through it, `share_<pathway>` that as a share of
    /// p(war) (0 when p(war) is 0); `regret` p(war) minus another architecture's on the same
    /// sample.
    pub fn values(&self) -> Vec<f64> {
        let mut v = vec![
            self.p_war,
            self.p_nuclear,
            self.cost,
            self.p_ceasefire_break,
        ];
        v.extend(&self.p_war_by_pathway);
        v.extend(self.p_war_by_pathway.iter().map(|p| {
            if self.p_war > 0.0 {
                p / self.p_war
            } else {
                0.0
            }
        }));
        v.push(self.regret);
        v
    }

    /// The value of the outcome `name` (see [`Outcomes::names`]).
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = Outcomes::names().iter().position(|n| n == name)?;
        Some(self.values()[i])
    }
}

/// A comparison operator of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// What makes a case of interest: `outcome op number`, e.g. `p_war > 0.2`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    pub outcome: String,
    pub op: Op,
    pub value: f64,
}

impl Condition {
    /// Parse `outcome op number` (spaces optional; op one of `>`, `>=`, `<`, `<=`). The
    /// message of an error quotes the expression, says which part is wrong and what is allowed.
    pub fn parse(expr: &str) -> Result<Condition, String> {
        let names = Outcomes::names();
        let allowed = format!(
            "expected `OUTCOME OP NUMBER`, e.g. `p_war > 0.2`; OP one of >, >=, <, <=; OUTCOME one of {}",
            names.join(", ")
        );
        let t = expr.trim();
        let name_end = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(t.len());
        let name = &t[..name_end];
        if name.is_empty() {
            return Err(format!("`{expr}`: no outcome name at the start; {allowed}"));
        }
        if !names.iter().any(|n| n == name) {
            return Err(format!("`{expr}`: `{name}` is not an outcome; {allowed}"));
        }
        let rest = t[name_end..].trim_start();
        let (op, rest) = if let Some(r) = rest.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = rest.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = rest.strip_prefix('>') {
            (Op::Gt, r)
        } else if let Some(r) = rest.strip_prefix('<') {
            (Op::Lt, r)
        } else {
            let found = rest.split_whitespace().next().unwrap_or("nothing");
            return Err(format!(
                "`{expr}`: after `{name}` found `{found}` where a comparison was expected; {allowed}"
            ));
        };
        let num = rest.trim();
        let value: f64 = num.parse().map_err(|_| {
            format!(
                "`{expr}`: `{}` is not a number; {allowed}",
                if num.is_empty() { "(nothing)" } else { num }
            )
        })?;
        if !value.is_finite() {
            return Err(format!("`{expr}`: `{num}` is not a finite number"));
        }
        Ok(Condition {
            outcome: name.to_string(),
            op,
            value,
        })
    }

    /// Whether `outcomes` meet the condition.
    pub fn holds(&self, outcomes: &Outcomes) -> bool {
        let v = outcomes.get(&self.outcome).unwrap_or(f64::NAN);
        match self.op {
            Op::Gt => v > self.value,
            Op::Ge => v >= self.value,
            Op::Lt => v < self.value,
            Op::Le => v <= self.value,
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.outcome, self.op.symbol(), self.value)
    }
}

/// Rows evaluated by one thread in turn (sharing crisis ladders where rows allow it).
const ROWS_PER_TASK: usize = 16;

/// Exact outcomes of `scenarios[i]` with the model parameters `names` set to `rows[i]`
/// (`scenarios` has one entry per row, or one for all). The result does not depend on the
/// number of threads; `progress(done)` is called after each batch.
pub fn evaluate_rows(
    scenarios: &[Scenario],
    names: &[String],
    rows: &[Vec<f64>],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Outcomes> {
    let mut out = Vec::with_capacity(rows.len());
    let batch = ROWS_PER_TASK * rayon::current_num_threads().max(1) * 4;
    for (b, chunk) in rows.chunks(batch).enumerate() {
        let part: Vec<Vec<Outcomes>> = chunk
            .par_chunks(ROWS_PER_TASK)
            .enumerate()
            .map(|(t, rs)| {
                let mut cache = LadderCache::default();
                rs.iter()
                    .enumerate()
                    .map(|(k, row)| {
                        let i = b * batch + t * ROWS_PER_TASK + k;
                        let base = if scenarios.len() == 1 {
                            &scenarios[0]
                        } else {
                            &scenarios[i]
                        };
                        let mut params = base.params.clone();
                        for (n, v) in names.iter().zip(row) {
                            params.set(n, *v);
                        }
                        Outcomes::from_exact(&evaluate_cached(&params, &base.policy, &mut cache))
                    })
                    .collect()
            })
            .collect();
        out.extend(part.into_iter().flatten());
        progress(out.len());
    }
    out
}

/// One architecture input sampled with the parameters: its TOML path and range, and whether
/// the architecture format takes a whole number there (samples are then rounded).
#[derive(Clone, Debug)]
pub struct SampledInput {
    pub range: crate::sweep::InputRange,
    pub integer: bool,
}

/// What to discover: the condition, the sample and PRIM's and CART's settings.
#[derive(Clone, Debug)]
pub struct DiscoverSpec {
    pub when: Condition,
    /// Latin hypercube points, each evaluated exactly (at least 2).
    pub samples: usize,
    pub seed: u64,
    /// The model parameters varied.
    pub problem: crate::sensitivity::Problem,
    /// Architecture inputs varied too.
    pub inputs: Vec<SampledInput>,
    pub prim: crate::prim::PrimSettings,
    pub cart: crate::cart::CartSettings,
}

impl DiscoverSpec {
    /// Check the settings; the message names the setting (`n`, `peel_alpha`, …) and what is allowed.
    pub fn check(&self) -> Result<(), String> {
        if self.samples < 2 {
            return Err(format!("n {}: allowed: at least 2 samples", self.samples));
        }
        self.prim.check()?;
        if self.cart.mass_min >= 0.5 {
            return Err(format!(
                "mass_min {}: allowed: from 0 to less than 0.5 (CART's leaves)",
                self.cart.mass_min
            ));
        }
        Ok(())
    }

    /// Exact evaluations the discovery makes (two per sample with an architecture to compare).
    pub fn evaluations(&self, against: bool) -> u64 {
        (self.samples as u64).saturating_mul(if against { 2 } else { 1 })
    }
}

/// An input sampled, with its range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    pub name: String,
    pub low: f64,
    pub high: f64,
}

/// Scenario discovery's result (what `discover --json` prints and `POST /api/discover` answers).
#[derive(Clone, Debug, Serialize)]
pub struct DiscoverReport {
    pub architecture: String,
    /// The architecture `regret` is measured against, if any.
    pub against: Option<String>,
    pub when: Condition,
    pub samples: usize,
    pub seed: u64,
    pub evaluation: &'static str,
    pub seconds: f64,
    /// The inputs sampled, with their ranges.
    pub inputs: Vec<Input>,
    #[serde(flatten)]
    pub prim: crate::prim::PrimResult,
    /// The box PRIM keeps (the trajectory's last), or null if it misses the threshold.
    pub chosen: Option<crate::prim::TrajectoryBox>,
    pub cart: crate::cart::CartResult,
}

/// A discovery with its data: the report, the input names, the samples (a row per sample, a
/// column per input), each sample's outcomes and whether it is a case of interest.
pub struct Discovery {
    pub report: DiscoverReport,
    pub names: Vec<String>,
    pub rows: Vec<Vec<f64>>,
    pub outcomes: Vec<Outcomes>,
    pub of_interest: Vec<bool>,
}

/// Scenario discovery: sample the spec's parameters and inputs (Latin hypercube), evaluate
/// `scenario` exactly on each sample (`with_inputs` gives the scenario with the architecture
/// inputs set, validated, and is called only when the spec has inputs), mark the cases of
/// interest (`regret` against `against` on the same samples), and find the boxes by PRIM and
/// CART. `progress(done)` counts evaluations.
pub fn discover(
    scenario: &Scenario,
    against: Option<&Scenario>,
    spec: &DiscoverSpec,
    with_inputs: &crate::sweep::ScenarioAt,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Discovery, String> {
    spec.check()?;
    if spec.when.outcome == "regret" && against.is_none() {
        return Err(format!(
            "when `{}`: regret needs another architecture to compare with",
            spec.when
        ));
    }
    let start = std::time::Instant::now();
    let problem = &spec.problem;
    let d = problem.num_vars;
    let mut bounds = problem.bounds.clone();
    bounds.extend(spec.inputs.iter().map(|i| [i.range.low, i.range.high]));
    let mut names = problem.names.clone();
    names.extend(spec.inputs.iter().map(|i| i.range.path.clone()));
    let mut rows = latin_hypercube(&bounds, spec.samples, spec.seed);
    for row in rows.iter_mut() {
        for (k, i) in spec.inputs.iter().enumerate() {
            if i.integer {
                row[d + k] = row[d + k].round();
            }
        }
    }
    let scenarios = if spec.inputs.is_empty() {
        vec![scenario.clone()]
    } else {
        rows.iter()
            .map(|row| {
                let set: Vec<(&str, f64)> = spec
                    .inputs
                    .iter()
                    .zip(&row[d..])
                    .map(|(i, v)| (i.range.path.as_str(), *v))
                    .collect();
                with_inputs(&set)
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let param_rows: Vec<Vec<f64>> = rows.iter().map(|r| r[..d].to_vec()).collect();
    let mut outcomes = evaluate_rows(&scenarios, &problem.names, &param_rows, progress);
    if let Some(other) = against {
        let n = outcomes.len();
        let theirs = evaluate_rows(
            std::slice::from_ref(other),
            &problem.names,
            &param_rows,
            &|done| progress(n + done),
        );
        for (o, t) in outcomes.iter_mut().zip(&theirs) {
            o.regret = o.p_war - t.p_war;
        }
    }
    let y: Vec<bool> = outcomes.iter().map(|o| spec.when.holds(o)).collect();
    let prim_result = crate::prim::prim(&names, &rows, &y, spec.prim)?;
    let cart_result = crate::cart::cart(&names, &rows, &y, spec.cart)?;
    let report = DiscoverReport {
        architecture: scenario.name.clone(),
        against: against.map(|a| a.name.clone()),
        when: spec.when.clone(),
        samples: spec.samples,
        seed: spec.seed,
        evaluation: "exact",
        seconds: start.elapsed().as_secs_f64(),
        inputs: names
            .iter()
            .zip(&bounds)
            .map(|(n, b)| Input {
                name: n.clone(),
                low: b[0],
                high: b[1],
            })
            .collect(),
        chosen: prim_result.chosen().cloned(),
        prim: prim_result,
        cart: cart_result,
    };
    Ok(Discovery {
        report,
        names,
        rows,
        outcomes,
        of_interest: y,
    })
}

/// PRIM's coverage–density trajectory as SVG, the box kept marked.
pub fn trajectory_svg(r: &DiscoverReport) -> String {
    let p = &r.prim;
    let points: Vec<(f64, f64)> = p
        .trajectory
        .iter()
        .map(|b| (b.coverage, b.density))
        .collect();
    let mark = p.chosen().map(|b| (b.coverage, b.density, "box kept"));
    crate::svg::xy_chart(
        &format!(
            "PRIM trajectory, {}: cases where {} ({} of {})",
            r.architecture, r.when, p.cases_of_interest, p.points
        ),
        "coverage",
        "density",
        Some((0.0, 1.0)),
        Some((0.0, 1.0)),
        &[crate::svg::Line {
            label: "peeling and pasting",
            colour: "#4a7ab5",
            points,
            band: None,
            markers: true,
        }],
        mark,
    )
}

/// The limits of the box PRIM keeps (or its last box), input by input, against the sampled
/// ranges, as SVG.
pub fn limits_svg(r: &DiscoverReport) -> String {
    let p = &r.prim;
    let last = p.trajectory.last();
    let rows: Vec<crate::svg::BoxRow> = last
        .map(|b| {
            b.restricted
                .iter()
                .map(|(n, l)| crate::svg::BoxRow {
                    name: n.clone(),
                    limits: *l,
                    range: p.initial_box.get(n).copied().unwrap_or(*l),
                })
                .collect()
        })
        .unwrap_or_default();
    let b = last.map_or((0.0, 0.0, 0.0), |b| (b.coverage, b.density, b.mass));
    crate::svg::box_chart(
        &format!("PRIM box, {}: cases where {}", r.architecture, r.when),
        &format!(
            "coverage {:.3}, density {:.3}, mass {:.3}{}; grey: the sampled range",
            b.0,
            b.1,
            b.2,
            if p.meets_threshold {
                ""
            } else {
                " (misses the threshold)"
            }
        ),
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum() {
        let bounds = [[0.0, 1.0], [10.0, 20.0], [-1.0, 1.0]];
        let rows = latin_hypercube(&bounds, 50, 4);
        assert_eq!(rows.len(), 50);
        for (j, b) in bounds.iter().enumerate() {
            let mut strata: Vec<usize> = rows
                .iter()
                .map(|r| (((r[j] - b[0]) / (b[1] - b[0])) * 50.0).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>(), "input {j}");
        }
        assert_ne!(rows, latin_hypercube(&bounds, 50, 5));
        assert_eq!(rows, latin_hypercube(&bounds, 50, 4));
    }

    #[test]
    fn conditions_parse_and_bad_ones_say_what_is_wrong() {
        let c = Condition::parse("p_war > 0.2").unwrap();
        assert_eq!((c.outcome.as_str(), c.op, c.value), ("p_war", Op::Gt, 0.2));
        let c = Condition::parse("  cost<=1.5e4").unwrap();
        assert_eq!((c.op, c.value), (Op::Le, 15000.0));
        assert_eq!(
            Condition::parse("share_gray_zone >= .5").unwrap().op,
            Op::Ge
        );
        let e = Condition::parse("p_wat > 0.2").unwrap_err();
        assert!(
            e.contains("`p_wat` is not an outcome") && e.contains("p_war"),
            "{e}"
        );
        let e = Condition::parse("p_war = 0.2").unwrap_err();
        assert!(e.contains("found `=`"), "{e}");
        let e = Condition::parse("p_war > high").unwrap_err();
        assert!(e.contains("`high` is not a number"), "{e}");
        let e = Condition::parse("p_war >").unwrap_err();
        assert!(e.contains("(nothing)"), "{e}");
        assert!(Condition::parse("> 0.2")
            .unwrap_err()
            .contains("no outcome"));
        assert!(Condition::parse("p_war > inf")
            .unwrap_err()
            .contains("finite"));
    }

    #[test]
    fn conditions_hold_on_the_named_outcome() {
        let o = Outcomes {
            p_war: 0.2,
            p_nuclear: 0.01,
            cost: 100.0,
            p_ceasefire_break: 0.5,
            p_war_by_pathway: vec![0.1, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0],
            regret: 0.05,
        };
        assert!(!Condition::parse("p_war > 0.2").unwrap().holds(&o));
        assert!(Condition::parse("p_war >= 0.2").unwrap().holds(&o));
        assert!(Condition::parse("cost < 101").unwrap().holds(&o));
        let share = format!("share_{} >= 0.5", Pathway::ALL[0].name());
        assert!(Condition::parse(&share).unwrap().holds(&o));
        assert!(Condition::parse("regret > 0").unwrap().holds(&o));
        assert_eq!(Outcomes::names().len(), o.values().len());
    }
}
