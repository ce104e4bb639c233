//! A hand-written SVG bar chart of sensitivity indices (no scripts, no external resources):
//! one row per input, sorted by the main measure, with a bar for each series and whiskers for
//! the 95 % half-widths, an x axis with ticks and a legend; and an x-y chart of lines with
//! markers and optional bands ([`xy_chart`]: PRIM's trajectory, sweeps).

/// One series of bars.
pub struct Series<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub values: Vec<f64>,
    pub half_widths: Vec<f64>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bar chart; rows are drawn in the given order.
pub fn bar_chart(title: &str, axis_label: &str, names: &[String], series: &[Series]) -> String {
    let rows = names.len().max(1);
    let per_row = 8.0 + 12.0 * series.len() as f64;
    let (left, right, top, bottom) = (230.0, 30.0, 50.0, 60.0);
    let plot_w = 520.0;
    let height = top + bottom + per_row * rows as f64;
    let width = left + plot_w + right;
    let max = series
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .zip(&s.half_widths)
                .map(|(v, h)| v + h.max(0.0))
        })
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let min = series
        .iter()
        .flat_map(|s| s.values.iter().cloned())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::min);
    let span = max - min;
    let xpos = |v: f64| left + (v - min) / span * plot_w;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{:.1}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
        width / 2.0,
        esc(title)
    );
    let axis_y = top + per_row * rows as f64;
    for t in 0..=5 {
        let v = min + span * t as f64 / 5.0;
        let x = xpos(v);
        s += &format!("<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{axis_y:.1}\" stroke=\"#ddd\"/>\n");
        s += &format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.3}</text>\n",
            axis_y + 15.0
        );
    }
    s += &format!("<line x1=\"{left}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"black\"/>\n", left + plot_w);
    s += &format!(
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{axis_y:.1}\" stroke=\"black\"/>\n"
    );
    s += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
        left + plot_w / 2.0,
        axis_y + 35.0,
        esc(axis_label)
    );
    for (i, name) in names.iter().enumerate() {
        let y0 = top + per_row * i as f64 + 4.0;
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            left - 6.0,
            y0 + per_row / 2.0,
            esc(name)
        );
        for (k, ser) in series.iter().enumerate() {
            let v = ser.values.get(i).cloned().unwrap_or(0.0);
            let v = if v.is_finite() { v } else { 0.0 };
            let h = ser.half_widths.get(i).cloned().unwrap_or(0.0);
            let yb = y0 + 12.0 * k as f64;
            let (x0, x1) = (
                xpos(0.0_f64.max(min)).min(xpos(v)),
                xpos(0.0_f64.max(min)).max(xpos(v)),
            );
            s += &format!(
                "<rect x=\"{x0:.1}\" y=\"{yb:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{}\"><title>{} {}: {v:.4} ± {h:.4}</title></rect>\n",
                (x1 - x0).max(0.5),
                ser.colour,
                esc(name),
                esc(ser.label)
            );
            if h > 0.0 && h.is_finite() {
                let (a, b) = (xpos((v - h).max(min)), xpos((v + h).min(max)));
                s += &format!("<line x1=\"{a:.1}\" y1=\"{:.1}\" x2=\"{b:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\n", yb + 5.0, yb + 5.0);
            }
        }
    }
    for (k, ser) in series.iter().enumerate() {
        let x = left + 10.0 + 120.0 * k as f64;
        s += &format!(
            "<rect x=\"{x:.1}\" y=\"32\" width=\"10\" height=\"10\" fill=\"{}\"/>\n",
            ser.colour
        );
        s += &format!(
            "<text x=\"{:.1}\" y=\"41\">{}</text>\n",
            x + 14.0,
            esc(ser.label)
        );
    }
    s += "</svg>\n";
    s
}

/// One line of an [`xy_chart`]: points, an optional band (low, high at each point) and
/// whether to mark the points.
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub points: Vec<(f64, f64)>,
    pub band: Option<Vec<(f64, f64)>>,
    pub markers: bool,
}

