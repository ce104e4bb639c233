//! Prior distributions as the simulator's uncertainty option reads them: a named quantity with
//! a mixture of parametric components (normal `[mean, sd]`, log-normal `[mu, sigma]` of the
//! log, gamma `[shape, rate]`, beta `[alpha, beta]`), each with a weight. This module writes
//! and reads the TOML priors file (`[[priors]]` tables with `[[priors.components]]`), evaluates
//! the mixture's CDF, mean and quantiles (quantiles by bisection between the components'
//! quantiles, which always bracket the mixture's), and samples by inversion so that one uniform
//! number gives one draw (useful for common random numbers and Latin hypercubes).

use crate::error::Error;
use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Normal};

/// A distribution family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Normal,
    Lognormal,
    Gamma,
    Beta,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Normal,
        Family::Lognormal,
        Family::Gamma,
        Family::Beta,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Normal => "normal",
            Family::Lognormal => "lognormal",
            Family::Gamma => "gamma",
            Family::Beta => "beta",
        }
    }

    /// Names of the two parameters.
    pub fn param_names(self) -> [&'static str; 2] {
        match self {
            Family::Normal => ["mean", "sd"],
            Family::Lognormal => ["mu", "sigma"],
            Family::Gamma => ["shape", "rate"],
            Family::Beta => ["alpha", "beta"],
        }
    }
}

/// One parametric distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dist {
    pub family: Family,
    pub params: [f64; 2],
}

impl Dist {
    /// Check the parameters are valid (finite; scale/shape parameters > 0).
    pub fn validate(&self) -> Result<(), String> {
        let [a, b] = self.params;
        if !a.is_finite() || !b.is_finite() {
            return Err("parameters must be finite".into());
        }
        let ok = match self.family {
            Family::Normal | Family::Lognormal => b > 0.0,
            Family::Gamma | Family::Beta => a > 0.0 && b > 0.0,
        };
        if ok {
            Ok(())
        } else {
            let [n1, n2] = self.family.param_names();
            Err(match self.family {
                Family::Normal | Family::Lognormal => format!("{n2} must be > 0"),
                _ => format!("{n1} and {n2} must both be > 0"),
            })
        }
    }

    pub fn cdf(&self, x: f64) -> f64 {
        let [a, b] = self.params;
        match self.family {
            Family::Normal => Normal::new(a, b).map(|d| d.cdf(x)).unwrap_or(f64::NAN),
            Family::Lognormal => {
                if x <= 0.0 {
                    0.0
                } else {
                    LogNormal::new(a, b).map(|d| d.cdf(x)).unwrap_or(f64::NAN)
                }
            }
            Family::Gamma => {
                // statrs's Gamma::cdf unwraps inside when x·rate underflows to 0 or overflows:
                // answer those limits here and call the checked function otherwise.
                let y = x * b;
                if x <= 0.0 || y == 0.0 {
                    0.0
                } else if Gamma::new(a, b).is_err() {
                    f64::NAN
                } else if y.is_infinite() {
                    1.0
                } else {
                    statrs::function::gamma::checked_gamma_lr(a, y).unwrap_or(f64::NAN)
                }
            }
            Family::Beta => {
                if x <= 0.0 {
                    0.0
                } else if x >= 1.0 {
                    1.0
                } else {
                    Beta::new(a, b).map(|d| d.cdf(x)).unwrap_or(f64::NAN)
                }
            }
        }
    }

