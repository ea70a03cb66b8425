//! The grader's one reader of `/proc` (Linux): process ids, a process's
//! parent, threads, owner and resident memory. Used by the sandbox (tasks of
//! a leased user), `batch` (children of a worker) and the compiler wrapper
//! (memory of a compile), and the path by which `batch` starts the grader
//! again ([`own_executable`]). The supervisor keeps its own raw-syscall reader:
//! it runs between `fork` and `execve` and may not allocate.

use std::fs;
use std::os::unix::fs::MetadataExt as _;

/// A path to the running grader's own executable that stays valid while
/// this process lives, for the processes it starts that run the grader again
/// (`batch` runs one per submission).
///
/// `current_exe()` is a name in the file system, and cargo replaces that
/// name: a `cargo build` or `cargo run` of the grader during a long batch
/// unlinks `target/debug/grader` and links another binary there, and the
/// name then reads "grader (deleted)". `/proc/PID/exe` is the kernel's link
/// to the file this process runs, renamed or deleted or not. (The compiler
/// wrapper needs a path that also stays the same from run to run:
/// `build::wrapper_binary`.) Elsewhere, `current_exe()`.
pub fn own_executable() -> std::io::Result<std::path::PathBuf> {
    let link = std::path::PathBuf::from(format!("/proc/{}/exe", std::process::id()));
    if fs::metadata(&link).is_ok() {
        Ok(link)
    } else {
        std::env::current_exe()
    }
}

/// Every process id in `/proc` right now.
pub fn pids() -> impl Iterator<Item = u32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
}

/// Field `n` of `/proc/PID/stat`, counted as proc(5) does (1 is the pid).
/// The command name (field 2) may hold spaces and parentheses: fields are
/// counted from after its last `)`.
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace()
        .nth(n.checked_sub(3)?)
        .map(str::to_string)
}

/// The parent of a process.
pub fn parent_of(pid: u32) -> Option<u32> {
    stat_field(pid, 4)?.parse().ok()
}

/// The threads of a process.
pub fn threads_of(pid: u32) -> Option<usize> {
    stat_field(pid, 20)?.parse().ok()
}

/// The user id owning a process (the owner of `/proc/PID`).
pub fn owner_of(pid: u32) -> Option<u32> {
    fs::metadata(format!("/proc/{pid}")).ok().map(|m| m.uid())
}

/// Resident memory of a process in KiB (`VmRSS` of `/proc/PID/status`).
pub fn resident_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_seen_whole() {
        let me = std::process::id();
        assert!(pids().any(|pid| pid == me));
        assert_eq!(parent_of(me), Some(std::os::unix::process::parent_id()));
        assert!(threads_of(me).is_some_and(|n| n >= 1));
        assert_eq!(owner_of(me), Some(rustix::process::geteuid().as_raw()));
        assert!(resident_kb(me).is_some_and(|kb| kb > 0));
    }
}
