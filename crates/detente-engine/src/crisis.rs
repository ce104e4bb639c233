//! The crisis layer: two sides, NATO and Russia, move up and down an escalation ladder in
//! rounds of move and counter-move. Each side climbs by a bounded-rational (logit) choice
//! whose propensity is set by the crisis's characteristics (the same covariates ICB records:
//! gravity, protracted conflict, great-power involvement, number of actors, power
//! discrepancy, mediation, international organisations) and by side-specific terms (threat
//! perception, deterrence, risk tolerance). Each side reads the other's intent with an error
//! that leans toward hostility (a half-normal error on the logit scale: under distrust each
//! side assumes the worst, seed 003); communication mechanisms shrink the error, and fear of
//! being struck first raises one's own propensity and, past a threshold, prompts a
//! preemptive jump to war. Because the error only ever inflates the perceived threat, a
//! mechanism that shrinks it can never raise the chance of war.
//!
//! The same model gives an exact distribution of the highest rung a crisis reaches
//! ([`max_rung_distribution`]): the reading errors are independent between rounds, so the
//! ladder is a Markov chain whose transition probabilities are the noise-averaged choice
//! probabilities (computed by Gauss-Hermite quadrature). Calibration fits the model to
//! historical crises through this function, and tests check the simulator against it.

use crate::params::ModelParams;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use std::sync::OnceLock;

/// Number of rungs on the ladder.
pub const RUNGS: usize = 5;
/// Rung 3: NATO-Russia conventional war.
pub const WAR_RUNG: u8 = 3;
/// Rung 4: nuclear use.
pub const NUCLEAR_RUNG: u8 = 4;
/// Names of the rungs, lowest first.
pub const RUNG_NAMES: [&str; RUNGS] = [
    "crisis without violence",
    "minor clashes",
    "serious clashes / mobilisation",
    "NATO-Russia war",
    "nuclear use",
];

/// What a crisis is like: the ICB-style covariates, each on the scale the model uses.
#[derive(Clone, Debug, PartialEq)]
pub struct CrisisInputs {
    /// Gravity of the threat, 0 (economic) to 1 (threat to existence); ICB `gravcr` / 6.
    pub gravity: f64,
    /// Part of a protracted conflict: 0 or 1; ICB `protrac`.
    pub protracted: f64,
    /// Great-power involvement, 0 (none) to 1 (direct military); from ICB `powinv`.
    pub power_involvement: f64,
    /// Number of crisis actors (at least 1); ICB `noactr`.
    pub actors: f64,
    /// Power discrepancy between the adversaries, 0 to 1; ICB `powdissy`.
    pub power_discrepancy: f64,
    /// Third-party mediation: 0 or 1 (or a probability); ICB `mediate`.
    pub mediation: f64,
    /// Global-organisation involvement: 0 or 1; ICB `globorg`.
    pub global_org: f64,
    /// Regional-organisation involvement: 0 or 1; ICB `regorg`.
    pub regional_org: f64,
    /// Rung at which the crisis starts (0-2).
    pub start_rung: u8,
}

/// What tilts each side and what the channels between them do, in one crisis.
#[derive(Clone, Debug, PartialEq)]
pub struct SideTerms {
    /// Shift of NATO's escalation log-odds.
    pub nato_shift: f64,
    /// Shift of Russia's escalation log-odds.
    pub russia_shift: f64,
    /// Scale of each side's (half-normal, hostile-leaning) error in reading the other's intent.
    pub misperception_sd: f64,
    /// Weight of fear of being struck first.
    pub first_strike_fear: f64,
    /// Shift of the nuclear threshold (positive = harder to cross).
    pub nuclear_threshold_shift: f64,
    /// Shift of de-escalation log-odds.
    pub deescalation_shift: f64,
    /// Shift of the threshold to war (rung 3) and of the preemption response: the nuclear
    /// shadow over a crisis between nuclear powers (0 for historical crises).
    pub war_threshold_shift: f64,
}

