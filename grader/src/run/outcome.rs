//! How a check process ended, before any scoring. Each way a child can end is
//! its own variant so scoring and reports never parse strings.

use std::time::Duration;

use threadlings_schema::protocol::Verdict;

use super::limits::LimitHit;

/// The result of running one check process.
#[derive(Debug, Clone)]
pub struct CheckRun {
    pub outcome: RunOutcome,
    pub duration: Duration,
    /// What the process printed (capped), for failure reports.
    pub output: String,
    /// What the check sent as evidence (a timing check's timeline, a
    /// linearizability check's scenario, a litmus check's outcome table).
    pub evidence: super::evidence::Evidence,
    /// Limits the check ran into, and what the sandbox cleaned up after it;
    /// reports add these to the failure message.
    pub limits_hit: Vec<LimitHit>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    /// The harness reported a verdict and the process exited normally.
    Reported(Verdict),
    /// The process outlived its time limit and its group was killed.
    TimedOut { limit: Duration },
    /// The process was killed by a signal (abort, segfault, stack overflow...).
    Signaled {
        signal: i32,
        stack_overflow: bool,
        /// A verdict the harness sent before the process died, if any.
        verdict: Option<Verdict>,
    },
    /// The process exited before the harness reported (`process::exit` in
    /// student code, or a crash of the harness itself).
    ExitedEarly { code: i32 },
    /// The check program could not be started.
    NotRun(String),
}
