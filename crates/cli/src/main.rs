//! `gihi`: compute, audit, explain and publish the Global Innovation Hubs Index.

mod commands;
mod error;
mod output;

use clap::{Parser, Subcommand, ValueEnum};
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
}

#[derive(Subcommand)]
enum Command {
    /// List the evaluated cities of the registry (report Appendices 4-5).
    Cities {
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
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
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
    /// Query the published edition (rankings and regional counts as printed).
    Published {
        #[command(subcommand)]
        query: PublishedQuery,
        /// Directory of another edition's tables (default: the built-in GIHI 2024 edition).
        #[arg(long, global = true)]
        edition: Option<PathBuf>,
    },
    /// Audit tables for inconsistencies.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Development modes (Appendix 6): hierarchical clustering of the top cities' pillar profiles.
    Modes {
        #[command(flatten)]
        source: commands::analysis::Source,
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[arg(long, default_value_t = 4)]
        k: usize,
        #[arg(long, value_enum, default_value_t = LinkageArg::Ward)]
        linkage: LinkageArg,
        #[arg(long, value_enum, default_value_t = ScalingArg::Joint)]
        scaling: ScalingArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rank quartiles by continent at a level, and counts by continent or country in a top N.
    Regions {
        #[command(flatten)]
        source: commands::analysis::Source,
        #[arg(long, default_value = "composite")]
        level: String,
        #[arg(long)]
        top: Option<u32>,
        /// Count by country instead of continent.
        #[arg(long)]
        by_country: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rank changes between editions (printed histories) or between two computed runs.
    Changes {
        #[command(flatten)]
        source: commands::analysis::Source,
        #[arg(long, default_value = "composite")]
        level: String,
        /// Earlier year of a published edition's history (default: the year before).
        #[arg(long)]
        from: Option<u16>,
        /// An earlier `gihi compute` output to compare a run against.
        #[arg(long)]
        against: Option<PathBuf>,
        #[arg(long, default_value_t = 20)]
        top: u32,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One city's scores and ranks at every level, strengths, weaknesses, peers and mode.
    Profile {
        /// Registry id, English or Chinese name.
        city: String,
        #[command(flatten)]
        source: commands::analysis::Source,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check the report's statements about its results against its tables.
    Statements {
        /// Directory of another edition (with statements.toml); default: built-in 2024.
        #[arg(long)]
        edition: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Build the bilingual report: index.html, report.xlsx, tables/*.csv, figures/*.svg.
    Report {
        /// A `gihi compute` output (default: the published GIHI 2024 edition).
        #[arg(long)]
        results: Option<PathBuf>,
        /// Output directory (default: ./gihi-report, or ./gihi-report-synthetic for synthetic runs).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = commands::report::LangArg::Both)]
        lang: commands::report::LangArg,
    },
    /// Write a SYNTHETIC indicator table for all registry cities (demos and tests only).
    Synth {
        #[arg(long)]
        seed: u64,
        /// Output CSV; its file name must contain "synthetic".
        #[arg(long)]
        out: PathBuf,
        /// Framework whose indicators to generate (default: built-in GIHI 2024).
        #[arg(long)]
        framework: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PublishedQuery {
    /// The printed ranking at a level: composite, mini, A, B, C, or A1..C4.
    Ranking {
        #[arg(long)]
        level: String,
        #[arg(long)]
        top: Option<u32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Cities by continent (or country) within the top N at a level.
    Regions {
        #[arg(long)]
        level: String,
        #[arg(long)]
        top: u32,
        #[arg(long, value_enum, default_value_t = commands::published::RegionBy::Continent)]
        by: commands::published::RegionBy,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check the printed result tables against each other and against Appendix 3.
    Published {
        /// Directory of another edition's tables (default: the built-in GIHI 2024 edition).
        #[arg(long)]
        edition: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
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
        Command::Published { query, edition } => match query {
            PublishedQuery::Ranking { level, top, format } => {
                commands::published::run_ranking(edition.as_deref(), &level, top, format)
            }
            PublishedQuery::Regions {
                level,
                top,
                by,
                format,
            } => commands::published::run_regions(edition.as_deref(), &level, top, by, format),
        },
        Command::Audit {
            what: AuditWhat::Published { edition, format },
        } => commands::audit::run(edition.as_deref(), format),
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
            by_country,
            format,
        } => commands::analysis::run_regions(&source, &level, top, by_country, format),
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
        Command::Profile {
            city,
            source,
            format,
        } => commands::analysis::run_profile(&source, &city, format),
        Command::Statements { edition, format } => {
            commands::analysis::run_statements(edition.as_deref(), format)
        }
        Command::Report { results, out, lang } => {
            commands::report::run(results.as_deref(), out.as_deref(), lang)
        }
        Command::Synth {
            seed,
            out,
            framework,
        } => commands::synth::run(seed, &out, framework.as_deref()),
    }
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
