#!/usr/bin/env bash
# Grades every concurrency mutant of every reference solution and prints the
# coverage table (grader/src/mutants/). Exit status 1 when a mutant survives
# that grader/checks/NN-topic/mutants.toml does not mark equivalent.
#
# usage: scripts/mutants.sh [--seed N] [EXERCISE...]
# CI grades a seeded sample instead (`verify --mutants --mutants-sample N`).
set -euo pipefail
cd "$(dirname "$0")/.."

seed=$(date +%s)
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        *) only+=(--only "$1"); shift ;;
    esac
done
exec cargo run --locked --quiet -p grader -- mutants --grade --mutants-all --seed "$seed" "${only[@]}"
