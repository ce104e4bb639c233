//! Postures: the complete, serialisable input of one campaign — the axes of advance with their
//! legs, terrain and objectives, the attacker's and the defender's units (kind, size in
//! battalion-equivalents, readiness, axis, position and hour of arrival), air power and the
//! model constants. A posture is either one of the built-ins (`posture-2016`, `posture-2025`,
//! see [`crate::builtin`]) or read from a TOML file whose format is this module's structs;
//! unknown keys are rejected with the line, the field and the list of allowed fields. Every
//! number here is documented, with unit, source or "assumption" and a range, in
//! `docs/campaign.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Kind of a unit; combat power per battalion is set in [`ModelParams`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// Tank (armoured) battalion.
    Tank,
    /// Motor-rifle / mechanised infantry battalion (tracked or wheeled IFVs).
    MotorRifle,
    /// Airborne / air-assault battalion.
    Airborne,
    /// Light (foot or truck-mounted) infantry battalion.
    Light,
    /// Territorial / home-guard battalion-equivalent (Kaitseliit, Zemessardze, KASP).
    Territorial,
    /// Artillery or rocket-artillery battalion (fires; adds to combat power in contact).
    Artillery,
    /// Ground-based air-defence battalion (attacker: shields against NATO air power;
    /// defender: blunts the attacker's air support).
    AirDefence,
}

impl UnitKind {
    /// All kinds, in a fixed order.
    pub const ALL: [UnitKind; 7] = [
        UnitKind::Tank,
        UnitKind::MotorRifle,
        UnitKind::Airborne,
        UnitKind::Light,
        UnitKind::Territorial,
        UnitKind::Artillery,
        UnitKind::AirDefence,
    ];

    /// Kebab-case name as used in TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Tank => "tank",
            UnitKind::MotorRifle => "motor-rifle",
            UnitKind::Airborne => "airborne",
            UnitKind::Light => "light",
            UnitKind::Territorial => "territorial",
            UnitKind::Artillery => "artillery",
            UnitKind::AirDefence => "air-defence",
        }
    }
}

/// Terrain of a leg; sets the defence multiplier and the speed factors in [`ModelParams`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Terrain {
    /// Open farmland, good roads.
    Open,
    /// Mixed farmland and forest.
    Mixed,
    /// Forest, bog and lakes: few roads, good for the defence.
    Forest,
    /// Built-up area (a city's outskirts).
    Urban,
}

/// One leg of an axis: from the previous objective (or the start line) to `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    /// Objective at the end of the leg (a city or the corridor); reported in the results.
    pub to: String,
    /// Road distance of the leg, km.
    pub km: f64,
    /// Dominant terrain of the leg.
    pub terrain: Terrain,
}

/// An axis of advance: a chain of legs from the start line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Identifier, referenced by units.
    pub name: String,
    /// Legs in order from the start line.
    #[serde(rename = "leg")]
    pub legs: Vec<Leg>,
}

/// One unit (or a group of like battalions) of either side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Free-text name (for reports).
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Size in battalion-equivalents (≥ 0).
    pub battalions: f64,
    /// Readiness in [0, 1]: the fraction of nominal combat power available.
    pub readiness: f64,
    /// Axis the unit fights on.
    pub axis: String,
    /// Defender only: where it stands — `"forward"` (the border line) or the name of an
    /// objective on its axis (it defends that objective's outskirts). Reinforcements
    /// (`arrival_hour > 0`) join the first unbroken line ahead of the attacker instead.
    #[serde(default = "forward")]
    pub position: String,
    /// Hour after the attack starts at which the unit is available on its axis (0 = in place).
    #[serde(default)]
    pub arrival_hour: f64,
}

fn forward() -> String {
    "forward".to_string()
}

