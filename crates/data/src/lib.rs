//! Indicator data: reading indicator tables (CSV, Excel) against a framework and registry,
//! and generating clearly labelled synthetic tables for demos and tests.

pub mod synthetic;
pub mod table;

pub use synthetic::{synthetic_banner, synthetic_table, write_csv};
pub use table::{
    read_indicator_bytes, read_indicator_table, DataError, IndicatorTable, Location, TableRow,
    MAX_CELL_BYTES, MAX_TABLE_BYTES, MISSING_TOKENS,
};

#[cfg(test)]
mod tests;
