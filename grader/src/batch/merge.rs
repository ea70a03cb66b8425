//! `grader merge`: the shards' JSON gradebooks (`batch --shard I/N`) into
//! one gradebook, CSV and JSON, the same files one batch over every
//! submission writes.
//!
//! It refuses to mix batches: every input must have the same seed and
//! `--only`, the shards must be 1..N of one N, each exactly once, and each
//! student must belong to the shard that graded it. A shard still under way
//! contributes its `pending` rows; merging again once it has finished
//! updates them (the outputs are rewritten whole, atomically, from the
//! inputs alone, so a merge can be repeated any number of times).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::gradebook::{self, Entry, EntryResult, Gradebook};
use super::shard::Shard;
use super::{Outcome, Submission, safe_id, write_csv};
use crate::course::Course;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// The shards' JSON gradebooks.
    pub inputs: Vec<PathBuf>,
    pub csv: PathBuf,
    pub json: PathBuf,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSummary {
    pub shards: u32,
    pub graded: usize,
    pub errors: usize,
    pub pending: usize,
}

pub fn merge(course: &Course, options: &MergeOptions) -> Result<MergeSummary> {
    let books: Vec<(&Path, Gradebook)> = options
        .inputs
        .iter()
        .map(|path| Ok((path.as_path(), gradebook::read(path)?)))
        .collect::<Result<_>>()?;
    let Some((first_path, first)) = books.first() else {
        return Err(Error::Subject(
            "merge needs the shards' JSON gradebooks".to_string(),
        ));
    };
    let count = first.shard.unwrap_or(Shard::WHOLE).count;
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut students: BTreeMap<String, EntryResult> = BTreeMap::new();
    for (path, book) in &books {
        if book.seed != first.seed || book.only != first.only {
            return Err(Error::Subject(format!(
                "{} was graded with seed {} and --only [{}], {} with seed {} and --only [{}]: \
                 run every shard with the same --seed and --only",
                path.display(),
                book.seed,
                book.only.join(", "),
                first_path.display(),
                first.seed,
                first.only.join(", ")
            )));
        }
        let shard = book.shard.unwrap_or(Shard::WHOLE);
        if shard.count != count {
            return Err(Error::Subject(format!(
                "{} is shard {shard}, {} is a shard of {count}: merge the shards of one split",
                path.display(),
                first_path.display()
            )));
        }
        if let Some(other) = seen.insert(shard.index, path) {
            return Err(Error::Subject(format!(
                "{} and {} are both shard {shard}",
                other.display(),
                path.display()
            )));
        }
        for Entry { student, result } in &book.students {
            if !shard.contains(student) {
                return Err(Error::Subject(format!(
                    "{} (shard {shard}) holds `{student}`, who belongs to shard {}",
                    path.display(),
                    Shard::of(student, count)
                )));
            }
            students.insert(student.clone(), result.clone());
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !seen.contains_key(index))
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Subject(format!(
            "shard(s) {} missing: pass every shard's gradebook (a shard still under way may be \
             passed; its rows stay pending)",
            missing.join(", ")
        )));
    }

    // The CSV writer takes what `batch` has: submissions in name order (a
    // BTreeMap's order, the same as `discover`'s) and their outcomes.
    let submissions: Vec<Submission> = students
        .keys()
        .map(|student| Submission {
            student: student.clone(),
            id: safe_id(student),
            dir: PathBuf::new(),
        })
        .collect();
    let outcomes: BTreeMap<String, Outcome> = students
        .iter()
        .filter_map(|(student, result)| Some((student.clone(), result.outcome()?)))
        .collect();
    write_csv(
        course,
        &first.only,
        &options.csv,
        &submissions,
        &outcomes,
        first.seed,
    )?;
    let mut summary = MergeSummary {
        shards: count,
        ..MergeSummary::default()
    };
    for result in students.values() {
        match result {
            EntryResult::Pending => summary.pending += 1,
            EntryResult::Graded { .. } => summary.graded += 1,
            EntryResult::Error { .. } => summary.errors += 1,
        }
    }
    gradebook::write(
        &options.json,
        &Gradebook {
            format_version: gradebook::GRADEBOOK_FORMAT_VERSION,
            seed: first.seed,
            only: first.only.clone(),
            shard: None,
            students: students
                .into_iter()
                .map(|(student, result)| Entry { student, result })
                .collect(),
        },
    )?;
    Ok(summary)
}
