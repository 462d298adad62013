//! Outputs follow `gihi-output`'s rule: a path is replaced only if it is verifiably this
//! command's own earlier output and holds none of the run's inputs.

use crate::error::CliError;
pub use gihi_output::{write_new_files, write_stamped_files, OutputDir, OutputError};

impl From<OutputError> for CliError {
    fn from(e: OutputError) -> Self {
        if e.is_input_error() {
            CliError::Input(e.to_string())
        } else {
            CliError::Failure(e.to_string())
        }
    }
}
