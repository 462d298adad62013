//! Consistency audit of a published edition's result tables.
//!
//! Four checks, each finding carrying evidence a reader can verify by hand from the printed
//! tables (file and line of every number it uses):
//! - **rank order**: within a table, a higher printed score never has a worse printed rank;
//! - **cross-table**: a city's score or rank printed in two tables is the same;
//! - **affine residual**: each level is an exact affine function of the level below
//!   (composite of the pillars, a pillar of its sub-pillars; see [`fit`]); rows that rounding
//!   to two decimals cannot explain are flagged with the value the rest of the table implies;
//! - **extremes**: each level's best city scores 100.00, and where the whole group is
//!   printed, its last scores 60.00.

pub mod fit;

use fit::{fit_affine, AffineFit};
use gihi_edition::{Cell, Edition, Kind, Row, Table};
use gihi_framework::{Framework, COMPOSITE_ID};
use serde::Serialize;
use std::collections::BTreeMap;

/// One inconsistency in the printed tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Where it is, e.g. `Table 2`.
    pub table: String,
    /// Registry id.
    pub city: String,
    /// The printed column, e.g. `GIHI`, `B_rank`.
    pub column: String,
    /// The value as printed.
    pub published: String,
    /// The value the rest of the tables implies (or the condition it should meet).
    pub expected: String,
    /// `rank-order`, `cross-table`, `affine-residual`, `top-score` or `bottom-score`.
    pub kind: &'static str,
    /// `error` for a contradiction; `note` for something possible but worth a look.
    pub severity: &'static str,
    pub evidence: String,
    /// Transcription file and line of the published value.
    pub file: String,
    pub line: usize,
}

/// One fitted relation between a level and the level below.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    pub table: String,
    pub target: String,
    pub predictors: Vec<String>,
    pub rows: usize,
    pub consistent_rows: usize,
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    /// Coefficients normalised to sum to 1: each child's share of the level's score range.
    pub implied_shares: Vec<f64>,
    /// The framework's weights of the children, normalised among siblings.
    pub nominal_weights: Vec<f64>,
    pub max_residual: f64,
    pub rounding_bound: f64,
}

/// Everything the audit found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub findings: Vec<Finding>,
    pub fits: Vec<FitSummary>,
}

/// Audits an edition's tables against each other and against the method of Appendix 3.
pub fn audit(edition: &Edition, framework: &Framework) -> Audit {
    let mut findings = Vec::new();
    let mut fits = Vec::new();
    let mut fitted: Vec<(&Table, String, Vec<String>, AffineFit)> = Vec::new();
    for table in &edition.tables {
        findings.extend(rank_order(table, edition.year));
        findings.extend(extremes(table, edition.year));
        for (target, children) in relations(table, framework) {
            if let Some((summary, fit, flagged)) =
                affine(table, edition.year, &target, &children, framework)
            {
                fits.push(summary);
                findings.extend(flagged);
                fitted.push((table, target, children, fit));
            }
        }
    }
    findings.extend(cross_table(edition, &fitted));
    misplaced_values(edition, &mut findings);
    findings.sort_by(|a, b| {
        table_order(edition, &a.table)
            .cmp(&table_order(edition, &b.table))
            .then(a.line.cmp(&b.line))
            .then(a.kind.cmp(b.kind))
            .then(a.column.cmp(&b.column))
    });
    Audit { findings, fits }
}

fn table_order(edition: &Edition, id: &str) -> usize {
    edition
        .tables
        .iter()
        .position(|t| t.id == id)
        .unwrap_or(usize::MAX)
}

fn at(table: &Table, row: &Row, cell: &Cell) -> String {
    format!("{} line {} col {}", table.file, row.line, cell.column_no)
}

fn finding(
    table: &Table,
    row: &Row,
    cell: &Cell,
    expected: String,
    kind: &'static str,
    severity: &'static str,
    evidence: String,
) -> Finding {
    Finding {
        table: table.id.clone(),
        city: row.city.clone(),
        column: cell.column.clone(),
        published: cell.text.clone(),
        expected,
        kind,
        severity,
        evidence,
        file: table.file.clone(),
        line: row.line,
    }
}

