//! Exercise 03: channels. Read README.md first.
#![allow(unused)]

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, select};

/// Task 1: a two-stage pipeline over **bounded** `std::sync::mpsc` channels.
///
/// ```text
/// inputs ─▶ [stage 1: first] ─▶ sync_channel(capacity) ─▶ [stage 2: second] ─▶ sync_channel(capacity) ─▶ caller
/// ```
///
/// Stage 1 runs on its own thread: `first(input)` for each input, in order,
/// each result sent on. Stage 2 runs on another thread: it receives, applies
/// `second`, and sends on. The calling thread collects the outputs (in input
/// order) until the last channel is closed, and joins both stage threads.
///
/// Both channels hold at most `capacity` items (`mpsc::sync_channel`), so a
/// fast stage 1 waits for a slow stage 2 instead of buffering everything
/// (**backpressure**). Each stage ends when its input channel is closed: make
/// sure every `Sender` is dropped when its stage is done.
///
/// If `first` or `second` panics, `pipeline` panics with that stage's own
/// payload: `join()` returns it as `Err(payload)`; hand it on with
/// `std::panic::resume_unwind(payload)` (README: "Joining carries the panic").
pub fn pipeline<T, U, V, F, G>(inputs: Vec<T>, capacity: usize, first: F, second: G) -> Vec<V>
where
    T: Send + 'static,
    U: Send + 'static,
    V: Send + 'static,
    F: Fn(T) -> U + Send + 'static,
    G: Fn(U) -> V + Send + 'static,
{
    todo!()
}

/// Task 2: fan-out / fan-in with `crossbeam_channel`.
///
/// Send every job (with its index) into one channel that `worker_count`
/// worker threads all receive from (fan-out: crossbeam receivers can be
/// cloned, each job goes to exactly one worker). Each worker sends
/// `(index, work(job))` into one results channel (fan-in), which the calling
/// thread drains until it is closed, that is until **every** results `Sender`
/// is gone. Return the results in job order, after joining every worker.
///
/// Exactly `worker_count` workers (at least 1), all running at once. If
/// `work` panics, the call panics with that worker's own payload, as in
/// [`pipeline`].
pub fn fan_out_fan_in<T, R, F>(jobs: Vec<T>, worker_count: usize, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    todo!()
}

/// How [`forward_until`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every sender of `input` was dropped (after all its messages were forwarded).
    InputClosed,
    /// `cancel` received a message or was closed.
    Cancelled,
    /// No message arrived on `input` for the idle timeout.
    Idle,
}

/// Task 3: forward every message from `input` to `output` until one of the
/// [`Stop`] reasons, and return it with the number of messages forwarded.
///
/// Wait on `input` and `cancel` at once with `crossbeam_channel::select!`, and
/// give up after `idle` without input: a `default(idle)` arm (or
/// `recv(crossbeam_channel::after(idle))`). The idle time counts from the last
/// message, not from the start. `output`'s receiver outlives the call.
pub fn forward_until<T>(
    input: &Receiver<T>,
    cancel: &Receiver<()>,
    output: &Sender<T>,
    idle: Duration,
) -> (Stop, usize) {
    todo!()
}

/// Task 4: `worker_count` workers process jobs from `jobs` until it is closed
/// or the work is **cancelled**, and every result produced is returned.
///
/// Cancellation is the closing of `cancel` (its `Sender` dropped): a closed
/// channel wakes every receiver at once, where a message would wake only one.
/// On cancel, each worker finishes the job in hand and takes no new one (check
/// `cancel` before taking each job); jobs still queued stay in the channel.
///
/// Clean shutdown: return only after every worker was joined, with the result
/// of **every** job whose `work` finished, in any order. None may be lost:
/// results sent after the cancel count too. If `work` panics, the call
/// panics with that worker's own payload, as in [`pipeline`].
pub fn process_until_cancelled<T, R, F>(
    jobs: Receiver<T>,
    cancel: Receiver<()>,
    worker_count: usize,
    work: F,
) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    todo!()
}
