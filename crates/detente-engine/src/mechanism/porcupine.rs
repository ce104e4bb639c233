//! A "porcupine" package for Ukraine (air defence, counter-mobility): deterrence by denial
//! (seed 000). Its working strength is worn down with Ukraine's capability after a second war.
//! It cuts the quick success Russia reckons (`porcupine_denial`) and the ceasefire's breakdown
//! hazard (`ceasefire_porcupine_cut`), raises Russia's threat perception a little
//! (`threat_per_porcupine`, the spiral), and costs `porcupine_cost_bn` a year at full strength.

use super::{clamp01, Mechanism, SlowEffects, WorkingContext};
use crate::params::ModelParams;

pub struct Porcupine;

impl Mechanism for Porcupine {
    fn key(&self) -> &'static str {
        "porcupine"
    }
    fn doc(&self) -> &'static str {
        "A \"porcupine\" package for Ukraine (air defence, counter-mobility)."
    }
    fn working(&self, offered: f64, _consent: f64, ctx: &WorkingContext) -> f64 {
        clamp01(offered) * ctx.ukraine_capability
    }
    fn threat(&self, offered: f64, p: &ModelParams) -> f64 {
        p.threat_per_porcupine * clamp01(offered)
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.quick_success_factor *= 1.0 - p.porcupine_denial * strength;
        e.ceasefire_hazard_factor *= 1.0 - p.ceasefire_porcupine_cut * strength;
    }
    fn yearly_cost_bn(&self, paid: f64, p: &ModelParams) -> f64 {
        p.porcupine_cost_bn * paid
    }
}
