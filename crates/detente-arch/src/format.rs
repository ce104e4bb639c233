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
    /// Deterrence, risk-reduction, connectivity and burden-sharing mechanisms (elements 5, 6, 9, 10).
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

/// A mechanism that is on or off and, when on, has a strength.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mechanism {
    pub enabled: bool,
    /// How fully it is in place, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub strength: f64,
    /// Calendar year from which it works (January); before it the mechanism is absent.
    /// Needs the architecture's `start_year`; absent: from the run's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1900, max = 2200))]
    pub start_year: Option<u32>,
}

/// A mechanism that works only with Russia's agreement (a hotline is used by both ends, a
/// code of conduct and notification regimes bind both sides, arms control is a treaty).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AgreedMechanism {
    pub enabled: bool,
    /// How fully it is in place on NATO's side, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub strength: f64,
    /// Share of the time Russia lets the channel work, 0-1, at its base threat perception
    /// (less as it feels more threatened; docs/model.md). 0: Russia refuses, and the mechanism
    /// has no effect at all. Default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 1))]
    pub russian_consent: f64,
    /// Calendar year from which it works (January); before it the mechanism is absent.
    /// Needs the architecture's `start_year`; absent: from the run's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1900, max = 2200))]
    pub start_year: Option<u32>,
}

/// Forward forces for deterrence by denial on the eastern flank.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForwardForces {
    pub enabled: bool,
    /// Base posture of forces in place: `posture-2016` or `posture-2025`.
    pub posture: Posture,
    /// Heavy (armoured) NATO brigades added in place.
    #[schemars(range(min = 0, max = 30))]
    pub heavy: u32,
    /// Mechanised brigades added in place.
    #[schemars(range(min = 0, max = 30))]
    pub mechanised: u32,
    /// Light brigades added in place.
    #[schemars(range(min = 0, max = 30))]
    pub light: u32,
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

/// A CoCom-like multilateral export-control regime for military and dual-use goods.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExportControls {
    pub enabled: bool,
    /// Coverage of military and dual-use goods, 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub strength: f64,
    /// Fraction of controlled goods that leaks through (third countries, evasion), 0-1.
    #[schemars(range(min = 0, max = 1))]
    pub leakage: f64,
}

/// All mechanisms of an architecture.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// NATO/European-Russian crisis hotlines.
    pub hotline: AgreedMechanism,
    /// An Incidents-at-Sea-style code of conduct for ships and aircraft.
    pub incidents_code: AgreedMechanism,
    /// Notification and observation of exercises, snap checks included.
    pub exercise_notification: AgreedMechanism,
    /// Dialogue kept open during crises.
    pub crisis_dialogue: AgreedMechanism,
    /// Arms control (limits on long-range and nuclear systems).
    pub arms_control: AgreedMechanism,
    /// Forward forces for deterrence by denial.
    pub forward_forces: ForwardForces,
    /// A "porcupine" package for Ukraine (air defence, counter-mobility).
    pub porcupine: Mechanism,
    /// Defence of infrastructure against hybrid attacks.
    pub hybrid_defence: Mechanism,
    /// CoCom-like export controls.
    pub export_controls: ExportControls,
    /// Managed connectivity (trade, flights, exchanges); strength is the target as a fraction of pre-2022 levels.
    pub managed_connectivity: Mechanism,
    /// Joint production and stockpile replenishment.
    pub joint_production: Mechanism,
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
