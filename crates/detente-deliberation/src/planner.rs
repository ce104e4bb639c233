//! The division of responsibilities (seed 000): a linear programme assigning post-war missions
//! to actors. Variable x[a,m] ∈ [0, 1] is the share of mission m's full requirement carried by
//! actor a; coverage c[m] = Σ_a x[a,m]. The objective maximises concern-weighted fit,
//! Σ x[a,m]·(fit[a,m] − ε·cost[m]/budget[a]), where fit[a,m] = max over the concerns m serves of
//! the actor's weight for that concern ((n − r + 1)/n for a concern it ranks r of n, else 0) and
//! the small ε term prefers, among equally fitting actors, those for whom the mission is a
//! smaller part of their budget. Constraints, per actor: spending Σ_m cost[m]·x ≤
//! budget_fraction·spending; forces Σ_m forces[m]·x ≤ deployable_fraction·forces; risk
//! Σ_m cost[m]·(risk[m] − tolerance[a])·x ≤ 0 (the cost-weighted mean risk exposure of what an
//! actor carries does not exceed its tolerance for escalation risk); per mission:
//! required[m] ≤ c[m] ≤ 1; x[a,m] = 0 where a mission is closed to an actor. An infeasible
//! instance is diagnosed by an elastic programme with a slack on every actor and coverage
//! constraint, minimising the scaled total slack; the constraints whose slack is positive are
//! the ones that conflict. The plan's coverage can be written into an architecture TOML file
//! as mechanism strengths ([`apply_plan`]).

use crate::error::{Conflict, Error};
use crate::mps::{LpModel, LpRow, LpVar, Sense, SolveError};
use serde::Serialize;
use std::collections::BTreeMap;

/// An actor taking part in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub group: String,
    /// Annual defence spending, US$ bn.
    pub spending_usd_bn: f64,
    /// Active forces, thousands.
    pub forces_k: f64,
    /// Tolerance for escalation risk, 0..1.
    pub escalation_tolerance: f64,
    /// Vulnerability to Russia, 0..1.
    pub vulnerability: f64,
    /// Concern ids, gravest first.
    pub concerns: Vec<String>,
}

/// A mission to be divided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mission {
    pub id: String,
    pub name: String,
    /// Concern ids the mission serves.
    pub concerns: Vec<String>,
    /// Annual cost of the full mission, US$ bn.
    pub cost_usd_bn: f64,
    /// Deployed forces of the full mission, thousands.
    pub forces_k: f64,
    /// Escalation-risk exposure of carrying the mission, 0..1.
    pub risk_exposure: f64,
    /// Minimum coverage required, 0..1.
    pub required_level: f64,
    /// Architecture mechanisms whose strength the mission's coverage sets.
    pub mechanisms: Vec<String>,
    /// Actor ids or groups (substring match, case-insensitive) that cannot carry the mission.
    pub closed_to: Vec<String>,
    /// Source or "assumption", with the range, for cost and required level.
    pub source: String,
}

/// Parameters of the planning programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanParams {
    /// Share of an actor's defence spending available for these missions (assumption 0.15, range 0.05–0.25).
    pub budget_fraction: f64,
    /// Share of an actor's active forces deployable for these missions (assumption 0.10, range 0.05–0.20).
    pub deployable_fraction: f64,
    /// Weight ε of the capacity tie-break (assumption 0.01; small against fit weights ≥ 1/n).
    pub tiebreak: f64,
}

impl Default for PlanParams {
    fn default() -> Self {
        PlanParams {
            budget_fraction: 0.15,
            deployable_fraction: 0.10,
            tiebreak: 0.01,
        }
    }
}

/// Everything the planner needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanInput {
    pub actors: Vec<Actor>,
    pub missions: Vec<Mission>,
    pub params: PlanParams,
}

/// Map a concern id onto the planner's canonical ids by keywords, so architecture files with
/// other spellings still match (`hybrid*` → `hybrid_attacks`, `*nuclear*` → `nuclear_war`, ...).
/// Unknown ids are returned lower-cased.
pub fn canonical_concern(id: &str) -> String {
    let s = id.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    let has = |k: &[&str]| k.iter().any(|k| s.contains(k));
    let c = if has(&["hybrid", "sabotage", "cyber"]) {
        "hybrid_attacks"
    } else if has(&["nuclear"]) {
        "nuclear_war"
    } else if has(&["north_korea", "iran", "axis", "china", "adversar"]) {
        "russia_axis"
    } else if has(&["fatigue"]) {
        "war_fatigue"
    } else if has(&[
        "baltic",
        "fait_accompli",
        "land_grab",
        "incursion",
        "limited_attack",
        "provocation",
        "flank",
    ]) {
        "baltic_incursion"
    } else if has(&["rearm", "rebuild", "renewed", "second_war"]) {
        "russian_rearmament"
    } else if has(&["collapse", "ukraine_defeat"]) {
        "ukraine_collapse"
    } else if has(&[
        "abandon",
        "disengage",
        "cohesion",
        "us_deal",
        "transatlantic",
    ]) {
        "us_disengagement"
    } else if has(&["refugee", "exodus", "migration"]) {
        "refugee_flows"
    } else {
        return s;
    };
    c.to_string()
}

