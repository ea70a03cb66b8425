//! WRONG: the semaphore's wait condition is off by one.

use std::sync::{Condvar, Mutex};
use std::thread;

/// A counting semaphore that counts permits in use.
pub struct Semaphore {
    permits: usize,
    in_use: Mutex<usize>,
    returned: Condvar,
}

impl Semaphore {
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits,
            in_use: Mutex::new(0),
            returned: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut in_use = self.in_use.lock().unwrap();
        // Off by one: waits only once *more* than `permits` are in use, so
        // permits + 1 holders get through. (`>=` is right.)
        while *in_use > self.permits {
            in_use = self.returned.wait(in_use).unwrap();
        }
        *in_use += 1;
        Permit { semaphore: self }
    }

    pub fn available(&self) -> usize {
        self.permits.saturating_sub(*self.in_use.lock().unwrap())
    }
}

/// A permit taken from a [`Semaphore`]; gives it back when dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.in_use.lock().unwrap() -= 1;
        self.semaphore.returned.notify_one();
    }
}

pub fn fetch_all<T, R, F>(resources: &[T], max_in_flight: usize, fetch: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let semaphore = Semaphore::new(max_in_flight.max(1));
    let (semaphore, fetch) = (&semaphore, &fetch);
    thread::scope(|scope| {
        // One thread per resource; each waits for a permit, so at most
        // `max_in_flight` fetches run at once while the rest wait their turn.
        let handles: Vec<_> = resources
            .iter()
            .map(|resource| {
                scope.spawn(move || {
                    let _permit = semaphore.acquire();
                    fetch(resource)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}
