//! The generated build workspace of one subject.
//!
//! It mirrors the course layout (`exercises/NN-topic`, `grader/checks/NN-topic`)
//! so the check crates' relative path to their exercise resolves to the
//! subject's copy, while every other course crate is referenced by absolute
//! path through `[workspace.dependencies]`, and so is compiled once for all
//! subjects in the shared build directory.
//!
//! The crates sit one directory below the workspace root, in a directory named
//! after the subject. Cargo hashes path packages by their path relative to the
//! workspace root: with the same relative layout, the solutions and a wrong
//! answer would share artifact names and fingerprints in the shared build
//! directory, and one subject's check program would silently run for another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, Item, Table, Value};

use super::Subject;
use super::sync::{Source, collect, mirror, write_if_changed};
use crate::course::{Course, ExercisePlan};
use crate::error::{Error, Result};

/// A generated workspace ready for `cargo build`.
#[derive(Debug, Clone)]
pub struct BuildWorkspace {
    pub root: PathBuf,
    /// Where the subject's crates live, below `root`.
    pub crates: PathBuf,
    /// Where cargo puts this subject's final artifacts (check programs).
    pub target_dir: PathBuf,
    /// Exercises whose sources the subject lacks: graded as not compiling.
    pub missing: Vec<String>,
    /// The subject's directory as a student knows it (relative to the course
    /// root when inside it), to show in compiler messages instead of the
    /// generated workspace's paths.
    pub source_display: String,
    /// The subject's slug: the generated crates' directory below `root`.
    pub slug: String,
    /// Compile the subject's crates incrementally. Only the student's working
    /// copy is rebuilt after small edits (the everyday loop, where incremental
    /// compilation turns a 4 s recompile of a check crate into a fraction of a
    /// second); every other subject (solutions, wrong answers, mutants,
    /// submissions) is built once, where incremental compilation costs about
    /// 15% more compile time and leaves ~10 MB of caches per crate behind.
    pub incremental: bool,
}

impl BuildWorkspace {
    /// Rewrites generated-workspace paths in compiler output to the paths the
    /// student edits (`exercises/01-threads/src/lib.rs`, not the mirror's).
    pub fn display_paths(&self, text: &str) -> String {
        text.replace(
            &format!("{}/exercises/", self.slug),
            &format!("{}/", self.source_display),
        )
        .replace(&format!("{}/grader/checks/", self.slug), "grader/checks/")
    }

    pub fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    pub fn exercise_dir(&self, exercise: &str) -> PathBuf {
        self.crates.join("exercises").join(exercise)
    }

    pub fn checks_dir(&self, exercise: &str) -> PathBuf {
        self.crates.join("grader").join("checks").join(exercise)
    }
}

/// The name of a subject's generated crates and output directory.
///
/// Within one course the subject's slug is unique. A work directory outside
/// the course (a `CARGO_TARGET_DIR` shared by several checkouts) also serves
/// other copies of the course, whose subjects have the same slugs: there the
/// slug also names the course root. Without it, two copies' `solutions` would
/// share one generated workspace and, worse, the same package paths relative
/// to it, so the shared build directory would hand one copy's check program
/// to the other (see docs/design.md).
pub fn generated_slug(course: &Course, subject: &Subject, base: &Path) -> String {
    slug_for(&subject.slug, &course.root, base)
}

fn slug_for(slug: &str, course_root: &Path, base: &Path) -> String {
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let root = canonical(course_root);
    if canonical(base).starts_with(&root) {
        return slug.to_string();
    }
    let hash = crate::fnv::fnv1a64(root.as_os_str().as_encoded_bytes());
    format!("{slug}-c{:08x}", hash as u32)
}

