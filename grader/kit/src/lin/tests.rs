//! The whole pipeline on two tiny queues: generation, execution under
//! stress, judgement, shrinking, the failure's text.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use threadlings::sync::Mutex;

use super::{Lin, Part, Scenario, Sizes, Spec, never_stuck};
use crate::{Ctx, Stop};

/// Instrumentation is process-wide: one stress run at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Push(u32),
    TryPop,
    Pop,
}

/// A queue of u32 behind one lock; `lifo` makes pops take the newest item
/// (a wrong answer that no sequential order explains).
struct Queue {
    lifo: bool,
    blocking: bool,
}

impl Spec for Queue {
    type Subject = (Mutex<VecDeque<u32>>, threadlings::sync::Condvar);
    type Op = Op;
    type Ret = Option<u32>;
    type State = VecDeque<u32>;

    fn label(&self) -> String {
        "a test queue".to_string()
    }
    fn subject(&self) -> Self::Subject {
        (
            Mutex::new(VecDeque::new()),
            threadlings::sync::Condvar::new(),
        )
    }
    fn apply(&self, (queue, cv): &Self::Subject, op: &Op) -> Option<u32> {
        let mut items = queue.lock().unwrap();
        match op {
            Op::Push(v) => {
                items.push_back(*v);
                cv.notify_all();
                None
            }
            Op::TryPop if self.lifo => items.pop_back(),
            Op::TryPop => items.pop_front(),
            Op::Pop => {
                while items.is_empty() {
                    items = cv.wait(items).unwrap();
                }
                items.pop_front()
            }
        }
    }
    fn initial(&self) -> VecDeque<u32> {
        VecDeque::new()
    }
    fn step(&self, state: &VecDeque<u32>, op: &Op) -> Option<(VecDeque<u32>, Option<u32>)> {
        let mut next = state.clone();
        match op {
            Op::Push(v) => {
                next.push_back(*v);
                Some((next, None))
            }
            Op::TryPop => {
                let v = next.pop_front();
                Some((next, v))
            }
            Op::Pop => {
                let v = next.pop_front()?;
                Some((next, Some(v)))
            }
        }
    }
    fn generate(&self, rng: &mut ChaCha8Rng, _part: Part) -> Op {
        match rng.random_range(0..3) {
            0 if self.blocking => Op::Pop,
            0 | 1 => Op::Push(rng.random_range(1..=9)),
            _ => Op::TryPop,
        }
    }
}

fn run(spec: Queue) -> crate::CheckResult {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut ctx = Ctx::new("queue_lin", 7);
    // Shrinking ends when no smaller scenario fails again; the long deadline
    // only keeps a loaded machine from cutting it short.
    Lin::new(spec)
        .rounds(400)
        .shrink_time(std::time::Duration::from_secs(60))
        .stress(&mut ctx)
}

#[test]
fn a_correct_queue_passes_with_blocking_and_overlapping_operations() {
    assert_eq!(
        run(Queue {
            lifo: false,
            blocking: true
        }),
        Ok(())
    );
}

#[test]
fn a_lifo_pop_is_rejected_with_a_scenario_shrunk_to_three_operations() {
    let result = run(Queue {
        lifo: true,
        blocking: false,
    });
    let Err(Stop::Fail(failure)) = result else {
        panic!("a LIFO pop must not pass as a FIFO queue: {result:?}");
    };
    let message = &failure.message;
    eprintln!("{message}");
    assert!(message.contains("are not linearizable"), "{message}");
    // The smallest scenario that shows it is two pushes, then a pop that
    // returns the second (3 operations); a smaller scenario that fails only
    // rarely may be passed over, so allow one more.
    let shrunk: usize = message
        .split(" operations in ")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no shrink note: {message}"));
    assert!(shrunk <= 4, "shrunk to {shrunk} operations only: {message}");
    assert!(
        message.contains(" !"),
        "the unexplained result is marked: {message}"
    );
    assert!(
        message.contains("-- queue_lin --seed 7"),
        "the replay command: {message}"
    );
}

#[test]
fn scenarios_that_can_hang_are_never_generated() {
    let spec = Queue {
        lifo: false,
        blocking: true,
    };
    // One thread pops from an empty queue and nobody pushes: stuck.
    let stuck = Scenario {
        init: vec![],
        threads: vec![vec![Op::Pop], vec![Op::TryPop]],
        post: vec![],
    };
    assert!(!never_stuck(&spec, &stuck));
    // Pop then push on one thread, push then pop on the other: if both pop
    // first they wait for each other.
    let crossed = Scenario {
        init: vec![],
        threads: vec![vec![Op::Pop, Op::Push(1)], vec![Op::Pop, Op::Push(2)]],
        post: vec![],
    };
    assert!(!never_stuck(&spec, &crossed));
    let fine = Scenario {
        init: vec![Op::Push(1)],
        threads: vec![vec![Op::Pop, Op::Push(2)], vec![Op::Push(3), Op::Pop]],
        post: vec![Op::TryPop],
    };
    assert!(never_stuck(&spec, &fine));
    let mut rng = rand::SeedableRng::seed_from_u64(3);
    for _ in 0..50 {
        let scenario = super::generate_safe(&spec, Sizes::default(), &mut rng, 200)
            .expect("the generator balances pops");
        assert!(never_stuck(&spec, &scenario));
    }
}

#[test]
fn shrinking_candidates_drop_one_operation_or_one_thread() {
    let scenario = Scenario {
        init: vec![1],
        threads: vec![vec![2, 3], vec![4]],
        post: vec![5],
    };
    let smaller = scenario.smaller();
    assert!(smaller.iter().all(|s| s.len() < scenario.len()));
    assert!(smaller.contains(&Scenario {
        init: vec![1],
        threads: vec![vec![4]],
        post: vec![5],
    }));
    assert!(smaller.contains(&Scenario {
        init: vec![1],
        threads: vec![vec![2, 3]],
        post: vec![5],
    }));
    assert!(smaller.contains(&Scenario {
        init: vec![],
        threads: vec![vec![2, 3], vec![4]],
        post: vec![5],
    }));
}
