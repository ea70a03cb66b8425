//! The timing kit: proofs that code really runs tasks at the same time and
//! really uses the cores, which never fail a correct answer because the
//! machine is slow or busy.
//!
//! Three kinds of proof, strongest first. Use the first kind that can tell
//! the wrong answers of an exercise apart; add the others for what it cannot.
//!
//! # 1. Structural proofs (no clock, no second core)
//!
//! They hold on one core and under any load, because they observe *which*
//! tasks are alive together, not how long anything takes.
//! - [`Recorder`]: wrap each task the check hands to student code in
//!   [`Recorder::task`] (or call [`Recorder::touch`] from a per-item hot loop).
//!   It records per-task start/end and thread, the peak in flight
//!   ([`Recorder::peak`]) and the distinct worker threads
//!   ([`Recorder::worker_threads`]; exactly `worker_count` when the task says
//!   so). Mark the thread calling student code with [`Recorder::mark_caller`].
//! - [`Rendezvous`] (from [`crate::probe`]): K parties can only meet if K tasks
//!   are alive at once. A sequential answer never fills it: the first party
//!   gives up after the patience, and the check reports "your tasks ran one at
//!   a time". Correct answers meet it as soon as the K-th task starts.
//! - [`LimitProbe`]: "at most K at once" and "really K at once" in one probe:
//!   it holds the first tasks until K are in flight, then watches for a
//!   (K+1)-th. [`wait_until_settled`]: how far a producer gets ahead of a
//!   held consumer (backpressure).
//!
//! - [`process_threads`] / [`wait_for_threads_at_most`]: after the call under
//!   test returns, the threads it started are gone (joined), not left blocked.
//!
//! Patience ([`PATIENCE`]) and settle times only bound how long a *wrong*
//! answer gets to show itself (it needs microseconds); a correct answer passes
//! as soon as it does the right thing.
//!
//! # 2. Latency proofs (I/O-bound work)
//!
//! [`simulated_io`] sleeps, and a sleep never returns early: a one-at-a-time
//! answer takes at least the sum of the sleeps on every machine. [`Latency`]
//! puts the limit halfway between "concurrent" (`rounds × each`) and
//! "sequential" (`n × each`), at least 50% above the concurrent time, and
//! measures again when a run was slow (retrying cannot help a sequential
//! answer).
//!
//! # 3. Speedup proofs (CPU-bound work)
//!
//! [`SpeedupTrial`] compares, in interleaved rounds of the same run, the
//! check's own one-thread loop (baseline), the check's own parallel loop
//! (control: what the machine gives right now) and the student's code (best
//! time of each). It skips (`skip!`, scoring neither way) when fewer than two
//! cores are usable ([`cores`]: `available_parallelism`, the affinity mask and
//! the cgroup CPU quota, v1 or v2) or when the control itself cannot beat one
//! thread by 1.5x (a busy machine); otherwise the student's code must get half
//! of the control's gain. So the speedup part never fails a correct answer on
//! a loaded machine, and the structural part still grades with one core.
//!
//! # Evidence
//!
//! Every timing verdict should carry its timeline: [`Recorder::send_evidence`]
//! or, simplest, `let _evidence = recorder.evidence_on_exit(ctx);` at the top
//! of the check, which sends it however the check ends. The grader puts it in
//! the JSON report (`CheckReport.timeline`) and draws it as text when a
//! timing check fails, so students *see* tasks that ran one after another.
//! Add measurements with [`Recorder::note`].
//!
//! # Example: a structural check
//!
//! ```ignore
//! fn workers_run_at_once(ctx: &mut Ctx) -> CheckResult {
//!     let recorder = Recorder::new("run_workers(4, ..)");
//!     let _evidence = recorder.evidence_on_exit(ctx);
//!     let rendezvous = Arc::new(Rendezvous::new(4, PATIENCE));
//!     let (rec, rv) = (recorder.clone(), rendezvous.clone());
//!     within(Duration::from_secs(30), "run_workers(4, ..)", move || {
//!         rec.mark_caller();
//!         topic::run_workers(4, move |i| rec.run(format!("worker {i}"), || rv.arrive()))
//!     })?;
//!     ensure!(rendezvous.met(), "your tasks ran one at a time (at most {} at once)", recorder.peak());
//!     Ok(())
//! }
//! ```

