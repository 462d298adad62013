//! Builds the report from a standing (computed run or published edition), following the
//! structure of the GIHI 2024 report: framework, composite ranking and development modes,
//! mini-hubs, one chapter per pillar, then the audit, the statements check and the methods.

use crate::charts;
use crate::{Block, Cell, Figure, Report, Section, Table, Text};
use gihi_analysis::modes::{development_modes, ModeOptions};
use gihi_analysis::regions::rank_quartiles;
use gihi_analysis::statements;
use gihi_analysis::{GroupStanding, NodeStanding, Standing};
use gihi_audit::Audit;
use gihi_edition::{Edition, Kind};
use gihi_framework::{Framework, COMPOSITE_ID};
use gihi_registry::{Continent, Group, Registry};
use std::collections::BTreeSet;

mod papers_section;
mod patents_section;

/// What the report is built from.
pub struct Inputs<'a> {
    pub standing: &'a Standing,
    /// A `gihi records patents|papers|all` output: adds the co-authorship chapter and/or
    /// the patent chapter (biomedicine, network).
    pub records: Option<&'a crate::records::Records>,
    /// The published edition, when the report is of one (its printed tables are shown as printed).
    pub edition: Option<&'a Edition>,
    pub audit: Option<&'a Audit>,
}

struct Ctx<'a> {
    inputs: &'a Inputs<'a>,
    registry: Registry,
    framework: &'a Framework,
    synthetic: bool,
    figure_no: usize,
    table_no: usize,
}

/// The number of a table or figure: the report's own (`表 7`, `图 19` opening the Chinese
/// title, marked by `label`) where it has one; otherwise the next number after the report's
/// last (`last`), counting such extras in `extras`, in order of appearance.
fn report_number(title: &Text, label: &str, extras: &mut usize, last: usize) -> usize {
    let printed = title
        .zh
        .strip_prefix(label)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok());
    printed.unwrap_or_else(|| {
        *extras += 1;
        last + *extras
    })
}

/// The report's last numbered figure (图 38); figures it does not have are numbered after it.
const LAST_PRINTED_FIGURE: usize = 38;

/// The report's last numbered table (表 10); tables it does not have are numbered after it.
const LAST_PRINTED_TABLE: usize = 10;

fn city_text(r: &Registry, id: &str) -> Text {
    r.get(id).map_or_else(
        || Text::same(id),
        |c| Text::new(c.name_zh.clone(), c.name_en.clone()),
    )
}

fn node_name(f: &Framework, id: &str) -> Text {
    if id == COMPOSITE_ID {
        return Text::new("综合", "Composite");
    }
    f.pillars
        .iter()
        .find(|p| p.id == id)
        .map(|p| {
            Text::new(
                format!("{} {}", p.id, p.name_zh),
                format!("{} {}", p.id, p.name_en),
            )
        })
        .or_else(|| {
            f.subpillars().find(|s| s.id == id).map(|s| {
                Text::new(
                    format!("{} {}", s.id, s.name_zh),
                    format!("{} {}", s.id, s.name_en),
                )
            })
        })
        .unwrap_or_else(|| Text::same(id))
}

impl Ctx<'_> {
    fn source(&self, zh: &str, en: &str) -> Text {
        let label = &self.inputs.standing.label;
        Text::new(
            format!("来源：{zh}（{label}）"),
            format!("Source: {en} ({label})"),
        )
    }

    fn table(
        &mut self,
        slug: &str,
        title: Text,
        source: Text,
        columns: Vec<Text>,
        rows: Vec<Vec<Cell>>,
    ) -> Block {
        let no = report_number(&title, "表 ", &mut self.table_no, LAST_PRINTED_TABLE);
        Block::Table(Table {
            id: format!("table-{no:02}-{slug}"),
            title,
            source,
            columns,
            rows,
        })
    }

    fn figure(
        &mut self,
        slug: &str,
        title: Text,
        source: Text,
        draw: impl Fn(&str) -> (String, String),
    ) -> Block {
        let no = report_number(&title, "图 ", &mut self.figure_no, LAST_PRINTED_FIGURE);
        let (zh, en) = draw(slug);
        Block::Figure(Figure {
            id: format!("figure-{no:02}-{slug}"),
            title,
            source,
            svg_zh: zh,
            svg_en: en,
        })
    }

    fn main(&self) -> Option<&GroupStanding> {
        self.inputs.standing.group(Group::Main)
    }

    fn label(&self, id: &str, zh: bool) -> String {
        let c = city_text(&self.registry, id);
        if zh {
            c.zh
        } else {
            c.en
        }
    }
}

/// Builds the report.
pub fn build(inputs: &Inputs) -> Report {
    let s = inputs.standing;
    let mut ctx = Ctx {
        inputs,
        registry: inputs.standing.registry.clone(),
        framework: &s.framework,
        synthetic: s.synthetic || inputs.records.is_some_and(|r| r.synthetic),
        figure_no: 0,
        table_no: 0,
    };
    let mut sections = vec![framework_section(&mut ctx), composite_section(&mut ctx)];
    if let Some(sec) = mini_section(&mut ctx) {
        sections.push(sec);
    }
    for p in &s.framework.pillars {
        sections.push(pillar_section(&mut ctx, &p.id));
    }
    if let Some(r) = inputs.records.and_then(|r| r.papers.as_ref()) {
        sections.push(papers_section::section(&mut ctx, r));
    }
    if let Some(r) = inputs.records.and_then(|r| r.patents.as_ref()) {
        sections.push(patents_section::section(&mut ctx, r));
    }
    if inputs.edition.is_some() {
        sections.push(audit_section(&mut ctx));
        sections.push(statements_section(&mut ctx));
    }
    sections.push(methods_section(&mut ctx));
    let (title, subtitle) = match inputs.edition {
        Some(e) => (
            Text::new(format!("国际科技创新中心指数 {}", e.year), format!("Global Innovation Hubs Index {}", e.year)),
            Text::new(
                format!("依据已发布的 GIHI {} 报告表格重建，含一致性审计与分析", e.year),
                format!("Rebuilt from the published GIHI {} tables, with a consistency audit and analyses", e.year),
            ),
        ),
        None => (
            Text::new(format!("{}（计算结果）", s.framework.name_zh), format!("{} (computed results)", s.framework.name_en)),
            Text::new(format!("框架 {}；{}", s.framework.id, s.label), format!("Framework {}; {}", s.framework.id, s.label)),
        ),
    };
    Report {
        title,
        subtitle,
        synthetic: s.synthetic || inputs.records.is_some_and(|r| r.synthetic),
        sections,
    }
}

