//! `grader new NN-topic`: scaffold an exercise (stub crate with a public test,
//! reference solution, one known-wrong answer, hidden checks, checks.toml),
//! and find what an instructor has not filled in yet.
//!
//! The scaffold is a complete, working exercise around one placeholder task:
//! it compiles, its stub scores 0, its solution full marks and its wrong
//! answer is caught. So `verify` alone would call it done. Every spot the
//! instructor must replace carries the marker [`MARKER`]; [`placeholders`]
//! finds them, and `verify` fails while any is left, naming file and line.

use std::path::{Path, PathBuf};

use crate::course::{Course, ExercisePlan, is_exercise_name};
use crate::error::{Error, Result};

/// Marks what an instructor still has to write. Remove the line (or the
/// comment) once it is done.
pub const MARKER: &str = "SCAFFOLD:";

/// The wrong-answer slot the scaffold creates.
pub const WRONG_SLOT: &str = "placeholder-wrong";

struct Template {
    path: &'static str,
    text: &'static str,
}

const TEMPLATES: &[Template] = &[
    Template {
        path: "exercises/{{name}}/Cargo.toml",
        text: include_str!("templates/exercise_Cargo.toml.tmpl"),
    },
    Template {
        path: "exercises/{{name}}/README.md",
        text: include_str!("templates/exercise_README.md.tmpl"),
    },
    Template {
        path: "exercises/{{name}}/src/lib.rs",
        text: include_str!("templates/exercise_lib.rs.tmpl"),
    },
    Template {
        path: "exercises/{{name}}/tests/public.rs",
        text: include_str!("templates/exercise_public.rs.tmpl"),
    },
    Template {
        path: "solutions/{{name}}/src/lib.rs",
        text: include_str!("templates/solution_lib.rs.tmpl"),
    },
    Template {
        path: "solutions/{{name}}/wrong/placeholder-wrong/wrong.toml",
        text: include_str!("templates/wrong.toml.tmpl"),
    },
    Template {
        path: "solutions/{{name}}/wrong/placeholder-wrong/src/lib.rs",
        text: include_str!("templates/wrong_lib.rs.tmpl"),
    },
    Template {
        path: "grader/checks/{{name}}/Cargo.toml",
        text: include_str!("templates/checks_Cargo.toml.tmpl"),
    },
    Template {
        path: "grader/checks/{{name}}/checks.toml",
        text: include_str!("templates/checks.toml.tmpl"),
    },
    Template {
        path: "grader/checks/{{name}}/src/main.rs",
        text: include_str!("templates/checks_main.rs.tmpl"),
    },
    Template {
        path: "grader/checks/{{name}}/src/private.rs",
        text: include_str!("templates/checks_private.rs.tmpl"),
    },
];

/// Creates exercise `name` (`NN-topic`) in the course at `course.root`, and
/// returns the files written, relative to the course root.
pub fn create(course: &Course, name: &str) -> Result<Vec<PathBuf>> {
    let invalid = |message: String| Error::Subject(message);
    if !is_exercise_name(name) {
        return Err(invalid(format!(
            "`{name}` is not an exercise name: use NN-topic, e.g. 07-channels"
        )));
    }
    let (number, topic) = name.split_once('-').expect("checked by is_exercise_name");
    let valid_topic = topic.starts_with(|c: char| c.is_ascii_lowercase())
        && topic
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid_topic {
        return Err(invalid(format!(
            "topic `{topic}` must start with a lowercase letter and hold only a-z, 0-9, - and _ \
             (it becomes the package name)"
        )));
    }
    for exercise in &course.exercises {
        let (taken_number, _) = exercise.name.split_once('-').unwrap_or_default();
        if exercise.name == name || taken_number == number {
            return Err(invalid(format!(
                "number {number} is taken by {}: pick the next free one",
                exercise.name
            )));
        }
        if exercise.package == topic || exercise.topic == topic {
            return Err(invalid(format!(
                "topic `{topic}` is taken by {} (package names must be unique)",
                exercise.name
            )));
        }
    }
    let title = {
        let mut chars = topic.replace(['-', '_'], " ").chars().collect::<Vec<_>>();
        if let Some(first) = chars.first_mut() {
            *first = first.to_ascii_uppercase();
        }
        chars.into_iter().collect::<String>()
    };
    let fill = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{number}}", number)
            .replace("{{topic}}", topic)
            .replace("{{crate}}", &topic.replace('-', "_"))
            .replace("{{title}}", &title)
    };
    let files: Vec<(PathBuf, String)> = TEMPLATES
        .iter()
        .map(|t| (PathBuf::from(fill(t.path)), fill(t.text)))
        .collect();
    if let Some((existing, _)) = files
        .iter()
        .find(|(path, _)| course.root.join(path).exists())
    {
        return Err(invalid(format!(
            "{} already exists; `grader new` never overwrites files",
            existing.display()
        )));
    }
    for (path, text) in &files {
        let absolute = course.root.join(path);
        if let Some(parent) = absolute.parent() {
            std::fs::create_dir_all(parent)
                .map_err(Error::io(format!("create {}", parent.display())))?;
        }
        std::fs::write(&absolute, text)
            .map_err(Error::io(format!("write {}", absolute.display())))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// One spot an instructor has not filled in yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Relative to the course root.
    pub path: PathBuf,
    pub line: usize,
    /// What to write there (the text after the marker).
    pub todo: String,
}

/// The placeholders left in an exercise's files: its crate, its solution and
/// wrong answers, and its hidden checks.
pub fn placeholders(course: &Course, exercise: &ExercisePlan) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for dir in [
        exercise.exercise_dir.clone(),
        course.root.join("solutions").join(&exercise.name),
        exercise.checks_dir.clone(),
    ] {
        scan(&course.root, &dir, &mut found);
    }
    found
}

fn scan(root: &Path, dir: &Path, found: &mut Vec<Placeholder>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if entry.file_name() != "target" {
                scan(root, &path, found);
            }
        } else if file_type.is_file()
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            for (index, line) in text.lines().enumerate() {
                if let Some(at) = line.find(MARKER) {
                    let todo = line[at + MARKER.len()..]
                        .trim()
                        .trim_end_matches("-->")
                        .trim()
                        .to_string();
                    found.push(Placeholder {
                        path: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                        line: index + 1,
                        todo,
                    });
                }
            }
        }
    }
}
