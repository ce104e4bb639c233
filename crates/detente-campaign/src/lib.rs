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

/// Cache of [`quick_success_probability`]: (posture's `Debug` form, replications, seed) → p.
type QuickCache = HashMap<(String, u32, u64), f64>;

/// Probability that the attacker achieves a quick success against `posture`: any of
/// `posture.quick_success.objectives` (by default Tallinn or Riga) falls within
/// `posture.quick_success.hours` (by default 168 h = 7 days). Estimated from `replications`
/// replications with `seed`; deterministic. Results are cached process-wide, keyed by the
/// full posture, the replications and the seed, so repeated calls for one architecture are
/// free.
pub fn quick_success_probability(posture: &Posture, replications: u32, seed: u64) -> f64 {
    static CACHE: OnceLock<Mutex<QuickCache>> = OnceLock::new();
    let key = (format!("{posture:?}"), replications, seed);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(&p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return p;
    }
    let c = Compiled::new(posture).until_quick_window();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p16() -> Posture {
        Posture::builtin("posture-2016").unwrap()
    }
    fn p25() -> Posture {
        Posture::builtin("posture-2025").unwrap()
    }

    #[test]
    fn builtins_validate_and_round_trip_through_toml() {
        for (name, _) in Posture::builtin_names() {
            let p = Posture::builtin(name).unwrap();
            p.validate().unwrap();
            let text = p.to_toml_string();
            let q = Posture::from_toml_str(&text, "dump").unwrap();
            assert_eq!(p, q, "{name}");
        }
        assert!(Posture::builtin("posture-1989").is_none());
    }

    #[test]
    fn unknown_keys_are_rejected_with_line_and_allowed_fields() {
        let text = p16()
            .to_toml_string()
            .replace("hours = 168.0", "hours = 168.0\nhorus = 1");
        let e = Posture::from_toml_str(&text, "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("my.toml"), "{e}");
        assert!(e.contains("line"), "{e}");
        assert!(e.contains("horus") && e.contains("objectives"), "{e}");
        let text =
            p16()
                .to_toml_string()
                .replacen("position = \"Tallinn\"", "position = \"Helsinki\"", 1);
        let e = Posture::from_toml_str(&text, "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("Helsinki") && e.contains("allowed"), "{e}");
        let text = p16()
            .to_toml_string()
            .replacen("readiness = 0.6", "readiness = 1.6", 1);
        assert!(Posture::from_toml_str(&text, "x").is_err());
        assert!(Posture::from_toml_str("this is not toml", "x").is_err());
    }

    /// Playing a campaign only through the quick-success window decides every replication's
    /// quick success as the whole campaign does, over the built-ins, scaled attackers and a
    /// window ending mid-step.
    #[test]
    fn the_quick_window_decides_quick_success_as_the_whole_campaign() {
        let mut postures = Vec::new();
        for (name, _) in Posture::builtin_names() {
            let p = Posture::builtin(name).unwrap();
            for ratio in [0.5, 1.0, 1.5] {
                postures.push(p.with_attacker_scaled(ratio));
            }
        }
        let mut odd = p16();
        odd.quick_success.hours = 100.5;
        postures.push(odd);
        let (mut quick, mut total) = (0, 0);
        for p in postures {
            let whole = Compiled::new(&p);
            let cut = whole.until_quick_window();
            for i in 0..200 {
                let (a, b) = (whole.replicate(9, i), cut.replicate(9, i));
                assert_eq!(whole.is_quick(&a), cut.is_quick(&b), "replication {i}");
                quick += usize::from(whole.is_quick(&a));
                total += 1;
            }
        }
        assert!(0 < quick && quick < total, "{quick} of {total}");
    }

    #[test]
    fn add_brigades_parsing() {
        assert_eq!(parse_add_brigades("heavy=3"), Ok((3, 0, 0)));
        assert_eq!(
            parse_add_brigades("heavy=1, mechanised=2,light=4"),
            Ok((1, 2, 4))
        );
        assert_eq!(parse_add_brigades("mech=1"), Ok((0, 1, 0)));
        for bad in ["", "heavy", "tanks=2", "heavy=-1", "heavy=x", "light=99"] {
            assert!(parse_add_brigades(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn add_brigades_repeated_kind_is_refused_not_summed_past_50() {
        let e = parse_add_brigades("heavy=50,heavy=50,heavy=50").unwrap_err();
        assert!(e.contains("given twice"), "{e}");
        assert!(parse_add_brigades("mech=1,mechanized=1").is_err());
    }

    #[test]
    fn deterministic_and_independent_of_thread_count() {
        let c = Compiled::new(&p25());
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| stats::replicate(&c, 500, 7));
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| stats::replicate(&c, 500, 7));
        assert_eq!(one, three);
        let other = stats::replicate(&c, 500, 8);
        assert_ne!(one, other);
    }

    #[test]
    fn summary_is_consistent() {
        for p in [p16(), p25()] {
            let s = run_campaign(&p, 2000, 3);
            assert_eq!(s.objectives.len(), p.objectives().len());
            for o in &s.objectives {
                assert!(0.0 <= o.p_fall_60h && o.p_fall_60h <= o.p_fall_7d);
                assert!(o.p_fall_7d <= o.p_fall_30d && o.p_fall_30d <= 1.0);
                if let (Some(a), Some(b)) = (o.hours_p10, o.hours_median) {
                    assert!(a <= b);
                }
                if let (Some(a), Some(b)) = (o.hours_median, o.hours_p90) {
                    assert!(a <= b);
                }
                // A percentile is reported exactly when that share of runs took the objective.
                assert_eq!(o.hours_median.is_some(), o.p_fall_30d >= 0.5);
            }
            assert!(
                s.attacker_losses.mean_fraction >= 0.0 && s.attacker_losses.mean_fraction <= 1.0
            );
            assert!(
                s.defender_losses.mean_fraction >= 0.0 && s.defender_losses.mean_fraction <= 1.0
            );
        }
    }

    #[test]
    fn calibration_against_rand_2016() {
        // RAND (Shlapak & Johnson 2016): Tallinn and/or Riga outskirts reached in 36–60 h.
        let s = run_campaign(&p16(), 4000, 1);
        let tallinn = s.objectives.iter().find(|o| o.name == "Tallinn").unwrap();
        let med = tallinn.hours_median.unwrap();
        assert!((30.0..=60.0).contains(&med), "Tallinn median {med}");
        assert!(s.p_rapid_fall_60h.p > 0.8, "{:?}", s.p_rapid_fall_60h);
        // RAND: ~7 brigades incl. 3 heavy in place could prevent a rapid overrun.
        let q7 = quick_success_probability(&p16().with_added_brigades(3, 0, 4), 4000, 1);
        assert!(q7 < 0.1, "{q7}");
        // The 2025 posture is much harder to overrun than 2016's.
        let (q16, q25) = (
            quick_success_probability(&p16(), 4000, 1),
            quick_success_probability(&p25(), 4000, 1),
        );
        assert!(q25 < q16 - 0.3, "{q16} {q25}");
    }

    #[test]
    fn cache_returns_the_same_value() {
        let p = p25().with_added_brigades(1, 0, 0);
        let a = quick_success_probability(&p, 1000, 11);
        let b = quick_success_probability(&p, 1000, 11);
        assert_eq!(a, b);
        let s = run_campaign(&p, 1000, 11);
        assert_eq!(a, s.quick_success.p);
    }

    #[test]
    fn sweep_outputs() {
        let sw = sweep(&p16(), 2, 1, 200, 5);
        assert_eq!(sw.cells.len(), 6);
        let csv = sw.to_csv();
        assert_eq!(csv.lines().count(), 7);
        let svg = sw.heatmap_svg(true);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("heavy brigades added") && svg.contains("light brigades added"));
        assert!(!svg.contains("http://") || svg.matches("http://").count() == 1); // xmlns only
                                                                                  // More force never raises the probability (common random numbers).
        for c in &sw.cells {
            for d in &sw.cells {
                if d.heavy >= c.heavy && d.light >= c.light {
                    assert!(d.p_rapid_7d <= c.p_rapid_7d && d.p_rapid_60h <= c.p_rapid_60h);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Adding a brigade of any kind never makes any objective fall earlier in any
        /// replication (common random numbers), hence never raises a probability of a fall.
        #[test]
        fn adding_a_brigade_never_helps_the_attacker(
            base in 0usize..2, h in 0u32..4, m in 0u32..3, l in 0u32..4, kind in 0usize..3,
            seed in any::<u64>(),
        ) {
            let p = [p16(), p25()][base].with_added_brigades(h, m, l);
            let more = [p16(), p25()][base].with_added_brigades(
                h + u32::from(kind == 0),
                m + u32::from(kind == 1),
                l + u32::from(kind == 2),
            );
            let (c0, c1) = (Compiled::new(&p), Compiled::new(&more));
            let mut q0 = 0;
            let mut q1 = 0;
            for i in 0..150u64 {
                let r0 = c0.replicate(seed, i);
                let r1 = c1.replicate(seed, i);
                for (a, b) in r0.fall_hours.iter().zip(&r1.fall_hours) {
                    prop_assert!(b >= a, "rep {i}: fall at {b} with more force vs {a}");
                }
                q0 += usize::from(c0.is_quick(&r0));
                q1 += usize::from(c1.is_quick(&r1));
            }
            prop_assert!(q1 <= q0);
        }

        /// Whatever the (valid) model constants, probabilities stay in [0, 1], ordered in
        /// time, and nothing panics.
        #[test]
        fn probabilities_are_probabilities(
            w in 0.3f64..=1.0, ca in 0.0f64..0.05, cd in 0.0f64..0.05, exploit in 0.5f64..20.0,
            sig in 0.0f64..1.0, bp in 0.1f64..0.9, retreat in 0.0f64..=1.0, seed in any::<u64>(),
        ) {
            let mut p = p25();
            p.model.helmbold_w = w;
            p.model.attrition_attacker = ca;
            p.model.attrition_defender = cd;
            p.model.exploit_kmh = exploit;
            p.model.sigma_attacker = sig;
            p.model.sigma_air = sig;
            p.model.defender_breakpoint_loss = bp;
            p.model.retreat_fraction = retreat;
            p.validate().unwrap();
            let s = run_campaign(&p, 200, seed);
            for o in &s.objectives {
                prop_assert!(0.0 <= o.p_fall_60h && o.p_fall_60h <= o.p_fall_7d);
                prop_assert!(o.p_fall_7d <= o.p_fall_30d && o.p_fall_30d <= 1.0);
            }
            let q = quick_success_probability(&p, 200, seed);
            prop_assert!((0.0..=1.0).contains(&q));
            prop_assert!(s.attacker_losses.mean_cp.is_finite() && s.defender_losses.mean_cp >= 0.0);
        }
    }
}
