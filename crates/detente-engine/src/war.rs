//! The war's course after the first NATO-Russia clash. A run does not stop at the first war:
//! month by month the war moves through phases with monthly hazards from the parameter table
//! (`war_*`), competing in each phase:
//!
//! - **limited war** (L): a clash, or a limited Baltic war; it widens into a theatre war, sees
//!   limited nuclear use, or ends. A war begun by a deliberate attack starts as a limited war
//!   after a **fait accompli** (L*) with the probability q that the grab succeeded quickly (the
//!   campaign model's outcome, the month's `quick_success`): NATO must retake territory, so
//!   the hazard of widening is multiplied by `war_fait_accompli_escalation`;
//! - **theatre war** (T): theatre-wide war; limited nuclear use or an end;
//! - **limited nuclear use** (N1): general nuclear war or an end;
//! - **general nuclear war** (N2) and **war ended** (E, negotiated or by exhaustion) are
//!   absorbing for the rest of the horizon.
//!
//! Arms control acts on every nuclear hazard (× exp(−arms_control_nuclear_threshold · s̃_arms),
//! the month's working strength); exhaustion raises every termination hazard with the war's
//! length a in months (× (1 + war_exhaustion_rise · a / 12)). In a month with hazards h_j out of the current phase the war
//! leaves it with probability 1 − exp(−Σh), to phase j with share h_j / Σh. A war starts in its
//! phase at the end of the month of the clash and moves from the next month on. The phases are
//! a small Markov chain, so the exact evaluator computes the war's outcomes exactly
//! ([`WarMonth`] is shared by both).

use crate::params::ModelParams;
use crate::pathway::Pathway;
use crate::slow::MonthState;
use rayon::prelude::*;

/// Phases of a war.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarPhase {
    /// Limited war.
    Limited = 0,
    /// Limited war after a fait accompli (a deliberate attack whose grab succeeded quickly).
    LimitedAfterGrab = 1,
    /// Theatre-wide war.
    Theatre = 2,
    /// Limited nuclear use.
    LimitedNuclear = 3,
    /// General nuclear war (absorbing).
    GeneralNuclear = 4,
    /// The war ended (absorbing).
    Ended = 5,
}

/// Number of war phases.
pub const WAR_PHASES: usize = 6;

impl WarPhase {
    /// All phases, in index order.
    pub const ALL: [WarPhase; WAR_PHASES] = [
        WarPhase::Limited,
        WarPhase::LimitedAfterGrab,
        WarPhase::Theatre,
        WarPhase::LimitedNuclear,
        WarPhase::GeneralNuclear,
        WarPhase::Ended,
    ];

    /// Whether the phase is nuclear use.
    pub fn is_nuclear(self) -> bool {
        matches!(self, WarPhase::LimitedNuclear | WarPhase::GeneralNuclear)
    }
}

/// What a war reached within the horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WarCourse {
    /// A theatre-wide war.
    pub theatre: bool,
    /// Nuclear use (limited or general).
    pub nuclear: bool,
    /// General nuclear war.
    pub general_nuclear: bool,
    /// The war ended (negotiated or by exhaustion) before the horizon.
    pub ended: bool,
}

impl WarCourse {
    /// Record having entered `phase`.
    pub fn enter(&mut self, phase: WarPhase) {
        self.theatre |= phase == WarPhase::Theatre;
        self.nuclear |= phase.is_nuclear();
        self.general_nuclear |= phase == WarPhase::GeneralNuclear;
        self.ended |= phase == WarPhase::Ended;
    }
}

