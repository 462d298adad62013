//! The print-ready PDF (`gihi report --pdf`): one A4 document per language, in the report's
//! order and numbering, printed by headless Chromium where it is installed.
//!
//! Why Chromium: the report is already HTML with inline SVG, so the PDF is the same page laid
//! out for paper (no second layout engine to keep in step, and no large typesetting
//! dependency in the build); Chromium embeds the fonts it uses, repeats table headers on
//! every page, and prints CSS page margin boxes (the running header and the page numbers).
//! The table of contents gets its page numbers in two passes: the first print carries
//! placeholders of the same width and a document outline (PDF bookmarks) made from the
//! headings; the outline's destinations give each heading's page (read with `lopdf`); the
//! second print fills them in. Nothing is fetched from the network: the page is a local
//! file without external resources, and Chromium runs with a fresh temporary profile.

use crate::{Block, Lang, Report, Text};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long one print may take before Chromium is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(180);

/// A Chromium (or Chrome) executable.
#[derive(Debug, Clone)]
pub struct Chromium(PathBuf);

impl Chromium {
    /// `$GIHI_CHROMIUM`, or the first of `chromium`, `chromium-browser`, `google-chrome`,
    /// `google-chrome-stable` on the PATH.
    pub fn find() -> Result<Chromium, String> {
        if let Some(p) = std::env::var_os("GIHI_CHROMIUM") {
            let p = PathBuf::from(p);
            return if p.is_file() {
                Ok(Chromium(p))
            } else {
                Err(format!(
                    "GIHI_CHROMIUM={}: no such file; it must name a Chromium or Chrome executable",
                    p.display()
                ))
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            for dir in std::env::split_paths(&path) {
                let p = dir.join(name);
                if p.is_file() {
                    return Ok(Chromium(p));
                }
            }
        }
        Err("--pdf prints the report with headless Chromium, and none was found: install it (Debian: `apt-get install chromium fonts-wqy-zenhei`) or set GIHI_CHROMIUM to a Chromium or Chrome executable; nothing was written".into())
    }

    /// Prints `html_file` to `pdf_file` (A4, CSS page size, document outline from headings).
    fn print(&self, html_file: &Path, pdf_file: &Path, profile: &Path) -> Result<(), String> {
        let url = format!("file://{}", html_file.display());
        let mut child = std::process::Command::new(&self.0)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-extensions",
                "--no-first-run",
                "--no-pdf-header-footer",
                "--generate-pdf-document-outline",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf_file.display()))
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.0.display()))?;
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    if status.success() && pdf_file.is_file() {
                        return Ok(());
                    }
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        use std::io::Read;
                        let _ = e.read_to_string(&mut err);
                    }
                    return Err(format!(
                        "{} could not print the report ({status}): {}",
                        self.0.display(),
                        err.lines()
                            .rev()
                            .find(|l| !l.trim().is_empty())
                            .unwrap_or("")
                    ));
                }
                Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "{} did not finish printing within {} s",
                        self.0.display(),
                        PRINT_TIMEOUT.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(format!("waiting for {}: {e}", self.0.display())),
            }
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A heading of the printed report, in document order: sections (level 2) and the captions
/// of their tables and figures (level 3). Each is a table-of-contents entry and a bookmark.
struct Entry {
    level: u8,
    title: String,
}

fn entries(r: &Report, lang: Lang) -> Vec<Entry> {
    let mut out = Vec::new();
    for s in &r.sections {
        out.push(Entry {
            level: 2,
            title: s.title.get(lang).to_string(),
        });
        for b in &s.blocks {
            match b {
                Block::Table(t) => out.push(Entry {
                    level: 3,
                    title: t.title.get(lang).to_string(),
                }),
                Block::Figure(f) => out.push(Entry {
                    level: 3,
                    title: f.title.get(lang).to_string(),
                }),
                Block::Paragraph(_) => {}
            }
        }
    }
    out
}

