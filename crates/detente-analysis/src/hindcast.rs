//! Hindcasts: the model run over a historical period beside the NATO-Russia record. The
//! observed record is `data/nato_russia_mids.csv` (derived from COW MID 5.0's participant
//! records by `scripts/derive_nato_russia_mids.py`, embedded here), one dispute a row with the
//! rung it maps to: rung 0 (crisis without violence) for MID hostility 2-3, rung 1 (minor
//! clashes) for use of force without deaths, rung 2 (serious clashes) for fatal use of force;
//! no dispute reached war (rung 3). The simulated record is computed, not sampled: for each
//! month the expected crises by pathway ([`detente_engine::slow`]'s trigger rates, while no war
//! has begun) times each crisis's exact highest-rung distribution (the ladder of
//! [`detente_engine::run::crisis_setting`]), summed by calendar year; p(no direct war) over the
//! period is [`detente_engine::exact`]'s. Over a set of parameter draws the figures are means
//! and the intervals are 2.5 and 97.5 % quantiles across draws (for counts, of the Poisson
//! mixture: parameter spread and the chance of a single history together).

use detente_engine::crisis::WAR_RUNG;
use detente_engine::exact;
use detente_engine::{ModelParams, Policy};

/// The derived dispute table, as committed.
pub const MIDS_CSV: &str = include_str!("../../../data/nato_russia_mids.csv");
/// The last year MID 5.0 covers.
pub const MID_LAST_YEAR: u32 = 2014;
/// Rungs a dispute can reach without war: 0, 1 and 2.
pub const DISPUTE_RUNGS: usize = WAR_RUNG as usize;

/// One NATO-Russia dispute of the record.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    /// MID dispute number.
    pub dispnum: u32,
    /// Year the NATO members and Russia first faced each other in it.
    pub year: u32,
    /// The model's rung (0-2).
    pub rung: usize,
}

/// A CSV reader over `text` and the positions of the columns `names` (`file` names it in
/// messages: a missing column is an error).
pub fn csv_columns<'a>(
    file: &str,
    text: &'a str,
    names: &[&str],
) -> Result<(csv::Reader<&'a [u8]>, Vec<usize>), String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("{file}: {e}"))?
        .clone();
    let cols = names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == *name)
                .ok_or_else(|| format!("{file}: no column `{name}`"))
        })
        .collect::<Result<_, _>>()?;
    Ok((reader, cols))
}

/// Parse the dispute table (`file` names it in messages).
pub fn parse_disputes(file: &str, text: &str) -> Result<Vec<Dispute>, String> {
    let (mut reader, cols) = csv_columns(file, text, &["dispnum", "year", "rung"])?;
    let (num, year, rung) = (cols[0], cols[1], cols[2]);
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{file}: row {}: {e}", i + 2))?;
        let field = |c: usize, what: &str| -> Result<u32, String> {
            row.get(c)
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("{file}: row {}: `{what}` is not a whole number", i + 2))
        };
        let r = field(rung, "rung")? as usize;
        if r >= DISPUTE_RUNGS {
            return Err(format!(
                "{file}: row {}: rung {r}: allowed 0 to {}",
                i + 2,
                DISPUTE_RUNGS - 1
            ));
        }
        out.push(Dispute {
            dispnum: field(num, "dispnum")?,
            year: field(year, "year")?,
            rung: r,
        });
    }
    Ok(out)
}

/// The committed record.
pub fn observed_disputes() -> Vec<Dispute> {
    parse_disputes("data/nato_russia_mids.csv", MIDS_CSV)
        .expect("the committed dispute table parses (tested)")
}

/// Disputes per calendar year by rung, years `first..=last`.
pub fn observed_by_year(disputes: &[Dispute], first: u32, last: u32) -> Vec<[f64; DISPUTE_RUNGS]> {
    let mut out = vec![[0.0; DISPUTE_RUNGS]; (last + 1).saturating_sub(first) as usize];
    for d in disputes {
        if (first..=last).contains(&d.year) {
            out[(d.year - first) as usize][d.rung] += 1.0;
        }
    }
    out
}

/// The model's record over a period under one parameter set.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulated {
    /// Expected disputes (crises that stay below war) per calendar year by rung, while no
    /// war has begun.
    pub by_year: Vec<[f64; DISPUTE_RUNGS]>,
    /// Probability of no NATO-Russia war over the whole horizon (exact).
    pub p_no_war: f64,
}

