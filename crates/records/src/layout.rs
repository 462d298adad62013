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
        "# Record files for `gihi records patents`\n\nPut each file in one directory as `<name>.parquet` or `<name>.csv` (same columns; CSV may\nhave `#` comment lines). Dates are ISO 8601 (`YYYY-MM-DD`).\n\n",
    );
    for l in PATENT_LAYOUTS {
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
