//! `gihi report`: the files it writes, the workbook's sheets and row counts (read back with
//! calamine), the CSVs, and synthetic labelling. Browser checks live in tests/browser.

mod common;
use common::*;

use calamine::{open_workbook, DataType, Reader, Xlsx};
use std::path::Path;

#[test]
fn published_report_has_every_table_in_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gihi-report");
    let (code, _, err) = gihi(&["report", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "index.html",
        "report.xlsx",
        "manifest.json",
        "tables/table-02-composite.csv",
        "figures/figure-39-composite-top20-zh.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let sheets = wb.sheet_names().to_vec();
    let csvs: Vec<String> = std::fs::read_dir(out.join("tables"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".csv")
                .to_string()
        })
        .collect();
    assert_eq!(
        sheets.len(),
        csvs.len() + 1,
        "one sheet per table plus About: {sheets:?}"
    );
    let rows = |wb: &mut Xlsx<_>, name: &str| -> usize {
        let r = wb.worksheet_range(name).unwrap();
        // Data rows: below the header, above the blank line and the source note.
        r.rows()
            .skip(1)
            .take_while(|row| row.iter().any(|c| !c.is_empty()))
            .count()
    };
    let expected = [
        ("table-01-framework", 30),
        ("table-02-composite", 100),
        ("table-03-composite-history", 20),
        ("table-11-modes", 20),
        ("table-04-mini-hubs", 12),
        ("table-05-pillar-a", 100),
        ("table-06-pillar-a-history", 20),
        ("table-07-pillar-b", 100),
        ("table-09-pillar-c", 100),
        ("table-13-audit-findings", 28),
        ("table-14-statements", 81),
    ];
    for (sheet, n) in expected {
        assert!(
            sheets.iter().any(|s| s == sheet),
            "sheet {sheet} missing: {sheets:?}"
        );
        assert_eq!(rows(&mut wb, sheet), n, "{sheet}");
    }
    // Numbers are numbers, and equal the printed values.
    let t2 = wb.worksheet_range("table-02-composite").unwrap();
    assert_eq!(t2.get_value((1, 2)).unwrap().get_float(), Some(100.0));
    assert_eq!(t2.get_value((2, 2)).unwrap().get_float(), Some(91.88));
    // The CSV of Table 2 has the header and 100 rows; bilingual headers.
    let csv = std::fs::read_to_string(out.join("tables/table-02-composite.csv")).unwrap();
    assert_eq!(csv.lines().count(), 101);
    assert!(
        csv.starts_with("排名 Rank,city,城市（都市圈） City (metropolitan area)"),
        "{}",
        csv.lines().next().unwrap()
    );
    // Flagged printed values: the number as printed, the mark in the `flags` column; the
    // file number is the report's (表 7).
    let t7 = std::fs::read_to_string(out.join("tables/table-07-pillar-b.csv")).unwrap();
    let toronto = t7.lines().find(|l| l.contains(",toronto,")).unwrap();
    assert!(toronto.contains(",63.15,"), "{toronto}");
    assert!(toronto.ends_with("inconsistent (audit)"), "{toronto}");
    assert!(!t7.contains('⚠'));
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("63.15 ⚠"),
        "the page marks Toronto's misprinted B"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "self-contained"
    );
}

#[test]
fn single_language_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("en-report");
    assert_eq!(
        gihi(&["report", "--lang", "en", "--out", out.to_str().unwrap()]).0,
        0
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("class=\"l-zh\""));
    assert!(!html.contains("data-lang=\"zh\""));
    assert!(!out
        .join("figures/figure-39-composite-top20-zh.svg")
        .exists());
}

#[test]
fn synthetic_run_report_is_labelled_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reference/fixtures");
    let run = dir.path().join("run-synthetic");
    assert_eq!(
        gihi(&[
            "compute",
            "--data",
            fixtures.join("synthetic-seed1.csv").to_str().unwrap(),
            "--out",
            run.to_str().unwrap()
        ])
        .0,
        0
    );
    // The report path must say synthetic too.
    let (code, _, err) = gihi(&[
        "report",
        "--results",
        run.to_str().unwrap(),
        "--out",
        dir.path().join("report").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("the results are SYNTHETIC"));
    let out = dir.path().join("report-synthetic");
    assert_eq!(
        gihi(&[
            "report",
            "--results",
            run.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .0,
        0
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let sections = html.matches("<section ").count();
    assert_eq!(html.matches("class=\"synthetic-tag\"").count(), sections);
    for f in std::fs::read_dir(out.join("figures")).unwrap() {
        let svg = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(svg.contains("SYNTHETIC"));
    }
    // Indicator-level figures exist for a computed run.
    let pairs = std::fs::read_dir(out.join("figures"))
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("figure-")
                && f.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("indicator")
        })
        .count();
    // Eleven sub-pillars with a pair (A1's two indicators are Figures 7 and 8, one each),
    // and single-indicator Figures 7, 8, 34, 35 and 38; two languages each.
    assert_eq!(pairs, (11 + 5) * 2);
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let about = wb.worksheet_range("About").unwrap();
    assert!(about
        .get_value((2, 0))
        .unwrap()
        .to_string()
        .contains("SYNTHETIC"));
}

/// Every figure carries its title once, as the SVG's accessible `<title>` (the page's caption
/// shows it), and a Chinese figure has no Latin-only label where a Chinese one exists (axis
/// titles such as "rank 排名" were mixed).
#[test]
fn figures_have_one_title_and_the_page_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    assert_eq!(gihi(&["report", "--out", out.to_str().unwrap()]).0, 0);
    let mut checked = 0;
    for e in std::fs::read_dir(out.join("figures")).unwrap() {
        let path = e.unwrap().path();
        let svg = std::fs::read_to_string(&path).unwrap();
        let title = svg
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_else(|| panic!("{}: no <title>", path.display()));
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1))
            .map(|t| t.split('<').next().unwrap_or(""))
            .collect();
        assert!(
            !texts.contains(&title),
            "{}: title drawn again",
            path.display()
        );
        if path.to_string_lossy().ends_with("-zh.svg") {
            for t in &texts {
                let latin = t.chars().filter(|c| c.is_ascii_alphabetic()).count();
                let cjk = t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                // City ids or codes are short; a Latin word of 5+ letters is an untranslated label.
                assert!(
                    cjk || latin < 5 || t.contains("SYNTHETIC"),
                    "{}: Latin-only label `{t}` on the Chinese page",
                    path.display()
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "{checked} figures");
}
