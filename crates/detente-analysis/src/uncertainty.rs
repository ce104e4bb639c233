//! Parameter uncertainty for ensembles: [`Uncertainty`] implements
//! [`detente_engine::ParamDraw`] and draws every parameter of `PARAM_SPECS` once per run.
//! Fitted crisis-layer parameters come from their estimated distribution: a multivariate
//! normal with the covariance of a `params.toml` ([`Uncertainty::with_fitted`]), or, with
//! only the built-in defaults, independent normals centred on the scenario's value with the
//! range read as +/- 2 standard errors. Every other parameter is uniform on its [low, high]
//! range, unless a priors file (`detente elicit --write-priors`: `[[priors]]` with a `name`
//! and `[[priors.components]]` of `weight`, `family` normal|lognormal|gamma|beta and
//! `params`) gives it a mixture, which then takes precedence. Parameters whose range is a
//! single point are left at the scenario's value. With a plausible set of `detente
//! history-match` ([`Uncertainty::with_plausible`]) each draw takes one of its sets, chosen
//! at random in proportion to the record's likelihood there (the posterior within the
//! non-implausible region), for the parameters it names; the others are drawn as above (the
//! prior).

use crate::calibrate::FITTED;
use crate::history_match::PlausibleSet;
use crate::optim::cholesky;
use crate::paramfile::ParamsFile;
use detente_engine::rng::EngineRng;
use detente_engine::{ModelParams, ParamDraw, PARAM_SPECS};
use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, StandardNormal};
use serde::Deserialize;
use std::path::Path;

/// The plausible sets of `detente history-match`, as committed (`data/plausible.toml`),
/// embedded so that every build draws from them.
pub const PLAUSIBLE_TOML: &str = include_str!("../../../data/plausible.toml");

/// The committed plausible sets.
pub fn plausible_set() -> PlausibleSet {
    PlausibleSet::parse("data/plausible.toml", PLAUSIBLE_TOML)
        .expect("the committed plausible set parses (tested)")
}

/// The default parameter uncertainty of the front ends (CLI, server, Python): the plausible
/// sets of history matching for the parameters they name and the prior for the rest, or the
/// plain prior when `prior` is asked for.
pub fn default_draw(prior: bool) -> Uncertainty {
    let u = Uncertainty::from_defaults();
    if prior {
        return u;
    }
    u.with_plausible(&plausible_set())
        .expect("the committed plausible set fits the built-in prior (tested)")
}

/// One mixture component of a prior.
#[derive(Clone, Debug, PartialEq)]
pub enum Component {
    Normal { mean: f64, sd: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Gamma { shape: f64, rate: f64 },
    Beta { alpha: f64, beta: f64 },
}

/// How one parameter is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Marginal {
    /// Uniform on [low, high].
    Uniform { low: f64, high: f64 },
    /// Normal centred on the scenario's value.
    NormalAroundBase { sd: f64 },
    /// A weighted mixture (weights need not sum to 1).
    Mixture(Vec<(f64, Component)>),
}

#[derive(Clone, Debug)]
struct Mvn {
    names: Vec<String>,
    mean: Vec<f64>,
    chol: Vec<Vec<f64>>,
}

/// Draws every uncertain parameter for each run.
#[derive(Clone, Debug)]
pub struct Uncertainty {
    marginals: Vec<(String, Marginal)>,
    mvn: Option<Mvn>,
    /// Plausible sets: each draw takes one of them, in proportion to its weight.
    plausible: Option<Plausible>,
    /// Human-readable description of what is drawn from where.
    pub description: String,
    /// "prior", or "plausible" when a plausible set is drawn from.
    pub source: &'static str,
}

/// The plausible sets a draw chooses from, with their cumulative weights.
#[derive(Clone, Debug)]
struct Plausible {
    names: Vec<String>,
    sets: Vec<Vec<f64>>,
    /// Running sums of the sets' weights (the last is 1).
    cumulative: Vec<f64>,
    effective: f64,
}

impl Plausible {
    /// The set at cumulative weight `u` in [0, 1).
    fn at(&self, u: f64) -> usize {
        self.cumulative
            .partition_point(|c| *c <= u)
            .min(self.sets.len() - 1)
    }
}

fn sample_component<R: Rng>(c: &Component, rng: &mut R) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    match *c {
        Component::Normal { mean, sd } => mean + sd * z,
        Component::LogNormal { mu, sigma } => (mu + sigma * z).exp(),
        Component::Gamma { shape, rate } => Gamma::new(shape, 1.0 / rate)
            .map(|g| g.sample(rng))
            .unwrap_or(f64::NAN),
        Component::Beta { alpha, beta } => Beta::new(alpha, beta)
            .map(|b| b.sample(rng))
            .unwrap_or(f64::NAN),
    }
}

