//! The validated course plan: metadata resolved against defaults and checked
//! against the files on disk. Everything downstream works from this.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use threadlings_schema::budget::{Budget, KEYS as BUDGET_KEYS};
use threadlings_schema::report::CheckKind;

use super::raw::{ChecksFile, CourseFile, Defaults, GradescopeVisibility, WrongFile};
use crate::error::{Error, Result};
use crate::i18n::Lang;

/// The course, ready to grade.
#[derive(Debug, Clone)]
pub struct Course {
    /// The trusted course copy: checks, metadata and grader come from here.
    pub root: PathBuf,
    pub title: String,
    pub verify_runs: u32,
    /// Build variants by name (see course.toml).
    pub variants: std::collections::BTreeMap<String, Variant>,
    pub exercises: Vec<ExercisePlan>,
    /// course.toml `[gradescope] private_visibility`.
    pub private_visibility: GradescopeVisibility,
}

/// A build of the check programs with extra cfgs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub cfg: Vec<String>,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct ExercisePlan {
    /// Directory name, `NN-topic`.
    pub name: String,
    pub title: String,
    /// The title in Korean (`title_ko`), when the exercise has one.
    pub title_ko: Option<String>,
    pub topic: String,
    pub hints: Vec<String>,
    /// The hints in Korean (`hints_ko`), one per English hint; empty when the
    /// exercise has none, and then Korean readers get the English ones.
    pub hints_ko: Vec<String>,
    /// `exercises/NN-topic` in the course copy (its Cargo.toml is trusted).
    pub exercise_dir: PathBuf,
    /// `grader/checks/NN-topic`.
    pub checks_dir: PathBuf,
    /// Package name of the exercise crate.
    pub package: String,
    /// Package (and binary) name of the check program.
    pub check_package: String,
    pub checks: Vec<CheckPlan>,
    pub wrong_answers: Vec<WrongAnswer>,
    /// Whether the student's crate may use `unsafe` (the exercise's trusted
    /// `Cargo.toml`: `[package.metadata.threadlings] unsafe = true`);
    /// otherwise it is compiled with `-F unsafe_code`.
    pub allow_unsafe: bool,
    /// Bounds of every compiler run that compiles this exercise's code.
    pub compile: CompileBounds,
    /// Absolute paths its checks may read at run time (`sandbox_read`).
    pub sandbox_read: Vec<PathBuf>,
}

impl ExercisePlan {
    /// The hints `grader hint` shows a reader of `lang`: the Korean ones when
    /// the exercise has them, else the English ones (a hint in English beats
    /// no hint).
    pub fn hints_in(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Ko if !self.hints_ko.is_empty() => &self.hints_ko,
            _ => &self.hints,
        }
    }
}

/// Bounds of one compiler run (docs/sandbox.md, "Compile time").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompileBounds {
    /// CPU time, in milliseconds.
    pub cpu_ms: u64,
    /// Resident memory, in MiB.
    pub memory_mb: u64,
}

impl CompileBounds {
    /// The grader's defaults: far above what any exercise of the course
    /// needs (its largest check crate compiles in under 20 s of CPU and
    /// under 1 GiB), far below a stalled grading.
    pub const DEFAULT: CompileBounds = CompileBounds {
        cpu_ms: 120_000,
        memory_mb: 3072,
    };
}

#[derive(Debug, Clone)]
pub struct CheckPlan {
    pub name: String,
    pub kind: CheckKind,
    pub points: f64,
    pub timeout: Duration,
    /// Runs alone, after the checks that may share the machine.
    pub exclusive: bool,
    /// The build variant of its check program; `None` is the plain build.
    pub variant: Option<String>,
    pub description: String,
    /// Left out of the student repository by `grader export`.
    pub private: bool,
    /// Sandbox limits of the check process.
    pub limits: crate::run::Limits,
    /// A race check's budget from the metadata (empty: the code's numbers).
    pub budget: Budget,
}

