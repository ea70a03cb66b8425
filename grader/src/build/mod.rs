//! Build stage: compile every check program of a subject in one cargo call.
//!
//! `--keep-going` lets one exercise fail to compile without stopping the others;
//! `--message-format=json` tells us which package each error belongs to and
//! where each check program landed. A compile error costs only its exercise.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::Message;

pub mod confine;
pub mod slot;

use crate::course::{ExercisePlan, Variant};
use crate::error::{Error, Result};
use crate::subject::BuildWorkspace;

/// The cargo profile check programs are built with (see the course Cargo.toml).
pub const PROFILE: &str = "grade";

/// What the build produced for one exercise.
#[derive(Debug, Clone)]
pub enum ExerciseBuild {
    /// The check program, ready to run.
    Ready { check_program: PathBuf },
    /// The exercise (or its checks against it) did not compile. `bound`:
    /// a compiler run was stopped at a bound ([`confine`]), with its message.
    Failed {
        errors: String,
        in_checks: bool,
        bound: Option<String>,
    },
    /// The subject has no sources for this exercise.
    Missing,
}

/// Progress while building, for the terminal.
#[derive(Debug, Clone)]
pub enum BuildEvent {
    Compiling(String),
}

/// Builds the check programs of `exercises` in `ws`, as `variant` (`None`:
/// the plain build). Intermediate artifacts go to a build directory shared by
/// all subjects (one per variant, since cfgs change every crate, and one per
/// build [`slot`], so parallel builds need not queue on one lock), so
/// dependencies compile once; final ones to the subject's own target directory.
pub fn build(
    ws: &BuildWorkspace,
    exercises: &[&ExercisePlan],
    variant: Option<&Variant>,
    work_dir: &Path,
    build_slot: usize,
    on_event: &mut dyn FnMut(BuildEvent),
) -> Result<BTreeMap<String, ExerciseBuild>> {
    let mut results = BTreeMap::new();
    for exercise in exercises.iter().filter(|e| ws.missing.contains(&e.name)) {
        results.insert(exercise.name.clone(), ExerciseBuild::Missing);
    }
    let present: Vec<&&ExercisePlan> = exercises
        .iter()
        .filter(|e| !ws.missing.contains(&e.name))
        .collect();
    if present.is_empty() {
        return Ok(results);
    }

    let build_dir = slot::ensure(work_dir, variant.map(|v| v.name.as_str()), build_slot)?;
    let target_dir = match variant {
        None => ws.target_dir.clone(),
        Some(v) => ws.target_dir.with_file_name(format!(
            "{}-{}",
            ws.target_dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            v.name
        )),
    };
    // A build competes for the CPU like a check: no timing check of another
    // grader runs meanwhile.
    let _shared = crate::machine_lock::MachineLock::for_machine().shared();
    let members: Vec<&ExercisePlan> = present.iter().map(|e| **e).collect();
    let mut command = cargo_command(ws, "build", &members, &build_dir, &target_dir)?;
    command.args(["--keep-going", "--profile", PROFILE]);
    // The exercise package too, not only as a dependency: its helper binaries
    // (child programs the checks start) must land beside the check program.
    for exercise in &present {
        command.args(["-p", &exercise.check_package, "-p", &exercise.package]);
    }
    if let Some(variant) = variant {
        let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        for cfg in &variant.cfg {
            flags.push_str(&format!(" --cfg {cfg}"));
        }
        command.env_remove("CARGO_ENCODED_RUSTFLAGS");
        command.env("RUSTFLAGS", flags.trim());
    }
    let mut child = command
        .args(["--message-format", "json"])
        .env("CARGO_TERM_PROGRESS_WHEN", "never")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Error::io("run cargo build (is cargo installed?)"))?;

    let stderr = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::Builder::new()
        .name("cargo-stderr".to_string())
        .spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                lines.push(line);
            }
            lines
        })
        .map_err(Error::io("start a thread"))?;

    let mut errors: BTreeMap<(String, bool), Vec<String>> = BTreeMap::new();
    let mut bounds: BTreeMap<String, String> = BTreeMap::new();
    let mut programs: BTreeMap<String, PathBuf> = BTreeMap::new();
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for message in Message::parse_stream(stdout) {
        let Ok(message) = message else { continue };
        match message {
            Message::CompilerMessage(msg) => {
                if msg.message.level != cargo_metadata::diagnostic::DiagnosticLevel::Error {
                    continue;
                }
                let Some(owner) = owner_of(ws, &present, msg.target.src_path.as_std_path()) else {
                    continue;
                };
                if msg
                    .message
                    .code
                    .as_ref()
                    .is_some_and(|code| code.code == confine::BOUND_CODE)
                {
                    bounds
                        .entry(owner.0.clone())
                        .or_insert_with(|| msg.message.message.clone());
                }
                let text = msg
                    .message
                    .rendered
                    .clone()
                    .unwrap_or_else(|| msg.message.message.clone());
                errors
                    .entry(owner)
                    .or_default()
                    .push(ws.display_paths(&text));
            }
            Message::CompilerArtifact(artifact) => {
                on_event(BuildEvent::Compiling(artifact.target.name.clone()));
                if let Some(executable) = artifact.executable
                    && let Some(exercise) = present
                        .iter()
                        .find(|e| e.check_package == artifact.target.name)
                {
                    programs.insert(exercise.name.clone(), executable.into_std_path_buf());
                }
            }
            _ => {}
        }
    }
    let _ = child.wait();
    let stderr_lines = stderr_reader.join().unwrap_or_default();

    for exercise in &present {
        let build = if let Some(program) = programs.remove(&exercise.name) {
            ExerciseBuild::Ready {
                check_program: program,
            }
        } else if let Some(errs) = errors.remove(&(exercise.name.clone(), false)) {
            ExerciseBuild::Failed {
                errors: errs.join("\n"),
                in_checks: false,
                bound: bounds.remove(&exercise.name),
            }
        } else if let Some(errs) = errors.remove(&(exercise.name.clone(), true)) {
            ExerciseBuild::Failed {
                errors: errs.join("\n"),
                in_checks: true,
                bound: bounds.remove(&exercise.name),
            }
        } else {
            // Nothing compiled and no compiler message: cargo itself failed
            // (bad manifest, missing dependency, no network for a new crate).
            return Err(Error::Cargo(tail(&stderr_lines, 40)));
        };
        results.insert(exercise.name.clone(), build);
    }
    Ok(results)
}

