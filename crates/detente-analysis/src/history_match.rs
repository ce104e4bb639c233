//! Bayesian history matching (Craig, Goldstein et al. 1997; Vernon, Goldstein & Bower 2010;
//! Andrianakis et al. 2015) of the model to the NATO-Russia record. For each historical
//! setting ([`Setting`]: an architecture over a calendar period) the observed summaries are
//! the disputes of the record, those with use of force and the fatal ones (MID 5.0 years of
//! the period), and the absence of a direct war over the whole period. A parameter set x is
//! implausible when I(x) = max over summaries of |z - f(x)| / sqrt(V_s + V_obs + V_disc + V_mc)
//! reaches the cutoff (3, Pukelsheim's three-sigma rule): f is computed exactly
//! ([`crate::hindcast::simulate`]), so V_mc = 0; V_s is the Poisson variance of a single
//! history, f(x); V_obs and V_disc are fractions of z stated in [`Observation`] and justified in
//! docs/validation.md. The exact evaluation is cheap enough that every sampled point is
//! evaluated directly, without an emulator. Waves refine the search: wave 1 draws from the
//! prior (every parameter with a range, as the uncertainty option draws it), each later wave
//! keeps only the prior draws inside the bounding box of the previous wave's non-implausible
//! points and applies the same cutoffs, so the last wave's kept points are a sample of the
//! prior restricted to the non-implausible region: the plausible set ([`PlausibleSet`]), written
//! with its provenance and read back by the uncertainty option. Parameters the set does not
//! name are drawn from the prior when it is used. History matching only rules out; the
//! calibration step that follows it (Vernon, Goldstein & Bower 2010, sec. 7) weighs what is
//! left: each kept set carries a log-likelihood ([`log_likelihood`], [`Weighing`]; by default
//! the war record's, the exact p(no direct war) over the settings, which needs no discrepancy
//! model), and users draw the sets in proportion to it, so a set under which the history
//! without war had a 5 % chance counts a tenth of one under which it had 50 %.

use crate::hindcast::{simulate, Dispute, DISPUTE_RUNGS};
use detente_engine::rng::{stream_rng, Stream};
use detente_engine::{ModelParams, ParamDraw, Policy, PARAM_SPECS};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The implausibility cutoff: Pukelsheim's (1994) three-sigma rule puts at least 95 % of any
/// unimodal distribution within three standard deviations of its mean.
pub const CUTOFF: f64 = 3.0;

/// The parameters history matching varies by default: every parameter with a range, drawn
/// as the uncertainty option draws them (the prior).
pub fn uncertain_names() -> Vec<String> {
    PARAM_SPECS
        .iter()
        .filter(|s| s.high > s.low)
        .map(|s| s.name.to_string())
        .collect()
}

/// A historical setting: an architecture over calendar years `first..=last`.
#[derive(Clone, Debug)]
pub struct Setting {
    pub name: String,
    pub first: u32,
    pub last: u32,
    /// The architecture's parameters (defaults with its overrides).
    pub params: ModelParams,
    pub policy: Policy,
}

/// The mean length (months) a war under way at a historical setting's start is given: so long
/// that it lasts the whole period (the chance it ends within 100 years is about 1e-6).
pub const WAR_HELD_MONTHS: f64 = 1e9;

impl Setting {
    /// A setting from an architecture's scenario over `first..=last`.
    pub fn new(name: &str, first: u32, last: u32, params: ModelParams, policy: Policy) -> Setting {
        Setting {
            name: name.to_string(),
            first,
            last,
            params,
            policy,
        }
    }

    /// What the record fixes for this setting, over any parameter draw: a setting that
    /// starts with the Russia-Ukraine war under way (`ceasefire_holds_at_start = false`)
    /// holds it under way for the whole period, as the war of 2022-2025 was (a hindcast is
    /// conditioned on the history it replays; the war's length is not a parameter the record
    /// of NATO-Russia disputes could speak to). Other settings fix nothing.
    pub fn condition(&self, params: &mut ModelParams) {
        if !self.policy.ceasefire_holds_at_start {
            params.second_war_months = WAR_HELD_MONTHS;
        }
    }