// ---- sections ------------------------------------------------------------------------------

fn framework_section(ctx: &mut Ctx) -> Section {
    let f = ctx.framework;
    let eff = f.effective_weights();
    let mut rows = Vec::new();
    let mut k = 0;
    for p in &f.pillars {
        for s in &p.subpillars {
            for i in &s.indicators {
                rows.push(vec![
                    Cell::text(Text::new(
                        format!("{} {}", p.id, p.name_zh),
                        format!("{} {}", p.id, p.name_en),
                    )),
                    Cell::number(p.weight, format!("{:.0}%", 100.0 * p.weight)),
                    Cell::text(Text::new(
                        format!("{} {}", s.id, s.name_zh),
                        format!("{} {}", s.id, s.name_en),
                    )),
                    Cell::number(s.weight, format!("{:.0}%", 100.0 * s.weight)),
                    Cell::text(Text::new(
                        format!("{} {}", i.id, i.name_zh),
                        format!("{} {}", i.id, i.name_en),
                    )),
                    Cell::number(eff[k], format!("{:.2}%", 100.0 * eff[k])),
                ]);
                k += 1;
            }
        }
    }
    let cols = vec![
        Text::new("一级指标", "Pillar"),
        Text::new("权重", "Weight"),
        Text::new("二级指标", "Sub-pillar"),
        Text::new("权重", "Weight"),
        Text::new("三级指标", "Indicator"),
        Text::new("有效权重", "Effective weight"),
    ];
    let source = Text::new(
        format!("来源：{}（框架 {}）", f.source, f.id),
        format!("Source: {} (framework {})", f.source, f.id),
    );
    let table = ctx.table(
        "framework",
        Text::new(
            "表 1 国际科技创新中心指数指标体系",
            "Table 1 The GIHI indicator framework",
        ),
        source,
        cols,
        rows,
    );
    Section {
        id: "framework".into(),
        title: Text::new("1 指标体系", "1 Indicator framework"),
        blocks: vec![
            Block::Paragraph(Text::new(
                format!("GIHI 从科学中心、创新高地和创新生态三个维度评估城市（都市圈），共 {} 个二级指标、{} 个三级指标。有效权重为自上而下各级权重之积。", f.subpillars().count(), f.indicators().count()),
                format!("GIHI assesses cities (metropolitan areas) on three pillars — science centre, innovation highland and innovation ecosystem — with {} sub-pillars and {} indicators. An indicator's effective weight is the product of the weights down the tree.", f.subpillars().count(), f.indicators().count()),
            )),
            table,
        ],
    }
}

/// Printed cells of a published table (text as printed), marking the ones the audit rejects.
fn printed_rows(
    ctx: &Ctx,
    table_id: &str,
    nodes: &[String],
    with_ranks: bool,
) -> Option<Vec<Vec<Cell>>> {
    let e = ctx.inputs.edition?;
    let t = e.table(table_id)?;
    let flagged: BTreeSet<(String, String)> = ctx
        .inputs
        .audit
        .map(|a| {
            a.findings
                .iter()
                .filter(|f| f.table == table_id && f.kind == "affine-residual")
                .map(|f| (f.city.clone(), f.column.clone()))
                .collect()
        })
        .unwrap_or_default();
    let main_rank =
        |r: &gihi_edition::Row| r.cell(&t.node, Kind::Rank, e.year).map_or(0.0, |c| c.value);
    Some(
        t.rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    Cell::number(main_rank(r), format!("{}", main_rank(r))),
                    Cell::city(&r.city, city_text(&ctx.registry, &r.city)),
                ];
                for n in nodes {
                    match r.cell(n, Kind::Score, e.year) {
                        Some(c) if flagged.contains(&(r.city.clone(), n.clone())) => {
                            row.push(Cell::flagged(c.value, format!("{} ⚠", c.text)))
                        }
                        Some(c) => row.push(Cell::number(c.value, c.text.clone())),
                        None => row.push(Cell::text(Text::same(""))),
                    }
                    if with_ranks && n != &t.node {
                        match r.cell(n, Kind::Rank, e.year) {
                            Some(c) => row.push(Cell::number(c.value, c.text.clone())),
                            None => row.push(Cell::text(Text::same(""))),
                        }
                    }
                }
                row
            })
            .collect(),
    )
}

/// Rows computed from the standing: rank, city, then score (and rank) of each node.
fn computed_rows(
    ctx: &Ctx,
    group: Group,
    order_by: &str,
    nodes: &[String],
    with_ranks: bool,
    limit: usize,
) -> Vec<Vec<Cell>> {
    let Some(g) = ctx.inputs.standing.group(group) else {
        return Vec::new();
    };
    let Some(order) = g.node(order_by) else {
        return Vec::new();
    };
    order
        .entries
        .iter()
        .take(limit)
        .map(|e| {
            let mut row = vec![
                Cell::number(e.rank as f64, e.rank.to_string()),
                Cell::city(&e.city, city_text(&ctx.registry, &e.city)),
            ];
            for n in nodes {
                let x = g.node(n).and_then(|s| s.get(&e.city));
                row.push(x.map_or(Cell::text(Text::same("")), |x| {
                    Cell::number(x.score, format!("{:.2}", x.score))
                }));
                if with_ranks && n != order_by {
                    row.push(x.map_or(Cell::text(Text::same("")), |x| {
                        Cell::number(x.rank as f64, x.rank.to_string())
                    }));
                }
            }
            row
        })
        .collect()
}

fn score_columns(f: &Framework, nodes: &[String], with_ranks: bool, main: &str) -> Vec<Text> {
    let mut cols = vec![
        Text::new("排名", "Rank"),
        Text::new("城市（都市圈）", "City (metropolitan area)"),
    ];
    for n in nodes {
        let name = node_name(f, n);
        cols.push(Text::new(
            format!("{} 得分", name.zh),
            format!("{} score", name.en),
        ));
        if with_ranks && n != main {
            cols.push(Text::new(
                format!("{} 排名", name.zh),
                format!("{} rank", name.en),
            ));
        }
    }
    cols
}

