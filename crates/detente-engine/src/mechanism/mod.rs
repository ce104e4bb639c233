//! The architecture's mechanisms, each in one place. A mechanism is a module of this folder
//! that implements [`Mechanism`]: its key in the file format, whether it needs Russia's consent
//! or can start and end in given years, and its effects — on Russia's threat perception, on the
//! closed-form paths (rearmament, connectivity), on the month's slow state (misperception, trigger
//! rates, quick success, the ceasefire hazard, Europe's capability), on a crisis's sides, on a
//! war's course and on the cost. Each effect is a hook with a neutral default, so a module says
//! only what its mechanism does. The engine applies the hooks of every mechanism in [`REGISTRY`]
//! (`slow.rs`, `run.rs`, `war.rs`); the architecture format reads the keys, documentation and
//! switches from it too, so adding a mechanism touches its module, the list in
//! [`mechanisms!`] below and the docs. Strengths are indexed by [`MechanismId`]; a mechanism the
//! architecture does not set has strength 0 and no effect.

use crate::crisis::SideTerms;
use crate::params::ModelParams;
use crate::pathway::PATHWAY_COUNT;
use std::ops::{Index, IndexMut};

mod arms_control;
mod crisis_dialogue;
mod exercise_notification;
mod export_controls;
mod hotline;
mod hybrid_defence;
mod incidents_code;
mod joint_production;
mod managed_connectivity;
mod porcupine;

/// The list: one line per mechanism, `Id => module::Type`, in the order of the file format
/// and of every table indexed by mechanism.
macro_rules! mechanisms {
    ($($id:ident => $module:ident :: $ty:ident),+ $(,)?) => {
        /// A mechanism of the architecture (see [`REGISTRY`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MechanismId {
            $($id),+
        }

        impl MechanismId {
            /// Every mechanism, in registry order.
            pub const ALL: [MechanismId; MECHANISM_COUNT] = [$(MechanismId::$id),+];
        }

        /// How many mechanisms the registry holds.
        pub const MECHANISM_COUNT: usize = [$(stringify!($id)),+].len();

        /// Every mechanism's module, in [`MechanismId`] order.
        pub static REGISTRY: [&dyn Mechanism; MECHANISM_COUNT] = [$(&$module::$ty),+];

        /// The source text of every mechanism's module, in [`MechanismId`] order (for
        /// [`crate::reuse`], which finds the parameters a stage reads in its sources).
        pub const SOURCES: [&str; MECHANISM_COUNT] =
            [$(include_str!(concat!(stringify!($module), ".rs"))),+];
    };
}

mechanisms! {
    Hotline => hotline::Hotline,
    IncidentsCode => incidents_code::IncidentsCode,
    ExerciseNotification => exercise_notification::ExerciseNotification,
    CrisisDialogue => crisis_dialogue::CrisisDialogue,
    ArmsControl => arms_control::ArmsControl,
    Porcupine => porcupine::Porcupine,
    HybridDefence => hybrid_defence::HybridDefence,
    ExportControls => export_controls::ExportControls,
    ManagedConnectivity => managed_connectivity::ManagedConnectivity,
    JointProduction => joint_production::JointProduction,
}

impl MechanismId {
    /// Position in [`MechanismId::ALL`] and in every table indexed by mechanism.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The mechanism's module.
    pub fn mechanism(self) -> &'static dyn Mechanism {
        REGISTRY[self.index()]
    }

    /// The key under `[mechanisms]` in the file format.
    pub fn key(self) -> &'static str {
        self.mechanism().key()
    }

    /// The mechanism with file-format key `key`.
    pub fn from_key(key: &str) -> Option<MechanismId> {
        MechanismId::ALL.into_iter().find(|id| id.key() == key)
    }
}

/// What a mechanism needs from the month to say how strongly it works.
#[derive(Clone, Copy, Debug)]
pub struct WorkingContext {
    /// Russia's willingness to operate the channels that need its consent, 0-1.
    pub russia_willingness: f64,
    /// Ukraine's deterrent capability, 1 before a second war (then worn down).
    pub ukraine_capability: f64,
}

