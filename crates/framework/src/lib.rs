//! The index framework as data: pillars → sub-pillars → indicators, with their weights.
//!
//! GIHI 2024 (report Table 1, definitions from Appendix 2) ships in
//! `data/editions/2024/framework.toml` and is built in ([`Framework::gihi_2024`]). Any framework
//! file of the same shape can be loaded with [`Framework::load`]; loading validates it and
//! names the offending node, with its line and column, in every error.

use serde::Deserialize;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// Text of the built-in GIHI 2024 framework (Table 1: indicator 27 in C4).
pub const GIHI_2024_TOML: &str = include_str!("../../../data/editions/2024/framework.toml");
/// Text of the variant that counts indicator 27 in C3, as the text of section 5.4 does.
pub const GIHI_2024_EGOV_IN_C3_TOML: &str =
    include_str!("../../../data/framework/gihi-2024-egov-in-c3.toml");

/// Weights within one parent must sum to 1 within this tolerance.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;

/// A validated framework: three levels below the composite index.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// Where the framework comes from (e.g. "GIHI 2024 report, Table 1 and Appendix 2").
    pub source: String,
    pub pillars: Vec<Pillar>,
}

/// A first-level node (e.g. `A` Science centre).
#[derive(Debug, Clone, PartialEq)]
pub struct Pillar {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// Weight relative to the other pillars.
    pub weight: f64,
    pub subpillars: Vec<SubPillar>,
}

/// A second-level node (e.g. `A1` Human resources in science and technology).
#[derive(Debug, Clone, PartialEq)]
pub struct SubPillar {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// Weight relative to the other sub-pillars of its pillar.
    pub weight: f64,
    pub indicators: Vec<Indicator>,
}

/// A measured indicator (e.g. `I01` active researchers per million inhabitants).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub kind: Kind,
    pub direction: Direction,
    /// What the indicator counts (report Appendix 2).
    pub definition: String,
    /// Where its data come from (report Appendix 2).
    pub source: String,
    /// Weight relative to the other indicators of its sub-pillar.
    pub weight: f64,
}

/// Whether a larger value is better or worse for a city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// What an indicator's value is; decides which values are admissible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Count,
    PerMillion,
    Amount,
    GrowthRate,
    Centrality,
    Index,
    Years,
    Speed,
}

impl Kind {
    /// Name as written in framework files, e.g. `per-million`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::PerMillion => "per-million",
            Kind::Amount => "amount",
            Kind::GrowthRate => "growth-rate",
            Kind::Centrality => "centrality",
            Kind::Index => "index",
            Kind::Years => "years",
            Kind::Speed => "speed",
        }
    }

    /// Only growth rates may be negative; every other kind is a count, amount or level.
    pub fn allows_negative(self) -> bool {
        matches!(self, Kind::GrowthRate)
    }
}

/// Largest framework file read: a framework of a few dozen nodes is a few kilobytes.
pub const MAX_FRAMEWORK_BYTES: u64 = 4 << 20;

/// Position in an input file (framework, indicator table, source table), 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub origin: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The place at `line` and `column` (1-based; 0 when unknown) of `origin`.
    pub fn new(origin: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            origin: origin.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

/// Why a framework could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FrameworkError {
    #[error("{path}: cannot read framework file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: not a valid framework file: {message}")]
    Syntax { at: Location, message: String },
    #[error("{at}: {node}: {problem}")]
    Invalid {
        at: Location,
        node: String,
        problem: String,
    },
}

/// Levels of the tree, from the composite down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Composite,
    Pillar,
    SubPillar,
    Indicator,
}

impl Level {
    /// Lower-case name used in output files (`composite`, `pillar`, `subpillar`, `indicator`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Composite => "composite",
            Level::Pillar => "pillar",
            Level::SubPillar => "subpillar",
            Level::Indicator => "indicator",
        }
    }
}

/// The id of the composite node in outputs.
pub const COMPOSITE_ID: &str = "GIHI";

impl Framework {
    /// The built-in GIHI 2024 framework (Table 1).
    pub fn gihi_2024() -> Framework {
        Framework::from_toml_str(GIHI_2024_TOML, "data/editions/2024/framework.toml")
            .expect("the built-in framework is valid (tested)")
    }

