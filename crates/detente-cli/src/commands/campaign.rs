//! `detente campaign`: run the Baltic campaign model (`detente-campaign`) for a built-in
//! posture or a posture TOML file, optionally with NATO brigades added in place; print time to
//! each objective, the probability it falls within 60 h / 7 d / 30 d and losses (text or
//! `--json`); `--sweep` varies added heavy and light brigades and writes a CSV table and SVG
//! heatmaps; `--list` lists the built-in postures and `--dump` prints a posture as TOML (the
//! file format). Bad input (unknown posture, bad file, bad `--add-brigades`) exits with code 2.

use super::{input_err, CliError, CmdResult};
use detente_campaign::{parse_add_brigades, run_campaign, sweep, CampaignSummary, Posture};
use std::path::PathBuf;

/// Arguments of `detente campaign`.
#[derive(clap::Args, Debug)]
pub struct CampaignArgs {
    /// Built-in posture name (see --list) or a posture TOML file [default: posture-2025]
    pub posture: Option<String>,
    /// Replications
    #[arg(long, default_value_t = 10_000)]
    pub runs: u32,
    /// Random seed (results are reproducible for a given seed)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// Add NATO brigades in place at the outset: KIND=N[,KIND=N], KIND one of heavy, mechanised, light
    #[arg(long, value_name = "KIND=N[,KIND=N]")]
    pub add_brigades: Option<String>,
    /// List the built-in postures and exit
    #[arg(long)]
    pub list: bool,
    /// Print the posture (after --add-brigades) as TOML, the posture-file format, and exit
    #[arg(long)]
    pub dump: bool,
    /// Sweep added heavy × light brigades (0..=--max-added each): table, CSV and SVG heatmaps
    #[arg(long)]
    pub sweep: bool,
    /// Directory for the sweep's CSV and SVG files
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,
    /// Largest number of heavy and of light brigades added in a sweep
    #[arg(long, default_value_t = 6)]
    pub max_added: u32,
    /// Replications per sweep cell
    #[arg(long, default_value_t = 2_000)]
    pub sweep_runs: u32,
}

fn load(spec: &str) -> Result<Posture, super::CliError> {
    if let Some(p) = Posture::builtin(spec) {
        return Ok(p);
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        let names: Vec<&str> = Posture::builtin_names().iter().map(|n| n.0).collect();
        return Err(input_err(format!(
            "{spec:?} is neither a built-in posture ({}) nor an existing file",
            names.join(", ")
        )));
    }
    let text = super::read_input(path)?;
    let posture = Posture::from_toml_str(&text, &path.display().to_string())
        .map_err(|e| input_err(e.to_string()))?;
    // names reach the terminal: no escape sequences in them
    if posture.name.chars().any(char::is_control) {
        return Err(input_err(format!(
            "{}: `name`: a control character in {:?}; allowed: printable text",
            path.display(),
            posture.name
        )));
    }
    Ok(posture)
}

fn hours(h: Option<f64>, horizon: f64) -> String {
    match h {
        Some(h) => format!("{h:.0}"),
        None => format!(">{horizon:.0}h"),
    }
}

fn print_text(s: &CampaignSummary) {
    println!(
        "Campaign: {} — {} replications, seed {}, window {:.0} h",
        s.posture, s.runs, s.seed, s.horizon_hours
    );
    println!();
    println!(
        "{:<18} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "objective", "p10 h", "median h", "p90 h", "P(60h)", "P(7d)", "P(30d)"
    );
    for o in &s.objectives {
        println!(
            "{:<18} {:>8} {:>8} {:>8} {:>8.3} {:>8.3} {:>8.3}",
            o.name,
            hours(o.hours_p10, s.horizon_hours),
            hours(o.hours_median, s.horizon_hours),
            hours(o.hours_p90, s.horizon_hours),
            o.p_fall_60h,
            o.p_fall_7d,
            o.p_fall_30d
        );
    }
    println!();
    let q = &s.quick_success;
    println!(
        "Quick success ({}): {:.3}  [95% {:.3}–{:.3}]",
        s.quick_success_definition, q.p, q.lo, q.hi
    );
    let r = &s.p_rapid_fall_60h;
    println!(
        "Rapid fall within 60 h:                              {:.3}  [95% {:.3}–{:.3}]",
        r.p, r.lo, r.hi
    );
    println!();
    for (side, l) in [
        ("Attacker", &s.attacker_losses),
        ("Defender", &s.defender_losses),
    ] {
        println!(
            "{side} losses: mean {:.1} of {:.1} committed (tank-bn equivalents of combat power, {:.0}%), 10–90%: {:.1}–{:.1}",
            l.mean_cp,
            l.mean_committed_cp,
            100.0 * l.mean_fraction,
            l.p10_cp,
            l.p90_cp
        );
    }
    println!(
        "  of the attacker's, to NATO air power: {:.1}",
        s.attacker_lost_to_air_mean_cp
    );
    println!("Intervals are sampling error only; model uncertainty: docs/campaign.md.");
}

