//! The patent chapter: biomedical patents (the report's section 4, figures 25–29) and the
//! patent co-application network (figure 33), from a `gihi records patents` output.

use super::Ctx;
use crate::charts;
use crate::patents::PatentRecords;
use crate::{Block, Cell, Section, Text};
use gihi_registry::Continent;

/// Cities in the ranked figures and the network.
const TOP: usize = 20;
/// Cities in the trend figures and the type table.
const TREND: usize = 10;

pub(super) fn section(ctx: &mut Ctx, r: &PatentRecords) -> Section {
    let synthetic = ctx.synthetic || r.synthetic;
    let src = |ctx: &Ctx, zh: &str, en: &str| {
        ctx.source(
            &format!("{zh}；专利记录 {}", r.origin),
            &format!("{en}; patent records {}", r.origin),
        )
    };
    let mut blocks = vec![Block::Paragraph(Text::new(
        format!(
            "本章由专利记录计算（gihi records patents）：附录七四个技术领域的专利族，按申请人所在城市（都市圈）计数，每族每城市计一次。有效发明专利为 {} 有效的授权发明专利；PCT 专利为 {} 年公开的 PCT 申请。{}",
            r.valid_on,
            r.year,
            if r.synthetic { "这些记录是合成数据（SYNTHETIC），不是真实专利。" } else { "" }
        ),
        format!(
            "This chapter is computed from patent records (gihi records patents): families of the four technology fields of Appendix 7, counted once per family and city (metropolitan area) of its applicants. Valid invention patents are granted inventions in force on {}; PCT patents are PCT applications published in {}.{}",
            r.valid_on,
            r.year,
            if r.synthetic { " These records are SYNTHETIC, not real patents." } else { "" }
        ),
    ))];

    for (no, which, zh, en) in [
        (
            25,
            0,
            "生物医药领域有效发明专利数量前 20 城市（都市圈）",
            "Top 20 cities by valid biomedical invention patents",
        ),
        (
            26,
            1,
            "生物医药领域 PCT 专利数量前 20 城市（都市圈）",
            "Top 20 cities by biomedical PCT patents",
        ),
    ] {
        let ranked: Vec<(String, u64)> = r
            .ranked("biomedicine", which)
            .into_iter()
            .take(TOP)
            .collect();
        if ranked.is_empty() {
            continue;
        }
        let items = |zh: bool| -> Vec<(String, f64)> {
            ranked
                .iter()
                .map(|(m, n)| (ctx.label(m, zh), *n as f64))
                .collect()
        };
        let (iz, ie) = (items(true), items(false));
        let title = Text::new(format!("图 {no} {zh}"), format!("Figure {no} {en}"));
        let t = title.clone();
        let source = src(ctx, "专利族数", "patent families");
        blocks.push(ctx.figure(
            &format!("biomedicine-{}", ["valid", "pct"][which]),
            title,
            source,
            move |_| {
                (
                    charts::ranked_bars(&t.zh, &iz, 0.0, synthetic),
                    charts::ranked_bars(&t.en, &ie, 0.0, synthetic),
                )
            },
        ));
    }

    for (no, which, zh, en, axis_zh, axis_en) in [
        (
            27,
            0,
            "生物医药领域有效发明专利数量前 10 城市（都市圈）年度趋势",
            "Valid biomedical invention patents of the top 10 cities by year",
            "有效发明专利族（按最早公开年）",
            "valid families (by earliest publication)",
        ),
        (
            28,
            1,
            "生物医药领域 PCT 专利数量前 10 城市（都市圈）年度趋势",
            "Biomedical PCT patents of the top 10 cities by year",
            "PCT 专利族（按最早公开年）",
            "PCT families (by earliest publication)",
        ),
    ] {
        let top: Vec<String> = r
            .ranked("biomedicine", which)
            .into_iter()
            .take(TREND)
            .map(|x| x.0)
            .collect();
        if top.is_empty() {
            continue;
        }
        let series = |zh: bool| -> Vec<(String, Vec<(i32, f64)>)> {
            top.iter()
                .map(|m| {
                    let pts = r
                        .by_year
                        .iter()
                        .filter(|y| &y.0 == m)
                        .map(|y| (y.1, if which == 0 { y.2 } else { y.3 } as f64))
                        .collect();
                    (ctx.label(m, zh), pts)
                })
                .collect()
        };
        let (sz, se) = (series(true), series(false));
        let title = Text::new(format!("图 {no} {zh}"), format!("Figure {no} {en}"));
        let t = title.clone();
        let source = src(
            ctx,
            "专利族数，按族最早公开年",
            "patent families by the year of their earliest publication",
        );
        let (az, ae) = (axis_zh.to_string(), axis_en.to_string());
        blocks.push(ctx.figure(
            &format!("biomedicine-{}-trend", ["valid", "pct"][which]),
            title,
            source,
            move |_| {
                (
                    charts::count_trends(&t.zh, &sz, &az, synthetic),
                    charts::count_trends(&t.en, &se, &ae, synthetic),
                )
            },
        ));
    }

    // Figure 29's subject: which kinds of applicant hold a city's biomedical PCT patents.
    let types = [
        "company",
        "university",
        "institute",
        "hospital",
        "government",
        "individual",
        "other",
    ];
    let types_zh = ["企业", "大学", "研究机构", "医院", "政府", "个人", "其他"];
    let top: Vec<String> = r
        .ranked("biomedicine", 1)
        .into_iter()
        .take(TREND)
        .map(|x| x.0)
        .collect();
    if !top.is_empty() {
        let rows: Vec<Vec<Cell>> = top
            .iter()
            .map(|m| {
                let mut row = vec![Cell::text(Text::new(
                    ctx.label(m, true),
                    ctx.label(m, false),
                ))];
                for t in types {
                    let share = r
                        .type_mix
                        .iter()
                        .find(|x| &x.0 == m && x.1 == t)
                        .map_or(0.0, |x| x.3);
                    row.push(Cell::number(share, format!("{:.2}%", 100.0 * share)));
                }
                row
            })
            .collect();
        let mut cols = vec![Text::new("城市（都市圈）", "City")];
        cols.extend(
            types
                .iter()
                .zip(types_zh)
                .map(|(en, zh)| Text::new(format!("前 20 {zh}"), format!("Top-20 {en}"))),
        );
        let source = src(
            ctx,
            "各类申请人中专利族数前 20 者持有的 PCT 专利族占比",
            "share of the city's PCT families held by the top 20 applicants of each type",
        );
        blocks.push(ctx.table(
            "biomedicine-applicant-types",
            Text::new(
                "生物医药 PCT 专利前 10 城市（都市圈）申请人类型分布",
                "Applicant types of the top 10 cities' biomedical PCT patents",
            ),
            source,
            cols,
            rows,
        ));
    }

    // Figure 33: the co-application network of the year, top 20 cities by degree.
    let nodes_ranked: Vec<(String, u64)> = r.ranked("all", 2).into_iter().take(TOP).collect();
    if nodes_ranked.len() >= 2 {
        let idx = |m: &str| nodes_ranked.iter().position(|x| x.0 == m);
        let edges: Vec<(usize, usize, f64)> = r
            .edges
            .iter()
            .filter(|e| e.2 == "all")
            .filter_map(|e| Some((idx(&e.0)?, idx(&e.1)?, e.3 as f64)))
            .collect();
        let continents: Vec<Continent> = Continent::ALL.to_vec();
        let nodes = |zh: bool| -> Vec<(String, f64, usize)> {
            nodes_ranked
                .iter()
                .map(|(m, d)| {
                    let k = ctx
                        .registry
                        .get(m)
                        .and_then(|c| continents.iter().position(|x| *x == c.continent))
                        .unwrap_or(0);
                    (ctx.label(m, zh), *d as f64, k)
                })
                .collect()
        };
        let (nz, ne) = (nodes(true), nodes(false));
        let gz: Vec<String> = continents.iter().map(|c| c.name_zh().to_string()).collect();
        let ge: Vec<String> = continents.iter().map(|c| c.name_en().to_string()).collect();
        let title = Text::new(
            format!("图 33 国际科技创新中心专利合作网络（{}）", r.year),
            format!(
                "Figure 33 Patent co-application network of the innovation hubs ({})",
                r.year
            ),
        );
        let t = title.clone();
        let source = src(ctx, "节点大小为合作城市数（度），连线宽度为共同申请的专利族数；度数前 20 城市", "node size: partner cities (degree); line width: co-applied families; the 20 cities of highest degree");
        blocks.push(ctx.figure("patent-network", title, source, move |_| {
            (
                charts::network(&t.zh, &nz, &edges, &gz, synthetic),
                charts::network(&t.en, &ne, &edges, &ge, synthetic),
            )
        }));
    }
    Section {
        id: "patents".into(),
        title: Text::new(
            "专利记录：生物医药与专利合作网络",
            "Patent records: biomedicine and the co-application network",
        ),
        blocks,
    }
}
