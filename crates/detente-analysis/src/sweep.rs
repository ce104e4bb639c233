//! Lever sweeps: an architecture input named by its TOML path (`mechanisms.hotline.strength`)
//! set along a grid (`start:stop:count`, [`SetSpec`]), written into the architecture's text
//! ([`set_path`]) for the architecture crate to validate; [`sweep`] evaluates each point
//! (exactly, optionally on shared parameter draws) for the CLI and the server, and
//! [`sweep_svg`] draws p(war) or cost along the lever.

use serde::Serialize;
use std::collections::BTreeMap;

/// One `--set PATH=START:STOP:COUNT`: the input and the grid of values along it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SetSpec {
    pub path: String,
    pub values: Vec<f64>,
}

impl SetSpec {
    /// Parse `PATH=START:STOP:COUNT` (COUNT evenly spaced values from START to STOP, both
    /// included) or `PATH=V1,V2,...` (the values given); at most `max_points` values.
    pub fn parse(spec: &str, max_points: usize) -> Result<SetSpec, String> {
        let allowed = "expected PATH=START:STOP:COUNT (e.g. mechanisms.hotline.strength=0:1:11) or PATH=V1,V2,...";
        let (path, range) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}`: no `=`; {allowed}"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "`{spec}`: `{path}` is not a dotted path; {allowed}"
            ));
        }
        let num = |s: &str, what: &str| -> Result<f64, String> {
            let v: f64 = s.trim().parse().map_err(|_| {
                format!("`{spec}`: {what} `{}` is not a number; {allowed}", s.trim())
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("`{spec}`: {what} `{}` is not finite", s.trim()))
            }
        };
        let values = if range.contains(':') {
            let parts: Vec<&str> = range.split(':').collect();
            if parts.len() != 3 {
                return Err(format!(
                    "`{spec}`: `{range}` has {} parts; {allowed}",
                    parts.len()
                ));
            }
            let (a, b) = (num(parts[0], "START")?, num(parts[1], "STOP")?);
            let count: usize = parts[2].trim().parse().map_err(|_| {
                format!(
                    "`{spec}`: COUNT `{}` is not a whole number; {allowed}",
                    parts[2].trim()
                )
            })?;
            if count < 2 || count > max_points {
                return Err(format!(
                    "`{spec}`: COUNT {count}: allowed: 2 to {max_points}"
                ));
            }
            if !(b - a).is_finite() {
                return Err(format!(
                    "`{spec}`: the span from START to STOP is too large to step through"
                ));
            }
            (0..count)
                .map(|i| a + (b - a) * (i as f64 / (count - 1) as f64))
                .collect()
        } else {
            let v = range
                .split(',')
                .map(|s| num(s, "value"))
                .collect::<Result<Vec<f64>, String>>()?;
            if v.len() > max_points {
                return Err(format!(
                    "`{spec}`: {} values: allowed: at most {max_points}",
                    v.len()
                ));
            }
            v
        };
        Ok(SetSpec {
            path: path.to_string(),
            values,
        })
    }
}

/// An architecture input to sample in scenario discovery: `PATH=LOW:HIGH`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputRange {
    pub path: String,
    pub low: f64,
    pub high: f64,
}

impl InputRange {
    /// Parse `PATH=LOW:HIGH` (LOW < HIGH).
    pub fn parse(spec: &str) -> Result<InputRange, String> {
        let allowed = "expected PATH=LOW:HIGH (e.g. mechanisms.hotline.strength=0:1)";
        let (path, range) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}`: no `=`; {allowed}"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "`{spec}`: `{path}` is not a dotted path; {allowed}"
            ));
        }
        let (a, b) = range
            .split_once(':')
            .ok_or_else(|| format!("`{spec}`: no `:` between LOW and HIGH; {allowed}"))?;
        let num = |s: &str, what: &str| -> Result<f64, String> {
            match s.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!(
                    "`{spec}`: {what} `{}` is not a finite number; {allowed}",
                    s.trim()
                )),
            }
        };
        let (low, high) = (num(a, "LOW")?, num(b, "HIGH")?);
        if low >= high {
            return Err(format!("`{spec}`: LOW {low} is not below HIGH {high}"));
        }
        if !(high - low).is_finite() {
            return Err(format!(
                "`{spec}`: the span from LOW to HIGH is too large to sample"
            ));
        }
        Ok(InputRange {
            path: path.to_string(),
            low,
            high,
        })
    }
}