/// Weight of concern `c` for `actor`: (n − r + 1)/n for rank r of n, else 0.
pub fn concern_weight(actor: &Actor, c: &str) -> f64 {
    let n = actor.concerns.len() as f64;
    actor
        .concerns
        .iter()
        .position(|x| canonical_concern(x) == canonical_concern(c))
        .map(|i| (n - i as f64) / n)
        .unwrap_or(0.0)
}

/// Fit of actor to mission: the largest weight among the concerns the mission serves.
pub fn fit(actor: &Actor, m: &Mission) -> f64 {
    m.concerns
        .iter()
        .map(|c| concern_weight(actor, c))
        .fold(0.0, f64::max)
}

fn closed(m: &Mission, a: &Actor) -> bool {
    let (id, g) = (a.id.to_ascii_lowercase(), a.group.to_ascii_lowercase());
    m.closed_to.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        id.contains(&k) || g.contains(&k)
    })
}

fn ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The default missions table (documented in docs/deliberation.md).
pub fn default_missions() -> Vec<Mission> {
    let m = |id: &str,
             name: &str,
             concerns: &[&str],
             cost: f64,
             forces: f64,
             risk: f64,
             req: f64,
             mech: &[&str],
             closed: &[&str],
             source: &str| Mission {
        id: id.into(),
        name: name.into(),
        concerns: concerns.iter().map(|s| s.to_string()).collect(),
        cost_usd_bn: cost,
        forces_k: forces,
        risk_exposure: risk,
        required_level: req,
        mechanisms: mech.iter().map(|s| s.to_string()).collect(),
        closed_to: closed.iter().map(|s| s.to_string()).collect(),
        source: source.into(),
    };
    vec![
        m("ukraine_air_defence", "Air defence and counter-mobility for Ukraine (porcupine)", &["ukraine_collapse", "russian_rearmament"], 40.0, 0.0, 0.5, 0.7, &["porcupine"], &[],
          "cost: order of the annual military aid to Ukraine 2022–24 (Kiel Institute Ukraine Support Tracker, ~US$40–50 bn/yr), range 20–60; risk and required level: assumption (risk 0.3–0.7, required 0.5–0.9)"),
        m("eastern_flank_denial", "Forward forces for deterrence by denial on the eastern flank", &["baltic_incursion", "russian_rearmament"], 30.0, 40.0, 0.6, 0.6, &["forward_forces"], &["ukraine"],
          "cost and forces: assumption scaled from NATO's eight forward land forces (~10k troops) grown to brigade strength per frontline state (30–60k), cost range 15–50; risk 0.4–0.8, required 0.4–0.8: assumption"),
        m("hybrid_defence", "Defence of infrastructure against hybrid attacks", &["hybrid_attacks"], 10.0, 5.0, 0.2, 0.8, &["hybrid_defence"], &[],
          "assumption: cyber defence, undersea-cable and energy-grid protection, range 5–20; risk 0.1–0.3; required 0.6–1.0 (the one concern shared by all groups)"),
        m("nuclear_risk_reduction", "Nuclear risk reduction and crisis communication", &["nuclear_war"], 1.0, 0.0, 0.05, 0.9, &["hotline", "crisis_dialogue", "arms_control"], &["ukraine"],
          "assumption: diplomatic and verification capacity, range 0.5–3; risk 0.0–0.1; required 0.7–1.0"),
        m("curb_russia_axis", "Curbing Russia's support for Iran and North Korea", &["russia_axis"], 3.0, 3.0, 0.3, 0.5, &["export_controls"], &[],
          "assumption: sanctions and export-control enforcement, maritime interdiction, range 1–10; risk 0.2–0.5; required 0.3–0.7"),
        m("stockpiles_joint_production", "Replenishing stockpiles and joint production", &["war_fatigue", "us_disengagement", "ukraine_collapse"], 25.0, 0.0, 0.1, 0.6, &["joint_production"], &[],
          "cost: assumption of the order of EU/US munitions ramp-up programmes (tens of US$ bn/yr), range 10–50; risk 0.05–0.2; required 0.4–0.8"),
    ]
}

