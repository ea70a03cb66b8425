//! Starts one check process under a supervisor of its own, and waits for it.
//!
//! ```text
//! grader ──fork──▶ supervisor (child subreaper, never runs student code)
//!                      └──fork──▶ check program (own process group, limits,
//!                                 Landlock, unprivileged user) ──▶ anything it starts
//! ```
//!
//! The supervisor is a *child subreaper*: a process of the check whose parent
//! dies is re-parented to it, not to init, however it left its process group
//! or session (`setsid`, double fork). So when the check process ends, or the
//! grader says time is up, the supervisor can find and kill everything the
//! check started: it kills its children, reaps them, kills the children that
//! were re-parented to it in turn, and stops when it has none left. As root it
//! first sweeps the check's user id with `kill(-1, SIGKILL)`, which the kernel
//! delivers to every process of that user at once (a fork bomb cannot outrun
//! it). Only then does it report to the grader.
//!
//! Everything between `fork` and `execve` runs in a copy of a multi-threaded
//! process, so it may only make raw system calls: no allocation, no locks, no
//! panics. The memory it uses is prepared before the fork.

use std::ffi::{CStr, CString, c_char};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::process::{Gid, Pid, Resource, Rlimit, Uid};

/// Everything the check process needs, ready before the fork.
pub struct Launch {
    pub program: CString,
    /// `argv`, program name first.
    pub args: Vec<CString>,
    /// The whole environment of the check (nothing is inherited).
    pub env: Vec<CString>,
    pub scratch: CString,
    pub stdin: OwnedFd,
    pub stdout: OwnedFd,
    pub stderr: OwnedFd,
    /// Becomes fd 3: the result channel.
    pub results: OwnedFd,
    /// Becomes fd 4: the nonce, readable once.
    pub nonce: OwnedFd,
    pub landlock: Option<OwnedFd>,
    /// The network namespace the check joins (`run::sandbox`), if any.
    pub netns: Option<std::os::fd::RawFd>,
    pub rlimits: Vec<(Resource, u64)>,
    /// Switch to this user (and group) id; `None` keeps the grader's.
    pub uid: Option<u32>,
}

/// How the check ended, as the supervisor saw it.
#[derive(Debug)]
pub enum Ending {
    /// The check process ended by itself (exit or signal).
    Exited {
        status: ExitStatus,
        /// Processes it started that were still running, then killed.
        left_running: u32,
    },
    /// The time limit passed; everything was killed.
    TimedOut,
    /// The check process could not be set up or started.
    SetupFailed(String),
    /// The supervisor died without reporting (it was killed from outside).
    Lost,
}

/// The supervisor's final report.
#[derive(Debug)]
pub struct Finished {
    pub ending: Ending,
    /// Largest resident set of any process of the check, in KiB.
    pub peak_kb: u64,
    /// Processes killed when the time limit passed.
    pub killed_at_timeout: Option<u32>,
}

/// A running supervisor.
pub struct Supervisor {
    pid: libc::pid_t,
    status: File,
    control: Option<OwnedFd>,
    check_pid: Option<libc::pid_t>,
}

/// Grace for the supervisor to report after being told to stop; it only
/// needs long if the check forked thousands of processes.
const STOP_GRACE: Duration = Duration::from_secs(10);

// ----- the record the supervisor writes to the grader --------------------

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Record {
    kind: u32,
    /// STARTED: the check's pid. SETUP_FAILED: the step. FINISHED: wait status.
    value: i32,
    /// SETUP_FAILED: errno. FINISHED: flags.
    detail: i32,
    /// FINISHED: processes left running, or killed at the time limit.
    count: u32,
    /// FINISHED: peak resident set, KiB.
    peak_kb: u64,
}

const RECORD_SIZE: usize = std::mem::size_of::<Record>();
const STARTED: u32 = 1;
const SETUP_FAILED: u32 = 2;
const FINISHED: u32 = 3;
const FLAG_STOPPED: i32 = 1;
const FLAG_INCOMPLETE: i32 = 2;

