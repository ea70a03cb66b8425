//! Exercise 12: a thread pool. Reference solution.
#![allow(unused)]

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use threadlings::sync::mpsc::{self, Receiver, Sender};
use threadlings::sync::{Arc, Mutex, PoisonError};
use threadlings::thread::{self, JoinHandle};

/// A job: any closure a worker can run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that run the jobs handed to them.
pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    jobs: Option<Sender<Job>>,
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
        let (sender, receiver) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|i| {
                let queue = Arc::clone(&queue);
                thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || work(&queue))
                    .expect("could not start a worker thread")
            })
            .collect();
        ThreadPool {
            workers,
            jobs: Some(sender),
        }
    }

    /// How many worker threads the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// Task 1: queues `job` for the workers.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.jobs
            .as_ref()
            .expect("the pool is shutting down")
            .send(Box::new(job))
            .expect("every worker thread has stopped");
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
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // Jobs' panics are caught, so a worker never ends with one.
            let _ = worker.join();
        }
    }
}
