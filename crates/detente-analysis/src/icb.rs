//! Reading ICB crisis-level files (the `icb1` format) and mapping ICB's codes to the crisis
//! layer's inputs ([`CrisisInputs`]). The mapping (documented with its assumptions in
//! `docs/validation.md`): gravity = `gravcr`/6 (codes 0-6; 7 "other" is missing);
//! protracted = 1 if `protrac` is 2 or 3, 0 if 1; power involvement = (`powinv` - 1)/6
//! (codes 1-7 read as an ordinal scale, an assumption); actors = `noactr`; power
//! discrepancy = min(`powdissy`, 30)/30 (an assumption: 30 is about the 98th percentile);
//! mediation = 1 if `mediate` = 4 (mediation took place), 0 for 1-3; global and regional
//! organisation = 1 if `globorg` / `regorg` is 2 or more (0 = no such organisation, 1 = not
//! involved). What is known when a crisis begins: trigger class from `break` (1-6
//! non-military, 7 non-violent military, 8 indirect violent, 9 violent; stored as the class
//! index 0-3); Europe = 1 if `geog` is 30-35; system level = (`syslevsy` - 1)/3. `viol` 1-4
//! becomes level 0-3. Blank, non-finite or out-of-range codes are missing and are filled by
//! [`Imputation`]: the training medians. Non-numeric text is an error.

use detente_engine::{CrisisInputs, Trigger};
use serde::{Deserialize, Serialize};

/// Number of covariates the crisis layer reads.
pub const COVARIATES: usize = 11;
/// Names of the covariates, in [`Covariates`] order.
pub const COVARIATE_NAMES: [&str; COVARIATES] = [
    "gravity",
    "protracted",
    "power_involvement",
    "actors",
    "power_discrepancy",
    "mediation",
    "global_org",
    "regional_org",
    "trigger",
    "europe",
    "system_level",
];
/// The ICB columns they come from.
pub const ICB_COLUMNS: [&str; COVARIATES] = [
    "gravcr", "protrac", "powinv", "noactr", "powdissy", "mediate", "globorg", "regorg", "break",
    "geog", "syslevsy",
];
/// Index of the trigger class among the covariates.
pub const TRIGGER: usize = 8;

/// Cap of `powdissy` in the power-discrepancy mapping.
pub const POWDISSY_CAP: f64 = 30.0;
/// First year of the held-out crises: nothing from this year on is used for fitting.
pub const HOLDOUT_YEAR: i64 = 1990;

/// Covariates on the model's scale, `None` where missing.
pub type Covariates = [Option<f64>; COVARIATES];

/// One crisis of an ICB crisis-level file.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbCrisis {
    /// Line of the file (1 = header).
    pub line: u64,
    pub crisno: i64,
    pub name: String,
    pub yrtrig: Option<i64>,
    /// Observed violence level 0-3 (`viol` - 1), if recorded.
    pub level: Option<usize>,
    pub covariates: Covariates,
}

/// An error in an ICB file: which file, line and field, and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbError(pub String);

impl std::fmt::Display for IcbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IcbError {}

/// Map one raw ICB code to the model's scale; `None` if it is out of range.
pub fn map_code(column: &str, v: f64) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    let int = v.fract() == 0.0;
    match column {
        "gravcr" if int && (0.0..=6.0).contains(&v) => Some(v / 6.0),
        "protrac" if v == 1.0 => Some(0.0),
        "protrac" if v == 2.0 || v == 3.0 => Some(1.0),
        "powinv" if int && (1.0..=7.0).contains(&v) => Some((v - 1.0) / 6.0),
        "noactr" if v >= 1.0 => Some(v),
        "powdissy" if v >= 0.0 => Some(v.min(POWDISSY_CAP) / POWDISSY_CAP),
        "mediate" if int && (1.0..=3.0).contains(&v) => Some(0.0),
        "mediate" if v == 4.0 => Some(1.0),
        "globorg" | "regorg" if int && (0.0..=1.0).contains(&v) => Some(0.0),
        "globorg" | "regorg" if int && (2.0..=20.0).contains(&v) => Some(1.0),
        "break" if int => Trigger::from_icb_code(v).map(|t| t.index() as f64),
        "geog" if int && (30.0..=35.0).contains(&v) => Some(1.0),
        "geog" if int && (1.0..=99.0).contains(&v) => Some(0.0),
        "syslevsy" if int && (1.0..=4.0).contains(&v) => Some((v - 1.0) / 3.0),
        _ => None,
    }
}

fn parse_number(file: &str, line: u64, field: &str, text: &str) -> Result<Option<f64>, IcbError> {
    let t = text.trim();
    if t.is_empty() || t == "." || t.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| {
        IcbError(format!("{file}: line {line}, field `{field}`: `{t}` is not a number (a numeric ICB code or blank)"))
    })
}

