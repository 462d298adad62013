//! `gihi serve`: loads the source and hands it to the explorer (`gihi-web`).

use super::analysis::Source;
use crate::error::CliError;
use gihi_service::NetworkParts;
use std::net::SocketAddr;
use std::path::Path;

pub fn run(
    source: &Source,
    bind: SocketAddr,
    uncertainty: Option<&Path>,
    records: Option<&Path>,
) -> Result<(), CliError> {
    let mut explorer = source.load()?;
    if let Some(dir) = uncertainty {
        explorer = explorer
            .with_uncertainty(dir)
            .map_err(|e| CliError::Input(e.to_string()))?;
    }
    if let Some(dir) = records {
        let r = gihi_report::records::Records::load(dir).map_err(CliError::Input)?;
        if let Some(p) = r.papers {
            explorer = explorer.with_network(NetworkParts {
                id: "coauthorship",
                titles: [
                    &format!("Co-authorship network, {}", p.network_year),
                    &format!("{} 年合著网络", p.network_year),
                    "I17 eigenvector centrality",
                    "I17 特征向量中心性",
                ],
                synthetic: r.synthetic,
                sizes: p.centrality,
                edges: p
                    .edges
                    .into_iter()
                    .map(|(a, b, w)| (a, b, w as f64))
                    .collect(),
            });
        }
        if let Some(p) = r.patents {
            // Node size: families co-applied with other cities, over the four fields.
            let mut degree: std::collections::BTreeMap<String, f64> = Default::default();
            for (a, b, _, w) in &p.edges {
                *degree.entry(a.clone()).or_default() += *w as f64;
                *degree.entry(b.clone()).or_default() += *w as f64;
            }
            explorer = explorer.with_network(NetworkParts {
                id: "patents",
                titles: [
                    "Patent co-application network (four fields of Appendix 7)",
                    "专利合作申请网络（附录7的四个领域）",
                    "families co-applied with other cities",
                    "与其他城市合作申请的专利族数",
                ],
                synthetic: r.synthetic,
                sizes: degree.into_iter().collect(),
                edges: p
                    .edges
                    .into_iter()
                    .map(|(a, b, _, w)| (a, b, w as f64))
                    .collect(),
            });
        }
    }
    let label = explorer.label().to_string();
    let synthetic = explorer.synthetic();
    if !bind.ip().is_loopback() {
        eprintln!(
            "warning: listening on {bind}: the explorer is reachable from other machines (read-only)"
        );
    }
    gihi_web::serve(explorer, bind, |addr| {
        eprintln!(
            "serving {label}{} at http://{addr}/ (Ctrl-C or SIGTERM to stop)",
            if synthetic { " — SYNTHETIC DATA" } else { "" }
        );
    })
    .map_err(|e| CliError::Failure(e.to_string()))?;
    eprintln!("stopped");
    Ok(())
}
