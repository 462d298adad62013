//! One self-contained HTML page: inline CSS, inline SVG, a few lines of inline script for the
//! language switch; no external resource of any kind.

use crate::{Block, Lang, Report, Text};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Both languages as spans (only the chosen one when the page has one language).
fn t(x: &Text, langs: &[Lang]) -> String {
    langs
        .iter()
        .map(|l| {
            format!(
                "<span class=\"l-{}\" lang=\"{}\">{}</span>",
                l.code(),
                if *l == Lang::Zh { "zh-CN" } else { "en" },
                esc(x.get(*l))
            )
        })
        .collect()
}

const STYLE: &str = r#"
:root { --ink:#1b2430; --muted:#5b6675; --rule:#d9dee5; --accent:#1f5ea0; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif; color:var(--ink); background:#f6f7f9; line-height:1.55; }
header.cover { background:var(--accent); color:#fff; padding:2.2rem 3rem 1.6rem; }
header.cover h1 { margin:0 0 .3rem; font-size:2rem; }
header.cover p { margin:.2rem 0; opacity:.92; }
.switch { position:fixed; top:.8rem; right:1rem; z-index:5; }
.switch button { font:inherit; border:1px solid #fff; background:#ffffff22; color:#fff; padding:.25rem .7rem; cursor:pointer; border-radius:3px; }
.switch button[aria-pressed="true"] { background:#fff; color:var(--accent); }
main { display:grid; grid-template-columns: 16rem 1fr; gap:2rem; padding:1.5rem 3rem; }
nav.toc { position:sticky; top:1rem; align-self:start; font-size:.92rem; }
nav.toc ol { padding-left:1.2rem; }
nav.toc a { color:var(--accent); text-decoration:none; }
section { background:#fff; border:1px solid var(--rule); border-radius:4px; padding:1.2rem 1.6rem; margin-bottom:1.6rem; }
h2 { color:var(--accent); border-bottom:2px solid var(--accent); padding-bottom:.3rem; }
figure { margin:1.2rem 0; }
figure .chart svg { max-width:100%; height:auto; }
figcaption, caption { font-weight:600; text-align:left; padding:.3rem 0; }
.source { color:var(--muted); font-size:.85rem; }
.table-wrap { max-height:36rem; overflow:auto; border:1px solid var(--rule); }
table { border-collapse:collapse; width:100%; font-size:.86rem; }
th, td { padding:.25rem .55rem; border-bottom:1px solid var(--rule); text-align:left; }
td.num { text-align:right; font-variant-numeric: tabular-nums; }
thead th { position:sticky; top:0; background:#eef2f7; }
.synthetic-banner { background:#b00020; color:#fff; padding:.5rem 3rem; font-weight:700; }
section .synthetic-tag { color:#b00020; font-weight:700; }
body.lang-zh .l-en, body.lang-en .l-zh { display:none; }
@media print { .switch, nav.toc { display:none; } main { display:block; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var buttons = document.querySelectorAll('.switch button');
  function set(lang) {
    document.body.className = document.body.className.replace(/\blang-\w+/, '') + ' lang-' + lang;
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false'); });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { set(b.dataset.lang); }); });
})();
"#;

/// The page.
pub fn page(r: &Report, langs: &[Lang]) -> String {
    let first = langs.first().copied().unwrap_or(Lang::Zh);
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body class=\"lang-{}\">\n",
        if first == Lang::Zh { "zh-CN" } else { "en" },
        esc(&langs.iter().map(|l| r.title.get(*l)).collect::<Vec<_>>().join(" / ")),
        first.code()
    ));
    if langs.len() > 1 {
        h.push_str("<div class=\"switch\" role=\"group\" aria-label=\"language\">");
        for l in langs {
            h.push_str(&format!(
                "<button type=\"button\" data-lang=\"{}\" aria-pressed=\"{}\">{}</button>",
                l.code(),
                *l == first,
                if *l == Lang::Zh { "中文" } else { "English" }
            ));
        }
        h.push_str("</div>\n");
    }
    h.push_str(&format!(
        "<header class=\"cover\"><h1>{}</h1><p>{}</p></header>\n",
        t(&r.title, langs),
        t(&r.subtitle, langs)
    ));
    let synthetic = Text::new(
        "合成数据：本报告由虚构的合成指标数据生成，仅供演示和测试，不是真实的 GIHI 结果。",
        "SYNTHETIC DATA: this report is built from invented indicator values, for demos and tests only. These are not real GIHI results.",
    );
    if r.synthetic {
        h.push_str(&format!(
            "<div class=\"synthetic-banner\" data-synthetic=\"true\">{}</div>\n",
            t(&synthetic, langs)
        ));
    }
    h.push_str("<main>\n<nav class=\"toc\"><ol>");
    for s in &r.sections {
        h.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            s.id,
            t(&s.title, langs)
        ));
    }
    h.push_str("</ol></nav>\n<div class=\"content\">\n");
    for s in &r.sections {
        h.push_str(&format!(
            "<section id=\"{}\"><h2>{}</h2>\n",
            s.id,
            t(&s.title, langs)
        ));
        if r.synthetic {
            h.push_str(&format!(
                "<p class=\"synthetic-tag\">{}</p>\n",
                t(
                    &Text::new("合成数据 · 非真实结果", "SYNTHETIC DATA · not real results"),
                    langs
                )
            ));
        }
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => h.push_str(&format!("<p>{}</p>\n", t(p, langs))),
                Block::Table(tb) => {
                    h.push_str(&format!("<div class=\"table-wrap\" id=\"{}\"><table data-rows=\"{}\"><caption>{}</caption><thead><tr>", tb.id, tb.rows.len(), t(&tb.title, langs)));
                    for c in &tb.columns {
                        h.push_str(&format!("<th>{}</th>", t(c, langs)));
                    }
                    h.push_str("</tr></thead><tbody>");
                    for row in &tb.rows {
                        h.push_str("<tr>");
                        for c in row {
                            let class = if c.number.is_some() {
                                " class=\"num\""
                            } else {
                                ""
                            };
                            h.push_str(&format!(
                                "<td{class}>{}</td>",
                                if c.text.zh == c.text.en {
                                    esc(&c.text.en)
                                } else {
                                    t(&c.text, langs)
                                }
                            ));
                        }
                        h.push_str("</tr>");
                    }
                    h.push_str(&format!(
                        "</tbody></table></div><p class=\"source\">{}</p>\n",
                        t(&tb.source, langs)
                    ));
                }
                Block::Figure(f) => {
                    h.push_str(&format!(
                        "<figure id=\"{}\" class=\"figure\"><figcaption>{}</figcaption>",
                        f.id,
                        t(&f.title, langs)
                    ));
                    for l in langs {
                        let svg = if *l == Lang::Zh { &f.svg_zh } else { &f.svg_en };
                        h.push_str(&format!(
                            "<div class=\"chart l-{}\">{}</div>",
                            l.code(),
                            strip_xml_decl(svg)
                        ));
                    }
                    h.push_str(&format!(
                        "<p class=\"source\">{}</p></figure>\n",
                        t(&f.source, langs)
                    ));
                }
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</div>\n</main>\n");
    if langs.len() > 1 {
        h.push_str(&format!("<script>{SCRIPT}</script>\n"));
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}
