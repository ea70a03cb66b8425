//! Whether an exercise's sources are still the course's stubs, so grading can
//! say "not started" without building or running its check programs.
//!
//! The working copy a student edits is `exercises/` of the course itself, so
//! the stubs cannot be read back from there: their fingerprints are committed
//! in [`LOCK_PATH`] (regenerate it with
//! `UPDATE_STUBS_LOCK=1 cargo test -p grader --test stubs_lock`). A stale or
//! missing entry only costs speed: the exercise is then built and graded as
//! usual. A match is never wrong about the score, because `verify` grades the
//! stubs with every check and proves they score 0.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::sync::collect;
use crate::course::{Course, ExercisePlan};
use crate::error::{Error, Result};

/// The lock file, relative to the course root.
pub const LOCK_PATH: &str = "grader/checks/stubs.lock";

/// A fingerprint of every regular file under `src` (paths and bytes), the
/// files the grader mirrors into its build workspace. FNV-1a: the input is
/// not adversarial (forging a stub's fingerprint can only earn 0 points).
pub fn fingerprint(src: &Path) -> Result<u64> {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (relative, source) in collect(&[src.to_path_buf()])? {
        let bytes = source.read()?;
        // Lengths keep `a` + `bc` apart from `ab` + `c`.
        let name = relative.to_string_lossy();
        feed(&(name.len() as u64).to_le_bytes());
        feed(name.as_bytes());
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    Ok(hash)
}

/// The committed fingerprints by exercise name; empty without a lock file.
pub fn load(course: &Course) -> Result<BTreeMap<String, u64>> {
    let path = course.root.join(LOCK_PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let mut lock = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line
            .split_once(' ')
            .and_then(|(name, hex)| Some((name, u64::from_str_radix(hex.trim(), 16).ok()?)));
        let Some((name, hash)) = parsed else {
            return Err(Error::Parse {
                path,
                message: format!("expected `NN-topic <16 hex digits>`, found `{line}`"),
            });
        };
        lock.insert(name.to_string(), hash);
    }
    Ok(lock)
}

/// The lock file for the course's current `exercises/` (run on the stubs).
pub fn render(course: &Course) -> Result<String> {
    let mut text = String::from(
        "# Fingerprints of the committed stubs (exercises/NN-topic/src/**), so grading says\n\
         # \"not started\" without building an untouched exercise. Regenerate after editing a\n\
         # stub: UPDATE_STUBS_LOCK=1 cargo test -p grader --test stubs_lock\n",
    );
    for exercise in &course.exercises {
        let src = course
            .root
            .join("exercises")
            .join(&exercise.name)
            .join("src");
        text.push_str(&format!("{} {:016x}\n", exercise.name, fingerprint(&src)?));
    }
    Ok(text)
}

/// The exercises among `exercises` whose mirrored sources (`src_of(name)`)
/// match their committed fingerprint.
pub fn untouched(
    course: &Course,
    exercises: &[&ExercisePlan],
    src_of: impl Fn(&str) -> std::path::PathBuf,
) -> Result<BTreeSet<String>> {
    let lock = load(course)?;
    let mut untouched = BTreeSet::new();
    for exercise in exercises {
        let Some(expected) = lock.get(&exercise.name) else {
            continue;
        };
        let src = src_of(&exercise.name);
        if src.is_dir() && fingerprint(&src)? == *expected {
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