fn ranked_bars_figure(
    ctx: &mut Ctx,
    slug: &str,
    title: Text,
    node: &NodeStanding,
    n: usize,
    lo: f64,
) -> Block {
    let entries: Vec<(String, f64)> = node
        .entries
        .iter()
        .take(n)
        .map(|e| (e.city.clone(), e.score))
        .collect();
    let synthetic = ctx.synthetic;
    let labels_zh: Vec<(String, f64)> = entries
        .iter()
        .map(|(c, v)| (ctx.label(c, true), *v))
        .collect();
    let labels_en: Vec<(String, f64)> = entries
        .iter()
        .map(|(c, v)| (ctx.label(c, false), *v))
        .collect();
    let source = ctx.source("得分", "scores");
    let t2 = title.clone();
    ctx.figure(slug, title, source, move |_| {
        (
            charts::ranked_bars(&t2.zh, &labels_zh, lo, synthetic),
            charts::ranked_bars(&t2.en, &labels_en, lo, synthetic),
        )
    })
}

fn quartile_figure(
    ctx: &mut Ctx,
    slug: &str,
    title: Text,
    node: &NodeStanding,
    size: usize,
) -> Block {
    let q = rank_quartiles(node, &ctx.registry);
    let keep: Vec<_> = q
        .iter()
        .filter(|x| ["Asia", "Europe", "North America"].contains(&x.continent.as_str()))
        .collect();
    let groups = |zh: bool| -> Vec<(String, [f64; 5], usize)> {
        keep.iter()
            .map(|x| {
                let name = Continent::ALL
                    .iter()
                    .find(|c| c.name_en() == x.continent)
                    .map_or(x.continent.clone(), |c| {
                        if zh {
                            c.name_zh().into()
                        } else {
                            c.name_en().into()
                        }
                    });
                (
                    name,
                    [x.best as f64, x.q1, x.median, x.q3, x.worst as f64],
                    x.cities,
                )
            })
            .collect()
    };
    let (gz, ge) = (groups(true), groups(false));
    let synthetic = ctx.synthetic;
    let source = ctx.source(
        "排名四分位（线性插值）",
        "rank quartiles (linear interpolation)",
    );
    let t2 = title.clone();
    ctx.figure(slug, title, source, move |_| {
        (
            charts::box_plots(&t2.zh, &gz, size as f64, "排名", synthetic),
            charts::box_plots(&t2.en, &ge, size as f64, "rank", synthetic),
        )
    })
}

fn history_blocks(
    ctx: &mut Ctx,
    table_id: &str,
    node: &str,
    slug: &str,
    title: Text,
) -> Vec<Block> {
    let Some(e) = ctx.inputs.edition else {
        return Vec::new();
    };
    let Some(t) = e.table(table_id) else {
        return Vec::new();
    };
    let years: Vec<u16> = {
        let mut y: Vec<u16> = t
            .rows
            .first()
            .map(|r| {
                r.cells
                    .iter()
                    .filter(|c| c.kind == Kind::Rank)
                    .map(|c| c.year)
                    .collect()
            })
            .unwrap_or_default();
        y.sort_unstable_by(|a, b| b.cmp(a));
        y
    };
    let rows: Vec<Vec<Cell>> = t
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![Cell::city(&r.city, city_text(&ctx.registry, &r.city))];
            row.extend(years.iter().map(|y| {
                r.cell(node, Kind::Rank, *y)
                    .map_or(Cell::text(Text::same("")), |c| {
                        Cell::number(c.value, c.text.clone())
                    })
            }));
            row
        })
        .collect();
    let mut cols = vec![Text::new("城市（都市圈）", "City (metropolitan area)")];
    cols.extend(
        years
            .iter()
            .map(|y| Text::new(format!("{y}年排名"), format!("Rank {y}"))),
    );
    let source = Text::new(
        format!(
            "来源：GIHI {} 报告{}（按原文）",
            e.year,
            table_id.replace("Table ", "表 ")
        ),
        format!("Source: GIHI {} report, {table_id} (as printed)", e.year),
    );
    let table = ctx.table(slug, title.clone(), source.clone(), cols, rows);
    let series: Vec<(String, Vec<(u16, u32)>)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.city.clone(),
                years
                    .iter()
                    .rev()
                    .filter_map(|y| r.cell(node, Kind::Rank, *y).map(|c| (*y, c.value as u32)))
                    .collect(),
            )
        })
        .collect();
    let sz: Vec<_> = series
        .iter()
        .map(|(c, p)| (ctx.label(c, true), p.clone()))
        .collect();
    let se: Vec<_> = series
        .iter()
        .map(|(c, p)| (ctx.label(c, false), p.clone()))
        .collect();
    let synthetic = ctx.synthetic;
    let ft = Text::new(
        format!("{}：排名走势", title.zh),
        format!("{}: rank trends", title.en),
    );
    let ft2 = ft.clone();
    let fig = ctx.figure(&format!("{slug}-trend"), ft, source, move |_| {
        (
            charts::rank_trends(&ft2.zh, &sz, "排名", synthetic),
            charts::rank_trends(&ft2.en, &se, "rank", synthetic),
        )
    });
    vec![table, fig]
}

fn composite_section(ctx: &mut Ctx) -> Section {
    let f = ctx.framework;
    let pillars: Vec<String> = f.pillars.iter().map(|p| p.id.clone()).collect();
    let mut nodes = vec![COMPOSITE_ID.to_string()];
    nodes.extend(pillars.iter().cloned());
    let cols = score_columns(f, &nodes, true, COMPOSITE_ID);
    let (rows, source) = match printed_rows(ctx, "Table 2", &nodes, true) {
        Some(r) => (
            r,
            Text::new(
                "来源：GIHI 2024 报告表 2（按原文）",
                "Source: GIHI 2024 report, Table 2 (as printed)",
            ),
        ),
        None => (
            computed_rows(ctx, Group::Main, COMPOSITE_ID, &nodes, true, 100),
            ctx.source("计算得分（前 100）", "computed scores (top 100)"),
        ),
    };
    let mut blocks = vec![Block::Paragraph(Text::new(
        "综合得分由全部三级指标 Z 值按有效权重加权求和，再经 min-max 映射到 [60, 100]；排名第一的城市得 100 分，最后一名得 60 分。",
        "The composite is the effective-weight sum of all indicator z-scores, min-max rescaled to [60, 100]: the first city scores 100 and the last 60.",
    ))];
    blocks.push(ctx.table(
        "composite",
        Text::new(
            "表 2 国际科技创新中心综合排名前 100 城市（都市圈）",
            "Table 2 Composite ranking, top 100 cities (metropolitan areas)",
        ),
        source,
        cols,
        rows,
    ));
    if let Some(g) = ctx.main().cloned() {
        if let Some(n) = g.node(COMPOSITE_ID) {
            blocks.push(ranked_bars_figure(
                ctx,
                "composite-top20",
                Text::new(
                    "综合排名前 20 城市（都市圈）得分",
                    "Composite scores of the top 20",
                ),
                n,
                20,
                60.0,
            ));
            blocks.extend(history_blocks(
                ctx,
                "Table 3",
                COMPOSITE_ID,
                "composite-history",
                Text::new(
                    "表 3 综合排名前 20 城市（都市圈）2022-2024 年排名比较",
                    "Table 3 Composite ranks of the top 20, 2022-2024",
                ),
            ));
            blocks.push(quartile_figure(ctx, "composite-quartiles", Text::new("图 2 亚洲、欧洲、北美洲城市（都市圈）综合排名四分位图", "Figure 2 Composite rank quartiles of Asian, European and North American cities"), n, g.size));
        }
        blocks.extend(modes_blocks(ctx, &g));
    }
    Section {
        id: "composite".into(),
        title: Text::new("2 国际科技创新中心指数排名", "2 The GIHI ranking"),
        blocks,
    }
}

