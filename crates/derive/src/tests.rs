use super::*;
use gihi_registry::Registry;
use std::path::PathBuf;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/examples/sources-synthetic")
}

fn run(dir: &Path) -> Result<Derived, DeriveError> {
    derive(dir, &Setup::gihi_2024())
}

fn cell<'a>(d: &'a Derived, city: &str, ind: &str) -> &'a Cell {
    &d.cells[&(city.to_string(), ind.to_string())]
}

/// A copy of the example with `file` replaced by `text` (header kept unless given).
fn with_file(file: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let p = dir.path().join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, edit(&text)).unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn append(file: &str, line: &str) -> (tempfile::TempDir, PathBuf) {
    with_file(file, |t| format!("{t}{line}\n"))
}

fn error_of(dir: &Path) -> String {
    match run(dir) {
        Ok(_) => "derived without error".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn example_sources_derive_every_cell() {
    let d = run(&example()).unwrap();
    let missing: Vec<_> = d
        .cells
        .iter()
        .filter(|(_, c)| c.value.is_none())
        .map(|(k, c)| format!("{k:?}: {}", c.method))
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    assert_eq!(d.cells.len(), 120 * 30);
    // Every cell is explained by rows, except list counts that are zero.
    for ((city, ind), c) in &d.cells {
        assert!(
            !c.rows.is_empty() || c.value == Some(0.0),
            "{city} {ind}: {c:?}"
        );
    }
}

#[test]
fn per_million_uses_the_summed_population_of_member_cities() {
    let d = run(&example()).unwrap();
    // Tokyo has two population rows (two member cities) in the example.
    let c = cell(&d, "tokyo", "I01");
    let pop: f64 = c
        .rows
        .iter()
        .filter(|r| r.file.ends_with("population.csv"))
        .map(|r| r.amount)
        .sum();
    let count: f64 = c
        .rows
        .iter()
        .filter(|r| r.file.ends_with("dimensions.csv"))
        .map(|r| r.amount)
        .sum();
    assert_eq!(
        c.rows
            .iter()
            .filter(|r| r.file.ends_with("population.csv"))
            .count(),
        2
    );
    assert!((c.value.unwrap() - count / pop * 1e6).abs() < 1e-9);
    assert!(c.method.contains("inhabitants x 1e6"));
}

#[test]
fn laureates_count_in_every_city_once_and_skip_literature_and_peace() {
    let d = run(&example()).unwrap();
    let total: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I02")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    // 60 laureates plus laureate 0 counted a second time in another city; writers and peacemakers not.
    assert_eq!(total, 61.0);
    let all: Vec<&Contribution> = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I02")
        .flat_map(|(_, c)| c.rows.iter())
        .collect();
    assert!(all
        .iter()
        .all(|r| !r.note.contains("Literature") && !r.note.contains("Peace")));
}

#[test]
fn arwu_counts_rank_bands_up_to_200() {
    let d = run(&example()).unwrap();
    let total: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I03")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    assert_eq!(
        total, 200.0,
        "ranks 1-100 and the bands 101-150 and 151-200; not 201-300"
    );
}

#[test]
fn nature_index_sub_institutions_count_above_the_200th_share() {
    let d = run(&example()).unwrap();
    let rows: Vec<&Contribution> = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I04")
        .flat_map(|(_, c)| c.rows.iter())
        .collect();
    // Institute 0 is represented by its branches; branches 0 and 1 exceed the 200th share, branch 2 does not.
    assert!(!rows
        .iter()
        .any(|r| r.note.starts_with("Synthetic Institute 0 (")));
    assert!(rows
        .iter()
        .any(|r| r.note.starts_with("Synthetic Institute 0 - branch 0")));
    assert!(rows
        .iter()
        .any(|r| r.note.starts_with("Synthetic Institute 0 - branch 1")));
    assert!(!rows
        .iter()
        .any(|r| r.note.starts_with("Synthetic Institute 0 - branch 2")));
    assert_eq!(rows.len(), 199 + 2);
}

#[test]
fn supercomputers_on_both_lists_count_once_and_facilities_exclude_them() {
    let d = run(&example()).unwrap();
    let total: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I06")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    assert_eq!(total, 70.0 + 15.0, "the system listed twice counts once");
    let fac: Vec<&Contribution> = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I05")
        .flat_map(|(_, c)| c.rows.iter())
        .collect();
    assert_eq!(
        fac.len(),
        (0..90).filter(|k| k % 3 != 2 && k % 7 != 0).count()
    );
}

#[test]
fn firms_and_unicorns_are_deduplicated_with_a_merge_log() {
    let d = run(&example()).unwrap();
    let firms: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I11")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    assert_eq!(firms, 220.0, "a firm on two lists counts once");
    let unicorns: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I12")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    assert_eq!(unicorns, 160.0 + 40.0);
    // 242 leading-firm rows make 220 firms (22 merges, I11); 54 unicorn merges (I12).
    let count = |p: &str| d.merge_log.iter().filter(|l| l.starts_with(p)).count();
    assert_eq!((count("I11 "), count("I12: ")), (22, 54));
    assert!(d.merge_log.iter().any(|l| l.starts_with("I11 ")));
    assert!(d.merge_log.iter().any(|l| l.starts_with("I12: ")
        && l.contains("same name once case, punctuation and legal forms are removed")));
    assert_eq!(
        firm_key_of("SYNTHETIC UNICORN 3 Co., Ltd."),
        firm_key_of("Synthetic Unicorn 3")
    );
}

/// Issue #11 point 11: only legal forms are removed, so firms that differ in a business word
/// stay apart; every merge of a list union is logged.
#[test]
fn firm_keys_strip_legal_forms_only() {
    assert_ne!(
        firm_key_of("Beta Technologies"),
        firm_key_of("Beta Holdings")
    );
    assert_ne!(firm_key_of("Alpha Group"), firm_key_of("Alpha Holdings"));
    assert_eq!(firm_key_of("Alpha Holdings Co., Ltd."), "alpha holdings");
    assert_eq!(firm_key_of("Gamma S.A."), firm_key_of("GAMMA SA"));
    assert_eq!(firm_key_of("Delta GmbH"), "delta");
    assert_eq!(firm_key_of("The Epsilon Company"), "epsilon");
    assert_eq!(firm_key_of("阿尔法科技有限公司"), "阿尔法科技");
    assert_eq!(firm_key_of("株式会社ベータ"), "ベータ");
    assert_eq!(
        firm_key_of("Inc"),
        "inc",
        "a name that is only a legal form is kept"
    );
    let (_g, dir) = with_file("leading_firms.csv", |_| {
        "firm,list,city,country,metro
         Beta Technologies,eu-scoreboard,Boston,US,
         Beta Holdings,clarivate-top100,Boston,US,
         Beta Technologies Inc.,fortune-global500-tech,Boston,US,
"
        .to_string()
    });
    let d = run(&dir).unwrap();
    assert_eq!(cell(&d, "boston", "I11").value, Some(2.0));
    let merges: Vec<&String> = d
        .merge_log
        .iter()
        .filter(|l| l.starts_with("I11"))
        .collect();
    assert_eq!(merges.len(), 1, "{merges:?}");
    assert!(merges[0].contains("Beta Technologies Inc."));
}

fn firm_key_of(s: &str) -> String {
    rules::firm_key(s)
}

#[test]
fn gics_filters_and_funding_rounds() {
    let d = run(&example()).unwrap();
    let rows: Vec<&Contribution> = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I13")
        .flat_map(|(_, c)| c.rows.iter())
        .collect();
    assert!(rows
        .iter()
        .all(|r| !r.note.contains("GICS 4010") && !r.note.contains("GICS 2550")));
    assert_eq!(rows.len(), (0..180).filter(|k| k % 8 < 6).count());
    let vc: usize = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I21")
        .map(|(_, c)| c.rows.len())
        .sum();
    let pe: usize = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I22")
        .map(|(_, c)| c.rows.len())
        .sum();
    assert_eq!(
        (vc, pe),
        (200, 300),
        "Seed, Angel, A, B are VC; C, D, E+, F, growth equity and PE are PE"
    );
}

#[test]
fn growth_uses_fallback_years_and_flags_them() {
    let d = run(&example()).unwrap();
    let paris = cell(&d, "paris", "I15");
    assert_eq!(paris.year, Some(2021));
    assert!(paris.flags.contains(&Flag::FallbackYear));
    let boston = cell(&d, "boston", "I15");
    assert_eq!(boston.year, Some(2022));
    assert!(boston.flags.is_empty());
    let toronto = cell(&d, "toronto", "I15");
    assert_eq!(toronto.year, Some(2020));
}

#[test]
fn proxies_are_flagged() {
    let d = run(&example()).unwrap();
    assert!(cell(&d, "tokyo", "I23").flags.contains(&Flag::ProxyState));
    assert!(cell(&d, "budapest", "I23")
        .flags
        .contains(&Flag::ProxyNational));
    assert!(cell(&d, "seoul", "I28")
        .flags
        .contains(&Flag::ProxyNational));
    assert!(cell(&d, "dublin", "I28")
        .flags
        .contains(&Flag::ProxyNational));
    assert!(cell(&d, "boston", "I27")
        .flags
        .contains(&Flag::ProxyNational));
    assert!(cell(&d, "boston", "I29").flags.contains(&Flag::ProxyState));
    let estimated = d
        .cells
        .iter()
        .filter(|((_, i), c)| i == "I16" && c.flags.contains(&Flag::Estimated))
        .count();
    assert_eq!(
        estimated, 30,
        "every fourth city estimates its working-age population"
    );
}

#[test]
fn provenance_explains_every_cell() {
    let d = run(&example()).unwrap();
    let p = d.provenance_csv();
    assert_eq!(p.lines().count(), 1 + 120 * 30);
    assert!(p.starts_with("city,indicator,value,files,rows,year,flags,method\n"));
    let csv = d.indicator_csv(Some("# SYNTHETIC"));
    assert!(csv.starts_with("# SYNTHETIC\n# units: I01 researchers per million inhabitants; "));
    assert!(csv.contains(
        "; I13 USD billion (market value, Forbes Global 2000); I14 USD million (2023 revenue); "
    ));
    assert!(csv.contains("\ncity,I01,"));
}

#[test]
fn bad_input_is_located() {
    let cases: Vec<((tempfile::TempDir, PathBuf), &str)> = vec![
        (
            append("population.csv", "Bostn,US,,5,2023"),
            "population.csv:",
        ),
        (
            append("population.csv", "Paris,Frnace,,5,2023"),
            "unknown country `Frnace`; did you mean France?",
        ),
        (
            append(
                "facilities.csv",
                "Synthetic X,telescope,operating,Paris,FR,",
            ),
            "unknown category `telescope`",
        ),
        (
            append(
                "cbinsights_funding.csv",
                "Synthetic Y,Paris,FR,Series Seed-Plus,3,",
            ),
            "unknown round type `Series Seed-Plus`",
        ),
        (
            append("laureates.csv", "Someone,Nobel Maths,2000,Paris,FR,"),
            "unknown prize `Nobel Maths`",
        ),
        (
            append("cloudscene.csv", "Paris,FR,,-4"),
            "expected a number of 0 or more, found -4",
        ),
        (
            append("un_egov.csv", "France,87"),
            "expected an index between 0 and 1, found 87",
        ),
        (
            append("population.csv", "Arlington,US,,5,2023"),
            "member of 2 metros",
        ),
        (
            with_file("patents.csv", |t| t.replace(",pct_applications", ",pct")),
            "missing required column(s): expected a header with city, country, valid_invention_patents, pct_applications",
        ),
        (
            with_file("oag_flights.csv", |t| {
                t.lines()
                    .chain(t.lines().skip(2).take(1).map(|l| {
                        l.rsplit_once(',')
                            .map_or(l.to_string(), |(a, _)| format!("{a},1"))
                            .leak() as &str
                    }))
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            }),
            "duplicate row for",
        ),
    ];
    for ((_guard, dir), expected) in cases {
        let e = error_of(&dir);
        assert!(e.contains(expected), "expected `{expected}` in `{e}`");
        assert!(e.contains(".csv:"), "{e}");
    }
    let (_g, dir) = with_file("population.csv", |t| t.to_string());
    std::fs::remove_file(dir.join("speedtest.csv")).unwrap();
    assert!(error_of(&dir).contains("missing source file(s) speedtest.csv: they feed I25"));
    let (_g, dir) = append("population.csv", "Bostn,US,,5,2023");
    let e = error_of(&dir);
    assert!(
        e.contains("`Bostn` (US) matches no registry city, member administrative city or alias, but is close to boston"),
        "{e}"
    );
}

#[test]
fn templates_list_every_column() {
    for s in sources::SOURCES {
        let t = sources::template(s);
        for (c, _) in s.columns {
            assert!(t.contains(c), "{} lacks {c}", s.file);
        }
        assert!(t.lines().last().unwrap().contains(s.columns[0].0));
    }
    assert_eq!(sources::SOURCES.len(), 29);
    let feeds: BTreeSet<&str> = sources::SOURCES
        .iter()
        .flat_map(|s| s.feeds.iter().copied())
        .collect();
    assert_eq!(feeds.len(), 30, "every indicator has a source");
}

#[test]
fn growth_rebases_world_bank_deflators_per_series() {
    let d = run(&example()).unwrap();
    let gba = cell(&d, "greater-bay-area", "I15");
    assert!(
        gba.rows.iter().any(|r| r.note.contains("HKG deflator")),
        "{gba:?}"
    );
    assert!(gba.rows.iter().any(|r| r.note.contains("CHN deflator")));
    assert!(cell(&d, "taipei", "I15")
        .rows
        .iter()
        .all(|r| r.note.contains("TWN deflator")));
    // Real growth in the example is drawn near 3 % a year; nominal values embed each series'
    // deflator and PPP factor, which the rule must undo.
    let values: Vec<f64> = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I15")
        .map(|(_, c)| c.value.unwrap())
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    assert!((mean - 3.0).abs() < 1.0, "mean growth {mean}");
    // A missing World Bank value is named.
    let (_g, dir) = with_file("wb_ppp_factor.csv", |t| {
        t.lines()
            .filter(|l| !l.contains("\"USA\""))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let e = error_of(&dir);
    assert!(
        e.contains("no PA.NUS.PPP value for series USA in 2015 in wb_ppp_factor.csv"),
        "{e}"
    );
}

#[test]
fn proxies_follow_the_reports_lists() {
    let d = run(&example()).unwrap();
    let lists: toml::Value = toml::from_str(rules::PROXIES_TOML).unwrap();
    for (ind, level, flag) in [
        ("I23", "national", Flag::ProxyNational),
        ("I23", "state", Flag::ProxyState),
        ("I28", "national", Flag::ProxyNational),
    ] {
        for metro in lists[ind][level].as_array().unwrap() {
            let c = cell(&d, metro.as_str().unwrap(), ind);
            assert!(c.flags.contains(&flag), "{metro} {ind}: {c:?}");
            assert!(c.method.contains("as the report lists"), "{}", c.method);
        }
    }
    // A listed city without its proxy row is missing, and says why.
    let (_g, dir) = with_file("talent.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("RU,"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let d = run(&dir).unwrap();
    let moscow = cell(&d, "moscow", "I28");
    assert_eq!(moscow.value, None);
    assert!(moscow
        .method
        .contains("the report uses a proxy-national figure for this city"));
    assert!(moscow.flags.contains(&Flag::Missing));
    // Unlisted cities use their own counts.
    assert!(cell(&run(&example()).unwrap(), "boston", "I23")
        .flags
        .is_empty());
}

#[test]
fn sums_and_per_million_agree_with_their_rows() {
    let d = run(&example()).unwrap();
    for ((city, ind), c) in &d.cells {
        if !c.method.starts_with("sum of") {
            continue;
        }
        let is_pop = |r: &&Contribution| r.file.ends_with("population.csv");
        let total: f64 = c.rows.iter().filter(|r| !is_pop(r)).map(|r| r.amount).sum();
        let expected = if rules::PER_MILLION.contains(&ind.as_str()) {
            let pop: f64 = c.rows.iter().filter(is_pop).map(|r| r.amount).sum();
            total / pop * 1e6
        } else {
            total
        };
        assert!(
            (c.value.unwrap() - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            "{city} {ind}: {} vs {expected}",
            c.value.unwrap()
        );
    }
    // I25 is the mean of the four speeds; I19 and I20 split the projects by side.
    let b = cell(&d, "boston", "I25");
    assert!(b.method.starts_with("mean of"));
    let i19: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I19")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    let i20: f64 = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I20")
        .map(|(_, c)| c.value.unwrap())
        .sum();
    assert!(
        i19 > i20,
        "every destination is an evaluated city, some sources are not"
    );
    let listed: usize = d
        .cells
        .iter()
        .filter(|((_, i), _)| i == "I14")
        .map(|(_, c)| c.rows.len())
        .sum();
    assert_eq!(
        listed,
        (0..240).filter(|k| k % 7 < 5).count(),
        "GICS 40101010 and 25502020 are not new economy"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Arbitrary bytes in a source file (or any place name) never panic the derivation.
    #[test]
    fn arbitrary_source_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600), which in 0usize..29) {
        let file = sources::SOURCES[which].file;
        let (_g, dir) = with_file(file, |t| {
            let header = t.lines().find(|l| !l.starts_with('#')).unwrap_or("").to_string();
            format!("{header}\n{}", String::from_utf8_lossy(&bytes))
        });
        let _ = run(&dir);
        let registry = Registry::gihi_2024();
        let places = places::Places::new(&registry);
        let text = String::from_utf8_lossy(&bytes);
        let _ = places.resolve(&text, &text, None);
    }
}

#[test]
fn cells_carry_their_data_year() {
    let d = run(&example()).unwrap();
    assert_eq!(cell(&d, "boston", "I06").year, Some(2023));
    assert_eq!(cell(&d, "boston", "I13").year, Some(2024));
    assert_eq!(cell(&d, "boston", "I27").year, Some(2022));
    assert_eq!(cell(&d, "boston", "I29").year, Some(2021));
    assert_eq!(cell(&d, "paris", "I15").year, Some(2021));
}

fn summary_of<'a>(d: &'a Derived, file: &str) -> &'a SourceSummary {
    d.summary.sources.iter().find(|s| s.file == file).unwrap()
}

/// Issue #11, points 8 and 9: real world lists hold places outside the 120 metros, in the
/// sources' own spellings. Hand-worked: every row below is either used or counted as outside.
#[test]
fn world_lists_skip_and_count_places_outside_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let add = |file: &str, lines: &str| {
        let p = dir.path().join(file);
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, t + lines).unwrap();
    };
    // TOP500: Oak Ridge and Los Alamos are in no metro; Livermore is an alias of the Bay Area.
    add(
        "top500.csv",
        "501,Frontier,HPE Cray EX,Oak Ridge National Laboratory,United States,Oak Ridge,\n\
         502,Crossroads,HPE Cray EX,Los Alamos National Laboratory,United States,Los Alamos,\n\
         503,El Capitan,HPE Cray EX,Lawrence Livermore National Laboratory,United States,Livermore,\n\
         504,Shaheen III,HPE Cray EX,KAUST,Saudi Arabia,Thuwal,\n",
    );
    // ShanghaiRanking: Stanford (alias) counts for San Francisco-San Jose; KAUST is outside.
    add(
        "arwu.csv",
        "50,Stanford University,United States,Stanford,\n\
         150,King Abdulaziz University,Saudi Arabia,Jeddah,\n",
    );
    // fDi Markets: one side outside counts the other side; both outside counts once.
    add(
        "fdi_markets.csv",
        "Riyadh,Saudi Arabia,London,GB,1000,,\n\
         Lagos,Nigeria,Nairobi,Kenya,5,,\n",
    );
    // UN E-Government: the UN's own spellings of two registry countries; Nigeria is outside.
    let egov = dir.path().join("un_egov.csv");
    let text = std::fs::read_to_string(&egov).unwrap();
    let text = text
        .replace(
            "\nUnited Kingdom,",
            "\nUnited Kingdom of Great Britain and Northern Ireland,",
        )
        .replace("\nNetherlands,", "\nNetherlands (Kingdom of the),");
    std::fs::write(&egov, text + "Nigeria,0.42\n").unwrap();
    let base = run(&example()).unwrap();
    let d = run(dir.path()).unwrap();

    let top = summary_of(&d, "top500.csv");
    assert_eq!(top.outside_registry, 3);
    assert!(top.top_outside.contains(&("Oak Ridge (US)".to_string(), 1)));
    assert!(top
        .top_outside
        .contains(&("Thuwal (Saudi Arabia)".to_string(), 1)));
    let sf = |d: &Derived, i: &str| cell(d, "san-francisco-san-jose", i).value.unwrap();
    assert_eq!(
        sf(&d, "I06"),
        sf(&base, "I06") + 1.0,
        "El Capitan via the alias"
    );
    assert_eq!(
        sf(&d, "I03"),
        sf(&base, "I03") + 1.0,
        "Stanford via the alias"
    );
    assert_eq!(summary_of(&d, "arwu.csv").outside_registry, 1);
    let london = |d: &Derived| cell(d, "london", "I19").value.unwrap();
    assert_eq!(london(&d), london(&base) + 1000.0);
    assert_eq!(
        summary_of(&d, "fdi_markets.csv").outside_registry,
        base.summary
            .sources
            .iter()
            .find(|s| s.file == "fdi_markets.csv")
            .unwrap()
            .outside_registry
            + 1
    );
    // Every GB and NL metro has its e-government value; Nigeria is counted, not an error.
    for (m, c) in [("london", "GB"), ("amsterdam", "NL")] {
        assert!(cell(&d, m, "I27").value.is_some(), "{m} ({c})");
    }
    assert!(summary_of(&d, "un_egov.csv")
        .top_outside
        .iter()
        .any(|(p, _)| p == "Nigeria"));
    assert_eq!(d.summary.missing_by_indicator["I27"], 0);
}

