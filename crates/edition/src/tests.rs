use super::*;
use gihi_registry::Continent;

fn ranks(t: &Table, node: &str, year: u16) -> Vec<u32> {
    t.rows
        .iter()
        .map(|r| r.cell(node, Kind::Rank, year).unwrap().value as u32)
        .collect()
}

#[test]
fn row_counts_match_the_report() {
    let e = Edition::gihi_2024();
    assert_eq!(e.year, 2024);
    let counts: Vec<(&str, usize)> = e
        .tables
        .iter()
        .map(|t| (t.id.as_str(), t.rows.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("Table 2", 100),
            ("Table 4", 12),
            ("Table 5", 100),
            ("Table 7", 100),
            ("Table 9", 100),
            ("Table 3", 20),
            ("Table 6", 20),
            ("Table 8", 20),
            ("Table 10", 20)
        ]
    );
    assert_eq!(e.modes.len(), 20);
    let mut per_mode = BTreeMap::new();
    for m in &e.modes {
        *per_mode.entry(m.mode.as_str()).or_insert(0) += 1;
    }
    // Section 2.2: four, four, seven and five cities.
    assert_eq!(
        per_mode.into_iter().collect::<Vec<_>>(),
        [
            ("balanced", 5),
            ("innovation-highland", 4),
            ("science-centre", 4),
            ("science-centre-innovation-ecosystem", 7)
        ]
    );
}

#[test]
fn printed_rank_sequences_are_1_to_n_in_order() {
    let e = Edition::gihi_2024();
    for t in &e.tables {
        let expected: Vec<u32> = (1..=t.rows.len() as u32).collect();
        assert_eq!(ranks(t, &t.node, e.year), expected, "{}", t.id);
    }
}

#[test]
fn every_printed_name_is_its_registry_name() {
    let e = Edition::gihi_2024();
    let r = Registry::gihi_2024();
    let norm = |s: &str| s.split('-').map(str::trim).collect::<Vec<_>>().join("-");
    for t in &e.tables {
        for row in &t.rows {
            assert_eq!(
                norm(&row.name_printed),
                r.get(&row.city).unwrap().name_zh,
                "{} line {}",
                t.file,
                row.line
            );
            assert_eq!(
                r.get(&row.city).unwrap().group,
                t.group,
                "{} {}",
                t.id,
                row.city
            );
        }
    }
    for m in &e.modes {
        assert_eq!(m.name_printed, r.get(&m.city).unwrap().name_zh);
    }
}

#[test]
fn cells_keep_the_printed_text() {
    let e = Edition::gihi_2024();
    let t2 = e.table("Table 2").unwrap();
    let first = &t2.rows[0];
    assert_eq!(first.city, "san-francisco-san-jose");
    let texts: Vec<&str> = first.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        ["100.00", "1", "95.55", "4", "100.00", "1", "97.13", "2"]
    );
    let c = first.cell("A", Kind::Score, 2024).unwrap();
    assert_eq!((c.column.as_str(), c.column_no), ("A", 5));
    // Table 5's last row and Table 10's first.
    let t5 = e.table("Table 5").unwrap();
    assert_eq!(t5.rows[99].city, "dusseldorf");
    assert_eq!(
        t5.rows[99].cell("A4", Kind::Score, 2024).unwrap().text,
        "60.82"
    );
    let t10 = e.table("Table 10").unwrap();
    assert_eq!(t10.rows[0].city, "london");
    assert_eq!(ranks(t10, "C", 2022)[0], 2);
    assert!(t2.source.contains("Table 2"));
}

#[test]
fn quoted_totals_agree_with_the_registry() {
    let e = Edition::gihi_2024();
    let r = Registry::gihi_2024();
    let total = |what: &str| {
        e.quoted_totals
            .iter()
            .find(|t| t.what == what)
            .unwrap()
            .value
    };
    assert_eq!(total("cities evaluated"), r.cities.len() as f64);
    assert_eq!(
        total("mini-hubs evaluated separately"),
        r.group(Group::Mini).count() as f64
    );
    assert_eq!(
        total("main-group cities"),
        r.group(Group::Main).count() as f64
    );
    assert_eq!(
        total("administrative cities covered"),
        r.cities.iter().map(|c| c.members.len()).sum::<usize>() as f64
    );
    let countries: std::collections::BTreeSet<_> = r.cities.iter().map(|c| &c.country).collect();
    assert_eq!(total("countries"), countries.len() as f64);
    for (what, continent) in [
        ("Asian cities", Continent::Asia),
        ("European cities", Continent::Europe),
        ("North American cities", Continent::NorthAmerica),
    ] {
        assert_eq!(
            total(what),
            r.cities.iter().filter(|c| c.continent == continent).count() as f64
        );
    }
    // Quoted city values never exceed the quoted totals over all 120 cities.
    for ind in ["I02", "I03", "I04", "I11", "I12"] {
        let sum: f64 = e
            .quoted_values
            .iter()
            .filter(|v| v.indicator == ind)
            .map(|v| v.value)
            .sum();
        let t = e
            .quoted_totals
            .iter()
            .find(|t| t.indicator.as_deref() == Some(ind))
            .unwrap();
        assert!(sum <= t.value, "{ind}: quoted {sum} > total {}", t.value);
    }
    assert_eq!(
        e.quoted_values
            .iter()
            .filter(|v| v.section.contains("Figure 37"))
            .count(),
        20
    );
}

