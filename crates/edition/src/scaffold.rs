//! A new edition made from an earlier one (`gihi edition new`): its setup files to edit,
//! a population file to fill in, and a README of what to change.

use crate::{Setup, EDITION_FILE};

/// The population file a new edition starts with (one row per metro, population empty).
pub const POPULATION_FILE: &str = "population.csv";

impl Setup {
    /// The files of edition `year` made from this one: `edition.toml` with the reference
    /// dates moved on by the years between them, copies of the registry, framework,
    /// cut-offs and aliases, an empty population file and a README. Printed tables are
    /// not copied: the new edition is unpublished until its own tables are added.
    pub fn scaffold(&self, year: u16) -> Vec<(String, Vec<u8>)> {
        let shift = |y: u16| (i32::from(y) + i32::from(year) - i32::from(self.year)) as u16;
        let d = &self.dates;
        let valid_on = format!(
            "{:04}{}",
            shift(d.valid_on[..4].parse().unwrap_or(self.year)),
            &d.valid_on[4..]
        );
        let edition = format!(
            r#"# GIHI {year}: an edition in preparation, made by `gihi edition new {year}` from
# {origin} (GIHI {from}). Edit the files below, then run `gihi edition check <this directory>`.
year = {year}
source = "GIHI {year} (in preparation; set up from GIHI {from})"

# What the edition evaluates and how: files of this directory.
[setup]
registry = "{registry}"
framework = "{framework}"
cutoffs = "{cutoffs}"
aliases = "{aliases}"
population = "{POPULATION_FILE}"

# Reference dates of the record-level indicators, moved on {years} year(s) from GIHI {from}:
# check them against the new edition's Appendix 2.
[dates]
valid_on = "{valid_on}"
pct_year = {pct}
active_researchers = [{a0}, {a1}]
highly_cited = [{h0}, {h1}]

# Printed result tables are added here once the edition is published (see the 2024
# edition's edition.toml for the [[table]] entries).
"#,
            origin = self.origin,
            from = self.year,
            registry = self.files.registry,
            framework = self.files.framework,
            cutoffs = self.files.cutoffs,
            aliases = self.files.aliases,
            years = i32::from(year) - i32::from(self.year),
            pct = shift(d.pct_year),
            a0 = shift(d.active_researchers[0]),
            a1 = shift(d.active_researchers[1]),
            h0 = d.highly_cited[0],
            h1 = shift(d.highly_cited[1]),
        );
        let mut population = format!(
            "# Inhabitants of each metro (all its member cities together): fill in every row.\n\
             # A metro under {} inhabitants is a mini-hub (Appendix 4).\ncity,population,year,source\n",
            crate::MINI_HUB_POPULATION
        );
        for c in &self.registry.cities {
            let existing = self
                .population
                .as_ref()
                .and_then(|rows| rows.iter().find(|p| p.city == c.id));
            match existing {
                Some(p) => population.push_str(&format!(
                    "{},{},{},{}\n",
                    c.id,
                    p.population.map(|v| v.to_string()).unwrap_or_default(),
                    p.year.map(|v| v.to_string()).unwrap_or_default(),
                    csv_cell(p.source.as_deref().unwrap_or(""))
                )),
                None => population.push_str(&format!("{},,,\n", c.id)),
            }
        }
        let readme = format!(
            r#"# GIHI {year} (in preparation)

Made by `gihi edition new {year}` from GIHI {from} ({origin}). Nothing here is published
data yet. What to change, in order:

1. **Cities** (`{registry}`): add or drop metros and members as the city selection
   decides (`gihi select --lists DIR --population FILE --out candidates.csv` applies
   Appendix 4 to the four source rankings and lists what changes). Keep ids stable across
   editions: `gihi changes` matches metros by id. A member name listed under two metros
   needs a `[[shared_member]]` entry with the rule that allows it.
2. **Population** (`{POPULATION_FILE}`): every metro needs one; a metro under
   {mini} inhabitants must be in group `mini`, every other in `main`.
3. **Framework** (`{framework}`): indicators, weights, names and units (Table 1,
   Appendix 2). `gihi framework --framework {framework}` shows the tree.
4. **Cut-offs** (`{cutoffs}`): the data cut-off date of each source. `gihi edition check`
   refuses a cut-off before the edition's year.
5. **Aliases** (`{aliases}`): places inside a metro that its member list does not name.
6. **Dates** (`[dates]` in `{EDITION_FILE}`): reference dates of the record-level
   indicators, moved on {years} year(s) from GIHI {from}.

Then:

    gihi edition check <this directory>
    gihi compute --edition <this directory> --data indicators.csv --out run-{year}
    gihi changes --results run-{year} --against {from}
"#,
            origin = self.origin,
            from = self.year,
            registry = self.files.registry,
            framework = self.files.framework,
            cutoffs = self.files.cutoffs,
            aliases = self.files.aliases,
            mini = crate::MINI_HUB_POPULATION,
            years = i32::from(year) - i32::from(self.year),
        );
        vec![
            (EDITION_FILE.to_string(), edition.into_bytes()),
            (
                self.files.registry.clone(),
                self.registry_text.clone().into_bytes(),
            ),
            (
                self.files.framework.clone(),
                self.framework_text.clone().into_bytes(),
            ),
            (self.files.cutoffs.clone(), self.cutoffs_text().into_bytes()),
            (
                self.files.aliases.clone(),
                self.aliases_text.clone().into_bytes(),
            ),
            (POPULATION_FILE.to_string(), population.into_bytes()),
            ("README.md".to_string(), readme.into_bytes()),
        ]
    }

    /// The cut-offs as TOML text (`source` line first, then one line per source).
    fn cutoffs_text(&self) -> String {
        let mut out = format!(
            "# Data cut-off dates applied by `gihi derive` (copied from GIHI {}: update them).\nsource = \"GIHI {} cut-offs, to be updated\"\n",
            self.year, self.year
        );
        for (k, v) in &self.cutoffs {
            out.push_str(&format!("{k} = \"{v}\"\n"));
        }
        out
    }
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
