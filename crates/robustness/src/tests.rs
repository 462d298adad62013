use super::*;
use gihi_data::synthetic_table;
use gihi_framework::Framework;
use gihi_registry::{Group, Registry};
use gihi_scores::{score, GroupTable, MissingPolicy};

/// The 64-bit linear congruential generator the unit tests draw their inputs from (Knuth's
/// MMIX constants): each call steps the state and returns it.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    pub(crate) fn step(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
}

fn main_group(seed: u64) -> (Framework, GroupTable) {
    let f = Framework::gihi_2024();
    let r = Registry::gihi_2024();
    let t = synthetic_table(&f, &r, seed);
    let rows: Vec<_> = t
        .rows
        .iter()
        .filter(|row| r.get(&row.city).unwrap().group == Group::Main)
        .collect();
    let table = GroupTable {
        cities: rows.iter().map(|x| x.city.clone()).collect(),
        values: rows.iter().map(|x| x.values.clone()).collect(),
    };
    (f, table)
}

fn model(seed: u64) -> (Framework, GroupTable, Model) {
    let (f, t) = main_group(seed);
    let m = Model::new(&f, t.cities.clone(), t.values.clone());
    (f, t, m)
}

#[test]
fn nominal_scenario_is_the_method() {
    let (f, t, m) = model(3);
    let s = score(&f, &t, MissingPolicy::Error).unwrap();
    let ranks = m.ranks(&m.nominal());
    for (l, id) in m.levels.iter().enumerate() {
        let expected: Vec<u32> = s.node(id).unwrap().rank.iter().map(|r| *r as u32).collect();
        assert_eq!(ranks[l], expected, "{id}");
    }
    let w = m.effective_weights(&vec![1.0; m.nodes.len()]);
    for (a, b) in w.iter().zip(f.effective_weights()) {
        assert!((a - b).abs() < 1e-15);
    }
}

#[test]
fn zero_perturbation_gives_the_nominal_ranks() {
    let (_, _, m) = model(4);
    let o = Options {
        runs: 300,
        seed: 9,
        vary: Vary {
            weights: true,
            ..Vary::NONE
        },
        weight_spread: 0.0,
        data_spread: 0.0,
    };
    let r = uncertainty(&m, &o, &|_| {});
    for l in 0..m.levels.len() {
        for j in 0..m.n() {
            let nominal = r.nominal[l][j] as f64;
            assert_eq!(
                (r.p05[l][j], r.median[l][j], r.p95[l][j]),
                (nominal, nominal, nominal)
            );
        }
    }
    assert_eq!(r.mean_absolute_shift, 0.0);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (_, _, m) = model(5);
    let o = Options {
        runs: 5000,
        seed: 3,
        ..Options::default()
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| uncertainty(&m, &o, &|_| {}));
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| uncertainty(&m, &o, &|_| {}));
    assert_eq!(one, two);
    let o = Options {
        vary: Vary {
            data: true,
            ..Vary::ALL
        },
        ..o
    };
    let s1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| sensitivity::sensitivity(&m, &o, 64, 50, &|_| {}));
    let s2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| sensitivity::sensitivity(&m, &o, 64, 50, &|_| {}));
    assert_eq!(s1, s2);
}

#[test]
fn intervals_widen_with_perturbation_and_contain_the_median() {
    let (_, _, m) = model(6);
    let r = uncertainty(
        &m,
        &Options {
            runs: 2000,
            ..Options::default()
        },
        &|_| {},
    );
    assert!(r.mean_absolute_shift > 0.5);
    for l in 0..m.levels.len() {
        for j in 0..m.n() {
            assert!(r.p05[l][j] <= r.median[l][j] && r.median[l][j] <= r.p95[l][j]);
            assert!(r.p05[l][j] >= 1.0 && r.p95[l][j] <= m.n() as f64);
        }
    }
}

#[test]
fn one_indicator_carrying_all_weight_has_total_index_near_one() {
    // A framework where I10 carries (almost) all the weight: the data noise of I10 explains
    // the rank changes; the other indicators' noise does nothing.
    let (mut f, t) = main_group(7);
    for p in f.pillars.iter_mut() {
        p.weight = if p.id == "B" { 1.0 } else { 1e-9 };
        for s in p.subpillars.iter_mut() {
            s.weight = if s.id == "B1" { 1.0 } else { 1e-9 };
            for i in s.indicators.iter_mut() {
                i.weight = if i.id == "I10" { 1.0 } else { 1e-9 };
            }
        }
    }
    let m = Model::new(&f, t.cities.clone(), t.values.clone());
    let o = Options {
        seed: 2,
        vary: Vary {
            data: true,
            ..Vary::NONE
        },
        data_spread: 0.3,
        ..Options::default()
    };
    let s = sensitivity::sensitivity(&m, &o, 256, 100, &|_| {});
    assert_eq!(s.factors.len(), 30);
    for idx in &s.overall {
        let total = idx.total.unwrap_or(0.0);
        if idx.factor == "data:I10" {
            assert!(total > 0.9, "{idx:?}");
        } else {
            assert!(total < 0.02, "{idx:?}");
        }
    }
}