/// Probability that a war starting through `pathway` in month state `st` starts after a fait
/// accompli (the deliberate attack's grab succeeded quickly); 0 for the other pathways.
pub fn fait_accompli_probability(pathway: Pathway, st: &MonthState) -> f64 {
    if pathway == Pathway::DeliberateAttack && st.quick_success.is_finite() {
        st.quick_success.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One month of a war: `moves[from]` lists (to, probability) for leaving phase `from`, in a
/// fixed order; the rest of the probability stays in `from`.
#[derive(Clone, Debug, PartialEq)]
pub struct WarMonth {
    pub moves: [Moves; WAR_PHASES],
}

/// The moves out of one phase: at most three (to, probability) in a [`WarMonth`], or (to,
/// hazard) from [`Moves::hazards`], read as a slice. Kept inline
/// (no allocation): the exact chain makes a [`WarMonth`] for every pair of clash month and
/// later month.
#[derive(Clone, Copy, Debug)]
pub struct Moves {
    len: usize,
    items: [(WarPhase, f64); 3],
}

impl Moves {
    const NONE: Moves = Moves {
        len: 0,
        items: [(WarPhase::Ended, 0.0); 3],
    };
}

impl std::ops::Deref for Moves {
    type Target = [(WarPhase, f64)];
    fn deref(&self) -> &[(WarPhase, f64)] {
        &self.items[..self.len]
    }
}

impl<'a> IntoIterator for &'a Moves {
    type Item = &'a (WarPhase, f64);
    type IntoIter = std::slice::Iter<'a, (WarPhase, f64)>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Moves {
    fn eq(&self, other: &Moves) -> bool {
        **self == **other
    }
}

fn hazard(h: f64) -> f64 {
    if h.is_finite() {
        h.max(0.0)
    } else {
        0.0
    }
}

impl Moves {
    /// The competing hazards of leaving phase `from` in a month under parameters `params` and
    /// month state `st`, for a war that has lasted `age` months at the start of the month
    /// (1 in the month after the clash): (to, hazard a month), in a fixed order. The month's
    /// probabilities ([`WarMonth`]) follow from them; which phase a war that leaves goes to is
    /// in proportion to them.
    pub fn hazards(params: &ModelParams, st: &MonthState, age: u32, from: WarPhase) -> Moves {
        use WarPhase::*;
        let nuclear = st.mechanisms.war_effects(params).nuclear_factor;
        let limited_nuclear = hazard(params.war_limited_to_nuclear) * nuclear;
        // Exhaustion: every termination hazard rises linearly with the war's length.
        let exhaustion = 1.0 + hazard(params.war_exhaustion_rise) * age as f64 / 12.0;
        let end_limited = hazard(params.war_end_limited) * exhaustion;
        let widen = hazard(params.war_limited_to_theatre);
        let items: &[(WarPhase, f64)] = match from {
            Limited => &[
                (Theatre, widen),
                (LimitedNuclear, limited_nuclear),
                (Ended, end_limited),
            ],
            LimitedAfterGrab => &[
                (Theatre, widen * hazard(params.war_fait_accompli_escalation)),
                (LimitedNuclear, limited_nuclear),
                (Ended, end_limited),
            ],
            Theatre => &[
                (
                    LimitedNuclear,
                    hazard(params.war_theatre_to_nuclear) * nuclear,
                ),
                (Ended, hazard(params.war_end_theatre) * exhaustion),
            ],
            LimitedNuclear => &[
                (
                    GeneralNuclear,
                    hazard(params.war_nuclear_to_general) * nuclear,
                ),
                (Ended, hazard(params.war_end_nuclear) * exhaustion),
            ],
            GeneralNuclear | Ended => &[],
        };
        let mut moves = Moves {
            len: items.len(),
            ..Moves::NONE
        };
        moves.items[..items.len()].copy_from_slice(items);
        moves
    }

    /// The total of the hazards.
    pub fn total(&self) -> f64 {
        self.iter().map(|(_, h)| h).sum()
    }
}

impl WarMonth {
    /// The month's transitions under parameters `params` and month state `st`, for a war that
    /// has lasted `age` months at the start of the month (1 in the month after the clash):
    /// competing hazards ([`Moves::hazards`]), each phase left with probability
    /// 1 - e^-(their total), split in proportion to them.
    pub fn new(params: &ModelParams, st: &MonthState, age: u32) -> WarMonth {
        WarMonth {
            moves: std::array::from_fn(|from| {
                let mut moves = Moves::hazards(params, st, age, WarPhase::ALL[from]);
                let total = moves.total();
                if total <= 0.0 {
                    return Moves::NONE;
                }
                let leave = -(-total).exp_m1();
                for (_, h) in &mut moves.items[..moves.len] {
                    *h = leave * *h / total;
                }
                moves
            }),
        }
    }

    /// The phase after this month from `from`, given a uniform draw `u` in [0, 1).
    pub fn step(&self, from: WarPhase, u: f64) -> WarPhase {
        let mut cum = 0.0;
        for (to, p) in &self.moves[from as usize] {
            cum += p;
            if u < cum {
                return *to;
            }
        }
        from
    }
}

/// Exact probabilities of what a war reaches by the horizon, by the month of its clash and its
/// starting phase: `reach[m][phase]` is the [`WarReach`] of a war whose clash came in month m
/// and which starts in `phase` (having reached nothing before it). The war's age is known in
/// every later month (months since the clash), so exhaustion keeps the chain exact: for each
/// clash month the distribution over (phase, reached theatre, reached nuclear), 24 states, is
/// propagated forward to the horizon with the months' [`WarMonth`]s.
pub fn reach_after_clash(
    params: &ModelParams,
    months: &[&MonthState],
) -> Vec<[WarReach; WAR_PHASES]> {
    reach_after_clash_from(params, months, &WarPhase::ALL)
        .into_iter()
        .map(|r| std::array::from_fn(|p| r[p]))
        .collect()
}

/// [`reach_after_clash`] for the starting phases `starts` only: `reach[m][i]` for a war
/// starting in `starts[i]`. Clash months are computed in parallel.
pub fn reach_after_clash_from(
    params: &ModelParams,
    months: &[&MonthState],
    starts: &[WarPhase],
) -> Vec<Vec<WarReach>> {
    const S: usize = WAR_PHASES * 4;
    let index = |phase: usize, t: usize, n: usize| phase * 4 + t * 2 + n;
    (0..months.len())
        .into_par_iter()
        .map(|clash| {
            let steps: Vec<WarMonth> = months
                .iter()
                .enumerate()
                .skip(clash + 1)
                .map(|(k, st)| WarMonth::new(params, st, (k - clash) as u32))
                .collect();
            starts
                .iter()
                .map(|&start| {
                    let mut dist = [0.0f64; S];
                    dist[index(
                        start as usize,
                        (start == WarPhase::Theatre) as usize,
                        start.is_nuclear() as usize,
                    )] = 1.0;
                    for month in &steps {
                        let mut next = [0.0f64; S];
                        for from in WarPhase::ALL {
                            for t in 0..2 {
                                for n in 0..2 {
                                    let x = dist[index(from as usize, t, n)];
                                    if x == 0.0 {
                                        continue;
                                    }
                                    let mut stay = 1.0;
                                    for (to, p) in &month.moves[from as usize] {
                                        stay -= p;
                                        let t2 = (t == 1 || *to == WarPhase::Theatre) as usize;
                                        let n2 = (n == 1 || to.is_nuclear()) as usize;
                                        next[index(*to as usize, t2, n2)] += x * p;
                                    }
                                    next[index(from as usize, t, n)] += x * stay;
                                }
                            }
                        }
                        dist = next;
                    }
                    let mut reach = WarReach::default();
                    for phase in WarPhase::ALL {
                        for t in 0..2 {
                            for n in 0..2 {
                                let x = dist[index(phase as usize, t, n)];
                                reach.theatre += x * t as f64;
                                reach.nuclear += x * n as f64;
                                reach.general_nuclear +=
                                    x * (phase == WarPhase::GeneralNuclear) as u8 as f64;
                                reach.ended += x * (phase == WarPhase::Ended) as u8 as f64;
                            }
                        }
                    }
                    reach
                })
                .collect()
        })
        .collect()
}

/// Probabilities of what a war reaches by the horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WarReach {
    pub theatre: f64,
    pub nuclear: f64,
    pub general_nuclear: f64,
    pub ended: f64,
}

impl WarReach {
    /// Add `k` times `other`.
    pub fn add_scaled(&mut self, other: &WarReach, k: f64) {
        self.theatre += k * other.theatre;
        self.nuclear += k * other.nuclear;
        self.general_nuclear += k * other.general_nuclear;
        self.ended += k * other.ended;
    }
}

/// What wars reach within the horizon, as probabilities over runs (or their estimates):
/// `limited_war` is any war (the first clash), the others are phases it went on to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WarOutcomes<T> {
    pub limited_war: T,
    pub theatre_war: T,
    pub nuclear_use: T,
    pub general_nuclear_war: T,
    pub war_ended: T,
}

