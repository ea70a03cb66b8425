//! `grader mutants`: list the mutants the grader plants in the reference
//! solutions, or grade them (`--grade`, and `verify --mutants`) and print
//! the coverage table.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::{Course, ExercisePlan};
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::mutants::coverage::{self, Coverage, MutantResult, Verdict};
use threadlings_grader::mutants::equivalents::Equivalents;
use threadlings_grader::mutants::{self, Mutant};
use threadlings_grader::verify::VerifyRow;
use threadlings_schema::exit_codes;

#[derive(Debug, Args)]
pub struct MutantsArgs {
    /// Grade the mutants and print the coverage table (without it, only list them).
    #[arg(long)]
    grade: bool,
    #[command(flatten)]
    pub options: MutantOptions,
}

/// How many mutants to grade, shared with `verify --mutants`.
#[derive(Debug, Args, Clone)]
pub struct MutantOptions {
    /// Grade a sample of N mutants chosen by the seed instead of all of them
    /// (CI grades a different sample every run; a full run is
    /// `scripts/mutants.sh`).
    #[arg(long = "mutants-sample", value_name = "N")]
    pub sample: Option<usize>,
    /// Also print every caught mutant, not only the survivors.
    #[arg(long = "mutants-all")]
    pub all: bool,
}

pub fn run(course: &Course, args: &MutantsArgs, options: GradeOptions) -> Result<ExitCode> {
    if !args.grade {
        let (planted, equivalents) = plant(course, &options.only)?;
        for mutant in &planted {
            let mark = equivalents
                .get(&mutant.exercise)
                .and_then(|e| e.reasons.get(&mutant.id))
                .map(|reason| format!("\n      equivalent: {reason}"))
                .unwrap_or_default();
            println!(
                "{}  {}\n      {}{mark}",
                mutant.exercise,
                mutant.id,
                edit_line(
                    &mutant.file.display().to_string(),
                    mutant.line,
                    &mutant.before,
                    &mutant.after
                ),
            );
        }
        println!("\n{} mutants", planted.len());
        return Ok(ExitCode::SUCCESS);
    }
    let rows = grade_and_report(course, &options, &args.options, true)?;
    for row in rows.iter().filter(|r| !r.ok) {
        println!(
            "miss: {}: {}",
            row.subject,
            row.problem.as_deref().unwrap_or_default()
        );
    }
    let misses = rows.iter().filter(|r| !r.ok).count();
    Ok(ExitCode::from(if misses == 0 {
        exit_codes::OK
    } else {
        exit_codes::BELOW_MIN_SCORE_OR_VERIFY_FAILED
    }))
}

type Planted = (Vec<Mutant>, BTreeMap<String, Equivalents>);

fn in_scope<'c>(course: &'c Course, only: &[String]) -> Vec<&'c ExercisePlan> {
    course
        .exercises
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.name))
        .collect()
}

fn plant(course: &Course, only: &[String]) -> Result<Planted> {
    let mut planted = Vec::new();
    let mut equivalents = BTreeMap::new();
    for exercise in in_scope(course, only) {
        planted.extend(mutants::generate(course, exercise)?);
        equivalents.insert(exercise.name.clone(), Equivalents::load(exercise)?);
    }
    Ok((planted, equivalents))
}

/// Grades the mutants in scope, prints each survivor (and, in `human`, the
/// table), and returns one verify row per problem plus one per exercise.
pub fn grade_and_report(
    course: &Course,
    options: &GradeOptions,
    mutant_options: &MutantOptions,
    human: bool,
) -> Result<Vec<VerifyRow>> {
    let (planted, equivalents) = plant(course, &options.only)?;
    let graded = match mutant_options.sample {
        Some(n) => coverage::sample(planted.clone(), n, options.seed),
        None => planted.clone(),
    };
    if human {
        println!(
            "\nMutants: grading {} of {} (seed {})",
            graded.len(),
            planted.len(),
            options.seed
        );
    }
    let results = coverage::grade_mutants(course, options, &graded, &equivalents, &mut |result| {
        if human && (mutant_options.all || result.verdict == Verdict::Survived) {
            println!("{}", describe(result));
        }
    })?;
    let scope = in_scope(course, &options.only);
    let table = coverage::table(&scope, &planted, &results, &equivalents);
    if human {
        print_table(&table);
    }
    Ok(rows(&results, &table, options.seed))
}

