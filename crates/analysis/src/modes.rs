//! Development modes (report Appendix 6 and section 2.2).
//!
//! Mode scores: each pillar's z-value (the weighted sum of its indicators' z-scores) is
//! min-max rescaled to [0, 100] over the main group. Appendix 6 rescales the three pillars
//! "统一" — together, so that they are comparable — which we read as one common minimum and
//! maximum over all pillars' z-values ([`Scaling::Joint`], the default). [`Scaling::PerPillar`]
//! rescales each pillar on its own (equivalent to the printed pillar scores).
//!
//! The top N cities of the composite (default 20) are clustered hierarchically on their mode
//! scores (Euclidean distances; Ward linkage by default, via the kodama crate) and the tree is
//! cut into k groups (default 4). Cities enter in composite-rank order (then id), which makes
//! the result deterministic; kodama resolves equal distances by that order.
//!
//! Naming rule (documented, deterministic): a group's *shape* is its centroid minus the
//! centroid's own mean over the pillars. The group with the smallest shape (Euclidean norm) is
//! **balanced**. The others are matched one-to-one to the prototype shapes
//! innovation highland (−1, 2, −1), science centre (2, −1, −1) and science centre + innovation
//! ecosystem (1, −2, 1) over pillars (A, B, C) by the assignment that maximises the summed
//! cosine similarity (ties: first permutation in lexical order). With k ≠ 4 each non-balanced
//! group takes its most similar prototype, so names may repeat.

use crate::standing::GroupStanding;
use gihi_framework::COMPOSITE_ID;
use serde::Serialize;

/// Linkage of the hierarchical clustering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Linkage {
    Ward,
    Average,
    Complete,
    Single,
}

impl Linkage {
    /// The name used on the command line and in JSON (`ward`, `average`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Linkage::Ward => "ward",
            Linkage::Average => "average",
            Linkage::Complete => "complete",
            Linkage::Single => "single",
        }
    }

    /// All linkages, Ward first.
    pub const ALL: [Linkage; 4] = [
        Linkage::Ward,
        Linkage::Average,
        Linkage::Complete,
        Linkage::Single,
    ];

    fn method(self) -> kodama::Method {
        match self {
            Linkage::Ward => kodama::Method::Ward,
            Linkage::Average => kodama::Method::Average,
            Linkage::Complete => kodama::Method::Complete,
            Linkage::Single => kodama::Method::Single,
        }
    }
}

/// How pillar z-values become mode scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scaling {
    /// One minimum and maximum over all pillars (Appendix 6).
    Joint,
    /// Each pillar on its own.
    PerPillar,
    /// Joint mode scores minus the city's own mean over the pillars: the profile's shape
    /// without its overall level (section 2.2 speaks of "得分形态特征", score shapes).
    Shape,
}

impl Scaling {
    /// The name used on the command line and in JSON (`joint`, `per-pillar`, `shape`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scaling::Joint => "joint",
            Scaling::PerPillar => "per-pillar",
            Scaling::Shape => "shape",
        }
    }
}

/// The report's four development modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModeType {
    InnovationHighland,
    ScienceCentre,
    ScienceCentreInnovationEcosystem,
    Balanced,
}

impl ModeType {
    /// Id as in `figure3-development-modes.csv`.
    pub fn id(self) -> &'static str {
        match self {
            ModeType::InnovationHighland => "innovation-highland",
            ModeType::ScienceCentre => "science-centre",
            ModeType::ScienceCentreInnovationEcosystem => "science-centre-innovation-ecosystem",
            ModeType::Balanced => "balanced",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            ModeType::InnovationHighland => "innovation-highland type",
            ModeType::ScienceCentre => "science-centre type",
            ModeType::ScienceCentreInnovationEcosystem => {
                "science-centre + innovation-ecosystem type"
            }
            ModeType::Balanced => "balanced type",
        }
    }

    /// Chinese name as in section 2.2.
    pub fn name_zh(self) -> &'static str {
        match self {
            ModeType::InnovationHighland => "创新高地型",
            ModeType::ScienceCentre => "科学中心型",
            ModeType::ScienceCentreInnovationEcosystem => "科学中心+创新生态型",
            ModeType::Balanced => "均衡型",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<ModeType> {
        [
            ModeType::InnovationHighland,
            ModeType::ScienceCentre,
            ModeType::ScienceCentreInnovationEcosystem,
            ModeType::Balanced,
        ]
        .into_iter()
        .find(|m| m.id() == id)
    }

    /// Prototype shape over (A, B, C); `None` for balanced.
    fn prototype(self) -> Option<[f64; 3]> {
        match self {
            ModeType::InnovationHighland => Some([-1.0, 2.0, -1.0]),
            ModeType::ScienceCentre => Some([2.0, -1.0, -1.0]),
            ModeType::ScienceCentreInnovationEcosystem => Some([1.0, -2.0, 1.0]),
            ModeType::Balanced => None,
        }
    }
}

/// Options of the development-mode analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModeOptions {
    pub top: usize,
    pub k: usize,
    pub linkage: Linkage,
    pub scaling: Scaling,
}

