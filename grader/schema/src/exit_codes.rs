//! Exit codes of the `grader` binary, documented in the README.

/// Grading completed (whatever the score), or `verify` found nothing wrong.
pub const OK: u8 = 0;
/// The score was below `--min-score`, or `verify` found a miss.
pub const BELOW_MIN_SCORE_OR_VERIFY_FAILED: u8 = 1;
/// Usage error or infrastructure failure (cargo missing, unreadable metadata, ...).
pub const USAGE_OR_INFRASTRUCTURE: u8 = 2;
