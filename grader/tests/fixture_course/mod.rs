//! A small course built in a temporary directory for the CLI tests of the
//! report formats, watch, new, export and batch: one exercise (`01-echo`) with
//! two public checks and one private check, a reference solution and a known
//! wrong answer. Built from files, not copied from the real course, so these
//! tests do not move when the course's exercises change.
//!
//! Every fixture shares one cargo target directory under `CARGO_TARGET_TMPDIR`,
//! so the kit and its dependencies compile once for all of them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The real course root (the kit and schema the fixture depends on).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("grader/ has a parent")
        .to_path_buf()
}

/// Fixtures share one work directory (each fixture course gets its own
/// generated workspaces there, named after its root, and all share the build
/// directory of dependencies): tests that grade hold this lock, within this
/// process (a mutex) and across processes (`flock` on a file beside the
/// shared target), so gradings do not queue on cargo's build lock with their
/// timeouts running.
pub fn serial() -> Serial {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let target = shared_target();
    std::fs::create_dir_all(&target).unwrap();
    let file = std::fs::File::create(target.join(".fixture-lock")).unwrap();
    // SAFETY: flock on a descriptor we own; released when the file closes.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&file), libc::LOCK_EX) };
    assert_eq!(locked, 0, "cannot lock the fixture target");
    Serial {
        _file: file,
        _guard: guard,
    }
}

/// Held while a test grades a fixture (see [`serial`]).
pub struct Serial {
    _file: std::fs::File,
    _guard: std::sync::MutexGuard<'static, ()>,
}

