//! Reading an indicator table: one row per city, a `city` column and one column per
//! indicator id, from CSV (UTF-8) or Excel (first worksheet).

use gihi_framework::Framework;
pub use gihi_framework::Location;
use gihi_registry::Registry;
use std::path::Path;

/// Cell texts read as a missing value.
pub const MISSING_TOKENS: [&str; 7] = ["", "NA", "N/A", "NaN", "nan", "-", ".."];

/// An indicator table with every city resolved to its registry id.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTable {
    /// The file it was read from.
    pub origin: String,
    /// Indicator ids, in framework order (the order of every row's values).
    pub indicators: Vec<String>,
    pub rows: Vec<TableRow>,
    /// Whether the table is synthetic (its file name or a `#` comment line says so).
    pub synthetic: bool,
}

/// One city's values.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Registry id.
    pub city: String,
    /// Line (CSV) or row (Excel) it came from, 1-based.
    pub line: usize,
    pub values: Vec<Option<f64>>,
}

/// Why an indicator table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty; expected a header row `city,<indicator ids>` and one row per city")]
    Empty { path: String },
    #[error("{path}: header only; expected at least one city row")]
    NoRows { path: String },
    #[error("{at}: the file is not UTF-8 text; save the CSV as UTF-8")]
    NotUtf8 { at: Location },
    #[error("{at}: malformed CSV: {message}")]
    Csv { at: Location, message: String },
    #[error("{path}: cannot read the workbook: {message}")]
    Workbook { path: String, message: String },
    #[error("{at}: expected a column named `city`; found columns {found}")]
    NoCityColumn { at: Location, found: String },
    #[error("{at}: missing indicator column(s) {missing}: the framework `{framework}` needs every one of its indicators")]
    MissingColumns {
        at: Location,
        missing: String,
        framework: String,
    },
    #[error("{at}: unexpected column `{found}`: expected `city` or an indicator id of the framework ({expected})")]
    UnknownColumn {
        at: Location,
        found: String,
        expected: String,
    },
    #[error("{at}: column `{name}` appears twice in the header")]
    DuplicateColumn { at: Location, name: String },
    #[error("{at}: unknown city `{found}`: expected a registry id, English or Chinese name{hint}")]
    UnknownCity {
        at: Location,
        found: String,
        hint: String,
    },
    #[error(
        "{at}: duplicate city `{city}` (first at line {first_line}): expected one row per city"
    )]
    DuplicateCity {
        at: Location,
        city: String,
        first_line: usize,
    },
    #[error("{at}: indicator {indicator}: expected a number (or an empty cell for a missing value), found `{found}`")]
    NotNumber {
        at: Location,
        indicator: String,
        found: String,
    },
    #[error("{at}: indicator {indicator} ({kind}): expected a value of 0 or more, found {found}")]
    Negative {
        at: Location,
        indicator: String,
        kind: String,
        found: String,
    },
}

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
}

/// Rows of cells, each with its 1-based line or row number.
pub(crate) struct Grid {
    pub file: String,
    pub rows: Vec<(usize, Vec<Cell>)>,
    pub synthetic_marker: bool,
}

/// Reads an indicator table (CSV, or XLSX/XLS/ODS by extension) and checks it against the
/// framework and registry.
pub fn read_indicator_table(
    path: &Path,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let table = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            parse_grid(read_workbook(path, &file)?, framework, registry)?
        }
        _ => {
            let bytes = std::fs::read(path).map_err(|source| DataError::Io {
                path: file.clone(),
                source,
            })?;
            read_indicator_bytes(&bytes, &file, framework, registry)?
        }
    };
    Ok(table.marked_synthetic_if(name_says_synthetic(path)))
}

/// Reads an indicator table from CSV bytes; `file` names them in errors.
pub fn read_indicator_bytes(
    bytes: &[u8],
    file: &str,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    parse_grid(read_csv_bytes(bytes, file)?, framework, registry)
}

fn name_says_synthetic(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase().contains("synthetic"))
        .unwrap_or(false)
}

impl IndicatorTable {
    fn marked_synthetic_if(mut self, synthetic: bool) -> IndicatorTable {
        self.synthetic |= synthetic;
        self
    }
}

/// Parses CSV bytes; lines starting with `#` are comments.
pub(crate) fn read_csv_bytes(bytes: &[u8], file: &str) -> Result<Grid, DataError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty { path: file.into() });
    }
    let synthetic_marker = bytes
        .split(|b| *b == b'\n')
        .take_while(|l| l.first() == Some(&b'#'))
        .any(|l| {
            String::from_utf8_lossy(l)
                .to_lowercase()
                .contains("synthetic")
        });
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(false)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let (line, message) = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        pos,
                        expected_len,
                        len,
                    } => (
                        pos.as_ref().map_or(0, |p| p.line() as usize),
                        format!("expected {expected_len} fields as in the header, found {len}"),
                    ),
                    _ => (0, e.to_string()),
                };
                return Err(DataError::Csv {
                    at: Location::new(file, line, 1),
                    message,
                });
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut cells = Vec::with_capacity(record.len());
        for (k, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| DataError::NotUtf8 {
                at: Location::new(file, line, k + 1),
            })?;
            cells.push(Cell::Text(text.to_string()));
        }
        if cells
            .iter()
            .all(|c| matches!(c, Cell::Text(t) if t.trim().is_empty()))
        {
            continue; // blank line
        }
        rows.push((line, cells));
    }
    if rows.is_empty() {
        return Err(DataError::Empty { path: file.into() });
    }
    Ok(Grid {
        file: file.into(),
        rows,
        synthetic_marker,
    })
}

