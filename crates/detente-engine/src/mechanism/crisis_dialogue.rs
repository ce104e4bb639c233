//! Dialogue kept open during crises. It needs Russia at the table, so its consent; it cuts the
//! peacetime reading error (`dialogue_misperception_cut`) and, in a crisis, shifts the
//! de-escalation log-odds (`dialogue_deescalation`).

use super::{Mechanism, SlowEffects};
use crate::crisis::SideTerms;
use crate::params::ModelParams;

pub struct CrisisDialogue;

impl Mechanism for CrisisDialogue {
    fn key(&self) -> &'static str {
        "crisis_dialogue"
    }
    fn doc(&self) -> &'static str {
        "Dialogue kept open during crises."
    }
    fn needs_consent(&self) -> bool {
        true
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.misperception_factor *= 1.0 - p.dialogue_misperception_cut * strength;
    }
    fn crisis(&self, strength: f64, p: &ModelParams, sides: &mut SideTerms) {
        sides.deescalation_shift += p.dialogue_deescalation * strength;
    }
}