const PRINT_STYLE: &str = r#"
@page { size: A4; margin: 18mm 15mm 16mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: "DejaVu Sans", "WenQuanYi Zen Hei", sans-serif; font-size: 8pt; color: #5b6675; } }
@page :first { @top-left { content: none; } @bottom-center { content: none; } }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; color: #1b2430; font-size: 9.5pt; line-height: 1.5; }
.cover { height: 250mm; display: flex; flex-direction: column; justify-content: center; }
.cover .title { font-size: 24pt; font-weight: 700; color: #1f5ea0; margin: 0 0 6mm; }
.cover .subtitle { font-size: 12pt; margin: 0; }
.synthetic { color: #b00020; font-weight: 700; }
.toc { break-before: page; }
.toc .heading { font-size: 16pt; font-weight: 700; color: #1f5ea0; margin: 0 0 4mm; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { display: flex; gap: 2mm; break-inside: avoid; }
.toc li.l2 { font-weight: 700; margin-top: 2.5mm; }
.toc li.l3 { padding-left: 6mm; font-size: 8.5pt; }
.toc .fill { flex: 1; border-bottom: 1px dotted #9aa3ad; margin-bottom: 1.2mm; }
.toc .pg { min-width: 9mm; text-align: right; font-variant-numeric: tabular-nums; }
.toc .pg.pending { color: transparent; }
section { break-before: page; }
h2 { font-size: 15pt; color: #1f5ea0; border-bottom: 1.5pt solid #1f5ea0; padding-bottom: 1.5mm; margin: 0 0 4mm; }
h3 { font-size: 10pt; margin: 5mm 0 2mm; break-after: avoid; }
figure { margin: 0 0 5mm; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
svg text { font-family: "DejaVu Sans", "Liberation Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; }
.source { color: #5b6675; font-size: 7.5pt; margin: 1mm 0 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { padding: 0.6mm 1.5mm; border-bottom: 0.5pt solid #d9dee5; text-align: left; }
th { background: #eef2f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"#;

/// The print page of one language; `pages` are the entries' page numbers (None: the first
/// pass, with placeholders of the same width).
fn print_html(r: &Report, lang: Lang, pages: Option<&[u32]>) -> String {
    let title = r.title.get(lang);
    let synthetic = Text::new(
        "合成数据：本报告由虚构的合成数据生成，仅供演示和测试，不是真实的 GIHI 结果。",
        "SYNTHETIC DATA: this report is built from invented data, for demos and tests only. These are not real GIHI results.",
    );
    let running = if r.synthetic {
        format!(
            "{title} · {}",
            if lang == Lang::Zh {
                "合成数据"
            } else {
                "SYNTHETIC"
            }
        )
    } else {
        title.to_string()
    };
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{PRINT_STYLE}@page {{ @top-left {{ content: \"{}\"; font-family: \"DejaVu Sans\", \"WenQuanYi Zen Hei\", sans-serif; font-size: 8pt; color: #5b6675; }} }}</style>\n</head>\n<body>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(title),
        running.replace('\\', "\\\\").replace('"', "\\\"")
    );
    h.push_str(&format!(
        "<div class=\"cover\"><p class=\"title\">{}</p><p class=\"subtitle\">{}</p>{}</div>\n",
        esc(title),
        esc(r.subtitle.get(lang)),
        if r.synthetic {
            format!("<p class=\"synthetic\">{}</p>", esc(synthetic.get(lang)))
        } else {
            String::new()
        }
    ));
    h.push_str(&format!(
        "<div class=\"toc\"><p class=\"heading\">{}</p><ol>",
        if lang == Lang::Zh {
            "目录"
        } else {
            "Contents"
        }
    ));
    for (k, e) in entries(r, lang).iter().enumerate() {
        let pg = match pages {
            Some(p) => format!("<span class=\"pg\">{}</span>", p[k]),
            None => "<span class=\"pg pending\">000</span>".to_string(),
        };
        h.push_str(&format!(
            "<li class=\"l{}\"><span>{}</span><span class=\"fill\"></span>{pg}</li>",
            e.level,
            esc(&e.title)
        ));
    }
    h.push_str("</ol></div>\n");
    for s in &r.sections {
        h.push_str(&format!("<section><h2>{}</h2>\n", esc(s.title.get(lang))));
        if r.synthetic {
            h.push_str(&format!(
                "<p class=\"synthetic\">{}</p>\n",
                esc(
                    Text::new("合成数据 · 非真实结果", "SYNTHETIC DATA · not real results")
                        .get(lang)
                )
            ));
        }
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => h.push_str(&format!("<p>{}</p>\n", esc(p.get(lang)))),
                Block::Table(t) => {
                    h.push_str(&format!(
                        "<h3>{}</h3>\n<table><thead><tr>",
                        esc(t.title.get(lang))
                    ));
                    for c in &t.columns {
                        h.push_str(&format!("<th>{}</th>", esc(c.get(lang))));
                    }
                    h.push_str("</tr></thead><tbody>");
                    for row in &t.rows {
                        h.push_str("<tr>");
                        for c in row {
                            h.push_str(&format!(
                                "<td{}>{}</td>",
                                if c.number.is_some() {
                                    " class=\"num\""
                                } else {
                                    ""
                                },
                                esc(c.text.get(lang))
                            ));
                        }
                        h.push_str("</tr>");
                    }
                    h.push_str(&format!(
                        "</tbody></table>\n<p class=\"source\">{}</p>\n",
                        esc(t.source.get(lang))
                    ));
                }
                Block::Figure(f) => {
                    let svg = if lang == Lang::Zh {
                        &f.svg_zh
                    } else {
                        &f.svg_en
                    };
                    let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
                    h.push_str(&format!(
                        "<figure><h3>{}</h3>{svg}<p class=\"source\">{}</p></figure>\n",
                        esc(f.title.get(lang)),
                        esc(f.source.get(lang))
                    ));
                }
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The report printed as a PDF in one language.
pub fn pdf(r: &Report, lang: Lang, chromium: &Chromium) -> Result<Vec<u8>, String> {
    let tmp = tempfile::Builder::new()
        .prefix("gihi-pdf-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let html = tmp.path().join(format!("report-{}.html", lang.code()));
    let first = tmp.path().join("first.pdf");
    let second = tmp.path().join("report.pdf");
    let write =
        |text: String| std::fs::write(&html, text).map_err(|e| format!("{}: {e}", html.display()));
    write(print_html(r, lang, None))?;
    chromium.print(&html, &first, &tmp.path().join("profile-1"))?;
    let bytes = std::fs::read(&first).map_err(|e| format!("{}: {e}", first.display()))?;
    let outline = outline_pages(&bytes)?;
    let want = entries(r, lang);
    // Chromium takes a bookmark's text from the laid-out lines (a space at a line break may
    // go), so titles are compared without white space.
    let words = |s: &str| s.split_whitespace().collect::<String>();
    if outline.len() != want.len()
        || outline
            .iter()
            .zip(&want)
            .any(|(o, e)| words(&o.0) != words(&e.title))
    {
        let first = outline
            .iter()
            .zip(&want)
            .find(|(o, e)| words(&o.0) != words(&e.title))
            .map_or(String::new(), |(o, e)| {
                format!("; first difference: `{}` for `{}`", o.0, e.title)
            });
        return Err(format!(
            "the printed report has {} bookmarks that do not match its {} headings (one per section, table and figure){first}",
            outline.len(),
            want.len()
        ));
    }
    let pages: Vec<u32> = outline.iter().map(|o| o.1).collect();
    write(print_html(r, lang, Some(&pages)))?;
    chromium.print(&html, &second, &tmp.path().join("profile-2"))?;
    let out = std::fs::read(&second).map_err(|e| format!("{}: {e}", second.display()))?;
    // The page numbers filled in must not move anything: check the second print.
    let again: Vec<u32> = outline_pages(&out)?.iter().map(|o| o.1).collect();
    if again != pages {
        return Err("the table of contents moved headings to other pages when its page numbers were filled in".into());
    }
    Ok(out)
}

/// The document outline (bookmarks) of a PDF, flattened in order: (title, 1-based page).
pub fn outline_pages(pdf: &[u8]) -> Result<Vec<(String, u32)>, String> {
    use lopdf::{Document, Object};
    let doc =
        Document::load_mem(pdf).map_err(|e| format!("the printed PDF cannot be read: {e}"))?;
    let page_of: std::collections::BTreeMap<(u32, u16), u32> = doc
        .get_pages()
        .into_iter()
        .map(|(no, id)| (id, no))
        .collect();
    let deref = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            x => Some(x.clone()),
        }
    };
    let catalog = doc
        .catalog()
        .map_err(|e| format!("the printed PDF has no catalog: {e}"))?;
    let Some(outlines) = catalog.get(b"Outlines").ok().and_then(&deref) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut stack: Vec<Object> = outlines
        .as_dict()
        .ok()
        .and_then(|d| d.get(b"First").ok().cloned())
        .into_iter()
        .collect();
    // Depth-first, in order: an item, then its children, then its next sibling.
    let mut guard = 0usize;
    while let Some(item) = stack.pop() {
        guard += 1;
        if guard > 100_000 {
            return Err("the printed PDF's outline does not end".into());
        }
        let Some(Object::Dictionary(d)) = deref(&item) else {
            continue;
        };
        let title = d
            .get(b"Title")
            .ok()
            .and_then(&deref)
            .and_then(|t| match t {
                Object::String(bytes, _) => Some(pdf_text(&bytes)),
                _ => None,
            })
            .unwrap_or_default();
        let dest = d.get(b"Dest").ok().and_then(&deref).or_else(|| {
            d.get(b"A")
                .ok()
                .and_then(&deref)
                .and_then(|a| a.as_dict().ok().and_then(|a| a.get(b"D").ok().cloned()))
                .and_then(|x| deref(&x))
        });
        let page = match dest {
            Some(Object::Array(a)) => match a.first() {
                Some(Object::Reference(id)) => page_of.get(id).copied(),
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(|| format!("the printed PDF's bookmark `{title}` has no page"))?;
        out.push((title, page));
        if let Ok(next) = d.get(b"Next") {
            stack.push(next.clone());
        }
        if let Ok(first) = d.get(b"First") {
            stack.push(first.clone());
        }
    }
    Ok(out)
}

/// A PDF text string: UTF-16BE with a byte-order mark, or PDFDocEncoding (read as Latin-1).
fn pdf_text(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}
