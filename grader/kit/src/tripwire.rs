//! A tripwire on the check process's secrets: student code that opens this
//! process's memory (`/proc/self/mem`, `/proc/PID/mem`) or its result channel
//! and nonce pipe again (`/proc/self/fd/3`, `/dev/fd/4`, ...) is noted, and
//! the harness tells the grader, which fails the check and flags the
//! submission (docs/sandbox.md, "Integrity flags").
//!
//! The sandbox already refuses those opens (the process is not dumpable,
//! Landlock refuses reopening the channel): this only makes the attempt
//! visible. It works by defining the C library's `open` family in the check
//! program itself: the program's own definitions win over the shared C
//! library's, so every open std makes (safe Rust has no other way to open a
//! file) passes here first, then goes to the kernel unchanged. Code with
//! `unsafe` can make the system call itself; exercises that allow `unsafe`
//! are flagged for review instead.

use std::ffi::{CStr, OsStr, c_char, c_int};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The secrets' paths opened so far in this process.
static OPENED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The forbidden paths student code has tried to open, taken once.
pub(crate) fn take() -> Vec<String> {
    std::mem::take(&mut *OPENED.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Whether `path` (as given to `open`, relative to `dir` when relative)
/// names a process's memory or one of the grader's descriptors. Only paths
/// ending in `mem`, `3` or `4` are resolved, so ordinary opens cost a
/// comparison.
fn forbidden(path: &Path, dir: Option<&Path>) -> bool {
    let Some(last) = path.file_name().and_then(OsStr::to_str) else {
        return false;
    };
    if !matches!(last, "mem" | "3" | "4") {
        return false;
    }
    let parent = path.parent().unwrap_or(Path::new(""));
    let parent = match dir {
        Some(dir) if parent.is_relative() => dir.join(parent),
        _ if parent.as_os_str().is_empty() => PathBuf::from("."),
        _ => parent.to_path_buf(),
    };
    let Ok(parent) = parent.canonicalize() else {
        return false;
    };
    let parts: Vec<&str> = parent.iter().filter_map(OsStr::to_str).collect();
    let is_pid = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        // /proc/PID/mem, /proc/PID/task/TID/mem
        ["/", "proc", pid] | ["/", "proc", pid, "task", _] if last == "mem" => is_pid(pid),
        // /proc/PID/fd/N, /proc/PID/task/TID/fd/N (also /dev/fd, /proc/self/fd)
        ["/", "proc", pid, "fd"] | ["/", "proc", pid, "task", _, "fd"] => {
            is_pid(pid) && matches!(last, "3" | "4")
        }
        _ => false,
    }
}

fn note(path: *const c_char, dir: Option<&Path>) {
    if path.is_null() {
        return;
    }
    // SAFETY: the C library's contract: a NUL-terminated path.
    let path = Path::new(OsStr::from_bytes(
        unsafe { CStr::from_ptr(path) }.to_bytes(),
    ));
    if forbidden(path, dir) {
        OPENED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path.display().to_string());
    }
}

fn dir_of(dirfd: c_int) -> Option<PathBuf> {
    if dirfd == libc::AT_FDCWD {
        return std::env::current_dir().ok();
    }
    std::fs::read_link(format!("/proc/self/fd/{dirfd}")).ok()
}

fn cwd_if_relative(path: *const c_char) -> Option<PathBuf> {
    // SAFETY: as in `note`.
    let relative = !path.is_null() && unsafe { *path } != b'/' as c_char;
    relative.then(|| std::env::current_dir().ok()).flatten()
}

/// # Safety
/// The C library's `open`: `path` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    note(path, cwd_if_relative(path).as_deref());
    // SAFETY: the same system call the C library makes.
    unsafe { libc::syscall(libc::SYS_openat, libc::AT_FDCWD, path, flags, mode) as c_int }
}

/// # Safety
/// As [`open64`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    // SAFETY: forwarded as is.
    unsafe { open64(path, flags, mode) }
}

/// # Safety
/// The C library's `openat`: `path` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat64(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: libc::mode_t,
) -> c_int {
    let relative = cwd_if_relative(path).is_some();
    note(path, if relative { dir_of(dirfd) } else { None }.as_deref());
    // SAFETY: the same system call the C library makes.
    unsafe { libc::syscall(libc::SYS_openat, dirfd, path, flags, mode) as c_int }
}

/// # Safety
/// As [`openat64`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openat(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: libc::mode_t,
) -> c_int {
    // SAFETY: forwarded as is.
    unsafe { openat64(dirfd, path, flags, mode) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secrets_are_recognised_however_they_are_named() {
        let me = std::process::id();
        for path in [
            "/proc/self/mem".to_string(),
            format!("/proc/{me}/mem"),
            "/proc/thread-self/mem".to_string(),
            "/proc/self/fd/3".to_string(),
            "/dev/fd/4".to_string(),
            "/proc/self/./fd/../fd/3".to_string(),
        ] {
            assert!(forbidden(Path::new(&path), None), "{path}");
        }
        assert!(forbidden(Path::new("mem"), Some(Path::new("/proc/self"))));
        assert!(forbidden(Path::new("fd/3"), Some(Path::new("/proc/self"))));
        for path in [
            "/proc/self/status",
            "/proc/self/fd/5",
            "/tmp/mem",
            "/proc/self/fd",
        ] {
            assert!(!forbidden(Path::new(path), None), "{path}");
        }
    }

    #[test]
    fn opening_through_std_passes_the_tripwire() {
        let _ = take();
        let _ = std::fs::File::open("/proc/self/mem");
        assert_eq!(take(), ["/proc/self/mem"]);
        let _ = std::fs::File::open("/proc/self/status").unwrap();
        assert!(take().is_empty());
    }
}