impl Default for ModeOptions {
    fn default() -> Self {
        ModeOptions {
            top: 20,
            k: 4,
            linkage: Linkage::Ward,
            scaling: Scaling::Joint,
        }
    }
}

/// One clustered city.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CityMode {
    pub city: String,
    pub composite_rank: u32,
    /// Mode scores on [0, 100], one per pillar.
    pub scores: Vec<f64>,
    pub cluster: usize,
    pub mode: ModeType,
}

/// One group of the clustering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub id: usize,
    pub mode: ModeType,
    pub centroid: Vec<f64>,
    pub members: Vec<String>,
}

/// The result of the development-mode analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Modes {
    pub options: ModeOptions,
    pub pillars: Vec<String>,
    pub cities: Vec<CityMode>,
    pub clusters: Vec<Cluster>,
}

/// Why the analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModeError {
    #[error("development modes need pillar z-values, which this result does not have")]
    NoPillarValues,
    #[error(
        "only {available} cities have all pillar values among the top {top}; need at least k = {k}"
    )]
    TooFewCities {
        available: usize,
        top: usize,
        k: usize,
    },
    #[error("k must be at least 1")]
    ZeroK,
    #[error("development modes (Appendix 6) are defined on the three pillars (science centre, innovation highland, innovation ecosystem); this framework has {0}")]
    NotThreePillars(usize),
}

/// Mode scores of every city with pillar z-values: `100 (Z − min) / (max − min)`.
pub fn mode_scores(group: &GroupStanding, scaling: Scaling) -> Vec<(String, Vec<f64>)> {
    let bounds = &group.pillar_z_bounds;
    let p = bounds.len();
    let (jmin, jmax) = bounds
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
            (lo.min(*a), hi.max(*b))
        });
    group
        .pillar_z
        .iter()
        .map(|(city, z)| {
            let s = (0..p)
                .map(|k| {
                    let (lo, hi) = match scaling {
                        Scaling::Joint | Scaling::Shape => (jmin, jmax),
                        Scaling::PerPillar => bounds[k],
                    };
                    if hi > lo {
                        100.0 * (z[k] - lo) / (hi - lo)
                    } else {
                        0.0
                    }
                })
                .collect::<Vec<f64>>();
            if scaling == Scaling::Shape {
                let mean = s.iter().sum::<f64>() / p as f64;
                return (city.clone(), s.iter().map(|v| v - mean).collect());
            }
            (city.clone(), s)
        })
        .collect()
}

/// Clusters the top cities into development modes.
pub fn development_modes(
    group: &GroupStanding,
    pillars: &[String],
    options: ModeOptions,
) -> Result<Modes, ModeError> {
    if options.k == 0 {
        return Err(ModeError::ZeroK);
    }
    if pillars.len() != 3 {
        return Err(ModeError::NotThreePillars(pillars.len()));
    }
    if group.pillar_z.is_empty() {
        return Err(ModeError::NoPillarValues);
    }
    let composite = group.node(COMPOSITE_ID).ok_or(ModeError::NoPillarValues)?;
    let scores = mode_scores(group, options.scaling);
    let mut chosen: Vec<(u32, String, Vec<f64>)> = composite
        .entries
        .iter()
        .filter(|e| e.rank as usize <= options.top)
        .filter_map(|e| {
            scores
                .iter()
                .find(|(c, _)| *c == e.city)
                .map(|(c, s)| (e.rank, c.clone(), s.clone()))
        })
        .collect();
    chosen.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let n = chosen.len();
    if n < options.k.max(2) {
        return Err(ModeError::TooFewCities {
            available: n,
            top: options.top,
            k: options.k,
        });
    }
    let labels = cluster(
        &chosen.iter().map(|c| c.2.clone()).collect::<Vec<_>>(),
        options.k,
        options.linkage,
    );
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let centroids: Vec<Vec<f64>> = (0..k)
        .map(|c| {
            let members: Vec<&Vec<f64>> = chosen
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == c)
                .map(|(x, _)| &x.2)
                .collect();
            (0..pillars.len())
                .map(|p| members.iter().map(|m| m[p]).sum::<f64>() / members.len() as f64)
                .collect()
        })
        .collect();
    let names = name_clusters(&centroids);
    let cities = chosen
        .iter()
        .zip(&labels)
        .map(|((rank, city, s), l)| CityMode {
            city: city.clone(),
            composite_rank: *rank,
            scores: s.clone(),
            cluster: *l,
            mode: names[*l],
        })
        .collect::<Vec<_>>();
    let clusters = (0..k)
        .map(|c| Cluster {
            id: c,
            mode: names[c],
            centroid: centroids[c].clone(),
            members: cities
                .iter()
                .filter(|m| m.cluster == c)
                .map(|m| m.city.clone())
                .collect(),
        })
        .collect();
    Ok(Modes {
        options,
        pillars: pillars.to_vec(),
        cities,
        clusters,
    })
}

