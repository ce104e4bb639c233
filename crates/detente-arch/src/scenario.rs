//! From an architecture to what the engine simulates: the actors' figures become spending,
//! GDP and escalation tolerance; the mechanisms' switches and strengths become the engine's
//! mechanism strengths; ceasefire terms, pathways and parameter overrides carry over; the
//! forward posture becomes the campaign model's probability of a quick Russian success.

use crate::format::{Architecture, MechanismEntry, Monitoring, Role};
use crate::quick_success::{quick_success_by_forces, quick_success_probability};
use detente_engine::{
    CeasefireTerms, MechanismId, MechanismSetting, MechanismSettings, MemberRole, ModelParams,
    NatoMember, Pathway, Policy, Scenario, PATHWAY_COUNT,
};

impl Architecture {
    /// The month (from the run's start) in which a mechanism starting in calendar year
    /// `year` begins to work: 0 without a start year, or for one at or before the run's start.
    pub fn start_month(&self, year: Option<u32>) -> u32 {
        match (self.start_year, year) {
            (Some(first), Some(year)) => year.saturating_sub(first) * 12,
            _ => 0,
        }
    }

    /// The month from which a mechanism ending in calendar year `year` (to December) no longer
    /// works: None without an end year.
    pub fn end_month(&self, year: Option<u32>) -> Option<u32> {
        let first = self.start_year.unwrap_or(0);
        year.map(|year| (year + 1).saturating_sub(first) * 12)
    }

    /// The engine's setting of a mechanism from its entry.
    fn mechanism_setting(&self, entry: &MechanismEntry) -> MechanismSetting {
        MechanismSetting {
            enabled: entry.enabled,
            strength: if entry.enabled { entry.strength } else { 0.0 },
            russian_consent: entry.russian_consent.unwrap_or(1.0),
            start_month: self.start_month(entry.start_year),
            end_month: self.end_month(entry.end_year),
            leakage: entry.leakage.unwrap_or(0.0),
        }
    }