fn describe(result: &MutantResult) -> String {
    let verdict = match &result.verdict {
        Verdict::Caught { by } => format!("caught by {}", by.join(", ")),
        Verdict::Survived => "SURVIVED".to_string(),
        Verdict::Unviable { error } => format!("unviable: {error}"),
        Verdict::Equivalent { reason } => format!("equivalent: {reason}"),
    };
    format!(
        "  {:<8} {} {}\n      {}",
        verdict,
        result.exercise,
        result.id,
        edit_line(&result.file, result.line, &result.before, &result.after)
    )
}

/// `lib.rs:55  while x {  →  if x {`: where a mutant is and what it changed.
fn edit_line(file: &str, line: usize, before: &str, after: &str) -> String {
    let after = if after.is_empty() { "(removed)" } else { after };
    format!("{file}:{line}  {before}  →  {after}")
}

fn print_table(table: &[Coverage]) {
    println!(
        "\n{:<22} {:>7} {:>8} {:>6} {:>10} {:>8} {:>8}",
        "exercise", "mutants", "unviable", "caught", "equivalent", "survived", "caught%"
    );
    let mut total = Coverage::default();
    for row in table
        .iter()
        .filter(|r| r.mutants > 0 || !r.stale.is_empty())
    {
        println!("{}", table_line(&row.exercise, row));
        total.mutants += row.mutants;
        total.unviable += row.unviable;
        total.caught += row.caught;
        total.equivalent += row.equivalent;
        total.survived += row.survived;
    }
    println!("{}", table_line("total", &total));
}

fn table_line(name: &str, row: &Coverage) -> String {
    let score = row
        .score()
        .map_or("-".to_string(), |s| format!("{:.0}%", s * 100.0));
    format!(
        "{:<22} {:>7} {:>8} {:>6} {:>10} {:>8} {:>8}",
        name, row.mutants, row.unviable, row.caught, row.equivalent, row.survived, score
    )
}

/// A verify row per survivor and per stale `mutants.toml` entry (each a
/// miss), and an ok row per exercise that held.
fn rows(results: &[MutantResult], table: &[Coverage], seed: u64) -> Vec<VerifyRow> {
    let mut rows: Vec<VerifyRow> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Survived)
        .map(|r| VerifyRow {
            subject: format!("mutant {}/{}", r.exercise, r.id),
            run: 1,
            seed: r.seed,
            expected: "caught by a check".to_string(),
            ok: false,
            problem: Some(format!(
                "survived every check: {}:{} `{}` → `{}`; add a check that catches it, or mark \
                 it equivalent with a reason in grader/checks/{}/mutants.toml",
                r.file, r.line, r.before, r.after, r.exercise
            )),
            duration_ms: r.duration_ms,
        })
        .collect();
    for row in table {
        for id in &row.stale {
            rows.push(VerifyRow {
                subject: format!("mutants.toml {}", row.exercise),
                run: 1,
                seed,
                expected: "every equivalent names a planted mutant".to_string(),
                ok: false,
                problem: Some(format!(
                    "`{id}` is no mutant the grader plants any more (`grader mutants --only {}` \
                     lists them); remove or rename it",
                    row.exercise
                )),
                duration_ms: 0,
            });
        }
        if row.mutants > 0 && row.ok() {
            rows.push(VerifyRow {
                subject: format!("mutants {}", row.exercise),
                run: 1,
                seed,
                expected: "every mutant caught, unviable or equivalent".to_string(),
                ok: true,
                problem: None,
                duration_ms: 0,
            });
        }
    }
    rows
}
