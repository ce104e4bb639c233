//! Validation of an architecture file, reporting every problem at once. The TOML is parsed
//! into a tree that keeps each value's byte span; the tree is checked against the JSON
//! Schema derived from the format's types (unknown keys, missing keys, wrong types, values
//! out of range, values not in an enumeration), then deserialised and checked for meaning
//! (references to actors that do not exist, duplicate ids, unknown model parameters). Each
//! problem becomes a [`Diagnostic`] with file, line, column, the field's path and what is
//! allowed.

use crate::format::Architecture;
use detente_limits::{join_names, MAX_ACTORS, MAX_GROUPS, MAX_KEY_SEGMENTS};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// One problem in an architecture file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name (or `<builtin:NAME>`).
    pub file: String,
    /// 1-based line and column of the offending key or value.
    pub line: usize,
    pub column: usize,
    /// Dotted path of the field, e.g. `mechanisms.hotline.strength` or `actors[2].id`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: `{}`: {}",
                self.file, self.line, self.column, self.path, self.message
            )
        }
    }
}

/// A TOML value with its span.
#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    span: Option<Range<usize>>,
}

#[derive(Clone, Debug)]
enum Kind {
    /// Entries with the key's span.
    Table(Vec<(String, Option<Range<usize>>, Node)>),
    Array(Vec<Node>),
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
}

impl Kind {
    fn describe(&self) -> &'static str {
        match self {
            Kind::Table(_) => "a table",
            Kind::Array(_) => "an array",
            Kind::String(_) => "a string",
            Kind::Integer(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Boolean(_) => "a boolean",
            Kind::Datetime(_) => "a date-time",
        }
    }
}

fn from_table_like<'a>(
    entries: impl Iterator<Item = (&'a toml_edit::Key, &'a toml_edit::Item)>,
    span: Option<Range<usize>>,
) -> Node {
    let entries = entries
        .map(|(k, v)| (k.get().to_string(), k.span(), from_item(v)))
        .collect();
    Node {
        kind: Kind::Table(entries),
        span,
    }
}

fn from_item(item: &toml_edit::Item) -> Node {
    match item {
        toml_edit::Item::None => Node {
            kind: Kind::Table(Vec::new()),
            span: None,
        },
        toml_edit::Item::Value(v) => from_value(v),
        toml_edit::Item::Table(t) => from_table_like(table_entries(t), t.span()),
        toml_edit::Item::ArrayOfTables(a) => Node {
            kind: Kind::Array(
                a.iter()
                    .map(|t| from_table_like(table_entries(t), t.span()))
                    .collect(),
            ),
            span: a.span(),
        },
    }
}

fn table_entries(
    t: &toml_edit::Table,
) -> impl Iterator<Item = (&toml_edit::Key, &toml_edit::Item)> {
    t.iter().filter_map(move |(k, _)| t.get_key_value(k))
}

fn from_value(v: &toml_edit::Value) -> Node {
    use toml_edit::Value as V;
    let kind = match v {
        V::String(s) => Kind::String(s.value().clone()),
        V::Integer(i) => Kind::Integer(*i.value()),
        V::Float(f) => Kind::Float(*f.value()),
        V::Boolean(b) => Kind::Boolean(*b.value()),
        V::Datetime(d) => Kind::Datetime(d.value().to_string()),
        V::Array(a) => Kind::Array(a.iter().map(from_value).collect()),
        V::InlineTable(t) => {
            let entries = t
                .iter()
                .filter_map(|(k, _)| t.get_key_value(k))
                .map(|(k, v)| (k.get().to_string(), k.span(), from_item(v)))
                .collect();
            Kind::Table(entries)
        }
    };
    Node {
        kind,
        span: v.span(),
    }
}

