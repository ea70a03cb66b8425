//! `grader export DIR`: write the student repository.
//!
//! What goes in is chosen by rule, never by "everything but": the root files
//! listed in [`ROOT_FILES`], every workspace member and path dependency of the
//! course's Cargo.toml except the solutions and the grader's own test suite,
//! the exercises (stubs, public tests, READMEs), and the student docs. The
//! hidden checks go in filtered: every check marked `private = true` is
//! dropped from checks.toml and its function, which lives in the check
//! crate's `src/private.rs`, with it (the file is replaced by an empty list).
//! Then the export is searched for every private check's name; finding one
//! is an error, so a private check defined in the wrong file cannot leak.
//!
//! Never exported: `solutions/` (reference answers and wrong answers),
//! `grader/tests/`, instructor docs ([`INSTRUCTOR_DOCS`]), `target/`, hidden
//! files and directories (`.git/`, the course CI), and symlinks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item};

use crate::course::Course;
use crate::error::{Error, Result};

/// Files at the course root that the student repository keeps.
pub const ROOT_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "course.toml",
    "README.md",
    ".gitignore",
    "rust-toolchain.toml",
    "rustfmt.toml",
    ".rustfmt.toml",
    "clippy.toml",
    "LICENSE",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];

/// Docs (under `docs/`) for instructors only.
pub const INSTRUCTOR_DOCS: &[&str] = &["instructor-guide.md", "ci"];

/// The file a private check's function must live in, in its check crate.
pub const PRIVATE_CHECKS_FILE: &str = "src/private.rs";

/// What replaces `src/private.rs` in the export.
pub const PRIVATE_STUB: &str = "//! Private checks are graded by the course, not shipped with the exercises.\n\n\
use threadlings_kit::CheckFn;\n\npub const CHECKS: &[(&str, CheckFn)] = &[];\n";

/// What was exported.
#[derive(Debug, Clone, Default)]
pub struct ExportSummary {
    /// Files written, relative to the export root.
    pub files: Vec<PathBuf>,
    /// `NN-topic::check` for every private check left out.
    pub private_checks: Vec<String>,
    /// Workspace crates left out as instructor-only (see [`is_instructor_only`]).
    pub instructor_crates: Vec<PathBuf>,
}

/// Writes the student repository of `course` to `dest`, which must be
/// missing or empty, and outside the course.
pub fn export(course: &Course, dest: &Path) -> Result<ExportSummary> {
    export_with(course, dest, false)
}

/// Like [`export`]; with `include_private`, the private checks stay in (a
/// grading bundle that students never see, such as a Gradescope autograder:
/// still no solutions and no wrong answers).
pub fn export_with(course: &Course, dest: &Path, include_private: bool) -> Result<ExportSummary> {
    let root = &course.root;
    if dest.exists()
        && std::fs::read_dir(dest)
            .map_err(Error::io(format!("read {}", dest.display())))?
            .next()
            .is_some()
    {
        return Err(Error::Subject(format!(
            "{} is not empty: export into a new directory",
            dest.display()
        )));
    }
    std::fs::create_dir_all(dest).map_err(Error::io(format!("create {}", dest.display())))?;
    let dest = dest
        .canonicalize()
        .map_err(Error::io(format!("open {}", dest.display())))?;
    if dest.starts_with(root) {
        return Err(Error::Subject(
            "export to a directory outside the course".to_string(),
        ));
    }
    let result = write_export(course, &dest, include_private)
        .and_then(|summary| prune_lock(&dest).map(|()| summary));
    if result.is_err() {
        // Never leave half an export, which may hold what the check refused.
        let _ = std::fs::remove_dir_all(&dest);
    }
    result
}

