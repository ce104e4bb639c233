//! The fitted-parameter file (`params.toml`) written by `detente calibrate` and read by
//! `detente predict-crises` and the uncertainty option. Format `detente-params/1`:
//! top-level `format`, `source`, `n_crises`, `penalty`, `log_likelihood`; one
//! `[[parameters]]` table per fitted parameter with `name`, `value`, `se`; `covariance`, the
//! covariance matrix of the estimates in `[[parameters]]` order (rows of numbers); `[fixed]`,
//! the other crisis-layer values the fit held fixed; `[imputation]`, the training medians
//! used for missing covariates. Unknown keys are ignored so the file can carry fit figures.

use crate::calibrate::{Calibration, FITTED, FIXED_IN_FIT};
use crate::icb::Imputation;
use detente_engine::ModelParams;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Format tag.
pub const FORMAT: &str = "detente-params/1";

/// One fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FittedParam {
    pub name: String,
    pub value: f64,
    pub se: f64,
}

/// The file's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamsFile {
    pub format: String,
    pub source: String,
    pub n_crises: usize,
    pub penalty: f64,
    pub log_likelihood: f64,
    pub parameters: Vec<FittedParam>,
    pub covariance: Vec<Vec<f64>>,
    #[serde(default)]
    pub fixed: BTreeMap<String, f64>,
    pub imputation: Imputation,
}

impl ParamsFile {
    /// From a calibration.
    pub fn from_calibration(c: &Calibration, source: &str) -> ParamsFile {
        ParamsFile {
            format: FORMAT.into(),
            source: source.into(),
            n_crises: c.n_crises,
            penalty: c.penalty,
            log_likelihood: c.log_likelihood,
            parameters: c
                .estimates
                .iter()
                .map(|e| FittedParam {
                    name: e.name.clone(),
                    value: e.value,
                    se: e.se,
                })
                .collect(),
            covariance: c.covariance.clone(),
            fixed: c.fixed.iter().cloned().collect(),
            imputation: c.imputation.clone(),
        }
    }

    /// TOML text.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# detente fitted crisis-layer parameters ({FORMAT}); see docs/validation.md\n{body}"
        )
    }

    /// Parse and check TOML text (`file` names it in messages).
    pub fn parse(file: &str, text: &str) -> Result<ParamsFile, String> {
        let pf: ParamsFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        if pf.format != FORMAT {
            return Err(format!(
                "{file}: field `format`: `{}` is not supported (expected \"{FORMAT}\")",
                pf.format
            ));
        }
        let k = pf.parameters.len();
        let base = ModelParams::default();
        let crisis_layer = |n: &str| FITTED.contains(&n) || FIXED_IN_FIT.contains(&n);
        let mut seen = std::collections::HashSet::new();
        for (i, p) in pf.parameters.iter().enumerate() {
            let at = format!("{file}: parameters[{i}]");
            if base.get(&p.name).is_none() {
                return Err(format!("{at}.name: `{}` is not a model parameter", p.name));
            }
            if !crisis_layer(&p.name) {
                return Err(format!(
                    "{at}.name: `{}` is not a crisis-layer parameter; allowed: {}",
                    p.name,
                    FITTED
                        .iter()
                        .chain(&FIXED_IN_FIT)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !seen.insert(p.name.as_str()) {
                return Err(format!(
                    "{at}.name: `{}` is listed twice; one [[parameters]] entry per parameter",
                    p.name
                ));
            }
            if !(p.value.is_finite() && p.se.is_finite() && p.se >= 0.0) {
                return Err(format!(
                    "{at} (`{}`): value = {}, se = {}: allowed: finite numbers, se >= 0",
                    p.name, p.value, p.se
                ));
            }
        }
        for (n, v) in &pf.fixed {
            if base.get(n).is_none() || !crisis_layer(n) {
                return Err(format!(
                    "{file}: [fixed] `{n}` is not a crisis-layer model parameter"
                ));
            }
            if seen.contains(n.as_str()) {
                return Err(format!(
                    "{file}: [fixed] `{n}` is also in [[parameters]]; list it once"
                ));
            }
            if !v.is_finite() {
                return Err(format!(
                    "{file}: [fixed] `{n}` = {v}: allowed: a finite number"
                ));
            }
        }
        for (what, v) in [
            ("penalty", pf.penalty),
            ("log_likelihood", pf.log_likelihood),
        ] {
            if !v.is_finite() {
                return Err(format!(
                    "{file}: field `{what}` = {v}: allowed: a finite number"
                ));
            }
        }
        if pf.covariance.len() != k || pf.covariance.iter().any(|r| r.len() != k) {
            return Err(format!("{file}: field `covariance` must be a {k} x {k} matrix (one row per [[parameters]] entry)"));
        }
        for (i, row) in pf.covariance.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                if !c.is_finite() {
                    return Err(format!(
                        "{file}: covariance[{i}][{j}] = {c}: allowed: finite numbers"
                    ));
                }
            }
            if row[i] < 0.0 {
                return Err(format!(
                    "{file}: covariance[{i}][{i}] = {}: the variance of `{}` must be >= 0",
                    row[i], pf.parameters[i].name
                ));
            }
        }
        Ok(pf)
    }

    /// Read a file.
    pub fn read(path: &Path) -> Result<ParamsFile, String> {
        let text = detente_limits::read_text(path).map_err(|e| e.to_string())?;
        ParamsFile::parse(&path.display().to_string(), &text)
    }

    /// Apply the fixed and fitted values to `base`.
    pub fn apply(&self, base: &ModelParams) -> ModelParams {
        let mut p = base.clone();
        for (n, v) in &self.fixed {
            p.set(n, *v);
        }
        for f in &self.parameters {
            p.set(&f.name, f.value);
        }
        p
    }
}
