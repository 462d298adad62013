//! The record layouts gihi reads (Parquet, or CSV with the same columns), and their
//! commented templates (`gihi records template`).

/// A column of a record file.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// Whether the cell may be empty (null).
    pub nullable: bool,
    pub doc: &'static str,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    /// ISO 8601 date (`YYYY-MM-DD`; Parquet `date32` or string).
    Date,
    /// One of the listed words.
    Choice(&'static [&'static str]),
    /// A whole number (Parquet integer, or text digits); counts must not be negative.
    Int,
}

/// One record file: `<name>.parquet` or `<name>.csv` in the records directory.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub name: &'static str,
    pub doc: &'static str,
    pub columns: &'static [Column],
}

const fn col(name: &'static str, kind: Kind, nullable: bool, doc: &'static str) -> Column {
    Column {
        name,
        kind,
        nullable,
        doc,
    }
}

/// Patent types.
pub const PATENT_TYPES: &[&str] = &["invention", "utility", "design"];
/// Party roles.
pub const ROLES: &[&str] = &["applicant", "inventor"];
/// Party types.
pub const PARTY_TYPES: &[&str] = &[
    "company",
    "university",
    "institute",
    "hospital",
    "government",
    "individual",
    "other",
];

/// `patents`: one row per publication.
pub const PATENTS: Layout = Layout {
    name: "patents",
    doc: "one row per patent publication (Derwent or DOCDB export)",
    columns: &[
        col("pub_id", Kind::Text, false, "publication number, unique"),
        col(
            "family_id",
            Kind::Text,
            false,
            "patent family (DWPI or DOCDB family id)",
        ),
        col(
            "type",
            Kind::Choice(PATENT_TYPES),
            false,
            "invention | utility | design",
        ),
        col(
            "pct",
            Kind::Bool,
            false,
            "true when the record is the WO publication of a PCT application",
        ),
        col("publication_date", Kind::Date, false, "YYYY-MM-DD"),
        col(
            "grant_date",
            Kind::Date,
            true,
            "YYYY-MM-DD; empty if not granted",
        ),
        col(
            "expiry_date",
            Kind::Date,
            true,
            "YYYY-MM-DD; empty if unknown",
        ),
        col(
            "lapse_date",
            Kind::Date,
            true,
            "YYYY-MM-DD; empty if not lapsed (lapse for non-payment)",
        ),
        col(
            "title",
            Kind::Text,
            true,
            "title (keywords of Appendix 7 are searched here)",
        ),
        col("abstract", Kind::Text, true, "abstract (and here)"),
    ],
};

/// `patent_ipc`: one row per IPC symbol of a publication.
pub const PATENT_IPC: Layout = Layout {
    name: "patent_ipc",
    doc: "one row per IPC symbol of a publication",
    columns: &[
        col("pub_id", Kind::Text, false, "publication number (patents.pub_id)"),
        col("ipc", Kind::Text, false, "IPC symbol: G06N 3/08, G06N3/08, G06N   3/08 or G06N0003080000, optionally with a version such as (2006.01)"),
    ],
};

/// `patent_parties`: one row per applicant or inventor of a publication.
pub const PATENT_PARTIES: Layout = Layout {
    name: "patent_parties",
    doc: "one row per applicant or inventor of a publication",
    columns: &[
        col(
            "pub_id",
            Kind::Text,
            false,
            "publication number (patents.pub_id)",
        ),
        col("role", Kind::Choice(ROLES), false, "applicant | inventor"),
        col("name", Kind::Text, false, "name as exported"),
        col(
            "type",
            Kind::Choice(PARTY_TYPES),
            false,
            "company | university | institute | hospital | government | individual | other",
        ),
        col("city", Kind::Text, true, "city of the address"),
        col(
            "country",
            Kind::Text,
            true,
            "ISO 3166-1 alpha-2 or alpha-3 code, or English short name",
        ),
    ],
};

/// The patent record files, in reading order.
pub const PATENT_LAYOUTS: [Layout; 3] = [PATENTS, PATENT_IPC, PATENT_PARTIES];

