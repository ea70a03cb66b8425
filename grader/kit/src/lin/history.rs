//! The linearizability decision: Wing & Gong's search, with memoization.
//!
//! A history is a set of completed operations, each with its result and two
//! ticks of one global logical clock (taken just before the call and just
//! after the return). Operation `a` precedes `b` in real time when `a`
//! returned before `b` was called (`a.ret < b.call`). The history is
//! linearizable when some order of all operations that keeps every such
//! precedence gives, applied one by one to the sequential model, exactly the
//! results that were seen.
//!
//! The search linearizes one operation at a time, choosing among the
//! operations that no pending operation precedes; a dead end is remembered
//! as (set of operations done, model state) so that it is never explored
//! twice (the memoization of Lowe's and Horn & Kroening's refinements). At
//! the sizes the kit generates (at most [`MAX_OPS`] operations, at most 3
//! threads of at most 4), the set of reachable "done" sets is the product of
//! per-thread prefixes (≤ 5³ = 125 for the concurrent part), so a decision
//! costs microseconds.

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

use threadlings_schema::report::{ScenarioCandidate, ScenarioWhy};

/// The most operations one history may hold (one bit each in the search).
pub const MAX_OPS: usize = 64;

/// One completed operation of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<Op, Ret> {
    /// Where it ran: `Part::Init`, a thread, or `Part::Post`.
    pub part: super::Part,
    pub op: Op,
    pub ret: Ret,
    /// Clock tick taken just before the call.
    pub call: u64,
    /// Clock tick taken just after the return.
    pub ret_at: u64,
}

/// The sequential model a history is checked against.
pub trait Sequential<Op, Ret> {
    /// The model's state: cloned at every step, hashed for memoization.
    type State: Clone + Hash + Eq;

    /// Applies `op` to `state`: the state after it and its result, or `None`
    /// when `op` cannot complete in `state` (it blocks, as `pop` on an empty
    /// queue does; it will linearize at a state where it can).
    fn step(&self, state: &Self::State, op: &Op) -> Option<(Self::State, Ret)>;
}

/// Why no sequential order explains a history: the longest prefix some order
/// explains, and what went wrong right after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unexplained<Ret> {
    /// How many operations the longest explainable prefix holds.
    pub explained: usize,
    /// The operations that could come next after that prefix, each with what
    /// the model would have returned there (`None`: it would block).
    pub candidates: Vec<(usize, Option<Ret>)>,
}

/// Decides whether `history` (at most [`MAX_OPS`] entries) is linearizable
/// from `initial`. `Ok` holds a witness: the indices of `history` in a
/// sequential order that explains every result.
pub fn linearize<Op, Ret, M>(
    model: &M,
    initial: &M::State,
    history: &[Entry<Op, Ret>],
) -> Result<Vec<usize>, Unexplained<Ret>>
where
    Ret: PartialEq + Clone,
    M: Sequential<Op, Ret>,
{
    let operations = history.len();
    assert!(
        operations <= MAX_OPS,
        "{}",
        crate::t!(
            "a history of {operations} operations is beyond the checker's {MAX_OPS}",
            "연산 {operations}개의 기록은 검사기가 다룰 수 있는 {MAX_OPS}개를 넘습니다"
        )
    );
    let mut search = Search {
        model,
        history,
        dead: HashSet::new(),
        order: Vec::with_capacity(history.len()),
        best: (0, 0, initial.clone()),
    };
    if search.go(0, initial) {
        return Ok(search.order);
    }
    let (explained, done, state) = search.best.clone();
    let candidates = search
        .minimal(done)
        .into_iter()
        .map(|i| (i, model.step(&state, &history[i].op).map(|(_, ret)| ret)))
        .collect();
    Err(Unexplained {
        explained,
        candidates,
    })
}

struct Search<'a, Op, Ret, M: Sequential<Op, Ret>> {
    model: &'a M,
    history: &'a [Entry<Op, Ret>],
    /// (done set, state) pairs known to lead nowhere.
    dead: HashSet<(u64, M::State)>,
    order: Vec<usize>,
    /// The deepest configuration reached: (ops done, done set, state).
    best: (usize, u64, M::State),
}

impl<Op, Ret: PartialEq + Clone, M: Sequential<Op, Ret>> Search<'_, Op, Ret, M> {
    /// The operations not in `done` that no other pending operation
    /// precedes in real time: the ones that may be linearized next.
    fn minimal(&self, done: u64) -> Vec<usize> {
        let pending = |i: usize| done & (1 << i) == 0;
        let earliest_return = (0..self.history.len())
            .filter(|&i| pending(i))
            .map(|i| self.history[i].ret_at)
            .min()
            .unwrap_or(u64::MAX);
        (0..self.history.len())
            .filter(|&i| pending(i) && self.history[i].call < earliest_return)
            .collect()
    }

    fn go(&mut self, done: u64, state: &M::State) -> bool {
        let count = done.count_ones() as usize;
        if count == self.history.len() {
            return true;
        }
        if count > self.best.0 {
            self.best = (count, done, state.clone());
        }
        if self.dead.contains(&(done, state.clone())) {
            return false;
        }
        for i in self.minimal(done) {
            let Some((next, ret)) = self.model.step(state, &self.history[i].op) else {
                continue;
            };
            if ret != self.history[i].ret {
                continue;
            }
            self.order.push(i);
            if self.go(done | (1 << i), &next) {
                return true;
            }
            self.order.pop();
        }
        self.dead.insert((done, state.clone()));
        false
    }
}

