//! `gihi`: compute, audit, explain and publish the Global Innovation Hubs Index.

/// mimalloc instead of the system allocator: the record pipelines allocate and free large
/// Arrow buffers at a high rate (BENCHMARKS.md, patent records).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod counts;
mod error;
mod output;

use clap::{Parser, Subcommand, ValueEnum};
#[cfg(test)]
mod help_tests;
use error::CliError;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gihi",
    version,
    about = "Global Innovation Hubs Index (GIHI): compute, audit, explain and publish"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The edition: a built-in year (2024, the default) or an edition directory (its
    /// registry, framework, dates and any published tables; see `gihi edition new`).
    #[arg(long, global = true, value_name = "YEAR|DIR")]
    edition: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// List the evaluated cities of the registry (report Appendices 4-5).
    Cities {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Only cities of this group.
        #[arg(long, value_enum)]
        group: Option<GroupArg>,
    },
    /// Show the framework tree with relative and effective weights (report Table 1).
    Framework {
        /// Framework TOML file (default: the built-in GIHI 2024 framework).
        #[arg(long)]
        framework: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Record exports (patents) to per-city source tables, on Apache DataFusion.
    Records {
        #[command(subcommand)]
        what: RecordsWhat,
    },
    /// Run a member of an Apache Ballista cluster for the record pipelines (cargo feature
    /// `cluster`).
    Cluster {
        #[command(subcommand)]
        what: commands::cluster::ClusterWhat,
    },
    /// Make or check an edition directory (registry, framework, dates as data).
    Edition {
        #[command(subcommand)]
        what: EditionWhat,
    },
    /// Select the cities of an edition from four world rankings (Appendix 4).
    Select {
        /// Directory of rankings, one CSV per list (`rank,city,country`), named by its file.
        #[arg(long)]
        lists: PathBuf,
        /// Inhabitants per metro (`city,country,population`): mini-hubs have under a million.
        #[arg(long)]
        population: Option<PathBuf>,
        /// The candidate list to write (CSV; replaced only if it is this command's own).
        #[arg(long)]
        out: PathBuf,
    },
    /// Source-file layouts.
    Sources {
        #[command(subcommand)]
        what: SourcesWhat,
    },
    /// Derive the 30 indicators from source tables (Appendix 2), with provenance.
    Derive {
        /// Directory of source files (see `gihi sources template`).
        #[arg(long)]
        sources: PathBuf,
        /// Indicator table to write (CSV); provenance goes beside it.
        #[arg(long, required_unless_present = "explain")]
        out: Option<PathBuf>,
        /// List the rows behind one cell instead: CITY INDICATOR.
        #[arg(long, num_args = 2, value_names = ["CITY", "INDICATOR"])]
        explain: Option<Vec<String>>,
    },
    /// Write a SYNTHETIC indicator table for all registry cities (demos and tests only).
    Synth {
        /// Seed of the synthetic table (same seed, same table).
        #[arg(long)]
        seed: u64,
        /// Output CSV; its file name must contain "synthetic".
        #[arg(long)]
        out: PathBuf,
        /// Framework whose indicators to generate (default: built-in GIHI 2024).
        #[arg(long)]
        framework: Option<PathBuf>,
    },
    /// Score an indicator table by the method of Appendix 3, each group separately.
    Compute {
        /// Indicator table: CSV or XLSX, a `city` column and one column per indicator id.
        #[arg(long)]
        data: PathBuf,
        /// Framework TOML file (default: the built-in GIHI 2024 framework).
        #[arg(long)]
        framework: Option<PathBuf>,
        /// Output directory (written whole or not at all).
        #[arg(long)]
        out: PathBuf,
        /// Missing values: `error` lists every missing cell; `mean` imputes z = 0 and flags it.
        #[arg(long, value_enum, default_value_t = MissingArg::Error)]
        missing: MissingArg,
    },
    /// Build the bilingual report: index.html, report.xlsx, tables/*.csv, figures/*.svg
    /// (and with --pdf an A4 PDF per language).
    Report {
        /// A `gihi compute` output (default: the published GIHI 2024 edition).
        #[arg(long)]
        results: Option<PathBuf>,
        /// A `gihi records patents|papers|all` output: adds the co-authorship chapter
        /// (figures 12-18, 32) and/or the patent chapter (figures 25-28, 33).
        #[arg(long)]
        records: Option<PathBuf>,
        /// Also write report-zh.pdf / report-en.pdf (A4, contents with page numbers), printed
        /// by headless Chromium (found on the PATH or named by GIHI_CHROMIUM).
        #[arg(long)]
        pdf: bool,
        /// Output directory (default: ./gihi-report, or ./gihi-report-synthetic for synthetic runs).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Report language(s): Chinese, English, or both with a switch.
        #[arg(long, value_enum, default_value_t = commands::report::LangArg::Both)]
        lang: commands::report::LangArg,
    },
    /// Query the published edition (rankings and regional counts as printed).
    Published {
        #[command(subcommand)]
        query: PublishedQuery,
    },
    /// Audit tables for inconsistencies.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Check the report's statements about its results against its tables.
    Statements {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Development modes (Appendix 6): hierarchical clustering of the top cities' pillar profiles.
    Modes {
        #[command(flatten)]
        source: commands::analysis::Source,
        /// How many of the best composite ranks are clustered (Appendix 6: the top 20).
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Number of development-mode clusters (Appendix 6 uses 4).
        #[arg(long, default_value_t = 4)]
        k: usize,
        /// Linkage of the hierarchical clustering (Appendix 6 uses Ward).
        #[arg(long, value_enum, default_value_t = LinkageArg::Ward)]
        linkage: LinkageArg,
        /// How pillar z-values become mode scores: joint min-max (Appendix 6), per pillar, or profile shape.
        #[arg(long, value_enum, default_value_t = ScalingArg::Joint)]
        scaling: ScalingArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rank quartiles by continent at a level, and counts by continent or country in a top N.
    Regions {
        #[command(flatten)]
        source: commands::analysis::Source,
        /// composite, mini, a pillar (A-C) or a sub-pillar (A1-C4); mini-A..mini-C for the mini-hubs.
        #[arg(long, default_value = "composite")]
        level: String,
        /// Also count the cities by continent (or country) among the top N.
        #[arg(long)]
        top: Option<u32>,
        /// Count by continent or by country.
        #[arg(long, value_enum, default_value_t = commands::published::RegionBy::Continent)]
        by: commands::published::RegionBy,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rank changes between editions (printed histories) or between two computed runs.
    Changes {
        #[command(flatten)]
        source: commands::analysis::Source,
        /// composite, mini, a pillar (A-C) or a sub-pillar (A1-C4).
        #[arg(long, default_value = "composite")]
        level: String,
        /// Earlier year of a published edition's history (default: the year before).
        #[arg(long)]
        from: Option<u16>,
        /// What the run is compared with: an earlier run (`gihi compute` output), or an
        /// edition (built-in year or directory) whose printed ranks are taken.
        #[arg(long, value_name = "DIR|YEAR")]
        against: Option<PathBuf>,
        /// Compare the cities of this top N.
        #[arg(long, default_value_t = 20)]
        top: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The interactive explorer: rankings, city profiles, comparisons, what-if, maps, audit
    /// and downloads in a browser, over the published edition (default) or a computed run.
    Serve {
        #[command(flatten)]
        source: commands::analysis::Source,
        /// Address to listen on; the default answers this machine only. Another address
        /// (e.g. 0.0.0.0:8080) opens the explorer to the network: read-only, but say so
        /// knowingly.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
        bind: std::net::SocketAddr,
        /// A `gihi uncertainty` output computed on the same table as --results: its rank
        /// intervals are shown beside the ranks.
        #[arg(long, value_name = "DIR", requires = "results")]
        uncertainty: Option<PathBuf>,
        /// A `gihi records papers|patents|all` output: its co-authorship and patent
        /// co-application networks are drawn on the maps page.
        #[arg(long, value_name = "DIR")]
        records: Option<PathBuf>,
    },
    /// One city's scores and ranks at every level, strengths, weaknesses, peers and mode.
    Profile {
        /// Registry id, English or Chinese name.
        city: String,
        #[command(flatten)]
        source: commands::analysis::Source,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Statistical audit of an indicator table (JRC style): distributions, correlations, alpha, PCA.
    Stats {
        /// Indicator table: CSV or XLSX with a `city` column and one column per indicator id.
        #[arg(long)]
        data: PathBuf,
        /// Framework TOML file (default: the built-in GIHI 2024 framework).
        #[arg(long)]
        framework: Option<PathBuf>,
        /// Evaluation group: the 108 main hubs or the 12 mini-hubs.
        #[arg(long, value_enum, default_value_t = GroupArg::Main)]
        group: GroupArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Monte Carlo over methodological choices: median rank and 5-95 % interval per city.
    Uncertainty {
        #[command(flatten)]
        mc: McArgs,
        /// Monte Carlo replications, 1 to 1000000000 (memory does not grow with the count).
        #[arg(long, default_value_t = 10000, value_parser = counts::runs, allow_hyphen_values = true)]
        runs: u64,
    },
    /// First-order and total Sobol indices of each choice, overall and per city.
    Sensitivity {
        #[command(flatten)]
        mc: McArgs,
        /// Rows of the Saltelli design, 2 or more (model runs = samples x (factors + 2)); the
        /// largest allowed depends on the table (the design's ranks are kept, at most 256 MiB).
        #[arg(long, default_value_t = 1024, value_parser = counts::samples, allow_hyphen_values = true)]
        samples: usize,
        /// Bootstrap resamples for the 95 % intervals (0 for none; intervals need 10 or more).
        #[arg(long, default_value_t = 200, value_parser = counts::bootstrap, allow_hyphen_values = true)]
        bootstrap: usize,
    },
    /// New scores and ranks after changing one city's indicator values.
    Whatif {
        /// Indicator table: CSV or XLSX with a `city` column and one column per indicator id.
        #[arg(long)]
        data: PathBuf,
        /// Framework TOML file (default: the built-in GIHI 2024 framework).
        #[arg(long)]
        framework: Option<PathBuf>,
        /// The city: registry id, English or Chinese name.
        #[arg(long)]
        city: String,
        /// INDICATOR=VALUE: `I21=+20%` (relative), `I05=+2` (difference) or `I30=12.5` (new value).
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        /// Missing values: `error` lists every missing cell; `mean` imputes z = 0 and flags it.
        #[arg(long, value_enum, default_value_t = MissingArg::Error)]
        missing: MissingArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The smallest improvements that bring a city to a target rank.
    Target {
        /// Indicator table: CSV or XLSX with a `city` column and one column per indicator id.
        #[arg(long)]
        data: PathBuf,
        /// Framework TOML file (default: the built-in GIHI 2024 framework).
        #[arg(long)]
        framework: Option<PathBuf>,
        /// The city: registry id, English or Chinese name.
        #[arg(long)]
        city: String,
        /// The rank to reach (1 = best), at most the number of cities in the city's group.
        #[arg(long)]
        rank: usize,
        /// composite, or a pillar or sub-pillar id.
        #[arg(long, default_value = "composite")]
        level: String,
        /// Missing values: `error` lists every missing cell; `mean` imputes z = 0 and flags it.
        #[arg(long, value_enum, default_value_t = MissingArg::Error)]
        missing: MissingArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Benchmark: weight-perturbation replications per second (see BENCHMARKS.md).
    Bench {
        /// Replications timed, 1 to 1000000000.
        #[arg(long, default_value_t = 100000, value_parser = counts::runs, allow_hyphen_values = true)]
        reps: u64,
        /// Seed of the synthetic table benchmarked.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum PublishedQuery {
    /// The printed ranking at a level: composite, mini, A, B, C, or A1..C4.
    Ranking {
        /// composite, mini, A, B, C or a sub-pillar A1..C4 (mini-A..mini-C for Table 4).
        #[arg(long)]
        level: String,
        /// Show only the top N of the printed ranking.
        #[arg(long)]
        top: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Cities by continent (or country) within the top N at a level.
    Regions {
        /// composite, mini, a pillar (A-C) or a sub-pillar (A1-C4); mini-A..mini-C for the mini-hubs.
        #[arg(long)]
        level: String,
        /// Count the cities within this top N.
        #[arg(long)]
        top: u32,
        /// Count by continent or by country.
        #[arg(long, value_enum, default_value_t = commands::published::RegionBy::Continent)]
        by: commands::published::RegionBy,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum SourcesWhat {
    /// Write an empty, commented template of every source file into DIR.
    Template {
        /// Directory to write into; files that exist there are never overwritten.
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum RecordsWhat {
    /// Write empty, commented templates of the record files into DIR.
    Template {
        /// Directory to write into; files that exist there are never overwritten.
        dir: PathBuf,
    },
    /// Write a SYNTHETIC patent and/or paper corpus in the record layouts (tests and
    /// benchmarks).
    Synth {
        /// Patent publications to generate (0: no patent files).
        #[arg(long, default_value_t = 0, value_parser = counts::synth_patents_or_zero)]
        patents: u64,
        /// Papers to generate (0: no paper files).
        #[arg(long, default_value_t = 0, value_parser = counts::synth_patents_or_zero)]
        papers: u64,
        /// Seed (same seed, same corpus).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// File format.
        #[arg(long, value_enum, default_value_t = RecordFormat::Parquet)]
        format: RecordFormat,
        /// IPC rows to make unparseable on purpose (at most one per publication).
        #[arg(long, default_value_t = 0, value_parser = counts::synth_patents_or_zero)]
        invalid: u64,
        /// Output directory; its name must contain "synthetic".
        #[arg(long)]
        out: PathBuf,
    },
    /// Patent records to I09, I10, I18 per metro and field, the co-application network and
    /// the biomedical focus tables.
    Patents {
        /// Directory with patents, patent_ipc and patent_parties (.parquet or .csv).
        #[arg(long)]
        records: PathBuf,
        /// Output directory (written whole or not at all).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        patents: PatentChoices,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Paper records to I01, I07, I08, I17 per metro, the co-authorship networks and the
    /// international co-authorship focus tables.
    Papers {
        /// Directory with papers, paper_fields and paper_authorships (.parquet or .csv).
        #[arg(long)]
        records: PathBuf,
        /// Output directory (written whole or not at all).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        years: PaperYears,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Both pipelines over one directory of patent and paper records: `sources/` gets every
    /// table `gihi derive` reads, `patents/` and `papers/` the rest.
    All {
        /// Directory with the six record files (.parquet or .csv).
        #[arg(long)]
        records: PathBuf,
        /// Output directory (written whole or not at all).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        patents: PatentChoices,
        #[command(flatten)]
        years: PaperYears,
        #[command(flatten)]
        engine: EngineArgs,
    },
}

/// The dates and choices of the patent pipeline (defaults: the edition's).
#[derive(clap::Args)]
struct PatentChoices {
    /// I09 validity date (default: the edition's, 2023-01-01 for 2024).
    #[arg(long, value_name = "YYYY-MM-DD")]
    valid_on: Option<String>,
    /// I10 and I18 year (default: the edition's, 2023 for 2024); with `records all` also I17's.
    #[arg(long)]
    year: Option<i32>,
    /// Place patents by their applicants' (report) or inventors' addresses.
    #[arg(long, value_enum, default_value_t = AttributeArg::Applicants)]
    attribute: AttributeArg,
    /// Count and skip unparseable IPC symbols instead of refusing the input.
    #[arg(long)]
    skip_invalid: bool,
}

/// How the query engine runs.
#[derive(clap::Args)]
struct EngineArgs {
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Memory the query engine may hold before spilling to disk, in MiB.
    #[arg(long, default_value_t = 2048)]
    memory_mib: usize,
    /// Run the plans on an Apache Ballista cluster (`gihi cluster scheduler`) instead of
    /// this process; the records (and TMPDIR) must be at paths every executor reads.
    #[arg(long, value_name = "df://HOST:PORT")]
    cluster: Option<String>,
    /// With --cluster: fail (exit 1, nothing written) when one query of the run has no answer
    /// within this many seconds (0: wait for ever). A job that lost an executor can stay
    /// running for ever on the scheduler (Ballista 55).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    cluster_timeout: u64,
}

/// The year ranges of the paper pipeline (defaults: the edition's).
#[derive(clap::Args)]
struct PaperYears {
    /// I01 and I08: papers of these years (default 2019-2023 for 2024).
    #[arg(long, value_name = "FIRST-LAST", value_parser = counts::year_range)]
    active: Option<[i32; 2]>,
    /// I07: papers of these years (default 2000-2022 for 2024).
    #[arg(long, value_name = "FIRST-LAST", value_parser = counts::year_range)]
    highly_cited: Option<[i32; 2]>,
    /// The international co-authorship series (default: the highly-cited years).
    #[arg(long, value_name = "FIRST-LAST", value_parser = counts::year_range)]
    focus: Option<[i32; 2]>,
    /// I17's network year, for `records papers` (default: the edition's, 2023 for 2024).
    #[arg(long = "network-year")]
    network_year: Option<i32>,
}

#[derive(Clone, Copy, ValueEnum)]
enum RecordFormat {
    Parquet,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum AttributeArg {
    Applicants,
    Inventors,
}

#[derive(Subcommand)]
enum EditionWhat {
    /// Make edition YEAR's directory from an earlier edition, to edit.
    New {
        /// The new edition's year.
        year: u16,
        /// The edition it starts from: a built-in year or an edition directory.
        #[arg(long, default_value = "2024", value_name = "YEAR|DIR")]
        from: String,
        /// Directory to create (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Validate an edition directory: files, totals, shared members, populations.
    /// Exit status 2 when it finds a problem.
    Check {
        /// The edition directory (or a built-in year).
        dir: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check the printed result tables against each other and against Appendix 3.
    /// Exit status 3 when it finds errors (0 when none), like a linter.
    Published {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// Options shared by the Monte Carlo commands.
#[derive(clap::Args)]
struct McArgs {
    /// Indicator table: CSV or XLSX with a `city` column and one column per indicator id.
    #[arg(long)]
    data: PathBuf,
    /// Framework TOML file (default: the built-in GIHI 2024 framework).
    #[arg(long)]
    framework: Option<PathBuf>,
    /// Output directory (written whole or not at all; its path must say "synthetic" for synthetic data).
    #[arg(long)]
    out: PathBuf,
    /// Seed of the scrambled Sobol design (same seed, same results on any machine).
    #[arg(long, default_value_t = 1)]
    seed: u32,
    /// Choices that vary: all, or a comma-separated list of weights, normalisation,
    /// aggregation, outliers, imputation, data.
    #[arg(long, default_value = "all")]
    vary: String,
    /// Weight factors are uniform on 1 +- this.
    #[arg(long, default_value_t = 0.25)]
    weight_spread: f64,
    /// Per-city data noise is uniform on 1 +- this (with --vary data).
    #[arg(long, default_value_t = 0.10)]
    data_spread: f64,
}

impl McArgs {
    fn options(&self, runs: u64) -> Result<gihi_robustness::Options, CliError> {
        if !(0.0..1.0).contains(&self.weight_spread) || !(0.0..1.0).contains(&self.data_spread) {
            return Err(CliError::Input(
                "--weight-spread and --data-spread must be in [0, 1)".into(),
            ));
        }
        Ok(gihi_robustness::Options {
            runs,
            seed: self.seed,
            vary: commands::robustness::parse_vary(&self.vary)?,
            weight_spread: self.weight_spread,
            data_spread: self.data_spread,
        })
    }
}

fn missing_policy(m: MissingArg) -> gihi_scores::MissingPolicy {
    match m {
        MissingArg::Error => gihi_scores::MissingPolicy::Error,
        MissingArg::Mean => gihi_scores::MissingPolicy::MeanImpute,
    }
}

/// Output format of listing commands.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LinkageArg {
    Ward,
    Average,
    Complete,
    Single,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScalingArg {
    Joint,
    PerPillar,
    Shape,
}

#[derive(Clone, Copy, ValueEnum)]
enum GroupArg {
    Main,
    Mini,
}

#[derive(Clone, Copy, ValueEnum)]
enum MissingArg {
    Error,
    Mean,
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Cities { format, group } => commands::cities::run(
            format,
            group.map(|g| match g {
                GroupArg::Main => gihi_registry::Group::Main,
                GroupArg::Mini => gihi_registry::Group::Mini,
            }),
        ),
        Command::Framework { framework, format } => {
            commands::framework::run(framework.as_deref(), format)
        }
        Command::Compute {
            data,
            framework,
            out,
            missing,
        } => commands::compute::run(
            &data,
            framework.as_deref(),
            &out,
            match missing {
                MissingArg::Error => gihi_scores::MissingPolicy::Error,
                MissingArg::Mean => gihi_scores::MissingPolicy::MeanImpute,
            },
        ),
        Command::Published { query } => match query {
            PublishedQuery::Ranking { level, top, format } => {
                commands::published::run_ranking(&level, top, format)
            }
            PublishedQuery::Regions {
                level,
                top,
                by,
                format,
            } => commands::published::run_regions(&level, top, by, format),
        },
        Command::Audit {
            what: AuditWhat::Published { format },
        } => commands::audit::run(format),
        Command::Modes {
            source,
            top,
            k,
            linkage,
            scaling,
            format,
        } => {
            use gihi_analysis::modes::{Linkage, ModeOptions, Scaling};
            let options = ModeOptions {
                top,
                k,
                linkage: match linkage {
                    LinkageArg::Ward => Linkage::Ward,
                    LinkageArg::Average => Linkage::Average,
                    LinkageArg::Complete => Linkage::Complete,
                    LinkageArg::Single => Linkage::Single,
                },
                scaling: match scaling {
                    ScalingArg::Joint => Scaling::Joint,
                    ScalingArg::PerPillar => Scaling::PerPillar,
                    ScalingArg::Shape => Scaling::Shape,
                },
            };
            commands::analysis::run_modes(&source, options, format)
        }
        Command::Regions {
            source,
            level,
            top,
            by,
            format,
        } => commands::analysis::run_regions(
            &source,
            &level,
            top,
            by == commands::published::RegionBy::Country,
            format,
        ),
        Command::Changes {
            source,
            level,
            from,
            against,
            top,
            format,
        } => {
            commands::analysis::run_changes(&source, &level, from, against.as_deref(), top, format)
        }
        Command::Serve {
            source,
            bind,
            uncertainty,
            records,
        } => commands::serve::run(&source, bind, uncertainty.as_deref(), records.as_deref()),
        Command::Profile {
            city,
            source,
            format,
        } => commands::analysis::run_profile(&source, &city, format),
        Command::Statements { format } => commands::analysis::run_statements(format),
        Command::Report {
            results,
            records,
            pdf,
            out,
            lang,
        } => commands::report::run(
            results.as_deref(),
            records.as_deref(),
            out.as_deref(),
            lang,
            pdf,
        ),
        Command::Stats {
            data,
            framework,
            group,
            format,
        } => commands::robustness::run_stats(
            &data,
            framework.as_deref(),
            match group {
                GroupArg::Main => gihi_registry::Group::Main,
                GroupArg::Mini => gihi_registry::Group::Mini,
            },
            format,
        ),
        Command::Uncertainty { mc, runs } => {
            let options = mc.options(runs)?;
            commands::robustness::run_uncertainty(
                &mc.data,
                mc.framework.as_deref(),
                &mc.out,
                options,
            )
        }
        Command::Sensitivity {
            mc,
            samples,
            bootstrap,
        } => {
            let options = mc.options(0)?;
            commands::robustness::run_sensitivity(
                &mc.data,
                mc.framework.as_deref(),
                &mc.out,
                options,
                samples,
                bootstrap,
            )
        }
        Command::Whatif {
            data,
            framework,
            city,
            sets,
            missing,
            format,
        } => commands::robustness::run_whatif(
            &data,
            framework.as_deref(),
            &city,
            &sets,
            missing_policy(missing),
            format,
        ),
        Command::Target {
            data,
            framework,
            city,
            rank,
            level,
            missing,
            format,
        } => commands::robustness::run_target(
            &data,
            framework.as_deref(),
            &city,
            rank,
            &level,
            missing_policy(missing),
            format,
        ),
        Command::Bench { reps, seed } => commands::robustness::run_bench(reps, seed),
        Command::Derive {
            sources,
            out,
            explain,
        } => commands::derive::run(
            &sources,
            out.as_deref().unwrap_or(std::path::Path::new("")),
            explain.as_deref(),
        ),
        Command::Sources {
            what: SourcesWhat::Template { dir },
        } => commands::derive::run_template(&dir),
        Command::Records { what } => run_records(what),
        Command::Cluster { what } => commands::cluster::run(what),
        Command::Edition { what } => match what {
            EditionWhat::New { year, from, out } => commands::edition::run_new(year, &from, &out),
            EditionWhat::Check { dir, format } => commands::edition::run_check(&dir, format),
        },
        Command::Select {
            lists,
            population,
            out,
        } => commands::select::run(&lists, population.as_deref(), &out),
        Command::Synth {
            seed,
            out,
            framework,
        } => commands::synth::run(seed, &out, framework.as_deref()),
    }
}

#[cfg(feature = "records")]
fn run_records(what: RecordsWhat) -> Result<(), CliError> {
    use gihi_records::synth::{Format as F, SynthOptions};
    match what {
        RecordsWhat::Template { dir } => commands::records::run_template(&dir),
        RecordsWhat::Synth {
            patents,
            papers,
            seed,
            format,
            invalid,
            out,
        } => commands::records::run_synth(
            SynthOptions {
                patents: usize::try_from(patents).unwrap_or(usize::MAX),
                papers: usize::try_from(papers).unwrap_or(usize::MAX),
                seed,
                format: match format {
                    RecordFormat::Parquet => F::Parquet,
                    RecordFormat::Csv => F::Csv,
                },
                invalid: usize::try_from(invalid).unwrap_or(usize::MAX),
            },
            &out,
        ),
        RecordsWhat::Patents {
            records,
            out,
            patents,
            engine,
        } => commands::records::run_patents(&patent_args(&records, &out, &patents, &engine)),
        RecordsWhat::Papers {
            records,
            out,
            years,
            engine,
        } => commands::records::run_papers(&paper_args(&records, &out, &years, None, &engine)),
        RecordsWhat::All {
            records,
            out,
            patents,
            years,
            engine,
        } => commands::records::run_all(
            &patent_args(&records, &out, &patents, &engine),
            &paper_args(&records, &out, &years, patents.year, &engine),
        ),
    }
}

#[cfg(feature = "records")]
fn patent_args<'a>(
    records: &'a std::path::Path,
    out: &'a std::path::Path,
    p: &'a PatentChoices,
    e: &EngineArgs,
) -> commands::records::PatentsArgs<'a> {
    use gihi_records::patents::Attribution;
    commands::records::PatentsArgs {
        records,
        out,
        valid_on: p.valid_on.as_deref(),
        year: p.year,
        attribution: match p.attribute {
            AttributeArg::Applicants => Attribution::Applicants,
            AttributeArg::Inventors => Attribution::Inventors,
        },
        skip_invalid: p.skip_invalid,
        threads: e.threads,
        memory_mib: e.memory_mib,
        cluster: e.cluster.clone(),
        cluster_timeout: e.cluster_timeout,
    }
}

/// The paper pipeline's options; `year` (from `records all --year`) is I17's network year
/// unless `--network-year` says otherwise.
#[cfg(feature = "records")]
fn paper_args<'a>(
    records: &'a std::path::Path,
    out: &'a std::path::Path,
    y: &PaperYears,
    year: Option<i32>,
    e: &EngineArgs,
) -> commands::records::PapersArgs<'a> {
    commands::records::PapersArgs {
        records,
        out,
        year: y.network_year.or(year),
        active: y.active,
        highly_cited: y.highly_cited,
        focus: y.focus,
        threads: e.threads,
        memory_mib: e.memory_mib,
        cluster: e.cluster.clone(),
        cluster_timeout: e.cluster_timeout,
    }
}

#[cfg(not(feature = "records"))]
fn run_records(_: RecordsWhat) -> Result<(), CliError> {
    Err(CliError::Failure(
        "this gihi was built without the record pipelines: build it with `cargo build --release --features records`".into(),
    ))
}

/// Parses the command line; `--rank -1` is read as a (refused) value, not as an option.
fn parse_arguments() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    fn negatives(cmd: clap::Command) -> clap::Command {
        cmd.allow_negative_numbers(true).mut_subcommands(negatives)
    }
    let matches = negatives(Cli::command()).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

fn main() {
    let mut cli = parse_arguments();
    // Ctrl-C or SIGTERM in the middle of writing: remove the hidden temporary output. The
    // explorer writes nothing and shuts down gracefully on its own.
    if !matches!(cli.command, Command::Serve { .. } | Command::Cluster { .. }) {
        let _ = ctrlc::set_handler(|| {
            gihi_output::remove_temporaries();
            eprintln!("error: interrupted; nothing was written");
            std::process::exit(130);
        });
    }
    commands::edition::choose(cli.edition.take());
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
