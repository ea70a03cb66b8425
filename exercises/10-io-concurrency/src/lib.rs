//! Exercise 10: I/O concurrency. Read README.md first.
#![allow(unused)]

use threadlings::sync::{Condvar, Mutex};

/// Task 1: a counting semaphore, built from a `Mutex` and a `Condvar`.
///
/// It starts with `permits` permits. [`Semaphore::acquire`] takes one,
/// waiting (without spinning) while none is free; dropping the returned
/// [`Permit`] gives it back and wakes one waiter. So at most `permits`
/// holders exist at any moment.
pub struct Semaphore {
    /// Permits free right now.
    free: Mutex<usize>,
    /// Signalled when a permit is given back.
    returned: Condvar,
}

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Semaphore {
        todo!()
    }

    /// Waits until a permit is free and takes it. The permit goes back when
    /// the returned guard is dropped.
    pub fn acquire(&self) -> Permit<'_> {
        todo!()
    }

    /// How many permits are free right now.
    pub fn available(&self) -> usize {
        todo!()
    }
}

/// A permit taken from a [`Semaphore`]; gives it back when dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        todo!()
    }
}

/// Task 2: fetch every resource with `fetch`, concurrently, with at most
/// `max_in_flight` calls of `fetch` running at any moment, and return the
/// results in the order of `resources`.
///
/// `fetch` stands for a slow request (network, disk): it mostly *waits*. While
/// one request waits, others should be in flight, so `n` requests take about
/// `ceil(n / max_in_flight)` request times, not `n`. But never more than
/// `max_in_flight` at once (the server allows that many connections), and
/// really `max_in_flight` when there is enough work.
///
/// Use your [`Semaphore`] (a thread per resource, each holding a permit while
/// it fetches), or `max_in_flight` worker threads fed through a channel.
/// `max_in_flight` is at least 1.
pub fn fetch_all<T, R, F>(resources: &[T], max_in_flight: usize, fetch: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    todo!()
}