#[test]
fn rankings_at_every_level() {
    let e = Edition::gihi_2024();
    let c = e.ranking("composite").unwrap();
    assert_eq!(
        (c.table.as_str(), c.rows.len(), c.derived),
        ("Table 2", 100, false)
    );
    assert_eq!(c.rows[2].city, "beijing");
    let a = e.ranking("A").unwrap();
    assert_eq!(
        (a.table.as_str(), a.rows[0].city.as_str()),
        ("Table 5", "new-york")
    );
    let mini = e.ranking("mini").unwrap();
    assert_eq!((mini.table.as_str(), mini.rows.len()), ("Table 4", 12));
    let a3 = e.ranking("A3").unwrap();
    assert!(a3.derived);
    assert_eq!(a3.rows[0].city, "san-francisco-san-jose");
    // Ties share the better rank: many cities print A3 = 60.00.
    let last = a3.rows.last().unwrap();
    assert_eq!(last.score, "60.00");
    assert!(a3.rows.iter().filter(|r| r.rank == last.rank).count() > 10);
    assert!(e.ranking("Z9").is_none());
}

#[test]
fn ties_at_the_cutoff_are_found() {
    let e = Edition::gihi_2024();
    let b = e.ranking("B").unwrap();
    // Table 7 prints 64.75 at ranks 51 and 52.
    let ties = b.ties_at_cutoff(51);
    assert_eq!(ties.len(), 1);
    assert_eq!(
        (ties[0].0.city.as_str(), ties[0].1.city.as_str()),
        ("lisbon", "dusseldorf")
    );
    assert!(b.ties_at_cutoff(50).is_empty());
}

#[test]
fn load_dir_reads_the_shipped_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/editions/2024");
    let e = Edition::load_dir(&dir).unwrap();
    let builtin = Edition::gihi_2024();
    assert_eq!(
        e.tables,
        builtin
            .tables
            .iter()
            .map(|t| Table {
                file: t
                    .file
                    .replace("builtin:data/editions/2024", &dir.display().to_string()),
                ..t.clone()
            })
            .collect::<Vec<_>>()
    );
}

