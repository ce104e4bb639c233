//! `detente-engine`: the simulation engine of the detente workbench.
//!
//! A [`Scenario`] (the model's [`ModelParams`] and an architecture's [`Policy`]) is simulated
//! in three layers: the slow layer ([`slow`]) moves rearmament, spending, cohesion, fatigue,
//! connectivity and perceptions month by month; the event layer ([`run`]) draws triggers for
//! each of the seven [`Pathway`]s at state-dependent rates; the crisis layer ([`crisis`])
//! plays each crisis out on an escalation ladder. [`ensemble`] runs many histories in
//! parallel with reproducible random streams and reduces them to a [`Summary`]; [`exact`]
//! computes the same summaries without sampling ([`ExactSummary`]), and both are read
//! through [`Figures`].
//!
//! ```
//! use detente_engine::{run_ensemble, EnsembleOptions, ModelParams, Policy, Scenario};
//! let scenario = Scenario { name: "neutral".into(), params: ModelParams::default(), policy: Policy::default() };
//! let summary = run_ensemble(&scenario, EnsembleOptions::new(2_000, 42), None, &|_| true, None).unwrap();
//! let p = summary.p_war();
//! assert!(p.low <= p.value && p.value <= p.high);
//! ```
//!
//! Architecture invariant: this crate knows nothing of files, formats, terminals or HTTP.
//! Inputs arrive as plain data; outputs leave as plain data.

pub mod crisis;
pub mod ensemble;
pub mod events;
pub mod exact;
pub mod figures;
pub mod mechanism;
pub mod params;
pub mod pathway;
pub mod policy;
pub mod reuse;
pub mod rng;
pub mod run;
pub mod slow;
pub mod stats;
pub mod war;

pub use crisis::{
    max_rung_distribution, CrisisInputs, Ladder, MemberTerms, SideTerms, Trigger, RUNGS,
    RUNG_NAMES, TRIGGER_COUNT,
};
pub use ensemble::{
    chunk_count, chunk_summaries, compare, compare_chunk_summaries, run_ensemble,
    run_ensemble_streaming, shard_chunks, Cancelled, Comparison, ComparisonChunk, DiffSpread,
    DrawSpread, EnsembleOptions, ParamDraw, Scenario, Summary, SummaryStream,
};
pub use exact::ExactSummary;
pub use figures::{Figures, Method};
pub use mechanism::{
    MechanismId, MechanismSetting, MechanismSettings, Strengths, MECHANISM_COUNT, REGISTRY,
};
pub use params::{ModelParams, ParamSpec, PARAM_SPECS};
pub use pathway::{Pathway, PATHWAY_COUNT};
pub use policy::{CeasefireTerms, MemberRole, NatoMember, Policy};
pub use run::{simulate_run, Costs, RunOutcome};
pub use slow::Trajectory;
pub use stats::Estimate;
pub use war::{WarCourse, WarOutcomes, WarPhase};
