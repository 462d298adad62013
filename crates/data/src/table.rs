//! Reading an indicator table: one row per city, a `city` column and one column per
//! indicator id, from CSV (UTF-8) or Excel (first worksheet).

use gihi_framework::Framework;
pub use gihi_framework::Location;
use gihi_registry::Registry;
use std::io::Read;
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
    /// SHA-256 of the bytes read (what was scored).
    pub sha256: String,
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
    #[error("{path}: larger than {} MiB; an indicator table holds one row per city", limit >> 20)]
    TooLarge { path: String, limit: u64 },
    #[error("{at}: a cell of {bytes} bytes (`{found}`): expected at most {limit} bytes (a city name or a number)")]
    CellTooLong {
        at: Location,
        limit: usize,
        found: String,
        bytes: usize,
    },
    #[error("{at}: the formula `={formula}` has no computed value in the file: open and save the workbook in Excel or LibreOffice (which store the values), or save it as CSV")]
    UncomputedFormula { at: Location, formula: String },
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

/// Largest indicator file read (CSV or workbook). An indicator table holds one row per
/// registry city, far below this; a larger input is refused instead of filling memory.
pub const MAX_TABLE_BYTES: u64 = 64 << 20;
/// Longest cell text accepted (bytes); longer cells are refused and echoed clipped.
pub const MAX_CELL_BYTES: usize = 1000;

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
}

/// One row of cells with its 1-based line (CSV) or row (workbook) number.
pub(crate) type Row = (usize, Vec<Cell>);

/// Rows of cells, each with its 1-based line or row number (workbooks, read whole).
pub(crate) struct Grid {
    pub file: String,
    pub rows: Vec<Row>,
}

/// Reads an indicator table (CSV, or XLSX/XLS/ODS by extension) and checks it against the
/// framework and registry. The file is opened and read once (a pipe or FIFO works), and the
/// SHA-256 recorded in the table is that of the bytes read. CSV is checked row by row as it
/// is read, so an error is reported without reading the rest of the file.
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
    let io = |source| DataError::Io {
        path: file.clone(),
        source,
    };
    let opened = std::fs::File::open(path).map_err(io)?;
    if opened.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(DataError::Io {
            path: file.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory; expected a CSV or Excel file",
            ),
        });
    }
    let mut reader = gihi_input::Limited::new(opened, MAX_TABLE_BYTES);
    let table = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| too_large_or(e, &file))?;
            let grid = read_workbook(bytes, &file)?;
            parse_rows(
                grid.file,
                grid.rows.into_iter().map(Ok),
                false,
                framework,
                registry,
            )?
        }
        _ => read_csv(&mut reader, &file, framework, registry)?,
    };
    // Hash what was scored: the rest (nothing, for a valid table) is read to the end.
    let sha256 = reader.finish().map_err(|e| too_large_or(e, &file))?;
    Ok(IndicatorTable { sha256, ..table }.marked_synthetic_if(name_says_synthetic(path)))
}

fn too_large_or(e: std::io::Error, file: &str) -> DataError {
    if gihi_input::is_too_large(&e) {
        DataError::TooLarge {
            path: file.into(),
            limit: MAX_TABLE_BYTES,
        }
    } else {
        DataError::Io {
            path: file.into(),
            source: e,
        }
    }
}

