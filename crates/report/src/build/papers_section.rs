//! The co-authorship chapter: internationally co-authored papers (the report's section 3,
//! figures 12–18) and the co-authorship network (figure 32), from a `gihi records papers`
//! output.

use super::Ctx;
use crate::charts;
use crate::papers::{division_name, PaperRecords};
use crate::{Block, Cell, Section, Text};
use gihi_registry::Continent;

/// Cities in the network figure.
const NETWORK: usize = 20;

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

pub(super) fn section(ctx: &mut Ctx, r: &PaperRecords) -> Section {
    let synthetic = ctx.synthetic || r.synthetic;
    let [f0, f1] = r.focus;
    let src = |ctx: &Ctx, zh: &str, en: &str| {
        ctx.source(
            &format!("{zh}；论文记录 {}", r.origin),
            &format!("{en}; paper records {}", r.origin),
        )
    };
    let mut blocks = vec![Block::Paragraph(Text::new(
        format!(
            "本章由论文记录计算（gihi records papers）：作者机构分属至少两个国家（或地区）的论文为国际合作论文（香港、澳门、台湾单独计）；每篇论文在其作者所在的每个城市（都市圈）计一次。时间跨度 {f0}–{f1} 年；“菁英城市”为该时段国际合作论文最多的 10 个城市（都市圈）。{}",
            if r.synthetic { "这些记录是合成数据（SYNTHETIC），不是真实论文。" } else { "" }
        ),
        format!(
            "This chapter is computed from paper records (gihi records papers): a paper is international when its authorships span at least two countries or regions (Hong Kong, Macao and Taiwan count on their own); a paper counts once in every city (metropolitan area) of its authors. Span {f0}–{f1}; the \"leading cities\" are the 10 with the most international papers over it.{}",
            if r.synthetic { " These records are SYNTHETIC, not real papers." } else { "" }
        ),
    ))];
    let years = |m: Option<&str>, f: &dyn Fn(u64, u64) -> f64| -> Vec<(i32, f64)> {
        (f0..=f1)
            .map(|y| {
                let (p, i) = match m {
                    Some(m) => r.metro_year(m, y),
                    None => r
                        .world
                        .iter()
                        .find(|w| w.0 == y)
                        .map_or((0, 0), |w| (w.1, w.2)),
                };
                (y, f(p, i))
            })
            .collect()
    };

    // Figure 12: the world's papers and international papers.
    let world = [
        (
            Text::new("全部论文", "all papers"),
            years(None, &|p, _| p as f64),
        ),
        (
            Text::new("国际合作论文", "international papers"),
            years(None, &|_, i| i as f64),
        ),
    ];
    let series = |zh: bool| -> Vec<(String, Vec<(i32, f64)>)> {
        world
            .iter()
            .map(|(t, v)| (if zh { t.zh.clone() } else { t.en.clone() }, v.clone()))
            .collect()
    };
    let (wz, we) = (series(true), series(false));
    let title = Text::new(
        "图 12 全球国际合作论文年度趋势",
        "Figure 12 International papers worldwide by year",
    );
    let t = title.clone();
    let source = src(ctx, "论文数", "papers");
    blocks.push(ctx.figure("coauthorship-world", title, source, move |_| {
        (
            charts::count_trends(&t.zh, &wz, "论文数", synthetic),
            charts::count_trends(&t.en, &we, "papers", synthetic),
        )
    }));

    let top: Vec<String> = r.top.iter().map(|x| x.0.clone()).collect();
    if !top.is_empty() {
        // Figures 13 and 15: the leading cities' international papers and share by year
        // (figure 14 goes between them).
        let mut trends = Vec::new();
        for (no, id, zh, en, axis_zh, axis_en, share) in [
            (
                13,
                "coauthorship-top-trend",
                "国际合作论文数量前 10 城市（都市圈）年度趋势",
                "International papers of the 10 leading cities by year",
                "国际合作论文数",
                "international papers",
                false,
            ),
            (
                15,
                "coauthorship-top-share",
                "国际合作论文数量前 10 城市（都市圈）国际合作占比年度趋势",
                "International share of the 10 leading cities' papers by year",
                "国际合作论文占比（%）",
                "international share (%)",
                true,
            ),
        ] {
            let series = |zh: bool| -> Vec<(String, Vec<(i32, f64)>)> {
                top.iter()
                    .map(|m| {
                        let f: &dyn Fn(u64, u64) -> f64 = if share {
                            &|p, i| pct(i, p)
                        } else {
                            &|_, i| i as f64
                        };
                        (ctx.label(m, zh), years(Some(m), f))
                    })
                    .collect()
            };
            let (sz, se) = (series(true), series(false));
            let title = Text::new(format!("图 {no} {zh}"), format!("Figure {no} {en}"));
            let t = title.clone();
            let source = src(ctx, axis_zh, axis_en);
            let (az, ae) = (axis_zh.to_string(), axis_en.to_string());
            trends.push(ctx.figure(id, title, source, move |_| {
                (
                    charts::count_trends(&t.zh, &sz, &az, synthetic),
                    charts::count_trends(&t.en, &se, &ae, synthetic),
                )
            }));
        }
        let mut trends = trends.into_iter();
        blocks.extend(trends.next());

        // Figure 14: growth of international papers and of all papers in the last year.
        let growth = |a: u64, b: u64| {
            if a == 0 {
                0.0
            } else {
                100.0 * (b as f64 / a as f64 - 1.0)
            }
        };
        let items = |zh: bool| -> Vec<(String, f64, f64)> {
            top.iter()
                .map(|m| {
                    let (p0, i0) = r.metro_year(m, f1 - 1);
                    let (p1, i1) = r.metro_year(m, f1);
                    (ctx.label(m, zh), growth(i0, i1), growth(p0, p1))
                })
                .collect()
        };
        let (iz, ie) = (items(true), items(false));
        let title = Text::new(
            format!("图 14 国际合作论文数量前 10 城市（都市圈）{f1} 年增长率"),
            format!(
                "Figure 14 Growth of the 10 leading cities' international and all papers in {f1}"
            ),
        );
        let t = title.clone();
        let source = src(
            ctx,
            &format!("相对 {} 年的增长（%）", f1 - 1),
            &format!("growth over {} (%)", f1 - 1),
        );
        blocks.push(ctx.figure("coauthorship-growth", title, source, move |_| {
            (
                charts::paired_bars(
                    &t.zh,
                    &iz,
                    ["国际合作论文增长率（%）", "发文数量增长率（%）"],
                    synthetic,
                ),
                charts::paired_bars(
                    &t.en,
                    &ie,
                    ["international papers growth (%)", "all papers growth (%)"],
                    synthetic,
                ),
            )
        }));
        blocks.extend(trends);

        // Figure 16: the leading cities in the last year: international papers, share, size.
        let continents: Vec<Continent> = Continent::ALL.to_vec();
        let group = |m: &str| {
            ctx.registry
                .get(m)
                .and_then(|c| continents.iter().position(|x| *x == c.continent))
                .unwrap_or(0)
        };
        let points = |zh: bool| -> Vec<(String, f64, f64, f64, usize)> {
            top.iter()
                .map(|m| {
                    let (p, i) = r.metro_year(m, f1);
                    (ctx.label(m, zh), i as f64, pct(i, p), p as f64, group(m))
                })
                .collect()
        };
        let (pz, pe) = (points(true), points(false));
        let gz: Vec<String> = continents.iter().map(|c| c.name_zh().to_string()).collect();
        let ge: Vec<String> = continents.iter().map(|c| c.name_en().to_string()).collect();
        let title = Text::new(
            format!("图 16 国际合作论文数量前 10 城市（都市圈）概览（{f1}）"),
            format!("Figure 16 The 10 leading cities in {f1}"),
        );
        let t = title.clone();
        let source = src(
            ctx,
            "横轴国际合作论文数，纵轴国际合作占比，气泡大小为发文总量",
            "x: international papers; y: international share; bubble size: all papers",
        );
        blocks.push(
            ctx.figure("coauthorship-overview", title, source, move |_| {
                (
                    charts::bubbles(
                        &t.zh,
                        &pz,
                        ["国际合作论文数", "国际合作论文占比（%）"],
                        &gz,
                        synthetic,
                    ),
                    charts::bubbles(
                        &t.en,
                        &pe,
                        ["international papers", "international share (%)"],
                        &ge,
                        synthetic,
                    ),
                )
            }),
        );

        // Figure 17's subject: the leading cities' international papers per division.
        let divisions: Vec<String> = r.leaders.iter().map(|l| l.0.clone()).collect();
        if !divisions.is_empty() {
            let mut cols = vec![Text::new("学科", "Division")];
            cols.extend(
                top.iter()
                    .map(|m| Text::new(ctx.label(m, true), ctx.label(m, false))),
            );
            cols.push(Text::new("第一城市", "Leading city"));
            let rows: Vec<Vec<Cell>> = r
                .leaders
                .iter()
                .map(|(d, _, leader)| {
                    let mut row = vec![Cell::text(Text::new(
                        format!("{d} {}", division_name(d, true)),
                        format!("{d} {}", division_name(d, false)),
                    ))];
                    for m in &top {
                        let n = r
                            .by_field
                            .iter()
                            .find(|x| &x.0 == d && &x.1 == m)
                            .map_or(0, |x| x.3);
                        row.push(Cell::number(n as f64, n.to_string()));
                    }
                    row.push(Cell::text(if leader.is_empty() {
                        Text::new("", "")
                    } else {
                        Text::new(ctx.label(leader, true), ctx.label(leader, false))
                    }));
                    row
                })
                .collect();
            let source = src(
                ctx,
                &format!("{f1} 年国际合作论文数；第一城市为全部城市中国际合作论文最多者"),
                &format!(
                    "international papers in {f1}; the leading city has the most among all cities"
                ),
            );
            blocks.push(ctx.table(
                "coauthorship-divisions",
                Text::new(
                    format!("国际合作论文数量前 10 城市（都市圈）分学科国际合作论文数量（{f1}，图 17 的数据）"),
                    format!("International papers of the 10 leading cities by division ({f1}; the data of figure 17)"),
                ),
                source,
                cols,
                rows,
            ));

            // Figure 18: the leading cities' mean international share per division.
            let items = |zh: bool| -> Vec<(String, f64)> {
                let mut v: Vec<(String, f64)> = r
                    .leaders
                    .iter()
                    .filter_map(|(d, s, _)| Some((division_name(d, zh), 100.0 * (*s)?)))
                    .collect();
                v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                v
            };
            let (iz, ie) = (items(true), items(false));
            if !iz.is_empty() {
                let title = Text::new(
                    format!("图 18 国际合作论文数量前 10 城市（都市圈）分学科国际合作占比均值（{f1}）"),
                    format!("Figure 18 Mean international share of the 10 leading cities by division ({f1})"),
                );
                let t = title.clone();
                let source = src(
                    ctx,
                    "国际合作论文占比（%），10 城市均值",
                    "international share (%), mean of the 10 cities",
                );
                blocks.push(
                    ctx.figure("coauthorship-division-share", title, source, move |_| {
                        (
                            charts::ranked_bars(&t.zh, &iz, 0.0, synthetic),
                            charts::ranked_bars(&t.en, &ie, 0.0, synthetic),
                        )
                    }),
                );
            }
        }
    }

    // Figure 32: the co-authorship network of the network year, top cities by centrality.
    let mut ranked: Vec<(String, f64)> =
        r.centrality.iter().filter(|x| x.1 > 0.0).cloned().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(NETWORK);
    if ranked.len() >= 2 {
        let idx = |m: &str| ranked.iter().position(|x| x.0 == m);
        let edges: Vec<(usize, usize, f64)> = r
            .edges
            .iter()
            .filter_map(|e| Some((idx(&e.0)?, idx(&e.1)?, e.2 as f64)))
            .collect();
        let continents: Vec<Continent> = Continent::ALL.to_vec();
        let nodes = |zh: bool| -> Vec<(String, f64, usize)> {
            ranked
                .iter()
                .map(|(m, c)| {
                    let k = ctx
                        .registry
                        .get(m)
                        .and_then(|c| continents.iter().position(|x| *x == c.continent))
                        .unwrap_or(0);
                    (ctx.label(m, zh), *c, k)
                })
                .collect()
        };
        let (nz, ne) = (nodes(true), nodes(false));
        let gz: Vec<String> = continents.iter().map(|c| c.name_zh().to_string()).collect();
        let ge: Vec<String> = continents.iter().map(|c| c.name_en().to_string()).collect();
        let title = Text::new(
            format!("图 32 国际科技创新中心论文合著网络（{}）", r.network_year),
            format!(
                "Figure 32 Co-authorship network of the innovation hubs ({})",
                r.network_year
            ),
        );
        let t = title.clone();
        let source = src(ctx, "节点大小为特征向量中心性（I17），连线宽度为合著论文数；中心性前 20 城市", "node size: eigenvector centrality (I17); line width: co-authored papers; the 20 most central cities");
        blocks.push(ctx.figure("coauthorship-network", title, source, move |_| {
            (
                charts::network(&t.zh, &nz, &edges, &gz, synthetic),
                charts::network(&t.en, &ne, &edges, &ge, synthetic),
            )
        }));
    }
    Section {
        id: "papers".into(),
        title: Text::new(
            "论文记录：国际合作论文与论文合著网络",
            "Paper records: international co-authorship and the co-authorship network",
        ),
        blocks,
    }
}
