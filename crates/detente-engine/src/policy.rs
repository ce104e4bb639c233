//! What an architecture decides, as plain numbers the engine reads: mechanism settings,
//! ceasefire terms, spending paths, starting conditions, which pathways are live. The
//! architecture crate builds a `Policy` from a TOML file; the engine never sees the file.
//! Every field is documented with its unit; `docs/model.md` says which model quantity each
//! one moves.

use crate::mechanism::MechanismSettings;
use crate::pathway::PATHWAY_COUNT;

/// Ceasefire terms between Russia and Ukraine (brief, element 11; Fortna's terms).
#[derive(Clone, Debug, PartialEq)]
pub struct CeasefireTerms {
    /// A formal, written agreement (1) or an informal or de facto ceasefire (0).
    pub formal: f64,
    /// Specificity of the terms, 0 (vague) to 1 (specific, with implementation measures).
    pub specificity: f64,
    /// A demilitarised zone (1) or not (0).
    pub dmz: f64,
    /// Third-party monitoring by armed peacekeepers, 0 (none) to 1.
    pub monitoring: f64,
    /// Third-party monitoring by unarmed observers, 0 (none) to 1; counts as
    /// `ceasefire_observer_share` of peacekeepers.
    pub observers: f64,
    /// A joint dispute-resolution body (1) or not (0).
    pub dispute_resolution: f64,
    /// A third-party security guarantee for the ceasefire, 0 (none) to 1 (full).
    pub guarantee: f64,
    /// Share of the time Russia lets the terms that need it on the ground work (demilitarised
    /// zone, monitoring, joint dispute resolution), 0-1, at its base threat perception.
    pub russian_consent: f64,
}

/// Whether a NATO member's escalation alone moves the alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberRole {
    /// The United States: its escalation alone moves the alliance.
    Decisive,
    /// A European ally (frontline or not): moves the alliance with a weighted majority of the
    /// European members.
    European,
}

/// A NATO member (or group of members) as the crisis layer sees it (`crisis::MemberTerms`).
#[derive(Clone, Debug, PartialEq)]
pub struct NatoMember {
    pub role: MemberRole,
    /// Defence spending (US$ bn per year): the member's weight among the Europeans.
    pub spending_bn: f64,
    /// Tolerance of escalation risk, 0-1.
    pub escalation_tolerance: f64,
    /// Vulnerability to Russia, 0-1.
    pub vulnerability: f64,
    /// Distance from Russian territory (km).
    pub proximity_km: f64,
}

/// An architecture as the engine sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Months simulated.
    pub horizon_months: u32,
    /// Each mechanism's strength, Russia's consent, the months it works (`crate::mechanism`).
    pub mechanisms: MechanismSettings,
    pub ceasefire: CeasefireTerms,
    /// NATO brigades added in place on the eastern flank beyond the base posture.
    pub added_brigades: f64,
    /// Probability that a limited Russian grab in the Baltics succeeds quickly against the
    /// posture (from the campaign model, or a fallback); 0-1.
    pub quick_success_probability: f64,
    /// The campaign model's quick-success probability with its limited-grab force scaled to
    /// Russia's frontier forces, as (forces / their post-war target, probability) pairs in
    /// increasing order of forces; between pairs the probability is interpolated linearly in
    /// log-odds, beyond them it is the nearest pair's. Empty: `quick_success_probability` at every
    /// force level.
    pub quick_success_by_forces: Vec<(f64, f64)>,
    /// Russian forces near NATO's northern frontier at the start (thousand troops).
    pub russia_forces_start_k: f64,
    /// Post-war target of those forces (thousand troops).
    pub russia_forces_target_k: f64,
    /// European NATO defence spending at the start (% of GDP).
    pub europe_spending_start_pct: f64,
    /// European NATO defence spending target (% of GDP).
    pub europe_spending_target_pct: f64,
    /// Years to move from the start to the target.
    pub europe_spending_ramp_years: f64,
    /// GDP of European NATO members and Canada (US$ bn).
    pub europe_gdp_bn: f64,
    /// US defence spending (US$ bn per year).
    pub us_spending_bn: f64,
    /// Transatlantic cohesion at the start, 0-1.
    pub cohesion_start: f64,
    /// Drift of cohesion per year, absent other effects.
    pub cohesion_drift_per_year: f64,
    /// US commitment to European defence, 0-1.
    pub us_commitment: f64,
    /// European war fatigue at the start, 0-1.
    pub war_fatigue_start: f64,
    /// Growth of war fatigue per year.
    pub war_fatigue_growth_per_year: f64,
    /// Connectivity at the start, as a fraction of pre-2022 levels.
    pub connectivity_start: f64,
    /// NATO's escalation-risk tolerance, 0-1 (spending-weighted over NATO actors, or as set).
    pub nato_escalation_tolerance: f64,
    /// Escalation-risk tolerance of the frontline states, 0-1.
    pub frontline_escalation_tolerance: f64,
    /// Whether the Russia-Ukraine ceasefire holds at the start (true) or war is under way.
    pub ceasefire_holds_at_start: bool,
    /// Age of the ceasefire at the start (years); an older ceasefire that has held is likelier
    /// durable.
    pub ceasefire_age_years: f64,
    /// NATO's members in a crisis (the architecture's US, European and frontline actors).
    pub nato_members: Vec<NatoMember>,
    /// Which pathways can trigger crises.
    pub pathway_enabled: [bool; PATHWAY_COUNT],
    /// Multipliers on each pathway's base trigger rate (1 = the model default).
    pub pathway_rate_multiplier: [f64; PATHWAY_COUNT],
}