/// A higher printed score with a worse printed rank, for every node ranked in the table.
fn rank_order(table: &Table, year: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    let nodes: Vec<String> = table.score_nodes();
    for node in nodes {
        let rows: Vec<(&Row, &Cell, &Cell)> = table
            .rows
            .iter()
            .filter_map(|r| {
                Some((
                    r,
                    r.cell(&node, Kind::Score, year)?,
                    r.cell(&node, Kind::Rank, year)?,
                ))
            })
            .collect();
        for (r, s, k) in &rows {
            // The best-ranked row that prints a lower score than this one.
            let worse: Option<&(&Row, &Cell, &Cell)> = rows
                .iter()
                .filter(|(_, s2, k2)| s2.value < s.value && k2.value < k.value)
                .min_by(|a, b| a.2.value.total_cmp(&b.2.value));
            if let Some((r2, s2, k2)) = worse {
                out.push(finding(
                    table,
                    r,
                    k,
                    format!("better than {}", k2.text),
                    "rank-order",
                    "error",
                    format!(
                        "{} prints {node} {} with rank {} ({}), but {} prints a lower {node} {} with a better rank {} ({})",
                        r.city, s.text, k.text, at(table, r, k), r2.city, s2.text, k2.text, at(table, r2, k2)
                    ),
                ));
            }
        }
    }
    out
}

/// The top of each level prints 100.00; where the whole group is printed, the bottom 60.00.
fn extremes(table: &Table, year: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    for node in table.score_nodes() {
        let cells: Vec<(&Row, &Cell)> = table
            .rows
            .iter()
            .filter_map(|r| r.cell(&node, Kind::Score, year).map(|c| (r, c)))
            .collect();
        let tops: Vec<_> = cells.iter().filter(|(_, c)| c.value == 100.0).collect();
        let ranked = cells
            .iter()
            .any(|(r, _)| r.cell(&node, Kind::Rank, year).is_some());
        // Is the top of this node necessarily printed? Yes for the table's own node, for
        // every column of a complete table, and for ranked columns whose rank 1 is printed.
        let top_printed = node == table.node
            || table.complete
            || cells.iter().any(|(r, _)| {
                r.cell(&node, Kind::Rank, year)
                    .is_some_and(|k| k.value == 1.0)
            });
        if tops.len() != 1 {
            let (r, c) = cells
                .iter()
                .max_by(|a, b| a.1.value.total_cmp(&b.1.value))
                .copied()
                .unwrap_or((&table.rows[0], &table.rows[0].cells[0]));
            let severity = if top_printed { "error" } else { "note" };
            let evidence = if tops.is_empty() {
                format!(
                    "no row of {} prints {node} = 100.00; the highest printed is {} ({}){}",
                    table.id,
                    c.text,
                    r.city,
                    if top_printed {
                        ""
                    } else {
                        "; the best city may be outside the printed rows"
                    }
                )
            } else {
                format!(
                    "{} rows print {node} = 100.00 ({}); min-max rescaling gives 100 to one city unless the best z-values tie",
                    tops.len(),
                    tops.iter().map(|(r, _)| r.city.as_str()).collect::<Vec<_>>().join(", ")
                )
            };
            out.push(finding(
                table,
                r,
                c,
                "exactly one 100.00".into(),
                "top-score",
                severity,
                evidence,
            ));
        }
        if ranked {
            for (r, c) in &cells {
                let Some(k) = r.cell(&node, Kind::Rank, year) else {
                    continue;
                };
                let last = k.value as usize == table.group_size;
                if last != (c.value == 60.0) {
                    out.push(finding(
                        table,
                        r,
                        c,
                        if last { "60.00".into() } else { "above 60.00".into() },
                        "bottom-score",
                        "error",
                        format!(
                            "{} prints {node} {} with rank {} of {} ({}); the last of the group scores exactly 60.00 and only it",
                            r.city, c.text, k.text, table.group_size, at(table, r, c)
                        ),
                    ));
                }
            }
        }
        if table.complete && !cells.iter().any(|(_, c)| c.value == 60.0) {
            let (r, c) = cells
                .iter()
                .min_by(|a, b| a.1.value.total_cmp(&b.1.value))
                .copied()
                .expect("rows");
            out.push(finding(
                table,
                r,
                c,
                "60.00".into(),
                "bottom-score",
                "error",
                format!(
                    "{} prints the whole group but no {node} = 60.00; the lowest is {} ({})",
                    table.id, c.text, r.city
                ),
            ));
        }
    }
    out
}

/// (target, children) pairs whose columns are all in the table.
fn relations(table: &Table, framework: &Framework) -> Vec<(String, Vec<String>)> {
    let nodes = table.score_nodes();
    let mut out = Vec::new();
    let pillars: Vec<String> = framework.pillars.iter().map(|p| p.id.clone()).collect();
    if nodes.contains(&COMPOSITE_ID.to_string()) && pillars.iter().all(|p| nodes.contains(p)) {
        out.push((COMPOSITE_ID.to_string(), pillars));
    }
    for p in &framework.pillars {
        let subs: Vec<String> = p.subpillars.iter().map(|s| s.id.clone()).collect();
        if nodes.contains(&p.id) && subs.iter().all(|s| nodes.contains(s)) {
            out.push((p.id.clone(), subs));
        }
    }
    out
}

