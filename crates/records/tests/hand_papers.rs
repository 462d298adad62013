//! A hand-written corpus of 24 papers (25 rows: one exact duplicate) whose every figure is
//! worked out below: I01, I07 (ties at the threshold, zero citations, a paper top in two
//! divisions, years outside the span), I08, the 2023 co-authorship matrix and I17, the
//! international series and the per-division table of 2022.
//!
//! Metros: tokyo, boston, london, paris, beijing, greater-bay-area (GBA). Tsukuba (JP) and
//! Leuven (BE) are outside every metro.

use gihi_records::papers::{run, PaperOptions, PaperResults};
use gihi_records::papers_focus::{field_leaders, metro_series, top_international, world_series};
use gihi_records::{Engine, EngineOptions};
use std::sync::Arc;

const PAPERS: &str = "\
# hand-written test corpus (fictional papers)
paper_id,year,type,times_cited,cited_by_patents,cited_by_policy,cited_by_trials
A1,2010,article,50,0,0,0
A2,2010,article,50,0,0,0
A3,2010,article,10,0,0,0
A4,2010,article,5,0,0,0
A5,2011,article,0,0,0,0
A6,2011,article,0,0,0,0
A7,2023,article,100,0,2,0
B1,2019,article,3,2,1,0
B2,2020,article,3,1,1,1
B3,2023,article,1,0,0,5
B4,2018,article,9,10,0,0
B6,2021,chapter,0,0,0,0
B7,2022,article,4,1,0,0
C1,2023,article,0,0,0,0
C2,2023,article,0,0,0,0
C3,2023,article,0,0,0,0
C4,2023,article,0,0,0,0
C5,2023,article,0,0,0,0
C6,2023,article,0,0,0,0
D1,2022,article,0,0,0,0
D2,2022,article,0,0,0,0
D3,2022,article,0,0,0,0
D4,2022,article,0,0,0,0
D5,2015,article,0,0,0,0
D5,2015,article,0,0,0,0
";

const FIELDS: &str = "\
paper_id,field
A1,31
A2,31
A3,31
A3,40
A3,46
A4,40
A5,32
A6,32
A7,31
B7,46
D1,46
D2,46
D2,32
D3,32 Biomedical and Clinical Sciences
D4,32
D4,32
";

const AUTHORSHIPS: &str = "\
paper_id,researcher_id,org_id,city,country
A1,x1,,Tokyo,JP
A1,x2,,Tsukuba,Japan
A2,x3,,Boston,US
A3,x4,,London,GB
A3,x5,,Paris,FR
A4,x6,,London,GBR
A5,x7,,Tokyo,JP
A6,x8,,Beijing,CN
A7,R8,,Beijing,CN
B1,R1,,Tokyo,JP
B1,R2,,Tokyo,JPN
B1,,,Tokyo,JP
B2,R1,,Tokyo,JP
B2,R3,,Cambridge,US
B3,R1,,Boston,US
B3,R4,,Lowell,United States
B4,R5,,Tokyo,JP
B6,R6,,Tokyo,JP
B6,R6,,Kamakura,JP
B7,R7,,London,GB
B7,R7,,Paris,FR
C1,,,Tokyo,JP
C1,,,Boston,US
C2,,,Tokyo,JP
C2,,,Boston,US
C2,,,London,GB
C3,,,Tokyo,JP
C3,,,Tokyo,JP
C3,,,Boston,US
C3,,,Cambridge,US
C4,,,London,GB
C4,,,Paris,FR
C5,,,Beijing,CN
C5,,,Shenzhen,CN
C5,,,Hong Kong,HK
C6,,,Tokyo,JP
C6,,,Tsukuba,JP
D1,,,Beijing,CN
D2,,,Beijing,CN
D2,,,Boston,US
D3,,,Paris,FR
D3,,,Leuven,BE
D4,,,Beijing,CN
D4,,,Tokyo,JP
D5,,,Tokyo,JP
D5,,,Boston,US
Z9,,,Tokyo,JP
";

fn corpus(papers: &str, fields: &str, authorships: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("papers.csv"), papers).unwrap();
    std::fs::write(d.path().join("paper_fields.csv"), fields).unwrap();
    std::fs::write(d.path().join("paper_authorships.csv"), authorships).unwrap();
    d
}

const OPTIONS: PaperOptions = PaperOptions {
    network_year: 2023,
    active: [2019, 2023],
    highly_cited: [2000, 2022],
    focus: [2000, 2022],
};

fn results(
    dir: &std::path::Path,
    threads: usize,
) -> Result<PaperResults, gihi_records::RecordsError> {
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
    run(&engine, dir, &setup.registry, &setup.aliases_text, &OPTIONS)
}

