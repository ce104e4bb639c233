//! Sweeps of added force: the probability of a rapid fall of the quick-success objectives
//! (by default Tallinn or Riga) within 60 hours and within 7 days, on a grid of added heavy
//! and light NATO brigades. Every cell uses the same seed, i.e. common random numbers, so
//! differences between cells are due to the forces, not to sampling noise. Also renders the
//! grid as a self-contained SVG heatmap (axes, labels, colour legend; no external resources).
//! No file IO here: the CLI writes the strings this module returns.

use crate::model::Compiled;
use crate::posture::Posture;
use crate::stats::{p_any_within, replicate, H60, H7D};
use serde::Serialize;
use std::fmt::Write as _;

/// One cell of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct SweepCell {
    /// Heavy brigades added.
    pub heavy: u32,
    /// Light brigades added.
    pub light: u32,
    /// P(a quick-success objective falls within 60 h).
    pub p_rapid_60h: f64,
    /// P(a quick-success objective falls within 7 days).
    pub p_rapid_7d: f64,
    /// Mean attacker losses, fraction of committed combat power.
    pub attacker_loss_fraction: f64,
}

/// Result of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    /// Base posture.
    pub posture: String,
    /// Objectives counted in the rapid fall.
    pub objectives: Vec<String>,
    /// Replications per cell.
    pub runs: u32,
    /// Seed (common to all cells).
    pub seed: u64,
    /// Largest number of heavy brigades added.
    pub max_heavy: u32,
    /// Largest number of light brigades added.
    pub max_light: u32,
    /// Cells, heavy-major.
    pub cells: Vec<SweepCell>,
}

/// Sweep 0..=max_heavy heavy × 0..=max_light light brigades added to `base`.
pub fn sweep(base: &Posture, max_heavy: u32, max_light: u32, runs: u32, seed: u64) -> Sweep {
    let mut cells = Vec::new();
    for heavy in 0..=max_heavy {
        for light in 0..=max_light {
            let p = base.with_added_brigades(heavy, 0, light);
            let c = Compiled::new(&p);
            let reps = replicate(&c, runs, seed);
            let n = reps.len().max(1) as f64;
            cells.push(SweepCell {
                heavy,
                light,
                p_rapid_60h: p_any_within(&c, &reps, H60).p,
                p_rapid_7d: p_any_within(&c, &reps, H7D).p,
                attacker_loss_fraction: reps
                    .iter()
                    .map(|r| {
                        if r.attacker_committed > 0.0 {
                            r.attacker_lost / r.attacker_committed
                        } else {
                            0.0
                        }
                    })
                    .sum::<f64>()
                    / n,
            });
        }
    }
    Sweep {
        posture: base.name.clone(),
        objectives: base.quick_success.objectives.clone(),
        runs,
        seed,
        max_heavy,
        max_light,
        cells,
    }
}

