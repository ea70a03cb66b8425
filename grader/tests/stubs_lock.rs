//! `grader/checks/stubs.lock` holds the fingerprint of every exercise's
//! committed stub, which lets grading skip untouched exercises. A stale entry
//! only makes grading slower (the exercise is built as usual), so this test is
//! what keeps the shortcut working after a stub is edited:
//! `UPDATE_STUBS_LOCK=1 cargo test -p grader --test stubs_lock` rewrites it.

use std::path::PathBuf;

use threadlings_grader::subject::stubs;

#[test]
fn the_stubs_lock_matches_the_committed_stubs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let course = threadlings_grader::course::load(&root).unwrap();
    let expected = stubs::render(&course).unwrap();
    let path = root.join(stubs::LOCK_PATH);
    if std::env::var_os("UPDATE_STUBS_LOCK").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual,
        expected,
        "{} is stale (a stub changed, or an exercise was added): rewrite it with \
         `UPDATE_STUBS_LOCK=1 cargo test -p grader --test stubs_lock`",
        stubs::LOCK_PATH
    );
}
