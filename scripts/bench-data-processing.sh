#!/usr/bin/env bash
# Benchmark of exercise 15-data-processing: the reference answer
# (solutions/15-data-processing) against rayon and a plain one-thread loop, on
# the same seeded in-memory log, in the same run (interleaved rounds, best
# time of each). Goal: the reference's thread pool reaches at least 0.9x
# rayon's throughput; exits 1 below it.
#
#   scripts/bench-data-processing.sh [MIB] [ROUNDS]      (default 256 MiB, 5 rounds)
#
# The benchmark is its own cargo workspace (scripts/bench-data-processing), so
# rayon is never a dependency of the course crates.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="$root/target/bench-data-processing"
cargo build -q --release --manifest-path "$root/scripts/bench-data-processing/Cargo.toml"
exec "$CARGO_TARGET_DIR/release/bench" "${1:-256}" "${2:-5}"