#[test]
fn sensitivity_of_the_default_choices() {
    let (_, _, m) = model(8);
    let s = sensitivity::sensitivity(&m, &Options::default(), 128, 100, &|_| {});
    assert_eq!(
        s.factors,
        [
            "weights",
            "normalisation",
            "aggregation",
            "outlier-treatment",
            "imputation"
        ]
    );
    assert_eq!(s.model_runs, 128 * 7);
    // Complete data: the imputation choice cannot matter.
    let imp = s.overall.iter().find(|i| i.factor == "imputation").unwrap();
    assert!(imp.total.unwrap_or(0.0).abs() < 1e-9, "{imp:?}");
    assert_eq!(s.per_city.len(), m.n());
    let w = s.overall.iter().find(|i| i.factor == "weights").unwrap();
    let (lo, hi) = w.total_ci.unwrap();
    assert!(lo <= hi);
}

#[test]
fn percentiles_from_counts() {
    // Ranks 1, 2, 2, 3, 10 (counts over ranks 1..=10).
    let counts = [1, 2, 1, 0, 0, 0, 0, 0, 0, 1];
    assert_eq!(uncertainty::percentile(&counts, 0.5), 2.0);
    assert_eq!(uncertainty::percentile(&counts, 0.0), 1.0);
    assert_eq!(uncertainty::percentile(&counts, 1.0), 10.0);
    assert!((uncertainty::percentile(&counts, 0.9) - 7.2).abs() < 1e-12);
}

#[test]
fn outlier_treatment_follows_the_jrc_rule() {
    let mut col: Vec<Option<f64>> = (0..50).map(|i| Some(i as f64 % 7.0)).collect();
    col[3] = Some(500.0);
    assert!(model::is_outlying(
        &col.iter().flatten().copied().collect::<Vec<_>>()
    ));
    model::treat_outliers(&mut col);
    let after: Vec<f64> = col.iter().flatten().copied().collect();
    assert!(!model::is_outlying(&after));
    assert_eq!(
        after.iter().copied().fold(0.0, f64::max),
        6.0,
        "the one extreme point is winsorised"
    );
}

#[test]
fn whatif_and_target() {
    let (f, t, _) = model(9);
    let city = 40;
    let before = score(&f, &t, MissingPolicy::Error).unwrap();
    let none = whatif::whatif(&f, &t, city, &[], MissingPolicy::Error).unwrap();
    assert!(none.affected.is_empty());
    assert_eq!(none.city.len(), 16);
    let i21 = f.indicators().position(|i| i.id == "I21").unwrap();
    let up = whatif::whatif(
        &f,
        &t,
        city,
        &[(i21, whatif::Change::Relative(500.0))],
        MissingPolicy::Error,
    )
    .unwrap();
    let c2 = up.city.iter().find(|m| m.node == "C2").unwrap();
    assert!(c2.rank_after <= c2.rank_before);
    assert!(!up.affected.is_empty() || c2.rank_after == c2.rank_before);
    let goal = before.node("GIHI").unwrap().rank[city]
        .saturating_sub(5)
        .max(1);
    let tg = whatif::target(&f, &t, city, "GIHI", goal, MissingPolicy::Error).unwrap();
    assert_eq!(tg.single.len(), 30);
    let combo = tg.greedy_combination.expect("reachable by the combination");
    let mut t2 = t.clone();
    for s in &combo {
        let i = f.indicators().position(|x| x.id == s.indicator).unwrap();
        t2.values[city][i] = Some(s.to);
    }
    assert!(
        score(&f, &t2, MissingPolicy::Error)
            .unwrap()
            .node("GIHI")
            .unwrap()
            .rank[city]
            <= goal
    );
    for s in tg.single.iter().filter(|s| s.needed.is_some()) {
        let i = f.indicators().position(|x| x.id == s.indicator).unwrap();
        let mut t3 = t.clone();
        t3.values[city][i] = s.needed;
        assert!(
            score(&f, &t3, MissingPolicy::Error)
                .unwrap()
                .node("GIHI")
                .unwrap()
                .rank[city]
                <= goal,
            "{s:?}"
        );
    }
    assert_eq!(
        whatif::parse_change("I21=+20%").unwrap(),
        ("I21".into(), whatif::Change::Relative(20.0))
    );
    assert_eq!(
        whatif::parse_change("I05=-2").unwrap(),
        ("I05".into(), whatif::Change::Add(-2.0))
    );
    assert_eq!(
        whatif::parse_change("I30=12.5").unwrap(),
        ("I30".into(), whatif::Change::Set(12.5))
    );
    assert!(whatif::parse_change("I30").is_err());
}

