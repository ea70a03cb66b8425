//! What is graded: a set of exercise sources (the stubs, the reference
//! solutions, a known-wrong answer laid over them, or a student's directory).
//!
//! Only the `src/` trees are taken from a subject. Manifests, checks and
//! metadata always come from the trusted course copy, so a submission that edits
//! them gains nothing.

pub mod scan;
pub mod stubs;
mod sync;
mod workspace;

use std::path::{Path, PathBuf};

pub use sync::write_if_changed;
pub use workspace::{BuildWorkspace, generated_slug, prepare};

use crate::course::{Course, WrongAnswer};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Subject {
    /// Shown in reports: `exercises`, `solutions`, a directory, or a wrong answer.
    pub label: String,
    /// Names the generated build workspace, so each subject keeps its own.
    pub slug: String,
    /// The directory whose `NN-topic/src` trees are graded.
    pub dir: PathBuf,
    /// A tree laid over one exercise's sources (known-wrong answers).
    pub overlay: Option<(String, PathBuf)>,
}

impl Subject {
    /// The working copy: `exercises/` of the course.
    pub fn exercises(course: &Course) -> Subject {
        Subject {
            label: "exercises".to_string(),
            slug: "exercises".to_string(),
            dir: course.root.join("exercises"),
            overlay: None,
        }
    }

    /// The reference solutions: `solutions/` of the course.
    pub fn solutions(course: &Course) -> Subject {
        Subject {
            label: "solutions".to_string(),
            slug: "solutions".to_string(),
            dir: course.root.join("solutions"),
            overlay: None,
        }
    }

    /// Any directory with the layout of `exercises/`.
    pub fn directory(course: &Course, dir: &Path) -> Result<Subject> {
        let dir = dir
            .canonicalize()
            .map_err(|e| Error::Subject(format!("cannot grade {}: {e}", dir.display())))?;
        if !dir.is_dir() {
            return Err(Error::Subject(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        for (known, slug) in [("exercises", "exercises"), ("solutions", "solutions")] {
            if course.root.join(known).canonicalize().ok().as_deref() == Some(dir.as_path()) {
                return Ok(Subject {
                    label: known.to_string(),
                    slug: slug.to_string(),
                    dir,
                    overlay: None,
                });
            }
        }
        let label = dir.display().to_string();
        let slug = format!("dir-{:016x}", crate::fnv::fnv1a64(label.as_bytes()));
        Ok(Subject {
            label,
            slug,
            dir,
            overlay: None,
        })
    }

    /// The reference solution of the wrong answer's exercise with its sources laid over.
    pub fn wrong_answer(course: &Course, wrong: &WrongAnswer) -> Subject {
        Subject {
            label: format!("wrong answer {}/{}", wrong.exercise, wrong.name),
            slug: format!("wrong-{}-{}", wrong.exercise, wrong.name),
            dir: course.root.join("solutions"),
            overlay: Some((wrong.exercise.clone(), wrong.dir.join("src"))),
        }
    }

    /// The student's working copy (`exercises/` of the course, however it was
    /// named): the one subject that is graded again and again after small edits.
    pub fn is_working_copy(&self) -> bool {
        self.slug == "exercises"
    }

    /// The command that runs one check of one exercise of this subject
    /// again with `seed` (`grader replay`): its build variant and budget come
    /// from the course's metadata, so the command names only what differs.
    pub fn replay_command(&self, exercise: &str, check: &str, seed: u64) -> String {
        format!(
            "cargo run -p grader -- replay {exercise} {check} --seed {seed}{}",
            self.selection_flags()
        )
    }

    /// The flags that choose this subject on the grader's command line
    /// (`--wrong EX/NAME`, `--solutions`, `--subject DIR`; none for the
    /// working copy), each after a space.
    pub fn selection_flags(&self) -> String {
        match (&self.overlay, self.label.as_str()) {
            (Some((overlaid, dir)), _) => {
                let name = dir
                    .parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!(" --wrong {overlaid}/{name}")
            }
            (None, "exercises") => String::new(),
            (None, "solutions") => " --solutions".to_string(),
            (None, _) => format!(" --subject {}", shell_word(&self.dir.display().to_string())),
        }
    }

    /// The source layers of one exercise, lowest first; `None` if the subject has none.
    pub fn source_layers(&self, exercise: &str) -> Option<Vec<PathBuf>> {
        let base = self.dir.join(exercise).join("src");
        if !base.is_dir() {
            return None;
        }
        let mut layers = vec![base];
        if let Some((overlaid, dir)) = &self.overlay
            && overlaid == exercise
        {
            layers.push(dir.clone());
        }
        Some(layers)
    }
}

/// `word` as one word for a POSIX shell: as it is when it is plain, else in
/// single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replay_command_names_the_check_and_the_subject() {
        let subject = |label: &str, dir: &str, overlay: Option<(&str, &str)>| Subject {
            label: label.to_string(),
            slug: label.to_string(),
            dir: PathBuf::from(dir),
            overlay: overlay.map(|(e, d)| (e.to_string(), PathBuf::from(d))),
        };
        assert_eq!(
            subject("exercises", "/c/exercises", None).replay_command(
                "04-shared-state",
                "counter_model",
                7
            ),
            "cargo run -p grader -- replay 04-shared-state counter_model --seed 7"
        );
        assert_eq!(
            subject("solutions", "/c/solutions", None).replay_command("04", "x", 7),
            "cargo run -p grader -- replay 04 x --seed 7 --solutions"
        );
        assert_eq!(
            subject(
                "wrong answer 04-shared-state/lost-update",
                "/c/solutions",
                Some((
                    "04-shared-state",
                    "/c/solutions/04-shared-state/wrong/lost-update/src"
                ))
            )
            .replay_command("04-shared-state", "counter_model", 7),
            "cargo run -p grader -- replay 04-shared-state counter_model --seed 7 --wrong \
             04-shared-state/lost-update"
        );
        assert_eq!(
            subject("/tmp/my work", "/tmp/my work", None).replay_command("04", "x", 7),
            "cargo run -p grader -- replay 04 x --seed 7 --subject '/tmp/my work'"
        );
    }
}
