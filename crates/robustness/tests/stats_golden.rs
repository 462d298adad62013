//! Golden test: the statistical audit agrees with scipy/pandas (reference/stats_reference.py)
//! on a complete and a gappy synthetic fixture.

use gihi_framework::Framework;
use gihi_registry::{Group, Registry};
use gihi_robustness::stats::statistical_audit;
use gihi_robustness::Model;
use std::path::Path;

fn check(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reference/fixtures");
    let f = Framework::gihi_2024();
    let r = Registry::gihi_2024();
    let t = gihi_data::read_indicator_table(&root.join(format!("{name}.csv")), &f, &r).unwrap();
    let rows: Vec<_> = r
        .group(Group::Main)
        .filter_map(|c| t.rows.iter().find(|x| x.city == c.id))
        .collect();
    let m = Model::new(
        &f,
        rows.iter().map(|x| x.city.clone()).collect(),
        rows.iter().map(|x| x.values.clone()).collect(),
    );
    let a = statistical_audit(&f, &m);
    let e: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("{name}.expected-stats.json"))).unwrap(),
    )
    .unwrap();
    let close = |got: Option<f64>, want: &serde_json::Value, what: &str| {
        let want = want.as_f64().unwrap();
        let got = got.unwrap_or(f64::NAN);
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{name} {what}: {got} vs {want}"
        );
    };
    for s in &a.indicators {
        let w = &e["indicators"][&s.indicator];
        assert_eq!(s.observed as u64, w["observed"].as_u64().unwrap());
        close(s.mean, &w["mean"], &format!("{} mean", s.indicator));
        close(s.sd, &w["sd"], &format!("{} sd", s.indicator));
        close(
            s.skewness,
            &w["skewness"],
            &format!("{} skewness", s.indicator),
        );
        close(
            s.kurtosis,
            &w["kurtosis"],
            &format!("{} kurtosis", s.indicator),
        );
    }
    assert_eq!(a.indicator_correlations.len(), 435);
    for c in &a.indicator_correlations {
        let key = format!("{}|{}", c.a, c.b);
        close(c.pearson, &e["pearson"][&key], &format!("pearson {key}"));
        close(c.spearman, &e["spearman"][&key], &format!("spearman {key}"));
    }
    for n in &a.nodes {
        close(
            n.cronbach_alpha,
            &e["nodes"][&n.node]["alpha"],
            &format!("alpha {}", n.node),
        );
        close(
            n.first_component_share,
            &e["nodes"][&n.node]["pc1"],
            &format!("pc1 {}", n.node),
        );
    }
}

#[test]
fn agrees_with_scipy_and_pandas_on_complete_data() {
    check("synthetic-seed1");
}

#[test]
fn agrees_with_scipy_and_pandas_with_missing_values() {
    check("synthetic-seed3-gaps");
}
