//! The source files `gihi derive` reads: their layouts (kept close to each source's public
//! export where one exists), reading with located errors, and commented templates.
//!
//! Place columns, common to most files: `city` (an administrative city, or a metro id or
//! name), `country` (ISO code or English name), and an optional `metro` (registry id) that
//! overrides both — needed only for Arlington, Aurora, Pasadena and Glendale (US), which each
//! belong to two metros.

use crate::places::{Places, Resolved};
use crate::rules::{self, Accumulator};
use crate::DeriveError;
use gihi_framework::Location;
use std::path::Path;

/// One source file.
pub struct SourceSpec {
    pub file: &'static str,
    /// The reference year of the source's data (Appendix 2), recorded as each cell's data
    /// year; `None` where rows carry their own year or the year varies.
    pub year: Option<i32>,
    pub title: &'static str,
    /// Where the layout comes from (the public export it follows, or "plain").
    pub layout: &'static str,
    /// Columns: (name, description). Names are matched case-insensitively.
    pub columns: &'static [(&'static str, &'static str)],
    /// Columns that must be present.
    pub required: &'static [&'static str],
    pub feeds: &'static [&'static str],
    pub rule: fn(&Table, &Places, &mut Accumulator) -> Result<(), DeriveError>,
}

const PLACE: [(&str, &str); 3] = [
    ("city", "administrative city, or metro id or name"),
    ("country", "ISO 3166-1 alpha-2 code or English name"),
    ("metro", "optional registry id; overrides city and country"),
];

macro_rules! cols {
    ($($c:expr),* $(,)?) => { &[PLACE[0], PLACE[1], PLACE[2], $($c),*] };
}

/// The optional I18 table of `gihi records patents` (replaces network.csv's patent degree).
pub const PATENT_NETWORK: SourceSpec = SourceSpec {
    file: rules::PATENT_NETWORK_FILE,
    year: Some(2023),
    title: "Patent co-application degree per metro from patent records (optional; written by gihi records patents)",
    layout: "plain (per metro)",
    columns: &[
        ("metro", "registry id"),
        ("patent_degree", "partner metros in the co-application network"),
    ],
    required: &["metro", "patent_degree"],
    feeds: &["I18"],
    rule: rules::patent_network,
};

/// The optional I17 table of `gihi records papers` (replaces network.csv's co-authorship
/// centrality).
pub const COAUTHOR_NETWORK: SourceSpec = SourceSpec {
    file: rules::COAUTHOR_NETWORK_FILE,
    year: Some(2023),
    title: "Co-authorship eigenvector centrality per metro from paper records (optional; written by gihi records papers)",
    layout: "plain (per metro)",
    columns: &[
        ("metro", "registry id"),
        ("coauthorship_eigenvector", "eigenvector centrality in the co-authorship network"),
    ],
    required: &["metro", "coauthorship_eigenvector"],
    feeds: &["I17"],
    rule: rules::coauthor_network,
};

/// Optional tables written by the record pipelines: each, when present, replaces a column
/// of `network.csv` for the metros it lists.
pub const FROM_RECORDS: [&SourceSpec; 2] = [&PATENT_NETWORK, &COAUTHOR_NETWORK];

/// The optional table of supercomputers listed on both lists under different names (I06).
pub const HPC_MATCHES: SourceSpec = SourceSpec {
    file: rules::HPC_MATCHES_FILE,
    year: None,
    title: "Supercomputers on both the TOP500 and the China HPC TOP100 (optional)",
    layout: "plain; one row per system listed on both",
    columns: &[
        ("top500_rank", "its TOP500 rank"),
        ("china_rank", "its China HPC TOP100 rank"),
    ],
    required: &["top500_rank", "china_rank"],
    feeds: &["I06"],
    rule: rules::hpc_matches_rule,
};