impl<T: Copy> WarOutcomes<T> {
    /// Each outcome with its key (as in the JSON) and its label (as in the table).
    pub fn named(&self) -> [(&'static str, &'static str, T); 5] {
        [
            (
                "limited_war",
                "war of any kind (starts limited)",
                self.limited_war,
            ),
            ("theatre_war", "theatre-wide war", self.theatre_war),
            (
                "nuclear_use",
                "nuclear use (limited or general)",
                self.nuclear_use,
            ),
            (
                "general_nuclear_war",
                "general nuclear war",
                self.general_nuclear_war,
            ),
            ("war_ended", "war ended before the horizon", self.war_ended),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::MechanismId;
    use crate::policy::Policy;
    use crate::slow::{Memory, Trajectory};

    fn months(arms_control: f64) -> (ModelParams, Vec<MonthState>) {
        let params = ModelParams::default();
        let mut policy = Policy::default();
        policy
            .mechanisms
            .set(MechanismId::ArmsControl, arms_control);
        let t = Trajectory::new(&params, &policy);
        let path = t.path(Memory::AT_WAR).into_iter().cloned().collect();
        (params, path)
    }

    fn refs(months: &[MonthState]) -> Vec<&MonthState> {
        months.iter().collect()
    }

    #[test]
    fn a_month_moves_by_competing_hazards() {
        let (params, months) = months(0.0);
        let w = WarMonth::new(&params, &months[0], 0);
        let limited: f64 = w.moves[0].iter().map(|(_, p)| p).sum();
        let total =
            params.war_limited_to_theatre + params.war_limited_to_nuclear + params.war_end_limited;
        assert!((limited - (1.0 - (-total).exp())).abs() < 1e-15);
        assert!(w.moves[4].is_empty() && w.moves[5].is_empty());
        // step() follows the same probabilities: the first share goes to the first move.
        assert_eq!(w.step(WarPhase::Limited, 0.0), WarPhase::Theatre);
        assert_eq!(w.step(WarPhase::Limited, 0.999_999), WarPhase::Limited);
        assert_eq!(w.step(WarPhase::Ended, 0.0), WarPhase::Ended);
    }

    #[test]
    fn arms_control_lowers_nuclear_use_and_a_fait_accompli_widens_the_war() {
        let (params, none) = months(0.0);
        let (_, full) = months(1.0);
        let r0 = reach_after_clash(&params, &refs(&none));
        let r1 = reach_after_clash(&params, &refs(&full));
        assert_eq!(r0.len(), none.len());
        let l = WarPhase::Limited as usize;
        let g = WarPhase::LimitedAfterGrab as usize;
        assert!(r1[1][l].nuclear < r0[1][l].nuclear);
        assert!(r0[1][g].theatre > r0[1][l].theatre);
        // A war that starts in the last month reaches nothing; one that starts earlier reaches more.
        assert_eq!(r0[none.len() - 1][l], WarReach::default());
        assert!(r0[1][l].nuclear > r0[60][l].nuclear);
        // Exhaustion: a war that has lasted longer is likelier to end within a month.
        let young = WarMonth::new(&params, &none[0], 1);
        let old = WarMonth::new(&params, &none[0], 36);
        let ends = |w: &WarMonth| {
            w.moves[2]
                .iter()
                .find(|(to, _)| *to == WarPhase::Ended)
                .unwrap()
                .1
        };
        assert!(ends(&old) > ends(&young));
        for row in &r0 {
            for v in row {
                assert!(v.general_nuclear <= v.nuclear + 1e-12 && v.nuclear <= 1.0 + 1e-12);
            }
        }
    }
}
