//! `detente-analysis`: grounding the model in history and carrying what we do not know.
//!
//! * [`icb`] reads ICB crisis-level files and maps their codes to the crisis layer's inputs;
//! * [`score`] has the proper scoring rules (ranked probability score, log-loss);
//! * [`optim`] is a small BFGS optimiser with numerical derivatives;
//! * [`ordlogit`] and [`mnlogit`] are the ordered- and multinomial-logit baselines;
//! * [`calibrate`] fits the crisis layer to ICB by maximum likelihood, with standard errors,
//!   baselines and forward-chaining validation;
//! * [`paramfile`] reads and writes the fitted-parameter TOML file (`params.toml`);
//! * [`uncertainty`] draws every model parameter for a run ([`detente_engine::ParamDraw`]);
//! * [`sensitivity`] has Morris screening and Sobol indices (SALib's estimators and layout);
//! * [`draws`] evaluates a run's parameter draws exactly: the survival fan and p(war) histogram;
//! * [`discover`] samples inputs (Latin hypercube), names outcomes and parses `--when`;
//! * [`cart`] grows a classification tree and reads its leaves as boxes;
//! * [`prim`] finds the box of inputs that holds cases of interest (PRIM, as EMA Workbench);
//! * [`hindcast`] sets the model beside the NATO–Russia dispute record (COW MID 5.0);
//! * [`history_match`] rules out parameter sets the record contradicts (Bayesian history matching);
//! * [`nuclear_shadow`] estimates the nuclear shadow from ICB crises between nuclear powers;
//! * [`robust`] evaluates architectures on shared draws and scores them (regret, targets);
//! * [`sweep`] parses lever grids and sets an architecture's input by its TOML path;
//! * [`svg`] draws bar charts of indices.
//!
//! Invariant: library code only — no printing, no terminal; errors are values with the file,
//! line and field they concern.

// Dense linear algebra and matrix layouts read best with index loops.
#![allow(clippy::needless_range_loop)]

pub mod calibrate;
pub mod cart;
pub mod discover;
pub mod draws;
pub mod given_data;
pub mod hindcast;
pub mod history_match;
pub mod icb;
pub mod mnlogit;
pub mod nuclear_shadow;
pub mod optim;
pub mod ordlogit;
pub mod paramfile;
pub mod prim;
pub mod robust;
pub mod score;
pub mod sensitivity;
pub mod svg;
pub mod sweep;
pub mod uncertainty;
