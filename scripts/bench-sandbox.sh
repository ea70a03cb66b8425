#!/usr/bin/env bash
# The sandbox's cost per check (docs/sandbox.md "Cost"): a trivial check run
# 100 times through the grader's run stage, against a plain spawn of the same
# program. Run it a few times; the machine's load moves both numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
for _ in 1 2 3; do
    cargo test -q -p grader --test suite -- --ignored --exact sandbox::bench_per_check_cost --nocapture 2>&1 \
        | grep '^per check'
done