/// An x-y chart with axes from `x_range` and `y_range` (`None`: the data's range), lines in
/// order, a legend, and a highlighted point (`mark`, e.g. the box chosen) if given.
pub fn xy_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    lines: &[Line],
    mark: Option<(f64, f64, &str)>,
) -> String {
    let (left, right, bottom) = (70.0, 30.0, 55.0);
    let (plot_w, plot_h) = (560.0, 340.0);
    // legend entries side by side, each as wide as its label, wrapping at the plot's width
    let mut legend = Vec::with_capacity(lines.len());
    let (mut lx, mut row) = (0.0, 0usize);
    for l in lines {
        let w = 30.0 + 5.8 * l.label.chars().count() as f64;
        if lx > 0.0 && lx + w > plot_w {
            (lx, row) = (0.0, row + 1);
        }
        legend.push((left + 10.0 + lx, 36.0 + 14.0 * row as f64));
        lx += w;
    }
    let top = 60.0 + 14.0 * row as f64;
    let (width, height) = (left + plot_w + right, top + plot_h + bottom);
    let finite = |v: &f64| v.is_finite();
    let xs = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .filter(finite);
    let ys = lines
        .iter()
        .flat_map(|l| {
            l.points.iter().map(|p| p.1).chain(
                l.band
                    .iter()
                    .flat_map(|b| b.iter().flat_map(|v| [v.0, v.1])),
            )
        })
        .filter(finite);
    let range = |it: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = it.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !(lo.is_finite() && hi.is_finite()) {
            (0.0, 1.0)
        } else if hi - lo <= 1e-12 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    };
    let (x0, x1) = x_range.unwrap_or_else(|| range(&mut xs.into_iter()));
    let (y0, y1) = y_range.unwrap_or_else(|| {
        let (a, b) = range(&mut ys.into_iter());
        (a.min(0.0), b + 0.05 * (b - a))
    });
    let px = |v: f64| left + (v - x0) / (x1 - x0) * plot_w;
    let py = |v: f64| top + plot_h - (v - y0) / (y1 - y0) * plot_h;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{:.1}\" y=\"24\" font-size=\"14\" text-anchor=\"middle\">{}</text>\n",
        width / 2.0,
        esc(title)
    );
    for t in 0..=5 {
        let f = t as f64 / 5.0;
        let (vx, vy) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
        let (x, y) = (px(vx), py(vy));
        s += &format!("<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>\n<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n", top + plot_h, top + plot_h + 15.0, tick(vx));
        s += &format!("<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n", left + plot_w, left - 5.0, y + 4.0, tick(vy));
    }
    s += &format!("<rect x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"black\"/>\n");
    s += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
        left + plot_w / 2.0,
        top + plot_h + 38.0,
        esc(x_label)
    );
    s += &format!(
        "<text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        top + plot_h / 2.0,
        esc(y_label)
    );
    for (k, l) in lines.iter().enumerate() {
        if let Some(band) = &l.band {
            let upper: Vec<String> = l
                .points
                .iter()
                .zip(band)
                .map(|(p, b)| format!("{:.1},{:.1}", px(p.0), py(b.1)))
                .collect();
            let lower: Vec<String> = l
                .points
                .iter()
                .zip(band)
                .rev()
                .map(|(p, b)| format!("{:.1},{:.1}", px(p.0), py(b.0)))
                .collect();
            s += &format!(
                "<polygon points=\"{} {}\" fill=\"{}\" fill-opacity=\"0.2\" stroke=\"none\"/>\n",
                upper.join(" "),
                lower.join(" "),
                l.colour
            );
        }
        let pts: Vec<String> = l
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", px(p.0), py(p.1)))
            .collect();
        s += &format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
            pts.join(" "),
            l.colour
        );
        if l.markers {
            for p in &l.points {
                s += &format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{}: {:.4}, {:.4}</title></circle>\n",
                    px(p.0),
                    py(p.1),
                    l.colour,
                    esc(l.label),
                    p.0,
                    p.1
                );
            }
        }
        let (lx, ly) = legend[k];
        s += &format!(
            "<rect x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            l.colour,
            lx + 14.0,
            ly + 9.0,
            esc(l.label)
        );
    }
    if let Some((x, y, label)) = mark {
        s += &format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"7\" fill=\"none\" stroke=\"#c8553d\" stroke-width=\"2\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c8553d\">{}</text>\n",
            px(x),
            py(y),
            px(x) + 10.0,
            py(y) - 8.0,
            esc(label)
        );
    }
    s += "</svg>\n";
    s
}

/// A histogram: `counts[i]` values in the bin from `start + i × width` to the next, as
/// vertical bars over the bins' range, the count of each bar written above it.
pub fn histogram(title: &str, x_label: &str, start: f64, width: f64, counts: &[usize]) -> String {
    let (left, right, top, bottom) = (60.0, 30.0, 50.0, 55.0);
    let (plot_w, plot_h) = (560.0, 260.0);
    let (w, h) = (left + plot_w + right, top + plot_h + bottom);
    let n = counts.len().max(1);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_w = plot_w / n as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{:.1}\" y=\"24\" font-size=\"14\" text-anchor=\"middle\">{}</text>\n",
        w / 2.0,
        esc(title)
    );
    for (i, c) in counts.iter().enumerate() {
        let bh = *c as f64 / max * plot_h;
        let x = left + i as f64 * bar_w;
        let (lo, hi) = (start + i as f64 * width, start + (i + 1) as f64 * width);
        s += &format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#4a7ab5\" stroke=\"white\"><title>{} to {}: {c}</title></rect>\n",
            x,
            top + plot_h - bh,
            bar_w,
            tick(lo),
            tick(hi)
        );
        if *c > 0 {
            s += &format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{c}</text>\n",
                x + bar_w / 2.0,
                top + plot_h - bh - 4.0
            );
        }
    }
    // x ticks at bin edges, at most about eight labels
    let every = n.div_ceil(8);
    for i in (0..=n).step_by(every) {
        let x = left + i as f64 * bar_w;
        s += &format!(
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\n<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            top + plot_h,
            top + plot_h + 5.0,
            top + plot_h + 18.0,
            tick(start + i as f64 * width)
        );
    }
    s += &format!(
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n<text x=\"16\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">draws</text>\n",
        top + plot_h,
        left + plot_w,
        top + plot_h,
        left + plot_w / 2.0,
        top + plot_h + 40.0,
        esc(x_label),
        top + plot_h / 2.0,
        top + plot_h / 2.0
    );
    s += "</svg>\n";
    s
}