impl Node {
    fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Table(entries) => {
                let mut m = Map::new();
                for (k, _, v) in entries {
                    m.insert(k.clone(), v.to_json());
                }
                Value::Object(m)
            }
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::String(s) | Kind::Datetime(s) => Value::String(s.clone()),
            Kind::Integer(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Boolean(b) => Value::Bool(*b),
        }
    }

    /// The span of the value at `path` (keys and indices), falling back to the nearest parent.
    fn span_at(&self, path: &[Seg]) -> Option<Range<usize>> {
        let Some((first, rest)) = path.split_first() else {
            return self.span.clone();
        };
        let child = match (&self.kind, first) {
            (Kind::Table(entries), Seg::Key(k)) => entries
                .iter()
                .find(|(name, _, _)| name == k)
                .map(|(_, ks, n)| (ks, n)),
            (Kind::Array(items), Seg::Index(i)) => items.get(*i).map(|n| (&None, n)),
            _ => None,
        };
        match child {
            Some((key_span, node)) => node
                .span_at(rest)
                .or_else(|| key_span.clone())
                .or_else(|| self.span.clone()),
            None => self.span.clone(),
        }
    }
}

/// One step of a path into the document.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

struct Checker<'a> {
    root_schema: &'a Value,
    found: Vec<(Option<Range<usize>>, String, String)>,
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl<'a> Checker<'a> {
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..16 {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                let name = r.trim_start_matches("#/definitions/");
                match self
                    .root_schema
                    .get("definitions")
                    .and_then(|d| d.get(name))
                {
                    Some(t) => s = t,
                    None => return s,
                }
            } else if let Some(Value::Array(all)) = s.get("allOf") {
                match all.first() {
                    Some(t) if all.len() == 1 => s = t,
                    _ => return s,
                }
            } else {
                return s;
            }
        }
        s
    }

    fn report(&mut self, span: Option<Range<usize>>, path: &[Seg], message: String) {
        self.found.push((span, path_string(path), message));
    }

    fn check(
        &mut self,
        node: &Node,
        schema: &'a Value,
        path: &mut Vec<Seg>,
        key_span: Option<Range<usize>>,
    ) {
        let schema = self.resolve(schema);
        let span = node.span.clone().or(key_span.clone());
        if let Some(Value::Array(alternatives)) =
            schema.get("oneOf").or_else(|| schema.get("anyOf"))
        {
            let mut allowed = Vec::new();
            for alt in alternatives {
                let alt = self.resolve(alt);
                if let Some(Value::Array(vals)) = alt.get("enum") {
                    allowed.extend(vals.iter().cloned());
                }
            }
            if !allowed.is_empty() {
                return self.check_enum(node, &allowed, span, path);
            }
            // General alternatives: valid if any one is.
            for alt in alternatives {
                let mut sub = Checker {
                    root_schema: self.root_schema,
                    found: Vec::new(),
                };
                sub.check(node, alt, path, key_span.clone());
                if sub.found.is_empty() {
                    return;
                }
            }
            return self.report(span, path, "does not match any allowed form".into());
        }
        if let Some(Value::Array(vals)) = schema.get("enum") {
            return self.check_enum(node, vals, span, path);
        }
        let ty = match schema.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ => return,
        };
        match (ty, &node.kind) {
            ("object", Kind::Table(entries)) => self.check_table(entries, schema, span, path),
            ("array", Kind::Array(items)) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.check(item, item_schema, path, span.clone());
                        path.pop();
                    }
                }
            }
            ("string", Kind::String(s)) => {
                if let Some(c) = s.chars().find(|c| c.is_control() && !"\n\r\t".contains(*c)) {
                    self.report(
                        span,
                        path,
                        format!(
                            "control character U+{:04X} in a string; allowed: printable text, line breaks and tabs",
                            c as u32
                        ),
                    )
                }
            }
            ("boolean", Kind::Boolean(_)) => {}
            ("integer", Kind::Integer(i)) => self.check_range(*i as f64, schema, span, path),
            ("number", Kind::Integer(i)) => self.check_range(*i as f64, schema, span, path),
            ("number", Kind::Float(f)) => {
                if f.is_finite() {
                    self.check_range(*f, schema, span, path)
                } else {
                    self.report(span, path, "expected a finite number".into())
                }
            }
            (expected, found) => {
                let want = match expected {
                    "object" => "a table",
                    "array" => "an array",
                    "string" => "a string",
                    "boolean" => "a boolean (true or false)",
                    "integer" => "an integer",
                    "number" => "a number",
                    other => other,
                };
                let mut msg = format!("expected {want}, found {}", found.describe());
                if let Some(range) = range_text(schema) {
                    msg.push_str(&format!("; allowed: {range}"));
                }
                self.report(span, path, msg)
            }
        }
    }

    fn check_enum(
        &mut self,
        node: &Node,
        allowed: &[Value],
        span: Option<Range<usize>>,
        path: &[Seg],
    ) {
        let value = node.to_json();
        if !allowed.contains(&value) {
            let list: Vec<String> = allowed.iter().map(|v| v.to_string()).collect();
            self.report(
                span,
                path,
                format!("{} is not allowed; allowed: {}", value, list.join(", ")),
            );
        }
    }

    fn check_range(&mut self, x: f64, schema: &Value, span: Option<Range<usize>>, path: &[Seg]) {
        let min = schema.get("minimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
            let allowed = range_text(schema).unwrap_or_default();
            self.report(
                span,
                path,
                format!("{} is out of range; allowed: {allowed}", fmt_num(x)),
            );
        }
    }

    fn check_table(
        &mut self,
        entries: &[(String, Option<Range<usize>>, Node)],
        schema: &'a Value,
        span: Option<Range<usize>>,
        path: &mut Vec<Seg>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        let extra = schema.get("additionalProperties");
        for (key, key_span, child) in entries {
            path.push(Seg::Key(key.clone()));
            match props.and_then(|p| p.get(key)) {
                Some(child_schema) => self.check(child, child_schema, path, key_span.clone()),
                None => match extra {
                    Some(Value::Bool(false)) | None if props.is_some() => {
                        let allowed: Vec<&str> = props
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        self.report(
                            key_span.clone().or(child.span.clone()),
                            path,
                            format!(
                                "unknown key `{key}`; allowed keys here: {}",
                                allowed.join(", ")
                            ),
                        );
                    }
                    Some(s @ Value::Object(_)) => self.check(child, s, path, key_span.clone()),
                    _ => {}
                },
            }
            path.pop();
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if !entries.iter().any(|(k, _, _)| k == r) {
                    path.push(Seg::Key(r.to_string()));
                    let what = props
                        .and_then(|p| p.get(r))
                        .map(|s| self.resolve(s))
                        .and_then(|s| s.get("description").and_then(Value::as_str))
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    self.report(
                        span.clone(),
                        path,
                        format!("missing required key `{r}`{what}"),
                    );
                    path.pop();
                }
            }
        }
    }
}

