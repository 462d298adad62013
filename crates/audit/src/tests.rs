use super::*;
use gihi_data::synthetic_table;
use gihi_registry::{Group, Registry};
use gihi_scores::{score, GroupTable, MissingPolicy, Scores};
use std::path::{Path, PathBuf};

#[test]
fn the_2024_findings() {
    let a = audit(&Edition::gihi_2024(), &Framework::gihi_2024());
    let count = |kind: &str| a.findings.iter().filter(|f| f.kind == kind).count();
    assert_eq!(
        (
            count("affine-residual"),
            count("cross-table"),
            count("misplaced-values")
        ),
        (15, 12, 1)
    );
    assert_eq!(a.findings.len(), 28);
    // Everything is in Table 7's B column; every other table is consistent.
    assert!(a
        .findings
        .iter()
        .all(|f| f.table == "Table 7" && f.column == "B"));
    let flagged: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.kind == "affine-residual")
        .map(|f| f.city.as_str())
        .collect();
    assert_eq!(
        flagged,
        [
            "chennai",
            "detroit",
            "moscow",
            "toronto",
            "mexico-city",
            "kuala-lumpur",
            "doha",
            "jakarta",
            "tianjin",
            "melbourne",
            "ankara",
            "dubai",
            "montreal",
            "brisbane",
            "lanzhou"
        ]
    );
    let toronto = a
        .findings
        .iter()
        .find(|f| f.kind == "cross-table" && f.city == "toronto")
        .unwrap();
    assert_eq!(
        (toronto.published.as_str(), toronto.expected.as_str()),
        ("63.15", "63.27")
    );
    assert!(
        toronto
            .evidence
            .contains("Table 7's relation B ~ B1+B2+B3+B4 admits 63.27 and rejects 63.15"),
        "{}",
        toronto.evidence
    );
    let fits: Vec<(&str, usize, usize)> = a
        .fits
        .iter()
        .map(|f| (f.table.as_str(), f.consistent_rows, f.rows))
        .collect();
    assert_eq!(
        fits,
        [
            ("Table 2", 100, 100),
            ("Table 4", 12, 12),
            ("Table 5", 100, 100),
            ("Table 7", 85, 100),
            ("Table 9", 100, 100)
        ]
    );
    for f in &a.fits {
        assert!(f.max_residual <= f.rounding_bound, "{f:?}");
        assert!((f.implied_shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
    // The implied shares of Table 5 are close to Table 1's sub-pillar weights 30/30/10/30.
    let t5 = &a.fits[2];
    for (s, w) in t5.implied_shares.iter().zip(&t5.nominal_weights) {
        assert!((s - w).abs() < 0.01, "{t5:?}");
    }
}

// ---- audits of tables printed from our own computation -------------------------------------

fn round2(v: f64) -> String {
    format!("{:.2}", v)
}

/// Writes an edition directory with Tables 2, 4, 5, 7, 9 (and 3, 6, 8, 10) printed to two
/// decimals from computed scores, like the report's tables.
fn print_edition(dir: &Path, main: &Scores, mini: &Scores) {
    let files = [
        "edition.toml",
        "figure3-development-modes.csv",
        "quoted-indicator-values.csv",
        "quoted-totals.csv",
        "cities.toml",
        "framework.toml",
        "cutoffs.toml",
        "place-aliases.csv",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/editions/2024");
    for f in files {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let order = |s: &Scores, node: &str| -> Vec<usize> {
        let n = s.node(node).unwrap();
        let mut o: Vec<usize> = (0..s.cities.len()).collect();
        o.sort_by_key(|&j| (n.rank[j], s.cities[j].clone()));
        o
    };
    let sc = |s: &Scores, node: &str, j: usize| round2(s.node(node).unwrap().score[j]);
    let rk = |s: &Scores, node: &str, j: usize| s.node(node).unwrap().rank[j].to_string();
    for (file, s, n) in [
        ("table2-composite.csv", main, 100),
        ("table4-mini-hubs.csv", mini, 12),
    ] {
        let mut t = String::from("# source: synthetic test\ncity,name_printed,GIHI,GIHI_rank,A,A_rank,B,B_rank,C,C_rank\n");
        for j in order(s, "GIHI").into_iter().take(n) {
            t.push_str(&format!(
                "{},x,{},{},{},{},{},{},{},{}\n",
                s.cities[j],
                sc(s, "GIHI", j),
                rk(s, "GIHI", j),
                sc(s, "A", j),
                rk(s, "A", j),
                sc(s, "B", j),
                rk(s, "B", j),
                sc(s, "C", j),
                rk(s, "C", j)
            ));
        }
        std::fs::write(dir.join(file), t).unwrap();
    }
    for (file, p) in [
        ("table5-science-centre.csv", "A"),
        ("table7-innovation-highland.csv", "B"),
        ("table9-innovation-ecosystem.csv", "C"),
    ] {
        let mut t =
            format!("# source: synthetic test\nrank,city,name_printed,{p},{p}1,{p}2,{p}3,{p}4\n");
        for j in order(main, p).into_iter().take(100) {
            t.push_str(&format!(
                "{},{},x,{}",
                rk(main, p, j),
                main.cities[j],
                sc(main, p, j)
            ));
            for k in 1..=4 {
                t.push_str(&format!(",{}", sc(main, &format!("{p}{k}"), j)));
            }
            t.push('\n');
        }
        std::fs::write(dir.join(file), t).unwrap();
    }
    for (file, p) in [
        ("table3-composite-history.csv", "GIHI"),
        ("table6-science-centre-history.csv", "A"),
        ("table8-innovation-highland-history.csv", "B"),
        ("table10-innovation-ecosystem-history.csv", "C"),
    ] {
        let mut t = String::from(
            "# source: synthetic test\ncity,name_printed,rank_2024,rank_2023,rank_2022\n",
        );
        for j in order(main, p).into_iter().take(20) {
            t.push_str(&format!("{},x,{},1,1\n", main.cities[j], rk(main, p, j)));
        }
        std::fs::write(dir.join(file), t).unwrap();
    }
}

fn computed(seed: u64) -> (Scores, Scores) {
    let f = Framework::gihi_2024();
    let r = Registry::gihi_2024();
    let t = synthetic_table(&f, &r, seed);
    let group = |g: Group| {
        let rows: Vec<_> = t
            .rows
            .iter()
            .filter(|row| r.get(&row.city).unwrap().group == g)
            .collect();
        score(
            &f,
            &GroupTable {
                cities: rows.iter().map(|x| x.city.clone()).collect(),
                values: rows.iter().map(|x| x.values.clone()).collect(),
            },
            MissingPolicy::Error,
        )
        .unwrap()
    };
    (group(Group::Main), group(Group::Mini))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gihi-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn tables_printed_from_our_engine_raise_no_alarm() {
    for seed in [1, 2, 3, 4] {
        let dir = temp_dir(&format!("clean{seed}"));
        let (main, mini) = computed(seed);
        print_edition(&dir, &main, &mini);
        let e = Edition::load_dir(&dir).unwrap();
        let a = audit(&e, &Framework::gihi_2024());
        let errors: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.severity == "error")
            .collect();
        assert!(errors.is_empty(), "seed {seed}: {errors:#?}");
        assert!(
            a.fits.iter().all(|f| f.consistent_rows == f.rows),
            "seed {seed}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn injected_errors_are_caught() {
    let dir = temp_dir("dirty");
    let (main, mini) = computed(5);
    print_edition(&dir, &main, &mini);
    // A typo in one composite score, and a B value copied from another row in Table 7.
    let t2 = dir.join("table2-composite.csv");
    let mut lines: Vec<String> = std::fs::read_to_string(&t2)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let mut cells: Vec<String> = lines[40].split(',').map(String::from).collect();
    let typo_city = cells[0].clone();
    cells[2] = format!("{:.2}", cells[2].parse::<f64>().unwrap() + 0.3);
    lines[40] = cells.join(",");
    std::fs::write(&t2, lines.join("\n") + "\n").unwrap();
    let t7 = dir.join("table7-innovation-highland.csv");
    let mut lines: Vec<String> = std::fs::read_to_string(&t7)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let donor: Vec<String> = lines[60].split(',').map(String::from).collect();
    let mut cells: Vec<String> = lines[30].split(',').map(String::from).collect();
    let copied_city = cells[1].clone();
    cells[3] = donor[3].clone();
    lines[30] = cells.join(",");
    std::fs::write(&t7, lines.join("\n") + "\n").unwrap();

    let a = audit(&Edition::load_dir(&dir).unwrap(), &Framework::gihi_2024());
    let hit = |table: &str, city: &str, kind: &str| {
        a.findings
            .iter()
            .any(|f| f.table == table && f.city == city && f.kind == kind)
    };
    assert!(
        hit("Table 2", &typo_city, "affine-residual"),
        "{:#?}",
        a.findings
    );
    assert!(hit("Table 7", &copied_city, "affine-residual"));
    // The copied (too low) value contradicts the ranks of the rows just below it.
    assert!(a.findings.iter().any(|f| f.table == "Table 7"
        && f.kind == "rank-order"
        && f.evidence
            .contains(&format!("but {copied_city} prints a lower B"))));
    std::fs::remove_dir_all(&dir).unwrap();
}