/// Every source, in reading order.
pub static SOURCES: &[SourceSpec] = &[
    SourceSpec { file: "population.csv", year: None, title: "Population of administrative cities or metros", layout: "plain", columns: cols!(("population", "inhabitants"), ("year", "data year")), required: &["city", "country", "population"], feeds: &["I01", "I09", "I23", "I26", "I28", "I30"], rule: rules::population },
    SourceSpec { file: "dimensions.csv", year: Some(2023), title: "Digital Science Dimensions: researchers and papers per city", layout: "plain (per-city extract of Dimensions)", columns: cols!(("active_researchers", "researchers with a publication 2019-2023, counted once"), ("highly_cited_papers", "papers 2000-2022 in the top 1% of their field"), ("policy_patent_trial_citations", "citations by patents, policy documents and clinical trials to 2019-2023 papers")), required: &["city", "country", "active_researchers", "highly_cited_papers", "policy_patent_trial_citations"], feeds: &["I01", "I07", "I08"], rule: rules::dimensions },
    SourceSpec { file: "network.csv", year: Some(2023), title: "Network centralities of each metro (co-authorship, patent co-operation)", layout: "plain (per metro)", columns: &[("metro", "registry id"), ("coauthorship_eigenvector", "eigenvector centrality in the 2023 co-authorship network"), ("patent_degree", "degree centrality in the 2023 patent co-applicant network")], required: &["metro", "coauthorship_eigenvector", "patent_degree"], feeds: &["I17", "I18"], rule: rules::network },
    SourceSpec { file: "patents.csv", year: Some(2023), title: "Derwent: valid invention patents and PCT applications per city (four fields of Appendix 7)", layout: "plain (per-city extract of Derwent Innovation)", columns: cols!(("valid_invention_patents", "granted patents in force on 1 January 2023"), ("pct_applications", "PCT applications published in 2023")), required: &["city", "country", "valid_invention_patents", "pct_applications"], feeds: &["I09", "I10"], rule: rules::patents },
    SourceSpec { file: "laureates.csv", year: Some(2024), title: "Nobel, Fields and Turing laureates and where they work now", layout: "plain; one row per laureate and city (a laureate working in several cities has several rows)", columns: cols!(("laureate", "name"), ("prize", "Nobel Physics | Nobel Chemistry | Nobel Medicine | Nobel Economics | Nobel Literature | Nobel Peace | Fields | Turing"), ("year", "award year"), ("date", "date the award was announced, YYYY-MM-DD (needed when the award year is the cut-off year)")), required: &["laureate", "prize", "year", "city", "country"], feeds: &["I02"], rule: rules::laureates },
    SourceSpec { file: "arwu.csv", year: Some(2023), title: "Academic Ranking of World Universities 2023", layout: "ShanghaiRanking export (World Rank, Institution, Country/Region, ...) plus City", columns: &[("World Rank", "e.g. 1, 101-150, 151-200"), ("Institution", "name"), ("Country/Region", "country"), ("City", "city of the institution"), ("metro", "optional registry id")], required: &["World Rank", "Institution", "Country/Region", "City"], feeds: &["I03"], rule: rules::arwu },
    SourceSpec { file: "nature_index.csv", year: Some(2023), title: "Nature Index 2023 research institutions, with sub-institutions", layout: "Nature Index table (Position, Institution, Country/territory, Count, Share) plus City and Parent", columns: &[("Position", "rank of the institution (empty for a sub-institution)"), ("Institution", "name"), ("Country/territory", "country"), ("Share", "Share in 2023"), ("City", "city"), ("Parent", "for a sub-institution: its institution"), ("metro", "optional registry id")], required: &["Position", "Institution", "Country/territory", "Share", "City", "Parent"], feeds: &["I04"], rule: rules::nature_index },
    SourceSpec { file: "facilities.csv", year: None, title: "Large research facilities", layout: "plain", columns: cols!(("name", "facility"), ("category", "dedicated-research | public-platform | supercomputer"), ("status", "operating | construction | planned | closed")), required: &["name", "category", "status", "city", "country"], feeds: &["I05"], rule: rules::facilities },
    SourceSpec { file: "top500.csv", year: Some(2023), title: "TOP500 list, November 2023", layout: "TOP500 export (Rank, Name, Computer, Site, Country, ...) plus City", columns: &[("Rank", "1-500"), ("Name", "system"), ("Site", "site"), ("Country", "country"), ("City", "city of the site"), ("metro", "optional registry id")], required: &["Rank", "Name", "Site", "Country", "City"], feeds: &["I06"], rule: rules::top500 },
    SourceSpec { file: "china_hpc_top100.csv", year: Some(2023), title: "China HPC TOP100, 2023", layout: "HPC TOP100 list (Rank, Name, Site) plus City", columns: &[("Rank", "1-100"), ("Name", "system"), ("Site", "site"), ("City", "city of the site"), ("metro", "optional registry id")], required: &["Rank", "Name", "Site", "City"], feeds: &["I06"], rule: rules::china_hpc },
    SourceSpec { file: "leading_firms.csv", year: Some(2023), title: "Leading innovative firms: EU R&D Scoreboard top 2500, Top 100 Global Innovators, Fortune Global 500 technology firms", layout: "plain; one row per firm and list", columns: cols!(("firm", "company name"), ("list", "eu-scoreboard | clarivate-top100 | fortune-global500-tech")), required: &["firm", "list", "city", "country"], feeds: &["I11"], rule: rules::leading_firms },
    SourceSpec { file: "unicorns_cbinsights.csv", year: Some(2024), title: "CB Insights unicorn list (to 29 April 2024)", layout: "CB Insights export (Company, Valuation ($B), Date Joined, Country, City, Industry, Select Investors)", columns: &[("Company", "name"), ("Valuation ($B)", "valuation"), ("Country", "country"), ("City", "city"), ("metro", "optional registry id")], required: &["Company", "Country", "City"], feeds: &["I12"], rule: rules::unicorns_cbinsights },
    SourceSpec { file: "unicorns_hurun.csv", year: Some(2023), title: "Hurun Global Unicorn Index 2023", layout: "Hurun list (Company, Valuation, Country, City, Industry)", columns: &[("Company", "name"), ("Valuation", "valuation"), ("Country", "country"), ("City", "city"), ("metro", "optional registry id")], required: &["Company", "Country", "City"], feeds: &["I12"], rule: rules::unicorns_hurun },
    SourceSpec { file: "forbes_global2000.csv", year: Some(2024), title: "Forbes Global 2000 (2024) with GICS codes", layout: "Forbes list (Rank, Name, Country, Market Value) plus City and GICS", columns: &[("Rank", "1-2000"), ("Name", "company"), ("Country", "country"), ("City", "headquarters city"), ("GICS", "GICS industry group or industry code"), ("Market Value ($B)", "market value, USD billion"), ("metro", "optional registry id")], required: &["Name", "Country", "City", "GICS", "Market Value ($B)"], feeds: &["I13"], rule: rules::forbes },
    SourceSpec { file: "listed_firms.csv", year: Some(2023), title: "Osiris listed firms: 2023 revenue by GICS sub-industry", layout: "Osiris extract", columns: &[("Company", "name"), ("Country", "country"), ("City", "headquarters city"), ("GICS Sub-Industry", "6- or 8-digit code"), ("Revenue 2023 (USD m)", "operating revenue"), ("metro", "optional registry id")], required: &["Company", "Country", "City", "GICS Sub-Industry", "Revenue 2023 (USD m)"], feeds: &["I14"], rule: rules::listed_firms },
    SourceSpec { file: "wb_gdp_deflator.csv", year: None, title: "World Bank GDP deflator (NY.GDP.DEFL.ZS; base year varies by country)", layout: "World Bank indicator CSV export: metadata lines, then Country Name, Country Code (ISO alpha-3), Indicator Name, Indicator Code and one column per year", columns: &[("Country Name", "country"), ("Country Code", "ISO alpha-3, or a producer-added series code such as TWN"), ("Indicator Name", "name"), ("Indicator Code", "NY.GDP.DEFL.ZS"), ("2015", "one column per year: 1960 ... 2023")], required: &["Country Name", "Country Code", "Indicator Code"], feeds: &["I15"], rule: rules::wb_deflator },
    SourceSpec { file: "wb_ppp_factor.csv", year: None, title: "World Bank PPP conversion factor, GDP (PA.NUS.PPP; LCU per international $)", layout: "World Bank indicator CSV export (as wb_gdp_deflator.csv)", columns: &[("Country Name", "country"), ("Country Code", "ISO alpha-3 or series code"), ("Indicator Name", "name"), ("Indicator Code", "PA.NUS.PPP"), ("2015", "one column per year; 2015 is used")], required: &["Country Name", "Country Code", "Indicator Code"], feeds: &["I15"], rule: rules::wb_ppp },
    SourceSpec { file: "gdp.csv", year: None, title: "Nominal GDP by city and year, local currency", layout: "plain (city and national statistics offices)", columns: cols!(("year", "year"), ("nominal_gdp_lcu", "nominal GDP, local currency units"), ("wb_code", "optional World Bank series for the currency, e.g. HKG for a Hong Kong member of the Greater Bay Area (default: the country's)")), required: &["city", "country", "year", "nominal_gdp_lcu"], feeds: &["I15"], rule: rules::gdp },
    SourceSpec { file: "labour.csv", year: Some(2022), title: "Working-age population (15-64) by city and year (the GDP comes from gdp.csv)", layout: "plain", columns: cols!(("year", "year of the population figure (2022 is used; else the nearest, flagged)"), ("working_age_population", "population aged 15-64 (if known)"), ("total_population", "total population (if the above is not known)"), ("working_age_share", "share aged 15-64 of a larger area (if the above is not known)"), ("share_level", "national | state: where the share comes from")), required: &["city", "country", "year"], feeds: &["I16"], rule: rules::labour },
    SourceSpec { file: "fdi_markets.csv", year: Some(2023), title: "fDi Markets greenfield projects, 2023", layout: "fDi Markets export (Source city, Source country, Destination city, Destination country, Capital investment)", columns: &[("Source city", "investing city"), ("Source country", "country"), ("Destination city", "receiving city"), ("Destination country", "country"), ("Capital investment (USD m)", "capex"), ("source metro", "optional registry id"), ("destination metro", "optional registry id")], required: &["Source city", "Source country", "Destination city", "Destination country", "Capital investment (USD m)"], feeds: &["I19", "I20"], rule: rules::fdi },
    SourceSpec { file: "cbinsights_funding.csv", year: Some(2023), title: "CB Insights funding rounds, 2023", layout: "CB Insights export (Company, City, Country, Round, Amount)", columns: &[("Company", "name"), ("City", "city"), ("Country", "country"), ("Round", "Seed, Angel, Series A ... Series E+, Growth Equity, Private Equity"), ("Amount (USD m)", "amount"), ("metro", "optional registry id")], required: &["Company", "City", "Country", "Round", "Amount (USD m)"], feeds: &["I21", "I22"], rule: rules::funding },
    SourceSpec { file: "lawyers.csv", year: Some(2022), title: "Licensed lawyers (city counts, or state/national rates)", layout: "plain", columns: &[("place", "city, state or country"), ("level", "city | state | country"), ("country", "country"), ("metro", "registry id (required for state rows)"), ("lawyers", "count (city rows)"), ("per_million", "rate per million (state and country rows)"), ("year", "data year")], required: &["place", "level", "country"], feeds: &["I23"], rule: rules::lawyers },
    SourceSpec { file: "cloudscene.csv", year: Some(2024), title: "Cloudscene colocation data centres (to 7 May 2024)", layout: "plain", columns: cols!(("colocation_data_centres", "count")), required: &["city", "country", "colocation_data_centres"], feeds: &["I24"], rule: rules::cloudscene },
    SourceSpec { file: "speedtest.csv", year: Some(2024), title: "Speedtest median speeds (6 May 2024)", layout: "plain (Speedtest city index)", columns: cols!(("fixed_download", "Mbps"), ("fixed_upload", "Mbps"), ("mobile_download", "Mbps"), ("mobile_upload", "Mbps")), required: &["city", "country", "fixed_download", "fixed_upload", "mobile_download", "mobile_upload"], feeds: &["I25"], rule: rules::speedtest },
    SourceSpec { file: "oag_flights.csv", year: Some(2023), title: "OAG direct international flights, 2023", layout: "plain", columns: cols!(("international_flights", "flights from or to the city")), required: &["city", "country", "international_flights"], feeds: &["I26"], rule: rules::flights },
    SourceSpec { file: "un_egov.csv", year: Some(2022), title: "UN E-Government Survey 2022, country data", layout: "UN E-Government Knowledgebase country table (Country Name, ..., Online Service Index)", columns: &[("Country Name", "country"), ("Online Service Index", "OSI, 0-1")], required: &["Country Name", "Online Service Index"], feeds: &["I27"], rule: rules::egov },
    SourceSpec { file: "talent.csv", year: Some(2024), title: "Professional talent inflow (LinkedIn Talent Insights; Zhaopin for mainland China)", layout: "plain", columns: &[("place", "city or country"), ("level", "city | country"), ("country", "country"), ("metro", "registry id (required for country rows)"), ("platform", "linkedin | zhaopin"), ("inflow", "professionals moving in (city rows)"), ("per_million", "rate per million (country rows)")], required: &["place", "level", "country", "platform"], feeds: &["I28"], rule: rules::talent },
    SourceSpec { file: "gdl_schooling.csv", year: Some(2021), title: "Global Data Lab subnational mean years of schooling", layout: "Global Data Lab SHDI table (country, region, year, msch) plus metro", columns: &[("country", "country"), ("region", "GDL region"), ("year", "year"), ("msch", "mean years of schooling, 25+"), ("metro", "registry id the region stands for")], required: &["country", "region", "year", "msch", "metro"], feeds: &["I29"], rule: rules::schooling },
    SourceSpec { file: "museums_libraries.csv", year: Some(2023), title: "Public museums and libraries open in 2023", layout: "plain", columns: cols!(("museums", "public museums"), ("libraries", "public libraries (not university libraries)")), required: &["city", "country", "museums", "libraries"], feeds: &["I30"], rule: rules::museums },
];