/// Air power and long-range fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirParams {
    /// NATO air-to-ground attrition at full strength against an unprotected attacker,
    /// combat-power units per hour (whole theatre).
    pub nato_kill_cp_per_hour: f64,
    /// Fraction of full NATO air strength available at hour 0.
    pub nato_initial_fraction: f64,
    /// Hours for NATO air power to ramp linearly from the initial fraction to full.
    pub nato_ramp_hours: f64,
    /// How much each attacker air-defence battalion (at readiness 1) cuts NATO air
    /// effectiveness: effectiveness = 1 / (1 + iads_per_bn · Σ bn).
    pub iads_per_bn: f64,
    /// E-folding time of the attacker's air defence under NATO suppression (SEAD), hours.
    pub sead_hours: f64,
    /// Slow-down of the attacker's unopposed movement by air interdiction at full NATO air
    /// effectiveness: speed ÷ (1 + interdiction_slowdown · effectiveness).
    pub interdiction_slowdown: f64,
    /// Attacker air support and long-range fires as a multiplier bonus on the attacker's
    /// combat power in contact: × (1 + bonus / (1 + defender_ad_per_bn · Σ defender AD bn)).
    pub attacker_air_bonus: f64,
    /// How much each defender air-defence battalion cuts the attacker's air bonus.
    pub defender_ad_per_bn: f64,
    /// Fraction of the defender's in-place combat power destroyed by the attacker's opening
    /// missile and air strikes at hour 0.
    pub opening_strike_loss: f64,
}

/// Model constants (attrition, advance, breakpoints, noise). Defaults documented in
/// `docs/campaign.md`; any may be overridden in a posture file's `[model]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelParams {
    /// Combat power per battalion by kind, in tank-battalion equivalents (tank = 1).
    pub cp_tank: f64,
    /// See `cp_tank`.
    pub cp_motor_rifle: f64,
    /// See `cp_tank`.
    pub cp_airborne: f64,
    /// See `cp_tank`.
    pub cp_light: f64,
    /// See `cp_tank`.
    pub cp_territorial: f64,
    /// See `cp_tank`.
    pub cp_artillery: f64,
    /// Helmbold exponent W (1 = Lanchester square law, 0 = linear law).
    pub helmbold_w: f64,
    /// Attrition coefficient of the attacker: loss per hour = c · a^(1−W) · De^W.
    pub attrition_attacker: f64,
    /// Attrition coefficient of the defender: loss per hour = c · d^(1−W) · Ae^W.
    pub attrition_defender: f64,
    /// Dupuy-style posture factor of a defender in a (hastily) prepared position.
    pub defence_posture_factor: f64,
    /// Defence multiplier by terrain.
    pub terrain_defence_open: f64,
    /// See `terrain_defence_open`.
    pub terrain_defence_mixed: f64,
    /// See `terrain_defence_open`.
    pub terrain_defence_forest: f64,
    /// See `terrain_defence_open`.
    pub terrain_defence_urban: f64,
    /// Opposed advance at force ratio 3:1 in open terrain, km/h.
    pub advance_kmh_at_3to1: f64,
    /// Cap on the opposed advance rate, km/h.
    pub advance_kmh_max: f64,
    /// Unopposed (exploitation) movement rate in open terrain, km/h averaged over the day.
    pub exploit_kmh: f64,
    /// Speed factor by terrain (applies to opposed and unopposed movement).
    pub speed_open: f64,
    /// See `speed_open`.
    pub speed_mixed: f64,
    /// See `speed_open`.
    pub speed_forest: f64,
    /// See `speed_open`.
    pub speed_urban: f64,
    /// Counter-mobility (obstacles, demolitions, mines): unopposed speed ÷ (1 + this).
    pub counter_mobility: f64,
    /// Defender line breaks when its losses reach this fraction of its strength on the line
    /// (mean of a uniform draw of ± `breakpoint_spread`).
    pub defender_breakpoint_loss: f64,
    /// Half-width of the uniform draw of the defender breakpoint.
    pub breakpoint_spread: f64,
    /// Line also breaks when the effective force ratio reaches this (overrun).
    pub overrun_ratio: f64,
    /// Fraction of a broken line's survivors that reach the next line.
    pub retreat_fraction: f64,
    /// Attacker on an axis halts (culminates) when it is below this fraction of the combat
    /// power committed to that axis.
    pub attacker_breakpoint_remaining: f64,
    /// Log-normal σ of the attacker's theatre-wide effectiveness.
    pub sigma_attacker: f64,
    /// Log-normal σ of the defender's theatre-wide effectiveness.
    pub sigma_defender: f64,
    /// Log-normal σ of NATO air effectiveness.
    pub sigma_air: f64,
    /// Log-normal σ of the reinforcement delay factor (multiplies arrival hours).
    pub sigma_reinforcement_delay: f64,
    /// Log-normal σ of the attacker's movement tempo.
    pub sigma_tempo: f64,
    /// Log-normal σ of the local force-ratio noise on each axis.
    pub sigma_axis: f64,
}

