//! Arms control: limits on long-range and nuclear systems (SALT from 1972). A treaty needs
//! Russia's consent. In a crisis it cuts the fear of being struck first
//! (`arms_control_fear_cut`); in a war it lowers the hazard that a limited war goes nuclear by
//! the factor exp(-`arms_control_nuclear_threshold` x strength).

use super::{Mechanism, WarEffects};
use crate::crisis::SideTerms;
use crate::params::ModelParams;

pub struct ArmsControl;

impl Mechanism for ArmsControl {
    fn key(&self) -> &'static str {
        "arms_control"
    }
    fn doc(&self) -> &'static str {
        "Arms control (limits on long-range and nuclear systems)."
    }
    fn needs_consent(&self) -> bool {
        true
    }
    fn crisis(&self, strength: f64, p: &ModelParams, sides: &mut SideTerms) {
        sides.first_strike_fear *= 1.0 - p.arms_control_fear_cut * strength;
    }
    fn war(&self, strength: f64, p: &ModelParams, e: &mut WarEffects) {
        e.nuclear_factor *= (-p.arms_control_nuclear_threshold * strength).exp();
    }
}
