//! The model's global parameters: every number the engine uses that is not a choice of the
//! architecture. Each has a unit, a default, a plausible range and a source (a data file, a
//! seed essay, a publication) or the word "assumption". This table is the one place defaults
//! live; `docs/model.md` is written from it, sensitivity analysis explores its ranges, and the
//! uncertainty option draws from them.

/// Description of one model parameter: the row of the defaults table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: f64,
    pub unit: &'static str,
    /// Lower end of the plausible range explored by sensitivity and uncertainty analysis.
    pub low: f64,
    /// Upper end of the plausible range.
    pub high: f64,
    /// Where the default comes from, or "assumption".
    pub source: &'static str,
    /// What the parameter means.
    pub doc: &'static str,
}

macro_rules! model_params {
    ($( $(#[doc = $doc:expr])+ $name:ident : $default:expr, $unit:expr, [$lo:expr, $hi:expr], $source:expr; )*) => {
        /// The model's global parameters (see the module docs and `docs/model.md`).
        #[derive(Clone, Debug, PartialEq)]
        pub struct ModelParams {
            $( $(#[doc = $doc])+ pub $name: f64, )*
        }

        impl Default for ModelParams {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }

        /// The defaults table, in declaration order.
        pub static PARAM_SPECS: &[ParamSpec] = &[
            $( ParamSpec {
                name: stringify!($name),
                default: $default,
                unit: $unit,
                low: $lo,
                high: $hi,
                source: $source,
                doc: concat!($($doc),+),
            }, )*
        ];

        impl ModelParams {
            /// The value of the parameter called `name`, if there is one.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }

            /// Set the parameter called `name`; returns false if there is none.
            pub fn set(&mut self, name: &str, value: f64) -> bool {
                match name {
                    $( stringify!($name) => { self.$name = value; true } )*
                    _ => false,
                }
            }
        }
    };
}

model_params! {
    // ---- Crisis layer: escalation ladder (fitted to ICB crises by `detente calibrate`) ----
    /// Threshold to climb from rung 0 (crisis, no violence) to rung 1 (minor clashes); logit scale.
    threshold_1: 2.262, "logit", [1.92, 2.6], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Threshold to climb from rung 1 (minor clashes) to rung 2 (serious clashes, mobilisation).
    threshold_2: 2.676, "logit", [2.32, 3.03], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Threshold to climb from rung 2 (serious clashes) to rung 3 (NATO-Russia conventional war).
    threshold_3: 3.406, "logit", [2.93, 3.88], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Extra threshold to climb to war (rung 3), and to strike preemptively, between two nuclear-armed great powers.
    nuclear_shadow: 2.5, "logit", [1.0, 4.0], "assumption within what the data bound: 11 ICB crises 1918-1989 between nuclear-armed adversaries, none a war between them (`detente nuclear-shadow`): posterior 5.0, s.e. 1.9 on a flat prior over 0-8, 2.5 % point 1.4 (a lower bound); history matching (docs/validation.md §7): 2.97, s.d. 0.75 weighted by the record of no war (prior 2.5, s.d. 0.87), weakly identified";
    /// Effect of the gravity of threat (ICB gravcr scaled to 0-1) on escalation propensity.
    beta_gravity: 0.546, "logit per unit", [0.29, 0.8], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Effect of a protracted conflict (ICB protrac, 0/1) on escalation propensity.
    beta_protracted: 0.248, "logit", [0.08, 0.41], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Effect of great-power involvement (ICB powinv scaled to 0-1) on escalation propensity.
    beta_power_involvement: -0.107, "logit per unit", [-0.36, 0.15], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Effect of the number of crisis actors (log of count) on escalation propensity.
    beta_actors: 0.356, "logit per log-actor", [0.22, 0.49], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Effect of power discrepancy between adversaries (ICB powdissy scaled to 0-1).
    beta_power_discrepancy: -0.06, "logit per unit", [-0.32, 0.2], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Shift of escalation propensity when a crisis is in Europe (ICB geog 30-35).
    beta_europe: -0.07, "logit", [-0.28, 0.14], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Shift of escalation propensity per unit of system level (ICB syslevsy 1 subsystem .. 4 dominant system, scaled to 0-1).
    beta_system_level: 0.119, "logit per unit", [-0.11, 0.35], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Shift of escalation propensity when a non-violent military act triggered the crisis (ICB break 7), relative to a political, verbal or economic trigger (1-6).
    onset_military: -0.077, "logit", [-0.29, 0.13], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Shift of escalation propensity when an indirect violent act (against an ally or client) triggered the crisis (ICB break 8).
    onset_indirect: 0.121, "logit", [-0.14, 0.38], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Shift of escalation propensity when a violent act triggered the crisis (ICB break 9).
    onset_violent: 0.054, "logit", [-0.12, 0.23], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Log-odds that a crisis triggered by an indirect violent act starts with clashes between the crisis actors (rung 1) rather than at rung 0.
    start_clash_indirect: 0.738, "logit", [-0.9, 2.37], "ICB v15 1918-1989 fit (forward-chained, penalty 16), docs/validation.md";
    /// Base log-odds of de-escalating a rung in a round when neither side climbs.
    deescalation_base: 0.0, "logit", [-1.0, 1.0], "ICB v15 fit; prior assumption";
    /// Effect of third-party mediation (ICB mediate, 0/1) on de-escalation.
    deescalation_mediation: 0.4, "logit", [-0.2, 1.2], "assumption (prior); ICB v15 1918-1989 fit gives -0.10 ± 0.15, not adopted: third parties are selected into violent crises, docs/validation.md";
    /// Effect of global-organisation involvement (ICB globorg, 0/1) on de-escalation.
    deescalation_global_org: 0.2, "logit", [-0.4, 0.8], "assumption (prior); ICB v15 1918-1989 fit gives -0.06 ± 0.15, not adopted: third parties are selected into violent crises, docs/validation.md";
    /// Effect of regional-organisation involvement (ICB regorg, 0/1) on de-escalation.
    deescalation_regional_org: 0.2, "logit", [-0.4, 0.8], "assumption (prior); ICB v15 1918-1989 fit gives 0.01 ± 0.15, not adopted: third parties are selected into violent crises, docs/validation.md";
    /// Effect of gravity on de-escalation (graver crises are harder to climb down from).
    deescalation_gravity: -0.5, "logit per unit", [-1.5, 0.5], "assumption";
    /// Rounds of move and counter-move in one crisis (each round roughly a few days).
    crisis_rounds: 12.0, "rounds", [6.0, 24.0], "assumption";
    /// Standard deviation of each side's error in reading the other's intent, in peacetime-era crises.
    misperception_sd: 1.0, "logit", [0.3, 2.0], "assumption (Jervis 1976 on misperception; no direct measure)";
    /// Weight of fear that the other side moves first on one's own escalation (logit per unit belief).
    first_strike_fear: 1.5, "logit per unit belief", [0.5, 3.0], "assumption (Schelling 1960 reciprocal fear of surprise attack)";
    /// Belief (probability the other climbs) above which preemption is considered.
    preemption_threshold: 0.6, "probability", [0.45, 0.8], "assumption";
    /// Steepness of the preemption response to belief above the threshold.
    preemption_steepness: 12.0, "logit per unit belief", [6.0, 20.0], "assumption";
    /// Largest per-round probability of a preemptive strike at rungs 1-2.
    preemption_max: 0.15, "probability per round", [0.02, 0.35], "assumption";

    // ---- Pathway crisis profiles: what a NATO-Russia crisis on each pathway would be coded as in ICB ----
    /// (a) How a gray-zone crisis is triggered, as an ICB break code: an intercept, airspace or sea incident is a non-violent military act (7); a shoot-down or collision (Turkey-Russia, Su-24, 2015) a violent act (9).
    gray_zone_trigger: 7.0, "ICB break code 1-9", [7.0, 9.0], "assumption, ICB trigger codebook applied to seed 003's scenario (docs/model.md)";
    /// (a) Gravity of a gray-zone crisis for the NATO side, as an ICB gravcr code (2 = political threat).
    gray_zone_gravity: 2.0, "ICB gravcr code 0-6", [1.0, 3.0], "assumption (docs/model.md)";
    /// (a) Crisis actors in a gray-zone crisis.
    gray_zone_actors: 2.0, "crisis actors", [2.0, 4.0], "assumption (docs/model.md)";
    /// (b) How a snap-exercise crisis is triggered: a non-violent military act (7), which ICB's code names (troop movements, exercises).
    snap_exercise_trigger: 7.0, "ICB break code 1-9", [7.0, 7.0], "ICB trigger codebook (docs/model.md)";
    /// (b) Gravity of a snap-exercise crisis (4 = threat to influence; a Baltic state reading attack preparation could code it 5, grave damage).
    snap_exercise_gravity: 4.0, "ICB gravcr code 0-6", [3.0, 5.0], "assumption (docs/model.md)";
    /// (b) Crisis actors in a snap-exercise crisis (Russia, a Baltic state, NATO's leading power).
    snap_exercise_actors: 3.0, "crisis actors", [2.0, 5.0], "assumption (docs/model.md)";
    /// (c) How a spillover crisis is triggered: Russia's violence against Ukraine, a partner, is an indirect violent act (8); a strike on NATO territory (Przewodow, 2022) a violent act (9).
    ukraine_spillover_trigger: 8.0, "ICB break code 1-9", [8.0, 9.0], "assumption, ICB trigger codebook applied to seed 003's scenario (docs/model.md)";
    /// (c) Gravity of a spillover crisis (4 = threat to influence).
    ukraine_spillover_gravity: 4.0, "ICB gravcr code 0-6", [3.0, 5.0], "assumption (docs/model.md)";
    /// (c) Crisis actors in a spillover crisis.
    ukraine_spillover_actors: 4.0, "crisis actors", [3.0, 6.0], "assumption (docs/model.md)";
    /// (d) How a Belarus crisis is triggered: Russian forces moving into Belarus are, for NATO, a non-violent military act (7); violent suppression with NATO's partners targeted would be 8.
    belarus_trigger: 7.0, "ICB break code 1-9", [7.0, 8.0], "assumption, ICB trigger codebook applied to seed 003's scenario (docs/model.md)";
    /// (d) Gravity of a Belarus crisis (3 = territorial threat).
    belarus_gravity: 3.0, "ICB gravcr code 0-6", [2.0, 4.0], "assumption (docs/model.md)";
    /// (d) Crisis actors in a Belarus crisis.
    belarus_actors: 4.0, "crisis actors", [3.0, 6.0], "assumption (docs/model.md)";
    /// (e) How a Moldova or Georgia crisis is triggered: Russian violence against a NATO partner is an indirect violent act (8).
    moldova_georgia_trigger: 8.0, "ICB break code 1-9", [7.0, 9.0], "assumption, ICB trigger codebook applied to seed 003's scenario (docs/model.md)";
    /// (e) Gravity of a Moldova or Georgia crisis (3 = territorial threat).
    moldova_georgia_gravity: 3.0, "ICB gravcr code 0-6", [2.0, 4.0], "assumption (docs/model.md)";
    /// (e) Crisis actors in a Moldova or Georgia crisis.
    moldova_georgia_actors: 3.0, "crisis actors", [2.0, 5.0], "assumption (docs/model.md)";
    /// (f) How a deliberate limited attack is coded: a violent act against allies' territory (9).
    deliberate_attack_trigger: 9.0, "ICB break code 1-9", [9.0, 9.0], "ICB trigger codebook (docs/model.md)";
    /// (f) Gravity of a deliberate limited attack (6 = threat to existence, for the Baltic states attacked).
    deliberate_attack_gravity: 6.0, "ICB gravcr code 0-6", [5.0, 6.0], "assumption (docs/model.md)";
    /// (f) Crisis actors in a deliberate limited attack.
    deliberate_attack_actors: 4.0, "crisis actors", [3.0, 6.0], "assumption (docs/model.md)";
    /// (g) How a hybrid-attack crisis is triggered: sabotage without casualties is another non-violent act (5); a lethal attack would be a violent act (9).
    hybrid_trigger: 5.0, "ICB break code 1-9", [5.0, 9.0], "assumption, ICB trigger codebook applied to seed 003's scenario (docs/model.md)";
    /// (g) Gravity of a hybrid-attack crisis (2 = political threat).
    hybrid_gravity: 2.0, "ICB gravcr code 0-6", [1.0, 3.0], "assumption (docs/model.md)";
    /// (g) Crisis actors in a hybrid-attack crisis.
    hybrid_actors: 2.0, "crisis actors", [2.0, 4.0], "assumption (docs/model.md)";
    /// Power discrepancy between NATO and Russia in every NATO-Russia crisis, on the ICB powdissy scale mapped to 0-1.
    nato_russia_power_discrepancy: 0.5, "0-1 (ICB powdissy / 30)", [0.2, 0.8], "assumption (NATO's aggregate conventional superiority, seed 003)";

    // ---- Side terms: what tilts each side up or down the ladder in NATO-Russia crises ----
    /// Weight of Russian threat perception on Russia's escalation propensity.
    russia_threat_weight: 1.0, "logit per unit", [0.3, 2.0], "assumption (seed 003: posture must not exacerbate Russian threat perception)";
    /// Weight of alliance credibility on Russia's restraint (deterrence in a crisis).
    deterrence_weight: 1.5, "logit per unit", [0.5, 3.0], "assumption (seed 003: Moscow avoids a direct clash thanks to US presence and commitment)";
    /// Clip on the quick-success probability before its log-odds shift Russia's side in a deliberate-attack crisis: q is held within [clip, 1 - clip], so a posture the campaign model finds (almost) never or always overrun shifts a crisis by at most ln((1 - clip) / clip).
    quick_success_logit_clip: 0.01, "probability", [0.001, 0.05], "assumption (the campaign model's tails rest on 2,000 replications; at 0.01 the shift is at most 4.6 on the log-odds)";
    /// Weight of NATO's aggregate escalation-risk tolerance on NATO's escalation propensity.
    nato_tolerance_weight: 1.0, "logit per unit", [0.3, 2.0], "assumption (seed 000: most vulnerable are most tolerant of escalation risk)";
    /// Russian threat perception with no added Western posture (0-1 index).
    russia_threat_base: 0.6, "index 0-1", [0.4, 0.8], "assumption (seed 003: Russia frames NATO as aggressive, preparing to strike)";
    /// Rise in Russian threat perception per added forward brigade (the spiral effect).
    threat_per_brigade: 0.03, "index per brigade", [0.0, 0.08], "assumption (seed 003: calibrate posture to avoid feeding threat perception)";
    /// Rise in Russian threat perception from a full porcupine package for Ukraine.
    threat_per_porcupine: 0.05, "index at full strength", [0.0, 0.15], "assumption (defensive systems: small spiral)";

    // ---- Reading errors and NATO's members in a crisis ----
    /// Which way each side's reading error leans (the skew-normal's delta): 1 = every error over-reads the other's hostility (today's worst-case reading), 0 = symmetric, below 0 = complacency (a real threat read as bluff).
    hostile_bias: 1.0, "delta, -1 to 1", [-0.5, 1.0], "assumption (seed 003: under distrust each side assumes the worst; Jervis 1976 also documents complacency)";
    /// Exploitation of channels for deception: the rise in the log-odds of a quick Russian success per unit of working hotline strength (reassurance that masks preparation, less warning).
    channel_deception: 0.0, "logit per unit hotline", [0.0, 1.0], "assumption (none recorded; Jervis 1976: deception through channels)";
    /// Shift of a NATO member's reading of Russian intent per unit of vulnerability above 0.5: the exposed read the same signals as more threatening.
    vulnerability_reading_weight: 1.0, "logit per unit vulnerability", [0.0, 2.0], "assumption (seed 000: vulnerability and proximity drive threat perception)";
    /// Distance over which a member's exposure to the preemption response falls by a factor e (exposure = exp(-proximity / reach)).
    preemption_reach_km: 300.0, "km", [100.0, 1500.0], "assumption (seed 003: a frontline state striking preemptively on its own territory)";

    // ---- Russia as a strategic actor: effort across the channels it controls ----
    /// Share of Russia's challenge effort that it allocates strategically across its channels (gray zone, hybrid, Moldova/Georgia, Belarus, deliberate attack): 0 = each channel's rate is set on its own (no substitution); 1 = Russia's total effort is set by its motivation and shared among the channels by how open each is.
    pathway_substitution: 0.5, "fraction", [0.0, 1.0], "assumption (seed 003: Russia will probe and prod at any openings)";
    /// Effort of one deliberate limited attack, in gray-zone crisis equivalents.
    attack_effort: 10.0, "gray-zone crises", [3.0, 30.0], "assumption";
    /// Effort of one intervention crisis (Belarus, Moldova or Georgia), in gray-zone crisis equivalents.
    intervention_effort: 3.0, "gray-zone crises", [1.0, 10.0], "assumption";
    /// Rise in Russia's total challenge effort per unit of threat perception above its base level.
    threat_motivation_weight: 1.0, "fraction per unit index", [0.0, 3.0], "assumption (seed 003: threat perception drives Russian assertiveness)";
    /// Rise in Russia's total challenge effort per unit of the yearly shift of the balance against it (closing-window logic; negative while Russia rearms faster than NATO).
    closing_window_weight: 1.0, "fraction per unit log-balance per year", [0.0, 3.0], "assumption (seed 003: closing-window logic)";
    /// Fall in Russia's willingness to operate consent-needing mechanisms per unit of threat perception above its base level.
    consent_threat_weight: 1.0, "fraction per unit index", [0.0, 3.0], "assumption (seed 003: Russia might simply refuse)";

    // ---- Slow layer ----
    /// Years for Russian forces near NATO's northern frontier to reach 95 % of their post-war target, without export controls.
    rearm_years: 5.0, "years", [3.0, 10.0], "assumption; seed 003 (Finnish intelligence 2025), German defence minister: ready by 2029";
    /// Largest fractional slowdown of Russian rearmament by a fully covering, leak-free export-control regime.
    export_control_max_slowdown: 0.4, "fraction", [0.15, 0.7], "assumption (CoCom analogy, seed 003)";
    /// Speed-up of rearmament per unit of connectivity that is not under export control.
    connectivity_rearm_leak: 0.3, "fraction per unit connectivity", [0.0, 0.8], "assumption (seed 003: controls keep trade from strengthening Russian forces)";
    /// Years for connectivity to move most of the way to the architecture's target.
    connectivity_years: 3.0, "years", [1.0, 6.0], "assumption";
    /// Fractional cut in peacetime misperception at full connectivity.
    connectivity_misperception_cut: 0.35, "fraction", [0.1, 0.6], "assumption (seed 003: severed ties breed misinterpretation)";
    /// Cohesion change per percentage point of European spending above its starting share of GDP.
    cohesion_per_spending_point: 0.08, "per pp of GDP", [0.0, 0.2], "assumption (seed 000: burden-sharing builds trust)";
    /// Cohesion lost per unit of war fatigue accumulated.
    cohesion_fatigue_weight: 0.3, "per unit fatigue", [0.0, 0.6], "assumption (seed 000: Western/Central European concern)";
    /// Change in US commitment per percentage point of European spending above its starting share of GDP (burden-sharing; negative if Europe stepping up lets the US step back).
    us_burden_sharing_weight: 0.05, "per pp of GDP", [-0.1, 0.15], "assumption (seed 000: burden-sharing; US pressure for 2 % and 5 % pledges)";
    /// Weight of US commitment (versus European capability) in alliance credibility.
    us_credibility_weight: 0.6, "fraction", [0.4, 0.8], "SIPRI 2024: US about 66 % of NATO spending (data/PROVENANCE.md); range assumption";
    /// European spending (% of GDP) at which Europe's share of credibility saturates.
    europe_spending_saturation_pct: 3.5, "% of GDP", [2.5, 5.0], "assumption (NATO 2025 target debates)";
    /// Capability boost per unit strength of joint production and stockpile replenishment.
    joint_production_boost: 0.15, "fraction at full strength", [0.05, 0.3], "assumption (seed 000)";

    // ---- Ceasefire in Ukraine (Fortna 2003/2004: terms make cease-fires last) ----
    /// Hazard of a new Russia-Ukraine ceasefire breaking down with no protective terms, at its start (over all ceasefires, fragile and durable; the hazard then falls as the fragile ones break).
    ceasefire_base_hazard: 0.07, "per year", [0.03, 0.2], "assumption; Fortna: almost half of interstate wars since 1945 resumed (data/PROVENANCE.md)";
    /// Share of new ceasefires that are fragile (two-type frailty: the population's hazard falls with the ceasefire's age as fragile ones break first; 0 = a hazard constant in age).
    ceasefire_fragile_share: 0.4, "fraction", [0.0, 0.8], "assumption; direction from Werner 1999 and Fortna 2003/2004: the risk of renewed war is highest soon after a ceasefire and falls with its age";
    /// Ratio of a fragile ceasefire's breakdown hazard to a durable one's (1 = no fall with age).
    ceasefire_fragile_ratio: 5.0, "ratio", [1.0, 20.0], "assumption; direction from Werner 1999 and Fortna 2003/2004";
    /// Fractional cut in the breakdown hazard from a third-party security guarantee for the ceasefire, at full strength.
    ceasefire_guarantee_cut: 0.3, "fraction", [0.0, 0.6], "assumption; direction from Walter 2002 (third-party guarantees make settlements hold) and Fortna 2004 (peacekeeping)";
    /// Fractional cut in the breakdown hazard from a formal agreement.
    ceasefire_formal_cut: 0.2, "fraction", [0.05, 0.4], "assumption, direction from Fortna 2003";
    /// Fractional cut from specific (as opposed to vague) terms, at full specificity.
    ceasefire_specific_cut: 0.2, "fraction", [0.05, 0.4], "assumption, direction from Fortna 2003";
    /// Fractional cut from a demilitarised zone.
    ceasefire_dmz_cut: 0.3, "fraction", [0.1, 0.5], "assumption, direction from Fortna 2003";
    /// Fractional cut from third-party monitoring by armed peacekeepers.
    ceasefire_monitoring_cut: 0.35, "fraction", [0.1, 0.6], "assumption, direction from Fortna 2003";
    /// Unarmed observers' effect on the ceasefire hazard as a share of armed peacekeepers'.
    ceasefire_observer_share: 0.5, "fraction", [0.25, 0.75], "assumption (Fortna 2004: armed peacekeeping cuts the risk of renewed war more than unarmed observer missions)";
    /// Fractional cut from a joint dispute-resolution body.
    ceasefire_dispute_cut: 0.15, "fraction", [0.0, 0.35], "assumption, direction from Fortna 2003";
    /// Fractional cut from a well-equipped, porcupine Ukraine, at full strength.
    ceasefire_porcupine_cut: 0.35, "fraction", [0.1, 0.6], "assumption (seed 000 porcupine; seed 003 well-equipped Ukraine)";
    /// Rise in breakdown hazard when Russian rearmament is complete.
    ceasefire_rearm_rise: 0.5, "fraction", [0.0, 1.0], "assumption (seed 000: fear Russia uses the armistice to rebuild)";
    /// Mean length of a second Russia-Ukraine war once the ceasefire breaks.
    second_war_months: 18.0, "months", [6.0, 36.0], "assumption";
    /// Rise in European war fatigue once a second Russia-Ukraine war has been fought (it lowers cohesion through `cohesion_fatigue_weight`).
    second_war_fatigue_rise: 0.1, "fatigue units 0-1", [0.0, 0.3], "assumption (seed 000: fatigue in Western and Central Europe)";
    /// Share of Russia's forces near NATO's northern frontier drawn off or lost by a second Russia-Ukraine war, for the rest of the horizon.
    second_war_force_drain: 0.2, "fraction", [0.0, 0.5], "assumption (2022-24: Russian units on the Finnish and Baltic borders sent to Ukraine, seed 003)";
    /// Share of Ukraine's deterrent capability (the porcupine package's working strength) lost in a second war.
    second_war_ukraine_attrition: 0.3, "fraction", [0.0, 0.6], "assumption";

    // ---- Memory: tension between crises ----
    /// Mean months for tension to fall by one level (each month a level is shed with probability 1 - exp(-1/this)).
    tension_decay_months: 6.0, "months", [2.0, 24.0], "assumption; the 2014-15 close military encounters came in a run of about a year (data/PROVENANCE.md)";
    /// Rise in gray-zone, snap-exercise and hybrid crisis rates at the highest tension level (linear in the level).
    tension_trigger_rise: 0.5, "fraction at top level", [0.0, 2.0], "assumption (seed 003: a gray-zone spiral of incidents feeding each other)";
    /// Rise in the reading error (misperception) at the highest tension level.
    tension_misperception_rise: 0.2, "fraction at top level", [0.0, 1.0], "assumption (seed 003: severed ties and incidents breed misinterpretation)";
    /// Rise in Russian threat perception at the highest tension level.
    tension_threat_rise: 0.1, "index units 0-1 at top level", [0.0, 0.3], "assumption";
    /// Change in transatlantic cohesion at the highest tension level: positive a rally, negative a fracture.
    tension_cohesion_shift: 0.05, "cohesion units 0-1 at top level", [-0.15, 0.15], "assumption (NATO rallied after 2014 and 2022; crises can also divide it)";

    // ---- Event layer: base rates of crisis triggers by pathway ----
    /// (a) Gray-zone incidents (airspace, sea, cable) that become NATO-Russia crises.
    gray_zone_crisis_rate: 0.3, "crises per year", [0.1, 1.0], "assumption; ELN counted ~40-60 close encounters a year in 2014-15, 3 high-risk in 2014 (data/PROVENANCE.md)";
    /// Fractional cut in gray-zone crisis rate from a full incidents-at-sea-style code.
    incidents_code_cut: 0.4, "fraction", [0.1, 0.7], "assumption; INCSEA 1972 credited with fewer dangerous incidents (data/PROVENANCE.md)";
    /// (b) Large Russian snap exercises near NATO.
    snap_exercise_rate: 6.0, "exercises per year", [3.0, 10.0], "NATO: at least 18 large-scale snap exercises 2013-2015 (data/PROVENANCE.md)";
    /// Probability that a snap exercise is read as attack preparation and starts a crisis, at baseline misperception.
    snap_misread_probability: 0.02, "probability", [0.005, 0.08], "assumption (seed 003 scenario)";
    /// Slope of the snap-exercise misreading in the frontline states' escalation tolerance T_F: the misread probability is multiplied by 1 + slope x (T_F - 1/2).
    snap_tolerance_slope: 1.0, "per unit tolerance", [0.0, 2.0], "assumption (seed 000: the most exposed states are the most tolerant of risk, so likelier to treat an exercise as a threat)";
    /// Fractional cut in misreading from full exercise notification and observation.
    exercise_notification_cut: 0.5, "fraction", [0.2, 0.8], "assumption; Vienna Document 2011 thresholds (data/PROVENANCE.md)";
    /// (c) NATO-Russia crises per year while a second Russia-Ukraine war is under way.
    spillover_crisis_rate: 1.5, "crises per war-year", [0.5, 4.0], "assumption; Przewodów missile, Nov 2022 (seed 003)";
    /// (d) Mass unrest in Belarus.
    belarus_unrest_rate: 0.035, "episodes per year", [0.01, 0.1], "assumption; one mass-protest episode (2020) in about 30 years of Lukashenko's rule (seed 003)";
    /// Hazard of a leadership succession in Belarus (after which unrest is likelier).
    belarus_succession_rate: 0.05, "per year", [0.02, 0.15], "assumption; Lukashenko, born 1954, has ruled since 1994 with no settled successor (seed 003: 'Lukashenko or his chosen successor')";
    /// Factor on the Belarus unrest rate after a succession, for the rest of the horizon.
    belarus_succession_unrest_factor: 3.0, "ratio", [1.0, 6.0], "assumption (seed 003)";
    /// Probability Russia intervenes in Belarusian unrest, producing a NATO-Russia crisis.
    belarus_intervention_probability: 0.7, "probability", [0.4, 0.9], "assumption (seed 003: Moscow would not accept the loss of Belarus)";
    /// (e) NATO-Russia crises over Moldova or Georgia.
    moldova_georgia_crisis_rate: 0.06, "crises per year", [0.02, 0.15], "assumption; Georgia 2008, Transnistria (seed 003)";
    /// (f) Deliberate limited attack: rate when the quick-success probability is 0.5, credibility 0.5, Russian rearmament complete.
    deliberate_attack_rate: 0.04, "decisions per year", [0.005, 0.15], "assumption (seed 003: remote while the alliance is united; seed 000: not implausible medium term)";
    /// (g) Russian sabotage and hybrid attacks in Europe.
    hybrid_attack_rate: 34.0, "attacks per year", [12.0, 50.0], "CSIS tally: 12 in 2023, 34 in 2024 (data/PROVENANCE.md)";
    /// Probability that one hybrid attack becomes a NATO-Russia crisis (attribution and assertive response).
    hybrid_crisis_probability: 0.01, "probability", [0.003, 0.04], "assumption (none has so far)";
    /// Fractional cut in hybrid attacks that become crises from full infrastructure defence.
    hybrid_defence_cut: 0.5, "fraction", [0.2, 0.8], "assumption";
    /// Rise in gray-zone and hybrid crisis rates per unit of NATO's escalation tolerance (assertive responses).
    assertiveness_weight: 0.8, "fraction per unit", [0.0, 1.5], "assumption (seed 003: NATO considers 'being more aggressive')";

    // ---- Risk-reduction mechanisms: effects at full strength ----
    /// Fractional cut in crisis misperception from a hotline.
    hotline_misperception_cut: 0.3, "fraction", [0.1, 0.5], "assumption; US-Soviet hotline 1963 (seed 003)";
    /// Fractional cut in misperception from dialogue kept open in crises.
    dialogue_misperception_cut: 0.2, "fraction", [0.05, 0.4], "assumption (seed 003: talk when things go wrong)";
    /// Rise in de-escalation log-odds from dialogue kept open in crises.
    dialogue_deescalation: 0.6, "logit", [0.2, 1.2], "assumption (seed 003)";
    /// Cut in the log of every nuclear hazard of the war's course (limited and theatre war to limited nuclear use, limited to general nuclear war) from arms control at full working strength: each is multiplied by exp(-this x strength).
    arms_control_nuclear_threshold: 0.8, "log hazard ratio", [0.2, 1.5], "assumption";
    /// Fractional cut in first-strike fear from arms control (limits on long-range systems).
    arms_control_fear_cut: 0.25, "fraction", [0.05, 0.5], "assumption (seed 003: Russia fears US long-range systems)";
    /// Fractional cut in Russia's quick-success probability per unit strength of a porcupine Ukraine (deters renewed offensive, ties down forces).
    porcupine_denial: 0.1, "fraction", [0.0, 0.3], "assumption";

    // ---- War course: after the first NATO-Russia clash (monthly hazards; `war.rs`) ----
    /// Hazard that a limited war (a clash or a Baltic war) widens into a theatre-wide war (horizontal or vertical escalation: more fronts, strikes deep into either side).
    war_limited_to_theatre: 0.05, "per month", [0.01, 0.2], "assumption (no war between nuclear-armed great powers to draw on; a limited war that widens within a year or two)";
    /// Ratio by which a fait accompli (the grab succeeded: Tallinn or Riga fell within 7 days, probability q) multiplies the limited war's hazard of widening: NATO must retake territory rather than hold it.
    war_fait_accompli_escalation: 2.0, "ratio", [1.0, 4.0], "assumption (a fait accompli leaves NATO to choose between a counter-offensive and concession)";
    /// Hazard of limited nuclear use during a limited war (before arms control).
    war_limited_to_nuclear: 0.005, "per month", [0.001, 0.02], "assumption (no nuclear use since 1945; Russian doctrine reserves it for a threat to the state)";
    /// Hazard of limited nuclear use during a theatre war (before arms control).
    war_theatre_to_nuclear: 0.02, "per month", [0.005, 0.08], "assumption (a theatre war threatens Russian territory and forces, the doctrine's threshold)";
    /// Hazard that limited nuclear use becomes general nuclear war (before arms control).
    war_nuclear_to_general: 0.15, "per month", [0.03, 0.5], "assumption (whether limited nuclear use stays limited is unknown; no data)";
    /// Hazard that a limited war ends (negotiated, or by exhaustion), constant in the war's length.
    war_end_limited: 0.15, "per month", [0.05, 0.4], "assumption (a limited war lasting about half a year on average, counting wars that widen)";
    /// Hazard that a theatre war ends.
    war_end_theatre: 0.06, "per month", [0.02, 0.2], "assumption (a theatre war lasting over a year on average)";
    /// Hazard that a war ends after limited nuclear use (shock and pressure to stop).
    war_end_nuclear: 0.3, "per month", [0.05, 0.6], "assumption";
    /// Rise of every termination hazard per year the war has lasted (exhaustion): a war a years old ends at (1 + this x a) times the stated hazard.
    war_exhaustion_rise: 0.5, "per year of war", [0.0, 2.0], "assumption (exhaustion of forces, stocks and will grows with a war's length)";

    // ---- Costs ----
    /// Annual cost of a full porcupine package for Ukraine (air defence, counter-mobility).
    porcupine_cost_bn: 20.0, "US$ bn per year", [10.0, 40.0], "assumption; Ukraine's 2024 defence spending US$64.7 bn (SIPRI, data/PROVENANCE.md)";
    /// Annual cost of one forward-stationed NATO brigade.
    brigade_cost_bn: 1.5, "US$ bn per brigade-year", [0.7, 3.0], "assumption";
    /// Annual cost of one risk-reduction or connectivity mechanism at full strength (each mechanism's module says whether it is paid this way; `mechanism/`).
    risk_reduction_unit_cost_bn: 0.0625, "US$ bn per year per mechanism", [0.0125, 0.25], "assumption (US$ 0.5 bn, range 0.1-2, for the package of eight)";
}

/// Look up the spec of a parameter by name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    PARAM_SPECS.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges() {
        for s in PARAM_SPECS {
            assert!(
                s.low <= s.default && s.default <= s.high,
                "{} default {} outside [{}, {}]",
                s.name,
                s.default,
                s.low,
                s.high
            );
            assert!(!s.source.is_empty() && !s.unit.is_empty());
        }
    }

    #[test]
    fn get_and_set_by_name() {
        let mut p = ModelParams::default();
        assert_eq!(p.get("rearm_years"), Some(5.0));
        assert!(p.set("rearm_years", 7.0));
        assert_eq!(p.rearm_years, 7.0);
        assert!(!p.set("no_such", 1.0));
        assert_eq!(
            PARAM_SPECS.len(),
            PARAM_SPECS
                .iter()
                .map(|s| s.name)
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }
}
