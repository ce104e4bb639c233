//! Defence of infrastructure against hybrid attacks (sabotage of cables and pipelines, arson,
//! cyber). It cuts the chance that a hybrid attack becomes a NATO-Russia crisis
//! (`hybrid_defence_cut`).

use super::{Mechanism, SlowEffects};
use crate::params::ModelParams;
use crate::pathway::Pathway;

pub struct HybridDefence;

impl Mechanism for HybridDefence {
    fn key(&self) -> &'static str {
        "hybrid_defence"
    }
    fn doc(&self) -> &'static str {
        "Defence of infrastructure against hybrid attacks."
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.trigger_factor[Pathway::Hybrid.index()] *= 1.0 - p.hybrid_defence_cut * strength;
    }
}
