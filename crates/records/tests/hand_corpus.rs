//! A hand-written corpus of 31 publications (32 rows: one exact duplicate) whose every count
//! is worked out below, one rule of Appendix 2, Appendix 7 or the place mapping per family.

use gihi_records::dates::days_from_civil;
use gihi_records::patents::{run, Attribution, PatentOptions, PatentResults};
use gihi_records::{Engine, EngineOptions};
use std::sync::Arc;

const PATENTS: &str = "\
# hand-written test corpus (fictional patents)
pub_id,family_id,type,pct,publication_date,grant_date,expiry_date,lapse_date,title,abstract
P1,F1,invention,false,2019-05-01,2021-03-01,,,Training method for networks,
P1,F1,invention,false,2019-05-01,2021-03-01,,,Training method for networks,
P2,F2,invention,false,2018-01-10,2020-06-01,2038-01-10,,Signal acquisition,
P3,F3,invention,false,2018-02-01,2019-01-01,,,heart rate monitor,
P4,F4,invention,false,2017-03-03,2019-09-09,,,Detecting epileptic seizures,
P5,F5,invention,false,2009-01-01,2010-01-01,2022-12-31,,Text parsing,
P6,F6,invention,false,2014-01-01,2015-01-01,2023-01-01,,Text parsing,
P7,F7,invention,false,2015-01-01,2016-01-01,,2022-06-01,Compound,
P8,F8,invention,false,2015-02-02,2016-02-02,,2023-06-01,Compound,
P9,F9,invention,false,2021-01-01,2023-03-01,,,Antibody,
P10,F10,utility,false,2019-01-01,2020-01-01,,,Rotor,
P11,F11,invention,false,2022-01-01,,,,Rotor,
P12,F12,invention,false,2018-01-01,2019-01-01,,,Hydrocarbons,
P13,F13,invention,false,2018-01-01,2019-01-01,,,a basic memory,
P14,F14,invention,false,2018-01-01,2019-01-01,,,An ASIC for caches,
P15a,F15,invention,false,2017-01-01,2018-01-01,,,Grid connection,
P15b,F15,invention,false,2017-06-01,2019-01-01,,,Grid connection,
P16a,F16,invention,false,2017-01-01,2018-01-01,,,Drug,
P16b,F16,invention,false,2017-06-01,2019-01-01,,,Drug,
P17,F17,invention,true,2023-04-04,,,,Peptide,
P18,F18,invention,true,2022-12-31,,,,Peptide,
P19,F19,invention,true,2023-02-02,,,,Turbine,
P20a,F20,invention,false,2021-01-01,2023-05-05,,,Solar cell,
P20b,F20,invention,true,2022-03-03,,,,Solar cell,
P22,F22,invention,false,2019-01-01,2020-01-01,,,graphics processors array,
P23,F23,invention,false,2019-01-01,2020-01-01,,,Collector,
P24,F24,invention,false,2019-01-01,2020-01-01,,,Tester,
P25,F25,invention,false,2019-01-01,2020-01-01,,,Grid,
P27,F27,design,false,2019-01-01,2020-01-01,,,Design,
P28,F28,invention,false,2020-01-01,2021-01-01,,,Tablet,
P29,F29,invention,false,2020-01-01,2021-01-01,,,Indoles,
P30,F30,invention,false,2020-01-01,2021-01-01,,,Proteins,
";

const IPC: &str = "\
pub_id,ipc
P1,G06N 3/08
P2,A61B0005047600
P3,A61B 5/02
P4,A61B5/02 (2006.01)
P5,G06F 40/30
P6,G06F40/10
P7,C07C 12/00
P8,C07C12/00
P9,A61K 31/00
P10,F03D 1/00
P11,F03D1/00
P12,C07C 1/20
P12,C07C 11/02
P13,G06F 4/00
P13,G06F400/10
P14,G06F 12/08
P15a,H02J 3/38
P15b,H02J3/38
P16a,A61K 31/00
P16b,G06N 3/08
P17,A61K 38/00
P18,A61K 38/00
P19,F03D 1/00
P20a,H01L 31/04
P20b,H01L0031040000
P22,G06T 1/20
P23,F24S 10/00
P24,G01R 31/00
P25,H02J 3/40
P27,G06N 3/08
P28,A61K 9/20
P29,C07D 209/00
P30,C07K 14/00
";

