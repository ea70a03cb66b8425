//! `std::thread` with the same names and signatures.
//!
//! `spawn`, `Builder`, `scope` and the join handles are wrapped: spawning and
//! joining are synchronization points, and the lock registry learns each
//! thread's name (so deadlock reports can say "worker-2 waits for ...").
//! Under `--cfg loom` these are loom's threads, under `--cfg shuttle`
//! shuttle's; the facade provides what they lack (loom has no `scope`,
//! `sleep` or `park_timeout`, neither has `Builder::spawn_scoped` or
//! `is_finished`). `sleep` and `park_timeout` yield: a model has no clock.

#[cfg(any(loom, shuttle))]
mod model_impl;
#[cfg(not(any(loom, shuttle)))]
mod std_impl;

#[cfg(any(loom, shuttle))]
pub use model_impl::*;
#[cfg(not(any(loom, shuttle)))]
pub use std_impl::*;

pub use std::thread::{Result, available_parallelism, panicking};

/// Configures a new thread before it starts (`std::thread::Builder`'s API).
/// The same for every backend; each backend turns it into its own builder.
#[derive(Debug, Default)]
pub struct Builder {
    name: Option<String>,
    stack_size: Option<usize>,
}

impl Builder {
    /// A builder with no name and the default stack size.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the thread (shown in panic messages and in deadlock reports).
    pub fn name(mut self, name: String) -> Builder {
        self.name = Some(name);
        self
    }

    /// Sets the stack size of the new thread, in bytes.
    pub fn stack_size(mut self, size: usize) -> Builder {
        self.stack_size = Some(size);
        self
    }
}
