//! What the sandbox can use on this machine, decided once per grader process,
//! and the per-check resources it hands out.
//!
//! - **Privileged mode** (the grader runs as root, as in CI containers and on
//!   Gradescope): every check runs under a user id of its own, leased from a
//!   range no real account uses. Root ignores `RLIMIT_NPROC`; an ordinary user
//!   does not, and a user id of its own means the task limit counts exactly
//!   the check's threads and processes (not those of a check running beside
//!   it), that it cannot touch files, processes or scratch directories of the
//!   grader or of other checks, and that everything it started can be killed
//!   at once with `kill(-1)` from that user id.
//! - **Unprivileged mode** (a student grading on their own machine): checks run
//!   as the student; the task limit is the student's current task count plus
//!   the check's allowance.
//! - **Landlock** (Linux 5.13+, both modes): the check may read only the
//!   system and its own program's directory, and write only in its scratch
//!   directory (and to `/dev/null`); from Linux 6.12 it also cannot signal
//!   processes outside its sandbox or connect to abstract sockets.
//!
//! See docs/sandbox.md for the whole design and what remains possible.

use std::collections::HashMap;
use std::ffi::CString;
use std::fs;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::{Path, PathBuf};

use crate::{landlock, procfs};
use std::sync::{Mutex, OnceLock};

/// First user id of the range checks run under in privileged mode.
const UID_BASE: u32 = 2_000_000_000;
/// How many user ids the range holds (checks running at once, machine-wide).
const UID_COUNT: u32 = 4096;

/// Set to `off` to run without Landlock even where the kernel has it (to
/// test the fallback, or to work around a kernel that misbehaves).
pub const LANDLOCK_ENV: &str = "THREADLINGS_SANDBOX_LANDLOCK";

/// Set to `off` to run checks in the grader's network namespace (to test
/// the fallback, or where namespaces misbehave).
pub const NETNS_ENV: &str = "THREADLINGS_SANDBOX_NETNS";

/// The sandbox as available in this process.
#[derive(Debug)]
pub struct Sandbox {
    /// User ids to lease, in privileged mode.
    uids: Option<(u32, u32)>,
    /// Landlock ABI version, when usable.
    landlock: Option<u32>,
    /// Check programs copied where a leased user can run them, by directory.
    staged: Mutex<Staging>,
    /// The checks' network namespace (privileged mode): loopback only.
    netns: Option<OwnedFd>,
}

#[derive(Debug, Default)]
struct Staging {
    root: Option<tempfile::TempDir>,
    dirs: HashMap<PathBuf, PathBuf>,
}

/// The sandbox of this grader process.
pub fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(Sandbox::probe)
}

impl Sandbox {
    fn probe() -> Sandbox {
        remove_stale_scratch();
        let uids = if rustix::process::geteuid().is_root() {
            uid_range().filter(|&(base, _)| can_switch_to(base))
        } else {
            None
        };
        let landlock = if std::env::var(LANDLOCK_ENV).is_ok_and(|v| v == "off") {
            None
        } else {
            landlock::abi()
        };
        // Only root can make a network namespace and have a check join it.
        let netns = uids
            .filter(|_| !std::env::var(NETNS_ENV).is_ok_and(|v| v == "off"))
            .and_then(|_| loopback_namespace().ok());
        Sandbox {
            uids,
            landlock,
            staged: Mutex::new(Staging::default()),
            netns,
        }
    }

    /// Whether checks run under user ids of their own.
    pub fn privileged(&self) -> bool {
        self.uids.is_some()
    }

    /// The network namespace checks run in, if any: it has only a loopback
    /// interface, so a check reaches its own servers (the crawler's, the IPC
    /// exercises') and nothing on the grading machine or beyond.
    pub fn netns(&self) -> Option<std::os::fd::RawFd> {
        self.netns.as_ref().map(std::os::fd::AsRawFd::as_raw_fd)
    }