fn modes_blocks(ctx: &mut Ctx, g: &GroupStanding) -> Vec<Block> {
    let pillars: Vec<String> = ctx.framework.pillars.iter().map(|p| p.id.clone()).collect();
    let m = match development_modes(g, &pillars, ModeOptions::default()) {
        Ok(m) => m,
        // Appendix 6 places cities by their three pillar scores; another framework has none.
        Err(gihi_analysis::modes::ModeError::NotThreePillars(n)) => {
            return vec![Block::Paragraph(Text::new(
                format!("发展模式（附录六）按三大一级指标划分；本框架有 {n} 个一级指标，故不作划分。"),
                format!("Development modes (Appendix 6) are defined on three pillars; this framework has {n}, so none are shown."),
            ))]
        }
        Err(_) => return Vec::new(),
    };
    let printed = |c: &str| {
        ctx.inputs.edition.and_then(|e| {
            e.modes
                .iter()
                .find(|x| x.city == c)
                .map(|x| Text::new(x.mode_zh.clone(), x.mode.clone()))
        })
    };
    let rows: Vec<Vec<Cell>> = m
        .cities
        .iter()
        .map(|c| {
            let mut row = vec![
                Cell::number(c.composite_rank as f64, c.composite_rank.to_string()),
                Cell::city(&c.city, city_text(&ctx.registry, &c.city)),
            ];
            row.extend(c.scores.iter().map(|v| Cell::number(*v, format!("{v:.1}"))));
            row.push(Cell::text(Text::new(c.mode.name_zh(), c.mode.name_en())));
            if ctx.inputs.edition.is_some() {
                row.push(Cell::text(
                    printed(&c.city).unwrap_or_else(|| Text::same("")),
                ));
            }
            row
        })
        .collect();
    let mut cols = vec![
        Text::new("排名", "Rank"),
        Text::new("城市（都市圈）", "City (metropolitan area)"),
    ];
    cols.extend(
        pillars
            .iter()
            .map(|p| Text::new(format!("{p} 发展模式得分"), format!("{p} mode score"))),
    );
    cols.push(Text::new("聚类结果", "Clustered mode"));
    if ctx.inputs.edition.is_some() {
        cols.push(Text::new("报告所列模式", "Mode printed in the report"));
    }
    let source = ctx.source(
        "附录六方法：Z 值统一 min-max 到 [0,100]，Ward 层次聚类，k = 4",
        "Appendix 6 method: joint min-max of pillar z-values to [0, 100], Ward clustering, k = 4",
    );
    let table = ctx.table(
        "modes",
        Text::new(
            "前 20 城市（都市圈）发展模式",
            "Development modes of the top 20",
        ),
        source.clone(),
        cols,
        rows,
    );
    let title = Text::new("图 3 前 20 城市（都市圈）发展模式图（横轴科学中心，纵轴创新高地，气泡大小为创新生态）", "Figure 3 Development modes of the top 20 (x: science centre, y: innovation highland, bubble: innovation ecosystem)");
    let fig = modes_figure(ctx, &m, "modes", title, source);
    let peer = peer_network(ctx, g, &m);
    vec![fig, table, peer]
}

/// Figure 4: the mini-hubs' development modes, by Appendix 6's method applied to the 12
/// mini-hubs (gihi's reading: the report does not say whether they are clustered apart; here
/// they are, with the same k = 4). None for a framework without three pillars.
fn mini_modes_figure(ctx: &mut Ctx, g: &GroupStanding) -> Option<Block> {
    let pillars: Vec<String> = ctx.framework.pillars.iter().map(|p| p.id.clone()).collect();
    let options = ModeOptions {
        top: g.size,
        ..ModeOptions::default()
    };
    let m = development_modes(g, &pillars, options).ok()?;
    let source = ctx.source(
        "附录六方法用于 12 个微型中心：Z 值统一 min-max 到 [0,100]，Ward 层次聚类，k = 4",
        "Appendix 6 method on the 12 mini-hubs: joint min-max of pillar z-values to [0, 100], Ward clustering, k = 4",
    );
    let title = Text::new(
        "图 4 微型国际科技创新中心发展模式图（横轴科学中心，纵轴创新高地，气泡大小为创新生态）",
        "Figure 4 Development modes of the mini-hubs (x: science centre, y: innovation highland, bubble: innovation ecosystem)",
    );
    Some(modes_figure(ctx, &m, "mini-modes", title, source))
}

/// A development-mode bubble chart: x science centre, y innovation highland, bubble size
/// innovation ecosystem, colour the mode.
fn modes_figure(
    ctx: &mut Ctx,
    m: &gihi_analysis::modes::Modes,
    slug: &str,
    title: Text,
    source: Text,
) -> Block {
    let (groups_zh, groups_en) = mode_names(m);
    let pts = |zh: bool| -> Vec<(String, f64, f64, f64, usize)> {
        m.cities
            .iter()
            .map(|c| {
                (
                    ctx.label(&c.city, zh),
                    c.scores[0],
                    c.scores[1],
                    c.scores[2],
                    c.cluster,
                )
            })
            .collect()
    };
    let (pz, pe) = (pts(true), pts(false));
    let synthetic = ctx.synthetic;
    let t2 = title.clone();
    ctx.figure(slug, title, source, move |_| {
        (
            charts::bubbles(
                &t2.zh,
                &pz,
                ["科学中心 A", "创新高地 B"],
                &groups_zh,
                synthetic,
            ),
            charts::bubbles(
                &t2.en,
                &pe,
                ["Science centre A", "Innovation highland B"],
                &groups_en,
                synthetic,
            ),
        )
    })
}

