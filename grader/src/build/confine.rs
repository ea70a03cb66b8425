//! The compiler runs that see student code, confined and bounded.
//!
//! Compiling is running code: a `const` is evaluated by the compiler, a macro
//! expands, `include_str!` reads any file the compiler can. The grader
//! therefore builds every generated workspace with itself as
//! `RUSTC_WORKSPACE_WRAPPER`: cargo then starts `grader <rustc> <args>` for
//! each workspace member (the student's crate, its check crate and public
//! tests: the check crate compiles student generics, so student `const`s run
//! there too), and [`wrapper_main`] runs the real compiler:
//!
//! - **bounded**: a CPU-time limit (`RLIMIT_CPU`, so a loaded machine does
//!   not turn a slow compile into a failure), a wall-clock backstop, a
//!   resident-memory limit (polled) and a file-size limit, per compiler run,
//!   from the exercise's metadata (`compile_timeout_ms`, `compile_memory_mb`);
//! - **confined** (Landlock, `crate::landlock`): it reads the system, the
//!   toolchain and, for the student's crate, that crate's own sources only
//!   (not the course copy, not the hidden checks, not other exercises); it
//!   writes only the build and target directories;
//! - **scrubbed**: the compiler's environment keeps what rustc and cargo
//!   need (`CARGO_*`, `RUSTC*`, `PATH`, locale, jobserver), not the grading
//!   machine's secrets, so `env!` cannot embed them;
//! - **no `unsafe`**: the student's crate is compiled with `-F unsafe_code`
//!   unless the exercise declares it needs `unsafe`; `forbid` cannot be
//!   lifted by an `allow` in the source, and the lint also covers
//!   `#[no_mangle]`, `#[export_name]` and `#[link_section]` (interposition,
//!   constructors).
//!
//! A run that hits a bound is killed and reported as a compiler error in
//! rustc's own JSON diagnostic format, with a code of its own
//! ([`BOUND_CODE`]), so cargo (`--keep-going`) charges exactly that exercise
//! and the build stage can flag it.

use std::ffi::OsString;
use std::io::Write as _;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::landlock;

/// Names the spec file of the build; set only on the cargo the grader starts.
pub const SPEC_ENV: &str = "THREADLINGS_CONFINE_SPEC";

/// The diagnostic code of a compiler run stopped at a bound.
pub const BOUND_CODE: &str = "threadlings::compile_bound";

/// The largest file one compiler run may write (objects, rlibs, binaries).
const FILE_LIMIT_BYTES: u64 = 2 << 30;

/// How often the wrapper looks at the compiler's memory and clock.
const POLL: Duration = Duration::from_millis(20);

/// What the wrapper needs to know about one build, written by the grader.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Spec {
    pub exercises: Vec<ExerciseBounds>,
    /// Directories the compiler writes: the build directory, the target
    /// directory and the temporary directory below the build directory.
    pub write: Vec<PathBuf>,
    /// Where the compiler puts temporary files (the linker's among them).
    pub tmp: PathBuf,
    /// The toolchain the compiler reads (sysroot, rustup's home).
    pub toolchain: Vec<PathBuf>,
    /// The generated crates, readable by check crates and public tests.
    pub crates: PathBuf,
}

/// The bounds of one exercise's compiler runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExerciseBounds {
    pub name: String,
    /// The student's crate in the generated workspace.
    pub sources: PathBuf,
    /// The exercise's check crate in the generated workspace.
    pub checks: PathBuf,
    pub allow_unsafe: bool,
    pub cpu_ms: u64,
    pub memory_mb: u64,
}

/// Whose code a compiler run compiles.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// The student's crate (`src/`, its library and binaries).
    Student,
    /// Course code compiled against the student's: check crate, public tests.
    Course,
}