impl Record {
    fn as_bytes(&self) -> &[u8; RECORD_SIZE] {
        // SAFETY: plain old data of exactly RECORD_SIZE bytes, no padding
        // (4 x u32/i32 then a u64).
        unsafe { &*(self as *const Record).cast::<[u8; RECORD_SIZE]>() }
    }

    fn from_bytes(bytes: &[u8; RECORD_SIZE]) -> Record {
        // SAFETY: every bit pattern is a valid Record.
        unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<Record>()) }
    }
}

/// Setup steps, for the message when one fails.
const STEPS: &[&str] = &[
    "fork the supervisor",
    "fork the check process",
    "move its process group",
    "redirect its input and output",
    "enter its scratch directory",
    "set its resource limits",
    "set no_new_privs",
    "apply the Landlock ruleset",
    "drop supplementary groups",
    "switch group id",
    "switch user id",
    "execute the check program",
    "enter the checks' network namespace",
];
const STEP_FORK: i32 = 1;
const STEP_PGID: i32 = 2;
const STEP_FDS: i32 = 3;
const STEP_CHDIR: i32 = 4;
const STEP_RLIMIT: i32 = 5;
const STEP_NNP: i32 = 6;
const STEP_LANDLOCK: i32 = 7;
const STEP_GROUPS: i32 = 8;
const STEP_GID: i32 = 9;
const STEP_UID: i32 = 10;
const STEP_EXEC: i32 = 11;
const STEP_NETNS: i32 = 12;

// Slots of the descriptors handed through the fork.
const STATUS: usize = 0;
const CONTROL: usize = 1;
const STDIN: usize = 2;
const STDOUT: usize = 3;
const STDERR: usize = 4;
const RESULTS: usize = 5;
const NONCE: usize = 6;
const LANDLOCK: usize = 7;
const NETNS: usize = 8;
const SLOTS: usize = 9;

/// The check's fds 0..=4, from these slots.
const TARGETS: [(usize, RawFd); 5] = [
    (STDIN, 0),
    (STDOUT, 1),
    (STDERR, 2),
    (RESULTS, 3),
    (NONCE, 4),
];

/// Descriptors are first moved at or above this, clear of 0..=4.
const HIGH_FD: RawFd = 10;

/// Borrowed, fork-safe view of a [`Launch`].
struct Plan<'a> {
    program: &'a CStr,
    argv: &'a [*const c_char],
    envp: &'a [*const c_char],
    scratch: &'a CStr,
    fds: [RawFd; SLOTS],
    rlimits: &'a [(Resource, u64)],
    uid: Option<u32>,
}

impl Launch {
    /// Forks the supervisor, which starts the check program.
    pub fn start(self) -> io::Result<Supervisor> {
        let argv = null_terminated(&self.args);
        let envp = null_terminated(&self.env);
        let (status_read, status_write) = std::io::pipe()?;
        let (control_read, control_write) = std::io::pipe()?;
        let status_write: OwnedFd = status_write.into();
        let control_read: OwnedFd = control_read.into();
        let plan = Plan {
            program: &self.program,
            argv: &argv,
            envp: &envp,
            scratch: &self.scratch,
            fds: [
                status_write.as_raw_fd(),
                control_read.as_raw_fd(),
                self.stdin.as_raw_fd(),
                self.stdout.as_raw_fd(),
                self.stderr.as_raw_fd(),
                self.results.as_raw_fd(),
                self.nonce.as_raw_fd(),
                self.landlock.as_ref().map_or(-1, |fd| fd.as_raw_fd()),
                self.netns.unwrap_or(-1),
            ],
            rlimits: &self.rlimits,
            uid: self.uid,
        };
        // SAFETY: the child runs only `supervise`, which makes raw system
        // calls on memory prepared above and never returns.
        let pid = unsafe { libc::fork() };
        if pid == -1 {
            return Err(io::Error::last_os_error());
        }
        if pid == 0 {
            // SAFETY: we are the freshly forked child.
            unsafe { supervise(&plan) }
        }
        // The check's ends of every pipe now live in the supervisor only, so
        // the grader sees end-of-file once the check and all it started die.
        drop(self);
        drop(status_write);
        drop(control_read);
        Ok(Supervisor {
            pid,
            status: File::from(OwnedFd::from(status_read)),
            control: Some(control_write.into()),
            check_pid: None,
        })
    }
}

