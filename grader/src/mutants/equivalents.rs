//! `grader/checks/NN-topic/mutants.toml`: the mutants of an exercise that are
//! no bug at all, each with the reason, written by the instructor who read
//! it. An equivalent mutant is not graded; a survivor not listed here fails
//! `verify --mutants`, and an entry naming no mutant the grader plants fails
//! it too (the solution moved, and the reason may no longer hold).
//!
//! ```toml
//! format_version = 1
//!
//! [[equivalent]]
//! id = "join-drop@run#1"
//! reason = "the scope joins every thread when it ends; the explicit join only came first"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::course::ExercisePlan;
use crate::error::{Error, Result};

pub const FILE: &str = "mutants.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// Layout version; only 1 exists.
    format_version: u32,
    /// The mutants that are no bug, with why.
    #[serde(default)]
    equivalent: Vec<RawEquivalent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEquivalent {
    /// The mutant's id as `grader mutants` prints it.
    id: String,
    /// Why the mutant behaves like the solution in every execution the
    /// exercise's contract allows (or why no check may tell them apart).
    reason: String,
}

/// The equivalent mutants of one exercise: id → reason.
#[derive(Debug, Default, Clone)]
pub struct Equivalents {
    pub path: PathBuf,
    pub reasons: BTreeMap<String, String>,
}

impl Equivalents {
    /// Reads the exercise's `mutants.toml`; none means no equivalents.
    pub fn load(exercise: &ExercisePlan) -> Result<Equivalents> {
        let path = exercise.checks_dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Equivalents {
                    path,
                    reasons: BTreeMap::new(),
                });
            }
            Err(source) => return Err(Error::Read { path, source }),
        };
        Self::parse(&path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Equivalents> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| Error::Metadata {
            path: path.to_path_buf(),
            message,
        };
        if raw.format_version != 1 {
            return Err(invalid(format!(
                "format_version {} is not supported (only 1)",
                raw.format_version
            )));
        }
        let mut reasons = BTreeMap::new();
        for entry in raw.equivalent {
            if entry.reason.trim().is_empty() {
                return Err(invalid(format!(
                    "equivalent `{}` needs a reason: why is it no bug?",
                    entry.id
                )));
            }
            if reasons.insert(entry.id.clone(), entry.reason).is_some() {
                return Err(invalid(format!(
                    "equivalent `{}` is listed twice",
                    entry.id
                )));
            }
        }
        Ok(Equivalents {
            path: path.to_path_buf(),
            reasons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equivalent_needs_a_reason_and_is_listed_once() {
        let path = Path::new("mutants.toml");
        let ok = Equivalents::parse(
            path,
            "format_version = 1\n[[equivalent]]\nid = \"a\"\nreason = \"why\"\n",
        )
        .expect("valid");
        assert_eq!(ok.reasons["a"], "why");
        let no_reason = Equivalents::parse(
            path,
            "format_version = 1\n[[equivalent]]\nid = \"a\"\nreason = \" \"\n",
        );
        assert!(
            no_reason
                .unwrap_err()
                .to_string()
                .contains("needs a reason")
        );
        let twice = Equivalents::parse(
            path,
            "format_version = 1\n[[equivalent]]\nid = \"a\"\nreason = \"x\"\n\
             [[equivalent]]\nid = \"a\"\nreason = \"y\"\n",
        );
        assert!(twice.unwrap_err().to_string().contains("twice"));
    }
}
