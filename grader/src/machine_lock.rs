//! One measurement at a time on one machine.
//!
//! Within one grader, exclusive checks (timing) already run alone. But several
//! graders may share a machine and a work directory: the project's own tests
//! grade the stubs, the solutions and every wrong answer at once, `verify`
//! grades wrong answers on parallel workers, a student leaves `watch` running
//! and grades by hand. Without coordination a timing check of one grader
//! competes for the CPU with another grader's build, and a correct answer can
//! lose a speedup check (we saw it: 1.38x measured, 1.48x needed).
//!
//! So every build, public-test run and shareable check holds a *shared* lock
//! on a file in the work directory, and every exclusive check holds it
//! *exclusively*. A second file is a turnstile that keeps a waiting exclusive
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
    /// The lock of the graders that share `work_dir`.
    pub fn new(work_dir: &Path) -> MachineLock {
        MachineLock {
            main: work_dir.join(".machine.lock"),
            turnstile: work_dir.join(".machine.turnstile"),
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

/// Locking is best effort: a work directory we cannot write is reported by
/// the stage that needs it, not here.
fn lock(path: &Path, operation: FlockOperation) -> Option<File> {
    let file = open(path)?;
    flock(&file, operation).ok()?;
    Some(file)
}

fn open(path: &Path) -> Option<File> {
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
    fn shared_holders_overlap() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::new(dir.path());
        let _a = lock.shared();
        let _b = lock.shared(); // would block forever if shared were exclusive
    }

    #[test]
    fn an_exclusive_holder_waits_for_shared_ones_and_blocks_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::new(dir.path());
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