/// A cargo command (`build`, `test`) on the generated workspace `ws`, with
/// the grader as its compiler wrapper (see [`confine`]): every compiler run
/// of the exercises' crates is bounded and confined. The one place builds of
/// student code are started.
pub fn cargo_command(
    ws: &BuildWorkspace,
    subcommand: &str,
    exercises: &[&ExercisePlan],
    build_dir: &Path,
    target_dir: &Path,
) -> Result<Command> {
    let spec = confine::Spec {
        exercises: exercises
            .iter()
            .map(|e| confine::ExerciseBounds {
                name: e.name.clone(),
                sources: ws.exercise_dir(&e.name),
                checks: ws.checks_dir(&e.name),
                allow_unsafe: e.allow_unsafe,
                cpu_ms: e.compile.cpu_ms,
                memory_mb: e.compile.memory_mb,
            })
            .collect(),
        write: vec![build_dir.to_path_buf(), target_dir.to_path_buf()],
        tmp: build_dir.join("tmp"),
        toolchain: confine::toolchain_dirs(),
        crates: ws.crates.clone(),
    };
    std::fs::create_dir_all(build_dir)
        .and_then(|()| std::fs::create_dir_all(target_dir))
        .map_err(Error::io(format!("create {}", build_dir.display())))?;
    let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
    let spec_path = ws.root.join(format!(
        "confine-{}-{:016x}.json",
        build_dir.file_name().unwrap_or_default().to_string_lossy(),
        crate::fnv::fnv1a64(names.join(",").as_bytes())
    ));
    let bytes = serde_json::to_vec_pretty(&spec).expect("the spec serializes");
    crate::subject::write_if_changed(&spec_path, &bytes)?;
    // The work directory, beside the build directories of every variant.
    let wrapper = wrapper_binary(build_dir.parent().unwrap_or(build_dir))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(ws.manifest())
        .arg("--target-dir")
        .arg(target_dir)
        .env("CARGO_BUILD_BUILD_DIR", build_dir)
        .env(
            format!("CARGO_PROFILE_{}_INCREMENTAL", PROFILE.to_uppercase()),
            if ws.incremental { "true" } else { "false" },
        )
        .env("RUSTC_WORKSPACE_WRAPPER", wrapper)
        .env(confine::SPEC_ENV, spec_path);
    Ok(command)
}

