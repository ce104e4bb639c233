//! Shards of an ensemble that merge exactly. An ensemble's runs are cut into fixed chunks
//! whose summaries the engine folds in chunk order; shard `i` of `n` runs a contiguous range
//! of those chunks ([`detente_engine::shard_chunks`]) and writes each chunk's summary, floats
//! as their IEEE-754 bits, to a part file ([`run_shard`], [`compare_shard`]). [`merge`] checks
//! that the parts belong together (the same version, command, architectures, runs, seed,
//! chunking, parameter draws and shard count; every shard once) and folds the chunks in the
//! order the single process does, so its JSON ([`merged_json`]) is byte for byte that of the
//! unsharded `run --json` or `compare --json`. Used by `detente run/compare --shard`,
//! `detente merge` and the Python package alike.

use crate::summary::{
    comparison_json, summary_json, ComparisonView, MONTE_CARLO_ONLY, WITH_PARAMETER_UNCERTAINTY,
};
use detente_analysis::uncertainty::Uncertainty;
use detente_engine::{
    chunk_count, chunk_summaries, compare_chunk_summaries, shard_chunks, Cancelled, Comparison,
    ComparisonChunk, Costs, EnsembleOptions, Method, ParamDraw, Scenario, Summary, PATHWAY_COUNT,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The `format` field of every part file.
pub const FORMAT: &str = "detente-shard";
/// Version of the part file's layout; parts of another layout are refused.
pub const FORMAT_VERSION: u64 = 1;

/// Shard `index` (0-based) of `count`, as written on the command line: `i/n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {s}: allowed: i/n with 0 <= i < n <= {}, e.g. 0/4 ... 3/4",
                detente_limits::MAX_SHARDS
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if count == 0 || index >= count || count > detente_limits::MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why parts could not be merged: the message names the file at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardError(pub String);

impl fmt::Display for ShardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShardError {}

/// One chunk's summary as stored: counts as integers, sums as the bits of their f64.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct SummaryRecord {
    runs: u64,
    horizon_months: u32,
    wars: u64,
    nuclear: u64,
    theatre_wars: u64,
    general_nuclear: u64,
    wars_ended: u64,
    war_by_pathway: [u64; PATHWAY_COUNT],
    crises_by_pathway: [u64; PATHWAY_COUNT],
    months_at_risk: u64,
    war_month_counts: Vec<u64>,
    max_rung_counts: [u64; 5],
    runs_with_crisis: u64,
    ceasefire_breaks: u64,
    cost_bn_sum_bits: u64,
    /// European defence, US defence, mechanisms.
    costs_sum_bits: [u64; 3],
    /// (draw, runs, wars).
    draws: Vec<(u64, u64, u64)>,
}

impl From<&Summary> for SummaryRecord {
    fn from(s: &Summary) -> Self {
        // every field named: a field added to Summary must be added here too
        let Summary {
            runs,
            horizon_months,
            wars,
            nuclear,
            theatre_wars,
            general_nuclear,
            wars_ended,
            war_by_pathway,
            crises_by_pathway,
            months_at_risk,
            war_month_counts,
            max_rung_counts,
            runs_with_crisis,
            ceasefire_breaks,
            cost_bn_sum,
            costs_sum,
            draws,
        } = s;
        let Costs {
            europe_defence_bn,
            us_defence_bn,
            mechanisms_bn,
        } = costs_sum;
        SummaryRecord {
            runs: *runs,
            horizon_months: *horizon_months,
            wars: *wars,
            nuclear: *nuclear,
            theatre_wars: *theatre_wars,
            general_nuclear: *general_nuclear,
            wars_ended: *wars_ended,
            war_by_pathway: *war_by_pathway,
            crises_by_pathway: *crises_by_pathway,
            months_at_risk: *months_at_risk,
            war_month_counts: war_month_counts.clone(),
            max_rung_counts: *max_rung_counts,
            runs_with_crisis: *runs_with_crisis,
            ceasefire_breaks: *ceasefire_breaks,
            cost_bn_sum_bits: cost_bn_sum.to_bits(),
            costs_sum_bits: [
                europe_defence_bn.to_bits(),
                us_defence_bn.to_bits(),
                mechanisms_bn.to_bits(),
            ],
            draws: draws.iter().map(|(d, (n, w))| (*d, *n, *w)).collect(),
        }
    }
}

