//! `detente-campaign`: an open, documented stochastic operational model of a limited Russian
//! offensive into Estonia and Latvia with the Suwałki corridor as a further objective —
//! deterrence by denial made measurable. A [`Posture`] (built in or read from TOML) lists both
//! sides' units, the axes and the air and model constants; [`run_campaign`] replicates the
//! campaign and summarises time to each objective and losses; [`quick_success_probability`]
//! gives the engine the probability that the attacker takes Tallinn or Riga within 7 days
//! (by default; see [`posture::QuickSuccess`]), cached per posture for the whole process.
//! Results depend only on (posture, replications, seed), not on the number of threads.
//! Model and sources: `docs/campaign.md`.

pub mod builtin;
pub mod model;
pub mod posture;
pub mod stats;
pub mod sweep;

pub use model::{Compiled, Replication};
pub use posture::{parse_add_brigades, BrigadeKind, Posture, PostureError, UnitKind};
pub use stats::{run_campaign, CampaignSummary, ObjectiveSummary, Prob};
pub use sweep::{sweep, Sweep, SweepCell};

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Probability that the attacker achieves a quick success against `posture`: any of
/// `posture.quick_success.objectives` (by default Tallinn or Riga) falls within
/// `posture.quick_success.hours` (by default 168 h = 7 days). Estimated from `replications`
/// replications with `seed`; deterministic. Results are cached process-wide, keyed by the
/// full posture, the replications and the seed, so repeated calls for one architecture are
/// free.
pub fn quick_success_probability(posture: &Posture, replications: u32, seed: u64) -> f64 {
    static CACHE: OnceLock<Mutex<HashMap<(String, u32, u64), f64>>> = OnceLock::new();
    let key = (format!("{posture:?}"), replications, seed);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(&p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return p;
    }
    let c = Compiled::new(posture);
    let reps = stats::replicate(&c, replications, seed);
    let p = if reps.is_empty() {
        0.0
    } else {
        reps.iter().filter(|r| c.is_quick(r)).count() as f64 / reps.len() as f64
    };
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, p);
    p
}
