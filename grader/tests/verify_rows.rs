//! `grader verify` grades the wrong answers beside the solution runs and the
//! public tests (`threadlings_grader::verify`), yet its rows keep the order a
//! reader expects: stubs, public tests, solutions, public tests, then every
//! wrong answer.

use crate::fixture_course;

#[test]
fn verify_rows_keep_their_order_while_the_wrong_answers_grade_beside() {
    let fixture = fixture_course::course();
    let _serial = fixture_course::serial();
    // The fixture's README starts without its checks table.
    fixture
        .grader()
        .args(["readmes", "--fix"])
        .assert()
        .success();
    let (_, rows) = fixture.verify_rows(9, &["--runs", "2"]);
    // The fixture has no public tests (their rows are misses); every other
    // expectation holds.
    let misses: Vec<_> = rows
        .iter()
        .filter(|r| r["ok"] != true)
        .filter(|r| !r["subject"].as_str().unwrap().starts_with("public tests"))
        .collect();
    assert!(misses.is_empty(), "{misses:#?}");
    let subjects: Vec<&str> = rows
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "readmes",
            "stubs",
            "public tests on stubs",
            "solutions",
            "solutions",
            "public tests on solutions",
            "wrong 01-echo/add-one",
            "wrong 01-echo/add-one",
        ],
        "{rows:#?}"
    );
    let runs: Vec<u64> = rows.iter().map(|r| r["run"].as_u64().unwrap()).collect();
    assert_eq!(runs[3..5], [1, 2]);
    assert_eq!(runs[6..], [1, 2], "a wrong answer's runs in order");
}
