//! Terminal interaction that is not a report: progress while grading.

pub mod progress;