/// A read source: header and rows with their line numbers.
pub struct Table {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Column index by name (case-insensitive).
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    }

    /// A cell's text (empty if the column is absent).
    pub fn text<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name)
            .and_then(|c| row.get(c))
            .map_or("", |s| s.trim())
    }

    /// An error at a row and column.
    pub fn error(&self, line: usize, name: &str, message: impl Into<String>) -> DeriveError {
        DeriveError::Invalid {
            at: Location::new(self.file.clone(), line, self.col(name).map_or(0, |c| c + 1)),
            message: message.into(),
        }
    }

    /// A number ≥ 0 (or any number with `signed`); `None` if the cell is empty.
    pub fn number(
        &self,
        line: usize,
        row: &[String],
        name: &str,
        signed: bool,
    ) -> Result<Option<f64>, DeriveError> {
        let t = self.text(row, name).replace(',', "");
        if t.is_empty() || t == "NA" {
            return Ok(None);
        }
        let v: f64 = t.trim_start_matches('$').parse().map_err(|_| {
            self.error(
                line,
                name,
                format!(
                    "column `{name}`: expected a number, found `{}`",
                    self.text(row, name)
                ),
            )
        })?;
        if !v.is_finite() || (!signed && v < 0.0) {
            return Err(self.error(
                line,
                name,
                format!("column `{name}`: expected a number of 0 or more, found {v}"),
            ));
        }
        Ok(Some(v))
    }

    /// A number that must be present.
    pub fn required_number(
        &self,
        line: usize,
        row: &[String],
        name: &str,
    ) -> Result<f64, DeriveError> {
        self.number(line, row, name, false)?.ok_or_else(|| {
            self.error(
                line,
                name,
                format!("column `{name}`: expected a number, found an empty cell"),
            )
        })
    }

    /// The metro of a row from its place columns; `None` (and the row counted in the
    /// summary) when the place lies outside every evaluated metro.
    pub fn metro(
        &self,
        places: &Places,
        line: usize,
        row: &[String],
        city: &str,
        country: &str,
        metro: &str,
    ) -> Result<Option<String>, DeriveError> {
        let m = self.text(row, metro);
        match places.resolve(
            self.text(row, city),
            self.text(row, country),
            (!m.is_empty()).then_some(m),
        ) {
            Ok(Resolved::Metro(id)) => Ok(Some(id)),
            Ok(Resolved::Outside { label }) => {
                places.note_outside(&self.file, &label);
                Ok(None)
            }
            Err(e) => Err(self.error(line, if m.is_empty() { city } else { metro }, e)),
        }
    }
}

