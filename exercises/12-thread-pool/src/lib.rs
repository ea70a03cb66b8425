//! Exercise 12: a thread pool. Read README.md first.
//!
//! One type, [`ThreadPool`], four tasks: `new` + `execute`, `submit`, panics
//! that do not kill workers, and a `Drop` that shuts down gracefully.
#![allow(unused)]

use threadlings::sync::mpsc::{self, Receiver, Sender};
use threadlings::sync::{Arc, Mutex};
use threadlings::thread::{self, JoinHandle};

/// A job: any closure a worker can run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that run the jobs handed to them.
///
/// Python: `concurrent.futures.ThreadPoolExecutor(max_workers=size)`.
///
/// The fields are a suggestion (a channel is the job queue, each worker keeps
/// its `JoinHandle`); change them if you like.
pub struct ThreadPool {
    /// The worker threads, joined on drop.
    workers: Vec<JoinHandle<()>>,
    /// The sending end of the job queue; `None` once shutdown started.
    jobs: Option<Sender<Job>>,
}

impl ThreadPool {
    /// Task 1: starts a pool of `size` worker threads.
    ///
    /// - All `size` threads are started here, once: a job never gets a thread
    ///   of its own.
    /// - Each worker loops: take the oldest job from the queue (first in,
    ///   first out; waiting, without spinning, while the queue is empty), run
    ///   it, repeat, until the queue is closed and empty.
    /// - The workers share the receiving end of the queue
    ///   (`Arc<Mutex<Receiver<Job>>>`). Hold the lock only while *taking* a
    ///   job, never while running it, or the workers run one at a time.
    ///
    /// # Panics
    ///
    /// If `size` is 0.
    pub fn new(size: usize) -> ThreadPool {
        todo!()
    }

    /// How many worker threads the pool has.
    pub fn size(&self) -> usize {
        todo!()
    }

    /// Task 1: queues `job`; one of the workers will run it.
    ///
    /// Returns at once, never runs the job on the calling thread, and never
    /// waits for it to finish. Jobs leave the queue in the order they were
    /// queued: with one worker, they start in that order. Python:
    /// `executor.submit(job)` without looking at the future.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        todo!()
    }

    /// Task 2: queues `job` and returns the channel its result will arrive on:
    /// `Ok(value)`, or `Err(message)` if the job panicked.
    ///
    /// Python's `future = executor.submit(job)`; `future.result()` is
    /// `receiver.recv()`. Make a channel per job, wrap the job so the worker
    /// sends its outcome into it, and hand that wrapped job to
    /// [`ThreadPool::execute`].
    ///
    /// Task 3 is here too: a panicking job must not take its worker down. Run
    /// jobs under `std::panic::catch_unwind`; a job's panic becomes
    /// `Err(message)` (the `&str` or `String` it panicked with, `"unknown
    /// panic"` for any other payload), and the worker goes on with the next
    /// job. That holds for jobs queued with `execute` too.
    ///
    /// ```ignore
    /// let pool = ThreadPool::new(2);
    /// let answer = pool.submit(|| 6 * 7);
    /// let failed = pool.submit(|| -> u32 { panic!("disk full") });
    /// assert_eq!(answer.recv().unwrap(), Ok(42));
    /// assert_eq!(failed.recv().unwrap(), Err("disk full".to_string()));
    /// ```
    pub fn submit<T, F>(&self, job: F) -> Receiver<Result<T, String>>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        todo!()
    }
}

/// Task 4: graceful shutdown (Python: leaving `with ThreadPoolExecutor() as
/// executor:`, or `executor.shutdown(wait=True)`).
///
/// - Every job queued before the drop still runs: close the queue (drop the
///   sender) and let the workers drain it; a worker stops when the queue is
///   closed *and* empty.
/// - Drop returns only after every worker thread has finished: `join` each
///   one. Dropping a `JoinHandle` would only detach its thread.
impl Drop for ThreadPool {
    fn drop(&mut self) {
        todo!()
    }
}
