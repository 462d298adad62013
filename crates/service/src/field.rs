//! The audit of the published tables, and the networks between cities that record
//! pipelines measure, as the explorer shows them.

use crate::rankings::city_info;
use crate::types::{AuditFinding, AuditReport, Network, NetworkEdge, NetworkNode};
use crate::{clip, Explorer, ServiceError};

/// The parts of a network as read from a records output: (title en, title zh, size label en,
/// size label zh), node sizes by city id, and (city a, city b, weight) edges.
pub struct NetworkParts<'a> {
    pub id: &'a str,
    pub titles: [&'a str; 4],
    pub synthetic: bool,
    pub sizes: Vec<(String, f64)>,
    pub edges: Vec<(String, String, f64)>,
}

impl Explorer {
    /// Adds a network between cities (cities unknown to the registry are left out; edges of
    /// the same pair are summed; heaviest edges first, ties by city ids).
    pub fn with_network(mut self, parts: NetworkParts<'_>) -> Explorer {
        let registry = &self.standing.registry;
        let mut sums: std::collections::BTreeMap<(String, String), f64> = Default::default();
        for (a, b, w) in parts.edges {
            if registry.get(&a).is_none() || registry.get(&b).is_none() || a == b {
                continue;
            }
            let key = if a < b { (a, b) } else { (b, a) };
            *sums.entry(key).or_default() += w;
        }
        let mut edges: Vec<NetworkEdge> = sums
            .into_iter()
            .map(|((a, b), weight)| NetworkEdge { a, b, weight })
            .collect();
        edges.sort_by(|x, y| {
            y.weight
                .total_cmp(&x.weight)
                .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
        });
        let nodes = parts
            .sizes
            .into_iter()
            .filter_map(|(c, size)| {
                Some(NetworkNode {
                    city: city_info(registry.get(&c)?),
                    size,
                })
            })
            .collect();
        let [title_en, title_zh, size_en, size_zh] = parts.titles.map(String::from);
        self.networks.retain(|n| n.id != parts.id);
        self.networks.push(Network {
            id: parts.id.into(),
            title_en,
            title_zh,
            synthetic: parts.synthetic,
            size_en,
            size_zh,
            nodes,
            edges,
        });
        self
    }

    /// A network by id (`coauthorship` or `patents`), when loaded.
    pub fn network(&self, id: &str) -> Result<Network, ServiceError> {
        self.networks
            .iter()
            .find(|n| n.id == id)
            .cloned()
            .ok_or_else(|| {
                ServiceError::Unknown(format!(
                    "network `{}`: {}",
                    clip(id),
                    if self.networks.is_empty() {
                        "none is loaded (serve with --records DIR, a gihi records output)"
                            .to_string()
                    } else {
                        format!(
                            "expected {}",
                            self.networks
                                .iter()
                                .map(|n| n.id.as_str())
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )
                    }
                ))
            })
    }

    /// The audit of the published edition, computed on first use.
    pub(crate) fn audit_result(&self) -> Result<&gihi_audit::Audit, ServiceError> {
        let (Some(edition), Some(framework)) = (&self.edition, &self.audit_framework) else {
            return Err(ServiceError::Unavailable(format!(
                "{}: the audit checks a published edition's printed tables; this is a computed run",
                self.label()
            )));
        };
        Ok(self
            .audit
            .get_or_init(|| gihi_audit::audit(edition, framework)))
    }

    /// The consistency audit of the published edition (findings with evidence).
    pub fn audit(&self) -> Result<AuditReport, ServiceError> {
        let audit = self.audit_result()?;
        Ok(AuditReport {
            label: self.label().into(),
            findings: audit
                .findings
                .iter()
                .map(|f| AuditFinding {
                    table: f.table.clone(),
                    city: f.city.clone(),
                    column: f.column.clone(),
                    published: f.published.clone(),
                    expected: f.expected.clone(),
                    kind: f.kind.into(),
                    severity: f.severity.into(),
                    evidence: f.evidence.clone(),
                    file: f.file.clone(),
                    line: f.line,
                })
                .collect(),
        })
    }
}