/// Default actors: SIPRI 2024 spending aggregated by group (approximate), IISS-order active
/// forces (approximate); tolerances, vulnerabilities and concern lists are assumptions read from
/// seed 000.
pub fn default_actors() -> Vec<Actor> {
    let a = |id: &str, name: &str, group: &str, sp: f64, f: f64, tol: f64, vul: f64, c: &[&str]| {
        Actor {
            id: id.into(),
            name: name.into(),
            group: group.into(),
            spending_usd_bn: sp,
            forces_k: f,
            escalation_tolerance: tol,
            vulnerability: vul,
            concerns: c.iter().map(|s| s.to_string()).collect(),
        }
    };
    vec![
        a(
            "us",
            "United States",
            "united_states",
            997.0,
            1316.0,
            0.25,
            0.1,
            &[
                "nuclear_war",
                "russia_axis",
                "hybrid_attacks",
                "ukraine_collapse",
                "russian_rearmament",
            ],
        ),
        a(
            "western_europe",
            "Western Europe",
            "western_europe",
            380.0,
            980.0,
            0.4,
            0.35,
            &[
                "war_fatigue",
                "hybrid_attacks",
                "russian_rearmament",
                "ukraine_collapse",
                "nuclear_war",
                "us_disengagement",
            ],
        ),
        a(
            "central_europe",
            "Central Europe",
            "central_europe",
            28.0,
            150.0,
            0.5,
            0.6,
            &[
                "war_fatigue",
                "hybrid_attacks",
                "ukraine_collapse",
                "russian_rearmament",
                "us_disengagement",
            ],
        ),
        a(
            "frontline",
            "Frontline states (Nordics, Baltics, Poland)",
            "frontline",
            72.0,
            330.0,
            0.8,
            0.9,
            &[
                "baltic_incursion",
                "hybrid_attacks",
                "russian_rearmament",
                "us_disengagement",
                "ukraine_collapse",
            ],
        ),
        a(
            "ukraine",
            "Ukraine",
            "ukraine",
            64.8,
            880.0,
            0.9,
            1.0,
            &[
                "russian_rearmament",
                "us_disengagement",
                "hybrid_attacks",
                "ukraine_collapse",
            ],
        ),
    ]
}

/// Default planning input: default actors and missions.
pub fn default_input() -> PlanInput {
    PlanInput {
        actors: default_actors(),
        missions: default_missions(),
        params: PlanParams::default(),
    }
}

/// Actor ids/groups never planned for (adversaries and hot spots).
const NOT_PLANNED: [&str; 4] = ["russia", "belarus", "moldova", "georgia"];

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> u64 {
    span.map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1)
        .unwrap_or(0)
}

