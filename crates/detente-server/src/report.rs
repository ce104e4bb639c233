//! The self-contained HTML report (`detente report`, `GET /api/report`): inline CSS, inline
//! SVG charts, no scripts and no external requests.

use crate::summary::summary_json;
use detente_arch::Loaded;
use detente_engine::exact::{compare_exact, Draws};
use detente_engine::{
    compare, Cancelled, DiffSpread, EnsembleOptions, ParamDraw, Pathway, PARAM_SPECS,
};
use serde_json::Value;
use std::fmt::Write;

pub const PALETTE: [&str; 6] = [
    "#1f5fa8", "#c0392b", "#2e8b57", "#7d3c98", "#d68910", "#5d6d7e",
];

/// HTML-escape text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

fn pct_ci(v: &Value, ci: &Value) -> String {
    format!(
        "{} <span class=ci>[{:.2}, {:.2}]</span>",
        pct(v.as_f64().unwrap_or(0.0)),
        100.0 * ci[0].as_f64().unwrap_or(0.0),
        100.0 * ci[1].as_f64().unwrap_or(0.0)
    )
}

/// A "nice" upper bound for an axis.
fn nice_max(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= x {
            return m * mag;
        }
    }
    10.0 * mag
}

/// One line with a shaded interval band: points (x, y, low, high).
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Survival-style line chart with 95 % bands.
pub fn svg_lines(
    title: &str,
    lines: &[Line],
    x_label: &str,
    y_label: &str,
    y_min: f64,
    y_max: f64,
) -> String {
    let (w, h, ml, mr, mt, mb) = (720.0, 320.0, 70.0, 180.0, 30.0, 50.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let x_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let sx = |x: f64| ml + pw * x / x_max;
    let sy = |y: f64| mt + ph * (1.0 - (y - y_min) / (y_max - y_min));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class=chart viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">"#,
        esc(title)
    );
    let _ = write!(
        s,
        r#"<text x="{ml}" y="18" font-weight="bold" font-size="14">{}</text>"#,
        esc(title)
    );
    for i in 0..=5 {
        let y = y_min + (y_max - y_min) * i as f64 / 5.0;
        let _ = write!(
            s,
            r##"<line x1="{ml}" x2="{0}" y1="{1:.1}" y2="{1:.1}" stroke="#ddd"/><text x="{2}" y="{3:.1}" text-anchor="end">{4:.1} %</text>"##,
            ml + pw,
            sy(y),
            ml - 6.0,
            sy(y) + 4.0,
            100.0 * y
        );
    }
    let step = if x_max > 20.0 {
        5.0
    } else if x_max > 10.0 {
        2.0
    } else {
        1.0
    };
    let mut x = 0.0;
    while x <= x_max + 1e-9 {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            sx(x),
            mt + ph + 16.0,
            x
        );
        x += step;
    }
    let _ = write!(
        s,
        r##"<line x1="{ml}" x2="{ml}" y1="{mt}" y2="{}" stroke="#333"/><line x1="{ml}" x2="{}" y1="{}" y2="{}" stroke="#333"/>"##,
        mt + ph,
        ml + pw,
        mt + ph,
        mt + ph
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        ml + pw / 2.0,
        h - 10.0,
        esc(x_label)
    );
    let _ = write!(
        s,
        r#"<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>"#,
        mt + ph / 2.0,
        esc(y_label)
    );
    for (i, l) in lines.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let start = (0.0, 1.0, 1.0, 1.0);
        let pts: Vec<_> = std::iter::once(start)
            .chain(l.points.iter().copied())
            .collect();
        let mut band = String::new();
        for p in &pts {
            let _ = write!(band, "{:.1},{:.1} ", sx(p.0), sy(p.3));
        }
        for p in pts.iter().rev() {
            let _ = write!(band, "{:.1},{:.1} ", sx(p.0), sy(p.2));
        }
        let _ = write!(
            s,
            r#"<polygon points="{band}" fill="{c}" fill-opacity="0.18" stroke="none"/>"#
        );
        let line: Vec<String> = pts
            .iter()
            .map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2"/>"#,
            line.join(" ")
        );
        let ly = mt + 10.0 + 18.0 * i as f64;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="12" height="12" fill="{c}"/><text x="{}" y="{}">{}</text>"#,
            ml + pw + 12.0,
            ly - 10.0,
            ml + pw + 28.0,
            ly,
            esc(&l.name)
        );
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" fill="#555">shaded: 95 % interval</text>"##,
        ml + pw + 12.0,
        mt + 10.0 + 18.0 * lines.len() as f64 + 6.0
    );
    s.push_str("</svg>");
    s
}

