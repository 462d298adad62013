//! Where every city stands at every level: one view built either from a computed run
//! (`gihi compute` output) or from a published edition's printed tables.

use gihi_edition::{Edition, Kind, Setup};
use gihi_framework::{Framework, Level, COMPOSITE_ID};
use gihi_registry::{Group, Registry};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Scores and ranks of one or both groups at every available level.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// What this is, e.g. `GIHI 2024 (published)` or `run out-synthetic`.
    pub label: String,
    pub synthetic: bool,
    pub framework: Framework,
    /// The cities evaluated (a run carries its registry, an edition has its own).
    pub registry: Registry,
    pub groups: Vec<GroupStanding>,
    /// Substitutions and caveats a reader should know (e.g. printed values replaced).
    pub notes: Vec<String>,
}

/// One evaluation group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStanding {
    pub group: Group,
    /// Number of cities evaluated in the group (may exceed the cities listed).
    pub size: usize,
    /// Composite, pillars, sub-pillars (those available), in framework order.
    pub nodes: Vec<NodeStanding>,
    /// Pillar z-values per city (Appendix 6 input), in framework pillar order. For a
    /// published edition they are reconstructed from printed scores, up to a common scale.
    pub pillar_z: BTreeMap<String, Vec<f64>>,
    /// Smallest and largest z-value of each pillar over the whole group (for a published
    /// edition: those of the cities scoring 60 and 100).
    pub pillar_z_bounds: Vec<(f64, f64)>,
    /// Indicator z-scores per city, in framework order (computed runs only).
    pub indicator_z: BTreeMap<String, Vec<f64>>,
    /// Raw indicator values per city, in framework order; `None` where missing (computed runs only).
    pub indicator_values: BTreeMap<String, Vec<Option<f64>>>,
}

/// Scores and ranks of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStanding {
    pub node: String,
    pub level: Level,
    /// Ordered by rank, then city id.
    pub entries: Vec<Entry>,
    /// True when ranks were derived from printed scores of the listed cities only.
    pub ranks_derived: bool,
}

/// One city's score and rank at a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub city: String,
    pub score: f64,
    pub rank: u32,
}

impl NodeStanding {
    /// The entry of a city.
    pub fn get(&self, city: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.city == city)
    }
}

impl GroupStanding {
    /// The standing at a node (`GIHI`, `A`, `A1`, ...).
    pub fn node(&self, id: &str) -> Option<&NodeStanding> {
        self.nodes.iter().find(|n| n.node == id)
    }
}

impl Standing {
    /// The standing of one group.
    pub fn group(&self, group: Group) -> Option<&GroupStanding> {
        self.groups.iter().find(|g| g.group == group)
    }
}

/// Why results could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StandingError {
    #[error("{}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    Read { path: String, message: String },
}