impl Default for Policy {
    /// A neutral policy: no mechanisms, a vague informal ceasefire, 2024 figures.
    fn default() -> Self {
        Policy {
            horizon_months: 120,
            mechanisms: MechanismSettings::default(),
            ceasefire: CeasefireTerms {
                formal: 0.0,
                specificity: 0.0,
                dmz: 0.0,
                monitoring: 0.0,
                observers: 0.0,
                dispute_resolution: 0.0,
                guarantee: 0.0,
                russian_consent: 1.0,
            },
            added_brigades: 0.0,
            quick_success_probability: 0.5,
            quick_success_by_forces: Vec::new(),
            russia_forces_start_k: 30.0,
            russia_forces_target_k: 80.0,
            europe_spending_start_pct: 1.99,
            europe_spending_target_pct: 1.99,
            europe_spending_ramp_years: 5.0,
            europe_gdp_bn: 25_600.0,
            us_spending_bn: 997.0,
            cohesion_start: 0.7,
            cohesion_drift_per_year: 0.0,
            us_commitment: 0.7,
            war_fatigue_start: 0.3,
            war_fatigue_growth_per_year: 0.03,
            connectivity_start: 0.05,
            nato_escalation_tolerance: 0.4,
            frontline_escalation_tolerance: 0.7,
            ceasefire_holds_at_start: true,
            ceasefire_age_years: 0.0,
            nato_members: default_members(),
            pathway_enabled: [true; PATHWAY_COUNT],
            pathway_rate_multiplier: [1.0; PATHWAY_COUNT],
        }
    }
}

/// The built-in architectures' NATO actors (SIPRI 2024 release spending; vulnerability,
/// tolerance and proximity are the assumptions of `architectures/baseline.toml`).
fn default_members() -> Vec<NatoMember> {
    let member =
        |role, spending_bn, escalation_tolerance, vulnerability, proximity_km| NatoMember {
            role,
            spending_bn,
            escalation_tolerance,
            vulnerability,
            proximity_km,
        };
    vec![
        member(MemberRole::Decisive, 880.1, 0.2, 0.15, 7000.0),
        member(MemberRole::European, 319.6, 0.35, 0.35, 1000.0),
        member(MemberRole::European, 19.3, 0.45, 0.55, 300.0),
        member(MemberRole::European, 62.8, 0.75, 0.9, 0.0),
    ]
}

impl Policy {
    /// The campaign model's quick-success probability at frontier forces `forces_ratio` times
    /// their post-war target (see [`Policy::quick_success_by_forces`]).
    pub fn quick_success_at(&self, forces_ratio: f64) -> f64 {
        let table = &self.quick_success_by_forces;
        let (Some(first), Some(last)) = (table.first(), table.last()) else {
            return self.quick_success_probability;
        };
        if forces_ratio.is_nan() || forces_ratio <= first.0 {
            return first.1;
        }
        if forces_ratio >= last.0 {
            return last.1;
        }
        // Linear on the log-odds scale (q clipped to [1e-4, 1 - 1e-4]), which follows the
        // campaign model's S-shaped response to forces between grid points.
        let k = table.partition_point(|(x, _)| *x <= forces_ratio);
        let ((x0, q0), (x1, q1)) = (table[k - 1], table[k]);
        let logit = |q: f64| {
            let q = q.clamp(1e-4, 1.0 - 1e-4);
            (q / (1.0 - q)).ln()
        };
        let z = logit(q0) + (logit(q1) - logit(q0)) * (forces_ratio - x0) / (x1 - x0);
        1.0 / (1.0 + (-z).exp())
    }
}
