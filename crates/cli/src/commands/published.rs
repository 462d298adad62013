//! `gihi published`: queries on a published edition (rankings and regional counts).

use super::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_edition::{Edition, Ranking};

/// The published tables of the chosen edition (`--edition`); an edition not yet published
/// (no printed tables) is refused with a pointer to `--results`.
pub fn load_edition() -> Result<Edition, CliError> {
    let edition = Edition::resolve(super::edition::arg())?;
    if edition.tables.is_empty() {
        return Err(CliError::Input(format!(
            "edition {} ({}) has no published tables yet: this command reads printed results; give a computed run with --results DIR where the command takes one",
            edition.year, edition.origin
        )));
    }
    Ok(edition)
}

/// The ranking at a level, or a message listing the levels there are.
pub fn ranking(edition: &Edition, level: &str) -> Result<Ranking, CliError> {
    edition.ranking(level).ok_or_else(|| {
        CliError::Input(format!(
            "no printed ranking for level `{level}`: expected composite, mini, A, B, C or a sub-pillar A1..C4"
        ))
    })
}

fn check_top(r: &Ranking, top: u32) -> Result<(), CliError> {
    let printed = r.rows.iter().map(|x| x.rank).max().unwrap_or(0);
    if top == 0 || top > printed {
        return Err(CliError::Input(format!(
            "--top {top}: {} prints ranks 1 to {printed} for `{}`; expected a number in that range",
            r.table, r.level
        )));
    }
    Ok(())
}

pub fn run_ranking(level: &str, top: Option<u32>, format: Format) -> Result<(), CliError> {
    let edition = load_edition()?;
    let r = ranking(&edition, level)?;
    let top = top.unwrap_or(u32::MAX);
    if top != u32::MAX {
        check_top(&r, top)?;
    }
    let setup = super::edition::setup()?;
    let registry = &setup.registry;
    // Values the audit proves wrong (severity error) in this ranking's score column.
    let node = match r.level.as_str() {
        "composite" | "mini" => gihi_framework::COMPOSITE_ID.to_string(),
        l => l.strip_prefix("mini-").unwrap_or(l).to_string(),
    };
    let findings = gihi_audit::audit(&edition, &setup.framework).findings;
    let flag = |city: &str| {
        findings
            .iter()
            .find(|f| {
                f.severity == "error" && f.table == r.table && f.city == city && f.column == node
            })
            .map(|f| {
                format!(
                    "inconsistent: the audit implies {} ({})",
                    f.expected, f.kind
                )
            })
    };
    let shown = r.top(top);
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|x| {
            let c = registry
                .get(&x.city)
                .expect("edition cities are registry cities");
            vec![
                x.rank.to_string(),
                x.city.clone(),
                c.name_en.clone(),
                c.name_zh.clone(),
                x.score.clone(),
                flag(&x.city).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["rank", "city", "name_en", "name_zh", "score", "audit"];
    let flagged = rows.iter().filter(|r| !r[5].is_empty()).count();
    let source = format!(
        "GIHI {} {}, level {}{}",
        edition.year,
        r.table,
        r.level,
        if r.derived {
            " (ranks derived from the printed scores of the printed rows only)"
        } else {
            ""
        }
    );
    let text = match format {
        Format::Csv => csv_string(false, &header, rows),
        Format::Json => {
            let items: Vec<serde_json::Value> = shown
                .iter()
                .zip(&rows)
                .map(|(x, row)| serde_json::json!({"rank": x.rank, "city": x.city, "name_en": row[2], "name_zh": row[3], "score": x.value, "score_printed": x.score, "audit": if row[5].is_empty() { serde_json::Value::Null } else { row[5].clone().into() }}))
                .collect();
            super::json_text(
                &serde_json::json!({"source": source, "derived_ranks": r.derived, "rows": items}),
            )
        }
        Format::Table => {
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let mut row = row.clone();
                    if !row[5].is_empty() {
                        row[4].push_str(" ⚠");
                    }
                    row
                })
                .collect();
            let mut out = format!("{source}\n\n{}", text_table(&header, &table_rows));
            if flagged > 0 {
                out.push_str(&format!("\n⚠ {flagged} printed value(s) contradict the other tables (see `gihi audit published`).\n"));
            }
            out
        }
    };
    print(&text)
}

/// Grouping for regional counts.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegionBy {
    Continent,
    Country,
}

pub fn run_regions(level: &str, top: u32, by: RegionBy, format: Format) -> Result<(), CliError> {
    let edition = load_edition()?;
    let r = ranking(&edition, level)?;
    check_top(&r, top)?;
    let setup = super::edition::setup()?;
    let registry = &setup.registry;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for row in r.top(top) {
        let c = registry.get(&row.city).expect("registry city");
        let key = match by {
            RegionBy::Continent => c.continent.name_en().to_string(),
            RegionBy::Country => c.country.clone(),
        };
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    // Most cities first; equal counts in name order.
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let ties = r.ties_at_cutoff(top);
    let tie_notes: Vec<String> = ties
        .iter()
        .map(|(i, o)| format!("{} (rank {}) and {} (rank {}) both print {}; the printed ranks put only the first in the top {top}", i.city, i.rank, o.city, o.rank, i.score))
        .collect();
    for n in &tie_notes {
        eprintln!("note: tie at the cut-off: {n}");
    }
    let text = match format {
        Format::Json => {
            let mut map = serde_json::Map::new();
            for (k, n) in &counts {
                map.insert(k.clone(), serde_json::Value::from(*n));
            }
            super::json_text(&serde_json::Value::Object(map))
        }
        Format::Csv => csv_string(
            false,
            &["region", "cities"],
            counts.iter().map(|(k, n)| vec![k.clone(), n.to_string()]),
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = counts
                .iter()
                .map(|(k, n)| vec![k.clone(), n.to_string()])
                .collect();
            let mut t = format!(
                "GIHI {} {}, level {}, top {top}\n\n{}",
                edition.year,
                r.table,
                r.level,
                text_table(&["region", "cities"], &rows)
            );
            for n in &tie_notes {
                t.push_str(&format!("note: tie at the cut-off: {n}\n"));
            }
            t
        }
    };
    print(&text)
}