const PARTIES: &str = "\
pub_id,role,name,type,city,country
P1,applicant,MIT,university,Cambridge,US
P1,inventor,A. Person,individual,Tokyo,JP
P2,applicant,Univ Tokyo,university,Tokyo,JP
P3,applicant,Tokyo Co,company,Tokyo,Japan
P4,applicant,PKU,university,Beijing,CHN
P5,applicant,Harvard,university,Boston,United States
P6,applicant,Harvard,university,Boston,US
P7,applicant,Pharma B,company,Boston,US
P8,applicant,Pharma B,company,Boston,US
P9,applicant,Pharma B,company,Boston,US
P9,applicant,Tokyo Pharma,company,Tokyo,JP
P10,applicant,Wind Co,company,Beijing,CN
P11,applicant,Wind Co,company,Beijing,CN
P12,applicant,Chem Co,company,Tokyo,JP
P13,applicant,Chip Co,company,Tokyo,JP
P14,applicant,Chip Co,company,Tokyo,JP
P15a,applicant,Grid Co,company,Lowell,US
P15b,applicant,Grid Co,company,Boston,US
P16a,applicant,Pharma B,company,Boston,US
P16b,applicant,Pharma B,company,Boston,US
P17,applicant,Pharma B,company,Boston,US
P17,applicant,BioBJ,institute,Beijing,CN
P18,applicant,Pharma B,company,Boston,US
P19,applicant,ORNL,government,Oak Ridge,US
P19,inventor,B. Person,individual,Boston,US
P20a,applicant,Solar BJ,company,Beijing,CN
P20b,applicant,Solar BJ,company,Beijing,CN
P20b,applicant,Solar JP,company,Tokyo,JP
P22,applicant,Chip DE,company,Munich,DE
P23,applicant,Sun DE,company,Munich,Germany
P23,applicant,Sun FR,company,Paris,FR
P24,applicant,Test FR,company,Paris,FRA
P25,applicant,Grid FR,company,Paris,FR
P27,applicant,Design FR,company,Paris,FR
P28,applicant,TUM,university,Garching,DE
P29,applicant,Tokyo Chem,company,东京,Japan
P30,applicant,Bio TX,company,Arlington,US
";

fn corpus(patents: &str, ipc: &str, parties: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("patents.csv"), patents).unwrap();
    std::fs::write(d.path().join("patent_ipc.csv"), ipc).unwrap();
    std::fs::write(d.path().join("patent_parties.csv"), parties).unwrap();
    d
}

fn results(
    dir: &std::path::Path,
    attribution: Attribution,
    threads: usize,
) -> Result<PatentResults, gihi_records::RecordsError> {
    let setup = gihi_edition::Setup::gihi_2024();
    let engine = Engine::new(
        &EngineOptions {
            threads,
            memory_limit: 256 << 20,
            cluster: None,
            cluster_timeout: None,
        },
        Arc::new(gihi_ipc::Fields::appendix_7()),
        1,
    )?;
    let o = PatentOptions {
        valid_on: days_from_civil(2023, 1, 1),
        year: 2023,
        attribution,
        skip_invalid: false,
    };
    run(&engine, dir, &setup.registry, &setup.aliases_text, &o)
}

/// (valid, pct, degree) of a metro for a field (`all` for the four together).
fn counts(r: &PatentResults, metro: &str, field: &str) -> (u64, u64, u64) {
    let k = r.fields.iter().position(|f| f == field).unwrap();
    let m = r.metros.iter().find(|m| m.metro == metro).unwrap();
    (m.valid[k], m.pct[k], m.degree[k])
}

