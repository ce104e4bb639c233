//! A small linear-programme representation ([`LpModel`]), its solution with the pure-Rust
//! `microlp` solver through `good_lp`, and its exchange in free MPS format. The planner builds
//! an `LpModel`, solves exactly that model and can export exactly that model, so any other
//! solver reading the MPS file finds the same optimum; [`parse_mps`] reads the subset of free
//! MPS that [`write_mps`] writes (NAME, OBJSENSE, ROWS, COLUMNS, RHS, BOUNDS with UP/LO/FX/FR/MI/PL)
//! so the round trip is testable. Numbers are written in Rust's shortest round-trip form, so
//! the exported coefficients are bit-for-bit those solved.

use crate::error::Error;
use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel};
use std::collections::HashMap;

/// Sense of a constraint row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

/// A decision variable with bounds and objective coefficient.
#[derive(Debug, Clone, PartialEq)]
pub struct LpVar {
    pub name: String,
    pub obj: f64,
    pub lower: f64,
    pub upper: Option<f64>,
}

/// A linear constraint Σ coef·x (sense) rhs.
#[derive(Debug, Clone, PartialEq)]
pub struct LpRow {
    pub name: String,
    pub sense: Sense,
    pub coefs: Vec<(usize, f64)>,
    pub rhs: f64,
    /// Human-readable meaning (not exported).
    pub description: String,
}

/// A linear programme.
#[derive(Debug, Clone, PartialEq)]
pub struct LpModel {
    pub name: String,
    pub maximize: bool,
    pub vars: Vec<LpVar>,
    pub rows: Vec<LpRow>,
}

/// An optimal solution.
#[derive(Debug, Clone, PartialEq)]
pub struct LpSolution {
    pub objective: f64,
    pub values: Vec<f64>,
}

/// Why a model has no optimum.
#[derive(Debug, Clone, PartialEq)]
pub enum SolveError {
    Infeasible,
    Unbounded,
    Other(String),
}

impl LpModel {
    /// Solve with microlp. The objective is recomputed from the variable values.
    pub fn solve(&self) -> Result<LpSolution, SolveError> {
        let mut pv = ProblemVariables::new();
        let xs: Vec<good_lp::Variable> = self
            .vars
            .iter()
            .map(|v| {
                let mut d = variable().min(v.lower);
                if let Some(u) = v.upper {
                    d = d.max(u);
                }
                pv.add(d)
            })
            .collect();
        let mut obj = Expression::from(0.0);
        for (v, x) in self.vars.iter().zip(&xs) {
            if v.obj != 0.0 {
                obj.add_mul(v.obj, *x);
            }
        }
        let unsolved = if self.maximize {
            pv.maximise(obj)
        } else {
            pv.minimise(obj)
        };
        let mut model = unsolved.using(good_lp::microlp);
        for r in &self.rows {
            let mut e = Expression::from(0.0);
            for &(j, c) in &r.coefs {
                e.add_mul(c, xs[j]);
            }
            let c = match r.sense {
                Sense::Le => e.leq(r.rhs),
                Sense::Ge => e.geq(r.rhs),
                Sense::Eq => e.eq(r.rhs),
            };
            model.add_constraint(c);
        }
        match model.solve() {
            Ok(sol) => {
                let values: Vec<f64> = xs.iter().map(|x| sol.value(*x)).collect();
                let objective = self.vars.iter().zip(&values).map(|(v, x)| v.obj * x).sum();
                Ok(LpSolution { objective, values })
            }
            Err(good_lp::ResolutionError::Infeasible) => Err(SolveError::Infeasible),
            Err(good_lp::ResolutionError::Unbounded) => Err(SolveError::Unbounded),
            Err(e) => Err(SolveError::Other(e.to_string())),
        }
    }
}

const OBJ: &str = "obj";

