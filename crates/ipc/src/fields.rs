//! The technology fields of Appendix 7 as data (`data/records/ipc-fields.toml`) and the
//! classifier: which rows a symbol qualifies under, which rows' keywords a text contains,
//! and so which fields a patent is in.
//!
//! Conventions: a row is a set of includes, each less its own exclusions; a row with keywords
//! applies only when the title or abstract contains one of them (case-insensitive; a Latin
//! keyword matches whole words, with a trailing `*` as a word prefix); a patent is in a
//! field when one of its symbols qualifies under a row of that field that applies. At most
//! [`MAX_ROWS`] rows and [`MAX_FIELDS`] fields (rows and fields are bit sets).

use crate::{Pattern, Symbol};
use aho_corasick::AhoCorasick;
use serde::Deserialize;
use std::collections::HashMap;

/// Appendix 7 as shipped.
pub const APPENDIX_7_TOML: &str = include_str!("../../../data/records/ipc-fields.toml");
/// Rows are a 64-bit set.
pub const MAX_ROWS: usize = 64;
/// Fields are an 8-bit set.
pub const MAX_FIELDS: usize = 8;

/// Rows of the table as a bit set (bit i: row i).
pub type RowSet = u64;
/// Fields as a bit set (bit i: field i).
pub type FieldSet = u8;

/// One technology field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub source: String,
}

/// One printed row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index of its field.
    pub field: usize,
    pub branch: String,
    pub includes: Vec<Include>,
    /// Empty: the IPC alone qualifies.
    pub keywords: Vec<String>,
}

/// An include less its exclusions.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub pattern: Pattern,
    pub except: Vec<Pattern>,
}

/// The loaded table, ready to classify.
#[derive(Debug, Clone)]
pub struct Fields {
    pub fields: Vec<Field>,
    pub rows: Vec<Row>,
    /// subclass → (row, include) pairs that may match a symbol of it.
    by_subclass: HashMap<[u8; 4], Vec<(usize, usize)>>,
    /// Keyword automaton (patterns lower-cased, `*` removed) and per pattern: its rows and
    /// whether it needs a word boundary before and after.
    automaton: Option<AhoCorasick>,
    keyword_info: Vec<(RowSet, bool, bool)>,
    keyword_rows: RowSet,
    row_field: Vec<FieldSet>,
}

