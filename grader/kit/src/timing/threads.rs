//! Threads alive in this process, to prove a clean shutdown: after the call
//! under test returns, every thread it started must be gone (joined), not
//! left blocked on a channel forever.

use std::time::{Duration, Instant};

/// Threads of this process right now (from `/proc/self/status`).
pub fn process_threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Waits until at most `limit` threads are alive, or `patience` passed;
/// returns the last count. A thread that was joined is gone within
/// microseconds; one left running never goes, so only a wrong answer waits
/// the patience.
pub fn wait_for_threads_at_most(limit: usize, patience: Duration) -> Option<usize> {
    let deadline = Instant::now() + patience;
    loop {
        let now = process_threads()?;
        if now <= limit || Instant::now() >= deadline {
            return Some(now);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