impl From<&SummaryRecord> for Summary {
    fn from(r: &SummaryRecord) -> Self {
        Summary {
            runs: r.runs,
            horizon_months: r.horizon_months,
            wars: r.wars,
            nuclear: r.nuclear,
            theatre_wars: r.theatre_wars,
            general_nuclear: r.general_nuclear,
            wars_ended: r.wars_ended,
            war_by_pathway: r.war_by_pathway,
            crises_by_pathway: r.crises_by_pathway,
            months_at_risk: r.months_at_risk,
            war_month_counts: r.war_month_counts.clone(),
            max_rung_counts: r.max_rung_counts,
            runs_with_crisis: r.runs_with_crisis,
            ceasefire_breaks: r.ceasefire_breaks,
            cost_bn_sum: f64::from_bits(r.cost_bn_sum_bits),
            costs_sum: Costs {
                europe_defence_bn: f64::from_bits(r.costs_sum_bits[0]),
                us_defence_bn: f64::from_bits(r.costs_sum_bits[1]),
                mechanisms_bn: f64::from_bits(r.costs_sum_bits[2]),
            },
            draws: r
                .draws
                .iter()
                .map(|(d, n, w)| (*d, (*n, *w)))
                .collect::<BTreeMap<_, _>>(),
        }
    }
}

/// One chunk: each architecture's summary and, for `compare`, the sums of the paired
/// differences from the first (as f64 bits).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ChunkRecord {
    summaries: Vec<SummaryRecord>,
    diff_sum_bits: Vec<u64>,
    diff_sq_bits: Vec<u64>,
}

/// An architecture as a part names it: its name, horizon and a fingerprint of its scenario.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ArchitectureId {
    name: String,
    horizon_months: u32,
    fingerprint: String,
}

/// A part file: what ensemble it belongs to, which shard it is, and its chunks.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct PartFile {
    format: String,
    format_version: u64,
    detente_version: String,
    command: String,
    architectures: Vec<ArchitectureId>,
    runs: u64,
    seed: u64,
    chunk: u64,
    runs_per_draw: u64,
    /// Fingerprint of the parameter draw (`--uncertainty`), null without.
    uncertainty: Option<String>,
    /// Where the draws come from ("plausible" or "prior"), null without.
    parameter_source: Option<String>,
    shard: u64,
    shards: u64,
    first_chunk: u64,
    chunks: Vec<ChunkRecord>,
}

/// FNV-1a of a value's debug form: the same inputs give the same fingerprint on every machine.
fn fingerprint(what: &impl fmt::Debug) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{what:?}").bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn header(
    command: &str,
    scenarios: &[Scenario],
    options: &EnsembleOptions,
    draw: Option<&Uncertainty>,
    shard: Shard,
) -> PartFile {
    PartFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        detente_version: env!("CARGO_PKG_VERSION").into(),
        command: command.into(),
        architectures: scenarios
            .iter()
            .map(|s| ArchitectureId {
                name: s.name.clone(),
                horizon_months: s.policy.horizon_months,
                fingerprint: fingerprint(s),
            })
            .collect(),
        runs: options.runs,
        seed: options.seed,
        chunk: options.chunk,
        runs_per_draw: options.runs_per_draw,
        uncertainty: draw.map(fingerprint),
        parameter_source: draw.map(|u| u.source.to_string()),
        shard: shard.index,
        shards: shard.count,
        first_chunk: shard_chunks(options, shard.index, shard.count).start,
        chunks: Vec::new(),
    }
}

fn to_text(part: &PartFile) -> String {
    // a part file is a machine's output: compact, every number exact
    serde_json::to_string(part).expect("a part file is plain data")
}

/// Run shard `shard` of the ensemble `detente run` would run, returning the part file's text.
/// `progress` gets the runs done so far; returning false cancels.
pub fn run_shard(
    scenario: &Scenario,
    options: EnsembleOptions,
    draw: Option<&Uncertainty>,
    shard: Shard,
    progress: &detente_engine::ensemble::Progress,
) -> Result<String, Cancelled> {
    let mut part = header("run", std::slice::from_ref(scenario), &options, draw, shard);
    let chunks = shard_chunks(&options, shard.index, shard.count);
    let d = draw.map(|d| d as &dyn ParamDraw);
    part.chunks = chunk_summaries(scenario, options, d, chunks, progress)?
        .iter()
        .map(|s| ChunkRecord {
            summaries: vec![s.into()],
            diff_sum_bits: Vec::new(),
            diff_sq_bits: Vec::new(),
        })
        .collect();
    Ok(to_text(&part))
}