/// Whether the number at `path` in the TOML `text` is a whole-number field (an error if
/// the path does not lead to a number, as [`set_path`] reports it).
pub fn is_integer_field(text: &str, path: &str) -> Result<bool, String> {
    // a whole value is accepted by both kinds; a fraction only by a float field
    set_path(text, path, 0.0)?;
    Ok(set_path(text, path, 0.5).is_err())
}

/// What to write in at segment `i` of `path` when it is missing, for a path to a registered
/// mechanism: the mechanism's table (a mechanism written down is on), or a share it
/// takes and leaves at its default (`strength`, `russian_consent`, `leakage`).
fn mechanism_default(segs: &[&str], i: usize) -> Option<toml::Value> {
    if segs.len() != 3 || segs[0] != "mechanisms" {
        return None;
    }
    let m = detente_engine::MechanismId::from_key(segs[1])?.mechanism();
    match i {
        0 | 1 => Some(toml::Value::Table(toml::Table::new())),
        _ => {
            let takes = match segs[2] {
                "strength" => true,
                "russian_consent" => m.needs_consent(),
                "leakage" => m.has_leakage(),
                _ => false,
            };
            takes.then_some(toml::Value::Float(0.0))
        }
    }
}

/// The TOML `text` with the number at the dotted `path` (array elements by index, e.g.
/// `actors.0.x`) set to `value`. The path must lead to a number in the text, or to a share of a
/// registered mechanism that the text leaves at its default or does not write down at all (it
/// is written in; a mechanism written down is on); an integer field takes only whole values. Errors name the part of the path that is wrong and what is there.
pub fn set_path(text: &str, path: &str, value: f64) -> Result<String, String> {
    let mut root: toml::Value =
        toml::from_str(text).map_err(|e| format!("the architecture does not parse: {e}"))?;
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = &mut root;
    for (i, seg) in segs.iter().enumerate() {
        let at = segs[..i].join(".");
        let here = if at.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{at}`")
        };
        cur = match cur {
            toml::Value::Table(t) => {
                let keys: Vec<String> = t.keys().cloned().collect();
                if !t.contains_key(*seg) {
                    if let Some(missing) = mechanism_default(&segs, i) {
                        t.insert(seg.to_string(), missing);
                    }
                }
                t.get_mut(*seg).ok_or_else(|| {
                    format!(
                        "`{path}`: no field `{seg}` at {here}; fields there: {}",
                        detente_limits::join_names(&keys)
                    )
                })?
            }
            toml::Value::Array(a) => {
                let len = a.len();
                let idx: usize = seg.parse().map_err(|_| {
                    format!(
                        "`{path}`: {here} is a list; `{seg}` is not an index (0 to {})",
                        len.saturating_sub(1)
                    )
                })?;
                a.get_mut(idx).ok_or_else(|| {
                    format!("`{path}`: {here} has {len} entries; index {idx} is past its end")
                })?
            }
            other => {
                return Err(format!(
                    "`{path}`: {here} is a {}, not a table; `{seg}` cannot follow it",
                    other.type_str()
                ))
            }
        };
    }
    match cur {
        toml::Value::Float(f) => *f = value,
        toml::Value::Integer(n) => {
            if value.fract() != 0.0 || value.abs() > 9.0e15 {
                return Err(format!(
                    "`{path}` is a whole number; {value} is not (use whole START, STOP and a COUNT that gives whole steps)"
                ));
            }
            *n = value as i64;
        }
        other => {
            return Err(format!(
                "`{path}` is a {}, not a number; only numbers can be swept",
                other.type_str()
            ))
        }
    }
    toml::to_string(&root).map_err(|e| format!("cannot write the architecture back: {e}"))
}

/// `text` with each input of `set` (TOML path, value) written in ([`set_path`]), and the
/// origin of its diagnostics: `origin with PATH = VALUE, …`.
pub fn text_with(
    text: &str,
    origin: &str,
    set: &[(&str, f64)],
) -> Result<(String, String), String> {
    let mut text = text.to_string();
    for (path, v) in set {
        text = set_path(&text, path, *v)?;
    }
    let label: Vec<String> = set.iter().map(|(p, v)| format!("{p} = {v}")).collect();
    Ok((text, format!("{origin} with {}", label.join(", "))))
}

/// The scenario of an architecture with inputs set (TOML path, value), validated by the
/// caller (the architecture crate), or why not.
pub type ScenarioAt<'a> = dyn Fn(&[(&str, f64)]) -> Result<detente_engine::Scenario, String> + 'a;

/// A measure of a point and its band.
type Measured = fn(&SweepPoint) -> (f64, Option<[f64; 2]>);

/// One grid point's results.
#[derive(Clone, Debug, Serialize)]
pub struct SweepPoint {
    /// The inputs' values at this point, by path.
    pub values: BTreeMap<String, f64>,
    /// p(war) (with draws: the mean across them).
    pub p_war: f64,
    /// Defence and mechanism cost, US$ bn over the horizon (with draws: the mean).
    pub cost: f64,
    /// With draws: 5th and 95th percentiles across them.
    pub p_war_band: Option<[f64; 2]>,
    pub cost_band: Option<[f64; 2]>,
}

/// A sweep's result (what `sweep --json` prints and `POST /api/sweep` answers).
#[derive(Clone, Debug, Serialize)]
pub struct SweepReport {
    pub architecture: String,
    pub sets: Vec<SetSpec>,
    pub evaluation: &'static str,
    pub draws: Option<usize>,
    /// With draws: where they come from ("plausible": the plausible sets of history matching
    /// for the parameters they name, the prior for the rest).
    pub parameter_source: Option<&'static str>,
    pub seed: u64,
    pub seconds: f64,
    pub points: Vec<SweepPoint>,
}

/// Check one or two sets (different inputs) and the draws; the grid of their values (the
/// first input varies slowest).
pub fn grid(sets: &[SetSpec], draws: Option<usize>) -> Result<Vec<Vec<f64>>, String> {
    if draws == Some(0) {
        return Err("uncertainty 0: allowed: at least 1 draw".into());
    }
    match sets {
        [a] => Ok(a.values.iter().map(|v| vec![*v]).collect()),
        [a, b] if a.path == b.path => Err(format!(
            "set: `{}` is given twice; sweep two different inputs",
            a.path
        )),
        [a, b] => Ok(a
            .values
            .iter()
            .flat_map(|x| b.values.iter().map(move |y| vec![*x, *y]))
            .collect()),
        _ => Err(format!(
            "set given {} times: allowed: one or two inputs",
            sets.len()
        )),
    }
}

/// Exact evaluations of a sweep over `points` grid points.
pub fn evaluations(points: usize, draws: Option<usize>) -> u64 {
    (points as u64).saturating_mul(draws.unwrap_or(1) as u64)
}

/// Evaluate `name`'s architecture at each point of the grid of `sets` (`scenario_at` gives
/// the scenario with the inputs set, validated; every point is built before any evaluation),
/// exactly; with `draws`, on that many shared parameter draws of `seed`, with the mean and
/// the 5–95 % band. `progress(done)` counts evaluations.
pub fn sweep(
    name: &str,
    sets: Vec<SetSpec>,
    draws: Option<usize>,
    seed: u64,
    scenario_at: &ScenarioAt,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SweepReport, String> {
    let points = grid(&sets, draws)?;
    let scenarios = points
        .iter()
        .map(|g| {
            let set: Vec<(&str, f64)> = sets
                .iter()
                .zip(g)
                .map(|(s, v)| (s.path.as_str(), *v))
                .collect();
            scenario_at(&set)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let start = std::time::Instant::now();
    let named = |values: &[f64]| -> BTreeMap<String, f64> {
        sets.iter()
            .zip(values)
            .map(|(s, v)| (s.path.clone(), *v))
            .collect()
    };
    let out: Vec<SweepPoint> = match draws {
        None => {
            let rows = vec![Vec::new(); scenarios.len()];
            let out = crate::discover::evaluate_rows(&scenarios, &[], &rows, progress);
            points
                .iter()
                .zip(out)
                .map(|(g, o)| SweepPoint {
                    values: named(g),
                    p_war: o.p_war,
                    cost: o.cost,
                    p_war_band: None,
                    cost_band: None,
                })
                .collect()
        }
        Some(n) => {
            let draw = crate::uncertainty::default_draw(false);
            let out = crate::robust::evaluate_on_draws(&scenarios, &draw, n, seed, progress);
            let q = crate::robust::quantile;
            points
                .iter()
                .zip(out)
                .map(|(g, draws)| {
                    let p: Vec<f64> = draws.iter().map(|o| o.p_war).collect();
                    let c: Vec<f64> = draws.iter().map(|o| o.cost).collect();
                    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                    SweepPoint {
                        values: named(g),
                        p_war: mean(&p),
                        cost: mean(&c),
                        p_war_band: Some([q(&p, 0.05), q(&p, 0.95)]),
                        cost_band: Some([q(&c, 0.05), q(&c, 0.95)]),
                    }
                })
                .collect()
        }
    };
    Ok(SweepReport {
        architecture: name.to_string(),
        sets,
        evaluation: "exact",
        draws,
        parameter_source: draws.map(|_| "plausible"),
        seed,
        seconds: start.elapsed().as_secs_f64(),
        points: out,
    })
}

/// What a sweep's chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    PWar,
    Cost,
}

const COLOURS: [&str; 6] = [
    "#4a7ab5", "#c8553d", "#3d9970", "#8e5ea2", "#e0a030", "#555555",
];

/// The last two segments of a TOML path, for a legend.
fn short(path: &str) -> &str {
    match path.rmatch_indices('.').nth(1) {
        Some((i, _)) => &path[i + 1..],
        None => path,
    }
}

/// The smallest round number (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at least `x`.
fn round_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag)
}

/// p(war) or cost along the first input, a line per value of the second (with draws: the
/// mean and the 5–95 % band), as SVG.
pub fn sweep_svg(r: &SweepReport, measure: Measure) -> String {
    let first = &r.sets[0].path;
    let second = r.sets.get(1).map(|s| s.path.clone());
    let (what, of): (&str, Measured) = match measure {
        Measure::PWar => ("p(war)", |p| (p.p_war, p.p_war_band)),
        Measure::Cost => ("cost", |p| (p.cost, p.cost_band)),
    };
    let groups: Vec<(String, Vec<&SweepPoint>)> = match &second {
        None => vec![(what.to_string(), r.points.iter().collect())],
        Some(p2) => r.sets[1]
            .values
            .iter()
            .map(|v| {
                (
                    format!("{} = {v:.3}", short(p2)),
                    r.points.iter().filter(|pt| pt.values[p2] == *v).collect(),
                )
            })
            .collect(),
    };
    let labels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    let lines: Vec<crate::svg::Line> = groups
        .iter()
        .enumerate()
        .map(|(i, (_, pts))| crate::svg::Line {
            label: &labels[i],
            colour: COLOURS[i % COLOURS.len()],
            points: pts.iter().map(|p| (p.values[first], of(p).0)).collect(),
            band: pts.iter().map(|p| of(p).1.map(|b| (b[0], b[1]))).collect(),
            markers: true,
        })
        .collect();
    let title = match r.draws {
        Some(n) => format!(
            "{what} along {first}, {} (mean and 5–95 % band over {n} parameter draws)",
            r.architecture
        ),
        None => format!("{what} along {first}, {} (exact)", r.architecture),
    };
    let top = r
        .points
        .iter()
        .map(|p| {
            let (v, b) = of(p);
            b.map_or(v, |b| b[1]).max(v)
        })
        .fold(0.0f64, f64::max);
    let (y_label, y_range) = match measure {
        // a probability axis from 0 to the next tenth above the highest value (at most 1)
        Measure::PWar => (
            "p(war) within the horizon",
            Some((0.0, ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0))),
        ),
        // from 0 to five round steps (the chart draws five intervals)
        Measure::Cost => (
            "cost, US$ bn over the horizon",
            Some((0.0, 5.0 * round_step(top / 5.0))),
        ),
    };
    crate::svg::xy_chart(&title, first, y_label, None, y_range, &lines, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_steps_are_round_and_cover() {
        assert_eq!(round_step(2856.0), 3000.0);
        assert_eq!(round_step(0.21), 0.25);
        assert_eq!(round_step(7.0), 8.0);
        assert_eq!(round_step(9.0), 10.0);
        assert_eq!(round_step(100.0), 100.0);
        assert_eq!(round_step(0.0), 1.0);
    }

    #[test]
    fn grids_parse_and_bad_ones_say_what_is_wrong() {
        let s = SetSpec::parse("mechanisms.hotline.strength=0:1:11", 1000).unwrap();
        assert_eq!(s.path, "mechanisms.hotline.strength");
        assert_eq!(s.values.len(), 11);
        assert!((s.values[3] - 0.3).abs() < 1e-12 && s.values[10] == 1.0);
        assert_eq!(
            SetSpec::parse("a.b=1,2.5", 10).unwrap().values,
            vec![1.0, 2.5]
        );
        assert!(SetSpec::parse("a.b", 10).unwrap_err().contains("no `=`"));
        assert!(SetSpec::parse("a.b=0:1", 10)
            .unwrap_err()
            .contains("2 parts"));
        assert!(SetSpec::parse("a.b=0:x:3", 10)
            .unwrap_err()
            .contains("STOP `x`"));
        assert!(SetSpec::parse("a.b=0:1:1", 10)
            .unwrap_err()
            .contains("allowed: 2 to 10"));
        assert!(SetSpec::parse("a.b=0:1:11", 10)
            .unwrap_err()
            .contains("allowed: 2 to 10"));
        assert!(SetSpec::parse("a..b=0:1:3", 10)
            .unwrap_err()
            .contains("dotted path"));
    }

    #[test]
    fn set_path_writes_in_defaults_and_mechanisms_not_written_down() {
        let text = "name = \"x\"\n[mechanisms.hotline]\nenabled = true\n";
        let out = set_path(text, "mechanisms.hotline.strength", 0.5).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(v["mechanisms"]["hotline"]["strength"].as_float(), Some(0.5));
        let out = set_path(text, "mechanisms.crisis_dialogue.strength", 0.25).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(
            v["mechanisms"]["crisis_dialogue"]["strength"].as_float(),
            Some(0.25)
        );
        let bare = "name = \"x\"\n";
        let out = set_path(bare, "mechanisms.porcupine.strength", 1.0).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(
            v["mechanisms"]["porcupine"]["strength"].as_float(),
            Some(1.0)
        );
        // not a registered mechanism, or not a share it takes: named as missing
        let e = set_path(text, "mechanisms.hotlne.strength", 0.5).unwrap_err();
        assert!(e.contains("no field `hotlne`"), "{e}");
        let e = set_path(text, "mechanisms.hotline.leakage", 0.5).unwrap_err();
        assert!(e.contains("no field `leakage`"), "{e}");
    }

    #[test]
    fn set_path_edits_numbers_and_names_wrong_paths() {
        let text = "name = \"x\"\n[m.h]\nstrength = 0.3\nn = 2\n[[actors]]\nv = 1.0\n";
        let out = set_path(text, "m.h.strength", 0.75).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(v["m"]["h"]["strength"].as_float(), Some(0.75));
        let out = set_path(text, "actors.0.v", 2.0).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(v["actors"][0]["v"].as_float(), Some(2.0));
        assert_eq!(
            toml::from_str::<toml::Value>(&set_path(text, "m.h.n", 3.0).unwrap()).unwrap()["m"]
                ["h"]["n"]
                .as_integer(),
            Some(3)
        );
        let e = set_path(text, "m.hx.strength", 1.0).unwrap_err();
        assert!(e.contains("no field `hx` at `m`") && e.contains("h"), "{e}");
        assert!(set_path(text, "m.h.n", 2.5)
            .unwrap_err()
            .contains("whole number"));
        assert!(set_path(text, "name", 1.0)
            .unwrap_err()
            .contains("not a number"));
        assert!(set_path(text, "actors.3.v", 1.0)
            .unwrap_err()
            .contains("past its end"));
        assert!(set_path(text, "m.h.strength.x", 1.0)
            .unwrap_err()
            .contains("not a table"));
    }

    #[test]
    fn input_ranges_parse_and_integer_fields_are_told_apart() {
        let r = InputRange::parse("m.h.strength=0:1").unwrap();
        assert_eq!((r.path.as_str(), r.low, r.high), ("m.h.strength", 0.0, 1.0));
        assert!(InputRange::parse("m.h=1:0")
            .unwrap_err()
            .contains("not below"));
        assert!(InputRange::parse("m.h=0").unwrap_err().contains("no `:`"));
        assert!(InputRange::parse("m.h=a:1")
            .unwrap_err()
            .contains("LOW `a`"));
        let text = "[m.h]\nstrength = 0.3\nn = 2\nname = \"x\"\n";
        assert!(!is_integer_field(text, "m.h.strength").unwrap());
        assert!(is_integer_field(text, "m.h.n").unwrap());
        assert!(is_integer_field(text, "m.h.name").is_err());
    }
}