/// `papers`: one row per publication (Dimensions export).
pub const PAPERS: Layout = Layout {
    name: "papers",
    doc: "one row per paper (Digital Science Dimensions export)",
    columns: &[
        col("paper_id", Kind::Text, false, "publication id, unique"),
        col("year", Kind::Int, false, "publication year"),
        col(
            "type",
            Kind::Text,
            true,
            "document type as exported (article, chapter, proceeding, ...)",
        ),
        col("times_cited", Kind::Int, false, "citations received"),
        col(
            "cited_by_patents",
            Kind::Int,
            false,
            "citing patent families",
        ),
        col(
            "cited_by_policy",
            Kind::Int,
            false,
            "citing policy documents",
        ),
        col(
            "cited_by_trials",
            Kind::Int,
            false,
            "citing clinical trials",
        ),
    ],
};

/// `paper_fields`: one row per Field of Research division of a paper.
pub const PAPER_FIELDS: Layout = Layout {
    name: "paper_fields",
    doc: "one row per ANZSRC 2020 Field of Research division of a paper",
    columns: &[
        col("paper_id", Kind::Text, false, "publication id (papers.paper_id)"),
        col(
            "field",
            Kind::Text,
            false,
            "division code 30-52, optionally followed by a space and its name (`31 Biological Sciences`)",
        ),
    ],
};

/// `paper_authorships`: one row per author–affiliation of a paper.
pub const PAPER_AUTHORSHIPS: Layout = Layout {
    name: "paper_authorships",
    doc: "one row per author-affiliation of a paper",
    columns: &[
        col(
            "paper_id",
            Kind::Text,
            false,
            "publication id (papers.paper_id)",
        ),
        col(
            "researcher_id",
            Kind::Text,
            true,
            "disambiguated researcher id; empty when the author is not disambiguated",
        ),
        col(
            "org_id",
            Kind::Text,
            true,
            "organisation id (GRID/ROR); may be empty",
        ),
        col("city", Kind::Text, true, "city of the affiliation"),
        col(
            "country",
            Kind::Text,
            true,
            "ISO 3166-1 alpha-2 or alpha-3 code, or English short name (HK, MO, TW are their own)",
        ),
    ],
};

/// The paper record files, in reading order.
pub const PAPER_LAYOUTS: [Layout; 3] = [PAPERS, PAPER_FIELDS, PAPER_AUTHORSHIPS];

/// Every record file gihi reads: patents, then papers.
pub const ALL_LAYOUTS: [Layout; 6] = [
    PATENTS,
    PATENT_IPC,
    PATENT_PARTIES,
    PAPERS,
    PAPER_FIELDS,
    PAPER_AUTHORSHIPS,
];

impl Layout {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// An empty, commented CSV template of this file.
    pub fn template(&self) -> String {
        let mut t = format!(
            "# {}.csv (or {}.parquet with the same columns): {}.\n# Lines starting with # are comments. Columns:\n",
            self.name, self.name, self.doc
        );
        for c in self.columns {
            t.push_str(&format!(
                "#   {}{}: {}\n",
                c.name,
                if c.nullable { " (may be empty)" } else { "" },
                c.doc
            ));
        }
        t.push_str(
            &self
                .columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(","),
        );
        t.push('\n');
        t
    }
}

/// The README written beside the templates.
pub fn templates_readme() -> String {
    let mut t = String::from(
        "# Record files for `gihi records patents` and `gihi records papers`\n\nPut each file in one directory as `<name>.parquet` or `<name>.csv` (same columns; CSV may\nhave `#` comment lines). Dates are ISO 8601 (`YYYY-MM-DD`). `gihi records patents` reads the\nthree patent files, `gihi records papers` the three paper files, `gihi records all` all six.\n\n",
    );
    for l in ALL_LAYOUTS {
        t.push_str(&format!(
            "## {}\n\n{}.\n\n| column | may be empty | meaning |\n|---|---|---|\n",
            l.name, l.doc
        ));
        for c in l.columns {
            t.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.name,
                if c.nullable { "yes" } else { "no" },
                c.doc
            ));
        }
        t.push('\n');
    }
    t
}