fn range_text(schema: &Value) -> Option<String> {
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(a), Some(b)) => Some(format!("{} to {}", fmt_num(a), fmt_num(b))),
        (Some(a), None) => Some(format!("at least {}", fmt_num(a))),
        (None, Some(b)) => Some(format!("at most {}", fmt_num(b))),
        (None, None) => None,
    }
}

/// Line and column (1-based, in characters) of byte offsets in a text, by binary search over
/// the line starts, so thousands of diagnostics in a large file stay cheap.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// The JSON Schema of the architecture format, with the fields that move no output marked
/// `"x-documentary": true` and the actor fields that count only for NATO's actors marked with
/// the roles for which they are documentary.
pub fn schema() -> Value {
    let schema = schemars::schema_for!(Architecture);
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    let mut mark = |definition: &str, property: &str, key: &str, mark: Value| {
        let root = if definition == "Architecture" {
            Some(&mut value)
        } else {
            value
                .get_mut("definitions")
                .and_then(|d| d.get_mut(definition))
        };
        if let Some(p) = root
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
            .and_then(Value::as_object_mut)
        {
            p.insert(key.to_string(), mark);
        }
    };
    for (definition, property) in crate::format::DOCUMENTARY {
        mark(definition, property, "x-documentary", Value::Bool(true));
    }
    for (property, roles) in crate::format::DOCUMENTARY_FOR_ROLES {
        mark(
            "Actor",
            property,
            "x-documentary-for-roles",
            serde_json::json!(roles),
        );
    }
    value
}

