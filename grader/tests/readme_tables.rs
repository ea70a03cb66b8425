//! The "How it is graded" tables generated from checks.toml: `grader readmes`
//! finds a missing or edited table, `--fix` writes it, and `grader verify`
//! fails while a README's table is stale.

use crate::fixture_course;

use predicates::prelude::*;
use serde_json::Value;

const README: &str = "exercises/01-echo/README.md";

/// The `readmes` row of `grader verify --format json` on the fixture.
fn verify_readme_row(fixture: &fixture_course::Fixture) -> (Option<i32>, Value) {
    let (code, rows) = fixture.verify_rows(3, &["--runs", "1"]);
    let row = rows
        .into_iter()
        .find(|r| r["subject"] == "readmes")
        .expect("verify checks the README tables");
    (code, row)
}

fn verify_human(fixture: &fixture_course::Fixture) -> String {
    let out = fixture
        .grader()
        .args(["--quiet", "--seed", "3", "verify", "--runs", "1"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_missing_table_is_reported_and_fix_writes_it_from_checks_toml() {
    let fixture = fixture_course::course();
    fixture
        .grader()
        .arg("readmes")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{README} has no checks table"
        )));

    fixture
        .grader()
        .args(["readmes", "--fix"])
        .assert()
        .success();
    let text = fixture.read(README);
    assert!(text.starts_with("# Echo\n\nDouble and add.\n"), "{text}");
    assert!(text.contains("## How it is graded"), "{text}");
    assert!(text.contains("<!-- checks:begin -->"), "{text}");
    assert!(
        text.contains("| `doubles` | test | 2 | double(x) is 2x. |"),
        "{text}"
    );
    assert!(
        text.contains("| `totals` | test | 1 | total adds every value. |"),
        "{text}"
    );
    assert!(
        !text.contains("secret"),
        "private checks stay out of the README:\n{text}"
    );
    fixture.grader().arg("readmes").assert().success();
}

#[test]
fn verify_fails_while_a_table_is_stale_and_passes_once_regenerated() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    // A public test, so that the README table is all verify can miss.
    fixture.write(
        "exercises/01-echo/tests/public.rs",
        "#[test]\nfn doubles() {\n    assert_eq!(echo::double(2), 4);\n}\n",
    );
    fixture
        .grader()
        .args(["readmes", "--fix"])
        .assert()
        .success();
    let (code, row) = verify_readme_row(&fixture);
    assert_eq!(row["ok"], true, "{row:#}");
    assert_eq!(
        code,
        Some(0),
        "the fresh fixture passes verify: {}",
        verify_human(&fixture)
    );

    // Someone edits the table instead of checks.toml.
    let text = fixture.read(README);
    let edited = text.replace("| `doubles` | test | 2 |", "| `doubles` | test | 5 |");
    assert_ne!(edited, text);
    fixture.write(README, &edited);
    let (code, row) = verify_readme_row(&fixture);
    assert_eq!(code, Some(1), "a stale table fails verify");
    assert_eq!(row["ok"], false, "{row:#}");
    assert!(
        row["problem"]
            .as_str()
            .unwrap()
            .contains(&format!("{README} differs from checks.toml")),
        "{row:#}"
    );

    fixture
        .grader()
        .args(["readmes", "--fix"])
        .assert()
        .success();
    assert_eq!(fixture.read(README), text, "regenerated as before");
    let (code, row) = verify_readme_row(&fixture);
    assert_eq!(row["ok"], true, "{row:#}");
    assert_eq!(
        code,
        Some(0),
        "nothing else misses in the fixture: {}",
        verify_human(&fixture)
    );
}
