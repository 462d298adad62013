//! A synthetic indicator table for demos and tests. **Not real data**: every file written
//! from it says "synthetic" in a comment line, and file names must say so too.
//!
//! The generator gives each city a latent size (growing with its number of member cities,
//! small for mini-hubs)
//! and a latent quality, then draws each indicator by its kind: heavy-tailed (log-normal)
//! counts and amounts that grow with size, per-million rates that grow with quality,
//! growth rates that may be negative, country-level values (e-government, schooling) shared
//! by the cities of one country, and speeds and indices in realistic ranges. The random
//! stream is ChaCha8 seeded by the user's seed, so a seed always gives the same table.

use crate::table::{IndicatorTable, TableRow};
use gihi_framework::{Framework, Indicator, Kind};
use gihi_registry::{Group, Registry};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::collections::BTreeMap;
use std::io::Write;

/// Indicators whose value is a national figure, shared by every city of a country.
const NATIONAL: [&str; 2] = ["I27", "I29"];

/// Builds a synthetic table for every registry city.
pub fn synthetic_table(framework: &Framework, registry: &Registry, seed: u64) -> IndicatorTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let std_normal: Normal<f64> = Normal::new(0.0, 1.0).expect("valid normal");
    let indicators: Vec<&Indicator> = framework.indicators().collect();

    // Latent size and quality per city.
    let latent: Vec<(f64, f64)> = registry
        .cities
        .iter()
        .map(|c| {
            // Metros with many member cities (Tokyo, New York, Los Angeles) tend to be larger.
            let extent = 0.35 * (c.members.len() as f64).ln();
            let (mu, sigma, bonus): (f64, f64, f64) = match c.group {
                Group::Main => (extent - 0.4, 0.8, 0.0),
                Group::Mini => (-1.0, 0.5, 0.6),
            };
            let size = (mu + sigma * std_normal.sample(&mut rng)).exp();
            let quality = bonus + std_normal.sample(&mut rng);
            (size, quality)
        })
        .collect();
    // Country-level draws for national indicators.
    let mut national: BTreeMap<(&str, &str), f64> = BTreeMap::new();

    let mut rows: Vec<TableRow> = registry
        .cities
        .iter()
        .map(|c| TableRow {
            city: c.id.clone(),
            line: 0,
            values: Vec::new(),
        })
        .collect();
    for ind in &indicators {
        for (j, city) in registry.cities.iter().enumerate() {
            let (size, quality) = latent[j];
            let noise = std_normal.sample(&mut rng);
            let uniform: f64 = rng.random();
            let value = if NATIONAL.contains(&ind.id.as_str()) {
                *national
                    .entry((ind.id.as_str(), city.country.as_str()))
                    .or_insert_with(|| draw(ind, 1.0, quality, noise, uniform))
            } else {
                draw(ind, size, quality, noise, uniform)
            };
            rows[j].values.push(Some(value));
        }
    }
    IndicatorTable {
        origin: format!("synthetic (gihi synth --seed {seed})"),
        indicators: indicators.iter().map(|i| i.id.clone()).collect(),
        rows,
        synthetic: true,
        sha256: String::new(),
    }
}

/// One value of an indicator for a city of the given latent size and quality.
fn draw(ind: &Indicator, size: f64, quality: f64, noise: f64, uniform: f64) -> f64 {
    let base = typical_value(ind);
    match ind.kind {
        Kind::Count => (base * size * (0.4 * quality + 0.9 * noise).exp() * uniform.sqrt()).floor(),
        Kind::Amount if ind.id == "I16" => round(base * (0.25 * quality + 0.2 * noise).exp(), 0),
        Kind::Amount => round(base * size * (0.4 * quality + 0.8 * noise).exp(), 3),
        Kind::PerMillion => round(base * (0.6 * quality + 0.4 * noise).exp(), 2),
        Kind::GrowthRate => round(2.5 + 0.6 * quality + 2.5 * noise, 2),
        Kind::Centrality if ind.id == "I18" => (base * size.powf(0.6) * (0.3 * noise).exp())
            .round()
            .min(119.0),
        Kind::Centrality => round((base * size.powf(0.7) * (0.3 * noise).exp()).min(1.0), 5),
        Kind::Index => round((0.8 + 0.08 * quality + 0.05 * noise).clamp(0.3, 1.0), 4),
        Kind::Years => round((11.0 + 1.0 * quality + 0.8 * noise).clamp(5.0, 14.5), 1),
        Kind::Speed => round(
            (120.0 * (0.2 * quality + 0.35 * noise).exp()).clamp(10.0, 400.0),
            1,
        ),
    }
}

/// A typical value for a mid-sized main hub, by indicator (GIHI 2024 ids) or kind.
fn typical_value(ind: &Indicator) -> f64 {
    match ind.id.as_str() {
        "I01" => 4000.0,
        "I02" => 1.2,
        "I03" | "I04" => 1.0,
        "I05" | "I06" => 1.5,
        "I07" => 3000.0,
        "I08" => 20000.0,
        "I09" => 250.0,
        "I10" => 600.0,
        "I11" => 12.0,
        "I12" => 8.0,
        "I13" => 60_000.0,
        "I14" => 40_000.0,
        "I16" => 110_000.0,
        "I17" => 0.06,
        "I18" => 25.0,
        "I19" => 4_000.0,
        "I20" => 3_000.0,
        "I21" => 1_500.0,
        "I22" => 2_000.0,
        "I23" => 1_500.0,
        "I24" => 30.0,
        "I26" => 2_500.0,
        "I28" => 2_000.0,
        "I30" => 30.0,
        _ => match ind.kind {
            Kind::Count | Kind::PerMillion => 100.0,
            Kind::Amount => 1000.0,
            Kind::Centrality => 0.05,
            _ => 1.0,
        },
    }
}

fn round(v: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (v * p).round() / p
}

/// The comment line that opens every synthetic CSV.
pub fn synthetic_banner(seed: u64) -> String {
    format!(
        "# SYNTHETIC DATA generated by `gihi synth --seed {seed}`: invented values for demos and tests, NOT real GIHI data."
    )
}

/// Writes a table as CSV (`city` column of registry ids, then indicators), opening with the
/// synthetic banner when the table is synthetic.
pub fn write_csv(table: &IndicatorTable, banner: Option<&str>, out: impl Write) -> csv::Result<()> {
    let mut out = out;
    if let Some(b) = banner {
        writeln!(out, "{b}")?;
    }
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["city".to_string()];
    header.extend(table.indicators.iter().cloned());
    w.write_record(&header)?;
    for row in &table.rows {
        let mut rec = vec![row.city.clone()];
        rec.extend(
            row.values
                .iter()
                .map(|v| v.map_or(String::new(), |v| v.to_string())),
        );
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}
