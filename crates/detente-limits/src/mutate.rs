//! Input mutation for the property tests that fuzz every reader (`tests/fuzz.rs` in the
//! arch, deliberation, analysis and server crates): a seed text edited by a list of
//! operations, each an insertion, deletion, replacement or duplication at a position, with
//! tokens chosen to reach the readers' edges (non-finite numbers, control characters, deep
//! dotted keys, unbalanced brackets, huge numbers, duplicated lines).

/// Tokens the mutations insert.
pub const TOKENS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "+inf",
    "1e308",
    "-1.7e308",
    "0",
    "-1",
    "1e-320",
    "18446744073709551616",
    "\u{1b}[31m",
    "\u{7}",
    "\u{0}",
    "\r",
    "\n",
    "\t",
    "#",
    "\"",
    "'",
    "=",
    ",",
    "[",
    "]",
    "{",
    "}",
    "[[actors]]",
    "[mechanisms.x]",
    "a.b.c",
    "\"\"\"",
    "true",
    "ÿ",
    "\u{feff}",
    "é",
    " ",
];

/// One edit of a text.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Insert token `token % TOKENS.len()` at byte position `at % (len + 1)`.
    Insert { at: usize, token: usize },
    /// Delete `len % 16` bytes from `at`.
    Delete { at: usize, len: usize },
    /// Duplicate the line containing `at`, `times % 4 + 1` times.
    DuplicateLine { at: usize, times: usize },
    /// Insert a dotted key of `segments % 80` segments on a new line.
    DeepKey { at: usize, segments: usize },
    /// Insert arbitrary text.
    Text { at: usize, text: String },
}

fn boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `seed` with `edits` applied in order.
pub fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut s = seed.to_string();
    for e in edits {
        match e {
            Edit::Insert { at, token } => {
                let i = boundary(&s, *at);
                s.insert_str(i, TOKENS[token % TOKENS.len()]);
            }
            Edit::Delete { at, len } => {
                let i = boundary(&s, *at);
                let j = boundary(&s, i + len % 16).max(i);
                s.replace_range(i..j, "");
            }
            Edit::DuplicateLine { at, times } => {
                let i = boundary(&s, *at);
                let start = s[..i].rfind('\n').map_or(0, |p| p + 1);
                let end = s[i..].find('\n').map_or(s.len(), |p| i + p + 1);
                let line = s[start..end].to_string();
                for _ in 0..(times % 4 + 1) {
                    s.insert_str(end.min(s.len()), &line);
                }
            }
            Edit::DeepKey { at, segments } => {
                let i = boundary(&s, *at);
                let key = vec!["k"; segments % 80 + 1].join(".");
                s.insert_str(i, &format!("\n{key} = 1\n"));
            }
            Edit::Text { at, text } => {
                let i = boundary(&s, *at);
                s.insert_str(i, text);
            }
        }
    }
    s
}

/// The amplification case of issue 14: architecture text `base` with `actors` more actors and
/// a group of `members` unknown members (each unknown member's message once listed every actor).
pub fn many_unknown_members(base: &str, actors: usize, members: usize) -> String {
    let mut text = base.to_string();
    for i in 0..actors {
        text.push_str(&format!(
            "\n[[actors]]\nid = \"a{i}\"\nname = \"A\"\nrole = \"european_ally\"\nvulnerability = 0.5\nproximity_km = 100\nspending_usd_bn = 1\nspending_pct_gdp = 1\nforces_k = 1\nescalation_tolerance = 0.5\n"
        ));
    }
    let list: Vec<String> = (0..members).map(|i| format!("\"x{i}\"")).collect();
    text.push_str(&format!(
        "\n[[groups]]\nid = \"g\"\nname = \"G\"\nmembers = [{}]\n",
        list.join(",")
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_utf8_and_apply() {
        let out = apply(
            "a = 1\nb = 2\n",
            &[
                Edit::Insert { at: 3, token: 0 },
                Edit::DuplicateLine { at: 0, times: 1 },
                Edit::Delete { at: 1000, len: 3 },
                Edit::DeepKey { at: 0, segments: 2 },
                Edit::Text {
                    at: 5,
                    text: "é".into(),
                },
            ],
        );
        assert!(out.contains("k.k.") && out.contains("é"), "{out}");
        assert!(out.contains("nan"), "{out}");
    }
}

/// Proptest strategies for [`Edit`] lists (feature `proptest`, for the fuzz tests).
#[cfg(feature = "proptest")]
pub mod strategy {
    use super::Edit;
    use proptest::prelude::*;

    /// One edit.
    pub fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            4 => (any::<usize>(), any::<usize>()).prop_map(|(at, token)| Edit::Insert { at, token }),
            3 => (any::<usize>(), any::<usize>()).prop_map(|(at, len)| Edit::Delete { at, len }),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(at, times)| Edit::DuplicateLine { at, times }),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(at, segments)| Edit::DeepKey { at, segments }),
            1 => (any::<usize>(), ".{0,12}").prop_map(|(at, text)| Edit::Text { at, text }),
        ]
    }

    /// A config of `default` cases, or `PROPTEST_CASES` when set (the long run).
    pub fn config(default: u32) -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// Up to `max` edits.
    pub fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
        proptest::collection::vec(edit(), 0..=max)
    }
}