#[test]
fn every_count_of_the_hand_corpus() {
    let d = corpus(PATENTS, IPC, PARTIES);
    let r = results(d.path(), Attribution::Applicants, 2).unwrap();
    assert_eq!(
        r.fields,
        ["ai", "chips", "renewables", "biomedicine", "all"]
    );
    // Boston (Cambridge, Lowell, Boston): I09 AI F1 (G06N 3/08) and F16 (P16b); F5 expired
    // before D, F6 expired on D. Renewables F15 (two publications, one family). Biomedicine
    // F8 (lapsed after D) and F16 (P16a); F7 lapsed before D; F9 granted after D.
    // I10: F17 (PCT 2023); F18 was published in 2022. I18: partners Tokyo (F9, granted in
    // 2023) and Beijing (F17, PCT 2023).
    assert_eq!(counts(&r, "boston", "ai"), (2, 0, 0));
    assert_eq!(counts(&r, "boston", "chips"), (0, 0, 0));
    assert_eq!(counts(&r, "boston", "renewables"), (1, 0, 0));
    assert_eq!(counts(&r, "boston", "biomedicine"), (2, 1, 2));
    assert_eq!(counts(&r, "boston", "all"), (4, 1, 2));
    // Tokyo: AI F2 (A61B5/0476 in DOCDB form: AI row 1, though excluded from row 7); F3
    // (A61B 5/02, no brain keyword) is in no field. Chips F14 ("An ASIC"); F13's G06F 4/00 and
    // G06F400/10 with "a basic memory" are not. F12's C07C 1/20 and 11/02 are excluded.
    // Biomedicine F29 (applicant city written 东京). I18: Boston (F9) and Beijing (F20, whose
    // WO publication names a Tokyo co-applicant).
    assert_eq!(counts(&r, "tokyo", "ai"), (1, 0, 0));
    assert_eq!(counts(&r, "tokyo", "chips"), (1, 0, 0));
    assert_eq!(counts(&r, "tokyo", "renewables"), (0, 0, 1));
    assert_eq!(counts(&r, "tokyo", "biomedicine"), (1, 0, 1));
    assert_eq!(counts(&r, "tokyo", "all"), (3, 0, 2));
    // Beijing: AI F4 (A61B 5/02 with "epileptic"); F10 is a utility model, F11 not granted,
    // F20 granted after D. I10: F17. I18: Boston (F17), Tokyo (F20).
    assert_eq!(counts(&r, "beijing", "ai"), (1, 0, 0));
    assert_eq!(counts(&r, "beijing", "renewables"), (0, 0, 1));
    assert_eq!(counts(&r, "beijing", "biomedicine"), (0, 1, 1));
    assert_eq!(counts(&r, "beijing", "all"), (1, 1, 2));
    // Munich: chips F22 ("graphics processors", GPU row), renewables F23, biomedicine F28
    // (applicant in Garching, an alias of Munich).
    assert_eq!(counts(&r, "munich", "all"), (3, 0, 0));
    assert_eq!(counts(&r, "munich", "chips"), (1, 0, 0));
    assert_eq!(counts(&r, "munich", "biomedicine"), (1, 0, 0));
    // Paris: renewables F23 (co-applied with Munich, granted 2020: no network) and F24
    // (G01R 31/00: excluded from the biomass row, a smart-grid row of its own); F25's
    // H02J 3/40 is excluded everywhere; F27 is a design.
    assert_eq!(counts(&r, "paris", "renewables"), (2, 0, 0));
    assert_eq!(counts(&r, "paris", "all"), (2, 0, 0));
    // Every other metro is zero.
    let nonzero: Vec<&str> = r
        .metros
        .iter()
        .filter(|m| m.valid[4] + m.pct[4] + m.degree[4] > 0)
        .map(|m| m.metro.as_str())
        .collect();
    assert_eq!(nonzero, ["boston", "paris", "munich", "beijing", "tokyo"]);

    // The network: three edges, each one family.
    let edges: Vec<(&str, &str, Vec<u64>)> = r
        .edges
        .iter()
        .map(|e| (e.a.as_str(), e.b.as_str(), e.families.clone()))
        .collect();
    assert_eq!(
        edges,
        [
            ("beijing", "boston", vec![0, 0, 0, 1, 1]),
            ("beijing", "tokyo", vec![0, 0, 1, 0, 1]),
            ("boston", "tokyo", vec![0, 0, 0, 1, 1]),
        ]
    );
    // Global totals, wherever the applicants are: valid AI F1 F2 F4 F16; chips F14 F22;
    // renewables F15 F23 F24; biomedicine F8 F16 F28 F29 F30 (Arlington is ambiguous: no
    // metro, but the family counts globally); 13 families in all. PCT 2023: F17, F19.
    assert_eq!(
        r.totals,
        [
            ("ai".to_string(), 4, 0),
            ("chips".to_string(), 2, 0),
            ("renewables".to_string(), 3, 1),
            ("biomedicine".to_string(), 5, 1),
            ("all".to_string(), 13, 2),
        ]
    );
    // The summary: 32 rows, one exact duplicate, 27 publications in a field.
    let s = &r.summary;
    assert_eq!(s.rows["patents"], 32);
    assert_eq!((s.distinct_publications, s.duplicate_rows_ignored), (31, 1));
    assert_eq!(
        s.publications_in_fields.last().unwrap(),
        &("all".to_string(), 27)
    );
    assert!(
        s.top_unmatched
            .iter()
            .any(|(p, n)| p == "Oak Ridge (US)" && *n == 1),
        "{:?}",
        s.top_unmatched
    );
    assert!(
        s.near_misses
            .iter()
            .any(|(p, why)| p == "Arlington (US)" && why.contains("member of 2 metros")),
        "{:?}",
        s.near_misses
    );
    let us = s
        .matched_by_country
        .iter()
        .find(|c| c.country == "US")
        .unwrap();
    // Applicant rows in the US: 14, of which Oak Ridge and Arlington match no metro.
    assert_eq!((us.rows, us.matched), (14, 12));

    // Biomedical focus: Boston's focus families are F8, F16 (valid) and F17 (PCT), all with
    // Pharma B as applicant: one applicant, share 1, HHI 1.
    let boston: Vec<_> = r
        .focus
        .top_applicants
        .iter()
        .filter(|t| t.0 == "boston")
        .collect();
    assert_eq!(boston.len(), 1);
    assert_eq!(
        (boston[0].1.as_str(), boston[0].3, boston[0].4),
        ("Pharma B", 3, 1.0)
    );
    let c = r
        .focus
        .concentration
        .iter()
        .find(|c| c.0 == "boston")
        .unwrap();
    assert_eq!((c.1, c.2, c.3), (3, 1.0, 1.0));
    // PCT 2023 biomedical families of Beijing: F17, co-applied by an institute.
    let mix: Vec<_> = r
        .focus
        .type_mix
        .iter()
        .filter(|t| t.0 == "beijing")
        .collect();
    assert_eq!(mix.len(), 1);
    assert_eq!(
        (mix[0].1.as_str(), mix[0].2, mix[0].3),
        ("institute", 1, 1.0)
    );
    // World series: valid biomedical families by earliest publication year.
    let world: Vec<(i32, u64, u64)> = r
        .focus
        .by_year
        .iter()
        .filter(|y| y.0 == "world")
        .map(|y| (y.1, y.2, y.3))
        .collect();
    assert_eq!(
        world,
        [
            (2015, 1, 0),
            (2017, 1, 0),
            (2020, 3, 0),
            (2021, 0, 0),
            (2022, 0, 1),
            (2023, 0, 1)
        ]
    );
}