fn k(r: &PaperResults, metro: &str) -> usize {
    r.metros.iter().position(|m| m == metro).unwrap()
}

/// (I01, I07, I08, papers of the active years) of a metro.
fn indicators(r: &PaperResults, metro: &str) -> [u64; 4] {
    let i = k(r, metro);
    [
        r.researchers[i],
        r.highly_cited[i],
        r.policy_citations[i],
        r.active_papers[i],
    ]
}

#[test]
fn every_figure_of_the_hand_corpus() {
    let d = corpus(PAPERS, FIELDS, AUTHORSHIPS);
    let r = results(d.path(), 2).unwrap();
    let s = &r.summary;
    assert_eq!(s.rows["papers"], 25);
    assert_eq!(s.distinct_papers, 24);
    assert_eq!(s.duplicate_rows_ignored, 1, "D5 twice, identical");
    assert_eq!(
        s.papers_missing_from_papers_file, 1,
        "Z9 has authorships only"
    );
    assert_eq!(
        s.authorships_without_researcher, 27,
        "B1's third row and C*, D*, Z9"
    );

    // I07. 31/2010: A1 50, A2 50, A3 10 → n = 3, k = 1, T = 50: A1 and A2 (a tie at T).
    // 40/2010: A3 10, A4 5 → T = 10: A3. 46/2010: A3 alone → A3 again (counted once).
    // 32/2011: A5 0, A6 0 → T = 0, but 0 citations are never highly cited.
    // 31/2023: A7 is outside 2000–2022. 46/2022: B7 4, D1 0, D2 0 → T = 4: B7.
    // 32/2022: D2, D3, D4 all 0 → none. Highly cited: A1, A2, A3, B7.
    assert_eq!(s.highly_cited_papers, 4);

    // I01 (2019–2023 papers; authorships without an id do not count; one researcher in two
    // member cities of a metro counts once; one researcher in two metros counts in both):
    // tokyo R1 (B1, B2), R2 (B1, written JPN), R6 (B6 Tokyo + Kamakura) = 3; B4's R5 is 2018.
    // boston R3 (B2 at Cambridge), R1 and R4 (B3 at Boston, Lowell) = 3.
    // london R7 (B7), paris R7 (B7), beijing R8 (A7, 2023).
    // I08 (2019–2023): tokyo B1 3 + B2 3 + B6 0 (+ C1–C3, C6, D4, 0) = 6; boston B2 3 + B3 5 = 8;
    // london B7 1; paris B7 1; beijing A7 2.
    // I07 per metro: tokyo A1; boston A2; london A3, B7; paris A3, B7; beijing none.
    // Active papers: tokyo B1 B2 B6 C1 C2 C3 C6 D4 D5? (2015: no) = 8; boston B2 B3 C1 C2 C3 D2 = 6;
    // london B7 C2 C4 = 3; paris B7 C4 D3 = 3; beijing A7 C5 D1 D2 D4 = 5; GBA C5 = 1.
    assert_eq!(indicators(&r, "tokyo"), [3, 1, 6, 8]);
    assert_eq!(indicators(&r, "boston"), [3, 1, 8, 6]);
    assert_eq!(indicators(&r, "london"), [1, 2, 1, 3]);
    assert_eq!(indicators(&r, "paris"), [1, 2, 1, 3]);
    assert_eq!(indicators(&r, "beijing"), [1, 0, 2, 5]);
    assert_eq!(indicators(&r, "greater-bay-area"), [0, 0, 0, 1]);
    assert_eq!(indicators(&r, "seoul"), [0, 0, 0, 0]);

    // The 2023 matrix: tokyo–boston C1, C2, C3 (C3 has two authorships in each: once) = 3;
    // tokyo–london C2; boston–london C2; london–paris C4; beijing–GBA C5. C6: Tsukuba is
    // outside. Nothing else.
    let y = &r.years[&2023];
    let pair = |a: &str, b: &str| y.pair(k(&r, a), k(&r, b));
    assert_eq!(pair("tokyo", "boston"), 3);
    assert_eq!(pair("boston", "tokyo"), 3);
    assert_eq!(pair("tokyo", "london"), 1);
    assert_eq!(pair("boston", "london"), 1);
    assert_eq!(pair("london", "paris"), 1);
    assert_eq!(pair("beijing", "greater-bay-area"), 1);
    assert_eq!(y.pairs.iter().sum::<u64>(), 7);
    assert_eq!(pair("tokyo", "tokyo"), 0);

    // I17. Two components: {tokyo, boston, london, paris} (weights 3, 1, 1, 1) and {beijing,
    // GBA} (eigenvalue 1). On the first, with t = tokyo = boston (symmetry), l, p:
    // λt = 3t + l, λl = 2t + p, λp = l, so l = (λ − 3)t, p = l/λ and
    // λ³ − 3λ² − 3λ + 3 = 0, largest root ≈ 3.6; beijing and GBA get 0.
    assert_eq!(s.network_components, 2);
    assert_eq!(s.network_isolated_metros, 120 - 6);
    let l = s.network_eigenvalue;
    assert!(
        (l.powi(3) - 3.0 * l * l - 3.0 * l + 3.0).abs() < 1e-9,
        "{l}"
    );
    assert!((3.5..3.7).contains(&l));
    let c = |m: &str| r.centrality[k(&r, m)];
    assert!((c("tokyo") - c("boston")).abs() < 1e-12);
    assert!((c("london") - (l - 3.0) * c("tokyo")).abs() < 1e-12);
    assert!((c("paris") - c("london") / l).abs() < 1e-12);
    let norm: f64 = r.centrality.iter().map(|x| x * x).sum();
    assert!((norm - 1.0).abs() < 1e-12);
    assert!(c("beijing").abs() < 1e-12 && c("greater-bay-area").abs() < 1e-12);
    assert_eq!(c("seoul"), 0.0);

    // International (two country-or-region codes; Japan = JP = JPN; HK apart from CN):
    // A3 (GB, FR), B2 (JP, US), B7 (GB, FR), D2 (CN, US), D4 (CN, JP), D5 (JP, US), D3 (FR,
    // BE). Not: A1 (Japan, JP), B1 (JP, JPN), A4 (GBR).
    let w = world_series(&r);
    let at = |year: i32| w.iter().find(|x| x.year == year).unwrap();
    assert_eq!((at(2010).papers, at(2010).international), (4, 1));
    assert_eq!((at(2011).papers, at(2011).international), (2, 0));
    assert_eq!((at(2015).papers, at(2015).international), (1, 1));
    assert_eq!((at(2018).papers, at(2018).international), (1, 0));
    assert_eq!((at(2019).papers, at(2019).international), (1, 0));
    assert_eq!((at(2020).papers, at(2020).international), (1, 1));
    assert_eq!((at(2021).papers, at(2021).international), (1, 0));
    assert_eq!((at(2022).papers, at(2022).international), (5, 4));
    assert_eq!(at(2022).share, Some(0.8));
    assert_eq!((at(2000).papers, at(2000).share), (0, None));
    assert_eq!(w.len(), 23, "2000–2022");
    // 2023: A7, B3, C1–C6; international C1, C2, C3 (JP, US), C4 (GB, FR), C5 (CN, HK).
    assert_eq!(
        (r.years[&2023].papers, r.years[&2023].international),
        (8, 5)
    );

    // Per metro: tokyo's papers 2019 B1, 2020 B2 (international) → growth 0 and none (from 0).
    let m = metro_series(&r);
    let tokyo_2020 = m
        .iter()
        .find(|x| x.metro == "tokyo" && x.year == 2020)
        .unwrap();
    assert_eq!((tokyo_2020.papers, tokyo_2020.international), (1, 1));
    assert_eq!(tokyo_2020.papers_growth, Some(0.0));
    assert_eq!(tokyo_2020.international_growth, None);

    // International papers 2000–2022: tokyo B2 D4 D5 = 3, boston B2 D2 D5 = 3, paris A3 B7
    // D3 = 3, london A3 B7 = 2, beijing D2 D4 = 2. Ties in registry order.
    let top: Vec<(String, u64)> = top_international(&r)
        .into_iter()
        .map(|t| (t.metro, t.international))
        .collect();
    // Registry order: boston, paris, london, beijing, tokyo.
    let want = [
        ("boston", 3),
        ("paris", 3),
        ("tokyo", 3),
        ("london", 2),
        ("beijing", 2),
    ];
    assert_eq!(
        top,
        want.iter()
            .map(|(m, n)| (m.to_string(), *n))
            .collect::<Vec<_>>()
    );

    // Divisions in 2022: 46: B7 (london, paris; int), D1 (beijing), D2 (beijing, boston;
    // int) → 3 papers, 2 international; 32: D2 (int), D3 (paris + Leuven; int), D4 (beijing,
    // tokyo; int; its division twice counts once) → 3, 3.
    let f = field_leaders(&r);
    let d = |x: &str| f.iter().find(|l| l.division == x).unwrap();
    assert_eq!((d("46").papers, d("46").international), (3, 2));
    assert_eq!((d("32").papers, d("32").international), (3, 3));
    assert_eq!(d("32").leader.as_deref(), Some("beijing"), "D2 and D4");
    assert_eq!(d("32").leader_international, 2);
    // 46: boston, london, paris and beijing have one international paper each: the first in
    // registry order leads. Mean of the metro shares: london 1, paris 1, beijing 1/2, boston 1.
    assert_eq!(d("46").leader.as_deref(), Some("boston"));
    assert_eq!(d("46").mean_metro_share, Some(3.5 / 4.0));
    assert_eq!(f.len(), 2);
}