impl Default for ModelParams {
    fn default() -> Self {
        ModelParams {
            cp_tank: 1.0,
            cp_motor_rifle: 0.8,
            cp_airborne: 0.55,
            cp_light: 0.4,
            cp_territorial: 0.2,
            cp_artillery: 0.5,
            helmbold_w: 1.0,
            attrition_attacker: 0.006,
            attrition_defender: 0.004,
            defence_posture_factor: 1.3,
            terrain_defence_open: 1.0,
            terrain_defence_mixed: 1.15,
            terrain_defence_forest: 1.35,
            terrain_defence_urban: 1.6,
            advance_kmh_at_3to1: 0.4,
            advance_kmh_max: 1.5,
            exploit_kmh: 9.0,
            speed_open: 1.0,
            speed_mixed: 0.85,
            speed_forest: 0.7,
            speed_urban: 0.5,
            counter_mobility: 0.0,
            defender_breakpoint_loss: 0.4,
            breakpoint_spread: 0.1,
            overrun_ratio: 8.0,
            retreat_fraction: 0.6,
            attacker_breakpoint_remaining: 0.5,
            sigma_attacker: 0.15,
            sigma_defender: 0.2,
            sigma_air: 0.35,
            sigma_reinforcement_delay: 0.3,
            sigma_tempo: 0.2,
            sigma_axis: 0.15,
        }
    }
}

impl ModelParams {
    /// Combat power per battalion of a kind (air defence contributes none on the ground).
    pub fn cp_per_bn(&self, kind: UnitKind) -> f64 {
        match kind {
            UnitKind::Tank => self.cp_tank,
            UnitKind::MotorRifle => self.cp_motor_rifle,
            UnitKind::Airborne => self.cp_airborne,
            UnitKind::Light => self.cp_light,
            UnitKind::Territorial => self.cp_territorial,
            UnitKind::Artillery => self.cp_artillery,
            UnitKind::AirDefence => 0.0,
        }
    }

    /// Defence multiplier of a terrain.
    pub fn terrain_defence(&self, t: Terrain) -> f64 {
        match t {
            Terrain::Open => self.terrain_defence_open,
            Terrain::Mixed => self.terrain_defence_mixed,
            Terrain::Forest => self.terrain_defence_forest,
            Terrain::Urban => self.terrain_defence_urban,
        }
    }

    /// Speed factor of a terrain.
    pub fn terrain_speed(&self, t: Terrain) -> f64 {
        match t {
            Terrain::Open => self.speed_open,
            Terrain::Mixed => self.speed_mixed,
            Terrain::Forest => self.speed_forest,
            Terrain::Urban => self.speed_urban,
        }
    }
}

/// Which quick fall counts as the attacker's "quick success".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickSuccess {
    /// Objectives any one of which, taken in time, is a quick success.
    pub objectives: Vec<String>,
    /// Deadline, hours after the attack starts.
    pub hours: f64,
}

impl Default for QuickSuccess {
    fn default() -> Self {
        QuickSuccess {
            objectives: vec!["Tallinn".into(), "Riga".into()],
            hours: 168.0,
        }
    }
}

