//! `detente-limits`: every bound the workbench puts on its input and on the work one command
//! or request may start, in one place (`docs/limits.md` lists them for users), and the small
//! helpers that enforce them the same way everywhere: reading a text file with a size limit
//! and a position for invalid UTF-8, capping a list of diagnostics with "and N more", and
//! escaping control characters before a name reaches a terminal.
//!
//! ```
//! use detente_limits::{cap_list, MAX_DIAGNOSTICS};
//! let lines: Vec<String> = (0..500).map(|i| format!("problem {i}")).collect();
//! let shown = cap_list(&lines, MAX_DIAGNOSTICS);
//! assert_eq!(shown.shown.len(), MAX_DIAGNOSTICS);
//! assert_eq!(shown.more, 500 - MAX_DIAGNOSTICS);
//! ```
//!
//! Architecture invariant: no dependencies; the engine does not use it (the engine has no
//! input of its own).

use std::fmt;
use std::path::Path;

// ---------- input size and shape ----------

/// Largest input file any command reads (architecture, CSV, TOML), in bytes.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;
/// Most segments in a dotted key path (`a.b.c`) in a TOML file or an `/api/patch` `set` key.
pub const MAX_KEY_SEGMENTS: usize = 32;
/// Longest dotted key path in an `/api/patch` `set` key, in bytes.
pub const MAX_KEY_PATH_BYTES: usize = 1024;
/// Most keys one `/api/patch` request sets.
pub const MAX_PATCH_KEYS: usize = 1000;
/// Most actors in an architecture (or a planner file).
pub const MAX_ACTORS: usize = 500;
/// Most groups in an architecture.
pub const MAX_GROUPS: usize = 500;
/// Most missions in a planner file.
pub const MAX_MISSIONS: usize = 200;
/// Most data rows in a CSV input (rankings, judgements).
pub const MAX_CSV_ROWS: usize = 200_000;
/// Most groups in a rankings file (`deliberate` compares every pair of groups).
pub const MAX_RANKING_GROUPS: usize = 200;
/// Most distinct concerns in a rankings file.
pub const MAX_CONCERNS: usize = 1_000;
/// Most experts in one elicitation quantity or rankings file.
pub const MAX_EXPERTS: usize = 10_000;
/// Most quantities in a judgements file.
pub const MAX_QUANTITIES: usize = 500;

// ---------- output ----------

/// Most diagnostics listed in one error report (CLI or API); the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 100;
/// Most names listed in one message ("actors declared: a, b, … and 4,990 more").
pub const MAX_NAMES_IN_MESSAGE: usize = 20;

// ---------- work ----------

/// Most runs in one ensemble on the command line without `--i-know-it-is-long`.
pub const MAX_RUNS: u64 = 100_000_000;
/// Most runs with `--i-know-it-is-long` (beyond this the run counter's summaries lose meaning).
pub const MAX_RUNS_OVERRIDE: u64 = 1 << 40;
/// Most model evaluations (ensembles) in one sensitivity analysis on the command line
/// without `--i-know-it-is-long`.
pub const MAX_SENSITIVITY_EVALS: u64 = 200_000;
/// Most model evaluations with `--i-know-it-is-long` (the sample matrix must fit in memory).
pub const MAX_SENSITIVITY_EVALS_OVERRIDE: u64 = 5_000_000;
/// Most exact model evaluations of one `discover`, `robust` or `sweep` on the command line
/// without `--i-know-it-is-long` (about 7 ms each on 2 cores: a few minutes).
pub const MAX_EXACT_EVALS: u64 = 100_000;
/// Most exact evaluations with `--i-know-it-is-long` (samples and outcomes must fit in memory).
pub const MAX_EXACT_EVALS_OVERRIDE: u64 = 2_000_000;
/// Most waves of one `history-match`.
pub const MAX_HISTORY_WAVES: u32 = 10;
/// Most parameter draws of one `hindcast` (each a few milliseconds).
pub const MAX_HINDCAST_DRAWS: u64 = 5_000;
/// Most points of a `sweep` grid along one input.
pub const MAX_SWEEP_POINTS: usize = 1_000;
/// Most campaign replications in one `campaign --sweep` (cells × replications per cell;
/// about 3.5 ms per thousand: a few minutes at most).
pub const MAX_SWEEP_REPLICATIONS: u64 = 50_000_000;
/// Most shards one ensemble is cut into (`--shard i/n`); a merge reads one part file each.
pub const MAX_SHARDS: u64 = 100_000;
/// Work (in architecture-years) above which a command prints an estimate of its time first.
pub const ANNOUNCE_ABOVE_ARCH_YEARS: f64 = 50_000_000.0;
/// Architecture-years per second used for that estimate when runs step month by month (runs
/// with parameters of their own, `--uncertainty --monte-carlo`; a 2-core machine, README).
pub const ESTIMATE_MONTHLY_ARCH_YEARS_PER_SECOND: f64 = 2_000_000.0;
/// The same when runs are sampled event by event (fixed parameters): the baseline measured
/// 26-28 million a second on 2 cores (README, issue 12's ninth session) and about 15 on an
/// earlier, slower machine; the estimate takes 12, for slower machines and busier
/// architectures.
pub const ESTIMATE_EVENT_ARCH_YEARS_PER_SECOND: f64 = 12_000_000.0;