    /// The setting's policy over its whole period.
    pub fn period_policy(&self) -> Policy {
        let mut policy = self.policy.clone();
        policy.horizon_months = (self.last + 1 - self.first) * 12;
        policy
    }

    /// The simulated record under `params` (the setting's conditions applied).
    pub fn simulate(&self, params: &ModelParams) -> crate::hindcast::Simulated {
        let mut p = params.clone();
        self.condition(&mut p);
        simulate(&p, &self.period_policy())
    }
}

/// What an observed summary counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Disputes of any level (rungs 0-2).
    Disputes,
    /// Disputes with use of force (rungs 1-2).
    Force,
    /// Fatal disputes (rung 2).
    Fatal,
    /// Direct wars over the whole period (expected number -ln p(no war)).
    War,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Disputes => "disputes",
            Kind::Force => "disputes with use of force",
            Kind::Fatal => "fatal disputes",
            Kind::War => "direct wars",
        }
    }

    /// Observation error as a fraction of z (sd): coding and inclusion rules of the record.
    pub fn obs_fraction(self) -> f64 {
        match self {
            Kind::Disputes => 0.1,
            Kind::Force | Kind::Fatal => 0.3,
            Kind::War => 0.0,
        }
    }

    /// Model discrepancy as a fraction of z (sd): a model crisis is not a MID one to one,
    /// and the settings hold period averages.
    pub fn discrepancy_fraction(self) -> f64 {
        match self {
            Kind::War => 0.0,
            _ => 0.2,
        }
    }
}

/// One observed summary of one setting, or of all (the war record).
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The setting it belongs to; `None`: all settings together.
    pub setting: Option<usize>,
    pub kind: Kind,
    /// First and last calendar year it counts.
    pub years: (u32, u32),
    pub z: f64,
}

impl Observation {
    /// A label for reports.
    pub fn label(&self, settings: &[Setting]) -> String {
        format!(
            "{} {} {}-{}",
            self.setting
                .map_or("all settings", |i| settings[i].name.as_str()),
            self.kind.name(),
            self.years.0,
            self.years.1
        )
    }

    /// The implausibility of the model's value `f` (V_mc = 0: evaluation is exact). For the
    /// war record (z wars, f expected wars; z = 0 in history) it is the Poisson deviance
    /// residual |sign| sqrt(2 (z ln(z/f) - (z - f))) (McCullagh & Nelder 1989), sqrt(2 f) at
    /// z = 0: the normal-equivalent deviate of a count near zero, where |z - f| / sqrt(f) =
    /// sqrt(f) would understate how unlikely no war is. At the cutoff p(no war) = exp(-4.5)
    /// = 1.1 %.
    pub fn implausibility(&self, f: f64) -> f64 {
        if self.kind == Kind::War {
            let f = f.max(1e-300);
            let z = self.z.max(0.0);
            let dev = if z > 0.0 {
                z * (z / f).ln() - (z - f)
            } else {
                f
            };
            return (2.0 * dev.max(0.0)).sqrt();
        }
        let v_s = f.max(0.0);
        let v_obs = (self.kind.obs_fraction() * self.z).powi(2);
        let v_disc = (self.kind.discrepancy_fraction() * self.z).powi(2);
        let v = v_s + v_obs + v_disc;
        if v <= 0.0 {
            0.0
        } else {
            (self.z - f).abs() / v.sqrt()
        }
    }
}

