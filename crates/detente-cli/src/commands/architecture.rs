//! Commands about architecture files: `list` and `show` the built-ins, `check` a file,
//! print the format's JSON `schema`, and list the model's `params` with units and sources.

use super::{input_err, CliError, CmdResult};
use detente_arch::{builtin, BUILTINS};

#[derive(clap::Args, Debug)]
pub struct ListArgs {}

pub fn list(_: ListArgs) -> CmdResult {
    for b in BUILTINS {
        println!("{:<14} {}", b.name, b.summary);
    }
    Ok(())
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Name of a built-in architecture.
    pub name: String,
}

pub fn show(args: ShowArgs) -> CmdResult {
    match builtin(&args.name) {
        Some(b) => {
            print!("{}", b.toml);
            Ok(())
        }
        None => {
            let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
            Err(input_err(format!(
                "no built-in architecture `{}`; allowed: {}",
                args.name,
                names.join(", ")
            )))
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Architecture files (or built-in names) to validate.
    #[arg(required = true)]
    pub files: Vec<String>,
}

pub fn check(args: CheckArgs) -> CmdResult {
    let mut failed = Vec::new();
    for f in &args.files {
        match detente_arch::load(f) {
            Ok(l) => println!("{f}: ok ({})", l.name),
            Err(e) => {
                eprintln!("{e}");
                failed.push(f.as_str());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(input_err(format!("invalid: {}", failed.join(", "))))
    }
}

#[derive(clap::Args, Debug)]
pub struct SchemaArgs {}

pub fn schema(_: SchemaArgs) -> CmdResult {
    let s = serde_json::to_string_pretty(&detente_arch::schema())
        .map_err(|e| CliError::Other(e.into()))?;
    println!("{s}");
    Ok(())
}

#[derive(clap::Args, Debug)]
pub struct ParamsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Print a Markdown table (the one in docs/model.md).
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
}

/// The defaults table as Markdown, as in docs/model.md.
pub fn params_markdown() -> String {
    let mut out = String::from(
        "| parameter | default | unit | range | source | meaning |\n|---|---|---|---|---|---|\n",
    );
    for s in detente_engine::PARAM_SPECS {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} – {} | {} | {} |\n",
            s.name,
            s.default,
            s.unit,
            s.low,
            s.high,
            s.source,
            s.doc.trim()
        ));
    }
    out
}

pub fn params(args: ParamsArgs) -> CmdResult {
    let specs = detente_engine::PARAM_SPECS;
    if args.markdown {
        print!("{}", params_markdown());
        return Ok(());
    }
    if args.json {
        let v: Vec<_> = specs
            .iter()
            .map(|s| {
                serde_json::json!({"name": s.name, "default": s.default, "unit": s.unit, "low": s.low, "high": s.high, "source": s.source, "doc": s.doc})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| CliError::Other(e.into()))?
        );
    } else {
        for s in specs {
            println!(
                "{:<34} {:>9} {:<26} [{}, {}]  {}",
                s.name, s.default, s.unit, s.low, s.high, s.source
            );
        }
    }
    Ok(())
}
