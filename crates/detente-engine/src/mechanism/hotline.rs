//! NATO/European-Russian crisis hotlines (the US-Soviet hotline of 1963, seed 003). A hotline
//! is used by both ends, so it needs Russia's consent. In a crisis it cuts the scale of the
//! reading error (`hotline_misperception_cut`); where Russia exploits the channel to mask its
//! preparations it raises the quick success it reckons (`channel_deception`, 0 by default).

use super::{Mechanism, SlowEffects};
use crate::crisis::SideTerms;
use crate::params::ModelParams;

pub struct Hotline;

impl Mechanism for Hotline {
    fn key(&self) -> &'static str {
        "hotline"
    }
    fn doc(&self) -> &'static str {
        "NATO/European-Russian crisis hotlines."
    }
    fn needs_consent(&self) -> bool {
        true
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        if p.channel_deception != 0.0 && strength > 0.0 {
            e.quick_success_logit_shift += p.channel_deception * strength;
        }
    }
    fn crisis(&self, strength: f64, p: &ModelParams, sides: &mut SideTerms) {
        sides.misperception_sd *= 1.0 - p.hotline_misperception_cut * strength;
    }
}
