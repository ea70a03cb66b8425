//! `--shard I/N`: which submissions one of N machines grades.
//!
//! A submission belongs to shard `1 + fnv1a64(name) mod N`, where `name` is
//! its directory name (UTF-8 bytes) and FNV-1a is the 64-bit variant. The
//! split depends on the name alone, not on the other submissions: a late
//! submission added to the directory joins one shard and moves no other, so a
//! shard's saved results stay valid when it is resumed. FNV-1a is written out
//! here (not `std`'s `DefaultHasher`, whose output may change between Rust
//! releases) so that every machine of a regrade, whatever its grader build,
//! splits the class the same way.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The one shard that grades everything.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// The shard that grades the submission named `name`.
    pub fn of(name: &str, count: u32) -> Shard {
        let count = count.max(1);
        Shard {
            // The remainder is < count, which fits in u32.
            index: (fnv1a64(name.as_bytes()) % u64::from(count)) as u32 + 1,
            count,
        }
    }

    /// Whether this shard grades the submission named `name`.
    pub fn contains(self, name: &str) -> bool {
        Shard::of(name, self.count) == self
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = || format!("--shard takes I/N with 1 <= I <= N (e.g. 2/8), got `{text}`");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: u32 = index.trim().parse().map_err(|_| usage())?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

pub use crate::fnv::fnv1a64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!("1/1".parse(), Ok(Shard::WHOLE));
        for bad in ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_name_is_in_exactly_one_shard() {
        let names: Vec<String> = (0..200).map(|i| format!("student-{i:03}")).collect();
        let count = 4;
        let mut sizes = [0; 4];
        for name in &names {
            let owners: Vec<u32> = (1..=count)
                .filter(|&index| Shard { index, count }.contains(name))
                .collect();
            assert_eq!(owners.len(), 1, "{name}: {owners:?}");
            sizes[owners[0] as usize - 1] += 1;
        }
        // A hash, not a round robin: roughly even, none empty.
        assert!(sizes.iter().all(|&n| (30..=70).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn the_split_is_pinned() {
        // Known FNV-1a 64 values: a change here would move students between
        // the shards of a regrade already under way.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            Shard::of("a", 4).index,
            (0xaf63_dc4c_8601_ec8c_u64 % 4) as u32 + 1
        );
    }
}
