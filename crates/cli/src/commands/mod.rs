//! One module per subcommand, plus what they share.

pub mod analysis;
pub mod audit;
pub mod cities;
pub mod cluster;
pub mod compute;
pub mod derive;
pub mod edition;
pub mod framework;
pub mod published;
#[cfg(feature = "records")]
pub mod records;
pub mod report;
pub mod robustness;
pub mod select;
pub mod serve;
pub mod synth;

use crate::error::CliError;
use gihi_framework::Framework;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// A framework together with where it came from and the hash of its text.
pub struct LoadedFramework {
    pub framework: Framework,
    pub path: String,
    pub sha256: String,
    /// The TOML text it was read from.
    pub text: String,
}

/// The framework file given, or the chosen edition's framework (`--edition`, default 2024).
pub fn load_framework(path: Option<&Path>) -> Result<LoadedFramework, CliError> {
    match path {
        None => {
            let setup = edition::setup()?;
            Ok(LoadedFramework {
                framework: setup.framework.clone(),
                path: setup.path(&setup.files.framework),
                sha256: sha256_hex(setup.framework_text.as_bytes()),
                text: setup.framework_text.clone(),
            })
        }
        Some(p) => {
            let text = gihi_input::read_text_limited(p, gihi_framework::MAX_FRAMEWORK_BYTES)
                .map_err(|e| {
                    CliError::Input(format!("{}: cannot read framework file: {e}", p.display()))
                })?;
            let bytes = text.as_bytes();
            Ok(LoadedFramework {
                framework: Framework::from_toml_str(&text, &p.display().to_string())?,
                path: p.display().to_string(),
                sha256: sha256_hex(bytes),
                text: text.clone(),
            })
        }
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes to stdout, ignoring a closed pipe (`gihi cities | head`).
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Failure(format!("stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Renders CSV records into a string; made from synthetic data, it opens with a `#` line
/// saying so (gihi's readers skip `#` lines).
pub fn csv_string(
    synthetic: bool,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> String {
    let mut w = csv::Writer::from_writer(synthetic_csv_comment(synthetic).into_bytes());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 input")
}

/// Renders rows as a left-aligned text table (widths counted in characters, CJK as two).
pub fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |s: &str| {
        s.chars()
            .map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 })
            .sum::<usize>()
    };
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (k, cell) in r.iter().enumerate() {
            widths[k] = widths[k].max(width(cell));
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (k, c) in cells.iter().enumerate() {
            l.push_str(c);
            if k + 1 < cells.len() {
                l.push_str(&" ".repeat(widths[k] - width(c) + 2));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}

/// Latest `SOURCE_DATE_EPOCH` accepted: 9999-12-31T23:59:59Z (RFC 3339 has four-digit years).
pub const MAX_SOURCE_DATE_EPOCH: u64 = 253_402_300_799;

/// RFC 3339 time of this run, or of `SOURCE_DATE_EPOCH` when set (reproducible outputs).
pub fn run_time() -> Result<String, CliError> {
    let t = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => match s.trim().parse::<u64>() {
            Ok(secs) if secs <= MAX_SOURCE_DATE_EPOCH => {
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
            }
            _ => {
                return Err(CliError::Input(format!(
                    "SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01 from 0 to {MAX_SOURCE_DATE_EPOCH} (year 9999), found `{}`",
                    gihi_input::clip(&s, 40)
                )))
            }
        },
        Err(_) => std::time::SystemTime::now(),
    };
    Ok(humantime::format_rfc3339_seconds(t).to_string())
}

/// Refuses an output whose path does not say "synthetic" when the data behind it is synthetic.
///
/// `subject` names the synthetic data with its verb (e.g. `"data.csv: the input is"`),
/// `target` what must say so (e.g. `"the output path"`), `checked` that path or file name.
pub fn require_synthetic_label(
    synthetic: bool,
    subject: &str,
    target: &str,
    checked: &Path,
) -> Result<(), CliError> {
    if synthetic
        && !checked
            .to_string_lossy()
            .to_lowercase()
            .contains("synthetic")
    {
        return Err(CliError::Input(format!(
            "{subject} SYNTHETIC, so {target} must say so: use one that contains \"synthetic\" (found {})",
            checked.display()
        )));
    }
    Ok(())
}

/// ` (SYNTHETIC)` for messages about outputs made from synthetic data, else nothing.
pub fn synthetic_note(synthetic: bool) -> &'static str {
    if synthetic {
        " (SYNTHETIC)"
    } else {
        ""
    }
}

/// Pretty JSON with a final newline, for output and files.
pub fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("values built by gihi serialise") + "\n"
}

/// A number for reading in a text table: four decimals, or scientific notation when it is
/// huge or tiny (1e300 would print 300 digits).
pub fn readable(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:.4e}")
    } else {
        format!("{x:.4}")
    }
}

/// The leading comment line of a CSV made from synthetic data (empty otherwise), so that a
/// CSV output says SYNTHETIC as every other output does.
pub fn synthetic_csv_comment(synthetic: bool) -> String {
    if synthetic {
        gihi_report::SYNTHETIC_CSV_BANNER.into()
    } else {
        String::new()
    }
}

/// A number at full precision for machine outputs (shortest text that reads back exactly);
/// negative zero is written `0`.
pub fn number(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        x.to_string()
    }
}
