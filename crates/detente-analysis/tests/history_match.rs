//! History matching on synthetic records: observations simulated from known parameters (a
//! single history: Poisson counts around the model's expected disputes and wars) must keep
//! the true parameters in at least 95 % of trials, and rule out a set far from them.

use detente_analysis::history_match::{
    check_names, history_match, log_likelihood, max_implausibility, model_values, observations,
    posterior_weights, Kind, Observation, Options, Setting, Weighing, CUTOFF,
};
use detente_analysis::uncertainty::Uncertainty;
use detente_engine::rng::{stream_rng, Stream};
use detente_engine::{MechanismId, MechanismSetting, ModelParams, ParamDraw, Pathway, Policy};
use rand_distr::{Distribution, Poisson};

const NAMES: [&str; 4] = [
    "gray_zone_crisis_rate",
    "nuclear_shadow",
    "misperception_sd",
    "moldova_georgia_crisis_rate",
];

/// Two settings like the historical built-ins: 41 and 25 years, no Russia-Ukraine war, an
/// incidents code from year 23 of the first, NATO as the US and one European member.
fn settings() -> Vec<Setting> {
    let mut cold = Policy {
        horizon_months: 41 * 12,
        ..Policy::default()
    };
    cold.pathway_enabled[Pathway::UkraineSpillover.index()] = false;
    cold.pathway_enabled[Pathway::Hybrid.index()] = false;
    cold.mechanisms[MechanismId::IncidentsCode] = MechanismSetting {
        start_month: 23 * 12,
        ..MechanismSetting::on(0.6)
    };
    // the United States and one European member, and a steady slow state (period averages),
    // as in the historical built-ins
    cold.nato_members.truncate(2);
    cold.russia_forces_target_k = cold.russia_forces_start_k;
    cold.europe_spending_target_pct = cold.europe_spending_start_pct;
    cold.war_fatigue_growth_per_year = 0.0;
    let mut post = cold.clone();
    post.horizon_months = 25 * 12;
    post.mechanisms[MechanismId::IncidentsCode].start_month = 0;
    let setting = |name: &str, first: u32, policy: Policy| Setting {
        name: name.into(),
        first,
        last: first + policy.horizon_months / 12 - 1,
        params: ModelParams::default(),
        policy,
    };
    vec![setting("cold", 1949, cold), setting("post", 1990, post)]
}

fn names() -> Vec<String> {
    NAMES.iter().map(|s| s.to_string()).collect()
}

/// Observations with z drawn as one history of the model at `truth` (seeded).
fn synthetic(settings: &[Setting], truth: &[f64], seed: u64) -> Vec<Observation> {
    let mut obs = observations(settings, &[], 2014);
    let f = model_values(settings, &obs, &names(), truth);
    let mut rng = stream_rng(seed, 0, Stream::Parameters);
    // Disputes, force and fatal are nested counts: draw each level's own count.
    for s in 0..settings.len() {
        let at = |k: Kind| {
            obs.iter()
                .position(|o| o.setting == Some(s) && o.kind == k)
                .unwrap()
        };
        let (d, u, x) = (at(Kind::Disputes), at(Kind::Force), at(Kind::Fatal));
        let mut draw = |mean: f64| {
            if mean > 0.0 {
                Poisson::new(mean).unwrap().sample(&mut rng)
            } else {
                0.0
            }
        };
        let fatal = draw(f[x]);
        let force = fatal + draw(f[u] - f[x]);
        let all = force + draw(f[d] - f[u]);
        obs[x].z = fatal;
        obs[u].z = force;
        obs[d].z = all;
    }
    let w = obs.iter().position(|o| o.kind == Kind::War).unwrap();
    obs[w].z = Poisson::new(f[w].max(1e-9)).unwrap().sample(&mut rng);
    obs
}

fn prior_point(seed: u64) -> Vec<f64> {
    let p = Uncertainty::from_defaults().draw(
        &mut stream_rng(seed, 7, Stream::Parameters),
        &ModelParams::default(),
    );
    NAMES.iter().map(|n| p.get(n).unwrap()).collect()
}

#[test]
fn the_true_parameters_are_kept_in_at_least_95_percent_of_trials() {
    let settings = settings();
    let trials = 200;
    let kept = (0..trials)
        .filter(|&t| {
            let truth = prior_point(t);
            let obs = synthetic(&settings, &truth, 1000 + t);
            let f = model_values(&settings, &obs, &names(), &truth);
            max_implausibility(&obs, &f) < CUTOFF
        })
        .count();
    assert!(
        kept * 100 >= 95 * trials as usize,
        "kept {kept} of {trials}"
    );
}

