//! Schedules check processes: shareable checks on a pool of worker threads,
//! then exclusive checks (timing, or marked `exclusive`) one at a time, so a
//! check that measures concurrency never competes with another check for CPU.
//!
//! Workers send results over a channel to the caller's thread, which alone
//! owns the results and the progress display (the grader's one pool,
//! `crate::pool`).

use super::child::{CheckJob, run_check};
use super::outcome::CheckRun;
use crate::machine_lock::MachineLock;

/// Progress while running, for the terminal.
pub enum RunEvent<'a> {
    Finished {
        job: &'a CheckJob,
        run: &'a CheckRun,
    },
}

/// Runs every job and returns the runs in the order of `jobs`.
/// Exclusive checks also wait until no other grader sharing `lock` builds or
/// runs anything (see [`MachineLock`]).
pub fn run_all(
    jobs: &[CheckJob],
    parallelism: usize,
    lock: &MachineLock,
    on_event: &mut dyn FnMut(RunEvent<'_>),
) -> Vec<CheckRun> {
    let mut runs: Vec<Option<CheckRun>> = vec![None; jobs.len()];
    let (shared, exclusive): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| !jobs[i].exclusive);
    run_phase(jobs, shared, parallelism.max(1), lock, &mut runs, on_event);
    run_phase(jobs, exclusive, 1, lock, &mut runs, on_event);
    super::sandbox::sandbox().release_staging();
    runs.into_iter()
        .map(|run| run.expect("every scheduled job reports a run"))
        .collect()
}

fn run_phase(
    jobs: &[CheckJob],
    indices: Vec<usize>,
    workers: usize,
    lock: &MachineLock,
    runs: &mut [Option<CheckRun>],
    on_event: &mut dyn FnMut(RunEvent<'_>),
) {
    crate::pool::for_each(
        &indices,
        workers,
        "grader-worker",
        |_, _, &index| {
            let held = if jobs[index].exclusive {
                lock.exclusive()
            } else {
                lock.shared()
            };
            let run = run_check(&jobs[index]);
            drop(held);
            run
        },
        &mut |position, run| {
            let index = indices[position];
            on_event(RunEvent::Finished {
                job: &jobs[index],
                run: &run,
            });
            runs[index] = Some(run);
            crate::pool::Flow::Continue
        },
    );
}