/// How an ensemble's runs are sampled, which sets their speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampling {
    /// Fixed parameters: jumping from one eventful month to the next.
    EventByEvent,
    /// Parameters drawn for the runs: every month stepped.
    MonthByMonth,
}

// ---------- server ----------

/// Shortest bearer token `serve --token` accepts.
pub const MIN_TOKEN_CHARS: usize = 16;
/// Most exact model evaluations of one discovery, robustness study or sweep asked of the
/// server (samples, draws × architectures, or points × draws; about 7 ms each on 2 cores, so
/// a request answers within about 15 s; the command line allows more).
pub const MAX_SERVER_EXACT_EVALS: u64 = 4_000;
/// Most parameter draws of a run (or of each architecture of a report) the server evaluates
/// exactly for the survival fan and the histogram of p(war) across draws (the run's first
/// draws; about 7 ms each on 2 cores).
pub const MAX_FAN_DRAWS: u64 = 100;

pub mod mutate;

// ---------- helpers ----------

/// A list cut to its first `shown` items, and how many more there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capped<'a, T> {
    pub shown: &'a [T],
    pub more: usize,
}

/// The first `max` items of `items` and the count of the rest.
pub fn cap_list<T>(items: &[T], max: usize) -> Capped<'_, T> {
    let n = items.len().min(max);
    Capped {
        shown: &items[..n],
        more: items.len() - n,
    }
}

/// `a, b, c` or `a, b, … and 12 more`: names joined for a message, at most
/// [`MAX_NAMES_IN_MESSAGE`] of them.
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    let c = cap_list(names, MAX_NAMES_IN_MESSAGE);
    let mut s = c
        .shown
        .iter()
        .map(|n| escape_control(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ");
    if c.more > 0 {
        s.push_str(&format!(", … and {} more", c.more));
    }
    s
}

/// `text` with control characters (terminal escape sequences among them) written as `\u{1b}`
/// escapes, so that a name from an input file cannot drive the terminal it is printed on.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Why a text input could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system's error (missing file, no permission), with the path.
    Io(String, std::io::Error),
    /// The file is larger than [`MAX_INPUT_BYTES`].
    TooLarge { path: String, bytes: u64 },
    /// The file is not UTF-8: the position of the first invalid byte.
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
        byte: usize,
    },
}

impl ReadError {
    /// True when the input is at fault (too large, not UTF-8), false for the OS's errors.
    pub fn is_input(&self) -> bool {
        !matches!(self, ReadError::Io(..))
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(p, e) => write!(f, "{p}: cannot read: {e}"),
            ReadError::TooLarge { path, bytes } => write!(
                f,
                "{path}: {bytes} bytes is too large; allowed: at most {MAX_INPUT_BYTES} bytes (docs/limits.md)"
            ),
            ReadError::NotUtf8 {
                path,
                line,
                column,
                byte,
            } => write!(
                f,
                "{path}:{line}:{column}: invalid UTF-8 (byte offset {byte}); the file must be UTF-8 text"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Text of `bytes`, or the line and column (1-based, in characters) of the first invalid byte.
pub fn utf8_text(bytes: Vec<u8>, path: &str) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        // the prefix is valid UTF-8 by construction
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
            + 1;
        ReadError::NotUtf8 {
            path: path.to_string(),
            line,
            column,
            byte: at,
        }
    })
}

