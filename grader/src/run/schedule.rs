//! Schedules check processes: shareable checks on a pool of worker threads,
//! then exclusive checks (timing, or marked `exclusive`) one at a time, so a
//! check that measures concurrency never competes with another check for CPU.
//!
//! Workers send results over a channel to the caller's thread, which alone
//! owns the results and the progress display.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

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
    if indices.is_empty() {
        return;
    }
    let count = indices.len();
    let queue = Arc::new(Mutex::new(indices.into_iter().collect::<VecDeque<_>>()));
    let (tx, rx) = mpsc::channel::<(usize, CheckRun)>();
    thread::scope(|scope| {
        for worker in 0..workers.min(count) {
            let queue = queue.clone();
            let tx = tx.clone();
            thread::Builder::new()
                .name(format!("grader-worker-{worker}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                        let Some(index) = next else { break };
                        let held = if jobs[index].exclusive {
                            lock.exclusive()
                        } else {
                            lock.shared()
                        };
                        let run = run_check(&jobs[index]);
                        drop(held);
                        if tx.send((index, run)).is_err() {
                            break;
                        }
                    }
                })
                .expect("failed to start a grader worker thread");
        }
        drop(tx);
        for (index, run) in rx {
            on_event(RunEvent::Finished {
                job: &jobs[index],
                run: &run,
            });
            runs[index] = Some(run);
        }
    });
}
