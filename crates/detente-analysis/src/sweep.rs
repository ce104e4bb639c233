//! Lever sweeps: an architecture input named by its TOML path (`mechanisms.hotline.strength`)
//! set along a grid (`start:stop:count`, [`SetSpec`]), written into the architecture's text
//! ([`set_path`]) for the architecture crate to validate. The CLI evaluates each point.

use serde::Serialize;

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

/// The TOML `text` with the number at the dotted `path` (array elements by index, e.g.
/// `actors.0.x`) set to `value`. The path must lead to an existing number; an integer field
/// takes only whole values. Errors name the part of the path that is wrong and what is there.
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

#[cfg(test)]
mod tests {
    use super::*;

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