impl Observation {
    /// The log-likelihood of the observation given the model's value `f`, with the variances
    /// the implausibility states. The war record is a Poisson count with mean `f` (expected
    /// wars): z ln f - f - ln z!, which is ln p(no war) = -f at z = 0, exactly what the exact
    /// evaluator gives for the history. A dispute count is normal with mean `f` and variance
    /// V = V_s + V_obs + V_disc: -I^2/2 - ln(2 pi V)/2, so within the cutoff the likelihood is
    /// the implausibility's own measure of fit.
    pub fn log_likelihood(&self, f: f64) -> f64 {
        if self.kind == Kind::War {
            let f = f.max(1e-300);
            let z = self.z.max(0.0).round();
            let ln_z_factorial: f64 = (1..=z as u64).map(|k| (k as f64).ln()).sum();
            return z * f.ln() - f - ln_z_factorial;
        }
        let v = f.max(0.0)
            + (self.kind.obs_fraction() * self.z).powi(2)
            + (self.kind.discrepancy_fraction() * self.z).powi(2);
        let v = v.max(1e-12);
        -0.5 * (self.z - f).powi(2) / v - 0.5 * (2.0 * std::f64::consts::PI * v).ln()
    }
}

/// The observed summaries of each setting: disputes, use of force, fatal over the setting's
/// MID years (to 2014); and no war over all the settings' years together (one record: a
/// parameter set is judged by how likely it makes the whole of it).
pub fn observations(settings: &[Setting], disputes: &[Dispute], mid_last: u32) -> Vec<Observation> {
    let mut out = Vec::new();
    for (i, s) in settings.iter().enumerate() {
        let last = s.last.min(mid_last);
        let count = |min_rung: usize| {
            disputes
                .iter()
                .filter(|d| (s.first..=last).contains(&d.year) && d.rung >= min_rung)
                .count() as f64
        };
        if s.first <= last {
            for (kind, min_rung) in [(Kind::Disputes, 0), (Kind::Force, 1), (Kind::Fatal, 2)] {
                out.push(Observation {
                    setting: Some(i),
                    kind,
                    years: (s.first, last),
                    z: count(min_rung),
                });
            }
        }
    }
    if let (Some(first), Some(last)) = (settings.first(), settings.last()) {
        out.push(Observation {
            setting: None,
            kind: Kind::War,
            years: (first.first, last.last),
            z: 0.0,
        });
    }
    out
}

/// The model's value of each observation under `params` (set on each setting's base by name).
pub fn model_values(
    settings: &[Setting],
    observations: &[Observation],
    names: &[String],
    x: &[f64],
) -> Vec<f64> {
    let sims: Vec<_> = settings
        .iter()
        .map(|s| {
            let mut p = s.params.clone();
            for (n, v) in names.iter().zip(x) {
                p.set(n, *v);
            }
            s.simulate(&p)
        })
        .collect();
    observations
        .iter()
        .map(|o| {
            let Some(i) = o.setting else {
                // expected wars over all settings
                return sims.iter().map(|s| -s.p_no_war.max(1e-300).ln()).sum();
            };
            let (s, sim) = (&settings[i], &sims[i]);
            let from = (o.years.0 - s.first) as usize;
            let to = (o.years.1 + 1 - s.first) as usize;
            let t = sim.total(from, to);
            match o.kind {
                Kind::Disputes => t.iter().sum(),
                Kind::Force => t[1..].iter().sum(),
                Kind::Fatal => t[DISPUTE_RUNGS - 1],
                Kind::War => -sim.p_no_war.max(1e-300).ln(),
            }
        })
        .collect()
}

/// What the kept sets are weighted by: the calibration step that follows history matching
/// (Kennedy & O'Hagan 2001; Vernon, Goldstein & Bower 2010, sec. 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighing {
    /// The war record's likelihood, p(no direct war over the settings), computed exactly and
    /// needing no discrepancy model (the default; docs/validation.md says why).
    War,
    /// The whole record: the war record times the dispute counts' normal densities with the
    /// implausibility's variances, whose discrepancy fractions are judgements.
    Record,
    /// No weights: the kept sets count equally (history matching alone).
    None,
}

impl Weighing {
    /// The name used on the command line and in the file.
    pub fn name(self) -> &'static str {
        match self {
            Weighing::War => "war",
            Weighing::Record => "record",
            Weighing::None => "none",
        }
    }

    /// Whether observation `o` enters the weights.
    fn counts(self, o: &Observation) -> bool {
        match self {
            Weighing::War => o.kind == Kind::War,
            Weighing::Record => true,
            Weighing::None => false,
        }
    }
}