impl SideTerms {
    /// Symmetric sides with the model's default misperception and fear: the setting used for
    /// historical crises, where nothing side-specific is recorded.
    pub fn historical(params: &ModelParams) -> SideTerms {
        SideTerms {
            nato_shift: 0.0,
            russia_shift: 0.0,
            misperception_sd: params.misperception_sd,
            first_strike_fear: params.first_strike_fear,
            nuclear_threshold_shift: 0.0,
            deescalation_shift: 0.0,
            war_threshold_shift: 0.0,
        }
    }
}

/// How a simulated crisis ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrisisOutcome {
    /// Highest rung reached.
    pub max_rung: u8,
    /// Rounds played.
    pub rounds: u32,
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The crisis's ladder with every input folded into per-rung numbers.
#[derive(Clone, Debug)]
pub struct Ladder {
    /// Base log-odds of climbing from rung r to r+1 (r = 0..3), before side shifts.
    climb: [f64; 4],
    nato_shift: f64,
    russia_shift: f64,
    sd: f64,
    fear: f64,
    deescalate: f64,
    preempt_threshold: f64,
    preempt_steepness: f64,
    preempt_max: f64,
    preempt_shift: f64,
    rounds: u32,
    start: u8,
}

impl Ladder {
    /// Fold the parameters, the crisis's covariates and the side terms into a ladder.
    pub fn new(params: &ModelParams, inputs: &CrisisInputs, sides: &SideTerms) -> Ladder {
        let x = params.beta_gravity * inputs.gravity
            + params.beta_protracted * inputs.protracted
            + params.beta_power_involvement * inputs.power_involvement
            + params.beta_actors * inputs.actors.max(1.0).ln()
            + params.beta_power_discrepancy * inputs.power_discrepancy;
        let thresholds = [
            params.threshold_1,
            params.threshold_2,
            params.threshold_3 + sides.war_threshold_shift,
            params.threshold_4 + sides.nuclear_threshold_shift,
        ];
        let climb = thresholds.map(|t| x - t);
        let deescalate = params.deescalation_base
            + params.deescalation_mediation * inputs.mediation
            + params.deescalation_global_org * inputs.global_org
            + params.deescalation_regional_org * inputs.regional_org
            + params.deescalation_gravity * inputs.gravity
            + sides.deescalation_shift;
        Ladder {
            climb,
            nato_shift: sides.nato_shift,
            russia_shift: sides.russia_shift,
            sd: sides.misperception_sd.max(0.0),
            fear: sides.first_strike_fear,
            deescalate: logistic(deescalate),
            preempt_threshold: params.preemption_threshold,
            preempt_steepness: params.preemption_steepness,
            preempt_max: params.preemption_max,
            preempt_shift: sides.war_threshold_shift,
            rounds: params.crisis_rounds.round().max(1.0) as u32,
            start: inputs.start_rung.min(WAR_RUNG - 1),
        }
    }

    /// One side's probabilities (preempt, escalate) at `rung` given its reading error `noise`.
    fn side_move(&self, rung: u8, own: f64, other: f64, noise: f64) -> (f64, f64) {
        let r = rung as usize;
        let belief = logistic(self.climb[r] + other + noise);
        let preempt = if (1..WAR_RUNG).contains(&rung) {
            self.preempt_max
                * logistic(
                    self.preempt_steepness * (belief - self.preempt_threshold) - self.preempt_shift,
                )
        } else {
            0.0
        };
        let escalate = logistic(self.climb[r] + own + self.fear * (belief - 0.5));
        (preempt, (1.0 - preempt) * escalate)
    }

