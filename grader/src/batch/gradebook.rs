//! The JSON gradebook: what the CSV shows, plus each graded submission's
//! whole report, in one file a program (or `grader merge`) can read back.
//!
//! A batch rewrites it beside the CSV each time it rewrites the CSV. A shard
//! (`batch --shard I/N`) writes its own, naming the shard; `grader merge`
//! reads the shards' files and writes one without a shard, the same file a
//! single batch over every submission writes.

use std::path::Path;

use serde::{Deserialize, Serialize};
use threadlings_schema::report::GradeReport;

use super::shard::Shard;
use super::{Outcome, write_atomic};
use crate::error::{Error, Result};

/// Version of this file's layout.
pub const GRADEBOOK_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gradebook {
    pub format_version: u32,
    /// The seed every submission was graded with.
    pub seed: u64,
    /// The exercises graded (`--only`); empty means all.
    pub only: Vec<String>,
    /// Which shard this is; absent for a whole batch or a merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// One entry per submission, in name order.
    pub students: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The submission's directory name.
    pub student: String,
    #[serde(flatten)]
    pub result: EntryResult,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EntryResult {
    /// Not graded yet.
    Pending,
    Graded {
        report: Box<GradeReport>,
    },
    /// Not graded: why (did not finish in time, not a directory, ...).
    Error {
        message: String,
    },
}

impl EntryResult {
    pub fn from_outcome(outcome: Option<&Outcome>) -> EntryResult {
        match outcome {
            None | Some(Outcome::Interrupted) => EntryResult::Pending,
            Some(Outcome::Graded(report)) => EntryResult::Graded {
                report: report.clone(),
            },
            Some(Outcome::Error(message)) => EntryResult::Error {
                message: message.clone(),
            },
        }
    }

    /// The outcome the CSV writer takes; `None` while pending.
    pub fn outcome(&self) -> Option<Outcome> {
        match self {
            EntryResult::Pending => None,
            EntryResult::Graded { report } => Some(Outcome::Graded(report.clone())),
            EntryResult::Error { message } => Some(Outcome::Error(message.clone())),
        }
    }
}

/// Writes `gradebook` to `path` (atomically: a reader never sees half).
pub fn write(path: &Path, gradebook: &Gradebook) -> Result<()> {
    let mut text = serde_json::to_string_pretty(gradebook).expect("gradebooks serialize");
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

pub fn read(path: &Path) -> Result<Gradebook> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Subject(format!(
            "{} is not a gradebook written by `grader batch`: {e}",
            path.display()
        ))
    })
}