fn read_err(path: &Path, message: impl ToString) -> StandingError {
    StandingError::Read {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

#[derive(Deserialize)]
struct ScoreRow {
    city: String,
    group: Group,
    level: String,
    node: String,
    score: f64,
    rank: u32,
}

#[derive(Deserialize)]
struct IndicatorRow {
    city: String,
    group: Group,
    indicator: String,
    value: Option<f64>,
    z: f64,
}

fn level_of(name: &str) -> Level {
    match name {
        "composite" => Level::Composite,
        "pillar" => Level::Pillar,
        _ => Level::SubPillar,
    }
}

/// The copy of the framework a run carries (`gihi compute` writes it).
pub const RUN_FRAMEWORK: &str = "framework.toml";
/// The copy of the registry a run carries (`gihi compute` writes it).
pub const RUN_REGISTRY: &str = "cities.toml";

/// Reads a `gihi compute` output directory, after checking that every file its manifest
/// lists is present and unchanged (a truncated or edited run is refused). The framework is
/// the copy inside the run, never a file elsewhere that may have changed since.
pub fn from_results(dir: &Path) -> Result<Standing, StandingError> {
    read_results(dir).map(|(standing, _)| standing)
}

/// [`from_results`], also giving the run's verified manifest (its inputs and options), so
/// that a caller needing both reads and hashes the run once.
pub fn read_results(dir: &Path) -> Result<(Standing, serde_json::Value), StandingError> {
    let verified = gihi_output::verify_dir(dir, "compute").map_err(|e| StandingError::Read {
        path: String::new(),
        message: e.to_string(),
    })?;
    let manifest = verified.manifest;
    if !verified.files.iter().any(|f| f.path == RUN_FRAMEWORK) {
        return Err(read_err(
            &dir.join(RUN_FRAMEWORK),
            "missing from the run (written by an earlier gihi): compute the run again",
        ));
    }
    let framework = Framework::load(&dir.join(RUN_FRAMEWORK)).map_err(|e| {
        read_err(
            &dir.join(RUN_FRAMEWORK),
            format!("framework of the run: {e}"),
        )
    })?;
    let registry_path = dir.join(RUN_REGISTRY);
    if !verified.files.iter().any(|f| f.path == RUN_REGISTRY) {
        return Err(read_err(
            &registry_path,
            "missing from the run (written by an earlier gihi): compute the run again",
        ));
    }
    let registry =
        gihi_input::read_text_limited(&registry_path, gihi_framework::MAX_FRAMEWORK_BYTES)
            .map_err(|e| read_err(&registry_path, e))
            .and_then(|text| {
                Registry::from_toml_str(&text, &registry_path.display().to_string())
                    .map_err(|e| read_err(&registry_path, format!("registry of the run: {e}")))
            })?;
    let synthetic = manifest["synthetic"].as_bool().unwrap_or(false);

    let scores_path = dir.join("scores.csv");
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(&scores_path)
        .map_err(|e| read_err(&scores_path, e))?;
    let mut by_group: BTreeMap<Group, BTreeMap<String, (Level, Vec<Entry>)>> = BTreeMap::new();
    for rec in rdr.deserialize::<ScoreRow>() {
        let r = rec.map_err(|e| read_err(&scores_path, e))?;
        by_group
            .entry(r.group)
            .or_default()
            .entry(r.node.clone())
            .or_insert_with(|| (level_of(&r.level), Vec::new()))
            .1
            .push(Entry {
                city: r.city,
                score: r.score,
                rank: r.rank,
            });
    }
    let ind_path = dir.join("indicators.csv");
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(&ind_path)
        .map_err(|e| read_err(&ind_path, e))?;
    let ids: Vec<String> = framework.indicators().map(|i| i.id.clone()).collect();
    let mut indicator_z: BTreeMap<Group, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    let mut indicator_values: BTreeMap<Group, BTreeMap<String, Vec<Option<f64>>>> = BTreeMap::new();
    for rec in rdr.deserialize::<IndicatorRow>() {
        let r = rec.map_err(|e| read_err(&ind_path, e))?;
        let Some(i) = ids.iter().position(|x| *x == r.indicator) else {
            return Err(read_err(
                &ind_path,
                format!("indicator {} is not in the run's framework", r.indicator),
            ));
        };
        indicator_values
            .entry(r.group)
            .or_default()
            .entry(r.city.clone())
            .or_insert_with(|| vec![None; ids.len()])[i] = r.value;
        indicator_z
            .entry(r.group)
            .or_default()
            .entry(r.city)
            .or_insert_with(|| vec![0.0; ids.len()])[i] = r.z;
    }
    let weights = framework.effective_weights();
    let aggregates = framework.aggregates();
    let pillar_ids: Vec<&str> = framework.pillars.iter().map(|p| p.id.as_str()).collect();
    let order: Vec<String> = aggregates.iter().map(|a| a.id.to_string()).collect();
    let mut groups = Vec::new();
    for (group, nodes) in by_group {
        let zs = indicator_z.remove(&group).unwrap_or_default();
        let pillar_z: BTreeMap<String, Vec<f64>> = zs
            .iter()
            .map(|(city, z)| {
                let pz = pillar_ids
                    .iter()
                    .map(|p| {
                        let agg = aggregates.iter().find(|a| a.id == *p).expect("pillar");
                        agg.indicators.iter().map(|&i| weights[i] * z[i]).sum()
                    })
                    .collect();
                (city.clone(), pz)
            })
            .collect();
        let size = nodes.get(COMPOSITE_ID).map_or(0, |n| n.1.len());
        let pillar_z_bounds = (0..pillar_ids.len())
            .map(|p| {
                pillar_z.values().fold(
                    (f64::INFINITY, f64::NEG_INFINITY),
                    |(lo, hi): (f64, f64), z: &Vec<f64>| (lo.min(z[p]), hi.max(z[p])),
                )
            })
            .collect();
        let mut list: Vec<NodeStanding> = nodes
            .into_iter()
            .map(|(node, (level, mut entries))| {
                entries.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.city.cmp(&b.city)));
                NodeStanding {
                    node,
                    level,
                    entries,
                    ranks_derived: false,
                }
            })
            .collect();
        list.sort_by_key(|n| {
            order
                .iter()
                .position(|o| *o == n.node)
                .unwrap_or(usize::MAX)
        });
        groups.push(GroupStanding {
            group,
            size,
            nodes: list,
            pillar_z,
            pillar_z_bounds,
            indicator_z: zs,
            indicator_values: indicator_values.remove(&group).unwrap_or_default(),
        });
    }
    let standing = Standing {
        label: format!(
            "run {}{}",
            dir.display(),
            if synthetic { " (SYNTHETIC data)" } else { "" }
        ),
        synthetic,
        framework,
        registry,
        groups,
        notes: Vec::new(),
    };
    Ok((standing, manifest))
}

