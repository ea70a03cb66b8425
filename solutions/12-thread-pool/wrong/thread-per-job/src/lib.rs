//! Exercise 12: a thread pool. Reference solution.
#![allow(unused)]

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// A job: any closure a worker can run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that run the jobs handed to them.
pub struct ThreadPool {
    size: usize,
    // Wrong: no workers; every job gets a thread of its own.
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The text a panic carried.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// One worker: take a job (holding the lock only while taking it), run it
/// with its panic caught, repeat until the queue is closed and empty.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The guard is a temporary of this statement: the lock is released
        // before the job runs.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => {
                // A panicking job ends here, not the worker.
                let _ = panic::catch_unwind(AssertUnwindSafe(job));
            }
            Err(_) => return, // closed and drained
        }
    }
}

impl ThreadPool {
    /// Task 1: starts `size` worker threads sharing one job queue.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one worker");
        ThreadPool {
            size,
            threads: Mutex::new(Vec::new()),
        }
    }

    /// How many worker threads the pool has.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Task 1: queues `job` for the workers.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let handle = thread::spawn(move || {
            let _ = panic::catch_unwind(AssertUnwindSafe(job));
        });
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle);
    }

    /// Tasks 2 and 3: queues `job`; its result (or its panic's message)
    /// arrives on the returned channel.
    pub fn submit<T, F>(&self, job: F) -> Receiver<Result<T, String>>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (result, receiver) = mpsc::channel();
        self.execute(move || {
            let outcome =
                panic::catch_unwind(AssertUnwindSafe(job)).map_err(|p| panic_message(p.as_ref()));
            // Nobody listening is fine: the caller dropped the receiver.
            let _ = result.send(outcome);
        });
        receiver
    }
}

/// Task 4: close the queue, let the workers drain it, join every one.
impl Drop for ThreadPool {
    fn drop(&mut self) {
        let threads =
            std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        for worker in threads {
            // Jobs' panics are caught, so a worker never ends with one.
            let _ = worker.join();
        }
    }
}
