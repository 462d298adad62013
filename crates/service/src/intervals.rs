//! Rank intervals from a `gihi uncertainty` output, attached to the run it was computed on.
//! The output must be verifiably gihi's (its manifest checks every file) and computed from
//! the same indicator table as the run (same SHA-256), or it is refused.

use crate::types::RankInterval;
use crate::{Explorer, LoadError};
use gihi_registry::Group;
use std::collections::HashMap;
use std::path::Path;

/// The intervals of one uncertainty output, by (group, node, city).
#[derive(Debug, Clone)]
pub(crate) struct Intervals {
    /// e.g. `gihi uncertainty, 100000 runs, vary weights, normalisation`.
    pub label: String,
    by_key: HashMap<(Group, String, String), RankInterval>,
}

const FILE: &str = "rank_intervals.csv";

impl Explorer {
    /// Attaches the rank intervals of `dir` (a `gihi uncertainty` output on this run's table).
    pub fn with_uncertainty(mut self, dir: &Path) -> Result<Explorer, LoadError> {
        let refuse = |m: String| LoadError::Other(format!("{}: {m}", dir.display()));
        let Some(own) = &self.data_sha256 else {
            return Err(refuse(
                "rank intervals belong to a computed run: give the run with --results as well"
                    .into(),
            ));
        };
        let verified = gihi_output::verify_dir(dir, "uncertainty")
            .map_err(|e| LoadError::Other(e.to_string()))?;
        let m = &verified.manifest;
        let theirs = m["inputs"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["role"] == "data"))
            .and_then(|i| i["sha256"].as_str());
        if theirs != Some(own.as_str()) {
            return Err(refuse(format!(
                "computed from another indicator table than the run {} (SHA-256 {} vs {own})",
                self.label(),
                theirs.unwrap_or("unknown")
            )));
        }
        let path = dir.join(FILE);
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_path(&path)
            .map_err(|e| refuse(format!("{FILE}: {e}")))?;
        let header = rdr
            .headers()
            .map_err(|e| refuse(format!("{FILE}: {e}")))?
            .clone();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| refuse(format!("{FILE}: expected a column `{name}`")))
        };
        let [city, group, node, median, p05, p95] =
            ["city", "group", "node", "median_rank", "p05", "p95"].map(col);
        let (city, group, node, median, p05, p95) = (city?, group?, node?, median?, p05?, p95?);
        let mut by_key = HashMap::new();
        for (k, row) in rdr.records().enumerate() {
            let row = row.map_err(|e| refuse(format!("{FILE}: {e}")))?;
            let line = k + 2;
            let num = |c: usize| {
                row.get(c)
                    .and_then(|v| v.parse::<f64>().ok())
                    .ok_or_else(|| {
                        refuse(format!(
                            "{FILE}, row {line}: expected a number in column {}",
                            c + 1
                        ))
                    })
            };
            let g = match row.get(group) {
                Some("main") => Group::Main,
                Some("mini") => Group::Mini,
                other => {
                    return Err(refuse(format!(
                        "{FILE}, row {line}: expected group main or mini, found {other:?}"
                    )))
                }
            };
            by_key.insert(
                (g, row[node].to_string(), row[city].to_string()),
                RankInterval {
                    median: num(median)?,
                    p05: num(p05)?,
                    p95: num(p95)?,
                },
            );
        }
        let o = &m["options"];
        let label = format!(
            "gihi uncertainty, {} runs, seed {}",
            o["runs"].as_u64().map_or("?".into(), |r| r.to_string()),
            o["seed"].as_u64().map_or("?".into(), |r| r.to_string()),
        );
        self.uncertainty = Some(Intervals { label, by_key });
        Ok(self)
    }

    /// The rank interval of a city at a node, when intervals are loaded.
    pub(crate) fn interval(&self, group: Group, node: &str, city: &str) -> Option<RankInterval> {
        let u = self.uncertainty.as_ref()?;
        u.by_key
            .get(&(group, node.to_string(), city.to_string()))
            .cloned()
    }
}