    /// The Landlock ABI in use, if any.
    pub fn landlock_abi(&self) -> Option<u32> {
        self.landlock
    }

    /// Leases a user id no other check (of any grader) uses right now.
    pub fn lease_uid(&self) -> io::Result<Option<UidLease>> {
        let Some((base, count)) = self.uids else {
            return Ok(None);
        };
        let start = rand::random::<u32>() % count;
        for offset in 0..count {
            let uid = base + (start + offset) % count;
            // An abstract socket name is held by one socket at a time and is
            // released when its holder closes it or dies: a lock that cannot
            // go stale.
            let name = format!("threadlings-sandbox-uid-{uid}");
            let Ok(addr) = SocketAddr::from_abstract_name(name.as_bytes()) else {
                continue;
            };
            if let Ok(lock) = UnixDatagram::bind_addr(&addr) {
                return Ok(Some(UidLease { uid, _lock: lock }));
            }
        }
        Err(io::Error::other(format!(
            "all {count} sandbox user ids are in use"
        )))
    }

    /// The path a leased user can execute `program` at: the program itself
    /// when every directory above it is searchable by others, otherwise a copy
    /// of its directory's executables (helper programs live beside it).
    pub fn program_for(&self, program: &Path) -> io::Result<PathBuf> {
        if self.uids.is_none() || reachable_by_others(program) {
            return Ok(program.to_path_buf());
        }
        let dir = program.parent().unwrap_or(Path::new("/"));
        let name = program
            .file_name()
            .ok_or_else(|| io::Error::other("the check program has no file name"))?;
        let mut staging = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(staged) = staging.dirs.get(dir) {
            return Ok(staged.join(name));
        }
        if staging.root.is_none() {
            let root = tempfile::Builder::new()
                .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
                .tempdir()?;
            fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755))?;
            staging.root = Some(root);
        }
        let root = staging.root.as_ref().map(|r| r.path().to_path_buf());
        let target = root
            .unwrap_or_default()
            .join(format!("{}", staging.dirs.len()));
        fs::create_dir(&target)?;
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755))?;
        for entry in fs::read_dir(dir)?.flatten() {
            let meta = entry.metadata()?;
            if meta.is_file() && meta.mode() & 0o111 != 0 {
                let dest = target.join(entry.file_name());
                fs::copy(entry.path(), &dest)?;
                fs::set_permissions(&dest, fs::Permissions::from_mode(0o755))?;
            }
        }
        staging.dirs.insert(dir.to_path_buf(), target.clone());
        Ok(target.join(name))
    }

    /// As root, raises the calling thread's priority above the checks' (nice
    /// -10 against 0) until the guard drops, so that a check keeping every
    /// core busy (a fork bomb) cannot delay the time limit, the supervisor or
    /// the output drains: threads and processes started meanwhile inherit it,
    /// and the check process resets it. Does nothing in unprivileged mode.
    pub fn raise_priority(&self) -> Option<PriorityGuard> {
        self.uids?;
        let thread = rustix::thread::gettid();
        let before = rustix::process::getpriority_process(Some(thread)).ok()?;
        rustix::process::setpriority_process(Some(thread), -10).ok()?;
        Some(PriorityGuard { thread, before })
    }

    /// Removes the staged copies (after a grading run).
    pub fn release_staging(&self) {
        let mut staging = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        staging.dirs.clear();
        staging.root = None;
    }

    /// The Landlock ruleset of a check running `program`: it reads the
    /// system (`landlock::SYSTEM_READ`), executes the programs beside its own
    /// (the exercise's helper binaries), reads what its exercise `declared`,
    /// and writes only in `scratch`. The
    /// course copy, the build directories, home directories and other checks'
    /// scratch directories are out of reach, for reading too.
    pub fn landlock_ruleset(
        &self,
        scratch: &Path,
        program: &Path,
        declared: &[PathBuf],
    ) -> io::Result<Option<OwnedFd>> {
        let Some(abi) = self.landlock else {
            return Ok(None);
        };
        let mut policy = landlock::Policy::system_and(&[scratch]);
        if let Some(dir) = program.parent() {
            policy.read.push(dir.to_path_buf());
        }
        policy.read.extend(declared.iter().cloned());
        landlock::ruleset(abi, &policy).map(Some)
    }
}