    /// Reads (at most [`MAX_FRAMEWORK_BYTES`]) and validates a framework file.
    pub fn load(path: &Path) -> Result<Framework, FrameworkError> {
        let text = gihi_input::read_text_limited(path, MAX_FRAMEWORK_BYTES).map_err(|source| {
            FrameworkError::Io {
                path: path.display().to_string(),
                source,
            }
        })?;
        Framework::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and validates framework TOML; `origin` names the text in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Framework, FrameworkError> {
        let raw: RawFramework = toml::from_str(text).map_err(|e| FrameworkError::Syntax {
            at: locate(text, origin, e.span().map(|s| s.start).unwrap_or(0)),
            message: e.message().trim().to_string(),
        })?;
        Validator { text, origin }.build(raw)
    }

    /// All indicators in framework order (pillar, then sub-pillar, then file order).
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.pillars
            .iter()
            .flat_map(|p| p.subpillars.iter())
            .flat_map(|s| s.indicators.iter())
    }

    /// All sub-pillars in framework order.
    pub fn subpillars(&self) -> impl Iterator<Item = &SubPillar> {
        self.pillars.iter().flat_map(|p| p.subpillars.iter())
    }

    /// Effective weight of every indicator, in [`Framework::indicators`] order: the product
    /// of the weights down the tree, each normalised by the sum of its siblings' weights.
    pub fn effective_weights(&self) -> Vec<f64> {
        let pillar_sum: f64 = self.pillars.iter().map(|p| p.weight).sum();
        let mut out = Vec::new();
        for p in &self.pillars {
            let sub_sum: f64 = p.subpillars.iter().map(|s| s.weight).sum();
            for s in &p.subpillars {
                let ind_sum: f64 = s.indicators.iter().map(|i| i.weight).sum();
                for i in &s.indicators {
                    out.push((p.weight / pillar_sum) * (s.weight / sub_sum) * (i.weight / ind_sum));
                }
            }
        }
        out
    }

    /// Every node above the indicators, composite first, with the positions (in
    /// [`Framework::indicators`] order) of the indicators it aggregates.
    pub fn aggregates(&self) -> Vec<Aggregate<'_>> {
        let n = self.indicators().count();
        let mut out = vec![Aggregate {
            level: Level::Composite,
            id: COMPOSITE_ID,
            indicators: (0..n).collect(),
        }];
        let mut next = 0;
        let mut subs = Vec::new();
        for p in &self.pillars {
            let start = next;
            for s in &p.subpillars {
                let range: Vec<usize> = (next..next + s.indicators.len()).collect();
                next += s.indicators.len();
                subs.push(Aggregate {
                    level: Level::SubPillar,
                    id: &s.id,
                    indicators: range,
                });
            }
            out.push(Aggregate {
                level: Level::Pillar,
                id: &p.id,
                indicators: (start..next).collect(),
            });
        }
        out.extend(subs);
        out
    }

    /// Looks up an indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.id == id)
    }
}

/// A node above the indicators and the indicators it sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate<'a> {
    pub level: Level,
    pub id: &'a str,
    /// Positions of its indicators in [`Framework::indicators`] order.
    pub indicators: Vec<usize>,
}