/// The compiler wrapper cargo is given: this very grader's binary, at a
/// fixed place in the work directory (`dir`), hard-linked when possible and
/// copied otherwise.
///
/// Why not `current_exe()`: cargo replaces `target/debug/grader` whenever the
/// grader is built again (another terminal, a `watch` left open across a
/// `git pull`, this suite's image-setup test), and a build that then starts
/// the wrapper by that name fails ("could not execute process `… (deleted)
/// rustc -vV`", the CI runs of 13a5f33 and fef0a22). Why not `/proc/PID/exe`,
/// which survives that: cargo puts the wrapper's path in every workspace
/// member's fingerprint (measured: a path that changes every run recompiled
/// 01 every time, 1.1 s → 2.2 s). Why not a script that `exec`s it: `sh`
/// drops environment variables whose names are not shell names, and cargo
/// hands a crate's tests `CARGO_BIN_EXE_gil-lab` (11's public tests stopped
/// compiling in a CI rehearsal). A link to the running binary's inode keeps
/// working when the name it was started by is replaced; a path that stays the
/// same keeps the fingerprints. When the binary has no name left to link
/// (deleted) or lives on another file system, it is copied from
/// `/proc/self/exe`, which reads the running file in either case.
fn wrapper_binary(dir: &Path) -> Result<PathBuf> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    // One thread at a time in this process (`verify`, `mutants` and `batch`
    // start builds from several threads); other processes are kept apart by
    // the temporary file's name and the atomic rename.
    static PLACING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _placing = PLACING.lock().unwrap_or_else(|poison| poison.into_inner());
    let io = |what: &str| Error::io(format!("{what} the compiler wrapper in {}", dir.display()));
    let running_path = Path::new("/proc/self/exe");
    let running = std::fs::metadata(running_path)
        .or_else(|_| std::fs::metadata(std::env::current_exe()?))
        .map_err(io("find the grader's binary for"))?;
    let path = dir.join("grader-wrapper");
    let same = |m: &std::fs::Metadata| m.dev() == running.dev() && m.ino() == running.ino();
    if std::fs::metadata(&path).is_ok_and(|m| same(&m)) {
        return Ok(path);
    }
    // A copy is known by the binary it came from.
    let source = format!(
        "{}:{}:{}:{}.{:09}",
        running.dev(),
        running.ino(),
        running.len(),
        running.mtime(),
        running.mtime_nsec()
    );
    let source_path = dir.join("grader-wrapper.source");
    if path.exists() && std::fs::read_to_string(&source_path).is_ok_and(|s| s == source) {
        return Ok(path);
    }
    std::fs::create_dir_all(dir).map_err(io("create a directory for"))?;
    let temp = dir.join(format!(
        ".grader-wrapper.{}.{:x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let _ = std::fs::remove_file(&temp);
    let linked = std::env::current_exe()
        .ok()
        .filter(|exe| std::fs::metadata(exe).is_ok_and(|m| same(&m)))
        .is_some_and(|exe| std::fs::hard_link(exe, &temp).is_ok());
    if linked {
        let _ = std::fs::remove_file(&source_path);
    } else {
        let from = if running_path.exists() {
            running_path.to_path_buf()
        } else {
            std::env::current_exe().map_err(io("find the grader's binary for"))?
        };
        std::fs::copy(&from, &temp).map_err(io("copy"))?;
        std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o755))
            .map_err(io("make executable"))?;
        crate::subject::write_if_changed(&source_path, source.as_bytes())?;
    }
    std::fs::rename(&temp, &path).map_err(io("put in place"))?;
    Ok(path)
}