impl Sweep {
    /// The table as CSV (header + one row per cell).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("heavy,light,p_rapid_60h,p_rapid_7d,attacker_loss_fraction\n");
        for c in &self.cells {
            let _ = writeln!(
                s,
                "{},{},{:.4},{:.4},{:.4}",
                c.heavy, c.light, c.p_rapid_60h, c.p_rapid_7d, c.attacker_loss_fraction
            );
        }
        s
    }

    fn cell(&self, heavy: u32, light: u32) -> &SweepCell {
        &self.cells[(heavy * (self.max_light + 1) + light) as usize]
    }

    /// Heatmap SVG of `p_rapid_7d` (`seven_days = true`) or `p_rapid_60h`.
    pub fn heatmap_svg(&self, seven_days: bool) -> String {
        let metric = |c: &SweepCell| {
            if seven_days {
                c.p_rapid_7d
            } else {
                c.p_rapid_60h
            }
        };
        let within = if seven_days { "7 days" } else { "60 hours" };
        let (nx, ny) = (self.max_light + 1, self.max_heavy + 1);
        let cell = 56.0;
        let (left, top) = (90.0, 70.0);
        let (w, h) = (
            left + nx as f64 * cell + 150.0,
            top + ny as f64 * cell + 70.0,
        );
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif">"#
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let title = format!(
            "P({} falls within {within}) — {} + added NATO brigades",
            self.objectives.join(" or "),
            xml_escape(&self.posture)
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="24" font-size="15" font-weight="bold">{}</text>"#,
            left - 70.0,
            xml_escape(&title)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="44" font-size="11" fill="#444">{} replications per cell, seed {}, common random numbers</text>"##,
            left - 70.0,
            self.runs,
            self.seed
        );
        for hv in 0..ny {
            // heavy increases upwards
            let y = top + (ny - 1 - hv) as f64 * cell;
            for lt in 0..nx {
                let x = left + lt as f64 * cell;
                let v = metric(self.cell(hv, lt));
                let (r, g, b) = colour(v);
                let text_fill = if v > 0.55 { "white" } else { "black" };
                let _ = writeln!(
                    s,
                    r#"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="rgb({r},{g},{b})" stroke="white" stroke-width="1"><title>heavy {hv}, light {lt}: {v:.3}</title></rect>"#
                );
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="{text_fill}">{:.2}</text>"#,
                    x + cell / 2.0,
                    y + cell / 2.0 + 4.0,
                    v
                );
            }
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="12" text-anchor="end">{hv}</text>"#,
                left - 8.0,
                y + cell / 2.0 + 4.0
            );
        }
        for lt in 0..nx {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="12" text-anchor="middle">{lt}</text>"#,
                left + lt as f64 * cell + cell / 2.0,
                top + ny as f64 * cell + 18.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="13" text-anchor="middle">light brigades added</text>"#,
            left + nx as f64 * cell / 2.0,
            top + ny as f64 * cell + 42.0
        );
        let cy = top + ny as f64 * cell / 2.0;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{cy}" font-size="13" text-anchor="middle" transform="rotate(-90 {} {cy})">heavy brigades added</text>"#,
            left - 50.0,
            left - 50.0
        );
        // Legend.
        let lx = left + nx as f64 * cell + 30.0;
        let lh = ny as f64 * cell;
        let steps = 20;
        for i in 0..steps {
            let v = 1.0 - (i as f64 + 0.5) / steps as f64;
            let (r, g, b) = colour(v);
            let _ = writeln!(
                s,
                r#"<rect x="{lx}" y="{}" width="18" height="{}" fill="rgb({r},{g},{b})"/>"#,
                top + i as f64 * lh / steps as f64,
                lh / steps as f64 + 0.5
            );
        }
        let _ = writeln!(
            s,
            r##"<rect x="{lx}" y="{top}" width="18" height="{lh}" fill="none" stroke="#333"/>"##
        );
        for (v, label) in [(1.0, "1.0"), (0.5, "0.5"), (0.0, "0.0")] {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="11">{label}</text>"#,
                lx + 24.0,
                top + (1.0 - v) * lh + 4.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="11">probability</text>"#,
            lx - 4.0,
            top - 8.0
        );
        s.push_str("</svg>\n");
        s
    }
}

/// White → orange → dark red colour ramp for a probability in [0, 1].
fn colour(v: f64) -> (u8, u8, u8) {
    let v = v.clamp(0.0, 1.0);
    let stops = [
        (0.0, (255.0, 255.0, 229.0)),
        (0.5, (253.0, 141.0, 60.0)),
        (1.0, (128.0, 0.0, 38.0)),
    ];
    let (a, b) = if v <= 0.5 {
        (stops[0], stops[1])
    } else {
        (stops[1], stops[2])
    };
    let f = (v - a.0) / (b.0 - a.0);
    let lerp = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    (
        lerp(a.1 .0, b.1 .0),
        lerp(a.1 .1, b.1 .1),
        lerp(a.1 .2, b.1 .2),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
