//! Grading mutants and the coverage table `verify --mutants` prints.
//!
//! A mutant needs one failing check to be caught, so its checks run in
//! stages, cheapest first, and grading stops at the first stage that fails
//! one: the plain build's checks (tests, stress, process), then each build
//! variant's (shuttle, loom: built only when reached), then the exclusive
//! ones (timing), which run alone on the machine. Most mutants are caught in
//! the first stage, so most never pay for a variant build or a timing check.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::Mutant;
use super::equivalents::Equivalents;
use crate::course::{Course, ExercisePlan, WrongAnswer};
use crate::error::{Error, Result};
use crate::grade::{GradeOptions, Silent};
use crate::verify::{CatchRule, VerifyOptions, grade_wrong_answers};

/// What grading did to one mutant.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// These checks failed (the first stage that failed any).
    Caught { by: Vec<String> },
    /// Every check passed: a hole in the checks.
    Survived,
    /// It does not compile (not a program a student could submit).
    Unviable { error: String },
    /// `mutants.toml` says it is no bug; not graded.
    Equivalent { reason: String },
}

/// One mutant with its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct MutantResult {
    pub exercise: String,
    pub id: String,
    pub operator: &'static str,
    pub file: String,
    pub line: usize,
    pub before: String,
    pub after: String,
    #[serde(flatten)]
    pub verdict: Verdict,
    pub seed: u64,
    pub duration_ms: u64,
}

/// The coverage table's row of one exercise.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    pub exercise: String,
    pub mutants: usize,
    pub unviable: usize,
    pub caught: usize,
    pub equivalent: usize,
    pub survived: usize,
    /// `mutants.toml` entries that name no planted mutant.
    pub stale: Vec<String>,
}

impl Coverage {
    /// Caught share of the mutants that are bugs: caught / (caught + survived).
    pub fn score(&self) -> Option<f64> {
        let bugs = self.caught + self.survived;
        (bugs > 0).then(|| self.caught as f64 / bugs as f64)
    }

    /// Whether this row holds: nothing survived and no entry is stale.
    pub fn ok(&self) -> bool {
        self.survived == 0 && self.stale.is_empty()
    }
}

/// Grades `mutants` (of any exercises), calling `on_result` as each verdict
/// is final; equivalents are reported, not graded.
///
/// Stage by stage, every mutant still standing is graded as a wrong answer
/// whose `caught_by` is that stage's checks ([`CatchRule::AnyListedCheck`]),
/// through [`grade_wrong_answers`]: the same build slots and parallel
/// workers as the known-wrong answers, one mechanism.
pub fn grade_mutants(
    course: &Course,
    options: &GradeOptions,
    mutants: &[Mutant],
    equivalents: &BTreeMap<String, Equivalents>,
    on_result: &mut dyn FnMut(&MutantResult),
) -> Result<Vec<MutantResult>> {
    let started = Instant::now();
    let mut results: Vec<Option<MutantResult>> = vec![None; mutants.len()];
    let mut pending: Vec<(usize, WrongAnswer, Vec<Vec<String>>)> = Vec::new();
    for (index, mutant) in mutants.iter().enumerate() {
        let exercise = course
            .exercise(&mutant.exercise)
            .ok_or_else(|| Error::UnknownExercise(mutant.exercise.clone()))?;
        let reason = equivalents
            .get(&mutant.exercise)
            .and_then(|e| e.reasons.get(&mutant.id));
        if let Some(reason) = reason {
            let result = result_of(
                mutant,
                Verdict::Equivalent {
                    reason: reason.clone(),
                },
                options.seed,
                0,
            );
            on_result(&result);
            results[index] = Some(result);
            continue;
        }
        let wrong = super::materialize(&options.work_dir, mutant, exercise)?;
        pending.push((index, wrong, stages(exercise)));
    }
    let verify_options = VerifyOptions {
        runs: 1,
        wrong_runs: 1,
        base_seed: options.seed,
        grade: GradeOptions {
            shortcut_stubs: false,
            ..options.clone()
        },
    };
    let mut stage = 0;
    while !pending.is_empty() {
        // This stage's checks of every mutant that has one; the others are
        // through every stage and survived.
        let (graded, done): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|(_, _, stages)| stage < stages.len());
        for (index, _, _) in done {
            let result = result_of(
                &mutants[index],
                Verdict::Survived,
                options.seed,
                started.elapsed().as_millis() as u64,
            );
            on_result(&result);
            results[index] = Some(result);
        }
        let answers: Vec<WrongAnswer> = graded
            .iter()
            .map(|(_, wrong, stages)| WrongAnswer {
                caught_by: stages[stage].clone(),
                ..wrong.clone()
            })
            .collect();
        let listed: Vec<(&WrongAnswer, CatchRule)> = answers
            .iter()
            .map(|wrong| (wrong, CatchRule::AnyListedCheck))
            .collect();
        let verdicts =
            grade_wrong_answers(course, &listed, &verify_options, &mut Silent, &mut |_| {})?;
        let mut still = Vec::new();
        for ((index, wrong, stages), verdict) in graded.into_iter().zip(verdicts) {
            match verdict_of(&verdict.report) {
                Some(found) => {
                    let result = result_of(
                        &mutants[index],
                        found,
                        options.seed,
                        started.elapsed().as_millis() as u64,
                    );
                    on_result(&result);
                    results[index] = Some(result);
                }
                None => still.push((index, wrong, stages)),
            }
        }
        pending = still;
        stage += 1;
    }
    Ok(results.into_iter().flatten().collect())
}

