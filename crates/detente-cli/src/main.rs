//! `detente`: the command-line edge of the workbench. This file only defines the command
//! line and dispatches to `commands::*`; each command module parses its own arguments into
//! library calls and prints the result. Exit codes: 0 success, 1 runtime failure, 2 invalid
//! input (bad file, bad flag value).

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "detente",
    version,
    about = "Design and stress-test Europe's post-war security architecture"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    // COMMANDS: one variant per command module; keep one line each.
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        // DISPATCH: one arm per command module.
    };
    commands::finish(result)
}