fn null_terminated(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

impl Supervisor {
    /// Waits until the check ends or `timeout` passes (then stops it), and
    /// returns the supervisor's report.
    pub fn wait(mut self, timeout: Duration) -> Finished {
        let deadline = Instant::now() + timeout;
        let mut stop_deadline = None;
        loop {
            let limit = stop_deadline.unwrap_or(deadline);
            match read_record(&self.status, limit) {
                Ok(Some(record)) if record.kind == STARTED => self.check_pid = Some(record.value),
                Ok(Some(record)) if record.kind == SETUP_FAILED => {
                    let step = usize::try_from(record.value)
                        .ok()
                        .and_then(|i| STEPS.get(i))
                        .unwrap_or(&"set up the check");
                    let error = io::Error::from_raw_os_error(record.detail);
                    return self.finish(Finished {
                        ending: Ending::SetupFailed(format!("could not {step}: {error}")),
                        peak_kb: 0,
                        killed_at_timeout: None,
                    });
                }
                Ok(Some(record)) if record.kind == FINISHED => {
                    // Killed by us after the deadline, even if the
                    // supervisor saw the death before the stop: a timeout.
                    let killed_by_us = stop_deadline.is_some()
                        && ExitStatus::from_raw(record.value).signal() == Some(libc::SIGKILL);
                    let stopped = record.detail & FLAG_STOPPED != 0 || killed_by_us;
                    let ending = if stopped {
                        Ending::TimedOut
                    } else {
                        Ending::Exited {
                            status: ExitStatus::from_raw(record.value),
                            left_running: record.count,
                        }
                    };
                    return self.finish(Finished {
                        ending,
                        peak_kb: record.peak_kb,
                        killed_at_timeout: stopped.then_some(record.count),
                    });
                }
                Ok(Some(_)) => {}
                Ok(None) => {
                    // The supervisor is gone without a report: kill what we
                    // can reach and say so.
                    if let Some(pid) = self.check_pid.and_then(Pid::from_raw) {
                        let _ =
                            rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
                    }
                    return self.finish(Finished {
                        ending: Ending::Lost,
                        peak_kb: 0,
                        killed_at_timeout: None,
                    });
                }
                Err(_) if stop_deadline.is_none() => {
                    // Time is up: tell the supervisor to kill everything
                    // (closing the control pipe first, so it sees the stop no
                    // later than the death we cause). This thread is awake
                    // now, the supervisor may not be for a while if the check
                    // keeps every core busy, so also stop the check's process
                    // group from here at once (its pid is not reused while
                    // the supervisor has not reaped it).
                    self.control = None;
                    if let Some(pid) = self.check_pid.and_then(Pid::from_raw) {
                        let _ =
                            rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
                    }
                    stop_deadline = Some(Instant::now() + STOP_GRACE);
                }
                Err(_) => {
                    // It did not report in time: kill it (its children are
                    // then re-parented to init) and their group.
                    // SAFETY: plain system calls on pids we started.
                    unsafe {
                        libc::kill(self.pid, libc::SIGKILL);
                        if let Some(pid) = self.check_pid {
                            libc::killpg(pid, libc::SIGKILL);
                        }
                    }
                    return self.finish(Finished {
                        ending: Ending::Lost,
                        peak_kb: 0,
                        killed_at_timeout: None,
                    });
                }
            }
        }
    }

    fn finish(self, finished: Finished) -> Finished {
        drop(self);
        finished
    }
}

impl Drop for Supervisor {
    /// Stops the check if it still runs (closing the control pipe does) and
    /// reaps the supervisor, which exits once everything below it is dead.
    fn drop(&mut self) {
        self.control = None;
        let mut status = 0;
        // SAFETY: reaps the supervisor we forked, by its pid.
        unsafe {
            while libc::waitpid(self.pid, &mut status, 0) == -1
                && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
            {}
        }
    }
}

/// Reads one record, waiting until `deadline`. `Ok(None)` is end of file.
fn read_record(status: &File, deadline: Instant) -> io::Result<Option<Record>> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = Timespec {
            tv_sec: left.as_secs() as i64,
            tv_nsec: i64::from(left.subsec_nanos()),
        };
        let mut fds = [PollFd::new(status, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => return Err(io::ErrorKind::TimedOut.into()),
            Ok(_) => break,
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    let mut bytes = [0u8; RECORD_SIZE];
    let mut filled = 0;
    let mut reader = status;
    while filled < RECORD_SIZE {
        match reader.read(&mut bytes[filled..]) {
            Ok(0) => return Ok(None),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(Record::from_bytes(&bytes)))
}

// ----- after the fork: raw system calls only ------------------------------

fn errno() -> i32 {
    // SAFETY: errno lives in thread-local storage of the calling thread.
    unsafe { *libc::__errno_location() }
}

unsafe fn write_record(fd: RawFd, record: &Record) {
    let bytes = record.as_bytes();
    // SAFETY: writes from a live buffer; pipe writes this small are atomic.
    unsafe {
        libc::write(fd, bytes.as_ptr().cast(), bytes.len());
    }
}

/// Closes `first..=last`, by `close_range` or one by one where it is missing.
unsafe fn close_range(first: RawFd, last: RawFd) {
    if first > last {
        return;
    }
    // SAFETY: closing descriptors is always memory-safe.
    unsafe {
        if libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) == 0 {
            return;
        }
        let ceiling = last.min(65_535);
        for fd in first..=ceiling {
            libc::close(fd);
        }
    }
}

/// Closes every descriptor not in `keep` (entries < 0 are ignored).
unsafe fn close_all_except(keep: &[RawFd]) {
    let mut sorted = [-1 as RawFd; 16];
    let mut len = 0;
    for &fd in keep {
        if fd >= 0 && len < sorted.len() {
            sorted[len] = fd;
            len += 1;
        }
    }
    // Insertion sort: a handful of entries.
    for i in 1..len {
        let mut j = i;
        while j > 0 && sorted[j - 1] > sorted[j] {
            sorted.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut next: RawFd = 0;
    for &fd in &sorted[..len] {
        // SAFETY: see close_range.
        unsafe { close_range(next, fd - 1) };
        next = next.max(fd + 1);
    }
    // SAFETY: see close_range.
    unsafe { close_range(next, RawFd::MAX) };
}

/// The supervisor: starts the check, waits for it or for the grader's stop,
/// kills and reaps everything below it, reports, exits.
unsafe fn supervise(plan: &Plan<'_>) -> ! {
    let mut fds = plan.fds;
    // SAFETY: every call below is a raw system call on descriptors and
    // memory prepared before the fork.
    unsafe {
        // Keep only our descriptors, moved clear of 0..=4; a descriptor of
        // another check's pipe held here would delay its end of file.
        for fd in fds.iter_mut().filter(|fd| **fd >= 0) {
            *fd = libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, HIGH_FD);
        }
        close_all_except(&fds);
        for target in 0..=2 {
            libc::dup2(fds[STDIN], target);
        }
        // The terminal's Ctrl-C must not kill us before the check: the grader
        // dying closes our control pipe, and we clean up then.
        for signal in [
            libc::SIGINT,
            libc::SIGQUIT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGPIPE,
        ] {
            libc::signal(signal, libc::SIG_IGN);
        }
        // Children must stay waitable even if the grader was started with
        // SIGCHLD ignored (inherited over execve): that would reap them.
        libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        let _ = rustix::process::set_child_subreaper(Pid::from_raw(libc::getpid()));

        let mut exec_pipe = [-1 as RawFd; 2];
        if libc::pipe2(exec_pipe.as_mut_ptr(), libc::O_CLOEXEC) == -1 {
            fail_setup(fds[STATUS], STEP_FORK, errno());
        }
        // Clear of 0..=4 too, or the check's dup2 onto them would close it.
        for end in exec_pipe.iter_mut() {
            let high = libc::fcntl(*end, libc::F_DUPFD_CLOEXEC, HIGH_FD);
            libc::close(*end);
            *end = high;
        }
        let check = libc::fork();
        if check == -1 {
            fail_setup(fds[STATUS], STEP_FORK, errno());
        }
        if check == 0 {
            libc::close(exec_pipe[0]);
            start_check(plan, &fds, exec_pipe[1]);
        }
        libc::close(exec_pipe[1]);
        for slot in [STDIN, STDOUT, STDERR, RESULTS, NONCE, LANDLOCK, NETNS] {
            if fds[slot] >= 0 {
                libc::close(fds[slot]);
            }
        }
        // The check writes a record here if it fails before execve; a
        // successful execve closes the pipe instead.
        let mut failure = Record::default();
        let read = libc::read(
            exec_pipe[0],
            (&mut failure as *mut Record).cast(),
            RECORD_SIZE,
        );
        libc::close(exec_pipe[0]);
        if read == RECORD_SIZE as isize {
            let mut status = 0;
            libc::waitpid(check, &mut status, 0);
            write_record(fds[STATUS], &failure);
            libc::_exit(0);
        }
        write_record(
            fds[STATUS],
            &Record {
                kind: STARTED,
                value: check,
                ..Record::default()
            },
        );

        let (main_status, stopped) = wait_for_check_or_stop(check, fds[CONTROL]);
        let (left_running, incomplete) = kill_everything(check, plan.uid, stopped);
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        let mut flags = 0;
        if stopped {
            flags |= FLAG_STOPPED;
        }
        if incomplete {
            flags |= FLAG_INCOMPLETE;
        }
        write_record(
            fds[STATUS],
            &Record {
                kind: FINISHED,
                value: main_status,
                detail: flags,
                count: left_running,
                peak_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
            },
        );
        libc::_exit(0);
    }
}

unsafe fn fail_setup(status_fd: RawFd, step: i32, error: i32) -> ! {
    // SAFETY: raw write and exit.
    unsafe {
        write_record(
            status_fd,
            &Record {
                kind: SETUP_FAILED,
                value: step,
                detail: error,
                ..Record::default()
            },
        );
        libc::_exit(127);
    }
}

/// In the check process: set everything up, then become the check program.
unsafe fn start_check(plan: &Plan<'_>, fds: &[RawFd; SLOTS], exec_error: RawFd) -> ! {
    // SAFETY: raw system calls on prepared memory, as in `supervise`.
    unsafe {
        macro_rules! fail {
            ($step:expr) => {
                fail_setup(exec_error, $step, errno())
            };
        }
        if libc::setpgid(0, 0) == -1 {
            fail!(STEP_PGID);
        }
        // The grader's threads and the supervisor may run at a raised
        // priority (see `Sandbox::raise_priority`); the check never does.
        let _ = rustix::process::setpriority_process(None, 0);
        for signal in [
            libc::SIGINT,
            libc::SIGQUIT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGPIPE,
            libc::SIGCHLD,
        ] {
            libc::signal(signal, libc::SIG_DFL);
        }
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());

        // fds 0..=4 from their slots (all >= HIGH_FD, so no clobbering);
        // dup2 leaves the targets open across execve.
        for (slot, target) in TARGETS {
            if libc::dup2(fds[slot], target) == -1 {
                fail!(STEP_FDS);
            }
        }
        close_all_except(&[0, 1, 2, 3, 4, exec_error, fds[LANDLOCK], fds[NETNS]]);
        // The checks' own network: loopback only (while still root).
        if fds[NETNS] >= 0 {
            if libc::setns(fds[NETNS], libc::CLONE_NEWNET) == -1 {
                fail!(STEP_NETNS);
            }
            libc::close(fds[NETNS]);
        }

        // If the machine runs short of memory after all, the kernel kills
        // check processes first. Best effort.
        let adj = libc::open(
            c"/proc/self/oom_score_adj".as_ptr(),
            libc::O_WRONLY | libc::O_CLOEXEC,
        );
        if adj >= 0 {
            libc::write(adj, b"1000".as_ptr().cast(), 4);
            libc::close(adj);
        }

        if libc::chdir(plan.scratch.as_ptr()) == -1 {
            fail!(STEP_CHDIR);
        }
        for &(resource, value) in plan.rlimits {
            let limit = Rlimit {
                current: Some(value),
                maximum: Some(value),
            };
            if let Err(error) = rustix::process::setrlimit(resource, limit) {
                fail_setup(exec_error, STEP_RLIMIT, error.raw_os_error());
            }
        }
        if let Err(error) = rustix::thread::set_no_new_privs(true) {
            fail_setup(exec_error, STEP_NNP, error.raw_os_error());
        }
        if fds[LANDLOCK] >= 0 {
            if !crate::landlock::restrict_self(fds[LANDLOCK]) {
                fail!(STEP_LANDLOCK);
            }
            libc::close(fds[LANDLOCK]);
        }
        if let Some(uid) = plan.uid {
            if let Err(error) = rustix::thread::set_thread_groups(&[]) {
                fail_setup(exec_error, STEP_GROUPS, error.raw_os_error());
            }
            if let Err(error) = rustix::thread::set_thread_gid(Gid::from_raw(uid)) {
                fail_setup(exec_error, STEP_GID, error.raw_os_error());
            }
            if let Err(error) = rustix::thread::set_thread_uid(Uid::from_raw(uid)) {
                fail_setup(exec_error, STEP_UID, error.raw_os_error());
            }
        }
        libc::execve(
            plan.program.as_ptr(),
            plan.argv.as_ptr(),
            plan.envp.as_ptr(),
        );
        fail!(STEP_EXEC);
    }
}

/// Waits until the check process exits (its wait status, `false`) or the
/// grader closes the control pipe (`true`).
unsafe fn wait_for_check_or_stop(check: libc::pid_t, control: RawFd) -> (i32, bool) {
    // SAFETY: raw system calls on our own descriptors and child.
    unsafe {
        let control = BorrowedFd::borrow_raw(control);
        let pidfd = Pid::from_raw(check).and_then(|pid| {
            rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty()).ok()
        });
        loop {
            let mut status = 0;
            match &pidfd {
                Some(pidfd) => {
                    let mut fds = [
                        PollFd::from_borrowed_fd(pidfd.as_fd(), PollFlags::IN),
                        PollFd::from_borrowed_fd(control, PollFlags::IN),
                    ];
                    if poll(&mut fds, None).is_err() {
                        continue;
                    }
                    if !fds[1].revents().is_empty() {
                        return (0, true);
                    }
                    if libc::waitpid(check, &mut status, libc::WNOHANG) == check {
                        return (status, false);
                    }
                }
                None => {
                    // Kernels before 5.3: poll the control pipe and the child.
                    if libc::waitpid(check, &mut status, libc::WNOHANG) == check {
                        return (status, false);
                    }
                    let mut fds = [PollFd::from_borrowed_fd(control, PollFlags::IN)];
                    let tick = Timespec {
                        tv_sec: 0,
                        tv_nsec: 5_000_000,
                    };
                    if matches!(poll(&mut fds, Some(&tick)), Ok(n) if n > 0) {
                        return (0, true);
                    }
                }
            }
        }
    }
}

/// Kills and reaps every process below the supervisor. Returns how many were
/// found still running when the check ended by itself, or how many were
/// killed when it was stopped, and whether some could not be reaped within
/// the time allowed.
unsafe fn kill_everything(check: libc::pid_t, uid: Option<u32>, stopped: bool) -> (u32, bool) {
    // SAFETY: raw system calls; we only signal our own descendants (and, as
    // the leased user, processes of that user).
    unsafe {
        if stopped {
            // Time is up: stop everything at once first, count nothing.
            libc::killpg(check, libc::SIGKILL);
            sweep_user(uid);
        }
        let mut left_running = 0u32;
        // Pids already killed (a killed process stays alive for a moment and
        // must not be counted twice).
        let mut killed = [0 as libc::pid_t; 1024];
        let mut killed_len = 0usize;
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now);
        let give_up = now.tv_sec + 5;
        loop {
            // Reap what is dead.
            loop {
                let mut status = 0;
                let reaped = libc::waitpid(-1, &mut status, libc::WNOHANG | libc::__WALL);
                if reaped > 0 {
                    if stopped {
                        left_running = left_running.saturating_add(1);
                    }
                    continue;
                }
                if reaped == -1 && errno() == libc::ECHILD {
                    if !stopped && left_running > 0 {
                        // Something ran away: make sure nothing of the
                        // user's survives outside our tree either (there
                        // should be nothing; it costs a fork, so only here).
                        sweep_user(uid);
                    }
                    return (left_running, false);
                }
                break;
            }
            // Kill what is still alive among our children (re-parented
            // descendants become our children as their parents die).
            for_each_child(|pid| {
                if process_state(pid) != b'Z' {
                    let seen = killed[..killed_len].contains(&pid);
                    if !seen {
                        if killed_len < killed.len() {
                            killed[killed_len] = pid;
                            killed_len += 1;
                        }
                        if !stopped {
                            left_running = left_running.saturating_add(1);
                        }
                    }
                    libc::kill(pid, libc::SIGKILL);
                }
            });
            let pause = libc::timespec {
                tv_sec: 0,
                tv_nsec: 1_000_000,
            };
            libc::nanosleep(&pause, std::ptr::null_mut());
            libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now);
            if now.tv_sec > give_up {
                sweep_user(uid);
                return (left_running, true);
            }
        }
    }
}