mod cores;
mod latency;
mod limit;
mod recorder;
mod speedup;
mod threads;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub use self::cores::{Cores, cgroup_quota, cores, process_cpu_time};
pub use self::latency::{Latency, LatencyMeasurement, ms, simulated_io, timed};
pub use self::limit::{LimitGuard, LimitProbe, Release, wait_until_settled};
pub use self::recorder::{
    EvidenceGuard, LatestEvidence, MAX_EVENTS, Recorder, Snapshot, TaskGuard,
};
pub use self::speedup::{Speedup, SpeedupTrial, require_cores, scale_to};
pub use self::threads::{process_threads, wait_for_threads_at_most};
pub use crate::probe::{InFlight, Rendezvous};

use threadlings_schema::protocol::Message;
use threadlings_schema::report::Timeline;

use crate::Ctx;

/// How long a structural probe waits for tasks that should be alive together
/// before concluding they never are. Generous: only a wrong answer pays it.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// How long a [`LimitProbe`] watches for a task beyond the limit once the
/// limit is reached. A correct answer pays it once per check.
pub const SETTLE: Duration = Duration::from_millis(800);

/// Set when the grader runs this check beside others (`exclusive = false` in
/// checks.toml, passed as `--shared`): the check then may not measure with a
/// clock.
static SHARED: AtomicBool = AtomicBool::new(false);

/// Marks this process as running a check that shares the machine.
pub(crate) fn run_shared() {
    SHARED.store(true, Ordering::Relaxed);
}

/// Called by every proof that decides with a clock ([`require_cores`], which
/// every speed measurement starts with, [`Latency::measure`],
/// [`LimitProbe::new`], [`wait_until_settled`]): their
/// windows and ratios assume the machine to themselves, so a check that
/// uses one and is marked shareable is a metadata error, reported on the
/// first run of `verify` instead of as a wrong verdict under load.
/// Structural proofs ([`Rendezvous`], [`Recorder`], thread counts) hold
/// under any load and never call it.
pub(crate) fn claim_machine(proof: &str) {
    if let Some(problem) = shared_clock_problem(SHARED.load(Ordering::Relaxed), proof) {
        panic!("{problem}");
    }
}

/// The metadata error of a clock-deciding `proof` in a check that shares
/// the machine, if it does.
fn shared_clock_problem(shared: bool, proof: &str) -> Option<String> {
    shared.then(|| {
        crate::t!(
            "metadata error: `{proof}` decides with a clock and needs the machine to itself, \
             but this check's checks.toml entry lets it share the machine \
             (`exclusive = false`); remove that line, or prove the property structurally",
            "메타데이터 오류: `{proof}`은(는) 시계로 판정하므로 컴퓨터를 혼자 써야 하는데, 이 \
             검사의 checks.toml 항목은 컴퓨터를 다른 검사와 함께 쓰게 합니다\
             (`exclusive = false`). 그 줄을 지우거나, 그 성질을 구조적으로 증명하세요"
        )
    })
}

/// Sends `timeline` to the grader as the evidence of the running check (the
/// last one sent counts).
pub fn send_evidence(ctx: &Ctx, timeline: Timeline) {
    send_timeline(ctx.name(), timeline);
}

fn send_timeline(check: &str, timeline: Timeline) {
    // A check that stopped before running anything (a skip) has no evidence.
    if timeline.events.is_empty() && timeline.notes.is_empty() {
        return;
    }
    crate::channel::send(Message::Evidence {
        check: check.to_string(),
        timeline,
    });
}

#[cfg(test)]
mod shared_tests {
    use super::shared_clock_problem;

    #[test]
    fn a_clock_proof_in_a_shared_check_is_a_metadata_error() {
        let problem = shared_clock_problem(true, "LimitProbe").expect("shared must be refused");
        assert!(
            problem.starts_with("metadata error: `LimitProbe`"),
            "{problem}"
        );
        assert!(problem.contains("exclusive = false"), "{problem}");
        assert_eq!(shared_clock_problem(false, "LimitProbe"), None);
    }
}