/// Builds the standing of a published edition from its printed tables. For each city and
/// measure it takes the printed value; where the audit shows a printed value to be wrong and
/// another table prints one that fits, it takes that one and says so in `notes`.
pub fn from_edition(edition: &Edition, setup: &Setup) -> Standing {
    let framework = &setup.framework;
    let audit = gihi_audit::audit(edition, framework);
    let flagged: BTreeSet<(String, String, String)> = audit
        .findings
        .iter()
        .filter(|f| f.kind == "affine-residual")
        .map(|f| (f.table.clone(), f.city.clone(), f.column.clone()))
        .collect();
    let mut notes = Vec::new();
    let mut groups = Vec::new();
    for group in Group::ALL {
        let tables: Vec<_> = edition.tables.iter().filter(|t| t.group == group).collect();
        let Some(size) = tables.first().map(|t| t.group_size) else {
            continue;
        };
        let mut nodes = Vec::new();
        let node_ids: Vec<(String, Level)> =
            std::iter::once((COMPOSITE_ID.to_string(), Level::Composite))
                .chain(
                    framework
                        .pillars
                        .iter()
                        .map(|p| (p.id.clone(), Level::Pillar)),
                )
                .chain(
                    framework
                        .subpillars()
                        .map(|s| (s.id.clone(), Level::SubPillar)),
                )
                .collect();
        for (node, level) in node_ids {
            // Candidate printed values per city, tables devoted to the node first.
            let mut ordered: Vec<_> = tables.iter().filter(|t| t.node == node).collect();
            ordered.extend(tables.iter().filter(|t| t.node != node));
            let mut entries: BTreeMap<String, (f64, Option<u32>)> = BTreeMap::new();
            let mut rejected: BTreeMap<String, (String, String)> = BTreeMap::new();
            for t in &ordered {
                for r in &t.rows {
                    let Some(s) = r.cell(&node, Kind::Score, edition.year) else {
                        continue;
                    };
                    if flagged.contains(&(t.id.clone(), r.city.clone(), s.column.clone())) {
                        rejected.insert(r.city.clone(), (t.id.clone(), s.text.clone()));
                        continue;
                    }
                    let rank = r
                        .cell(&node, Kind::Rank, edition.year)
                        .map(|c| c.value as u32);
                    let e = entries.entry(r.city.clone()).or_insert((s.value, rank));
                    if e.1.is_none() {
                        e.1 = rank;
                    }
                }
            }
            for (city, (table, text)) in &rejected {
                match entries.get(city) {
                    Some((v, _)) => notes.push(format!("{city} {node}: {table} prints {text}, which the audit shows to be wrong; using {v:.2} printed elsewhere")),
                    None => notes.push(format!("{city} {node}: {table} prints {text}, which the audit shows to be wrong, and no other table prints it; left out")),
                }
            }
            if entries.is_empty() {
                continue;
            }
            let ranks_derived = entries.values().any(|(_, r)| r.is_none());
            let values: Vec<f64> = entries.values().map(|(v, _)| *v).collect();
            let mut list: Vec<Entry> = entries
                .iter()
                .map(|(city, (v, r))| Entry {
                    city: city.clone(),
                    score: *v,
                    rank: if ranks_derived {
                        values.iter().filter(|x| **x > *v).count() as u32 + 1
                    } else {
                        r.unwrap_or(0)
                    },
                })
                .collect();
            list.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.city.cmp(&b.city)));
            nodes.push(NodeStanding {
                node,
                level,
                entries: list,
                ranks_derived,
            });
        }
        let shares = audit
            .fits
            .iter()
            .find(|f| f.target == COMPOSITE_ID && tables.iter().any(|t| t.id == f.table))
            .map(|f| f.coefficients.clone());
        let (pillar_z, pillar_z_bounds) = shares
            .map(|b| reconstruct_pillar_z(&nodes, framework, &b, size))
            .unwrap_or_default();
        groups.push(GroupStanding {
            group,
            size,
            nodes,
            pillar_z,
            pillar_z_bounds,
            indicator_z: BTreeMap::new(),
            indicator_values: BTreeMap::new(),
        });
    }
    Standing {
        label: format!("GIHI {} (published)", edition.year),
        synthetic: false,
        framework: framework.clone(),
        registry: setup.registry.clone(),
        groups,
        notes,
    }
}