/// The top cities linked to their two nearest peers in sub-pillar score space (Euclidean),
/// coloured by development mode and sized by composite score.
/// Names of the development-mode clusters, in Chinese and English.
fn mode_names(m: &gihi_analysis::modes::Modes) -> (Vec<String>, Vec<String>) {
    m.clusters
        .iter()
        .map(|c| (c.mode.name_zh().to_string(), c.mode.name_en().to_string()))
        .unzip()
}

fn peer_network(ctx: &mut Ctx, g: &GroupStanding, m: &gihi_analysis::modes::Modes) -> Block {
    let subs: Vec<&NodeStanding> = g
        .nodes
        .iter()
        .filter(|n| n.level == gihi_framework::Level::SubPillar)
        .collect();
    let cities: Vec<&str> = m.cities.iter().map(|c| c.city.as_str()).collect();
    let vector = |c: &str| -> Vec<f64> {
        subs.iter()
            .map(|n| n.get(c).map_or(60.0, |e| e.score))
            .collect()
    };
    let vectors: Vec<Vec<f64>> = cities.iter().map(|c| vector(c)).collect();
    let mut edges: Vec<(usize, usize, f64)> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let mut d: Vec<(f64, usize)> = vectors
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(j, u)| {
                (
                    v.iter()
                        .zip(u)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>()
                        .sqrt(),
                    j,
                )
            })
            .collect();
        d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(dist, j) in d.iter().take(2) {
            let (a, b) = (i.min(j), i.max(j));
            if !edges.iter().any(|e| e.0 == a && e.1 == b) {
                edges.push((a, b, 1.0 / (1.0 + dist)));
            }
        }
    }
    let composite = g.node(COMPOSITE_ID);
    let nodes = |zh: bool| -> Vec<(String, f64, usize)> {
        m.cities
            .iter()
            .map(|c| {
                (
                    ctx.label(&c.city, zh),
                    composite
                        .and_then(|n| n.get(&c.city))
                        .map_or(60.0, |e| e.score),
                    c.cluster,
                )
            })
            .collect()
    };
    let (nz, ne) = (nodes(true), nodes(false));
    let (groups_zh, groups_en) = mode_names(m);
    let synthetic = ctx.synthetic;
    let title = Text::new("前 20 城市（都市圈）相似度网络：每个城市连向二级指标得分最接近的两个城市", "Peer network of the top 20: each city linked to its two nearest peers in sub-pillar scores");
    let t2 = title.clone();
    let source = ctx.source(
        "二级指标得分的欧氏距离；颜色为发展模式，大小为综合得分",
        "Euclidean distance of sub-pillar scores; colour: development mode; size: composite score",
    );
    ctx.figure("peer-network", title, source, move |_| {
        (
            charts::network(&t2.zh, &nz, &edges, &groups_zh, synthetic),
            charts::network(&t2.en, &ne, &edges, &groups_en, synthetic),
        )
    })
}

fn mini_section(ctx: &mut Ctx) -> Option<Section> {
    let g = ctx.inputs.standing.group(Group::Mini)?.clone();
    let f = ctx.framework;
    let mut nodes = vec![COMPOSITE_ID.to_string()];
    nodes.extend(f.pillars.iter().map(|p| p.id.clone()));
    let cols = score_columns(f, &nodes, true, COMPOSITE_ID);
    let (rows, source) = match printed_rows(ctx, "Table 4", &nodes, true) {
        Some(r) => (
            r,
            Text::new(
                "来源：GIHI 2024 报告表 4（按原文）",
                "Source: GIHI 2024 report, Table 4 (as printed)",
            ),
        ),
        None => (
            computed_rows(ctx, Group::Mini, COMPOSITE_ID, &nodes, true, usize::MAX),
            ctx.source("计算得分", "computed scores"),
        ),
    };
    let mut blocks = vec![Block::Paragraph(Text::new(
        "人口小于 100 万的微型科技创新中心单独标准化、单独排名。",
        "Mini-hubs (population under one million) are standardised and ranked on their own.",
    ))];
    blocks.push(ctx.table(
        "mini-hubs",
        Text::new("表 4 微型国际科技创新中心排名", "Table 4 Mini-hubs ranking"),
        source,
        cols,
        rows,
    ));
    if let Some(n) = g.node(COMPOSITE_ID) {
        blocks.push(ranked_bars_figure(
            ctx,
            "mini-hubs",
            Text::new(
                "微型科技创新中心综合得分",
                "Composite scores of the mini-hubs",
            ),
            n,
            12,
            60.0,
        ));
    }
    blocks.extend(mini_modes_figure(ctx, &g));
    Some(Section {
        id: "mini-hubs".into(),
        title: Text::new("2.3 微型科技创新中心", "2.3 Mini-hubs"),
        blocks,
    })
}