    /// Quantile at p ∈ (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        let [a, b] = self.params;
        let p = p.clamp(1e-15, 1.0 - 1e-15);
        match self.family {
            Family::Normal => Normal::new(a, b)
                .map(|d| d.inverse_cdf(p))
                .unwrap_or(f64::NAN),
            Family::Lognormal => Normal::new(a, b)
                .map(|d| d.inverse_cdf(p).exp())
                .unwrap_or(f64::NAN),
            Family::Gamma | Family::Beta => {
                // bracket then bisect on the CDF (robust for all shapes)
                let (mut lo, mut hi) = match self.family {
                    Family::Beta => (0.0, 1.0),
                    _ => {
                        let mean = a / b;
                        let mut hi = mean.max(1e-300) * 2.0 + 1.0 / b;
                        while self.cdf(hi) < p && hi < 1e300 {
                            hi *= 2.0;
                        }
                        (0.0, hi)
                    }
                };
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if self.cdf(mid) < p {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                    if hi - lo <= 1e-15 * hi.abs().max(1e-300) {
                        break;
                    }
                }
                0.5 * (lo + hi)
            }
        }
    }

    pub fn mean(&self) -> f64 {
        let [a, b] = self.params;
        match self.family {
            Family::Normal => a,
            Family::Lognormal => (a + b * b / 2.0).exp(),
            Family::Gamma => a / b,
            Family::Beta => a / (a + b),
        }
    }
}

/// A weighted mixture component.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Component {
    pub weight: f64,
    #[serde(flatten)]
    pub dist: Dist,
}

/// A named prior: a mixture of components (weights need not sum to 1; they are normalised).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prior {
    pub name: String,
    pub components: Vec<Component>,
}

impl Prior {
    fn total_weight(&self) -> f64 {
        self.components.iter().map(|c| c.weight).sum()
    }

    /// Mixture CDF.
    pub fn cdf(&self, x: f64) -> f64 {
        let w = self.total_weight();
        self.components
            .iter()
            .map(|c| c.weight * c.dist.cdf(x))
            .sum::<f64>()
            / w
    }

    /// Mixture mean.
    pub fn mean(&self) -> f64 {
        let w = self.total_weight();
        self.components
            .iter()
            .map(|c| c.weight * c.dist.mean())
            .sum::<f64>()
            / w
    }

    /// Mixture quantile at p ∈ (0, 1), by bisection between the smallest and largest component
    /// quantile at p (the mixture's quantile lies between them).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-15, 1.0 - 1e-15);
        if self.components.len() == 1 {
            return self.components[0].dist.quantile(p);
        }
        let qs: Vec<f64> = self
            .components
            .iter()
            .filter(|c| c.weight > 0.0)
            .map(|c| c.dist.quantile(p))
            .collect();
        let mut lo = qs.iter().copied().fold(f64::INFINITY, f64::min);
        let mut hi = qs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for _ in 0..200 {
            if hi - lo <= 1e-14 * hi.abs().max(lo.abs()).max(1e-300) {
                break;
            }
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// One draw by inversion from a uniform number u ∈ (0, 1).
    pub fn sample_uniform(&self, u: f64) -> f64 {
        self.quantile(u)
    }

    /// One draw using `rng` (consumes exactly one `f64`).
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        // map [0,1) to the open interval (0,1)
        self.quantile((u + f64::EPSILON / 2.0).min(1.0 - f64::EPSILON))
    }
}

/// Write priors as the TOML priors file; `source` names the judgements file in the header.
pub fn write_priors(priors: &[Prior], source: &str) -> String {
    let mut s = format!("# written by detente elicit from {source}\n");
    for p in priors {
        s.push_str("\n[[priors]]\n");
        s.push_str(&format!("name = {}\n", toml_str(&p.name)));
        for c in &p.components {
            s.push_str("[[priors.components]]\n");
            s.push_str(&format!("weight = {:?}\n", c.weight));
            s.push_str(&format!("family = \"{}\"\n", c.dist.family.name()));
            s.push_str(&format!(
                "params = [{:?}, {:?}]\n",
                c.dist.params[0], c.dist.params[1]
            ));
        }
    }
    s
}

fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
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
    family: Family,
    params: Vec<f64>,
}

/// Parse a priors file (see [`write_priors`]).
pub fn read_priors(text: &str) -> Result<Vec<Prior>, Error> {
    read_priors_named(text, "<priors>")
}