/// Run shard `shard` of the comparison `detente compare` would run (common random numbers:
/// run r of every architecture is run r of the whole), returning the part file's text.
pub fn compare_shard(
    scenarios: &[Scenario],
    options: EnsembleOptions,
    draw: Option<&Uncertainty>,
    shard: Shard,
    progress: &detente_engine::ensemble::Progress,
) -> Result<String, Cancelled> {
    let mut part = header("compare", scenarios, &options, draw, shard);
    let chunks = shard_chunks(&options, shard.index, shard.count);
    let d = draw.map(|d| d as &dyn ParamDraw);
    part.chunks = compare_chunk_summaries(scenarios, options, d, chunks, progress)?
        .iter()
        .map(|c| ChunkRecord {
            summaries: c.summaries.iter().map(SummaryRecord::from).collect(),
            diff_sum_bits: c.diff_sum.iter().map(|x| x.to_bits()).collect(),
            diff_sq_bits: c.diff_sq.iter().map(|x| x.to_bits()).collect(),
        })
        .collect();
    Ok(to_text(&part))
}

/// Merged parts: the whole ensemble's result, as the unsharded command computes it.
#[derive(Clone, Debug)]
pub enum Merged {
    Run {
        name: String,
        summary: Box<Summary>,
        seed: u64,
        parameter_uncertainty: bool,
        parameter_source: Option<String>,
    },
    Compare {
        names: Vec<String>,
        comparison: Comparison,
        runs: u64,
        seed: u64,
        parameter_uncertainty: bool,
        parameter_source: Option<String>,
        runs_per_draw: u64,
    },
}

impl Merged {
    /// A merged comparison ready to print (None for a run).
    pub fn comparison_view(&self) -> Option<ComparisonView<'_>> {
        match self {
            Merged::Run { .. } => None,
            Merged::Compare {
                names,
                comparison,
                runs,
                seed,
                parameter_uncertainty,
                parameter_source,
                runs_per_draw,
            } => {
                let mut view = comparison_view(
                    names,
                    comparison,
                    *runs,
                    *seed,
                    *parameter_uncertainty,
                    *runs_per_draw,
                );
                view.parameter_source = parameter_source.as_deref();
                Some(view)
            }
        }
    }
}

/// The merged result as the JSON the unsharded `run --json` or `compare --json` prints.
pub fn merged_json(m: &Merged) -> Value {
    match m {
        Merged::Run {
            name,
            summary,
            seed,
            parameter_uncertainty,
            parameter_source,
        } => {
            let mut value = summary_json(
                name,
                &**summary,
                *seed,
                run_interval(*parameter_uncertainty),
            );
            with_parameter_source(&mut value, parameter_source.as_deref());
            value
        }
        Merged::Compare { .. } => m
            .comparison_view()
            .map_or(Value::Null, |view| comparison_json(&view)),
    }
}

/// Say in a run's JSON where its parameter draws came from (`parameter_uncertainty.source`),
/// as `run --json` does.
pub fn with_parameter_source(value: &mut Value, source: Option<&str>) {
    if let (Some(source), Some(u)) = (source, value["parameter_uncertainty"].as_object_mut()) {
        u.insert("source".into(), source.into());
    }
}

/// What the intervals of a simulated `run` reflect.
pub fn run_interval(parameter_uncertainty: bool) -> &'static str {
    if parameter_uncertainty {
        WITH_PARAMETER_UNCERTAINTY
    } else {
        MONTE_CARLO_ONLY
    }
}

/// A simulated comparison ready to print.
pub fn comparison_view<'a>(
    names: &'a [String],
    comparison: &'a Comparison,
    runs: u64,
    seed: u64,
    parameter_uncertainty: bool,
    runs_per_draw: u64,
) -> ComparisonView<'a> {
    let k = names.len();
    ComparisonView {
        names: names.iter().map(String::as_str).collect(),
        figures: comparison
            .summaries
            .iter()
            .map(|s| s as &dyn detente_engine::Figures)
            .collect(),
        diffs: (0..k).map(|i| comparison.diff_vs_first(i)).collect(),
        spreads: (0..k).map(|i| comparison.diff_across_draws(i)).collect(),
        method: Method::MonteCarlo,
        runs,
        seed,
        parameter_uncertainty,
        parameter_source: None,
        runs_per_draw,
    }
}