#[derive(Debug, Clone)]
pub struct WrongAnswer {
    pub exercise: String,
    pub name: String,
    /// `solutions/NN-topic/wrong/NAME`; its `src/` is laid over the solution's.
    pub dir: PathBuf,
    pub description: String,
    pub caught_by: Vec<String>,
}

impl Course {
    pub fn exercise(&self, name: &str) -> Option<&ExercisePlan> {
        self.exercises.iter().find(|e| e.name == name)
    }

    /// Resolves `04-shared-state`, `shared-state`, `04` or the package name
    /// `shared_state` to an exercise. The package name is the one a student
    /// has just typed in `cargo test -p shared_state`, so every command that
    /// names an exercise (`--only`, `--wrong`, `hint`) takes it too.
    pub fn resolve_name(&self, wanted: &str) -> Result<&ExercisePlan> {
        self.exercises
            .iter()
            .find(|e| {
                e.name == wanted
                    || e.package == wanted
                    || e.name
                        .split_once('-')
                        .is_some_and(|(number, topic)| topic == wanted || number == wanted)
            })
            .ok_or_else(|| Error::UnknownExercise(wanted.to_string()))
    }

    pub fn max_score(&self) -> f64 {
        self.exercises
            .iter()
            .flat_map(|e| &e.checks)
            .map(|c| c.points)
            .sum()
    }
}

/// Finds the course root: the nearest ancestor of `start` holding `course.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("course.toml").is_file())
        .map(Path::to_path_buf)
}

/// Loads and validates the course at `root`.
pub fn load(root: &Path) -> Result<Course> {
    let course_path = root.join("course.toml");
    let course: CourseFile = parse_toml(&course_path)?;
    if course.format_version != 1 {
        return Err(Error::Metadata {
            path: course_path,
            message: format!(
                "format_version {} is not supported (expected 1)",
                course.format_version
            ),
        });
    }
    let exercises_dir = root.join("exercises");
    let checks_root = root.join("grader").join("checks");
    let exercise_names = numbered_dirs(&exercises_dir)?;
    let check_names = numbered_dirs(&checks_root)?;
    if let Some(orphan) = check_names.difference(&exercise_names).next() {
        return Err(Error::Metadata {
            path: checks_root.join(orphan),
            message: format!("hidden checks for `{orphan}` but no exercises/{orphan}"),
        });
    }
    let variants = course
        .variants
        .into_iter()
        .map(|(name, entry)| {
            let variant = Variant {
                name: name.clone(),
                cfg: entry.cfg,
                description: entry.description,
            };
            (name, variant)
        })
        .collect::<std::collections::BTreeMap<_, _>>();
    let exercises = exercise_names
        .iter()
        .map(|name| load_exercise(root, name, &course.defaults, &variants))
        .collect::<Result<Vec<_>>>()?;
    Ok(Course {
        root: root.to_path_buf(),
        title: course.title,
        verify_runs: course.defaults.verify_runs,
        variants,
        exercises,
        private_visibility: course.gradescope.private_visibility,
    })
}

