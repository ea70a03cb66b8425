//! A race check's budget as the metadata sets it (`budget = { rounds = 300 }`
//! in `checks.toml`) and as the grader hands it to the check program
//! (`--budget rounds=300,max_ms=5000`). The kit's tools apply it over the
//! numbers the check's code sets.

use std::fmt;

/// Budget values from the metadata; `None` keeps what the check's code says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    /// Stress rounds (`Stress::rounds`).
    pub rounds: Option<u64>,
    /// Explored schedules (`Explore::iterations`).
    pub schedules: Option<u64>,
    /// PCT bug depth of an exploration (`Explore::depth`).
    pub depth: Option<u64>,
    /// Loom preemption bound of a model (`Model::preemption_bound`).
    pub preemption_bound: Option<u64>,
    /// Time cap in milliseconds for any of them (`Stress::time_cap`,
    /// `Explore::max_time`, `Model::max_duration`).
    pub max_ms: Option<u64>,
}

/// Every budget key, in the order `--budget` writes them.
pub const KEYS: [&str; 5] = ["rounds", "schedules", "depth", "preemption_bound", "max_ms"];

impl Budget {
    /// Whether no key is set (then no `--budget` flag is passed).
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }

    /// The keys that are set, with their values, in [`KEYS`] order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, u64)> {
        [
            ("rounds", self.rounds),
            ("schedules", self.schedules),
            ("depth", self.depth),
            ("preemption_bound", self.preemption_bound),
            ("max_ms", self.max_ms),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|value| (key, value)))
    }

    /// Sets `key` to `value`; an unknown key or a value below the key's
    /// minimum (1, or 0 for `preemption_bound`) is an error in words.
    pub fn set(&mut self, key: &str, value: u64) -> Result<(), String> {
        let slot = match key {
            "rounds" => &mut self.rounds,
            "schedules" => &mut self.schedules,
            "depth" => &mut self.depth,
            "preemption_bound" => &mut self.preemption_bound,
            "max_ms" => &mut self.max_ms,
            _ => {
                return Err(format!(
                    "budget key `{key}` is unknown (known keys: {})",
                    KEYS.join(", ")
                ));
            }
        };
        let minimum = if key == "preemption_bound" { 0 } else { 1 };
        if value < minimum {
            return Err(format!("budget `{key}` must be at least {minimum}"));
        }
        *slot = Some(value);
        Ok(())
    }

    /// Parses the `--budget` argument: `key=value` pairs separated by commas.
    pub fn parse(text: &str) -> Result<Budget, String> {
        let mut budget = Budget::default();
        for pair in text.split(',').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("budget entry `{pair}` is not key=value"))?;
            let value = value
                .parse()
                .map_err(|_| format!("budget `{key}` takes a whole number, got `{value}`"))?;
            budget.set(key, value)?;
        }
        Ok(budget)
    }
}

/// The `--budget` argument: `rounds=300,max_ms=5000`.
impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.entries().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Budget;

    #[test]
    fn the_argument_round_trips() {
        let budget = Budget::parse("max_ms=5000,rounds=300").unwrap();
        assert_eq!(budget.rounds, Some(300));
        assert_eq!(budget.max_ms, Some(5000));
        assert_eq!(budget.to_string(), "rounds=300,max_ms=5000");
        assert_eq!(Budget::parse(&budget.to_string()), Ok(budget));
        assert!(Budget::default().is_empty());
        assert_eq!(Budget::parse(""), Ok(Budget::default()));
    }

    #[test]
    fn bad_entries_are_errors_in_words() {
        assert!(
            Budget::parse("rouns=3")
                .unwrap_err()
                .contains("`rouns` is unknown")
        );
        assert!(
            Budget::parse("rounds=0")
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(
            Budget::parse("rounds=x")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(Budget::parse("rounds").unwrap_err().contains("key=value"));
        assert_eq!(
            Budget::parse("preemption_bound=0")
                .unwrap()
                .preemption_bound,
            Some(0)
        );
    }
}