/// A sentence per unexplained result: what the operation returned and what
/// the model would have returned at the point where every sequential order
/// runs out (the English of [`explain`]).
pub fn describe<Op: Debug, Ret: Debug>(
    history: &[Entry<Op, Ret>],
    why: &Unexplained<Ret>,
) -> Vec<String> {
    explain(history, why).to_english()
}

/// Why no sequential order explains `history`, as the report's data: the
/// operations and values as their `Debug` (the instructor's words).
pub fn explain<Op: Debug, Ret: Debug>(
    history: &[Entry<Op, Ret>],
    why: &Unexplained<Ret>,
) -> ScenarioWhy {
    ScenarioWhy {
        explained: why.explained,
        operations: history.len(),
        candidates: why
            .candidates
            .iter()
            .map(|(i, model)| {
                let entry = &history[*i];
                ScenarioCandidate {
                    part: entry.part.to_report(),
                    op: format!("{:?}", entry.op),
                    returned: format!("{:?}", entry.ret),
                    model: model.as_ref().map(|ret| format!("{ret:?}")),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::super::Part;
    use super::*;

    /// A FIFO queue: push(v) → None, pop → Some(oldest) (blocks when empty).
    #[derive(Debug, Clone, PartialEq)]
    enum Q {
        Push(u32),
        Pop,
    }

    struct Fifo;

    impl Sequential<Q, Option<u32>> for Fifo {
        type State = VecDeque<u32>;
        fn step(&self, state: &VecDeque<u32>, op: &Q) -> Option<(VecDeque<u32>, Option<u32>)> {
            let mut next = state.clone();
            match op {
                Q::Push(v) => {
                    next.push_back(*v);
                    Some((next, None))
                }
                Q::Pop => {
                    let v = next.pop_front()?;
                    Some((next, Some(v)))
                }
            }
        }
    }

    fn e(thread: usize, op: Q, ret: Option<u32>, call: u64, ret_at: u64) -> Entry<Q, Option<u32>> {
        Entry {
            part: Part::Thread(thread),
            op,
            ret,
            call,
            ret_at,
        }
    }

    #[test]
    fn overlapping_calls_are_linearized_in_either_order() {
        // Thread 0 pushes 1 while thread 1 pushes 2 (overlapping); then
        // thread 0 pops 2: only the order push(2), push(1) explains it, and
        // the overlap allows it.
        let history = [
            e(0, Q::Push(1), None, 0, 3),
            e(1, Q::Push(2), None, 1, 2),
            e(0, Q::Pop, Some(2), 4, 5),
        ];
        assert_eq!(
            linearize(&Fifo, &VecDeque::new(), &history),
            Ok(vec![1, 0, 2])
        );
    }

    #[test]
    fn a_result_that_real_time_forbids_is_rejected() {
        // push(1) returned before push(2) was called, so a FIFO queue must
        // give 1 first: popping 2 first is not linearizable.
        let history = [
            e(0, Q::Push(1), None, 0, 1),
            e(0, Q::Push(2), None, 2, 3),
            e(1, Q::Pop, Some(2), 4, 5),
        ];
        let why = linearize(&Fifo, &VecDeque::new(), &history).unwrap_err();
        assert_eq!(why.explained, 2);
        assert_eq!(why.candidates, vec![(2, Some(Some(1)))]);
        let lines = describe(&history, &why);
        assert!(
            lines[1].contains(
                "thread 1 Pop returned Some(2), but a sequential run would return Some(1) here"
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn the_same_results_with_overlap_are_accepted() {
        // The same results, but the pushes overlap: linearizable.
        let history = [
            e(0, Q::Push(1), None, 0, 3),
            e(2, Q::Push(2), None, 1, 2),
            e(1, Q::Pop, Some(2), 4, 5),
        ];
        assert!(linearize(&Fifo, &VecDeque::new(), &history).is_ok());
    }

    #[test]
    fn a_value_popped_twice_is_rejected_and_a_blocking_pop_waits_for_its_push() {
        let twice = [
            e(0, Q::Push(7), None, 0, 1),
            e(1, Q::Pop, Some(7), 2, 5),
            e(2, Q::Pop, Some(7), 3, 4),
        ];
        assert!(linearize(&Fifo, &VecDeque::new(), &twice).is_err());
        // A pop called on an empty queue that returns after a push started:
        // it linearizes after the push.
        let waits = [e(1, Q::Pop, Some(3), 0, 5), e(0, Q::Push(3), None, 2, 3)];
        assert_eq!(linearize(&Fifo, &VecDeque::new(), &waits), Ok(vec![1, 0]));
    }

    #[test]
    fn memoization_keeps_a_wide_rejected_history_cheap() {
        // 3 threads × 12 overlapping pushes of equal values, then a pop that
        // no order explains: without memoization the search would try every
        // interleaving (36!/(12!)^3) before giving up.
        let mut history = Vec::new();
        let mut tick = 0;
        for _ in 0..12 {
            for t in 0..3 {
                history.push(e(t, Q::Push(1), None, tick, tick + 10));
                tick += 1;
            }
            tick += 1;
        }
        history.push(e(0, Q::Pop, Some(2), 10_000, 10_001));
        assert!(linearize(&Fifo, &VecDeque::new(), &history).is_err());
    }
}
