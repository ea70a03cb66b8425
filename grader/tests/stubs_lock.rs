//! `grader/checks/NN-topic/stub.lock` holds the fingerprint of the exercise's
//! committed stub, which lets grading skip untouched exercises. A stale entry
//! only makes grading slower (the exercise is built as usual), so this test is
//! what keeps the shortcut working after a stub is edited:
//! `UPDATE_STUBS_LOCK=1 cargo test -p grader --test suite stubs_lock::` rewrites it.

use std::path::PathBuf;

use threadlings_grader::subject::stubs;

#[test]
fn the_stubs_lock_matches_the_committed_stubs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let course = threadlings_grader::course::load(&root).unwrap();
    let update = std::env::var_os("UPDATE_STUBS_LOCK").is_some();
    let mut stale = Vec::new();
    for exercise in &course.exercises {
        let expected = stubs::render(&course, exercise).unwrap();
        let path = exercise.checks_dir.join(stubs::LOCK_FILE);
        if update {
            std::fs::write(&path, &expected).unwrap();
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != expected {
            stale.push(exercise.name.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "the stub fingerprints of {stale:?} are stale (a stub changed, or an exercise was \
         added): rewrite them with `UPDATE_STUBS_LOCK=1 cargo test -p grader --test suite stubs_lock::`"
    );
}