/// Read ICB crisis-level CSV data from bytes (`file` names it in messages). Required
/// columns: `crisno` and the eleven covariate columns; `viol`, `yrtrig` and `crisname` are
/// read when present.
pub fn read_crises_from(file: &str, bytes: &[u8]) -> Result<Vec<IcbCrisis>, IcbError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| IcbError(format!("{file}: line 1: cannot read the header: {e}")))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            IcbError(format!(
                "{file}: line 1: no column `{name}` (an ICB crisis-level file needs crisno, {})",
                ICB_COLUMNS.join(", ")
            ))
        })
    };
    let crisno_col = need("crisno")?;
    let cov_cols: Vec<usize> = ICB_COLUMNS
        .iter()
        .map(|c| need(c))
        .collect::<Result<_, _>>()?;
    let viol_col = find("viol");
    let year_col = find("yrtrig");
    let name_col = find("crisname");
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec =
            rec.map_err(|e| IcbError(format!("{file}: line {line}: malformed CSV record: {e}")))?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let crisno = match parse_number(file, line, "crisno", get(crisno_col))? {
            Some(v) if v.fract() == 0.0 => v as i64,
            _ => {
                return Err(IcbError(format!(
                "{file}: line {line}, field `crisno`: `{}` is not a crisis number (a whole number)",
                get(crisno_col)
            )))
            }
        };
        let mut covariates: Covariates = [None; COVARIATES];
        for (k, &c) in cov_cols.iter().enumerate() {
            let raw = parse_number(file, line, ICB_COLUMNS[k], get(c))?;
            covariates[k] = raw.and_then(|v| map_code(ICB_COLUMNS[k], v));
        }
        let level = match viol_col {
            Some(c) => match parse_number(file, line, "viol", get(c))? {
                Some(v) if v.fract() == 0.0 && (1.0..=4.0).contains(&v) => Some(v as usize - 1),
                _ => None,
            },
            None => None,
        };
        let yrtrig = match year_col {
            Some(c) => parse_number(file, line, "yrtrig", get(c))?
                .filter(|v| v.is_finite() && v.fract() == 0.0)
                .map(|v| v as i64),
            None => None,
        };
        let name = name_col
            .map(|c| get(c).trim().to_string())
            .unwrap_or_default();
        out.push(IcbCrisis {
            line,
            crisno,
            name,
            yrtrig,
            level,
            covariates,
        });
    }
    Ok(out)
}

/// Count crisis actors per crisis (rows per `crisno`) in ICB actor-level CSV data (`file`
/// names it in messages).
pub fn count_actors_from(
    file: &str,
    bytes: &[u8],
) -> Result<std::collections::BTreeMap<i64, f64>, IcbError> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| IcbError(format!("{file}: line 1: {e}")))?
        .clone();
    let col = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("crisno"))
        .ok_or_else(|| {
            IcbError(format!(
                "{file}: line 1: no column `crisno` (an ICB actor-level file)"
            ))
        })?;
    let mut counts = std::collections::BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec =
            rec.map_err(|e| IcbError(format!("{file}: line {line}: malformed CSV record: {e}")))?;
        if let Some(v) = parse_number(file, line, "crisno", rec.get(col).unwrap_or(""))? {
            *counts.entry(v as i64).or_insert(0.0) += 1.0;
        }
    }
    Ok(counts)
}

/// Fill missing `noactr` from actor counts (the only use of the actor-level file).
pub fn fill_actors(
    crises: &mut [IcbCrisis],
    counts: &std::collections::BTreeMap<i64, f64>,
) -> usize {
    let mut filled = 0;
    for c in crises.iter_mut() {
        if c.covariates[3].is_none() {
            if let Some(&n) = counts.get(&c.crisno) {
                c.covariates[3] = Some(n.max(1.0));
                filled += 1;
            }
        }
    }
    filled
}

/// The rule for missing covariates: the median of each covariate over the training crises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imputation {
    pub gravity: f64,
    pub protracted: f64,
    pub power_involvement: f64,
    pub actors: f64,
    pub power_discrepancy: f64,
    pub mediation: f64,
    pub global_org: f64,
    pub regional_org: f64,
    /// Trigger class index 0-3 (non-military, non-violent military, indirect violent, violent).
    #[serde(default)]
    pub trigger: f64,
    #[serde(default)]
    pub europe: f64,
    #[serde(default)]
    pub system_level: f64,
}

impl Imputation {
    /// Medians over `crises` (ignoring missing values; 0 where a covariate is never recorded).
    pub fn medians(crises: &[IcbCrisis]) -> Imputation {
        let mut m = [0.0; COVARIATES];
        for (k, slot) in m.iter_mut().enumerate() {
            let mut v: Vec<f64> = crises.iter().filter_map(|c| c.covariates[k]).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            *slot = match v.len() {
                0 => {
                    if k == 3 {
                        2.0
                    } else {
                        0.0
                    }
                }
                n if n % 2 == 1 => v[n / 2],
                // The trigger class is a category: its median is the lower middle value.
                n if k == TRIGGER => v[n / 2 - 1],
                n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
            };
        }
        Imputation::from_array(m)
    }

