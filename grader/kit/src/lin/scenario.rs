//! Scenarios: what a linearizability check runs. An init part (run by one
//! thread before the others start), 2–3 threads of a few operations each,
//! and a post part (run once every thread has finished). Generated from the
//! check's seed, kept only when no interleaving can leave a thread blocked
//! forever (a correct answer must never hang on a scenario the kit chose),
//! and shrunk by dropping operations and threads.

use std::collections::HashSet;
use std::fmt;

use rand_chacha::ChaCha8Rng;

use super::Spec;

/// Where an operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Before the threads start, one operation after another.
    Init,
    /// On thread `n` (from 0), concurrently with the other threads.
    Thread(usize),
    /// After every thread has finished, one operation after another.
    Post,
}

impl Part {
    /// The part as the report's data.
    pub fn to_report(self) -> threadlings_schema::report::ScenarioPart {
        use threadlings_schema::report::ScenarioPart;
        match self {
            Part::Init => ScenarioPart::Init,
            Part::Thread(index) => ScenarioPart::Thread { index },
            Part::Post => ScenarioPart::Post,
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Init => write!(f, "init"),
            Part::Thread(t) => write!(f, "thread {t}"),
            Part::Post => write!(f, "post"),
        }
    }
}

/// How big generated scenarios are.
///
/// The limits (at most 4 init, 3 threads × 4, 4 post operations) keep the
/// checker's search tiny (≤ 5³ prefixes of the concurrent part) and, more
/// importantly, keep a failure readable: Lincheck's experience is that bugs
/// of this kind show with 2–3 threads of 2–3 operations, and a bigger
/// scenario only costs time per run, which is better spent on more runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub init: usize,
    pub threads: usize,
    pub ops: usize,
    pub post: usize,
}

impl Sizes {
    /// The largest sizes the kit accepts.
    pub const MAX: Sizes = Sizes {
        init: 4,
        threads: 3,
        ops: 4,
        post: 4,
    };

    /// Each size capped at [`Sizes::MAX`] (and at least one thread of one
    /// operation).
    pub fn clamped(self) -> Sizes {
        Sizes {
            init: self.init.min(Self::MAX.init),
            threads: self.threads.clamp(1, Self::MAX.threads),
            ops: self.ops.clamp(1, Self::MAX.ops),
            post: self.post.min(Self::MAX.post),
        }
    }
}

impl Default for Sizes {
    /// 1 init operation, 3 threads × 3 operations, 1 post operation.
    fn default() -> Sizes {
        Sizes {
            init: 1,
            threads: 3,
            ops: 3,
            post: 1,
        }
    }
}

/// One scenario: the operations of each part.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario<Op> {
    pub init: Vec<Op>,
    pub threads: Vec<Vec<Op>>,
    pub post: Vec<Op>,
}

impl<Op: Clone> Scenario<Op> {
    /// How many operations it holds.
    pub fn len(&self) -> usize {
        self.init.len() + self.threads.iter().map(Vec::len).sum::<usize>() + self.post.len()
    }

    /// Whether it holds no operation.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every scenario one step smaller: one thread dropped, or one operation
    /// dropped from any part. Threads left empty are removed.
    pub fn smaller(&self) -> Vec<Scenario<Op>> {
        let mut out = Vec::new();
        if self.threads.len() > 1 {
            for t in 0..self.threads.len() {
                let mut s = self.clone();
                s.threads.remove(t);
                out.push(s);
            }
        }
        for t in 0..self.threads.len() {
            for i in 0..self.threads[t].len() {
                let mut s = self.clone();
                s.threads[t].remove(i);
                s.threads.retain(|ops| !ops.is_empty());
                if !s.threads.is_empty() {
                    out.push(s);
                }
            }
        }
        for i in 0..self.init.len() {
            let mut s = self.clone();
            s.init.remove(i);
            out.push(s);
        }
        for i in 0..self.post.len() {
            let mut s = self.clone();
            s.post.remove(i);
            out.push(s);
        }
        out
    }
}

/// Draws a scenario of `sizes` from `rng` with the spec's generator.
pub fn generate<S: Spec>(spec: &S, sizes: Sizes, rng: &mut ChaCha8Rng) -> Scenario<S::Op> {
    Scenario {
        init: (0..sizes.init)
            .map(|_| spec.generate(rng, Part::Init))
            .collect(),
        threads: (0..sizes.threads)
            .map(|t| {
                (0..sizes.ops)
                    .map(|_| spec.generate(rng, Part::Thread(t)))
                    .collect()
            })
            .collect(),
        post: (0..sizes.post)
            .map(|_| spec.generate(rng, Part::Post))
            .collect(),
    }
}

/// Draws scenarios until one can never leave a thread blocked forever in
/// the model (at most `tries`); `None` when the generator keeps producing
/// scenarios that can.
pub fn generate_safe<S: Spec>(
    spec: &S,
    sizes: Sizes,
    rng: &mut ChaCha8Rng,
    tries: usize,
) -> Option<Scenario<S::Op>> {
    (0..tries)
        .map(|_| generate(spec, sizes, rng))
        .find(|scenario| never_stuck(spec, scenario))
}

/// Whether every interleaving of the scenario, run on the sequential model
/// (each operation atomic, a blocking one taking effect when the model lets
/// it), finishes: init and post never block, and no reachable state has
/// every unfinished thread blocked. A correct answer behaves like some such
/// interleaving, so it finishes too; a check that hangs on such a scenario
/// has found a lost wake-up, not a bad scenario.
pub fn never_stuck<S: Spec>(spec: &S, scenario: &Scenario<S::Op>) -> bool {
    let mut state = spec.initial();
    for op in &scenario.init {
        match spec.step(&state, op) {
            Some((next, _)) => state = next,
            None => return false,
        }
    }
    let mut seen = HashSet::new();
    let mut stack = vec![(vec![0_usize; scenario.threads.len()], state)];
    while let Some((pcs, state)) = stack.pop() {
        if !seen.insert((pcs.clone(), state.clone())) {
            continue;
        }
        let mut unfinished = false;
        let mut moved = false;
        for (t, ops) in scenario.threads.iter().enumerate() {
            let Some(op) = ops.get(pcs[t]) else {
                continue;
            };
            unfinished = true;
            if let Some((next, _)) = spec.step(&state, op) {
                moved = true;
                let mut pcs = pcs.clone();
                pcs[t] += 1;
                stack.push((pcs, next));
            }
        }
        if unfinished && !moved {
            return false;
        }
        if !unfinished {
            let mut state = state;
            for op in &scenario.post {
                match spec.step(&state, op) {
                    Some((next, _)) => state = next,
                    None => return false,
                }
            }
        }
    }
    true
}