fn pillar_section(ctx: &mut Ctx, pillar: &str) -> Section {
    let f = ctx.framework;
    let p = f
        .pillars
        .iter()
        .find(|x| x.id == pillar)
        .expect("framework pillar");
    let subs: Vec<String> = p.subpillars.iter().map(|s| s.id.clone()).collect();
    let (table_id, hist_id, fig_q, fig_p, chapter) = match pillar {
        "A" => ("Table 5", "Table 6", "图 5", "图 6", "3"),
        "B" => ("Table 7", "Table 8", "图 19", "图 20", "4"),
        _ => ("Table 9", "Table 10", "图 30", "图 31", "5"),
    };
    let mut nodes = vec![pillar.to_string()];
    nodes.extend(subs.iter().cloned());
    let cols = score_columns(f, &nodes, false, pillar);
    let name = node_name(f, pillar);
    let (rows, source) = match printed_rows(ctx, table_id, &nodes, false) {
        Some(r) => (
            r,
            Text::new(
                format!("来源：GIHI 2024 报告{}（按原文；⚠ 表示审计显示与同表分项得分不一致的数值）", table_id.replace("Table ", "表 ")),
                format!("Source: GIHI 2024 report, {table_id} (as printed; ⚠ marks values the audit shows to be inconsistent with the row's sub-pillar scores)"),
            ),
        ),
        None => (computed_rows(ctx, Group::Main, pillar, &nodes, false, 100), ctx.source("计算得分（前 100）", "computed scores (top 100)")),
    };
    let tno = table_id.replace("Table ", "");
    let mut blocks = vec![ctx.table(
        &format!("pillar-{}", pillar.to_lowercase()),
        Text::new(
            format!("表 {tno} {}排名与得分前 100 城市（都市圈）", name.zh),
            format!("Table {tno} {}: ranks and scores, top 100", name.en),
        ),
        source,
        cols,
        rows,
    )];
    blocks.extend(history_blocks(
        ctx,
        hist_id,
        pillar,
        &format!("pillar-{}-history", pillar.to_lowercase()),
        Text::new(
            format!(
                "表 {} {}前 20 城市（都市圈）2022-2024 年排名比较",
                hist_id.replace("Table ", ""),
                name.zh
            ),
            format!("{hist_id} {}: ranks of the top 20, 2022-2024", name.en),
        ),
    ));
    if let Some(g) = ctx.main().cloned() {
        if let Some(n) = g.node(pillar) {
            blocks.push(quartile_figure(
                ctx,
                &format!("pillar-{}-quartiles", pillar.to_lowercase()),
                Text::new(
                    format!(
                        "{fig_q} 亚洲、欧洲、北美洲城市（都市圈）{}排名四分位图",
                        name.zh
                    ),
                    format!("Rank quartiles of {} by continent", name.en),
                ),
                n,
                g.size,
            ));
            // Profiles of the top 20 (small multiples and heatmap).
            let top: Vec<String> = n.entries.iter().take(20).map(|e| e.city.clone()).collect();
            let values: Vec<Vec<Option<f64>>> = top
                .iter()
                .map(|c| {
                    subs.iter()
                        .map(|s| g.node(s).and_then(|x| x.get(c)).map(|e| e.score))
                        .collect()
                })
                .collect();
            let multiples = |zh: bool| -> Vec<(String, Vec<f64>)> {
                top.iter()
                    .zip(&values)
                    .map(|(c, v)| {
                        (
                            ctx.label(c, zh),
                            v.iter().map(|x| x.unwrap_or(60.0)).collect(),
                        )
                    })
                    .collect()
            };
            let (mz, me) = (multiples(true), multiples(false));
            let (rz, re): (Vec<String>, Vec<String>) = (
                top.iter().map(|c| ctx.label(c, true)).collect(),
                top.iter().map(|c| ctx.label(c, false)).collect(),
            );
            let synthetic = ctx.synthetic;
            let subs2 = subs.clone();
            let title = Text::new(
                format!("{fig_p} {}前 20 城市（都市圈）发展状况图", name.zh),
                format!("Sub-pillar profiles of the {} top 20", name.en),
            );
            let t2 = title.clone();
            let source = ctx.source("二级指标得分", "sub-pillar scores");
            blocks.push(ctx.figure(
                &format!("pillar-{}-profiles", pillar.to_lowercase()),
                title,
                source.clone(),
                move |_| {
                    (
                        charts::small_multiples(&t2.zh, &mz, &subs2, 60.0, synthetic),
                        charts::small_multiples(&t2.en, &me, &subs2, 60.0, synthetic),
                    )
                },
            ));
            let title = Text::new(
                format!("{}前 20 城市（都市圈）二级指标得分热力图", name.zh),
                format!("Heatmap of sub-pillar scores, {} top 20", name.en),
            );
            let t3 = title.clone();
            let (subs3, values2) = (subs.clone(), values.clone());
            blocks.push(ctx.figure(
                &format!("pillar-{}-heatmap", pillar.to_lowercase()),
                title,
                source,
                move |_| {
                    (
                        charts::heatmap(&t3.zh, &rz, &subs3, &values2, 60.0, synthetic),
                        charts::heatmap(&t3.en, &re, &subs3, &values, 60.0, synthetic),
                    )
                },
            ));
            blocks.extend(indicator_pairs(ctx, &g, pillar));
        }
    }
    Section {
        id: format!("pillar-{}", pillar.to_lowercase()),
        title: Text::new(
            format!("{chapter} {}", name.zh),
            format!("{chapter} {}", name.en),
        ),
        blocks,
    }
}

/// For computed runs: for each sub-pillar, two of its indicators for the sub-pillar's top 20
/// (the report's Figures 9–11, 21–24, 36 and 37 under their numbers; the report's Figures 7–8
/// and 34–35 show one indicator, or one indicator in two years, and Figure 38 the two parts of
/// one indicator: they have no counterpart here).
fn indicator_pairs(ctx: &mut Ctx, g: &GroupStanding, pillar: &str) -> Vec<Block> {
    if g.indicator_values.is_empty() {
        return Vec::new();
    }
    let f = ctx.framework;
    let ids: Vec<String> = f.indicators().map(|i| i.id.clone()).collect();
    let mut out = Vec::new();
    let p = f.pillars.iter().find(|x| x.id == pillar).expect("pillar");
    let gihi_2024 = ctx.framework.id.starts_with("gihi-2024");
    for s in &p.subpillars {
        // The report's own figures of two indicators of one sub-pillar (GIHI 2024 framework):
        // its number, and the pair it shows when not the sub-pillar's first two.
        let (printed, pair) = match (gihi_2024, s.id.as_str()) {
            (true, "A2") => (Some(9), None),
            (true, "A3") => (Some(10), None),
            (true, "A4") => (Some(11), None),
            (true, "B1") => (Some(21), None),
            (true, "B2") => (Some(22), None),
            (true, "B3") => (Some(23), None),
            (true, "B4") => (Some(24), None),
            (true, "C2") => (Some(36), None),
            (true, "C3") => (Some(37), Some(("I26", "I24"))),
            // The report shows A1's two indicators as Figures 7 and 8 (one each).
            (true, "A1") => {
                out.extend(indicator_single(ctx, g, s, "I01", 7, SingleTop::SubPillar));
                out.extend(indicator_single(ctx, g, s, "I02", 8, SingleTop::SubPillar));
                continue;
            }
            _ => (None, None),
        };
        let find = |id: &str| s.indicators.iter().find(|i| i.id == id);
        let [a, b] = match (pair, s.indicators.as_slice()) {
            (Some((x, y)), _) => match (find(x), find(y)) {
                (Some(a), Some(b)) => [a, b],
                _ => continue,
            },
            (None, [a, b, ..]) => [a, b],
            _ => continue,
        };
        let (ia, ib) = (
            ids.iter().position(|x| *x == a.id).expect("id"),
            ids.iter().position(|x| *x == b.id).expect("id"),
        );
        let Some(node) = g.node(&s.id) else { continue };
        let items: Vec<(String, f64, f64)> = node
            .entries
            .iter()
            .take(20)
            .filter_map(|e| {
                let v = g.indicator_values.get(&e.city)?;
                Some((e.city.clone(), v[ia].unwrap_or(0.0), v[ib].unwrap_or(0.0)))
            })
            .collect();
        let iz: Vec<_> = items
            .iter()
            .map(|(c, x, y)| (ctx.label(c, true), *x, *y))
            .collect();
        let ie: Vec<_> = items
            .iter()
            .map(|(c, x, y)| (ctx.label(c, false), *x, *y))
            .collect();
        let (az, bz) = (
            format!("{} {}", a.id, a.name_zh),
            format!("{} {}", b.id, b.name_zh),
        );
        let (ae, be) = (
            format!("{} {} ({})", a.id, a.name_en, a.unit),
            format!("{} {} ({})", b.id, b.name_en, b.unit),
        );
        let (zh_no, en_no) = printed.map_or((String::new(), String::new()), |n| {
            (format!("图 {n} "), format!("Figure {n} "))
        });
        let title = Text::new(
            format!(
                "{zh_no}{} {}前 20 城市：{} 与 {}",
                s.id, s.name_zh, a.name_zh, b.name_zh
            ),
            format!(
                "{en_no}{} {} top 20: {} and {}",
                s.id, s.name_en, a.name_en, b.name_en
            ),
        );
        let t2 = title.clone();
        let synthetic = ctx.synthetic;
        let source = ctx.source("指标原始值", "indicator values");
        out.push(ctx.figure(
            &format!("indicators-{}", s.id.to_lowercase()),
            title,
            source,
            move |_| {
                (
                    charts::paired_bars(&t2.zh, &iz, [&az, &bz], synthetic),
                    charts::paired_bars(&t2.en, &ie, [&ae, &be], synthetic),
                )
            },
        ));
        // Figures 34, 35 (FDI and OFDI; the report compares two years, a run has one) and 38
        // (broadband speed; the report splits fixed and mobile, the indicator is one value):
        // top 20 by the indicator itself.
        if gihi_2024 {
            for (id, no) in match s.id.as_str() {
                "C1" => &[("I19", 34), ("I20", 35)][..],
                "C3" => &[("I25", 38)][..],
                _ => &[][..],
            } {
                out.extend(indicator_single(ctx, g, s, id, *no, SingleTop::Indicator));
            }
        }
    }
    out
}

