//! `detente plan [FILE|NAME] [--json] [--export-lp FILE.mps] [--apply --out FILE.toml]`:
//! divide post-war missions among actors by linear programming, show the burden beside the
//! capability and vulnerability of each actor, and optionally write the plan's mission coverage
//! into an architecture file as mechanism strengths.

use super::{input_err, CliError, CmdResult};
use detente_deliberation::mps::write_mps;
use detente_deliberation::planner::{apply_plan, default_input, input_from_toml, plan, PlanInput};
use detente_deliberation::Error;
use serde_json::json;
use std::path::PathBuf;

/// Divide post-war missions among actors by linear programming (burden vs capability).
#[derive(clap::Args)]
pub struct Args {
    /// Architecture TOML file with [[actors]] (or a built-in name; without it the planner's own
    /// default actors are used).
    pub arch: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Write the exact linear programme solved in free MPS format.
    #[arg(long, value_name = "FILE.mps")]
    pub export_lp: Option<PathBuf>,
    /// Write the architecture with mechanism strengths set from the plan (needs --out).
    #[arg(long, requires = "out")]
    pub apply: bool,
    /// Output architecture file for --apply.
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
}

/// Architecture text and name for FILE|NAME, or None for the planner's defaults.
fn resolve(arch: &Option<String>) -> Result<Option<(String, String)>, CliError> {
    let Some(a) = arch else { return Ok(None) };
    let path = std::path::Path::new(a);
    if path.exists() {
        let text = super::read_input(path)?;
        return Ok(Some((text, a.clone())));
    }
    if a == "default" {
        return Ok(None);
    }
    if let Some(b) = detente_arch::builtin(a) {
        return Ok(Some((b.toml.to_string(), format!("<builtin:{}>", b.name))));
    }
    let names: Vec<&str> = detente_arch::BUILTINS.iter().map(|b| b.name).collect();
    Err(input_err(format!(
        "{a}: no such file, and not a built-in architecture (allowed: a TOML file with [[actors]], a built-in name ({}), or `default` for the planner's own actors)",
        names.join(", ")
    )))
}

fn to_cli(e: Error) -> CliError {
    if e.is_input() {
        input_err(e.to_string())
    } else {
        CliError::Other(anyhow::anyhow!(e.to_string()))
    }
}

pub fn run(args: Args) -> CmdResult {
    if args.out.is_some() && !args.apply {
        return Err(input_err("--out is only used with --apply"));
    }
    for out in args.export_lp.iter().chain(&args.out) {
        super::check_output(out)?;
    }
    let arch = resolve(&args.arch)?;
    let input: PlanInput = match &arch {
        Some((text, name)) => input_from_toml(text, name).map_err(to_cli)?,
        None => default_input(),
    };
    let result = plan(&input);
    // export the model even when infeasible, so it can be inspected elsewhere
    if let Some(f) = &args.export_lp {
        let model = detente_deliberation::planner::build_model(&input, false);
        super::write_output(f, write_mps(&model))?;
    }
    let p = result.map_err(to_cli)?;
    if args.apply {
        let out = args.out.as_ref().expect("clap requires --out");
        let (text, name) = match &arch {
            Some((t, n)) => (t.clone(), n.clone()),
            None => (
                "# mechanism strengths written by `detente plan --apply` for the planner's default actors\n".to_string(),
                "default".to_string(),
            ),
        };
        let edited = apply_plan(&text, &name, &input.missions, &p.coverage).map_err(to_cli)?;
        super::write_output(out, edited)?;
    }
    if args.json {
        let v = json!({
            "objective": p.objective,
            "assignments": p.assignments,
            "coverage": p.coverage,
            "burden": p.burden,
            "missions": input.missions,
            "params": input.params,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?
        );
        return Ok(());
    }
    println!(
        "Plan for {}: {} actors, {} missions; objective (concern-weighted fit) {:.4}",
        arch.as_ref()
            .map(|a| a.1.as_str())
            .unwrap_or("the default actors"),
        input.actors.len(),
        input.missions.len(),
        p.objective
    );
    println!("\nShares of each mission (1 = the whole mission)");
    print!("  {:<28}", "mission");
    for a in &input.actors {
        print!(" {:>9.9}", a.id);
    }
    println!(" {:>9} {:>9}", "coverage", "required");
    for m in &input.missions {
        print!("  {:<28.28}", m.id);
        for a in &input.actors {
            let x = p.assignments[&a.id].get(&m.id).copied().unwrap_or(0.0);
            if x > 0.0 {
                print!(" {:>9.3}", x);
            } else {
                print!(" {:>9}", "-");
            }
        }
        println!(" {:>9.3} {:>9.3}", p.coverage[&m.id], m.required_level);
    }
    println!("\nBurden beside capability and vulnerability (the mismatch)");
    println!(
        "  {:<16} {:>9} {:>8} {:>10} {:>8} {:>9} {:>8} {:>8}",
        "actor", "US$ bn", "burden", "capability", "vulner.", "tolerance", "risk", "budget"
    );
    for b in &p.burden {
        println!(
            "  {:<16.16} {:>9.2} {:>7.1}% {:>9.1}% {:>8.2} {:>9.2} {:>8.2} {:>7.0}%",
            b.actor,
            b.burden_usd_bn,
            100.0 * b.burden_share,
            100.0 * b.capability_share,
            b.vulnerability,
            b.escalation_tolerance,
            b.risk_carried,
            100.0 * b.budget_used
        );
    }
    if let Some(f) = &args.export_lp {
        println!("\nLP written to {} (free MPS)", f.display());
    }
    if let Some(out) = &args.out {
        println!(
            "architecture with plan-set mechanisms written to {}",
            out.display()
        );
    }
    Ok(())
}
