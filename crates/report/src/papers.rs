//! The paper tables of a records output, as the co-authorship chapter reads them (the
//! report's section 3, figures 12–18, and the co-authorship network, figure 32).

use crate::patents::{num, rows, table};
use std::path::Path;

/// ANZSRC 2020 Field of Research divisions: code, English and Chinese names.
pub const DIVISIONS: [(&str, &str, &str); 23] = [
    (
        "30",
        "Agricultural, Veterinary and Food Sciences",
        "农业、兽医和食品科学",
    ),
    ("31", "Biological Sciences", "生物科学"),
    (
        "32",
        "Biomedical and Clinical Sciences",
        "生物医学和临床科学",
    ),
    ("33", "Built Environment and Design", "建筑环境与设计"),
    ("34", "Chemical Sciences", "化学科学"),
    (
        "35",
        "Commerce, Management, Tourism and Services",
        "商业、管理、旅游和服务",
    ),
    ("36", "Creative Arts and Writing", "创意艺术与写作"),
    ("37", "Earth Sciences", "地球科学"),
    ("38", "Economics", "经济学"),
    ("39", "Education", "教育"),
    ("40", "Engineering", "工程"),
    ("41", "Environmental Sciences", "环境科学"),
    ("42", "Health Sciences", "健康科学"),
    (
        "43",
        "History, Heritage and Archaeology",
        "历史、遗产与考古",
    ),
    ("44", "Human Society", "人类社会"),
    ("45", "Indigenous Studies", "原住民研究"),
    ("46", "Information and Computing Sciences", "信息与计算科学"),
    (
        "47",
        "Language, Communication and Culture",
        "语言、传播与文化",
    ),
    ("48", "Law and Legal Studies", "法律与法学研究"),
    ("49", "Mathematical Sciences", "数学科学"),
    ("50", "Philosophy and Religious Studies", "哲学与宗教研究"),
    ("51", "Physical Sciences", "物理科学"),
    ("52", "Psychology", "心理学"),
];

/// A division's name in one language (its code when unknown).
pub fn division_name(code: &str, zh: bool) -> String {
    DIVISIONS
        .iter()
        .find(|d| d.0 == code)
        .map_or(code.to_string(), |d| {
            if zh {
                d.2.to_string()
            } else {
                d.1.to_string()
            }
        })
}

/// A `gihi records papers` output, as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperRecords {
    pub origin: String,
    pub synthetic: bool,
    /// The co-authorship network's year and the focus span (first, last).
    pub network_year: i32,
    pub focus: [i32; 2],
    /// (year, papers, international papers) worldwide.
    pub world: Vec<(i32, u64, u64)>,
    /// (metro, year, papers, international papers).
    pub by_metro: Vec<(String, i32, u64, u64)>,
    /// The leading metros: (metro, international papers over the span), most first.
    pub top: Vec<(String, u64)>,
    /// (division, metro, papers, international papers) in the span's last year.
    pub by_field: Vec<(String, String, u64, u64)>,
    /// (division, leading metros' mean share, leading metro) in the span's last year.
    pub leaders: Vec<(String, Option<f64>, String)>,
    /// (metro, I17 centrality).
    pub centrality: Vec<(String, f64)>,
    /// (metro a, metro b, papers) of the network year.
    pub edges: Vec<(String, String, u64)>,
}

fn opt(r: &csv::StringRecord, k: usize) -> Option<f64> {
    r.get(k).and_then(|x| x.parse().ok())
}

impl PaperRecords {
    /// Reads the paper tables of a verified records output from `dir`.
    pub(crate) fn read(
        dir: &Path,
        summary: &serde_json::Value,
        synthetic: bool,
    ) -> Result<PaperRecords, String> {
        let o = &summary["options"];
        let year = |v: &serde_json::Value| v.as_i64().unwrap_or(0) as i32;
        let world = table(dir, "focus/international_world.csv", |r, f| {
            Ok((num(r, 0, f)?, num(r, 1, f)?, num(r, 2, f)?))
        })?;
        let by_metro = table(dir, "focus/international_by_metro.csv", |r, f| {
            Ok((
                r[0].to_string(),
                num(r, 1, f)?,
                num(r, 2, f)?,
                num(r, 3, f)?,
            ))
        })?;
        let f = "focus/international_top_metros.csv";
        let top = rows(dir, f)?
            .iter()
            .filter(|r| !r[0].is_empty())
            .map(|r| Ok((r[1].to_string(), num(r, 2, f)?)))
            .collect::<Result<_, String>>()?;
        let by_field = table(dir, "focus/international_by_field.csv", |r, f| {
            Ok((
                r[0].to_string(),
                r[1].to_string(),
                num(r, 2, f)?,
                num(r, 3, f)?,
            ))
        })?;
        let leaders = table(dir, "focus/international_field_leaders.csv", |r, _| {
            Ok((r[0].to_string(), opt(r, 4), r[5].to_string()))
        })?;
        let centrality = table(dir, "indicators.csv", |r, f| {
            Ok((r[0].to_string(), num(r, 5, f)?))
        })?;
        let edges = table(dir, "network_edges.csv", |r, f| {
            Ok((r[0].to_string(), r[1].to_string(), num(r, 2, f)?))
        })?;
        Ok(PaperRecords {
            origin: dir.display().to_string(),
            synthetic,
            network_year: year(&o["network_year"]),
            focus: [year(&o["focus"][0]), year(&o["focus"][1])],
            world,
            by_metro,
            top,
            by_field,
            leaders,
            centrality,
            edges,
        })
    }

    /// A metro's (papers, international papers) of a year.
    pub fn metro_year(&self, metro: &str, year: i32) -> (u64, u64) {
        self.by_metro
            .iter()
            .find(|x| x.0 == metro && x.1 == year)
            .map_or((0, 0), |x| (x.2, x.3))
    }
}