    /// Play the crisis out with random reading errors and choices.
    pub fn simulate<R: Rng>(&self, rng: &mut R) -> CrisisOutcome {
        let mut rung = self.start;
        let mut max = rung;
        for round in 1..=self.rounds {
            let nato_noise: f64 = self.sd * f64::abs(StandardNormal.sample(rng));
            let russia_noise: f64 = self.sd * f64::abs(StandardNormal.sample(rng));
            let (np, ne) = self.side_move(rung, self.nato_shift, self.russia_shift, nato_noise);
            let (rp, re) = self.side_move(rung, self.russia_shift, self.nato_shift, russia_noise);
            let un: f64 = rng.random();
            let ur: f64 = rng.random();
            let preempt = un < np || ur < rp;
            let climb = un < np + ne || ur < rp + re;
            if preempt {
                rung = WAR_RUNG.max(rung);
            } else if climb {
                rung += 1;
            } else if rng.random::<f64>() < self.deescalate {
                if rung == 0 {
                    return CrisisOutcome {
                        max_rung: max,
                        rounds: round,
                    };
                }
                rung -= 1;
            }
            max = max.max(rung);
            if rung == NUCLEAR_RUNG {
                return CrisisOutcome {
                    max_rung: max,
                    rounds: round,
                };
            }
        }
        CrisisOutcome {
            max_rung: max,
            rounds: self.rounds,
        }
    }

    /// Noise-averaged transition probabilities at `rung`: (jump to war, climb one, de-escalate).
    fn averaged_moves(&self, rung: u8) -> (f64, f64, f64) {
        let (nodes, weights) = gauss_hermite();
        let (mut np, mut ne, mut rp, mut re) = (0.0, 0.0, 0.0, 0.0);
        for (z, w) in nodes.iter().zip(weights) {
            let (a, b) =
                self.side_move(rung, self.nato_shift, self.russia_shift, self.sd * z.abs());
            np += w * a;
            ne += w * b;
            let (a, b) =
                self.side_move(rung, self.russia_shift, self.nato_shift, self.sd * z.abs());
            rp += w * a;
            re += w * b;
        }
        let no_preempt = (1.0 - np) * (1.0 - rp);
        let hold = (1.0 - np - ne) * (1.0 - rp - re);
        let jump = 1.0 - no_preempt;
        let climb = no_preempt - hold;
        (jump, climb, hold * self.deescalate)
    }

    /// Exact distribution of the highest rung reached (index = rung).
    pub fn max_rung_distribution(&self) -> [f64; RUNGS] {
        let moves: Vec<(f64, f64, f64)> =
            (0..NUCLEAR_RUNG).map(|r| self.averaged_moves(r)).collect();
        // mass[r][m]: probability of being at rung r, having reached at most m, crisis live.
        let mut mass = [[0.0f64; RUNGS]; RUNGS];
        let mut done = [0.0f64; RUNGS];
        mass[self.start as usize][self.start as usize] = 1.0;
        for _ in 0..self.rounds {
            let mut next = [[0.0f64; RUNGS]; RUNGS];
            for r in 0..NUCLEAR_RUNG as usize {
                for m in r..RUNGS {
                    let p = mass[r][m];
                    if p == 0.0 {
                        continue;
                    }
                    let (jump, climb, down) = moves[r];
                    let stay = 1.0 - jump - climb - down;
                    if jump > 0.0 {
                        let to = (WAR_RUNG as usize).max(r);
                        next[to][m.max(to)] += p * jump;
                    }
                    let up = r + 1;
                    if up == NUCLEAR_RUNG as usize {
                        done[NUCLEAR_RUNG as usize] += p * climb;
                    } else {
                        next[up][m.max(up)] += p * climb;
                    }
                    if r == 0 {
                        done[m] += p * down;
                    } else {
                        next[r - 1][m] += p * down;
                    }
                    next[r][m] += p * stay;
                }
            }
            mass = next;
        }
        for row in mass.iter() {
            for (m, p) in row.iter().enumerate() {
                done[m] += p;
            }
        }
        done
    }
}

/// Exact distribution of the highest rung a crisis reaches under the model.
pub fn max_rung_distribution(
    params: &ModelParams,
    inputs: &CrisisInputs,
    sides: &SideTerms,
) -> [f64; RUNGS] {
    Ladder::new(params, inputs, sides).max_rung_distribution()
}

/// Nodes and weights of Gauss-Hermite quadrature for the standard normal (weights sum to 1).
fn gauss_hermite() -> &'static (Vec<f64>, Vec<f64>) {
    static RULE: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    RULE.get_or_init(|| physicists_rule(64))
}