fn load_exercise(
    root: &Path,
    name: &str,
    defaults: &Defaults,
    variants: &std::collections::BTreeMap<String, Variant>,
) -> Result<ExercisePlan> {
    let exercise_dir = root.join("exercises").join(name);
    let checks_dir = root.join("grader").join("checks").join(name);
    let checks_path = checks_dir.join("checks.toml");
    if !checks_path.is_file() {
        return Err(Error::Metadata {
            path: checks_path,
            message: format!("exercise `{name}` has no hidden checks (create this file)"),
        });
    }
    let file: ChecksFile = parse_toml(&checks_path)?;
    let invalid = |message: String| Error::Metadata {
        path: checks_path.clone(),
        message,
    };
    if file.format_version != 1 {
        return Err(invalid(format!(
            "format_version {} is not supported (expected 1)",
            file.format_version
        )));
    }
    if file.checks.is_empty() {
        return Err(invalid("no [[check]] entries".to_string()));
    }
    // `grader hint` remembers one level per exercise for both languages, so
    // hint N must be the same hint in each: a missing or extra one would show
    // a Korean reader a different hint than the level says.
    let hints_ko = match file.exercise.hints_ko {
        Some(ko) if ko.len() != file.exercise.hints.len() => {
            return Err(invalid(format!(
                "hints_ko has {} hints and hints has {}: give one Korean hint per English hint, \
                 in the same order",
                ko.len(),
                file.exercise.hints.len()
            )));
        }
        ko => ko.unwrap_or_default(),
    };
    let mut seen = BTreeSet::new();
    let mut checks = Vec::new();
    for entry in file.checks {
        if !seen.insert(entry.name.clone()) {
            return Err(invalid(format!("check `{}` is listed twice", entry.name)));
        }
        if entry.kind == CheckKind::Build {
            return Err(invalid(format!(
                "check `{}`: kind `build` is reserved for compile errors",
                entry.name
            )));
        }
        let points = entry.points.unwrap_or(defaults.points);
        if !(points.is_finite() && points >= 0.0) {
            return Err(invalid(format!(
                "check `{}`: points must be a number >= 0",
                entry.name
            )));
        }
        if let Some(variant) = &entry.variant
            && !variants.contains_key(variant)
        {
            return Err(invalid(format!(
                "check `{}`: variant `{variant}` is not declared in course.toml [variants]",
                entry.name
            )));
        }
        let builtin = crate::run::Limits::DEFAULT;
        let limits = crate::run::Limits {
            memory_mb: entry
                .memory_mb
                .or(defaults.memory_mb)
                .unwrap_or(builtin.memory_mb),
            max_tasks: entry
                .max_tasks
                .or(defaults.max_tasks)
                .unwrap_or(builtin.max_tasks),
            output_kb: entry
                .output_kb
                .or(defaults.output_kb)
                .unwrap_or(builtin.output_kb),
            file_mb: entry
                .file_mb
                .or(defaults.file_mb)
                .unwrap_or(builtin.file_mb),
        };
        if let Some(problem) = limits.problem() {
            return Err(invalid(format!("check `{}`: {problem}", entry.name)));
        }
        let budget = match &entry.budget {
            None => Budget::default(),
            Some(_) if entry.kind != CheckKind::Race => {
                return Err(invalid(format!(
                    "check `{}`: a budget sizes a race check's stress run, exploration or model; \
                     this check is kind `{}`",
                    entry.name,
                    entry.kind.as_str()
                )));
            }
            Some(table) => budget(table)
                .map_err(|problem| invalid(format!("check `{}`: {problem}", entry.name)))?,
        };
        checks.push(CheckPlan {
            budget,
            limits,
            variant: entry.variant,
            exclusive: entry.exclusive.unwrap_or(entry.kind == CheckKind::Timing),
            timeout: Duration::from_millis(entry.timeout_ms.unwrap_or(defaults.timeout_ms)),
            name: entry.name,
            kind: entry.kind,
            points,
            description: entry.description,
            private: entry.private,
        });
    }
    let wrong_answers = load_wrong_answers(root, name, &checks)?;
    let compile = CompileBounds {
        cpu_ms: file
            .exercise
            .compile_timeout_ms
            .or(defaults.compile_timeout_ms)
            .unwrap_or(CompileBounds::DEFAULT.cpu_ms),
        memory_mb: file
            .exercise
            .compile_memory_mb
            .or(defaults.compile_memory_mb)
            .unwrap_or(CompileBounds::DEFAULT.memory_mb),
    };
    if compile.cpu_ms == 0 || compile.memory_mb == 0 {
        return Err(invalid(
            "compile_timeout_ms and compile_memory_mb must be above 0".to_string(),
        ));
    }
    let sandbox_read = file
        .exercise
        .sandbox_read
        .iter()
        .map(|relative| {
            let path = root.join(relative);
            if path.exists() {
                Ok(path)
            } else {
                Err(invalid(format!(
                    "sandbox_read: `{relative}` does not exist (paths are relative to the course root)"
                )))
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ExercisePlan {
        sandbox_read,
        allow_unsafe: allow_unsafe(&exercise_dir.join("Cargo.toml"))?,
        compile,
        name: name.to_string(),
        title: file.exercise.title,
        title_ko: file.exercise.title_ko,
        topic: file.exercise.topic,
        hints: file.exercise.hints,
        hints_ko,
        package: package_name(&exercise_dir.join("Cargo.toml"))?,
        check_package: package_name(&checks_dir.join("Cargo.toml"))?,
        exercise_dir,
        checks_dir,
        checks,
        wrong_answers,
    })
}

/// The `budget` table of a check: known keys, whole numbers in range.
fn budget(table: &toml::Table) -> std::result::Result<Budget, String> {
    let mut budget = Budget::default();
    for (key, value) in table {
        if !BUDGET_KEYS.contains(&key.as_str()) {
            return Err(format!(
                "budget key `{key}` is unknown (known keys: {})",
                BUDGET_KEYS.join(", ")
            ));
        }
        let number = value
            .as_integer()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| format!("budget `{key}` must be a whole number, got `{value}`"))?;
        budget.set(key, number)?;
    }
    Ok(budget)
}

fn load_wrong_answers(
    root: &Path,
    exercise: &str,
    checks: &[CheckPlan],
) -> Result<Vec<WrongAnswer>> {
    let wrong_dir = root.join("solutions").join(exercise).join("wrong");
    let mut answers = Vec::new();
    for name in subdirs(&wrong_dir)? {
        let dir = wrong_dir.join(&name);
        let path = dir.join("wrong.toml");
        let file: WrongFile = parse_toml(&path)?;
        if file.caught_by.is_empty() {
            return Err(Error::Metadata {
                path,
                message: "caught_by must name at least one check".to_string(),
            });
        }
        if let Some(unknown) = file
            .caught_by
            .iter()
            .find(|c| !checks.iter().any(|check| &check.name == *c))
        {
            return Err(Error::Metadata {
                path,
                message: format!("caught_by names `{unknown}`, which is not a check of {exercise}"),
            });
        }
        answers.push(WrongAnswer {
            exercise: exercise.to_string(),
            name,
            dir,
            description: file.description,
            caught_by: file.caught_by,
        });
    }
    Ok(answers)
}

fn parse_toml<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn package_name(manifest: &Path) -> Result<String> {
    let value: toml::Table = parse_toml(manifest)?;
    value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .ok_or_else(|| Error::Metadata {
            path: manifest.to_path_buf(),
            message: "missing [package] name".to_string(),
        })
}

/// `[package.metadata.threadlings] unsafe` of an exercise's manifest
/// (absent: `false`).
fn allow_unsafe(manifest: &Path) -> Result<bool> {
    let value: toml::Table = parse_toml(manifest)?;
    let threadlings = value
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("threadlings"));
    let invalid = |message: &str| Error::Metadata {
        path: manifest.to_path_buf(),
        message: message.to_string(),
    };
    if threadlings
        .and_then(|t| t.get("facade"))
        .and_then(|f| f.get("unsafe"))
        .is_some()
    {
        return Err(invalid(
            "`unsafe` moved from [package.metadata.threadlings.facade] to \
             [package.metadata.threadlings]: it now also decides how the crate is compiled",
        ));
    }
    match threadlings.and_then(|t| t.get("unsafe")) {
        None => Ok(false),
        Some(value) => value.as_bool().ok_or_else(|| {
            invalid("[package.metadata.threadlings] `unsafe` must be true or false")
        }),
    }
}

/// Sorted names of the `NN-topic` directories in `dir`.
fn numbered_dirs(dir: &Path) -> Result<BTreeSet<String>> {
    Ok(subdirs(dir)?
        .into_iter()
        .filter(|name| is_exercise_name(name))
        .collect())
}

/// Whether `name` has the `NN-topic` shape of an exercise directory.
pub fn is_exercise_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 3 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit() && bytes[2] == b'-'
}

fn subdirs(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}
