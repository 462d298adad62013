//! The international co-authorship focus tables (report section 3, "国际合作论文分析",
//! figures 12–18), derived from a paper run's yearly counts.
//!
//! Conventions: a share is international papers over papers (none when there are no
//! papers); growth is year on year (none when the earlier year has no papers); a CAGR runs
//! from the first to the last year of the span, (last / first)^(1 / (years − 1)) − 1 (none
//! when the first year is 0); the leading metros ("菁英城市") are the ten with the most
//! international papers over the span (ties: registry order); the leading metro of a
//! division has the most international papers in the span's last year (ties: registry
//! order).

use crate::papers::PaperResults;
use serde::Serialize;

/// The world's papers of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorldYear {
    pub year: i32,
    pub papers: u64,
    pub international: u64,
    pub share: Option<f64>,
}

/// One metro's papers of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetroYear {
    pub metro: String,
    pub year: i32,
    pub papers: u64,
    pub international: u64,
    pub share: Option<f64>,
    pub papers_growth: Option<f64>,
    pub international_growth: Option<f64>,
}

/// A metro among those with the most international papers over the span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopMetro {
    pub rank: usize,
    pub metro: String,
    pub international: u64,
    pub cagr: Option<f64>,
}

/// One Field of Research division in the span's last year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldLead {
    pub division: String,
    pub papers: u64,
    pub international: u64,
    pub share: Option<f64>,
    /// Mean of the shares of the leading metros ([`top_international`], the report's
    /// "菁英城市") with papers in the division (figure 18).
    pub mean_metro_share: Option<f64>,
    pub leader: Option<String>,
    pub leader_international: u64,
}

/// Metros listed as leading in international papers.
pub const TOP_METROS: usize = 10;

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Compound annual growth from `first` to `last` over `years` years (inclusive).
pub fn cagr(first: u64, last: u64, years: i32) -> Option<f64> {
    (first > 0 && years > 1)
        .then(|| (last as f64 / first as f64).powf(1.0 / f64::from(years - 1)) - 1.0)
}

fn growth(before: u64, now: u64) -> Option<f64> {
    (before > 0).then(|| now as f64 / before as f64 - 1.0)
}

fn span(r: &PaperResults) -> std::ops::RangeInclusive<i32> {
    r.options.focus[0]..=r.options.focus[1]
}

/// Papers, international papers and their share per year, worldwide.
pub fn world_series(r: &PaperResults) -> Vec<WorldYear> {
    span(r)
        .map(|y| {
            let c = &r.years[&y];
            WorldYear {
                year: y,
                papers: c.papers,
                international: c.international,
                share: ratio(c.international, c.papers),
            }
        })
        .collect()
}

/// The same per metro, with year-on-year growth of both counts.
pub fn metro_series(r: &PaperResults) -> Vec<MetroYear> {
    let mut out = Vec::new();
    for (k, metro) in r.metros.iter().enumerate() {
        let mut before: Option<(u64, u64)> = None;
        for y in span(r) {
            let c = &r.years[&y];
            let (p, i) = (c.metro_papers[k], c.metro_international[k]);
            out.push(MetroYear {
                metro: metro.clone(),
                year: y,
                papers: p,
                international: i,
                share: ratio(i, p),
                papers_growth: before.and_then(|b| growth(b.0, p)),
                international_growth: before.and_then(|b| growth(b.1, i)),
            });
            before = Some((p, i));
        }
    }
    out
}

/// The metros with the most international papers over the span, with their CAGR.
pub fn top_international(r: &PaperResults) -> Vec<TopMetro> {
    let (first, last) = (r.options.focus[0], r.options.focus[1]);
    let mut totals: Vec<(usize, u64)> = (0..r.metros.len())
        .map(|k| (k, span(r).map(|y| r.years[&y].metro_international[k]).sum()))
        .filter(|(_, t)| *t > 0)
        .collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals
        .into_iter()
        .take(TOP_METROS)
        .enumerate()
        .map(|(rank, (k, t))| TopMetro {
            rank: rank + 1,
            metro: r.metros[k].clone(),
            international: t,
            cagr: cagr(
                r.years[&first].metro_international[k],
                r.years[&last].metro_international[k],
                last - first + 1,
            ),
        })
        .collect()
}

/// Per division: the world's share, the leading metros' mean share and the leading metro.
pub fn field_leaders(r: &PaperResults) -> Vec<FieldLead> {
    let top: Vec<usize> = top_international(r)
        .iter()
        .filter_map(|t| r.metros.iter().position(|m| *m == t.metro))
        .collect();
    r.fields
        .iter()
        .map(|f| {
            let shares: Vec<f64> = top
                .iter()
                .filter_map(|&k| ratio(f.metro_international[k], f.metro_papers[k]))
                .collect();
            let mut leader: Option<(usize, u64)> = None;
            for (k, &i) in f.metro_international.iter().enumerate() {
                if i > 0 && leader.is_none_or(|(_, best)| i > best) {
                    leader = Some((k, i));
                }
            }
            FieldLead {
                division: f.division.clone(),
                papers: f.papers,
                international: f.international,
                share: ratio(f.international, f.papers),
                mean_metro_share: (!shares.is_empty())
                    .then(|| shares.iter().sum::<f64>() / shares.len() as f64),
                leader: leader.map(|(k, _)| r.metros[k].clone()),
                leader_international: leader.map_or(0, |(_, i)| i),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cagr_and_growth() {
        assert_eq!(cagr(100, 121, 3), Some(0.10000000000000009));
        assert_eq!(cagr(0, 5, 3), None);
        assert_eq!(growth(4, 5), Some(0.25));
        assert_eq!(growth(0, 5), None);
    }
}
