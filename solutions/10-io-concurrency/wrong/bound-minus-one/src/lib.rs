//! WRONG: a worker pool one worker short.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;

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
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(
        std::iter::repeat_with(|| None)
            .take(resources.len())
            .collect(),
    );
    let (next, results_ref, fetch) = (&next, &results, &fetch);
    thread::scope(|scope| {
        // Off by one: `1..max_in_flight` starts max_in_flight - 1 workers
        // (and at least one, so it still finishes).
        for _ in 1..max_in_flight.max(2) {
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(resource) = resources.get(index) else {
                        break;
                    };
                    let result = fetch(resource);
                    results_ref.lock().unwrap()[index] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every resource fetched"))
        .collect()
}
