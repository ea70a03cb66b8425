//! The context a check runs with: its name, its seeded random source and the
//! budget the metadata sets for it.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use threadlings_schema::budget::Budget;

/// Handed to every check function.
pub struct Ctx {
    name: &'static str,
    seed: u64,
    rng: ChaCha8Rng,
    budget: Budget,
    /// Whether a tool (or the check itself) read the budget.
    budget_read: AtomicBool,
}

impl Ctx {
    pub(crate) fn new(name: &'static str, seed: u64) -> Self {
        // Each check gets its own stream so adding a check never changes the
        // inputs another check sees for the same run seed.
        let stream = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        Ctx {
            name,
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed ^ stream),
            budget: Budget::default(),
            budget_read: AtomicBool::new(false),
        }
    }

    /// The same context with the metadata's budget (`--budget`).
    pub(crate) fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// The check's name as listed in the metadata.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The run seed; `grader --seed` replays it.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A deterministic random source derived from the seed and the check name.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// The budget set by the check's `budget` table in `checks.toml` (empty
    /// when it has none). [`crate::race::Stress`], [`crate::race::Explore`]
    /// and [`crate::race::Model`] apply it over the numbers the check's code
    /// sets; a check that sizes its work itself reads it here. A budget that
    /// nothing reads fails a passing check as a metadata error.
    pub fn budget(&self) -> Budget {
        self.budget_read.store(true, Ordering::Relaxed);
        self.budget
    }

    /// Whether the metadata set a budget that nothing has read.
    pub(crate) fn budget_unread(&self) -> bool {
        !self.budget.is_empty() && !self.budget_read.load(Ordering::Relaxed)
    }

    /// The `--budget ...` flag that reproduces this budget (empty when none).
    pub(crate) fn budget_flag(&self) -> String {
        if self.budget.is_empty() {
            String::new()
        } else {
            format!(" --budget {}", self.budget)
        }
    }
}
