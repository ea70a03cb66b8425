//! Mutation testing of the hidden checks: the grader plants concurrency
//! mistakes nobody wrote down into the reference solutions, one at a time,
//! and proves its checks catch them (`grader verify --mutants`).
//!
//! Known-wrong answers prove the checks catch the mistakes their authors
//! thought of; mutants measure what they catch of the rest. A mutant is the
//! solution with one edit by one operator ([`operators`]), planted only in
//! code the student writes ([`regions`]). It is *caught* when any check of
//! its exercise fails, *unviable* when it does not compile, *equivalent*
//! when the exercise's `mutants.toml` says (with a reason) that it is no bug
//! at all, and otherwise it *survived*: a hole in the checks.

pub mod coverage;
pub mod equivalents;
pub mod operators;
pub mod regions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::course::{Course, ExercisePlan, WrongAnswer};
use crate::error::{Error, Result};
use crate::subject::write_if_changed;

/// One planted mistake in one file of one exercise's solution.
#[derive(Debug, Clone)]
pub struct Mutant {
    pub exercise: String,
    /// Stable name: `operator@Function#N`, with the variant in parentheses
    /// (`ordering@AtomicCounter::get#1(load:Acquire->Relaxed)`). It names
    /// the mutant in `mutants.toml`, so it must not change when unrelated
    /// code does.
    pub id: String,
    pub operator: &'static str,
    /// The mutated file, relative to the exercise's `src/`.
    pub file: PathBuf,
    /// The line the edit starts on (1-based).
    pub line: usize,
    /// The edited line(s) before and after, for the table and reviews.
    pub before: String,
    pub after: String,
    /// The whole mutated file.
    pub source: String,
}

/// Every mutant of `exercise`'s reference solution, in a stable order.
///
/// The stub's `todo!()`s say which code is the student's, so the stub in
/// `exercises/` must be the committed one where a `stub.lock` says which.
pub fn generate(course: &Course, exercise: &ExercisePlan) -> Result<Vec<Mutant>> {
    let stub_src = exercise.exercise_dir.join("src");
    let locked = crate::subject::stubs::load(exercise)?.is_some();
    if locked && crate::subject::stubs::untouched(&[exercise], |_| stub_src.clone())?.is_empty() {
        return Err(Error::Subject(format!(
            "{}: exercises/{}/src is not the committed stub (its stub.lock differs), and \
             mutants are planted only where the stub has `todo!()`",
            exercise.name, exercise.name
        )));
    }
    let solution_src = course
        .root
        .join("solutions")
        .join(&exercise.name)
        .join("src");
    let mut mutants = Vec::new();
    for relative in rust_files(&solution_src)? {
        let path = solution_src.join(&relative);
        let solution = read(&path)?;
        let stub = match std::fs::read_to_string(stub_src.join(&relative)) {
            Ok(text) => regions::StubItems::of(&text),
            // A file the stub does not have is the student's own.
            Err(_) => regions::StubItems::default(),
        };
        let edits = operators::find_edits(&solution, &stub).map_err(|e| Error::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let mut counters: BTreeMap<(String, &str, String), usize> = BTreeMap::new();
        for edit in edits {
            let n = counters
                .entry((edit.function.clone(), edit.operator, edit.variant.clone()))
                .and_modify(|n| *n += 1)
                .or_insert(1);
            let mut id = format!("{}@{}#{n}", edit.operator, edit.function);
            if !edit.variant.is_empty() {
                id.push_str(&format!("({})", edit.variant));
            }
            let source = format!(
                "{}{}{}",
                &solution[..edit.start],
                edit.replacement,
                &solution[edit.end..]
            );
            let (line, before, after) = changed_lines(&solution, &source, edit.start);
            mutants.push(Mutant {
                exercise: exercise.name.clone(),
                id,
                operator: edit.operator,
                file: relative.clone(),
                line,
                before,
                after,
                source,
            });
        }
    }
    Ok(mutants)
}

/// Writes the mutant where the grading pipeline can lay it over the
/// solution, and returns it as a wrong answer: caught when any check fails.
pub fn materialize(
    work_dir: &Path,
    mutant: &Mutant,
    exercise: &ExercisePlan,
) -> Result<WrongAnswer> {
    let name = format!("mutant-{:016x}", crate::fnv::fnv1a64(mutant.id.as_bytes()));
    let dir = work_dir.join("mutants").join(&mutant.exercise).join(&name);
    write_if_changed(
        &dir.join("src").join(&mutant.file),
        mutant.source.as_bytes(),
    )?;
    Ok(WrongAnswer {
        exercise: mutant.exercise.clone(),
        name,
        dir,
        description: format!("mutant {}", mutant.id),
        caught_by: exercise.checks.iter().map(|c| c.name.clone()).collect(),
    })
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The `.rs` files under `src`, relative to it, sorted.
fn rust_files(src: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let path = entry
                .map_err(Error::io("list a solution directory"))?
                .path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(relative) = path.strip_prefix(src)
            {
                files.push(relative.to_path_buf());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The first changed line (1-based) and the lines that differ, trimmed.
fn changed_lines(before: &str, after: &str, offset: usize) -> (usize, String, String) {
    let line = before[..offset].matches('\n').count() + 1;
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let common_tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let pick = |lines: &[&str]| {
        let end = lines.len().saturating_sub(common_tail).max(line - 1);
        lines[line - 1..end]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (line, pick(&old), pick(&new))
}