/// Read a planning input from an architecture TOML text: `[[actors]]` tables (id, name, group
/// or role,
/// vulnerability, spending_usd_bn, forces_k, escalation_tolerance, concerns; other keys are
/// ignored; actors whose id, group or role names Russia, Belarus, Moldova or Georgia are left out),
/// optional `[[missions]]` tables replacing the default missions, optional `[planner]` with
/// budget_fraction / deployable_fraction / tiebreak.
pub fn input_from_toml(text: &str, file: &str) -> Result<PlanInput, Error> {
    detente_limits::check_toml_keys(text)
        .map_err(|(line, m)| Error::input(file, line, "toml", m))?;
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
        Error::input(
            file,
            line_of(text, e.span()),
            "toml",
            e.message().to_string(),
        )
    })?;
    check_plan_keys(&doc, text, file)?;
    let mut input = PlanInput {
        actors: Vec::new(),
        missions: default_missions(),
        params: PlanParams::default(),
    };
    let tables = |key: &str| -> Result<Vec<&toml_edit::Table>, Error> {
        match doc.get(key) {
            None => Ok(Vec::new()),
            Some(toml_edit::Item::ArrayOfTables(a)) => Ok(a.iter().collect()),
            Some(i) => Err(Error::input(
                file,
                line_of(text, i.span()),
                key,
                format!("`{key}` must be an array of tables ([[{key}]])"),
            )),
        }
    };
    struct Get<'a> {
        t: &'a toml_edit::Table,
        text: &'a str,
        file: &'a str,
        what: String,
    }
    impl Get<'_> {
        fn err(&self, key: &str, msg: String) -> Error {
            let span = self
                .t
                .get(key)
                .and_then(|i| i.span())
                .or_else(|| self.t.span());
            Error::input(
                self.file,
                line_of(self.text, span),
                &format!("{}.{key}", self.what),
                msg,
            )
        }
        fn str(&self, key: &str, default: Option<&str>) -> Result<String, Error> {
            match self.t.get(key) {
                None => default
                    .map(str::to_string)
                    .ok_or_else(|| self.err(key, "missing; a string is required".into())),
                Some(i) => i
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.err(key, "must be a string".into())),
            }
        }
        fn num(&self, key: &str, lo: f64, hi: f64, default: Option<f64>) -> Result<f64, Error> {
            let v = match self.t.get(key) {
                None => {
                    return default.ok_or_else(|| {
                        self.err(
                            key,
                            format!("missing; a number in [{lo}, {hi}] is required"),
                        )
                    })
                }
                Some(i) => i
                    .as_float()
                    .or_else(|| i.as_integer().map(|x| x as f64))
                    .ok_or_else(|| self.err(key, format!("must be a number in [{lo}, {hi}]")))?,
            };
            if !(v >= lo && v <= hi) {
                return Err(self.err(key, format!("{v} is out of range; allowed [{lo}, {hi}]")));
            }
            Ok(v)
        }
        fn list(&self, key: &str) -> Result<Vec<String>, Error> {
            match self.t.get(key) {
                None => Ok(Vec::new()),
                Some(i) => i
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|v| v.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| self.err(key, "must be a list of strings".into())),
            }
        }
    }
    for (i, t) in tables("actors")?.into_iter().enumerate() {
        let g = Get {
            t,
            text,
            file,
            what: format!("actors[{i}]"),
        };
        let id = g.str("id", None)?;
        let role = g.str("role", Some(""))?;
        let group = g.str("group", Some(&role))?;
        let low = format!("{id} {group} {role}").to_ascii_lowercase();
        if NOT_PLANNED.iter().any(|k| low.contains(k)) {
            continue;
        }
        input.actors.push(Actor {
            name: g.str("name", Some(&id))?,
            group,
            spending_usd_bn: g.num("spending_usd_bn", 0.0, 1e5, None)?,
            forces_k: g.num("forces_k", 0.0, 1e5, Some(0.0))?,
            escalation_tolerance: g.num("escalation_tolerance", 0.0, 1.0, None)?,
            vulnerability: g.num("vulnerability", 0.0, 1.0, Some(0.0))?,
            concerns: g.list("concerns")?,
            id,
        });
    }
    let missions = tables("missions")?;
    if !missions.is_empty() {
        input.missions.clear();
        for (i, t) in missions.into_iter().enumerate() {
            let g = Get {
                t,
                text,
                file,
                what: format!("missions[{i}]"),
            };
            let id = g.str("id", None)?;
            input.missions.push(Mission {
                name: g.str("name", Some(&id))?,
                concerns: g.list("concerns")?,
                cost_usd_bn: g.num("cost_usd_bn", 0.0, 1e5, None)?,
                forces_k: g.num("forces_k", 0.0, 1e5, Some(0.0))?,
                risk_exposure: g.num("risk_exposure", 0.0, 1.0, None)?,
                required_level: g.num("required_level", 0.0, 1.0, None)?,
                mechanisms: g.list("mechanisms")?,
                closed_to: g.list("closed_to")?,
                source: g.str("source", Some("user input"))?,
                id,
            });
        }
    }
    if let Some(p) = doc.get("planner") {
        let t = p.as_table().ok_or_else(|| {
            Error::input(
                file,
                line_of(text, p.span()),
                "planner",
                "must be a table [planner]",
            )
        })?;
        let g = Get {
            t,
            text,
            file,
            what: "planner".into(),
        };
        let d = PlanParams::default();
        input.params = PlanParams {
            budget_fraction: g.num("budget_fraction", 0.0, 1.0, Some(d.budget_fraction))?,
            deployable_fraction: g.num(
                "deployable_fraction",
                0.0,
                1.0,
                Some(d.deployable_fraction),
            )?,
            tiebreak: g.num("tiebreak", 0.0, 1.0, Some(d.tiebreak))?,
        };
    }
    if input.actors.is_empty() {
        return Err(Error::file(
            file,
            "no [[actors]] to plan for (Russia, Belarus, Moldova and Georgia are not planned for)",
        ));
    }
    for (what, ids) in [
        (
            "actors",
            input.actors.iter().map(|a| &a.id).collect::<Vec<_>>(),
        ),
        ("missions", input.missions.iter().map(|m| &m.id).collect()),
    ] {
        let mut seen = std::collections::HashSet::new();
        for (i, id) in ids.into_iter().enumerate() {
            if id.is_empty() || !seen.insert(id) {
                let span = doc
                    .get(what)
                    .and_then(|a| a.as_array_of_tables())
                    .and_then(|a| {
                        a.iter()
                            .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))
                    })
                    .and_then(|t| t.get("id"))
                    .and_then(|v| v.span());
                let problem = if id.is_empty() {
                    "an empty id".to_string()
                } else {
                    format!("duplicate id `{id}`")
                };
                return Err(Error::input(
                    file,
                    line_of(text, span),
                    &format!("{what}[{i}].id"),
                    format!("{problem}; ids must be unique and non-empty"),
                ));
            }
        }
    }
    if input.actors.len() > detente_limits::MAX_ACTORS
        || input.missions.len() > detente_limits::MAX_MISSIONS
    {
        return Err(Error::file(
            file,
            format!(
                "{} actors and {} missions; allowed: at most {} actors and {} missions (docs/limits.md)",
                input.actors.len(),
                input.missions.len(),
                detente_limits::MAX_ACTORS,
                detente_limits::MAX_MISSIONS
            ),
        ));
    }
    Ok(input)
}

/// Keys the planner reads, and the other keys an architecture file may carry beside them.
const TOP_KEYS: [&str; 12] = [
    "name",
    "description",
    "horizon_years",
    "actors",
    "groups",
    "dynamics",
    "mechanisms",
    "ceasefire",
    "pathways",
    "parameters",
    "missions",
    "planner",
];
const ACTOR_KEYS: [&str; 12] = [
    "id",
    "name",
    "role",
    "group",
    "vulnerability",
    "proximity_km",
    "spending_usd_bn",
    "spending_pct_gdp",
    "forces_k",
    "escalation_tolerance",
    "concerns",
    "source",
];
const MISSION_KEYS: [&str; 10] = [
    "id",
    "name",
    "concerns",
    "cost_usd_bn",
    "forces_k",
    "risk_exposure",
    "required_level",
    "mechanisms",
    "closed_to",
    "source",
];
const PLANNER_KEYS: [&str; 3] = ["budget_fraction", "deployable_fraction", "tiebreak"];