#[test]
fn misspelled_places_and_countries_stay_errors() {
    let (_g, dir) = append("top500.csv", "505,X,Y,Z,United States,Bostn,");
    assert!(
        error_of(&dir).contains("close to boston"),
        "{}",
        error_of(&dir)
    );
    let (_g, dir) = append("un_egov.csv", "Untied Kingdom,0.9");
    assert!(
        error_of(&dir).contains("did you mean United Kingdom"),
        "{}",
        error_of(&dir)
    );
}

#[test]
fn user_aliases_extend_the_shipped_table() {
    let (_g, dir) = append("arwu.csv", "60,Synthetic Lab,US,Emeryville,");
    let before = run(&dir).unwrap();
    assert_eq!(summary_of(&before, "arwu.csv").outside_registry, 1);
    std::fs::write(
        dir.join("place_aliases.csv"),
        "place,country,metro,note\nEmeryville,US,san-francisco-san-jose,Alameda County\n",
    )
    .unwrap();
    let after = run(&dir).unwrap();
    assert_eq!(summary_of(&after, "arwu.csv").outside_registry, 0);
    let sf = |d: &Derived| cell(d, "san-francisco-san-jose", "I03").value.unwrap();
    assert_eq!(sf(&after), sf(&before) + 1.0);
    std::fs::write(
        dir.join("place_aliases.csv"),
        "place,country,metro\nX,US,gotham\n",
    )
    .unwrap();
    assert!(error_of(&dir).contains("unknown metro `gotham`"));
}

