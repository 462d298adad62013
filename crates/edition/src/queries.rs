//! Rankings and top-N selections on a published edition.

use crate::{Edition, Kind};
use gihi_registry::Group;

/// A ranking at one level, as printed (or derived from printed scores for sub-pillars).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// `composite`, `mini`, a pillar or a sub-pillar id.
    pub level: String,
    pub group: Group,
    /// The table it comes from, e.g. `Table 5`.
    pub table: String,
    /// True when the table prints no rank for this level: ranks are then competition ranks
    /// of the printed scores among the printed rows only.
    pub derived: bool,
    pub rows: Vec<RankingRow>,
}

/// One row of a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingRow {
    pub rank: u32,
    pub city: String,
    pub name_printed: String,
    /// The score as printed.
    pub score: String,
    pub value: f64,
}

impl Edition {
    /// The ranking at a level: `composite` (Table 2), `mini` (Table 4), `mini-A`–`mini-C`
    /// (Table 4's pillars), `A`–`C` (Tables 5, 7, 9) or a sub-pillar `A1`–`C4` (derived from
    /// the printed scores of Tables 5, 7, 9).
    pub fn ranking(&self, level: &str) -> Option<Ranking> {
        let (node, group) = match level {
            "composite" => ("GIHI", Group::Main),
            "mini" => ("GIHI", Group::Mini),
            n => match n.strip_prefix("mini-") {
                Some(pillar) => (pillar, Group::Mini),
                None => (n, Group::Main),
            },
        };
        let candidates: Vec<_> = self
            .tables
            .iter()
            .filter(|t| t.group == group && t.score_nodes().iter().any(|n| n == node))
            .collect();
        // Prefer the table devoted to this node (Table 5 for A rather than Table 2).
        let table = candidates
            .iter()
            .find(|t| t.node == node)
            .or(candidates.first())?;
        let mut rows: Vec<RankingRow> = table
            .rows
            .iter()
            .filter_map(|r| {
                let score = r.cell(node, Kind::Score, self.year)?;
                Some(RankingRow {
                    rank: r
                        .cell(node, Kind::Rank, self.year)
                        .map_or(0, |c| c.value as u32),
                    city: r.city.clone(),
                    name_printed: r.name_printed.clone(),
                    score: score.text.clone(),
                    value: score.value,
                })
            })
            .collect();
        let derived = rows.iter().any(|r| r.rank == 0);
        if derived {
            let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
            for row in rows.iter_mut() {
                row.rank = values.iter().filter(|v| **v > row.value).count() as u32 + 1;
            }
        }
        rows.sort_by_key(|r| r.rank);
        Some(Ranking {
            level: level.to_string(),
            group,
            table: table.id.clone(),
            derived,
            rows,
        })
    }
}

impl Ranking {
    /// Rows ranked `n` or better (all rows sharing a rank at the cut are included).
    pub fn top(&self, n: u32) -> Vec<&RankingRow> {
        self.rows.iter().filter(|r| r.rank <= n).collect()
    }

    /// Printed scores equal across the cut-off: pairs (inside, outside) of rows whose printed
    /// scores are the same although only the first is in the top `n`.
    pub fn ties_at_cutoff(&self, n: u32) -> Vec<(&RankingRow, &RankingRow)> {
        let inside = self.top(n);
        let outside: Vec<_> = self.rows.iter().filter(|r| r.rank > n).collect();
        let mut out = Vec::new();
        for i in &inside {
            for o in &outside {
                if i.score == o.score {
                    out.push((*i, *o));
                }
            }
        }
        out
    }
}