/// The cargo target directory every fixture grading shares.
pub fn shared_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-course-target")
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `grader --quiet --seed SEED verify VERIFY_ARGS --format json` on the
    /// fixture: its exit code and its rows.
    pub fn verify_rows(
        &self,
        seed: u64,
        verify_args: &[&str],
    ) -> (Option<i32>, Vec<serde_json::Value>) {
        let seed = seed.to_string();
        let output = self
            .grader()
            .args(["--quiet", "--seed", &seed, "verify"])
            .args(verify_args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "verify writes JSON ({e}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let rows = rows
            .as_array()
            .expect("verify prints an array of rows")
            .clone();
        (output.status.code(), rows)
    }

    /// `grader --course <fixture> ARGS`, with a quiet, CI-free environment.
    pub fn grader(&self) -> Command {
        let mut cmd = Command::cargo_bin("grader").expect("the grader binary is built");
        cmd.arg("--course")
            .arg(self.root())
            .env("CARGO_TARGET_DIR", shared_target())
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_OUTPUT")
            .env_remove("THREADLINGS_STATE_DIR");
        cmd
    }

    pub fn write(&self, relative: &str, text: &str) {
        write(&self.root().join(relative), text);
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root().join(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Makes the working copy's exercise the reference solution.
    pub fn solve(&self) {
        self.write("exercises/01-echo/src/lib.rs", SOLUTION);
    }

    /// Half right: `double` passes, `total` is off by one.
    pub fn solve_partly(&self) {
        self.write("exercises/01-echo/src/lib.rs", PARTLY);
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Builds the fixture course in a fresh temporary directory.
pub fn course() -> Fixture {
    let dir = tempfile::Builder::new()
        .prefix("threadlings-fixture-")
        .tempdir()
        .unwrap();
    let fixture = Fixture { dir };
    let repo = repo_root();
    fixture.write(
        "Cargo.toml",
        &format!(
            r#"[workspace]
resolver = "3"
members = ["exercises/*", "grader/checks/*"]

[workspace.package]
version = "0.1.0"
edition = "2024"
publish = false

[workspace.dependencies]
threadlings-schema = {{ path = "{schema}" }}
threadlings-kit = {{ path = "{kit}" }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

[profile.grade]
inherits = "dev"
opt-level = 1
debug = false
incremental = true
"#,
            schema = repo.join("grader/schema").display(),
            kit = repo.join("grader/kit").display(),
        ),
    );
    std::fs::copy(repo.join("Cargo.lock"), fixture.root().join("Cargo.lock")).unwrap();
    fixture.write(
        "course.toml",
        "format_version = 1\ntitle = \"Fixture\"\n\n[defaults]\ntimeout_ms = 20000\npoints = 1\nverify_runs = 1\n",
    );
    fixture.write(
        "exercises/01-echo/Cargo.toml",
        "[package]\nname = \"echo\"\nversion.workspace = true\nedition.workspace = true\npublish.workspace = true\n\n[dependencies]\n",
    );
    fixture.write("exercises/01-echo/README.md", "# Echo\n\nDouble and add.\n");
    fixture.write("exercises/01-echo/src/lib.rs", STUB);
    fixture.write("solutions/01-echo/src/lib.rs", SOLUTION);
    fixture.write(
        "solutions/01-echo/wrong/add-one/wrong.toml",
        "description = \"doubles by adding one\"\ncaught_by = [\"doubles\"]\n",
    );
    fixture.write(
        "solutions/01-echo/wrong/add-one/src/lib.rs",
        &SOLUTION.replace("x * 2", "x + 1"),
    );
    fixture.write(
        "grader/checks/01-echo/Cargo.toml",
        "[package]\nname = \"check-echo\"\nversion.workspace = true\nedition.workspace = true\npublish.workspace = true\n\n[dependencies]\necho = { path = \"../../../exercises/01-echo\" }\nthreadlings-kit.workspace = true\n",
    );
    fixture.write("grader/checks/01-echo/checks.toml", CHECKS_TOML);
    fixture.write("grader/checks/01-echo/src/main.rs", CHECKS_MAIN);
    fixture.write("grader/checks/01-echo/src/private.rs", CHECKS_PRIVATE);
    fixture.write("docs/student-guide.md", "# Student guide\n");
    fixture.write("docs/instructor-guide.md", "# Instructor guide\n");
    fixture
}

pub const STUB: &str = "//! Exercise 01: echo.\n#![allow(unused)]\n\n/// Returns `x` doubled.\npub fn double(x: u64) -> u64 {\n    todo!()\n}\n\n/// Returns the sum of `values`.\npub fn total(values: &[u64]) -> u64 {\n    todo!()\n}\n";

pub const SOLUTION: &str = "//! Exercise 01: echo.\n\n/// Returns `x` doubled.\npub fn double(x: u64) -> u64 {\n    x * 2\n}\n\n/// Returns the sum of `values`.\npub fn total(values: &[u64]) -> u64 {\n    values.iter().sum()\n}\n";

pub const PARTLY: &str = "//! Exercise 01: echo.\n\n/// Returns `x` doubled.\npub fn double(x: u64) -> u64 {\n    x * 2\n}\n\n/// Returns the sum of `values`.\npub fn total(values: &[u64]) -> u64 {\n    values.iter().sum::<u64>() + 1\n}\n";

pub const CHECKS_TOML: &str = r#"format_version = 1

[exercise]
title = "Echo: double and add"
topic = "echo"
hints = ["Multiply by two.", "values.iter().sum()"]

[[check]]
name = "doubles"
points = 2
description = "double(x) is 2x."

[[check]]
name = "totals"
description = "total adds every value."

[[check]]
name = "secret_large_totals"
points = 1
private = true
description = "total of many values."
"#;

pub const CHECKS_MAIN: &str = r#"//! Hidden checks of exercise 01-echo.

mod private;

use threadlings_kit::{CheckFn, CheckResult, Ctx, ensure_eq};

fn doubles(ctx: &mut Ctx) -> CheckResult {
    let x = ctx.seed() % 1000 + 1;
    ensure_eq!(echo::double(x), 2 * x, "double({x}) must be {}", 2 * x);
    Ok(())
}

fn totals(_ctx: &mut Ctx) -> CheckResult {
    ensure_eq!(echo::total(&[1, 2, 3]), 6, "total(&[1, 2, 3]) must be 6");
    Ok(())
}

const PUBLIC: &[(&str, CheckFn)] = &[("doubles", doubles), ("totals", totals)];

fn main() -> std::process::ExitCode {
    threadlings_kit::run_main(&[PUBLIC, private::CHECKS].concat())
}
"#;

pub const CHECKS_PRIVATE: &str = r#"//! Private checks of exercise 01-echo: never exported to students.

use threadlings_kit::{CheckFn, CheckResult, Ctx, ensure_eq};

pub const CHECKS: &[(&str, CheckFn)] = &[("secret_large_totals", secret_large_totals)];

fn secret_large_totals(_ctx: &mut Ctx) -> CheckResult {
    let values: Vec<u64> = (1..=1000).collect();
    ensure_eq!(echo::total(&values), 500_500, "SECRET-MARKER total of 1..=1000");
    Ok(())
}
"#;

/// The fixture course with the real course's shared crates (grader, kit,
/// schema, ...) and its workspace manifest: a complete course repository, as
/// `grader export` needs.
pub fn course_with_grader() -> Fixture {
    let fixture = course();
    let repo = repo_root();
    std::fs::copy(repo.join("Cargo.toml"), fixture.root().join("Cargo.toml")).unwrap();
    for dir in threadlings_grader::export::shared_crates(&repo).unwrap() {
        copy_dir(&repo.join(&dir), &fixture.root().join(&dir), &|p: &Path| {
            let name = p.file_name().unwrap_or_default();
            name != "target" && !p.ends_with("grader/tests") && !p.ends_with("grader/checks")
        });
    }
    fixture.write("README.md", "# Fixture course\n");
    fixture
}

fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        let target = to.join(entry.file_name());
        let file_type = entry.file_type().unwrap();
        if file_type.is_dir() {
            copy_dir(&path, &target, keep);
        } else if file_type.is_file() {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
