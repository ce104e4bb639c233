//! `detente-arch`: the architecture file format of the detente workbench.
//!
//! An architecture is a TOML file ([`Architecture`]) declaring actors and their profiles,
//! slow dynamics, mechanisms, ceasefire terms, pathways and the horizon. This crate parses
//! and validates such files, reporting every problem with file, line, column, field and what
//! is allowed ([`Diagnostic`]); derives the JSON Schema of the format; ships the built-in
//! architectures; and turns an architecture into the engine's [`detente_engine::Scenario`].
//!
//! ```
//! let loaded = detente_arch::load("baseline").unwrap();
//! let scenario = loaded.architecture.to_scenario();
//! assert_eq!(scenario.policy.horizon_months, 120);
//! ```
//!
//! Architecture invariant: no terminal output, no HTTP; the only file access is
//! [`load`] reading the path it is given.

pub mod builtin;
pub mod format;
pub mod quick_success;
pub mod scenario;
pub mod validate;

pub use builtin::{builtin, BUILTINS};
pub use format::Architecture;
pub use quick_success::quick_success_probability;
pub use validate::{parse_architecture, schema, Diagnostic};

use std::fmt;

/// An architecture with where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The architecture's name (from the file).
    pub name: String,
    /// Its TOML text.
    pub source: String,
    /// Where it came from: a path or `<builtin:NAME>`.
    pub origin: String,
    pub architecture: Architecture,
}

/// Why an architecture could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// No built-in of that name and no such file.
    NotFound(String),
    /// The file could not be read.
    Io(String, std::io::Error),
    /// The file is too large or not UTF-8 (the message names the position).
    NotText(detente_limits::ReadError),
    /// The file is invalid: every problem found.
    Invalid(Vec<Diagnostic>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(spec) => {
                let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
                write!(
                    f,
                    "`{spec}` is neither a built-in architecture ({}) nor a readable file",
                    names.join(", ")
                )
            }
            LoadError::Io(path, e) => write!(f, "{path}: {e}"),
            LoadError::NotText(e) => write!(f, "{e}"),
            LoadError::Invalid(diags) => {
                let capped = detente_limits::cap_list(diags, detente_limits::MAX_DIAGNOSTICS);
                for (i, d) in capped.shown.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                if capped.more > 0 {
                    write!(
                        f,
                        "\n… and {} more (the first {} are listed)",
                        capped.more,
                        capped.shown.len()
                    )?;
                }
                write!(
                    f,
                    "\n{} problem{} found",
                    diags.len(),
                    if diags.len() == 1 { "" } else { "s" }
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Parse architecture text; `origin` names it in diagnostics.
pub fn load_str(text: &str, origin: &str) -> Result<Loaded, LoadError> {
    let architecture = parse_architecture(text, origin).map_err(LoadError::Invalid)?;
    Ok(Loaded {
        name: architecture.name.clone(),
        source: text.to_string(),
        origin: origin.to_string(),
        architecture,
    })
}

/// Load a built-in architecture by name, or a file by path.
pub fn load(spec: &str) -> Result<Loaded, LoadError> {
    if let Some(b) = builtin(spec) {
        return load_str(b.toml, &format!("<builtin:{}>", b.name));
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        return Err(LoadError::NotFound(spec.to_string()));
    }
    let text = detente_limits::read_text(path).map_err(|e| match e {
        detente_limits::ReadError::Io(_, io) => LoadError::Io(spec.to_string(), io),
        other => LoadError::NotText(other),
    })?;
    load_str(&text, spec)
}
