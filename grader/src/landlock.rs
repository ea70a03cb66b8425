//! Landlock rulesets (linux/landlock.h): the one place the grader confines a
//! process's file access, used for check processes (`run::sandbox`) and for
//! the compiler runs that build student code (`build::confine`).
//!
//! A [`Policy`] is an allow-list: paths the process may read (and execute)
//! below, paths it may also write below, and single devices it may write.
//! Everything else on the file system is refused, reading included, so a
//! submission cannot read the course copy, the hidden checks or another
//! user's files, at compile time or at run time. Landlock also keeps a
//! confined process from tracing (and so from reading the memory of) any
//! process outside its domain, and from ABI 6 on from signalling them or
//! connecting to their abstract Unix sockets.
//!
//! The ruleset is made in the parent (opening the paths needs no care about
//! async-signal safety there) and applied with [`restrict_self`] in the child
//! between `fork` and `execve`.

use std::fs;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

const CREATE_RULESET_VERSION: libc::c_uint = 1;
const RULE_PATH_BENEATH: libc::c_int = 1;

const EXECUTE: u64 = 1 << 0;
const WRITE_FILE: u64 = 1 << 1;
const READ_FILE: u64 = 1 << 2;
const READ_DIR: u64 = 1 << 3;
const REMOVE_DIR: u64 = 1 << 4;
const REMOVE_FILE: u64 = 1 << 5;
const MAKE_CHAR: u64 = 1 << 6;
const MAKE_DIR: u64 = 1 << 7;
const MAKE_REG: u64 = 1 << 8;
const MAKE_SOCK: u64 = 1 << 9;
const MAKE_FIFO: u64 = 1 << 10;
const MAKE_BLOCK: u64 = 1 << 11;
const MAKE_SYM: u64 = 1 << 12;
const REFER: u64 = 1 << 13;
const TRUNCATE: u64 = 1 << 14;

/// Rights a rule on a single file (not a directory) may carry.
const FILE_RIGHTS: u64 = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE;

const SCOPE_ABSTRACT_UNIX_SOCKET: u64 = 1 << 0;
const SCOPE_SIGNAL: u64 = 1 << 1;

/// What a confined process may touch. Paths that do not exist are skipped
/// (a machine without `/lib64`, a toolchain without one of its directories).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Read files, list directories and execute programs below these.
    pub read: Vec<PathBuf>,
    /// Everything below these: read, write, create, remove.
    pub write: Vec<PathBuf>,
    /// Devices (or single files) that may be written, not created or removed.
    pub devices: Vec<PathBuf>,
}

/// What every program needs to start and run on a Linux machine: the dynamic
/// loader and shared libraries, system programs (`/bin/sh`, `cc` and `ld` for
/// the compiler), `/etc` (loader cache, locale, `/etc/passwd` lookups), and the
/// kernel's pseudo file systems. `/proc` is whole: `/proc/self/mem` and
/// `/proc/self/fd` of a check are closed by the harness making itself
/// non-dumpable and running under a user id of its own, other processes' by
/// Landlock's ptrace scoping (docs/sandbox.md).
pub const SYSTEM_READ: &[&str] = &[
    "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev",
];

/// Devices any program may write to.
pub const HARMLESS_DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/full"];

impl Policy {
    /// The system part ([`SYSTEM_READ`], [`HARMLESS_DEVICES`]) plus `write`.
    pub fn system_and(write: &[&Path]) -> Policy {
        Policy {
            read: SYSTEM_READ.iter().map(PathBuf::from).collect(),
            write: write.iter().map(|p| p.to_path_buf()).collect(),
            devices: HARMLESS_DEVICES.iter().map(PathBuf::from).collect(),
        }
    }
}

/// The kernel's Landlock ABI version, if Landlock is enabled.
pub fn abi() -> Option<u32> {
    // SAFETY: the documented way to query the ABI: no attribute, size 0.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<RulesetAttr>(),
            0usize,
            CREATE_RULESET_VERSION,
        )
    };
    u32::try_from(version).ok().filter(|&v| v >= 1)
}