fn nominal_weights(framework: &Framework, children: &[String]) -> Vec<f64> {
    let w: Vec<f64> = children
        .iter()
        .map(|c| {
            framework
                .pillars
                .iter()
                .find(|p| &p.id == c)
                .map(|p| p.weight)
                .or_else(|| {
                    framework
                        .subpillars()
                        .find(|s| &s.id == c)
                        .map(|s| s.weight)
                })
                .unwrap_or(f64::NAN)
        })
        .collect();
    let sum: f64 = w.iter().sum();
    w.iter().map(|v| v / sum).collect()
}

fn affine(
    table: &Table,
    year: u16,
    target: &str,
    children: &[String],
    framework: &Framework,
) -> Option<(FitSummary, AffineFit, Vec<Finding>)> {
    let rows: Vec<(&Row, &Cell, Vec<&Cell>)> = table
        .rows
        .iter()
        .filter_map(|r| {
            let y = r.cell(target, Kind::Score, year)?;
            let xs: Option<Vec<&Cell>> = children
                .iter()
                .map(|c| r.cell(c, Kind::Score, year))
                .collect();
            Some((r, y, xs?))
        })
        .collect();
    let y: Vec<f64> = rows.iter().map(|(_, c, _)| c.value).collect();
    let x: Vec<Vec<f64>> = rows
        .iter()
        .map(|(_, _, xs)| xs.iter().map(|c| c.value).collect())
        .collect();
    let fit = fit_affine(&y, &x)?;
    let sum: f64 = fit.coefficients.iter().sum();
    let formula = format!(
        "{target} = {:.4}{}",
        fit.intercept,
        children
            .iter()
            .zip(&fit.coefficients)
            .map(|(c, b)| format!(" + {b:.4}·{c}"))
            .collect::<String>()
    );
    let consistent_rows = fit.consistent.iter().filter(|c| **c).count();
    let mut flagged = Vec::new();
    for (j, (r, yc, xs)) in rows.iter().enumerate() {
        if fit.consistent[j] {
            continue;
        }
        let predicted = fit.predict(&x[j]);
        let residual = yc.value - predicted;
        let alternatives: Vec<String> = children
            .iter()
            .zip(xs)
            .zip(&fit.coefficients)
            .filter(|(_, b)| **b > 1e-6)
            .map(|((c, xc), b)| format!("{c} {:.2} (printed {})", xc.value + residual / b, xc.text))
            .collect();
        flagged.push(finding(
            table,
            r,
            yc,
            format!("{predicted:.2}"),
            "affine-residual",
            "error",
            format!(
                "{} prints {target} {} with {}; the other {consistent_rows} rows fit {formula} within rounding, which gives {predicted:.3} (residual {residual:+.3}, rounding allows ±{:.4}). If only one sub-score were wrong instead, it would be {}",
                r.city,
                yc.text,
                children.iter().zip(xs).map(|(c, xc)| format!("{c} {}", xc.text)).collect::<Vec<_>>().join(", "),
                fit.bound(),
                alternatives.join(" or ")
            ),
        ));
    }
    let summary = FitSummary {
        table: table.id.clone(),
        target: target.to_string(),
        predictors: children.to_vec(),
        rows: rows.len(),
        consistent_rows,
        intercept: fit.intercept,
        coefficients: fit.coefficients.clone(),
        implied_shares: fit.coefficients.iter().map(|b| b / sum).collect(),
        nominal_weights: nominal_weights(framework, children),
        max_residual: fit.max_residual,
        rounding_bound: fit.bound(),
    };
    Some((summary, fit, flagged))
}

