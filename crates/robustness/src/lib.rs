//! Robustness of the index: statistical audit of the data, uncertainty and sensitivity of the
//! ranks to methodological choices, what-if and target search for a city.

mod band;
pub mod model;
pub mod ranks;
pub mod sensitivity;
pub mod sobol;
pub mod stats;
mod sums;
mod tally;
pub mod uncertainty;
mod weights;
pub mod whatif;
mod worker;

pub use model::{Aggregation, Imputation, Model, Normalisation, Scenario};
pub use uncertainty::{uncertainty, Options, RankIntervals, Vary};

#[cfg(test)]
mod tests;