    pub fn as_array(&self) -> [f64; COVARIATES] {
        [
            self.gravity,
            self.protracted,
            self.power_involvement,
            self.actors,
            self.power_discrepancy,
            self.mediation,
            self.global_org,
            self.regional_org,
            self.trigger,
            self.europe,
            self.system_level,
        ]
    }

    pub fn from_array(m: [f64; COVARIATES]) -> Imputation {
        Imputation {
            gravity: m[0],
            protracted: m[1],
            power_involvement: m[2],
            actors: m[3],
            power_discrepancy: m[4],
            mediation: m[5],
            global_org: m[6],
            regional_org: m[7],
            trigger: m[8],
            europe: m[9],
            system_level: m[10],
        }
    }

    /// Complete covariates (missing ones imputed).
    pub fn complete(&self, c: &Covariates) -> [f64; COVARIATES] {
        let m = self.as_array();
        std::array::from_fn(|k| c[k].unwrap_or(m[k]))
    }

    /// The crisis layer's inputs for a crisis.
    pub fn inputs(&self, c: &Covariates) -> CrisisInputs {
        inputs_of(&self.complete(c))
    }
}

/// The crisis layer's inputs for complete covariates.
pub fn inputs_of(x: &[f64; COVARIATES]) -> CrisisInputs {
    CrisisInputs {
        trigger: Trigger::from_index(x[TRIGGER].round().max(0.0) as usize),
        gravity: x[0],
        protracted: x[1],
        power_involvement: x[2],
        actors: x[3],
        power_discrepancy: x[4],
        mediation: x[5],
        global_org: x[6],
        regional_org: x[7],
        europe: x[9],
        system_level: x[10],
    }
}

/// Number of missing values per covariate.
pub fn missing_counts(crises: &[IcbCrisis]) -> [usize; COVARIATES] {
    std::array::from_fn(|k| crises.iter().filter(|c| c.covariates[k].is_none()).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "crisno,crisname,yrtrig,viol,gravcr,protrac,powinv,noactr,powdissy,mediate,globorg,regorg,break,geog,syslevsy\n";

    #[test]
    fn maps_codes() {
        let data = format!(
            "{HEADER}1,A,1950,4,6,3,7,3,60,4,5,0,9,31,4\n2,B,1960,1,7,1,1,2,,1,1,11,2,12,1\n"
        );
        let c = read_crises_from("t.csv", data.as_bytes()).unwrap();
        assert_eq!(c[0].level, Some(3));
        assert_eq!(
            c[0].covariates,
            [
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(3.0),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(0.0),
                Some(3.0),
                Some(1.0),
                Some(1.0)
            ]
        );
        assert_eq!(c[1].covariates[TRIGGER], Some(0.0));
        assert_eq!(c[1].covariates[9], Some(0.0));
        assert_eq!(c[1].covariates[10], Some(0.0));
        assert_eq!(c[1].covariates[0], None);
        assert_eq!(c[1].covariates[4], None);
        assert_eq!(c[1].covariates[7], Some(1.0));
        let imp = Imputation::medians(&c);
        assert_eq!(imp.inputs(&c[1].covariates).gravity, 1.0);
    }

    #[test]
    fn bad_cell_names_line_and_field() {
        let data = format!("{HEADER}1,A,1950,4,six,3,7,3,60,4,5,0,9,31,4\n");
        let e = read_crises_from("t.csv", data.as_bytes()).unwrap_err();
        assert!(e.0.contains("line 2") && e.0.contains("gravcr"), "{e}");
    }

    /// Codes merely out of range, or not finite, are missing (imputed), never an error.
    #[test]
    fn out_of_range_and_non_finite_codes_are_missing() {
        let data = format!(
            "{HEADER}1,A,1995,4,9,0,8,inf,-3,7,-1,99,12,0,5\n2,B,,,NaN,1,1,2,1,1,1,1,9,31,4\n"
        );
        let c = read_crises_from("t.csv", data.as_bytes()).unwrap();
        assert!(c[0].covariates.iter().all(|v| v.is_none()), "{:?}", c[0]);
        assert_eq!(c[1].covariates[0], None);
        assert_eq!(c[1].yrtrig, None);
        assert_eq!(c[1].level, None);
        let imp = Imputation::medians(&c);
        let x = imp.inputs(&c[0].covariates);
        assert!(x.actors.is_finite() && x.gravity.is_finite());
        assert_eq!(x.trigger, Trigger::Violent);
    }

    #[test]
    fn missing_column_is_reported() {
        let e = read_crises_from("t.csv", b"crisno,viol\n1,2\n").unwrap_err();
        assert!(e.0.contains("gravcr"), "{e}");
    }
}