    /// The engine's view of this architecture.
    pub fn to_scenario(&self) -> Scenario {
        let mut params = ModelParams::default();
        for (name, value) in &self.parameters {
            params.set(name, *value);
        }
        let nato = |r: Role| matches!(r, Role::Us | Role::EuropeanAlly | Role::FrontlineAlly);
        let europe = |r: Role| matches!(r, Role::EuropeanAlly | Role::FrontlineAlly);
        let weighted_tolerance = |pred: &dyn Fn(Role) -> bool| {
            let (w, t) =
                self.actors
                    .iter()
                    .filter(|a| pred(a.role))
                    .fold((0.0, 0.0), |(w, t), a| {
                        (
                            w + a.spending_usd_bn,
                            t + a.spending_usd_bn * a.escalation_tolerance,
                        )
                    });
            if w > 0.0 {
                t / w
            } else {
                // nobody to weigh (no frontline actor): the scale's reference point, where the
                // tolerance terms are neutral (docs/model.md); for NATO as a whole unreachable in
                // a valid architecture, whose European allies spend more than 0
                0.5
            }
        };
        let europe_spending: f64 = self
            .actors
            .iter()
            .filter(|a| europe(a.role))
            .map(|a| a.spending_usd_bn)
            .sum();
        let europe_gdp: f64 = self
            .actors
            .iter()
            .filter(|a| europe(a.role))
            .map(|a| a.spending_usd_bn / (a.spending_pct_gdp / 100.0))
            .sum();
        let us_spending: f64 = self
            .actors
            .iter()
            .filter(|a| a.role == Role::Us)
            .map(|a| a.spending_usd_bn)
            .sum();
        let m = &self.mechanisms;
        let ff = &m.forward_forces;
        let (heavy, mechanised, light) = if ff.enabled {
            (ff.heavy, ff.mechanised, ff.light)
        } else {
            (0, 0, 0)
        };
        let d = &self.dynamics;
        let c = &self.ceasefire;
        let mut pathway_enabled = [true; PATHWAY_COUNT];
        let mut pathway_rate_multiplier = [1.0; PATHWAY_COUNT];
        for p in Pathway::ALL {
            let spec = match p {
                Pathway::GrayZone => &self.pathways.gray_zone,
                Pathway::SnapExercise => &self.pathways.snap_exercise,
                Pathway::UkraineSpillover => &self.pathways.ukraine_spillover,
                Pathway::Belarus => &self.pathways.belarus,
                Pathway::MoldovaGeorgia => &self.pathways.moldova_georgia,
                Pathway::DeliberateAttack => &self.pathways.deliberate_attack,
                Pathway::Hybrid => &self.pathways.hybrid,
            };
            pathway_enabled[p.index()] = spec.enabled;
            pathway_rate_multiplier[p.index()] = spec.rate_multiplier;
        }
        let policy = Policy {
            horizon_months: self.horizon_years * 12,
            mechanisms: MechanismSettings(
                MechanismId::ALL.map(|id| self.mechanism_setting(&m.get(id.key()))),
            ),
            ceasefire: CeasefireTerms {
                formal: if c.formal { 1.0 } else { 0.0 },
                specificity: c.specificity,
                dmz: if c.dmz { 1.0 } else { 0.0 },
                monitoring: if c.monitoring == Monitoring::Peacekeepers {
                    1.0
                } else {
                    0.0
                },
                observers: if c.monitoring == Monitoring::Observers {
                    1.0
                } else {
                    0.0
                },
                dispute_resolution: if c.dispute_resolution { 1.0 } else { 0.0 },
                guarantee: c.guarantee,
                russian_consent: c.russian_consent,
            },
            added_brigades: (heavy + mechanised + light) as f64,
            quick_success_probability: quick_success_probability(
                ff.posture, heavy, mechanised, light,
            ),
            quick_success_by_forces: quick_success_by_forces(
                ff.posture,
                (heavy, mechanised, light),
                d.russia_forces_start_k,
                d.russia_forces_target_k,
            ),
            russia_forces_start_k: d.russia_forces_start_k,
            russia_forces_target_k: d.russia_forces_target_k,
            // a valid architecture's European allies spend more than 0 (validate.rs), so their
            // GDP is positive; the guard keeps a hand-built one finite
            europe_spending_start_pct: if europe_gdp > 0.0 {
                100.0 * europe_spending / europe_gdp
            } else {
                0.0
            },
            europe_spending_target_pct: d.europe_spending_target_pct,
            europe_spending_ramp_years: d.europe_spending_ramp_years,
            europe_gdp_bn: europe_gdp,
            us_spending_bn: us_spending,
            cohesion_start: d.cohesion_start,
            cohesion_drift_per_year: d.cohesion_drift_per_year,
            us_commitment: d.us_commitment,
            war_fatigue_start: d.war_fatigue_start,
            war_fatigue_growth_per_year: d.war_fatigue_growth_per_year,
            connectivity_start: d.connectivity_start,
            nato_escalation_tolerance: weighted_tolerance(&nato),
            frontline_escalation_tolerance: weighted_tolerance(&|r| r == Role::FrontlineAlly),
            ceasefire_holds_at_start: d.ceasefire_holds_at_start,
            ceasefire_age_years: c.age_years,
            nato_members: self
                .actors
                .iter()
                .filter_map(|a| {
                    let role = match a.role {
                        Role::Us => MemberRole::Decisive,
                        Role::EuropeanAlly | Role::FrontlineAlly => MemberRole::European,
                        _ => return None,
                    };
                    Some(NatoMember {
                        role,
                        spending_bn: a.spending_usd_bn,
                        escalation_tolerance: a.escalation_tolerance,
                        vulnerability: a.vulnerability,
                        proximity_km: a.proximity_km,
                    })
                })
                .collect(),
            pathway_enabled,
            pathway_rate_multiplier,
        };
        Scenario {
            name: self.name.clone(),
            params,
            policy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Posture;

    #[test]
    fn every_posture_is_a_campaign_builtin_and_forces_lower_the_odds() {
        for posture in [Posture::Posture2016, Posture::Posture2025] {
            let none = quick_success_probability(posture, 0, 0, 0);
            let more = quick_success_probability(posture, 3, 0, 0);
            assert!(
                (0.0..=1.0).contains(&none) && more <= none,
                "{posture:?}: {none} -> {more}"
            );
        }
        assert!(
            quick_success_probability(Posture::Posture2016, 0, 0, 0)
                > quick_success_probability(Posture::Posture2025, 0, 0, 0)
        );
    }
}