/// For inconsistent rows, finds other cities of the group that print exactly the same value
/// for the same measure (in any table): a value that belongs to another city. Appends that to
/// the evidence and, where a table has three or more such rows in one column, adds one
/// summary finding.
fn misplaced_values(edition: &Edition, findings: &mut Vec<Finding>) {
    let mut summaries: BTreeMap<(String, String), Vec<(usize, String)>> = BTreeMap::new();
    for (idx, f) in findings
        .iter_mut()
        .enumerate()
        .filter(|(_, f)| f.kind == "affine-residual")
    {
        let Some(table) = edition.table(&f.table) else {
            continue;
        };
        let mut owners = Vec::new();
        for t in edition.tables.iter().filter(|t| t.group == table.group) {
            for r in t.rows.iter().filter(|r| r.city != f.city) {
                if let Some(c) = r.cell(&f.column, Kind::Score, edition.year) {
                    if c.text == f.published {
                        owners.push(format!("{} ({} line {})", r.city, t.id, r.line));
                    }
                }
            }
        }
        if !owners.is_empty() {
            f.evidence.push_str(&format!(
                ". The printed {} is exactly what is printed for {}",
                f.published,
                owners.join(", ")
            ));
            summaries
                .entry((f.table.clone(), f.column.clone()))
                .or_default()
                .push((idx, owners.join(" / ")));
        }
    }
    for ((table_id, column), rows) in summaries {
        if rows.len() < 3 {
            continue;
        }
        let first = findings[rows[0].0].clone();
        let lines: Vec<usize> = rows.iter().map(|(i, _)| findings[*i].line).collect();
        let pairs: Vec<String> = rows
            .iter()
            .map(|(i, owner)| {
                format!(
                    "{} prints {} = {}",
                    findings[*i].city,
                    findings[*i].published,
                    owner.split(" (").next().unwrap_or(owner)
                )
            })
            .collect();
        findings.push(Finding {
            table: table_id.clone(),
            city: first.city.clone(),
            column: column.clone(),
            published: format!("{} values", rows.len()),
            expected: "each city's own value".into(),
            kind: "misplaced-values",
            severity: "error",
            evidence: format!(
                "{} rows of {} (lines {}-{}) print a {column} value that fails the sub-score relation and equals the {column} printed for another city: {}. The column appears to hold other cities' scores",
                rows.len(),
                table_id,
                lines.iter().min().unwrap_or(&0),
                lines.iter().max().unwrap_or(&0),
                pairs.join("; ")
            ),
            file: first.file.clone(),
            line: first.line,
        });
    }
}

/// The same city and measure printed differently in two tables.
fn cross_table(
    edition: &Edition,
    fitted: &[(&Table, String, Vec<String>, AffineFit)],
) -> Vec<Finding> {
    type Key = (gihi_registry::Group, String, String, Kind, u16);
    let mut seen: BTreeMap<Key, Vec<(&Table, &Row, &Cell)>> = BTreeMap::new();
    for t in &edition.tables {
        for r in &t.rows {
            for c in &r.cells {
                seen.entry((t.group, r.city.clone(), c.node.clone(), c.kind, c.year))
                    .or_default()
                    .push((t, r, c));
            }
        }
    }
    let mut out = Vec::new();
    for ((_, city, node, kind, year), places) in seen {
        let (t0, r0, c0) = places[0];
        for (t, r, c) in places.iter().skip(1) {
            if c.value == c0.value {
                continue;
            }
            let mut evidence = format!(
                "{} {node}{} {year}: {} prints {} ({}), {} prints {} ({})",
                city,
                if kind == Kind::Rank { " rank" } else { "" },
                t0.id,
                c0.text,
                at(t0, r0, c0),
                t.id,
                c.text,
                at(t, r, c)
            );
            if kind == Kind::Score {
                evidence.push_str(&which_fits(fitted, &city, &node, &[(t0, c0), (t, c)]));
            }
            out.push(finding(
                t,
                r,
                c,
                c0.text.clone(),
                "cross-table",
                "error",
                evidence,
            ));
        }
    }
    out
}

/// For a disputed score, says under which value each fitted relation holds within rounding.
fn which_fits(
    fitted: &[(&Table, String, Vec<String>, AffineFit)],
    city: &str,
    node: &str,
    values: &[(&Table, &Cell)],
) -> String {
    let mut notes = Vec::new();
    for (table, target, children, fit) in fitted {
        let Some(row) = table.rows.iter().find(|r| r.city == city) else {
            continue;
        };
        let involved = target == node || children.iter().any(|c| c == node);
        if !involved {
            continue;
        }
        let (Some(y), Some(xs)) = (
            row.cell(target, Kind::Score, row.cells[0].year),
            children
                .iter()
                .map(|c| row.cell(c, Kind::Score, row.cells[0].year).map(|c| c.value))
                .collect::<Option<Vec<f64>>>(),
        ) else {
            continue;
        };
        let (mut admitted, mut rejected) = (Vec::new(), Vec::new());
        for (_, cell) in values {
            let yv = if target == node { cell.value } else { y.value };
            let mut xv = xs.clone();
            if let Some(k) = children.iter().position(|c| c == node) {
                xv[k] = cell.value;
            }
            if fit.admits(yv, &xv) {
                admitted.push(cell.text.as_str());
            } else {
                rejected.push(cell.text.as_str());
            }
        }
        let verdicts = [("admits", admitted), ("rejects", rejected)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(w, v)| format!("{w} {}", v.join(" and ")))
            .collect::<Vec<_>>();
        notes.push(format!(
            "; within rounding, {}'s relation {target} ~ {} {}",
            table.id,
            children.join("+"),
            verdicts.join(" and ")
        ));
    }
    notes.concat()
}

#[cfg(test)]
mod tests;
