//! Errors of the deliberation crate. Input errors always carry the file name, the line and the
//! column (or field) at fault, plus what would have been allowed, so that a command-line front
//! end can print them verbatim and exit with the "invalid input" code. Planner infeasibility is
//! its own variant and lists the constraints that must be relaxed for a plan to exist.

use serde::Serialize;

/// A constraint that had to be violated in the elastic (relaxed) version of an infeasible plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// Row name of the constraint, as in the exported MPS model (e.g. `cover_min_eastern_flank_denial`).
    pub constraint: String,
    /// Human-readable description of the constraint.
    pub description: String,
    /// By how much the constraint must be violated, in the constraint's own unit.
    pub violation: f64,
}

/// Every error the crate returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad value in an input file.
    #[error("{file}: line {line}, column `{column}`: {message}")]
    Input {
        file: String,
        line: u64,
        column: String,
        message: String,
    },
    /// A problem with an input file as a whole (empty, unreadable structure).
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// The planning problem has no feasible solution.
    #[error("the plan is infeasible; constraints that conflict (must be violated by): {}", .conflicts.iter().map(|c| format!("{} ({}) by {:.4}", c.constraint, c.description, c.violation)).collect::<Vec<_>>().join("; "))]
    Infeasible { conflicts: Vec<Conflict> },
    /// The LP solver failed for another reason.
    #[error("solver failed: {0}")]
    Solver(String),
}

impl Error {
    pub(crate) fn input(file: &str, line: u64, column: &str, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.to_string(),
            line,
            column: column.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn file(file: &str, message: impl Into<String>) -> Self {
        Error::File {
            file: file.to_string(),
            message: message.into(),
        }
    }

    /// True when the error is the user's input's fault (bad file or infeasible instance).
    pub fn is_input(&self) -> bool {
        !matches!(self, Error::Solver(_))
    }
}