fn result_of(mutant: &Mutant, verdict: Verdict, seed: u64, duration_ms: u64) -> MutantResult {
    MutantResult {
        exercise: mutant.exercise.clone(),
        id: mutant.id.clone(),
        operator: mutant.operator,
        file: mutant.file.display().to_string(),
        line: mutant.line,
        before: mutant.before.clone(),
        after: mutant.after.clone(),
        verdict,
        seed,
        duration_ms,
    }
}

/// The verdict one stage's report gives, or `None` when every check of
/// the stage passed (the mutant goes on to the next stage).
fn verdict_of(report: &GradeReport) -> Option<Verdict> {
    let graded = report.exercises.first()?;
    if graded.status == ExerciseStatus::CompileError {
        let error = graded.build_errors.as_deref().unwrap_or_default();
        return Some(Verdict::Unviable {
            error: first_error_line(error),
        });
    }
    if let Some(check) = graded
        .checks
        .iter()
        .find(|c| c.status == CheckStatus::CompileError)
    {
        return Some(Verdict::Unviable {
            error: first_error_line(&check.message),
        });
    }
    let failed: Vec<String> = graded
        .checks
        .iter()
        .filter(|c| !matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped))
        .map(|c| c.name.clone())
        .collect();
    (!failed.is_empty()).then_some(Verdict::Caught { by: failed })
}

/// The exercise's checks in grading order: plain shareable checks, then one
/// stage per build variant, then the exclusive checks.
fn stages(exercise: &ExercisePlan) -> Vec<Vec<String>> {
    let mut plain = Vec::new();
    let mut variants: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut exclusive = Vec::new();
    for check in &exercise.checks {
        match (&check.variant, check.exclusive) {
            (_, true) => exclusive.push(check.name.clone()),
            (None, false) => plain.push(check.name.clone()),
            (Some(variant), false) => variants
                .entry(variant.as_str())
                .or_default()
                .push(check.name.clone()),
        }
    }
    // Shuttle before loom: its schedules cost less to build and run.
    let mut ordered: Vec<Vec<String>> = vec![plain];
    for name in ["shuttle", "loom"] {
        ordered.extend(variants.remove(name));
    }
    ordered.extend(variants.into_values());
    ordered.push(exclusive);
    ordered.retain(|stage| !stage.is_empty());
    ordered
}