/// Parse a priors file, naming it `file` in errors.
pub fn read_priors_named(text: &str, file: &str) -> Result<Vec<Prior>, Error> {
    detente_limits::check_toml_keys(text)
        .map_err(|(line, m)| Error::input(file, line, "toml", m))?;
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1)
            .unwrap_or(0);
        Error::input(
            file,
            line,
            "toml",
            format!(
                "{}; expected [[priors]] tables with name and [[priors.components]] (weight, family = normal|lognormal|gamma|beta, params = [a, b])",
                e.message()
            ),
        )
    })?;
    let mut out = Vec::new();
    for (i, p) in raw.priors.into_iter().enumerate() {
        let field = |f: &str| format!("priors[{i}].{f}");
        if p.components.is_empty() {
            return Err(Error::file(
                file,
                format!(
                    "{}: prior `{}` has no components",
                    field("components"),
                    p.name
                ),
            ));
        }
        let mut comps = Vec::new();
        for (j, c) in p.components.into_iter().enumerate() {
            let f = format!("priors[{i}].components[{j}]");
            if !(c.weight.is_finite() && c.weight >= 0.0) {
                return Err(Error::file(
                    file,
                    format!("{f}.weight: must be a finite number ≥ 0"),
                ));
            }
            if c.params.len() != 2 {
                return Err(Error::file(
                    file,
                    format!(
                        "{f}.params: {} takes exactly 2 parameters {:?}",
                        c.family.name(),
                        c.family.param_names()
                    ),
                ));
            }
            let dist = Dist {
                family: c.family,
                params: [c.params[0], c.params[1]],
            };
            dist.validate()
                .map_err(|m| Error::file(file, format!("{f}.params: {m}")))?;
            comps.push(Component {
                weight: c.weight,
                dist,
            });
        }
        if comps.iter().map(|c| c.weight).sum::<f64>() <= 0.0 {
            return Err(Error::file(
                file,
                format!("{}: weights sum to 0", field("components")),
            ));
        }
        out.push(Prior {
            name: p.name,
            components: comps,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn example() -> Vec<Prior> {
        vec![
            Prior {
                name: "ceasefire_breakdown_base_rate".into(),
                components: vec![
                    Component {
                        weight: 0.5,
                        dist: Dist {
                            family: Family::Lognormal,
                            params: [0.1f64.ln(), 0.5],
                        },
                    },
                    Component {
                        weight: 0.5,
                        dist: Dist {
                            family: Family::Gamma,
                            params: [2.0, 15.0],
                        },
                    },
                ],
            },
            Prior {
                name: "hybrid \"attack\" probability".into(),
                components: vec![Component {
                    weight: 1.0,
                    dist: Dist {
                        family: Family::Beta,
                        params: [2.0, 8.0],
                    },
                }],
            },
        ]
    }

    #[test]
    fn round_trip() {
        let p = example();
        let text = write_priors(&p, "x.csv");
        assert!(text.starts_with("# written by detente elicit from x.csv\n"));
        let back = read_priors(&text).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn documented_format_parses() {
        let text = "# written by detente elicit from FILE\n[[priors]]\nname = \"q\"\n[[priors.components]]\nweight = 0.5\nfamily = \"lognormal\"   # comment\nparams = [0.1, 0.5]\n";
        let p = read_priors(text).unwrap();
        assert_eq!(p[0].components[0].dist.family, Family::Lognormal);
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(read_priors("[[priors]]\nname = \"q\"\n[[priors.components]]\nweight = 1\nfamily = \"cauchy\"\nparams = [0, 1]\n").is_err());
        assert!(read_priors("[[priors]]\nname = \"q\"\n[[priors.components]]\nweight = 1\nfamily = \"normal\"\nparams = [0, -1]\n").is_err());
        assert!(read_priors("[[priors]]\nname = \"q\"\n[[priors.components]]\nweight = 1\nfamily = \"normal\"\nparams = [0]\n").is_err());
    }

    #[test]
    fn quantile_inverts_cdf_and_sampling_matches() {
        for p in example() {
            for &u in &[0.05, 0.5, 0.95] {
                let x = p.quantile(u);
                assert!((p.cdf(x) - u).abs() < 1e-9, "{} {u}", p.name);
            }
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
            let n = 4000;
            let below = (0..n)
                .filter(|_| p.sample(&mut rng) <= p.quantile(0.5))
                .count();
            assert!((below as f64 / n as f64 - 0.5).abs() < 0.03);
        }
    }
}
