//! Sharded ensembles: the `--shard i/n --out-summary FILE` flags of `run` and `compare`, which
//! run one shard's chunks and write its part file, and `detente merge PART...`, which checks
//! the parts belong together and prints what the unsharded command would print, byte for
//! byte (the fold lives in `detente_server::shard`).

use super::common::{progress_bar, summary_table};
use super::{input_err, CliError, CmdResult};
use detente_analysis::uncertainty::Uncertainty;
use detente_engine::{EnsembleOptions, Scenario};
use detente_server::shard::{self, Merged, Shard};
use std::path::PathBuf;

/// The shard flags shared by `run` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct ShardArgs {
    /// Run only shard I of N (0-based: 0/4 … 3/4) of the ensemble's chunks and write its part
    /// file to --out-summary; `detente merge` of all N parts prints the unsharded result.
    #[arg(long, value_name = "I/N", requires = "out_summary")]
    pub shard: Option<Shard>,
    /// With --shard: the part file to write (JSON).
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub out_summary: Option<PathBuf>,
}

impl ShardArgs {
    /// Refuse what a shard cannot do: exact evaluation (no runs to split) and per-run rows.
    pub fn check(&self, exact: bool, out: bool) -> CmdResult {
        let Some(s) = self.shard else { return Ok(()) };
        if exact {
            return Err(input_err(format!(
                "--shard {s}: shards split simulated runs; --exact (and --uncertainty without \
                 --monte-carlo) evaluates the chain exactly and has none: drop --shard, or \
                 add --monte-carlo to --uncertainty"
            )));
        }
        if out {
            return Err(input_err(format!(
                "--shard {s}: --out (per-run rows) is not written by shards; run without --shard to write rows"
            )));
        }
        if let Some(path) = &self.out_summary {
            super::check_output(path)?;
        }
        Ok(())
    }

    /// Run this shard of `run` (one scenario) or `compare` (several) and write its part file.
    pub fn run(
        &self,
        scenarios: &[Scenario],
        options: EnsembleOptions,
        draw: Option<&Uncertainty>,
        compare: bool,
    ) -> CmdResult {
        let (Some(shard), Some(path)) = (self.shard, &self.out_summary) else {
            return Ok(());
        };
        let range = detente_engine::shard_chunks(&options, shard.index, shard.count);
        let chunk = options.chunk.max(1);
        let runs = (range.end * chunk).min(options.runs) - (range.start * chunk).min(options.runs);
        let bar = progress_bar(runs, &format!("shard {shard}"));
        let progress = |done: u64| {
            bar.set_position(done);
            true
        };
        let text = if compare {
            shard::compare_shard(scenarios, options, draw, shard, &progress)
        } else {
            shard::run_shard(&scenarios[0], options, draw, shard, &progress)
        }
        .map_err(|_| CliError::Other(anyhow::anyhow!("cancelled")))?;
        bar.finish_and_clear();
        super::write_output(path, text)?;
        eprintln!(
            "shard {shard}: {runs} runs (chunks {}..{}) written to {}",
            range.start,
            range.end,
            path.display()
        );
        Ok(())
    }
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The part files of every shard (`run`/`compare --shard i/n --out-summary FILE`), in
    /// any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Print one JSON object (as `run --json` or `compare --json` would) instead of the table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: MergeArgs) -> CmdResult {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let text = super::read_input(path)?;
        parts.push((path.display().to_string(), text));
    }
    let merged = shard::merge(&parts).map_err(|e| input_err(e.to_string()))?;
    if args.json {
        let value = shard::merged_json(&merged);
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Other(e.into()))?
        );
        return Ok(());
    }
    if let Some(view) = merged.comparison_view() {
        return super::compare::print_comparison(&view, false);
    }
    if let Merged::Run {
        name,
        summary,
        seed,
        parameter_uncertainty,
        ..
    } = &merged
    {
        print!(
            "{}",
            summary_table(
                name,
                &**summary,
                *seed,
                shard::run_interval(*parameter_uncertainty)
            )
        );
    }
    Ok(())
}
