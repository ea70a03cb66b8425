//! Build slots: more than one cargo build of check programs at a time.
//!
//! Every build of one work directory shares a build directory per variant
//! (`build`, `build-loom`, ...), so dependencies compile once for all
//! subjects. Cargo holds a lock on a build directory for a whole build,
//! though: graders that build different subjects at once (`verify`'s wrong
//! answers) queue on it, and a 2-core machine compiles one small crate at a
//! time. A *slot* is a second set of build directories (`build-w1`,
//! `build-w1-loom`, ...) that a worker builds in, beside slot 0's.
//!
//! A new slot starts as a copy of slot 0's directory, taken under a shared
//! lock on cargo's own lock file so no cargo writes it meanwhile: cargo's
//! fingerprints do not depend on where the build directory lives, so the
//! dependencies (kit, facade, loom, shuttle, ...) are fresh there at once
//! instead of compiling again. Files are copied, never hard-linked: cargo
//! rewrites some of its files in place, and a shared inode would let one
//! slot's fingerprint vouch for the other slot's stale output.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

use crate::error::{Error, Result};

/// Slots at most: each is a full copy of the build directories (about 1 GB
/// for the course's three variants), so workers beyond this share slots
/// (and queue on their locks) instead of filling the disk.
pub const MAX_SLOTS: usize = 4;

/// The slot a worker builds in, when `slots` slots are in use (at most
/// [`MAX_SLOTS`]): workers beyond them take turns on a slot's cargo lock.
pub fn for_worker(worker: usize, slots: usize) -> usize {
    worker % slots.clamp(1, MAX_SLOTS)
}

/// The build directory of `slot` for `variant` (`None`: the plain build).
pub fn build_dir(work_dir: &Path, variant: Option<&str>, slot: usize) -> PathBuf {
    let mut name = String::from("build");
    if slot > 0 {
        name.push_str(&format!("-w{slot}"));
    }
    if let Some(variant) = variant {
        name.push('-');
        name.push_str(variant);
    }
    work_dir.join(name)
}

/// Makes sure the build directory of `slot` exists, seeding a new one from
/// slot 0's. Two graders seeding the same slot at once each copy to a
/// temporary directory; the first rename wins and the other copy is dropped.
pub fn ensure(work_dir: &Path, variant: Option<&str>, slot: usize) -> Result<PathBuf> {
    let dir = build_dir(work_dir, variant, slot);
    if slot == 0 || dir.exists() {
        return Ok(dir);
    }
    let source = build_dir(work_dir, variant, 0);
    if !source.is_dir() {
        return Ok(dir);
    }
    let temp = dir.with_file_name(format!(
        "{}.seeding-{}",
        dir.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&temp);
    {
        let _cargo_locks = cargo_locks_shared(&source);
        copy_tree(&source, &temp, true)?;
    }
    if fs::rename(&temp, &dir).is_err() {
        // Another grader seeded it first.
        let _ = fs::remove_dir_all(&temp);
    }
    Ok(dir)
}

/// Shared locks on every profile's `.cargo-lock` in `build_dir`: cargo takes
/// them exclusively for a build, so while these are held nothing writes there.
fn cargo_locks_shared(build_dir: &Path) -> Vec<File> {
    let Ok(entries) = fs::read_dir(build_dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| File::open(entry.path().join(".cargo-lock")).ok())
        .filter(|file| flock(file, FlockOperation::LockShared).is_ok())
        .collect()
}

/// Copies the regular files, directories and symlinks of `from` to `to`,
/// keeping modification times (cargo compares them). The compiler's scratch
/// directory (`tmp`) is left out.
fn copy_tree(from: &Path, to: &Path, root: bool) -> Result<()> {
    fs::create_dir_all(to).map_err(Error::io(format!("create {}", to.display())))?;
    let entries = fs::read_dir(from).map_err(Error::io(format!("list {}", from.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if root && name == "tmp" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            copy_tree(&source, &dest, false)?;
        } else if kind.is_symlink() {
            if let Ok(target) = fs::read_link(&source) {
                let _ = std::os::unix::fs::symlink(target, &dest);
            }
        } else if kind.is_file() {
            // A file cargo removed meanwhile (a stale artifact) is no loss.
            if fs::copy(&source, &dest).is_err() {
                continue;
            }
            if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                let _ = File::options()
                    .write(true)
                    .open(&dest)
                    .and_then(|f| f.set_modified(modified));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_zero_is_the_shared_directory_and_others_are_their_own() {
        let work = Path::new("/w");
        assert_eq!(build_dir(work, None, 0), Path::new("/w/build"));
        assert_eq!(build_dir(work, Some("loom"), 0), Path::new("/w/build-loom"));
        assert_eq!(build_dir(work, None, 1), Path::new("/w/build-w1"));
        assert_eq!(
            build_dir(work, Some("shuttle"), 2),
            Path::new("/w/build-w2-shuttle")
        );
        assert_eq!(for_worker(1, 2), 1);
        assert_eq!(for_worker(3, 2), 1, "two workers per slot");
        assert_eq!(
            for_worker(MAX_SLOTS, 8),
            0,
            "many workers share a few slots"
        );
        assert_eq!(for_worker(5, 0), 0);
    }

    #[test]
    fn a_new_slot_is_a_copy_of_slot_zero_with_its_modification_times() {
        let work = tempfile::tempdir().unwrap();
        let deps = work.path().join("build/grade/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(deps.join("libkit.rlib"), b"rlib").unwrap();
        fs::write(work.path().join("build/grade/.cargo-lock"), b"").unwrap();
        fs::create_dir_all(work.path().join("build/tmp")).unwrap();
        fs::write(work.path().join("build/tmp/scratch"), b"x").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options()
            .write(true)
            .open(deps.join("libkit.rlib"))
            .unwrap()
            .set_modified(old)
            .unwrap();

        let dir = ensure(work.path(), None, 1).unwrap();
        assert_eq!(dir, work.path().join("build-w1"));
        let copied = dir.join("grade/deps/libkit.rlib");
        assert_eq!(fs::read(&copied).unwrap(), b"rlib");
        assert_eq!(fs::metadata(&copied).unwrap().modified().unwrap(), old);
        assert!(!dir.join("tmp").exists());
        // Not a hard link: writing one slot's file leaves the other's alone.
        fs::write(&copied, b"changed").unwrap();
        assert_eq!(fs::read(deps.join("libkit.rlib")).unwrap(), b"rlib");
        // An existing slot is kept as it is.
        fs::write(deps.join("libkit.rlib"), b"newer").unwrap();
        ensure(work.path(), None, 1).unwrap();
        assert_eq!(fs::read(&copied).unwrap(), b"changed");
    }
}