/// A complete campaign input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posture {
    /// Name of the posture.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// Simulated window, hours (24..=2160).
    #[serde(default = "default_horizon")]
    pub horizon_hours: f64,
    /// Definition of the attacker's quick success.
    #[serde(default)]
    pub quick_success: QuickSuccess,
    /// Axis names in the order added brigades are assigned to them (round robin per kind).
    #[serde(default)]
    pub add_priority: Vec<String>,
    /// Axes of advance.
    #[serde(rename = "axis")]
    pub axes: Vec<Axis>,
    /// Attacker units.
    #[serde(rename = "attacker")]
    pub attacker: Vec<Unit>,
    /// Defender units, in place and reinforcing.
    #[serde(rename = "defender")]
    pub defender: Vec<Unit>,
    /// Air power and long-range fires.
    pub air: AirParams,
    /// Model constants.
    #[serde(default)]
    pub model: ModelParams,
}

fn default_horizon() -> f64 {
    720.0
}

/// Kind of brigade that `--add-brigades` adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BrigadeKind {
    /// Armoured brigade (US ABCT-like): 2 tank + 2 mechanised battalions + 1 artillery.
    Heavy,
    /// Mechanised brigade: 3 mechanised battalions + 1 artillery.
    Mechanised,
    /// Light brigade: 3 light battalions + 1 artillery.
    Light,
}

impl BrigadeKind {
    /// Parse `heavy`, `mechanised`/`mechanized`/`mech`, `light`.
    pub fn parse(s: &str) -> Option<BrigadeKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "heavy" | "armoured" | "armored" => Some(BrigadeKind::Heavy),
            "mechanised" | "mechanized" | "mech" => Some(BrigadeKind::Mechanised),
            "light" => Some(BrigadeKind::Light),
            _ => None,
        }
    }

    /// Battalions of the brigade by kind.
    pub fn battalions(self) -> &'static [(UnitKind, f64)] {
        match self {
            BrigadeKind::Heavy => &[
                (UnitKind::Tank, 2.0),
                (UnitKind::MotorRifle, 2.0),
                (UnitKind::Artillery, 1.0),
            ],
            BrigadeKind::Mechanised => &[(UnitKind::MotorRifle, 3.0), (UnitKind::Artillery, 1.0)],
            BrigadeKind::Light => &[(UnitKind::Light, 3.0), (UnitKind::Artillery, 1.0)],
        }
    }

    fn label(self) -> &'static str {
        match self {
            BrigadeKind::Heavy => "heavy",
            BrigadeKind::Mechanised => "mechanised",
            BrigadeKind::Light => "light",
        }
    }
}

/// Readiness of a brigade added in place at the outset (assumption, see docs).
pub const ADDED_BRIGADE_READINESS: f64 = 0.9;

/// An invalid posture.
#[derive(Debug, thiserror::Error)]
pub enum PostureError {
    /// TOML syntax or an unknown/missing/mistyped field; the message gives line and column.
    #[error("{0}")]
    Parse(String),
    /// A value out of range or a dangling reference.
    #[error("{0}")]
    Invalid(String),
}

impl Posture {
    /// A built-in posture by name (`posture-2016`, `posture-2025`).
    pub fn builtin(name: &str) -> Option<Posture> {
        crate::builtin::builtin(name)
    }

    /// Names and descriptions of the built-in postures.
    pub fn builtin_names() -> Vec<(&'static str, &'static str)> {
        crate::builtin::NAMES.to_vec()
    }