#[test]
fn four_at_a_time_equals_one_at_a_time() {
    for (i, offset, len) in [(0u64, 0usize, 45usize), (70_000, 3, 10), (5, 47, 49)] {
        let mut v = vec![0.0; len];
        uncertainty::fill_point(i, offset, 7, &mut v);
        for (k, x) in v.iter().enumerate() {
            assert_eq!(*x, uncertainty::coordinate(i, offset + k, 7));
        }
    }
}

/// The method's ranks (with the tie tolerance), from the scoring crate.
fn naive_ranks(s: &[f64]) -> Vec<u32> {
    gihi_scores::competition_ranks(s)
        .into_iter()
        .map(|r| r as u32)
        .collect()
}

/// Scores with some values copied onto others (ties) and some set within 1e-8 of another
/// (f32 collisions and gaps at the tie tolerance).
fn with_ties_and_nudges(base: &[f64], ties: &[usize], nudges: &[(usize, f64)]) -> Vec<f64> {
    let mut s = base.to_vec();
    let n = s.len();
    for (k, t) in ties.iter().enumerate() {
        s[t % n] = s[k % n];
    }
    for (i, d) in nudges {
        let j = (i + 1) % n;
        s[j] = s[i % n] + d;
    }
    s
}

proptest::proptest! {
    /// The f32-first counting gives exactly the f64 competition ranks: with ties, with values
    /// that collide in f32 (differences of 1e-12), and beyond 128 cities.
    #[test]
    fn counting_ranks_are_exact(
        base in proptest::collection::vec(-5.0f64..5.0, 1..200),
        ties in proptest::collection::vec(0usize..200, 0..20),
        nudges in proptest::collection::vec((0usize..200, -1e-8f64..1e-8), 0..20),
    ) {
        let s = with_ties_and_nudges(&base, &ties, &nudges);
        let n = s.len();
        let mut out = vec![0u32; n];
        let mut buf = Vec::new();
        model::competition_ranks(&s, &mut out, &mut buf);
        proptest::prop_assert_eq!(out, naive_ranks(&s));
    }
}

#[test]
fn identical_cities_share_every_rank_under_every_choice() {
    // Two cities with the same values tie in every scenario: z, min-max and rank
    // normalisation, both aggregations, outlier treatment and imputation alike.
    let (f, mut t) = main_group(5);
    t.values[1] = t.values[0].clone();
    let m = Model::new(&f, t.cities.clone(), t.values.clone());
    let o = Options {
        runs: 512,
        vary: Vary::ALL,
        ..Options::default()
    };
    let r = uncertainty(&m, &o, &|_| {});
    for l in 0..r.levels.len() {
        assert_eq!(r.median[l][0], r.median[l][1], "level {l}");
        assert_eq!(r.p05[l][0], r.p05[l][1], "level {l}");
        assert_eq!(r.p95[l][0], r.p95[l][1], "level {l}");
    }
}

proptest::proptest! {
    /// Given any expected order (the true one, a perturbed one, a random one), the ranks are
    /// exactly the f64 competition ranks: ties, f32 collisions, gaps at the tolerance.
    #[test]
    fn ranks_near_an_expected_order_are_exact(
        base in proptest::collection::vec(-5.0f64..5.0, 1..140),
        ties in proptest::collection::vec(0usize..200, 0..6),
        nudges in proptest::collection::vec((0usize..200, -1e-8f64..1e-8), 0..6),
        swaps in proptest::collection::vec((0usize..200, 0usize..30), 0..20),
    ) {
        let s = with_ties_and_nudges(&base, &ties, &nudges);
        let n = s.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| s[b as usize].total_cmp(&s[a as usize]));
        let mut perturbed = order.clone();
        for (i, d) in &swaps {
            perturbed.swap(i % n, (i + d) % n);
        }
        let identity: Vec<u32> = (0..n as u32).collect();
        for expected in [&order, &perturbed, &identity] {
            let mut out = vec![0u32; n];
            let mut buf = Vec::new();
            let expected = model::ExpectedOrder::new(expected.clone()).expect("a permutation");
            model::competition_ranks_near(&s, Some(&expected), &mut out, &mut buf);
            proptest::prop_assert_eq!(out, naive_ranks(&s));
        }
    }
}
