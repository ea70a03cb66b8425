//! Mirrors files into the generated build workspace, writing only what changed.
//!
//! Cargo decides what to rebuild from file modification times, so rewriting an
//! unchanged file would make every warm grading a cold one. Symlinks in a
//! subject are skipped, never followed: a submission must not pull files from
//! elsewhere on the machine into the build.
//!
//! A layer may change a lower layer's file instead of replacing it: `X.patch`
//! (a unified diff, as `diff -u` writes it) is applied to `X` from the layers
//! below. Known-wrong answers are written this way, so each one is exactly
//! its mistake, and a solution edit that a wrong answer no longer fits is an
//! error instead of a silently stale copy.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where the content of one mirrored file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, copied as it is.
    File(PathBuf),
    /// A lower layer's file with a unified diff applied.
    Patched { base: Box<Source>, patch: PathBuf },
}

impl Source {
    /// The bytes this source stands for.
    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            Source::File(path) => fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            }),
            Source::Patched { base, patch } => {
                let base = base.read()?;
                let text = fs::read(patch).map_err(|source| Error::Read {
                    path: patch.clone(),
                    source,
                })?;
                let parsed = diffy::Patch::from_bytes(&text).map_err(|e| Error::Parse {
                    path: patch.clone(),
                    message: format!("not a unified diff: {e}"),
                })?;
                diffy::apply_bytes(&base, &parsed).map_err(|e| {
                    Error::Subject(format!(
                        "{} no longer applies ({e}): the file it changes was edited; \
                         regenerate it with `diff -u`",
                        patch.display()
                    ))
                })
            }
        }
    }
}

/// The suffix of a file that patches the same-named file of a lower layer.
const PATCH_SUFFIX: &str = ".patch";

/// Collects the regular files of `layers` (later layers win) by relative path.
pub fn collect(layers: &[PathBuf]) -> Result<BTreeMap<PathBuf, Source>> {
    let mut files = BTreeMap::new();
    for layer in layers {
        let mut found = BTreeMap::new();
        walk(layer, Path::new(""), &mut found)?;
        for (relative, path) in found {
            let target = relative
                .to_str()
                .and_then(|name| name.strip_suffix(PATCH_SUFFIX))
                .map(PathBuf::from);
            match target {
                Some(target) => {
                    let base = files.remove(&target).ok_or_else(|| {
                        Error::Subject(format!(
                            "{} patches {}, which no lower layer has",
                            path.display(),
                            target.display()
                        ))
                    })?;
                    let patched = Source::Patched {
                        base: Box::new(base),
                        patch: path,
                    };
                    files.insert(target, patched);
                }
                None => {
                    files.insert(relative, Source::File(path));
                }
            }
        }
    }
    Ok(files)
}

fn walk(root: &Path, relative: &Path, files: &mut BTreeMap<PathBuf, PathBuf>) -> Result<()> {
    let dir = root.join(relative);
    let entries = fs::read_dir(&dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(Error::io(format!("list {}", dir.display())))?;
        let file_type = entry
            .file_type()
            .map_err(Error::io(format!("inspect {}", entry.path().display())))?;
        let name = entry.file_name();
        let child = relative.join(&name);
        if file_type.is_dir() {
            if name != "target" {
                walk(root, &child, files)?;
            }
        } else if file_type.is_file() {
            files.insert(child, entry.path());
        }
    }
    Ok(())
}

/// Makes `dest` hold exactly `files` (relative path -> source), touching only
/// what differs.
pub fn mirror(files: &BTreeMap<PathBuf, Source>, dest: &Path) -> Result<()> {
    for (relative, source) in files {
        write_if_changed(&dest.join(relative), &source.read()?)?;
    }
    remove_extra(dest, Path::new(""), files)
}

/// Writes `bytes` to `path` unless it already holds exactly them. The write
/// is atomic (temporary file, then rename) because two graders may prepare the
/// same subject at once, and cargo must never read a half-written file.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|existing| existing == bytes) {
        return Ok(());
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(Error::io(format!("create {}", parent.display())))?;
    let mut temp = tempfile::NamedTempFile::new_in(parent)
        .map_err(Error::io(format!("create a file in {}", parent.display())))?;
    std::io::Write::write_all(&mut temp, bytes)
        .map_err(Error::io(format!("write {}", path.display())))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .map_err(Error::io(format!("write {}", path.display())))?;
    Ok(())
}

