//! `grader new NN-topic`: scaffold an exercise and say what to do next.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::scaffold::{self, MARKER};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The exercise directory name, `NN-topic` (e.g. `07-channels`); the
    /// topic becomes the package name.
    name: String,
}

pub fn run(course: &Course, args: &NewArgs) -> Result<ExitCode> {
    let files = scaffold::create(course, &args.name)?;
    println!("Created {}:", args.name);
    for file in &files {
        println!("  {}", file.display());
    }
    let topic = args.name.split_once('-').map_or("", |(_, t)| t);
    println!(
        "\nIt compiles and grades as it is, around one placeholder task. Replace every \
         `{MARKER}` placeholder, then prove it:\n  \
         cargo test -p {topic}                                   # public tests (fail on the stub)\n  \
         cargo run -p grader -- --solutions --only {name}        # full marks\n  \
         cargo run -p grader -- verify --only {name}             # lists the placeholders left",
        name = args.name
    );
    Ok(ExitCode::SUCCESS)
}
