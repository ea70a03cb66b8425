//! `std::hint::spin_loop` as a synchronization point.
//!
//! Call it in every busy-wait loop: under stress it may yield, and under
//! `--cfg loom` or `--cfg shuttle` it is what lets the model run the thread
//! you are waiting for (a loop that never yields has no end in a model).

/// Signals a busy-wait loop (std's `spin_loop`; loom's under `--cfg loom`,
/// shuttle's under `--cfg shuttle`).
#[inline]
pub fn spin_loop() {
    #[cfg(loom)]
    loom::hint::spin_loop();
    #[cfg(shuttle)]
    shuttle::hint::spin_loop();
    #[cfg(not(any(loom, shuttle)))]
    {
        crate::rt::point();
        std::hint::spin_loop();
    }
}