/// The log-likelihood, under the model's values `values` (one per observation), of the
/// observations `weighing` counts: the sum of their [`Observation::log_likelihood`]. The
/// observations are taken as independent given the parameters (settings are separate
/// periods; within a setting the counts are nested, and their shared variation is what the
/// discrepancy terms stand for).
pub fn log_likelihood(observations: &[Observation], values: &[f64], weighing: Weighing) -> f64 {
    observations
        .iter()
        .zip(values)
        .filter(|(o, _)| weighing.counts(o))
        .map(|(o, f)| o.log_likelihood(*f))
        .sum()
}

/// Largest implausibility over the observations.
pub fn max_implausibility(observations: &[Observation], values: &[f64]) -> f64 {
    observations
        .iter()
        .zip(values)
        .map(|(o, f)| o.implausibility(*f))
        .fold(0.0, f64::max)
}

/// Settings of a history match.
#[derive(Clone, Debug)]
pub struct Options {
    pub waves: u32,
    /// Points evaluated per wave.
    pub points: usize,
    pub seed: u64,
    /// Parameter names varied (each a model parameter with a range).
    pub names: Vec<String>,
    /// Most sets kept in the plausible set (an even thinning of the last wave's).
    pub max_sets: usize,
    /// What the kept sets are weighted by.
    pub weighing: Weighing,
}

/// One wave's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    pub wave: u32,
    pub evaluated: usize,
    /// Estimated share of the prior space ruled out after this wave: 1 - (volume of the box
    /// sampled / volume of the prior ranges) x (share of the wave's points kept).
    pub ruled_out_share: f64,
    /// Share of this wave's points ruled out.
    pub ruled_out_of_evaluated: f64,
    pub kept: usize,
}

/// The outcome: the last wave's non-implausible points and the waves' reports.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub names: Vec<String>,
    pub sets: Vec<Vec<f64>>,
    /// The log-likelihood at each set of what [`Options::weighing`] weighs by
    /// ([`log_likelihood`]), in the order of `sets`; empty with [`Weighing::None`].
    pub log_likelihood: Vec<f64>,
    pub waves: Vec<Wave>,
    /// The smallest implausibility found in the last wave and its point.
    pub best: (f64, Vec<f64>),
}

/// Check `names`: each a model parameter with a range, no repeats.
pub fn check_names(names: &[String]) -> Result<Vec<(f64, f64)>, String> {
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let Some(s) = PARAM_SPECS.iter().find(|s| s.name == n) else {
            return Err(format!(
                "`{n}` is not a model parameter (`detente params` lists them)"
            ));
        };
        if s.high <= s.low {
            return Err(format!(
                "`{n}` has no range to vary ({} to {})",
                s.low, s.high
            ));
        }
        if names[..i].contains(n) {
            return Err(format!("`{n}` is named twice"));
        }
        out.push((s.low, s.high));
    }
    Ok(out)
}

