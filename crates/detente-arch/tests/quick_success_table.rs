//! The committed campaign figures (`data/quick_success.csv`) are what the campaign model gives
//! now, row for row, and cover every figure a built-in architecture asks for; rewrite the file on
//! purpose with `UPDATE_QUICK_SUCCESS=1 cargo test --release -p detente-arch --test
//! quick_success_table`.

use detente_arch::quick_success::{force_grid, row_key, run_campaign, CampaignKey, COMMITTED_CSV};
use detente_arch::BUILTINS;

/// Every campaign figure the built-ins ask for, in a stable order without repeats.
fn builtin_keys() -> Vec<CampaignKey> {
    let mut keys: Vec<CampaignKey> = Vec::new();
    for b in BUILTINS {
        let a = detente_arch::parse_architecture(b.toml, b.name).expect("built-ins are valid");
        let ff = &a.mechanisms.forward_forces;
        let brigades = if ff.enabled {
            (ff.heavy, ff.mechanised, ff.light)
        } else {
            (0, 0, 0)
        };
        let d = &a.dynamics;
        let mut wanted = vec![(ff.posture, brigades, None)];
        for ratio in force_grid(d.russia_forces_start_k, d.russia_forces_target_k) {
            if ratio > 0.0 {
                wanted.push((ff.posture, brigades, Some(ratio)));
            }
        }
        for k in wanted {
            if !keys.iter().any(|have| row_key(have) == row_key(&k)) {
                keys.push(k);
            }
        }
    }
    keys
}

#[test]
fn the_committed_campaign_figures_are_the_campaign_models() {
    let rows: Vec<String> = builtin_keys()
        .iter()
        .map(|k| format!("{},{}", row_key(k), run_campaign(k)))
        .collect();
    let expected = format!(
        "posture,heavy,mechanised,light,scale,probability\n{}\n",
        rows.join("\n")
    );
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/quick_success.csv");
    if std::env::var_os("UPDATE_QUICK_SUCCESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    assert_eq!(
        COMMITTED_CSV, expected,
        "data/quick_success.csv is not what the campaign model gives for the built-ins; if on purpose, rerun with UPDATE_QUICK_SUCCESS=1"
    );
}

#[test]
fn a_built_in_reads_its_figures_from_the_table() {
    // The table answers for the baseline without a campaign run: every figure the baseline
    // asks for is a row.
    let committed: Vec<&str> = COMMITTED_CSV
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit_once(',').map(|(k, _)| k))
        .collect();
    for k in builtin_keys() {
        assert!(committed.contains(&row_key(&k).as_str()), "{}", row_key(&k));
    }
}