/// Effects on the closed-form paths, which do not move month by month with the mechanisms'
/// working strengths: connectivity's target and Russia's rearmament rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathEffects {
    /// Connectivity's target, as a fraction of pre-2022 levels (None when nothing manages it:
    /// connectivity stays where it starts).
    pub connectivity_target: Option<f64>,
    /// Factor on Russia's rearmament rate.
    pub rearm_rate_factor: f64,
    /// Share of goods that connectivity carries uncontrolled (what can leak into rearmament).
    pub uncontrolled_share: f64,
}

impl Default for PathEffects {
    fn default() -> Self {
        PathEffects {
            connectivity_target: None,
            rearm_rate_factor: 1.0,
            uncontrolled_share: 1.0,
        }
    }
}

/// Effects on the month's slow state, as factors (1 = none) and shifts (0 = none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlowEffects {
    /// Factor on the scale of the reading error.
    pub misperception_factor: f64,
    /// Factor on the trigger of each pathway (where the pathway's trigger has a probability,
    /// the factor is on that probability).
    pub trigger_factor: [f64; PATHWAY_COUNT],
    /// Factor on the quick-success probability Russia reckons.
    pub quick_success_factor: f64,
    /// Shift of the quick-success log-odds (after the factor).
    pub quick_success_logit_shift: f64,
    /// Factor on the ceasefire's breakdown hazard.
    pub ceasefire_hazard_factor: f64,
    /// Factor on European capability per unit of spending.
    pub europe_capability_factor: f64,
}

impl Default for SlowEffects {
    fn default() -> Self {
        SlowEffects {
            misperception_factor: 1.0,
            trigger_factor: [1.0; PATHWAY_COUNT],
            quick_success_factor: 1.0,
            quick_success_logit_shift: 0.0,
            ceasefire_hazard_factor: 1.0,
            europe_capability_factor: 1.0,
        }
    }
}

/// Effects on a war's course.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WarEffects {
    /// Factor on the hazard of a limited war's going nuclear.
    pub nuclear_factor: f64,
}

impl Default for WarEffects {
    fn default() -> Self {
        WarEffects {
            nuclear_factor: 1.0,
        }
    }
}

/// A mechanism: its place in the file format and its effects. Every hook has a neutral
/// default; `strength` is the mechanism's working strength that month, 0-1, unless a hook says
/// otherwise.
pub trait Mechanism: Sync {
    /// Key under `[mechanisms]` in the file format.
    fn key(&self) -> &'static str;
    /// One line for the schema and the docs.
    fn doc(&self) -> &'static str;
    /// What its `strength` means, for the schema.
    fn strength_doc(&self) -> &'static str {
        "How fully it is in place on NATO's side, 0-1; default 1."
    }
    /// Whether it works only with Russia's agreement (it then has `russian_consent` in the
    /// format and its working strength follows Russia's willingness).
    fn needs_consent(&self) -> bool {
        false
    }
    /// Whether it can start and end in given years. Mechanisms acting through closed-form
    /// paths cannot.
    fn timed(&self) -> bool {
        true
    }
    /// Whether it has a leakage (a share of its effect lost) in the format.
    fn has_leakage(&self) -> bool {
        false
    }
    /// Working strength from the strength offered this month.
    fn working(&self, offered: f64, consent: f64, ctx: &WorkingContext) -> f64 {
        if self.needs_consent() {
            clamp01(offered) * clamp01(consent) * ctx.russia_willingness
        } else {
            clamp01(offered)
        }
    }
    /// Addition to Russia's threat perception from the strength offered (the spiral).
    fn threat(&self, _offered: f64, _p: &ModelParams) -> f64 {
        0.0
    }
    /// Effects on the closed-form paths, from the strength set and its leakage (called only
    /// for a mechanism that is enabled).
    fn paths(&self, _strength: f64, _leakage: f64, _p: &ModelParams, _e: &mut PathEffects) {}
    /// Effects on the month's slow state.
    fn slow(&self, _strength: f64, _p: &ModelParams, _e: &mut SlowEffects) {}
    /// Effects on a crisis's sides.
    fn crisis(&self, _strength: f64, _p: &ModelParams, _sides: &mut SideTerms) {}
    /// Effects on a war's course.
    fn war(&self, _strength: f64, _p: &ModelParams, _e: &mut WarEffects) {}
    /// Cost per year (US$ bn) of what is paid for: the strength offered, times consent for
    /// a mechanism that needs it.
    fn yearly_cost_bn(&self, paid: f64, p: &ModelParams) -> f64 {
        p.risk_reduction_unit_cost_bn * paid
    }
}

