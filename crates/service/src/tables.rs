//! Every table the explorer shows, as rows of text for CSV and XLSX downloads. Numbers are
//! written at full precision (the shortest text that reads back exactly).

use crate::rankings::RankingFilter;
use crate::types::Table;
use crate::{Explorer, ServiceError};

/// The tables that can be downloaded, by name.
pub const TABLES: [&str; 6] = ["ranking", "profile", "compare", "regions", "modes", "audit"];

/// What a download asks for (the fields a table does not use are ignored).
#[derive(Debug, Clone, Default)]
pub struct TableRequest {
    pub level: Option<String>,
    pub filter: RankingFilter,
    /// One city (profile) or several (compare).
    pub cities: Vec<String>,
}

fn num(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        x.to_string()
    }
}

impl Explorer {
    /// The table `name` (one of [`TABLES`]).
    pub fn table_for_download(
        &self,
        name: &str,
        req: &TableRequest,
    ) -> Result<Table, ServiceError> {
        let level = req.level.as_deref().unwrap_or("composite");
        let (stem, header, rows): (String, &[&str], Vec<Vec<String>>) = match name {
            "ranking" => {
                let r = self.ranking(level, &req.filter)?;
                let rows = r
                    .rows
                    .iter()
                    .map(|x| {
                        vec![
                            x.rank.to_string(),
                            x.city.id.clone(),
                            x.city.name_en.clone(),
                            x.city.name_zh.clone(),
                            x.city.country.clone(),
                            x.city.continent.clone(),
                            num(x.score),
                            x.history
                                .iter()
                                .map(|h| format!("{}:{}", h.year, h.rank))
                                .collect::<Vec<_>>()
                                .join(" "),
                            x.interval.as_ref().map_or(String::new(), |i| num(i.median)),
                            x.interval.as_ref().map_or(String::new(), |i| num(i.p05)),
                            x.interval.as_ref().map_or(String::new(), |i| num(i.p95)),
                        ]
                    })
                    .collect();
                (
                    format!("ranking-{}", r.level.id),
                    &[
                        "rank",
                        "city",
                        "name_en",
                        "name_zh",
                        "country",
                        "continent",
                        "score",
                        "earlier_ranks",
                        "median_rank",
                        "p05_rank",
                        "p95_rank",
                    ],
                    rows,
                )
            }
            "profile" | "compare" => {
                let profiles = if name == "profile" {
                    let city = req
                        .cities
                        .first()
                        .ok_or_else(|| ServiceError::Invalid("profile: expected a city".into()))?;
                    vec![self.profile(city)?]
                } else {
                    self.compare(&req.cities)?
                };
                let rows = profiles
                    .iter()
                    .flat_map(|p| {
                        p.positions.iter().map(|x| {
                            vec![
                                p.city.id.clone(),
                                x.level.clone(),
                                x.name_en.clone(),
                                x.name_zh.clone(),
                                num(x.score),
                                x.rank.to_string(),
                                x.of.to_string(),
                                num(x.group_median),
                                x.relative.to_string(),
                            ]
                        })
                    })
                    .collect();
                let ids: Vec<&str> = profiles.iter().map(|p| p.city.id.as_str()).collect();
                (
                    format!("{name}-{}", ids.join("-")),
                    &[
                        "city",
                        "level",
                        "name_en",
                        "name_zh",
                        "score",
                        "rank",
                        "of",
                        "group_median",
                        "relative_to_composite",
                    ],
                    rows,
                )
            }
            "regions" => {
                let r = self.regions(level)?;
                let rows = r
                    .continents
                    .iter()
                    .map(|c| {
                        vec![
                            c.continent.clone(),
                            c.continent_zh.clone(),
                            c.cities.to_string(),
                            c.best.to_string(),
                            num(c.q1),
                            num(c.median),
                            num(c.q3),
                            c.worst.to_string(),
                        ]
                    })
                    .collect();
                (
                    format!("regions-{}", r.level.id),
                    &[
                        "continent",
                        "continent_zh",
                        "cities",
                        "best",
                        "q1",
                        "median",
                        "q3",
                        "worst",
                    ],
                    rows,
                )
            }
            "modes" => {
                let m = self.modes()?;
                let rows = m
                    .cities
                    .iter()
                    .map(|x| {
                        let mut row = vec![
                            x.city.id.clone(),
                            x.composite_rank.to_string(),
                            x.mode.id.clone(),
                            x.mode.name_zh.clone(),
                            x.mode.origin.clone(),
                        ];
                        row.extend(x.scores.iter().map(|s| num(*s)));
                        row
                    })
                    .collect();
                let mut header = vec!["city", "composite_rank", "mode", "mode_zh", "origin"];
                header.extend(m.pillars.iter().map(|p| p.as_str()));
                let header: Vec<String> = header.into_iter().map(String::from).collect();
                return Ok(Table {
                    name: "modes".into(),
                    synthetic: self.synthetic(),
                    header,
                    rows,
                });
            }
            "audit" => {
                let (header, rows) = audit_rows(&self.audit_result()?.findings);
                ("audit".into(), header, rows)
            }
            other => {
                return Err(ServiceError::Unknown(format!(
                    "table `{}`: expected one of {}",
                    crate::clip(other),
                    TABLES.join(", ")
                )))
            }
        };
        Ok(Table {
            name: stem,
            synthetic: self.synthetic(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        })
    }
}

/// The audit's findings as a table (header, rows), as `gihi audit published --format csv`
/// writes them and the explorer downloads them.
pub fn audit_rows(findings: &[gihi_audit::Finding]) -> (&'static [&'static str], Vec<Vec<String>>) {
    let rows = findings
        .iter()
        .map(|f| {
            vec![
                f.table.clone(),
                f.city.clone(),
                f.column.clone(),
                f.published.clone(),
                f.expected.clone(),
                f.kind.to_string(),
                f.severity.to_string(),
                f.file.clone(),
                f.line.to_string(),
                f.evidence.clone(),
            ]
        })
        .collect();
    (
        &[
            "table",
            "city",
            "column",
            "published",
            "expected",
            "kind",
            "severity",
            "file",
            "line",
            "evidence",
        ],
        rows,
    )
}
