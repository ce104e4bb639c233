//! Reuse across the exact evaluations of a sensitivity design. Rows of a Sobol design come in
//! groups of D + 2 (A, then A with one parameter from B, for each parameter, then B), rows of
//! a Morris trajectory one parameter apart, and most parameters are read by only part of an
//! evaluation of p(war): the slow state ([`crate::slow::Trajectory`]), the crisis ladders'
//! distributions, the chain over months. [`PWarEvaluator`] keeps a base evaluation (the last
//! row that differed from the base before in more than one parameter, or in the policy) with
//! its slow state, ladder distributions and p(war), and evaluates a row that differs from the
//! base in one parameter from the first stage that reads it: a parameter no stage reads gives
//! the base's p(war), one the slow state does not read reuses its slow state, one neither the
//! slow state nor the ladders read reuses its distributions too, and one only the slow state
//! reads reuses the distribution of every crisis setting it left as it was. Which stage reads a parameter
//! is found in the stages' source files (a parameter is read where its field is named, `.name`,
//! counting every function of those files: a superset); a test checks, for every parameter on
//! every built-in and an architecture with every mechanism on, that a parameter not counted
//! for a stage leaves its output bit for bit unchanged. The results are the bits of
//! [`crate::exact::p_war_cached`].

use crate::crisis::RUNGS;
#[cfg(test)]
use crate::exact::crisis_distributions;
use crate::exact::{p_war_from, war_reachable, CrisisSettings, LadderCache};
use crate::mechanism;
use crate::params::{ModelParams, PARAM_SPECS};
use crate::pathway::PATHWAY_COUNT;
use crate::policy::Policy;
use crate::slow::{Trajectory, MEMORIES};
use std::sync::OnceLock;

/// The sources of the slow state's computation (with the mechanisms, taken from their
/// registry, and the policy's tables).
const SLOW_SOURCES: &[&str] = &[
    include_str!("slow.rs"),
    include_str!("policy.rs"),
    include_str!("pathway.rs"),
    include_str!("mechanism/mod.rs"),
];

/// The sources of the crisis ladders' settings and distributions, beyond the slow state.
const LADDER_SOURCES: &[&str] = &[
    include_str!("crisis.rs"),
    include_str!("run.rs"),
    include_str!("exact.rs"),
];

/// The sources of the chain over months, beyond the slow state and the ladders.
const CHAIN_SOURCES: &[&str] = &[include_str!("exact.rs"), include_str!("run.rs")];

/// Which stages of an exact p(war) read a parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The slow state (every later stage reads it).
    pub slow: bool,
    /// The crisis ladders' settings or distributions (beyond the slow state).
    pub ladders: bool,
    /// The chain over months (beyond the slow state and the ladders).
    pub chain: bool,
}

impl Reads {
    fn or(self, other: Reads) -> Reads {
        Reads {
            slow: self.slow || other.slow,
            ladders: self.ladders || other.ladders,
            chain: self.chain || other.chain,
        }
    }
}

