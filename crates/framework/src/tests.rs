use super::*;

#[test]
fn gihi_2024_matches_table_1() {
    let f = Framework::gihi_2024();
    assert_eq!(f.id, "gihi-2024");
    let pillars: Vec<_> = f
        .pillars
        .iter()
        .map(|p| (p.id.as_str(), p.weight))
        .collect();
    assert_eq!(pillars, [("A", 0.30), ("B", 0.30), ("C", 0.40)]);
    let subs: Vec<_> = f
        .subpillars()
        .map(|s| (s.id.as_str(), s.weight, s.indicators.len()))
        .collect();
    assert_eq!(
        subs,
        [
            ("A1", 0.30, 2),
            ("A2", 0.30, 2),
            ("A3", 0.10, 2),
            ("A4", 0.30, 2),
            ("B1", 0.25, 2),
            ("B2", 0.25, 2),
            ("B3", 0.25, 2),
            ("B4", 0.25, 2),
            ("C1", 0.25, 4),
            ("C2", 0.25, 3),
            ("C3", 0.25, 3),
            ("C4", 0.25, 4),
        ]
    );
    let ids: Vec<_> = f.indicators().map(|i| i.id.clone()).collect();
    let expected: Vec<_> = (1..=30).map(|i| format!("I{i:02}")).collect();
    assert_eq!(ids, expected);
    assert!(f
        .indicators()
        .all(|i| i.direction == Direction::HigherIsBetter));
    assert!(f
        .indicators()
        .all(|i| !i.definition.is_empty() && !i.source.is_empty()));
    // Only GDP growth may be negative.
    let neg: Vec<_> = f
        .indicators()
        .filter(|i| i.kind.allows_negative())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(neg, ["I15"]);
    assert_eq!(f.indicator("I27").unwrap().name_zh, "电子政务水平");
}

#[test]
fn effective_weights_are_products_down_the_tree() {
    let f = Framework::gihi_2024();
    let w = f.effective_weights();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((w[0] - 0.30 * 0.30 * 0.5).abs() < 1e-15); // I01
    assert!((w[4] - 0.30 * 0.10 * 0.5).abs() < 1e-15); // I05
    assert!((w[16] - 0.40 * 0.25 * 0.25).abs() < 1e-15); // I17
    assert!((w[20] - 0.40 * 0.25 / 3.0).abs() < 1e-15); // I21
}

#[test]
fn egov_variant_moves_i27_to_c3() {
    let f = Framework::from_toml_str(GIHI_2024_EGOV_IN_C3_TOML, "variant").unwrap();
    let c3 = f.subpillars().find(|s| s.id == "C3").unwrap();
    let c4 = f.subpillars().find(|s| s.id == "C4").unwrap();
    assert!(c3.indicators.iter().any(|i| i.id == "I27"));
    assert!(!c4.indicators.iter().any(|i| i.id == "I27"));
    assert_eq!((c3.indicators.len(), c4.indicators.len()), (4, 3));
}

#[test]
fn aggregates_cover_every_level() {
    let f = Framework::gihi_2024();
    let a = f.aggregates();
    assert_eq!(a.len(), 1 + 3 + 12);
    assert_eq!(a[0].indicators.len(), 30);
    let c = a.iter().find(|x| x.id == "C").unwrap();
    assert_eq!(c.indicators, (16..30).collect::<Vec<_>>());
    let c2 = a.iter().find(|x| x.id == "C2").unwrap();
    assert_eq!(c2.indicators, vec![20, 21, 22]);
}

fn err(text: &str) -> String {
    Framework::from_toml_str(text, "f.toml")
        .unwrap_err()
        .to_string()
}

const SMALL: &str = r#"
id = "t"
name_en = "T"
name_zh = "T"
[[pillar]]
id = "A"
name_en = "a"
name_zh = "a"
weight = 1.0
[[pillar.subpillar]]
id = "A1"
name_en = "a1"
name_zh = "a1"
weight = 1.0
[[pillar.subpillar.indicator]]
id = "X"
name_en = "x"
name_zh = "x"
unit = "u"
kind = "count"
direction = "higher-is-better"
[[pillar.subpillar.indicator]]
id = "Y"
name_en = "y"
name_zh = "y"
unit = "u"
kind = "count"
direction = "lower-is-better"
"#;

#[test]
fn small_framework_loads_with_equal_weights() {
    let f = Framework::from_toml_str(SMALL, "f.toml").unwrap();
    assert_eq!(f.effective_weights(), vec![0.5, 0.5]);
}

#[test]
fn duplicate_id_is_named_with_its_line() {
    let text = SMALL.replace("id = \"Y\"", "id = \"X\"");
    let e = err(&text);
    assert!(
        e.contains("indicator X: duplicate id (first used at line 16)"),
        "{e}"
    );
    assert!(e.starts_with("f.toml:23:6:"), "{e}");
}

#[test]
fn weights_must_sum_to_one() {
    let text = SMALL.replacen(
        "weight = 1.0\n[[pillar.subpillar]]",
        "weight = 0.9\n[[pillar.subpillar]]",
        1,
    );
    let e = err(&text);
    assert!(
        e.contains("framework t: pillar weights must sum to 1, found 0.9"),
        "{e}"
    );
}

#[test]
fn weights_must_be_positive() {
    let text = SMALL.replacen(
        "weight = 1.0\n[[pillar.subpillar.indicator]]",
        "weight = -1.0\n[[pillar.subpillar.indicator]]",
        1,
    );
    let e = err(&text);
    assert!(
        e.contains("pillar A: sub-pillar weight must be a positive number, found -1"),
        "{e}"
    );
    assert!(e.starts_with("f.toml:14:10:"), "{e}");
}

#[test]
fn unknown_fields_and_kinds_are_reported_with_position() {
    let e = err(&SMALL.replacen("kind = \"count\"", "kind = \"bogus\"", 1));
    assert!(e.starts_with("f.toml:20:8:"), "{e}");
    assert!(e.contains("bogus"), "{e}");
    let e = err(&SMALL.replacen("unit = \"u\"", "unit = \"u\"\ncolour = \"red\"", 1));
    assert!(e.contains("colour"), "{e}");
}

#[test]
fn empty_nodes_are_rejected() {
    let e = err("id = \"t\"\nname_en = \"t\"\nname_zh = \"t\"\n");
    assert!(e.contains("has no [[pillar]]"), "{e}");
}

#[test]
fn mixed_explicit_weights_are_rejected() {
    let text = SMALL.replacen(
        "direction = \"higher-is-better\"",
        "direction = \"higher-is-better\"\nweight = 1.0",
        1,
    );
    assert!(err(&text).contains("either every indicator sets `weight`"));
}

#[test]
fn locate_counts_characters() {
    let l = locate("ab\n中文x", "o", "ab\n中文".len());
    assert_eq!((l.line, l.column), (2, 3));
}

proptest::proptest! {
    /// Arbitrary bytes never panic the loader (the framework fuzz target, as a property test).
    #[test]
    fn loader_never_panics_on_arbitrary_text(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Framework::from_toml_str(&text, "fuzz");
    }

    /// Mutations of a valid file (one byte replaced or deleted) never panic the loader.
    #[test]
    fn loader_never_panics_on_mutated_framework(pos in 0usize..4000, byte in proptest::num::u8::ANY, delete in proptest::bool::ANY) {
        let mut b = GIHI_2024_TOML.as_bytes().to_vec();
        let pos = pos % b.len();
        if delete { b.remove(pos); } else { b[pos] = byte; }
        let _ = Framework::from_toml_str(&String::from_utf8_lossy(&b), "fuzz");
    }
}