#[test]
fn shipped_aliases_and_country_names_are_valid() {
    let registry = Registry::gihi_2024();
    let p = places::Places::new(&registry);
    assert_eq!(
        p.country("Netherlands (Kingdom of the)").as_deref(),
        Some("NL")
    );
    assert_eq!(
        p.resolve("Palo Alto", "US", None),
        Ok(places::Resolved::Metro("san-francisco-san-jose".into()))
    );
    assert!(matches!(
        p.resolve("Oak Ridge", "US", None),
        Ok(places::Resolved::Outside { .. })
    ));
}

/// Issue #11 point 1, hand-worked. Threshold = Share of the 200th (here the last ranked, D,
/// 100). B's two sub-institutions are both in Wuhan: B is not split and counts once there by
/// its rank. C's are in Beijing and Shanghai: C is represented by them; C-Beijing (150 > 100)
/// counts, C-Shanghai (50) does not. Boston: A and D.
#[test]
fn nature_index_splits_only_institutions_spread_over_cities() {
    let (_g, dir) = with_file("nature_index.csv", |_| {
        "Position,Institution,Country/territory,Share,City,Parent,metro\n\
         1,A,US,500,Boston,,\n\
         2,B,CN,300,Wuhan,,\n\
         ,B - east,CN,20,Wuhan,B,\n\
         ,B - west,CN,10,Wuhan,B,\n\
         3,C,CN,200,Beijing,,\n\
         ,C - Beijing,CN,150,Beijing,C,\n\
         ,C - Shanghai,CN,50,Shanghai,C,\n\
         4,D,US,100,Boston,,\n"
            .to_string()
    });
    let d = run(&dir).unwrap();
    let v = |m: &str| cell(&d, m, "I04").value.unwrap();
    assert_eq!(v("boston"), 2.0);
    assert_eq!(v("wuhan"), 1.0);
    assert_eq!(v("beijing"), 1.0);
    assert_eq!(v("shanghai"), 0.0);
    assert!(cell(&d, "wuhan", "I04").rows[0]
        .note
        .starts_with("B (Share 300"));
}