/// Why a field table could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FieldsError {
    #[error("{origin}: not a valid field table: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}: field {field}, row {row}: {message}")]
    Invalid {
        origin: String,
        field: String,
        row: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableToml {
    #[allow(dead_code)]
    source: String,
    field: Vec<FieldToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldToml {
    id: String,
    name_zh: String,
    name_en: String,
    source: String,
    row: Vec<RowToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowToml {
    branch: String,
    include: Vec<IncludeToml>,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IncludeToml {
    Plain(String),
    WithExceptions { ipc: String, except: Vec<String> },
}

impl Fields {
    /// Appendix 7 of GIHI 2024.
    pub fn appendix_7() -> Fields {
        Fields::from_toml_str(APPENDIX_7_TOML, "data/records/ipc-fields.toml")
            .expect("the shipped Appendix 7 table is valid (tested)")
    }

    /// Loads and checks a field table; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Fields, FieldsError> {
        let t: TableToml = toml::from_str(text).map_err(|e| FieldsError::Syntax {
            origin: origin.into(),
            message: e.to_string(),
        })?;
        if t.field.len() > MAX_FIELDS {
            return Err(FieldsError::Syntax {
                origin: origin.into(),
                message: format!("{} fields; at most {MAX_FIELDS}", t.field.len()),
            });
        }
        let mut fields = Vec::new();
        let mut rows = Vec::new();
        for (fi, f) in t.field.into_iter().enumerate() {
            for (ri, r) in f.row.into_iter().enumerate() {
                let invalid = |message: String| FieldsError::Invalid {
                    origin: origin.into(),
                    field: f.id.clone(),
                    row: ri + 1,
                    message,
                };
                let parse = |p: &str| Pattern::parse(p).map_err(|e| invalid(e.to_string()));
                let mut includes = Vec::new();
                for inc in r.include {
                    let (p, except) = match inc {
                        IncludeToml::Plain(p) => (p, Vec::new()),
                        IncludeToml::WithExceptions { ipc, except } => (ipc, except),
                    };
                    let pattern = parse(&p)?;
                    let except = except
                        .iter()
                        .map(|e| parse(e))
                        .collect::<Result<Vec<_>, _>>()?;
                    for e in &except {
                        if !covers(&pattern, e) {
                            return Err(invalid(format!(
                                "exclusion {e} is not inside the include {pattern} it qualifies"
                            )));
                        }
                    }
                    includes.push(Include { pattern, except });
                }
                if includes.is_empty() {
                    return Err(invalid("a row needs at least one IPC pattern".into()));
                }
                if r.keywords
                    .iter()
                    .any(|k| k.trim_end_matches('*').trim().is_empty())
                {
                    return Err(invalid("an empty keyword".into()));
                }
                rows.push(Row {
                    field: fi,
                    branch: r.branch,
                    includes,
                    keywords: r.keywords,
                });
            }
            fields.push(Field {
                id: f.id,
                name_zh: f.name_zh,
                name_en: f.name_en,
                source: f.source,
            });
        }
        if rows.len() > MAX_ROWS {
            return Err(FieldsError::Syntax {
                origin: origin.into(),
                message: format!("{} rows; at most {MAX_ROWS}", rows.len()),
            });
        }
        let mut by_subclass: HashMap<[u8; 4], Vec<(usize, usize)>> = HashMap::new();
        for (ri, r) in rows.iter().enumerate() {
            for (ii, inc) in r.includes.iter().enumerate() {
                by_subclass
                    .entry(inc.pattern.subclass())
                    .or_default()
                    .push((ri, ii));
            }
        }
        let mut words = Vec::new();
        let mut keyword_info: Vec<(RowSet, bool, bool)> = Vec::new();
        let mut keyword_rows = 0;
        for (ri, r) in rows.iter().enumerate() {
            for k in &r.keywords {
                let prefix = k.ends_with('*');
                let w = k.trim_end_matches('*').to_lowercase();
                let latin_start = w.as_bytes()[0].is_ascii_alphanumeric();
                let latin_end = w.as_bytes()[w.len() - 1].is_ascii_alphanumeric() && !prefix;
                match words.iter().position(|x| *x == w) {
                    Some(i) => keyword_info[i].0 |= 1 << ri,
                    None => {
                        words.push(w);
                        keyword_info.push((1u64 << ri, latin_start, latin_end));
                    }
                }
                keyword_rows |= 1 << ri;
            }
        }
        let automaton = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&words)
                    .map_err(|e| FieldsError::Syntax {
                        origin: origin.into(),
                        message: format!("keywords: {e}"),
                    })?,
            )
        };
        let row_field = rows.iter().map(|r| 1u8 << r.field).collect();
        Ok(Fields {
            fields,
            rows,
            by_subclass,
            automaton,
            keyword_info,
            keyword_rows,
            row_field,
        })
    }

    /// The rows under which `s` qualifies (an include matches it and none of that include's
    /// exclusions does).
    pub fn rows_of(&self, s: &Symbol) -> RowSet {
        let mut set = 0;
        if let Some(cands) = self.by_subclass.get(&s.subclass) {
            for &(ri, ii) in cands {
                let inc = &self.rows[ri].includes[ii];
                if inc.pattern.matches(s) && !inc.except.iter().any(|e| e.matches(s)) {
                    set |= 1 << ri;
                }
            }
        }
        set
    }

    /// Rows that need a keyword.
    pub fn keyword_rows(&self) -> RowSet {
        self.keyword_rows
    }

    /// The keyword rows whose keywords occur in `text` (title or abstract).
    pub fn keyword_hits(&self, text: &str) -> RowSet {
        let Some(ac) = &self.automaton else { return 0 };
        let b = text.as_bytes();
        let mut set = 0;
        for m in ac.find_overlapping_iter(text) {
            let (rows, start, end) = self.keyword_info[m.pattern().as_usize()];
            if set & rows == rows {
                continue;
            }
            let before_ok = !start || m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
            let after_ok = !end || m.end() == b.len() || !b[m.end()].is_ascii_alphanumeric();
            if before_ok && after_ok {
                set |= rows;
            }
        }
        set
    }

    /// The fields of a patent whose symbols qualify under `symbol_rows` and whose title or
    /// abstract holds the keywords of `keyword_hits`.
    pub fn fields_of(&self, symbol_rows: RowSet, keyword_hits: RowSet) -> FieldSet {
        let applying = symbol_rows & (!self.keyword_rows | keyword_hits);
        let mut set = 0;
        let mut rest = applying;
        while rest != 0 {
            let r = rest.trailing_zeros() as usize;
            set |= self.row_field[r];
            rest &= rest - 1;
        }
        set
    }

    /// The index of a field by id.
    pub fn field(&self, id: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.id == id)
    }
}

/// Whether every symbol under `inner` is under `outer`.
fn covers(outer: &Pattern, inner: &Pattern) -> bool {
    match (outer, inner) {
        (Pattern::Subclass(a), p) => p.subclass() == *a,
        (Pattern::MainGroup(a, g), Pattern::MainGroup(b, h)) => a == b && g == h,
        (Pattern::MainGroup(a, g), Pattern::Subgroup(s)) => *a == s.subclass && *g == s.group,
        (Pattern::Subgroup(x), Pattern::Subgroup(y)) => x == y,
        _ => false,
    }
}
