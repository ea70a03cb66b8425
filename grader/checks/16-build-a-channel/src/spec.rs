//! The channel's sequential specification, for the linearizability checks:
//! a FIFO queue of at most `capacity` values and a closed flag. `send` blocks
//! while full and open; `recv` blocks while empty and open; after `close`,
//! sends fail with their value, queued values are still received, then
//! `recv` gives `None`.

use std::collections::VecDeque;

use build_a_channel::{Channel, SendError, TryRecvError};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use threadlings_kit::lin::{Part, Spec};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Send(u32),
    Recv,
    TryRecv,
    Close,
}

/// What an operation returned, shown as the student's API would print it.
#[derive(Clone, PartialEq, Eq)]
pub enum Ret {
    Send(Result<(), SendError<u32>>),
    Recv(Option<u32>),
    TryRecv(Result<u32, TryRecvError>),
    Close(bool),
}

impl std::fmt::Debug for Ret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ret::Send(r) => write!(f, "{r:?}"),
            Ret::Recv(r) => write!(f, "{r:?}"),
            Ret::TryRecv(r) => write!(f, "{r:?}"),
            Ret::Close(r) => write!(f, "{r:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Model {
    items: VecDeque<u32>,
    closed: bool,
}

/// A channel of `capacity`; `closing` is how often (in 1/100) an operation
/// is a close (rare, or every scenario would be over after it).
pub struct ChannelSpec {
    pub capacity: usize,
    pub closing: u32,
}

impl Spec for ChannelSpec {
    type Subject = Channel<u32>;
    type Op = Op;
    type Ret = Ret;
    type State = Model;

    fn label(&self) -> String {
        format!("Channel::new({})", self.capacity)
    }

    fn subject(&self) -> Channel<u32> {
        Channel::new(self.capacity)
    }

    fn apply(&self, channel: &Channel<u32>, op: &Op) -> Ret {
        threadlings_kit::race::doing(|| format!("{op:?}"));
        match op {
            Op::Send(v) => Ret::Send(channel.send(*v)),
            Op::Recv => Ret::Recv(channel.recv()),
            Op::TryRecv => Ret::TryRecv(channel.try_recv()),
            Op::Close => Ret::Close(channel.close()),
        }
    }

    fn initial(&self) -> Model {
        Model {
            items: VecDeque::new(),
            closed: false,
        }
    }

    fn step(&self, state: &Model, op: &Op) -> Option<(Model, Ret)> {
        let mut next = state.clone();
        let ret = match op {
            Op::Send(v) if next.closed => Ret::Send(Err(SendError(*v))),
            Op::Send(_) if next.items.len() == self.capacity => return None,
            Op::Send(v) => {
                next.items.push_back(*v);
                Ret::Send(Ok(()))
            }
            Op::Recv => match next.items.pop_front() {
                Some(v) => Ret::Recv(Some(v)),
                None if next.closed => Ret::Recv(None),
                None => return None,
            },
            Op::TryRecv => Ret::TryRecv(match next.items.pop_front() {
                Some(v) => Ok(v),
                None if next.closed => Err(TryRecvError::Closed),
                None => Err(TryRecvError::Empty),
            }),
            Op::Close => {
                let was_open = !next.closed;
                next.closed = true;
                Ret::Close(was_open)
            }
        };
        Some((next, ret))
    }

    fn generate(&self, rng: &mut ChaCha8Rng, part: Part) -> Op {
        let roll = rng.random_range(0..100);
        match part {
            // Post: see what is left.
            Part::Post => Op::TryRecv,
            _ if roll < self.closing => Op::Close,
            // Distinct values, so a result names the send it came from.
            _ if roll < 55 => Op::Send(rng.random_range(1..1000)),
            _ if roll < 90 => Op::Recv,
            _ => Op::TryRecv,
        }
    }
}