/// Read a UTF-8 text file of at most [`MAX_INPUT_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    use std::io::Read;
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(name.clone(), e))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(name.clone(), e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        let bytes = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(ReadError::TooLarge { path: name, bytes });
    }
    utf8_text(bytes, &name)
}

/// Check before long work that `path` can be written: its directory exists and a file can be
/// created there. The probe file is removed again unless it was there before.
pub fn check_writable(path: &Path) -> Result<(), String> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(format!("{name}: is a directory; expected a file path"));
    }
    let existed = path.exists();
    match std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        Ok(_) => {
            if !existed {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        }
        Err(e) => Err(format!("{name}: cannot write: {e}")),
    }
}

/// The byte offset and segment count of the first key or table header with more than
/// [`MAX_KEY_SEGMENTS`] dotted segments. A conservative scan of each line before the parser
/// builds (and later drops, recursively) a table per segment. Lines that cannot start a key
/// (values of a multi-line array) are skipped, and a dot between two digits is a decimal point.
pub fn deep_toml_key(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = line.trim_start();
        let can_be_key = start
            .chars()
            .next()
            .is_some_and(|c| c == '[' || c == '_' || c.is_alphabetic());
        let key_part = match line.find(['=', ']', '#']) {
            Some(i) if can_be_key => &line.as_bytes()[..i],
            _ => &[][..],
        };
        let dots = (0..key_part.len())
            .filter(|&i| key_part[i] == b'.')
            .filter(|&i| {
                let digit = |j: Option<&u8>| j.is_some_and(u8::is_ascii_digit);
                !(i > 0 && digit(key_part.get(i - 1)) && digit(key_part.get(i + 1)))
            })
            .count();
        if dots + 1 > MAX_KEY_SEGMENTS {
            return Some((offset, dots + 1));
        }
        offset += line.len();
    }
    None
}

/// `Err((line, message))` when [`deep_toml_key`] finds a key too deep in `text`.
pub fn check_toml_keys(text: &str) -> Result<(), (u64, String)> {
    match deep_toml_key(text) {
        None => Ok(()),
        Some((offset, segments)) => {
            let line = text[..offset].matches('\n').count() as u64 + 1;
            Err((
                line,
                format!(
                    "a dotted key or table header of {segments} segments; allowed: at most {MAX_KEY_SEGMENTS} (docs/limits.md)"
                ),
            ))
        }
    }
}

/// Seconds of work estimated for `arch_years` architecture-years sampled as `sampling` says
/// (for the warning printed before long work).
pub fn estimate_seconds(arch_years: f64, sampling: Sampling) -> f64 {
    arch_years
        / match sampling {
            Sampling::EventByEvent => ESTIMATE_EVENT_ARCH_YEARS_PER_SECOND,
            Sampling::MonthByMonth => ESTIMATE_MONTHLY_ARCH_YEARS_PER_SECOND,
        }
}

/// "3 min 20 s", "2 h 05 min", "12 days".
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else if s < 3.0 * 86400.0 {
        format!(
            "{} h {:02} min",
            (s / 3600.0) as u64,
            ((s % 3600.0) / 60.0) as u64
        )
    } else if s < 3.0 * 365.0 * 86400.0 {
        format!("{:.0} days", s / 86400.0)
    } else {
        format!("{:.0} years", s / (365.0 * 86400.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let e = utf8_text(b"ab\ncd\xffe".to_vec(), "f.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.toml:2:3: invalid UTF-8 (byte offset 5); the file must be UTF-8 text"
        );
        assert!(e.is_input());
    }

    #[test]
    fn names_are_capped_and_escaped() {
        let names: Vec<String> = (0..30).map(|i| format!("a{i}")).collect();
        let s = join_names(&names);
        assert!(s.ends_with("a19, … and 10 more"), "{s}");
        assert_eq!(escape_control("x\u{1b}[31my"), "x\\u{1b}[31my");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(estimate_seconds(120e6, Sampling::EventByEvent), 10.0);
        assert_eq!(estimate_seconds(120e6, Sampling::MonthByMonth), 60.0);
        assert_eq!(human_duration(5.0), "5 s");
        assert_eq!(human_duration(200.0), "3 min 20 s");
        assert_eq!(human_duration(7500.0), "2 h 05 min");
    }
}
