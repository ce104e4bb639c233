//! `detente-deliberation`: the structured-deliberation method of seed 000 as a library —
//! concern rankings by groups of experts ([`rankings`]), fitting and pooling experts' numerical
//! judgements into parameter distributions ([`elicitation`], [`priors`]), and a linear
//! programme dividing post-war missions among actors ([`planner`], exported as [`mps`]).
//! The library never prints; every input error names file, line and column.

mod csvin;
pub mod elicitation;
pub mod error;
pub mod mps;
pub mod planner;
pub mod priors;
pub mod rankings;

pub use error::{Conflict, Error};
