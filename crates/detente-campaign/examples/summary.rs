//! Print a short summary of the built-in postures (and +3 heavy brigades).
use detente_campaign::{run_campaign, Posture};

fn main() {
    let runs = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    for (name, h, m, l) in [
        ("posture-2016", 0, 0, 0),
        ("posture-2025", 0, 0, 0),
        ("posture-2025", 3, 0, 0),
        ("posture-2016", 3, 0, 4),
    ] {
        let p = Posture::builtin(name)
            .expect("builtin")
            .with_added_brigades(h, m, l);
        let t = std::time::Instant::now();
        let s = run_campaign(&p, runs, 1);
        println!(
            "{} ({:?}): quick {:.3}  rapid60 {:.3}  att loss {:.2}  def loss {:.2}",
            s.posture,
            t.elapsed(),
            s.quick_success.p,
            s.p_rapid_fall_60h.p,
            s.attacker_losses.mean_fraction,
            s.defender_losses.mean_fraction
        );
        for o in &s.objectives {
            println!(
                "   {:18} med {:>7?} p10 {:>7?} p90 {:>7?}  60h {:.3} 7d {:.3} 30d {:.3}",
                o.name,
                o.hours_median,
                o.hours_p10,
                o.hours_p90,
                o.p_fall_60h,
                o.p_fall_7d,
                o.p_fall_30d
            );
        }
    }
}