/// A label on at most two balanced lines of at most `max` characters, split at spaces
/// (`->` shown as an arrow); a longer remainder is cut with an ellipsis.
pub fn wrap_label(t: &str, max: usize) -> Vec<String> {
    let t = t.replace(" -> ", " → ");
    let cut = |x: String| {
        if x.chars().count() > max {
            format!("{}…", x.chars().take(max - 1).collect::<String>())
        } else {
            x
        }
    };
    if t.chars().count() <= max {
        return vec![t];
    }
    let words: Vec<&str> = t.split(' ').collect();
    let best = (1..words.len())
        .map(|i| (words[..i].join(" "), words[i..].join(" ")))
        .min_by_key(|(a, b)| a.chars().count().max(b.chars().count()));
    match best {
        Some((a, b)) => vec![cut(a), cut(b)],
        None => vec![cut(t)],
    }
}

/// A named series of (value, low, high) per category.
pub type Series = (String, Vec<(f64, f64, f64)>);

/// Horizontal grouped bar chart with interval whiskers. `rows`: category labels;
/// `series`: (name, values (value, low, high) per category). Values are fractions shown in %.
pub fn svg_bars(
    title: &str,
    rows: &[String],
    series: &[Series],
    x_label: &str,
    percent: bool,
) -> String {
    let k = series.len().max(1) as f64;
    let bar_h = 12.0;
    let labels: Vec<Vec<String>> = rows.iter().map(|t| wrap_label(t, 44)).collect();
    let two_lines = labels.iter().any(|l| l.len() > 1);
    let group_h = (bar_h * k + 10.0).max(if two_lines { 34.0 } else { 0.0 });
    let (w, ml, mr, mt, mb) = (760.0, 330.0, 30.0, 30.0 + 16.0 * k, 40.0);
    let h = (mt + mb + group_h * rows.len() as f64).max(110.0);
    let pw = w - ml - mr;
    let lo = series
        .iter()
        .flat_map(|s| s.1.iter().map(|v| v.1))
        .fold(0.0, f64::min);
    let hi = series
        .iter()
        .flat_map(|s| s.1.iter().map(|v| v.2))
        .fold(0.0, f64::max);
    let mut hi = if hi > 0.0 { nice_max(hi) } else { 0.0 };
    let lo = if lo < 0.0 { -nice_max(-lo) } else { 0.0 };
    if hi == 0.0 && lo == 0.0 {
        hi = 1.0;
    }
    let sx = |x: f64| ml + pw * (x - lo) / (hi - lo);
    let unit = if lo < 0.0 { "pp" } else { "%" };
    let fmt = |x: f64| {
        if percent {
            format!("{:.2} {unit}", 100.0 * x)
        } else {
            format!("{x:.3}")
        }
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class=chart viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">"#,
        esc(title)
    );
    let _ = write!(
        s,
        r#"<text x="10" y="18" font-weight="bold" font-size="14">{}</text>"#,
        esc(title)
    );
    for (i, (name, _)) in series.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let _ = write!(
            s,
            r#"<rect x="{ml}" y="{}" width="12" height="12" fill="{c}"/><text x="{}" y="{}">{}</text>"#,
            26.0 + 16.0 * i as f64,
            ml + 16.0,
            36.0 + 16.0 * i as f64,
            esc(name)
        );
    }
    for i in 0..=5 {
        let x = lo + (hi - lo) * i as f64 / 5.0;
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{mt}" y2="{1}" stroke="#ddd"/><text x="{0:.1}" y="{2}" text-anchor="middle">{3}</text>"##,
            sx(x),
            h - mb,
            h - mb + 14.0,
            fmt(x)
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{0:.1}" x2="{0:.1}" y1="{mt}" y2="{1}" stroke="#333"/>"##,
        sx(0.0),
        h - mb
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        ml + pw / 2.0,
        h - 8.0,
        esc(x_label)
    );
    for (r, label) in rows.iter().enumerate() {
        let gy = mt + group_h * r as f64;
        let lines = &labels[r];
        let y0 = gy + group_h / 2.0 + 4.0 - 7.0 * (lines.len() as f64 - 1.0);
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end"><title>{}</title>"#,
            ml - 8.0,
            y0,
            esc(label),
        );
        for (j, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                r#"<tspan x="{}" y="{:.1}">{}</tspan>"#,
                ml - 8.0,
                y0 + 14.0 * j as f64,
                esc(line)
            );
        }
        s.push_str("</text>");
        let by = gy + (group_h - bar_h * k) / 2.0 + 1.0;
        for (i, (_, vals)) in series.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            let (v, l, u) = vals.get(r).copied().unwrap_or((0.0, 0.0, 0.0));
            let y = by + bar_h * i as f64;
            let (x0, x1) = (sx(0.0).min(sx(v)), sx(0.0).max(sx(v)));
            let _ = write!(
                s,
                r#"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{}" fill="{c}" fill-opacity="0.85"><title>{}: {}</title></rect>"#,
                (x1 - x0).max(0.5),
                bar_h - 2.0,
                esc(label),
                fmt(v)
            );
            let ym = y + (bar_h - 2.0) / 2.0;
            let _ = write!(
                s,
                r##"<line x1="{:.1}" x2="{:.1}" y1="{ym:.1}" y2="{ym:.1}" stroke="#111"/><line x1="{0:.1}" x2="{0:.1}" y1="{2:.1}" y2="{3:.1}" stroke="#111"/><line x1="{1:.1}" x2="{1:.1}" y1="{2:.1}" y2="{3:.1}" stroke="#111"/>"##,
                sx(l),
                sx(u),
                ym - 3.0,
                ym + 3.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Results of a report: each architecture's summary JSON and its paired difference from the first.
pub struct ReportData {
    pub summaries: Vec<Value>,
    /// (value, low, high) of p(war) minus the first architecture's p(war), paired.
    pub diffs: Vec<(f64, f64, f64)>,
    /// With parameter uncertainty: how the paired difference spreads across draws (`None`
    /// without uncertainty; the first architecture's is all zeros).
    pub diff_across_draws: Vec<Option<DiffSpread>>,
}

/// Evaluate the architectures exactly (each on the same parameter draws, if any): the
/// exact counterpart of [`run_report_with`].
pub fn exact_report_with(archs: &[Loaded], draws: Option<Draws>, interval: &str) -> ReportData {
    let scenarios: Vec<_> = archs.iter().map(|a| a.architecture.to_scenario()).collect();
    let cmp = compare_exact(&scenarios, draws);
    let seed = draws.map_or(0, |d| d.seed);
    ReportData {
        summaries: archs
            .iter()
            .zip(&cmp.summaries)
            .map(|(a, s)| summary_json(&a.name, s, seed, interval))
            .collect(),
        diffs: (0..archs.len())
            .map(|i| {
                let d = cmp.diff_vs_first(i);
                (d.value, d.low, d.high)
            })
            .collect(),
        diff_across_draws: (0..archs.len()).map(|i| cmp.diff_across_draws(i)).collect(),
    }
}

/// Run the architectures with common random numbers.
pub fn run_report(
    archs: &[Loaded],
    runs: u64,
    seed: u64,
    progress: &(dyn Fn(u64) -> bool + Sync),
) -> Result<ReportData, Cancelled> {
    run_report_with(
        archs,
        EnsembleOptions::new(runs, seed),
        None,
        crate::summary::MONTE_CARLO_ONLY,
        progress,
    )
}

/// Run the architectures with common random numbers, these options and (if any) this parameter
/// draw; `interval` labels the summaries' intervals.
pub fn run_report_with(
    archs: &[Loaded],
    options: EnsembleOptions,
    draw: Option<&dyn ParamDraw>,
    interval: &str,
    progress: &(dyn Fn(u64) -> bool + Sync),
) -> Result<ReportData, Cancelled> {
    let seed = options.seed;
    let scenarios: Vec<_> = archs.iter().map(|a| a.architecture.to_scenario()).collect();
    let cmp = compare(&scenarios, options, draw, progress)?;
    let summaries = archs
        .iter()
        .zip(&cmp.summaries)
        .map(|(a, s)| summary_json(&a.name, s, seed, interval))
        .collect();
    let diffs = (0..archs.len())
        .map(|i| {
            let d = cmp.diff_vs_first(i);
            (d.value, d.low, d.high)
        })
        .collect();
    let diff_across_draws = (0..archs.len()).map(|i| cmp.diff_across_draws(i)).collect();
    Ok(ReportData {
        summaries,
        diffs,
        diff_across_draws,
    })
}

fn triple(v: &Value, key: &str, ci: &str) -> (f64, f64, f64) {
    (
        v[key].as_f64().unwrap_or(0.0),
        v[ci][0].as_f64().unwrap_or(0.0),
        v[ci][1].as_f64().unwrap_or(0.0),
    )
}

/// The command that reproduces a report of `architectures` (names or paths) with these runs,
/// seed, parameter uncertainty (`Some(runs per draw)`) and output file.
pub fn reproduce_command(
    architectures: &[String],
    runs: u64,
    seed: u64,
    runs_per_draw: Option<u64>,
    out: &str,
) -> String {
    let quoted: Vec<String> = architectures
        .iter()
        .map(|n| {
            if n.contains(' ') {
                format!("'{n}'")
            } else {
                n.clone()
            }
        })
        .collect();
    let uncertainty = runs_per_draw
        .map(|m| format!(" --uncertainty --runs-per-draw {m}"))
        .unwrap_or_default();
    format!(
        "detente report {} --runs {runs} --seed {seed}{uncertainty} --out {out}",
        quoted.join(" ")
    )
}

/// The report as one HTML document.
pub fn report_html(data: &ReportData, runs: u64, seed: u64, command: &str) -> String {
    report_html_with_files(data, runs, seed, command, &[])
}

/// The report, with the text of each architecture file the reproduce command names
/// (`(file name, TOML)`: architectures saved in the web UI's store, which the CLI cannot see).
pub fn report_html_with_files(
    data: &ReportData,
    runs: u64,
    seed: u64,
    command: &str,
    files: &[(String, String)],
) -> String {
    let sums = &data.summaries;
    let names: Vec<String> = sums
        .iter()
        .map(|s| s["architecture"].as_str().unwrap_or("?").to_string())
        .collect();
    let horizon = sums
        .first()
        .and_then(|s| s["horizon_years"].as_f64())
        .unwrap_or(0.0);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\"><title>detente report: {}</title>",
        esc(&names.join(" vs "))
    );
    h.push_str("<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}table{border-collapse:collapse;margin:.6em 0;font-size:.92em;display:block;max-width:100%;overflow-x:auto}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f1f3f6}td.n{text-align:right;font-variant-numeric:tabular-nums}.ci{color:#666;font-size:.9em}svg.chart{max-width:100%;height:auto;display:block;margin:.8em 0}code,pre{background:#f5f5f5;padding:.1em .3em}pre{padding:.6em;overflow:auto}h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}@media (max-width:720px){td.n{white-space:nowrap}h1{font-size:1.3em}}</style></head><body>");
    let _ = write!(
        h,
        "<h1>NATO–Russia war risk: {}</h1>",
        esc(&names.join(" vs "))
    );
    let _ = write!(h, "<p>{runs} simulated runs per architecture over {horizon} years, seed {seed}, common random numbers (run <i>r</i> of every architecture uses the same random streams). Intervals are 95 %: Wilson score intervals for probabilities, normal intervals of the paired mean for differences.</p>");
    h.push_str("<h2>Architectures compared</h2><table><tr><th>Architecture</th><th>p(war) [95 %]</th><th>Difference vs first [95 %]</th><th>p(nuclear use) [95 %]</th><th>p(ceasefire breakdown) [95 %]</th><th>Mean cost (US$ bn)</th><th>of which European defence / US defence / mechanisms</th></tr>");
    for (s, d) in sums.iter().zip(&data.diffs) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{:+.2} pp <span class=ci>[{:+.2}, {:+.2}]</span></td><td class=n>{}</td><td class=n>{}</td><td class=n>{:.0}</td><td class=n>{:.0} / {:.0} / {:.0}</td></tr>",
            esc(s["architecture"].as_str().unwrap_or("")),
            pct_ci(&s["p_war"], &s["p_war_ci"]),
            100.0 * d.0,
            100.0 * d.1,
            100.0 * d.2,
            pct_ci(&s["p_nuclear"], &s["p_nuclear_ci"]),
            pct_ci(&s["p_ceasefire_breakdown"], &s["p_ceasefire_breakdown_ci"]),
            s["mean_cost_usd_bn"].as_f64().unwrap_or(0.0),
            s["mean_cost_by_payer_usd_bn"]["european_defence"].as_f64().unwrap_or(0.0),
            s["mean_cost_by_payer_usd_bn"]["us_defence"].as_f64().unwrap_or(0.0),
            s["mean_cost_by_payer_usd_bn"]["mechanisms"].as_f64().unwrap_or(0.0),
        );
    }
    h.push_str("</table>");
    if let Some(interval) = sums.first().and_then(|s| s["interval"].as_str()) {
        let _ = write!(h, "<p class=ci>Intervals: {}.</p>", esc(interval));
    }
    // Robustness of the ranking across parameter draws.
    if data.diff_across_draws.iter().skip(1).any(Option::is_some) {
        h.push_str("<h2>Across what we do not know</h2><p>Every architecture was run on the same parameter draws (the uncertain model parameters drawn from their ranges or fitted distributions), so each draw gives a paired difference. How the difference from the first architecture spreads across draws, and how often the architecture is the safer one:</p><table><tr><th>Architecture</th><th>Draws</th><th>Median difference vs first</th><th>95 % of draws</th><th>Draws in which it is safer than the first</th></tr>");
        for (name, spread) in names.iter().zip(&data.diff_across_draws).skip(1) {
            if let Some(x) = spread {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=n>{}</td><td class=n>{:+.2} pp</td><td class=n>[{:+.2}, {:+.2}] pp</td><td class=n>{:.0} %</td></tr>",
                    esc(name),
                    x.draws,
                    100.0 * x.median,
                    100.0 * x.low,
                    100.0 * x.high,
                    100.0 * x.share_safer
                );
            }
        }
        h.push_str("</table><p class=ci>Each draw's difference also carries the Monte Carlo noise of its runs.</p>");
    }
    // Survival.
    let lines: Vec<Line> = sums
        .iter()
        .map(|s| Line {
            name: s["architecture"].as_str().unwrap_or("").to_string(),
            points: s["survival"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|y| {
                            (
                                y["year"].as_f64().unwrap_or(0.0),
                                y["p_no_war"].as_f64().unwrap_or(0.0),
                                y["ci"][0].as_f64().unwrap_or(0.0),
                                y["ci"][1].as_f64().unwrap_or(0.0),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let min_surv = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.2))
        .fold(1.0, f64::min);
    let y_min = (1.0 - nice_max(1.0 - min_surv)).max(0.0);
    h.push_str("<h2>Results</h2>");
    h.push_str(&svg_lines(
        "Probability of no NATO–Russia war, by year",
        &lines,
        "years from the start of the horizon",
        "P(no war yet)",
        y_min,
        1.0,
    ));
    if sums.len() > 1 {
        let rows: Vec<String> = names
            .iter()
            .skip(1)
            .map(|n| format!("{n} − {}", names[0]))
            .collect();
        let vals: Vec<(f64, f64, f64)> = data.diffs.iter().skip(1).copied().collect();
        h.push_str(&svg_bars(
            "Paired difference in p(war) vs the first architecture",
            &rows,
            &[("difference".to_string(), vals)],
            "difference in p(war), percentage points (negative = safer)",
            true,
        ));
    }
    let path_rows: Vec<String> = Pathway::ALL.iter().map(|p| p.label().to_string()).collect();
    let series: Vec<Series> = sums
        .iter()
        .map(|s| {
            let vals = Pathway::ALL
                .iter()
                .map(|p| triple(&s["by_pathway"][p.name()], "p_war", "p_war_ci"))
                .collect();
            (s["architecture"].as_str().unwrap_or("").to_string(), vals)
        })
        .collect();
    h.push_str(&svg_bars(
        "p(first war via pathway), with 95 % intervals",
        &path_rows,
        &series,
        "probability that the first war comes through this pathway",
        true,
    ));
    let crises: Vec<Series> = sums
        .iter()
        .map(|s| {
            let vals = Pathway::ALL
                .iter()
                .map(|p| {
                    let v = s["by_pathway"][p.name()]["crises_per_year"]
                        .as_f64()
                        .unwrap_or(0.0);
                    (v, v, v)
                })
                .collect();
            (s["architecture"].as_str().unwrap_or("").to_string(), vals)
        })
        .collect();
    h.push_str(&svg_bars(
        "Crises per year at risk, by pathway",
        &path_rows,
        &crises,
        "crises per year (before the first war)",
        false,
    ));
    // Across parameter draws: each architecture's survival fan and histogram of p(war),
    // drawn by the analysis library (the same figures as the web page's).
    if sums.iter().any(|s| s["figures"].is_object()) {
        h.push_str("<h2>Across parameter draws</h2><p>Each parameter draw of the runs above evaluated exactly: how the chance of no war by each year, and p(war) within the horizon, spread across what we do not know about the parameters (the intervals above are those of the average).</p>");
        for s in sums {
            let f = &s["figures"];
            for key in ["survival_fan", "p_war_histogram"] {
                if let Some(svg) = f[key].as_str() {
                    h.push_str(&svg.replacen("<svg ", "<svg class=\"chart\" ", 1));
                }
            }
        }
    }
    h.push_str("<table><tr><th>Pathway</th>");
    for n in &names {
        let _ = write!(h, "<th>{} p(war via) [95 %]</th><th>crises/yr</th>", esc(n));
    }
    h.push_str("</tr>");
    for p in Pathway::ALL {
        let _ = write!(h, "<tr><td>{}</td>", esc(p.label()));
        for s in sums {
            let b = &s["by_pathway"][p.name()];
            let _ = write!(
                h,
                "<td class=n>{}</td><td class=n>{:.3}</td>",
                pct_ci(&b["p_war"], &b["p_war_ci"]),
                b["crises_per_year"].as_f64().unwrap_or(0.0)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    h.push_str("<h2>Method in brief</h2><p>Each run simulates the post-war years month by month. Slow variables (Russian forces, European spending, transatlantic cohesion, war fatigue, connectivity) follow the architecture's dynamics; crises arrive on seven pathways at rates shaped by those variables and by the architecture's mechanisms (risk reduction, deterrence by denial, a porcupine Ukraine, hybrid defence, ceasefire terms, managed connectivity). Each crisis climbs an escalation ladder whose rungs depend on the mechanisms in force; a run ends in war when a crisis reaches NATO–Russia war. The ensemble gives the probability of war within the horizon, the pathway of the first war, nuclear use, and crisis rates. Architectures are compared with common random numbers, so differences are paired and their intervals narrow. Results are conditional on the assumptions below, which are estimates, not facts.</p>");
    h.push_str("<h2>Assumptions (model parameters)</h2><table><tr><th>Parameter</th><th>Default</th><th>Unit</th><th>Plausible range</th><th>Source</th><th>Meaning</th></tr>");
    for p in PARAM_SPECS {
        let _ = write!(h, "<tr><td><code>{}</code></td><td class=n>{}</td><td>{}</td><td class=n>{} – {}</td><td>{}</td><td>{}</td></tr>", esc(p.name), p.default, esc(p.unit), p.low, p.high, esc(p.source), esc(p.doc));
    }
    h.push_str("</table>");
    let _ = write!(h, "<h2>Reproduce</h2><pre>{}</pre><p>Seed {seed}, {runs} runs. The same command, seed and version of <code>detente</code> give the same numbers.</p>", esc(command));
    for (file, text) in files {
        let _ = write!(
            h,
            "<h3>{}</h3><p>Saved in the web workbench; save this text as <code>{}</code> beside the command.</p><pre>{}</pre>",
            esc(file),
            esc(file),
            esc(text)
        );
    }
    h.push_str("</body></html>\n");
    h
}
