//! An Incidents-at-Sea-style code of conduct for ships and aircraft (the 1972 US-Soviet
//! agreement). It binds both sides, so it needs Russia's consent; it cuts the rate at which
//! gray-zone incidents become crises (`incidents_code_cut`).

use super::{Mechanism, SlowEffects};
use crate::params::ModelParams;
use crate::pathway::Pathway;

pub struct IncidentsCode;

impl Mechanism for IncidentsCode {
    fn key(&self) -> &'static str {
        "incidents_code"
    }
    fn doc(&self) -> &'static str {
        "An Incidents-at-Sea-style code of conduct for ships and aircraft."
    }
    fn needs_consent(&self) -> bool {
        true
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.trigger_factor[Pathway::GrayZone.index()] *= 1.0 - p.incidents_code_cut * strength;
    }
}
