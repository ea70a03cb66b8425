//! `std::thread` with the same names and signatures.
//!
//! `spawn`, `Builder`, `scope` and the join handles are wrapped: spawning and
//! joining are synchronization points, and the lock registry learns each
//! thread's name (so deadlock reports can say "worker-2 waits for ...").
//! Under `--cfg loom` these are loom's threads; loom has no `scope`, `sleep`
//! or `park_timeout`, so the facade provides them (`sleep` yields: a model has
//! no clock).

#[cfg(loom)]
mod loom_impl;
#[cfg(not(loom))]
mod std_impl;

#[cfg(loom)]
pub use loom_impl::*;
#[cfg(not(loom))]
pub use std_impl::*;

pub use std::thread::{Result, available_parallelism, panicking};
