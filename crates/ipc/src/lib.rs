//! IPC symbols and the technology fields of GIHI (report Appendix 7).
//!
//! [`Symbol::parse`] reads a symbol in any of the formats record exports use;
//! [`Pattern`] is one printed pattern; [`Fields`] is the Appendix 7 table
//! (`data/records/ipc-fields.toml`) with its classifier. No heavy dependency: the record
//! pipelines wrap these functions as DataFusion UDFs.

mod fields;
mod pattern;
mod symbol;

pub use fields::{
    Field, FieldSet, Fields, FieldsError, Include, Row, RowSet, APPENDIX_7_TOML, MAX_FIELDS,
    MAX_ROWS,
};
pub use pattern::{Pattern, PatternError};
pub use symbol::{Symbol, SymbolError};

#[cfg(test)]
mod tests;
