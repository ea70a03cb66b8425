//! Whether an exercise's sources are still the course's stubs, so grading can
//! say "not started" without building or running its check programs.
//!
//! The working copy a student edits is `exercises/` of the course itself, so
//! the stubs cannot be read back from there: their fingerprints are committed
//! in each exercise's checks directory, [`LOCK_FILE`] (regenerate them with
//! `UPDATE_STUBS_LOCK=1 cargo test -p grader --test suite stubs_lock::`). A stale or
//! missing entry only costs speed: the exercise is then built and graded as
//! usual. A match is never wrong about the score, because `verify` grades the
//! stubs with every check and proves they score 0.

use std::collections::BTreeSet;
use std::path::Path;

use super::sync::collect;
use crate::course::{Course, ExercisePlan};
use crate::error::{Error, Result};

/// The fingerprint file, in each exercise's checks directory (exported
/// with the checks, and read from the trusted course copy, never a subject).
pub const LOCK_FILE: &str = "stub.lock";

/// A fingerprint of every regular file under `src` (paths and bytes), the
/// files the grader mirrors into its build workspace. FNV-1a: the input is
/// not adversarial (forging a stub's fingerprint can only earn 0 points).
pub fn fingerprint(src: &Path) -> Result<u64> {
    let mut hash = crate::fnv::Fnv1a::default();
    let mut feed = |bytes: &[u8]| hash.write(bytes);
    for (relative, source) in collect(&[src.to_path_buf()])? {
        let bytes = source.read()?;
        // Lengths keep `a` + `bc` apart from `ab` + `c`.
        let name = relative.to_string_lossy();
        feed(&(name.len() as u64).to_le_bytes());
        feed(name.as_bytes());
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    Ok(hash.finish())
}

/// The committed fingerprint of `exercise`'s stub; `None` without one.
pub fn load(exercise: &ExercisePlan) -> Result<Option<u64>> {
    let path = exercise.checks_dir.join(LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default();
    u64::from_str_radix(line, 16)
        .map(Some)
        .map_err(|_| Error::Parse {
            path,
            message: format!("expected 16 hex digits, found `{line}`"),
        })
}

/// The fingerprint file for the stub in `exercises/` of `course`.
pub fn render(course: &Course, exercise: &ExercisePlan) -> Result<String> {
    let src = course
        .root
        .join("exercises")
        .join(&exercise.name)
        .join("src");
    Ok(format!(
        "# Fingerprint of the committed stub (exercises/{}/src/**): grading says \"not started\"\n\
         # without building while the sources match. Regenerate after editing the stub:\n\
         # UPDATE_STUBS_LOCK=1 cargo test -p grader --test suite stubs_lock::\n{:016x}\n",
        exercise.name,
        fingerprint(&src)?
    ))
}

/// The exercises among `exercises` whose mirrored sources (`src_of(name)`)
/// match their committed fingerprint.
pub fn untouched(
    exercises: &[&ExercisePlan],
    src_of: impl Fn(&str) -> std::path::PathBuf,
) -> Result<BTreeSet<String>> {
    let mut untouched = BTreeSet::new();
    for exercise in exercises {
        let Some(expected) = load(exercise)? else {
            continue;
        };
        let src = src_of(&exercise.name);
        if src.is_dir() && fingerprint(&src)? == expected {
            untouched.insert(exercise.name.clone());
        }
    }
    Ok(untouched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_of_a_name_or_a_byte_changes_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "fn a() {}\n").unwrap();
        let first = fingerprint(dir.path()).unwrap();
        assert_eq!(first, fingerprint(dir.path()).unwrap());
        std::fs::write(dir.path().join("lib.rs"), "fn a() { }\n").unwrap();
        let edited = fingerprint(dir.path()).unwrap();
        assert_ne!(first, edited);
        std::fs::write(dir.path().join("extra.rs"), "").unwrap();
        assert_ne!(edited, fingerprint(dir.path()).unwrap());
    }
}
