//! Exercise 16: build a channel. Read README.md first.
//!
//! Reference solution.

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

/// A bounded multi-producer multi-consumer channel: values come out in the
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
        assert!(capacity > 0, "a channel needs room for at least one value");
        Channel {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Queues `value`, first waiting while the channel is full. On a closed
    /// channel (closed before or while waiting) returns the value in
    /// `Err(SendError(value))`.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let mut state = self.state.lock().unwrap();
        while state.items.len() == self.capacity && !state.closed {
            state = self.not_full.wait(state).unwrap();
        }
        if state.closed {
            return Err(SendError(value));
        }
        state.items.push_back(value);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the oldest queued value, first waiting while the channel is
    /// empty and open. `None` once the channel is closed *and* empty: values
    /// sent before `close` are still delivered.
    pub fn recv(&self) -> Option<T> {
        let mut state = self.state.lock().unwrap();
        while state.items.is_empty() && !state.closed {
            state = self.not_empty.wait(state).unwrap();
        }
        let value = state.items.pop_front();
        drop(state);
        if value.is_some() {
            self.not_full.notify_one();
        }
        value
    }

    /// Takes the oldest queued value without waiting.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.state.lock().unwrap();
        match state.items.pop_front() {
            Some(value) => {
                drop(state);
                self.not_full.notify_one();
                Ok(value)
            }
            None if state.closed => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Closes the channel: every later `send` fails, every waiting sender
    /// and receiver wakes up. Values already queued stay receivable. Returns
    /// whether this call closed it (`false` if it was closed already).
    pub fn close(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        let was_open = !state.closed;
        state.closed = true;
        drop(state);
        self.not_empty.notify_all();
        self.not_full.notify_all();
        was_open
    }

    /// How many values are queued right now.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().items.len()
    }

    /// Whether no value is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `close` has been called.
    pub fn is_closed(&self) -> bool {
        self.state.lock().unwrap().closed
    }

    /// The most values the channel queues.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