fn first_error_line(text: &str) -> String {
    text.lines()
        .find(|l| l.trim_start().starts_with("error"))
        .or_else(|| text.lines().next())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The table rows, one per exercise in `exercises`' order, with the
/// `mutants.toml` entries that named no planted mutant.
pub fn table(
    exercises: &[&ExercisePlan],
    planted: &[Mutant],
    results: &[MutantResult],
    equivalents: &BTreeMap<String, Equivalents>,
) -> Vec<Coverage> {
    exercises
        .iter()
        .map(|exercise| {
            let mut row = Coverage {
                exercise: exercise.name.clone(),
                ..Coverage::default()
            };
            for result in results.iter().filter(|r| r.exercise == exercise.name) {
                row.mutants += 1;
                match result.verdict {
                    Verdict::Caught { .. } => row.caught += 1,
                    Verdict::Survived => row.survived += 1,
                    Verdict::Unviable { .. } => row.unviable += 1,
                    Verdict::Equivalent { .. } => row.equivalent += 1,
                }
            }
            if let Some(marked) = equivalents.get(&exercise.name) {
                row.stale = marked
                    .reasons
                    .keys()
                    .filter(|id| {
                        !planted
                            .iter()
                            .any(|m| m.exercise == exercise.name && &m.id == *id)
                    })
                    .cloned()
                    .collect();
            }
            row
        })
        .collect()
}

/// A seeded sample of `count` mutants (all of them when `count` is larger):
/// CI grades a different sample on every run, the full run is a script.
pub fn sample(mutants: Vec<Mutant>, count: usize, seed: u64) -> Vec<Mutant> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    if count >= mutants.len() {
        return mutants;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut picked = mutants;
    picked.shuffle(&mut rng);
    picked.truncate(count);
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(exercise: &str, verdict: Verdict) -> MutantResult {
        MutantResult {
            exercise: exercise.to_string(),
            id: String::new(),
            operator: "notify-drop",
            file: "lib.rs".to_string(),
            line: 1,
            before: String::new(),
            after: String::new(),
            verdict,
            seed: 0,
            duration_ms: 0,
        }
    }

    #[test]
    fn a_survivor_fails_the_row_and_equivalents_do_not_count_as_bugs() {
        let row = |results: &[MutantResult]| {
            let mut coverage = Coverage::default();
            for r in results {
                coverage.mutants += 1;
                match r.verdict {
                    Verdict::Caught { .. } => coverage.caught += 1,
                    Verdict::Survived => coverage.survived += 1,
                    Verdict::Unviable { .. } => coverage.unviable += 1,
                    Verdict::Equivalent { .. } => coverage.equivalent += 1,
                }
            }
            coverage
        };
        let caught = result(
            "05",
            Verdict::Caught {
                by: vec!["x".into()],
            },
        );
        let survived = result("05", Verdict::Survived);
        let equivalent = result(
            "05",
            Verdict::Equivalent {
                reason: "why".into(),
            },
        );
        let full = row(&[caught.clone(), equivalent.clone()]);
        assert!(full.ok());
        assert_eq!(full.score(), Some(1.0));
        let holed = row(&[caught, survived, equivalent]);
        assert!(!holed.ok());
        assert_eq!(holed.score(), Some(0.5));
    }

    #[test]
    fn a_sample_is_fixed_by_its_seed() {
        let mutants: Vec<Mutant> = (0..20)
            .map(|i| Mutant {
                exercise: "05".into(),
                id: format!("m{i}"),
                operator: "notify-drop",
                file: "lib.rs".into(),
                line: i,
                before: String::new(),
                after: String::new(),
                source: String::new(),
            })
            .collect();
        let ids = |seed| {
            sample(mutants.clone(), 5, seed)
                .into_iter()
                .map(|m| m.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(7), ids(7));
        assert_eq!(ids(7).len(), 5);
        assert_ne!(ids(7), ids(8));
    }
}
