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
/// Shareable checks each hold `lock` shared; the exclusive phase holds it
/// exclusively from its first check to its last, so no other grader sharing
/// `lock` builds or runs anything meanwhile (see [`MachineLock`]).
pub fn run_all(
    jobs: &[CheckJob],
    parallelism: usize,
    lock: &MachineLock,
    on_event: &mut dyn FnMut(RunEvent<'_>),
) -> Vec<CheckRun> {
    let mut runs: Vec<Option<CheckRun>> = vec![None; jobs.len()];
    let (shared, exclusive): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| !jobs[i].exclusive);
    run_phase(
        jobs,
        shared,
        parallelism.max(1),
        Some(lock),
        &mut runs,
        on_event,
    );
    if !exclusive.is_empty() {
        // One hold for the whole phase, not one per check: taking the lock
        // waits until every other grader's shared work in flight is done (a
        // build, or a check waiting out a hung answer's patience), and that
        // wait is paid once instead of before each exclusive check (25 in a
        // grading of the course's solutions).
        let _alone = lock.exclusive();
        run_phase(jobs, exclusive, 1, None, &mut runs, on_event);
    }
    super::sandbox::sandbox().release_staging();
    runs.into_iter()
        .map(|run| run.expect("every scheduled job reports a run"))
        .collect()
}

fn run_phase(
    jobs: &[CheckJob],
    indices: Vec<usize>,
    workers: usize,
    shared_lock: Option<&MachineLock>,
    runs: &mut [Option<CheckRun>],
    on_event: &mut dyn FnMut(RunEvent<'_>),
) {
    crate::pool::for_each(
        &indices,
        workers,
        "grader-worker",
        |_, _, &index| {
            let held = shared_lock.map(MachineLock::shared);
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn job(check: &str, exclusive: bool) -> CheckJob {
        CheckJob {
            exercise: "01-demo".to_string(),
            check: check.to_string(),
            // Never started: the run is reported as not run, at once.
            program: std::path::PathBuf::from("/nonexistent/check-program"),
            seed: 1,
            timeout: Duration::from_secs(5),
            exclusive,
            limits: Default::default(),
            budget: Default::default(),
            read: Vec::new(),
        }
    }

    /// Between two timing checks no other grader may slip in: the lock is
    /// held exclusively from the first exclusive check's start to the last
    /// one's end, and not during the shareable phase.
    #[test]
    fn the_exclusive_phase_holds_the_machine_from_its_first_check_to_its_last() {
        let dir = tempfile::tempdir().unwrap();
        let lock = MachineLock::in_dir(dir.path());
        let jobs = [
            job("shared", false),
            job("timing_a", true),
            job("timing_b", true),
        ];
        let mut held_when_finished = Vec::new();
        let runs = run_all(
            &jobs,
            2,
            &lock,
            &mut |RunEvent::Finished { job, .. }| {
                held_when_finished.push((job.check.clone(), lock.is_held_exclusively()));
            },
        );
        assert_eq!(runs.len(), 3);
        assert_eq!(
            held_when_finished,
            [
                ("shared".to_string(), false),
                ("timing_a".to_string(), true),
                ("timing_b".to_string(), true),
            ]
        );
        assert!(!lock.is_held_exclusively(), "released after the phase");
    }
}
