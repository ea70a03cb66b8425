//! End to end: `grader mutants` plants its mutants only in student-written
//! code, grades them, fails on a survivor, passes once every survivor is
//! marked equivalent with a reason, and fails on a stale mark. On the small
//! fixture course, with a solution whose mutants behave the same on every
//! run: the two read-to-write mutants deadlock `total` (caught by its
//! watchdog), the atomic mutants of `double` run on one thread (so no check
//! can tell them apart: survivors), and swapping two read locks changes
//! nothing (a survivor too).

use crate::fixture_course;

use predicates::prelude::*;

const SOLUTION: &str = r#"//! Exercise 01: echo, with locks and atomics for the mutants to find.
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Given code the student does not write: never mutated.
pub fn given() -> u64 {
    let a = AtomicU64::new(1);
    a.fetch_add(1, Ordering::SeqCst)
}

/// Returns `x` doubled.
pub fn double(x: u64) -> u64 {
    let value = AtomicU64::new(x);
    value.fetch_add(x, Ordering::SeqCst);
    value.load(Ordering::SeqCst)
}

/// Returns the sum of `values`.
pub fn total(values: &[u64]) -> u64 {
    let shared = RwLock::new(values.to_vec());
    let first = shared.read().unwrap();
    let second = shared.read().unwrap();
    first.iter().sum::<u64>() + 0 * second.len() as u64
}
"#;

const STUB: &str = r#"//! Exercise 01: echo.
#![allow(unused)]
use std::sync::atomic::{AtomicU64, Ordering};

/// Given code the student does not write: never mutated.
pub fn given() -> u64 {
    let a = AtomicU64::new(1);
    a.fetch_add(1, Ordering::SeqCst)
}

/// Returns `x` doubled.
pub fn double(x: u64) -> u64 {
    todo!()
}

/// Returns the sum of `values`.
pub fn total(values: &[u64]) -> u64 {
    todo!()
}
"#;

const CHECKS_TOML: &str = r#"format_version = 1

[exercise]
title = "Echo: double and add"
topic = "echo"

[[check]]
name = "doubles"
description = "double(x) is 2x."

[[check]]
name = "totals"
timeout_ms = 3000
description = "total adds every value."

[[check]]
name = "secret_large_totals"
private = true
description = "total of many values."
"#;

const SURVIVORS: [&str; 4] = [
    "ordering@double#1(fetch_add:SeqCst->AcqRel)",
    "rmw-split@double#1(fetch_add)",
    "ordering@double#1(load:SeqCst->Acquire)",
    "lock-order@total#1",
];

const CAUGHT: [&str; 2] = ["read-to-write@total#1", "read-to-write@total#2"];

fn fixture() -> fixture_course::Fixture {
    let fixture = fixture_course::course();
    fixture.write("exercises/01-echo/src/lib.rs", STUB);
    fixture.write("solutions/01-echo/src/lib.rs", SOLUTION);
    fixture.write("grader/checks/01-echo/checks.toml", CHECKS_TOML);
    fixture
}

fn equivalents(ids: &[&str]) -> String {
    let mut text = "format_version = 1\n".to_string();
    for id in ids {
        text.push_str(&format!(
            "\n[[equivalent]]\nid = \"{id}\"\nreason = \"one thread: no other thread can tell\"\n"
        ));
    }
    text
}

#[test]
fn mutants_are_planted_only_in_student_code_and_listed_by_id() {
    let fixture = fixture();
    let output = fixture.grader().arg("mutants").assert().success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    for id in SURVIVORS.iter().chain(&CAUGHT) {
        assert!(text.contains(id), "`{id}` missing from:\n{text}");
    }
    assert!(text.contains("6 mutants"), "{text}");
    assert!(!text.contains("@given"), "given code was mutated:\n{text}");
}

#[test]
fn a_survivor_fails_until_marked_equivalent_and_a_stale_mark_fails() {
    let fixture = fixture();
    let _serial = fixture_course::serial();

    let graded = fixture
        .grader()
        .args(["mutants", "--grade", "--mutants-all", "--jobs", "2"])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&graded.get_output().stdout).into_owned();
    for id in CAUGHT {
        assert!(
            text.lines()
                .any(|l| l.contains("caught by totals") && l.contains(id)),
            "`{id}` not caught by totals:\n{text}"
        );
    }
    for id in SURVIVORS {
        assert!(
            text.lines()
                .any(|l| l.contains("SURVIVED") && l.contains(id)),
            "`{id}` did not survive:\n{text}"
        );
    }
    assert!(
        text.contains(
            "01-echo                      6        0      2          0        4      33%"
        ),
        "{text}"
    );

    fixture.write(
        "grader/checks/01-echo/mutants.toml",
        &equivalents(&SURVIVORS),
    );
    fixture
        .grader()
        .args(["mutants", "--grade", "--jobs", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "01-echo                      6        0      2          4        0     100%",
        ));

    let mut stale = SURVIVORS.to_vec();
    stale.push("notify-drop@gone#1(notify_one)");
    fixture.write("grader/checks/01-echo/mutants.toml", &equivalents(&stale));
    fixture
        .grader()
        .args(["verify", "--mutants", "--jobs", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "`notify-drop@gone#1(notify_one)` is no mutant the grader plants any more",
        ));
}
