//! A hand-written SVG bar chart of sensitivity indices (no scripts, no external resources):
//! one row per input, sorted by the main measure, with a bar for each series and whiskers for
//! the 95 % half-widths, an x axis with ticks and a legend.

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
}