/// Hierarchical clustering cut into `k` groups; labels numbered by first appearance.
pub fn cluster(points: &[Vec<f64>], k: usize, linkage: Linkage) -> Vec<usize> {
    let n = points.len();
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            condensed.push(
                points[i]
                    .iter()
                    .zip(&points[j])
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt(),
            );
        }
    }
    let dendrogram = kodama::linkage(&mut condensed, n, linkage.method());
    // Union-find over the first n − k merges; cluster label c ≥ n is step c − n.
    let mut parent: Vec<usize> = (0..2 * n).collect();
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while parent[r] != r {
            r = parent[r];
        }
        parent[x] = r;
        r
    }
    for (s, step) in dendrogram
        .steps()
        .iter()
        .take(n.saturating_sub(k))
        .enumerate()
    {
        let new = n + s;
        let a = find(&mut parent, step.cluster1);
        let b = find(&mut parent, step.cluster2);
        parent[a] = new;
        parent[b] = new;
    }
    let mut labels = vec![usize::MAX; n];
    let mut seen: Vec<usize> = Vec::new();
    for (i, label) in labels.iter_mut().enumerate() {
        let root = find(&mut parent, i);
        *label = match seen.iter().position(|r| *r == root) {
            Some(p) => p,
            None => {
                seen.push(root);
                seen.len() - 1
            }
        };
    }
    labels
}

fn shape(c: &[f64]) -> Vec<f64> {
    let mean = c.iter().sum::<f64>() / c.len() as f64;
    c.iter().map(|v| v - mean).collect()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Names groups by the rule in the module documentation.
pub fn name_clusters(centroids: &[Vec<f64>]) -> Vec<ModeType> {
    let k = centroids.len();
    let shapes: Vec<Vec<f64>> = centroids.iter().map(|c| shape(c)).collect();
    let norms: Vec<f64> = shapes
        .iter()
        .map(|s| s.iter().map(|x| x * x).sum::<f64>().sqrt())
        .collect();
    let balanced = (0..k)
        .min_by(|a, b| norms[*a].total_cmp(&norms[*b]).then(a.cmp(b)))
        .unwrap_or(0);
    let mut names = vec![ModeType::Balanced; k];
    if shapes.first().is_none_or(|s| s.len() != 3) {
        return names; // prototypes are defined for three pillars only
    }
    let types = [
        ModeType::InnovationHighland,
        ModeType::ScienceCentre,
        ModeType::ScienceCentreInnovationEcosystem,
    ];
    let sim = |c: usize, t: ModeType| cosine(&shapes[c], &t.prototype().expect("non-balanced"));
    let others: Vec<usize> = (0..k).filter(|c| *c != balanced).collect();
    if others.len() == types.len() {
        let perms = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let best = perms
            .iter()
            .max_by(|p, q| {
                let s = |perm: &[usize; 3]| {
                    others
                        .iter()
                        .zip(perm)
                        .map(|(c, t)| sim(*c, types[*t]))
                        .sum::<f64>()
                };
                s(p).total_cmp(&s(q)).then(q.cmp(p))
            })
            .expect("permutations");
        for (c, t) in others.iter().zip(best) {
            names[*c] = types[*t];
        }
    } else {
        for c in others {
            names[c] = *types
                .iter()
                .max_by(|a, b| sim(c, **a).total_cmp(&sim(c, **b)).then(b.cmp(a)))
                .expect("types");
        }
    }
    names
}

/// Adjusted Rand index of two labellings of the same items (Hubert and Arabie, 1985):
/// 1 for identical partitions, about 0 for chance agreement, negative below chance.
/// A small formula with no well-kept crate of its own; tested against known values.
pub fn adjusted_rand_index<A: PartialEq, B: PartialEq>(a: &[A], b: &[B]) -> f64 {
    let n = a.len();
    let comb2 = |x: usize| (x * x.saturating_sub(1)) as f64 / 2.0;
    let distinct = |v: &[usize]| v.iter().copied().max().map_or(0, |m| m + 1);
    let index_a: Vec<usize> = a
        .iter()
        .map(|x| a.iter().position(|y| y == x).expect("present"))
        .collect();
    let index_b: Vec<usize> = b
        .iter()
        .map(|x| b.iter().position(|y| y == x).expect("present"))
        .collect();
    let (ka, kb) = (distinct(&index_a), distinct(&index_b));
    let mut table = vec![vec![0usize; kb]; ka];
    for i in 0..n {
        table[index_a[i]][index_b[i]] += 1;
    }
    let sum_cells: f64 = table.iter().flatten().map(|&x| comb2(x)).sum();
    let sum_a: f64 = table.iter().map(|r| comb2(r.iter().sum())).sum();
    let sum_b: f64 = (0..kb)
        .map(|j| comb2(table.iter().map(|r| r[j]).sum()))
        .sum();
    let expected = sum_a * sum_b / comb2(n);
    let max = (sum_a + sum_b) / 2.0;
    if max == expected {
        return 1.0;
    }
    (sum_cells - expected) / (max - expected)
}