// ---- file format -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    id: Spanned<String>,
    name_en: String,
    name_zh: String,
    #[serde(default)]
    source: String,
    #[serde(default, rename = "pillar")]
    pillars: Vec<RawPillar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPillar {
    id: Spanned<String>,
    name_en: String,
    name_zh: String,
    weight: Spanned<f64>,
    #[serde(default, rename = "subpillar")]
    children: Vec<RawSub>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSub {
    id: Spanned<String>,
    name_en: String,
    name_zh: String,
    weight: Spanned<f64>,
    #[serde(default, rename = "indicator")]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    name_en: String,
    name_zh: String,
    unit: String,
    kind: Kind,
    direction: Direction,
    #[serde(default)]
    definition: String,
    #[serde(default)]
    source: String,
    weight: Option<Spanned<f64>>,
}

struct Validator<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Validator<'_> {
    fn invalid<T>(
        &self,
        span_start: usize,
        node: &str,
        problem: String,
    ) -> Result<T, FrameworkError> {
        Err(FrameworkError::Invalid {
            at: locate(self.text, self.origin, span_start),
            node: node.to_string(),
            problem,
        })
    }

    fn build(&self, raw: RawFramework) -> Result<Framework, FrameworkError> {
        let mut seen: Vec<(String, usize)> = Vec::new();
        let mut check_id = |id: &Spanned<String>, what: &str| -> Result<(), FrameworkError> {
            let name = id.get_ref();
            if name.trim().is_empty() || name.contains(char::is_whitespace) || name.contains(',') {
                return self.invalid(
                    id.span().start,
                    what,
                    format!("id {name:?} must be non-empty, without spaces or commas"),
                );
            }
            if name == COMPOSITE_ID {
                return self.invalid(
                    id.span().start,
                    &format!("{what} {name}"),
                    format!("id {COMPOSITE_ID:?} is reserved for the composite index"),
                );
            }
            if let Some((_, first)) = seen.iter().find(|(s, _)| s == name) {
                let first = locate(self.text, self.origin, *first);
                return self.invalid(
                    id.span().start,
                    &format!("{what} {name}"),
                    format!(
                        "duplicate id (first used at line {}); every pillar, sub-pillar and indicator needs its own id",
                        first.line
                    ),
                );
            }
            seen.push((name.clone(), id.span().start));
            Ok(())
        };

        if raw.pillars.is_empty() {
            return self.invalid(raw.id.span().start, "framework", "has no [[pillar]]".into());
        }
        let mut pillars = Vec::new();
        let pillar_weights: Vec<_> = raw.pillars.iter().map(|p| p.weight.clone()).collect();
        self.check_weights(
            &pillar_weights,
            &format!("framework {}", raw.id.get_ref()),
            "pillar",
            raw.id.span().start,
        )?;
        for p in raw.pillars {
            check_id(&p.id, "pillar")?;
            let pid = p.id.get_ref().clone();
            if p.children.is_empty() {
                return self.invalid(
                    p.id.span().start,
                    &format!("pillar {pid}"),
                    "has no [[pillar.subpillar]]".into(),
                );
            }
            let w: Vec<_> = p.children.iter().map(|s| s.weight.clone()).collect();
            self.check_weights(
                &w,
                &format!("pillar {pid}"),
                "sub-pillar",
                p.id.span().start,
            )?;
            let mut subpillars = Vec::new();
            for s in p.children {
                check_id(&s.id, "sub-pillar")?;
                let sid = s.id.get_ref().clone();
                if s.indicators.is_empty() {
                    return self.invalid(
                        s.id.span().start,
                        &format!("sub-pillar {sid}"),
                        "has no [[pillar.subpillar.indicator]]".into(),
                    );
                }
                let n = s.indicators.len() as f64;
                let explicit = s.indicators.iter().filter(|i| i.weight.is_some()).count();
                if explicit != 0 && explicit != s.indicators.len() {
                    return self.invalid(
                        s.id.span().start,
                        &format!("sub-pillar {sid}"),
                        "either every indicator sets `weight` or none does (then they are equal)"
                            .into(),
                    );
                }
                if explicit > 0 {
                    let w: Vec<_> = s
                        .indicators
                        .iter()
                        .filter_map(|i| i.weight.clone())
                        .collect();
                    self.check_weights(
                        &w,
                        &format!("sub-pillar {sid}"),
                        "indicator",
                        s.id.span().start,
                    )?;
                }
                let mut indicators = Vec::new();
                for i in s.indicators {
                    check_id(&i.id, "indicator")?;
                    indicators.push(Indicator {
                        id: i.id.into_inner(),
                        name_en: i.name_en,
                        name_zh: i.name_zh,
                        unit: i.unit,
                        kind: i.kind,
                        direction: i.direction,
                        definition: i.definition,
                        source: i.source,
                        weight: i.weight.map(|w| w.into_inner()).unwrap_or(1.0 / n),
                    });
                }
                subpillars.push(SubPillar {
                    id: sid,
                    name_en: s.name_en,
                    name_zh: s.name_zh,
                    weight: s.weight.into_inner(),
                    indicators,
                });
            }
            pillars.push(Pillar {
                id: pid,
                name_en: p.name_en,
                name_zh: p.name_zh,
                weight: p.weight.into_inner(),
                subpillars,
            });
        }
        Ok(Framework {
            id: raw.id.into_inner(),
            name_en: raw.name_en,
            name_zh: raw.name_zh,
            source: raw.source,
            pillars,
        })
    }

    /// Each weight positive and finite, and together summing to 1.
    fn check_weights(
        &self,
        weights: &[Spanned<f64>],
        parent: &str,
        child: &str,
        parent_at: usize,
    ) -> Result<(), FrameworkError> {
        for w in weights {
            let v = *w.get_ref();
            if !(v.is_finite() && v > 0.0) {
                return self.invalid(
                    w.span().start,
                    parent,
                    format!("{child} weight must be a positive number, found {v}"),
                );
            }
        }
        let sum: f64 = weights.iter().map(|w| *w.get_ref()).sum();
        if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
            return self.invalid(
                parent_at,
                parent,
                format!("{child} weights must sum to 1, found {sum}"),
            );
        }
        Ok(())
    }
}

/// Converts a byte offset into a 1-based line and column (columns count characters).
fn locate(text: &str, origin: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text
        .get(line_start..offset)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    Location {
        origin: origin.to_string(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests;