/// As root: kills every process of the leased user, at once.
unsafe fn sweep_user(uid: Option<u32>) {
    let Some(uid) = uid else { return };
    // SAFETY: the killer child only makes raw system calls and exits.
    unsafe {
        let killer = libc::fork();
        if killer == 0 {
            let ok = rustix::thread::set_thread_gid(Gid::from_raw(uid)).is_ok()
                && rustix::thread::set_thread_uid(Uid::from_raw(uid)).is_ok();
            if ok {
                // kill(-1) as that user reaches exactly its processes; the
                // kernel signals them all in one pass, so forks in flight
                // are caught too.
                for _ in 0..3 {
                    libc::kill(-1, libc::SIGKILL);
                }
            }
            libc::_exit(0);
        }
        if killer > 0 {
            let mut status = 0;
            libc::waitpid(killer, &mut status, 0);
        }
    }
}

/// Calls `f` with the pid of each child of this (single-threaded) process.
unsafe fn for_each_child(mut f: impl FnMut(libc::pid_t)) {
    // SAFETY: raw open/read/close into a stack buffer.
    unsafe {
        let fd = libc::open(
            c"/proc/thread-self/children".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return;
        }
        let mut buffer = [0u8; 4096];
        let mut pid: libc::pid_t = 0;
        let mut in_number = false;
        loop {
            let n = libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len());
            if n <= 0 {
                break;
            }
            for &byte in &buffer[..n as usize] {
                if byte.is_ascii_digit() {
                    pid = pid
                        .saturating_mul(10)
                        .saturating_add(libc::pid_t::from(byte - b'0'));
                    in_number = true;
                } else if in_number {
                    f(pid);
                    pid = 0;
                    in_number = false;
                }
            }
        }
        if in_number {
            f(pid);
        }
        libc::close(fd);
    }
}