/// Whether `name` is named as a field (`.name`, not followed by more of an identifier) in
/// any of `sources`.
fn named_in(name: &str, sources: &[&str]) -> bool {
    let field = format!(".{name}");
    sources.iter().any(|src| {
        src.match_indices(&field).any(|(i, _)| {
            !src[i + field.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// The stages that read each parameter of [`PARAM_SPECS`], in its order.
pub fn parameter_reads() -> &'static [Reads] {
    static READS: OnceLock<Vec<Reads>> = OnceLock::new();
    READS.get_or_init(|| {
        PARAM_SPECS
            .iter()
            .map(|s| Reads {
                slow: named_in(s.name, SLOW_SOURCES) || named_in(s.name, &mechanism::SOURCES),
                ladders: named_in(s.name, LADDER_SOURCES),
                chain: named_in(s.name, CHAIN_SOURCES),
            })
            .collect()
    })
}

/// The stages that read `name` (None if it is not a parameter).
pub fn reads(name: &str) -> Option<Reads> {
    let i = PARAM_SPECS.iter().position(|s| s.name == name)?;
    Some(parameter_reads()[i])
}

/// A base evaluation and what later rows may reuse of it.
struct Base {
    params: ModelParams,
    policy: Policy,
    trajectory: Trajectory,
    war_reachable: bool,
    settings: CrisisSettings,
    /// The ladders' distributions, by setting and by slot.
    setting_dists: Vec<[f64; RUNGS]>,
    dists: Vec<[[[f64; RUNGS]; PATHWAY_COUNT]; MEMORIES]>,
    p_war: f64,
}

/// Exact p(war) of many parameter sets in turn, reusing the stages a set shares with a base
/// set (see the module docs) and the crisis ladders of the base (a [`LadderCache`] that keeps
/// the base's ladders only). Gives the bits of [`crate::exact::p_war_cached`].
#[derive(Default)]
pub struct PWarEvaluator {
    base: Option<Base>,
    ladders: LadderCache,
}

impl PWarEvaluator {
    /// Exact p(war) of `policy` under `params`.
    pub fn p_war(&mut self, params: &ModelParams, policy: &Policy) -> f64 {
        let reads = parameter_reads();
        // What differs from the base: None if the policy does, or more than one parameter.
        let changed = self.base.as_ref().and_then(|b| {
            if b.policy != *policy {
                return None;
            }
            let mut changed = Reads::default();
            let mut count = 0;
            for (i, s) in PARAM_SPECS.iter().enumerate() {
                let (old, new) = (b.params.get(s.name), params.get(s.name));
                if old.map(f64::to_bits) != new.map(f64::to_bits) {
                    count += 1;
                    changed = changed.or(reads[i]);
                }
            }
            (count <= 1).then_some(changed)
        });
        let Some(changed) = changed else {
            // A new base: its ladders replace the ones kept.
            self.ladders = LadderCache::default();
            let trajectory = Trajectory::new(params, policy);
            let reachable = war_reachable(policy, &trajectory);
            let settings = CrisisSettings::new(params, policy, &trajectory, reachable);
            let setting_dists = settings.distributions(params, Some(&mut self.ladders), |_| None);
            let dists = settings.by_slot(&setting_dists);
            let p_war = p_war_from(params, policy, &trajectory, &dists);
            self.base = Some(Base {
                params: params.clone(),
                policy: policy.clone(),
                trajectory,
                war_reachable: reachable,
                settings,
                setting_dists,
                dists,
                p_war,
            });
            return p_war;
        };
        let base = self.base.as_ref().expect("a base");
        if changed == Reads::default() {
            return base.p_war;
        }
        if changed.slow {
            let trajectory = Trajectory::new(params, policy);
            let reachable = war_reachable(policy, &trajectory);
            let settings = CrisisSettings::new(params, policy, &trajectory, reachable);
            // A parameter the ladders do not read leaves the ladder of an unchanged setting
            // unchanged: its distribution is the base's.
            let setting_dists = self.ladders.frozen(|cache| {
                settings.distributions(params, Some(cache), |j| {
                    if changed.ladders {
                        None
                    } else {
                        settings.same_in(&base.settings, &base.setting_dists, j)
                    }
                })
            });
            return p_war_from(
                params,
                policy,
                &trajectory,
                &settings.by_slot(&setting_dists),
            );
        }
        if changed.ladders {
            // The settings read the parameters too (how each pathway's crises start).
            let settings =
                CrisisSettings::new(params, policy, &base.trajectory, base.war_reachable);
            let setting_dists = self
                .ladders
                .frozen(|cache| settings.distributions(params, Some(cache), |_| None));
            return p_war_from(
                params,
                policy,
                &base.trajectory,
                &settings.by_slot(&setting_dists),
            );
        }
        p_war_from(params, policy, &base.trajectory, &base.dists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::p_war_cached;
    use crate::mechanism::MechanismId;
    use crate::slow::Memory;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// An architecture where every mechanism works, with forward brigades, a guarantee and an
    /// old ceasefire: every parameter has something to act on.
    fn everything_on() -> Policy {
        let mut policy = Policy::default();
        for id in MechanismId::ALL {
            policy.mechanisms.set(id, 1.0);
        }
        policy.added_brigades = 2.0;
        policy.ceasefire.guarantee = 0.5;
        policy.ceasefire.observers = 0.5;
        policy.ceasefire_age_years = 2.0;
        policy.quick_success_by_forces = vec![(0.25, 0.05), (0.5, 0.2), (1.0, 0.6)];
        policy
    }

    fn random_params(rng: &mut Xoshiro256PlusPlus) -> ModelParams {
        let mut params = ModelParams::default();
        for s in PARAM_SPECS.iter().filter(|s| s.high > s.low) {
            params.set(s.name, s.low + rng.random::<f64>() * (s.high - s.low));
        }
        params
    }

    fn same_trajectory(a: &Trajectory, b: &Trajectory) -> bool {
        a.fragile_share_at_start.to_bits() == b.fragile_share_at_start.to_bits()
            && (0..a.len()).all(|m| {
                (0..MEMORIES).all(|i| {
                    let memory = Memory::from_index(i);
                    format!("{:?}", a.at(m, memory)) == format!("{:?}", b.at(m, memory))
                })
            })
    }

    /// Every parameter changed alone, at random points, under two architectures: a stage that
    /// does not read it (by [`parameter_reads`]) gives the same bits, and so does the
    /// evaluator; the reads are a strict part of the parameters (the reuse is worth having).
    #[test]
    fn a_stage_not_reading_a_parameter_is_unchanged_by_it() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let reads = parameter_reads();
        assert!(reads.iter().filter(|r| !r.slow).count() > 30, "{reads:?}");
        assert!(reads.iter().any(|r| *r == Reads::default()));
        for policy in [Policy::default(), everything_on()] {
            for _ in 0..2 {
                let base = random_params(&mut rng);
                let trajectory = Trajectory::new(&base, &policy);
                let reachable = war_reachable(&policy, &trajectory);
                let dists = crisis_distributions(&base, &policy, &trajectory, reachable, None);
                let p_war = p_war_from(&base, &policy, &trajectory, &dists);
                let mut evaluator = PWarEvaluator::default();
                assert_eq!(evaluator.p_war(&base, &policy), p_war);
                for (s, r) in PARAM_SPECS.iter().zip(reads) {
                    // A value across the range (or beyond a point range), far from the base's.
                    let old = base.get(s.name).unwrap();
                    let mut value = s.low + (s.high - s.low) * rng.random::<f64>();
                    if value == old || s.high <= s.low {
                        value = old * 1.5 + 0.25;
                    }
                    let mut params = base.clone();
                    params.set(s.name, value);
                    let t = Trajectory::new(&params, &policy);
                    if !r.slow {
                        assert!(
                            same_trajectory(&t, &trajectory),
                            "{} moves the slow state",
                            s.name
                        );
                    }
                    let reachable = war_reachable(&policy, &t);
                    let d = crisis_distributions(&params, &policy, &t, reachable, None);
                    if !r.slow && !r.ladders {
                        assert!(
                            d.iter()
                                .flatten()
                                .flatten()
                                .flatten()
                                .map(|v| v.to_bits())
                                .eq(dists
                                    .iter()
                                    .flatten()
                                    .flatten()
                                    .flatten()
                                    .map(|v| v.to_bits())),
                            "{} moves the ladders",
                            s.name
                        );
                    }
                    let want = p_war_from(&params, &policy, &t, &d);
                    if *r == Reads::default() {
                        assert_eq!(want.to_bits(), p_war.to_bits(), "{} moves p(war)", s.name);
                    }
                    let got = evaluator.p_war(&params, &policy);
                    assert_eq!(got.to_bits(), want.to_bits(), "{}", s.name);
                    assert_eq!(
                        got.to_bits(),
                        p_war_cached(&params, &policy, &mut LadderCache::default()).to_bits()
                    );
                }
            }
        }
    }
}
