//! Run stage: each check in its own sandboxed child process under a
//! supervisor and a time limit (see docs/sandbox.md), scheduled so that
//! checks which need the machine to themselves run alone.

mod capture;
mod child;
mod evidence;
mod limits;
mod outcome;
pub mod sandbox;
mod schedule;
mod supervisor;

pub use child::{CheckJob, run_check};
pub use evidence::Evidence;
pub use limits::{LimitHit, Limits, Tamper};
pub use outcome::{CheckRun, RunOutcome};
pub use schedule::{RunEvent, run_all};