/// Restores a thread's priority on drop.
#[derive(Debug)]
pub struct PriorityGuard {
    thread: rustix::process::Pid,
    before: i32,
}

impl Drop for PriorityGuard {
    fn drop(&mut self) {
        let _ = rustix::process::setpriority_process(Some(self.thread), self.before);
    }
}

/// A user id held for one check; released on drop.
#[derive(Debug)]
pub struct UidLease {
    pub uid: u32,
    _lock: UnixDatagram,
}

/// The sandbox user range inside this user namespace: the fixed range when it
/// is mapped, else the top of the largest mapped range (below 65534, nobody).
fn uid_range() -> Option<(u32, u32)> {
    let map = fs::read_to_string("/proc/self/uid_map").unwrap_or_default();
    let ranges: Vec<(u64, u64)> = map
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let inside: u64 = fields.next()?.parse().ok()?;
            let _outside: u64 = fields.next()?.parse().ok()?;
            let count: u64 = fields.next()?.parse().ok()?;
            Some((inside, inside + count))
        })
        .collect();
    let (base, count) = (u64::from(UID_BASE), u64::from(UID_COUNT));
    if ranges
        .iter()
        .any(|&(start, end)| start <= base && base + count <= end)
    {
        return Some((UID_BASE, UID_COUNT));
    }
    let (_, end) = ranges.iter().copied().max_by_key(|(s, e)| e - s)?;
    let base = end.min(65534).checked_sub(count)?;
    if base < 10_000 {
        return None;
    }
    Some((u32::try_from(base).ok()?, UID_COUNT))
}

/// Whether this process may switch to `uid` (root without CAP_SETUID may not).
fn can_switch_to(uid: u32) -> bool {
    // SAFETY: the child only makes raw system calls and exits.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => false,
        0 => {
            let ok = rustix::thread::set_thread_groups(&[]).is_ok()
                && rustix::thread::set_thread_gid(rustix::process::Gid::from_raw(uid)).is_ok()
                && rustix::thread::set_thread_uid(rustix::process::Uid::from_raw(uid)).is_ok();
            // SAFETY: leaves the forked child without running any destructor.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) }
        }
        child => {
            let mut status = 0;
            // SAFETY: waits for the child forked above, by its pid.
            let waited = unsafe { libc::waitpid(child, &mut status, 0) };
            waited == child && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
        }
    }
}

/// Whether others may reach and execute `program`.
fn reachable_by_others(program: &Path) -> bool {
    let file_ok = fs::metadata(program).is_ok_and(|m| m.mode() & 0o005 == 0o005);
    file_ok
        && program
            .ancestors()
            .skip(1)
            .filter(|dir| !dir.as_os_str().is_empty())
            .all(|dir| fs::metadata(dir).is_ok_and(|m| m.mode() & 0o001 != 0))
}

/// Scratch directories are named `threadlings-check-<grader pid>-<random>`,
/// staged programs `threadlings-programs-<grader pid>-<random>`, so that what
/// a grader killed mid-check (SIGKILL runs no destructor) left behind can be
/// told from what a running grader uses.
pub const SCRATCH_PREFIX: &str = "threadlings-check-";
const STAGING_PREFIX: &str = "threadlings-programs-";

/// A new scratch directory for one check.
pub fn new_scratch() -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
        .tempdir()
}