/// One input of a [`box_chart`]: its name, the box's limits and the sampled range.
pub struct BoxRow {
    pub name: String,
    pub limits: [f64; 2],
    pub range: [f64; 2],
}

/// The limits of a box, one row per restricted input: a grey bar for the sampled range and a
/// coloured one for the box's part of it, with the limits written beside (EMA Workbench's box
/// inspection graph).
pub fn box_chart(title: &str, subtitle: &str, rows: &[BoxRow]) -> String {
    let (left, right, top, bottom) = (230.0, 90.0, 60.0, 30.0);
    let plot_w = 420.0;
    let per_row = 26.0;
    let height = top + bottom + per_row * rows.len().max(1) as f64;
    let width = left + plot_w + right;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{:.1}\" y=\"22\" font-size=\"14\" text-anchor=\"middle\">{}</text>\n<text x=\"{:.1}\" y=\"40\" text-anchor=\"middle\">{}</text>\n",
        width / 2.0,
        esc(title),
        width / 2.0,
        esc(subtitle)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = top + per_row * i as f64;
        let span = (r.range[1] - r.range[0]).max(f64::MIN_POSITIVE);
        let f = |v: f64| ((v - r.range[0]) / span).clamp(0.0, 1.0);
        let (a, b) = (
            left + f(r.limits[0]) * plot_w,
            left + f(r.limits[1]) * plot_w,
        );
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            left - 8.0,
            y + 13.0,
            esc(&r.name)
        );
        s += &format!(
            "<rect x=\"{left:.1}\" y=\"{:.1}\" width=\"{plot_w:.1}\" height=\"10\" fill=\"#e4e4e4\"/>\n",
            y + 4.0
        );
        s += &format!(
            "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"#4a7ab5\"><title>{}: {} to {} of {} to {}</title></rect>\n",
            y + 4.0,
            (b - a).max(1.0),
            esc(&r.name),
            tick(r.limits[0]),
            tick(r.limits[1]),
            tick(r.range[0]),
            tick(r.range[1])
        );
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">{} – {}</text>\n",
            left + plot_w + 6.0,
            y + 13.0,
            tick(r.limits[0]),
            tick(r.limits[1])
        );
    }
    s += "</svg>\n";
    s
}

fn tick(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e4 || v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        let t = format!("{v:.3}");
        let t = t.trim_end_matches('0').trim_end_matches('.');
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_is_self_contained_svg() {
        let s = bar_chart(
            "Sobol <indices>",
            "index",
            &["a".into(), "b".into()],
            &[Series {
                label: "ST",
                colour: "#c44",
                values: vec![0.5, 0.1],
                half_widths: vec![0.05, 0.02],
            }],
        );
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("&lt;indices&gt;") && !s.contains("http://www.w3.org/1999/xlink"));
    }

    #[test]
    fn histogram_draws_a_bar_per_bin_with_its_count() {
        let s = histogram("t", "p(war)", 0.1, 0.05, &[1, 0, 3]);
        assert_eq!(s.matches("<rect x=").count(), 3);
        assert!(
            s.contains(">3</text>") && s.contains("0.2 to 0.25: 3"),
            "{s}"
        );
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn xy_chart_draws_lines_bands_and_the_mark() {
        let s = xy_chart(
            "trajectory <1>",
            "coverage",
            "density",
            Some((0.0, 1.0)),
            Some((0.0, 1.0)),
            &[Line {
                label: "p(war)",
                colour: "#4a7ab5",
                points: vec![(1.0, 0.2), (0.8, 0.6)],
                band: Some(vec![(0.1, 0.3), (0.5, 0.7)]),
                markers: true,
            }],
            Some((0.8, 0.6, "chosen")),
        );
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("&lt;1&gt;") && s.contains("<polygon") && s.contains("chosen"));
        assert_eq!(s.matches("<circle").count(), 3);
    }

    #[test]
    fn box_chart_draws_each_limit_within_its_range() {
        let s = box_chart(
            "box",
            "coverage 0.5",
            &[BoxRow {
                name: "a<b".into(),
                limits: [0.25, 0.75],
                range: [0.0, 1.0],
            }],
        );
        assert!(s.starts_with("<svg") && s.contains("a&lt;b"));
        // the box's bar starts a quarter in and spans half the plot (420 px)
        assert!(
            s.contains("x=\"335.0\"") && s.contains("width=\"210.0\""),
            "{s}"
        );
    }
}
