//! Minimal CSV reading shared by the rankings and elicitation readers: a header row naming the
//! columns (any order, case-insensitive), `#` comment lines, blank lines skipped, and every
//! record returned with its 1-based line number so that errors can name line and column.

use crate::error::Error;
use detente_limits::MAX_CSV_ROWS;

/// One data row: its line number and the values of the requested columns (None when an
/// optional column is absent or the cell is empty).
pub(crate) struct Row {
    pub line: u64,
    pub values: Vec<Option<String>>,
}

/// Read `text` (named `file` in errors). `required` columns must be in the header; `optional`
/// ones may be. Values come back in the order required ++ optional.
pub(crate) fn read(
    text: &str,
    file: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Vec<Row>, Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let allowed = required
        .iter()
        .chain(optional)
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    let header = loop {
        match records.next() {
            None => {
                return Err(Error::file(
                    file,
                    format!("empty file: expected a header row with the columns {allowed}"),
                ))
            }
            Some(Err(e)) => return Err(csv_err(file, e)),
            Some(Ok(r)) if r.iter().all(|f| f.is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let header_line = header.position().map(|p| p.line()).unwrap_or(1);
    let names: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
    let mut idx = Vec::new();
    for col in required {
        match names.iter().position(|n| n == col) {
            Some(i) => idx.push(Some(i)),
            None => {
                return Err(Error::input(
                    file,
                    header_line,
                    col,
                    format!("missing column `{col}` in the header; the header must name the columns {allowed}"),
                ))
            }
        }
    }
    for col in optional {
        idx.push(names.iter().position(|n| n == col));
    }
    for (i, n) in names.iter().enumerate() {
        if !required.contains(&n.as_str()) && !optional.contains(&n.as_str()) {
            return Err(Error::input(
                file,
                header_line,
                n,
                format!(
                    "unknown column (column {}); allowed columns are {allowed}",
                    i + 1
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_err(file, e))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rows.len() >= MAX_CSV_ROWS {
            return Err(Error::input(
                file,
                line,
                "*",
                format!("more than {MAX_CSV_ROWS} data rows; allowed: at most {MAX_CSV_ROWS} (docs/limits.md)"),
            ));
        }
        if rec.len() != names.len() {
            return Err(Error::input(
                file,
                line,
                "*",
                format!(
                    "expected {} fields ({}), found {}",
                    names.len(),
                    names.join(","),
                    rec.len()
                ),
            ));
        }
        if let Some((i, c)) = rec
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.chars().find(|c| c.is_control()).map(|c| (i, c)))
        {
            return Err(Error::input(
                file,
                line,
                names.get(i).map_or("*", String::as_str),
                format!(
                    "control character U+{:04X} in a value; allowed: printable text",
                    c as u32
                ),
            ));
        }
        let values = idx
            .iter()
            .map(|i| {
                i.and_then(|i| rec.get(i))
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            })
            .collect();
        rows.push(Row { line, values });
    }
    if rows.is_empty() {
        return Err(Error::file(file, "no data rows after the header"));
    }
    Ok(rows)
}

fn csv_err(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    Error::input(file, line, "*", format!("malformed CSV: {e}"))
}

/// Parse a finite number in column `col`.
pub(crate) fn number(file: &str, line: u64, col: &str, v: &Option<String>) -> Result<f64, Error> {
    let s = required(file, line, col, v)?;
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(Error::input(
            file,
            line,
            col,
            format!("`{s}` is not a finite number"),
        )),
    }
}

/// A non-empty text cell.
pub(crate) fn required<'a>(
    file: &str,
    line: u64,
    col: &str,
    v: &'a Option<String>,
) -> Result<&'a str, Error> {
    v.as_deref()
        .ok_or_else(|| Error::input(file, line, col, "empty value; a value is required"))
}
