//! Every input counts (issue 11): each numeric field of each built-in architecture is nudged
//! within its range and the architecture evaluated exactly; a field that moves no output in any
//! built-in must be marked documentary in `detente schema` (`"x-documentary": true`, or for an
//! actor field `"x-documentary-for-roles"` naming the actor's role), and a field marked
//! documentary must never move an output. Actor fields are judged by role, so a figure that
//! counts for the US but not for Russia is seen as two fields.

use detente_engine::exact::evaluate_scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use toml_edit::{DocumentMut, Item};

/// What an evaluation says, bit for bit.
fn outputs(text: &str) -> Option<Vec<u64>> {
    let arch = detente_arch::parse_architecture(text, "perturbed.toml").ok()?;
    let e = evaluate_scenario(&arch.to_scenario());
    let mut v = vec![
        e.p_war,
        e.p_nuclear,
        e.p_theatre_war,
        e.p_general_nuclear,
        e.p_war_ended,
        e.p_ceasefire_break,
        e.months_at_risk,
        e.cost_bn,
        e.costs.europe_defence_bn,
        e.costs.us_defence_bn,
        e.costs.mechanisms_bn,
    ];
    v.extend(e.p_war_by_pathway);
    v.extend(e.crises_per_run);
    v.extend(e.max_rung);
    v.extend(e.war_month.iter().copied());
    Some(v.into_iter().map(f64::to_bits).collect())
}

/// A numeric leaf: its path in the document (table keys and array indices) and value.
#[derive(Clone)]
struct Leaf {
    path: Vec<String>,
    value: f64,
    integer: bool,
}

fn leaves(item: &Item, path: &mut Vec<String>, out: &mut Vec<Leaf>) {
    match item {
        Item::Table(t) => {
            for (k, v) in t.iter() {
                path.push(k.to_string());
                leaves(v, path, out);
                path.pop();
            }
        }
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(&Item::Table(t.clone()), path, out);
                path.pop();
            }
        }
        Item::Value(v) => {
            if let Some(t) = v.as_inline_table() {
                for (k, v) in t.iter() {
                    path.push(k.to_string());
                    leaves(&Item::Value(v.clone()), path, out);
                    path.pop();
                }
            } else if let Some(i) = v.as_integer() {
                out.push(Leaf {
                    path: path.clone(),
                    value: i as f64,
                    integer: true,
                });
            } else if let Some(f) = v.as_float() {
                out.push(Leaf {
                    path: path.clone(),
                    value: f,
                    integer: false,
                });
            }
        }
        Item::None => {}
    }
}

fn set(doc: &mut DocumentMut, path: &[String], value: toml_edit::Value) {
    let mut item = doc.as_item_mut();
    for key in path {
        item = match key.parse::<usize>() {
            Ok(i) => &mut item[i],
            Err(_) => &mut item[key.as_str()],
        };
    }
    *item = Item::Value(value);
}

/// Candidate nudges of a value: up, then down (the first one the validator accepts is used).
fn nudges(leaf: &Leaf) -> Vec<toml_edit::Value> {
    if leaf.integer {
        let i = leaf.value as i64;
        return vec![(i + 1).into(), (i - 1).into()];
    }
    let v = leaf.value;
    let step = if v != 0.0 { 0.1 * v.abs() } else { 0.05 };
    vec![(v + step).into(), (v - step).into()]
}

/// The name a field is judged under: array indices dropped, actors by their role.
fn field_key(doc: &DocumentMut, path: &[String]) -> String {
    if path.first().map(String::as_str) == Some("actors") && path.len() >= 3 {
        let i: usize = path[1].parse().unwrap();
        let role = doc["actors"][i]["role"].as_str().unwrap_or("?").to_string();
        return format!("actors[{role}].{}", path[2..].join("."));
    }
    path.iter()
        .filter(|s| s.parse::<usize>().is_err())
        .cloned()
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether the schema marks a field documentary. Only actor fields and the fields listed in
/// `format::DOCUMENTARY` can be; the definition is found by the field's last key.
fn documentary(schema: &Value, key: &str) -> bool {
    let definitions = &schema["definitions"];
    if let Some(rest) = key.strip_prefix("actors[") {
        let (role, field) = rest.split_once("].").unwrap();
        let p = &definitions["Actor"]["properties"][field];
        return p["x-documentary"] == Value::Bool(true)
            || p["x-documentary-for-roles"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x == role));
    }
    let field = key.rsplit('.').next().unwrap();
    let root = &schema["properties"][field];
    if !key.contains('.') {
        return root["x-documentary"] == Value::Bool(true);
    }
    definitions.as_object().unwrap().values().any(|d| {
        d["properties"][field]["x-documentary"] == Value::Bool(true) && key.starts_with("ceasefire")
    })
}

#[test]
fn every_numeric_input_moves_an_output_or_is_documentary() {
    let schema = detente_arch::schema();
    // field → (moved in some built-in, where it was tried)
    let mut seen: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for b in detente_arch::BUILTINS {
        let text = b.toml;
        let doc: DocumentMut = text.parse().unwrap();
        let base = outputs(text).expect("built-in evaluates");
        let mut found = Vec::new();
        leaves(doc.as_item(), &mut Vec::new(), &mut found);
        assert!(
            found.len() > 30,
            "{}: {} numeric fields",
            b.name,
            found.len()
        );
        for leaf in &found {
            let key = field_key(&doc, &leaf.path);
            let mut moved = None;
            for value in nudges(leaf) {
                let mut changed = doc.clone();
                set(&mut changed, &leaf.path, value);
                if let Some(out) = outputs(&changed.to_string()) {
                    moved = Some(out != base);
                    break;
                }
            }
            let moved = moved.unwrap_or_else(|| {
                panic!("{}: no nudge of {} validates", b.name, leaf.path.join("."))
            });
            let entry = seen.entry(key).or_insert((false, Vec::new()));
            entry.0 |= moved;
            entry.1.push(b.name.to_string());
        }
    }
    let mut inert = Vec::new();
    let mut marked_but_moving = Vec::new();
    for (key, (moved, builtins)) in &seen {
        let doc = documentary(&schema, key);
        if !moved && !doc {
            inert.push(format!("{key} (tried in {})", builtins.join(", ")));
        }
        if *moved && doc {
            marked_but_moving.push(key.clone());
        }
    }
    eprintln!("{} numeric fields judged", seen.len());
    assert!(
        inert.is_empty(),
        "fields that move no output and are not marked documentary: {inert:#?}"
    );
    assert!(
        marked_but_moving.is_empty(),
        "fields marked documentary that move an output: {marked_but_moving:#?}"
    );
}