impl Marginal {
    fn sample<R: Rng>(&self, rng: &mut R, base: f64) -> f64 {
        match self {
            Marginal::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Marginal::NormalAroundBase { sd } => {
                let z: f64 = StandardNormal.sample(rng);
                base + sd * z
            }
            Marginal::Mixture(cs) => {
                let total: f64 = cs.iter().map(|c| c.0).sum();
                let mut u = rng.random::<f64>() * total;
                let mut chosen = &cs[cs.len() - 1].1;
                for (w, c) in cs {
                    if u < *w {
                        chosen = c;
                        break;
                    }
                    u -= w;
                }
                sample_component(chosen, rng)
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriors {
    priors: Vec<RawPrior>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior {
    name: String,
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    weight: f64,
    family: String,
    params: Vec<f64>,
}

/// Parse a priors file into mixtures by parameter name (`file` names it in messages).
pub fn parse_priors(file: &str, text: &str) -> Result<Vec<(String, Marginal)>, String> {
    let raw: RawPriors = toml::from_str(text).map_err(|e| {
        format!("{file}: {e}; expected [[priors]] tables with `name` and [[priors.components]] (weight, family = normal|lognormal|gamma|beta, params = [a, b])")
    })?;
    let base = ModelParams::default();
    let mut out: Vec<(String, Marginal)> = Vec::new();
    for (i, p) in raw.priors.into_iter().enumerate() {
        if base.get(&p.name).is_none() {
            return Err(format!(
                "{file}: priors[{i}].name: `{}` is not a model parameter (see `docs/model.md`)",
                p.name
            ));
        }
        if out.iter().any(|(n, _)| *n == p.name) {
            return Err(format!(
                "{file}: priors[{i}].name: `{}` has a prior already; one [[priors]] per parameter",
                p.name
            ));
        }
        if p.components.is_empty() {
            return Err(format!(
                "{file}: priors[{i}] (`{}`) has no components",
                p.name
            ));
        }
        let mut cs = Vec::new();
        for (j, c) in p.components.into_iter().enumerate() {
            let at = format!("{file}: priors[{i}].components[{j}]");
            if !(c.weight.is_finite() && c.weight >= 0.0) {
                return Err(format!("{at}.weight: must be a finite number >= 0"));
            }
            if c.params.len() != 2 || c.params.iter().any(|v| !v.is_finite()) {
                return Err(format!("{at}.params: must be two finite numbers"));
            }
            let (a, b) = (c.params[0], c.params[1]);
            let comp = match c.family.as_str() {
                "normal" if b > 0.0 => Component::Normal { mean: a, sd: b },
                "lognormal" if b > 0.0 => Component::LogNormal { mu: a, sigma: b },
                "gamma" if a > 0.0 && b > 0.0 => Component::Gamma { shape: a, rate: b },
                "beta" if a > 0.0 && b > 0.0 => Component::Beta { alpha: a, beta: b },
                "normal" | "lognormal" | "gamma" | "beta" => {
                    return Err(format!(
                    "{at}.params: invalid for family {} (scale and shape parameters must be > 0)",
                    c.family
                ))
                }
                other => {
                    return Err(format!(
                        "{at}.family: `{other}` is not one of normal, lognormal, gamma, beta"
                    ))
                }
            };
            cs.push((c.weight, comp));
        }
        if cs.iter().map(|c| c.0).sum::<f64>() <= 0.0 {
            return Err(format!("{file}: priors[{i}]: the weights sum to 0"));
        }
        let marginal = Marginal::Mixture(cs);
        if let Some(spec) = PARAM_SPECS.iter().find(|s| s.name == p.name) {
            check_prior_in_range(&marginal, spec.low, spec.high).map_err(|share| {
                format!(
                    "{file}: priors[{i}] (`{}`): {:.0} % of its draws fall outside the parameter's range {} to {} {} (draws are clamped to it); allowed: a prior with most of its mass in the range",
                    p.name,
                    100.0 * share,
                    spec.low,
                    spec.high,
                    spec.unit
                )
            })?;
        }
        out.push((p.name, marginal));
    }
    Ok(out)
}

/// `Err(share outside)` when more than half of a prior's draws fall outside [low, high]: its
/// median is outside the parameter's range, so clamping would pile the draws on a bound.
fn check_prior_in_range(m: &Marginal, low: f64, high: f64) -> Result<(), f64> {
    use rand::SeedableRng;
    const DRAWS: usize = 4000;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(0);
    let outside = (0..DRAWS)
        .filter(|_| {
            let v = m.sample(&mut rng, low);
            !(low..=high).contains(&v)
        })
        .count();
    let share = outside as f64 / DRAWS as f64;
    if share > 0.5 {
        Err(share)
    } else {
        Ok(())
    }
}

impl Uncertainty {
    /// Fitted crisis-layer parameters normal around the scenario's value with sd = range/4;
    /// every other parameter with a range uniform on it.
    pub fn from_defaults() -> Uncertainty {
        let marginals = PARAM_SPECS
            .iter()
            .filter(|s| s.high > s.low)
            .map(|s| {
                let m = if FITTED.contains(&s.name) {
                    Marginal::NormalAroundBase {
                        sd: (s.high - s.low) / 4.0,
                    }
                } else {
                    Marginal::Uniform {
                        low: s.low,
                        high: s.high,
                    }
                };
                (s.name.to_string(), m)
            })
            .collect();
        Uncertainty {
            marginals,
            mvn: None,
            plausible: None,
            description: "fitted crisis-layer parameters normal (built-in ranges = ±2 s.e.), others uniform on their ranges".into(),
            source: "prior",
        }
    }

    /// Draw the parameters of a `params.toml` from its multivariate normal.
    pub fn with_fitted(mut self, pf: &ParamsFile) -> Result<Uncertainty, String> {
        let names: Vec<String> = pf.parameters.iter().map(|p| p.name.clone()).collect();
        let chol = cholesky(&pf.covariance)
            .or_else(|| {
                // Fall back to independent normals with the standard errors.
                let k = names.len();
                let diag: Vec<Vec<f64>> = (0..k)
                    .map(|i| {
                        (0..k)
                            .map(|j| {
                                if i == j {
                                    pf.parameters[i].se.max(1e-12)
                                } else {
                                    0.0
                                }
                            })
                            .collect()
                    })
                    .collect();
                Some(diag)
            })
            .ok_or("covariance not usable")?;
        self.marginals.retain(|(n, _)| !names.contains(n));
        self.mvn = Some(Mvn {
            names,
            mean: pf.parameters.iter().map(|p| p.value).collect(),
            chol,
        });
        self.description = format!(
            "{} fitted parameters multivariate normal from the fit's covariance; others as before",
            pf.parameters.len()
        );
        Ok(self)
    }

    /// Read a `params.toml` and use [`Uncertainty::with_fitted`].
    pub fn with_fitted_file(self, path: &Path) -> Result<Uncertainty, String> {
        let pf = ParamsFile::read(path)?;
        self.with_fitted(&pf)
    }

    /// Give the parameters named in a priors file their mixtures.
    pub fn with_priors_text(mut self, file: &str, text: &str) -> Result<Uncertainty, String> {
        let priors = parse_priors(file, text)?;
        let names: Vec<&String> = priors.iter().map(|p| &p.0).collect();
        if let Some(m) = self.mvn.as_mut() {
            if m.names.iter().any(|n| names.contains(&n)) {
                return Err(format!("{file}: a prior names a parameter that the fitted file already draws; drop one of them"));
            }
        }
        self.marginals.retain(|(n, _)| !names.contains(&n));
        self.description.push_str(&format!(
            "; {} parameters from the priors file {file}",
            priors.len()
        ));
        self.marginals.extend(priors);
        Ok(self)
    }

    /// Read a priors file and use [`Uncertainty::with_priors_text`].
    pub fn with_priors(self, path: &Path) -> Result<Uncertainty, String> {
        let text = detente_limits::read_text(path).map_err(|e| e.to_string())?;
        self.with_priors_text(&path.display().to_string(), &text)
    }

    /// Draw the parameters a plausible set names from its sets (one set per draw, chosen at
    /// random); the others keep their prior. Parameters a fitted file (`--params`) or a priors
    /// file (`--priors`) draws keep that distribution: the sets' columns for them are dropped.
    pub fn with_plausible(mut self, set: &PlausibleSet) -> Result<Uncertainty, String> {
        let mut fitted: Vec<String> = self.mvn.as_ref().map_or(Vec::new(), |m| m.names.clone());
        fitted.extend(
            self.marginals
                .iter()
                .filter(|(_, m)| matches!(m, Marginal::Mixture(_)))
                .map(|(n, _)| n.clone()),
        );
        let keep: Vec<usize> = (0..set.names.len())
            .filter(|&i| !fitted.contains(&set.names[i]))
            .collect();
        let set = PlausibleSet {
            names: keep.iter().map(|&i| set.names[i].clone()).collect(),
            sets: set
                .sets
                .iter()
                .map(|x| keep.iter().map(|&i| x[i]).collect())
                .collect(),
            ..set.clone()
        };
        if set.names.is_empty() {
            return Err(
                "the plausible set names only parameters the fitted or priors file draws".into(),
            );
        }
        self.marginals.retain(|(n, _)| !set.names.contains(n));
        let weights = set.weights();
        let effective = set.effective_sets();
        self.description.push_str(&format!(
            "; {} parameters from {} plausible sets of history matching, {}, the rest from the prior",
            set.names.len(),
            set.sets.len(),
            if set.log_likelihood.is_empty() {
                "equally weighted".to_string()
            } else {
                format!(
                    "weighted by the likelihood of the {} (worth {effective:.0} equally weighted sets)",
                    if set.weighing == "record" { "whole record" } else { "record of no war" }
                )
            }
        ));
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        self.plausible = Some(Plausible {
            names: set.names,
            sets: set.sets,
            cumulative,
            effective,
        });
        self.source = "plausible";
        Ok(self)
    }

    /// Names of the parameters drawn.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.marginals.iter().map(|m| m.0.clone()).collect();
        if let Some(m) = &self.mvn {
            v.extend(m.names.iter().cloned());
        }
        if let Some(p) = &self.plausible {
            v.extend(p.names.iter().cloned());
        }
        v
    }
}

impl Uncertainty {
    /// How many plausible sets it draws from (0: none).
    pub fn plausible_sets(&self) -> usize {
        self.plausible.as_ref().map_or(0, |p| p.sets.len())
    }

    /// The effective number of plausible sets (Kish's, of their weights; 0: none).
    pub fn effective_plausible_sets(&self) -> f64 {
        self.plausible.as_ref().map_or(0.0, |p| p.effective)
    }

    /// Draw `d` of `n` by systematic resampling of the plausible sets (Kitagawa 1996): the
    /// set at cumulative weight (d + 1/2) / n for the parameters the sets name, so that over
    /// d = 0..n each set is taken floor(n w) or ceil(n w) times (equally weighted sets with
    /// n their number: each once); the rest drawn as [`ParamDraw::draw`] draws them. For
    /// given-data estimates on the posterior sample.
    pub fn draw_systematic(
        &self,
        rng: &mut EngineRng,
        base: &ModelParams,
        d: usize,
        n: usize,
    ) -> ModelParams {
        let u = (d % n.max(1)) as f64 / n.max(1) as f64 + 0.5 / n.max(1) as f64;
        self.draw_with(rng, base, Some(u))
    }

    /// A draw; `at`: the plausible set at this cumulative weight instead of a random one.
    fn draw_with(&self, rng: &mut EngineRng, base: &ModelParams, at: Option<f64>) -> ModelParams {
        let mut p = base.clone();
        for (name, m) in &self.marginals {
            let b = base.get(name).unwrap_or(0.0);
            let mut v = m.sample(rng, b);
            // a prior's tails may reach beyond the parameter's range: its draws are clamped
            if let (Marginal::Mixture(_), Some(s)) =
                (m, PARAM_SPECS.iter().find(|s| s.name == *name))
            {
                v = v.clamp(s.low, s.high);
            }
            if v.is_finite() {
                p.set(name, v);
            }
        }
        if let Some(m) = &self.mvn {
            let z: Vec<f64> = (0..m.names.len())
                .map(|_| StandardNormal.sample(rng))
                .collect();
            for (i, name) in m.names.iter().enumerate() {
                let v = m.mean[i] + (0..=i).map(|j| m.chol[i][j] * z[j]).sum::<f64>();
                p.set(name, v);
            }
        }
        if let Some(pl) = &self.plausible {
            let k = pl.at(at.unwrap_or_else(|| rng.random::<f64>()));
            for (n, v) in pl.names.iter().zip(&pl.sets[k]) {
                p.set(n, *v);
            }
        }
        p
    }
}

impl ParamDraw for Uncertainty {
    fn draw(&self, rng: &mut EngineRng, base: &ModelParams) -> ModelParams {
        self.draw_with(rng, base, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_engine::rng::{stream_rng, Stream};

    #[test]
    fn the_committed_plausible_set_parses_and_draws_whole_sets() {
        let set = plausible_set();
        assert!(!set.sets.is_empty());
        let u = Uncertainty::from_defaults().with_plausible(&set).unwrap();
        assert_eq!(u.source, "plausible");
        let mut rng = stream_rng(3, 0, Stream::Parameters);
        for _ in 0..20 {
            let p = u.draw(&mut rng, &ModelParams::default());
            let x: Vec<f64> = set.names.iter().map(|n| p.get(n).unwrap()).collect();
            assert!(set.sets.contains(&x), "a draw is one of the sets");
        }
        // a parameter the set does not name keeps its prior
        let mut small = set.clone();
        small.names.truncate(1);
        for s in &mut small.sets {
            s.truncate(1);
        }
        let u = Uncertainty::from_defaults().with_plausible(&small).unwrap();
        assert!(u.names().contains(&"rearm_years".to_string()));
    }

    fn weighted_sets() -> PlausibleSet {
        let mut set = plausible_set();
        set.names.truncate(1);
        set.sets = vec![vec![1.5], vec![2.5], vec![3.5]];
        // weights 0.1, 0.2, 0.7
        set.weighing = "war".into();
        set.log_likelihood = vec![-40.0, -40.0 + 2f64.ln(), -40.0 + 7f64.ln()];
        set
    }

    #[test]
    fn sets_are_drawn_in_proportion_to_the_record_s_likelihood() {
        let set = weighted_sets();
        let name = set.names[0].clone();
        let u = Uncertainty::from_defaults().with_plausible(&set).unwrap();
        assert!((u.effective_plausible_sets() - 1.0 / 0.54).abs() < 1e-9);
        assert!(u
            .description
            .contains("weighted by the likelihood of the record of no war"));
        let base = ModelParams::default();
        let n = 20_000;
        let mut counts = [0usize; 3];
        for d in 0..n {
            let p = u.draw(&mut stream_rng(5, d, Stream::Parameters), &base);
            let v = p.get(&name).unwrap();
            counts[set.sets.iter().position(|x| x[0] == v).unwrap()] += 1;
        }
        for (c, w) in counts.iter().zip([0.1, 0.2, 0.7]) {
            let sd = (n as f64 * w * (1.0 - w)).sqrt();
            assert!(
                (*c as f64 - n as f64 * w).abs() < 4.0 * sd,
                "{counts:?} against weights 0.1, 0.2, 0.7"
            );
        }
        // systematic resampling: over 10 draws the sets come 1, 2 and 7 times
        let mut counts = [0usize; 3];
        for d in 0..10 {
            let p = u.draw_systematic(
                &mut stream_rng(5, d as u64, Stream::Parameters),
                &base,
                d,
                10,
            );
            let v = p.get(&name).unwrap();
            counts[set.sets.iter().position(|x| x[0] == v).unwrap()] += 1;
        }
        assert_eq!(counts, [1, 2, 7]);
        // without likelihoods, each set once
        let equal = PlausibleSet {
            weighing: "none".into(),
            log_likelihood: vec![],
            ..set.clone()
        };
        let u = Uncertainty::from_defaults().with_plausible(&equal).unwrap();
        let taken: Vec<f64> = (0..3)
            .map(|d| {
                u.draw_systematic(
                    &mut stream_rng(5, d as u64, Stream::Parameters),
                    &base,
                    d,
                    3,
                )
                .get(&name)
                .unwrap()
            })
            .collect();
        assert_eq!(taken, vec![1.5, 2.5, 3.5]);
    }

    #[test]
    fn draws_stay_in_uniform_ranges_and_vary() {
        let u = Uncertainty::from_defaults();
        let base = ModelParams::default();
        let mut rng = stream_rng(1, 0, Stream::Parameters);
        let a = u.draw(&mut rng, &base);
        let b = u.draw(&mut rng, &base);
        assert_ne!(a, b);
        for s in PARAM_SPECS.iter().filter(|s| !FITTED.contains(&s.name)) {
            let v = a.get(s.name).unwrap();
            assert!(s.low <= v && v <= s.high, "{} = {v}", s.name);
        }
    }

    #[test]
    fn priors_file_overrides_and_bad_family_is_reported() {
        let text = "[[priors]]\nname = \"rearm_years\"\n[[priors.components]]\nweight = 1.0\nfamily = \"gamma\"\nparams = [25.0, 5.0]\n";
        let u = Uncertainty::from_defaults()
            .with_priors_text("p.toml", text)
            .unwrap();
        let mut rng = stream_rng(2, 0, Stream::Parameters);
        let mean: f64 = (0..2000)
            .map(|_| u.draw(&mut rng, &ModelParams::default()).rearm_years)
            .sum::<f64>()
            / 2000.0;
        assert!((mean - 5.0).abs() < 0.2, "{mean}");
        let bad = text.replace("gamma", "cauchy");
        let e = Uncertainty::from_defaults()
            .with_priors_text("p.toml", &bad)
            .unwrap_err();
        assert!(e.contains("priors[0].components[0].family"), "{e}");
    }
}
