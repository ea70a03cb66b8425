//! The course metadata is data an instructor edits by hand: a mistake must be
//! reported with the file and the field at fault, never as a panic or a
//! silently wrong course.

use std::fs;
use std::path::Path;

use threadlings_grader::course;

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A minimal valid course with one exercise; tests then break one thing.
fn minimal_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "course.toml",
        "format_version = 1\n[defaults]\npoints = 2\ntimeout_ms = 5000\n",
    );
    write(
        root,
        "exercises/01-demo/Cargo.toml",
        "[package]\nname = \"demo\"\n",
    );
    write(
        root,
        "grader/checks/01-demo/Cargo.toml",
        "[package]\nname = \"check-demo\"\n",
    );
    write(
        root,
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\ntopic = \"demo\"\n\
         [[check]]\nname = \"a\"\n[[check]]\nname = \"b\"\nkind = \"timing\"\npoints = 3\n\
         [[check]]\nname = \"c\"\nkind = \"timing\"\npoints = 1\nexclusive = false\n",
    );
    dir
}

fn load_error(root: &Path) -> String {
    course::load(root)
        .expect_err("the course must be rejected")
        .to_string()
}

#[test]
fn a_valid_course_resolves_defaults_and_discovers_exercises() {
    let dir = minimal_course();
    let course = course::load(dir.path()).unwrap();
    let exercise = &course.exercises[0];
    assert_eq!(exercise.name, "01-demo");
    assert_eq!(exercise.package, "demo");
    assert_eq!(exercise.check_package, "check-demo");
    assert_eq!(
        exercise.checks[0].points, 2.0,
        "points default from course.toml"
    );
    assert_eq!(exercise.checks[0].timeout.as_millis(), 5000);
    assert!(!exercise.checks[0].exclusive);
    assert!(
        exercise.checks[1].exclusive,
        "timing checks run alone by default"
    );
    assert!(
        !exercise.checks[2].exclusive,
        "a structural timing check may share the machine"
    );
    assert_eq!(course.max_score(), 6.0);
    assert_eq!(course.resolve_name("demo").unwrap().name, "01-demo");
    assert_eq!(course.resolve_name("01").unwrap().name, "01-demo");
    assert!(course.resolve_name("other").is_err());
}

#[test]
fn an_unknown_field_names_the_file() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\npionts = 3\n",
    );
    let error = load_error(dir.path());
    assert!(error.contains("checks.toml"), "{error}");
    assert!(error.contains("pionts"), "{error}");
}

#[test]
fn duplicate_checks_are_rejected() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\n[[check]]\nname = \"a\"\n",
    );
    assert!(load_error(dir.path()).contains("check `a` is listed twice"));
}

#[test]
fn an_exercise_without_checks_is_rejected() {
    let dir = minimal_course();
    fs::remove_file(dir.path().join("grader/checks/01-demo/checks.toml")).unwrap();
    let error = load_error(dir.path());
    assert!(error.contains("has no hidden checks"), "{error}");
}

#[test]
fn checks_without_an_exercise_are_rejected() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/02-ghost/checks.toml",
        "format_version = 1\n",
    );
    assert!(load_error(dir.path()).contains("no exercises/02-ghost"));
}

#[test]
fn a_wrong_answer_must_name_existing_checks() {
    let dir = minimal_course();
    write(
        dir.path(),
        "solutions/01-demo/wrong/bad/wrong.toml",
        "description = \"x\"\ncaught_by = [\"nope\"]\n",
    );
    let error = load_error(dir.path());
    assert!(
        error.contains("wrong.toml") && error.contains("`nope`"),
        "{error}"
    );
}

#[test]
fn a_check_variant_must_be_declared() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\nvariant = \"loom\"\n",
    );
    assert!(load_error(dir.path()).contains("variant `loom` is not declared"));
    write(
        dir.path(),
        "course.toml",
        "format_version = 1\n[variants.loom]\ncfg = [\"loom\"]\n",
    );
    let course = course::load(dir.path()).unwrap();
    assert_eq!(
        course.exercises[0].checks[0].variant.as_deref(),
        Some("loom")
    );
    assert_eq!(course.variants["loom"].cfg, vec!["loom".to_string()]);
}

#[test]
fn an_unsupported_format_version_is_rejected() {
    let dir = minimal_course();
    write(dir.path(), "course.toml", "format_version = 2\n");
    assert!(load_error(dir.path()).contains("format_version 2 is not supported"));
}

#[test]
fn negative_points_are_rejected() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\npoints = -1\n",
    );
    assert!(load_error(dir.path()).contains("points must be a number >= 0"));
}

/// checks.toml of the minimal course with one race check `r` whose entry
/// ends with `extra`.
fn race_check(extra: &str) -> String {
    format!(
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\n\
         [[check]]\nname = \"r\"\nkind = \"race\"\n{extra}\n"
    )
}