fn remove_extra(root: &Path, relative: &Path, keep: &BTreeMap<PathBuf, Source>) -> Result<()> {
    let dir = root.join(relative);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let child = relative.join(entry.file_name());
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            remove_extra(root, &child, keep)?;
            if fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                let _ = fs::remove_dir(&path);
            }
        } else if !keep.contains_key(&child) && !is_temp_file(&child) {
            fs::remove_file(&path).map_err(Error::io(format!("remove {}", path.display())))?;
        }
    }
    Ok(())
}

/// Temporary files of a concurrent `write_if_changed` are not ours to remove.
fn is_temp_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(".tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_keep_their_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.rs");
        write_if_changed(&path, b"fn main() {}").unwrap();
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_if_changed(&path, b"fn main() {}").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        write_if_changed(&path, b"fn main() { }").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"fn main() { }");
    }

    #[test]
    fn later_layers_win_and_extra_files_are_removed() {
        let base = tempfile::tempdir().unwrap();
        let over = tempfile::tempdir().unwrap();
        let dest = tempfile::tempdir().unwrap();
        fs::write(base.path().join("lib.rs"), "base").unwrap();
        fs::write(base.path().join("util.rs"), "util").unwrap();
        fs::write(over.path().join("lib.rs"), "over").unwrap();
        fs::write(dest.path().join("stale.rs"), "stale").unwrap();
        let files = collect(&[base.path().to_path_buf(), over.path().to_path_buf()]).unwrap();
        mirror(&files, dest.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dest.path().join("lib.rs")).unwrap(),
            "over"
        );
        assert_eq!(
            fs::read_to_string(dest.path().join("util.rs")).unwrap(),
            "util"
        );
        assert!(!dest.path().join("stale.rs").exists());
    }

    #[test]
    fn symlinks_in_a_subject_are_not_followed() {
        let src = tempfile::tempdir().unwrap();
        let secret = tempfile::tempdir().unwrap();
        fs::write(secret.path().join("answer.rs"), "secret").unwrap();
        std::os::unix::fs::symlink(secret.path().join("answer.rs"), src.path().join("lib.rs"))
            .unwrap();
        std::os::unix::fs::symlink(secret.path(), src.path().join("dir")).unwrap();
        let files = collect(&[src.path().to_path_buf()]).unwrap();
        assert!(files.is_empty(), "{files:?}");
    }

    #[test]
    fn a_patch_changes_the_lower_layers_file() {
        let base = tempfile::tempdir().unwrap();
        let over = tempfile::tempdir().unwrap();
        let dest = tempfile::tempdir().unwrap();
        fs::write(
            base.path().join("lib.rs"),
            "fn a() {}\nfn b() {}\nfn c() {}\n",
        )
        .unwrap();
        let patch = "--- a/lib.rs\n+++ b/lib.rs\n@@ -1,3 +1,3 @@\n fn a() {}\n-fn b() {}\n+fn b() { wrong() }\n fn c() {}\n";
        fs::write(over.path().join("lib.rs.patch"), patch).unwrap();
        let files = collect(&[base.path().to_path_buf(), over.path().to_path_buf()]).unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        mirror(&files, dest.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dest.path().join("lib.rs")).unwrap(),
            "fn a() {}\nfn b() { wrong() }\nfn c() {}\n"
        );
    }

    #[test]
    fn a_patch_that_no_longer_fits_is_an_error_naming_it() {
        let base = tempfile::tempdir().unwrap();
        let over = tempfile::tempdir().unwrap();
        fs::write(base.path().join("lib.rs"), "fn a() {}\nfn edited() {}\n").unwrap();
        let patch = "--- a/lib.rs\n+++ b/lib.rs\n@@ -1,2 +1,2 @@\n fn a() {}\n-fn b() {}\n+fn b() { wrong() }\n";
        fs::write(over.path().join("lib.rs.patch"), patch).unwrap();
        let files = collect(&[base.path().to_path_buf(), over.path().to_path_buf()]).unwrap();
        let error = files[Path::new("lib.rs")].read().unwrap_err().to_string();
        assert!(error.contains("lib.rs.patch no longer applies"), "{error}");
    }

    #[test]
    fn a_patch_without_its_file_is_an_error() {
        let over = tempfile::tempdir().unwrap();
        fs::write(over.path().join("gone.rs.patch"), "").unwrap();
        let error = collect(&[over.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("which no lower layer has"), "{error}");
    }
}