impl Simulated {
    /// Expected disputes by rung over years `from..to` (indices into `by_year`).
    pub fn total(&self, from: usize, to: usize) -> [f64; DISPUTE_RUNGS] {
        let mut t = [0.0; DISPUTE_RUNGS];
        for y in &self.by_year[from.min(self.by_year.len())..to.min(self.by_year.len())] {
            for r in 0..DISPUTE_RUNGS {
                t[r] += y[r];
            }
        }
        t
    }
}

/// The simulated record of `policy` under `params` (one entry per year of the horizon), from
/// the exact chain: expected disputes (crises below war, before a first war) by year and rung,
/// and p(no war) over the horizon. A run's memory (tension, a second war) is in the chain, so
/// the expected record counts the clustering of crises.
pub fn simulate(params: &ModelParams, policy: &Policy) -> Simulated {
    let e = exact::evaluate(params, policy);
    let years = policy.horizon_months.div_ceil(12) as usize;
    let mut by_year = vec![[0.0; DISPUTE_RUNGS]; years];
    for (m, d) in e.disputes_by_month.iter().enumerate() {
        for r in 0..DISPUTE_RUNGS {
            by_year[m / 12][r] += d[r];
        }
    }
    Simulated {
        by_year,
        p_no_war: 1.0 - e.p_war,
    }
}

/// Quantile `q` of a count drawn from an equal-weight mixture of Poissons with means `means`.
pub fn poisson_mixture_quantile(means: &[f64], q: f64) -> u64 {
    if means.is_empty() {
        return 0;
    }
    let cdf = |k: u64| -> f64 {
        means.iter().map(|&m| poisson_cdf(k, m)).sum::<f64>() / means.len() as f64
    };
    let mut k = 0;
    while cdf(k) < q && k < 1_000_000 {
        k += 1;
    }
    k
}

fn poisson_cdf(k: u64, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 1.0;
    }
    let mut term = (-mean).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= mean / i as f64;
        sum += term;
    }
    sum.min(1.0)
}

/// Quantile of a sample (linear interpolation between order statistics).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    detente_engine::stats::quantile(&v, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_record_parses_and_has_no_war() {
        let d = observed_disputes();
        assert!(d.len() > 70, "{}", d.len());
        assert!(d.iter().all(|d| (1949..=MID_LAST_YEAR).contains(&d.year)));
        let by = observed_by_year(&d, 1949, 1989);
        let total: f64 = by.iter().flatten().sum();
        assert!(total > 40.0 && total < d.len() as f64);
    }

    #[test]
    fn bad_rows_are_named() {
        let e = parse_disputes("x.csv", "dispnum,year,rung\n1,1950,3\n").unwrap_err();
        assert!(e.contains("row 2") && e.contains("rung 3"), "{e}");
        let e = parse_disputes("x.csv", "dispnum,year\n1,1950\n").unwrap_err();
        assert!(e.contains("no column `rung`"), "{e}");
    }

    #[test]
    fn simulated_counts_follow_the_rates_and_mechanisms_start_late() {
        let policy = Policy {
            horizon_months: 60,
            ..Policy::default()
        };
        let params = ModelParams::default();
        let s = simulate(&params, &policy);
        assert_eq!(s.by_year.len(), 5);
        assert!(s.p_no_war > 0.0 && s.p_no_war < 1.0);
        let twice = ModelParams {
            gray_zone_crisis_rate: 2.0 * params.gray_zone_crisis_rate,
            ..params.clone()
        };
        let t = simulate(&twice, &policy);
        assert!(t.total(0, 5)[0] > s.total(0, 5)[0]);
        // An incidents code from year 3 cuts gray-zone crises from then on only.
        let mut coded = policy.clone();
        coded.mechanisms[detente_engine::MechanismId::IncidentsCode] =
            detente_engine::MechanismSetting {
                start_month: 36,
                ..detente_engine::MechanismSetting::on(1.0)
            };
        let c = simulate(&params, &coded);
        assert_eq!(c.by_year[0], s.by_year[0]);
        assert!(c.by_year[4][0] < s.by_year[4][0]);
    }

    #[test]
    fn poisson_mixture_quantiles() {
        assert_eq!(poisson_mixture_quantile(&[0.0], 0.975), 0);
        let lo = poisson_mixture_quantile(&[10.0], 0.025);
        let hi = poisson_mixture_quantile(&[10.0], 0.975);
        assert_eq!((lo, hi), (4, 17));
    }
}
