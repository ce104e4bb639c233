//! The architecture file format: the Rust types a TOML architecture deserialises into. The
//! JSON Schema (`detente schema`) is derived from these types, so the documentation, the
//! validator and the parser cannot drift apart. Ranges are declared here with
//! `#[schemars(range)]` and enforced by the validator.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fields kept for the record that move no output of the model, as (schema definition,
/// property): marked `"x-documentary": true` in `detente schema`. The test
/// `every_numeric_input_moves_an_output_or_is_documentary` perturbs every numeric field of every
/// built-in and holds this list to account both ways.
pub const DOCUMENTARY: &[(&str, &str)] = &[
    ("Architecture", "description"),
    ("Architecture", "groups"),
    ("Actor", "name"),
    ("Actor", "forces_k"),
    ("Actor", "concerns"),
    ("Actor", "source"),
    ("Ceasefire", "dmz_width_km"),
];

/// Actor fields that move the model only for some roles, with the roles for which they are
/// documentary (`"x-documentary-for-roles"` in the schema): the profile of a NATO member counts
/// for NATO's actors (`us`, `european_ally`, `frontline_ally`); the share of GDP only for the
/// Europeans (it gives Europe's GDP, from which its spending path is reckoned).
pub const DOCUMENTARY_FOR_ROLES: &[(&str, &[&str])] = &[
    ("vulnerability", NON_NATO_ROLES),
    ("proximity_km", NON_NATO_ROLES),
    ("spending_usd_bn", NON_NATO_ROLES),
    ("escalation_tolerance", NON_NATO_ROLES),
    (
        "spending_pct_gdp",
        &["us", "partner", "russia", "russia_ally"],
    ),
];

/// The roles outside NATO.
pub const NON_NATO_ROLES: &[&str] = &["partner", "russia", "russia_ally"];

/// A post-war security architecture: actors, slow dynamics, mechanisms, ceasefire terms,
/// pathways, horizon.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    /// Short name of the architecture.
    pub name: String,
    /// One line saying what it is.
    #[serde(default)]
    pub description: String,
    /// Years simulated (1-50).
    #[schemars(range(min = 1, max = 50))]
    pub horizon_years: u32,
    /// Calendar year in which the run starts (historical settings, phased architectures);
    /// needed by mechanisms' `start_year`. Absent: runs are counted from year 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1900, max = 2200))]
    pub start_year: Option<u32>,
    /// Actors and groups of states with their profiles (brief, elements 1-2).
    pub actors: Vec<Actor>,
    /// Named coalitions of actors (e.g. NATO, the Russian bloc); members are actor ids.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Slow dynamics: rearmament, spending paths, cohesion, fatigue, connectivity (element 7).
    pub dynamics: Dynamics,
    /// Deterrence, risk-reduction, connectivity and burden-sharing mechanisms (elements 5, 6, 9,
    /// 10); a mechanism not written down (or the whole section) is off.
    #[serde(default)]
    pub mechanisms: Mechanisms,
    /// Terms of the Russia-Ukraine ceasefire (element 11).
    pub ceasefire: Ceasefire,
    /// The seven pathways to war (element 8).
    pub pathways: Pathways,
    /// Overrides of model parameters by name (see `docs/model.md`), e.g. `rearm_years = 7`.
    #[serde(default)]
    pub parameters: BTreeMap<String, f64>,
}

/// The part an actor plays in the model.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The United States.
    Us,
    /// A European NATO ally away from the frontline (or Canada).
    EuropeanAlly,
    /// A NATO frontline state (Nordics, Baltics, Poland).
    FrontlineAlly,
    /// A partner outside NATO (Ukraine, Moldova, Georgia).
    Partner,
    /// Russia.
    Russia,
    /// Russia's ally (Belarus).
    RussiaAlly,
}

