use super::*;
use gihi_framework::Framework;
use gihi_registry::Registry;
use std::path::PathBuf;

fn header() -> String {
    let mut h = String::from("city");
    for i in 1..=30 {
        h.push_str(&format!(",I{i:02}"));
    }
    h
}

fn row(city: &str, v: &str) -> String {
    format!("{city}{}", format!(",{v}").repeat(30))
}

fn read(name: &str, text: &[u8]) -> Result<IndicatorTable, DataError> {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    read_indicator_table(&path, &Framework::gihi_2024(), &Registry::gihi_2024())
}

fn message(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let e =
        read_indicator_table(&path, &Framework::gihi_2024(), &Registry::gihi_2024()).unwrap_err();
    e.to_string()
        .replace(&format!("{}/", dir.path().display()), "")
}

#[test]
fn reads_ids_and_names_and_missing_tokens() {
    let text = format!(
        "{}\n{}\n{}\n",
        header(),
        row("boston", "1"),
        row("旧金山 - 圣何塞", "2.5")
    )
    .replacen(",2.5", ",NA", 1);
    let t = read("t.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].city, "san-francisco-san-jose");
    assert_eq!(t.rows[1].values[0], None);
    assert_eq!(t.rows[1].values[1], Some(2.5));
    assert_eq!(t.rows[1].line, 3);
    assert!(!t.synthetic);
}

#[test]
fn columns_may_come_in_any_order() {
    let mut cols: Vec<String> = (1..=30).rev().map(|i| format!("I{i:02}")).collect();
    cols.push("city".into());
    let vals: Vec<String> = (1..=30).rev().map(|i| i.to_string()).collect();
    let text =
        format!("{}\nboston,{}\n", cols.join(","), vals.join(",")).replace("\nboston,", "\n");
    let text = text.trim_end().to_string() + ",boston\n";
    let t = read("t.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows[0].values[0], Some(1.0));
    assert_eq!(t.rows[0].values[29], Some(30.0));
}

#[test]
fn comment_lines_keep_line_numbers_and_mark_synthetic() {
    let text = format!(
        "# synthetic example\n{}\n{}\n{}\n",
        header(),
        row("boston", "1"),
        row("Atlantis", "1")
    );
    let e = message("t.csv", &text);
    assert!(e.starts_with("t.csv:4:1: unknown city `Atlantis`"), "{e}");
    let ok = format!("# SYNTHETIC\n{}\n{}\n", header(), row("boston", "1"));
    assert!(read("t.csv", ok.as_bytes()).unwrap().synthetic);
    let plain = format!("{}\n{}\n", header(), row("boston", "1"));
    assert!(
        read("demo-synthetic.csv", plain.as_bytes())
            .unwrap()
            .synthetic
    );
}

#[test]
fn bad_input_messages_name_file_line_column() {
    let h = header();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "t.csv: the file is empty"),
        (format!("{h}\n"), "t.csv: header only"),
        (format!("{h}\n{}\n", row("Bostn", "1")), "t.csv:2:1: unknown city `Bostn`: expected a registry id, English or Chinese name; did you mean boston"),
        (format!("{h}\n{}\n{}\n", row("boston", "1"), row("Boston MA", "1")), "t.csv:3:1: duplicate city `boston` (first at line 2)"),
        (format!("{h}\n{}\n", row("boston", "1").replacen(",1", ",abc", 3)), "t.csv:2:2: indicator I01: expected a number"),
        (format!("{h}\n{}\n", row("boston", "1").replacen(",1", ",-3", 1)), "t.csv:2:2: indicator I01 (per-million): expected a value of 0 or more, found -3"),
        (format!("{}\n{}\n", h.replace(",I05", ""), row("boston", "1").replacen(",1", "", 1)), "t.csv:1:1: missing indicator column(s) I05"),
        (format!("{},I31\n{},1\n", h, row("boston", "1")), "t.csv:1:32: unexpected column `I31`"),
        (format!("{},I01\n{},1\n", h, row("boston", "1")), "t.csv:1:32: column `I01` appears twice"),
        (format!("{}\n{}\n", h.replace("city", "name"), row("boston", "1")), "t.csv:1:1: unexpected column `name`"),
        (format!("{h}\n{}\n", row("boston", "1").replacen(",1", "", 1)), "t.csv:2:1: malformed CSV: expected 31 fields as in the header, found 30"),
        (format!("{h}\n{}\n", row("boston", "1").replacen(",1", ",inf", 1)), "t.csv:2:2: indicator I01: expected a number"),
    ];
    for (text, expected) in cases {
        let e = message("t.csv", &text);
        assert!(e.starts_with(expected), "expected `{expected}`, got `{e}`");
    }
    // No city column at all.
    let e = message(
        "t.csv",
        &format!("{}\n{}\n", h.replace("city,", ""), "1,".repeat(29) + "1"),
    );
    assert!(
        e.starts_with("t.csv:1:1: expected a column named `city`"),
        "{e}"
    );
}