/// Removes the scratch and staging directories of graders that are gone.
fn remove_stale_scratch() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| {
            n.strip_prefix(SCRATCH_PREFIX)
                .or(n.strip_prefix(STAGING_PREFIX))
        }) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        // Only directories we could have made: owned by us or (as root) by
        // a sandbox user; a grader that still runs keeps its own.
        let owner = entry.metadata().map(|m| m.uid()).unwrap_or(u32::MAX);
        let me = rustix::process::geteuid().as_raw();
        let ours = owner == me || (me == 0 && (UID_BASE..UID_BASE + UID_COUNT).contains(&owner));
        if ours && !Path::new(&format!("/proc/{pid}")).exists() {
            remove_tree(&entry.path());
        }
    }
}

/// Hands `scratch` to the leased user, reachable by it alone.
pub fn give_scratch(scratch: &Path, uid: Option<u32>) -> io::Result<()> {
    if let Some(uid) = uid {
        std::os::unix::fs::chown(scratch, Some(uid), Some(uid))?;
    }
    fs::set_permissions(scratch, fs::Permissions::from_mode(0o700))
}

/// Removes a scratch directory, even one whose owner made parts of it
/// unreadable (`chmod 000`).
pub fn remove_scratch(dir: tempfile::TempDir) {
    remove_tree(&dir.keep());
}

fn remove_tree(path: &Path) {
    if fs::remove_dir_all(path).is_ok() {
        return;
    }
    fn open_up(dir: &Path) {
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    open_up(&entry.path());
                }
            }
        }
    }
    open_up(path);
    let _ = fs::remove_dir_all(path);
}

/// World-writable places a leased user could leave files in when Landlock is
/// not there to stop it.
const SHARED_WRITABLE: &[&str] = &["/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue"];

/// Removes what `uid` left in the world-writable directories (and in the
/// world-writable directories directly inside them).
pub fn remove_files_of(uid: u32) {
    fn sweep(dir: &Path, uid: u32, depth: u32) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.uid() == uid {
                let path = entry.path();
                if meta.is_dir() {
                    let _ = fs::remove_dir_all(&path);
                } else {
                    let _ = fs::remove_file(&path);
                }
            } else if depth > 0 && meta.is_dir() && meta.mode() & 0o002 != 0 {
                sweep(&entry.path(), uid, depth - 1);
            }
        }
    }
    for dir in SHARED_WRITABLE {
        sweep(Path::new(dir), uid, 1);
    }
}

/// Removes the System V shared memory segments, message queues and
/// semaphore sets that `uid` owns or created, and its POSIX message queues:
/// they outlive processes, and Landlock does not cover them. As root only
/// (unprivileged, they would be the student's own).
pub fn remove_ipc_of(uid: u32) {
    for (table, id_column, remove) in [
        ("shm", "shmid", remove_shm as fn(i32)),
        ("msg", "msqid", remove_msg),
        ("sem", "semid", remove_sem),
    ] {
        let Ok(text) = fs::read_to_string(format!("/proc/sysvipc/{table}")) else {
            continue;
        };
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
        let column = |name: &str| header.iter().position(|h| *h == name);
        let (Some(id), Some(owner), Some(creator)) =
            (column(id_column), column("uid"), column("cuid"))
        else {
            continue;
        };
        for line in lines {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
            let ours = [owner, creator]
                .iter()
                .any(|&c| field(c) == Some(u64::from(uid)));
            if ours && let Some(id) = field(id).and_then(|id| i32::try_from(id).ok()) {
                remove(id);
            }
        }
    }
    if let Ok(entries) = fs::read_dir("/dev/mqueue") {
        for entry in entries.flatten() {
            if entry.metadata().is_ok_and(|m| m.uid() == uid) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

fn remove_shm(id: i32) {
    // SAFETY: IPC_RMID takes no buffer.
    unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) };
}

fn remove_msg(id: i32) {
    // SAFETY: IPC_RMID takes no buffer.
    unsafe { libc::msgctl(id, libc::IPC_RMID, std::ptr::null_mut()) };
}

fn remove_sem(id: i32) {
    // SAFETY: IPC_RMID takes no further argument.
    unsafe { libc::semctl(id, 0, libc::IPC_RMID) };
}

/// Tasks (threads) of the processes owned by `uid`.
pub fn tasks_of_user(uid: u32) -> usize {
    // The owner of /proc/PID is the process's user id: one stat per process,
    // and /proc/PID/stat read only for the user's own.
    procfs::pids()
        .filter(|&pid| procfs::owner_of(pid) == Some(uid))
        .filter_map(procfs::threads_of)
        .sum()
}

/// A new network namespace with its loopback interface up, made once per
/// grader and shared by its checks (making one costs milliseconds; joining
/// one costs a system call). A namespace belongs to a thread: a thread of
/// its own unshares, brings `lo` up and hands back the namespace's file,
/// which keeps it alive after the thread is gone.
fn loopback_namespace() -> io::Result<OwnedFd> {
    std::thread::spawn(|| -> io::Result<OwnedFd> {
        // SAFETY: only the network namespace of this short-lived thread
        // changes; it shares nothing else (no file table, no fs state).
        unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) }
            .map_err(io::Error::from)?;
        bring_up_loopback()?;
        let file = fs::File::open("/proc/thread-self/ns/net")?;
        Ok(OwnedFd::from(file))
    })
    .join()
    .map_err(|_| io::Error::other("the namespace thread panicked"))?
}