/// An actor or group of states with its profile.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Identifier used in references (lowercase, e.g. `frontline`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The part it plays.
    pub role: Role,
    /// Vulnerability to Russia (proximity, exposure), 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub vulnerability: f64,
    /// Distance from Russian territory (km; 0 = shares a border).
    #[schemars(range(min = 0, max = 20000))]
    pub proximity_km: f64,
    /// Defence spending (US$ bn per year).
    #[schemars(range(min = 0, max = 5000))]
    pub spending_usd_bn: f64,
    /// Defence spending (% of GDP).
    #[schemars(range(min = 0.01, max = 60))]
    pub spending_pct_gdp: f64,
    /// Active military personnel (thousands); documentary (Russia's frontier forces are
    /// `dynamics.russia_forces_start_k`).
    #[schemars(range(min = 0, max = 10000))]
    pub forces_k: f64,
    /// Tolerance of escalation risk, 0 (averse) - 1 (tolerant).
    #[schemars(range(min = 0, max = 1))]
    pub escalation_tolerance: f64,
    /// Concerns, gravest first.
    #[serde(default)]
    pub concerns: Vec<String>,
    /// Where the figures come from.
    #[serde(default)]
    pub source: String,
}

/// A named coalition of actors.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// Actor ids.
    pub members: Vec<String>,
}

/// Slow dynamics over the horizon.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Dynamics {
    /// Russian forces near NATO's northern frontier at the start (thousand troops).
    #[schemars(range(min = 0, max = 1000))]
    pub russia_forces_start_k: f64,
    /// Their post-war target (thousand troops).
    #[schemars(range(min = 0, max = 1000))]
    pub russia_forces_target_k: f64,
    /// European allies' defence spending target (% of GDP); the start is computed from the actors.
    #[schemars(range(min = 0.5, max = 10))]
    pub europe_spending_target_pct: f64,
    /// Years to reach the spending target.
    #[schemars(range(min = 0, max = 30))]
    pub europe_spending_ramp_years: f64,
    /// Transatlantic cohesion at the start, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub cohesion_start: f64,
    /// Drift of cohesion per year.
    #[schemars(range(min = -0.2, max = 0.2))]
    pub cohesion_drift_per_year: f64,
    /// US commitment to European defence, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub us_commitment: f64,
    /// European war fatigue at the start, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub war_fatigue_start: f64,
    /// Growth of war fatigue per year.
    #[schemars(range(min = -0.2, max = 0.2))]
    pub war_fatigue_growth_per_year: f64,
    /// Connectivity with Russia at the start (fraction of pre-2022 trade, flights, exchanges).
    #[schemars(range(min = 0, max = 1))]
    pub connectivity_start: f64,
    /// Whether the Russia-Ukraine ceasefire holds at the start (false: war under way).
    #[serde(default = "yes")]
    pub ceasefire_holds_at_start: bool,
}

fn yes() -> bool {
    true
}

/// One of the engine's mechanisms (`detente_engine::mechanism`) as an architecture sets it,
/// under its key in `[mechanisms]`. Which optional keys a mechanism takes (`russian_consent`,
/// `leakage`, `start_year`, `end_year`) is the mechanism's own, from the registry; the schema
/// lists them per mechanism.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MechanismEntry {
    /// Whether it is in place; default true (a mechanism written down is on).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How fully it is in place on NATO's side, 0-1; default 1.
    #[serde(default = "one")]
    pub strength: f64,
    /// Share of the time Russia lets it work, 0-1, at its base threat perception (less as it
    /// feels more threatened; docs/model.md). 0: Russia refuses, and it has no effect at all.
    /// Default 1. Only for mechanisms that need Russia's agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub russian_consent: Option<f64>,
    /// Share of its effect lost (export controls: goods that get through anyway), 0-1;
    /// default 0. Only for mechanisms with a leakage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leakage: Option<f64>,
    /// Calendar year from which it works (January); before it the mechanism is absent.
    /// Needs the architecture's `start_year`; absent: from the run's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u32>,
    /// Last calendar year in which it works (to December); after it the mechanism is absent.
    /// Needs the architecture's `start_year`; absent: to the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<u32>,
}

impl MechanismEntry {
    /// The entry of a mechanism the architecture does not set: the defaults of one written
    /// down, switched off.
    pub fn off() -> MechanismEntry {
        MechanismEntry {
            enabled: false,
            strength: 1.0,
            russian_consent: None,
            leakage: None,
            start_year: None,
            end_year: None,
        }
    }
}