/// Runs as the wrapper when cargo started this binary as one; `None` when
/// this is an ordinary grader run.
pub fn wrapper_main() -> Option<ExitCode> {
    let spec_path = std::env::var_os(SPEC_ENV)?;
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next()?;
    let args: Vec<OsString> = args.collect();
    let spec: Option<Spec> = std::fs::read(&spec_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    Some(match spec {
        Some(spec) => run(&spec, &rustc, &args),
        None => {
            eprintln!(
                "error: the grader's compiler wrapper cannot read its spec {}",
                Path::new(&spec_path).display()
            );
            ExitCode::FAILURE
        }
    })
}

fn run(spec: &Spec, rustc: &OsString, args: &[OsString]) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let target = source_file(args).map(|src| cwd.join(src));
    let found = target.as_deref().and_then(|src| {
        spec.exercises.iter().find_map(|e| {
            if src.starts_with(e.sources.join("src")) {
                Some((e, Role::Student))
            } else if src.starts_with(&e.sources) || src.starts_with(&e.checks) {
                Some((e, Role::Course))
            } else {
                None
            }
        })
    });
    let Some((exercise, role)) = found else {
        // Not a member's compilation (cargo asking rustc about the target):
        // nothing of the student's runs.
        return passthrough(rustc, args);
    };

    let mut command = Command::new(rustc);
    command.args(args);
    if role == Role::Student && !exercise.allow_unsafe {
        command.args(["-F", "unsafe_code"]);
    }
    command.env_clear().envs(kept_environment());
    let _ = std::fs::create_dir_all(&spec.tmp);
    command.env("TMPDIR", &spec.tmp);
    command.process_group(0);

    let ruleset = landlock::abi().and_then(|abi| {
        let mut policy = landlock::Policy::system_and(
            &spec.write.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        );
        policy.read.extend(spec.toolchain.iter().cloned());
        policy.read.push(match role {
            Role::Student => exercise.sources.clone(),
            Role::Course => spec.crates.clone(),
        });
        // The compiler and the linker run from here too.
        if let Ok(program) = which(rustc) {
            policy.read.extend(program.parent().map(Path::to_path_buf));
        }
        landlock::ruleset(abi, &policy).ok()
    });
    let cpu_seconds = exercise.cpu_ms.div_ceil(1000).max(1);
    let ruleset_fd = ruleset.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
    // SAFETY: only async-signal-safe system calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let cpu = libc::rlimit {
                rlim_cur: cpu_seconds,
                rlim_max: cpu_seconds + 2,
            };
            let file = libc::rlimit {
                rlim_cur: FILE_LIMIT_BYTES,
                rlim_max: FILE_LIMIT_BYTES,
            };
            if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                || libc::setrlimit(libc::RLIMIT_FSIZE, &file) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(fd) = ruleset_fd
                && (libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                    || !landlock::restrict_self(fd))
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("error: cannot start the compiler: {error}");
            return ExitCode::FAILURE;
        }
    };
    drop(ruleset);

    let started = Instant::now();
    // A compile that waits instead of computing (it cannot on ordinary code)
    // still ends: at twice its CPU allowance in wall-clock time, plus slack
    // for a machine busy with other builds.
    let wall_limit =
        Duration::from_millis(exercise.cpu_ms.saturating_mul(2)) + Duration::from_secs(30);
    let memory_limit_kb = exercise.memory_mb.saturating_mul(1024);
    let pid = child.id();
    let bound = loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let by_cpu = matches!(status.signal(), Some(libc::SIGXCPU | libc::SIGKILL));
                if by_cpu {
                    break Some(Bound::Time(exercise.cpu_ms));
                }
                if status.signal() == Some(libc::SIGXFSZ) {
                    break Some(Bound::File);
                }
                return ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8));
            }
            Ok(None) => {}
            Err(_) => break None,
        }
        if crate::procfs::resident_kb(pid).is_some_and(|kb| kb > memory_limit_kb) {
            break Some(Bound::Memory(exercise.memory_mb));
        }
        if started.elapsed() > wall_limit {
            break Some(Bound::Time(exercise.cpu_ms));
        }
        std::thread::sleep(POLL);
    };
    // SAFETY: plain syscall on the process group we created.
    unsafe {
        libc::killpg(pid as libc::pid_t, libc::SIGKILL);
    }
    let _ = child.wait();
    let message = match bound {
        Some(bound) => bound.message(&exercise.name),
        None => "the compiler's process could not be watched".to_string(),
    };
    report(args, &message);
    ExitCode::FAILURE
}

/// Why a compiler run was stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Time(u64),
    Memory(u64),
    File,
}

impl Bound {
    fn message(self, exercise: &str) -> String {
        match self {
            Bound::Time(ms) => format!(
                "compilation did not finish within {} s of CPU time (the limit of {exercise}; \
                 is a `const` or a macro expansion looping?)",
                ms.div_ceil(1000)
            ),
            Bound::Memory(mb) => format!(
                "ran out of memory while compiling: more than {mb} MiB (the limit of {exercise}; \
                 is a `const` building something huge?)"
            ),
            Bound::File => format!(
                "compilation wrote a file larger than {} MiB (the limit of every compile)",
                FILE_LIMIT_BYTES >> 20
            ),
        }
    }
}