/// Lays out the build workspace of `subject` under `base`.
///
/// Every exercise the subject has becomes a member, whatever is being graded
/// this time: the manifest then depends only on the subject, so two graders
/// preparing the same subject at once write identical files. Which packages
/// are built is chosen on the cargo command line.
pub fn prepare(course: &Course, subject: &Subject, base: &Path) -> Result<BuildWorkspace> {
    let exercises: Vec<&ExercisePlan> = course.exercises.iter().collect();
    let exercises = exercises.as_slice();
    let slug = generated_slug(course, subject, base);
    let root = base.join("subjects").join(&slug);
    let mut ws = BuildWorkspace {
        crates: root.join(&slug),
        target_dir: base.join("out").join(&slug),
        root,
        missing: Vec::new(),
        source_display: subject
            .dir
            .strip_prefix(&course.root)
            .unwrap_or(&subject.dir)
            .display()
            .to_string(),
        incremental: subject.is_working_copy(),
        slug,
    };
    let mut members = Vec::new();
    for exercise in exercises {
        // A crate without src/lib.rs would make cargo reject the whole
        // workspace; it is graded as missing instead.
        let layers = subject
            .source_layers(&exercise.name)
            .filter(|layers| layers.iter().any(|l| l.join("lib.rs").is_file()));
        let Some(layers) = layers else {
            ws.missing.push(exercise.name.clone());
            continue;
        };
        let mut files = collect(&layers)?
            .into_iter()
            .map(|(relative, source)| (Path::new("src").join(relative), source))
            .collect::<BTreeMap<_, _>>();
        files.insert(
            PathBuf::from("Cargo.toml"),
            Source::File(exercise.exercise_dir.join("Cargo.toml")),
        );
        // The public tests come from the course too, so `verify` can run the
        // course's own tests against any subject.
        let public_tests = exercise.exercise_dir.join("tests");
        if public_tests.is_dir() {
            for (relative, source) in collect(std::slice::from_ref(&public_tests))? {
                files.insert(Path::new("tests").join(relative), source);
            }
        }
        mirror(&files, &ws.exercise_dir(&exercise.name))?;
        mirror(
            &collect(std::slice::from_ref(&exercise.checks_dir))?,
            &ws.checks_dir(&exercise.name),
        )?;
        members.push(format!("{}/exercises/{}", ws.slug, exercise.name));
        members.push(format!("{}/grader/checks/{}", ws.slug, exercise.name));
    }
    remove_stale(&ws.crates.join("exercises"), exercises)?;
    remove_stale(&ws.crates.join("grader").join("checks"), exercises)?;

    let check_packages: Vec<&str> = exercises.iter().map(|e| e.check_package.as_str()).collect();
    let manifest = root_manifest(&course.root, &members, &check_packages)?;
    write_if_changed(&ws.manifest(), manifest.as_bytes())?;
    let lock = course.root.join("Cargo.lock");
    if let Ok(bytes) = std::fs::read(&lock) {
        write_if_changed(&ws.root.join("Cargo.lock"), &bytes)?;
    }
    Ok(ws)
}

fn remove_stale(dir: &Path, keep: &[&ExercisePlan]) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !keep.iter().any(|e| name == e.name.as_str()) {
            std::fs::remove_dir_all(entry.path())
                .map_err(Error::io(format!("remove {}", entry.path().display())))?;
        }
    }
    Ok(())
}

/// The workspace manifest: the course's shared settings, with every path
/// dependency made absolute, and the subject's crates as members.
///
/// Check crates compile at `opt-level = 0` in the `grade` profile, whatever
/// it says for the rest (see [`CHECK_OPT_LEVEL`]).
fn root_manifest(
    course_root: &Path,
    members: &[String],
    check_packages: &[&str],
) -> Result<String> {
    let path = course_root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let course: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let course_ws = course
        .get("workspace")
        .and_then(Item::as_table)
        .ok_or_else(|| Error::Metadata {
            path: path.clone(),
            message: "no [workspace] table".to_string(),
        })?;

    let mut workspace = Table::new();
    if let Some(resolver) = course_ws.get("resolver") {
        workspace.insert("resolver", resolver.clone());
    }
    let mut member_list = Array::new();
    for member in members {
        member_list.push(member.as_str());
    }
    workspace.insert("members", Item::Value(Value::Array(member_list)));
    for key in ["package", "lints", "metadata"] {
        if let Some(item) = course_ws.get(key) {
            workspace.insert(key, item.clone());
        }
    }
    if let Some(deps) = course_ws.get("dependencies").and_then(Item::as_table) {
        let mut deps = deps.clone();
        for (_, dep) in deps.iter_mut() {
            absolutize_path(dep, course_root);
        }
        workspace.insert("dependencies", Item::Table(deps));
    }

    let mut doc = DocumentMut::new();
    doc.insert("workspace", Item::Table(workspace));
    if let Some(profile) = course.get("profile") {
        doc.insert("profile", profile.clone());
    }
    unoptimized_check_crates(&mut doc, check_packages);
    Ok(format!(
        "# Generated by the Threadlings grader from the course's Cargo.toml; do not edit.\n{doc}"
    ))
}