    /// This posture with NATO brigades added in place at the outset, at readiness
    /// [`ADDED_BRIGADE_READINESS`], on the border line of the axes in `add_priority`
    /// (round robin, separately for each kind, so adding a brigade never moves another).
    pub fn with_added_brigades(&self, heavy: u32, mechanised: u32, light: u32) -> Posture {
        let mut p = self.clone();
        let axes: Vec<String> = if p.add_priority.is_empty() {
            p.axes.iter().map(|a| a.name.clone()).collect()
        } else {
            p.add_priority.clone()
        };
        if axes.is_empty() {
            return p;
        }
        for (kind, n) in [
            (BrigadeKind::Heavy, heavy),
            (BrigadeKind::Mechanised, mechanised),
            (BrigadeKind::Light, light),
        ] {
            for i in 0..n {
                let axis = &axes[i as usize % axes.len()];
                for &(uk, bn) in kind.battalions() {
                    p.defender.push(Unit {
                        name: format!("added {} brigade #{}", kind.label(), i + 1),
                        kind: uk,
                        battalions: bn,
                        readiness: ADDED_BRIGADE_READINESS,
                        axis: axis.clone(),
                        position: "forward".into(),
                        arrival_hour: 0.0,
                    });
                }
            }
        }
        if heavy + mechanised + light > 0 {
            p.name = format!("{}+{}H{}M{}L", self.name, heavy, mechanised, light);
        }
        p
    }

    /// This posture with every attacker unit's size multiplied by `factor` (≥ 0): the
    /// limited-grab force drawn from frontier forces `factor` times those it stands for.
    pub fn with_attacker_scaled(&self, factor: f64) -> Posture {
        let mut p = self.clone();
        let factor = if factor.is_finite() {
            factor.max(0.0)
        } else {
            1.0
        };
        for unit in &mut p.attacker {
            unit.battalions *= factor;
        }
        if factor != 1.0 {
            p.name = format!("{}×{factor}", self.name);
        }
        p
    }

