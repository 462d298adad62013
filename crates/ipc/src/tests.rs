//! Every pattern kind of Appendix 7, the four symbol formats, and the keyword rules, by hand.

use super::*;
use proptest::prelude::*;

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn fields_of(f: &Fields, symbols: &[&str], text: &str) -> Vec<String> {
    let rows = symbols.iter().fold(0, |acc, s| acc | f.rows_of(&sym(s)));
    let set = f.fields_of(rows, f.keyword_hits(text));
    (0..f.fields.len())
        .filter(|i| set & (1 << i) != 0)
        .map(|i| f.fields[i].id.clone())
        .collect()
}

#[test]
fn the_four_formats_of_one_symbol_agree() {
    let a = sym("G06N 3/08");
    for s in [
        "G06N3/08",
        "G06N   3/08",
        "G06N0003080000",
        "g06n 3/08",
        " G06N 3/08 (2006.01)",
        "G06N3/08(2023.01) A",
    ] {
        assert_eq!(sym(s), a, "{s}");
    }
    assert_eq!(a.to_string(), "G06N 3/08");
    assert_eq!(sym("A61B0005047600"), sym("A61B 5/0476"));
    assert_eq!(sym("G06N0003063000").subgroup(), "063");
    assert_eq!(sym("G06F0040000000").to_string(), "G06F 40/00");
    assert_eq!(sym("H01L0021100000").subgroup(), "10");
}

#[test]
fn malformed_symbols_are_refused_with_the_reason() {
    for (s, why) in [
        ("", "too short"),
        ("G06", "too short"),
        ("606N 3/08", "not a subclass"),
        ("G06N", "no `/`"),
        ("G06N 3", "no `/`"),
        ("G06N /08", "1 to 4 digits"),
        ("G06N 12345/08", "1 to 4 digits"),
        ("G06N 0/08", "main group 0"),
        ("G06N 3/8", "2 to 6 digits"),
        ("G06N 3/0812345", "2 to 6 digits"),
        ("G06N000308000", "DOCDB"),
        ("Z06N 3/08", "not a subclass"),
    ] {
        let e = Symbol::parse(s).unwrap_err().to_string();
        assert!(e.contains(why), "{s}: {e}");
    }
}