/// Misspelt keys (where the planner reads the table) and non-finite numbers (anywhere, the
/// mechanism strengths `--apply` keeps among them) are errors naming line and key.
fn check_plan_keys(doc: &toml_edit::ImDocument<&str>, text: &str, file: &str) -> Result<(), Error> {
    let unknown =
        |t: &dyn toml_edit::TableLike, what: &str, allowed: &[&str]| -> Result<(), Error> {
            for (k, item) in t.iter() {
                if !allowed.contains(&k) {
                    let span = t.key(k).and_then(|key| key.span()).or_else(|| item.span());
                    return Err(Error::input(
                        file,
                        line_of(text, span),
                        &format!("{what}{k}"),
                        format!(
                            "unknown key `{k}`; allowed keys here: {}",
                            allowed.join(", ")
                        ),
                    ));
                }
            }
            Ok(())
        };
    unknown(doc.as_table(), "", &TOP_KEYS)?;
    for (key, allowed) in [("actors", &ACTOR_KEYS[..]), ("missions", &MISSION_KEYS[..])] {
        if let Some(a) = doc.get(key).and_then(|i| i.as_array_of_tables()) {
            for (i, t) in a.iter().enumerate() {
                unknown(t, &format!("{key}[{i}]."), allowed)?;
            }
        }
    }
    if let Some(t) = doc.get("planner").and_then(|i| i.as_table_like()) {
        unknown(t, "planner.", &PLANNER_KEYS)?;
    }
    non_finite(doc.as_item(), "", text, file)
}

fn non_finite(item: &toml_edit::Item, path: &str, text: &str, file: &str) -> Result<(), Error> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match item {
        toml_edit::Item::Value(v) => non_finite_value(v, path, text, file),
        toml_edit::Item::Table(t) => t
            .iter()
            .try_for_each(|(k, i)| non_finite(i, &join(k), text, file)),
        toml_edit::Item::ArrayOfTables(a) => a.iter().enumerate().try_for_each(|(n, t)| {
            t.iter()
                .try_for_each(|(k, i)| non_finite(i, &format!("{path}[{n}].{k}"), text, file))
        }),
        toml_edit::Item::None => Ok(()),
    }
}

fn non_finite_value(v: &toml_edit::Value, path: &str, text: &str, file: &str) -> Result<(), Error> {
    match v {
        toml_edit::Value::Float(f) if !f.value().is_finite() => Err(Error::input(
            file,
            line_of(text, v.span()),
            path,
            format!("{} is not allowed; numbers must be finite", f.value()),
        )),
        toml_edit::Value::String(s)
            if s.value()
                .chars()
                .any(|c| c.is_control() && !"\n\r\t".contains(c)) =>
        {
            Err(Error::input(
                file,
                line_of(text, v.span()),
                path,
                "a control character in a string; allowed: printable text, line breaks and tabs",
            ))
        }
        toml_edit::Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(n, x)| non_finite_value(x, &format!("{path}[{n}]"), text, file)),
        toml_edit::Value::InlineTable(t) => t
            .iter()
            .try_for_each(|(k, x)| non_finite_value(x, &format!("{path}.{k}"), text, file)),
        _ => Ok(()),
    }
}

/// One actor's row of the burden table (the mismatch of seed 000).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurdenRow {
    pub actor: String,
    pub name: String,
    /// US$ bn/yr of missions carried.
    pub burden_usd_bn: f64,
    /// Share of all mission cost carried.
    pub burden_share: f64,
    /// Share of the planning actors' defence spending.
    pub capability_share: f64,
    pub vulnerability: f64,
    pub escalation_tolerance: f64,
    /// Cost-weighted mean risk exposure of what the actor carries.
    pub risk_carried: f64,
    /// Share of the actor's available budget used.
    pub budget_used: f64,
}

/// A solved plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub objective: f64,
    /// actor → mission → share of the mission (only shares > 1e-9).
    pub assignments: BTreeMap<String, BTreeMap<String, f64>>,
    /// mission → coverage in [0, 1].
    pub coverage: BTreeMap<String, f64>,
    pub burden: Vec<BurdenRow>,
    #[serde(skip)]
    pub model: LpModel,
}

fn check(input: &PlanInput) -> Result<(), Error> {
    // false for NaN as well as for negative numbers
    let nonneg = |x: f64| x >= 0.0;
    let bad = |what: String, msg: &str| Err(Error::file("plan input", format!("{what}: {msg}")));
    for a in &input.actors {
        if !nonneg(a.spending_usd_bn)
            || !nonneg(a.forces_k)
            || !(0.0..=1.0).contains(&a.escalation_tolerance)
        {
            return bad(
                format!("actor `{}`", a.id),
                "spending and forces must be ≥ 0 and escalation_tolerance in [0, 1]",
            );
        }
    }
    for m in &input.missions {
        if !nonneg(m.cost_usd_bn)
            || !nonneg(m.forces_k)
            || !(0.0..=1.0).contains(&m.risk_exposure)
            || !(0.0..=1.0).contains(&m.required_level)
        {
            return bad(
                format!("mission `{}`", m.id),
                "cost and forces must be ≥ 0, risk_exposure and required_level in [0, 1]",
            );
        }
    }
    Ok(())
}

/// (row name, description, coefficients, right-hand side, slack scale).
type RowSpec = (String, String, Vec<(usize, f64)>, f64, f64);