/// Fits the copied `Cargo.lock` to the export's smaller workspace (the
/// instructor-only crates and their dependencies are gone), so `--locked`
/// builds work in the student repository and the grading images. Offline:
/// only entries are dropped, no version moves.
fn prune_lock(dest: &Path) -> Result<()> {
    if !dest.join("Cargo.lock").is_file() {
        return Ok(());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(dest.join("Cargo.toml"))
        .stdout(std::process::Stdio::null())
        .output()
        .map_err(Error::io("run cargo metadata on the export"))?;
    if !output.status.success() {
        return Err(Error::Cargo(format!(
            "cannot fit Cargo.lock to the export: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

fn write_export(course: &Course, dest: &Path, include_private: bool) -> Result<ExportSummary> {
    let root = &course.root;
    let dest = dest.to_path_buf();
    let mut out = Exporter {
        root: root.clone(),
        dest: dest.clone(),
        summary: ExportSummary::default(),
    };

    let crates = shared_crates(root)?;
    let (instructor, crates): (Vec<PathBuf>, Vec<PathBuf>) = crates
        .into_iter()
        .partition(|dir| is_instructor_only(root, dir));
    for name in ROOT_FILES {
        if *name == "Cargo.toml" {
            out.write(Path::new(name), &student_manifest(root, &instructor)?)?;
        } else if root.join(name).is_file() {
            out.copy_file(Path::new(name))?;
        }
    }
    out.summary.instructor_crates = instructor;
    out.copy_tree(Path::new("exercises"), &|_| true)?;
    for crate_dir in crates {
        // The grader's own test suite grades the solutions; its hidden checks
        // are exported one by one below.
        let skip: Vec<PathBuf> = if crate_dir == Path::new("grader") {
            vec![
                PathBuf::from("grader/tests"),
                PathBuf::from("grader/checks"),
            ]
        } else {
            Vec::new()
        };
        out.copy_tree(&crate_dir, &|p: &Path| {
            !skip.iter().any(|s| p.starts_with(s))
        })?;
    }
    out.copy_tree(Path::new("docs"), &|p: &Path| {
        !INSTRUCTOR_DOCS
            .iter()
            .any(|d| p.starts_with(Path::new("docs").join(d)))
    })?;

    for exercise in &course.exercises {
        let relative = exercise
            .checks_dir
            .strip_prefix(root)
            .unwrap_or(&exercise.checks_dir)
            .to_path_buf();
        let private: Vec<&str> = exercise
            .checks
            .iter()
            .filter(|c| c.private)
            .map(|c| c.name.as_str())
            .collect();
        if include_private {
            out.copy_tree(&relative, &|_| true)?;
            continue;
        }
        let private_file = relative.join(PRIVATE_CHECKS_FILE);
        let manifest = relative.join("checks.toml");
        out.copy_tree(&relative, &|p: &Path| p != private_file && p != manifest)?;
        out.write(&manifest, &public_checks_toml(&root.join(&manifest))?)?;
        if root.join(&private_file).is_file() {
            out.write(&private_file, PRIVATE_STUB)?;
        }
        for name in &private {
            out.summary
                .private_checks
                .push(format!("{}::{name}", exercise.name));
        }
    }
    if include_private {
        return Ok(out.summary);
    }
    // No exported check crate may name a private check: its function would
    // have been defined or listed outside src/private.rs.
    let all_private: Vec<&str> = course
        .exercises
        .iter()
        .flat_map(|e| e.checks.iter().filter(|c| c.private))
        .map(|c| c.name.as_str())
        .collect();
    for exercise in &course.exercises {
        let relative = exercise
            .checks_dir
            .strip_prefix(root)
            .unwrap_or(&exercise.checks_dir);
        if let Some((path, name)) = find_identifier(&dest.join(relative), &all_private) {
            return Err(Error::Metadata {
                path: root.join(relative),
                message: format!(
                    "private check `{name}` would leak into the export ({}): define private \
                     checks only in {PRIVATE_CHECKS_FILE} and list them in its CHECKS",
                    path.strip_prefix(&dest).unwrap_or(&path).display()
                ),
            });
        }
    }
    Ok(out.summary)
}

/// Directories of the course's shared crates: workspace members and path
/// dependencies other than exercises, hidden checks and solutions.
pub fn shared_crates(root: &Path) -> Result<Vec<PathBuf>> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let mut dirs = BTreeSet::new();
    let workspace = doc.get("workspace");
    let members = workspace
        .and_then(|w| w.get("members"))
        .and_then(Item::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string));
    for member in members {
        let member = member.trim_end_matches('/');
        let excluded = ["exercises", "solutions", "grader/checks"]
            .iter()
            .any(|skip| Path::new(member).starts_with(skip));
        if excluded {
            continue;
        }
        match member.strip_suffix("/*") {
            Some(parent) => {
                for name in subdirs(&root.join(parent)) {
                    dirs.insert(Path::new(parent).join(name));
                }
            }
            None => {
                dirs.insert(PathBuf::from(member));
            }
        }
    }
    if let Some(deps) = workspace
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like)
    {
        for (_, dep) in deps.iter() {
            if let Some(path) = dep
                .as_table_like()
                .and_then(|t| t.get("path"))
                .and_then(Item::as_str)
            {
                let path = Path::new(path);
                if path.is_relative() && !path.starts_with("solutions") {
                    dirs.insert(path.to_path_buf());
                }
            }
        }
    }
    Ok(dirs.into_iter().filter(|d| root.join(d).is_dir()).collect())
}

/// Whether a workspace crate is for instructors only: listed in the course
/// Cargo.toml's `[workspace.metadata.threadlings] instructor-only` (paths or
/// `dir/*` patterns), or reaching into `solutions/` (a `#[path]`, an
/// `include!` or a manifest `path`), which could not build without them.
pub fn is_instructor_only(root: &Path, crate_dir: &Path) -> bool {
    let declared = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<DocumentMut>().ok())
        .and_then(|doc| {
            let list = doc
                .get("workspace")?
                .get("metadata")?
                .get("threadlings")?
                .get("instructor-only")?
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>();
            Some(list)
        })
        .unwrap_or_default();
    let matches = |pattern: &str| match pattern.trim_end_matches('/').strip_suffix("/*") {
        Some(parent) => crate_dir.parent() == Some(Path::new(parent)),
        None => crate_dir == Path::new(pattern.trim_end_matches('/')),
    };
    declared.iter().any(|p| matches(p)) || reaches_into_solutions(&root.join(crate_dir))
}

fn reaches_into_solutions(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            return name != "target" && reaches_into_solutions(&path);
        }
        let rust = path.extension().is_some_and(|e| e == "rs");
        let manifest = name == "Cargo.toml";
        (rust || manifest)
            && std::fs::read_to_string(&path).is_ok_and(|text| {
                text.lines().any(|line| {
                    let line = line.trim_start();
                    let reaches = |from: usize| line[from..].contains("solutions/");
                    if rust {
                        if line.starts_with("//") {
                            return false;
                        }
                        if line.starts_with("#[path") {
                            return reaches(0);
                        }
                        ["include!(", "include_str!(", "include_bytes!("]
                            .iter()
                            .filter_map(|m| line.find(m))
                            .any(reaches)
                    } else {
                        !line.starts_with('#')
                            && line.find("path").is_some_and(|at| {
                                line[at..]
                                    .trim_start_matches("path")
                                    .trim_start()
                                    .starts_with('=')
                                    && reaches(at)
                            })
                    }
                })
            })
    })
}