/// Run `detente campaign`.
pub fn run(args: CampaignArgs) -> CmdResult {
    if args.list {
        if args.json {
            let v: Vec<_> = Posture::builtin_names()
                .iter()
                .map(|(n, d)| serde_json::json!({"name": n, "description": d}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?
            );
        } else {
            for (n, d) in Posture::builtin_names() {
                println!("{n:<14} {d}");
            }
        }
        return Ok(());
    }
    if args.runs == 0 || args.runs > 10_000_000 {
        return Err(input_err(format!(
            "--runs {} is out of range 1..=10000000",
            args.runs
        )));
    }
    if args.sweep_runs == 0 || args.sweep_runs > 1_000_000 {
        return Err(input_err(format!(
            "--sweep-runs {} is out of range 1..=1000000",
            args.sweep_runs
        )));
    }
    if args.max_added > 20 {
        return Err(input_err(format!(
            "--max-added {} is out of range 0..=20",
            args.max_added
        )));
    }
    let base = load(args.posture.as_deref().unwrap_or("posture-2025"))?;
    let (h, m, l) = match &args.add_brigades {
        Some(spec) => parse_add_brigades(spec).map_err(input_err)?,
        None => (0, 0, 0),
    };
    let posture = base.with_added_brigades(h, m, l);
    if args.dump {
        print!("{}", posture.to_toml_string());
        return Ok(());
    }
    if args.sweep {
        let cells = u64::from(args.max_added + 1).pow(2);
        let replications = cells * u64::from(args.sweep_runs);
        if replications > detente_limits::MAX_SWEEP_REPLICATIONS {
            return Err(input_err(format!(
                "--sweep: {cells} cells × --sweep-runs {} = {replications} replications; allowed: at most {} (docs/limits.md): lower --max-added or --sweep-runs",
                args.sweep_runs,
                detente_limits::MAX_SWEEP_REPLICATIONS
            )));
        }
        // the output directory first: the sweep takes a while
        std::fs::create_dir_all(&args.out_dir).map_err(|e| {
            CliError::Other(anyhow::anyhow!(
                "--out-dir {}: cannot create: {e}",
                args.out_dir.display()
            ))
        })?;
        let stem = format!("campaign-sweep-{}", sanitize(&posture.name));
        for suffix in [".csv", "-7d.svg", "-60h.svg"] {
            super::check_output(&args.out_dir.join(format!("{stem}{suffix}")))?;
        }
        let sw = sweep(
            &posture,
            args.max_added,
            args.max_added,
            args.sweep_runs,
            args.seed,
        );
        let stem = format!("campaign-sweep-{}", sanitize(&posture.name));
        let csv = args.out_dir.join(format!("{stem}.csv"));
        let svg7 = args.out_dir.join(format!("{stem}-7d.svg"));
        let svg60 = args.out_dir.join(format!("{stem}-60h.svg"));
        super::write_output(&csv, sw.to_csv())?;
        super::write_output(&svg7, sw.heatmap_svg(true))?;
        super::write_output(&svg60, sw.heatmap_svg(false))?;
        if args.json {
            let v = serde_json::json!({
                "sweep": sw,
                "files": [csv.display().to_string(), svg7.display().to_string(), svg60.display().to_string()],
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?
            );
        } else {
            println!(
                "Sweep of {}: P({} falls within 7 days) [within 60 h], {} replications per cell, seed {}",
                sw.posture,
                sw.objectives.join(" or "),
                sw.runs,
                sw.seed
            );
            print!("{:>14}", "heavy \\ light");
            for lt in 0..=sw.max_light {
                print!(" {:>13}", lt);
            }
            println!();
            for hv in 0..=sw.max_heavy {
                print!("{hv:>14}");
                for lt in 0..=sw.max_light {
                    let c = &sw.cells[(hv * (sw.max_light + 1) + lt) as usize];
                    print!(" {:>5.3} [{:.3}]", c.p_rapid_7d, c.p_rapid_60h);
                }
                println!();
            }
            println!();
            for f in [&csv, &svg7, &svg60] {
                println!("wrote {}", f.display());
            }
        }
        return Ok(());
    }
    let summary = run_campaign(&posture, args.runs, args.seed);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)?
        );
    } else {
        print_text(&summary);
    }
    Ok(())
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '+' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
