//! The CPU-bound task of the checks, shared by the check program and its
//! worker process (`src/bin/gil-worker.rs`), so a task computed in a process
//! is the very task the check times on a thread.

/// CPU-bound work: `rounds` rounds of integer mixing, a few nanoseconds each.
pub fn crunch(seed: u64, rounds: u64) -> u64 {
    let mut h = std::hint::black_box(seed) ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..rounds {
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
    }
    h
}
