//! Run stage: each check in its own child process under a watchdog, scheduled
//! so that checks which need the machine to themselves run alone.

mod capture;
mod child;
mod outcome;
mod schedule;

pub use child::{CheckJob, run_check};
pub use outcome::{CheckRun, RunOutcome};
pub use schedule::{RunEvent, run_all};