/// Run the waves: each draws points from `prior` (the uncertainty option's prior, so the
/// kept points are the prior restricted to the non-implausible region), wave 1 all of them,
/// later waves only those inside the bounding box of the previous wave's kept points (by
/// rejection; the share accepted estimates the box's prior mass). `progress` is called after
/// each wave.
pub fn history_match(
    settings: &[Setting],
    observations: &[Observation],
    prior: &(dyn ParamDraw + Sync),
    options: &Options,
    progress: &(dyn Fn(&Wave) + Sync),
) -> Result<Outcome, String> {
    check_names(&options.names)?;
    let base = ModelParams::default();
    let mut bounds: Option<Vec<(f64, f64)>> = None;
    let mut waves = Vec::new();
    let max_attempts = 1000 * options.points as u64;
    for wave in 1..=options.waves {
        let mut points: Vec<Vec<f64>> = Vec::with_capacity(options.points);
        let mut attempts = 0u64;
        while points.len() < options.points {
            if attempts >= max_attempts {
                return Err(format!(
                    "wave {wave}: fewer than {} of {attempts} prior draws fall in the previous wave's box",
                    options.points
                ));
            }
            let run = ((wave as u64) << 40) + attempts;
            attempts += 1;
            let p = prior.draw(
                &mut stream_rng(options.seed, run, Stream::Parameters),
                &base,
            );
            let x: Vec<f64> = options
                .names
                .iter()
                .map(|n| p.get(n).unwrap_or(f64::NAN))
                .collect();
            let inside = match &bounds {
                None => true,
                Some(b) => x.iter().zip(b).all(|(v, (lo, hi))| (*lo..=*hi).contains(v)),
            };
            if inside {
                points.push(x);
            }
        }
        let box_mass = points.len() as f64 / attempts as f64;
        let scored: Vec<Scored> = points
            .into_par_iter()
            .map(|x| {
                let f = model_values(settings, observations, &options.names, &x);
                Scored {
                    implausibility: max_implausibility(observations, &f),
                    log_likelihood: log_likelihood(observations, &f, options.weighing),
                    x,
                }
            })
            .collect();
        let best = scored
            .iter()
            .min_by(|a, b| a.implausibility.total_cmp(&b.implausibility))
            .map(|s| (s.implausibility, s.x.clone()))
            .unwrap_or((f64::INFINITY, Vec::new()));
        let kept: Vec<Scored> = scored
            .into_iter()
            .filter(|s| s.implausibility < CUTOFF)
            .collect();
        let share_kept = kept.len() as f64 / options.points.max(1) as f64;
        let report = Wave {
            wave,
            evaluated: options.points,
            ruled_out_share: 1.0 - box_mass * share_kept,
            ruled_out_of_evaluated: 1.0 - share_kept,
            kept: kept.len(),
        };
        progress(&report);
        waves.push(report);
        if kept.is_empty() {
            return Err(format!(
                "wave {wave}: none of {} parameter sets is consistent with the record (smallest implausibility {:.2}, cutoff {CUTOFF}); the model's form or the settings cannot match it (docs/validation.md)",
                options.points, best.0
            ));
        }
        if wave == options.waves {
            let kept = thin(kept, options.max_sets);
            return Ok(Outcome {
                names: options.names.clone(),
                log_likelihood: if options.weighing == Weighing::None {
                    Vec::new()
                } else {
                    kept.iter().map(|s| s.log_likelihood).collect()
                },
                sets: kept.into_iter().map(|s| s.x).collect(),
                waves,
                best,
            });
        }
        // The next wave samples the bounding box of this wave's kept points, each side pushed
        // out by the span over (kept - 1): the expected gap between the extreme of k uniform
        // draws and the end of their support, so that sampling noise alone does not shrink
        // the box (with a hundred parameters it would, by about a fifth, every wave).
        let k = kept.len() as f64;
        bounds = Some(
            (0..options.names.len())
                .map(|j| {
                    let lo = kept.iter().map(|p| p.x[j]).fold(f64::INFINITY, f64::min);
                    let hi = kept
                        .iter()
                        .map(|p| p.x[j])
                        .fold(f64::NEG_INFINITY, f64::max);
                    let margin = if k > 1.0 { (hi - lo) / (k - 1.0) } else { 0.0 };
                    (lo - margin, hi.max(lo) + margin)
                })
                .collect(),
        );
    }
    Err("no waves asked for (--waves 0)".into())
}

/// A point of a wave with its implausibility and the record's log-likelihood there.
struct Scored {
    implausibility: f64,
    log_likelihood: f64,
    x: Vec<f64>,
}

/// At most `max` of the points, evenly spaced in their order.
fn thin(kept: Vec<Scored>, max: usize) -> Vec<Scored> {
    if kept.len() <= max {
        return kept;
    }
    let n = kept.len();
    let picks: Vec<usize> = (0..max).map(|i| i * n / max).collect();
    kept.into_iter()
        .enumerate()
        .filter(|(i, _)| picks.binary_search(i).is_ok())
        .map(|(_, s)| s)
        .collect()
}