#[test]
fn the_threshold_is_the_kth_largest_count() {
    // 250 papers of division 33 in 2012 cited 1..=250 times: k = ⌈250/100⌉ = 3, T = 248, so
    // the papers cited 248, 249 and 250 times are highly cited; one more at 248 ties in.
    let mut papers = String::from(
        "paper_id,year,type,times_cited,cited_by_patents,cited_by_policy,cited_by_trials\n",
    );
    let mut fields = String::from("paper_id,field\n");
    let mut auth = String::from("paper_id,researcher_id,org_id,city,country\n");
    for i in 1..=251 {
        let cited = if i == 251 { 248 } else { i };
        papers.push_str(&format!("P{i},2012,article,{cited},0,0,0\n"));
        fields.push_str(&format!("P{i},33\n"));
        let city = if i % 2 == 0 { "Seoul,KR" } else { "Busan,KR" };
        auth.push_str(&format!("P{i},,,{city}\n"));
    }
    // n = 251 → k = 3 still (⌈2.51⌉); the 3rd largest is 248 (250, 249, 248, 248).
    let d = corpus(&papers, &fields, &auth);
    let r = results(d.path(), 2).unwrap();
    assert_eq!(r.summary.highly_cited_papers, 4);
    // 250, 248 (P248) in Seoul; 249, 248 (P251) in Busan.
    assert_eq!(r.highly_cited[k(&r, "seoul")], 2);
    assert_eq!(r.highly_cited[k(&r, "busan")], 2);
}

