//! Exercise 11: the GIL lab. Read README.md first.
//!
//! Given (no need to change them): [`Gil`] (CPython's GIL in miniature, in
//! `src/gil.rs`) and the lab's types [`Workload`], [`Run`], [`Experiment`],
//! [`LabReport`] (in `src/lab.rs`). Your five tasks are the `todo!()`s below.
#![allow(unused)]

mod gil;
mod lab;

pub use gil::{Gil, GilGuard};
pub use lab::{Experiment, LabReport, Run, Workload};

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

/// Task 1: run `task(i)` for `i` in `0..n`, each on its own thread, the way
/// CPython runs threads: a thread must hold the GIL to run its task.
///
/// Python's
///
/// ```python
/// threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
/// for t in threads: t.start()
/// for t in threads: t.join()
/// ```
///
/// - Start all `n` threads before waiting for any (scoped threads can
///   borrow `gil` and `task`).
/// - Each thread takes the GIL (`gil.acquire()`) and keeps the guard while
///   `task(i)` runs. So the threads all exist at once, but at most one of
///   them computes at any moment: CPU-bound work gets no faster.
/// - Return the results in task order: `result[i]` is `task(i)`.
pub fn cpu_threads_with_gil<T, F>(gil: &Gil, n: usize, task: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    todo!()
}

/// Task 2: run `n` I/O-bound tasks on `n` threads under the GIL, releasing it
/// around the blocking part, as CPython does around a socket read.
///
/// Task `i` is `blocking(python(i))`:
/// - `python(i)` is Python code: its thread must hold the GIL while it runs;
/// - `blocking(..)` only waits (a network answer, a disk): run it inside
///   [`GilGuard::allow_threads`], so other threads can take the GIL while
///   this one waits. Then the waits of all threads overlap, and `n` tasks
///   take about as long as one.
///
/// Start all threads before waiting for any; results in task order.
///
/// ```python
/// def task(i):
///     request = build_request(i)       # Python code: holds the GIL
///     return sock_read(request)        # CPython releases the GIL while it waits
/// ```
pub fn io_threads_with_gil<Q, R, P, B>(gil: &Gil, n: usize, python: P, blocking: B) -> Vec<R>
where
    R: Send,
    P: Fn(usize) -> Q + Sync,
    B: Fn(Q) -> R + Sync,
{
    todo!()
}

/// Task 3: run `task(i)` for `i` in `0..n`, each on its own thread, all at
/// the same time, with no GIL at all: what Rust threads do.
///
/// Start all threads before waiting for any; results in task order. On a
/// machine with several cores, the tasks now compute in parallel.
pub fn cpu_threads_without_gil<T, F>(n: usize, task: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    todo!()
}

/// Task 4: the lab. Run the three experiments on `work` and report what you
/// measured, in this order:
///
/// 1. `cpu_with_gil`: the `work.tasks` CPU tasks (`work.cpu`) one after
///    another on the calling thread, then with [`cpu_threads_with_gil`];
/// 2. `io_with_gil`: the I/O tasks (`work.blocking(work.python(i))`) one after
///    another on the calling thread, then with [`io_threads_with_gil`];
/// 3. `cpu_without_gil`: the CPU tasks one after another on the calling
///    thread, then with [`cpu_threads_without_gil`].
///
/// Measure each run with [`Run::measure`] around exactly that run (the
/// one-thread runs do not need the GIL: a lone thread never waits for it),
/// and call the tasks nowhere else (no warm-up run). The report is data, not
/// a guess: the grader watches every task you run and checks that each run
/// you report really contains its tasks, and nothing but them.
///
/// ```ignore
/// let report = gil_lab(&Gil::new(), &work);
/// println!("{report}");
/// // experiment         one thread      threads   speedup
/// // CPU, with GIL        400.3 ms     401.0 ms     1.00x
/// // I/O, with GIL        400.9 ms     100.4 ms     3.99x
/// // CPU, no GIL          399.8 ms     201.2 ms     1.99x   (2 cores)
/// ```
pub fn gil_lab(gil: &Gil, work: &Workload<'_>) -> LabReport {
    todo!()
}

/// Task 5: Python's `multiprocessing`: run CPU task `i` in process `i`, each
/// process with its own interpreter and its own GIL, so they really compute
/// in parallel.
///
/// ```python
/// with multiprocessing.Pool(n) as pool:
///     results = pool.map(cpu, range(n))
/// ```
///
/// `worker` is a program that computes one task: started as
/// `worker ARGS... i` (the `args`, then the index `i` as the last argument),
/// it prints task `i`'s result, a `u64`, on its standard output and exits
/// successfully.
///
/// - Start all `n` processes before waiting for any (`Command::spawn` with
///   `Stdio::piped()` stdout), as with threads: spawning one and waiting for
///   it before the next runs the tasks one after another.
/// - Then collect each child's output in task order (`wait_with_output`
///   reads the pipe while it waits) and parse it (trim the newline).
/// - A worker that cannot be started, exits unsuccessfully or prints
///   something that is not a number makes the whole call an `Err`
///   (`io::Error::other(..)` with a message saying which task); wait for the
///   children you started anyway, so none is left a zombie.
///
/// Nothing is shared: the result comes back only through the pipe, as text
/// (Python pickles it; here it is a decimal number).
pub fn cpu_processes(n: usize, worker: &Path, args: &[&str]) -> io::Result<Vec<u64>> {
    todo!()
}