/// Build the LP. With `elastic`, every actor and coverage constraint gets a slack variable and
/// the objective becomes minimising the scaled total slack.
pub fn build_model(input: &PlanInput, elastic: bool) -> LpModel {
    let p = &input.params;
    let mut m = LpModel {
        name: if elastic {
            "detente_plan_elastic".into()
        } else {
            "detente_plan".into()
        },
        maximize: !elastic,
        vars: Vec::new(),
        rows: Vec::new(),
    };
    let na = input.actors.len();
    let nm = input.missions.len();
    let idx = |a: usize, k: usize| a * nm + k;
    for a in &input.actors {
        let budget = p.budget_fraction * a.spending_usd_bn;
        for ms in &input.missions {
            let f = fit(a, ms);
            let tb = if budget > 0.0 {
                p.tiebreak * ms.cost_usd_bn / budget
            } else {
                p.tiebreak
            };
            m.vars.push(LpVar {
                name: format!("x_{}_{}", ident(&a.id), ident(&ms.id)),
                obj: if elastic { 0.0 } else { f - tb },
                lower: 0.0,
                upper: Some(if closed(ms, a) { 0.0 } else { 1.0 }),
            });
        }
    }
    let slack = |m: &mut LpModel, row: &str, scale: f64| -> usize {
        m.vars.push(LpVar {
            name: format!("s_{row}"),
            obj: 1.0 / scale.max(1e-9),
            lower: 0.0,
            upper: None,
        });
        m.vars.len() - 1
    };
    for (ai, a) in input.actors.iter().enumerate() {
        let id = ident(&a.id);
        let budget = p.budget_fraction * a.spending_usd_bn;
        let forces = p.deployable_fraction * a.forces_k;
        let specs: [RowSpec; 3] = [
            (
                format!("cap_spend_{id}"),
                format!(
                    "{}: mission cost ≤ {:.1} US$ bn ({} × spending)",
                    a.name, budget, p.budget_fraction
                ),
                (0..nm)
                    .map(|k| (idx(ai, k), input.missions[k].cost_usd_bn))
                    .collect(),
                budget,
                budget.max(1.0),
            ),
            (
                format!("cap_forces_{id}"),
                format!(
                    "{}: deployed forces ≤ {:.1} k ({} × forces)",
                    a.name, forces, p.deployable_fraction
                ),
                (0..nm)
                    .map(|k| (idx(ai, k), input.missions[k].forces_k))
                    .collect(),
                forces,
                forces.max(1.0),
            ),
            (
                format!("risk_{id}"),
                format!(
                    "{}: mean risk exposure carried ≤ tolerance {}",
                    a.name, a.escalation_tolerance
                ),
                (0..nm)
                    .map(|k| {
                        let ms = &input.missions[k];
                        (
                            idx(ai, k),
                            ms.cost_usd_bn * (ms.risk_exposure - a.escalation_tolerance),
                        )
                    })
                    .collect(),
                0.0,
                budget.max(1.0),
            ),
        ];
        for (name, description, mut coefs, rhs, scale) in specs {
            coefs.retain(|c| c.1 != 0.0);
            if coefs.is_empty() {
                continue;
            }
            if elastic {
                let s = slack(&mut m, &name, scale);
                coefs.push((s, -1.0));
            }
            m.rows.push(LpRow {
                name,
                sense: Sense::Le,
                coefs,
                rhs,
                description,
            });
        }
    }
    for (k, ms) in input.missions.iter().enumerate() {
        let id = ident(&ms.id);
        let mut coefs: Vec<(usize, f64)> = (0..na).map(|a| (idx(a, k), 1.0)).collect();
        m.rows.push(LpRow {
            name: format!("cover_max_{id}"),
            sense: Sense::Le,
            coefs: coefs.clone(),
            rhs: 1.0,
            description: format!("{}: coverage ≤ 1", ms.name),
        });
        let name = format!("cover_min_{id}");
        if elastic {
            let s = slack(&mut m, &name, 1.0);
            coefs.push((s, 1.0));
        }
        m.rows.push(LpRow {
            name,
            sense: Sense::Ge,
            coefs,
            rhs: ms.required_level,
            description: format!(
                "{}: coverage ≥ required level {}",
                ms.name, ms.required_level
            ),
        });
    }
    m
}

