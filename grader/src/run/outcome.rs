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
    /// The harness reported a pass, but the code under test left processes
    /// running (killed when the check ended): the pass does not count.
    PassedLeavingProcesses,
    /// The harness reported a pass beside lines on the result channel it did
    /// not write: the pass cannot be trusted.
    PassedBesideForgedLines,
    /// More than one verdict arrived with this run's nonce: something other
    /// than the harness wrote to the result channel; none counts.
    SeveralVerdicts,
    /// The check's supervisor process was killed before it reported.
    SupervisorLost,
    /// The check program reported in a protocol this grader does not know
    /// (`lines` stamped lines did not parse): grader and checks were built
    /// from different sources.
    ProtocolMismatch { lines: usize },
}