/// The schema of one registry mechanism's entry: the keys it takes, with their ranges.
fn mechanism_entry_schema(m: &dyn detente_engine::mechanism::Mechanism) -> serde_json::Value {
    use serde_json::json;
    let share = |description: &str| {
        json!({"type": "number", "format": "double", "minimum": 0.0, "maximum": 1.0,
               "description": description})
    };
    let year = |description: &str| {
        json!({"type": "integer", "format": "uint32", "minimum": 1900.0, "maximum": 2200.0,
               "description": description})
    };
    let mut properties = serde_json::Map::new();
    properties.insert(
        "enabled".into(),
        json!({"type": "boolean", "description": "Whether it is in place; default true (a mechanism written down is on)."}),
    );
    properties.insert("strength".into(), share(m.strength_doc()));
    if m.needs_consent() {
        properties.insert("russian_consent".into(), share("Share of the time Russia lets the channel work, 0-1, at its base threat perception (less as it feels more threatened; docs/model.md). 0: Russia refuses, and the mechanism has no effect at all. Default 1."));
    }
    if m.has_leakage() {
        properties.insert(
            "leakage".into(),
            share("Share of its effect lost (goods that get through third countries, evasion), 0-1; default 0."),
        );
    }
    if m.timed() {
        properties.insert("start_year".into(), year("Calendar year from which it works (January); before it the mechanism is absent. Needs the architecture's `start_year`; absent: from the run's start."));
        properties.insert("end_year".into(), year("Last calendar year in which it works (to December); after it the mechanism is absent. Needs the architecture's `start_year`; absent: to the horizon."));
    }
    json!({
        "type": "object",
        "description": m.doc(),
        "properties": properties,
        "additionalProperties": false,
    })
}

/// Forward forces for deterrence by denial on the eastern flank. A table written down is on
/// (`enabled` default true) with the 2025 posture and no brigades added unless it says otherwise.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForwardForces {
    /// Whether brigades are added; default true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Base posture of forces in place: `posture-2016` or `posture-2025` (default).
    #[serde(default = "posture_2025")]
    pub posture: Posture,
    /// Heavy (armoured) NATO brigades added in place; default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 30))]
    pub heavy: u32,
    /// Mechanised brigades added in place; default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 30))]
    pub mechanised: u32,
    /// Light brigades added in place; default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 30))]
    pub light: u32,
}

fn posture_2025() -> Posture {
    Posture::Posture2025
}

impl Default for ForwardForces {
    /// None added to the 2025 posture (the architecture does not set forward forces).
    fn default() -> Self {
        ForwardForces {
            enabled: false,
            posture: Posture::Posture2025,
            heavy: 0,
            mechanised: 0,
            light: 0,
        }
    }
}

/// A base force posture in and near the Baltic states.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum Posture {
    #[serde(rename = "posture-2016")]
    Posture2016,
    #[serde(rename = "posture-2025")]
    Posture2025,
}

impl Posture {
    pub fn name(self) -> &'static str {
        match self {
            Posture::Posture2016 => "posture-2016",
            Posture::Posture2025 => "posture-2025",
        }
    }
}

/// All mechanisms of an architecture: forward forces, and any of the engine's registered
/// mechanisms (`detente_engine::mechanism::REGISTRY`) under its key. A mechanism not written
/// down is off; files that set every mechanism keep working. After parsing, every registered
/// mechanism has an entry (those not written down [`MechanismEntry::off`]).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Mechanisms {
    /// Forward forces for deterrence by denial (default: none added to the 2025 posture).
    #[serde(default)]
    pub forward_forces: ForwardForces,
    /// The registered mechanisms, by key.
    #[serde(flatten)]
    pub entries: BTreeMap<String, MechanismEntry>,
}

impl Mechanisms {
    /// The entry of mechanism `key` (off if the architecture does not set it).
    pub fn get(&self, key: &str) -> MechanismEntry {
        self.entries
            .get(key)
            .cloned()
            .unwrap_or_else(MechanismEntry::off)
    }