/// Solve the plan; an infeasible instance returns [`Error::Infeasible`] naming the conflicts.
pub fn plan(input: &PlanInput) -> Result<Plan, Error> {
    check(input)?;
    let model = build_model(input, false);
    let sol = match model.solve() {
        Ok(s) => s,
        Err(SolveError::Infeasible) => return Err(diagnose(input)),
        Err(SolveError::Unbounded) => {
            return Err(Error::Solver(
                "unbounded (should not happen: all shares ≤ 1)".into(),
            ))
        }
        Err(SolveError::Other(e)) => return Err(Error::Solver(e)),
    };
    let nm = input.missions.len();
    let mut assignments = BTreeMap::new();
    let mut coverage: BTreeMap<String, f64> =
        input.missions.iter().map(|m| (m.id.clone(), 0.0)).collect();
    let mut carried = vec![0.0; input.actors.len()];
    let mut risk = vec![0.0; input.actors.len()];
    for (ai, a) in input.actors.iter().enumerate() {
        let mut row = BTreeMap::new();
        for (k, ms) in input.missions.iter().enumerate() {
            let x = sol.values[ai * nm + k].clamp(0.0, 1.0);
            if x > 1e-9 {
                row.insert(ms.id.clone(), x);
                *coverage.get_mut(&ms.id).expect("mission") += x;
                carried[ai] += x * ms.cost_usd_bn;
                risk[ai] += x * ms.cost_usd_bn * ms.risk_exposure;
            }
        }
        assignments.insert(a.id.clone(), row);
    }
    for c in coverage.values_mut() {
        *c = c.clamp(0.0, 1.0);
    }
    let total: f64 = carried.iter().sum();
    let spend: f64 = input.actors.iter().map(|a| a.spending_usd_bn).sum();
    let burden = input
        .actors
        .iter()
        .enumerate()
        .map(|(ai, a)| {
            let budget = input.params.budget_fraction * a.spending_usd_bn;
            BurdenRow {
                actor: a.id.clone(),
                name: a.name.clone(),
                burden_usd_bn: carried[ai],
                burden_share: if total > 0.0 {
                    carried[ai] / total
                } else {
                    0.0
                },
                capability_share: if spend > 0.0 {
                    a.spending_usd_bn / spend
                } else {
                    0.0
                },
                vulnerability: a.vulnerability,
                escalation_tolerance: a.escalation_tolerance,
                risk_carried: if carried[ai] > 0.0 {
                    risk[ai] / carried[ai]
                } else {
                    0.0
                },
                budget_used: if budget > 0.0 {
                    carried[ai] / budget
                } else {
                    0.0
                },
            }
        })
        .collect();
    Ok(Plan {
        objective: sol.objective,
        assignments,
        coverage,
        burden,
        model,
    })
}

fn diagnose(input: &PlanInput) -> Error {
    let m = build_model(input, true);
    match m.solve() {
        Ok(sol) => {
            let mut conflicts = Vec::new();
            for row in &m.rows {
                for &(j, _) in &row.coefs {
                    if m.vars[j].name.starts_with("s_") && sol.values[j] > 1e-7 {
                        conflicts.push(Conflict {
                            constraint: row.name.clone(),
                            description: row.description.clone(),
                            violation: sol.values[j],
                        });
                    }
                }
            }
            Error::Infeasible { conflicts }
        }
        Err(e) => Error::Solver(format!("elastic diagnosis failed: {e:?}")),
    }
}

/// Write the plan's coverage into an architecture TOML text as mechanism strengths: for every
/// mission, each mechanism it funds gets `enabled = true` and `strength = coverage` (the largest
/// coverage when two missions fund the same mechanism). Comments and layout are preserved.
pub fn apply_plan(
    arch_toml: &str,
    file: &str,
    missions: &[Mission],
    coverage: &BTreeMap<String, f64>,
) -> Result<String, Error> {
    let mut doc: toml_edit::DocumentMut =
        arch_toml.parse().map_err(|e: toml_edit::TomlError| {
            Error::input(
                file,
                line_of(arch_toml, e.span()),
                "toml",
                e.message().to_string(),
            )
        })?;
    let mut strength: BTreeMap<&str, f64> = BTreeMap::new();
    for m in missions {
        let c = coverage.get(&m.id).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        for mech in &m.mechanisms {
            let e = strength.entry(mech).or_insert(0.0);
            *e = e.max(c);
        }
    }
    if doc.get("mechanisms").is_none() {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        doc.insert("mechanisms", toml_edit::Item::Table(t));
    }
    let mechs = doc["mechanisms"]
        .as_table_mut()
        .ok_or_else(|| Error::file(file, "`mechanisms` must be a table ([mechanisms.<name>])"))?;
    for (name, s) in strength {
        if mechs.get(name).is_none() {
            mechs.insert(name, toml_edit::Item::Table(toml_edit::Table::new()));
        }
        let t = mechs[name]
            .as_table_like_mut()
            .ok_or_else(|| Error::file(file, format!("`mechanisms.{name}` must be a table")))?;
        set_keep_decor(t, "enabled", toml_edit::Value::from(true));
        if name == "forward_forces" {
            // Forward forces are sized in brigades, not by a strength: full coverage of the
            // denial mission is FULL_DENIAL_HEAVY_BRIGADES heavy brigades added in place.
            let heavy = (s * FULL_DENIAL_HEAVY_BRIGADES).round() as i64;
            set_keep_decor(t, "heavy", toml_edit::Value::from(heavy));
        } else {
            let round = (s * 1e4).round() / 1e4;
            set_keep_decor(t, "strength", toml_edit::Value::from(round));
        }
    }
    Ok(doc.to_string())
}

/// Heavy brigades added in place when the eastern-flank denial mission is fully covered
/// (assumption, range 2-7: RAND 2016 found about seven brigades, three of them heavy, could
/// prevent a rapid overrun of the Baltic states; against the 2025 posture the campaign model
/// finds three added heavy brigades enough to stop a quick fall of Tallinn or Riga).
pub const FULL_DENIAL_HEAVY_BRIGADES: f64 = 3.0;