/// Merge part files given as (file name, text), in any order. Every refusal names the file.
pub fn merge(parts: &[(String, String)]) -> Result<Merged, ShardError> {
    let err = |msg: String| Err(ShardError(msg));
    if parts.is_empty() {
        return err("merge: no part files given".into());
    }
    let mut parsed: Vec<(&str, PartFile)> = Vec::with_capacity(parts.len());
    for (file, text) in parts {
        let part = parse(file, text)?;
        parsed.push((file.as_str(), part));
    }
    let (first_file, first) = (parsed[0].0, &parsed[0].1);
    for (file, p) in &parsed[1..] {
        belongs_with(file, p, first_file, first)?;
    }
    // every shard exactly once
    let mut by_index: BTreeMap<u64, (&str, &PartFile)> = BTreeMap::new();
    for (file, p) in &parsed {
        if let Some((other, _)) = by_index.insert(p.shard, (file, p)) {
            return err(format!(
                "{file}: shard {}/{} is also in {other}: a shard may be given only once",
                p.shard, p.shards
            ));
        }
    }
    let missing: Vec<String> = (0..first.shards)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| format!("{i}/{}", first.shards))
        .collect();
    if !missing.is_empty() {
        let shown = detente_limits::cap_list(&missing, detente_limits::MAX_NAMES_IN_MESSAGE);
        let more = if shown.more > 0 {
            format!(" … and {} more", shown.more)
        } else {
            String::new()
        };
        return err(format!(
            "merge: shard {}{more} missing: give every part of the ensemble ({} parts, {first_file} is one)",
            shown.shown.join(", "),
            first.shards
        ));
    }
    let options = EnsembleOptions {
        chunk: first.chunk,
        runs_per_draw: first.runs_per_draw,
        ..EnsembleOptions::new(first.runs, first.seed)
    };
    for (file, p) in by_index.values() {
        check_chunks(file, p, &options)?;
    }
    let horizons: Vec<u32> = first
        .architectures
        .iter()
        .map(|a| a.horizon_months)
        .collect();
    let chunks: Vec<&ChunkRecord> = by_index.values().flat_map(|(_, p)| &p.chunks).collect();
    let parameter_uncertainty = first.uncertainty.is_some();
    if first.command == "run" {
        let summaries: Vec<Summary> = chunks
            .iter()
            .map(|c| Summary::from(&c.summaries[0]))
            .collect();
        Ok(Merged::Run {
            name: first.architectures[0].name.clone(),
            summary: Box::new(Summary::fold(horizons[0], &summaries)),
            seed: first.seed,
            parameter_uncertainty,
            parameter_source: first.parameter_source.clone(),
        })
    } else {
        let comparison_chunks: Vec<ComparisonChunk> = chunks
            .iter()
            .map(|c| ComparisonChunk {
                summaries: c.summaries.iter().map(Summary::from).collect(),
                diff_sum: c.diff_sum_bits.iter().map(|b| f64::from_bits(*b)).collect(),
                diff_sq: c.diff_sq_bits.iter().map(|b| f64::from_bits(*b)).collect(),
            })
            .collect();
        Ok(Merged::Compare {
            names: first.architectures.iter().map(|a| a.name.clone()).collect(),
            comparison: Comparison::fold(&horizons, &comparison_chunks),
            runs: first.runs,
            seed: first.seed,
            parameter_uncertainty,
            parameter_source: first.parameter_source.clone(),
            runs_per_draw: first.runs_per_draw,
        })
    }
}