fn bring_up_loopback() -> io::Result<()> {
    // SAFETY: a socket and two ioctls on a zeroed, NUL-terminated `ifreq`.
    unsafe {
        let socket = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if socket < 0 {
            return Err(io::Error::last_os_error());
        }
        let socket = OwnedFd::from_raw_fd(socket);
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo") {
            *slot = *byte as libc::c_char;
        }
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCGIFFLAGS, &mut request) < 0 {
            return Err(io::Error::last_os_error());
        }
        request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCSIFFLAGS, &request) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A path as a C string (scratch directories and programs never hold NUL).
pub fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::other(format!("{} contains a NUL byte", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_of_graders_that_are_gone_is_removed() {
        let dead = (4_000_000u32..).find(|pid| !Path::new(&format!("/proc/{pid}")).exists());
        assert!(tasks_of_user(rustix::process::geteuid().as_raw()) >= 1);
        let dead = dead.unwrap();
        let stale = std::env::temp_dir().join(format!("{SCRATCH_PREFIX}{dead}-test"));
        fs::create_dir_all(stale.join("locked")).unwrap();
        fs::set_permissions(stale.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let live = new_scratch().unwrap();
        remove_stale_scratch();
        assert!(!stale.exists());
        assert!(live.path().is_dir());
    }

    #[test]
    fn leases_are_exclusive_while_held() {
        let sandbox = sandbox();
        let Some(first) = sandbox.lease_uid().unwrap() else {
            return; // unprivileged: nothing to lease
        };
        let name = format!("threadlings-sandbox-uid-{}", first.uid);
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        assert!(UnixDatagram::bind_addr(&addr).is_err());
        drop(first);
        assert!(UnixDatagram::bind_addr(&addr).is_ok());
    }

    #[test]
    fn programs_out_of_reach_are_staged_with_their_helpers() {
        let sandbox = sandbox();
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        for name in ["check-x", "helper"] {
            fs::write(dir.path().join(name), "#!/bin/sh\n").unwrap();
            fs::set_permissions(dir.path().join(name), fs::Permissions::from_mode(0o755)).unwrap();
        }
        let program = dir.path().join("check-x");
        let staged = sandbox.program_for(&program).unwrap();
        if sandbox.privileged() {
            assert_ne!(staged, program);
            assert!(reachable_by_others(&staged));
            assert!(staged.with_file_name("helper").is_file());
        } else {
            assert_eq!(staged, program);
        }
    }
}