    /// Parse and validate a posture from TOML text. `origin` (e.g. the file name) prefixes
    /// error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Posture, PostureError> {
        let p: Posture = toml_edit::de::from_str(text)
            .map_err(|e| PostureError::Parse(format!("{origin}: {}", e.to_string().trim_end())))?;
        p.validate()
            .map_err(|m| PostureError::Invalid(format!("{origin}: {m}")))?;
        Ok(p)
    }

    /// Serialise to TOML (the file format).
    pub fn to_toml_string(&self) -> String {
        toml_edit::ser::to_string_pretty(self).unwrap_or_else(|e| format!("# error: {e}\n"))
    }

    /// All objectives, in order of first appearance along the axes.
    pub fn objectives(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in &self.axes {
            for l in &a.legs {
                if !out.contains(&l.to) {
                    out.push(l.to.clone());
                }
            }
        }
        out
    }

    /// Check ranges and references; the message names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        fn finite_in(v: f64, lo: f64, hi: f64, what: &str) -> Result<(), String> {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(format!("{what} = {v} is out of range [{lo}, {hi}]"))
            }
        }
        finite_in(self.horizon_hours, 24.0, 2160.0, "horizon_hours")?;
        if self.axes.is_empty() {
            return Err("at least one [[axis]] is required".into());
        }
        let mut names = BTreeSet::new();
        for (i, a) in self.axes.iter().enumerate() {
            if !names.insert(a.name.as_str()) {
                return Err(format!("axis[{i}].name = {:?} is duplicated", a.name));
            }
            if a.legs.is_empty() {
                return Err(format!("axis {:?} has no [[axis.leg]]", a.name));
            }
            for (j, l) in a.legs.iter().enumerate() {
                finite_in(l.km, 0.1, 2000.0, &format!("axis {:?} leg[{j}].km", a.name))?;
                if l.to.trim().is_empty() || l.to == "forward" {
                    return Err(format!(
                        "axis {:?} leg[{j}].to must name an objective (not empty or \"forward\")",
                        a.name
                    ));
                }
            }
        }
        let allowed_axes = || names.iter().cloned().collect::<Vec<_>>().join(", ");
        for (side, units) in [("attacker", &self.attacker), ("defender", &self.defender)] {
            for (i, u) in units.iter().enumerate() {
                let what = format!("{side}[{i}] ({:?})", u.name);
                finite_in(u.battalions, 0.0, 1000.0, &format!("{what}.battalions"))?;
                finite_in(u.readiness, 0.0, 1.0, &format!("{what}.readiness"))?;
                finite_in(u.arrival_hour, 0.0, 1e5, &format!("{what}.arrival_hour"))?;
                let Some(axis) = self.axes.iter().find(|a| a.name == u.axis) else {
                    return Err(format!(
                        "{what}.axis = {:?} is not an axis; allowed: {}",
                        u.axis,
                        allowed_axes()
                    ));
                };
                if u.position != "forward" && !axis.legs.iter().any(|l| l.to == u.position) {
                    let allowed: Vec<&str> = std::iter::once("forward")
                        .chain(axis.legs.iter().map(|l| l.to.as_str()))
                        .collect();
                    return Err(format!(
                        "{what}.position = {:?} is not on axis {:?}; allowed: {}",
                        u.position,
                        u.axis,
                        allowed.join(", ")
                    ));
                }
                if side == "attacker" && u.position != "forward" {
                    return Err(format!(
                        "{what}.position: attacker units start at the start line; omit position"
                    ));
                }
            }
        }
        if self.attacker.is_empty() {
            return Err("at least one [[attacker]] unit is required".into());
        }
        for a in &self.add_priority {
            if !names.contains(a.as_str()) {
                return Err(format!(
                    "add_priority entry {a:?} is not an axis; allowed: {}",
                    allowed_axes()
                ));
            }
        }
        let objectives = self.objectives();
        for o in &self.quick_success.objectives {
            if !objectives.contains(o) {
                return Err(format!(
                    "quick_success.objectives entry {o:?} is not an objective; allowed: {}",
                    objectives.join(", ")
                ));
            }
        }
        finite_in(self.quick_success.hours, 1.0, 1e5, "quick_success.hours")?;
        let a = &self.air;
        finite_in(
            a.nato_kill_cp_per_hour,
            0.0,
            100.0,
            "air.nato_kill_cp_per_hour",
        )?;
        finite_in(
            a.nato_initial_fraction,
            0.0,
            1.0,
            "air.nato_initial_fraction",
        )?;
        finite_in(a.nato_ramp_hours, 0.0, 1e4, "air.nato_ramp_hours")?;
        finite_in(a.iads_per_bn, 0.0, 100.0, "air.iads_per_bn")?;
        finite_in(a.sead_hours, 1.0, 1e6, "air.sead_hours")?;
        finite_in(
            a.interdiction_slowdown,
            0.0,
            100.0,
            "air.interdiction_slowdown",
        )?;
        finite_in(a.attacker_air_bonus, 0.0, 100.0, "air.attacker_air_bonus")?;
        finite_in(a.defender_ad_per_bn, 0.0, 100.0, "air.defender_ad_per_bn")?;
        finite_in(a.opening_strike_loss, 0.0, 1.0, "air.opening_strike_loss")?;
        let m = &self.model;
        for (v, lo, hi, n) in [
            (m.cp_tank, 0.0, 100.0, "model.cp_tank"),
            (m.cp_motor_rifle, 0.0, 100.0, "model.cp_motor_rifle"),
            (m.cp_airborne, 0.0, 100.0, "model.cp_airborne"),
            (m.cp_light, 0.0, 100.0, "model.cp_light"),
            (m.cp_territorial, 0.0, 100.0, "model.cp_territorial"),
            (m.cp_artillery, 0.0, 100.0, "model.cp_artillery"),
            (m.helmbold_w, 0.0, 1.0, "model.helmbold_w"),
            (m.attrition_attacker, 0.0, 1.0, "model.attrition_attacker"),
            (m.attrition_defender, 0.0, 1.0, "model.attrition_defender"),
            (
                m.defence_posture_factor,
                0.1,
                10.0,
                "model.defence_posture_factor",
            ),
            (
                m.terrain_defence_open,
                0.1,
                10.0,
                "model.terrain_defence_open",
            ),
            (
                m.terrain_defence_mixed,
                0.1,
                10.0,
                "model.terrain_defence_mixed",
            ),
            (
                m.terrain_defence_forest,
                0.1,
                10.0,
                "model.terrain_defence_forest",
            ),
            (
                m.terrain_defence_urban,
                0.1,
                10.0,
                "model.terrain_defence_urban",
            ),
            (
                m.advance_kmh_at_3to1,
                0.0,
                100.0,
                "model.advance_kmh_at_3to1",
            ),
            (m.advance_kmh_max, 0.0, 100.0, "model.advance_kmh_max"),
            (m.exploit_kmh, 0.01, 100.0, "model.exploit_kmh"),
            (m.speed_open, 0.01, 10.0, "model.speed_open"),
            (m.speed_mixed, 0.01, 10.0, "model.speed_mixed"),
            (m.speed_forest, 0.01, 10.0, "model.speed_forest"),
            (m.speed_urban, 0.01, 10.0, "model.speed_urban"),
            (m.counter_mobility, 0.0, 100.0, "model.counter_mobility"),
            (
                m.defender_breakpoint_loss,
                0.01,
                1.0,
                "model.defender_breakpoint_loss",
            ),
            (m.breakpoint_spread, 0.0, 0.5, "model.breakpoint_spread"),
            (m.overrun_ratio, 1.0, 1e6, "model.overrun_ratio"),
            (m.retreat_fraction, 0.0, 1.0, "model.retreat_fraction"),
            (
                m.attacker_breakpoint_remaining,
                0.0,
                1.0,
                "model.attacker_breakpoint_remaining",
            ),
            (m.sigma_attacker, 0.0, 3.0, "model.sigma_attacker"),
            (m.sigma_defender, 0.0, 3.0, "model.sigma_defender"),
            (m.sigma_air, 0.0, 3.0, "model.sigma_air"),
            (
                m.sigma_reinforcement_delay,
                0.0,
                3.0,
                "model.sigma_reinforcement_delay",
            ),
            (m.sigma_tempo, 0.0, 3.0, "model.sigma_tempo"),
            (m.sigma_axis, 0.0, 3.0, "model.sigma_axis"),
        ] {
            finite_in(v, lo, hi, n)?;
        }
        Ok(())
    }
}