    /// The entry of mechanism `key`, created (off) if missing.
    pub fn entry(&mut self, key: &str) -> &mut MechanismEntry {
        self.entries
            .entry(key.to_string())
            .or_insert_with(MechanismEntry::off)
    }

    /// Fills in every registered mechanism the architecture does not set, as off, and in every
    /// entry the defaults of the optional shares the mechanism takes (consent 1, leakage 0), so
    /// the parsed architecture shows every value the model reads.
    pub fn complete(&mut self) {
        for m in detente_engine::REGISTRY {
            let entry = self.entry(m.key());
            if m.needs_consent() {
                entry.russian_consent.get_or_insert(1.0);
            }
            if m.has_leakage() {
                entry.leakage.get_or_insert(0.0);
            }
        }
    }
}

impl Serialize for Mechanisms {
    /// Forward forces first, then the registered mechanisms in registry order (any other key
    /// after them).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.entries.len() + 1))?;
        map.serialize_entry("forward_forces", &self.forward_forces)?;
        let registered: Vec<&str> = detente_engine::REGISTRY.iter().map(|m| m.key()).collect();
        for key in &registered {
            if let Some(entry) = self.entries.get(*key) {
                map.serialize_entry(key, entry)?;
            }
        }
        for (key, entry) in &self.entries {
            if !registered.contains(&key.as_str()) {
                map.serialize_entry(key, entry)?;
            }
        }
        map.end()
    }
}

impl JsonSchema for Mechanisms {
    fn schema_name() -> String {
        "Mechanisms".into()
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "forward_forces".into(),
            serde_json::to_value(gen.subschema_for::<ForwardForces>()).unwrap_or_default(),
        );
        for m in detente_engine::REGISTRY {
            properties.insert(m.key().into(), mechanism_entry_schema(m));
        }
        serde_json::from_value(serde_json::json!({
            "type": "object",
            "description": "The architecture's mechanisms, each under its key; a mechanism not written down is off.",
            "properties": properties,
            "additionalProperties": false,
        }))
        .unwrap_or(schemars::schema::Schema::Bool(true))
    }
}

/// Third-party monitoring of the ceasefire.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Monitoring {
    None,
    Observers,
    Peacekeepers,
}

/// Terms of the Russia-Ukraine ceasefire.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ceasefire {
    /// A formal, written agreement (as opposed to a de facto ceasefire).
    pub formal: bool,
    /// Specificity of the terms, 0 (vague) - 1 (specific, with implementation measures).
    #[schemars(range(min = 0, max = 1))]
    pub specificity: f64,
    /// A demilitarised zone.
    pub dmz: bool,
    /// Width of the demilitarised zone (km); documentary, 0 when there is none.
    #[serde(default)]
    #[schemars(range(min = 0, max = 200))]
    pub dmz_width_km: f64,
    /// Third-party monitoring.
    pub monitoring: Monitoring,
    /// A joint dispute-resolution body.
    pub dispute_resolution: bool,
    /// Share of the time Russia lets the terms that need it on the ground work (the
    /// demilitarised zone, monitoring, the dispute-resolution body), 0-1; default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 1))]
    pub russian_consent: f64,
    /// Strength of a third-party security guarantee for the ceasefire (guarantors committed to
    /// act if it breaks), 0 (none) - 1 (full); default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub guarantee: f64,
    /// Years the ceasefire has already held at the start; default 0 (a new ceasefire). One that
    /// has held longer is likelier durable.
    #[serde(default)]
    #[schemars(range(min = 0, max = 50))]
    pub age_years: f64,
}

/// A pathway's switch and rate multiplier.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PathwaySpec {
    pub enabled: bool,
    /// Multiplier on the pathway's base trigger rate (1 = the model's default).
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 20))]
    pub rate_multiplier: f64,
}

fn one() -> f64 {
    1.0
}

/// The seven pathways (a)-(g).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pathways {
    pub gray_zone: PathwaySpec,
    pub snap_exercise: PathwaySpec,
    pub ukraine_spillover: PathwaySpec,
    pub belarus: PathwaySpec,
    pub moldova_georgia: PathwaySpec,
    pub deliberate_attack: PathwaySpec,
    pub hybrid: PathwaySpec,
}