/// Issue #11 point 6, hand-worked: Munich's city row removed and a German national row
/// added. The report lists no proxy for Munich (proxies.toml), so Munich's I23 is missing,
/// not Germany's figure; a listed city (Toronto) still takes its state figure.
#[test]
fn only_listed_cities_take_a_proxy() {
    let (_g, dir) = with_file("lawyers.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("Munich,"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\nGermany,country,DE,,,3500,2022\n"
    });
    let d = run(&dir).unwrap();
    let munich = cell(&d, "munich", "I23");
    assert_eq!(munich.value, None, "{munich:?}");
    assert!(munich.flags.contains(&Flag::Missing));
    assert!(
        munich.method.contains("lists no I23 proxy"),
        "{}",
        munich.method
    );
    let toronto = cell(&d, "toronto", "I23");
    assert!(toronto.flags.contains(&Flag::ProxyState));
}

/// Issue #11 point 10, hand-worked against the cut-off 2024-06-24: a 2023 award counts, a
/// 2024 award announced on 2024-10-08 does not, one announced on 2024-04-10 does, and a 2024
/// award without its date is an error (it cannot be placed).
#[test]
fn laureates_after_the_cut_off_do_not_count() {
    let rows = "laureate,prize,year,date,city,country,metro\n\
                A,Turing,2023,,Boston,US,\n\
                B,Nobel Physics,2024,2024-10-08,Boston,US,\n\
                C,Turing,2024,2024-04-10,Boston,US,\n";
    let (_g, dir) = with_file("laureates.csv", |_| rows.to_string());
    let d = run(&dir).unwrap();
    let c = cell(&d, "boston", "I02");
    assert_eq!(c.value, Some(2.0), "{c:?}");
    assert!(!c.rows.iter().any(|r| r.note.starts_with("B ")));
    let (_g, dir) = with_file("laureates.csv", |_| {
        format!("{rows}D,Nobel Chemistry,2024,,Boston,US,\n")
    });
    assert!(error_of(&dir).contains("a 2024 award needs its announcement date"));
    let (_g, dir) = with_file("laureates.csv", |_| {
        format!("{rows}E,Nobel Chemistry,2025,,Boston,US,\n")
    });
    assert_eq!(cell(&run(&dir).unwrap(), "boston", "I02").value, Some(2.0));
}

