use super::*;
use proptest::prelude::*;

fn table(values: Vec<Vec<f64>>) -> GroupTable {
    GroupTable {
        cities: (0..values.len()).map(|j| format!("c{j}")).collect(),
        values: values
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    }
}

#[test]
fn z_scores_use_population_std() {
    let z = z_scores(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0)]).unwrap();
    let sd = (1.25f64).sqrt(); // population variance of 1..4 is 1.25
    assert!((z[0] + 1.5 / sd).abs() < 1e-15);
    assert!((z[3] - 1.5 / sd).abs() < 1e-15);
    // Missing values get the mean (z = 0); statistics use the observed values only.
    let z = z_scores(&[Some(1.0), None, Some(3.0)]).unwrap();
    assert_eq!(z, vec![-1.0, 0.0, 1.0]);
    assert_eq!(z_scores(&[None, None]), None);
    assert_eq!(z_scores(&[Some(0.1); 3]).unwrap(), vec![0.0; 3]);
}

#[test]
fn ranks_share_the_better_rank() {
    assert_eq!(competition_ranks(&[3.0, 5.0, 5.0, 1.0]), vec![3, 1, 1, 4]);
    assert_eq!(competition_ranks(&[2.0, 2.0, 2.0]), vec![1, 1, 1]);
}

#[test]
fn min_max_maps_to_60_100() {
    assert_eq!(
        min_max_to_60_100(&[0.0, 1.0, 0.5]).unwrap(),
        vec![60.0, 100.0, 80.0]
    );
    assert_eq!(min_max_to_60_100(&[1.0, 1.0]), None);
}

#[test]
fn hand_computed_example() {
    // Two cities differ only in I01: city 1 is better on A1, A and the composite.
    let f = Framework::gihi_2024();
    let mut rows = vec![vec![1.0; 30], vec![1.0; 30], vec![1.0; 30]];
    rows[0][0] = 0.0;
    rows[1][0] = 2.0;
    rows[2][1] = 5.0; // I02, also A1
    let s = score(&f, &table(rows), MissingPolicy::Error).unwrap();
    let a1 = s.node("A1").unwrap();
    // z(I01) = [-1.2247, 1.2247, 0]; z(I02) = [-0.7071, -0.7071, 1.4142]; both weight 0.045.
    let w = 0.3 * 0.3 * 0.5;
    let r = 1.5f64.sqrt();
    let h = 0.5f64.sqrt();
    let expected = [w * (-r - h), w * (r - h), w * (2.0 * h)];
    for (got, want) in a1.z.iter().zip(expected) {
        assert!((got - want).abs() < 1e-15);
    }
    assert_eq!(a1.rank, vec![3, 2, 1]);
    let mid = 60.0 + 40.0 * (expected[1] - expected[0]) / (expected[2] - expected[0]);
    assert!((a1.score[1] - mid).abs() < 1e-12);
    // Sub-pillars without variation score 100 for everyone, with a note.
    assert_eq!(s.node("B1").unwrap().score, vec![100.0; 3]);
    assert!(s.notes.iter().any(|n| n.contains("subpillar B1")));
    assert!(s
        .notes
        .iter()
        .any(|n| n.contains("indicator I03 is constant")));
    // Composite z is the sum of the pillar z-values.
    let total = s.node("GIHI").unwrap().z[1];
    let pillars: f64 = ["A", "B", "C"]
        .iter()
        .map(|p| s.node(p).unwrap().z[1])
        .sum();
    assert!((total - pillars).abs() < 1e-15);
}

#[test]
fn missing_values_are_an_error_listing_every_cell() {
    let f = Framework::gihi_2024();
    let mut t = table(vec![(0..30).map(f64::from).collect(); 3]);
    t.values[1][4] = None;
    t.values[2][29] = None;
    let e = score(&f, &t, MissingPolicy::Error).unwrap_err();
    assert_eq!(e.to_string(), "2 missing value(s): c1/I05, c2/I30");
    let s = score(&f, &t, MissingPolicy::MeanImpute).unwrap();
    assert!(s.imputed[1][4] && s.imputed[2][29]);
    assert_eq!(s.imputed.iter().flatten().filter(|b| **b).count(), 2);
    assert_eq!(s.z[1][4], 0.0);
}

#[test]
fn degenerate_inputs_are_errors_not_panics() {
    let f = Framework::gihi_2024();
    assert_eq!(
        score(&f, &table(vec![vec![1.0; 30]]), MissingPolicy::Error),
        Err(ScoreError::TooFewCities { n: 1 })
    );
    let mut t = table(vec![vec![1.0; 30]; 2]);
    t.values[0][3] = None;
    t.values[1][3] = None;
    assert_eq!(
        score(&f, &t, MissingPolicy::MeanImpute),
        Err(ScoreError::NoValues {
            indicator: "I04".into()
        })
    );
    t.values[0][3] = Some(f64::NAN);
    assert!(matches!(
        score(&f, &t, MissingPolicy::Error),
        Err(ScoreError::NotFinite { .. })
    ));
    let short = GroupTable {
        cities: vec!["a".into(), "b".into()],
        values: vec![vec![Some(1.0)], vec![Some(2.0)]],
    };
    assert!(matches!(
        score(&f, &short, MissingPolicy::Error),
        Err(ScoreError::Shape { .. })
    ));
}

#[test]
fn lower_is_better_flips_the_sign() {
    let mut f = Framework::gihi_2024();
    f.pillars[0].subpillars[0].indicators[0].direction = Direction::LowerIsBetter;
    let mut rows = vec![vec![1.0; 30]; 2];
    rows[0][0] = 0.0;
    let s = score(&f, &table(rows), MissingPolicy::Error).unwrap();
    assert_eq!(s.node("A1").unwrap().rank, vec![1, 2]);
}

