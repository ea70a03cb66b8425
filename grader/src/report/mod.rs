//! Report stage: one file per output format, all rendering the same
//! [`GradeReport`](threadlings_schema::report::GradeReport) model.

pub mod human;
pub mod json;

use clap::ValueEnum;

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary table with actionable failure messages, for people.
    Human,
    /// The stable JSON result (see `threadlings-schema`), for CI and scripts.
    Json,
}