#[test]
fn bad_edition_files_are_located() {
    let dir = tempfile_dir();
    for (name, text) in GIHI_2024_FILES {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let t2 = dir.join("table2-composite.csv");
    let text =
        std::fs::read_to_string(&t2)
            .unwrap()
            .replacen("100.00,1,95.55", "100.00,1,9x.55", 1);
    std::fs::write(&t2, text).unwrap();
    let e = Edition::load_dir(&dir).unwrap_err().to_string();
    assert!(
        e.ends_with("table2-composite.csv:5:5: expected a number, found `9x.55`"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gihi-edition-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// SHA-256 of every field of a registry except `shared_members` (added with editions as
/// data), in Debug form.
fn registry_digest(r: &gihi_registry::Registry) -> String {
    use sha2::{Digest, Sha256};
    let text = format!("{:?}", (&r.source, &r.countries, &r.cities));
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// [`registry_digest`] of the registry compiled into gihi before editions became data
/// (`data/registry/cities.toml` at commit f05a7b0).
const REGISTRY_2024_BEFORE_EDITIONS: &str =
    "ef7792e4af9d50e001742632bc6380f4b75ca4dccdc75ddd3cb3dea5308f8a78";

fn repo_edition_2024() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/editions/2024")
}

#[test]
fn the_2024_registry_loaded_from_data_is_todays() {
    let dir = repo_edition_2024();
    let from_dir = Setup::resolve(Some(&dir.display().to_string())).unwrap();
    let built_in = Setup::gihi_2024();
    // Every field, the shared-member rules included.
    assert_eq!(from_dir.registry, gihi_registry::Registry::gihi_2024());
    assert_eq!(built_in.registry, gihi_registry::Registry::gihi_2024());
    assert_eq!(
        registry_digest(&from_dir.registry),
        REGISTRY_2024_BEFORE_EDITIONS
    );
    assert_eq!(from_dir.framework, gihi_framework::Framework::gihi_2024());
    assert_eq!(from_dir.cutoffs, built_in.cutoffs);
    assert_eq!(from_dir.cutoffs["laureates"], "2024-06-24");
    assert_eq!(from_dir.aliases_text, built_in.aliases_text);
    assert_eq!(from_dir.dates, built_in.dates);
    assert_eq!(built_in.dates.valid_on, "2023-01-01");
    assert_eq!(built_in.dates.pct_year, 2023);
    assert!(built_in.published && built_in.population.is_none());
    // The published tables load the same from the directory and from the binary.
    let rows = |e: &Edition| -> Vec<(String, Vec<Row>)> {
        e.tables
            .iter()
            .map(|t| (t.id.clone(), t.rows.clone()))
            .collect()
    };
    assert_eq!(
        rows(&Edition::load_dir(&dir).unwrap()),
        rows(&Edition::gihi_2024())
    );
}

#[test]
fn the_2024_edition_passes_its_check() {
    let c = Setup::gihi_2024().check();
    assert_eq!(c.problems, Vec::<String>::new());
    assert_eq!(
        (c.cities, c.main, c.mini, c.countries, c.members),
        (120, 108, 12, 38, 374)
    );
    assert_eq!(c.shared_members, 4);
    assert_eq!(c.with_population, None);
}

/// A copy of the 2024 edition's setup (no tables) in a temporary directory, with `edit`
/// applied to one of its files.
fn edited(
    year: u16,
    file: &str,
    edit: impl Fn(&str) -> String,
) -> (tempfile::TempDir, Result<Setup, EditionError>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("e");
    std::fs::create_dir(&dir).unwrap();
    for (name, bytes) in Setup::gihi_2024().scaffold(year) {
        let text = String::from_utf8(bytes).unwrap();
        let text = if name == file { edit(&text) } else { text };
        std::fs::write(dir.join(&name), text).unwrap();
    }
    let s = Setup::resolve(Some(&dir.display().to_string()));
    (tmp, s)
}

fn fill_population(text: &str) -> String {
    let reg = gihi_registry::Registry::gihi_2024();
    text.lines()
        .map(|l| match reg.get(l.trim_end_matches(',')) {
            Some(c) if l.ends_with(",,,") => format!(
                "{},{},2024,synthetic",
                c.id,
                if c.group == gihi_registry::Group::Mini {
                    500_000
                } else {
                    2_000_000
                }
            ),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_new_edition_is_checked() {
    // As made: every population is missing and the laureates cut-off is last year's.
    let (_t, s) = edited(2025, "", |t| t.to_string());
    let s = s.unwrap();
    assert_eq!(s.year, 2025);
    assert_eq!(s.dates.valid_on, "2024-01-01");
    assert_eq!(s.dates.active_researchers, [2020, 2024]);
    assert!(!s.published);
    let p = s.check().problems;
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        p.iter()
            .any(|x| x.contains("laureates = \"2024-06-24\" is before the edition's year 2025")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|x| x.contains("no population for 120 of 120 metros (montreal, toronto,")),
        "{p:#?}"
    );
    // Filled in: no problem left but the cut-off.
    let (_t, s) = edited(2025, "population.csv", fill_population);
    let p = s.unwrap().check().problems;
    assert_eq!(p.len(), 1, "{p:#?}");
    // A main-group metro under a million inhabitants.
    let (_t, s) = edited(2025, "population.csv", |t| {
        fill_population(t).replace("boston,2000000", "boston,999999")
    });
    let p = s.unwrap().check().problems;
    assert!(
        p.iter()
            .any(|x| x.contains("boston is in group `main` but has 999999 inhabitants")),
        "{p:#?}"
    );
}

#[test]
fn a_broken_edition_is_refused_with_its_file() {
    // A member under two cities without a rule.
    let (_t, s) = edited(2025, "cities.toml", |t| {
        let i = t.find("[[shared_member]]\nname_en = \"Aurora\"").unwrap();
        let j = t[i + 5..].find("[[shared_member]]").unwrap() + i + 5;
        format!("{}{}", &t[..i], &t[j..])
    });
    let e = s.expect_err("refused").to_string();
    assert!(e.contains("/e/cities.toml: city chicago-naperville-elgin, denver: ") && e.contains("member \"aurora\" (US) is listed under chicago-naperville-elgin and denver: declare it in a [[shared_member]] entry"), "{e}");
    // A framework that does not parse.
    let (_t, s) = edited(2025, "framework.toml", |t| format!("{t}\n[[[\n"));
    let e = s.expect_err("refused").to_string();
    assert!(e.contains("/e/framework.toml"), "{e}");
    // A date that is not one.
    let (_t, s) = edited(2025, "edition.toml", |t| {
        t.replace("2024-01-01", "2024-13-01")
    });
    let e = s.expect_err("refused").to_string();
    assert!(
        e.contains("edition.toml")
            && e.contains("valid_on: expected a date YYYY-MM-DD, found `2024-13-01`"),
        "{e}"
    );
    // An alias to a metro the edition does not have.
    let (_t, s) = edited(2025, "place-aliases.csv", |t| {
        t.replacen("san-francisco-san-jose", "atlantis", 1)
    });
    let p = s.unwrap().check().problems;
    assert!(
        p.iter()
            .any(|x| x.contains("place-aliases.csv:") && x.contains("unknown metro `atlantis`")),
        "{p:#?}"
    );
}
