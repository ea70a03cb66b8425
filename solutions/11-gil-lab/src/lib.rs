//! Exercise 11: the GIL lab. Reference solution.
#![allow(unused)]

mod gil;
mod lab;

pub use gil::{Gil, GilGuard};
pub use lab::{Experiment, LabReport, Run, Workload};

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

/// Task 1: `n` threads, each holding the GIL while its task runs.
pub fn cpu_threads_with_gil<T, F>(gil: &Gil, n: usize, task: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let task = &task;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                s.spawn(move || {
                    let _gil = gil.acquire();
                    task(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Task 2: `n` threads; the Python part under the GIL, the blocking part
/// with the GIL released.
pub fn io_threads_with_gil<Q, R, P, B>(gil: &Gil, n: usize, python: P, blocking: B) -> Vec<R>
where
    R: Send,
    P: Fn(usize) -> Q + Sync,
    B: Fn(Q) -> R + Sync,
{
    let (python, blocking) = (&python, &blocking);
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                s.spawn(move || {
                    let mut gil = gil.acquire();
                    let request = python(i);
                    gil.allow_threads(|| blocking(request))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Task 3: `n` threads, no GIL.
pub fn cpu_threads_without_gil<T, F>(n: usize, task: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let task = &task;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n).map(|i| s.spawn(move || task(i))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Task 4: the three experiments, each run measured around exactly itself.
pub fn gil_lab(gil: &Gil, work: &Workload<'_>) -> LabReport {
    let n = work.tasks;
    let cpu_one_thread = || {
        for i in 0..n {
            std::hint::black_box((work.cpu)(i));
        }
    };
    let cpu_with_gil = Experiment {
        one_thread: Run::measure(cpu_one_thread),
        threads: Run::measure(|| {
            std::hint::black_box(cpu_threads_with_gil(gil, n, work.cpu));
        }),
    };
    let io_with_gil = Experiment {
        one_thread: Run::measure(|| {
            for i in 0..n {
                std::hint::black_box((work.blocking)((work.python)(i)));
            }
        }),
        threads: Run::measure(|| {
            std::hint::black_box(io_threads_with_gil(gil, n, work.python, work.blocking));
        }),
    };
    let cpu_without_gil = Experiment {
        one_thread: Run::measure(cpu_one_thread),
        threads: Run::measure(|| {
            std::hint::black_box(cpu_threads_without_gil(n, work.cpu));
        }),
    };
    LabReport {
        cpu_with_gil,
        io_with_gil,
        cpu_without_gil,
    }
}

/// Task 5: Python's `multiprocessing`: run CPU task `i` in process `i`.
pub fn cpu_processes(n: usize, worker: &Path, args: &[&str]) -> io::Result<Vec<u64>> {
    // Start every process first; remember a failure to start and stop
    // starting more, but still reap the ones already running.
    let mut children = Vec::with_capacity(n);
    let mut failure = None;
    for i in 0..n {
        match Command::new(worker)
            .args(args)
            .arg(i.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
        {
            Ok(child) => children.push(child),
            Err(e) => {
                failure = Some(io::Error::other(format!(
                    "task {i}: cannot start the worker: {e}"
                )));
                break;
            }
        }
    }
    let mut results = Vec::with_capacity(n);
    for (i, child) in children.into_iter().enumerate() {
        let result = child.wait_with_output().and_then(|output| {
            if !output.status.success() {
                return Err(io::Error::other(format!(
                    "task {i}: the worker failed: {}",
                    output.status
                )));
            }
            let text = String::from_utf8_lossy(&output.stdout);
            text.trim().parse::<u64>().map_err(|e| {
                io::Error::other(format!("task {i}: the worker printed {text:?}: {e}"))
            })
        });
        match result {
            Ok(value) => results.push(value),
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(results),
    }
}
