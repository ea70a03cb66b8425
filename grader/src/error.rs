//! Errors of the grading library. Each names the file or the step that failed,
//! so the message alone tells an instructor what to fix. The binary maps every
//! one of them to exit code 2 (usage or infrastructure).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to parse {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid course metadata in {path}: {message}")]
    Metadata { path: PathBuf, message: String },
    #[error("no course found: {0}")]
    NoCourse(String),
    #[error("unknown exercise `{0}` (see `grader list`)")]
    UnknownExercise(String),
    #[error("{0}")]
    Subject(String),
    #[error("failed to {action}: {source}")]
    Io {
        action: String,
        source: std::io::Error,
    },
    #[error("cargo failed before compiling any exercise:\n{0}")]
    Cargo(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(action: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let action = action.into();
        move |source| Error::Io { action, source }
    }
}
