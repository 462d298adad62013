//! The report's checkable statements about its own results, tested against its tables.
//!
//! `data/editions/2024/statements.toml` lists each statement with its section, its quote and
//! a claim (see that file's header). A statement that the tables contradict is a finding about
//! the report; the data are never bent to fit the text.

use gihi_edition::{Edition, Kind, Ranking};
use gihi_registry::Registry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The statements of the GIHI 2024 report.
pub const GIHI_2024_STATEMENTS: &str = include_str!("../../../data/editions/2024/statements.toml");

/// One statement and its claim.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub section: String,
    pub quote: String,
    pub claim: String,
    pub level: String,
    #[serde(default)]
    pub cities: Vec<String>,
    pub city: Option<String>,
    pub n: Option<u32>,
    pub rank: Option<u32>,
    pub score: Option<String>,
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
    #[serde(default)]
    pub continents: Vec<String>,
    pub count: Option<usize>,
    pub from: Option<u16>,
    pub change: Option<i64>,
    pub changed: Option<usize>,
    pub rose: Option<usize>,
}

#[derive(Deserialize)]
struct File {
    statement: Vec<Statement>,
}

/// Whether the tables bear a statement out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub section: String,
    pub quote: String,
    pub claim: String,
    pub level: String,
    pub holds: bool,
    /// What the tables show, in words a reader can check.
    pub found: String,
}

/// Parses a statements file.
pub fn parse(text: &str) -> Result<Vec<Statement>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.statement)
        .map_err(|e| e.to_string())
}

/// Tests every statement against the edition.
pub fn check(statements: &[Statement], edition: &Edition, registry: &Registry) -> Vec<Verdict> {
    statements
        .iter()
        .map(|s| check_one(s, edition, registry))
        .collect()
}

fn verdict(s: &Statement, holds: bool, found: String) -> Verdict {
    Verdict {
        section: s.section.clone(),
        quote: s.quote.clone(),
        claim: s.claim.clone(),
        level: s.level.clone(),
        holds,
        found,
    }
}

fn rank_of(r: &Ranking, city: &str) -> Option<u32> {
    r.rows.iter().find(|x| x.city == city).map(|x| x.rank)
}

/// The printed history (rank per year) of a level, from the table devoted to its node.
fn history(edition: &Edition, level: &str, year: u16) -> BTreeMap<String, u32> {
    let node = if level == "composite" { "GIHI" } else { level };
    edition
        .tables
        .iter()
        .filter(|t| {
            t.node == node
                && t.rows
                    .iter()
                    .any(|r| r.cell(node, Kind::Rank, year).is_some() && year != edition.year)
        })
        .flat_map(|t| {
            t.rows.iter().filter_map(move |r| {
                r.cell(node, Kind::Rank, year)
                    .map(|c| (r.city.clone(), c.value as u32))
            })
        })
        .collect()
}

fn check_one(s: &Statement, edition: &Edition, registry: &Registry) -> Verdict {
    let Some(r) = edition.ranking(&s.level) else {
        return verdict(
            s,
            false,
            format!("no printed ranking for level {}", s.level),
        );
    };
    let top = |n: u32| {
        r.top(n)
            .into_iter()
            .map(|x| x.city.as_str())
            .collect::<Vec<_>>()
    };
    match s.claim.as_str() {
        "top-cities" => {
            let got = top(s.cities.len() as u32);
            verdict(
                s,
                got == s.cities.iter().map(String::as_str).collect::<Vec<_>>(),
                format!("{} ranks 1-{}: {}", r.table, s.cities.len(), got.join(", ")),
            )
        }
        "in-top" => {
            let n = s.n.unwrap_or(0);
            let ranks: Vec<String> = s
                .cities
                .iter()
                .map(|c| {
                    format!(
                        "{c} {}",
                        rank_of(&r, c).map_or("not printed".into(), |k| format!("rank {k}"))
                    )
                })
                .collect();
            let holds = s
                .cities
                .iter()
                .all(|c| rank_of(&r, c).is_some_and(|k| k <= n));
            verdict(s, holds, format!("{}: {}", r.table, ranks.join(", ")))
        }
        "rank" => {
            let city = s.city.clone().unwrap_or_default();
            let got = rank_of(&r, &city);
            verdict(
                s,
                got == s.rank,
                format!(
                    "{} prints {city} at rank {}",
                    r.table,
                    got.map_or("(not printed)".into(), |k| k.to_string())
                ),
            )
        }
        "score" => {
            let city = s.city.clone().unwrap_or_default();
            let got = r
                .rows
                .iter()
                .find(|x| x.city == city)
                .map(|x| x.score.clone());
            verdict(
                s,
                got == s.score,
                format!("{} prints {city} {}", r.table, got.unwrap_or_default()),
            )
        }
        "continents" | "countries" | "continents-sum" => {
            let n = s.n.unwrap_or(0);
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for row in r.top(n) {
                let c = registry.get(&row.city).expect("registry city");
                let key = if s.claim == "countries" {
                    c.country.clone()
                } else {
                    c.continent.name_en().to_string()
                };
                *counts.entry(key).or_default() += 1;
            }
            let listed = r.top(n).len();
            let shown = counts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ");
            if s.claim == "continents-sum" {
                let sum: usize = s
                    .continents
                    .iter()
                    .map(|c| counts.get(c).copied().unwrap_or(0))
                    .sum();
                return verdict(
                    s,
                    Some(sum) == s.count,
                    format!(
                        "{} top {n} ({listed} cities): {shown}; {} together {sum}",
                        r.table,
                        s.continents.join(" + ")
                    ),
                );
            }
            let holds = s
                .counts
                .iter()
                .all(|(k, v)| counts.get(k).copied().unwrap_or(0) == *v);
            verdict(
                s,
                holds,
                format!(
                    "{} top {n} ({listed} cities{}): {shown}",
                    r.table,
                    if r.derived {
                        ", ranks derived from printed scores"
                    } else {
                        ""
                    }
                ),
            )
        }
        "rank-change" => {
            let city = s.city.clone().unwrap_or_default();
            let from = s.from.unwrap_or(0);
            let before = history(edition, &s.level, from).get(&city).copied();
            let now = rank_of(&r, &city);
            match (before, now) {
                (Some(b), Some(a)) => {
                    let change = b as i64 - a as i64;
                    verdict(
                        s,
                        Some(change) == s.change,
                        format!(
                            "{city}: rank {b} in {from}, {a} in {} ({change:+})",
                            edition.year
                        ),
                    )
                }
                _ => verdict(
                    s,
                    false,
                    format!("{city}: no printed rank for {from} or {}", edition.year),
                ),
            }
        }
        "changed-count" => {
            let from = s.from.unwrap_or(0);
            let before = history(edition, &s.level, from);
            let (mut changed, mut rose) = (0, 0);
            for (city, b) in &before {
                if let Some(a) = rank_of(&r, city) {
                    if a != *b {
                        changed += 1;
                    }
                    if a < *b {
                        rose += 1;
                    }
                }
            }
            let holds = s.changed.is_none_or(|c| c == changed) && s.rose.is_none_or(|x| x == rose);
            verdict(s, holds, format!("of the {} cities in the printed history, {changed} moved since {from} and {rose} rose", before.len()))
        }
        other => verdict(s, false, format!("unknown claim `{other}`")),
    }
}