/// One mechanism as an architecture sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct MechanismSetting {
    /// Whether the architecture has it at all (a mechanism it does not set is off).
    pub enabled: bool,
    /// How fully it is in place on NATO's side, 0-1.
    pub strength: f64,
    /// Share of the time Russia lets it work at its base threat perception, 0-1 (read only
    /// for mechanisms that need consent).
    pub russian_consent: f64,
    /// Month (0-based, from the run's start) from which it works.
    pub start_month: u32,
    /// Month from which it no longer works (None: to the horizon).
    pub end_month: Option<u32>,
    /// Share of its effect lost, 0-1 (read only by mechanisms with a leakage).
    pub leakage: f64,
}

impl Default for MechanismSetting {
    /// Off (strength 0, full consent, no leakage, from the start to the horizon).
    fn default() -> Self {
        MechanismSetting {
            enabled: false,
            strength: 0.0,
            russian_consent: 1.0,
            start_month: 0,
            end_month: None,
            leakage: 0.0,
        }
    }
}

impl MechanismSetting {
    /// A mechanism switched on at `strength` from the start.
    pub fn on(strength: f64) -> MechanismSetting {
        MechanismSetting {
            enabled: true,
            strength,
            ..MechanismSetting::default()
        }
    }

    /// The strength offered in month `month`: 0 when off or outside the months it works.
    pub fn offered(&self, month: u32) -> f64 {
        let ended = self.end_month.is_some_and(|end| month >= end);
        if self.enabled && month >= self.start_month && !ended {
            self.strength
        } else {
            0.0
        }
    }
}

/// Every mechanism's setting, indexed by [`MechanismId`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MechanismSettings(pub [MechanismSetting; MECHANISM_COUNT]);

impl Index<MechanismId> for MechanismSettings {
    type Output = MechanismSetting;
    fn index(&self, id: MechanismId) -> &MechanismSetting {
        &self.0[id.index()]
    }
}

impl IndexMut<MechanismId> for MechanismSettings {
    fn index_mut(&mut self, id: MechanismId) -> &mut MechanismSetting {
        &mut self.0[id.index()]
    }
}

/// A strength per mechanism, indexed by [`MechanismId`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Strengths(pub [f64; MECHANISM_COUNT]);

impl Index<MechanismId> for Strengths {
    type Output = f64;
    fn index(&self, id: MechanismId) -> &f64 {
        &self.0[id.index()]
    }
}

impl IndexMut<MechanismId> for Strengths {
    fn index_mut(&mut self, id: MechanismId) -> &mut f64 {
        &mut self.0[id.index()]
    }
}

impl MechanismSettings {
    /// Switches mechanism `id` on at `strength`, from the start (its other settings kept).
    pub fn set(&mut self, id: MechanismId, strength: f64) {
        let s = &mut self[id];
        s.enabled = true;
        s.strength = strength;
    }

    /// The strengths offered in month `month`.
    pub fn offered(&self, month: u32) -> Strengths {
        Strengths(std::array::from_fn(|i| self.0[i].offered(month)))
    }

