//! Command modules. Each owns a clap `Args` struct and a `run(args) -> CmdResult`.
//! Errors that are the user's fault (bad input) are `CliError::Input` and exit with code 2;
//! everything else exits with code 1.

pub mod architecture;
pub mod bench;
pub mod calibrate;
pub mod campaign;
pub mod common;
pub mod compare;
pub mod deliberate;
pub mod elicit;
pub mod plan;
pub mod predict_crises;
pub mod sensitivity;
pub mod uncertainty_flags;

pub mod parquet_out;
pub mod report;
pub mod run;
pub mod serve;

use std::process::ExitCode;

/// Error of a command: input errors exit 2, the rest exit 1.
#[derive(Debug)]
pub enum CliError {
    /// The user's input is invalid (file, flag value); the message says where and what.
    Input(String),
    /// Anything else.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Other(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

pub type CmdResult = Result<(), CliError>;

/// Shorthand for an input error.
pub fn input_err(msg: impl Into<String>) -> CliError {
    CliError::Input(msg.into())
}

/// Turn a command's result into the process exit code, printing the error.
pub fn finish(result: CmdResult) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(CliError::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
