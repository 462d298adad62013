//! `gihi cities`: the registry as CSV, JSON or a table.

use super::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_registry::Group;

const HEADER: [&str; 8] = [
    "city",
    "name_en",
    "name_zh",
    "country",
    "continent",
    "group",
    "no",
    "members",
];

pub fn run(format: Format, group: Option<Group>) -> Result<(), CliError> {
    let registry = super::edition::registry()?;
    let cities: Vec<_> = registry
        .cities
        .iter()
        .filter(|c| group.is_none_or(|g| c.group == g))
        .collect();
    let text = match format {
        Format::Json => {
            // The id is `city` in every output of gihi.
            let list: Vec<serde_json::Value> = cities
                .iter()
                .map(|c| {
                    let mut v = serde_json::to_value(c).expect("registry cities serialise");
                    if let Some(o) = v.as_object_mut() {
                        let entries: Vec<(String, serde_json::Value)> = std::mem::take(o)
                            .into_iter()
                            .map(|(k, x)| (if k == "id" { "city".to_string() } else { k }, x))
                            .collect();
                        o.extend(entries);
                    }
                    v
                })
                .collect();
            super::json_text(&list)
        }
        Format::Csv | Format::Table => {
            let rows: Vec<Vec<String>> = cities
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.name_en.clone(),
                        c.name_zh.clone(),
                        c.country.clone(),
                        c.continent.name_en().to_string(),
                        c.group.as_str().to_string(),
                        c.no.to_string(),
                        c.members
                            .iter()
                            .map(|m| m.name_en.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ]
                })
                .collect();
            if format == Format::Csv {
                csv_string(false, &HEADER, rows)
            } else {
                let short: Vec<Vec<String>> = rows
                    .into_iter()
                    .map(|mut r| {
                        r.truncate(7);
                        r
                    })
                    .collect();
                text_table(&HEADER[..7], &short)
            }
        }
    };
    print(&text)
}