/// Pillar z-values from printed pillar scores: by Appendix 3, `Z_p = Z_p,min + (S_p − 60)·R_p/40`,
/// and `R_p/R = b_p`, the composite's affine coefficient on pillar p (see `gihi_audit::fit`).
/// Each pillar's z-values average 0 over the group (they are sums of z-scores), which fixes
/// `Z_p,min`. So `Z_p / R = b_p · (S_p − mean_p S) / 40` — pillar z-values in units of the
/// composite's z-range, a common scale that min-max removes. Cities whose score for a pillar
/// is printed nowhere (ranked below every printed row) count at the midpoint between 60 and
/// the lowest printed score when the mean is taken; they get no z-value themselves.
#[allow(clippy::type_complexity)]
fn reconstruct_pillar_z(
    nodes: &[NodeStanding],
    framework: &Framework,
    b: &[f64],
    size: usize,
) -> (BTreeMap<String, Vec<f64>>, Vec<(f64, f64)>) {
    let pillars: Vec<&NodeStanding> = framework
        .pillars
        .iter()
        .filter_map(|p| nodes.iter().find(|n| n.node == p.id))
        .collect();
    if pillars.len() != framework.pillars.len() {
        return (BTreeMap::new(), Vec::new());
    }
    let means: Vec<f64> = pillars
        .iter()
        .map(|n| {
            let printed: f64 = n.entries.iter().map(|e| e.score).sum();
            let lowest = n
                .entries
                .iter()
                .map(|e| e.score)
                .fold(f64::INFINITY, f64::min);
            let unprinted = size.saturating_sub(n.entries.len()) as f64;
            (printed + unprinted * (60.0 + lowest) / 2.0) / size as f64
        })
        .collect();
    let bounds = (0..pillars.len())
        .map(|p| {
            (
                b[p] * (60.0 - means[p]) / 40.0,
                b[p] * (100.0 - means[p]) / 40.0,
            )
        })
        .collect();
    let cities: BTreeSet<&String> = pillars[0].entries.iter().map(|e| &e.city).collect();
    let z = cities
        .into_iter()
        .filter_map(|c| {
            let z: Option<Vec<f64>> = pillars
                .iter()
                .enumerate()
                .map(|(p, n)| n.get(c).map(|e| b[p] * (e.score - means[p]) / 40.0))
                .collect();
            z.map(|z| (c.clone(), z))
        })
        .collect();
    (z, bounds)
}
