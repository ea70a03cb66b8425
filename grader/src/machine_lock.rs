//! One measurement at a time on one machine.
//!
//! Within one grader, exclusive checks (timing) already run alone. But several
//! graders may share a machine: the project's own tests grade the stubs, the
//! solutions, every wrong answer and small fixture courses at once, `verify`
//! grades wrong answers on parallel workers, a student leaves `watch` running
//! and grades by hand, perhaps in a second course copy. Without coordination
//! a timing check of one grader competes for the CPU with another grader's
//! build, and a correct answer can lose a speedup check (we saw it: 1.38x
//! measured, 1.48x needed).
//!
//! So every build, public-test run and shareable check holds a *shared* lock
//! on a file of the machine (in the temporary directory, whatever the course
//! or work directory: the CPU is the machine's), and every exclusive check
//! holds it *exclusively*. A second file is a turnstile that keeps a waiting exclusive
//! check from being starved by a stream of shared holders: shared holders
//! pass through it (take and drop it shared) before taking the main lock,
//! and an exclusive waiter holds it while it waits. `flock` locks belong to
//! an open file description, so threads of one grader coordinate the same
//! way as separate processes, and a lock dies with its process.
//!
//! No thread ever waits for the lock while holding it, so there is no
//! deadlock: a grader releases its shared locks before its exclusive phase.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

/// The lock files of one work directory.
#[derive(Debug, Clone)]
pub struct MachineLock {
    main: PathBuf,
    turnstile: PathBuf,
}

/// Held while the guarded work runs; dropping it releases the lock.
#[derive(Debug)]
pub struct Held {
    _file: Option<File>,
}

impl MachineLock {
    /// The lock of every grader on this machine: files in the temporary
    /// directory (`TMPDIR`, else `/tmp`).
    pub fn for_machine() -> MachineLock {
        MachineLock::in_dir(&std::env::temp_dir())
    }

    /// The lock kept in `dir` (tests use a directory of their own).
    pub fn in_dir(dir: &Path) -> MachineLock {
        MachineLock {
            main: dir.join("threadlings-machine.lock"),
            turnstile: dir.join("threadlings-machine.turnstile"),
        }
    }

    /// For work that may share the machine (builds, shareable checks).
    pub fn shared(&self) -> Held {
        if let Some(turnstile) = open(&self.turnstile) {
            let _ = flock(&turnstile, FlockOperation::LockShared);
            drop(turnstile);
        }
        Held {
            _file: lock(&self.main, FlockOperation::LockShared),
        }
    }

    /// For work that needs the machine to itself (timing checks).
    pub fn exclusive(&self) -> Held {
        let turnstile = lock(&self.turnstile, FlockOperation::LockExclusive);
        let held = Held {
            _file: lock(&self.main, FlockOperation::LockExclusive),
        };
        drop(turnstile);
        held
    }
}

impl MachineLock {
    /// Whether someone holds the lock exclusively now (a non-blocking try).
    #[cfg(test)]
    pub(crate) fn is_held_exclusively(&self) -> bool {
        open(&self.main)
            .is_some_and(|file| flock(&file, FlockOperation::NonBlockingLockShared).is_err())
    }
}

/// Locking is best effort: a work directory we cannot write is reported by
/// the stage that needs it, not here.
fn lock(path: &Path, operation: FlockOperation) -> Option<File> {
    let file = open(path)?;
    flock(&file, operation).ok()?;
    Some(file)
}

/// `flock` needs only a readable descriptor, so a lock file another user
/// created (mode 0644 in a shared `/tmp`) still serves: open it for reading,
/// and create it only when it is missing.
fn open(path: &Path) -> Option<File> {
    if let Ok(file) = File::open(path) {
        return Some(file);
    }
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .ok()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use super::MachineLock;

    #[test]
    fn every_grader_on_the_machine_shares_one_lock() {
        // Not the work directory: graders of two course copies (or of a
        // fixture course and the real one) compete for the same cores.
        let lock = MachineLock::for_machine();
        assert_eq!(lock.main.parent(), Some(std::env::temp_dir().as_path()));
        assert_eq!(lock.main, MachineLock::for_machine().main);
    }

    #[test]
    fn a_lock_file_this_user_cannot_write_still_locks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::in_dir(dir.path());
        for file in [&lock.main, &lock.turnstile] {
            std::fs::write(file, "").unwrap();
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
        let held = lock.exclusive();
        assert!(
            held._file.is_some(),
            "a read-only lock file must still lock"
        );
    }

    #[test]
    fn shared_holders_overlap() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::in_dir(dir.path());
        let _a = lock.shared();
        let _b = lock.shared(); // would block forever if shared were exclusive
    }

    #[test]
    fn an_exclusive_holder_waits_for_shared_ones_and_blocks_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::in_dir(dir.path());
        let building = lock.shared();
        let measuring = Arc::new(AtomicBool::new(false));
        let started = Arc::new(Barrier::new(2));
        let exclusive = {
            let (lock, measuring, started) = (lock.clone(), measuring.clone(), started.clone());
            std::thread::spawn(move || {
                started.wait();
                let _alone = lock.exclusive();
                measuring.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(200));
                measuring.store(false, Ordering::SeqCst);
            })
        };
        started.wait();
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !measuring.load(Ordering::SeqCst),
            "the exclusive holder must wait for the shared one"
        );
        drop(building);
        // Give the waiter time to take the lock, then a new shared holder
        // must wait until the measurement is over.
        std::thread::sleep(Duration::from_millis(50));
        let _next = lock.shared();
        assert!(
            !measuring.load(Ordering::SeqCst),
            "a shared holder got in during an exclusive one"
        );
        exclusive.join().unwrap();
    }
}