/// Reads one source file, checking its required columns. Records are read flexibly:
/// exports such as the World Bank's put metadata lines before the header, which is the first
/// record holding every required column.
/// Largest source file read (its rows are kept in memory while the rules run).
pub const MAX_SOURCE_BYTES: u64 = 256 << 20;

pub fn read(dir: &Path, spec: &SourceSpec) -> Result<Table, DeriveError> {
    let path = dir.join(spec.file);
    let file = path.display().to_string();
    let read_err = |e: std::io::Error| DeriveError::Read {
        path: file.clone(),
        message: if gihi_input::is_too_large(&e) {
            format!(
                "larger than {} MiB; a source table this large is not supported",
                MAX_SOURCE_BYTES >> 20
            )
        } else {
            e.to_string()
        },
    };
    let opened = std::fs::File::open(&path).map_err(read_err)?;
    let limited = gihi_input::Limited::new(opened, MAX_SOURCE_BYTES);
    let (filtered, lines) = gihi_input::CommentFilter::new(std::io::BufReader::new(limited));
    let real =
        |p: Option<&csv::Position>| lines.borrow().real_line(p.map_or(0, |p| p.line() as usize));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(filtered);
    let clean = |h: &str| h.trim().trim_start_matches('\u{feff}').to_string();
    let mut table: Option<Table> = None;
    let mut first_line = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| match e.kind() {
            csv::ErrorKind::Io(io) => read_err(std::io::Error::new(io.kind(), io.to_string())),
            _ => DeriveError::Invalid {
                at: Location::new(file.clone(), real(e.position()), 1),
                message: e.to_string(),
            },
        })?;
        let line = real(rec.position());
        let cells: Vec<String> = rec.iter().map(clean).collect();
        match table.as_mut() {
            None => {
                if first_line == 0 {
                    first_line = line;
                }
                if spec
                    .required
                    .iter()
                    .all(|c| cells.iter().any(|h| h.eq_ignore_ascii_case(c)))
                {
                    table = Some(Table {
                        file: file.clone(),
                        header: cells,
                        rows: Vec::new(),
                    });
                }
            }
            Some(t) => {
                // Trailing empty fields (the World Bank's trailing comma) do not count.
                let used = cells
                    .iter()
                    .rposition(|c| !c.is_empty())
                    .map_or(0, |i| i + 1);
                if used == 0 {
                    continue;
                }
                if used > t.header.len() || cells.len() < t.header.len() {
                    return Err(DeriveError::Invalid {
                        at: Location::new(file.clone(), line, cells.len().min(t.header.len()) + 1),
                        message: format!(
                            "expected {} fields as in the header, found {}",
                            t.header.len(),
                            cells.len()
                        ),
                    });
                }
                t.rows.push((line, cells));
            }
        }
    }
    table.ok_or_else(|| DeriveError::Invalid {
        at: Location::new(file.clone(), first_line.max(1), 1),
        message: format!(
            "missing required column(s): expected a header with {}",
            spec.required.join(", ")
        ),
    })
}

/// A commented, empty template of a source file.
pub fn template(spec: &SourceSpec) -> String {
    let mut out = format!(
        "# {}\n# Layout: {}\n# Feeds: {}\n",
        spec.title,
        spec.layout,
        spec.feeds.join(", ")
    );
    for (name, what) in spec.columns {
        let req = if spec.required.contains(name) {
            "required"
        } else {
            "optional"
        };
        out.push_str(&format!("#   {name}: {what} ({req})\n"));
    }
    let header: Vec<String> = spec
        .columns
        .iter()
        .map(|(n, _)| {
            if n.contains(',') || n.contains('"') {
                format!("\"{n}\"")
            } else {
                n.to_string()
            }
        })
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    out
}