fn write_rights(abi: u32) -> u64 {
    let mut rights = WRITE_FILE
        | REMOVE_DIR
        | REMOVE_FILE
        | MAKE_CHAR
        | MAKE_DIR
        | MAKE_REG
        | MAKE_SOCK
        | MAKE_FIFO
        | MAKE_BLOCK
        | MAKE_SYM;
    if abi >= 2 {
        rights |= REFER;
    }
    if abi >= 3 {
        rights |= TRUNCATE;
    }
    rights
}

const READ_RIGHTS: u64 = EXECUTE | READ_FILE | READ_DIR;

/// Builds the ruleset of `policy` for the kernel's `abi`.
pub fn ruleset(abi: u32, policy: &Policy) -> io::Result<OwnedFd> {
    let writes = write_rights(abi);
    let handled = writes | READ_RIGHTS;
    let scoped = if abi >= 6 {
        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    } else {
        0
    };
    let attr = RulesetAttr {
        handled_access_fs: handled,
        handled_access_net: 0,
        scoped,
    };
    // ABI 1-5 kernels know only the first field(s); 6+ know `scoped`.
    let size = if abi >= 6 {
        std::mem::size_of::<RulesetAttr>()
    } else {
        std::mem::size_of::<u64>()
    };
    // SAFETY: `attr` outlives the call and `size` does not exceed it.
    let fd = unsafe { libc::syscall(libc::SYS_landlock_create_ruleset, &attr, size, 0u32) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor the kernel just returned to us.
    let ruleset = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    for path in &policy.read {
        add_rule(&ruleset, path, READ_RIGHTS)?;
    }
    for path in &policy.write {
        add_rule(&ruleset, path, READ_RIGHTS | writes)?;
    }
    let device_rights = WRITE_FILE | if abi >= 3 { TRUNCATE } else { 0 };
    for device in &policy.devices {
        add_rule(&ruleset, device, device_rights | READ_FILE)?;
    }
    Ok(ruleset)
}

fn add_rule(ruleset: &OwnedFd, path: &Path, rights: u64) -> io::Result<()> {
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_CLOEXEC)
        .open(path)
    {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    let rights = if file.metadata()?.is_dir() {
        rights
    } else {
        rights & FILE_RIGHTS
    };
    let attr = PathBeneathAttr {
        allowed_access: rights,
        parent_fd: file.as_raw_fd(),
    };
    // SAFETY: `attr` and both descriptors outlive the call.
    let done = unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset.as_raw_fd(),
            RULE_PATH_BENEATH,
            &attr,
            0u32,
        )
    };
    if done < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Applies `ruleset` to the calling thread (and what it executes). Only a
/// raw system call: safe between `fork` and `execve`. `no_new_privs` must be
/// set first (or the caller must hold `CAP_SYS_ADMIN`).
///
/// # Safety
/// `ruleset` must be a Landlock ruleset descriptor.
pub unsafe fn restrict_self(ruleset: i32) -> bool {
    // SAFETY: a plain system call on a descriptor the caller vouches for.
    unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0u32) != -1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ruleset_refuses_reads_outside_its_policy() {
        let Some(abi) = abi() else {
            eprintln!("no Landlock on this kernel");
            return;
        };
        let allowed = tempfile::tempdir().unwrap();
        let denied = tempfile::tempdir().unwrap();
        std::fs::write(allowed.path().join("a"), "a").unwrap();
        std::fs::write(denied.path().join("b"), "b").unwrap();
        let started = std::time::Instant::now();
        let ruleset = ruleset(abi, &Policy::system_and(&[allowed.path()])).unwrap();
        eprintln!("ruleset made in {:?}", started.elapsed());
        let fd = ruleset.as_raw_fd();
        let (allowed_file, denied_file) = (allowed.path().join("a"), denied.path().join("b"));
        // A thread of its own: a Landlock domain cannot be left again.
        std::thread::spawn(move || {
            // SAFETY: plain prctl and Landlock system calls on this thread.
            unsafe {
                assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
                assert!(restrict_self(fd));
            }
            assert_eq!(std::fs::read_to_string(&allowed_file).unwrap(), "a");
            let error = std::fs::read_to_string(&denied_file).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
            assert!(
                std::fs::read_to_string("/etc/hostname").is_ok()
                    || !Path::new("/etc/hostname").exists()
            );
        })
        .join()
        .unwrap();
    }
}
