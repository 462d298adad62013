//! The one error type the binary reports: bad input (exit status 2) or a failure of the
//! machine, such as a full disk (exit status 1).

/// What went wrong, as one message for the user.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user's input is wrong; exit status 2.
    #[error("{0}")]
    Input(String),
    /// Something outside the input failed (writing output); exit status 1.
    #[error("{0}")]
    Failure(String),
    /// A check ran and found errors in what it checked (`gihi audit published`), like a
    /// linter; exit status 3. Its output has been written.
    #[error("{0}")]
    Findings(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failure(_) => 1,
            CliError::Findings(_) => 3,
        }
    }
}

impl From<gihi_framework::FrameworkError> for CliError {
    fn from(e: gihi_framework::FrameworkError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<gihi_data::DataError> for CliError {
    fn from(e: gihi_data::DataError) -> Self {
        CliError::Input(e.to_string())
    }
}
