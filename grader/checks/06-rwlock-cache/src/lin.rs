//! Linearizability checks of exercise 06 (appended): the cache against its
//! sequential specification, a map from key to `compute(&key)` computed on
//! the first `get` of the key. The compute here counts its calls per key and
//! returns `key * 100 + calls so far`: a key computed twice gives a value the
//! sequential cache never returns. `len` is left out: its contract lets a
//! key being computed count or not, which no single sequential result states.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng;
use rwlock_cache::Cache;
use threadlings_kit::lin::{ChaCha8Rng, Lin, Part, Scenario, Spec};
use threadlings_kit::race::{Explore, Model};
use threadlings_kit::{CheckResult, Ctx, t};

const KEYS: u64 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Get(u64),
    Peek(u64),
}

pub struct CacheSpec;

impl Spec for CacheSpec {
    type Subject = Cache<u64, u64>;
    type Op = Op;
    type Ret = Option<u64>;
    type State = BTreeSet<u64>;

    fn label(&self) -> String {
        t!(
            "Cache::new(|k| k * 100 + times k was computed before)",
            "Cache::new(|k| k * 100 + 그전에 k가 계산된 횟수)"
        )
    }

    fn subject(&self) -> Cache<u64, u64> {
        // A plain std atomic: the counter is the check's, not the answer's.
        let computed: Arc<Vec<AtomicU64>> =
            Arc::new((0..KEYS).map(|_| AtomicU64::new(0)).collect());
        Cache::new(move |key: &u64| {
            threadlings::hint::spin_loop();
            key * 100 + computed[*key as usize].fetch_add(1, Ordering::SeqCst)
        })
    }

    fn apply(&self, cache: &Cache<u64, u64>, op: &Op) -> Option<u64> {
        threadlings_kit::race::doing(|| format!("{op:?}"));
        match op {
            Op::Get(key) => Some(cache.get(*key)),
            Op::Peek(key) => cache.peek(key),
        }
    }

    fn initial(&self) -> BTreeSet<u64> {
        BTreeSet::new()
    }

    fn step(&self, state: &BTreeSet<u64>, op: &Op) -> Option<(BTreeSet<u64>, Option<u64>)> {
        let mut next = state.clone();
        let ret = match op {
            Op::Get(key) => {
                next.insert(*key);
                Some(key * 100)
            }
            Op::Peek(key) => state.contains(key).then_some(key * 100),
        };
        Some((next, ret))
    }

    fn generate(&self, rng: &mut ChaCha8Rng, _part: Part) -> Op {
        // Few keys, so threads miss the same key at the same time.
        let key = rng.random_range(0..KEYS);
        if rng.random_range(0..100) < 70 {
            Op::Get(key)
        } else {
            Op::Peek(key)
        }
    }
}

pub fn cache_lin(ctx: &mut Ctx) -> CheckResult {
    Lin::new(CacheSpec).rounds(1500).stress(ctx)
}

pub fn cache_lin_explore(ctx: &mut Ctx) -> CheckResult {
    Lin::new(CacheSpec).explore(
        ctx,
        Explore::new(t!("generated Cache scenarios", "생성된 Cache 시나리오")).iterations(2000),
    )
}

pub fn cache_lin_model(ctx: &mut Ctx) -> CheckResult {
    // Loom explores every interleaving, so the scenario is the lesson's
    // shape: two threads missing the same key at once, a third peeking.
    Lin::new(CacheSpec).model_on(
        ctx,
        Model::new(t!(
            "two gets of one missing key and a peek",
            "없는 키 하나에 대한 get 두 번과 peek 한 번"
        )),
        vec![Scenario {
            init: vec![],
            threads: vec![vec![Op::Get(1)], vec![Op::Get(1)], vec![Op::Peek(1)]],
            post: vec![Op::Peek(1)],
        }],
    )
}
