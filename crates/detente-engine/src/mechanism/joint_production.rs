//! Joint production and stockpile replenishment (seed 000): European capability per unit of
//! spending rises by `joint_production_boost` at full strength. It is paid from European
//! defence spending, so it adds no cost of its own.

use super::{Mechanism, SlowEffects};
use crate::params::ModelParams;

pub struct JointProduction;

impl Mechanism for JointProduction {
    fn key(&self) -> &'static str {
        "joint_production"
    }
    fn doc(&self) -> &'static str {
        "Joint production and stockpile replenishment."
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.europe_capability_factor *= 1.0 + p.joint_production_boost * strength;
    }
    fn yearly_cost_bn(&self, _paid: f64, _p: &ModelParams) -> f64 {
        0.0
    }
}
