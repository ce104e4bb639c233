//! A CoCom-like multilateral export-control regime for military and dual-use goods (seed 003).
//! What it stops is its strength times one minus its leakage; that slows Russia's rearmament
//! (`export_control_max_slowdown` at full effect) and keeps connectivity from carrying goods
//! into it (`connectivity_rearm_leak` acts on the uncontrolled share only). It acts through the
//! closed-form rearmament path, so it cannot start or end in given years.

use super::{clamp01, Mechanism, PathEffects};
use crate::params::ModelParams;

pub struct ExportControls;

impl Mechanism for ExportControls {
    fn key(&self) -> &'static str {
        "export_controls"
    }
    fn doc(&self) -> &'static str {
        "CoCom-like export controls on military and dual-use goods; `leakage` is the share that gets through anyway."
    }
    fn timed(&self) -> bool {
        false
    }
    fn has_leakage(&self) -> bool {
        true
    }
    fn paths(&self, strength: f64, leakage: f64, p: &ModelParams, e: &mut PathEffects) {
        let control = clamp01(strength) * (1.0 - leakage);
        e.rearm_rate_factor *= 1.0 - p.export_control_max_slowdown * control;
        e.uncontrolled_share *= 1.0 - control;
    }
}