/// The course Cargo.toml without the instructor-only crates among its
/// workspace members (a glob whose every match is left out is dropped; one
/// with some matches left out becomes the list of the others).
fn student_manifest(root: &Path, instructor: &[PathBuf]) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    if instructor.is_empty() {
        return Ok(text);
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
    if let Some(workspace) = doc.get_mut("workspace").and_then(Item::as_table_like_mut) {
        for key in ["members", "default-members"] {
            let Some(list) = workspace.get_mut(key).and_then(Item::as_array_mut) else {
                continue;
            };
            let mut kept = toml_edit::Array::new();
            for value in list.iter() {
                let Some(member) = value.as_str() else {
                    kept.push_formatted(value.clone());
                    continue;
                };
                match member.trim_end_matches('/').strip_suffix("/*") {
                    Some(parent) => {
                        let all = subdirs(&root.join(parent));
                        let left: Vec<String> = all
                            .iter()
                            .map(|name| format!("{parent}/{name}"))
                            .filter(|m| !instructor.iter().any(|i| i == Path::new(m)))
                            .collect();
                        if left.len() == all.len() {
                            kept.push_formatted(value.clone());
                        } else {
                            for member in left {
                                kept.push(member);
                            }
                        }
                    }
                    None => {
                        if !instructor.iter().any(|i| i == Path::new(member)) {
                            kept.push_formatted(value.clone());
                        }
                    }
                }
            }
            kept.set_trailing(list.trailing().clone());
            kept.set_trailing_comma(list.trailing_comma());
            *list = kept;
        }
    }
    Ok(doc.to_string())
}

fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// checks.toml without its `private = true` entries (comments and layout kept).
pub fn public_checks_toml(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if let Some(checks) = doc.get_mut("check").and_then(Item::as_array_of_tables_mut) {
        checks.retain(|table| {
            !table
                .get("private")
                .and_then(Item::as_bool)
                .unwrap_or(false)
        });
    }
    Ok(doc.to_string())
}

/// The first file under `dir` that contains one of `names` as a whole
/// identifier, with the name.
fn find_identifier(dir: &Path, names: &[&str]) -> Option<(PathBuf, String)> {
    if names.is_empty() {
        return None;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(name) = names.iter().find(|n| contains_identifier(&text, n)) {
                return Some((path, name.to_string()));
            }
        }
    }
    None
}

/// Whether `name` occurs in `text` other than as part of a longer identifier.
pub fn contains_identifier(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

struct Exporter {
    root: PathBuf,
    dest: PathBuf,
    summary: ExportSummary,
}

impl Exporter {
    fn copy_file(&mut self, relative: &Path) -> Result<()> {
        let source = self.root.join(relative);
        let bytes = std::fs::read(&source).map_err(|e| Error::Read {
            path: source.clone(),
            source: e,
        })?;
        self.write_bytes(relative, &bytes)
    }

    fn write(&mut self, relative: &Path, text: &str) -> Result<()> {
        self.write_bytes(relative, text.as_bytes())
    }

    fn write_bytes(&mut self, relative: &Path, bytes: &[u8]) -> Result<()> {
        let path = self.dest.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(Error::io(format!("create {}", parent.display())))?;
        }
        std::fs::write(&path, bytes).map_err(Error::io(format!("write {}", path.display())))?;
        if !self.summary.files.iter().any(|f| f == relative) {
            self.summary.files.push(relative.to_path_buf());
        }
        Ok(())
    }

    /// Copies the regular files under `relative` that `keep` accepts (given
    /// paths relative to the course root), skipping `target/`, hidden
    /// entries, editor litter and symlinks.
    fn copy_tree(&mut self, relative: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<()> {
        let dir = self.root.join(relative);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name_text = name.to_string_lossy();
            let child = relative.join(&name);
            if !keep(&child) || name_text.starts_with('.') {
                continue;
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if name != "target" {
                    self.copy_tree(&child, keep)?;
                }
            } else if file_type.is_file() && !is_editor_litter(&name_text) {
                self.copy_file(&child)?;
            }
        }
        Ok(())
    }
}

fn is_editor_litter(name: &str) -> bool {
    name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".orig")
}
