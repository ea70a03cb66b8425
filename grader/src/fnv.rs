//! 64-bit FNV-1a, the grader's one hash for names that must stay the same
//! across grader builds and machines: generated-workspace slugs, stub
//! fingerprints, compiler-wrapper spec names, shard membership. Written out
//! (not `std::hash`, whose output may change between Rust releases); none of
//! its inputs is adversarial in a way a collision could reward.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// A running FNV-1a hash, for input fed in pieces.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(OFFSET)
    }
}

impl Fnv1a {
    pub fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(PRIME);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a::default();
    hash.write(bytes);
    hash.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let mut pieces = Fnv1a::default();
        pieces.write(b"a");
        pieces.write(b"bc");
        assert_eq!(pieces.finish(), fnv1a64(b"abc"));
    }
}