/// A file of plausible parameter sets with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlausibleSet {
    /// How the sets were found (method, references).
    pub method: String,
    /// The historical settings matched.
    pub settings: Vec<String>,
    /// The observed summaries with their values.
    pub observations: Vec<String>,
    pub cutoff: f64,
    pub seed: u64,
    pub points_per_wave: usize,
    /// What happens to parameters the sets do not name.
    pub unnamed_parameters: String,
    pub waves: Vec<Wave>,
    /// The parameters of each set, in order.
    pub names: Vec<String>,
    pub sets: Vec<Vec<f64>>,
    /// What the weights are (`detente history-match --weigh`): "war", "record" or "none".
    #[serde(default = "no_weighing")]
    pub weighing: String,
    /// The log-likelihood at each set of what `weighing` names ([`log_likelihood`]); the sets
    /// are drawn in proportion to exp(log_likelihood), which makes them a sample of the
    /// posterior within the non-implausible region. Empty: equal weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_likelihood: Vec<f64>,
}

fn no_weighing() -> String {
    Weighing::None.name().into()
}

/// Normalised weights exp(l - max l) / sum for log-likelihoods `log_likelihood`; equal
/// weights for `n` sets when there are none.
pub fn posterior_weights(log_likelihood: &[f64], n: usize) -> Vec<f64> {
    if log_likelihood.is_empty() {
        return vec![1.0 / n.max(1) as f64; n];
    }
    let top = log_likelihood
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = log_likelihood.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

/// Kish's effective sample size of normalised weights.
pub fn effective_size(weights: &[f64]) -> f64 {
    1.0 / weights.iter().map(|w| w * w).sum::<f64>()
}

/// What the plausible set's users do with parameters it does not name.
pub const UNNAMED: &str = "drawn from the prior (docs/validation.md): the uncertainty option's own distributions; parameters added to the model after the match are among them";

impl PlausibleSet {
    /// Parse and check a plausible-set file (`file` names it in messages): every name a model
    /// parameter, every set complete, finite and within the parameters' ranges.
    pub fn parse(file: &str, text: &str) -> Result<PlausibleSet, String> {
        let set: PlausibleSet = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        for (i, n) in set.names.iter().enumerate() {
            if !PARAM_SPECS.iter().any(|s| s.name == n) {
                return Err(format!(
                    "{file}: names[{i}]: `{n}` is not a model parameter (`detente params` lists them)"
                ));
            }
            if set.names[..i].contains(n) {
                return Err(format!("{file}: names[{i}]: `{n}` is named twice"));
            }
        }
        if set.sets.is_empty() {
            return Err(format!("{file}: sets: no parameter sets"));
        }
        let weighings = [Weighing::War, Weighing::Record, Weighing::None].map(Weighing::name);
        if !weighings.contains(&set.weighing.as_str()) {
            return Err(format!(
                "{file}: weighing = \"{}\": allowed: {}",
                set.weighing,
                weighings.join(", ")
            ));
        }
        if (set.weighing == Weighing::None.name()) != set.log_likelihood.is_empty() {
            return Err(format!(
                "{file}: log_likelihood: {} values with weighing = \"{}\" (allowed: one per set, none with \"none\")",
                set.log_likelihood.len(),
                set.weighing
            ));
        }
        if !set.log_likelihood.is_empty() {
            if set.log_likelihood.len() != set.sets.len() {
                return Err(format!(
                    "{file}: log_likelihood: {} values for {} sets (allowed: one per set, or none for equal weights)",
                    set.log_likelihood.len(),
                    set.sets.len()
                ));
            }
            if let Some(j) = set.log_likelihood.iter().position(|l| !l.is_finite()) {
                return Err(format!(
                    "{file}: log_likelihood[{j}] = {}: allowed a finite number",
                    set.log_likelihood[j]
                ));
            }
        }
        for (j, x) in set.sets.iter().enumerate() {
            if x.len() != set.names.len() {
                return Err(format!(
                    "{file}: sets[{j}]: {} values for {} names",
                    x.len(),
                    set.names.len()
                ));
            }
            for (n, v) in set.names.iter().zip(x) {
                let s = PARAM_SPECS.iter().find(|s| s.name == n).expect("checked");
                // fitted parameters are drawn normal with their range as +/- 2 s.e., so a
                // set may hold a value beyond the range, but not one range-width beyond it
                let w = s.high - s.low;
                if !(v.is_finite() && (s.low - w..=s.high + w).contains(v)) {
                    return Err(format!(
                        "{file}: sets[{j}]: {n} = {v}: allowed {} to {} {} (the range {} to {}, widened by its width for fitted parameters' normal draws)",
                        s.low - w, s.high + w, s.unit, s.low, s.high
                    ));
                }
            }
        }
        Ok(set)
    }

    /// Each set's weight, summing to 1: exp(log-likelihood) normalised (equal weights when
    /// the file has no likelihoods).
    pub fn weights(&self) -> Vec<f64> {
        posterior_weights(&self.log_likelihood, self.sets.len())
    }

    /// Kish's effective number of sets, 1 / sum of squared weights: how many equally weighted
    /// sets the weighted ones are worth.
    pub fn effective_sets(&self) -> f64 {
        effective_size(&self.weights())
    }

    /// The file's text, with a header saying what it is.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("plain data serialises");
        format!("# Plausible parameter sets: the non-implausible region of `detente history-match`\n# (docs/validation.md), each with the record's log-likelihood there. Made by\n# `detente history-match --out data/plausible.toml`; reproducible from the seed.\n# run/compare/report --uncertainty draw from these sets, in proportion to exp(log_likelihood).\n{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausibility_uses_every_variance() {
        let o = Observation {
            setting: Some(0),
            kind: Kind::Disputes,
            years: (1949, 1989),
            z: 60.0,
        };
        // V_s = f = 80, V_obs = (0.1 x 60)^2 = 36, V_disc = (0.2 x 60)^2 = 144
        assert!((o.implausibility(60.0)).abs() < 1e-12);
        let want = 20.0 / (80.0f64 + 36.0 + 144.0).sqrt();
        assert!((o.implausibility(80.0) - want).abs() < 1e-12);
        let w = Observation {
            kind: Kind::War,
            z: 0.0,
            ..o
        };
        assert_eq!(w.implausibility(4.5), 3.0);
        assert!(w.implausibility(0.0) < 1e-100);
        // one war observed: the deviance residual is 0 at f = 1 and grows either side
        let one = Observation { z: 1.0, ..w };
        assert!(one.implausibility(1.0).abs() < 1e-12);
        assert!(one.implausibility(0.01) > 2.0 && one.implausibility(10.0) > 3.0);
    }

    #[test]
    fn a_setting_at_war_holds_the_war_for_its_period_and_others_are_untouched() {
        let params = ModelParams::default();
        let at_war = Policy {
            ceasefire_holds_at_start: false,
            ..Policy::default()
        };
        let s = Setting::new("at war", 2022, 2025, params.clone(), at_war.clone());
        let held = s.simulate(&params);
        // the war is under way every month: the spillover pathway's crises never stop, so
        // no war is less likely than when the war may end and a ceasefire follow
        let free = simulate(&params, &s.period_policy());
        assert!(
            held.p_no_war < free.p_no_war,
            "{} vs {}",
            held.p_no_war,
            free.p_no_war
        );
        let mut p = params.clone();
        p.second_war_months = WAR_HELD_MONTHS;
        let e = detente_engine::exact::evaluate(&p, &s.period_policy());
        assert!((held.p_no_war - (1.0 - e.p_war)).abs() < 1e-12);
        // a drawn second_war_months does not undo the condition
        let mut drawn = params.clone();
        drawn.second_war_months = 6.0;
        assert_eq!(s.simulate(&drawn).p_no_war, held.p_no_war);
        // a setting with a ceasefire at the start is not conditioned
        let calm = Setting::new("calm", 1990, 1993, params.clone(), Policy::default());
        assert_eq!(
            calm.simulate(&drawn),
            simulate(&drawn, &calm.period_policy())
        );
    }

    #[test]
    fn the_likelihood_is_the_implausibility_s_measure_and_p_no_war() {
        let o = Observation {
            setting: Some(0),
            kind: Kind::Fatal,
            years: (1949, 1989),
            z: 5.0,
        };
        for f in [1.0, 5.0, 9.0] {
            let v = f + (0.3f64 * 5.0).powi(2) + (0.2f64 * 5.0).powi(2);
            let want =
                -0.5 * o.implausibility(f).powi(2) - 0.5 * (2.0 * std::f64::consts::PI * v).ln();
            assert!((o.log_likelihood(f) - want).abs() < 1e-12);
        }
        // closer fits are likelier
        assert!(o.log_likelihood(5.0) > o.log_likelihood(9.0));
        let war = Observation {
            kind: Kind::War,
            z: 0.0,
            ..o
        };
        // no war: ln p(no war) = -(expected wars)
        assert!((war.log_likelihood(0.7) + 0.7).abs() < 1e-15);
        let two = Observation { z: 2.0, ..war };
        assert!((two.log_likelihood(1.5) - (2.0 * 1.5f64.ln() - 1.5 - 2f64.ln())).abs() < 1e-12);
        let obs = [o.clone(), war.clone()];
        let all = log_likelihood(&obs, &[5.0, 0.7], Weighing::Record);
        assert!((all - (o.log_likelihood(5.0) - 0.7)).abs() < 1e-15);
        assert_eq!(log_likelihood(&obs, &[5.0, 0.7], Weighing::War), -0.7);
        assert_eq!(log_likelihood(&obs, &[5.0, 0.7], Weighing::None), 0.0);
    }

    #[test]
    fn names_are_checked() {
        assert!(check_names(&["nuclear_shadow".into()]).is_ok());
        let e = check_names(&["no_such".into()]).unwrap_err();
        assert!(e.contains("`no_such` is not a model parameter"), "{e}");
        let e = check_names(&["snap_exercise_trigger".into()]).unwrap_err();
        assert!(e.contains("no range"), "{e}");
    }

    #[test]
    fn the_file_round_trips_and_refuses_unknown_names() {
        let set = PlausibleSet {
            method: "m".into(),
            settings: vec!["cold-war".into()],
            observations: vec![],
            cutoff: 3.0,
            seed: 1,
            points_per_wave: 10,
            unnamed_parameters: UNNAMED.into(),
            waves: vec![],
            names: vec!["nuclear_shadow".into()],
            sets: vec![vec![2.0], vec![3.0]],
            weighing: "war".into(),
            log_likelihood: vec![-1.5, -1.5 + 3f64.ln()],
        };
        let text = set.to_toml();
        assert_eq!(PlausibleSet::parse("p.toml", &text).unwrap(), set);
        let w = set.weights();
        assert!((w[0] - 0.25).abs() < 1e-12 && (w[1] - 0.75).abs() < 1e-12);
        assert!((set.effective_sets() - 1.0 / (0.0625 + 0.5625)).abs() < 1e-12);
        // a file without likelihoods weighs its sets equally
        let equal = PlausibleSet {
            weighing: "none".into(),
            log_likelihood: vec![],
            ..set.clone()
        };
        let text_equal = equal.to_toml();
        assert!(!text_equal.contains("\nlog_likelihood"));
        assert_eq!(
            PlausibleSet::parse("p.toml", &text_equal)
                .unwrap()
                .weights(),
            vec![0.5, 0.5]
        );
        let short = text
            .replace(&format!("{}]", -1.5 + 3f64.ln()), "]")
            .replace(", ]", "]");
        let e = PlausibleSet::parse("p.toml", &short).unwrap_err();
        assert!(e.contains("log_likelihood: 1 values for 2 sets"), "{e}");
        let bad = text.replace("\"nuclear_shadow\"", "\"shadow\"");
        let e = PlausibleSet::parse("p.toml", &bad).unwrap_err();
        assert!(
            e.contains("names[0]: `shadow` is not a model parameter"),
            "{e}"
        );
        let out = text.replace("[3.0]", "[9.5]");
        let e = PlausibleSet::parse("p.toml", &out).unwrap_err();
        assert!(e.contains("sets[1]: nuclear_shadow = 9.5"), "{e}");
    }
}