#[test]
fn a_race_check_budget_is_read_from_the_metadata() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        &race_check("budget = { rounds = 300, max_ms = 5000 }"),
    );
    let course = course::load(dir.path()).unwrap();
    let checks = &course.exercises[0].checks;
    assert!(checks[0].budget.is_empty(), "no budget: the code's numbers");
    assert_eq!(checks[1].budget.rounds, Some(300));
    assert_eq!(checks[1].budget.max_ms, Some(5000));
    assert_eq!(checks[1].budget.schedules, None);
    assert_eq!(checks[1].budget.to_string(), "rounds=300,max_ms=5000");
}

#[test]
fn a_bad_budget_names_the_file_the_check_and_the_key() {
    let cases = [
        (
            "budget = { rounds = 300, schedulez = 2000 }",
            "check `r`: budget key `schedulez` is unknown (known keys: rounds, schedules, depth, preemption_bound, max_ms)",
        ),
        (
            "budget = { rounds = 0 }",
            "check `r`: budget `rounds` must be at least 1",
        ),
        (
            "budget = { schedules = 2000, depth = -1 }",
            "check `r`: budget `depth` must be a whole number, got `-1`",
        ),
        (
            "budget = { max_ms = \"5s\" }",
            "check `r`: budget `max_ms` must be a whole number",
        ),
    ];
    for (budget, expected) in cases {
        let dir = minimal_course();
        write(
            dir.path(),
            "grader/checks/01-demo/checks.toml",
            &race_check(budget),
        );
        let error = load_error(dir.path());
        assert!(
            error.contains("checks.toml") && error.contains(expected),
            "{budget}: {error}"
        );
    }
}

#[test]
fn only_race_checks_take_a_budget() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n[[check]]\nname = \"a\"\n\
         budget = { rounds = 3 }\n",
    );
    let error = load_error(dir.path());
    assert!(
        error.contains("check `a`: a budget sizes a race check") && error.contains("kind `test`"),
        "{error}"
    );
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        &race_check("budget = { preemption_bound = 0 }"),
    );
    let course = course::load(dir.path()).unwrap();
    assert_eq!(
        course.exercises[0].checks[1].budget.preemption_bound,
        Some(0),
        "bound 0 (no preemptions) is a valid model budget"
    );
}

#[test]
fn compile_bounds_and_unsafe_come_from_the_metadata_with_defaults() {
    let dir = minimal_course();
    let course = course::load(dir.path()).unwrap();
    assert_eq!(course.exercises[0].compile, course::CompileBounds::DEFAULT);
    assert!(
        !course.exercises[0].allow_unsafe,
        "unsafe is forbidden by default"
    );

    write(
        dir.path(),
        "course.toml",
        "format_version = 1\n[defaults]\ncompile_memory_mb = 900\n",
    );
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\ncompile_timeout_ms = 7000\n\
         [[check]]\nname = \"a\"\n",
    );
    write(
        dir.path(),
        "exercises/01-demo/Cargo.toml",
        "[package]\nname = \"demo\"\n[package.metadata.threadlings]\nunsafe = true\n",
    );
    let course = course::load(dir.path()).unwrap();
    let exercise = &course.exercises[0];
    assert_eq!(
        exercise.compile,
        course::CompileBounds {
            cpu_ms: 7000,
            memory_mb: 900
        }
    );
    assert!(exercise.allow_unsafe);
}

#[test]
fn unsafe_in_the_old_facade_place_is_rejected_with_where_it_moved() {
    let dir = minimal_course();
    write(
        dir.path(),
        "exercises/01-demo/Cargo.toml",
        "[package]\nname = \"demo\"\n[package.metadata.threadlings.facade]\nunsafe = true\n",
    );
    let error = load_error(dir.path());
    assert!(error.contains("exercises/01-demo/Cargo.toml"), "{error}");
    assert!(error.contains("moved"), "{error}");
}

#[test]
fn a_zero_compile_bound_is_rejected() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\ncompile_memory_mb = 0\n\
         [[check]]\nname = \"a\"\n",
    );
    assert!(load_error(dir.path()).contains("compile_memory_mb"));
}

#[test]
fn sandbox_read_paths_resolve_against_the_course_root_and_must_exist() {
    let dir = minimal_course();
    write(
        dir.path(),
        "grader/checks/01-demo/data/input.txt",
        "1 2 3\n",
    );
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n\
         sandbox_read = [\"grader/checks/01-demo/data\"]\n[[check]]\nname = \"a\"\n",
    );
    let course = course::load(dir.path()).unwrap();
    assert_eq!(
        course.exercises[0].sandbox_read,
        [dir.path().join("grader/checks/01-demo/data")]
    );
    write(
        dir.path(),
        "grader/checks/01-demo/checks.toml",
        "format_version = 1\n[exercise]\ntitle = \"Demo\"\n\
         sandbox_read = [\"nowhere\"]\n[[check]]\nname = \"a\"\n",
    );
    let error = load_error(dir.path());
    assert!(
        error.contains("sandbox_read") && error.contains("nowhere"),
        "{error}"
    );
}
