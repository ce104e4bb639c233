//! The campaign model's quick-success probability behind every architecture: that a limited
//! Russian grab takes Tallinn or Riga within 7 days against the forward posture
//! (`detente-campaign`), at the posture's own attacker and on a grid of Russian frontier force
//! levels. Each figure is a campaign run of fixed replications and seed, so the same posture
//! always gets the same figure; those of the built-in architectures are committed in
//! `data/quick_success.csv` so a built-in runs without replaying the campaign (about two thirds
//! of `detente run baseline --exact`'s work), and `tests/quick_success_table.rs` recomputes every
//! committed row, failing when the campaign model changes (`UPDATE_QUICK_SUCCESS=1` rewrites it).

use crate::format::Posture;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The committed campaign results: `posture,heavy,mechanised,light,scale,probability`, scale
/// `base` for the posture's own attacker or the attacker's scale on the force grid.
pub const COMMITTED_CSV: &str = include_str!("../../../data/quick_success.csv");

/// A campaign figure's key: posture, added brigades (heavy, mechanised, light), and the
/// attacker's scale on the force grid (None: the posture's own attacker).
pub type CampaignKey = (Posture, (u32, u32, u32), Option<f64>);

/// Replications and seed of the campaign model behind every architecture's quick-success
/// probability (fixed, so the same architecture always gets the same figure).
pub const CAMPAIGN_REPLICATIONS: u32 = 2_000;
pub const CAMPAIGN_SEED: u64 = 2025;

/// The campaign model's probability (`detente-campaign`) that Tallinn or Riga falls within
/// 7 days against `posture` with the added brigades; computed once per posture and cached.
pub fn quick_success_probability(posture: Posture, heavy: u32, mechanised: u32, light: u32) -> f64 {
    campaign_figure(&(posture, (heavy, mechanised, light), None))
}

/// The figure for `key`: committed, or run now.
fn campaign_figure(key: &CampaignKey) -> f64 {
    committed()
        .get(&row_key(key))
        .copied()
        .unwrap_or_else(|| run_campaign(key))
}

/// The campaign run behind the figure for `key` (cached process-wide by the campaign crate).
pub fn run_campaign(&(posture, (heavy, mechanised, light), scale): &CampaignKey) -> f64 {
    let base = detente_campaign::Posture::builtin(posture.name())
        .expect("every posture of the architecture format is a campaign built-in (tested)")
        .with_added_brigades(heavy, mechanised, light);
    let p = match scale {
        Some(s) => base.with_attacker_scaled(s),
        None => base,
    };
    detente_campaign::quick_success_probability(&p, CAMPAIGN_REPLICATIONS, CAMPAIGN_SEED)
}

/// A key's row in the committed table, without its probability.
pub fn row_key(&(posture, (heavy, mechanised, light), scale): &CampaignKey) -> String {
    let scale = scale.map_or("base".to_string(), |s| format!("{s:.2}"));
    format!("{},{heavy},{mechanised},{light},{scale}", posture.name())
}

/// The committed figures by row key (a malformed row is skipped, and the test that checks the
/// table fails on it).
fn committed() -> &'static HashMap<String, f64> {
    static TABLE: OnceLock<HashMap<String, f64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        COMMITTED_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (key, p) = line.rsplit_once(',')?;
                Some((key.to_string(), p.trim().parse().ok()?))
            })
            .collect()
    })
}

/// Steps (in forces over their post-war target) of the quick-success table.
pub const FORCES_STEP: f64 = 0.25;

/// The campaign model's quick-success probability with its limited-grab force scaled to Russia's
/// frontier forces: (forces / post-war target, probability) on a grid of [`FORCES_STEP`] from the
/// lowest level a run can reach (the smaller of the start and the target, less the largest
/// drain a second war can cause, `second_war_force_drain`'s upper end) to the highest. The
/// posture's attacker stands for the frontier forces at their post-war target (assumption:
/// docs/model.md). Each grid point is a campaign figure (committed or run).
pub fn quick_success_by_forces(
    posture: Posture,
    brigades: (u32, u32, u32),
    start_k: f64,
    target_k: f64,
) -> Vec<(f64, f64)> {
    force_grid(start_k, target_k)
        .into_iter()
        .map(|ratio| {
            if ratio == 0.0 {
                // No grab force, no quick success.
                return (0.0, 0.0);
            }
            (ratio, campaign_figure(&(posture, brigades, Some(ratio))))
        })
        .collect()
}

/// The force grid (forces over their post-war target) of [`quick_success_by_forces`].
pub fn force_grid(start_k: f64, target_k: f64) -> Vec<f64> {
    if target_k.is_nan() || target_k <= 0.0 || !start_k.is_finite() {
        return Vec::new();
    }
    let max_drain = detente_engine::PARAM_SPECS
        .iter()
        .find(|s| s.name == "second_war_force_drain")
        .map_or(0.0, |s| s.high.clamp(0.0, 1.0));
    let low_ratio = (start_k.min(target_k) / target_k * (1.0 - max_drain)).max(0.0);
    let high_ratio = start_k.max(target_k) / target_k;
    let first = (low_ratio / FORCES_STEP).floor() as i64;
    let last = (high_ratio / FORCES_STEP).ceil() as i64;
    (first..=last).map(|i| i as f64 * FORCES_STEP).collect()
}