/// Parse and validate an architecture; on failure, every problem found.
pub fn parse_architecture(text: &str, file: &str) -> Result<Architecture, Vec<Diagnostic>> {
    let index = LineIndex::new(text);
    let diag = |span: Option<Range<usize>>, path: String, message: String| {
        let (line, column) = index.line_col(span.map_or(0, |s| s.start));
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            path,
            message,
        }
    };
    if let Some((offset, segments)) = detente_limits::deep_toml_key(text) {
        return Err(vec![diag(
            Some(offset..offset),
            String::new(),
            format!(
                "a dotted key or table header of {segments} segments; allowed: at most {MAX_KEY_SEGMENTS} (docs/limits.md)"
            ),
        )]);
    }
    let doc = match toml_edit::ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = syntax_message(text, &e);
            return Err(vec![diag(
                e.span(),
                String::new(),
                format!("TOML syntax error: {message}"),
            )]);
        }
    };
    let root = from_table_like(table_entries(doc.as_table()), Some(0..0));
    let schema = schema();
    let mut checker = Checker {
        root_schema: &schema,
        found: Vec::new(),
    };
    checker.check(&root, &schema, &mut Vec::new(), None);
    // Checks of meaning run on the raw tree too, so a file with both kinds of problem gets
    // every one of them in one report.
    let json = root.to_json();
    let mut problems: Vec<(Option<Range<usize>>, String, String)> = checker.found;
    for (path, message) in semantic_problems(&json) {
        problems.push((root.span_at(&path), path_string(&path), message));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(span, _, _)| span.as_ref().map_or(0, |s| s.start));
        return Err(problems
            .into_iter()
            .map(|(s, p, m)| diag(s, p, m))
            .collect());
    }
    let mut architecture: Architecture =
        serde_json::from_value(json).map_err(|e| vec![diag(None, String::new(), e.to_string())])?;
    architecture.mechanisms.complete();
    Ok(architecture)
}

/// The parser's message, or, where it has none (a control character, say in a comment), what
/// the character at the error is.
fn syntax_message(text: &str, e: &toml_edit::TomlError) -> String {
    let message = e.message().trim();
    if !message.is_empty() {
        return detente_limits::escape_control(message);
    }
    let at = e.span().map_or(0, |s| s.start).min(text.len());
    match text.get(at..).and_then(|t| t.chars().next()) {
        Some(c) if c.is_control() => format!(
            "control character U+{:04X} is not allowed (only tab is, in strings and comments too)",
            c as u32
        ),
        Some(c) => format!(
            "unexpected character `{}`",
            detente_limits::escape_control(&c.to_string())
        ),
        None => "unexpected end of file".to_string(),
    }
}

/// Mechanisms' `start_year` and `end_year`: they need the architecture's `start_year`, must fall
/// within the run, and a mechanism cannot end before it starts. (Which mechanisms take them is
/// the schema's business: those acting through closed-form paths do not.)
fn mechanism_year_problems(doc: &Value) -> Vec<(Vec<Seg>, String)> {
    let key = |k: &str| Seg::Key(k.to_string());
    let mut out = Vec::new();
    let first = doc.get("start_year").and_then(Value::as_u64);
    let horizon = doc.get("horizon_years").and_then(Value::as_u64);
    let Some(mechanisms) = doc.get("mechanisms").and_then(Value::as_object) else {
        return out;
    };
    for (name, m) in mechanisms {
        let timed =
            detente_engine::MechanismId::from_key(name).is_some_and(|id| id.mechanism().timed());
        if !timed {
            continue; // the schema reports the key
        }
        for field in ["start_year", "end_year"] {
            let Some(year) = m.get(field).and_then(Value::as_u64) else {
                continue;
            };
            let path = vec![key("mechanisms"), key(name), key(field)];
            match (first, horizon) {
                (None, _) => out.push((
                    path,
                    format!("{field} {year} needs the architecture's top-level `start_year` (the calendar year the run starts)"),
                )),
                (Some(first), Some(h)) if year >= first + h => out.push((
                    path,
                    format!("{year} is after the run ends; allowed: {first} to {} (start_year + horizon_years - 1)", first + h - 1),
                )),
                (Some(first), _) if field == "end_year" && year < first => out.push((
                    path,
                    format!("{year} is before the run starts; allowed: {first} or later (the architecture's start_year)"),
                )),
                _ => {}
            }
        }
        if let (Some(start), Some(end)) = (
            m.get("start_year").and_then(Value::as_u64),
            m.get("end_year").and_then(Value::as_u64),
        ) {
            if end < start {
                out.push((
                    vec![key("mechanisms"), key(name), key("end_year")],
                    format!(
                        "end_year {end} is before start_year {start}; allowed: {start} or later"
                    ),
                ));
            }
        }
    }
    out
}