/// Gauss-Hermite rule for weight exp(-x^2) (Newton iteration on the orthonormal
/// recurrence, as in Press et al., Numerical Recipes, `gauher`), rescaled to N(0, 1).
fn physicists_rule(n: usize) -> (Vec<f64>, Vec<f64>) {
    let pim4 = std::f64::consts::PI.powf(-0.25);
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    let m = n.div_ceil(2);
    let mut z = 0.0f64;
    for i in 0..m {
        z = match i {
            0 => (2.0 * n as f64 + 1.0).sqrt() - 1.85575 * (2.0 * n as f64 + 1.0).powf(-0.16667),
            1 => z - 1.14 * (n as f64).powf(0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let mut p1 = pim4;
            let mut p2 = 0.0;
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                p1 = z * (2.0 / (j as f64 + 1.0)).sqrt() * p2
                    - (j as f64 / (j as f64 + 1.0)).sqrt() * p3;
            }
            pp = (2.0 * n as f64).sqrt() * p2;
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() <= 1e-14 {
                break;
            }
        }
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[n - 1 - i] = w[i];
    }
    let sqrt_pi = std::f64::consts::PI.sqrt();
    let nodes = x.iter().map(|v| v * std::f64::consts::SQRT_2).collect();
    let weights = w.iter().map(|v| v / sqrt_pi).collect();
    (nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn example() -> CrisisInputs {
        CrisisInputs {
            gravity: 0.6,
            protracted: 1.0,
            power_involvement: 1.0,
            actors: 3.0,
            power_discrepancy: 0.3,
            mediation: 0.0,
            global_org: 0.0,
            regional_org: 0.0,
            start_rung: 0,
        }
    }

    #[test]
    fn quadrature_integrates_normal_moments() {
        let (x, w) = gauss_hermite();
        let m0: f64 = w.iter().sum();
        let m2: f64 = x.iter().zip(w).map(|(x, w)| w * x * x).sum();
        let m4: f64 = x.iter().zip(w).map(|(x, w)| w * x.powi(4)).sum();
        assert!((m0 - 1.0).abs() < 1e-10);
        assert!((m2 - 1.0).abs() < 1e-10);
        assert!((m4 - 3.0).abs() < 1e-9);
    }

    #[test]
    fn distribution_sums_to_one() {
        let p = ModelParams::default();
        let d = max_rung_distribution(&p, &example(), &SideTerms::historical(&p));
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{d:?}");
        assert!(d.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    /// The simulator and the exact chain are the same model: Monte Carlo must agree with
    /// the exact distribution within its sampling error.
    #[test]
    fn simulation_agrees_with_exact_distribution() {
        let p = ModelParams::default();
        for start in 0..=2u8 {
            let inputs = CrisisInputs {
                start_rung: start,
                ..example()
            };
            let mut sides = SideTerms::historical(&p);
            sides.russia_shift = 0.4;
            let ladder = Ladder::new(&p, &inputs, &sides);
            let exact = ladder.max_rung_distribution();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(7 + start as u64);
            let n = 200_000;
            let mut counts = [0u32; RUNGS];
            for _ in 0..n {
                counts[ladder.simulate(&mut rng).max_rung as usize] += 1;
            }
            for r in 0..RUNGS {
                let est = counts[r] as f64 / n as f64;
                let se = (exact[r] * (1.0 - exact[r]) / n as f64).sqrt();
                assert!(
                    (est - exact[r]).abs() <= 4.0 * se + 1e-9,
                    "start {start} rung {r}: simulated {est} vs exact {}",
                    exact[r]
                );
            }
        }
    }

    #[test]
    fn mediation_lowers_the_chance_of_war() {
        let p = ModelParams::default();
        let sides = SideTerms::historical(&p);
        let base = max_rung_distribution(&p, &example(), &sides);
        let mediated = max_rung_distribution(
            &p,
            &CrisisInputs {
                mediation: 1.0,
                ..example()
            },
            &sides,
        );
        assert!(mediated[3] + mediated[4] < base[3] + base[4]);
    }
}