/// Write the model in free MPS format (OBJSENSE section for maximisation).
pub fn write_mps(m: &LpModel) -> String {
    let mut s = String::new();
    s.push_str(&format!("NAME {}\n", m.name));
    if m.maximize {
        s.push_str("OBJSENSE\n    MAX\n");
    }
    s.push_str("ROWS\n");
    s.push_str(&format!(" N  {OBJ}\n"));
    for r in &m.rows {
        let t = match r.sense {
            Sense::Le => "L",
            Sense::Ge => "G",
            Sense::Eq => "E",
        };
        s.push_str(&format!(" {t}  {}\n", r.name));
    }
    s.push_str("COLUMNS\n");
    let mut by_var: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m.vars.len()];
    for (i, r) in m.rows.iter().enumerate() {
        for &(j, c) in &r.coefs {
            by_var[j].push((i, c));
        }
    }
    for (j, v) in m.vars.iter().enumerate() {
        s.push_str(&format!("    {}  {OBJ}  {:?}\n", v.name, v.obj));
        for &(i, c) in &by_var[j] {
            s.push_str(&format!("    {}  {}  {:?}\n", v.name, m.rows[i].name, c));
        }
    }
    s.push_str("RHS\n");
    for r in &m.rows {
        if r.rhs != 0.0 {
            s.push_str(&format!("    RHS  {}  {:?}\n", r.name, r.rhs));
        }
    }
    s.push_str("BOUNDS\n");
    for v in &m.vars {
        match (v.lower, v.upper) {
            (l, Some(u)) if l == u => s.push_str(&format!(" FX BND  {}  {:?}\n", v.name, l)),
            (l, u) => {
                if l == f64::NEG_INFINITY {
                    s.push_str(&format!(" MI BND  {}\n", v.name));
                } else if l != 0.0 {
                    s.push_str(&format!(" LO BND  {}  {:?}\n", v.name, l));
                }
                if let Some(u) = u {
                    s.push_str(&format!(" UP BND  {}  {:?}\n", v.name, u));
                }
            }
        }
    }
    s.push_str("ENDATA\n");
    s
}