    /// The working strengths in month `month`.
    pub fn working(&self, month: u32, ctx: &WorkingContext) -> Strengths {
        Strengths(std::array::from_fn(|i| {
            let s = &self.0[i];
            REGISTRY[i].working(s.offered(month), s.russian_consent, ctx)
        }))
    }

    /// Russia's threat perception added by the mechanisms offered in month `month`.
    pub fn threat(&self, month: u32, p: &ModelParams) -> f64 {
        (0..MECHANISM_COUNT).fold(0.0, |t, i| {
            t + REGISTRY[i].threat(self.0[i].offered(month), p)
        })
    }

    /// The effects on the closed-form paths.
    pub fn path_effects(&self, p: &ModelParams) -> PathEffects {
        let mut e = PathEffects::default();
        for (m, s) in REGISTRY.iter().zip(&self.0) {
            if s.enabled {
                m.paths(s.strength, clamp01(s.leakage), p, &mut e);
            }
        }
        e
    }

    /// Cost per year (US$ bn) of the mechanisms offered in month `month`.
    pub fn yearly_cost_bn(&self, month: u32, p: &ModelParams) -> f64 {
        REGISTRY.iter().zip(&self.0).fold(0.0, |total, (m, s)| {
            let consent = if m.needs_consent() {
                clamp01(s.russian_consent)
            } else {
                1.0
            };
            total + m.yearly_cost_bn(clamp01(s.offered(month)) * consent, p)
        })
    }
}

impl Strengths {
    /// The effects of these working strengths on the month's slow state.
    pub fn slow_effects(&self, p: &ModelParams) -> SlowEffects {
        let mut e = SlowEffects::default();
        for (m, s) in REGISTRY.iter().zip(self.0) {
            m.slow(s, p, &mut e);
        }
        e
    }

    /// Applies these working strengths' effects to a crisis's sides.
    pub fn apply_to_crisis(&self, p: &ModelParams, sides: &mut SideTerms) {
        for (m, s) in REGISTRY.iter().zip(self.0) {
            m.crisis(s, p, sides);
        }
    }

    /// The effects of these working strengths on a war's course.
    pub fn war_effects(&self, p: &ModelParams) -> WarEffects {
        let mut e = WarEffects::default();
        for (m, s) in REGISTRY.iter().zip(self.0) {
            m.war(s, p, &mut e);
        }
        e
    }
}

pub(crate) fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_in_id_order_with_unique_keys() {
        for (i, id) in MechanismId::ALL.into_iter().enumerate() {
            assert_eq!(id.index(), i);
            assert_eq!(MechanismId::from_key(id.key()), Some(id));
        }
        let mut keys: Vec<_> = REGISTRY.iter().map(|m| m.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), MECHANISM_COUNT);
    }

    #[test]
    fn absent_mechanisms_have_no_effect() {
        let p = ModelParams::default();
        let none = MechanismSettings::default();
        let ctx = WorkingContext {
            russia_willingness: 1.0,
            ukraine_capability: 1.0,
        };
        let working = none.working(0, &ctx);
        assert_eq!(working, Strengths::default());
        assert_eq!(working.slow_effects(&p), SlowEffects::default());
        assert_eq!(working.war_effects(&p), WarEffects::default());
        assert_eq!(none.path_effects(&p), PathEffects::default());
        assert_eq!(none.threat(0, &p), 0.0);
        assert_eq!(none.yearly_cost_bn(0, &p), 0.0);
    }

    #[test]
    fn a_mechanism_works_between_its_start_and_end() {
        let s = MechanismSetting {
            start_month: 12,
            end_month: Some(36),
            ..MechanismSetting::on(0.8)
        };
        assert_eq!(s.offered(11), 0.0);
        assert_eq!(s.offered(12), 0.8);
        assert_eq!(s.offered(35), 0.8);
        assert_eq!(s.offered(36), 0.0);
        let off = MechanismSetting {
            enabled: false,
            ..s
        };
        assert_eq!(off.offered(20), 0.0);
    }
}