/// The optimization level of check crates in the `grade` profile.
///
/// A check crate is compiled again for every subject (its dependency, the
/// student's crate, is new), once per build variant, and optimizing it is
/// almost all of that cost: 4.4 s of CPU at `opt-level = 1` against 0.75 s
/// at 0 for 08's check crate (docs/speed.md). What runs hot during a check
/// is compiled elsewhere at the profile's level: the student's crate, the
/// facade, the kit's non-generic engine and every registry dependency.
/// The check crate holds the scenario closures and the kit's generic glue
/// instantiated for them.
pub const CHECK_OPT_LEVEL: i64 = 0;

/// Adds `[profile.grade.package.<check crate>] opt-level = 0` for each check
/// crate, so a new exercise gets it without an edit to the course manifest.
fn unoptimized_check_crates(doc: &mut DocumentMut, check_packages: &[&str]) {
    let profile = doc
        .entry("profile")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut();
    let Some(profile) = profile else { return };
    profile.set_implicit(true);
    let grade = profile
        .entry(crate::build::PROFILE)
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(grade) = grade.as_table_mut() else {
        return;
    };
    let packages = grade
        .entry("package")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(packages) = packages.as_table_mut() else {
        return;
    };
    packages.set_implicit(true);
    for name in check_packages {
        let mut settings = Table::new();
        settings.insert("opt-level", toml_edit::value(CHECK_OPT_LEVEL));
        packages.insert(name, Item::Table(settings));
    }
}

fn absolutize_path(dep: &mut Item, course_root: &Path) {
    let path = match dep {
        Item::Value(Value::InlineTable(table)) => table.get_mut("path"),
        Item::Table(table) => table.get_mut("path").and_then(Item::as_value_mut),
        _ => None,
    };
    if let Some(value) = path
        && let Some(relative) = value.as_str()
    {
        let absolute = course_root.join(relative);
        *value = Value::from(absolute.display().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::{CHECK_OPT_LEVEL, root_manifest, slug_for};

    /// Check crates are compiled again for every subject: the generated
    /// workspace builds them unoptimized, while the course's own profile
    /// (here opt-level 1) still applies to everything else.
    #[test]
    fn check_crates_build_unoptimized_and_the_rest_keeps_the_course_profile() {
        let course = tempfile::tempdir().unwrap();
        std::fs::write(
            course.path().join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\n[profile.grade]\ninherits = \"dev\"\nopt-level = 1\n",
        )
        .unwrap();
        let text =
            root_manifest(course.path(), &["s/x".to_string()], &["check-a", "check-b"]).unwrap();
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        let grade = &doc["profile"]["grade"];
        assert_eq!(grade["opt-level"].as_integer(), Some(1));
        for name in ["check-a", "check-b"] {
            assert_eq!(
                grade["package"][name]["opt-level"].as_integer(),
                Some(CHECK_OPT_LEVEL),
                "{text}"
            );
        }
        assert!(grade["package"].get("a").is_none());
    }

    #[test]
    fn inside_the_course_the_slug_is_plain() {
        let course = tempfile::tempdir().unwrap();
        let base = course.path().join("target/threadlings");
        assert_eq!(slug_for("solutions", course.path(), &base), "solutions");
    }

    #[test]
    fn copies_sharing_an_outside_work_dir_get_distinct_stable_slugs() {
        let (a, b, shared) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let slug_a = slug_for("solutions", a.path(), shared.path());
        let slug_b = slug_for("solutions", b.path(), shared.path());
        assert_ne!(slug_a, slug_b);
        assert!(slug_a.starts_with("solutions-c"), "{slug_a}");
        assert_eq!(slug_a, slug_for("solutions", a.path(), shared.path()));
    }
}