/// Read one part file, checking that it is one and of this version.
fn parse(file: &str, text: &str) -> Result<PartFile, ShardError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ShardError(format!(
            "{file}: not a detente part file (written by `detente run --shard i/n --out-summary FILE`): {e}"
        ))
    })?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ShardError(format!(
            "{file}: not a detente part file: `format` is not \"{FORMAT}\""
        )));
    }
    let theirs = value.get("detente_version").and_then(Value::as_str);
    if theirs != Some(env!("CARGO_PKG_VERSION"))
        || value.get("format_version").and_then(Value::as_u64) != Some(FORMAT_VERSION)
    {
        return Err(ShardError(format!(
            "{file}: written by detente {} (part format {}); this is detente {} (part format {FORMAT_VERSION}): run every shard with the same version",
            theirs.unwrap_or("?"),
            value.get("format_version").map_or("?".into(), |v| v.to_string()),
            env!("CARGO_PKG_VERSION"),
        )));
    }
    let part: PartFile = serde_json::from_value(value)
        .map_err(|e| ShardError(format!("{file}: malformed part file: {e}")))?;
    if part.command != "run" && part.command != "compare" {
        return Err(ShardError(format!(
            "{file}: command `{}`: allowed: run or compare",
            part.command
        )));
    }
    if part.architectures.is_empty()
        || (part.command == "run") != (part.architectures.len() == 1)
        || part.shards == 0
        || part.shard >= part.shards
        || part.chunk == 0
        || part.runs == 0
    {
        return Err(ShardError(format!(
            "{file}: malformed part file: architectures, shard, runs or chunk out of range"
        )));
    }
    Ok(part)
}

/// Refuse a part that belongs to another ensemble than the first part.
fn belongs_with(
    file: &str,
    p: &PartFile,
    first_file: &str,
    first: &PartFile,
) -> Result<(), ShardError> {
    let differ = |what: &str, theirs: String, ours: String| {
        Err(ShardError(format!(
            "{file}: {what} {theirs}, but {first_file} has {ours}: parts of different ensembles cannot be merged"
        )))
    };
    let names = |p: &PartFile| {
        p.architectures
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if p.command != first.command {
        return differ("command", p.command.clone(), first.command.clone());
    }
    if names(p) != names(first) {
        return differ("architectures", names(p), names(first));
    }
    for (a, b) in p.architectures.iter().zip(&first.architectures) {
        if a.horizon_months != b.horizon_months {
            return differ(
                &format!("{}'s horizon", a.name),
                format!("{} months", a.horizon_months),
                format!("{} months", b.horizon_months),
            );
        }
        if a.fingerprint != b.fingerprint {
            return differ(
                &format!("architecture {} with fingerprint", a.name),
                a.fingerprint.clone(),
                format!(
                    "{} (the architecture or its parameters differ)",
                    b.fingerprint
                ),
            );
        }
    }
    let checks: [(&str, u64, u64); 4] = [
        ("runs", p.runs, first.runs),
        ("seed", p.seed, first.seed),
        ("shard count", p.shards, first.shards),
        ("chunk", p.chunk, first.chunk),
    ];
    for (what, theirs, ours) in checks {
        if theirs != ours {
            return differ(what, theirs.to_string(), ours.to_string());
        }
    }
    let draws = |p: &PartFile| match &p.uncertainty {
        Some(f) => format!(
            "--uncertainty (draw {f}, {} runs per draw)",
            p.runs_per_draw
        ),
        None => "no --uncertainty".into(),
    };
    if draws(p) != draws(first) {
        return differ("parameter draws:", draws(p), draws(first));
    }
    Ok(())
}

/// Check that a part holds exactly its shard's chunks, each of the right size and shape.
fn check_chunks(file: &str, p: &PartFile, options: &EnsembleOptions) -> Result<(), ShardError> {
    let expected = shard_chunks(options, p.shard, p.shards);
    let bad = |what: String| Err(ShardError(format!("{file}: malformed part file: {what}")));
    if p.first_chunk != expected.start || p.chunks.len() as u64 != expected.end - expected.start {
        return bad(format!(
            "shard {}/{} should hold chunks {}..{} of {}, it holds {} from {}",
            p.shard,
            p.shards,
            expected.start,
            expected.end,
            chunk_count(options),
            p.chunks.len(),
            p.first_chunk
        ));
    }
    let k = p.architectures.len();
    let pairs = if p.command == "compare" { k } else { 0 };
    for (c, chunk) in expected.zip(&p.chunks) {
        let runs = options.chunk.min(options.runs - c * options.chunk);
        let shape_ok = chunk.summaries.len() == k
            && chunk.diff_sum_bits.len() == pairs
            && chunk.diff_sq_bits.len() == pairs
            && chunk.summaries.iter().zip(&p.architectures).all(|(s, a)| {
                s.runs == runs
                    && s.horizon_months == a.horizon_months
                    && s.war_month_counts.len() == a.horizon_months as usize
            });
        if !shape_ok {
            return bad(format!(
                "chunk {c} does not hold {runs} runs of each of its {k} architecture(s)"
            ));
        }
    }
    Ok(())
}