// ---- properties ----------------------------------------------------------------------------

fn tables() -> impl Strategy<Value = Vec<Vec<f64>>> {
    (3usize..25)
        .prop_flat_map(|n| prop::collection::vec(prop::collection::vec(0.0f64..1000.0, 30), n))
}

/// Scores agree within 1e-9 and ranks agree wherever the scores are not within 1e-9 of a tie.
fn assert_same(a: &Scores, b: &Scores) -> Result<(), TestCaseError> {
    for (na, nb) in a.nodes.iter().zip(&b.nodes) {
        prop_assert_eq!(&na.id, &nb.id);
        for j in 0..na.score.len() {
            prop_assert!(
                (na.score[j] - nb.score[j]).abs() < 1e-9,
                "{} {}: {} vs {}",
                na.id,
                j,
                na.score[j],
                nb.score[j]
            );
            let near_tie = na
                .score
                .iter()
                .enumerate()
                .any(|(k, s)| k != j && (s - na.score[j]).abs() < 1e-9);
            if !near_tie {
                prop_assert_eq!(na.rank[j], nb.rank[j]);
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn each_level_spans_60_to_100(rows in tables()) {
        let s = score(&Framework::gihi_2024(), &table(rows), MissingPolicy::Error).unwrap();
        for node in &s.nodes {
            let max = node.score.iter().copied().fold(f64::MIN, f64::max);
            let min = node.score.iter().copied().fold(f64::MAX, f64::min);
            prop_assert_eq!(max, 100.0);
            prop_assert_eq!(min, 60.0);
            // The best z-value has rank 1 and score 100; ranks follow the scores.
            for j in 0..node.score.len() {
                for k in 0..node.score.len() {
                    if node.z[j] > node.z[k] { prop_assert!(node.rank[j] < node.rank[k]); }
                }
            }
        }
    }

    #[test]
    fn permuting_rows_changes_nothing(rows in tables(), seed in any::<u64>()) {
        let f = Framework::gihi_2024();
        let t = table(rows);
        let mut order: Vec<usize> = (0..t.cities.len()).collect();
        // Deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let permuted = GroupTable {
            cities: order.iter().map(|&j| t.cities[j].clone()).collect(),
            values: order.iter().map(|&j| t.values[j].clone()).collect(),
        };
        let a = score(&f, &t, MissingPolicy::Error).unwrap();
        let b = score(&f, &permuted, MissingPolicy::Error).unwrap();
        // Put b back in a's order.
        let mut back = b.clone();
        for node in back.nodes.iter_mut() {
            let src = b.node(&node.id).unwrap();
            for (pos, &j) in order.iter().enumerate() {
                node.score[j] = src.score[pos];
                node.rank[j] = src.rank[pos];
            }
        }
        assert_same(&a, &back)?;
    }

    #[test]
    fn rescaling_or_shifting_an_indicator_changes_nothing(
        rows in tables(), i in 0usize..30, factor in 0.001f64..1000.0, shift in -1000.0f64..1000.0
    ) {
        let f = Framework::gihi_2024();
        let t = table(rows);
        let mut u = t.clone();
        for row in u.values.iter_mut() {
            row[i] = row[i].map(|v| v * factor + shift);
        }
        assert_same(
            &score(&f, &t, MissingPolicy::Error).unwrap(),
            &score(&f, &u, MissingPolicy::Error).unwrap(),
        )?;
    }

    #[test]
    fn scaling_the_weights_of_one_parent_changes_nothing(rows in tables(), parent in 0usize..16, factor in 0.01f64..100.0) {
        let f = Framework::gihi_2024();
        let mut g = f.clone();
        match parent {
            0 => g.pillars.iter_mut().for_each(|p| p.weight *= factor),
            1..=3 => g.pillars[parent - 1].subpillars.iter_mut().for_each(|s| s.weight *= factor),
            _ => {
                let s = g.pillars.iter_mut().flat_map(|p| p.subpillars.iter_mut()).nth(parent - 4).unwrap();
                s.indicators.iter_mut().for_each(|i| i.weight *= factor);
            }
        }
        let t = table(rows);
        assert_same(
            &score(&f, &t, MissingPolicy::Error).unwrap(),
            &score(&g, &t, MissingPolicy::Error).unwrap(),
        )?;
    }
}

#[test]
fn values_one_ulp_apart_share_the_better_rank() {
    // 0.1 + 0.2 and 0.3 are mathematically equal and one ulp apart in f64.
    let a = 0.1 + 0.2;
    let b = 0.3;
    assert_ne!(a, b);
    assert_eq!(competition_ranks(&[a, b, 0.0, 1.0]), vec![2, 2, 4, 1]);
    // A real difference is still a difference.
    assert_eq!(
        competition_ranks(&[0.3, 0.3 + 1e-6, 0.0, 1.0]),
        vec![3, 2, 4, 1]
    );
}

#[test]
fn huge_values_keep_their_z_scores() {
    // (x − mean)² overflows for 1e160 without scaling; z must equal that of 1, 2, 3.
    for big in [1e160, 1e300, 1.7e308] {
        let z = z_scores(&[Some(big / 3.0), Some(big / 3.0 * 2.0), Some(big)]);
        let small = z_scores(&[Some(1.0), Some(2.0), Some(3.0)]).unwrap();
        let z = z.unwrap();
        for (a, b) in z.iter().zip(&small) {
            assert!(a.is_finite() && (a - b).abs() < 1e-12, "{big}: {z:?}");
        }
    }
    // Tiny values too.
    let z = z_scores(&[Some(1e-300), Some(2e-300), Some(3e-300)]).unwrap();
    assert!((z[2] - 1.224744871391589).abs() < 1e-12, "{z:?}");
}
