//! Managed connectivity (trade, flights, exchanges; seed 003): its strength is the target of
//! connectivity as a fraction of pre-2022 levels, toward which connectivity relaxes
//! (`connectivity_years`); without it connectivity stays where it starts. Connectivity cuts misperception and, where export controls do not
//! stop it, feeds Russia's rearmament (both in `slow.rs`). It acts through the closed-form
//! connectivity path, so it cannot start or end in given years.

use super::{clamp01, Mechanism, PathEffects};
use crate::params::ModelParams;

pub struct ManagedConnectivity;

impl Mechanism for ManagedConnectivity {
    fn key(&self) -> &'static str {
        "managed_connectivity"
    }
    fn doc(&self) -> &'static str {
        "Managed connectivity (trade, flights, exchanges); strength is the target as a fraction of pre-2022 levels."
    }
    fn strength_doc(&self) -> &'static str {
        "Target connectivity as a fraction of pre-2022 levels, 0-1; default 1."
    }
    fn timed(&self) -> bool {
        false
    }
    fn paths(&self, strength: f64, _leakage: f64, _p: &ModelParams, e: &mut PathEffects) {
        e.connectivity_target = Some(clamp01(strength));
    }
}