#[test]
fn thread_counts_give_identical_results() {
    let d = corpus(PAPERS, FIELDS, AUTHORSHIPS);
    let a = results(d.path(), 1).unwrap();
    let b = results(d.path(), 4).unwrap();
    assert_eq!(a.researchers, b.researchers);
    assert_eq!(a.highly_cited, b.highly_cited);
    assert_eq!(a.policy_citations, b.policy_citations);
    assert_eq!(a.years, b.years);
    assert_eq!(
        a.centrality.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        b.centrality.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn bad_input_names_file_row_and_column() {
    let err = |papers: &str, fields: &str, auth: &str| {
        let d = corpus(papers, fields, auth);
        let e = results(d.path(), 2).expect_err("refused");
        assert!(e.is_input_error(), "{e}");
        e.to_string()
    };
    let e = err(&PAPERS.replace("A4,2010,", "A4,20x0,"), FIELDS, AUTHORSHIPS);
    assert!(
        e.contains(
            "papers.csv: row 4, column year: expected a year from 1900 to 2100, found `20x0`"
        ),
        "{e}"
    );
    let e = err(&PAPERS.replace("A5,2011,", "A5,1066,"), FIELDS, AUTHORSHIPS);
    assert!(
        e.contains("row 5, column year") && e.contains("found `1066`"),
        "{e}"
    );
    let e = err(
        &PAPERS.replace("B2,2020,article,3,1,1,1", "B2,2020,article,3,1,-1,1"),
        FIELDS,
        AUTHORSHIPS,
    );
    assert!(
        e.contains("papers.csv: row 9, column cited_by_policy: expected a count (a whole number ≥ 0), found `-1`"),
        "{e}"
    );
    let e = err(
        &PAPERS.replace("B3,2023,article,1,", "B2,2023,article,1,"),
        FIELDS,
        AUTHORSHIPS,
    );
    assert!(
        e.contains("paper_id `B2` appears more than once with different data (first at row 9)"),
        "{e}"
    );
    let e = err(PAPERS, &FIELDS.replace("A4,40", "A4,99"), AUTHORSHIPS);
    assert!(
        e.contains(
            "paper_fields.csv: row 6, column field: expected an ANZSRC 2020 division code 30-52"
        ) && e.contains("found `99`"),
        "{e}"
    );
    let e = err(PAPERS, FIELDS, &AUTHORSHIPS.replace("B3,R1,", ",R1,"));
    assert!(
        e.contains("paper_authorships.csv: row 15, column paper_id: expected a paper id"),
        "{e}"
    );
    let e = err(PAPERS, "paper_id,division\nA1,31\n", AUTHORSHIPS);
    assert!(
        e.contains("paper_fields.csv: missing column `field`"),
        "{e}"
    );
}