#[test]
fn pattern_kinds_match_at_ipc_boundaries() {
    let p = |t: &str| Pattern::parse(t).unwrap();
    // The whole subclass, with or without the star.
    assert!(p("G06N*").matches(&sym("G06N 99/00")));
    assert!(p("G16H").matches(&sym("G16H 50/20")));
    assert!(!p("G06N*").matches(&sym("G06F 3/01")));
    // Main group 40 and all its subgroups, never 4 or 400.
    let g40 = p("G06F40*");
    assert!(g40.matches(&sym("G06F 40/00")) && g40.matches(&sym("G06F 40/295")));
    assert!(!g40.matches(&sym("G06F 4/00")) && !g40.matches(&sym("G06F 400/10")));
    // Main group 1 is not 11.
    assert!(p("C07C1*").matches(&sym("C07C 1/20")));
    assert!(!p("C07C1*").matches(&sym("C07C 11/02")));
    // One subgroup exactly: neither a sibling nor a longer number.
    let s = p("A61B5/0476");
    assert!(s.matches(&sym("A61B 5/0476")));
    assert!(
        !s.matches(&sym("A61B 5/047"))
            && !s.matches(&sym("A61B 5/04762"))
            && !s.matches(&sym("A61B 5/00"))
    );
    assert!(p("G06N3/00").matches(&sym("G06N 3/00")) && !p("G06N3/00").matches(&sym("G06N 3/02")));
    for bad in ["G06N**", "G06F040*", "G06Fx*", "G0", "G06F40/", "G06F 0*"] {
        assert!(Pattern::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(p("G06F40*").to_string(), "G06F40*");
    assert_eq!(p("A61B5/0476").to_string(), "A61B5/0476");
}

#[test]
fn appendix_7_is_transcribed_row_by_row() {
    let f = Fields::appendix_7();
    let ids: Vec<&str> = f.fields.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["ai", "chips", "renewables", "biomedicine"]);
    let rows_per_field: Vec<usize> = (0..4)
        .map(|i| f.rows.iter().filter(|r| r.field == i).count())
        .collect();
    assert_eq!(rows_per_field, [7, 4, 25, 6]);
    let patterns: usize = f.rows.iter().map(|r| r.includes.len()).sum();
    let exclusions: usize = f
        .rows
        .iter()
        .flat_map(|r| &r.includes)
        .map(|i| i.except.len())
        .sum();
    // Counted on the report's text of Appendix 7 with a regular expression for IPC symbols
    // (552 in all, 213 of them inside 不含 (...)): 339 includes, 213 exclusions.
    assert_eq!((patterns, exclusions), (339, 213));
    // Keyword rows: AI row 7 and the four chip rows.
    let kw: Vec<(String, String)> = f
        .rows
        .iter()
        .filter(|r| !r.keywords.is_empty())
        .map(|r| (f.fields[r.field].id.clone(), r.branch.clone()))
        .collect();
    assert_eq!(kw.len(), 5, "{kw:?}");
}

#[test]
fn an_exclusion_beats_only_the_include_it_qualifies() {
    let f = Fields::appendix_7();
    // A61B5/0476 is excluded from AI row 7 (A61B5*) but included by AI row 1.
    assert_eq!(fields_of(&f, &["A61B 5/0476"], ""), ["ai"]);
    // Another A61B5 subgroup needs row 7's brain keywords.
    assert!(fields_of(&f, &["A61B 5/02"], "heart rate monitor").is_empty());
    assert_eq!(
        fields_of(&f, &["A61B 5/02"], "Detecting EPILEPTIC seizures"),
        ["ai"]
    );
    assert_eq!(
        fields_of(&f, &["A61B 5/02"], "一种癫痫发作检测方法"),
        ["ai"]
    );
    // C07C: main group 1 excluded, 11 excluded, 12 not.
    assert!(fields_of(&f, &["C07C 1/20"], "").is_empty());
    assert!(fields_of(&f, &["C07C 11/02"], "").is_empty());
    assert_eq!(fields_of(&f, &["C07C 12/00"], ""), ["biomedicine"]);
    // Exact exclusions: C07C2/00 out, C07C2/02 in.
    assert!(fields_of(&f, &["C07C 2/00"], "").is_empty());
    assert_eq!(fields_of(&f, &["C07C 2/02"], ""), ["biomedicine"]);
    // Renewables: G01R31/00 is excluded from the biomass row but is a smart-grid row of its own.
    assert_eq!(fields_of(&f, &["G01R 31/00"], ""), ["renewables"]);
    assert_eq!(fields_of(&f, &["G01R 31/01"], ""), ["renewables"]);
    // H02J3/38 is excluded from the smart-grid H02J3* but is a wind row of its own;
    // H02J3/40 is excluded and in no other row.
    assert_eq!(fields_of(&f, &["H02J 3/38"], ""), ["renewables"]);
    assert!(fields_of(&f, &["H02J 3/40"], "").is_empty());
    assert_eq!(fields_of(&f, &["H02J 3/02"], ""), ["renewables"]);
}

#[test]
fn keyword_rows_need_their_keywords_as_words() {
    let f = Fields::appendix_7();
    // G06F* is in the chips' ASIC row (keywords) and G06F40* in AI row 1 (no keywords).
    assert_eq!(fields_of(&f, &["G06F 40/30"], ""), ["ai"]);
    assert!(fields_of(&f, &["G06F 12/08"], "a basic memory cache").is_empty());
    assert_eq!(
        fields_of(&f, &["G06F 12/08"], "An ASIC for caches"),
        ["chips"]
    );
    assert_eq!(
        fields_of(&f, &["G06F 12/08"], "an asic-based cache"),
        ["chips"]
    );
    assert!(fields_of(&f, &["G06F 12/08"], "associated social data").is_empty());
    assert_eq!(
        fields_of(&f, &["G06F 12/08"], "专用集成电路的缓存"),
        ["chips"]
    );
    // Prefix keywords: "graphics processor*" matches "graphics processors".
    assert_eq!(
        fields_of(&f, &["G06T 1/20"], "Multiple graphics processors"),
        ["chips"]
    );
    // FPGA row: only G05B19.
    assert!(fields_of(&f, &["G05B 13/02"], "FPGA").is_empty());
    assert_eq!(fields_of(&f, &["G05B 19/042"], "FPGA"), ["chips"]);
    // G06N: AI row 5 without keywords; the chips need one.
    assert_eq!(fields_of(&f, &["G06N 3/063"], ""), ["ai"]);
    assert_eq!(
        fields_of(&f, &["G06N 3/063"], "a neuromorphic chip"),
        ["ai", "chips"]
    );
    // Two symbols: a patent is in every field one of them qualifies for.
    assert_eq!(
        fields_of(&f, &["A61K 31/00", "F03D 1/00"], ""),
        ["renewables", "biomedicine"]
    );
}

#[test]
fn a_broken_table_is_refused_with_its_row() {
    let bad = APPENDIX_7_TOML.replacen("\"G05B15/02\"", "\"G05B15-02\"", 1);
    let e = Fields::from_toml_str(&bad, "t.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.toml: field ai, row 2: expected an IPC pattern"),
        "{e}"
    );
    let bad = APPENDIX_7_TOML.replacen("\"G21C17/013\", \"G21C17/017\"] }", "\"G21C18/013\"] }", 1);
    let e = Fields::from_toml_str(&bad, "t.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("exclusion G21C18/013 is not inside the include G21C17*"),
        "{e}"
    );
}

fn docdb(s: &Symbol) -> String {
    format!(
        "{}{:04}{:0<6}",
        std::str::from_utf8(&s.subclass).unwrap(),
        s.group,
        s.subgroup()
    )
}

proptest! {
    /// Any symbol written in any accepted format parses to the same symbol and so
    /// classifies alike.
    #[test]
    fn all_formats_classify_alike(
        section in prop::sample::select(vec!['A', 'C', 'E', 'F', 'G', 'H']),
        class in 1u8..100,
        sub in prop::sample::select(vec!['B', 'C', 'D', 'F', 'G', 'H', 'J', 'K', 'L', 'N', 'P', 'Q', 'R', 'S', 'T', 'V']),
        group in 1u16..1000,
        subgroup in prop::sample::select(vec!["00", "02", "08", "10", "063", "0476", "3835", "12", "297", "051"]),
        pad in 0usize..4,
    ) {
        let f = Fields::appendix_7();
        let canonical = format!("{section}{class:02}{sub} {group}/{subgroup}");
        let s = sym(&canonical);
        for form in [
            format!("{section}{class:02}{sub}{group}/{subgroup}"),
            format!("{section}{class:02}{sub}{}{group}/{subgroup}", " ".repeat(pad + 1)),
            docdb(&s),
            format!("{} (2006.01)", canonical.to_lowercase()),
        ] {
            let t = sym(&form);
            prop_assert_eq!(t, s);
            prop_assert_eq!(f.rows_of(&t), f.rows_of(&s));
        }
    }
}