#[test]
fn inventors_can_place_patents_instead() {
    let d = corpus(PATENTS, IPC, PARTIES);
    let r = results(d.path(), Attribution::Inventors, 1).unwrap();
    // Only P1 (inventor in Tokyo) and P19 (inventor in Boston) have inventors.
    assert_eq!(counts(&r, "tokyo", "ai"), (1, 0, 0));
    assert_eq!(counts(&r, "boston", "renewables"), (0, 1, 0));
    assert_eq!(counts(&r, "boston", "all"), (0, 1, 0));
    assert_eq!(counts(&r, "beijing", "all"), (0, 0, 0));
}

#[test]
fn thread_counts_give_identical_results() {
    let d = corpus(PATENTS, IPC, PARTIES);
    let mut one = results(d.path(), Attribution::Applicants, 1).unwrap();
    let mut four = results(d.path(), Attribution::Applicants, 4).unwrap();
    // Everything but the timings.
    one.summary.stage_seconds.clear();
    four.summary.stage_seconds.clear();
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&four).unwrap()
    );
}

#[test]
fn bad_input_names_file_row_and_column() {
    let err = |patents: &str, ipc: &str, parties: &str| {
        let d = corpus(patents, ipc, parties);
        let e = results(d.path(), Attribution::Applicants, 2).expect_err("refused");
        assert!(e.is_input_error(), "{e}");
        e.to_string()
    };
    let e = err(
        &PATENTS.replace("P4,F4,invention", "P4,F4,invent"),
        IPC,
        PARTIES,
    );
    assert!(e.contains("patents.csv: row 5, column type: expected invention | utility | design, found `invent`"), "{e}");
    let e = err(
        &PATENTS.replace("2017-03-03,2019-09-09", "2017-03-03,2019-19-09"),
        IPC,
        PARTIES,
    );
    assert!(e.contains("patents.csv: row 5, column grant_date: expected a date YYYY-MM-DD or an empty cell, found `2019-19-09`"), "{e}");
    let e = err(
        &PATENTS.replace("P3,F3,invention,false", "P3,F3,invention,maybe"),
        IPC,
        PARTIES,
    );
    assert!(
        e.contains("row 4, column pct: expected true or false, found `maybe`"),
        "{e}"
    );
    let e = err(
        &PATENTS.replace(
            "P3,F3,invention,false,2018-02-01",
            "P2,F3,invention,false,2018-02-01",
        ),
        IPC,
        PARTIES,
    );
    assert!(
        e.contains("pub_id `P2` appears more than once with different data (first at row 3)"),
        "{e}"
    );
    let e = err(
        PATENTS,
        &IPC.replace("P13,G06F 4/00", "P13,G06F 4-00"),
        PARTIES,
    );
    assert!(
        e.contains("patent_ipc.csv: row 14, column ipc: expected an IPC symbol")
            && e.contains("found `G06F 4-00`")
            && e.contains("--skip-invalid"),
        "{e}"
    );
    let e = err(PATENTS, IPC, &PARTIES.replace("P2,applicant", "P2,owner"));
    assert!(
        e.contains(
            "patent_parties.csv: row 3, column role: expected applicant | inventor, found `owner`"
        ),
        "{e}"
    );
    let e = err(PATENTS, "pub_id,symbol\nP1,G06N 3/08\n", PARTIES);
    assert!(e.contains("patent_ipc.csv: missing column `ipc`"), "{e}");
}