/// Issue #11 point 12: the platform is recorded in the cell's method; Zhaopin is accepted
/// for mainland Chinese cities only.
#[test]
fn talent_platform_is_recorded_and_zhaopin_is_mainland_only() {
    let d = run(&example()).unwrap();
    assert!(cell(&d, "beijing", "I28")
        .method
        .contains("platform Zhaopin"));
    assert!(cell(&d, "boston", "I28")
        .method
        .contains("platform LinkedIn"));
    for place in ["Boston,city,US", "Hong Kong,city,Hong Kong"] {
        let (_g, dir) = append("talent.csv", &format!("{place},,zhaopin,100,"));
        assert!(
            error_of(&dir).contains("Zhaopin covers mainland Chinese cities only"),
            "{place}: {}",
            error_of(&dir)
        );
    }
}

/// Issue #11 point 2, hand-worked. TOP500: ranks 1 and 2 are two systems with an empty name
/// at one Boston site (2 systems); rank 2 repeated is one system. China HPC TOP100: rank 1 is
/// TOP500 rank 3 under its Chinese name (one system, via hpc_matches.csv); ranks 2 and 3 are
/// two identical entries, two systems. Beijing: 1 + 2 = 3 (4 without the match table).
#[test]
fn supercomputers_are_identified_by_rank_and_matched_explicitly() {
    let (_g, dir) = with_file("top500.csv", |_| {
        "Rank,Name,Computer,Site,Country,City,metro\n\
         1,,Cray,Harvard,US,Boston,\n\
         2,,Cray,Harvard,US,Boston,\n\
         2,,Cray,Harvard,US,Boston,\n\
         3,Sunway X,Sunway,NSC,China,Beijing,\n"
            .to_string()
    });
    let china = dir.join("china_hpc_top100.csv");
    std::fs::write(
        &china,
        "Rank,Name,Site,City,metro\n1,神威X,国家超算中心,Beijing,\n2,天河,NUDT,Beijing,\n3,天河,NUDT,Beijing,\n",
    )
    .unwrap();
    let d = run(&dir).unwrap();
    assert_eq!(cell(&d, "boston", "I06").value, Some(2.0));
    assert_eq!(
        cell(&d, "beijing", "I06").value,
        Some(4.0),
        "no match table: 神威X counts twice"
    );
    assert!(d
        .merge_log
        .iter()
        .any(|l| l.starts_with("I06:") && l.contains("same rank 2")));
    std::fs::write(dir.join("hpc_matches.csv"), "top500_rank,china_rank\n9,1\n").unwrap();
    assert!(error_of(&dir).contains("hpc_matches.csv:2:1: TOP500 rank 9 is not on the list read"));
    std::fs::write(dir.join("hpc_matches.csv"), "top500_rank,china_rank\n3,1\n").unwrap();
    let d = run(&dir).unwrap();
    assert_eq!(cell(&d, "beijing", "I06").value, Some(3.0));
    assert!(d
        .merge_log
        .iter()
        .any(|l| l.contains("神威X (China HPC TOP100 rank 1") && l.contains("hpc_matches.csv")));
}