/// Parse free MPS text (the subset written by [`write_mps`]); `file` names it in errors.
pub fn parse_mps(text: &str, file: &str) -> Result<LpModel, Error> {
    let mut m = LpModel {
        name: String::new(),
        maximize: false,
        vars: Vec::new(),
        rows: Vec::new(),
    };
    let mut section = "";
    let mut obj_row: Option<String> = None;
    let mut row_idx: HashMap<String, usize> = HashMap::new();
    let mut var_idx: HashMap<String, usize> = HashMap::new();
    let mut ended = false;
    for (n, raw) in text.lines().enumerate() {
        let line = n as u64 + 1;
        let l = raw.trim_end();
        if l.trim().is_empty() || l.starts_with('*') {
            continue;
        }
        let toks: Vec<&str> = l.split_whitespace().collect();
        let err = |msg: String| Error::input(file, line, section, msg);
        let num = |t: &str| -> Result<f64, Error> {
            t.parse::<f64>()
                .map_err(|_| Error::input(file, line, section, format!("`{t}` is not a number")))
        };
        if !l.starts_with(' ') && !l.starts_with('\t') {
            section = match toks[0] {
                "NAME" => {
                    m.name = toks.get(1).unwrap_or(&"").to_string();
                    "NAME"
                }
                "OBJSENSE" => {
                    if let Some(t) = toks.get(1) {
                        m.maximize = t.eq_ignore_ascii_case("MAX") || t.eq_ignore_ascii_case("MAXIMIZE");
                    }
                    "OBJSENSE"
                }
                "ROWS" => "ROWS",
                "COLUMNS" => "COLUMNS",
                "RHS" => "RHS",
                "BOUNDS" => "BOUNDS",
                "ENDATA" => {
                    ended = true;
                    break;
                }
                other => return Err(err(format!("unsupported section `{other}`; allowed: NAME, OBJSENSE, ROWS, COLUMNS, RHS, BOUNDS, ENDATA"))),
            };
            continue;
        }
        match section {
            "OBJSENSE" => {
                m.maximize =
                    toks[0].eq_ignore_ascii_case("MAX") || toks[0].eq_ignore_ascii_case("MAXIMIZE");
            }
            "ROWS" => {
                if toks.len() != 2 {
                    return Err(err("expected `<type> <row name>`".into()));
                }
                let sense = match toks[0] {
                    "N" => {
                        if obj_row.is_none() {
                            obj_row = Some(toks[1].to_string());
                        }
                        continue;
                    }
                    "L" => Sense::Le,
                    "G" => Sense::Ge,
                    "E" => Sense::Eq,
                    t => return Err(err(format!("row type `{t}`; allowed N, L, G, E"))),
                };
                row_idx.insert(toks[1].to_string(), m.rows.len());
                m.rows.push(LpRow {
                    name: toks[1].to_string(),
                    sense,
                    coefs: Vec::new(),
                    rhs: 0.0,
                    description: String::new(),
                });
            }
            "COLUMNS" => {
                if toks.len() != 3 && toks.len() != 5 {
                    return Err(err(
                        "expected `<column> <row> <value> [<row> <value>]`".into()
                    ));
                }
                let j = *var_idx.entry(toks[0].to_string()).or_insert_with(|| {
                    m.vars.push(LpVar {
                        name: toks[0].to_string(),
                        obj: 0.0,
                        lower: 0.0,
                        upper: None,
                    });
                    m.vars.len() - 1
                });
                for pair in toks[1..].chunks(2) {
                    let v = num(pair[1])?;
                    if Some(pair[0]) == obj_row.as_deref() {
                        m.vars[j].obj = v;
                    } else if let Some(&i) = row_idx.get(pair[0]) {
                        m.rows[i].coefs.push((j, v));
                    } else {
                        return Err(err(format!("unknown row `{}`", pair[0])));
                    }
                }
            }
            "RHS" => {
                if toks.len() != 3 && toks.len() != 5 {
                    return Err(err("expected `<set> <row> <value> [<row> <value>]`".into()));
                }
                for pair in toks[1..].chunks(2) {
                    let v = num(pair[1])?;
                    match row_idx.get(pair[0]) {
                        Some(&i) => m.rows[i].rhs = v,
                        None if Some(pair[0]) == obj_row.as_deref() => {
                            return Err(err("an objective constant is not supported".into()))
                        }
                        None => return Err(err(format!("unknown row `{}`", pair[0]))),
                    }
                }
            }
            "BOUNDS" => {
                if toks.len() < 3 {
                    return Err(err("expected `<type> <set> <column> [<value>]`".into()));
                }
                let j = *var_idx
                    .get(toks[2])
                    .ok_or_else(|| err(format!("unknown column `{}`", toks[2])))?;
                let val = || -> Result<f64, Error> {
                    toks.get(3)
                        .map(|t| num(t))
                        .unwrap_or_else(|| Err(err("missing bound value".into())))
                };
                let v = &mut m.vars[j];
                match toks[0] {
                    "UP" => v.upper = Some(val()?),
                    "LO" => v.lower = val()?,
                    "FX" => {
                        let x = val()?;
                        v.lower = x;
                        v.upper = Some(x);
                    }
                    "FR" => {
                        v.lower = f64::NEG_INFINITY;
                        v.upper = None;
                    }
                    "MI" => v.lower = f64::NEG_INFINITY,
                    "PL" => v.upper = None,
                    t => {
                        return Err(err(format!(
                            "bound type `{t}`; allowed UP, LO, FX, FR, MI, PL"
                        )))
                    }
                }
            }
            _ => return Err(err("data line outside a section".into())),
        }
    }
    if !ended {
        return Err(Error::file(file, "missing ENDATA"));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> LpModel {
        // max 3x + 2y  s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3 → x = 3, y = 1, obj 11
        LpModel {
            name: "tiny".into(),
            maximize: true,
            vars: vec![
                LpVar {
                    name: "x".into(),
                    obj: 3.0,
                    lower: 0.0,
                    upper: Some(3.0),
                },
                LpVar {
                    name: "y".into(),
                    obj: 2.0,
                    lower: 0.0,
                    upper: None,
                },
            ],
            rows: vec![
                LpRow {
                    name: "a".into(),
                    sense: Sense::Le,
                    coefs: vec![(0, 1.0), (1, 1.0)],
                    rhs: 4.0,
                    description: String::new(),
                },
                LpRow {
                    name: "b".into(),
                    sense: Sense::Le,
                    coefs: vec![(0, 1.0), (1, 3.0)],
                    rhs: 6.0,
                    description: String::new(),
                },
            ],
        }
    }

    #[test]
    fn solves_and_round_trips() {
        let m = tiny();
        let s = m.solve().unwrap();
        assert!((s.objective - 11.0).abs() < 1e-9);
        let back = parse_mps(&write_mps(&m), "t.mps").unwrap();
        assert_eq!(back.vars, m.vars);
        assert_eq!(back.rows.len(), 2);
        assert!((back.solve().unwrap().objective - 11.0).abs() < 1e-9);
    }

    #[test]
    fn infeasible_detected() {
        let mut m = tiny();
        m.rows.push(LpRow {
            name: "c".into(),
            sense: Sense::Ge,
            coefs: vec![(0, 1.0), (1, 1.0)],
            rhs: 10.0,
            description: String::new(),
        });
        assert_eq!(m.solve().unwrap_err(), SolveError::Infeasible);
    }

    #[test]
    fn bad_mps_names_line() {
        let e = parse_mps("NAME x\nROWS\n N obj\n Q r\nENDATA\n", "m.mps")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4"), "{e}");
    }
}
