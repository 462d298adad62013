//! The bilingual GIHI report: a model of sections, tables and figures, built from a published
//! edition or a computed run ([`build`]), and rendered as one self-contained HTML page, an
//! Excel workbook, one CSV per table and one SVG per figure ([`render`]).
//!
//! Numbers on the page are the data's numbers: published values are shown exactly as printed
//! (their text), computed values as computed; nothing is recomputed for display.

pub mod build;
pub mod charts;
mod html;
pub mod papers;
pub mod patents;
pub mod pdf;
pub mod records;
mod xlsx;

/// Text in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// Both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (ids, numbers).
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            zh: s.clone(),
            en: s,
        }
    }

    /// The text in one language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// One table cell: text as shown, and the number behind it if it is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: Text,
    pub number: Option<f64>,
    /// The registry id of a city cell (the CSV carries it in a `city` column).
    pub city: Option<String>,
    /// The value is printed as is but the audit shows it to be inconsistent (⚠).
    pub flagged: bool,
}

impl Cell {
    /// A number shown by its text (e.g. a printed `100.00`).
    pub fn number(value: f64, text: impl Into<String>) -> Cell {
        Cell {
            text: Text::same(text),
            number: Some(value),
            city: None,
            flagged: false,
        }
    }

    /// A printed number the audit shows to be inconsistent; its text carries the ⚠.
    pub fn flagged(value: f64, text: impl Into<String>) -> Cell {
        Cell {
            flagged: true,
            ..Cell::number(value, text)
        }
    }

    /// A text cell.
    pub fn text(t: Text) -> Cell {
        Cell {
            text: t,
            number: None,
            city: None,
            flagged: false,
        }
    }

    /// A city's name, with its registry id.
    pub fn city(id: &str, name: Text) -> Cell {
        Cell {
            city: Some(id.to_string()),
            ..Cell::text(name)
        }
    }
}

/// A table of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File-safe id, e.g. `table-02-composite`.
    pub id: String,
    pub title: Text,
    pub source: Text,
    pub columns: Vec<Text>,
    pub rows: Vec<Vec<Cell>>,
}

/// A figure: one SVG per language.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub title: Text,
    pub source: Text,
    pub svg_zh: String,
    pub svg_en: String,
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Text),
    Table(Table),
    Figure(Figure),
}

/// A section (chapter) of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub blocks: Vec<Block>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: Text,
    pub subtitle: Text,
    /// Built from synthetic data: every page and chart says so.
    pub synthetic: bool,
    pub sections: Vec<Section>,
}

impl Report {
    /// Every table, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
    }

    /// Every figure, in order.
    pub fn figures(&self) -> impl Iterator<Item = &Figure> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Figure(f) => Some(f),
                _ => None,
            })
    }
}

/// Renders the report's files: `index.html`, `report.xlsx`, `tables/<id>.csv` and
/// `figures/<id>-<lang>.svg`, as (relative path, bytes), in a fixed order.
pub fn render(report: &Report, langs: &[Lang]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = vec![(
        "index.html".to_string(),
        html::page(report, langs).into_bytes(),
    )];
    files.push((
        "report.xlsx".to_string(),
        xlsx::workbook(report).map_err(|e| format!("report.xlsx: {e}"))?,
    ));
    for t in report.tables() {
        files.push((
            format!("tables/{}.csv", t.id),
            table_csv(t, langs, report.synthetic).into_bytes(),
        ));
    }
    for f in report.figures() {
        for lang in langs {
            let svg = match lang {
                Lang::Zh => &f.svg_zh,
                Lang::En => &f.svg_en,
            };
            files.push((
                format!("figures/{}-{}.svg", f.id, lang.code()),
                svg.clone().into_bytes(),
            ));
        }
    }
    Ok(files)
}

pub use gihi_output::SYNTHETIC_CSV_BANNER;

/// A table as CSV, with bilingual headers (`中文 English`) when both languages are wanted;
/// a table of a synthetic run opens with a `#` line saying so. For machines: a `city`
/// column of registry ids precedes each city-name column, numbers are written without
/// marks (the printed text when it is a plain number, else the value), and a final
/// `flags` column names the columns whose printed value the audit shows to be
/// inconsistent (the ⚠ of the page).
fn table_csv(t: &Table, langs: &[Lang], synthetic: bool) -> String {
    let head = |x: &Text| match langs {
        [l] => x.get(*l).to_string(),
        _ if x.zh == x.en => x.en.clone(),
        _ => format!("{} {}", x.zh, x.en),
    };
    let banner = if synthetic { SYNTHETIC_CSV_BANNER } else { "" };
    let city_cols: Vec<bool> = (0..t.columns.len())
        .map(|k| {
            t.rows
                .iter()
                .any(|r| r.get(k).is_some_and(|c| c.city.is_some()))
        })
        .collect();
    let any_flag = t.rows.iter().flatten().any(|c| c.flagged);
    let mut w = csv::Writer::from_writer(banner.as_bytes().to_vec());
    let mut header = Vec::new();
    for (k, c) in t.columns.iter().enumerate() {
        if city_cols[k] {
            header.push("city".to_string());
        }
        header.push(head(c));
    }
    if any_flag {
        header.push("flags".into());
    }
    let _ = w.write_record(&header);
    for r in &t.rows {
        let mut out = Vec::new();
        let mut flags = Vec::new();
        for (k, c) in r.iter().enumerate() {
            if city_cols.get(k).copied().unwrap_or(false) {
                out.push(c.city.clone().unwrap_or_default());
            }
            out.push(match c.number {
                Some(v) => {
                    let shown = c.text.en.trim_end_matches('⚠').trim();
                    if shown.parse::<f64>().is_ok() {
                        shown.to_string()
                    } else {
                        v.to_string()
                    }
                }
                None => head(&c.text),
            });
            if c.flagged {
                flags.push(format!(
                    "{}: inconsistent (audit)",
                    t.columns.get(k).map_or(String::new(), |x| x.en.clone())
                ));
            }
        }
        if any_flag {
            out.push(flags.join("; "));
        }
        let _ = w.write_record(&out);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