/// Parse `KIND=N[,KIND=N]` (e.g. `heavy=3,light=2`) into (heavy, mechanised, light).
pub fn parse_add_brigades(spec: &str) -> Result<(u32, u32, u32), String> {
    let mut out = (0u32, 0u32, 0u32);
    let mut seen = std::collections::HashSet::new();
    if spec.trim().is_empty() {
        return Err("--add-brigades is empty; expected KIND=N[,KIND=N] with KIND one of heavy, mechanised, light".into());
    }
    for part in spec.split(',') {
        let Some((k, n)) = part.split_once('=') else {
            return Err(format!(
                "--add-brigades: {part:?} is not KIND=N (KIND one of heavy, mechanised, light; N a whole number 0..=50)"
            ));
        };
        let kind = BrigadeKind::parse(k).ok_or_else(|| {
            format!(
                "--add-brigades: unknown brigade kind {:?}; allowed: heavy, mechanised, light",
                k.trim()
            )
        })?;
        let n: u32 = n.trim().parse().ok().filter(|&n| n <= 50).ok_or_else(|| {
            format!(
                "--add-brigades: {:?} is not a whole number 0..=50",
                n.trim()
            )
        })?;
        let slot = match kind {
            BrigadeKind::Heavy => &mut out.0,
            BrigadeKind::Mechanised => &mut out.1,
            BrigadeKind::Light => &mut out.2,
        };
        if !seen.insert(kind) {
            return Err(format!(
                "--add-brigades: {:?} is given twice; name each kind once (KIND=N, N 0..=50)",
                k.trim()
            ));
        }
        *slot = n;
    }
    Ok(out)
}