/// Which cities a single-indicator figure shows.
#[derive(Clone, Copy, PartialEq)]
enum SingleTop {
    /// The sub-pillar's top 20 (the report's "科技人力资源前 20 城市").
    SubPillar,
    /// The top 20 by the indicator's value (ties by registry id).
    Indicator,
}

/// One indicator's values for 20 cities as ranked bars, under the report's figure number.
fn indicator_single(
    ctx: &mut Ctx,
    g: &GroupStanding,
    s: &gihi_framework::SubPillar,
    id: &str,
    no: u32,
    top: SingleTop,
) -> Option<Block> {
    let ids: Vec<String> = ctx.framework.indicators().map(|i| i.id.clone()).collect();
    let k = ids.iter().position(|x| x == id)?;
    let ind = s.indicators.iter().find(|i| i.id == id)?;
    let value = |c: &str| g.indicator_values.get(c).and_then(|v| v[k]);
    let cities: Vec<(String, f64)> = match top {
        SingleTop::SubPillar => g
            .node(&s.id)?
            .entries
            .iter()
            .take(20)
            .filter_map(|e| Some((e.city.clone(), value(&e.city)?)))
            .collect(),
        SingleTop::Indicator => {
            let mut v: Vec<(String, f64)> = g
                .indicator_values
                .keys()
                .filter_map(|c| Some((c.clone(), value(c)?)))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(20);
            v
        }
    };
    if cities.is_empty() {
        return None;
    }
    let items = |zh: bool| -> Vec<(String, f64)> {
        cities.iter().map(|(c, v)| (ctx.label(c, zh), *v)).collect()
    };
    let (iz, ie) = (items(true), items(false));
    let title = match top {
        SingleTop::SubPillar => Text::new(
            format!("图 {no} {} {}前 20 城市：{}", s.id, s.name_zh, ind.name_zh),
            format!(
                "Figure {no} {} {} top 20: {} ({})",
                s.id, s.name_en, ind.name_en, ind.unit
            ),
        ),
        SingleTop::Indicator => Text::new(
            format!("图 {no} {}前 20 城市", ind.name_zh),
            format!(
                "Figure {no} Top 20 cities by {} ({})",
                ind.name_en, ind.unit
            ),
        ),
    };
    let t = title.clone();
    let synthetic = ctx.synthetic;
    let source = ctx.source("指标原始值", "indicator values");
    Some(ctx.figure(
        &format!("indicator-{}", id.to_lowercase()),
        title,
        source,
        move |_| {
            (
                charts::ranked_bars(&t.zh, &iz, 0.0, synthetic),
                charts::ranked_bars(&t.en, &ie, 0.0, synthetic),
            )
        },
    ))
}