fn read_workbook(path: &Path, file: &str) -> Result<Grid, DataError> {
    use calamine::{open_workbook_auto, Data, Reader};
    let wb_err = |message: String| DataError::Workbook {
        path: file.into(),
        message,
    };
    let mut wb = open_workbook_auto(path).map_err(|e| wb_err(e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| wb_err("the workbook has no worksheet".into()))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| wb_err(e.to_string()))?;
    let label = format!("{file}[{sheet}]");
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = Vec::new();
        // Leading empty columns of the sheet are kept so column numbers match Excel's.
        cells.extend((0..col0).map(|_| Cell::Text(String::new())));
        for c in row {
            cells.push(match c {
                Data::Empty => Cell::Text(String::new()),
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                other => Cell::Text(other.to_string()),
            });
        }
        if cells
            .iter()
            .all(|c| matches!(c, Cell::Text(t) if t.trim().is_empty()))
        {
            continue;
        }
        rows.push((row0 as usize + r + 1, cells));
    }
    if rows.is_empty() {
        return Err(DataError::Empty { path: file.into() });
    }
    Ok(Grid {
        file: label,
        rows,
        synthetic_marker: false,
    })
}

/// Checks the header and every cell, resolving city names through the registry.
pub(crate) fn parse_grid(
    grid: Grid,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    let at = |line: usize, column: usize| Location::new(grid.file.clone(), line, column);
    let indicators: Vec<_> = framework.indicators().collect();
    let ids: Vec<String> = indicators.iter().map(|i| i.id.clone()).collect();
    let (header_line, header) = &grid.rows[0];
    let header: Vec<String> = header
        .iter()
        .map(|c| match c {
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.to_string(),
        })
        .collect();

    // Column k of the file holds indicator column_of[k] (None: the city column).
    let mut city_col = None;
    let mut column_of: Vec<Option<usize>> = Vec::with_capacity(header.len());
    let mut seen: Vec<&str> = Vec::new();
    for (k, name) in header.iter().enumerate() {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return Err(DataError::DuplicateColumn {
                at: at(*header_line, k + 1),
                name: name.clone(),
            });
        }
        seen.push(name);
        if name.eq_ignore_ascii_case("city") {
            city_col = Some(k);
            column_of.push(None);
        } else if let Some(i) = ids.iter().position(|id| id.eq_ignore_ascii_case(name)) {
            column_of.push(Some(i));
        } else {
            return Err(DataError::UnknownColumn {
                at: at(*header_line, k + 1),
                found: name.clone(),
                expected: format!("{}..{}", ids[0], ids[ids.len() - 1]),
            });
        }
    }
    let city_col = city_col.ok_or_else(|| DataError::NoCityColumn {
        at: at(*header_line, 1),
        found: header.join(","),
    })?;
    let missing: Vec<&str> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| !column_of.contains(&Some(*i)))
        .map(|(_, id)| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(DataError::MissingColumns {
            at: at(*header_line, 1),
            missing: missing.join(", "),
            framework: framework.id.clone(),
        });
    }

    let mut rows: Vec<TableRow> = Vec::new();
    for (line, cells) in &grid.rows[1..] {
        let line = *line;
        let city_text = match cells.get(city_col) {
            Some(Cell::Text(t)) => t.trim().to_string(),
            Some(Cell::Number(n)) => n.to_string(),
            None => String::new(),
        };
        let city = registry.resolve(&city_text).ok_or_else(|| {
            let suggestions = registry.suggest(&city_text);
            DataError::UnknownCity {
                at: at(line, city_col + 1),
                found: city_text.clone(),
                hint: if suggestions.is_empty() {
                    " (see `gihi cities`)".into()
                } else {
                    format!("; did you mean {}?", suggestions.join(", "))
                },
            }
        })?;
        if let Some(first) = rows.iter().find(|r| r.city == city.id) {
            return Err(DataError::DuplicateCity {
                at: at(line, city_col + 1),
                city: city.id.clone(),
                first_line: first.line,
            });
        }
        let mut values = vec![None; ids.len()];
        for (k, target) in column_of.iter().enumerate() {
            let Some(i) = *target else { continue };
            let ind = indicators[i];
            let value = match cells.get(k) {
                None => None,
                Some(Cell::Number(n)) => Some(*n),
                Some(Cell::Text(t)) => parse_value(t).map_err(|found| DataError::NotNumber {
                    at: at(line, k + 1),
                    indicator: ind.id.clone(),
                    found,
                })?,
            };
            if let Some(v) = value {
                if !v.is_finite() {
                    return Err(DataError::NotNumber {
                        at: at(line, k + 1),
                        indicator: ind.id.clone(),
                        found: v.to_string(),
                    });
                }
                if v < 0.0 && !ind.kind.allows_negative() {
                    return Err(DataError::Negative {
                        at: at(line, k + 1),
                        indicator: ind.id.clone(),
                        kind: ind.kind.as_str().to_string(),
                        found: v.to_string(),
                    });
                }
            }
            values[i] = value;
        }
        rows.push(TableRow {
            city: city.id.clone(),
            line,
            values,
        });
    }
    if rows.is_empty() {
        return Err(DataError::NoRows { path: grid.file });
    }
    Ok(IndicatorTable {
        origin: grid.file,
        indicators: ids,
        rows,
        synthetic: grid.synthetic_marker,
    })
}

/// A cell's number; `Ok(None)` for a missing-value token; `Err(text)` otherwise.
fn parse_value(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if MISSING_TOKENS.contains(&t) {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(t.to_string()),
    }
}
