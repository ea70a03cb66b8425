//! The result channel: a file descriptor set up by the grader, stamped with a
//! nonce the harness takes out of the environment before student code runs.
//!
//! When the program is run by hand (no grader), verdicts go to stdout instead,
//! so an instructor can run one check directly while writing it.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::sync::{Mutex, OnceLock};

use threadlings_schema::protocol::{Envelope, Message, NONCE_ENV, NONCE_FD_ENV, RESULT_FD_ENV};

struct Channel {
    nonce: String,
    sink: Option<File>,
}

static CHANNEL: OnceLock<Mutex<Channel>> = OnceLock::new();

/// Takes the nonce and the descriptor out of the environment. Must run first
/// thing in `main`, while the process has a single thread.
pub(crate) fn open() {
    // Not dumpable: `/proc/self/mem`, `/proc/self/environ` and the other
    // ptrace-guarded files of this process become root's, so student code
    // (running under another user id) cannot read the nonce out of memory,
    // in safe Rust, with `std::fs`. `execve` resets the flag, hence here and
    // not in the grader. See docs/sandbox.md.
    // SAFETY: a plain prctl on this process.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    let mut nonce = std::env::var(NONCE_ENV).unwrap_or_default();
    if let Some(fd) = std::env::var(NONCE_FD_ENV)
        .ok()
        .and_then(|fd| fd.parse::<i32>().ok())
    {
        // SAFETY: the grader handed us this descriptor for exactly this; it is
        // read to the end and closed here, so nothing after us can read it.
        let source = unsafe { File::from_raw_fd(fd) };
        let mut text = String::new();
        let _ = source.take(256).read_to_string(&mut text);
        nonce = text.trim().to_string();
    }
    let fd = std::env::var(RESULT_FD_ENV)
        .ok()
        .and_then(|fd| fd.parse::<i32>().ok());
    // SAFETY: called at the start of main, before any other thread exists, so
    // nothing can read the environment concurrently.
    unsafe {
        std::env::remove_var(NONCE_ENV);
        std::env::remove_var(NONCE_FD_ENV);
        std::env::remove_var(RESULT_FD_ENV);
    }
    let sink = fd.map(|fd| {
        // SAFETY: the grader opened this descriptor for us and nothing else in
        // this process owns it. Marking it close-on-exec keeps processes that
        // student code starts from inheriting it.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            File::from_raw_fd(fd)
        }
    });
    let _ = CHANNEL.set(Mutex::new(Channel { nonce, sink }));
}

/// Sends one message to the grader (or prints it when run by hand).
pub(crate) fn send(message: Message) {
    let Some(channel) = CHANNEL.get() else {
        return;
    };
    let mut channel = channel.lock().unwrap_or_else(|poison| poison.into_inner());
    let line = Envelope {
        nonce: channel.nonce.clone(),
        message,
    }
    .to_line();
    match channel.sink.as_mut() {
        Some(sink) => {
            let _ = sink.write_all(line.as_bytes());
            let _ = sink.flush();
        }
        None => print!("{line}"),
    }
}

/// Whether messages go to a grader (which renders evidence itself), rather
/// than to stdout for someone running the check program by hand.
pub(crate) fn to_grader() -> bool {
    CHANNEL
        .get()
        .is_some_and(|channel| channel.lock().map(|c| c.sink.is_some()).unwrap_or(false))
}