fn audit_section(ctx: &mut Ctx) -> Section {
    let mut blocks = Vec::new();
    match ctx.inputs.audit {
        Some(a) => {
            blocks.push(Block::Paragraph(Text::new(
                format!("对已发布表格的一致性审计：排名与得分顺序、跨表一致性、附录三隐含的各层级仿射关系（考虑两位小数舍入）、100/60 分端点。共发现 {} 项不一致。", a.findings.len()),
                format!("Consistency audit of the printed tables: rank order, agreement across tables, the affine relation Appendix 3 implies between levels (allowing for rounding to two decimals), and the 100/60 end points. {} findings.", a.findings.len()),
            )));
            let fits: Vec<Vec<Cell>> = a
                .fits
                .iter()
                .map(|f| {
                    vec![
                        Cell::text(Text::same(f.table.clone())),
                        Cell::text(Text::same(format!(
                            "{} ~ {}",
                            f.target,
                            f.predictors.join(" + ")
                        ))),
                        Cell::text(Text::same(format!("{}/{}", f.consistent_rows, f.rows))),
                        Cell::text(Text::same(
                            f.implied_shares
                                .iter()
                                .map(|s| format!("{s:.3}"))
                                .collect::<Vec<_>>()
                                .join(" / "),
                        )),
                        Cell::number(f.max_residual, format!("{:.4}", f.max_residual)),
                        Cell::number(f.rounding_bound, format!("{:.4}", f.rounding_bound)),
                    ]
                })
                .collect();
            let cols = vec![
                Text::new("表", "Table"),
                Text::new("关系", "Relation"),
                Text::new("一致行", "Consistent rows"),
                Text::new("隐含份额", "Implied shares"),
                Text::new("最大残差", "Max |residual|"),
                Text::new("舍入界", "Rounding bound"),
            ];
            let source = ctx.source("gihi audit published", "gihi audit published");
            blocks.push(ctx.table(
                "audit-fits",
                Text::new(
                    "审计：层级间仿射关系",
                    "Audit: affine relations between levels",
                ),
                source.clone(),
                cols,
                fits,
            ));
            let rows: Vec<Vec<Cell>> = a
                .findings
                .iter()
                .map(|f| {
                    vec![
                        Cell::text(Text::same(f.table.clone())),
                        Cell::city(&f.city, city_text(&ctx.registry, &f.city)),
                        Cell::text(Text::same(f.column.clone())),
                        Cell::text(Text::same(f.published.clone())),
                        Cell::text(Text::same(f.expected.clone())),
                        Cell::text(Text::same(f.kind)),
                        Cell::text(Text::same(f.evidence.clone())),
                    ]
                })
                .collect();
            let cols = vec![
                Text::new("表", "Table"),
                Text::new("城市", "City"),
                Text::new("列", "Column"),
                Text::new("发布值", "Published"),
                Text::new("应为", "Expected"),
                Text::new("类型", "Kind"),
                Text::new("证据", "Evidence"),
            ];
            blocks.push(ctx.table(
                "audit-findings",
                Text::new("审计发现", "Audit findings"),
                source,
                cols,
                rows,
            ));
        }
        None => blocks.push(Block::Paragraph(Text::new(
            "本报告由计算结果生成，没有需要审计的已发布表格。",
            "This report is built from computed results; there are no printed tables to audit.",
        ))),
    }
    if !ctx.inputs.standing.notes.is_empty() {
        blocks.push(Block::Paragraph(Text::new(
            format!(
                "图表使用审计后一致的数值：{}",
                ctx.inputs.standing.notes.join("；")
            ),
            format!(
                "Charts use audit-consistent values: {}",
                ctx.inputs.standing.notes.join("; ")
            ),
        )));
    }
    Section {
        id: "audit".into(),
        title: Text::new("6 已发布表格的审计", "6 Audit of the printed tables"),
        blocks,
    }
}

fn statements_section(ctx: &mut Ctx) -> Section {
    let e = ctx.inputs.edition.expect("published");
    let list = statements::parse(statements::GIHI_2024_STATEMENTS).unwrap_or_default();
    let verdicts = statements::check(&list, e, &ctx.registry);
    let holding = verdicts.iter().filter(|v| v.holds).count();
    let rows: Vec<Vec<Cell>> = verdicts
        .iter()
        .map(|v| {
            vec![
                Cell::text(Text::same(v.section.clone())),
                Cell::text(Text::same(v.quote.clone())),
                Cell::text(if v.holds {
                    Text::new("成立", "holds")
                } else {
                    Text::new("不成立", "disagrees")
                }),
                Cell::text(Text::same(v.found.clone())),
            ]
        })
        .collect();
    let cols = vec![
        Text::new("章节", "Section"),
        Text::new("原文", "Statement"),
        Text::new("结论", "Verdict"),
        Text::new("表格所示", "What the tables show"),
    ];
    let source = Text::new(
        "来源：data/editions/2024/statements.toml，gihi statements",
        "Source: data/editions/2024/statements.toml, gihi statements",
    );
    let table = ctx.table(
        "statements",
        Text::new(
            "报告陈述核查",
            "The report's statements checked against its tables",
        ),
        source,
        cols,
        rows,
    );
    Section {
        id: "statements".into(),
        title: Text::new("7 报告陈述核查", "7 Statements checked"),
        blocks: vec![
            Block::Paragraph(Text::new(
                format!(
                    "报告正文中 {} 条可核查的陈述里，{holding} 条与表格一致。",
                    verdicts.len()
                ),
                format!(
                    "{holding} of the {} checkable statements of the text agree with the tables.",
                    verdicts.len()
                ),
            )),
            table,
        ],
    }
}

fn methods_section(ctx: &mut Ctx) -> Section {
    let f = ctx.framework;
    let blocks = vec![
        Block::Paragraph(Text::new(
            "标准化（附录三）：每个三级指标在评估组内做 Z-score 标准化 y = (x − 均值)/标准差（总体标准差，除以 n；在完整数据上标准差口径不影响任何得分与排名）。",
            "Normalisation (Appendix 3): every indicator is z-scored within its evaluation group, y = (x − mean)/sd (population standard deviation, dividing by n; on complete data the choice changes no score or rank).",
        )),
        Block::Paragraph(Text::new(
            "加权：各节点的 Z 值为其下属三级指标 Z 值按有效权重（自上而下各级权重之积）的加权和；综合 Z 值等于三个一级指标 Z 值之和。",
            "Aggregation: each node's z-value is the effective-weight sum (products of the weights down the tree) of its indicators' z-scores; the composite z-value equals the sum of the pillar z-values.",
        )),
        Block::Paragraph(Text::new(
            "映射：每一层级在组内 min-max 映射到 [60, 100]：Y = 60 + 40 (Z − Zmin)/(Zmax − Zmin)。排名 1 为最好，并列者取较好名次。主榜（108 个）与微型中心（12 个）分别计算。",
            "Rescaling: each level is min-max rescaled within the group to [60, 100]: Y = 60 + 40 (Z − Zmin)/(Zmax − Zmin). Rank 1 is best; ties share the better rank. The main group (108) and the mini-hubs (12) are scored separately.",
        )),
        Block::Paragraph(Text::new(
            format!("缺失值从不被静默丢弃：默认报错并列出每个缺失单元；可选均值插补（缺失 Z = 0）并逐一标注。框架：{}（{} 个一级、{} 个二级、{} 个三级指标）。", f.id, f.pillars.len(), f.subpillars().count(), f.indicators().count()),
            format!("Missing values are never dropped silently: by default every missing cell is listed as an error; optionally mean imputation (missing z = 0), each cell flagged. Framework: {} ({} pillars, {} sub-pillars, {} indicators).", f.id, f.pillars.len(), f.subpillars().count(), f.indicators().count()),
        )),
        Block::Paragraph(Text::new(
            "发展模式（附录六）：一级指标 Z 值统一 min-max 到 [0, 100]，对综合前 20 名做 Ward 层次聚类（k = 4），按文档化规则命名。",
            "Development modes (Appendix 6): pillar z-values are jointly min-max rescaled to [0, 100]; the composite top 20 are clustered with Ward linkage (k = 4) and named by a documented rule.",
        )),
    ];
    Section {
        id: "methods".into(),
        title: Text::new("8 方法与数据说明", "8 Methods and data conventions"),
        blocks,
    }
}