/// Reads an indicator table from CSV bytes; `file` names them in errors.
pub fn read_indicator_bytes(
    bytes: &[u8],
    file: &str,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    let table = read_csv(bytes, file, framework, registry)?;
    let sha256 = gihi_input::Limited::new(bytes, u64::MAX)
        .finish()
        .expect("reading memory");
    Ok(IndicatorTable { sha256, ..table })
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

/// Reads CSV row by row and checks each row as it comes; lines starting with `#` are
/// comments (a leading one that says "synthetic" marks the table synthetic).
fn read_csv(
    input: impl Read,
    file: &str,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    let (filtered, lines) = gihi_input::CommentFilter::new(std::io::BufReader::new(input));
    let leading = lines.clone();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(filtered);
    let file_name = file.to_string();
    let mut record = csv::ByteRecord::new();
    let mut failed = false;
    let rows = std::iter::from_fn(move || {
        if failed {
            return None;
        }
        loop {
            let result = next_row(&mut reader, &mut record, &file_name, &lines);
            match result {
                Ok(None) => return None,
                Ok(Some(row))
                    if row
                        .1
                        .iter()
                        .all(|c| matches!(c, Cell::Text(t) if t.trim().is_empty())) =>
                {
                    continue
                }
                Ok(Some(row)) => return Some(Ok(row)),
                Err(e) => {
                    failed = true;
                    return Some(Err(e));
                }
            }
        }
    });
    let table = parse_rows(file.to_string(), rows, false, framework, registry)?;
    // A leading comment line that says "synthetic" marks the table synthetic.
    let synthetic = leading
        .borrow()
        .leading_comments
        .iter()
        .any(|l| l.to_lowercase().contains("synthetic"));
    Ok(IndicatorTable { synthetic, ..table })
}

/// The next record as cells, or `None` at the end.
fn next_row<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    file: &str,
    lines: &std::cell::RefCell<gihi_input::LineMap>,
) -> Result<Option<Row>, DataError> {
    let real =
        |p: Option<&csv::Position>| lines.borrow().real_line(p.map_or(0, |p| p.line() as usize));
    match reader.read_byte_record(record) {
        Ok(false) => return Ok(None),
        Ok(true) => {}
        Err(e) => {
            let line = real;
            let (line, message) = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    pos,
                    expected_len,
                    len,
                } => (
                    line(pos.as_ref()),
                    format!(
                        "expected {expected_len} fields as in the header, found {len}{}",
                        if *len < *expected_len {
                            " (an unterminated quote joins lines; check the quotes on this line and above)"
                        } else {
                            ""
                        }
                    ),
                ),
                csv::ErrorKind::Io(io) if gihi_input::is_too_large(io) => {
                    return Err(DataError::TooLarge {
                        path: file.into(),
                        limit: MAX_TABLE_BYTES,
                    })
                }
                csv::ErrorKind::Utf8 { pos, .. } => (line(pos.as_ref()), e.to_string()),
                _ => (line(e.position()), e.to_string()),
            };
            return Err(DataError::Csv {
                at: Location::new(file, line, 1),
                message,
            });
        }
    }
    let line = real(record.position());
    let mut cells = Vec::with_capacity(record.len());
    for (k, field) in record.iter().enumerate() {
        let text = std::str::from_utf8(field).map_err(|_| DataError::NotUtf8 {
            at: Location::new(file, line, k + 1),
        })?;
        cells.push(Cell::Text(text.to_string()));
    }
    Ok(Some((line, cells)))
}

fn read_workbook(bytes: Vec<u8>, file: &str) -> Result<Grid, DataError> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let wb_err = |message: String| DataError::Workbook {
        path: file.into(),
        message,
    };
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| wb_err(e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| wb_err("the workbook has no worksheet".into()))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| wb_err(e.to_string()))?;
    let label = format!("{file}[{sheet}]");
    // Formulas, to tell an empty cell from a formula whose value was never computed.
    let formulas = wb.worksheet_formula(&sheet).ok();
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = Vec::new();
        // Leading empty columns of the sheet are kept so column numbers match Excel's.
        cells.extend((0..col0).map(|_| Cell::Text(String::new())));
        for (k, c) in row.iter().enumerate() {
            let at = (row0 + r as u32, col0 + k as u32);
            if matches!(c, Data::Empty) {
                if let Some(f) = formulas
                    .as_ref()
                    .and_then(|f| f.get_value(at))
                    .filter(|f| !f.is_empty())
                {
                    return Err(DataError::UncomputedFormula {
                        at: Location::new(label.clone(), at.0 as usize + 1, at.1 as usize + 1),
                        formula: gihi_input::clip(f, 60),
                    });
                }
            }
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
    Ok(Grid { file: label, rows })
}

/// Checks the header and every row as it comes, resolving city names through the registry.
pub(crate) fn parse_rows(
    file: String,
    mut rows_in: impl Iterator<Item = Result<Row, DataError>>,
    synthetic_marker: bool,
    framework: &Framework,
    registry: &Registry,
) -> Result<IndicatorTable, DataError> {
    let at = |line: usize, column: usize| Location::new(file.clone(), line, column);
    let indicators: Vec<_> = framework.indicators().collect();
    let ids: Vec<String> = indicators.iter().map(|i| i.id.clone()).collect();
    let (header_line, header) = match rows_in.next() {
        None => return Err(DataError::Empty { path: file }),
        Some(r) => r?,
    };
    let header_line = &header_line;
    check_cell_lengths(&file, *header_line, &header)?;
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
    for row in rows_in {
        let (line, cells) = row?;
        check_cell_lengths(&file, line, &cells)?;
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
        return Err(DataError::NoRows { path: file });
    }
    Ok(IndicatorTable {
        origin: file,
        indicators: ids,
        rows,
        synthetic: synthetic_marker,
        sha256: String::new(),
    })
}

/// Refuses a cell longer than [`MAX_CELL_BYTES`] (before any fuzzy matching of its text).
fn check_cell_lengths(file: &str, line: usize, cells: &[Cell]) -> Result<(), DataError> {
    for (k, c) in cells.iter().enumerate() {
        if let Cell::Text(t) = c {
            if t.len() > MAX_CELL_BYTES {
                return Err(DataError::CellTooLong {
                    at: Location::new(file, line, k + 1),
                    limit: MAX_CELL_BYTES,
                    found: gihi_input::clip(t, 40),
                    bytes: t.len(),
                });
            }
        }
    }
    Ok(())
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