/// Tells cargo about the stopped run the way rustc would: a JSON diagnostic
/// when cargo reads JSON, a plain error line otherwise.
fn report(args: &[OsString], message: &str) {
    let json = args.iter().any(|a| {
        a.to_str()
            .is_some_and(|a| a.starts_with("--error-format=json"))
    });
    let mut stderr = std::io::stderr().lock();
    if json {
        let line = serde_json::json!({
            "$message_type": "diagnostic",
            "message": message,
            "code": { "code": BOUND_CODE, "explanation": null },
            "level": "error",
            "spans": [],
            "children": [],
            "rendered": format!("error: {message}\n"),
        });
        let _ = writeln!(stderr, "{line}");
    } else {
        let _ = writeln!(stderr, "error: {message}");
    }
}

fn passthrough(rustc: &OsString, args: &[OsString]) -> ExitCode {
    let error = Command::new(rustc).args(args).exec();
    eprintln!("error: cannot start the compiler: {error}");
    ExitCode::FAILURE
}

/// The crate root rustc is asked to compile: its one `.rs` operand.
fn source_file(args: &[OsString]) -> Option<PathBuf> {
    args.iter()
        .filter_map(|a| a.to_str())
        .find(|a| !a.starts_with('-') && a.ends_with(".rs"))
        .map(PathBuf::from)
}

/// The environment the compiler keeps: what rustc, cargo's build protocol,
/// rustup, the linker and the jobserver need. Tokens are dropped even under
/// cargo's prefix.
fn kept_environment() -> impl Iterator<Item = (OsString, OsString)> {
    std::env::vars_os().filter(|(key, _)| {
        let Some(key) = key.to_str() else {
            return false;
        };
        let exact = [
            "PATH",
            "HOME",
            "LANG",
            "TZ",
            "TERM",
            "OUT_DIR",
            "LD_LIBRARY_PATH",
            "MAKEFLAGS",
            "MFLAGS",
            "SOURCE_DATE_EPOCH",
        ];
        let prefixes = ["CARGO", "RUSTC", "RUSTUP_", "RUSTDOC", "__CARGO", "LC_"];
        let secret = key.contains("TOKEN") || key.contains("SECRET") || key.contains("PASSWORD");
        !secret
            && key != SPEC_ENV
            && (exact.contains(&key) || prefixes.iter().any(|p| key.starts_with(p)))
    })
}

/// The program `name` as the compiler's `PATH` lookup would find it.
fn which(name: &OsString) -> std::io::Result<PathBuf> {
    let path = Path::new(name);
    if path.components().count() > 1 {
        return path.canonicalize();
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        .and_then(|p| p.canonicalize())
}

/// The toolchain directories a confined compiler must read: its sysroot
/// (the compiler's own libraries and the standard library), and rustup's
/// home when the compiler is reached through a rustup proxy. Asked of rustc
/// once per grader process.
pub fn toolchain_dirs() -> Vec<PathBuf> {
    static DIRS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    DIRS.get_or_init(find_toolchain_dirs).clone()
}

fn find_toolchain_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    if let Ok(out) = Command::new(&rustc).args(["--print", "sysroot"]).output()
        && out.status.success()
    {
        let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
        dirs.push(PathBuf::from(sysroot));
    }
    if let Some(home) = std::env::var_os("RUSTUP_HOME") {
        dirs.push(PathBuf::from(home));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".rustup"));
    }
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(Path::new(&home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_operand_is_found_among_flags() {
        let args: Vec<OsString> = [
            "--crate-name",
            "threads",
            "--edition=2024",
            "x/exercises/01-threads/src/lib.rs",
            "--error-format=json",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(
            source_file(&args),
            Some(PathBuf::from("x/exercises/01-threads/src/lib.rs"))
        );
    }

    #[test]
    fn secrets_are_not_passed_to_the_compiler() {
        // SAFETY: this test's own variables; no other test reads them.
        unsafe {
            std::env::set_var("CARGO_REGISTRY_TOKEN", "t");
            std::env::set_var("GITHUB_SECRET_THING", "s");
            std::env::set_var("CARGO_PKG_NAME", "threads");
        }
        let kept: Vec<String> = kept_environment()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert!(kept.contains(&"CARGO_PKG_NAME".to_string()));
        assert!(
            !kept
                .iter()
                .any(|k| k.contains("TOKEN") || k.contains("SECRET"))
        );
    }
}