#[test]
fn gdp_growth_may_be_negative() {
    let text = format!("{}\n{}\n", header(), row("boston", "1")).replacen(",1", ",-2.5", 15);
    let text = text.replacen(",-2.5", ",1", 14);
    let t = read("t.csv", text.as_bytes()).unwrap();
    assert_eq!(t.rows[0].values[14], Some(-2.5));
}

#[test]
fn non_utf8_is_located() {
    let mut bytes = format!("{}\n", header()).into_bytes();
    bytes.extend_from_slice(b"boston,\xff");
    bytes.extend_from_slice(",1".repeat(29).as_bytes());
    bytes.push(b'\n');
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, bytes).unwrap();
    let e =
        read_indicator_table(&path, &Framework::gihi_2024(), &Registry::gihi_2024()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("t.csv:2:2: the file is not UTF-8 text; save the CSV as UTF-8"),
        "{e}"
    );
}

#[test]
fn reads_xlsx_with_cell_positions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "city").unwrap();
    for i in 0..30u16 {
        ws.write_string(0, i + 1, format!("I{:02}", i + 1)).unwrap();
        ws.write_number(1, i + 1, f64::from(i)).unwrap();
        ws.write_number(2, i + 1, 2.0).unwrap();
    }
    ws.write_string(1, 0, "伦敦").unwrap();
    ws.write_string(2, 0, "tokyo").unwrap();
    ws.write_string(2, 5, "n/a?").unwrap();
    wb.save(&path).unwrap();
    let e =
        read_indicator_table(&path, &Framework::gihi_2024(), &Registry::gihi_2024()).unwrap_err();
    assert!(e.to_string().contains("t.xlsx[Sheet1]:3:6: indicator I05: expected a number (or an empty cell for a missing value), found `n/a?`"), "{e}");
}

#[test]
fn synthetic_table_is_deterministic_plausible_and_reads_back() {
    let f = Framework::gihi_2024();
    let r = Registry::gihi_2024();
    let a = synthetic_table(&f, &r, 7);
    assert_eq!(a, synthetic_table(&f, &r, 7));
    assert_ne!(a, synthetic_table(&f, &r, 8));
    assert_eq!(a.rows.len(), 120);
    assert!(a.synthetic);
    let col = |id: &str| -> Vec<f64> {
        let i = a.indicators.iter().position(|x| x == id).unwrap();
        a.rows.iter().map(|r| r.values[i].unwrap()).collect()
    };
    // Counts are non-negative integers with a heavy tail; GDP growth may be negative.
    let papers = col("I07");
    assert!(papers.iter().all(|v| *v >= 0.0 && v.fract() == 0.0));
    let mean = papers.iter().sum::<f64>() / papers.len() as f64;
    let max = papers.iter().copied().fold(0.0, f64::max);
    assert!(max > 4.0 * mean, "heavy tail: max {max} mean {mean}");
    assert!(col("I15").iter().any(|v| *v < 0.0));
    assert!(col("I27").iter().all(|v| (0.3..=1.0).contains(v)));
    // Every non-growth value is admissible, so the table reads back unchanged.
    let mut buf = Vec::new();
    write_csv(&a, Some(&synthetic_banner(7)), &mut buf).unwrap();
    let back = read("example-synthetic.csv", &buf).unwrap();
    assert_eq!(
        back.rows.iter().map(|r| &r.values).collect::<Vec<_>>(),
        a.rows.iter().map(|r| &r.values).collect::<Vec<_>>()
    );
    assert!(back.synthetic);
}

proptest::proptest! {
    /// Arbitrary bytes never panic the table reader (the fuzz target, as a property test).
    #[test]
    fn reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1500)) {
        let _ = read_indicator_bytes(&bytes, "fuzz.csv", &Framework::gihi_2024(), &Registry::gihi_2024());
    }

    /// Single-byte mutations of a valid table never panic the reader.
    #[test]
    fn reader_never_panics_on_mutated_table(pos in 0usize..10_000, byte in proptest::num::u8::ANY) {
        let mut bytes = format!("{}\n{}\n{}\n", header(), row("boston", "12.5"), row("北京", "3")).into_bytes();
        let pos = pos % bytes.len();
        bytes[pos] = byte;
        let _ = read_indicator_bytes(&bytes, "fuzz.csv", &Framework::gihi_2024(), &Registry::gihi_2024());
    }
}
