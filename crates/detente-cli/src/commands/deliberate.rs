//! `detente deliberate FILE.csv [--top K] [--json]`: aggregate experts' concern rankings per
//! group (Borda), measure agreement (Kendall's W), and compare the groups' top-K lists.

use super::{input_err, CmdResult};
use detente_deliberation::rankings::{deliberate, parse_rankings};
use std::path::PathBuf;

/// Aggregate experts' concern rankings by group (Borda count, Kendall's W, top-K overlap).
#[derive(clap::Args)]
pub struct Args {
    /// Rankings CSV with the columns expert,group,concern,rank (rank 1 = gravest).
    pub file: PathBuf,
    /// Size of each group's top list compared across groups.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CmdResult {
    if args.top == 0 {
        return Err(input_err("--top must be at least 1"));
    }
    let name = args.file.display().to_string();
    let text = super::read_input(&args.file)?;
    let rows = parse_rankings(&text, &name).map_err(|e| input_err(e.to_string()))?;
    let d = deliberate(&rows, args.top);
    if args.json {
        let v = serde_json::to_string_pretty(&d).map_err(anyhow::Error::from)?;
        println!("{v}");
        return Ok(());
    }
    let experts: usize = d.experts.values().sum();
    println!(
        "Deliberation of {name}: {experts} experts in {} groups; top-{} lists compared",
        d.experts.len(),
        d.top_k
    );
    println!(
        "\nGroup rankings (Borda count; W = Kendall's coefficient of concordance, tie-corrected)"
    );
    for (g, scored) in &d.group_scores {
        let w = match d.kendall_w[g] {
            Some(w) => format!("{w:.3}"),
            None => "n/a".into(),
        };
        println!("  {g} ({} experts, W = {w})", d.experts[g]);
        for (i, s) in scored.iter().enumerate() {
            println!("    {:>2}. {:<28} {:>6.1}", i + 1, s.concern, s.borda);
        }
    }
    let groups: Vec<&String> = d.top.keys().collect();
    let width = groups.iter().map(|g| g.len()).max().unwrap_or(5).max(5);
    println!(
        "\nOverlap of the top-{} lists (number of shared concerns)",
        d.top_k
    );
    print!("  {:width$}", "");
    for g in &groups {
        print!(" {:>width$}", g);
    }
    println!();
    for g in &groups {
        print!("  {:width$}", g);
        for h in &groups {
            print!(" {:>width$}", d.overlap[*g][*h]);
        }
        println!();
    }
    println!(
        "\nIn every group's top {}: {}",
        d.top_k,
        if d.shared_by_all.is_empty() {
            "(none)".to_string()
        } else {
            d.shared_by_all.join(", ")
        }
    );
    println!("\nConcerns that divide the groups most (spread of the normalised Borda score, 0..1)");
    for v in d.divisive.iter().take(5) {
        println!(
            "  {:<28} {:.2}  highest {} ({:.2}), lowest {} ({:.2}), in {} top-{} lists",
            v.concern,
            v.spread,
            v.highest_group,
            v.highest,
            v.lowest_group,
            v.lowest,
            v.in_top_k_of,
            d.top_k
        );
    }
    Ok(())
}
