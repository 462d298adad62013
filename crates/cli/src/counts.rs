//! Range-checked counts for command-line options: a clear message instead of a parse error,
//! and no count large enough to exhaust memory or to produce empty (NaN) results.

use gihi_robustness::uncertainty::MAX_RUNS;

fn whole(text: &str, what: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let shown = gihi_input::clip(text, 30);
    match text.trim().parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a whole number of {what} from {lo} to {hi}, found `{shown}`"
        )),
    }
}

/// Monte Carlo replications (`--runs`, `--reps`): 1 to [`MAX_RUNS`].
pub fn runs(text: &str) -> Result<u64, String> {
    whole(text, "replications", 1, MAX_RUNS)
}

/// Rows of the Saltelli design: at least 2 (variances need two rows); the upper bound
/// depends on the table and is checked once it is read.
pub fn samples(text: &str) -> Result<usize, String> {
    whole(text, "samples", 2, 1 << 24).map(|v| v as usize)
}

/// Bootstrap resamples: 0 to 10,000.
pub fn bootstrap(text: &str) -> Result<usize, String> {
    whole(text, "resamples", 0, 10_000).map(|v| v as usize)
}

/// Largest synthetic corpus (publications): about 30 GB of Parquet.
pub const MAX_SYNTH_PATENTS: u64 = 100_000_000;

/// Records (patents, papers, unparseable rows) asked of a synthetic corpus: 0 to
/// [`MAX_SYNTH_PATENTS`].
pub fn synth_patents_or_zero(text: &str) -> Result<u64, String> {
    whole(text, "rows", 0, MAX_SYNTH_PATENTS)
}

/// A year range `FIRST-LAST` (checked against the allowed years by the command).
pub fn year_range(text: &str) -> Result<[i32; 2], String> {
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("expected FIRST-LAST such as 2019-2023, found `{text}`"))?;
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .map_err(|_| format!("expected FIRST-LAST such as 2019-2023, found `{text}`"))
    };
    Ok([year(a)?, year(b)?])
}
