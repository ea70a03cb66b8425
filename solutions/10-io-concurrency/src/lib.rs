//! Exercise 10: I/O concurrency. Reference solution.

use threadlings::sync::{Condvar, Mutex, MutexGuard};
use threadlings::thread;

/// A counting semaphore from a `Mutex` and a `Condvar`.
pub struct Semaphore {
    /// Permits free right now.
    free: Mutex<usize>,
    /// Signalled when a permit is given back.
    returned: Condvar,
}

impl Semaphore {
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            free: Mutex::new(permits),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // A panic elsewhere never leaves the count half-updated.
        self.free
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        // A loop, not an `if`: wake-ups can be spurious, and another thread
        // may take the permit between the notify and our wake-up.
        while *free == 0 {
            free = self
                .returned
                .wait(free)
                .unwrap_or_else(|poison| poison.into_inner());
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    pub fn available(&self) -> usize {
        *self.lock()
    }
}

/// A permit taken from a [`Semaphore`]; gives it back when dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.lock() += 1;
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
