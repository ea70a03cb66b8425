#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu, network available). /autograder/source holds the bundle made by
# `grader export DIR --include-private` plus these two scripts (README.md).
set -euo pipefail

apt-get update
apt-get install -y --no-install-recommends build-essential ca-certificates curl pkg-config python3

# Rust (the course needs edition 2024, Rust >= 1.85).
if ! command -v cargo >/dev/null 2>&1; then
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
        | sh -s -- -y --profile minimal --default-toolchain stable
fi
# shellcheck disable=SC1091
source "$HOME/.cargo/env"

cd /autograder/source
export CARGO_TARGET_DIR=/autograder/source/target
# `grader export` fits Cargo.lock to the exported workspace: every version
# is the course's own.
cargo fetch --locked
cargo build --locked --offline --release -p grader

# Warm the build cache: grading the stubs compiles the kit, the checks'
# dependencies and every check program once, so a submission only compiles
# its own exercise crates.
./target/release/grader --course /autograder/source --quiet --format json \
    --output /tmp/threadlings-warmup.json || true