/// Which exercise a source file belongs to, and whether it is in the checks.
fn owner_of(
    ws: &BuildWorkspace,
    exercises: &[&&ExercisePlan],
    src: &Path,
) -> Option<(String, bool)> {
    exercises.iter().find_map(|e| {
        if src.starts_with(ws.exercise_dir(&e.name)) {
            Some((e.name.clone(), false))
        } else if src.starts_with(ws.checks_dir(&e.name)) {
            Some((e.name.clone(), true))
        } else {
            None
        }
    })
}

fn tail(lines: &[String], count: usize) -> String {
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds start from several threads at once (`verify`, `mutants`,
    /// `batch`): each must get the wrapper, in place and runnable (the first
    /// `mutants --grade` after a new grader failed here with "No such file
    /// or directory" when two threads shared one temporary name).
    #[test]
    fn the_wrapper_is_put_in_place_once_for_threads_building_at_once() {
        use std::os::unix::fs::MetadataExt as _;
        let exe = std::env::current_exe().unwrap();
        // Fresh directories, eight threads let go at once into each.
        for _ in 0..20 {
            let dir = tempfile::tempdir_in(exe.parent().unwrap()).unwrap();
            let start = std::sync::Barrier::new(8);
            let placed: Vec<Result<PathBuf>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            wrapper_binary(dir.path())
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for result in placed {
                assert!(result.is_ok(), "{result:?}");
            }
        }
        let dir = tempfile::tempdir_in(exe.parent().unwrap()).unwrap();
        let path = wrapper_binary(dir.path()).unwrap();
        let running = std::fs::metadata("/proc/self/exe").unwrap();
        assert_eq!(path, dir.path().join("grader-wrapper"));
        let placed = std::fs::metadata(&path).unwrap();
        assert!(
            placed.ino() == running.ino() || placed.len() == running.len(),
            "the wrapper is this binary, linked or copied"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".grader-wrapper."))
            .collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");
    }

    fn workspace(root: &Path, incremental: bool) -> BuildWorkspace {
        BuildWorkspace {
            root: root.to_path_buf(),
            crates: root.join("s"),
            target_dir: root.join("out"),
            missing: Vec::new(),
            source_display: "exercises".to_string(),
            slug: "s".to_string(),
            incremental,
        }
    }

    fn profile_incremental(command: &Command) -> Option<String> {
        command.get_envs().find_map(|(key, value)| {
            (key == "CARGO_PROFILE_GRADE_INCREMENTAL")
                .then(|| value.unwrap().to_string_lossy().into_owned())
        })
    }

    /// Only the student's working copy compiles incrementally: a subject
    /// built once (solutions, wrong answers, submissions) would pay ~15% more
    /// compile time and leave its caches on the disk for nothing.
    #[test]
    fn only_the_everyday_subject_compiles_incrementally() {
        let dir = tempfile::tempdir().unwrap();
        for incremental in [true, false] {
            let ws = workspace(dir.path(), incremental);
            let command =
                cargo_command(&ws, "build", &[], &dir.path().join("b"), &ws.target_dir).unwrap();
            assert_eq!(
                profile_incremental(&command).as_deref(),
                Some(if incremental { "true" } else { "false" })
            );
        }
    }
}
