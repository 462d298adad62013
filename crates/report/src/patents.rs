//! The patent tables of a records output, as the patent chapter reads them (the report's
//! biomedical focus, section 4, figures 25–29, and the co-application network, figure 33).

use std::collections::BTreeMap;
use std::path::Path;

/// A `gihi records patents` output, as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PatentRecords {
    /// Where it was read from.
    pub origin: String,
    pub synthetic: bool,
    pub valid_on: String,
    pub year: i32,
    /// (metro, field) → (I09 valid families, I10 PCT families, I18 degree).
    pub by_field: BTreeMap<(String, String), (u64, u64, u64)>,
    /// (scope, year, valid families, PCT families) of the biomedical field.
    pub by_year: Vec<(String, i32, u64, u64)>,
    /// (metro a, metro b, field, families).
    pub edges: Vec<(String, String, String, u64)>,
    /// (metro, applicant type, PCT families held by its top 20 of that type, share).
    pub type_mix: Vec<(String, String, u64, f64)>,
    /// (metro, rank, applicant, type, families, share).
    pub top_applicants: Vec<(String, u32, String, String, u64, f64)>,
}

/// The data rows of a CSV file of a records output (`#` lines skipped).
pub(crate) fn rows(dir: &Path, name: &str) -> Result<Vec<csv::StringRecord>, String> {
    let path = dir.join(name);
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    r.records()
        .map(|x| x.map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

/// Every data row of a CSV file of a records output, parsed by `parse` (given the row and
/// the file's name, for messages).
pub(crate) fn table<T>(
    dir: &Path,
    name: &str,
    parse: impl Fn(&csv::StringRecord, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    rows(dir, name)?.iter().map(|r| parse(r, name)).collect()
}

/// Column `k` of a row as a number.
pub(crate) fn num<T: std::str::FromStr>(
    r: &csv::StringRecord,
    k: usize,
    file: &str,
) -> Result<T, String> {
    r.get(k).and_then(|x| x.parse().ok()).ok_or_else(|| {
        format!(
            "{file}: expected a number in column {}, found `{}`",
            k + 1,
            r.get(k).unwrap_or("")
        )
    })
}

impl PatentRecords {
    /// Reads the patent tables of a verified records output from `dir`, with the run's
    /// summary (`synthetic` says whether the output is synthetic).
    pub(crate) fn read(
        dir: &Path,
        summary: &serde_json::Value,
        synthetic: bool,
    ) -> Result<PatentRecords, String> {
        let mut by_field = BTreeMap::new();
        let f = "indicators_by_field.csv";
        for r in rows(dir, f)? {
            by_field.insert(
                (r[0].to_string(), r[1].to_string()),
                (num(&r, 2, f)?, num(&r, 3, f)?, num(&r, 4, f)?),
            );
        }
        let by_year = table(dir, "focus/biomedicine_by_year.csv", |r, f| {
            Ok((
                r[0].to_string(),
                num(r, 1, f)?,
                num(r, 2, f)?,
                num(r, 3, f)?,
            ))
        })?;
        let edges = table(dir, "network_edges.csv", |r, f| {
            Ok((
                r[0].to_string(),
                r[1].to_string(),
                r[2].to_string(),
                num(r, 3, f)?,
            ))
        })?;
        let type_mix = table(dir, "focus/biomedicine_pct_type_mix.csv", |r, f| {
            Ok((
                r[0].to_string(),
                r[1].to_string(),
                num(r, 2, f)?,
                num(r, 3, f)?,
            ))
        })?;
        let top_applicants = table(dir, "focus/biomedicine_top_applicants.csv", |r, f| {
            Ok((
                r[0].to_string(),
                num(r, 1, f)?,
                r[2].to_string(),
                r[3].to_string(),
                num(r, 4, f)?,
                num(r, 5, f)?,
            ))
        })?;
        Ok(PatentRecords {
            origin: dir.display().to_string(),
            synthetic,
            valid_on: summary["valid_on"].as_str().unwrap_or("").to_string(),
            year: summary["year"].as_i64().unwrap_or(0) as i32,
            by_field,
            by_year,
            edges,
            type_mix,
            top_applicants,
        })
    }

    /// Metros by a count of one field (I09: 0, I10: 1, I18: 2), largest first, ties by id;
    /// zeros left out.
    pub fn ranked(&self, field: &str, which: usize) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .by_field
            .iter()
            .filter(|((_, f), _)| f == field)
            .map(|((m, _), c)| (m.clone(), [c.0, c.1, c.2][which]))
            .filter(|x| x.1 > 0)
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}