/// Checks of meaning that the schema cannot express, on the raw tree (values of the wrong
/// type are skipped here: the schema check reports them).
fn semantic_problems(doc: &Value) -> Vec<(Vec<Seg>, String)> {
    let key = |k: &str| Seg::Key(k.to_string());
    let mut out = Vec::new();
    let empty = Vec::new();
    let actors = doc
        .get("actors")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if actors.len() > MAX_ACTORS {
        out.push((
            vec![key("actors")],
            format!(
                "{} actors: allowed: at most {MAX_ACTORS} (docs/limits.md)",
                actors.len()
            ),
        ));
    }
    let ids: Vec<&str> = actors
        .iter()
        .filter_map(|a| a.get("id").and_then(Value::as_str))
        .collect();
    let mut id_count: HashMap<&str, usize> = HashMap::new();
    for id in &ids {
        *id_count.entry(id).or_default() += 1;
    }
    for (i, a) in actors.iter().enumerate() {
        let Some(id) = a.get("id").and_then(Value::as_str) else {
            continue;
        };
        let path = vec![key("actors"), Seg::Index(i), key("id")];
        if id.is_empty() {
            out.push((path, "actor id must not be empty".into()));
        } else if id_count.get(id).copied().unwrap_or(0) > 1 {
            out.push((
                path,
                format!("duplicate actor id `{id}`; ids must be unique"),
            ));
        }
    }
    let groups = doc
        .get("groups")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if groups.len() > MAX_GROUPS {
        out.push((
            vec![key("groups")],
            format!(
                "{} groups: allowed: at most {MAX_GROUPS} (docs/limits.md)",
                groups.len()
            ),
        ));
    }
    let mut group_ids: HashMap<&str, usize> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        if let Some(id) = group.get("id").and_then(Value::as_str) {
            let path = vec![key("groups"), Seg::Index(g), key("id")];
            if id.is_empty() {
                out.push((path, "group id must not be empty".into()));
            } else if let Some(first) = group_ids.insert(id, g) {
                out.push((
                    path,
                    format!("duplicate group id `{id}` (also groups[{first}]); ids must be unique"),
                ));
            }
        }
        let Some(members) = group.get("members").and_then(Value::as_array) else {
            continue;
        };
        if members.is_empty() {
            out.push((
                vec![key("groups"), Seg::Index(g), key("members")],
                "a group needs at least one member (an actor id)".into(),
            ));
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (m, member) in members.iter().enumerate() {
            let Some(member) = member.as_str() else {
                continue;
            };
            let path = vec![key("groups"), Seg::Index(g), key("members"), Seg::Index(m)];
            if !id_count.contains_key(member) {
                out.push((
                    path,
                    format!(
                        "unknown actor `{member}`; actors declared: {}",
                        join_names(&ids)
                    ),
                ));
            } else if let Some(first) = seen.insert(member, m) {
                out.push((
                    path,
                    format!("`{member}` is already member [{first}] of this group; list each actor once"),
                ));
            }
        }
    }
    if doc.get("actors").is_some_and(Value::is_array) {
        let has = |role: &str| {
            actors
                .iter()
                .any(|a| a.get("role").and_then(Value::as_str) == Some(role))
        };
        if !has("russia") {
            out.push((
                vec![key("actors")],
                "no actor has role `russia`; at least one is required".into(),
            ));
        }
        if !(has("european_ally") || has("frontline_ally")) {
            out.push((
                vec![key("actors")],
                "no actor has role `european_ally` or `frontline_ally`; at least one is required"
                    .into(),
            ));
        } else {
            let european_spending: f64 = actors
                .iter()
                .filter(|a| {
                    matches!(
                        a.get("role").and_then(Value::as_str),
                        Some("european_ally" | "frontline_ally")
                    )
                })
                .filter_map(|a| a.get("spending_usd_bn").and_then(Value::as_f64))
                .sum();
            if european_spending <= 0.0 {
                out.push((
                    vec![key("actors")],
                    "the European allies' spending_usd_bn sums to 0; allowed: more than 0 (it gives Europe's GDP, its spending path and the weights of NATO's tolerance)".into(),
                ));
            }
        }
    }
    out.extend(mechanism_year_problems(doc));
    if let Some(params) = doc.get("parameters").and_then(Value::as_object) {
        for (name, value) in params {
            let Some(value) = value.as_f64() else {
                continue;
            };
            let path = vec![key("parameters"), key(name)];
            match detente_engine::params::spec(name) {
                None => out.push((
                    path,
                    format!("unknown model parameter `{name}`; `detente params` lists them"),
                )),
                Some(s) if !(s.low..=s.high).contains(&value) => out.push((
                    path,
                    format!(
                        "{} is out of range; allowed: {} to {} {}",
                        fmt_num(value),
                        fmt_num(s.low),
                        fmt_num(s.high),
                        s.unit
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> &'static str {
        crate::builtin("baseline").expect("baseline").toml
    }

    #[test]
    fn every_builtin_is_valid() {
        for b in crate::BUILTINS {
            let arch =
                parse_architecture(b.toml, b.name).unwrap_or_else(|d| panic!("{}: {d:?}", b.name));
            assert_eq!(arch.name, b.name);
        }
    }

    #[test]
    fn reports_every_problem_with_its_line_and_column() {
        let text = baseline()
            .replacen("horizon_years = 10", "horizon_years = 0", 1)
            .replacen("cohesion_start = 0.65", "cohesion_start = \"high\"", 1)
            .replacen("[ceasefire]\n", "[ceasefire]\ntruce = true\n", 1)
            .replacen("\"russia\", \"belarus\"", "\"russia\", \"minsk\"", 1);
        let diags = parse_architecture(&text, "t.toml").unwrap_err();
        let find = |path: &str| {
            diags
                .iter()
                .find(|d| d.path == path)
                .unwrap_or_else(|| panic!("{path} in {diags:?}"))
        };
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let h = find("horizon_years");
        assert_eq!((h.line, h.column), (line_of("horizon_years = 0"), 17));
        assert!(h.message.contains("allowed: 1 to 50"), "{}", h.message);
        assert!(find("dynamics.cohesion_start")
            .message
            .starts_with("expected a number, found a string"));
        let t = find("ceasefire.truce");
        assert_eq!((t.line, t.column), (line_of("truce = true"), 1));
        assert!(t.message.contains("allowed keys here: age_years, dispute_resolution, dmz, dmz_width_km, formal, guarantee, monitoring, russian_consent, specificity"), "{}", t.message);
        assert!(find("groups[1].members[1]")
            .message
            .contains("unknown actor `minsk`"));
        assert_eq!(diags.len(), 4, "{diags:?}");
        assert!(diags.windows(2).all(|w| w[0].line <= w[1].line));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let diags =
            parse_architecture("name = \"x\"\nhorizon_years = = 3\n", "s.toml").unwrap_err();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 2);
        assert!(diags[0].message.starts_with("TOML syntax error"));
    }

    #[test]
    fn missing_sections_are_named() {
        let diags = parse_architecture("name = \"x\"\nhorizon_years = 5\nactors = []\n", "m.toml")
            .unwrap_err();
        for key in ["dynamics", "ceasefire", "pathways"] {
            assert!(
                diags
                    .iter()
                    .any(|d| d.path == key && d.message.contains("missing required key")),
                "{key}: {diags:?}"
            );
        }
        assert!(diags.iter().any(|d| d.message.contains("role `russia`")));
        assert!(!diags.iter().any(|d| d.path == "mechanisms"), "{diags:?}");
    }

    #[test]
    fn european_spending_must_be_positive() {
        let text = baseline().replace("spending_usd_bn = ", "spending_usd_bn = 0.0 # ");
        let diags = parse_architecture(&text, "z.toml").unwrap_err();
        assert!(
            diags
                .iter()
                .any(|d| d.path == "actors" && d.message.contains("sums to 0")),
            "{diags:?}"
        );
    }

    /// The baseline with its `[mechanisms.NAME]` table cut out.
    fn without_mechanism(name: &str) -> String {
        let text = baseline();
        let header = format!("[mechanisms.{name}]");
        let start = text
            .find(&header)
            .expect("the baseline sets every mechanism");
        let end = text[start + header.len()..]
            .find("\n[")
            .map_or(text.len(), |i| start + header.len() + i + 1);
        format!("{}{}", &text[..start], &text[end..])
    }

    #[test]
    fn a_mechanism_not_written_down_is_off() {
        for m in detente_engine::REGISTRY {
            let text = without_mechanism(m.key());
            let parsed = parse_architecture(&text, "b.toml").unwrap();
            let entry = parsed.mechanisms.get(m.key());
            assert!(!entry.enabled, "{}", m.key());
            let id = detente_engine::MechanismId::from_key(m.key()).unwrap();
            let setting = &parsed.to_scenario().policy.mechanisms[id];
            assert!(!setting.enabled && setting.offered(0) == 0.0, "{}", m.key());
        }
    }

    #[test]
    fn mechanism_keys_and_their_options_come_from_the_registry() {
        let text = baseline().replace("[mechanisms.hotline]", "[mechanisms.hotlne]");
        let diags = parse_architecture(&text, "b.toml").unwrap_err();
        assert!(
            diags.iter().any(|d| d.path == "mechanisms.hotlne"
                && d.message.contains("unknown key `hotlne`")
                && d.message.contains("hotline")),
            "{diags:?}"
        );
        // export controls act through a closed-form path: no start year; no consent either
        let text = baseline().replace(
            "[mechanisms.export_controls]",
            "[mechanisms.export_controls]\nstart_year = 2030\nrussian_consent = 0.5",
        );
        let diags = parse_architecture(&text, "b.toml").unwrap_err();
        for key in ["start_year", "russian_consent"] {
            assert!(
                diags
                    .iter()
                    .any(|d| d.path == format!("mechanisms.export_controls.{key}")
                        && d.message
                            .contains("allowed keys here: enabled, leakage, strength")),
                "{key}: {diags:?}"
            );
        }
    }

    #[test]
    fn a_mechanism_can_end_but_not_before_it_starts() {
        let timed = |extra: &str| {
            baseline()
                .replacen(
                    "name = \"baseline\"",
                    "start_year = 2026\nname = \"baseline\"",
                    1,
                )
                .replace(
                    "[mechanisms.hotline]",
                    &format!("[mechanisms.hotline]\n{extra}"),
                )
        };
        let a = parse_architecture(&timed("start_year = 2028\nend_year = 2030"), "t.toml").unwrap();
        let hotline = &a.to_scenario().policy.mechanisms[detente_engine::MechanismId::Hotline];
        assert_eq!((hotline.start_month, hotline.end_month), (24, Some(60)));
        assert!(hotline.offered(23) == 0.0 && hotline.offered(24) > 0.0);
        assert!(hotline.offered(59) > 0.0 && hotline.offered(60) == 0.0);
        let diags =
            parse_architecture(&timed("start_year = 2030\nend_year = 2028"), "t.toml").unwrap_err();
        assert!(
            diags.iter().any(|d| d.path == "mechanisms.hotline.end_year"
                && d.message.contains("before start_year 2030")),
            "{diags:?}"
        );
        let diags = parse_architecture(&timed("end_year = 2040"), "t.toml").unwrap_err();
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("after the run ends")),
            "{diags:?}"
        );
    }
}
