//! Analyses of computed runs and published editions: development modes, regions, rank
//! changes between editions, city profiles, and checks of the report's statements.

pub mod changes;
pub mod modes;
pub mod profile;
pub mod regions;
pub mod standing;
pub mod statements;

pub use standing::{
    from_edition, from_results, read_results, Entry, GroupStanding, NodeStanding, Standing,
    StandingError, RUN_FRAMEWORK, RUN_REGISTRY,
};

#[cfg(test)]
mod tests;
