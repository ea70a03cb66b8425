//! Exercise 16: build a channel. Read README.md first.
//!
//! Three tasks, one type. Replace every `todo!()` with your answer and run
//! `cargo test -p build-a-channel`; then run the grader for the hidden checks.
//! Take `Mutex` and `Condvar` from `threadlings::sync` (std's names,
//! instrumented for the grader), not from `std`.
#![allow(unused)]

use std::collections::VecDeque;
use std::fmt;

use threadlings::sync::{Condvar, Mutex};

/// `send` on a closed channel: the value comes back to the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sending on a closed channel")
    }
}

/// Why `try_recv` returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing is queued now, but the channel is open: a value may come.
    Empty,
    /// Nothing is queued and the channel is closed: no value will ever come.
    Closed,
}

/// Tasks 1–3: a bounded multi-producer multi-consumer channel: values come out in the
/// order they went in, each to exactly one receiver.
#[derive(Debug)]
pub struct Channel<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    /// Receivers wait on it while the channel is empty and open.
    not_empty: Condvar,
    /// Senders wait on it while the channel is full and open.
    not_full: Condvar,
}

/// What the channel's mutex protects.
#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> Channel<T> {
    /// An open, empty channel for at most `capacity` queued values.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    pub fn new(capacity: usize) -> Channel<T> {
        todo!()
    }

    /// Task 1. Queues `value`, first waiting while the channel is full. On a closed
    /// channel (closed before or while waiting) returns the value in
    /// `Err(SendError(value))`.
    ///
    /// Wait in a `while` loop whose condition says "full and open"; after a
    /// successful push, wake one waiting receiver.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        todo!()
    }

    /// Task 1. Takes the oldest queued value, first waiting while the channel is
    /// empty and open. `None` once the channel is closed *and* empty: values
    /// sent before `close` are still delivered.
    ///
    /// Wait in a `while` loop ("empty and open"); then look at the queue
    /// before the flag, and take the oldest value whether or not you waited
    /// (README: "What correct means for a channel").
    pub fn recv(&self) -> Option<T> {
        todo!()
    }

    /// Task 3. Takes the oldest queued value without waiting.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        todo!()
    }

    /// Task 2. Closes the channel: every later `send` fails, every waiting sender
    /// and receiver wakes up. Values already queued stay receivable. Returns
    /// whether this call closed it (`false` if it was closed already).
    ///
    /// Every waiter must see the flag: `notify_all`, on both condition
    /// variables.
    pub fn close(&self) -> bool {
        todo!()
    }

    /// How many values are queued right now.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether no value is queued right now.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// Whether `close` has been called.
    pub fn is_closed(&self) -> bool {
        todo!()
    }

    /// The most values the channel queues.
    pub fn capacity(&self) -> usize {
        todo!()
    }
}
