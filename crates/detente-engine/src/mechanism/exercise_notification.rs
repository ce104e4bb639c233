//! Notification and observation of exercises, snap checks included (the Helsinki Final Act's
//! confidence-building measures of 1975, the Stockholm Document of 1986). It binds both sides,
//! so it needs Russia's consent; it cuts the chance that a snap exercise is misread as an
//! attack in preparation (`exercise_notification_cut`).

use super::{Mechanism, SlowEffects};
use crate::params::ModelParams;
use crate::pathway::Pathway;

pub struct ExerciseNotification;

impl Mechanism for ExerciseNotification {
    fn key(&self) -> &'static str {
        "exercise_notification"
    }
    fn doc(&self) -> &'static str {
        "Notification and observation of exercises, snap checks included."
    }
    fn needs_consent(&self) -> bool {
        true
    }
    fn slow(&self, strength: f64, p: &ModelParams, e: &mut SlowEffects) {
        e.trigger_factor[Pathway::SnapExercise.index()] *=
            1.0 - p.exercise_notification_cut * strength;
    }
}