/// The state letter of `pid` in /proc (`Z` for a zombie), or 0.
unsafe fn process_state(pid: libc::pid_t) -> u8 {
    // "/proc/" + up to 10 digits + "/stat" + NUL
    let mut path = [0u8; 32];
    let prefix = b"/proc/";
    path[..prefix.len()].copy_from_slice(prefix);
    let mut at = prefix.len();
    let mut digits = [0u8; 10];
    let mut count = 0;
    let mut value = pid.max(0) as u32;
    loop {
        digits[count] = b'0' + (value % 10) as u8;
        count += 1;
        value /= 10;
        if value == 0 || count == digits.len() {
            break;
        }
    }
    for i in (0..count).rev() {
        path[at] = digits[i];
        at += 1;
    }
    let suffix = b"/stat";
    path[at..at + suffix.len()].copy_from_slice(suffix);
    // SAFETY: `path` is NUL-terminated (zero-filled); raw open/read/close.
    unsafe {
        let fd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return 0;
        }
        let mut buffer = [0u8; 512];
        let n = libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len());
        libc::close(fd);
        if n <= 0 {
            return 0;
        }
        let text = &buffer[..n as usize];
        // "pid (comm) S ...": the state follows the last ')'.
        match text.iter().rposition(|&b| b == b')') {
            Some(close) if close + 2 < text.len() => text[close + 2],
            _ => 0,
        }
    }
}
