//! The context a check runs with: its name and its seeded random source.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Handed to every check function.
pub struct Ctx {
    name: &'static str,
    seed: u64,
    rng: ChaCha8Rng,
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
        }
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
}
