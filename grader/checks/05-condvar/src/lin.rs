//! Linearizability checks of exercise 05 (appended): the bounded queue
//! against its sequential specification, a FIFO queue of at most `capacity`
//! items where `push` blocks while full and `pop` while empty.

use std::collections::VecDeque;

use condvar::BoundedQueue;
use rand::Rng;
use threadlings_kit::lin::{ChaCha8Rng, Lin, Part, Scenario, Spec};
use threadlings_kit::race::{Explore, Model};
use threadlings_kit::{CheckResult, Ctx, t};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Push(u32),
    Pop,
    TryPop,
    Len,
}

/// What an operation returned: `()` for push, the item for pop, the
/// option for try_pop, the length for len.
#[derive(Clone, PartialEq, Eq)]
pub enum Ret {
    Pushed,
    Item(u32),
    Maybe(Option<u32>),
    Len(usize),
}

impl std::fmt::Debug for Ret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ret::Pushed => write!(f, "()"),
            Ret::Item(v) => write!(f, "{v}"),
            Ret::Maybe(v) => write!(f, "{v:?}"),
            Ret::Len(n) => write!(f, "{n}"),
        }
    }
}

pub struct QueueSpec {
    capacity: usize,
}

impl Spec for QueueSpec {
    type Subject = BoundedQueue<u32>;
    type Op = Op;
    type Ret = Ret;
    type State = VecDeque<u32>;

    fn label(&self) -> String {
        format!("BoundedQueue::new({})", self.capacity)
    }

    fn subject(&self) -> BoundedQueue<u32> {
        BoundedQueue::new(self.capacity)
    }

    fn apply(&self, queue: &BoundedQueue<u32>, op: &Op) -> Ret {
        threadlings_kit::race::doing(|| format!("{op:?}"));
        match op {
            Op::Push(v) => {
                queue.push(*v);
                Ret::Pushed
            }
            Op::Pop => Ret::Item(queue.pop()),
            Op::TryPop => Ret::Maybe(queue.try_pop()),
            Op::Len => Ret::Len(queue.len()),
        }
    }

    fn initial(&self) -> VecDeque<u32> {
        VecDeque::new()
    }

    fn step(&self, state: &VecDeque<u32>, op: &Op) -> Option<(VecDeque<u32>, Ret)> {
        let mut next = state.clone();
        let ret = match op {
            Op::Push(_) if next.len() == self.capacity => return None,
            Op::Push(v) => {
                next.push_back(*v);
                Ret::Pushed
            }
            Op::Pop => Ret::Item(next.pop_front()?),
            Op::TryPop => Ret::Maybe(next.pop_front()),
            Op::Len => Ret::Len(next.len()),
        };
        Some((next, ret))
    }

    fn generate(&self, rng: &mut ChaCha8Rng, part: Part) -> Op {
        match (part, rng.random_range(0..100)) {
            (Part::Post, _) => Op::TryPop,
            (_, 0..45) => Op::Push(rng.random_range(1..1000)),
            (_, 45..75) => Op::Pop,
            (_, 75..90) => Op::TryPop,
            _ => Op::Len,
        }
    }
}

fn spec() -> QueueSpec {
    QueueSpec { capacity: 2 }
}

pub fn queue_lin(ctx: &mut Ctx) -> CheckResult {
    Lin::new(spec()).rounds(1500).stress(ctx)
}

pub fn queue_lin_explore(ctx: &mut Ctx) -> CheckResult {
    Lin::new(spec()).explore(
        ctx,
        Explore::new(t!(
            "generated BoundedQueue scenarios",
            "생성된 BoundedQueue 시나리오"
        ))
        .iterations(2000),
    )
}

pub fn queue_lin_model(ctx: &mut Ctx) -> CheckResult {
    // Loom explores every interleaving, so the scenario is the lesson's
    // shape, small: two consumers waiting while a producer pushes two items
    // into a queue of 1.
    Lin::new(QueueSpec { capacity: 1 }).model_on(
        ctx,
        Model::new(t!(
            "two pops waiting for two pushes",
            "push 두 번을 기다리는 pop 두 번"
        )),
        vec![Scenario {
            init: vec![],
            threads: vec![vec![Op::Pop], vec![Op::Pop], vec![Op::Push(1), Op::Push(2)]],
            post: vec![Op::TryPop],
        }],
    )
}