/// Issue #11 point 3, hand-worked. Denver has GDP for Denver in 2021 and 2022; adding a
/// member (Lakewood) for 2022 only must not raise the growth: it is left out and flagged.
/// A Hong Kong member without `wb_code` uses the HKG series, not China's.
#[test]
fn growth_compares_the_same_members_and_series() {
    let d = run(&example()).unwrap();
    let before = cell(&d, "denver", "I15").value.unwrap();
    let (_g, dir) = append("gdp.csv", "Lakewood,US,denver,2022,9000000000000,");
    let d = run(&dir).unwrap();
    let c = cell(&d, "denver", "I15");
    assert_eq!(c.value.unwrap(), before, "{c:?}");
    assert!(c.flags.contains(&Flag::MembersExcluded));
    assert!(
        c.method.contains("left out: lakewood (US) (only 2022)"),
        "{}",
        c.method
    );

    let gba = |d: &Derived| cell(d, "greater-bay-area", "I15").value.unwrap();
    let with_code = gba(&run(&example()).unwrap());
    let (_g, dir) = with_file("gdp.csv", |t| {
        t.lines()
            .map(|l| {
                if l.starts_with("Hong Kong,") {
                    l.trim_end_matches("HKG").to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    assert_eq!(
        gba(&run(&dir).unwrap()),
        with_code,
        "HKG derived from the member"
    );
}

/// Issue #11 point 7, hand-worked. Chicago-Naperville-Elgin: researchers for Naperville and
/// Chicago, population for Chicago only → error naming both sets. San Francisco-San Jose: a
/// population row for the whole metro on top of its member rows → error (counted twice).
#[test]
fn per_million_numerators_and_populations_cover_the_same_members() {
    let (_g, dir) = with_file("population.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("Naperville,"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let e = error_of(&dir);
    assert!(e.contains("dimensions.csv:17:1"), "{e}");
    assert!(
        e.contains("chicago-naperville-elgin I01: the numerator covers {chicago (US), naperville (US)} but the population covers {chicago (US)}"),
        "{e}"
    );
    let (_g, dir) = append("population.csv", "San Francisco-San Jose,US,,7700000,2023");
    let e = error_of(&dir);
    assert!(e.contains("san-francisco-san-jose population: a row for the whole metro and rows for its member cities"), "{e}");
}

/// Issue #11 point 4, hand-worked on Boston (member Lowell). I16's numerator is the real 2022
/// GDP derived from gdp.csv exactly as I15's (so it equals the 2022 row's contribution), the
/// denominator the 2022 working-age population. A 2019 population row instead is used but
/// flagged fallback-year, and the method names both years.
#[test]
fn productivity_uses_the_i15_gdp_and_the_years_given() {
    let d = run(&example()).unwrap();
    let growth = cell(&d, "boston", "I15");
    let gdp_2022 = growth
        .rows
        .iter()
        .find(|r| r.note.starts_with("Lowell 2022"))
        .unwrap()
        .amount;
    let c = cell(&d, "boston", "I16");
    let wap = 9362572.0 * 0.632;
    assert!(
        (c.value.unwrap() - gdp_2022 / wap).abs() < 1e-6 * c.value.unwrap(),
        "{c:?}"
    );
    assert!(!c.flags.contains(&Flag::FallbackYear));
    let (_g, dir) = with_file("labour.csv", |t| {
        t.replace("Lowell,US,,2022,", "Lowell,US,,2019,")
    });
    let d = run(&dir).unwrap();
    let c = cell(&d, "boston", "I16");
    assert!(c.flags.contains(&Flag::FallbackYear), "{c:?}");
    assert!(
        c.method.contains("real GDP 2022") && c.method.contains("working-age population 2019"),
        "{}",
        c.method
    );
    assert_eq!(c.year, Some(2022));
}

/// Issue #11 point 5: a side of an FDI project that is ambiguous (Arlington, US, without
/// `metro`) or misspelled (Bostn) is an error, not silently dropped; a side outside every
/// metro (Riyadh) is skipped and counted while the other side counts.
#[test]
fn fdi_sides_are_resolved_or_reported() {
    let (_g, dir) = append("fdi_markets.csv", "London,GB,Arlington,US,50,,");
    assert!(
        error_of(&dir).contains("member of 2 metros"),
        "{}",
        error_of(&dir)
    );
    let (_g, dir) = append("fdi_markets.csv", "London,GB,Bostn,US,50,,");
    assert!(
        error_of(&dir).contains("close to boston"),
        "{}",
        error_of(&dir)
    );
    let base = run(&example()).unwrap();
    let (_g, dir) = append("fdi_markets.csv", "London,GB,Riyadh,Saudi Arabia,50,,");
    let d = run(&dir).unwrap();
    let out = |d: &Derived| cell(d, "london", "I20").value.unwrap();
    assert_eq!(out(&d), out(&base) + 50.0);
}