#[test]
fn waves_keep_the_truth_and_rule_out_a_far_set() {
    let settings = settings();
    let truth: Vec<f64> = vec![0.3, 3.5, 0.5, 0.06];
    let far: Vec<f64> = vec![1.0, 1.0, 2.0, 0.15];
    let prior = Uncertainty::from_defaults();
    for seed in 0..4 {
        let obs = synthetic(&settings, &truth, 50 + seed);
        let f_far = model_values(&settings, &obs, &names(), &far);
        assert!(
            max_implausibility(&obs, &f_far) >= CUTOFF,
            "far set not ruled out (seed {seed})"
        );
        let f_true = model_values(&settings, &obs, &names(), &truth);
        assert!(max_implausibility(&obs, &f_true) < CUTOFF);
        let out = history_match(
            &settings,
            &obs,
            &prior,
            &Options {
                waves: 2,
                points: 200,
                seed,
                names: names(),
                max_sets: 1000,
                weighing: Weighing::Record,
            },
            &|_| {},
        )
        .unwrap();
        assert_eq!(out.waves.len(), 2);
        assert!(out.waves[1].ruled_out_share >= out.waves[0].ruled_out_share - 0.1);
        assert!(out.waves[0].ruled_out_share > 0.0 && out.waves[0].ruled_out_share < 1.0);
        // The truth lies inside the region the kept sets span, and no kept set is the far one's
        // neighbour in the gray-zone rate and shadow together.
        for (j, v) in truth.iter().enumerate() {
            let lo = out.sets.iter().map(|s| s[j]).fold(f64::INFINITY, f64::min);
            let hi = out
                .sets
                .iter()
                .map(|s| s[j])
                .fold(f64::NEG_INFINITY, f64::max);
            assert!(
                lo <= *v && *v <= hi,
                "{}: {v} outside [{lo}, {hi}]",
                NAMES[j]
            );
        }
        assert!(!out
            .sets
            .iter()
            .any(|s| s[0] > 0.9 && s[1] < 1.3 && s[2] > 1.8));
        // each kept set carries the record's likelihood there
        assert_eq!(out.log_likelihood.len(), out.sets.len());
        for (x, l) in out.sets.iter().zip(&out.log_likelihood) {
            let f = model_values(&settings, &obs, &names(), x);
            assert!((log_likelihood(&obs, &f, Weighing::Record) - l).abs() < 1e-9);
        }
    }
}

/// Weighing the kept sets by the record's likelihood (the calibration step after history
/// matching) brings them closer to the parameters that made the record: over synthetic
/// records, the weighted mean squared distance to the truth (each parameter in units of its
/// prior range) is smaller than the unweighted one.
#[test]
fn weighing_by_the_likelihood_moves_the_sets_towards_the_truth() {
    let settings = settings();
    let prior = Uncertainty::from_defaults();
    let ranges: Vec<(f64, f64)> = check_names(&names()).unwrap();
    let (mut weighted, mut unweighted) = (0.0, 0.0);
    for trial in 0..6u64 {
        let truth = prior_point(500 + trial);
        let obs = synthetic(&settings, &truth, 900 + trial);
        let out = history_match(
            &settings,
            &obs,
            &prior,
            &Options {
                waves: 1,
                points: 300,
                seed: trial,
                names: names(),
                max_sets: 1000,
                weighing: Weighing::Record,
            },
            &|_| {},
        )
        .unwrap();
        let w = posterior_weights(&out.log_likelihood, out.sets.len());
        let d2: Vec<f64> = out
            .sets
            .iter()
            .map(|x| {
                x.iter()
                    .zip(&truth)
                    .zip(&ranges)
                    .map(|((v, t), (lo, hi))| ((v - t) / (hi - lo)).powi(2))
                    .sum()
            })
            .collect();
        weighted += d2.iter().zip(&w).map(|(d, w)| d * w).sum::<f64>();
        unweighted += d2.iter().sum::<f64>() / d2.len() as f64;
    }
    assert!(
        weighted < 0.9 * unweighted,
        "weighted {weighted:.4} against unweighted {unweighted:.4}"
    );
}