/// Set `key` to `v`, keeping the old value's comments and spacing.
fn set_keep_decor(t: &mut dyn toml_edit::TableLike, key: &str, v: toml_edit::Value) {
    match t.get_mut(key) {
        Some(toml_edit::Item::Value(old)) => {
            let decor = old.decor().clone();
            *old = v;
            *old.decor_mut() = decor;
        }
        _ => {
            t.insert(key, toml_edit::Item::Value(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mps::{parse_mps, write_mps};

    #[test]
    fn default_plan_is_feasible_and_consistent() {
        let input = default_input();
        let p = plan(&input).unwrap();
        for ms in &input.missions {
            let c = p.coverage[&ms.id];
            assert!(
                c >= ms.required_level - 1e-6 && c <= 1.0 + 1e-9,
                "{} {c}",
                ms.id
            );
        }
        for b in &p.burden {
            assert!(b.budget_used <= 1.0 + 1e-6, "{:?}", b);
            assert!(
                b.burden_usd_bn == 0.0 || b.risk_carried <= b.escalation_tolerance + 1e-6,
                "{:?}",
                b
            );
        }
        let s: f64 = p.burden.iter().map(|b| b.burden_share).sum();
        assert!((s - 1.0).abs() < 1e-9);
        // Ukraine cannot hold NATO's eastern flank
        assert!(!p.assignments["ukraine"].contains_key("eastern_flank_denial"));
    }

    #[test]
    fn mps_round_trip_gives_same_optimum() {
        let input = default_input();
        let p = plan(&input).unwrap();
        let text = write_mps(&p.model);
        let back = parse_mps(&text, "plan.mps").unwrap();
        assert_eq!(back.vars, p.model.vars);
        for (a, b) in back.rows.iter().zip(&p.model.rows) {
            assert_eq!(
                (&a.name, a.sense, &a.coefs, a.rhs),
                (&b.name, b.sense, &b.coefs, b.rhs)
            );
        }
        let again = back.solve().unwrap();
        assert!((again.objective - p.objective).abs() < 1e-9 * (1.0 + p.objective.abs()));
    }

    #[test]
    fn infeasible_names_conflicts() {
        let mut input = default_input();
        input.params.budget_fraction = 0.01;
        for m in &mut input.missions {
            m.required_level = 1.0;
        }
        match plan(&input) {
            Err(Error::Infeasible { conflicts }) => {
                assert!(!conflicts.is_empty());
                assert!(conflicts.iter().all(|c| c.violation > 0.0));
            }
            other => panic!("expected infeasible, got {other:?}"),
        }
        // only the frontline-only risk tolerance conflict: one actor, a risky mission
        let mut input = default_input();
        input.actors.retain(|a| a.id == "us");
        input.missions.retain(|m| m.id == "eastern_flank_denial");
        let e = plan(&input).unwrap_err();
        assert!(
            e.to_string().contains("risk_us") || e.to_string().contains("cover_min"),
            "{e}"
        );
    }

    #[test]
    fn reads_arch_toml_and_applies() {
        let text = r#"# an architecture
[[actors]]
id = "us"
name = "United States"
group = "united_states"
vulnerability = 0.1
spending_usd_bn = 997.0
spending_pct_gdp = 3.4
forces_k = 1316
escalation_tolerance = 0.3
concerns = ["nuclear_war", "russia_ties_north_korea_iran_china", "hybrid_attacks_us_infrastructure"]

[[actors]]
id = "russia"
name = "Russia"
group = "russia"
spending_usd_bn = 149.0
escalation_tolerance = 0.7
concerns = []

[[actors]]
id = "frontline"
name = "Frontline"
group = "frontline"
vulnerability = 0.9
spending_usd_bn = 72
forces_k = 330
escalation_tolerance = 0.8
concerns = ["baltic_fait_accompli", "hybrid_attacks"]

[planner]
budget_fraction = 0.5

[mechanisms.hotline]
enabled = false # kept comment
strength = 0.0
"#;
        let input = input_from_toml(text, "a.toml").unwrap();
        assert_eq!(input.actors.len(), 2);
        assert_eq!(
            canonical_concern(&input.actors[0].concerns[1]),
            "russia_axis"
        );
        let p = plan(&input).unwrap();
        let out = apply_plan(text, "a.toml", &input.missions, &p.coverage).unwrap();
        assert!(out.contains("# kept comment"));
        let doc: toml_edit::DocumentMut = out.parse().unwrap();
        assert_eq!(
            doc["mechanisms"]["hotline"]["enabled"].as_bool(),
            Some(true)
        );
        // Forward forces are sized in heavy brigades, not by a strength.
        assert!(doc["mechanisms"]["forward_forces"]
            .get("strength")
            .is_none());
        let heavy = doc["mechanisms"]["forward_forces"]["heavy"]
            .as_integer()
            .unwrap();
        let want = (p.coverage["eastern_flank_denial"] * FULL_DENIAL_HEAVY_BRIGADES).round() as i64;
        assert_eq!(heavy, want);

        let bad = text.replace("escalation_tolerance = 0.8", "escalation_tolerance = 8");
        let e = input_from_toml(&bad, "a.toml").unwrap_err().to_string();
        assert!(
            e.contains("a.toml") && e.contains("line 28") && e.contains("escalation_tolerance"),
            "{e}"
        );
    }
}
